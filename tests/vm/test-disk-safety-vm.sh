#!/bin/bash
# Disk safety where the host kernel cannot go (no device-mapper on the host):
# inside vm-run, a disk with a device-mapper device stacked on it is refused
# by `slipway install --yes` with exit 3 and the holder named, and its bytes
# are unchanged; once the mapping is gone the same kickstart gets past the
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
SLIPWAY_FAULT_SIGNAL=storage:TERM $S install -k $w/ks.cfg --yes --log $w/free.log > $w/free.out 2>&1; rc=$?
[ $rc = 143 ] && ok "without the holder the selection passes (stopped before storage)" || { bad "free disk: expected 143, got $rc"; tail -5 $w/free.out; }
echo "inside: $fails failures"
exit $fails
INSIDE
chmod +x "$work/inside.sh"
tests/vm/vm-run --rw-root --disk "$work/disk.img" --share "$work" --mem 1024 --timeout 600 -- "$work/inside.sh"
