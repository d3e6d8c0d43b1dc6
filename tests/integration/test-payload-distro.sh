#!/bin/bash
# `slipway install --root DIR` of @^minimal-environment from the test distro
# gives exactly the package set `dnf --installroot` picks for the same request
# (dnf 4.14, weak deps on as in both defaults, the fixture key enforced).
# Differences, if any, must be explained here; today there are none.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
R=$(tests/fixtures/distro/build.sh --print-path)
if [ ! -f "$R/repodata/repomd.xml" ]; then
	echo "SKIP: the test distro is not built (make fixtures): $R"
	exit 77
fi
command -v dnf >/dev/null || { echo "SKIP: dnf is not installed"; exit 77; }

tmpdir d
export SLIPWAY_CACHE=$d/cache

cat >"$d/ks.cfg" <<EOF
url --url=file://$R
%packages
@^minimal-environment
%end
EOF
t0=$SECONDS
out=$("$SLIPWAY_BIN" install -k "$d/ks.cfg" --root "$d/slipway" 2>&1) || fail "slipway install failed: $out"
t_slipway=$((SECONDS - t0))
rpm --root "$d/slipway" --dbpath /var/lib/rpm -qa --qf '%{NAME}\n' | sort >"$d/slipway.txt"
grep -q "$d/slipway" /proc/mounts && fail "bind mounts left in the target"

# dnf: Debian's rpm would put the rpmdb at ~/.rpmdb (pitfall 7): a private HOME
# holds the macro. dnf 4.14 ignores per-repo --setopt on --repofrompath repos,
# so the repo is a private .repo file; "@minimal-environment" is how dnf 4.14
# spells the environment (it rejects "@^…").
mkdir -p "$d/home" "$d/repos"
echo '%_dbpath /var/lib/rpm' >"$d/home/.rpmmacros"
cat >"$d/repos/distro.repo" <<EOF
[distro]
name=slipway test distro
baseurl=file://$R
gpgcheck=1
gpgkey=file://$R/RPM-GPG-KEY-slipway-test
EOF
t0=$SECONDS
HOME=$d/home dnf -q -y --installroot="$d/dnf" --releasever=13 --setopt=reposdir="$d/repos" \
	--setopt=install_weak_deps=True --setopt=cachedir="$d/dnfcache" --setopt=logdir="$d" \
	install @minimal-environment >"$d/dnf.log" 2>&1 || { cat "$d/dnf.log"; fail "dnf failed"; }
t_dnf=$((SECONDS - t0))
HOME=$d/home rpm --root "$d/dnf" -qa --qf '%{NAME}\n' | sort >"$d/dnf.txt"

echo "slipway: $(wc -l <"$d/slipway.txt") packages in ${t_slipway} s; dnf: $(wc -l <"$d/dnf.txt") in ${t_dnf} s"
if ! diff -u "$d/dnf.txt" "$d/slipway.txt"; then
	fail "the package sets differ (- dnf, + slipway)"
fi
[ "$(wc -l <"$d/slipway.txt")" -gt 100 ] || fail "suspiciously few packages: $(cat "$d/slipway.txt")"
grep -qx gpg-pubkey "$d/slipway.txt" || fail "the fixture key was not imported into the target's rpmdb"
[ -x "$d/slipway/usr/bin/bash" ] || fail "no /usr/bin/bash in the target"
echo "ok"
