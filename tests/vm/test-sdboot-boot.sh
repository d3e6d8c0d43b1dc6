#!/bin/bash
# Boot scenario 4 of the system-boot issue: `bootloader --sdboot`. slipway
# installs the test distro's @core with systemd-boot into an image (bootctl
# on the staged ESP, the kernel and initramfs copied there with a loader
# entry), and the image boots under OVMF through systemd-boot: the firmware
# variable LoaderInfo that systemd-boot sets names it, and the login, the
# host name, root=UUID= and systemd's state are checked. ~3 min under TCG.
set -euo pipefail
cd "$(dirname "$0")/../.."
S=${SLIPWAY_BIN:-$PWD/build/slipway}
R=$(tests/fixtures/distro/build.sh 2>/dev/null) || { echo "FAIL: the test distro repo cannot be built"; exit 1; }
work=$(mktemp -d /var/tmp/slipway-sdboot.XXXXXX)
trap 'rm -rf "$work"' EXIT
pw="sdboot-$RANDOM"
cat >"$work/ks.cfg" <<KS
url --url=file://$R
rootpw --plaintext $pw
network --bootproto=dhcp --hostname=sdboot-test
bootloader --sdboot
autopart --type=plain --noswap
%packages
@core
%end
KS
t0=$SECONDS
TMPDIR=$work "$S" install -k "$work/ks.cfg" --image "$work/disk.img" --size 4G --log "$work/install.log" \
	>"$work/out" 2>&1 || { tail -20 "$work/out"; echo "FAIL: the install failed"; exit 1; }
echo "install: $((SECONDS - t0)) s"
grep -q 'systemd-boot (bootloader --sdboot)' "$work/out" ||
	{ echo "FAIL: the plan does not require systemd-boot: $(grep -A12 'required by the plan' "$work/out")"; exit 1; }
. tests/vm/scenario-checks.sh
scenario_checks "$work/out"
t0=$SECONDS
loader_info='tr -d "\0" < /sys/firmware/efi/efivars/LoaderInfo-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f'
scenario_boot "$work" "the systemd-boot image did not boot and pass the checks under OVMF" --disk "$work/disk.img" --firmware uefi --password "$pw" \
	--run "$loader_info" --expect 'systemd-boot [0-9]' \
	--run 'cat /etc/hostname' --expect '^sdboot-test$' \
	--run 'cat /proc/cmdline' --expect 'root=UUID=[0-9a-f-]+'
echo "booted through systemd-boot and checked in $((SECONDS - t0)) s"
echo ok
