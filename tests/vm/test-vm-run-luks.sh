#!/bin/bash
# Tests LUKS2 + vfat through vm-run (the host kernel has neither): format, open, mkfs.vfat,
# write in one VM, reopen and read back in a second VM; vfat on a plain partition.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
vm_run=$here/vm-run
fail=0
work=$(mktemp -d "${TMPDIR:-/tmp}/test-vm-run-luks.XXXXXX")
trap 'rm -rf "$work"' EXIT

check() { # check NAME EXPECTED GOT
	if [ "$2" == "$3" ]; then
		echo "ok   $1"
	else
		echo "FAIL $1: expected [$2], got [$3]"
		fail=1
	fi
}

truncate -s 64M "$work/luks.img"  # sparse: /dev/vda in the VM
truncate -s 64M "$work/plain.img" # one partition: /dev/vdb1
echo 'start=2048, type=83' | sfdisk -q "$work/plain.img"
mkdir "$work/share"
passphrase="correct horse $RANDOM battery"
# Small, fixed argon2id cost: the default (up to 1 GiB, 2 s of benchmark) is slow under TCG.
pbkdf='--pbkdf argon2id --pbkdf-memory 32768 --pbkdf-parallel 1 --pbkdf-force-iterations 4'

# First VM: the passphrase arrives on stdin and only ever lives in a file on the VM's /tmp.
rc=0
printf '%s' "$passphrase" | "$vm_run" --stdin --disk "$work/luks.img" --disk "$work/plain.img" -- sh -euc "
	cat > /tmp/key
	cryptsetup luksFormat --batch-mode --type luks2 $pbkdf --key-file /tmp/key /dev/vda
	cryptsetup open --key-file /tmp/key /dev/vda slipway-test
	mkfs.vfat -n LUKSVFAT /dev/mapper/slipway-test >/dev/null
	mkdir /tmp/mnt
	mount -t vfat /dev/mapper/slipway-test /tmp/mnt
	echo 'written inside LUKS' > /tmp/mnt/hello.txt
	umount /tmp/mnt
	cryptsetup close slipway-test
	test ! -e /dev/mapper/slipway-test
	mkfs.vfat -n PLAINVFAT /dev/vdb1 >/dev/null
	mount /dev/vdb1 /tmp/mnt
	echo 'written on vfat' > /tmp/mnt/plain.txt
	umount /tmp/mnt
	echo first-vm-done
" > "$work/out1" 2>&1 || rc=$?
check "first VM: luksFormat, open, mkfs.vfat, write, close (exit status)" 0 "$rc"
check "first VM: reached its end" first-vm-done "$(tail -n 1 "$work/out1")"
[ "$rc" = 0 ] || sed 's/^/  | /' "$work/out1"

# On the host (no dm-crypt needed to read headers): the image is LUKS2 now.
check "host sees a LUKS2 header" "crypto_LUKS 2" \
	"$(blkid -p -o value -s TYPE "$work/luks.img") $(blkid -p -o value -s VERSION "$work/luks.img")"
check "host sees the vfat partition" vfat "$(blkid -p -o value -s TYPE --offset $((2048 * 512)) "$work/plain.img" || true)"

# Second VM: a key file in a share this time; reopen and read back both filesystems.
printf '%s' "$passphrase" > "$work/share/key"
chmod 600 "$work/share/key"
rc=0
"$vm_run" --share "$work/share" --disk "$work/luks.img" --disk "$work/plain.img" -- sh -euc "
	cryptsetup open --key-file '$work/share/key' /dev/vda slipway-test
	mkdir /tmp/mnt
	mount -o ro /dev/mapper/slipway-test /tmp/mnt
	cat /tmp/mnt/hello.txt
	umount /tmp/mnt
	cryptsetup close slipway-test
	mount -o ro /dev/vdb1 /tmp/mnt
	cat /tmp/mnt/plain.txt
	umount /tmp/mnt
	printf wrong > /tmp/badkey
	if cryptsetup open --key-file /tmp/badkey /dev/vda x 2>/dev/null; then echo wrong-key-accepted; fi
" > "$work/out2" 2> "$work/err2" || rc=$?
check "second VM: exit status" 0 "$rc"
check "second VM: file read back from LUKS+vfat and plain vfat" \
	"written inside LUKS|written on vfat" "$(paste -sd'|' "$work/out2")"
[ "$rc" = 0 ] || sed 's/^/  | /' "$work/err2"

exit $fail
