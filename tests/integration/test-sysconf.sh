#!/bin/bash
# The system stage on a real target: the test distro installed by
# `dnf --installroot` (once, cached by the repo path), copied per run, then
# sysconf-apply of a kickstart with host name, locale, keymap, time zone, NTP,
# static network, groups, two users, an SSH key and services. Checks the files,
# `id` and `systemctl is-enabled` in a chroot, the shadow fields, the key's
# modes and owner, and that the SBOM lists every `rpm -qa` package.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (chroot, file owners)"
	exit 77
fi
BUILD=${BUILD:-build}
tool=$PWD/$BUILD/tests/tools/sysconf-apply
[ -x "$tool" ] || fail "$tool is not built (make tests)"
command -v dnf >/dev/null || { echo "SKIP: dnf is not installed"; exit 77; }
R=$(tests/fixtures/distro/build.sh 2>/dev/null) || { echo "SKIP: the test distro repo cannot be built"; exit 77; }
[ -f "$R/repodata/repomd.xml" ] || { echo "SKIP: the test distro repo cannot be built ($R)"; exit 77; }

# ---- the installed target, built once per repo ----
cache_base=${SLIPWAY_CACHE:-/var/cache/slipway}
cache=$cache_base/sysconf-target-$(printf %s "$R" | sha256sum | cut -c1-16)
build_target() {
	local work
	work=$(mktemp -d "$cache_base/.sysconf-target.XXXXXX")
	mkdir -p "$work/home" "$work/repos"
	# Debian's rpm defaults %_dbpath to ~/.rpmdb (pitfall 7): a private HOME holds the macro
	echo '%_dbpath /var/lib/rpm' >"$work/home/.rpmmacros"
	cat >"$work/repos/distro.repo" <<EOF
[distro]
name=slipway test distro
baseurl=file://$R
gpgcheck=1
gpgkey=file://$R/RPM-GPG-KEY-slipway-test
EOF
	# (@server-product-environment is not installable: sudo and slipway-test-glue
	# both own /etc/sudoers.d; the standard group's other packages are named)
	if ! HOME=$work/home dnf -q -y --installroot="$work/root" --releasever=13 \
		--setopt=reposdir="$work/repos" --setopt=install_weak_deps=False \
		--setopt=cachedir="$work/dnfcache" --setopt=logdir="$work" \
		install @minimal-environment openssh-server systemd-resolved systemd-timesyncd \
		>"$work/dnf.log" 2>&1; then
		cat "$work/dnf.log"
		rm -rf "$work"
		fail "dnf --installroot of the test distro failed"
	fi
	rm -rf "$work/dnfcache" "$work/home" "$work/repos"
	mv -T "$work" "$cache" 2>/dev/null || rm -rf "$work" # another run won the race
}
mkdir -p "$cache_base"
exec 9>"$cache_base/.sysconf-target.lock"
flock 9
[ -x "$cache/root/usr/bin/systemctl" ] || build_target
flock -u 9

tmpdir d
T=$d/root
t0=$SECONDS
cp -a --reflink=auto "$cache/root" "$T"
echo "target copied in $((SECONDS - t0)) s"
rpmq() { rpm --root "$T" --dbpath /var/lib/rpm "$@"; }

key="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHNsaXB3YXktdGVzdC1rZXktbm90LXJlYWw alice@test"
cat >"$d/ks.cfg" <<EOF
network --hostname=web-01.example.com
network --device=eth0 --bootproto=static --ip=192.168.122.10 --netmask=255.255.255.0 --gateway=192.168.122.1 --nameserver=192.168.122.1,9.9.9.9 --mtu=1400
lang de_DE.UTF-8
keyboard --vckeymap=de-nodeadkeys --xlayouts=de
timezone Europe/Berlin --utc
timesource --ntp-pool=pool.example.org
rootpw --plaintext --allow-ssh root-Secret-1
group --name=devs --gid=2000
user --name=alice --groups=wheel,devs --password=alice-Secret-2 --plaintext --gecos="Alice Example" --shell=/bin/bash --uid=1500
user --name=bob --groups=devs,ops --password=\$6\$saltsalt\$notarealhash --iscrypted --homedir=/srv/bob --lock
sshkey --username=alice "$key"
services --enabled=systemd-resolved --disabled=fstrim.timer,e2scrub_reap
selinux --permissive
EOF
t0=$SECONDS
"$tool" "$d/ks.cfg" "$T" --serial ttyS0 >"$d/apply.log" 2>&1 || { cat "$d/apply.log"; fail "sysconf-apply failed"; }
echo "system stage in $((SECONDS - t0)) s"
grep -q "alice-Secret-2\|root-Secret-1" "$d/apply.log" && fail "a plaintext password reached the log"
grep -q "SELinux is not installed" "$d/apply.log" || fail "no warning about SELinux missing: $(cat "$d/apply.log")"
grep -q "no /usr/share/zoneinfo" "$d/apply.log" || fail "no warning about tzdata missing"

# ---- files ----
expect_eq hostname "web-01.example.com" "$(cat "$T/etc/hostname")"
expect_eq locale.conf "LANG=de_DE.UTF-8" "$(cat "$T/etc/locale.conf")"
expect_eq vconsole.conf "KEYMAP=de-nodeadkeys" "$(cat "$T/etc/vconsole.conf")"
expect_eq localtime "../usr/share/zoneinfo/Europe/Berlin" "$(readlink "$T/etc/localtime")"
expect_eq "adjtime line 3" "UTC" "$(sed -n 3p "$T/etc/adjtime")"
expect_eq "machine-id size" 0 "$(stat -c %s "$T/etc/machine-id")"
expect_contains timesyncd "NTP=pool.example.org" "$(cat "$T/etc/systemd/timesyncd.conf.d/50-slipway.conf")"
net=$T/etc/systemd/network/40-slipway-eth0.network
[ -f "$net" ] || fail "no $net: $(ls "$T/etc/systemd/network")"
for want in "Name=eth0" "MTUBytes=1400" "DHCP=no" "Address=192.168.122.10/24" "Gateway=192.168.122.1" \
	"DNS=192.168.122.1" "DNS=9.9.9.9"; do
	grep -qx "$want" "$net" || fail "$net: no line $want: $(cat "$net")"
done
[ -e "$T/etc/systemd/network/80-slipway-ether.network" ] && fail "a DHCP catch-all was written beside eth0"
expect_eq sshd-drop-in "PermitRootLogin yes" \
	"$(grep -v '^#' "$T/etc/ssh/sshd_config.d/01-permitrootlogin.conf")"
left=$(find "$T/etc" "$T/home" "$T/var/log" -name '*.slipway-*' 2>/dev/null)
[ -z "$left" ] || fail "temporary files left: $left"

# ---- accounts ----
expect_eq "id alice" "uid=1500(alice) gid=1500(alice) groups=1500(alice),11(wheel),2000(devs)" \
	"$(chroot "$T" id alice)"
bob_id=$(chroot "$T" id bob)
expect_contains "id bob" "groups=" "$bob_id"
expect_contains "id bob" "2000(devs)" "$bob_id"
expect_contains "id bob" "(ops)" "$bob_id"
expect_eq "alice's shell" /bin/bash "$(awk -F: '$1 == "alice" { print $7 }' "$T/etc/passwd")"
expect_eq "bob's home" /srv/bob "$(awk -F: '$1 == "bob" { print $6 }' "$T/etc/passwd")"
[ -d "$T/srv/bob" ] || fail "bob's home was not created"
expect_eq "root's shell" /bin/bash "$(awk -F: '$1 == "root" { print $7 }' "$T/etc/passwd")"
shadow_field() { awk -F: -v u="$1" -v f="$2" '$1 == u { print $f }' "$T/etc/shadow"; }
verify() { perl -e 'print crypt($ARGV[0], $ARGV[1]) eq $ARGV[1] ? "ok" : "bad"' "$1" "$2"; }
hash=$(shadow_field alice 2)
[[ $hash == '$y$'* ]] || fail "alice's hash is not yescrypt: $hash"
expect_eq "alice's password" ok "$(verify alice-Secret-2 "$hash")"
expect_eq "alice's last change" "" "$(shadow_field alice 3)"
expect_eq "bob's locked crypted password" '!$6$saltsalt$notarealhash' "$(shadow_field bob 2)"
expect_eq "bob's last change" "" "$(shadow_field bob 3)"
rhash=$(shadow_field root 2)
[[ $rhash == '$y$'* ]] || fail "root's hash is not yescrypt: $rhash"
expect_eq "root's password" ok "$(verify root-Secret-1 "$rhash")"
expect_eq "root's last change" "" "$(shadow_field root 3)"
expect_eq "shadow mode and owner" "640 root shadow" "$(stat -c '%a %U %G' "$T/etc/shadow" | sed 's/ [0-9]*$//')"
ak=$T/home/alice/.ssh/authorized_keys
expect_eq ".ssh mode/owner" "700 1500 1500" "$(stat -c '%a %u %g' "$T/home/alice/.ssh")"
expect_eq "authorized_keys mode/owner" "600 1500 1500" "$(stat -c '%a %u %g' "$ak")"
expect_eq authorized_keys "$key" "$(cat "$ak")"

# ---- services ----
is_enabled() { chroot "$T" env SYSTEMD_OFFLINE=1 systemctl is-enabled "$1" 2>/dev/null || true; }
for u in systemd-networkd.service systemd-resolved.service systemd-timesyncd.service serial-getty@ttyS0.service; do
	expect_eq "$u" enabled "$(is_enabled "$u")"
done
for u in fstrim.timer e2scrub_reap.service; do
	expect_eq "$u" disabled "$(is_enabled "$u")"
done
expect_eq default.target multi-user.target "$(chroot "$T" env SYSTEMD_OFFLINE=1 systemctl get-default 2>/dev/null)"

# ---- SBOM ----
sbom=$T/var/log/slipway/sbom.spdx.json
[ -f "$sbom" ] || fail "no SBOM"
expect_eq spdxVersion SPDX-2.3 "$(jq -r .spdxVersion "$sbom")"
rpmq -qa --qf '%{NAME} %{VERSION}-%{RELEASE}\n' | sort >"$d/rpm.txt"
jq -r '.packages[] | select(.SPDXID != "SPDXRef-OperatingSystem") | "\(.name) \(.versionInfo | sub("^[0-9]+:"; ""))"' \
	"$sbom" | sort >"$d/sbom.txt"
diff -u "$d/rpm.txt" "$d/sbom.txt" || fail "the SBOM does not list exactly the rpm -qa packages (- rpm, + SBOM)"
[ "$(wc -l <"$d/rpm.txt")" -gt 100 ] || fail "suspiciously few packages: $(wc -l <"$d/rpm.txt")"
nopurl=$(jq -r '.packages[] | select(.SPDXID != "SPDXRef-OperatingSystem") |
	select([.externalRefs[]? | select(.referenceType == "purl" and (.referenceLocator | startswith("pkg:rpm/")))] | length == 0) | .name' "$sbom")
[ -z "$nopurl" ] || fail "packages without a pkg:rpm purl: $nopurl"
expect_eq "bash's checksum" "$(rpmq -q --qf '%{SHA256HEADER}' bash)" \
	"$(jq -r '.packages[] | select(.name == "bash") | .checksums[0].checksumValue' "$sbom")"

# ---- a second run leaves existing accounts alone and adds no duplicate key ----
"$tool" "$d/ks.cfg" "$T" --no-sbom >"$d/again.log" 2>&1 || { cat "$d/again.log"; fail "a second run failed"; }
grep -q "user alice already exists in the target" "$d/again.log" || fail "no warning about alice existing"
expect_eq "authorized_keys after a second run" "$key" "$(cat "$ak")"
expect_eq "id alice after a second run" "uid=1500(alice) gid=1500(alice) groups=1500(alice),11(wheel),2000(devs)" \
	"$(chroot "$T" id alice)"

# ---- a failing step names the cause ----
printf 'services --enabled=no-such-unit\n' >"$d/bad.cfg"
rc=0
"$tool" "$d/bad.cfg" "$T" --no-sbom >"$d/bad.log" 2>&1 || rc=$?
expect_eq "exit status of a missing unit" 1 "$rc"
grep -q "cannot enable no-such-unit: no such unit in the target" "$d/bad.log" || fail "unclear error: $(cat "$d/bad.log")"
echo "ok"
