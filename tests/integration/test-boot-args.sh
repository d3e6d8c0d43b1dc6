#!/bin/bash
# `slipway boot` on the host (issue 9), with a kernel command line from a file and
# loop devices standing in for the installer's disks: inst.ks=hd:LABEL=…, OEMDRV
# discovery, inst.repo= as the default source, inst.disklabel=mbr, inst.cmdline with
# nothing to install, ip= (dry run: the commands it would run), errors in boot
# arguments and in the kickstart (file:line, exit 2, the log copied onto OEMDRV, the
# target untouched), the OEMDRV disk refused as a target, and `install -k hd:…`.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
S=$SLIPWAY_BIN
R=$(tests/fixtures/distro/build.sh 2>/dev/null) || fail "the test distro repo cannot be built"
tmpdir d
export TMPDIR=$d/tmp
mkdir "$TMPDIR"
cleanup_boot() { rm -f /run/install/ks.cfg; cleanup_all; }
trap cleanup_boot EXIT

# the target: 16 MiB of random data, then sparse
head -c 16M /dev/urandom >"$d/disk.img"
truncate -s 6G "$d/disk.img"
new_loop disk "$d/disk.img"
sum=$(sha256sum <"$disk")
secret=boot-args-secret-$$

# the kickstart, without a source (inst.repo= gives it) and with one
cat >"$d/base.ks" <<KS
rootpw --plaintext $secret
ignoredisk --only-use=${disk#/dev/}
clearpart --all --initlabel
reqpart
part / --fstype=ext4 --size=2048 --grow
%packages
@core
%end
KS
{ echo "url --url=file://$R"; cat "$d/base.ks"; } >"$d/url.ks"

# a disk holding it in a subdirectory of an ext4 partition
label=ks-$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkdir -p "$d/ksfs/ks"
cp "$d/base.ks" "$d/ksfs/ks/ks.cfg"
truncate -s 64M "$d/ksdisk.img"
printf 'label: gpt\n,,L\n' | sfdisk -q "$d/ksdisk.img"
new_loop ksdisk "$d/ksdisk.img"
partitions "$ksdisk" p1
mkfs.ext4 -q -L "$label" -d "$d/ksfs" "${ksdisk}p1"

# oemdrv FILE: a whole-disk ext4 volume labelled OEMDRV with FILE as /ks.cfg, on $oem
oem=
oemdrv() {
	[ -z "$oem" ] || losetup -d "$oem"
	rm -rf "$d/oemfs" "$d/oemdrv.img"
	mkdir "$d/oemfs"
	cp "$1" "$d/oemfs/ks.cfg"
	truncate -s 64M "$d/oemdrv.img"
	mkfs.ext4 -q -L OEMDRV -d "$d/oemfs" "$d/oemdrv.img"
	new_loop oem "$d/oemdrv.img"
}

# the first network interface with a device (none: the ip= checks are skipped)
iface=$(for n in /sys/class/net/*; do if [ -e "$n/device" ]; then basename "$n"; fi; done | sort | head -1)
cmdline() { printf '%s\n' "BOOT_IMAGE=/images/pxeboot/vmlinuz $*" >"$d/cmdline"; }
boot() { "$S" boot --cmdline "$d/cmdline" --log "$d/boot.log" "$@"; }

# 1. inst.ks=hd:LABEL=…: copied, the source from inst.repo=, new tables msdos
cmdline "inst.ks=hd:LABEL=$label:/ks/ks.cfg inst.repo=file://$R inst.disklabel=mbr inst.cmdline"
out=$(boot --dry-run 2>&1) || fail "boot --dry-run with inst.ks=hd: failed: $out"
expect_contains "hd: copied" "inst.ks=hd:LABEL=$label:/ks/ks.cfg: ${ksdisk}p1/ks/ks.cfg copied to /run/install/ks.cfg" "$out"
expect_contains "default source" "/run/install/ks.cfg: no installation source; using inst.repo=file://$R" "$out"
expect_contains "msdos" "new msdos table" "$out"
expect_contains "packages" "packages: download" "$out"
! grep -q /run/install/media /proc/mounts || fail "the kickstart's device is still mounted"
! grep -q "$secret" "$d/boot.log" || fail "the root password is in the log"
expect_eq "/run/install/ks.cfg mode" 600 "$(stat -c %a /run/install/ks.cfg)"
# the device by name; without inst.disklabel, GPT
cmdline "inst.ks=hd:${ksdisk}p1:/ks/ks.cfg inst.repo=file://$R"
out=$(boot --dry-run 2>&1) || fail "boot --dry-run with inst.ks=hd:DEV failed: $out"
expect_contains "gpt" "new gpt table" "$out"

# 2. OEMDRV: ks.cfg at the root of a volume labelled OEMDRV, no inst.ks=
oemdrv "$d/url.ks"
cmdline "inst.cmdline console=ttyS0"
out=$(boot --dry-run 2>&1) || fail "boot --dry-run with OEMDRV failed: $out"
expect_contains "OEMDRV found" "kickstart: ks.cfg from the OEMDRV volume $oem" "$out"
expect_contains "OEMDRV plan" "new gpt table" "$out"
# two OEMDRV volumes, the first in slipway's order (by name) one the host
# cannot mount (vfat: the host kernel has none): a warning, and the search
# goes on to the second
losetup -d "$oem"
oem=
truncate -s 64M "$d/oa.img" "$d/ob.img"
new_loop oa "$d/oa.img"
new_loop ob "$d/ob.img"
first=$(printf '%s\n' "$oa" "$ob" | LC_ALL=C sort | head -1)
[ "$first" = "$oa" ] && second=$ob || second=$oa
mkfs.vfat -n OEMDRV "$first" >/dev/null
mkdir "$d/oemfs2" && cp "$d/url.ks" "$d/oemfs2/ks.cfg"
mkfs.ext4 -q -L OEMDRV -d "$d/oemfs2" "$second"
out=$(boot --dry-run 2>&1) || fail "boot --dry-run with an unmountable OEMDRV first failed: $out"
expect_contains "the unmountable OEMDRV" "warning: OEMDRV: $first cannot be searched; trying $second" "$out"
expect_contains "the second OEMDRV found" "kickstart: ks.cfg from the OEMDRV volume $second" "$out"
losetup -d "$oa" "$ob"
# a kickstart whose source is a URL brings the network up (no ip=, no inst.repo=)
sed "s|^url .*|url --url=http://127.0.0.1:9/os/|" "$d/url.ks" >"$d/net.ks"
oemdrv "$d/net.ks"
out=$(boot --dry-run 2>&1) && fail "an unreachable repo planned: $out"
[ -z "$iface" ] || expect_contains "network for the kickstart's url" "network: would run \`ip link set $iface up\`" "$out"
# the OEMDRV disk is never a target, even when named
sed "s|^ignoredisk .*|ignoredisk --only-use=${oem#/dev/}|" "$d/url.ks" >"$d/oem-target.ks"
oemdrv "$d/oem-target.ks"
expect_fail "OEMDRV as the target" 3 "carries the OEMDRV label (kickstart media)" boot --dry-run

# 3. a kickstart error on OEMDRV, for real (not a dry run): file:line, exit 2,
# nothing written, the log copied onto OEMDRV
printf 'url --url=file://%s\nrootpw --plaintext %s\nnosuchcommand --x\n' "$R" "$secret" >"$d/bad.ks"
oemdrv "$d/bad.ks"
rm -f "$d/boot.log"
expect_fail "kickstart error" 2 "/run/install/ks.cfg:3: nosuchcommand: unknown command" boot
expect_contains "failure line" "the installation did not complete (exit 2); the log is $d/boot.log" "$out"
expect_eq "target untouched" "$sum" "$(sha256sum <"$disk")"
saved=$(debugfs -R "cat /slipway-install.log" "$oem" 2>/dev/null)
expect_contains "log on OEMDRV" "/run/install/ks.cfg:3: nosuchcommand: unknown command" "$saved"
[[ $saved != *"$secret"* ]] || fail "the root password is in the log copied to OEMDRV"
! grep -q /run/install/media /proc/mounts || fail "OEMDRV is still mounted"
losetup -d "$oem"
oem=

# 4. inst.cmdline and no kickstart anywhere; without inst.cmdline, the TUI
cmdline "inst.cmdline inst.repo=file://$R"
expect_fail "cmdline without a kickstart" 2 \
	"inst.cmdline: no kickstart (give inst.ks= or attach a volume labelled OEMDRV holding ks.cfg)" boot --dry-run
cmdline "inst.text inst.repo=file://$R"
out=$(boot --dry-run 2>&1) || fail "boot --dry-run for the TUI failed: $out"
expect_contains "TUI" "no kickstart: would start the TUI with --repo file://$R" "$out"

# 5. bad boot arguments and kickstart locations: exit 2, named
cmdline "inst.ks=nfs:srv:/ks.cfg"
expect_fail "nfs" 2 "boot: $d/cmdline: inst.ks=nfs:srv:/ks.cfg: NFS kickstarts are not supported by slipway" boot
cmdline "inst.ks=hd:LABEL=no-such-label:/ks.cfg inst.cmdline"
expect_fail "no device" 2 "inst.ks=hd:LABEL=no-such-label:/ks.cfg: no such device" boot --dry-run
cmdline "inst.ks=hd:LABEL=$label:/missing.cfg inst.cmdline"
expect_fail "no file" 2 "inst.ks=hd:LABEL=$label:/missing.cfg: ${ksdisk}p1/missing.cfg: No such file or directory" boot --dry-run
cmdline "inst.repo=nfs:srv:/os inst.cmdline"
expect_fail "nfs repo" 2 "inst.repo=nfs:srv:/os: NFS sources are not supported by slipway yet" boot --dry-run
cmdline "ip=eth0:none"
expect_fail "ip= without address" 2 "ip=eth0:none: \"none\" needs an address" boot --dry-run
expect_fail "usage" 2 "boot: unknown option --bogus" "$S" boot --bogus

# 6. ip=: what it would run (the interfaces of this machine)
if [ -n "$iface" ]; then
	cmdline "ip=10.0.2.15::10.0.2.2:255.255.255.0:inst:$iface:none:10.0.2.3 inst.ks=hd:LABEL=$label:/ks/ks.cfg inst.repo=file://$R"
	out=$(boot --dry-run 2>&1) || fail "ip= static dry run failed: $out"
	expect_contains "static addr" "network: would run \`ip addr add 10.0.2.15/24 dev $iface\`" "$out"
	expect_contains "static route" "network: would run \`ip route add default via 10.0.2.2 dev $iface\`" "$out"
	expect_contains "dns" "network: would write /etc/resolv.conf: nameserver 10.0.2.3" "$out"
	cmdline "ip=$iface:dhcp inst.ks=hd:LABEL=$label:/ks/ks.cfg inst.repo=file://$R"
	out=$(boot --dry-run 2>&1) || fail "ip=dhcp dry run failed: $out"
	expect_contains "dhcp" "network: would run \`udhcpc -i $iface -n -q -t 6 -T 2 -s /usr/share/udhcpc/default.script\`" "$out"
fi
cmdline "ip=nosuch0:dhcp"
expect_fail "unknown interface" 1 "ip=: there is no network interface nosuch0" boot --dry-run

# 7. install -k takes the same locations
out=$("$S" install -k "hd:LABEL=$label:/ks/ks.cfg" --dry-run 2>&1) && fail "no source: expected a failure: $out"
expect_contains "-k hd: read" "${ksdisk}p1/ks/ks.cfg copied to $TMPDIR/slipway-ks." "$out"
expect_fail "-k cdrom" 2 "inst.ks=cdrom:/ks.cfg: no device with an iso9660 or udf filesystem" \
	"$S" install -k cdrom:/ks.cfg --dry-run
expect_fail "-k nfs" 2 "install: -k nfs:h:/ks: NFS kickstarts are not supported by slipway" \
	"$S" install -k nfs:h:/ks --dry-run
ls "$TMPDIR" | grep -q slipway-ks && fail "the -k copy was left in $TMPDIR"
expect_eq "target untouched at the end" "$sum" "$(sha256sum <"$disk")"
echo "ok: slipway boot on the host"
