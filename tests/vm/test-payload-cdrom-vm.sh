#!/bin/bash
# The cdrom installation source where the host kernel cannot go (it has no
# iso9660): inside vm-run, two ISO 9660 images made with xorriso are virtio
# disks, the first without a repo, the second with the synthetic chain repo.
# `cdrom` scans both (libblkid), mounts the first read-only, finds no
# repodata/, unmounts it and installs from the second into a --root
# directory (on the VM's tmpfs: rpm's sqlite cannot lock on 9p); the same
# device named (`harddrive --partition=/dev/vdb --dir=/`, what
# inst.repo=cdrom:/dev/vdb becomes) installs too; a disk install that names
# the source's disk is refused (exit 3); nothing stays mounted and the ISO's
# bytes are unchanged. vm-run's kernel does not autoload isofs: the script
# loads it (an installer ISO's initramfs has it). Host-side cases (scan, dry
# run, harddrive on ext4) are in tests/integration/test-payload-sources.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
S=${SLIPWAY_BIN:-$PWD/build/slipway}
SY=$(tests/fixtures/synth/build.sh)
[ -d "$SY/chain/repodata" ] || { echo "FAIL: the synthetic repos were not built: $SY"; exit 1; }
work=$(mktemp -d /var/tmp/slipway-vmcdrom.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
mkdir "$work/empty"
echo "no repo here" >"$work/empty/README"
xorriso -as mkisofs -quiet -V NOREPO -r -o "$work/norepo.iso" "$work/empty" 2>/dev/null
xorriso -as mkisofs -quiet -V SLIPWAY_REPO -r -o "$work/repo.iso" "$SY/chain" 2>/dev/null
pkgs='%packages --nocore
synth-chain-a
%end'
printf 'cdrom\n%s\n' "$pkgs" >"$work/cd.ks"
printf 'harddrive --partition=/dev/vdb --dir=/\n%s\n' "$pkgs" >"$work/dev.ks"
printf 'cdrom\nignoredisk --only-use=vdb\nclearpart --all --initlabel\nautopart --type=plain\n%s\n' "$pkgs" >"$work/disk.ks"
cat >"$work/inside.sh" <<INSIDE
#!/bin/bash
set -uo pipefail
w=$work S=$S
INSIDE
cat >>"$work/inside.sh" <<'INSIDE'
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
want="synth-chain-a-1.0 synth-chain-b-2.0 synth-chain-c-1.0 synth-chain-d-1.0 synth-chain-data-1.0 synth-tool-1.0"
installed() { rpm --root "$1" --dbpath /var/lib/rpm -qa --qf '%{NAME}-%{VERSION}\n' | grep -v '^gpg-pubkey' | sort | tr '\n' ' ' | sed 's/ $//'; }
export SLIPWAY_CACHE=$w/cache
modprobe isofs || bad "modprobe isofs"
sum=$(sha256sum < /dev/vdb)
$S install -k $w/cd.ks --root /tmp/r1 > $w/cd.out 2>&1; rc=$?
[ $rc = 0 ] && ok "cdrom: installed" || { bad "cdrom: exit $rc"; tail -5 $w/cd.out; }
[ "$(installed /tmp/r1)" = "$want" ] && ok "cdrom: the package set" || bad "cdrom: got [$(installed /tmp/r1)]"
grep -q "cdrom: /dev/vda holds no repo; trying the next device" $w/cd.out && ok "cdrom: the ISO without a repo skipped" ||
	bad "cdrom: no skip message: $(grep -i vda $w/cd.out)"
grep -q "installation source: /dev/vdb mounted read-only on /run/install/repo" $w/cd.out && ok "cdrom: /dev/vdb used" ||
	bad "cdrom: $(grep -i 'installation source' $w/cd.out)"
$S install -k $w/dev.ks --root /tmp/r2 > $w/dev.out 2>&1; rc=$?
[ $rc = 0 ] && [ "$(installed /tmp/r2)" = "$want" ] && ok "the ISO device named: installed" || { bad "device named: exit $rc"; tail -5 $w/dev.out; }
$S install -k $w/disk.ks --yes --dry-run > $w/disk.out 2>&1; rc=$?
[ $rc = 3 ] && grep -q "/dev/vdb holds the installation source" $w/disk.out && ok "the source's disk refused as a target (exit 3)" ||
	{ bad "source disk as target: exit $rc"; tail -3 $w/disk.out; }
grep -q /run/install /proc/mounts && bad "left mounted: $(grep /run/install /proc/mounts)" || ok "nothing left mounted"
[ "$(sha256sum < /dev/vdb)" = "$sum" ] && ok "the source's bytes are unchanged" || bad "the source ISO was written"
echo "inside: $fails failures"
exit $fails
INSIDE
chmod +x "$work/inside.sh"
tests/vm/vm-run --disk "$work/norepo.iso" --disk "$work/repo.iso" --share "$work" --mem 1024 --timeout 600 -- "$work/inside.sh"
