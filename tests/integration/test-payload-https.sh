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
command -v openssl >/dev/null || fail "openssl is not installed (make deps)"
S=$(tests/fixtures/synth/build.sh) # cached; built here when cold
tmpdir d
export SLIPWAY_CACHE=$d/cache
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null; cleanup_all' EXIT
cp -a "$S/chain" "$d/www"

# a CA, and a server certificate it signs for 127.0.0.1
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=slipway test CA" \
	-keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$d/srv.key" -out "$d/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' >"$d/san.ext"
openssl x509 -req -in "$d/srv.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
	-extfile "$d/san.ext" -out "$d/srv.pem" 2>/dev/null
python3 - "$d/www" "$d/srv.pem" "$d/srv.key" "$d/port" >"$d/server.log" 2>&1 <<'PY' &
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
server=$!
for _ in $(seq 100); do [ -s "$d/port" ] && break; sleep 0.1; done
[ -s "$d/port" ] || fail "the https server did not start: $(cat "$d/server.log")"
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
