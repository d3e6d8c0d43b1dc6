#!/bin/bash
# Installs every build and test dependency of slipway with apt-get.
# Idempotent: packages already present are skipped; apt's lists are refreshed
# only when a package is missing. Never changes the machine's apt sources.
set -euo pipefail

build=(
	build-essential pkg-config clang-format
	libblkid-dev libfdisk-dev libmount-dev libncurses-dev libcryptsetup-dev
	librpm-dev libsolv-dev libsolvext-dev libcurl4-openssl-dev libjson-c-dev
	libcrypt-dev libcmocka-dev libargon2-dev libzstd-dev libssl-dev
	# make static (tools/static/build-libs.sh): apt-get source, cmake, and the
	# libraries whose Debian .a files the static link takes as they are.
	dpkg-dev cmake meson liblua5.4-dev libpopt-dev libsqlite3-dev libexpat1-dev
	liblzma-dev libbz2-dev zlib1g-dev libarchive-dev libmagic-dev
)
test=(
	rpm rpm2cpio createrepo-c dnf gnupg python3 curl
	e2fsprogs xfsprogs dosfstools mtools btrfs-progs fdisk util-linux kmod
	qemu-system-x86 qemu-utils ovmf seabios linux-image-amd64 busybox-static
	cryptsetup-bin cpio zstd xz-utils mdadm
	grub-pc-bin grub-efi-amd64-bin grub-common xorriso
	# make iso (tools/iso/mkiso.sh): udevd and the tools of the initramfs
	udev efibootmgr ca-certificates
	tmux strace expect openssl
	gnuplot-nox # make bench: the PNG chart
	clang llvm libclang-rt-14-dev
)

missing=()
for p in "${build[@]}" "${test[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#build[@]} build and ${#test[@]} test packages present"
	exit 0
fi
echo "deps: installing ${#missing[@]} packages from the configured Debian archive: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -q
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
