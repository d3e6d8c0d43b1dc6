#!/bin/bash
# Storage apply on loop devices (root): image mode (GPT, ext4/xfs/swap, staged
# ESP filled with mtools, VHD and qcow2), disk mode on a selected loop device
# while another one stays byte-for-byte unchanged, refusal of a disk with a
# mounted partition (exit 3), and teardown after success and after failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
need_part_apply
for t in sfdisk blkid mkfs.xfs mkfs.ext4 mkfs.vfat mkswap mcopy mdir qemu-img python3; do
	command -v $t >/dev/null || { echo "SKIP: $t missing"; exit 77; }
done

tmpdir d
export TMPDIR=$d # the ESP staging directory goes here: other installs may run at once
no_leftovers() { # IMAGE SYSROOT: nothing attached to IMAGE, nothing mounted under SYSROOT
	local l
	l=$(losetup -j "$1")
	expect_eq "loop devices left on $1" "" "$l"
	if grep -q " $2" /proc/self/mountinfo; then fail "mounts left under $2: $(grep " $2" /proc/self/mountinfo)"; fi
}
# check_layout JSON_OF_SFDISK ENTRY_LINES: types, names, partition UUIDs, starts, sizes
check_layout() {
	python3 - "$1" "$2" <<'PY'
import json, re, sys
table = json.loads(open(sys.argv[1]).read())["partitiontable"]
parts = {int(re.search(r"(\d+)$", p["node"]).group(1)): p for p in table["partitions"]}
ss = table["sectorsize"]
n = 0
for line in open(sys.argv[2]):
    f = line.split()
    if f[0] != "entry":
        continue
    _, dev, no, guid, name, puuid, fstype, fsuuid, label, mnt, start, size = f
    p = parts.get(int(no))
    if p is None:
        sys.exit(f"FAIL: partition {no} missing from the table")
    for what, want, got in (("type", guid, p["type"].lower()), ("name", name, p.get("name")),
                            ("uuid", puuid, p["uuid"].lower()), ("start", int(start), p["start"] * ss),
                            ("size", int(size), p["size"] * ss)):
        if want != got:
            sys.exit(f"FAIL: partition {no} {what}: expected {want!r}, got {got!r}")
    n += 1
if n != len(parts):
    sys.exit(f"FAIL: expected {n} partitions, got {len(parts)}")
print(f"table: {n} partitions match the plan")
PY
}
# check_blkid LOOPDEV ENTRY_LINES: filesystem type, UUID and label of each partition
check_blkid() {
	local dev=$1 no fstype fsuuid label got
	while read -r _ _ no _ _ _ fstype fsuuid label _; do
		[ "$fstype" = - ] && continue
		[ -e "${dev}p$no" ] || partx -a "$dev" 2>/dev/null || true
		got=$(blkid -p -o value -s TYPE "${dev}p$no")
		expect_eq "p$no TYPE" "$fstype" "$got"
		got=$(blkid -p -o value -s UUID "${dev}p$no")
		expect_eq "p$no UUID" "$fsuuid" "$got"
		[ "$label" = - ] || expect_eq "p$no LABEL" "$label" "$(blkid -p -o value -s LABEL "${dev}p$no")"
	done < <(grep '^entry' "$2")
	echo "blkid: filesystems, UUIDs and labels match the plan"
}

# ---- 1. image mode, GPT, VHD ----
cat >"$d/image.ks" <<'KS'
reqpart
part swap --size=64 --label=myswap
part /var --size=400 --fstype=xfs --label=var --fsoptions=noatime
part / --size=300 --grow --label=root --mkfsoptions="-m 1"
KS
mkdir "$d/sysroot"
"$drv" image "$d/image.ks" "$d/disk.img" 2G "$d/sysroot" vhd >"$d/out1" 2>"$d/err1" || { cat "$d/err1"; fail "image install failed"; }
cat "$d/out1"
no_leftovers "$d/disk.img" "$d/sysroot"
sfdisk --json "$d/disk.img" >"$d/sf1" 2>/dev/null
check_layout "$d/sf1" "$d/out1"
info=$(qemu-img info -f vpc --output=json "$d/disk.img")
expect_contains "qemu-img format" '"format": "vpc"' "$info"
expect_contains "qemu-img virtual size" '"virtual-size": 2147483648' "$info"
expect_eq "file size: 2 GiB + 512-byte footer" 2147484160 "$(stat -c %s "$d/disk.img")"
expect_eq "footer cookie" conectix "$(tail -c 512 "$d/disk.img" | head -c 8)"
new_loop loop "$d/disk.img"
check_blkid "$loop" "$d/out1"
# the staged ESP went into the FAT filesystem
[ -e "${loop}p2" ] || partx -a "$loop"
esp=$(MTOOLS_SKIP_CHECK=1 mdir -/ -b -i "${loop}p2" ::/ 2>/dev/null)
expect_contains "ESP content" "::/EFI/BOOT/BOOTX64.EFI" "$esp"
expect_contains "ESP content" "::/slipway-marker" "$esp"
# fstab in the root filesystem, by UUID, with options and pass numbers
mkdir "$d/check"
mount -o ro "${loop}p5" "$d/check" && track_mount "$d/check"
root_uuid=$(awk '$5 == "root-x86-64" {print $8}' "$d/out1")
var_uuid=$(awk '$5 == "var" {print $8}' "$d/out1")
esp_uuid=$(awk '$5 == "esp" {print $8}' "$d/out1")
swap_uuid=$(awk '$5 == "swap" {print $8}' "$d/out1")
want="# /etc/fstab, written by slipway. Filesystems by UUID; see fstab(5).
UUID=$root_uuid / ext4 defaults 1 1
UUID=$esp_uuid /boot/efi vfat umask=0077,shortname=winnt 0 2
UUID=$var_uuid /var xfs noatime 0 0
UUID=$swap_uuid none swap defaults 0 0"
expect_eq "fstab" "$want" "$(cat "$d/check/etc/fstab")"
expect_eq "marker in /" "/" "$(cat "$d/check/slipway-marker")"
[ ! -e "$d/check/boot/efi/EFI" ] || fail "the staged ESP leaked into the root filesystem"
[ ! -e "$d/check/etc/crypttab" ] || fail "crypttab written without encryption"
umount "$d/check"
losetup -d "$loop"
ls -d "$TMPDIR"/slipway-esp.* 2>/dev/null && fail "ESP staging directory left behind"

# ---- 2. qcow2 ----
rm -rf "$d/sysroot"; mkdir "$d/sysroot"
"$drv" image "$d/image.ks" "$d/disk2.img" 2G "$d/sysroot" qcow2 >"$d/out2" 2>"$d/err2" || { cat "$d/err2"; fail "qcow2 install failed"; }
info=$(qemu-img info --output=json "$d/disk2.img")
expect_contains "qcow2 format" '"format": "qcow2"' "$info"
expect_contains "qcow2 virtual size" '"virtual-size": 2147483648' "$info"
no_leftovers "$d/disk2.img" "$d/sysroot"

# ---- 3. disk mode: only the selected loop device is written ----
truncate -s 1G "$d/a.img"
head -c 64M /dev/urandom >"$d/b.img"; truncate -s 256M "$d/b.img"
new_loop a "$d/a.img"; new_loop b "$d/b.img"
sum_b=$(sha256sum <"$b")
cat >"$d/disk.ks" <<KS
ignoredisk --only-use=${a#/dev/}
clearpart --all --initlabel
bootloader --location=none
part swap --size=32
part / --fstype=xfs --grow --label=rootfs
KS
rm -rf "$d/sysroot"; mkdir "$d/sysroot"
"$drv" disk "$d/disk.ks" "$d/sysroot" >"$d/out3" 2>"$d/err3" || { cat "$d/err3"; fail "disk install failed"; }
cat "$d/out3"
expect_contains "plan names the disk" "disk $a:" "$(cat "$d/out3")"
sfdisk --json "$a" >"$d/sf3"
check_layout "$d/sf3" "$d/out3"
check_blkid "$a" "$d/out3"
expect_eq "the other loop device" "$sum_b" "$(sha256sum <"$b")"
if grep -q " $d/sysroot" /proc/self/mountinfo; then fail "mounts left"; fi

# ---- 6. msdos with more than four partitions: logical ones in an extended partition ----
cat >"$d/msdos.ks" <<KS
ignoredisk --only-use=${a#/dev/}
clearpart --all --initlabel --disklabel=msdos
bootloader --location=none
part /boot --size=64 --label=boot
part swap --size=32
part /var --size=300 --fstype=xfs
part /home --size=64 --label=home
part /srv --size=300 --fstype=xfs
part / --size=200 --grow --label=root
KS
rm -rf "$d/sysroot"; mkdir "$d/sysroot"
"$drv" disk "$d/msdos.ks" "$d/sysroot" >"$d/out6" 2>"$d/err6" || { cat "$d/err6"; fail "msdos install failed"; }
cat "$d/out6"
expect_contains "plan shows the extended partition" "extended  (holds the logical partitions)" "$(cat "$d/out6")"
sfdisk --json "$a" >"$d/sf6"
python3 - "$d/sf6" "$d/out6" <<'PY'
import json, re, sys
table = json.load(open(sys.argv[1]))["partitiontable"]
if table["label"] != "dos":
    sys.exit(f"FAIL: label {table['label']!r}, expected 'dos'")
ss = table["sectorsize"]
parts = {int(re.search(r"(\d+)$", p["node"]).group(1)): p for p in table["partitions"]}
want = {}
for line in open(sys.argv[2]):
    f = line.split()
    if f[0] == "entry":
        want[int(f[2])] = (f[6], int(f[10]), int(f[11]))
if sorted(want) != [1, 2, 3, 5, 6, 7]:
    sys.exit(f"FAIL: planned partition numbers {sorted(want)}, expected [1, 2, 3, 5, 6, 7]")
if sorted(parts) != [1, 2, 3, 4, 5, 6, 7]:
    sys.exit(f"FAIL: partitions on disk {sorted(parts)}, expected 1-7")
ext = parts[4]
if ext["type"] != "5":
    sys.exit(f"FAIL: partition 4 type {ext['type']}, expected 5 (extended)")
for no, (fstype, start, size) in want.items():
    p = parts[no]
    typ = "82" if fstype == "swap" else "83"
    for what, w, g in (("type", typ, p["type"]), ("start", start, p["start"] * ss), ("size", size, p["size"] * ss)):
        if w != g:
            sys.exit(f"FAIL: partition {no} {what}: expected {w!r}, got {g!r}")
    if no > 4 and not (ext["start"] < p["start"] and p["start"] + p["size"] <= ext["start"] + ext["size"]):
        sys.exit(f"FAIL: logical partition {no} is outside the extended partition")
if not parts[1].get("bootable"):
    sys.exit("FAIL: /boot (partition 1) is not marked active")
print("msdos table: 3 primary, extended 4, logical 5-7 as planned")
PY
check_blkid "$a" "$d/out6"
mkdir -p "$d/check6"
mount -o ro "${a}p7" "$d/check6" && track_mount "$d/check6"
expect_contains "fstab lists the logical /srv" " /srv xfs " "$(cat "$d/check6/etc/fstab")"
umount "$d/check6"
if grep -q " $d/sysroot" /proc/self/mountinfo; then fail "mounts left"; fi

# ---- 4. a disk with a mounted partition is refused, untouched ----
truncate -s 256M "$d/c.img"
printf 'label: gpt\nsize=64MiB\n' | sfdisk -q "$d/c.img"
new_loop c "$d/c.img"
[ -e "${c}p1" ] || partx -a "$c"
mkfs.ext4 -q "${c}p1"
mkdir "$d/cm"; mount "${c}p1" "$d/cm" && track_mount "$d/cm"
sync
sum_c=$(sha256sum <"$c")
sed "s/${a#/dev/}/${c#/dev/}/" "$d/disk.ks" >"$d/busy.ks"
rc=0; "$drv" disk "$d/busy.ks" "$d/sysroot" >"$d/out4" 2>"$d/err4" || rc=$?
expect_eq "exit code for a busy disk" 3 "$rc"
expect_contains "busy message" "storage: $c: refusing to use this disk: ${c}p1 is mounted on $d/cm" "$(cat "$d/err4")"
expect_eq "the busy disk" "$sum_c" "$(sha256sum <"$c")"

# ---- 5. teardown after a failure ----
rm -rf "$d/sysroot"; mkdir "$d/sysroot"
rc=0; SLIPWAY_TEST_FAIL=1 "$drv" image "$d/image.ks" "$d/disk5.img" 2G "$d/sysroot" >"$d/out5" 2>"$d/err5" || rc=$?
expect_eq "exit code after a failure" 1 "$rc"
expect_contains "failure message" "failing on purpose" "$(cat "$d/err5")"
no_leftovers "$d/disk5.img" "$d/sysroot"
ls -d "$TMPDIR"/slipway-esp.* 2>/dev/null && fail "ESP staging directory left behind after a failure"
echo ok
