#!/bin/bash
# Disk safety on real loop devices (issue 12): a kickstart that selects a disk
# that is in use is refused with exit 3 and the reason, before anything is
# opened for writing (strace -f watches every open of a block device) — a
# mounted partition, an active swap partition, the disk slipway runs from, a
# disk labelled OEMDRV, a read-only disk; one mounted in another mount
# namespace fails the exclusive open unwritten; a disk the kickstart does not name is
# never touched by a real install; a disk install without --yes asks, and
# without a terminal or a "yes" writes nothing; every disk is byte-for-byte
# unchanged.
# (A device-mapper holder is in tests/vm/test-disk-safety-vm.sh: no dm here.)
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
need_strace
S=$SLIPWAY_BIN
R=$(tests/fixtures/distro/build.sh 2>/dev/null) || fail "the test distro repo cannot be built"
tmpdir d
export TMPDIR=$d/tmp
mkdir "$TMPDIR"
swaps=() holder=""
trap '[ -z "$holder" ] || kill "$holder" 2>/dev/null; for s in "${swaps[@]}"; do swapoff "$s" 2>/dev/null || true; done; cleanup_all' EXIT

# new_disk VAR NAME SIZE [losetup options]: a loop device, GPT with two
# partitions (ext4, swap) and random bytes after them
new_disk() {
	local _f=$d/$2.img _l
	truncate -s "$3" "$_f"
	sfdisk -q "$_f" <<-'EOF'
		label: gpt
		size=200MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=data
		size=64MiB, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F, name=swap
	EOF
	dd if=/dev/urandom of="$_f" bs=1M seek=300 count=8 conv=notrunc status=none
	_l=$(losetup --find --show --partscan "${@:4}" "$_f")
	_loops+=("$_l")
	partitions "$_l" p2
	printf -v "$1" %s "$_l"
}
ks_for() { # DISK: a kickstart that erases DISK
	cat >"$d/ks-${1#/dev/}.cfg" <<-KS
		url --url=file://$R
		rootpw --plaintext safety-pw
		ignoredisk --only-use=${1#/dev/}
		clearpart --all --initlabel
		autopart --type=plain --noswap
		%packages
		@core
		%end
	KS
	echo "$d/ks-${1#/dev/}.cfg"
}
writes_to_disks() { # STRACE-LOG: opens of a block device for writing
	grep -E 'open(at|at2)?\([^"]*"/dev/(loop|sd|vd|nvme|mapper)[^"]*"[^)]*(O_WRONLY|O_RDWR)' "$1" |
		grep -v '= -1 E' || true
}
# refused NAME DISK REASON [slipway binary]: exit 3, REASON on stderr, no
# open for writing, the disk's bytes unchanged
refused() {
	local name=$1 disk=$2 reason=$3 bin=${4:-$S} ks sum rc=0
	ks=$(ks_for "$disk")
	sum=$(sha256sum <"$disk")
	SLIPWAY_CACHE=$d/cache strace -f -qq -e trace=open,openat,openat2 -e signal=none -o "$d/$name.st" \
		"$bin" install -k "$ks" --yes --log "$d/$name.log" >"$d/$name.out" 2>&1 || rc=$?
	expect_eq "$name: exit code" 3 "$rc"
	expect_contains "$name: the reason" "$reason" "$(cat "$d/$name.out")"
	expect_eq "$name: block devices opened for writing" "" "$(writes_to_disks "$d/$name.st")"
	expect_eq "$name: the disk's bytes" "$sum" "$(sha256sum <"$disk")"
	echo "ok   $name: exit 3, $(grep -o "refusing[^:]*: .*" "$d/$name.out" | head -1)"
}

# a mounted partition
new_disk a mounted 1G
mkfs.ext4 -q "${a}p1"
mkdir "$d/mnt"
mount "${a}p1" "$d/mnt" && track_mount "$d/mnt"
refused mounted "$a" "${a}p1 is mounted on $d/mnt"

# an active swap partition
new_disk b swap 1G
mkswap -q "${b}p2" >/dev/null
swapon "${b}p2" && swaps+=("${b}p2")
refused swap "$b" "${b}p2 is an active swap device"
swapoff "${b}p2"

# the disk slipway runs from (its executable is on it)
new_disk c media 1G
mkfs.ext4 -q "${c}p1"
mkdir "$d/media"
mount "${c}p1" "$d/media" && track_mount "$d/media"
cp "$S" "$d/media/slipway"
refused media "$c" "${c} holds the running installer" "$d/media/slipway"

# a disk labelled OEMDRV (kickstart media)
new_disk e oemdrv 1G
mkfs.ext4 -q -L OEMDRV "${e}p1"
refused oemdrv "$e" "carries the OEMDRV label"

# a read-only disk
new_disk f readonly 1G --read-only
refused readonly "$f" "${f} is read-only"

# mounted in another mount namespace: the probe (this namespace's mount table)
# cannot see it, so selection passes, but the exclusive open before the first
# write fails and nothing is written (mounted read-only: the kernel writes nothing either)
new_disk i elsewhere 4G
mkfs.ext4 -q "${i}p1"
mkdir "$d/elsewhere"
unshare -m --propagation private sh -c "mount -o ro ${i}p1 $d/elsewhere && touch $d/elsewhere.up && exec sleep 600" &
holder=$!
for _ in $(seq 100); do [ -e "$d/elsewhere.up" ] && break; sleep 0.1; done
sum=$(sha256sum <"$i")
rc=0
SLIPWAY_CACHE=$d/cache "$S" install -k "$(ks_for "$i")" --yes --log "$d/elsewhere.log" >"$d/elsewhere.out" 2>&1 || rc=$?
kill $holder
wait $holder 2>/dev/null || true
holder=""
expect_eq "mounted in another namespace: exit" 1 "$rc"
expect_contains "mounted in another namespace" "storage: $i: cannot open it exclusively (in use?): Device or resource busy" \
	"$(cat "$d/elsewhere.out")"
expect_eq "the disk mounted elsewhere" "$sum" "$(sha256sum <"$i")"
echo "ok   a disk mounted in another namespace: the exclusive open fails, nothing written"

# A real install onto one disk never opens another: the install is stopped by
# a signal before the payload (storage has written the selected disk by then).
new_disk g target 4G
new_disk h bystander 1G
sum_h=$(sha256sum <"$h")
ks=$(ks_for "$g")

# Without --yes a disk install asks on the terminal: with no terminal it is
# refused, and an answer other than "yes" writes nothing either (exit 3).
sum_g=$(sha256sum <"$g")
rc=0
SLIPWAY_CACHE=$d/cache "$S" install -k "$ks" --log "$d/noyes.log" </dev/null >"$d/noyes.out" 2>&1 || rc=$?
expect_eq "no --yes, no terminal: exit" 3 "$rc"
expect_contains "no --yes, no terminal" \
	"storage: refusing to erase disks without confirmation: pass --yes (no terminal to ask on)" "$(cat "$d/noyes.out")"
rc=0
printf 'no\n' | SLIPWAY_CACHE=$d/cache script -qec "$S install -k $ks --log $d/no.log" /dev/null >"$d/no.out" 2>&1 || rc=$?
expect_eq "answered no on a terminal: exit" 3 "$rc"
expect_contains "the question" 'The disks above will be erased. Type "yes" to go on:' "$(cat "$d/no.out")"
expect_contains "answered no" "storage: not confirmed; nothing was written" "$(cat "$d/no.out")"
expect_eq "the disk after both refusals" "$sum_g" "$(sha256sum <"$g")"
echo "ok   no confirmation, no write"
rc=0
SLIPWAY_CACHE=$d/cache SLIPWAY_FAULT_SIGNAL=payload:TERM strace -f -qq -e trace=open,openat,openat2 \
	-e signal=none -o "$d/real.st" "$S" install -k "$ks" --yes --log "$d/real.log" >"$d/real.out" 2>&1 || rc=$?
[ "$rc" = 143 ] || fail "real install stopped before the payload: exit $rc, expected 143: $(tail -5 "$d/real.out")"
writes_to_disks "$d/real.st" | grep -qF "\"$g" || fail "the selected disk $g was never opened for writing: the check proves nothing"
expect_eq "opens for writing of a disk the kickstart does not name" "" \
	"$(writes_to_disks "$d/real.st" | grep -vE "\"$g(p[0-9]+)?\"" || true)"
expect_eq "the bystander's bytes" "$sum_h" "$(sha256sum <"$h")"
echo "ok   a real install wrote $g only"
