#!/bin/bash
# make iso's structure, read with xorriso and cpio on the host (no boot; tests/vm/
# test-iso-boot.sh boots it): volume id SLIPWAY, El Torito entries for BIOS and UEFI,
# the hybrid MBR and GPT, grub.cfg's serial terminal and four entries, the kernel and
# initramfs at Fedora's paths, the test distro repo at the root; the initramfs is two
# zstd archives: the cached base (busybox, udevd and rules, the tools under /tools with
# no shared library elsewhere, the modules with modules.dep) and init + static slipway.
# Builds the static libraries when they are not cached (tools/static/build-libs.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."

. tests/integration/lib.sh
need_root
for t in grub-mkrescue xorriso mformat zstd cpio python3; do
	command -v "$t" >/dev/null || fail "$t is not installed (make deps)"
done
make_static bin build
t0=$SECONDS
iso=$(SLIPWAY_BIN= nice -n 10 tools/iso/mkiso.sh 2>/dev/null) || fail "tools/iso/mkiso.sh failed"
expect_eq "make -s iso-path" "$iso" "$(make -s iso-path)"
echo "ok   built in $((SECONDS - t0)) s: $iso ($(du -m "$iso" | cut -f1) MiB)"

report=$(xorriso -indev "$iso" -pvd_info -report_el_torito plain -report_system_area plain 2>&1)
grep -q "^Volume Id *: SLIPWAY$" <<<"$report" || fail "volume id is not SLIPWAY: $(grep 'Volume Id' <<<"$report")"
grep -qE "^El Torito boot img : +1 +BIOS +y +none" <<<"$report" || fail "no BIOS El Torito entry:
$report"
grep -qE "^El Torito boot img : +2 +UEFI +y +none" <<<"$report" || fail "no UEFI El Torito entry:
$report"
grep -q "^El Torito img path : *1 */boot/grub/i386-pc/eltorito.img" <<<"$report" || fail "BIOS image is not grub's eltorito.img"
grep -q "^System area summary: MBR protective-msdos-label grub2-mbr" <<<"$report" ||
	fail "no hybrid MBR (grub2-mbr) for booting from a USB stick: $(grep 'System area summary' <<<"$report")"
grep -q "^GPT partname local : *[0-9] *EFI boot partition" <<<"$report" || fail "no EFI boot partition in the GPT"
echo "ok   volume id SLIPWAY; El Torito BIOS + UEFI; hybrid MBR (grub2-mbr) + GPT with the EFI partition"

files=$(xorriso -indev "$iso" -find / -type f 2>/dev/null | tr -d "'")
for f in /images/pxeboot/vmlinuz /images/pxeboot/initrd.img /boot/grub/grub.cfg /repodata/repomd.xml \
	/RPM-GPG-KEY-slipway-test /efi.img /boot/grub/i386-pc/eltorito.img /boot/grub/x86_64-efi/serial.mod; do
	grep -qx "$f" <<<"$files" || fail "$f is not on the ISO"
done
R=$(tests/fixtures/distro/build.sh 2>/dev/null)
expect_eq "packages at the root" "$(cd "$R" && ls *.rpm | wc -l)" "$(grep -cE '^/[^/]+\.rpm$' <<<"$files")"
echo "ok   kernel, initramfs, grub.cfg, repodata/ and $(grep -cE '^/[^/]+\.rpm$' <<<"$files") packages at the root"

tmpdir work
xorriso -osirrox on -indev "$iso" -extract /boot/grub/grub.cfg "$work/grub.cfg" \
	-extract /images/pxeboot/initrd.img "$work/initrd.img" -extract /images/pxeboot/vmlinuz "$work/vmlinuz" 2>/dev/null
cfg=$(cat "$work/grub.cfg")
expect_contains "grub.cfg" "serial --unit=0 --speed=115200" "$cfg"
expect_contains "grub.cfg" "terminal_input serial console" "$cfg"
expect_contains "grub.cfg" "terminal_output serial console" "$cfg"
expect_contains "grub.cfg" "set timeout=5" "$cfg"
expect_eq "grub.cfg entries" "Install slipway test distro|Install unattended (inst.ks=hd:LABEL=OEMDRV:/ks.cfg)|Install on the serial console|Rescue shell" \
	"$(sed -n "s/^menuentry '\([^']*\)'.*/\1/p" "$work/grub.cfg" | paste -sd'|')"
expect_eq "kernel arguments" "inst.stage2=hd:LABEL=SLIPWAY console=ttyS0,115200n8 console=tty0|inst.stage2=hd:LABEL=SLIPWAY inst.ks=hd:LABEL=OEMDRV:/ks.cfg inst.cmdline console=tty0 console=ttyS0,115200n8|inst.stage2=hd:LABEL=SLIPWAY console=tty0 console=ttyS0,115200n8|inst.stage2=hd:LABEL=SLIPWAY inst.rescue console=tty0 console=ttyS0,115200n8" \
	"$(sed -n 's|^\s*linux /images/pxeboot/vmlinuz \(.*\)|\1|p' "$work/grub.cfg" | paste -sd'|')"
kernel=$(ls -1 /boot/vmlinuz-* | sort -V | tail -n 1)
cmp -s "$kernel" "$work/vmlinuz" || fail "/images/pxeboot/vmlinuz is not $kernel"
kver=${kernel##*/vmlinuz-}
echo "ok   grub.cfg: serial terminal, timeout 5, the four entries and their arguments; the kernel is $kernel"

# The initramfs: split the zstd frames (the kernel unpacks concatenated archives).
python3 - "$work/initrd.img" "$work" <<'PY'
import subprocess, sys
data = open(sys.argv[1], "rb").read()
n = 0
frames = [i for i in range(len(data)) if data.startswith(b"\x28\xb5\x2f\xfd", i)]
start = 0
for i in frames[1:] + [len(data)]:
    out = subprocess.run(["zstd", "-dc"], input=data[start:i], capture_output=True)
    if out.returncode == 0 and out.stdout.startswith(b"070701"):
        open(f"{sys.argv[2]}/part{n}.cpio", "wb").write(out.stdout)
        n += 1
        start = i
if n != 2:
    sys.exit(f"expected 2 cpio archives in the initramfs, found {n}")
PY
mkdir "$work/base" "$work/top"
(cd "$work/base" && cpio -id --quiet <"$work/part0.cpio")
(cd "$work/top" && cpio -id --quiet <"$work/part1.cpio")
b=$work/base
for f in bin/busybox bin/sh sbin/modprobe lib/systemd/systemd-udevd lib/udev/cdrom_id usr/bin/udevadm \
	lib/udev/rules.d/60-persistent-storage.rules lib/udev/rules.d/80-drivers.rules \
	usr/bin/mkfs.ext4 usr/bin/mkfs.xfs usr/bin/mkfs.vfat usr/bin/mkswap usr/bin/mcopy usr/bin/efibootmgr \
	etc/mke2fs.conf tools/lib/gconv/IBM850.so "lib/modules/$kver/modules.dep" "lib/modules/$kver/modules.alias.bin"; do
	[ -e "$b/$f" ] || [ -L "$b/$f" ] || fail "the initramfs base has no /$f"
done
for m in isofs vfat nls_cp437 dm-crypt dm-mod ext4 xfs loop virtio_blk virtio_net ahci sr_mod sd_mod e1000e; do
	grep -q "/$m.ko" "$b/lib/modules/$kver/modules.dep" || fail "module $m is not in the initramfs"
done
so=$(cd "$b" && find . -type f | grep -E '\.so($|\.)' | grep -v '^\./tools/lib/' || true)
[ -z "$so" ] || fail "shared libraries outside /tools/lib: $so"
[ -x "$work/top/init" ] && [ -x "$work/top/usr/share/udhcpc/default.script" ] || fail "init or the udhcpc script is missing"
cmp -s "$bin" "$work/top/usr/bin/slipway" || fail "/usr/bin/slipway is not $bin"
! LC_ALL=C readelf -lW "$work/top/usr/bin/slipway" | grep -q INTERP || fail "/usr/bin/slipway is dynamic"
echo "ok   initramfs: base $(du -m "$work/part0.cpio" | cut -f1) MiB unpacked ($(ls "$b/lib/modules/$kver" -R | grep -c '\.ko$') modules, tools under /tools only), top $(du -m "$work/part1.cpio" | cut -f1) MiB (init, static slipway); $(du -k "$work/initrd.img" | cut -f1) KiB compressed"

# the unattended example of the ISO's documentation is a valid kickstart
if [ -x "$SLIPWAY_BIN" ]; then
	out=$("$SLIPWAY_BIN" validate docs/examples/unattended-iso.ks 2>&1) || fail "docs/examples/unattended-iso.ks: $out"
	echo "ok   docs/examples/unattended-iso.ks validates"
fi
