#!/bin/bash
# Storage error paths reached through a state the test makes for real on the
# host: a read-only or nodev /dev in a private mount namespace, a root
# filesystem that is read-only or holds a directory where fstab goes, a
# file size limit (RLIMIT_FSIZE), an address space limit (RLIMIT_AS) that
# argon2 cannot fit in, an immutable image or directory (chattr +i), a
# process holding the new root busy at teardown, a TMPDIR that does not
# exist, the ESP's staging directory removed. Each case runs the
# storage-only driver part-apply and checks the exit code, the message, and
# that no loop device, mount or temp file is left. The table of every
# storage error site is in tests/README.md ("Storage error paths").
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
need_part_apply

tmpdir d
export TMPDIR=$d/tmp
mkdir "$TMPDIR" "$d/sysroot"
no_leftovers() { # IMAGE-OR-LOOP: nothing attached to it, nothing mounted under the sysroot
	case $1 in
	/dev/*) [ -z "$(ls -d /sys/class/block/"${1#/dev/}"/"${1#/dev/}"p* 2>/dev/null | while read -r p; do ls "$p/holders"; done)" ] ||
		fail "partitions of $1 are held" ;;
	*) expect_eq "loop devices left on $1" "" "$(losetup -j "$1" 2>/dev/null)" ;;
	esac
	if grep -q " $d/sysroot" /proc/self/mountinfo; then fail "mounts left: $(grep " $d/sysroot" /proc/self/mountinfo)"; fi
	expect_eq "temporary files left" "" "$(ls -A "$TMPDIR")"
	return 0
}
# check NAME CODE NEEDLE RC TARGET: part-apply's result ($d/err) was CODE with NEEDLE
check() {
	expect_eq "$1: exit" "$2" "$4"
	expect_contains "$1: message" "$3" "$(cat "$d/err")"
	no_leftovers "$5"
	echo "ok: $1"
}
# image_fails NAME CODE NEEDLE KS IMG [FORMAT]: part-apply in image mode (1 GiB)
image_fails() {
	local rc=0
	"$drv" image "$4" "$5" 1G "$d/sysroot" ${6:-} >"$d/out" 2>"$d/err" || rc=$?
	check "$1" "$2" "$3" "$rc" "$5"
}
# fsize_run BLOCKS CMD...: CMD with RLIMIT_FSIZE of BLOCKS KiB and SIGXFSZ
# ignored (write(2) then says EFBIG); its output goes through a pipe, which
# the limit does not cover, to $d/err, its exit status to $d/rc
fsize_run() {
	local blocks=$1
	shift
	set +e
	(trap '' XFSZ; ulimit -f "$blocks"; exec "$@") 2>&1 | cat >"$d/err"
	echo "${PIPESTATUS[0]}" >"$d/rc"
	set -e
}
# await_pause POINT: part-apply (its stderr in $d/err) stopped at POINT
# (SLIPWAY_TEST_PAUSE=POINT:$d/go) and waits for $d/go
await_pause() {
	for _ in $(seq 600); do grep -q "paused at $1" "$d/err" 2>/dev/null && return 0; sleep 0.1; done
	fail "part-apply did not pause at $1: $(cat "$d/err")"
}
# ks FILE PART-OPTIONS: no boot loader partitions, / only (so / is the only
# mount and the first file written into it is /etc/fstab)
ks() { printf 'bootloader --location=none\npart / --size=100 --grow --fstype=ext4 %s\n' "$2" >"$d/$1"; }
plain() { printf 'reqpart\npart / --size=100 --grow --fstype=ext4\n' >"$d/$1"; }
plain plain.ks

# ---- /etc/fstab and its directory (partition/fstab.c) ----
# / mounted read-only: /etc cannot be made
ks ro.ks "--fsoptions=ro"
image_fails "/etc cannot be created" 1 "storage: cannot create $d/sysroot/etc: Read-only file system" \
	"$d/ro.ks" "$d/f1.img"
# ... and when mkfs put an /etc there (mkfs.ext4 -d), fstab's temporary file cannot be made
mkdir -p "$d/tree/etc"
ks roetc.ks "--fsoptions=ro --mkfsoptions=\"-d $d/tree\""
image_fails "fstab's temporary file cannot be created" 1 \
	"storage: cannot create $d/sysroot/etc/fstab.slipway-tmp: Read-only file system" "$d/roetc.ks" "$d/f2.img"
# a non-empty directory where /etc/fstab goes: the rename fails
mkdir -p "$d/tree2/etc/fstab/x"
ks dir.ks "--mkfsoptions=\"-d $d/tree2\""
image_fails "fstab cannot replace a directory" 1 \
	"storage: cannot rename $d/sysroot/etc/fstab.slipway-tmp: Is a directory" "$d/dir.ks" "$d/f3.img"
# no byte may be written to a regular file (RLIMIT_FSIZE 0; SIGXFSZ ignored,
# so write(2) says EFBIG): on a loop disk, where mkfs writes only block
# devices, the first regular file is fstab's temporary file
truncate -s 1G "$d/fsize.img"
new_loop fz "$d/fsize.img"
printf 'ignoredisk --only-use=%s\nclearpart --all --initlabel\nbootloader --location=none\npart / --size=100 --grow --fstype=ext4\n' \
	"${fz#/dev/}" >"$d/fsize.ks"
fsize_run 0 "$drv" disk "$d/fsize.ks" "$d/sysroot"
check "fstab cannot be written" 1 "storage: cannot write $d/sysroot/etc/fstab.slipway-tmp: File too large" \
	"$(cat "$d/rc")" "$fz"

# ---- the ESP's staging directory (partition/mount.c, apply.c) ----
# TMPDIR does not exist: the staging directory cannot be made
rc=0; TMPDIR=$d/no-such-dir "$drv" image "$d/plain.ks" "$d/e1.img" 1G "$d/sysroot" >"$d/out" 2>"$d/err" || rc=$?
check "no TMPDIR for the ESP's staging directory" 1 \
	"storage: cannot create a staging directory for the ESP: No such file or directory" "$rc" "$d/e1.img"
# the staging directory removed behind slipway's back before its contents go into the FAT
rc=0; SLIPWAY_TEST_REMOVE_ESP_STAGE=1 "$drv" image "$d/plain.ks" "$d/e2.img" 1G "$d/sysroot" >"$d/out" 2>"$d/err" || rc=$?
check "the ESP's staging directory removed" 1 "storage: cannot read $TMPDIR/slipway-esp." "$rc" "$d/e2.img"
grep -qE "storage: cannot read $TMPDIR/slipway-esp\.[A-Za-z0-9]{6}: No such file or directory" "$d/err" ||
	fail "staging message: $(cat "$d/err")"

# ---- device nodes (partition/blockdev.c), in a private mount namespace
# whose /dev is a tmpfs holding only what the case needs ----
# in_dev_ns SETUP NAME ARGS...: runs part-apply NAME ARGS in a new mount
# namespace after the shell commands SETUP (with $D = the real /dev)
in_dev_ns() {
	local setup=$1
	shift
	mkdir -p "$d/realdev"
	unshare -m --propagation private bash -c "set -e
		mount --rbind /dev '$d/realdev'; D='$d/realdev'
		$setup
		exec '$drv' \"\$@\"" part-apply "$@"
}
# /dev read-only: the loop device's node cannot be made...
rc=0
in_dev_ns 'mount -t tmpfs -o mode=0755 dev /dev; mknod /dev/loop-control c 10 237; mknod /dev/null c 1 3
	mount -o remount,ro /dev' image "$d/plain.ks" "$d/n1.img" 1G "$d/sysroot" >"$d/out" 2>"$d/err" || rc=$?
check "/dev is read-only" 1 "storage: cannot create the device node /dev/loop" "$rc" "$d/n1.img"
grep -qE "storage: cannot create the device node /dev/loop[0-9]+: Read-only file system" "$d/err" || fail "$(cat "$d/err")"
# ... nor a stale one (a regular file where every loop node goes) replaced
rc=0
in_dev_ns 'mount -t tmpfs -o mode=0755 dev /dev; mknod /dev/loop-control c 10 237; mknod /dev/null c 1 3
	for i in $(seq 0 511); do : >/dev/loop$i; done; mount -o remount,ro /dev' \
	image "$d/plain.ks" "$d/n2.img" 1G "$d/sysroot" >"$d/out" 2>"$d/err" || rc=$?
check "a stale node on a read-only /dev" 1 "storage: /dev/loop" "$rc" "$d/n2.img"
grep -qE "storage: /dev/loop[0-9]+ is stale and cannot be removed: Read-only file system" "$d/err" || fail "$(cat "$d/err")"
# /dev mounted nodev (only /dev/loop-control bound from the real one): the
# node slipway makes cannot be opened
rc=0
in_dev_ns 'mount -t tmpfs -o mode=0755,nodev dev /dev; mknod /dev/null c 1 3
	touch /dev/loop-control; mount --bind "$D/loop-control" /dev/loop-control' \
	image "$d/plain.ks" "$d/n3.img" 1G "$d/sysroot" >"$d/out" 2>"$d/err" || rc=$?
check "/dev is nodev" 1 "storage: cannot open /dev/loop" "$rc" "$d/n3.img"
grep -qE "storage: cannot open /dev/loop[0-9]+: Permission denied" "$d/err" || fail "$(cat "$d/err")"
# disk mode on a nodev /dev with the disk's own node bound in: the table is
# written, the new partition's node made, and opening it to wipe it fails
truncate -s 1G "$d/nodev.img"
new_loop nd "$d/nodev.img"
printf 'ignoredisk --only-use=%s\nclearpart --all --initlabel\nbootloader --location=none\npart / --size=100 --grow --fstype=ext4\n' \
	"${nd#/dev/}" >"$d/nodev.ks"
rc=0
in_dev_ns "mount -t tmpfs -o mode=0755,nodev dev /dev; mknod /dev/null c 1 3
	touch $nd; mount --bind \"\$D/${nd#/dev/}\" $nd" disk "$d/nodev.ks" "$d/sysroot" >"$d/out" 2>"$d/err" || rc=$?
check "a new partition's node cannot be opened" 1 \
	"storage: cannot open ${nd}p1 to wipe it: Permission denied" "$rc" "$nd"

# ---- LUKS (partition/crypt.c): the format works, the keyslot's argon2 needs
# 2 GiB and the address space is limited to 1 GiB (no dm-crypt needed) ----
printf 'reqpart\npart / --size=100 --grow --fstype=ext4 --encrypted --passphrase=keyslot-pw --pbkdf=argon2id --pbkdf-memory=2097152 --pbkdf-iterations=4\n' >"$d/ks.ks"
if grep -qa __asan_init "$drv"; then
	# (make check SAN=1: the sanitizer's shadow memory alone needs terabytes
	# of address space; make check runs this case)
	echo "note: the RLIMIT_AS case is not run under AddressSanitizer"
else
	rc=0; (ulimit -v 1048576; exec "$drv" image "$d/ks.ks" "$d/k.img" 2G "$d/sysroot") >"$d/out" 2>"$d/err" || rc=$?
	check "argon2 cannot get its memory" 1 "cannot add the passphrase keyslot: Cannot allocate memory" "$rc" "$d/k.img"
	grep -q keyslot-pw "$d/err" "$d/out" && fail "the passphrase is in the output"
fi

# ---- teardown (partition/mount.c): a process outside slipway holds the new
# root busy; it is detached lazily and the loop device goes when it ends ----
rc=0
SLIPWAY_TEST_PAUSE=before-teardown:$d/go "$drv" image "$d/plain.ks" "$d/b.img" 1G "$d/sysroot" >"$d/out" 2>"$d/err" &
apply=$!
await_pause before-teardown
(cd "$d/sysroot" && exec sleep 600) &
holder=$!
touch "$d/go"
wait $apply || rc=$?
expect_eq "a busy root: exit" 0 "$rc"
expect_contains "a busy root: warning" "warning: storage: $d/sysroot is busy, detaching it lazily" "$(cat "$d/err")"
if grep -q " $d/sysroot" /proc/self/mountinfo; then fail "a busy root: still mounted"; fi
kill $holder; wait $holder 2>/dev/null || true
for _ in $(seq 100); do [ -z "$(losetup -j "$d/b.img")" ] && break; sleep 0.1; done
no_leftovers "$d/b.img"
echo "ok: a busy root is detached lazily"
rm -f "$d/go"

# ---- image conversion (partition/image.c), after a complete apply ----
mkdir "$d/conv"
# paused NAME CODE NEEDLE FORMAT IMG ACTION: the apply stops before the
# conversion, ACTION (shell) changes the state, the conversion fails
paused() {
	local rc=0
	SLIPWAY_TEST_PAUSE=before-convert:$d/go "$drv" image "$d/plain.ks" "$5" 1G "$d/sysroot" "$4" >"$d/out" 2>"$d/err" &
	local apply=$!
	await_pause before-convert
	eval "$6"
	touch "$d/go"
	wait $apply || rc=$?
	rm -f "$d/go"
	chattr -i "$d/conv" "$5" 2>/dev/null || true
	check "$1" "$2" "$3" "$rc" "$5"
}
# the image became immutable: it cannot be opened for the VHD footer
paused "the image cannot be opened (VHD)" 1 "image: cannot open $d/conv/v1.img: Operation not permitted" \
	vhd "$d/conv/v1.img" 'chattr +i "$d/conv/v1.img"'
# a file size limit of exactly the image's 1 GiB: the footer cannot go after it...
fsize_run $((1 << 20)) "$drv" image "$d/plain.ks" "$d/conv/v2.img" 1G "$d/sysroot" vhd
check "the VHD footer cannot be written" 1 "image: cannot write the VHD footer of $d/conv/v2.img: File too large" \
	"$(cat "$d/rc")" "$d/conv/v2.img"
# ... and an image that grew by 4 KiB cannot be rounded up to whole MiB
rm -f "$d/err"
fsize_run $(((1 << 20) + 4)) env SLIPWAY_TEST_PAUSE=before-convert:"$d/go" \
	"$drv" image "$d/plain.ks" "$d/conv/v3.img" 1G "$d/sysroot" vhd &
await_pause before-convert
truncate -s +4K "$d/conv/v3.img"
touch "$d/go"
wait $!
rm -f "$d/go"
check "the image cannot be extended" 1 "image: cannot extend $d/conv/v3.img to 1074790400 bytes: File too large" \
	"$(cat "$d/rc")" "$d/conv/v3.img"
# qcow2: its directory became immutable, the temporary file cannot be made
paused "no file beside the image (qcow2)" 1 "image: cannot create a file beside $d/conv/q1.img: Operation not permitted" \
	qcow2 "$d/conv/q1.img" 'chattr +i "$d/conv"'
# qcow2: the image became immutable, the converted file cannot replace it
paused "the qcow2 cannot replace the image" 1 "image: cannot rename $d/conv/q2.img.qcow2-" \
	qcow2 "$d/conv/q2.img" 'chattr +i "$d/conv/q2.img"'
grep -qE "image: cannot rename $d/conv/q2\.img\.qcow2-[A-Za-z0-9]{6} to $d/conv/q2\.img: Operation not permitted" "$d/err" ||
	fail "rename message: $(cat "$d/err")"
expect_eq "files left beside the images" "" "$(ls "$d/conv" | grep qcow2- || true)"

# ---- fault points (common/fault.c) where no state the test can make
# reaches the site: the kernel handing out no loop device, or not
# publishing a partition, or refusing one through BLKPG ----
rc=0; SLIPWAY_FAULT=loop-free:1:ENOSPC "$drv" image "$d/plain.ks" "$d/x1.img" 1G "$d/sysroot" >"$d/out" 2>"$d/err" || rc=$?
check "no free loop device (fault loop-free)" 1 "storage: no free loop device: No space left on device" "$rc" "$d/x1.img"
rc=0; SLIPWAY_FAULT=partition:1+ "$drv" image "$d/plain.ks" "$d/x2.img" 1G "$d/sysroot" >"$d/out" 2>"$d/err" || rc=$?
check "a partition never appears (fault partition)" 1 "did not appear after the partition table was written (10000 ms)" "$rc" "$d/x2.img"
grep -qE "storage: /dev/loop[0-9]+p1 did not appear" "$d/err" || fail "$(cat "$d/err")"
# A kept partition another process holds open: the kernel cannot re-read
# the table (BLKRRPART: EBUSY), so each new partition is added with BLKPG.
# GPT: without the fault, the new partition 2 is added for real; with it,
# the kernel "refuses" it.
kept_disk() { # VAR LABEL: a 512 MiB loop disk with one 100 MiB partition
	truncate -s 512M "$d/$1.img"
	printf 'label: %s\nsize=100MiB, type=%s\n' "$2" "$([ "$2" = gpt ] && echo 0FC63DAF-8483-4772-8E79-3D69D8477DE4 || echo 83)" |
		sfdisk -q "$d/$1.img"
	new_loop "$1" "$d/$1.img"
	partitions "${!1}" p1
}
kept_disk kg gpt
printf 'ignoredisk --only-use=%s\nclearpart --none\nbootloader --location=none\npart / --size=50 --fstype=ext4\n' \
	"${kg#/dev/}" >"$d/kg.ks"
exec 9<"${kg}p1"
rc=0; "$drv" disk "$d/kg.ks" "$d/sysroot" >"$d/out" 2>"$d/err" || rc=$?
expect_eq "a new partition beside one held open: exit" 0 "$rc"
[ -b "${kg}p2" ] || fail "the kernel does not know partition 2"
no_leftovers "$kg"
echo "ok: a new partition beside one held open is added with BLKPG"
printf 'ignoredisk --only-use=%s\nclearpart --list=%sp2\nbootloader --location=none\npart / --size=60 --fstype=ext4\n' \
	"${kg#/dev/}" "${kg#/dev/}" >"$d/kg2.ks"
rc=0; SLIPWAY_FAULT=blkpg:1 "$drv" disk "$d/kg2.ks" "$d/sysroot" >"$d/out" 2>"$d/err" || rc=$?
check "the kernel refuses a new partition (fault blkpg)" 1 \
	"storage: $kg: cannot tell the kernel about partition 2: Input/output error" "$rc" "$kg"
exec 9<&-
# msdos: five partitions need the extended partition 4, told to the kernel
# first. A new table, on a loop device without partition scanning (so the
# kernel's re-read fails, EINVAL, whatever partition tables it parses)
truncate -s 512M "$d/km.img"
km=$(losetup --find --show "$d/km.img")
_loops+=("$km")
printf 'ignoredisk --only-use=%s\nclearpart --all --initlabel --disklabel=msdos\nbootloader --location=none\npart / --size=50 --fstype=ext4\n' \
	"${km#/dev/}" >"$d/km.ks"
printf 'part /%s --size=20\n' a b c d >>"$d/km.ks"
rc=0; SLIPWAY_FAULT=blkpg:1 "$drv" disk "$d/km.ks" "$d/sysroot" >"$d/out" 2>"$d/err" || rc=$?
check "the kernel refuses the extended partition (fault blkpg)" 1 \
	"storage: $km: cannot tell the kernel about the extended partition 4: Input/output error" "$rc" "$km"
# libblkid failing to wipe an old signature (libblkid 2.39 and later say so
# when the write's fsync fails; tests/vm/test-storage-errors-vm.sh shows the
# flush failing instead on older ones)
truncate -s 512M "$d/w.img"
echo 'label: gpt' | sfdisk -q "$d/w.img"
new_loop wd "$d/w.img"
printf 'ignoredisk --only-use=%s\nclearpart --all --initlabel\nbootloader --location=none\npart / --size=50 --fstype=ext4\n' \
	"${wd#/dev/}" >"$d/w.ks"
rc=0; SLIPWAY_FAULT=wipe:1 "$drv" disk "$d/w.ks" "$d/sysroot" >"$d/out" 2>"$d/err" || rc=$?
check "an old signature cannot be wiped (fault wipe)" 1 "storage: cannot wipe the gpt signature on $wd" "$rc" "$wd"
expect_eq "the old GPT is still there" gpt "$(blkid -p -o value -s PTTYPE "$wd")"

echo ok
