#!/bin/bash
# Disk safety where the host kernel cannot go (no device-mapper on the host):
# inside vm-run, a disk with a device-mapper device stacked on it is refused
# by `slipway install --yes` with exit 3 and the holder named, and its bytes
# are unchanged, and so is a member of an md RAID1; once the mapping is gone the same kickstart gets past the
# selection (it is stopped by a signal before storage). The host-side cases
# (mounted, swap, running installer, OEMDRV, read-only) are in
# tests/integration/test-disk-safety.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
S=${SLIPWAY_BIN:-$PWD/build/slipway}
R=$(tests/fixtures/distro/build.sh 2>/dev/null) || { echo "FAIL: the test distro repo cannot be built"; exit 1; }
work=$(mktemp -d /var/tmp/slipway-vmsafety.XXXXXX)
trap 'rm -rf "$work"' EXIT
truncate -s 4G "$work/disk.img"
head -c 8M /dev/urandom | dd of="$work/disk.img" bs=1M seek=100 conv=notrunc status=none
cat >"$work/ks.cfg" <<KS
url --url=file://$R
rootpw --plaintext vm-safety-pw
ignoredisk --only-use=vda
clearpart --all --initlabel
autopart --type=plain --noswap
%packages
@core
%end
KS
cat >"$work/inside.sh" <<INSIDE
#!/bin/bash
set -uo pipefail
w=$work S=$S
INSIDE
cat >>"$work/inside.sh" <<'INSIDE'
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
export SLIPWAY_CACHE=$w/cache
dmsetup create slipway-holder --table "0 8192 linear /dev/vda 2048" || bad "dmsetup create"
holder=$(ls /sys/block/vda/holders)
sum=$(sha256sum < /dev/vda)
$S install -k $w/ks.cfg --yes --log $w/held.log > $w/held.out 2>&1; rc=$?
[ $rc = 3 ] && ok "a disk held by $holder: exit 3" || { bad "held disk: expected exit 3, got $rc"; tail -5 $w/held.out; }
grep -q "refusing to use this disk: /dev/vda is held by $holder (device-mapper or md)" $w/held.out &&
	ok "the message names the holder" || bad "message: $(grep -i refus $w/held.out)"
[ "$(sha256sum < /dev/vda)" = "$sum" ] && ok "the disk's bytes are unchanged" || bad "the held disk was written"
dmsetup remove slipway-holder
# an md RAID1 member (vdb, vdc): refused the same way, bytes unchanged
modprobe raid1 2>/dev/null
# (no resync, and read-only: md itself then writes nothing to its members)
mdadm --create /dev/md/slipway --run --quiet --assume-clean --level=1 --raid-devices=2 --metadata=1.2 \
	/dev/vdb /dev/vdc || bad "mdadm --create"
mdadm --readonly /dev/md/slipway || bad "mdadm --readonly"
md=$(ls /sys/block/vdb/holders)
sum=$(sha256sum < /dev/vdb)
sed 's/--only-use=vda/--only-use=vdb/' $w/ks.cfg > $w/md.cfg
$S install -k $w/md.cfg --yes --log $w/md.log > $w/md.out 2>&1; rc=$?
[ $rc = 3 ] && ok "an md member ($md): exit 3" || { bad "md member: expected exit 3, got $rc"; tail -5 $w/md.out; }
grep -q "refusing to use this disk: /dev/vdb is held by $md (device-mapper or md)" $w/md.out &&
	ok "the message names the array" || bad "md message: $(grep -i refus $w/md.out)"
[ "$(sha256sum < /dev/vdb)" = "$sum" ] && ok "the member's bytes are unchanged" || bad "the md member was written"
mdadm --stop /dev/md/slipway >/dev/null 2>&1 || bad "mdadm --stop"
SLIPWAY_FAULT_SIGNAL=storage:TERM $S install -k $w/ks.cfg --yes --log $w/free.log > $w/free.out 2>&1; rc=$?
[ $rc = 143 ] && ok "without the holder the selection passes (stopped before storage)" || { bad "free disk: expected 143, got $rc"; tail -5 $w/free.out; }
echo "inside: $fails failures"
exit $fails
INSIDE
chmod +x "$work/inside.sh"
truncate -s 1G "$work/md1.img" "$work/md2.img"
tests/vm/vm-run --rw-root --disk "$work/disk.img" --disk "$work/md1.img" --disk "$work/md2.img" --share "$work" --mem 1024 --timeout 600 -- "$work/inside.sh"
