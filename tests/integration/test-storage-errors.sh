#!/bin/bash
# Storage error paths the host can produce for real (no fault injection),
# through the storage-only driver part-apply and the CLI: each case checks
# the exit code, the message, and that no loop device, mount or temp file is
# left. The table of every storage error site is in tests/README.md
# ("Storage error paths"); the ones needing device-mapper or a failing block
# device are in tests/vm/test-storage-errors-vm.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
need_part_apply
S=$SLIPWAY_BIN

tmpdir d
export TMPDIR=$d
mkdir "$d/sysroot"
no_leftovers() { # IMAGE: nothing attached to it, nothing mounted under the sysroot
	expect_eq "loop devices left on $1" "" "$(losetup -j "$1" 2>/dev/null)"
	if grep -q " $d/sysroot" /proc/self/mountinfo; then fail "mounts left: $(grep " $d/sysroot" /proc/self/mountinfo)"; fi
	ls -d "$d"/slipway-esp.* 2>/dev/null && fail "ESP staging directory left behind"
	return 0
}
# apply_fails NAME CODE NEEDLE KS IMG SIZE: part-apply in image mode fails
# with CODE and NEEDLE (1 for any failure once the apply began, as the CLI)
apply_fails() {
	local name=$1 code=$2 needle=$3 ks=$4 img=$5 size=$6 rc=0
	"$drv" image "$ks" "$img" "$size" "$d/sysroot" >"$d/out" 2>"$d/err" || rc=$?
	expect_eq "$name: exit" "$code" "$rc"
	expect_contains "$name: message" "$needle" "$(cat "$d/err")"
	no_leftovers "$img"
	echo "ok: $name"
}
plain() { printf 'reqpart\npart / --size=100 --grow --fstype=ext4 %s\n' "$1" >"$d/$2"; }
plain "" plain.ks

# The image path became a directory between the plan and the apply (the CLI
# checks it at plan time, image-target.c; the download runs in between)
mkdir "$d/dir.img"
apply_fails "the image is a directory" 1 \
	"storage: $d/dir.img exists and is not a regular file; refusing to use it as an image" \
	"$d/plain.ks" "$d/dir.img" 1G
# ... or its directory went away
apply_fails "the image's directory is gone" 1 \
	"storage: cannot create the image $d/gone/x.img: No such file or directory" \
	"$d/plain.ks" "$d/gone/x.img" 1G
# A size the filesystem holding the image cannot have (ext4: 16 TiB per file)
fs=$(stat -f -c %T "$d")
if [ "$fs" = ext2/ext3 ]; then
	apply_fails "the image is too large for its filesystem" 1 \
		"storage: cannot size the image $d/huge.img to 19791209299968 bytes: File too large" \
		"$d/plain.ks" "$d/huge.img" 18T
	[ -e "$d/huge.img" ] && [ "$(stat -c %s "$d/huge.img")" != 0 ] && fail "huge.img has a size"
else
	echo "note: $d is on $fs, not ext4: the EFBIG case is not run"
fi

# mkfs refuses --mkfsoptions: its own reason is in the message, exit 1
plain '--mkfsoptions=--no-such-option' badmkfs.ks
apply_fails "mkfs refuses an option" 1 "mkfs.ext4 on /dev/loop" "$d/badmkfs.ks" "$d/m.img" 1G
expect_contains "mkfs's own reason" "invalid option" "$(cat "$d/err")"
grep -qE 'mkfs\.ext4 .*--no-such-option /dev/loop[0-9]+p3 failed with exit status 1' "$d/err" ||
	fail "the failed command line: $(cat "$d/err")"

# The kernel refuses to mount a filesystem mkfs made: ext4 with 64 KiB blocks
# on a kernel with 4 KiB pages (mount(2) says EINVAL, libmount "wrong fs type")
plain '--mkfsoptions="-b 65536"' bigblock.ks
apply_fails "the kernel refuses the filesystem" 1 "storage: cannot mount /dev/loop" "$d/bigblock.ks" "$d/b.img" 1G
grep -qE "storage: cannot mount /dev/loop[0-9]+p3 on $d/sysroot \(ext4, options defaults\): " "$d/err" ||
	fail "mount message: $(cat "$d/err")"

# A mount point cannot be made: / is mounted read-only (--fsoptions=ro), so
# the next one, /boot/efi (the staged ESP's bind mount), cannot be created
printf 'reqpart\npart / --size=100 --grow --fstype=ext4 --fsoptions=ro\npart /home --size=50\n' >"$d/ro.ks"
apply_fails "a mount point cannot be created" 1 \
	"storage: cannot create $d/sysroot/boot/efi: Read-only file system" "$d/ro.ks" "$d/ro.img" 1G

# libcryptsetup refuses the PBKDF memory (more than its 4 GiB maximum) before
# formatting: no dm-crypt needed, the host can show it; its own message too
plain '--encrypted --passphrase=unused-pw --pbkdf-memory=5000000' pbkdf.ks
apply_fails "libcryptsetup refuses the PBKDF settings" 1 \
	"the PBKDF settings (argon2id) were refused: Invalid argument" "$d/pbkdf.ks" "$d/p.img" 2G
expect_contains "libcryptsetup's reason" "storage: cryptsetup: Requested maximum PBKDF memory cost is too high" "$(cat "$d/err")"
grep -q unused-pw "$d/err" "$d/out" && fail "the passphrase is in the output"

# A kept table (clearpart --list) whose dropped partition another process
# holds open: the kernel will not let it go (BLKPG_DEL_PARTITION: EBUSY).
# The new / (50 MiB) differs from the old partition 2, so it must go.
truncate -s 512M "$d/kept.img"
sfdisk -q "$d/kept.img" <<'SF'
label: gpt
size=100MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="keep"
size=100MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="drop"
SF
new_loop k "$d/kept.img"
partitions "$k" p2
cat >"$d/kept.ks" <<KS
ignoredisk --only-use=${k#/dev/}
clearpart --list=${k#/dev/}p2
bootloader --location=none
part / --size=50 --fstype=ext4
KS
exec 9<"${k}p2"
rc=0; "$drv" disk "$d/kept.ks" "$d/sysroot" >"$d/out" 2>"$d/err" || rc=$?
exec 9<&-
expect_eq "a dropped partition held open: exit" 1 "$rc"
expect_contains "a dropped partition held open" \
	"storage: $k: cannot remove the old partition 2 from the kernel's view (in use?): Device or resource busy" "$(cat "$d/err")"
if grep -q " $d/sysroot" /proc/self/mountinfo; then fail "mounts left"; fi
echo "ok: a dropped partition held open"

# The CLI: --image under a path that is not a directory (stat: ENOTDIR), exit 2
expect_fail "--image under a file" 2 "storage: --image /etc/hostname/x.img: Not a directory" \
	"$S" install -k "$d/plain.ks" --image /etc/hostname/x.img --size 1G --dry-run
# image mode: --ondisk is a warning (the image is the only disk), exit 0
repo=$(tests/fixtures/distro/build.sh 2>/dev/null) || fail "the test distro cannot be built"
printf 'url --url=file://%s\nreqpart\npart / --size=100 --grow --ondisk=sdz\n' "$repo" >"$d/ondisk.ks"
out=$("$S" install -k "$d/ondisk.ks" --image "$d/o.img" --size 1G --dry-run 2>&1) || fail "--ondisk in image mode: $out"
expect_contains "--ondisk in image mode" "storage: image mode: part / --ondisk=sdz is ignored, the image is the only disk" "$out"
echo ok
