#!/bin/bash
# `slipway install --root DIR` against every synthetic fixture repo
# (tests/fixtures/synth/README.md): the package set each case must give, and the
# message and untouched target of each case that must fail.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
# Built here when the cache is cold (about a minute): a skip would hide this test on a fresh CI machine.
S=$(tests/fixtures/synth/build.sh)
[ -d "$S/chain/repodata" ] || fail "the synthetic repos were not built: $S"

tmpdir d
export SLIPWAY_CACHE=$d/cache
n=0

# run NAME CASE [--opts "PKGOPTS"] [--cli "ARGS"] ENTRY...: installs into $d/NAME;
# sets out (all output), rc, root.
run() {
	local name=$1 case=$2 pkgopts="--nocore" cli=""
	shift 2
	while [ $# -gt 0 ]; do
		case $1 in
		--opts) pkgopts=$2; shift 2 ;;
		--cli) cli=$2; shift 2 ;;
		*) break ;;
		esac
	done
	root=$d/$name
	{
		echo "url --url=file://$S/$case"
		echo "%packages $pkgopts"
		printf '%s\n' "$@"
		echo "%end"
	} >"$d/$name.ks"
	rc=0
	# shellcheck disable=SC2086
	out=$("$SLIPWAY_BIN" install -k "$d/$name.ks" --root "$root" $cli 2>&1) || rc=$?
	n=$((n + 1))
}
# The installed names (gpg-pubkey left out), one line, sorted.
installed() {
	[ -e "$root/var/lib/rpm" ] || return 0
	rpm --root "$root" --dbpath /var/lib/rpm -qa --qf '%{NAME}-%{VERSION}\n' | grep -v '^gpg-pubkey' |
		sort | tr '\n' ' ' | sed 's/ $//'
}
expect_ok() { # WHAT EXPECTED-SET
	[ "$rc" = 0 ] || fail "$1: expected success, got exit $rc: $out"
	expect_eq "$1: installed set" "$2" "$(installed)"
}
expect_refused() { # WHAT EXIT MESSAGE: failed with the message, nothing installed
	[ "$rc" = "$2" ] || fail "$1: expected exit $2, got $rc: $out"
	expect_contains "$1: message" "$3" "$out"
	expect_eq "$1: nothing installed" "" "$(installed)"
}

# --- chain: a, b-2.0, c, d, tool and data (data is only in filelists.xml)
run chain chain synth-chain-a
expect_ok chain "synth-chain-a-1.0 synth-chain-b-2.0 synth-chain-c-1.0 synth-chain-d-1.0 synth-chain-data-1.0 synth-tool-1.0"
expect_contains "chain: key imported" "gpg-pubkey" "$(rpm --root "$root" --dbpath /var/lib/rpm -qa)"
[ -f "$root/usr/share/synth-chain/synth-chain-data/VERSION" ] || [ -f "$root/usr/share/synth-chain-data/table.dat" ] ||
	fail "chain: files of synth-chain-data are missing in $root"
[ -f "$root/var/log/slipway/packaging.log" ] || fail "chain: no packaging.log"
grep -q "$root" /proc/mounts && fail "chain: bind mounts left behind: $(grep "$root" /proc/mounts)"
run chain chain synth-chain-a # the same, non-empty root again
[ "$rc" = 1 ] || fail "second install into the same root: expected exit 1, got $rc: $out"
expect_contains "second install" "already holds an rpm database" "$out"

run chain-conflict chain synth-chain-a synth-chain-b-1.0
expect_refused "chain with b-1.0" 1 "requires synth-chain-b >= 2.0, but none of the providers can be installed"
[ -e "$root" ] && fail "chain with b-1.0: the target was created"

# --- rich dependencies
run rich rich synth-rich-app
expect_ok rich "synth-rich-app-1.0 synth-rich-ra-1.0 synth-rich-rb-1.0 synth-rich-x-1.0"
run rich-w rich synth-rich-app synth-rich-w
expect_ok "rich + w" "synth-rich-addon-1.0 synth-rich-app-1.0 synth-rich-ra-1.0 synth-rich-rb-1.0 synth-rich-w-1.0 synth-rich-x-1.0 synth-rich-z-1.0"
run rich-y rich synth-rich-app synth-rich-y
expect_ok "rich + y" "synth-rich-app-1.0 synth-rich-ra-1.0 synth-rich-rb-1.0 synth-rich-y-1.0"
run rich-noweak rich --opts "--nocore --exclude-weakdeps" synth-rich-app
expect_ok "rich, no weak deps" "synth-rich-app-1.0 synth-rich-x-1.0"

# --- conflicts: file conflicts are rpm's transaction test; Conflicts: the solver's
run conflicts-file conflicts synth-conflicts-one synth-conflicts-two
expect_refused "file conflict" 1 "file /usr/share/synth-conflicts/shared.conf conflicts between attempted installs of synth-conflicts-one-1.0-1.noarch and synth-conflicts-two-1.0-1.noarch"
run conflicts-same conflicts synth-conflicts-same-a synth-conflicts-same-b
expect_ok "identical files" "synth-conflicts-same-a-1.0 synth-conflicts-same-b-1.0"
run conflicts-explicit conflicts synth-conflicts-left synth-conflicts-right
expect_refused "Conflicts:" 1 "package synth-conflicts-left-1.0-1.noarch conflicts with synth-conflicts-right provided by synth-conflicts-right-1.0-1.noarch"

# --- obsoletes: asking for the old name gives the new package
run obsoletes obsoletes synth-obs-old
expect_ok obsoletes "synth-obs-new-2.0"

# --- weak deps: Recommends on/off, Suggests never
run weak weak synth-weak-p
expect_ok "weak on" "synth-weak-p-1.0 synth-weak-r-1.0"
run weak-off weak --opts "--nocore --exclude-weakdeps" synth-weak-p
expect_ok "weak off" "synth-weak-p-1.0"

# --- scriptlets really run in the root; a failing %pre stops its package
run failpre-ok failpre synth-failpre-ok
expect_ok "failpre control" "synth-failpre-ok-1.0 synth-sh-1.0"
[ -e "$root/usr/share/synth-failpre/synth-failpre-ok/post-ran" ] ||
	fail "failpre control: %post did not run in the root"
run failpre-pre failpre synth-failpre-pre
[ "$rc" = 1 ] || fail "failing %pre: expected exit 1, got $rc: $out"
expect_contains "failing %pre" "synth-failpre-pre-1.0-1.noarch: the %pre scriptlet failed; the package was not installed" "$out"
expect_eq "failing %pre: installed" "synth-sh-1.0" "$(installed)"
grep -q "%pre exits 1 on purpose" "$root/var/log/slipway/packaging.log" ||
	fail "failing %pre: its stderr is not in packaging.log"
run failpre-post failpre synth-failpre-post
expect_ok "failing %post" "synth-failpre-post-1.0 synth-sh-1.0"
expect_contains "failing %post" "synth-failpre-post-1.0-1.noarch: the %post scriptlet failed; the package is installed anyway" "$out"

# --- signatures and checksums: refused before the target exists
run unsigned-ok unsigned synth-unsigned-standalone
expect_ok "signed package" "synth-unsigned-standalone-1.0"
run unsigned unsigned synth-unsigned-app
expect_refused "unsigned" 1 "synth-unsigned-lib-1.0-1.noarch (repo anaconda): the package is not signed; refusing it"
[ -e "$root" ] && fail "unsigned: the target was created"
run unsigned-nogpg unsigned --cli --nogpgcheck synth-unsigned-app
expect_ok "unsigned, --nogpgcheck" "synth-unsigned-app-1.0 synth-unsigned-lib-1.0"
run corrupt-ok corrupt synth-corrupt-good
expect_ok "good package" "synth-corrupt-good-1.0"
run corrupt corrupt synth-corrupt-app
expect_refused "corrupt" 1 "synth-corrupt-bad-1.0-1.noarch (repo anaconda): $S/corrupt/Packages/synth-corrupt-bad-1.0-1.noarch.rpm does not match the sha256 checksum in the repo metadata"
[ -e "$root" ] && fail "corrupt: the target was created"
# The wrongkey repo publishes both keys next to repodata/: trust only the fixture key.
run wrongkey wrongkey --cli "--gpgkey $S/keys/RPM-GPG-KEY-synth" synth-wrongkey-app
expect_refused "wrong key" 1 "synth-wrongkey-app-1.0-1.noarch (repo anaconda): signed with a key that is not trusted"
[ -e "$root" ] && fail "wrong key: the target was created"
run wrongkey-trusted wrongkey --cli "--gpgkey $S/keys/RPM-GPG-KEY-wrong" synth-wrongkey-app
expect_ok "wrong key, trusted with --gpgkey" "synth-wrongkey-app-1.0 synth-wrongkey-lib-1.0"

# --- missing names: every one listed, or warnings with --ignoremissing
run missing chain synth-chain-a no-such-one no-such-two 'no-such-glob-*'
[ "$rc" = 2 ] || fail "missing: expected exit 2, got $rc: $out"
for m in no-such-one no-such-two 'no-such-glob-\*'; do
	grep -q "missing.ks:[0-9]*: %packages: no package matches ${m}\$" <<<"$out" || fail "missing: $m not reported: $out"
done
expect_contains "missing" "3 requested name(s) not found" "$out"
run ignoremissing chain --opts "--nocore --ignoremissing" synth-chain-a no-such-one
expect_ok "--ignoremissing" "synth-chain-a-1.0 synth-chain-b-2.0 synth-chain-c-1.0 synth-chain-d-1.0 synth-chain-data-1.0 synth-tool-1.0"
expect_contains "--ignoremissing" "warning: " "$out"
expect_contains "--ignoremissing" "no package matches no-such-one (--ignoremissing)" "$out"

# --- exclusions and globs
run exclude chain 'synth-chain-*' -synth-chain-a -synth-chain-b
[ "$rc" = 0 ] || fail "glob with exclusions: exit $rc: $out"
expect_eq "glob with exclusions" "synth-chain-c-1.0 synth-chain-d-1.0 synth-chain-data-1.0 synth-tool-1.0" "$(installed)"

# --- comps: @core (mandatory + default), --optional, conditional, environments
run comps-core comps --opts "" "@core"
expect_ok "@core" "synth-comps-base-1.0 synth-comps-default-1.0"
run comps-optional comps --opts "--nocore" "@core --optional"
expect_ok "@core --optional" "synth-comps-base-1.0 synth-comps-default-1.0 synth-comps-optional-1.0"
run comps-nodefaults comps --opts "--nocore" "@core --nodefaults"
expect_ok "@core --nodefaults" "synth-comps-base-1.0"
run comps-extras comps --opts "--nocore" "@extras"
expect_ok "@extras" "synth-comps-extra-1.0"
run comps-both comps --opts "--nocore" "@core" "@extras"
expect_ok "@core @extras" "synth-comps-base-1.0 synth-comps-cond-1.0 synth-comps-default-1.0 synth-comps-extra-1.0"
run comps-env comps --opts "--nocore" "@^synth-environment"
expect_ok "@^synth-environment" "synth-comps-base-1.0 synth-comps-default-1.0"
run comps-implicit comps --opts "" synth-comps-extra
expect_ok "implicit @core" "synth-comps-base-1.0 synth-comps-default-1.0 synth-comps-extra-1.0"
run comps-nogroup comps --opts "--nocore" "@no-such-group"
[ "$rc" = 2 ] || fail "missing group: expected exit 2, got $rc: $out"
expect_contains "missing group" "no such group: no-such-group" "$out"

# --- no comps: @core means slipway's minimal set, with a warning
run nocomps chain --opts "" synth-chain-a
[ "$rc" = 0 ] || fail "no comps: exit $rc: $out"
expect_contains "no comps" "no repo has comps groups: installing slipway's minimal set" "$out"

echo "ok ($n installs)"
