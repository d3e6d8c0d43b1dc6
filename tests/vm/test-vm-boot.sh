#!/bin/bash
# Tests vm-boot without the test distro: builds a tiny GPT disk (BIOS boot partition + FAT
# ESP with grub for both firmwares, the Debian kernel, a busybox initramfs with getty/login)
# and boots it under SeaBIOS and OVMF; also an ISO, direct kernel boot, a failing check, the API.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
vm_boot=$here/vm-boot
fail=0
work=$(mktemp -d "${TMPDIR:-/tmp}/test-vm-boot.XXXXXX")
trap '[ -n "${VM_TEST_KEEP:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
password="pw-$RANDOM"
luks_passphrase="luks $RANDOM"

check() { # check NAME EXPECTED GOT
	if [ "$2" == "$3" ]; then
		echo "ok   $1"
	else
		echo "FAIL $1: expected [$2], got [$3]"
		fail=1
	fi
}

kernel=$(ls -1 /boot/vmlinuz-* | sort -V | tail -n 1)
kver=${kernel##*/vmlinuz-}

# --- the guest: busybox init, getty on ttyS0, root's password; with "vmboot.askpass" on
# the kernel command line it first asks for a passphrase like systemd-cryptsetup does.
build_initrd() {
	local root=$work/initrd
	mkdir -p "$root"/{bin,dev,etc,proc,sys,run,tmp,root}
	ln -s bin "$root/sbin"
	cp "$(command -v busybox)" "$root/bin/busybox"
	for a in $(busybox --list); do [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"; done
	ln -s bin/busybox "$root/init"
	mknod -m 600 "$root/dev/console" c 5 1
	cat > "$root/etc/inittab" <<-'EOF'
		::sysinit:/etc/rc
		ttyS0::respawn:/bin/getty -L -l /bin/vmlogin 115200 ttyS0 vt100
		::shutdown:/bin/sync
	EOF
	cat > "$root/etc/rc" <<-'EOF'
		#!/bin/sh
		mount -t proc proc /proc
		mount -t sysfs sysfs /sys
		mount -t devtmpfs devtmpfs /dev
		hostname vmboot-test
		if grep -q vmboot.askpass /proc/cmdline; then
			stty -echo # before the prompt: vm-boot answers as soon as it sees it
			printf 'Please enter passphrase for disk test (luks-test): '
			read -r pass
			stty echo
			echo
			echo "$pass" > /run/passphrase
		fi
	EOF
	chmod 755 "$root/etc/rc"
	# busybox login prints "Password: " before it turns echo off, so a password typed
	# as soon as the prompt shows can be echoed into the transcript (seen in CI, once in
	# a while under load). PAM's login turns echo off first; do the same here.
	cat > "$root/bin/vmlogin" <<-'EOF'
		#!/bin/sh
		stty -echo
		exec /bin/login "$@"
	EOF
	chmod 755 "$root/bin/vmlogin"
	echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
	echo 'root:x:0:' > "$root/etc/group"
	echo "root:$(busybox mkpasswd -m sha512 "$password"):20000:0:99999:7:::" > "$root/etc/shadow"
	chmod 600 "$root/etc/shadow"
	(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$work/initrd.img"
}

# --- the disk: GPT, p1 BIOS boot (core.img), p2 FAT ESP with grub, kernel and initrd.
# No loop device or mount: mkfs.vfat on a file, mtools, and boot.img patched like
# grub-bios-setup does for a BIOS boot partition.
build_disk() {
	local d=$work/disk.img esp=$work/esp.img
	truncate -s 48M "$d"
	sfdisk -q "$d" <<-'EOF'
		label: gpt
		start=2048, size=2048, type=21686148-6449-6E6F-744E-656564454649, name=bios
		start=4096, size=81920, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=esp
	EOF
	cat > "$work/early.cfg" <<-'EOF'
		serial --unit=0 --speed=115200
		terminal_input serial
		terminal_output serial
		search --no-floppy --fs-uuid --set=root 1234-ABCD
		set prefix=($root)/boot/grub
		configfile $prefix/grub.cfg
	EOF
	cat > "$work/grub.cfg" <<-'EOF'
		set timeout=0
		menuentry 'vm-boot test' {
			linux /boot/vmlinuz console=ttyS0,115200 loglevel=4 vmboot.askpass
			initrd /boot/initrd.img
		}
	EOF
	local mods="part_gpt fat normal linux search search_fs_uuid configfile serial terminal echo test"
	grub-mkimage -O i386-pc -o "$work/core.img" -c "$work/early.cfg" -p /boot/grub biosdisk $mods
	grub-mkimage -O x86_64-efi -o "$work/BOOTX64.EFI" -c "$work/early.cfg" -p /boot/grub $mods
	mkfs.vfat -C -i 1234ABCD -n VMBOOTESP "$esp" $((81920 / 2)) > /dev/null
	mmd -i "$esp" ::/EFI ::/EFI/BOOT ::/boot ::/boot/grub
	mcopy -i "$esp" "$work/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
	mcopy -i "$esp" "$work/grub.cfg" ::/boot/grub/grub.cfg
	mcopy -i "$esp" "$kernel" ::/boot/vmlinuz
	mcopy -i "$esp" "$work/initrd.img" ::/boot/initrd.img
	dd if="$esp" of="$d" bs=512 seek=4096 conv=notrunc status=none
	python3 - "$d" /usr/lib/grub/i386-pc/boot.img "$work/core.img" <<-'EOF'
		import struct, sys
		disk, boot_img, core_img = sys.argv[1:]
		first = 2048  # the BIOS boot partition
		with open(disk, "r+b") as f:
		    mbr = f.read(512)
		    boot = bytearray(open(boot_img, "rb").read())
		    core = bytearray(open(core_img, "rb").read())
		    sectors = (len(core) + 511) // 512
		    assert sectors <= 2048, "core.img does not fit the BIOS boot partition"
		    boot[0x5c:0x64] = struct.pack("<Q", first)  # where core.img starts
		    boot[0x64] = 0xff                            # boot from the BIOS's drive
		    boot[0x66:0x68] = b"\x90\x90"                # hard disk: skip the drive check
		    boot[0x1b8:0x1fe] = mbr[0x1b8:0x1fe]         # keep the protective MBR
		    core[0x1f4:0x1fe] = struct.pack("<QH", first + 1, sectors - 1)  # blocklist
		    f.seek(0)
		    f.write(boot)
		    f.seek(first * 512)
		    f.write(core)
	EOF
}

echo "building the test disk ($kver, busybox initramfs, grub i386-pc + x86_64-efi)"
build_initrd
build_disk

luks_sum=$(echo "$luks_passphrase" | sha256sum | cut -d' ' -f1) # what the guest read
for fw in bios uefi; do
	if [ $fw = uefi ]; then want='^uefi$'; else want='^bios$'; fi
	rc=0
	"$vm_boot" --firmware $fw --disk "$work/disk.img" --password "$password" \
		--luks-passphrase "$luks_passphrase" --login-timeout 300 --log "$work/$fw.log" \
		--run 'uname -r' --expect "^${kver//./\\.}\$" \
		--run 'sha256sum < /run/passphrase' --expect "^$luks_sum " \
		--run 'test -d /sys/firmware/efi && echo uefi || echo bios' --expect "$want" \
		--run 'cat /proc/cmdline; hostname' --expect '(?s)console=ttyS0.*vmboot-test' \
		> "$work/$fw.out" 2>&1 || rc=$?
	sed 's/^/  | /' "$work/$fw.out"
	check "$fw: disk boot, passphrase, login, 4 checks, poweroff (exit status)" 0 "$rc"
	check "$fw: transcript saved" yes "$(grep -q 'vmboot-test login:' "$work/$fw.log" && echo yes || echo no)"
	check "$fw: secrets are not in the transcript" no \
		"$(grep -qF -e "$password" -e "$luks_passphrase" "$work/$fw.log" && echo yes || echo no)"
done

# The same kernel and initramfs on a grub-mkrescue ISO (El Torito BIOS + EFI), under OVMF.
mkdir -p "$work/iso/boot/grub"
cp "$kernel" "$work/iso/boot/vmlinuz"
cp "$work/initrd.img" "$work/iso/boot/initrd.img"
cat > "$work/iso/boot/grub/grub.cfg" <<-'EOF'
	serial --unit=0 --speed=115200
	terminal_input serial
	terminal_output serial
	set timeout=0
	menuentry 'vm-boot test ISO' {
		linux /boot/vmlinuz console=ttyS0,115200 loglevel=4 vmboot.iso
		initrd /boot/initrd.img
	}
EOF
TMPDIR=$work grub-mkrescue -o "$work/test.iso" "$work/iso" > "$work/mkrescue.log" 2>&1 ||
	{ cat "$work/mkrescue.log"; exit 1; }
rc=0
"$vm_boot" --firmware uefi --cdrom "$work/test.iso" --password "$password" --log "$work/iso.log" \
	--run 'cat /proc/cmdline' --expect 'vmboot\.iso' \
	--run 'test -d /sys/firmware/efi && echo uefi || echo bios' --expect '^uefi$' \
	> "$work/iso.out" 2>&1 || rc=$?
sed 's/^/  | /' "$work/iso.out"
check "uefi: ISO boot (--cdrom), login, 2 checks, poweroff (exit status)" 0 "$rc"

# A failing --expect: exit 1 and the console tail; direct kernel boot, no passphrase asked.
rc=0
"$vm_boot" --kernel "$kernel" --initrd "$work/initrd.img" --append "console=ttyS0 loglevel=4" \
	--password "$password" --run 'echo apples' --expect '^oranges$' > "$work/neg.out" 2>&1 || rc=$?
check "a failing --expect exits 1" 1 "$rc"
check "a failing --expect names the command and shows the output" yes \
	"$(grep -q "does not match '\^oranges\$'" "$work/neg.out" && grep -q '^apples$' "$work/neg.out" && echo yes || { cat "$work/neg.out"; echo no; })"

rc=0
"$vm_boot" --disk "$work/disk.img" --expect x > "$work/usage.out" 2>&1 || rc=$?
check "--expect without --run is a usage error (2)" 2 "$rc"

# The module API, under OVMF with direct kernel boot.
rc=0
python3 - "$here" "$kernel" "$work/initrd.img" "$password" > "$work/api.out" 2>&1 <<-'EOF' || rc=$?
	import sys
	sys.path.insert(0, sys.argv[1])
	import vm_boot
	with vm_boot.VM(firmware="uefi", kernel=sys.argv[2], initrd=sys.argv[3],
	                append="console=ttyS0 loglevel=4") as vm:
	    vm.login("root", sys.argv[4], timeout=300)
	    assert vm.run("false") == (1, ""), vm.run("false")
	    assert vm.run("printf 'a\\nb\\n'") == (0, "a\nb"), "multi-line output"
	    vm.check("test -d /sys/firmware/efi")
	    vm.poweroff()
	    print("api ok, exit", vm.proc.returncode)
EOF
check "the python API works (import vm_boot, VM, login, run, check, poweroff)" "0|api ok, exit 0" \
	"$rc|$(tail -n 1 "$work/api.out")"

exit $fail
