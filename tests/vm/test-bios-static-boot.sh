#!/bin/bash
# Boot scenario 1 of the system-boot issue, with the whole check list: BIOS
# (SeaBIOS), an ext4 root and a swap partition, a static network, two users
# (one with an ssh key), a group, an enabled service, a time zone and a locale.
# slipway installs the test distro's @core into an image on the host; the
# image boots under SeaBIOS and vm-boot logs in with the root password and
# checks, inside the installed system: host name, systemd's state, every
# fstab mount mounted and the swap on, the users' shells, uids, groups and
# gecos, the ssh key and its modes, the networkd file, the service enabled,
# /etc/localtime and /etc/locale.conf, `rpm -qa` against the plan's count,
# /var/log/slipway complete and an SBOM entry for every installed package.
# ~4 min under TCG.
set -euo pipefail
cd "$(dirname "$0")/../.."
S=${SLIPWAY_BIN:-$PWD/build/slipway}
R=$(tests/fixtures/distro/build.sh 2>/dev/null) || { echo "FAIL: the test distro repo cannot be built"; exit 1; }
work=$(mktemp -d /var/tmp/slipway-scenario1.XXXXXX)
trap 'rm -rf "$work"' EXIT
pw="root-$RANDOM"
key="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@scenario1"
cat >"$work/ks.cfg" <<KS
url --url=file://$R
rootpw --plaintext $pw
reqpart
part swap --size=256
part / --fstype=ext4 --size=2500 --grow
network --bootproto=static --device=ens3 --ip=192.0.2.10 --netmask=255.255.255.0 --gateway=192.0.2.1 --nameserver=192.0.2.53 --hostname=scenario-one
group --name=ops --gid=3000
user --name=alice --groups=wheel,ops --shell=/bin/bash --password=alice-pw --plaintext
user --name=bob --uid=2001 --gecos="Bob B"
sshkey --username=alice "$key"
services --enabled=fstrim.timer
timezone Europe/Paris --utc
lang de_DE.UTF-8
%packages
@core
%end
KS
t0=$SECONDS
TMPDIR=$work "$S" install -k "$work/ks.cfg" --image "$work/disk.img" --size 4G --log "$work/install.log" \
	>"$work/out" 2>&1 || { tail -20 "$work/out"; echo "FAIL: the install failed"; exit 1; }
echo "install: $((SECONDS - t0)) s"
. tests/vm/scenario-checks.sh
scenario_checks "$work/out"
t0=$SECONDS
scenario_boot "$work" "scenario 1 did not boot and pass the checks under SeaBIOS" --disk "$work/disk.img" --firmware bios --password "$pw" \
	--run 'test -d /sys/firmware/efi && echo uefi || echo bios' --expect '^bios$' \
	--run 'hostname' --expect '^scenario-one$' \
	--run 'swapon --show=TYPE --noheadings' --expect '^partition$' \
	--run 'getent passwd alice | cut -d: -f7; id -nG alice | tr " " "\n" | sort | tr "\n" " "' \
	--expect '(?s)^/bin/bash\n.*\bops wheel\b' \
	--run 'getent passwd bob | cut -d: -f3,5' --expect '^2001:Bob B$' \
	--run 'getent group ops | cut -d: -f3' --expect '^3000$' \
	--run 'stat -c "%a %U" /home/alice/.ssh /home/alice/.ssh/authorized_keys; cat /home/alice/.ssh/authorized_keys' \
	--expect '(?s)^700 alice\n600 alice\nssh-ed25519 \S+ alice@scenario1$' \
	--run 'cat /etc/systemd/network/*.network' \
	--expect '(?s)Name=ens3.*Address=192\.0\.2\.10/24.*Gateway=192\.0\.2\.1.*DNS=192\.0\.2\.53' \
	--run 'systemctl is-enabled fstrim.timer' --expect '^enabled$' \
	--run 'readlink /etc/localtime' --expect 'zoneinfo/Europe/Paris$' \
	--run 'cat /etc/locale.conf' --expect '^LANG=de_DE\.UTF-8$'
grep -qF -e "$pw" -e alice-pw "$work/serial.log" && { echo "FAIL: a password is in the serial transcript"; exit 1; }
echo "booted and checked in $((SECONDS - t0)) s"
echo ok
