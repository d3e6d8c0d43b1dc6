#!/bin/bash
# Repos over real HTTP on 127.0.0.1: `python3 -m http.server` serves the chain
# fixture (keys found through its index page); the second run uses the solv
# cache; a server that cuts transfers is resumed with Range; a server that dies
# mid-download gives retries, then a clear error, and the target is untouched.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
S=$(tests/fixtures/synth/build.sh) # cached; built here when cold (a skip would hide this test in CI)
[ -d "$S/chain/repodata" ] || fail "the synthetic repos were not built: $S"
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }

tmpdir d
export SLIPWAY_CACHE=$d/cache
trap 'stop_servers; cleanup_all' EXIT
cp -a "$S/chain" "$d/www"
chain_set=$CHAIN_SET

wait_port() { # PORTFILE: waits for a server to listen
	local i
	for i in $(seq 100); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	fail "the test HTTP server did not start"
}
write_ks() { # FILE URL
	printf 'url --url=%s\n%%packages --nocore\nsynth-chain-a\n%%end\n' "$2" >"$1"
}

# --- python3 -m http.server: install, then a second run from the solv cache
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$d/www" "$port" >"$d/server.log" 2>&1 &
pids+=($!)
for i in $(seq 100); do
	curl -fsS "http://127.0.0.1:$port/repodata/repomd.xml" >/dev/null 2>&1 && break
	sleep 0.1
done
write_ks "$d/http.ks" "http://127.0.0.1:$port/"
out=$("$SLIPWAY_BIN" install -k "$d/http.ks" --root "$d/r1" 2>&1) || fail "http install failed: $out"
expect_eq "http: installed" "$chain_set" "$(installed "$d/r1")"
expect_contains "http: key found on the index page" "trusting the key http://127.0.0.1:$port/RPM-GPG-KEY-synth" "$out"
expect_contains "http: first run parses XML" "loading metadata of anaconda" "$out"
[ -n "$(ls "$SLIPWAY_CACHE"/payload/solv/*.solv)" ] || fail "no solv cache written"
out=$("$SLIPWAY_BIN" install -k "$d/http.ks" --root "$d/r2" 2>&1) || fail "second http install failed: $out"
expect_contains "http: second run" "using cached metadata for anaconda" "$out"
[[ "$out" == *"loading metadata of"* ]] && fail "http: the second run parsed XML again: $out"
expect_eq "http: installed from the cache" "$chain_set" "$(installed "$d/r2")"
# --dry-run from the cache, packages listed with -v
out=$("$SLIPWAY_BIN" install -k "$d/http.ks" --root "$d/r-dry" --dry-run -v 2>&1) || fail "dry-run: $out"
expect_contains "dry-run" "install 6 packages" "$out"
expect_contains "dry-run list" "synth-chain-b-2.0-1.noarch (anaconda)" "$out"
[ -e "$d/r-dry" ] && fail "dry-run created the target"
stop_servers

# --- a server that cuts every first transfer: resumed with a Range request
rm -f "$d/port"
python3 tests/data/payload/http-server.py "$d/www" "$d/port" --mode cut --log "$d/cut.log" &
pids+=($!)
wait_port "$d/port"
write_ks "$d/cut.ks" "http://127.0.0.1:$(cat "$d/port")"
out=$("$SLIPWAY_BIN" install -k "$d/cut.ks" --root "$d/r3" 2>&1) || fail "cut transfers: install failed: $out"
expect_eq "cut: installed" "$chain_set" "$(installed "$d/r3")"
grep -q '\.rpm range=bytes=[1-9]' "$d/cut.log" || fail "cut: no transfer was resumed: $(cat "$d/cut.log")"
expect_contains "cut: retried" "retrying" "$out"
stop_servers

# --- a server that dies in the middle of the first package
rm -f "$d/port"
python3 tests/data/payload/http-server.py "$d/www" "$d/port" --mode die &
pids+=($!)
wait_port "$d/port"
write_ks "$d/die.ks" "http://127.0.0.1:$(cat "$d/port")"
rc=0
t0=$SECONDS
out=$("$SLIPWAY_BIN" install -k "$d/die.ks" --root "$d/r4" 2>&1) || rc=$?
echo "$out" | grep -E 'attempt|gave up|failed' || true
expect_eq "dead server: exit" 1 "$rc"
expect_contains "dead server: retried" "(attempt 1 of 4, retrying)" "$out"
expect_contains "dead server: gave up" "gave up after 4 attempts" "$out"
expect_contains "dead server: clear error" "downloads failed; nothing was installed" "$out"
[ -e "$d/r4" ] && fail "dead server: the target was created"
[ $((SECONDS - t0)) -lt 60 ] || fail "dead server: took $((SECONDS - t0)) s"
echo "ok"
