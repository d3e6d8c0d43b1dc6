#!/bin/bash
# make static when tools/static/build-libs.sh's prefix is cached (always with FULL=1):
# the binary is fully static (file, readelf, ldd), ≤ 16 MiB stripped, and works.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

make_static bin
expect_eq "static-path" "$PWD/build-static/slipway" "$bin"
[ -x "$bin" ] || fail "no $bin"

out=$(file -b "$bin")
expect_contains "file" "statically linked" "$out"
out=$(readelf -d "$bin")
expect_contains "readelf -d" "There is no dynamic section" "$out"
set +e
out=$(ldd "$bin" 2>&1)
set -e
expect_contains "ldd" "not a dynamic executable" "$out"
size=$(stat -c %s "$bin")
[ "$size" -le $((16 * 1024 * 1024)) ] || fail "size $size > 16 MiB"
[ -z "$(readelf -S "$bin" | grep -E '\.(debug_info|symtab)')" ] || fail "not stripped"

# fault injection (common/fault.h) is compiled out of the release binary
grep -q SLIPWAY_FAULT "$bin" && fail "the static binary reads SLIPWAY_FAULT (fault injection must be compiled out)"

out=$("$bin" version)
expect_contains "version" "slipway " "$out"
expect_contains "version" "(statically linked)" "$out"
for lib in libblkid libfdisk libmount libcryptsetup libdevmapper librpm libsolv libcurl \
	json-c ncurses openssl zlib zstd liblzma bzip2 sqlite expat "from Debian"; do
	grep -q "^  $lib " <<<"$out" || fail "version: no $lib line in [$out]"
done
"$bin" validate docs/examples/fedora-server-minimal.ks >/dev/null ||
	fail "validate fedora-server-minimal.ks"

# in an empty root (no shared libraries, no /etc at all) it still runs
tmpdir root
mkdir -p "$root/bin"
cp "$bin" "$root/bin/slipway"
cp docs/examples/fedora-server-minimal.ks "$root/ks"
out=$(chroot "$root" /bin/slipway version) || fail "version in an empty root"
expect_contains "chroot version" "librpm" "$out"
chroot "$root" /bin/slipway validate /ks >/dev/null || fail "validate in an empty root"

# Signatures, checksums and rpm transactions through the static librpm: the synthetic
# repo test (when fixtures exist), with the rpmrc and macros built into the binary.
# This host's /usr/lib/rpm is rpm 4.18's, whose rpmrc would make every package
# "intended for a different architecture": passing proves the host's is not read.
synth=$(tests/fixtures/synth/build.sh --print-path)
if [ "$(id -u)" = 0 ] && [ -d "$synth/chain/repodata" ]; then
	out=$(env -u RPM_CONFIGDIR SLIPWAY_BIN=$bin bash tests/integration/test-payload-synth.sh 2>&1) ||
		fail "test-payload-synth.sh with the static binary: $(tail -5 <<<"$out")"
	echo "static binary passes test-payload-synth.sh: $(tail -1 <<<"$out")"
fi
echo "ok: static $bin, $size bytes"
