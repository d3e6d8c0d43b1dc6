#!/bin/bash
# Boot scenario 2 of the system-boot issue (make check-full; make check boots the
# same layout — UEFI, xfs root on LUKS2, ext4 /boot, ESP — installed through the
# TUI: test-tui-luks-boot.sh): UEFI (OVMF), an xfs root on LUKS2,
# a separate ext4 /boot and the ESP (reqpart). The host has no dm-crypt, so
# slipway installs the test distro's @core onto /dev/vda inside vm-run booted
# through OVMF (the plan sees UEFI firmware, as on a real UEFI machine); then
# vm-boot boots that disk under OVMF (fresh NVRAM: the fallback
# EFI/BOOT/BOOTX64.EFI), types the passphrase on the serial console when the
# initramfs asks for it, logs in with the kickstart's root password and checks
# / on the LUKS mapping, the filesystems, the kernel command line, systemd's
# state and the package count against the plan. ~5 min under TCG (3.5 for
# the install, 1.5 for the boot).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
S=${SLIPWAY_BIN:-$PWD/build/slipway}
R=$(tests/fixtures/distro/build.sh 2>/dev/null) || fail "the test distro repo cannot be built"
work=$(mktemp -d /var/tmp/slipway-luksboot.XXXXXX)
_tmps+=("$work")
pp="luks boot $RANDOM"
pw="root-$RANDOM"
truncate -s 5G "$work/disk.img"
cat >"$work/ks.cfg" <<KS
url --url=file://$R
ignoredisk --only-use=vda
clearpart --all --initlabel
reqpart
part /boot --fstype=ext4 --size=512
part / --fstype=xfs --size=2500 --grow --encrypted --passphrase="$pp" --pbkdf-memory=65536 --pbkdf-time=500
rootpw --plaintext $pw
network --bootproto=dhcp --hostname=luks-root
%packages
@core
%end
KS
t0=$SECONDS
rc=0
tests/vm/vm-run --firmware uefi --rw-root --disk "$work/disk.img" --share "$work" --mem 2048 --cpus 2 \
	--timeout 2700 -- "$S" install -k "$work/ks.cfg" --yes --log "$work/install.log" >"$work/out" 2>&1 || rc=$?
echo "the install in the VM took $((SECONDS - t0)) s"
[ $rc = 0 ] || { tail -30 "$work/out"; fail "slipway install in vm-run: exit $rc"; }
grep -q '^storage (firmware: uefi)' "$work/out" || fail "the plan did not see UEFI firmware: $(grep -m1 '^storage' "$work/out")"
grep -qF "$pp" "$work/out" "$work/install.log" && fail "the LUKS passphrase is in the output"
. tests/vm/scenario-checks.sh
scenario_checks "$work/out"

t0=$SECONDS
scenario_boot "$work" "the LUKS root did not boot and pass the checks under OVMF" --disk "$work/disk.img" --firmware uefi --luks-passphrase "$pp" --password "$pw" \
	--login-timeout 1500 \
	--run 'cat /etc/hostname' --expect '^luks-root$' \
	--run 'test -d /sys/firmware/efi && echo uefi' --expect '^uefi$' \
	--run 'findmnt -n -o SOURCE,FSTYPE /' --expect '^/dev/mapper/luks-[0-9a-f-]+ +xfs$' \
	--run 'findmnt -n -o FSTYPE /boot' --expect '^ext4$' \
	--run 'findmnt -n -o FSTYPE /boot/efi' --expect '^vfat$' \
	--run 'cat /proc/cmdline' --expect 'rd\.luks\.uuid=[0-9a-f-]+' \
	--run 'cryptsetup status "$(findmnt -n -o SOURCE / | sed "s|/dev/mapper/||")" | grep -i "type:"' \
	--expect '(?i)type: +luks2'
grep -q 'passphrase prompt' "$work/serial.log" || fail "the boot never asked for the passphrase"
# (The serial transcript is not checked for the passphrase: under load the
# guest echoed it once, typed before its prompt had turned echo off — the
# guest's behaviour, not slipway's, whose own outputs are checked above.)
echo "booted, unlocked and checked in $((SECONDS - t0)) s"
echo ok
