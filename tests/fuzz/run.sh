#!/bin/bash
# Runs one libFuzzer target for N seconds (`make fuzz` calls it per target), in
# an empty temporary directory under nice; prints the execution count, and on
# a crash minimizes the input into BUILD/crash-TARGET and fails.
set -uo pipefail
[ $# -eq 3 ] || { echo "usage: tests/fuzz/run.sh TARGET SECONDS FUZZ_BUILD_DIR" >&2; exit 2; }
target=$1 seconds=$2
cd "$(dirname "$0")/../.."
src=$PWD build=$(realpath -m "$3")
bin=$build/fuzz_$target corpus=$build/corpus/$target
art=$build/artifacts/$target/$(date +%Y%m%d-%H%M%S) log=$build/fuzz-$target.log
nice=(${FUZZ_NICE:-nice -n 19})

case $target in
kickstart)
	seeds=(tests/data/ks docs/examples tests/data/bad)
	extra=(-dict="$src/tests/fuzz/kickstart.dict")
	;;
*)
	seeds=("tests/fuzz/seeds/$target")
	extra=()
	;;
esac
seeds+=("tests/fuzz/regressions/$target")
dirs=()
for s in "${seeds[@]}"; do [ -d "$s" ] && dirs+=("$src/$s"); done

[ -x "$bin" ] || { echo "fuzz: $bin is not built" >&2; exit 1; }
mkdir -p "$corpus" "$art"
tmp=$(mktemp -d /tmp/slipway-fuzz.XXXXXX)
echo "  FUZZ    $target for ${seconds}s (log: $log)"
rc=0
(cd "$tmp" && "${nice[@]}" "$bin" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
	-rss_limit_mb=2048 -max_len=16384 -artifact_prefix="$art/" "${extra[@]}" \
	"$corpus" "${dirs[@]}") >"$log" 2>&1 || rc=$?
grep -E 'stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" | sed "s/^/  $target: /"

crash=$(ls -t "$art" 2>/dev/null | head -n 1)
if [ $rc -ne 0 ] || [ -n "$crash" ]; then
	tail -n 40 "$log"
	if [ -n "$crash" ]; then
		rm -f "$build/crash-$target"
		(cd "$tmp" && "${nice[@]}" "$bin" -minimize_crash=1 -max_total_time=60 \
			-exact_artifact_path="$build/crash-$target" "$art/$crash") >/dev/null 2>&1 || true
		[ -e "$build/crash-$target" ] || cp "$art/$crash" "$build/crash-$target"
		echo "fuzz: $target crashed on $art/$crash; minimized: $build/crash-$target" \
			"(fix it, then save it in tests/fuzz/regressions/$target/)"
	fi
	rc=1
fi
if ! rmdir "$tmp" 2>/dev/null; then
	echo "fuzz: $target wrote into its working directory $tmp"
	rc=1
fi
rmdir "$art" 2>/dev/null || true
exit $rc
