#!/bin/bash
# Runs the test layers (unit, integration, fixtures, vm) and prints one summary
# line "N passed, N failed". Layers: $@ (default: all that apply); FULL=1 adds
# the slow VM scenarios. Each test prints what it expected and what it got.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export SLIPWAY_BIN=$PWD/$BUILD/slipway SLIPWAY_SRC=$PWD
layers=("$@")
[ ${#layers[@]} -eq 0 ] && layers=(unit integration fixtures vm)

passed=0 failed=0 skipped=0 failures=()
logdir=$BUILD/test-logs
mkdir -p "$logdir"

run_one() { # name, command...
	local name=$1
	shift
	local t0=$SECONDS log="$logdir/${name//\//_}.log"
	echo "=== $name"
	"$@" >"$log" 2>&1
	local rc=$?
	if [ $rc -eq 77 ]; then
		echo "--- SKIP $name ($((SECONDS - t0))s): $(tail -n 1 "$log")"
		skipped=$((skipped + 1))
		return
	fi
	cat "$log"
	if [ $rc -eq 0 ]; then
		echo "--- PASS $name ($((SECONDS - t0))s)"
		passed=$((passed + 1))
	else
		echo "--- FAIL $name ($((SECONDS - t0))s, exit $rc)"
		failed=$((failed + 1))
		failures+=("$name")
	fi
}

for layer in "${layers[@]}"; do
	case $layer in
	unit)
		for t in "$BUILD"/tests/test_*; do
			[ -x "$t" ] && run_one "unit/$(basename "$t")" "$t"
		done
		;;
	integration | fixtures | vm)
		dir=tests/$layer
		[ -d "$dir" ] || continue
		while IFS= read -r t; do
			case $(basename "$t") in
			test-*-full.sh) [ "${FULL:-0}" = 1 ] || continue ;;
			esac
			run_one "$layer/$(basename "$t" .sh)" bash "$t"
		done < <(find "$dir" -maxdepth 2 -name 'test-*.sh' | sort)
		;;
	*)
		echo "unknown test layer: $layer" >&2
		exit 2
		;;
	esac
done

echo
# CI keeps only the end of the output: repeat the end of each failed test's log.
for f in "${failures[@]}"; do
	echo "=== end of $f's log"
	tail -n 40 "$logdir/${f//\//_}.log"
done
for f in "${failures[@]}"; do echo "failed: $f (log: $logdir/${f//\//_}.log)"; done
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
