#!/bin/bash
# An image install whose packages come from a harddrive source: the test
# distro's repo copied onto an ext4 partition of a loop disk, named by
# LABEL=. The whole pipeline runs (storage into the image, payload read in
# place from the read-only mount, boot loader); the image holds the planned
# packages; the source's disk is not touched (its bytes are unchanged) and
# nothing is left mounted. test-payload-sources.sh shows the same disk
# refused when a disk install names it.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
repo=$(tests/fixtures/distro/build.sh)
tmpdir d
export SLIPWAY_CACHE=$d/cache TMPDIR=$d

repo_disk src label 640M "$repo" /srv/os
sum0=$(sha256sum <"$src" | cut -d' ' -f1)

cat >"$d/ks.cfg" <<KS
harddrive --partition=LABEL=$label --dir=/srv/os
rootpw --plaintext image-hd-pw
autopart --type=plain --noswap
%packages
@core
%end
KS
rc=0
"$SLIPWAY_BIN" install -k "$d/ks.cfg" --image "$d/disk.img" --size 3G --log "$d/install.log" >"$d/out" 2>&1 || rc=$?
out=$(cat "$d/out")
[ $rc = 0 ] || { tail -n 30 "$d/out"; fail "image install from harddrive: exit $rc"; }
expect_contains "mounted" "installation source: ${src}p1 mounted read-only on /run/install/isodir" "$out"
expect_contains "target" "target: image $d/disk.img" "$out"
expect_contains "repo in place" "repo anaconda: file:///run/install/isodir/srv/os" "$out"
grep -q "^${src}p1 " /proc/mounts && fail "the source is still mounted: $(grep "^${src}p1 " /proc/mounts)"
expect_eq "the source is unchanged" "$sum0" "$(sha256sum <"$src" | cut -d' ' -f1)"
planned=$(sed -n 's/^  install \([0-9]*\) packages.*/\1/p' "$d/out" | head -n 1)
new_loop img "$d/disk.img"
partitions "$img" p3 # BIOS boot, ESP, / (no swap in an image)
mkdir "$d/root"
mount -o ro "${img}p3" "$d/root"
track_mount "$d/root"
n=$(rpm --root "$d/root" --dbpath /var/lib/rpm -qa | grep -vc '^gpg-pubkey' || true)
expect_eq "the image holds the planned packages" "$planned" "$n"
echo "ok ($n packages from ${src}p1)"
