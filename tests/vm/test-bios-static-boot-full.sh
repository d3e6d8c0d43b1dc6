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
# /var/log/slipway complete and an SBOM entry for every installed package
# (the kickstart and the checks: tests/vm/scenario1.sh). ~4 min under TCG.
set -euo pipefail
cd "$(dirname "$0")/../.."
S=${SLIPWAY_BIN:-$PWD/build/slipway}
R=$(tests/fixtures/distro/build.sh 2>/dev/null) || { echo "FAIL: the test distro repo cannot be built"; exit 1; }
. tests/vm/scenario-checks.sh
. tests/vm/scenario1.sh
work=$(mktemp -d /var/tmp/slipway-scenario1.XXXXXX)
trap 'rm -rf "$work"' EXIT
pw="root-$RANDOM"
scenario1_kickstart "$R" "$pw" >"$work/ks.cfg"
t0=$SECONDS
TMPDIR=$work "$S" install -k "$work/ks.cfg" --image "$work/disk.img" --size 4G --log "$work/install.log" \
	>"$work/out" 2>&1 || { tail -20 "$work/out"; echo "FAIL: the install failed"; exit 1; }
echo "install: $((SECONDS - t0)) s"
scenario1_boot "$work/disk.img" "$pw" "$work/out" "$work"
echo ok
