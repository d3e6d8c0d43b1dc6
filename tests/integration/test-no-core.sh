#!/bin/bash
# slipway holds the kickstart's passwords in memory: it makes itself
# non-dumpable, so a crash (here SIGABRT while %pre runs) leaves no core file
# with them, while an ordinary process killed the same way does leave one
# (the check of the check: cores are written here at all).
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
S=$SLIPWAY_BIN
tmpdir d
export TMPDIR=$d/tmp
mkdir "$TMPDIR" "$d/cores"
pattern=$(cat /proc/sys/kernel/core_pattern)
case $pattern in
'|'* | /*) echo "SKIP: core files go to '$pattern', not to the crashing process's directory"; exit 77 ;;
esac
ulimit -c unlimited
cd "$d/cores"
sleep 30 &
ordinary=$!
kill -ABRT $ordinary
wait $ordinary 2>/dev/null || true
[ -n "$(ls -A)" ] || { echo "SKIP: no core file from an ordinary process (core_pattern '$pattern')"; exit 77; }
rm -f ./*

cat >"$d/ks.cfg" <<KS
rootpw --plaintext core-dump-secret
autopart --type=plain
%pre
touch $d/pre.started
exec sleep 31
%end
KS
"$S" install -k "$d/ks.cfg" --image "$d/disk.img" --size 3G --log "$d/install.log" >"$d/out" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -e "$d/pre.started" ] && break; sleep 0.1; done
[ -e "$d/pre.started" ] || fail "%pre did not start: $(cat "$d/out")"
kill -ABRT $pid
rc=0
wait $pid || rc=$?
pkill -x -f "sleep 31" 2>/dev/null || true # the orphaned %pre
expect_eq "slipway killed by SIGABRT" $((128 + 6)) "$rc"
expect_eq "core files left by slipway" "" "$(ls -A)"
echo ok
