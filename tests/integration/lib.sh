# Helpers for host integration tests: root check, loop devices with cleanup.
# Source it; every loop device and mount made through it is undone on exit.
SLIPWAY_BIN=${SLIPWAY_BIN:-$PWD/build/slipway}
_loops=() _mounts=() _tmps=()

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: needs root (loop devices)"
		exit 77
	fi
}

# need_strace: for tests that watch slipway's system calls. LeakSanitizer
# (make check SAN=1) cannot run under ptrace, the rest of ASan can.
need_strace() {
	command -v strace >/dev/null || fail "strace is not installed (make deps)"
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
}

cleanup_all() {
	local m l t
	for ((i = ${#_mounts[@]} - 1; i >= 0; i--)); do umount "${_mounts[i]}" 2>/dev/null || true; done
	for l in "${_loops[@]}"; do losetup -d "$l" 2>/dev/null || true; done
	for t in "${_tmps[@]}"; do rm -rf "$t"; done
}
trap cleanup_all EXIT

# Both set a variable instead of printing: a $(...) subshell would lose the
# cleanup registration.
# tmpdir VAR: a fresh directory, removed on exit
tmpdir() { local _d; _d=$(mktemp -d /tmp/slipway-test.XXXXXX); _tmps+=("$_d"); printf -v "$1" %s "$_d"; }
# new_loop VAR FILE: attaches FILE with partition scanning, detached on exit
new_loop() {
	local _l
	_l=$(losetup --find --show --partscan "$2")
	_loops+=("$_l")
	printf -v "$1" %s "$_l"
}
track_mount() { _mounts+=("$1"); }
# partitions LOOP PART: waits until LOOPpPART exists (no udev here: partx adds
# the nodes; it fails when the kernel was quicker, which is fine)
partitions() {
	for _ in $(seq 50); do
		[ -e "$1$2" ] && return 0
		partx -a "$1" 2>/dev/null || true
		sleep 0.1
	done
	fail "$1$2 did not appear"
}

fail() { echo "FAIL: $*"; exit 1; }
# expect_eq WHAT EXPECTED GOT
expect_eq() { [ "$2" == "$3" ] || fail "$1: expected [$2], got [$3]"; }
# expect_contains WHAT NEEDLE HAYSTACK
expect_contains() { [[ "$3" == *"$2"* ]] || fail "$1: expected to contain [$2], got [$3]"; }

# make_static VAR: runs `make static` and sets VAR to the binary. Without the static
# libraries cached it skips (77), unless FULL=1 (make check-full): then it builds
# them from cold (tools/static/build-libs.sh, ~3-8 min) and prints its step times.
make_static() {
	local _log _t0=$SECONDS
	_log=$(mktemp /tmp/slipway-static.XXXXXX)
	_tmps+=("$_log")
	if ! tools/static/build-libs.sh --is-cached; then
		if [ "${FULL:-0}" != 1 ]; then
			echo "SKIP: static libraries not built (tools/static/build-libs.sh; make static)"
			exit 77
		fi
		nice -n 10 tools/static/build-libs.sh >/dev/null 2>"$_log" ||
			{ tail -30 "$_log"; fail "tools/static/build-libs.sh failed"; }
		grep '^build-libs: ' "$_log" || true
	fi
	nice -n 10 make --no-print-directory static >"$_log" 2>&1 || { tail -30 "$_log"; fail "make static failed"; }
	echo "make static: $((SECONDS - _t0)) s"
	printf -v "$1" %s "$(make -s static-path)"
}
