#!/bin/bash
# url/repo --mirrorlist and --metalink over real HTTP on 127.0.0.1: the first
# mirror is dead, the second has repodata but lacks a package (the download
# falls back to the third), $basearch in a mirror URL; a metalink whose
# sha256 matches installs, one whose hash is wrong fails naming the mismatch
# and every mirror tried; a mirror list with no usable line is a clear error.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
synth_repos S
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }

tmpdir d
export SLIPWAY_CACHE=$d/cache
trap 'stop_servers; cleanup_all' EXIT
chain_set=$CHAIN_SET
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

mkdir -p "$d/www"
cp -a "$S/chain" "$d/www/partial"
cp -a "$S/chain" "$d/www/x86_64"
# the second mirror lacks one package: its download must come from the third
missing=$(cd "$d/www/partial" && find . -name 'synth-chain-b-*.rpm' | head -n 1)
[ -n "$missing" ] || fail "no synth-chain-b package in the chain repo"
rm "$d/www/partial/$missing"
rm -f "$d/port"
python3 tests/data/payload/http-server.py "$d/www" "$d/port" --log "$d/http.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$d/port" ] && break; sleep 0.1; done
[ -s "$d/port" ] || fail "the test HTTP server did not start"
base=http://127.0.0.1:$(cat "$d/port")
dead=http://127.0.0.1:$(free_port) # nothing listens there

write_ks() { # FILE SOURCE-LINE
	printf '%s\n%%packages --nocore\nsynth-chain-a\n%%end\n' "$2" >"$1"
}

# --- mirror list: dead, partial, good ($basearch), comments and blank lines
cat >"$d/www/mirrors.txt" <<MIRRORS
# mirrors of the chain repo
$dead/chain/

$base/partial/repodata/repomd.xml
  $base/\$basearch   
MIRRORS
write_ks "$d/ml.ks" "url --mirrorlist=$base/mirrors.txt"
out=$("$SLIPWAY_BIN" install -k "$d/ml.ks" --root "$d/r1" 2>&1) || fail "mirrorlist install failed: $out"
expect_contains "mirrorlist: the key beside the chosen mirror" "trusting the key $base/partial/RPM-GPG-KEY-synth" "$out"
expect_eq "mirrorlist: installed" "$chain_set" "$(installed "$d/r1")"
expect_contains "mirrorlist: 3 mirrors" "repo anaconda: 3 mirrors from $base/mirrors.txt" "$out"
expect_contains "mirrorlist: the partial mirror is used" "using the mirror $base/partial" "$out"
expect_contains "mirrorlist: package fallback" "trying the next mirror, $base/x86_64" "$out"
grep -q "^/x86_64/.*synth-chain-b" "$d/http.log" || fail "the missing package was not fetched from the third mirror"
grep '^slipway: ' <<<"$out" | grep -v '^slipway: warning: ' && fail "mirrorlist: an install that worked logged an error: $out"
# --dry-run shows which mirror
out=$("$SLIPWAY_BIN" install -k "$d/ml.ks" --root "$d/r-dry" --dry-run --nogpgcheck 2>&1) || fail "dry-run: $out"
expect_contains "mirrorlist dry-run: mirror" "repo anaconda: $base/partial" "$out"
expect_contains "mirrorlist dry-run: list" "mirror 1 of 3 from the mirror list $base/mirrors.txt" "$out"

# repo --mirrorlist, with the only mirror dead: the error names the line and the mirrors
printf '%s\n' "$dead/chain" "$base/nothing-here" >"$d/www/dead.txt"
write_ks "$d/dead.ks" "repo --name=extra --mirrorlist=$base/dead.txt"
expect_fail "dead mirrors" 1 "dead.ks:1: repo --mirrorlist=$base/dead.txt: no mirror gave a usable repodata/repomd.xml" "$SLIPWAY_BIN" install -k "$d/dead.ks" --root "$d/r2" --nogpgcheck
expect_contains "dead mirrors: first tried" "$dead/chain: transfer failed" "$out"
expect_contains "dead mirrors: second tried" "$base/nothing-here: not found" "$out"
[ -e "$d/r2" ] && fail "dead mirrors: the target was created"
# a mirror list without a URL
printf '# nothing\nnot a url\n' >"$d/www/junk.txt"
write_ks "$d/junk.ks" "url --mirrorlist=$base/junk.txt"
expect_fail "junk mirror list" 1 "junk.ks:1: url --mirrorlist=$base/junk.txt: not a mirror list: line 2: not a URL" "$SLIPWAY_BIN" install -k "$d/junk.ks" --root "$d/r3" --nogpgcheck

# --- metalink: a good one (sha256 of the served repomd.xml), then a wrong hash
sha=$(sha256sum "$d/www/x86_64/repodata/repomd.xml" | cut -d' ' -f1)
md5=$(md5sum "$d/www/x86_64/repodata/repomd.xml" | cut -d' ' -f1)
metalink() { # HASH
	cat <<XML
<?xml version="1.0" encoding="utf-8"?>
<metalink version="3.0" xmlns="http://www.metalinker.org/" type="dynamic" generator="mirrormanager" xmlns:mm0="http://fedorahosted.org/mirrormanager">
 <files>
  <file name="repomd.xml">
   <mm0:timestamp>1700000000</mm0:timestamp>
   <size>$(stat -c %s "$d/www/x86_64/repodata/repomd.xml")</size>
   <verification>
    <hash type="md5">$md5</hash>
    <hash type="sha256">$1</hash>
   </verification>
   <resources maxconnections="1">
    <url protocol="rsync" type="rsync" location="US" preference="100">rsync://127.0.0.1/chain/repodata/repomd.xml</url>
    <url protocol="http" type="http" location="US" preference="90">$dead/chain/repodata/repomd.xml</url>
    <url protocol="http" type="http" location="US" preference="50">$base/\$basearch/repodata/repomd.xml</url>
    <url protocol="http" type="http" location="DE" preference="99">$base/nothing-here/repodata/repomd.xml</url>
   </resources>
  </file>
 </files>
</metalink>
XML
}
metalink "$sha" >"$d/www/metalink.xml"
write_ks "$d/mlk.ks" "url --metalink=$base/metalink.xml"
out=$("$SLIPWAY_BIN" install -k "$d/mlk.ks" --root "$d/r4" --nogpgcheck 2>&1) || fail "metalink install failed: $out"
expect_eq "metalink: installed" "$chain_set" "$(installed "$d/r4")"
expect_contains "metalink: 3 mirrors, rsync skipped" "repo anaconda: 3 mirrors from $base/metalink.xml" "$out"
expect_contains "metalink: mirror" "using the mirror $base/x86_64" "$out"

bad=$(printf '%064d' 0)
metalink "$bad" | sed "s/$md5/$(printf '%032d' 0)/" >"$d/www/metalink-bad.xml"
write_ks "$d/bad.ks" "repo --name=signed --metalink=$base/metalink-bad.xml"
expect_fail "metalink wrong hash" 1 "bad.ks:1: repo --metalink=$base/metalink-bad.xml: no mirror gave a usable repodata/repomd.xml" "$SLIPWAY_BIN" install -k "$d/bad.ks" --root "$d/r5" --nogpgcheck
expect_contains "metalink wrong hash: mismatch" "$base/x86_64: hash mismatch: the metalink lists md5 $(printf '%032d' 0), sha256 $bad; the file has md5 $md5" "$out"
[ -e "$d/r5" ] && fail "metalink wrong hash: the target was created"
# not XML at all
printf '<metalink><files>' >"$d/www/broken.xml"
write_ks "$d/broken.ks" "url --metalink=$base/broken.xml"
expect_fail "broken metalink" 1 "url --metalink=$base/broken.xml: not a metalink: line 1: " "$SLIPWAY_BIN" install -k "$d/broken.ks" --root "$d/r6" --nogpgcheck
echo "ok"
