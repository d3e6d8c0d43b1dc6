#!/bin/bash
# The installer ISO end to end, scenario 2 of issue 9 (make check-full): UEFI (OVMF),
# no inst.ks= — the kickstart is found on a disk labelled OEMDRV — and the packages
# come from inst.repo=http://10.0.2.2:PORT/, a python3 http.server on the host's
# 127.0.0.1 that qemu's user network reaches as 10.0.2.2 (DHCP from ip= missing:
# the URL brings the network up). The kickstart puts an xfs root on LUKS2 with a
# separate /boot and the ESP; the guest powers off; the disk then boots under OVMF,
# the passphrase typed at the initramfs prompt, and passes the scenario checks.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
trap 'stop_servers; cleanup_all' EXIT
t0=$SECONDS
# the release ISO (static slipway): tests/run.sh exports SLIPWAY_BIN, the development build
SLIPWAY_BIN= make -s iso >/dev/null || fail "make iso failed"
ISO=$(make -s iso-path)
echo "make iso: $((SECONDS - t0)) s"
R=$(tests/fixtures/distro/build.sh 2>/dev/null) || fail "the test distro repo cannot be built"
. tests/vm/scenario-checks.sh
work=$(mktemp -d /var/tmp/slipway-iso2.XXXXXX)
_tmps+=("$work")
pp="iso luks $RANDOM"
pw="root-$RANDOM"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$R" "$port" >"$work/http.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/repodata/repomd.xml" >/dev/null && break; sleep 0.2; done

cat >"$work/ks.cfg" <<KS
ignoredisk --only-use=vda
clearpart --all --initlabel
reqpart
part /boot --fstype=ext4 --size=512
part / --fstype=xfs --size=2500 --grow --encrypted --passphrase="$pp" --pbkdf-memory=65536 --pbkdf-time=500
rootpw --plaintext $pw
network --bootproto=dhcp --hostname=iso-luks
poweroff
%packages
@core
%end
KS
mkfs.vfat -n OEMDRV -C "$work/oemdrv.img" 32768 >/dev/null
mcopy -i "$work/oemdrv.img" "$work/ks.cfg" ::ks.cfg
truncate -s 6G "$work/disk.img"

t1=$SECONDS
tests/vm/iso-boot "$ISO" --firmware uefi --net user --mem 1536 --disk "$work/disk.img" --disk "$work/oemdrv.img" \
	--entry "Install on the serial console" --append "inst.repo=http://10.0.2.2:$port/ inst.cmdline" \
	--expect 'network: udhcpc -i eth0' \
	--expect 'kickstart: ks\.cfg from the OEMDRV volume' \
	--expect "using inst\\.repo=http://10\\.0\\.2\\.2:$port/" \
	--expect 'storage \(firmware: uefi\)' \
	--expect 'installed; the log is' \
	--poweroff --timeout 3600 --log "$work/serial-install.log" || fail "the install from the ISO over HTTP failed"
echo "install (UEFI, LUKS2, HTTP repo): $((SECONDS - t1)) s"
grep -q 'GET /Packages/.*\.rpm\|GET /.*\.rpm' "$work/http.log" || fail "no package came over HTTP"
grep -qF -e "$pp" -e "$pw" "$work/serial-install.log" && fail "a secret reached the console"
scenario_checks "$work/serial-install.log"
t1=$SECONDS
scenario_boot "$work" "the LUKS root installed from the ISO did not boot under OVMF" --disk "$work/disk.img" \
	--firmware uefi --luks-passphrase "$pp" --password "$pw" --login-timeout 1500 \
	--run 'cat /etc/hostname' --expect '^iso-luks$' \
	--run 'findmnt -n -o SOURCE,FSTYPE /' --expect '^/dev/mapper/luks-[0-9a-f-]+ +xfs$' \
	--run 'findmnt -n -o FSTYPE /boot/efi' --expect '^vfat$'
echo "boot and checks: $((SECONDS - t1)) s"
echo "ok: scenario 2, $((SECONDS - t0)) s in all"
