#!/bin/bash
# Disk safety of --dry-run, watched with strace (issue 12): a dry run of a disk
# install that selects a loop device, and of an image install, makes no
# successful write-side system call (open for writing, create, truncate,
# mkdir, rename, unlink, mount, chmod…) anywhere but the metadata cache
# (SLIPWAY_CACHE, cold here so that it is written); the selected disk is
# byte-for-byte unchanged and the image file is not created. A check of the
# checker: a real install's first writes are seen by the same filter.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
need_strace
S=$SLIPWAY_BIN
R=$(tests/fixtures/distro/build.sh 2>/dev/null) || fail "the test distro repo cannot be built"
tmpdir d
export TMPDIR=$d/tmp
mkdir "$TMPDIR"

head -c 16M /dev/urandom >"$d/disk.img"
truncate -s 4G "$d/disk.img"
new_loop disk "$d/disk.img"
sum=$(sha256sum <"$disk")
cat >"$d/ks.cfg" <<KS
url --url=file://$R
rootpw --plaintext dry-run-secret
ignoredisk --only-use=${disk#/dev/}
clearpart --all --initlabel
autopart --type=plain
%packages
@core
%end
%post
echo never runs in a dry run > $d/post-ran
%end
KS

# writes STRACE-LOG CACHE: the successful write-side calls outside CACHE
writes() {
	grep -vE '= -1 E[A-Z]+' "$1" |
		grep -E '(^|[ ])(open|openat|openat2)\([^)]*(O_WRONLY|O_RDWR|O_CREAT|O_TRUNC)|(^|[ ])(creat|truncate|ftruncate|mknod|mknodat|unlink|unlinkat|rename|renameat|renameat2|mkdir|mkdirat|rmdir|mount|umount2|symlink|symlinkat|link|linkat|chmod|fchmodat|chown|fchownat|lchown)\(' |
		grep -vF "\"$2" || true
}
traced() { # LOG CACHE ARGS...: slipway under strace -f with a cold cache
	local log=$1 cache=$2
	shift 2
	SLIPWAY_CACHE=$cache strace -f -qq -e trace=%file,ftruncate,mount,umount2 -e signal=none \
		-o "$log" "$S" "$@"
}

rc=0
traced "$d/disk.st" "$d/cache1" install -k "$d/ks.cfg" --dry-run >"$d/disk.out" 2>&1 || rc=$?
expect_eq "disk dry run: exit" 0 "$rc"
grep -q "^disk $disk: 4 GiB" "$d/disk.out" && grep -q "new gpt table" "$d/disk.out" ||
	fail "the plan does not show the new table on $disk: $(grep -A3 '^storage' "$d/disk.out")"
[ -n "$(ls "$d/cache1")" ] || fail "the cold cache was not written: the filter below proves nothing"
expect_eq "disk dry run: writes outside the cache" "" "$(writes "$d/disk.st" "$d/cache1")"
expect_eq "disk dry run: the disk opened for reading only" "" \
	"$(grep -F "\"$disk" "$d/disk.st" | grep -E 'O_WRONLY|O_RDWR' || true)"
expect_eq "the selected disk's bytes after the dry run" "$sum" "$(sha256sum <"$disk")"
[ ! -e "$d/post-ran" ] || fail "%post ran in a dry run"

rc=0
traced "$d/image.st" "$d/cache2" install -k "$d/ks.cfg" --image "$d/new.img" --size 3G --dry-run \
	>"$d/image.out" 2>&1 || rc=$?
expect_eq "image dry run: exit" 0 "$rc"
expect_eq "image dry run: writes outside the cache" "" "$(writes "$d/image.st" "$d/cache2")"
[ ! -e "$d/new.img" ] || fail "the image file was created by a dry run"
expect_eq "temp files after the dry runs" "" "$(ls -A "$TMPDIR")"

# The filter sees writes when there are some: a real image install, stopped
# by a signal before storage, has written its log by then.
rc=0
SLIPWAY_FAULT_SIGNAL=storage:TERM traced "$d/real.st" "$d/cache2" install -k "$d/ks.cfg" \
	--image "$d/real.img" --size 3G --log "$d/real.log" >"$d/real.out" 2>&1 || rc=$?
expect_eq "the check of the checker: exit" 143 "$rc"
writes "$d/real.st" "$d/cache2" | grep -qF "$d/real.log" || fail "the filter does not see the log being written"
echo ok
