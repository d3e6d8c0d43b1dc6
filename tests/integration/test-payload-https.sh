#!/bin/bash
# Repos over https on 127.0.0.1 with a certificate from a CA made here: the
# certificate is verified by default (an unknown CA is refused at once, with
# curl's reason, and nothing is installed), `url --sslcacert=CA` trusts that CA, and
# `--noverifyssl` turns the check off for its own repo only: a second repo
# without it, on the same server, is still refused.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
S=$(tests/fixtures/synth/build.sh) # cached; built here when cold
tmpdir d
export SLIPWAY_CACHE=$d/cache
trap 'stop_servers; cleanup_all' EXIT
cp -a "$S/chain" "$d/www"
https_server "$d" "$d/www" 127.0.0.1
base=https://127.0.0.1:$(cat "$d/port")
chain_set=$CHAIN_SET
status() { set +e; out=$("$@" 2>&1); rc=$?; set -e; }
ks() { # FILE SOURCE-LINES
	printf '%s\n%%packages --nocore\nsynth-chain-a\n%%end\n' "$2" >"$1"
}

ks "$d/default.ks" "url --url=$base/"
status "$SLIPWAY_BIN" install -k "$d/default.ks" --root "$d/r-default"
expect_eq "an unknown CA: exit" 1 "$rc"
expect_contains "an unknown CA: the reason" "certificate" "$out"
echo "refused: $(grep -m1 -i certificate <<<"$out")"
[[ "$out" != *retrying* ]] || fail "an untrusted certificate was retried (it cannot change): $out"
[ ! -e "$d/r-default/var/lib/rpm" ] || fail "an unverified repo installed something"

ks "$d/ca.ks" "url --url=$base/ --sslcacert=$d/ca.pem"
status "$SLIPWAY_BIN" install -k "$d/ca.ks" --root "$d/r-ca"
expect_eq "--sslcacert: exit" 0 "$rc"
expect_eq "--sslcacert: installed" "$chain_set" "$(installed "$d/r-ca")"

ks "$d/noverify.ks" "url --url=$base/ --noverifyssl"
status "$SLIPWAY_BIN" install -k "$d/noverify.ks" --root "$d/r-noverify"
expect_eq "url --noverifyssl: exit" 0 "$rc"
expect_eq "url --noverifyssl: installed" "$chain_set" "$(installed "$d/r-noverify")"

# --noverifyssl is per repo: the other repo on the same server is still checked
ks "$d/mixed.ks" "url --url=$base/ --noverifyssl
repo --name=second --baseurl=$base/"
status "$SLIPWAY_BIN" install -k "$d/mixed.ks" --root "$d/r-mixed"
expect_eq "a second repo without --noverifyssl: exit" 1 "$rc"
expect_contains "a second repo without --noverifyssl: named" "repo second" "$out"
echo "refused: $(grep -m1 -i "repo second" <<<"$out")"
[ ! -e "$d/r-mixed/var/lib/rpm" ] || fail "the mixed install installed something"
echo ok
