#!/bin/bash
# (make check-full) A btrfs root boots: slipway installs the test distro's
# @core onto a single-device btrfs / and /home (`part --fstype=btrfs`) in an
# image; it boots under SeaBIOS, where grub's core.img reads /boot from the
# btrfs root with its btrfs module, and the initramfs mounts the btrfs root
# (dracut's btrfs module, btrfs-progs in the target). After the login: / and
# /home are btrfs with the planned labels, fstab mounted everything, and
# scenario-checks.sh passes. ~3-4 min under TCG, so not in make check.
set -euo pipefail
cd "$(dirname "$0")/../.."
S=${SLIPWAY_BIN:-$PWD/build/slipway}
R=$(tests/fixtures/distro/build.sh 2>/dev/null) || { echo "FAIL: the test distro repo cannot be built"; exit 1; }
work=$(mktemp -d /var/tmp/slipway-btrfs.XXXXXX)
trap 'rm -rf "$work"' EXIT
pw="btrfs-$RANDOM"
cat >"$work/ks.cfg" <<KS
url --url=file://$R
rootpw --plaintext $pw
network --bootproto=dhcp --hostname=btrfs-test
reqpart
part / --fstype=btrfs --grow --label=btrfs-root
part /home --fstype=btrfs --size=300 --label=btrfs-home
%packages
@core
%end
KS
t0=$SECONDS
TMPDIR=$work "$S" install -k "$work/ks.cfg" --image "$work/disk.img" --size 4G --log "$work/install.log" \
	>"$work/out" 2>&1 || { tail -20 "$work/out"; echo "FAIL: the install failed"; exit 1; }
echo "install: $((SECONDS - t0)) s"
. tests/vm/scenario-checks.sh
scenario_checks "$work/out"
t0=$SECONDS
scenario_boot "$work" "the btrfs root did not boot and pass the checks under SeaBIOS" --disk "$work/disk.img" --firmware bios --password "$pw" \
	--run 'findmnt -n -o FSTYPE,LABEL /' --expect '^btrfs +btrfs-root$' \
	--run 'findmnt -n -o FSTYPE,LABEL /home' --expect '^btrfs +btrfs-home$' \
	--run 'cat /etc/hostname' --expect '^btrfs-test$'
echo "booted from btrfs and checked in $((SECONDS - t0)) s"
echo ok
