#!/bin/bash
# What slipway installs boots: docs/examples/demo.ks (the test distro's
# @^minimal-environment, default hybrid layout) into one image, which then boots
# under SeaBIOS and under OVMF; vm-boot logs in with the kickstart's root
# password and checks hostname, the user's groups, root=UUID= on the kernel
# command line, systemd's state and the vfat ESP mounted from fstab.
set -euo pipefail
cd "$(dirname "$0")/../.."
S=${SLIPWAY_BIN:-$PWD/build/slipway}
work=$(mktemp -d /var/tmp/slipway-hybrid.XXXXXX)
trap 'rm -rf "$work"' EXIT
repo=$(tests/fixtures/distro/build.sh)
sed "s|@REPO@|$repo|" docs/examples/demo.ks >"$work/ks.cfg"
t0=$SECONDS
TMPDIR=$work "$S" install -k "$work/ks.cfg" --image "$work/disk.img" --size 4G --progress none \
	--log "$work/install.log" >"$work/out" || { tail -20 "$work/install.log"; exit 1; }
echo "install: $((SECONDS - t0)) s"
. tests/vm/scenario-checks.sh
scenario_checks "$work/out"
for fw in bios uefi; do
	t0=$SECONDS
	tests/vm/vm-boot --disk "$work/disk.img" --firmware "$fw" --password changeme --qemu-arg=-snapshot \
		--log "$work/serial-$fw.log" \
		--run 'cat /etc/hostname' --expect '^slipway-demo$' \
		--run 'id demo' --expect '\(wheel\)' \
		--run 'cat /proc/cmdline' --expect 'root=UUID=[0-9a-f-]+ ro' \
		--run 'findmnt -n -o FSTYPE /boot/efi' --expect '^vfat$' "${checks[@]}" ||
		{ echo "FAIL: $fw boot; last serial lines:"; tail -30 "$work/serial-$fw.log" | tr -d '\r'; exit 1; }
	echo "$fw: booted and checked in $((SECONDS - t0)) s"
done
