#!/bin/bash
# Storage on a real kernel (the host has no dm-crypt and no vfat): inside
# vm-run, the storage apply writes a LUKS2 root + LUKS2 swap + /boot + a vfat
# ESP on /dev/vda; crypttab is right, the volume opens with the passphrase and
# not without it, and teardown leaves no mapping and no mount — after success
# and after a forced failure; and with udevd running, slipway waits for it to
# settle (tables, mappings, mkfs) and nothing races it. Then `slipway install`
# itself on the same layout: SIGTERM once the LUKS volumes are open and mounted
# (143) and a failing mkfs after they were opened (1) leave no mapping either.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
drv=$PWD/$BUILD/tests/tools/part-apply
[ -x "$drv" ] || { echo "SKIP: $drv not built"; exit 77; }
S=${SLIPWAY_BIN:-$PWD/$BUILD/slipway}
R=$(tests/fixtures/distro/build.sh 2>/dev/null) || { echo "FAIL: the test distro repo cannot be built"; exit 1; }
work=$(mktemp -d /var/tmp/slipway-vmluks.XXXXXX)
trap 'rm -rf "$work"' EXIT
truncate -s 3G "$work/disk.img"
cat >"$work/luks.ks" <<'KS'
ignoredisk --only-use=vda
clearpart --all --initlabel
part biosboot --fstype=biosboot --size=1
part /boot/efi --fstype=efi --size=100
part /boot --fstype=ext4 --size=300
part swap --size=64 --encrypted --passphrase=vm-test-passphrase --pbkdf-memory=32768 --pbkdf-time=200
part / --size=500 --grow --fstype=xfs --encrypted --passphrase=vm-test-passphrase --pbkdf=argon2id --pbkdf-memory=32768 --pbkdf-time=200
KS
{
	echo "url --url=file://$R"
	echo "rootpw --plaintext vm-luks-root-pw"
	cat "$work/luks.ks"
	printf '%%packages\n@core\n%%end\n'
} >"$work/cli.ks"
cat >"$work/inside.sh" <<INSIDE
#!/bin/bash
# runs in the VM
set -uo pipefail
w=$work
drv=$drv
S=$S
INSIDE
cat >>"$work/inside.sh" <<'INSIDE'
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
check_clean() {
	if dmsetup ls 2>/dev/null | grep -qv 'No devices found'; then bad "$1: mappings left: $(dmsetup ls)"; else ok "$1: no device-mapper mapping left"; fi
	if grep -qE '/tmp/sysroot|/mnt/sysroot' /proc/self/mountinfo; then bad "$1: mounts left"; else ok "$1: no mount left"; fi
}
mkdir -p /tmp/sysroot
SLIPWAY_TEST_FAIL=1 $drv disk $w/luks.ks /tmp/sysroot >$w/fail.out 2>&1; rc=$?
[ $rc = 1 ] && ok "forced failure exits 1" || { bad "forced failure: expected exit 1, got $rc"; tail -5 $w/fail.out; }
check_clean "after a forced failure"
$drv disk $w/luks.ks /tmp/sysroot >$w/ok.out 2>&1; rc=$?
[ $rc = 0 ] && ok "apply succeeds" || { bad "apply: exit $rc"; tail -20 $w/ok.out; }
check_clean "after success"
root=$(blkid -t TYPE=crypto_LUKS -o device | sort | tail -1)
ver=$(cryptsetup luksDump "$root" | awk '/^Version:/ {print $2}')
[ "$ver" = 2 ] && ok "root is LUKS2 ($root)" || bad "LUKS version: expected 2, got $ver"
cryptsetup luksDump "$root" | grep -q 'PBKDF:.*argon2id' && ok "argon2id" || bad "PBKDF is not argon2id"
echo -n wrong | cryptsetup open "$root" nope -d - 2>/dev/null && bad "opened with a wrong passphrase" || ok "wrong passphrase refused"
echo -n vm-test-passphrase | cryptsetup open "$root" check -d - && ok "opens with the passphrase" || bad "does not open"
mkdir -p /tmp/c && mount /dev/mapper/check /tmp/c || bad "mount of the opened root"
luuid=$(cryptsetup luksUUID "$root")
grep -q "^luks-$luuid UUID=$luuid " /tmp/c/etc/crypttab && ok "crypttab names the root by UUID" || bad "crypttab: $(cat /tmp/c/etc/crypttab)"
[ "$(grep -c UUID= /tmp/c/etc/crypttab)" = 2 ] && ok "crypttab has root and swap" || bad "crypttab lines: $(cat /tmp/c/etc/crypttab)"
grep -qE '^UUID=[0-9A-F-]+ +/boot/efi +vfat' /tmp/c/etc/fstab && ok "fstab has the vfat ESP" || bad "fstab: $(cat /tmp/c/etc/fstab)"
grep -qE ' /boot +ext4' /tmp/c/etc/fstab && ok "fstab has /boot" || bad "fstab /boot"
fsuuid=$(blkid -s UUID -o value /dev/mapper/check)
grep -qE "^UUID=$fsuuid +/ +xfs" /tmp/c/etc/fstab && ok "fstab mounts root by the UUID inside the mapping" || bad "fstab root (want $fsuuid): $(cat /tmp/c/etc/fstab)"
umount /tmp/c; cryptsetup close check
esp=$(blkid -t TYPE=vfat -o device | head -1)
mkdir -p /tmp/e && mount "$esp" /tmp/e && ok "the ESP mounts as vfat" && umount /tmp/e || bad "ESP mount"
# with udevd running (as on the installer media) slipway waits for it to
# settle after the tables, the mappings and mkfs, and nothing races it
if /lib/systemd/systemd-udevd --daemon 2>$w/udevd.err; then
	udevadm trigger --action=add >/dev/null 2>&1; udevadm settle --timeout=60
	$drv disk $w/luks.ks /tmp/sysroot >$w/udev.out 2>&1; rc=$?
	[ $rc = 0 ] && ok "apply with udevd running" || { bad "apply with udevd: exit $rc"; tail -20 $w/udev.out; }
	n=$(grep -c 'storage: udev settled' $w/udev.out)
	[ "$n" -ge 3 ] && ok "waited for udev $n times" || bad "udev settle ran $n times, expected >= 3"
	espuuid=$(blkid -t TYPE=vfat -s UUID -o value | head -1)
	[ -L /dev/disk/by-uuid/$espuuid ] && ok "udev made /dev/disk/by-uuid/$espuuid" || bad "no by-uuid link for the ESP"
	check_clean "after success with udevd"
else
	bad "systemd-udevd does not start in the VM: $(cat $w/udevd.err)"
fi
# the CLI: the volumes are open and mounted when SIGTERM comes before the payload
SLIPWAY_FAULT_SIGNAL=payload:TERM $S install -k $w/cli.ks --yes --log $w/sig.log >$w/sig.out 2>&1; rc=$?
[ $rc = 143 ] && ok "slipway install: SIGTERM before the payload exits 143" || { bad "SIGTERM: expected exit 143, got $rc"; tail -5 $w/sig.out; }
grep -q 'interrupted by signal 15 before payload' $w/sig.out && ok "the message names the signal and the stage" || bad "no message: $(tail -3 $w/sig.out)"
grep -q '/dev/mapper/luks-.* mounted on /mnt/sysroot' $w/sig.log && ok "the LUKS root was open and mounted before" || bad "the log shows no LUKS volume mounted"
check_clean "after SIGTERM (slipway install)"
# mkfs 1-2 are the ESP and /boot; the 3rd and 4th (swap, root) are on open LUKS mappings
SLIPWAY_FAULT=mkfs:4 $S install -k $w/cli.ks --yes --log $w/mkfs.log >$w/mkfs.out 2>&1; rc=$?
[ $rc = 1 ] && ok "slipway install: a failing mkfs on a LUKS volume exits 1" || { bad "mkfs fault: expected exit 1, got $rc"; tail -5 $w/mkfs.out; }
grep -q '==> storage failed' $w/mkfs.out && ok "stderr names the storage stage" || bad "no stage named: $(tail -3 $w/mkfs.out)"
grep -q 'mkfs\.[a-z]* on /dev/mapper/luks-.* failed' $w/mkfs.out && ok "the failing mkfs was on an open LUKS mapping" || bad "mkfs message: $(grep mkfs $w/mkfs.out)"
check_clean "after a failing mkfs (slipway install)"
grep -q vm-luks-root-pw $w/sig.out $w/sig.log $w/mkfs.out $w/mkfs.log && bad "the root password is in the output" || ok "no password in the output"
echo "inside: $fails failures"
exit $fails
INSIDE
chmod +x "$work/inside.sh"
tests/vm/vm-run --rw-root --disk "$work/disk.img" --share "$work" --mem 1024 --timeout 900 -- "$work/inside.sh"
