#!/bin/bash
# The bad-input corpus against the real binary: `slipway validate` on every
# tests/data/bad/*.ks (and the 1 MiB-line cases gen.py --huge makes) exits 2
# with a FILE:LINE: message, never crashes, hangs, writes, or prints controls.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
S=$SLIPWAY_BIN
BAD=$PWD/tests/data/bad
TIMEOUT=${BAD_INPUT_TIMEOUT:-60}
tmpdir t
mkdir "$t/cwd" "$t/home" "$t/tmp" "$t/huge"
python3 "$BAD/gen.py" --huge "$t/huge"

# Nothing may appear in the cwd, HOME or TMPDIR of the runs, nor in the corpus.
corpus_before=$(cd "$BAD" && find . -printf '%p %s %T@\n' | sort)

checked=0 failures=0
check() { # file
	local f=$1 rc=0 err
	err=$(cd "$t/cwd" && HOME=$t/home TMPDIR=$t/tmp timeout "$TIMEOUT" "$S" validate "$f" 2>&1 >/dev/null) || rc=$?
	checked=$((checked + 1))
	local why=
	if [ $rc -eq 124 ]; then
		why="timed out after ${TIMEOUT}s"
	elif [ $rc -ge 128 ]; then
		why="killed by signal $((rc - 128))"
	elif grep -qE 'Sanitizer|runtime error:|LeakSanitizer' <<<"$err"; then
		why="sanitizer report"
	elif [ $rc -ne 2 ]; then
		why="exit $rc, expected 2"
	elif ! grep -qE '^slipway: [^ :]+:[0-9]+: ' <<<"$err"; then
		why="no FILE:LINE: message"
	elif LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]' <<<"$err"; then
		why="a control character reached the terminal"
	fi
	if [ -n "$why" ]; then
		failures=$((failures + 1))
		echo "FAIL: $f: $why; stderr:"
		head -c 2000 <<<"$err"
		echo
	fi
}

for f in "$BAD"/*.ks "$t"/huge/*.ks; do
	check "$f"
done

[ "$checked" -ge 205 ] || fail "expected at least 200 corpus files and 5 huge ones, checked $checked"
for d in cwd home tmp; do
	left=$(ls -A "$t/$d")
	expect_eq "files written into $d" "" "$left"
done
expect_eq "corpus unchanged" "$corpus_before" "$(cd "$BAD" && find . -printf '%p %s %T@\n' | sort)"
[ $failures -eq 0 ] || fail "$failures of $checked bad inputs misbehaved"
echo "$checked bad inputs: each exit 2 with FILE:LINE:, no crash, nothing written"
