#!/bin/bash
# Storage error paths that need a failing block device or a kernel feature
# the host lacks, made for real inside vm-run (no fault injection): a loop
# disk on a device-mapper device with an `error` region (libfdisk opening
# the disk, mkfs, the LUKS format and mkfs on an open LUKS volume fail with
# EIO); a loop disk on a dm-flakey device that is always down, reads
# working and every write and flush failing (error_writes), with an old GPT
# and blank (the flush after the signature wipe fails);
# dm-crypt that cannot be loaded (crypt_activate fails); udevadm settle
# failing; no /dev/loop-control. Each case checks part-apply's exit code, the
# message, and that nothing is left mounted or mapped. The table of every
# storage error site is in tests/README.md ("Storage error paths").
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
drv=$PWD/$BUILD/tests/tools/part-apply
[ -x "$drv" ] || { echo "SKIP: $drv not built"; exit 77; }
work=$(mktemp -d /var/tmp/slipway-vmerr.XXXXXX)
trap 'rm -rf "$work"' EXIT
truncate -s 2G "$work/disk.img"
cat >"$work/inside.sh" <<INSIDE
#!/bin/bash
# runs in the VM
set -uo pipefail
w=$work
drv=$drv
INSIDE
cat >>"$work/inside.sh" <<'INSIDE'
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
SIZE=$(blockdev --getsz /dev/vda) # 512-byte sectors
modprobe loop
mkdir -p /tmp/sysroot
# bad_disk NAME TABLE: a loop disk (the kind slipway selects) on a dm device
# made of TABLE; sets $disk
bad_disk() {
	dmsetup create "$1" --table "$2" || { bad "dmsetup create $1"; return 1; }
	# no udev here: the node is devtmpfs's /dev/dm-N
	local dm
	dm=/dev/$(dmsetup info -c --noheadings -o blkdevname "$1")
	disk=$(losetup --find --show "$dm") || { bad "losetup $dm"; dmsetup remove "$1"; return 1; }
}
drop_disk() { losetup -d "$disk"; dmsetup remove "$1"; }
# ks FILE PART-OPTIONS: one disk, cleared, / on it
ks() {
	printf 'ignoredisk --only-use=%s\nclearpart --all --initlabel\nreqpart\npart / --size=100 --grow --fstype=ext4 %s\n' \
		"${disk#/dev/}" "$2" >"$w/$1"
}
# expect NAME CODE NEEDLE-REGEX KS: part-apply on the disk fails with CODE
# and says NEEDLE; nothing is mounted under the sysroot, and no mapping but
# the test's own is left
expect() {
	local rc=0
	timeout 120 $drv disk "$w/$4" /tmp/sysroot >"$w/$1.out" 2>&1 || rc=$?
	[ "$rc" = "$2" ] && ok "$1: exit $rc" || { bad "$1: expected exit $2, got $rc"; tail -5 "$w/$1.out"; }
	grep -qE -- "$3" "$w/$1.out" && ok "$1: $(grep -E -m1 -- "$3" "$w/$1.out")" || bad "$1: no /$3/ in: $(grep -E 'error|warning' "$w/$1.out")"
	grep -q /tmp/sysroot /proc/self/mountinfo && bad "$1: mounts left: $(grep /tmp/sysroot /proc/self/mountinfo)"
	local maps
	maps=$(dmsetup ls 2>/dev/null | awk '$1 ~ /^luks-/ {print $1}')
	[ -z "$maps" ] && ok "$1: nothing left mounted or mapped" || bad "$1: LUKS mappings left: $maps"
	# the loop disk's partitions are not held by anything
	for h in /sys/block/${disk#/dev/}/${disk#/dev/}p*/holders/*; do
		[ -e "$h" ] && bad "$1: ${h%/holders/*} is still held by ${h##*/}"
	done
	return 0
}
LUKS='--encrypted --passphrase=vm-err-passphrase --pbkdf-memory=32768 --pbkdf-time=200'

# Tables of dm targets over vda: `error` fails every read and write of its
# sectors but takes no part in flushes (dm-flakey's error_writes would fail
# the flush of the first fsync, before anything else is tried). libfdisk and
# libblkid read the first 4 MiB (LUKS2 secondary headers) and the last
# 1 MiB of a disk they open: those stay readable except in case 1.
err() { echo "$1 $2 error"; }
lin() { echo "$1 $2 linear /dev/vda $1"; }

# 1. sector 0 cannot be read: libfdisk cannot even open the disk
bad_disk t1 "0 34 error
$(lin 34 $((SIZE - 34)))" && {
	ks t1.ks ""
	expect "the disk's first sectors are unreadable" 1 "storage: $disk: libfdisk cannot use it: Input/output error" t1.ks
	drop_disk t1
}
# (A table write failing after libfdisk opened the disk cannot be made this
# way: libfdisk reads the sectors it writes first. SLIPWAY_FAULT=table in
# tests/integration/test-faults.sh shows that message.)
# Where the root partition starts, from a clean apply of the same layouts
bad_disk t0 "$(lin 0 "$SIZE")" && {
	ks t0.ks "$LUKS"
	timeout 120 $drv disk "$w/t0.ks" /tmp/sysroot >"$w/t0.out" 2>&1 || bad "the clean apply failed: $(tail -3 "$w/t0.out")"
	rootpart=$(blkid -t TYPE=crypto_LUKS -o device "${disk}"p* | head -1)
	rstart=$(cat "/sys/class/block/${rootpart#/dev/}/start")
	echo "root partition: $rootpart at sector $rstart"
	drop_disk t0
}
# 3-4. the table area works, the root partition fails: mkfs, and the LUKS
# format
end=$((SIZE - 4096))
bad_disk t3 "$(lin 0 "$rstart")
$(err "$rstart" $((end - rstart)))
$(lin "$end" 4096)" && {
	ks t3.ks ""
	expect "mkfs on a partition that fails writes" 1 "storage: mkfs\.ext4 on ${disk}p[0-9]+: .*Input/output error" t3.ks
	grep -qE "mkfs\.ext4 .* ${disk}p[0-9]+ failed with exit status" "$w/mkfs on a partition that fails writes.out" &&
		ok "the failed mkfs command and status" || bad "no 'failed with exit status' line"
	ks t4.ks "$LUKS"
	expect "LUKS format on a partition that fails writes" 1 "storage: ${disk}p[0-9]+: cannot format as luks2 \(aes-xts-plain64\): " t4.ks
	drop_disk t3
}
# 5. the LUKS header area (16 MiB) works, the data behind it fails:
# format and open succeed, mkfs on the open mapping fails, teardown closes it
data=$((rstart + 32768))
bad_disk t5 "$(lin 0 "$data")
$(err "$data" $((end - data)))
$(lin "$end" 4096)" && {
	ks t5.ks "$LUKS"
	expect "mkfs on an open LUKS volume" 1 "storage: mkfs\.ext4 on /dev/mapper/luks-[0-9a-f-]+: .*Input/output error" t5.ks
	drop_disk t5
}
# 6. dm-crypt cannot be loaded: crypt_activate fails after the format
truncate -s 256M /tmp/scratch.img
sc=$(losetup --find --show /tmp/scratch.img) || bad "losetup scratch"
# load the crypto the format needs first (then modprobe is switched off)
echo -n x | cryptsetup luksFormat -q --type luks2 --pbkdf-memory 32768 --iter-time 200 -d - "$sc" &&
	echo -n x | cryptsetup open -d - "$sc" scratch && cryptsetup close scratch
losetup -d "$sc"
modprobe_was=$(cat /proc/sys/kernel/modprobe)
if rmmod dm_crypt 2>/dev/null; then
	echo /bin/false >/proc/sys/kernel/modprobe
	bad_disk t6 "$(lin 0 "$SIZE")" && {
		ks t6.ks "$LUKS"
		expect "dm-crypt missing: the LUKS volume cannot be opened" 1 "storage: ${disk}p[0-9]+: cannot open as luks-[0-9a-f-]+: " t6.ks
		drop_disk t6
	}
	echo "$modprobe_was" >/proc/sys/kernel/modprobe
	modprobe dm_crypt
else
	bad "dm_crypt cannot be unloaded: $(lsmod | grep dm_crypt)"
fi
# 7. udevd runs (its control socket is there) but udevadm settle fails: a
# warning, and the apply goes on. (dmsetup waits for udev when the socket
# exists: the dm device is made before and removed after.)
bad_disk t7 "$(lin 0 "$SIZE")" && {
	ks t7.ks ""
	mkdir -p /run/udev /tmp/fakebin && touch /run/udev/control
	printf '#!/bin/sh\nexit 1\n' >/tmp/fakebin/udevadm && chmod +x /tmp/fakebin/udevadm
	rc=0; PATH=/tmp/fakebin:$PATH timeout 120 $drv disk "$w/t7.ks" /tmp/sysroot >"$w/t7.out" 2>&1 || rc=$?
	rm -f /run/udev/control
	[ $rc = 0 ] && ok "udevadm settle fails: the apply succeeds" || { bad "udevadm settle fails: exit $rc"; tail -5 "$w/t7.out"; }
	grep -q 'warning: storage: udevadm settle did not finish (status 1); going on' "$w/t7.out" &&
		ok "udevadm settle fails: the warning" || bad "no settle warning: $(grep -i udev "$w/t7.out")"
	drop_disk t7
}
# 8. no /dev/loop-control (image mode cannot attach its file)
rm /dev/loop-control
rc=0; timeout 120 $drv image "$w/t7.ks" /tmp/img.img 1G /tmp/sysroot >"$w/t7.out" 2>&1 || rc=$?
mknod /dev/loop-control c 10 237
[ $rc = 1 ] && ok "no /dev/loop-control: exit 1" || bad "no /dev/loop-control: expected exit 1, got $rc"
grep -q 'storage: cannot open /dev/loop-control: No such file or directory' "$w/t7.out" &&
	ok "no /dev/loop-control: the message" || bad "no /dev/loop-control: $(grep error "$w/t7.out")"
[ -z "$(losetup -j /tmp/img.img)" ] && ok "no /dev/loop-control: nothing attached" || bad "a loop device is attached"

# 9-10. dm-flakey, always down (up 0 s, down 3600 s) with error_writes:
# reads work, every write and every flush fails with EIO. libfdisk opens the
# disk, and the wipe of the old signatures is the first write.
modprobe dm_flakey || bad "modprobe dm_flakey"
flakey() { echo "0 $SIZE flakey /dev/vda 0 0 3600 1 error_writes"; }
# retable NAME TABLE: the dm device under the loop disk gets a new table
retable() { dmsetup suspend "$1" && dmsetup reload "$1" --table "$2" && dmsetup resume "$1"; }
# 9. an old GPT, written while the device was linear. libblkid before 2.39
# ignores the result of the fsync it does after each wipe write (util-linux
# 133a0d70f, "libblkid: check fsync() return code"): the zeros stay in the
# loop disk's page cache, every signature counts as wiped, and the flush
# after the wipe fails. From 2.39 on the wipe itself fails.
bad_disk t9 "$(lin 0 "$SIZE")" && {
	echo 'label: gpt' | sfdisk -q "$disk" >/dev/null 2>&1
	[ "$(blkid -p -o value -s PTTYPE "$disk")" = gpt ] || bad "no GPT on $disk before the flakey table"
	if retable t9 "$(flakey)"; then
		ks t9.ks ""
		v=$(blkid --version | sed -n 's/.*(libblkid \([0-9][0-9.]*\),.*/\1/p')
		name="an old GPT on a disk that fails writes (libblkid $v)"
		if [ "$(printf '%s\n' "$v" 2.39 | sort -V | head -1)" = 2.39 ]; then
			expect "$name" 1 "storage: cannot wipe the gpt signature on $disk\$" t9.ks
		else
			expect "$name" 1 "storage: cannot flush $disk: Input/output error" t9.ks
		fi
		grep -q '^  now: gpt table, 0 partitions$' "$w/$name.out" &&
			ok "$name: the old GPT was seen" || bad "$name: the old GPT was not seen"
	else
		bad "t9 cannot become flakey"
	fi
	drop_disk t9
}
# 10. a blank disk: nothing to wipe, the flush fails
dd if=/dev/zero of=/dev/vda bs=1M count=16 conv=fsync status=none
dd if=/dev/zero of=/dev/vda bs=1M seek=$((SIZE / 2048 - 16)) count=16 conv=fsync status=none
bad_disk t10 "$(flakey)" && {
	[ -z "$(blkid -p "$disk")" ] || bad "$disk is not blank: $(blkid -p "$disk")"
	ks t10.ks ""
	expect "a blank disk that fails flushes" 1 "storage: cannot flush $disk: Input/output error" t10.ks
	grep -q '^  now: empty (no partition table)$' "$w/a blank disk that fails flushes.out" &&
		ok "a blank disk that fails flushes: it was blank" || bad "a blank disk that fails flushes: not blank"
	drop_disk t10
}

left=$(dmsetup ls 2>/dev/null | grep -v 'No devices found' || true)
[ -z "$left" ] && ok "no device-mapper device left" || bad "device-mapper devices left: $left"
echo "inside: $fails failures"
exit $fails
INSIDE
chmod +x "$work/inside.sh"
t0=$SECONDS
tests/vm/vm-run --rw-root --disk "$work/disk.img" --share "$work" --mem 1024 --timeout 600 -- "$work/inside.sh"
echo "vm: $((SECONDS - t0)) s"
