#!/bin/bash
# Single-device btrfs (`part … --fstype=btrfs`) end to end in an image file:
# --dry-run shows it; the install makes / and /home btrfs with the planned
# UUIDs and labels, --mkfsoptions and --fsoptions reach mkfs.btrfs and fstab;
# fstab has pass 0 as Anaconda writes for btrfs; the files land on the btrfs
# filesystems; btrfs-progs (the plan's requirement) and grub's btrfs module
# are in the target; `slipway disks` reports the filesystems; nothing is left
# mounted or attached.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
S=$SLIPWAY_BIN
tmpdir d
export TMPDIR=$d
repo=$(tests/fixtures/distro/build.sh)
cat >"$d/ks.cfg" <<KS
url --url=file://$repo
rootpw --plaintext btrfs-root-pw
reqpart
part / --fstype=btrfs --grow --label=slip-root --mkfsoptions="--csum xxhash"
part /home --fstype=btrfs --size=300 --label=a-btrfs-label-longer-than-16 --fsoptions=compress=zstd:1
%packages
@core
%end
KS

# --dry-run: the plan shows both btrfs filesystems and requires btrfs-progs
"$S" install -k "$d/ks.cfg" --image "$d/dry.img" --size 3G --dry-run >"$d/dry" 2>&1 ||
	{ cat "$d/dry"; fail "--dry-run failed"; }
grep -qE '^ +3 .* root +btrfs / +uuid=[0-9a-f-]{36} label=slip-root' "$d/dry" || fail "dry-run root: $(cat "$d/dry")"
grep -qE '^ +4 .* home +btrfs /home +uuid=.* label=a-btrfs-label-longer-than-16' "$d/dry" ||
	fail "dry-run /home: $(cat "$d/dry")"
grep -q 'btrfs-progs (the plan makes btrfs filesystems): btrfs-progs-' "$d/dry" ||
	fail "dry-run: btrfs-progs not required: $(cat "$d/dry")"
[ -e "$d/dry.img" ] && fail "--dry-run created the image"

t0=$SECONDS
"$S" install -k "$d/ks.cfg" --image "$d/disk.img" --size 3G --log "$d/install.log" >"$d/out" 2>&1 ||
	{ tail -20 "$d/out"; fail "install failed"; }
echo "install: $((SECONDS - t0)) s"
expect_eq "loop devices on the image after the install" "" "$(losetup -j "$d/disk.img")"
grep -q /mnt/sysroot /proc/self/mountinfo && fail "/mnt/sysroot is still mounted on the host"

new_loop l "$d/disk.img"
partitions "$l" p4
# GPT types: root x86-64 for /, home for /home (Discoverable Partitions)
types=$(sfdisk --json "$l" | python3 -c 'import json,sys; print(" ".join(p["type"].lower() for p in json.load(sys.stdin)["partitiontable"]["partitions"]))')
expect_eq "partition types" "21686148-6449-6e6f-744e-656564454649 c12a7328-f81f-11d2-ba4b-00a0c93ec93b 4f68bce3-e8cd-4db1-96e7-fbcaf984b709 933ac7e1-2eb4-4f13-b844-0e14e2aef915" "$types"
expect_eq "TYPE of p3" btrfs "$(blkid -p -o value -s TYPE "${l}p3")"
expect_eq "TYPE of p4" btrfs "$(blkid -p -o value -s TYPE "${l}p4")"
expect_eq "LABEL of p3" slip-root "$(blkid -p -o value -s LABEL "${l}p3")"
expect_eq "LABEL of p4" a-btrfs-label-longer-than-16 "$(blkid -p -o value -s LABEL "${l}p4")"
rootuuid=$(blkid -p -o value -s UUID "${l}p3")
homeuuid=$(blkid -p -o value -s UUID "${l}p4")
# --mkfsoptions reached mkfs.btrfs: the root's checksum is xxhash, /home's the default
btrfs inspect-internal dump-super "${l}p3" | grep -qE '^csum_type[[:space:]]+1 \(xxhash64\)' ||
	fail "root: --csum xxhash not applied: $(btrfs inspect-internal dump-super "${l}p3" | grep csum_type)"
btrfs inspect-internal dump-super "${l}p4" | grep -qE '^csum_type[[:space:]]+0 \(crc32c\)' ||
	fail "/home: unexpected checksum: $(btrfs inspect-internal dump-super "${l}p4" | grep csum_type)"

mkdir "$d/m"
mount -o ro "${l}p3" "$d/m" && track_mount "$d/m"
# the UUIDs are the ones the plan chose (its copy in the target)
grep -qE "^ +3 .* btrfs / +uuid=$rootuuid label=slip-root" "$d/m/var/log/slipway/plan.txt" ||
	fail "root UUID $rootuuid is not the planned one: $(grep btrfs "$d/m/var/log/slipway/plan.txt")"
grep -qE "^ +4 .* btrfs /home +uuid=$homeuuid " "$d/m/var/log/slipway/plan.txt" ||
	fail "/home UUID $homeuuid is not the planned one"
# fstab: by UUID, btrfs, the options, dump 0 and pass 0 (Anaconda: no fsck for btrfs)
expect_eq "fstab root" "UUID=$rootuuid / btrfs defaults 0 0" "$(grep " / " "$d/m/etc/fstab")"
expect_eq "fstab /home" "UUID=$homeuuid /home btrfs compress=zstd:1 0 0" "$(grep " /home " "$d/m/etc/fstab")"
# the files landed on the btrfs root: the rpm database and the kernel
count=$(rpm --root "$d/m" --dbpath /var/lib/rpm -qa | grep -vc '^gpg-pubkey')
plan=$(grep -o 'install [0-9]* packages' "$d/out" | grep -o '[0-9]*')
expect_eq "packages on the btrfs root vs the plan" "$plan" "$count"
rpm --root "$d/m" --dbpath /var/lib/rpm -q btrfs-progs >/dev/null || fail "btrfs-progs is not installed in the target"
# the root filesystem is what / was mounted from; /home is empty on it (a mount point)
expect_eq "/home on the root filesystem" "" "$(ls -A "$d/m/home")"
# grub reads /boot from the btrfs root: its config loads the btrfs module,
# and grub-install put it into the BIOS core image's module list
grep -rqs '^insmod btrfs' "$d/m/boot/grub" "$d/m/boot/grub2" || fail "grub.cfg does not load btrfs"
# dracut put btrfs into the initramfs (the kernel module and btrfs-progs' tool)
initrd=$(ls "$d/m"/boot/initrd.img-* 2>/dev/null | head -1)
[ -n "$initrd" ] || fail "no initramfs on the btrfs root"
gzip -dc "$initrd" | cpio -t --quiet >"$d/initrd.list" 2>/dev/null || fail "the initramfs is not a gzip cpio: $(file "$initrd")"
grep -q '/kernel/fs/btrfs/btrfs\.ko' "$d/initrd.list" || fail "the initramfs has no btrfs module"
grep -qx 'usr/sbin/btrfs' "$d/initrd.list" || fail "the initramfs has no btrfs tool"
umount "$d/m"
mount -o ro "${l}p4" "$d/m" && track_mount "$d/m"
[ -d "$d/m/root" ] && fail "/home holds the root filesystem"
umount "$d/m"
btrfs check --readonly "${l}p3" >/dev/null 2>&1 || fail "btrfs check finds the root filesystem damaged"

# slipway disks reports the filesystems of the image's loop device
json=$("$S" disks --json)
python3 - "$l" "$rootuuid" <<PY || fail "slipway disks: $("$S" disks)"
import json, sys
loop, uuid = sys.argv[1:]
d = {x["path"]: x for x in json.loads('''$json''')["disks"]}[loop]
parts = {p["path"]: p for p in d["partitions"]}
p3 = parts[loop + "p3"]
assert p3["fstype"] == "btrfs" and p3["uuid"] == uuid and p3["label"] == "slip-root", p3
PY
echo ok
