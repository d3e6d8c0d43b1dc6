#!/bin/bash
# Builds the installer ISO (`make iso`): a hybrid BIOS+UEFI image made by grub-mkrescue
# holding the host's Debian kernel, an initramfs (busybox, udevd, the mkfs tools, kernel
# modules, static slipway, tools/iso/init) and the test distro's repo at its root.
# Prints only the ISO's path on stdout; progress goes to stderr. See tools/iso/README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
out_dir=$top/build/iso
iso=$out_dir/slipway.iso
cache=${SLIPWAY_CACHE:-/var/cache/slipway}

log() { echo "mkiso: $*" >&2; }
die() {
	echo "mkiso: $*" >&2
	exit 1
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }
mib() { du -sb "$1" | awk '{ printf "%.1f MiB", $1 / 1048576 }'; }

case ${1:-} in
--print-path) echo "$iso"; exit 0 ;;
-h | --help)
	echo "usage: $0 [--print-path]   (SLIPWAY_BIN=FILE: put FILE in as slipway)"
	exit 0
	;;
'') ;;
*) echo "usage: $0 [--print-path]" >&2; exit 2 ;;
esac

for t in grub-mkrescue xorriso mformat cpio zstd depmod modprobe readelf busybox; do
	command -v "$t" >/dev/null || die "$t is missing: run 'make deps' (tools/deps.sh)"
done
[ -d /usr/lib/grub/i386-pc ] || die "grub-pc-bin is missing (BIOS boot): run 'make deps'"
[ -d /usr/lib/grub/x86_64-efi ] || die "grub-efi-amd64-bin is missing (UEFI boot): run 'make deps'"

is_static() { # no PT_INTERP, no dynamic section
	! LC_ALL=C readelf -lW "$1" 2>/dev/null | grep -q 'INTERP' &&
		LC_ALL=C readelf -d "$1" 2>&1 | grep -q 'There is no dynamic section'
}

t_all=$(now)

# --- inputs ------------------------------------------------------------------
# The kernel vm-run boots too: the newest Debian linux-image on the host.
kernel=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1) ||
	true
[ -n "$kernel" ] || die "no /boot/vmlinuz-* (install linux-image-amd64)"
kver=${kernel##*/vmlinuz-}
moddir=/lib/modules/$kver
[ -d "$moddir" ] || die "$kernel: no $moddir"
# zstd when the kernel can unpack it (Debian's can), else gzip
compress=(gzip -9n) compress_fast=(gzip -6n)
if grep -qx 'CONFIG_RD_ZSTD=y' "/boot/config-$kver" 2>/dev/null; then
	compress=(zstd -q -15 -T2) compress_fast=(zstd -q -9 -T2)
fi

# slipway: the static release binary unless SLIPWAY_BIN names another one.
if [ -n "${SLIPWAY_BIN:-}" ]; then
	slipway=$(realpath "$SLIPWAY_BIN")
	[ -x "$slipway" ] || die "SLIPWAY_BIN=$SLIPWAY_BIN: not an executable file"
else
	if ! "$top/tools/static/build-libs.sh" --is-cached; then
		log "building the static libraries first (tools/static/build-libs.sh: ~3 min idle, more under load)"
	fi
	log "make static"
	t=$(now)
	nice -n 10 make --no-print-directory -C "$top" static >&2 || die "make static failed"
	slipway=$(make --no-print-directory -s -C "$top" static-path)
	log "make static: $(elapsed "$t")"
	is_static "$slipway" || die "$slipway is not statically linked; refusing it as the default (set SLIPWAY_BIN to use another binary)"
fi

log "the test distro repo (tests/fixtures/distro/build.sh; cached, ~3 min when cold)"
repo=$("$top/tests/fixtures/distro/build.sh") || die "the test distro repo could not be built"
[ -f "$repo/repodata/repomd.xml" ] || die "$repo: no repodata/repomd.xml"

# --- the initramfs base (cached) ----------------------------------------------
# Everything but slipway and init: busybox, udevd with the host's rules, the tools
# slipway runs outside the target, kernel modules. Keyed on every file that goes in.

# What slipway runs outside the target (common/run.c callers), udev and its helpers.
tools=(mkfs.ext4 mkfs.xfs mkfs.vfat mkswap mcopy efibootmgr udevadm
	/lib/systemd/systemd-udevd:/lib/systemd/systemd-udevd
	/lib/udev/ata_id:/lib/udev/ata_id /lib/udev/scsi_id:/lib/udev/scsi_id
	/lib/udev/cdrom_id:/lib/udev/cdrom_id)
command -v mkfs.btrfs >/dev/null && tools+=(mkfs.btrfs)
# Loaded by udev through modalias, by the kernel on mount, or by slipway's tools.
modules=(
	virtio_pci virtio_blk virtio_scsi virtio_net virtio_console virtio_rng
	ahci ata_piix ata_generic sd_mod sr_mod cdrom nvme
	xhci_pci ehci_pci uhci_hcd ohci_pci usb_storage uas usbhid hid_generic
	e1000 e1000e af_packet
	iso9660 vfat nls_cp437 nls_iso8859-1 nls_ascii nls_utf8 ext4 xfs btrfs loop efivarfs
	dm_mod dm_crypt aesni_intel aes_generic xts cbc sha256_generic sha512_generic
	crc32c_intel crc32c_generic algif_skcipher algif_hash af_alg
)
rules=/lib/udev/rules.d

resolve() {
	local m
	for m in "$@"; do
		modprobe -S "$kver" --show-depends "$m" 2>/dev/null | awk '$1 == "insmod" { print $2 }' ||
			true
	done | awk '!seen[$0]++'
}
mapfile -t kos < <(resolve "${modules[@]}")
[ ${#kos[@]} -gt 0 ] || die "no modules resolved for $kver"

tool_paths() {
	local s n p
	for s in "${tools[@]}"; do
		n=${s%%:*} p=$n
		[[ $n == /* ]] || p=$(command -v "$n") || { echo "mkiso: $n: not installed (make deps)" >&2; return 1; }
		realpath "$p"
		ldd "$p" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
	done | sort -u
}
tool_files=$(tool_paths) || exit 1
# The TUI's terminals (slipway's ncurses reads /etc/terminfo, /lib/terminfo and
# /usr/share/terminfo): the consoles an installer meets and the ones tests use.
terminals=(linux vt100 vt102 vt220 xterm xterm-256color screen dumb ansi)
terminfo_files=$(for t in "${terminals[@]}"; do
	f=$(ls /etc/terminfo/?/"$t" /lib/terminfo/?/"$t" /usr/share/terminfo/?/"$t" 2>/dev/null | head -n 1)
	[ -n "$f" ] || { echo "mkiso: no terminfo entry for $t (ncurses-base, ncurses-term)" >&2; exit 1; }
	echo "$f"
done) || exit 1
# The CA certificates slipway's libcurl verifies https:// kickstarts and
# repos with (the static build's default bundle path; Debian's ca-certificates)
cabundle=/etc/ssl/certs/ca-certificates.crt
[ -s "$cabundle" ] || { echo "mkiso: no $cabundle (ca-certificates)" >&2; exit 1; }
hash=$( {
	echo "$kver ${tools[*]} ${modules[*]} ${compress[*]}"
	sha256sum "${BASH_SOURCE[0]}" "$top/tests/vm/vm-bare-root" "$kernel" "$(command -v busybox)" \
		/etc/mke2fs.conf $tool_files $terminfo_files "${kos[@]}" "$rules"/*.rules "$cabundle"
} | sha256sum | cut -c1-16)
base=$cache/iso-$hash

if [ -f "$base/base.cpio.zst" ]; then
	log "initramfs base up to date: $base"
else
	mkdir -p "$cache"
	exec 9>"$cache/.iso-$hash.lock"
	flock -n 9 || { log "waiting for another build of $base ..."; flock 9; }
fi
if [ ! -f "$base/base.cpio.zst" ]; then
	t=$(now)
	log "building the initramfs base for $kver in $base (busybox, ${#tools[@]} tools, ${#kos[@]} modules)"
	tmp=$(mktemp -d "$cache/iso-$hash.tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	root=$tmp/root
	gconvs=(--gconv IBM850)
	"$top/tests/vm/vm-bare-root" "$root" $(printf -- '--tool %s ' "${tools[@]}") "${gconvs[@]}" \
		--file /etc/mke2fs.conf
	mkdir -p "$root"/{dev,proc,sys,run,tmp,root,mnt,sbin,usr/sbin,var/tmp,etc/udev,lib/udev/rules.d}
	chmod 1777 "$root/tmp" "$root/var/tmp"
	mkdir -p "$root/etc/ssl/certs"
	cp -L "$cabundle" "$root/etc/ssl/certs/"
	for f in $terminfo_files; do
		t=$root/usr/share/terminfo/$(basename "$(dirname "$f")")
		mkdir -p "$t"
		cp -L "$f" "$t/"
	done
	# the kernel runs /sbin/modprobe to load filesystems and aliases
	ln -s ../bin/busybox "$root/sbin/modprobe"
	cp "$rules"/*.rules "$root/lib/udev/rules.d/"
	rm -f "$root/lib/udev/rules.d/85-hwclock.rules" # a Debian script not carried
	for ko in "${kos[@]}"; do
		rel=${ko#"$moddir"/}
		mkdir -p "$root/lib/modules/$kver/$(dirname "$rel")"
		cp "$ko" "$root/lib/modules/$kver/$rel"
	done
	cp "$moddir"/modules.{order,builtin,builtin.modinfo} "$root/lib/modules/$kver/"
	depmod -b "$root" "$kver"
	printf '%s\n' "${modules[@]}" >"$root/etc/slipway-iso-modules"
	# groups the udev rules name (else udevd warns about every one of them)
	{
		echo 'root:x:0:'
		for g in tty disk lp kmem dialout cdrom tape audio video input kvm render sgx users; do
			getent group "$g" | cut -d: -f1-3 | sed 's/$/:/'
		done
	} >"$root/etc/group"
	printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
	log "compressing the base ($(mib "$root"))"
	(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) |
		"${compress[@]}" >"$tmp/base.cpio.zst"
	{
		echo "kernel $kver"
		echo "files $(find "$root" -type f | wc -l)"
		echo "unpacked $(mib "$root")"
		echo "modules ${#kos[@]} ($(mib "$root/lib/modules"))"
		echo "tools $(mib "$root/tools")"
		echo "compressed $(mib "$tmp/base.cpio.zst")"
	} >"$tmp/sizes"
	rm -rf "$root"
	mv "$tmp" "$base"
	trap - EXIT
	log "initramfs base: $(elapsed "$t"); $(tr '\n' ';' <"$base/sizes")"
fi

# --- the ISO ------------------------------------------------------------------
mkdir -p "$out_dir"
stage=$(mktemp -d "$out_dir/stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
top_layer=$stage/initrd-top
mkdir -p "$stage/iso/images/pxeboot" "$stage/iso/boot/grub"
if is_static "$slipway"; then
	mkdir -p "$top_layer/usr/bin"
	install -m 0755 "$slipway" "$top_layer/usr/bin/slipway"
else
	# a dynamic build (SLIPWAY_BIN): its libraries under /tools like the tools'
	# (the base's are the same host files); busybox is in the base already
	log "$slipway is dynamically linked: it goes in with its libraries under /tools"
	"$top/tests/vm/vm-bare-root" "$top_layer" --tool "$slipway:/usr/bin/slipway"
	rm -rf "$top_layer/bin" "$top_layer/etc"
	# and the rpm configuration of the librpm it is linked with (the static
	# binary carries its own)
	mkdir -p "$top_layer/usr/lib/rpm"
	cp /usr/lib/rpm/rpmrc /usr/lib/rpm/macros "$top_layer/usr/lib/rpm/"
fi
mkdir -p "$top_layer/usr/share/udhcpc" "$top_layer/etc"
install -m 0755 "$here/init" "$top_layer/init"
install -m 0755 "$here/udhcpc.script" "$top_layer/usr/share/udhcpc/default.script"
version=$("$slipway" version 2>/dev/null | head -n 1) || version="slipway (version unknown)"
echo "$version" >"$top_layer/etc/slipway-release"
initrd=$stage/iso/images/pxeboot/initrd.img
cp "$base/base.cpio.zst" "$initrd"
# a second archive: the kernel unpacks concatenated (compressed) cpio archives in turn
(cd "$top_layer" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) |
	"${compress_fast[@]}" >>"$initrd"
cp "$kernel" "$stage/iso/images/pxeboot/vmlinuz"
cp "$here/grub.cfg" "$stage/iso/boot/grub/grub.cfg"

log "grub-mkrescue: $(mib "$initrd") initramfs, $(mib "$kernel") kernel, the repo $(mib "$repo")"
t=$(now)
# The repo is a second source directory: its content lands at the ISO's root
# (repodata/ at /, as slipway's cdrom source looks for it) without a copy.
nice -n 10 grub-mkrescue -o "$stage/slipway.iso" --locales= --fonts= --themes= \
	--product-name=slipway "$stage/iso" "$repo" -volid SLIPWAY >"$stage/mkrescue.log" 2>&1 ||
	{ cat "$stage/mkrescue.log" >&2; die "grub-mkrescue failed"; }
mv "$stage/slipway.iso" "$iso"
log "grub-mkrescue: $(elapsed "$t")"
log "$iso: $(mib "$iso") ($version, kernel $kver) in $(elapsed "$t_all")"
echo "$iso"
