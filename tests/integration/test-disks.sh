#!/bin/bash
# `slipway disks` on real loop devices: tables, filesystems, labels, UUIDs,
# mounted and OEMDRV disks flagged as in use; nothing is written.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root

tmpdir d
truncate -s 256M "$d/a.img"
truncate -s 512M "$d/b.img"
# a: GPT with an ext4 partition we mount, and a swap partition
sfdisk -q "$d/a.img" <<'SF'
label: gpt
size=64MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="data"
size=32MiB, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F, name="swap"
SF
new_loop a "$d/a.img"
[ -e "${a}p1" ] || partx -a "$a" 2>/dev/null || true
mkfs.ext4 -q -L slipdata -U 2b5a4f0e-0c0d-4d7e-9a43-9c1e0b7b0a11 "${a}p1"
mkswap -q -L slipswap "${a}p2" >/dev/null
mkdir "$d/mnt"
mount "${a}p1" "$d/mnt" && track_mount "$d/mnt"
# b: a whole-disk xfs filesystem labelled OEMDRV
mkfs.xfs -q -f -L OEMDRV "$d/b.img"
new_loop b "$d/b.img"
# a's filesystem is mounted (the kernel writes to it); its table region and
# all of b must stay byte-identical.
sums() { head -c 1M "$d/a.img" | sha256sum; sha256sum <"$d/b.img"; }
sum_before=$(sums)

json=$("$SLIPWAY_BIN" disks --json)
text=$("$SLIPWAY_BIN" disks)
echo "$text"

python3 - "$a" "$b" "$d/mnt" <<PY
import json, sys
a, b, mnt = sys.argv[1:]
disks = {d["path"]: d for d in json.loads('''$json''')["disks"]}
def check(what, want, got):
    if want != got:
        sys.exit(f"FAIL: {what}: expected {want!r}, got {got!r}")
da, db = disks[a], disks[b]
check("a size", 256 << 20, da["size"])
check("a transport", "loop", da["transport"])
check("a pttype", "gpt", da["pttype"])
check("a partitions", 2, len(da["partitions"]))
p1, p2 = da["partitions"]
check("p1 fstype", "ext4", p1["fstype"])
check("p1 label", "slipdata", p1["label"])
check("p1 uuid", "2b5a4f0e-0c0d-4d7e-9a43-9c1e0b7b0a11", p1["uuid"])
check("p1 partlabel", "data", p1["partlabel"])
check("p1 type", "0fc63daf-8483-4772-8e79-3d69d8477de4", p1["type"].lower())
check("p1 start", 1 << 20, p1["start"])
check("p1 size", 64 << 20, p1["size"])
check("p1 mountpoint", mnt, p1["mountpoint"])
check("p2 fstype", "swap", p2["fstype"])
check("a in use", True, da["in_use"])
if "mounted on" not in da["in_use_reason"]:
    sys.exit(f"FAIL: a reason: expected 'mounted on', got {da['in_use_reason']!r}")
check("b fstype", "xfs", db["fstype"])
check("b label", "OEMDRV", db["label"])
check("b pttype", None, db["pttype"])
check("b in use", True, db["in_use"])
if "OEMDRV" not in db["in_use_reason"]:
    sys.exit(f"FAIL: b reason: expected OEMDRV, got {db['in_use_reason']!r}")
print("json checks passed")
PY
expect_contains "text report" "in use: ${a}p1 is mounted on $d/mnt" "$text"
expect_contains "text report" "label=OEMDRV" "$text"

sum_after=$(sums)
umount "$d/mnt"
expect_eq "images unchanged by probing" "$sum_before" "$sum_after"
# after unmounting, a is no longer in use
json=$("$SLIPWAY_BIN" disks --json)
python3 -c '
import json, sys
d = {x["path"]: x for x in json.load(sys.stdin)["disks"]}[sys.argv[1]]
if d["in_use"]: sys.exit("FAIL: expected a free after umount, got " + str(d["in_use_reason"]))
' "$a" <<<"$json"
"$SLIPWAY_BIN" disks --bogus 2>/dev/null && fail "unknown option accepted"
rc=0; "$SLIPWAY_BIN" disks --bogus 2>/dev/null || rc=$?
expect_eq "exit code for a bad option" 2 "$rc"
echo "ok"
