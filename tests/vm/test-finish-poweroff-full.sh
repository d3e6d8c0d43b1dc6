#!/bin/bash
# A disk install whose kickstart says `poweroff` really powers the machine
# off: inside vm-run, slipway installs the test distro's @core onto /dev/vda
# (the VM's only disk, %post included), tears down, and calls reboot(2) (PID 1
# is vm-run's busybox /init, not systemd); vm-run --expect-shutdown poweroff
# proves the kernel powered off while slipway ran. Then the disk is checked
# on the host: everything was on it before the power went. ~15 min under TCG
# on a loaded machine, hence make check-full only.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
S=${SLIPWAY_BIN:-$PWD/build/slipway}
R=$(tests/fixtures/distro/build.sh 2>/dev/null) || { echo "SKIP: the test distro repo cannot be built"; exit 77; }
[ -f "$R/repodata/repomd.xml" ] || { echo "SKIP: the test distro repo cannot be built ($R)"; exit 77; }
work=$(mktemp -d /var/tmp/slipway-vmpoweroff.XXXXXX)
_tmps+=("$work")
truncate -s 4G "$work/disk.img"
cat >"$work/disk.ks" <<KS
url --url=file://$R
ignoredisk --only-use=vda
clearpart --all --initlabel
autopart --type=plain --noswap
rootpw --plaintext vm-poweroff-pw
network --bootproto=dhcp --hostname=poweroff-test
poweroff
%packages
@core
%end
%post
echo "post ran in \$(cat /etc/hostname)"
%end
KS
t0=$SECONDS
rc=0
tests/vm/vm-run --rw-root --disk "$work/disk.img" --share "$work" --mem 2048 --cpus 2 --timeout 2400 \
	--expect-shutdown poweroff -- "$S" install -k "$work/disk.ks" --yes --log "$work/install.log" \
	>"$work/out" 2>&1 || rc=$?
echo "the install in the VM took $((SECONDS - t0)) s"
if [ $rc != 0 ]; then
	tail -30 "$work/out"
	fail "vm-run --expect-shutdown poweroff: exit $rc"
fi
grep -q 'vm-run: the command powered the VM off, as expected' "$work/out" || fail "vm-run: $(tail -3 "$work/out")"
grep -q 'info: finish: poweroff (reboot(2): PID 1 is not systemd)' "$work/install.log" ||
	fail "the log does not show the poweroff: $(tail -5 "$work/install.log")"
# teardown ran before the power went
awk '/stage begins: unmounting/ {t = NR} /finish: poweroff/ {p = NR} END {exit !(t && p > t)}' "$work/install.log" ||
	fail "the poweroff came before the teardown"
grep -q vm-poweroff-pw "$work/install.log" "$work/out" && fail "the root password is in the log"

new_loop l "$work/disk.img"
partitions "$l" p2
root=
for p in "$l"p*; do # the Discoverable Partitions x86-64 root type (no udev here: ask blkid)
	[ "$(blkid -p -s PART_ENTRY_TYPE -o value "$p")" = 4f68bce3-e8cd-4db1-96e7-fbcaf984b709 ] && root=$p
done
[ -n "$root" ] || fail "no x86-64 root partition on the disk: $(blkid -p "$l"p*)"
mkdir "$work/m"
mount -o ro "$root" "$work/m" && track_mount "$work/m"
expect_eq "hostname on the disk" poweroff-test "$(cat "$work/m/etc/hostname")"
expect_eq "%post log on the disk" "post ran in poweroff-test" "$(cat "$work/m/var/log/slipway/scripts/post-1.log")"
[ -s "$work/m/var/log/slipway/install.log" ] || fail "no install.log on the disk"
n=$(rpm --root "$work/m" --dbpath /var/lib/rpm -qa | grep -vc '^gpg-pubkey') || fail "rpm -qa on the disk failed"
# the plan went to stdout before the power went: slipway flushes it first
plan=$(grep -o 'install [0-9]* packages' "$work/out" | head -1 | grep -o '[0-9]*') ||
	fail "no plan in slipway's output: $(head -5 "$work/out")"
expect_eq "packages on the disk vs the plan" "$plan" "$n"
echo ok
