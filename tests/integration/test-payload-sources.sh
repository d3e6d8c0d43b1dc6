#!/bin/bash
# Installation sources on local devices. harddrive: an ext4 partition of a
# loop device holding a copy of the synthetic chain repo, named by LABEL=
# and by device name; a --root install from it; --dry-run says what it would
# mount and mounts nothing; the source's disk is refused as an install target
# (exit 3); a --dir without a repo and a device that does not exist are
# kickstart errors (exit 2); --biospart is pykickstart's removal error; the
# source is byte-for-byte unchanged. cdrom: an ISO 9660 image (xorriso)
# attached to a loop device stands in for an optical drive (the host has
# none): the libblkid scan finds it (--dry-run) when no other iso9660
# device is attached (another one could hold a repo too). This host's
# kernel has no iso9660, so mounting it is tested in the VM layer
# (tests/vm/test-payload-cdrom-vm.sh); here only the clear error, unless
# the kernel has it.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
need_strace
synth_repos S
command -v xorriso >/dev/null || fail "xorriso is not installed (make deps)"

tmpdir d
export SLIPWAY_CACHE=$d/cache
chain_set=$CHAIN_SET
write_ks() { # FILE LINES...
	local f=$1
	shift
	printf '%s\n' "$@" '%packages --nocore' synth-chain-a '%end' >"$f"
}
# no mount of DEV in the host's namespace (slipway mounts in its own)
not_mounted() { ! grep -q "^$1 " /proc/mounts || fail "$2: $1 is still mounted: $(grep "^$1 " /proc/mounts)"; }

# --- harddrive: an ext4 partition with the repo under /srv/chain
repo_disk hd label 64M "$S/chain" /srv/chain
sum0=$(sha256sum <"$hd" | cut -d' ' -f1)

write_ks "$d/hd.ks" "harddrive --partition=LABEL=$label --dir=/srv/chain"
out=$("$SLIPWAY_BIN" install -k "$d/hd.ks" --root "$d/r1" 2>&1) || fail "harddrive install failed: $out"
expect_eq "harddrive: installed" "$chain_set" "$(installed "$d/r1")"
expect_contains "harddrive: mounted" "installation source: ${hd}p1 mounted read-only on /run/install/isodir" "$out"
expect_contains "harddrive: plan" "repo anaconda: file:///run/install/isodir/srv/chain" "$out"
expect_contains "harddrive: the key beside the repo" "RPM-GPG-KEY" "$out"
not_mounted "${hd}p1" "harddrive"

# by device name, --dry-run: resolved, not mounted (strace: no mount call,
# the device opened read-only by the probe)
write_ks "$d/hd-name.ks" "harddrive --partition=${hd#/dev/}p1 --dir=/srv/chain"
out=$(strace -f -qq -e trace=mount,umount2,open,openat -e signal=none -o "$d/dry.st" \
	"$SLIPWAY_BIN" install -k "$d/hd-name.ks" --root "$d/r2" --dry-run 2>&1) || fail "harddrive dry-run failed: $out"
expect_eq "dry-run: mount calls" "" "$(grep -E '(^|[ ])(mount|umount2)\(' "$d/dry.st" || true)"
expect_eq "dry-run: the source opened for writing" "" "$(grep -F "\"${hd}p1" "$d/dry.st" | grep -E 'O_WRONLY|O_RDWR' || true)"
grep -qF "\"${hd}p1" "$d/dry.st" || fail "dry-run: the probe did not open ${hd}p1: the check above proves nothing"
expect_contains "dry-run: source" "source: $d/hd-name.ks:1: harddrive --partition=${hd#/dev/}p1" "$out"
expect_contains "dry-run: device" "device ${hd}p1 (ext4, label $label, disk ${hd#/dev/}: never a target)" "$out"
expect_contains "dry-run: would mount" "would mount ${hd}p1 read-only on /run/install/isodir and use the repo file:///run/install/isodir/srv/chain" "$out"
[[ "$out" == *"mounted read-only on"* ]] && fail "dry-run: something was mounted: $out"
[ -e "$d/r2" ] && fail "dry-run: the target was created"

# the source's disk is never a target, even when the kickstart names it
printf '%s\n' "harddrive --partition=${hd}p1 --dir=/srv/chain" "ignoredisk --only-use=${hd#/dev/}" \
	"clearpart --all --initlabel" "autopart --type=plain" >"$d/disk.ks"
expect_fail "source disk as target" 3 "$hd: refusing to use this disk: $hd holds the installation source ($d/disk.ks:1: harddrive --partition=${hd}p1)" "$SLIPWAY_BIN" install -k "$d/disk.ks" --dry-run --yes

# kickstart errors: exit 2, naming the line
write_ks "$d/nodir.ks" "harddrive --partition=LABEL=$label --dir=/nope"
expect_fail "no repo under --dir" 2 "$d/nodir.ks:1: harddrive --partition=LABEL=$label --dir=/nope: ${hd}p1 has no repodata/repomd.xml under /nope" "$SLIPWAY_BIN" install -k "$d/nodir.ks" --root "$d/r3"
not_mounted "${hd}p1" "no repo under --dir"
write_ks "$d/nodev.ks" "harddrive --partition=LABEL=no-such-$label --dir=/srv/chain"
expect_fail "no such device" 2 "$d/nodev.ks:1: harddrive --partition=LABEL=no-such-$label: no such device" "$SLIPWAY_BIN" install -k "$d/nodev.ks" --root "$d/r4" --dry-run
write_ks "$d/bios.ks" "harddrive --biospart=80p1 --dir=/srv/chain"
expect_fail "--biospart" 2 "bios.ks:1: harddrive: The --biospart option was removed in version F33" "$SLIPWAY_BIN" install -k "$d/bios.ks" --root "$d/r5" --dry-run
expect_eq "harddrive: the source is unchanged" "$sum0" "$(sha256sum <"$hd" | cut -d' ' -f1)"

# --- cdrom: an ISO 9660 image on a loop device
xorriso -as mkisofs -quiet -V SLIPWAY_TEST -r -o "$d/repo.iso" "$S/chain" 2>/dev/null
cd_loop=$(losetup --find --show --read-only "$d/repo.iso")
_loops+=("$cd_loop")
others=$(for b in /sys/block/*; do
	n=${b##*/}
	[ "/dev/$n" = "$cd_loop" ] && continue
	case $n in sr* | loop*) ;; *) continue ;; esac
	[ "$(blkid -p -o value -s TYPE "/dev/$n" 2>/dev/null)" = iso9660 ] && echo "/dev/$n"
done || true)
if [ -n "$others" ]; then
	echo "cdrom: other iso9660 devices are attached ($others): the scan is not tested here"
else
	write_ks "$d/cd.ks" "cdrom"
	out=$("$SLIPWAY_BIN" install -k "$d/cd.ks" --root "$d/r6" --dry-run 2>&1) || fail "cdrom dry-run failed: $out"
	expect_contains "cdrom dry-run: device" "device $cd_loop (iso9660, label SLIPWAY_TEST, disk ${cd_loop#/dev/}: never a target)" "$out"
	expect_contains "cdrom dry-run: would mount" "would mount $cd_loop read-only on /run/install/repo and use the repo file:///run/install/repo" "$out"
fi
if ! grep -qw iso9660 /proc/filesystems && ! modprobe -q isofs 2>/dev/null; then
	# this host's kernel (like its missing vfat): tests/vm/test-payload-cdrom-vm.sh mounts it
	echo "cdrom: the host kernel has no iso9660; the mount and install run in the VM layer"
	write_ks "$d/cd-dev.ks" "harddrive --partition=$cd_loop --dir=/"
	expect_fail "ISO without iso9660 in the kernel" 1 "cd-dev.ks:1: harddrive --partition=$cd_loop: cannot mount $cd_loop read-only" "$SLIPWAY_BIN" install -k "$d/cd-dev.ks" --root "$d/r8"
	echo "ok"
	exit 0
fi
if [ -z "$others" ]; then
	out=$("$SLIPWAY_BIN" install -k "$d/cd.ks" --root "$d/r6" 2>&1) || fail "cdrom install failed: $out"
	expect_eq "cdrom: installed" "$chain_set" "$(installed "$d/r6")"
	expect_contains "cdrom: mounted" "installation source: $cd_loop mounted read-only on /run/install/repo" "$out"
fi
# the same device named (what inst.repo=cdrom:DEV becomes)
write_ks "$d/cd-dev.ks" "harddrive --partition=$cd_loop --dir=/"
out=$("$SLIPWAY_BIN" install -k "$d/cd-dev.ks" --root "$d/r8" 2>&1) || fail "ISO by device: install failed: $out"
expect_eq "ISO by device: installed" "$chain_set" "$(installed "$d/r8")"
not_mounted "$cd_loop" "cdrom"
echo "ok"
