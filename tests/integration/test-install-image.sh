#!/bin/bash
# The whole pipeline into an image file on the host (storage, payload, fstab,
# system, boot loader, logs): no process has the password in argv or environment
# while it runs; the image holds the planned packages, fstab, the redacted
# kickstart and the logs; nothing is left mounted or attached; SIGTERM in the
# middle of the payload exits 143 and cleans up; a VHD comes out as vpc, a qcow2
# as a whole qcow2 disk.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
S=$SLIPWAY_BIN
tmpdir d
repo=$(tests/fixtures/distro/build.sh)
cat >"$d/ks.cfg" <<KS
url --url=file://$repo
rootpw --plaintext image-root-pw
autopart --type=plain --fstype=xfs
%packages
@core
%end
KS
# checks look at this test's own files only: other installs may run at once
export TMPDIR=$d
# While it runs, no process on the machine (slipway, mkfs, rpm scriptlets,
# chpasswd, dracut…) has the password in its argv or environment. The
# pattern is in a file: grep's own argv must not match.
echo image-root-pw >"$d/secret"
"$S" install -k "$d/ks.cfg" --image "$d/disk.img" --size 3G --log "$d/install.log" >"$d/out" 2>&1 &
pid=$!
scans=0
while kill -0 $pid 2>/dev/null; do
	grep -lFf "$d/secret" /proc/[0-9]*/cmdline /proc/[0-9]*/environ >>"$d/leaks" 2>/dev/null || true
	scans=$((scans + 1))
	sleep 0.05
done
set +e
wait $pid
rc=$?
set -e
[ $rc = 0 ] || { tail -20 "$d/out"; fail "install exit $rc"; }
[ $scans -gt 100 ] || fail "only $scans scans of /proc during the install"
expect_eq "processes with the password in argv or environment" "" "$(sort -u "$d/leaks")"
expect_eq "loop devices on the image after the install" "" "$(losetup -j "$d/disk.img")"
grep -q /mnt/sysroot /proc/self/mountinfo && fail "/mnt/sysroot is still mounted on the host"
grep -q image-root-pw "$d/install.log" "$d/out" && fail "the root password is in the log"

new_loop l "$d/disk.img"
[ -e "${l}p3" ] || partx -a "$l"
mkdir "$d/m"
mount -o ro "${l}p3" "$d/m" && track_mount "$d/m"
count=$(rpm --root "$d/m" --dbpath /var/lib/rpm -qa | grep -vc '^gpg-pubkey')
plan=$(grep -o 'install [0-9]* packages' "$d/out" | grep -o '[0-9]*')
expect_eq "packages in the image vs the plan" "$plan" "$count"
rpm --root "$d/m" --dbpath /var/lib/rpm -q xfsprogs dosfstools kernel >/dev/null ||
	fail "the plan's requirements (xfsprogs, dosfstools, kernel) are not installed"
for f in plan.txt ks.cfg install.log; do
	[ -s "$d/m/var/log/slipway/$f" ] || fail "/var/log/slipway/$f missing or empty"
done
[ -e "$d/m/var/log/slipway/packaging.log" ] || fail "/var/log/slipway/packaging.log missing"
expect_eq "ks.cfg mode" 600 "$(stat -c %a "$d/m/var/log/slipway/ks.cfg")"
grep -q image-root-pw "$d/m/var/log/slipway/"* && fail "a plaintext password is in /var/log/slipway"
rootuuid=$(blkid -s UUID -o value "${l}p3")
grep -qE "^UUID=$rootuuid +/ +xfs " "$d/m/etc/fstab" || fail "fstab root: $(cat "$d/m/etc/fstab")"
grep -q '^root:\$y\$' "$d/m/etc/shadow" || fail "root has no yescrypt hash in /etc/shadow: $(grep ^root: "$d/m/etc/shadow")"
[ -s "$d/m/var/log/slipway/sbom.spdx.json" ] || fail "no SBOM in /var/log/slipway"
umount "$d/m"

# SIGTERM while packages are being installed: exit 143, everything undone
"$S" install -k "$d/ks.cfg" --image "$d/disk2.img" --size 3G --progress json >"$d/json" 2>"$d/err" &
pid=$!
for _ in $(seq 600); do grep -q '"stage":"payload","event":"progress"' "$d/json" && break; sleep 0.1; done
kill -TERM $pid
set +e; wait $pid; rc=$?; set -e
expect_eq "exit code after SIGTERM" 143 "$rc"
expect_eq "loop devices on the image after SIGTERM" "" "$(losetup -j "$d/disk2.img")"
grep -q /mnt/sysroot /proc/self/mountinfo && fail "/mnt/sysroot mounted after SIGTERM"
grep -q "interrupted by signal 15" "$d/err" || fail "no message naming the signal: $(tail -3 "$d/err")"

# fixed VHD for Azure
"$S" install -k "$d/ks.cfg" --image "$d/disk.vhd" --size 3G --format vhd >/dev/null 2>&1 ||
	fail "vhd install failed"
info=$(qemu-img info -f vpc --output json "$d/disk.vhd")
python3 -c 'import json,sys; i=json.loads(sys.argv[1]); assert i["format"]=="vpc" and i["virtual-size"]==3<<30, i' "$info" ||
	fail "qemu-img info: $info"
# qcow2: converted in place (qemu-img cannot write onto its own input), so
# the file holds a whole, readable disk and no temporary file is left
"$S" install -k "$d/ks.cfg" --image "$d/disk.qcow2" --size 3G --format qcow2 >"$d/qout" 2>&1 ||
	{ tail -5 "$d/qout"; fail "qcow2 install failed"; }
info=$(qemu-img info --output json "$d/disk.qcow2")
python3 -c 'import json,sys; i=json.loads(sys.argv[1]); assert i["format"]=="qcow2" and i["virtual-size"]==3<<30, i' "$info" ||
	fail "qemu-img info: $info"
qemu-img check -q "$d/disk.qcow2" || fail "qemu-img check found errors in the qcow2 image"
expect_eq "files beside the qcow2 image" "" "$(ls "$d" | grep 'disk\.qcow2.' || true)"
qemu-img convert -f qcow2 -O raw "$d/disk.qcow2" "$d/back.raw"
new_loop q "$d/back.raw"
partitions "$q" p3
expect_eq "the root filesystem in the qcow2 image" xfs "$(blkid -p -o value -s TYPE "${q}p3")"
xfs_repair -n "${q}p3" >/dev/null 2>&1 || fail "xfs_repair -n finds the root filesystem of the qcow2 image damaged"
echo ok
