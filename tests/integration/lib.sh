# Helpers for host integration tests: root check, loop devices with cleanup.
# Source it; every loop device and mount made through it is undone on exit.
SLIPWAY_BIN=${SLIPWAY_BIN:-$PWD/build/slipway}
_loops=() _mounts=() _tmps=()

# need_part_apply: sets drv to the storage-only test driver (make tests)
need_part_apply() {
	drv=$PWD/${BUILD:-build}/tests/tools/part-apply
	[ -x "$drv" ] || { echo "SKIP: $drv not built (make tests)"; exit 77; }
}

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

# ---- payload tests ----
# What `%packages --nocore` + synth-chain-a gives from the synthetic chain repo.
CHAIN_SET="synth-chain-a-1.0 synth-chain-b-2.0 synth-chain-c-1.0 synth-chain-d-1.0 synth-chain-data-1.0 synth-tool-1.0"
# installed ROOT: NAME-VERSION of ROOT's packages (gpg-pubkey left out), sorted, one line
installed() {
	rpm --root "$1" --dbpath /var/lib/rpm -qa --qf '%{NAME}-%{VERSION}\n' | grep -v '^gpg-pubkey' | sort |
		tr '\n' ' ' | sed 's/ $//'
}
# Servers a test started (their pids in pids): stop_servers kills and reaps
# them; a test using them sets `trap 'stop_servers; cleanup_all' EXIT`.
pids=()
stop_servers() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	pids=()
}
# https_server WORK ROOT IP: a CA of the test's own (WORK/ca.pem), a
# certificate it signs for IP, and an https server on 127.0.0.1 serving ROOT
# (qemu's user network reaches it as 10.0.2.2); its port in WORK/port, its
# pid in pids (stop_servers). Needs openssl.
https_server() {
	local w=$1 root=$2 ip=$3 _
	command -v openssl >/dev/null || fail "openssl is not installed (make deps)"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=slipway test CA" \
		-keyout "$w/ca.key" -out "$w/ca.pem" 2>/dev/null
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$ip" -keyout "$w/srv.key" -out "$w/srv.csr" 2>/dev/null
	printf 'subjectAltName=IP:%s\n' "$ip" >"$w/san.ext"
	openssl x509 -req -in "$w/srv.csr" -CA "$w/ca.pem" -CAkey "$w/ca.key" -CAcreateserial -days 2 \
		-extfile "$w/san.ext" -out "$w/srv.pem" 2>/dev/null
	rm -f "$w/port"
	python3 - "$root" "$w/srv.pem" "$w/srv.key" "$w/port" >"$w/server.log" 2>&1 <<'PY' &
import functools, http.server, ssl, sys
root, cert, key, portfile = sys.argv[1:]
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)
httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
open(portfile, "w").write(str(httpd.server_address[1]))
httpd.serve_forever()
PY
	pids+=($!)
	for _ in $(seq 100); do [ -s "$w/port" ] && return 0; sleep 0.1; done
	fail "the https server did not start: $(cat "$w/server.log")"
}
# synth_repos VAR: the synthetic repos' directory (built here when the cache
# is cold: a skip would hide the test on a fresh CI machine)
synth_repos() {
	local _s
	_s=$(tests/fixtures/synth/build.sh)
	[ -d "$_s/chain/repodata" ] || fail "the synthetic repos were not built: $_s"
	printf -v "$1" %s "$_s"
}
# expect_fail WHAT CODE NEEDLE CMD...: CMD exits with CODE and says NEEDLE;
# its output is left in out for more checks
expect_fail() {
	local _what=$1 _code=$2 _needle=$3 _rc=0
	shift 3
	out=$("$@" 2>&1) || _rc=$?
	expect_eq "$_what: exit" "$_code" "$_rc"
	expect_contains "$_what" "$_needle" "$out"
}
# repo_disk LOOPVAR LABELVAR SIZE SRC DIR: a loop disk with one ext4
# partition (a random label) holding a copy of the directory SRC at DIR
# (/srv/os): a harddrive installation source. Detached on exit.
repo_disk() {
	local _rd_t _rd_l _rd_label
	tmpdir _rd_t
	truncate -s "$3" "$_rd_t/disk.img"
	printf 'label: gpt\n,,L\n' | sfdisk -q "$_rd_t/disk.img"
	new_loop _rd_l "$_rd_t/disk.img"
	partitions "$_rd_l" p1
	_rd_label=slip-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
	mkfs.ext4 -q -L "$_rd_label" "${_rd_l}p1"
	mkdir "$_rd_t/mnt"
	mount "${_rd_l}p1" "$_rd_t/mnt"
	track_mount "$_rd_t/mnt"
	mkdir -p "$_rd_t/mnt$(dirname "$5")"
	cp -a "$4" "$_rd_t/mnt$5"
	umount "$_rd_t/mnt"
	sync
	printf -v "$1" %s "$_rd_l"
	printf -v "$2" %s "$_rd_label"
}

# make_static VAR [build]: runs `make static` and sets VAR to the binary. Without the
# static libraries cached it skips (77), unless FULL=1 (make check-full) or `build`
# (the installer ISO's tests: the ISO carries the release binary): then it builds
# them from cold (tools/static/build-libs.sh: 2.5 min idle, 14 at load ~10) and
# prints its step times.
make_static() {
	local _log _t0=$SECONDS
	_log=$(mktemp /tmp/slipway-static.XXXXXX)
	_tmps+=("$_log")
	if ! tools/static/build-libs.sh --is-cached; then
		if [ "${FULL:-0}" != 1 ] && [ "${2:-}" != build ]; then
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
