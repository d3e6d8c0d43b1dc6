#!/bin/bash
# The installer ISO end to end (issue 9, the make-check subset of its matrix):
#  4. a kickstart with an error on an OEMDRV disk: the ISO's unattended entry prints
#     `ks.cfg:LINE: …` and the failure on the console, copies the log onto OEMDRV,
#     writes nothing to the disk beside it and then waits (no reboot loop);
#  without a kickstart, the serial console entry starts the TUI with the ISO's repo;
#  the ISO written to a disk and booted from it: a kickstart naming that disk is
#     refused (exit 3), the disk unchanged;
#  1+3. the same entry (inst.ks=hd:LABEL=OEMDRV:/ks.cfg inst.cmdline), SeaBIOS, a VM
#     with 1 GiB of RAM and two disks besides OEMDRV: the kickstart (boot scenario 1,
#     no source: the ISO's repo) selects the second with `ignoredisk --only-use=vdb`
#     and powers off; the first disk is byte-for-byte unchanged; the installed disk
#     boots under SeaBIOS, logs in on the serial console and passes scenario 1's
#     checks (tests/vm/scenario1.sh).
# The ISO is `make iso` (static slipway); each step prints its time.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
t0=$SECONDS
# the release ISO (static slipway): tests/run.sh exports SLIPWAY_BIN, the development build
SLIPWAY_BIN= make -s iso >/dev/null || fail "make iso failed"
ISO=$(make -s iso-path)
echo "make iso: $((SECONDS - t0)) s ($ISO, $(du -m "$ISO" | cut -f1) MiB)"
. tests/vm/scenario-checks.sh
. tests/vm/scenario1.sh
work=$(mktemp -d /var/tmp/slipway-iso.XXXXXX)
_tmps+=("$work")
pw="root-$RANDOM"

# oemdrv FILE: a FAT volume labelled OEMDRV holding FILE as /ks.cfg, as an operator makes it
oemdrv() {
	rm -f "$work/oemdrv.img"
	mkfs.vfat -n OEMDRV -C "$work/oemdrv.img" 32768 >/dev/null
	mcopy -i "$work/oemdrv.img" "$1" ::ks.cfg
}

# a disk with data the installer must not touch: a GPT, an ext4 partition, random bytes
head -c 8M /dev/urandom >"$work/data.img"
truncate -s 2G "$work/data.img"
printf 'label: gpt\nstart=16MiB,size=512MiB,type=L\n' | sfdisk -q "$work/data.img"
sum=$(sha256sum <"$work/data.img")

# 4. a kickstart error: file:line on the console, exit 2, the log on OEMDRV, nothing written
printf 'rootpw --plaintext %s\nignoredisk --only-use=vda\nnosuchcommand --x\n' "$pw" >"$work/bad.ks"
oemdrv "$work/bad.ks"
t1=$SECONDS
tests/vm/iso-boot "$ISO" --disk "$work/data.img" --disk "$work/oemdrv.img" --entry "Install unattended" \
	--expect 'ks\.cfg:3: nosuchcommand: unknown command' \
	--expect 'the installation did not complete \(exit 2\); the log is /tmp/slipway\.log' \
	--expect 'the log was copied to slipway-install\.log' \
	--expect 'the installation failed \(exit 2\)' \
	--timeout 900 --log "$work/serial-bad.log" || fail "the kickstart error was not reported as expected"
echo "scenario 4 (kickstart error): $((SECONDS - t1)) s"
expect_eq "the disk beside OEMDRV after the kickstart error" "$sum" "$(sha256sum <"$work/data.img")"
log=$(mtype -i "$work/oemdrv.img" ::slipway-install.log) || fail "no slipway-install.log on OEMDRV"
expect_contains "the log on OEMDRV" "ks.cfg:3: nosuchcommand: unknown command" "$log"
printf '%s\n' "$log" | cat - "$work/serial-bad.log" | grep -qF "$pw" && fail "the root password reached the console or the log"

# no kickstart: the serial console entry starts the TUI there (TERM=vt220), its
# source the ISO's repo, read (comps) before the hub shows; the serial console's
# size (unknown to the kernel) is asked and answered as a 120x40 terminal would
t1=$SECONDS
tests/vm/iso-boot "$ISO" --disk "$work/data.img" --entry "Install on the serial console" \
	--term-size 40x120 \
	--expect 'tui: the terminal is 120 columns by 40 rows \(it said so when asked\)' \
	--expect 'Installation summary' \
	--expect 'Installation source *file:///run/install/isodir' \
	--expect 'Software selection *core' \
	--expect 'Begin installation' \
	--timeout 600 --log "$work/serial-tui.log" || fail "the TUI did not start from the ISO"
# ncurses took 40 rows: its first scroll region (vt220's csr) is rows 1 to 40
grep -qF $'\e[1;40r' "$work/serial-tui.log" || fail "the TUI did not use the 40 rows the terminal reported"
echo "the TUI from the ISO: $((SECONDS - t1)) s"

# the disk the installer booted from (the hybrid ISO written to a disk, a copy) is
# refused as a target: exit 3, its bytes unchanged
cp "$ISO" "$work/stick.img"
stick=$(sha256sum <"$work/stick.img")
printf 'rootpw --plaintext %s\nignoredisk --only-use=vda\nclearpart --all --initlabel\nreqpart\npart / --size=2000 --grow\n%%packages\n@core\n%%end\n' \
	"$pw" >"$work/self.ks"
oemdrv "$work/self.ks"
t1=$SECONDS
tests/vm/iso-boot "$work/stick.img" --as-disk --disk "$work/oemdrv.img" --entry "Install unattended" \
	--expect '/dev/vda holds the running installer' \
	--expect 'the installation did not complete \(exit 3\)' \
	--timeout 900 --log "$work/serial-self.log" || fail "the installer's own disk was not refused"
echo "the boot disk refused: $((SECONDS - t1)) s"
expect_eq "the disk the installer booted from" "$stick" "$(sha256sum <"$work/stick.img")"
rm -f "$work/stick.img"

# 1+3. the unattended install onto the second disk, 1 GiB of RAM, BIOS
{
	scenario1_kickstart "" "$pw"
	echo "ignoredisk --only-use=vdb"
	echo "poweroff"
} >"$work/ks.cfg"
oemdrv "$work/ks.cfg"
truncate -s 6G "$work/target.img"
t1=$SECONDS
tests/vm/iso-boot "$ISO" --disk "$work/data.img" --disk "$work/target.img" --disk "$work/oemdrv.img" \
	--entry "Install unattended" --mem 1024 --firmware bios \
	--expect 'inst\.ks=hd:LABEL=OEMDRV:/ks\.cfg: /dev/vdc/ks\.cfg copied to /run/install/ks\.cfg' \
	--expect 'install [0-9]+ packages' \
	--expect 'installed; the log is' \
	--poweroff --timeout 3600 --log "$work/serial-install.log" || fail "the unattended install from the ISO failed"
echo "scenarios 1+3 (install from the ISO, 1 GiB): $((SECONDS - t1)) s"
grep -qF -e "$pw" -e alice-pw "$work/serial-install.log" && fail "a password reached the console"
grep -q 'no installation source; using inst.stage2=hd:LABEL=SLIPWAY' "$work/serial-install.log" ||
	fail "the ISO's repo was not the default source"
expect_eq "the first disk after the install" "$sum" "$(sha256sum <"$work/data.img")"
t1=$SECONDS
scenario1_boot "$work/target.img" "$pw" "$work/serial-install.log" "$work"
echo "scenario 1 boot and checks: $((SECONDS - t1)) s"
echo "ok: the ISO, $((SECONDS - t0)) s in all"
