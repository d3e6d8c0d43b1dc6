#!/bin/bash
# The first boot of what slipway installs: the test distro's @^minimal-environment
# into a raw image on the host, then that one
# image under SeaBIOS and under OVMF: the serial console reaches login:, a login
# (password written into /etc/shadow by this test, independent of the system stage)
# checks root=UUID= on the kernel command line, / and systemd's state.
# Not yet green: on a loaded machine the OVMF boot timed out waiting for the
# ESP's by-uuid link (90 s) and went to emergency mode; SeaBIOS passed. Kept in
# make check-full only until it passes reliably.
#   test-image-boot.sh [ext4|xfs-boot]...   (default: ext4 on both firmwares;
#   xfs-boot: xfs root and a separate ext4 /boot, OVMF only)
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "test-image-boot.sh: must run as root" >&2; exit 1; }
S=${SLIPWAY_BIN:-build/slipway}
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(ext4)
repo=$(tests/fixtures/distro/build.sh)
work=$(mktemp -d /tmp/slipway-imgboot.XXXXXX)
loop="" mnt=$work/m
cleanup() {
	local rc=$?
	set +e
	mountpoint -q "$mnt" && umount "$mnt"
	[ -n "$loop" ] && losetup -d "$loop"
	[ $rc -eq 0 ] && rm -rf "$work" || echo "test-image-boot.sh: kept $work" >&2
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() { echo "FAIL: $*" >&2; exit 1; }
password=slipway-boot

write_ks() { # write_ks SCENARIO FILE
	local storage
	case $1 in
	ext4) storage="autopart --type=plain --fstype=ext4 --noswap" ;;
	xfs-boot) storage="reqpart
part /boot --fstype=ext4 --size=512
part / --fstype=xfs --size=2000 --grow" ;;
	*) fail "unknown scenario $1" ;;
	esac
	cat >"$2" <<KS
url --url=file://$repo
rootpw --plaintext $password
bootloader --timeout=1
$storage
%packages
@^minimal-environment
%end
KS
}

# The root password hash straight into the image's /etc/shadow (pitfall 9).
set_password() { # set_password IMG ROOT_UUID
	local dev hash
	loop=$(losetup --show -f -P "$1")
	partx -a "$loop" 2>/dev/null || true
	dev=""
	for p in "$loop"p*; do
		[ "$(blkid -p -s UUID -o value "$p" 2>/dev/null)" = "$2" ] && dev=$p
	done
	[ -n "$dev" ] || fail "no partition with the root UUID $2 in $1"
	mkdir -p "$mnt"
	mount "$dev" "$mnt"
	hash=$(openssl passwd -6 "$password")
	sed -i "s|^root:[^:]*:|root:$hash:|" "$mnt/etc/shadow"
	umount "$mnt"
	losetup -d "$loop"
	loop=""
}

boot() { # boot IMG FIRMWARE ROOT_UUID FSTYPE
	PYTHONPATH=tests/vm python3 - "$@" <<'PY'
import re, sys, time
import vm_boot
img, fw, uuid, fstype = sys.argv[1:5]
password = "slipway-boot"
t0 = time.monotonic()
with vm_boot.VM(disks=[img], firmware=fw, log=img + f".{fw}.log") as vm:
    try:
        vm.login("root", password, timeout=1200)
        print(f"{fw}: login prompt after {vm.login_time:.1f} s", flush=True)
        out = vm.check("cat /proc/cmdline", rf"root=UUID={uuid} ")
        print(f"{fw}: /proc/cmdline: {out.strip()}")
        out = vm.check("findmnt -n -o SOURCE,FSTYPE,OPTIONS /", rf"\b{fstype}\b")
        print(f"{fw}: findmnt /: {out.strip()}")
        rc, out = vm.run("systemctl is-system-running --wait", 600)
        state = out.strip().splitlines()[-1] if out.strip() else "?"
        print(f"{fw}: systemctl is-system-running: {state}")
        if state != "running":
            _, failed = vm.run("systemctl --failed --no-legend --plain")
            print(f"{fw}: failed units:\n{failed}")
        if state not in ("running", "degraded"):
            raise vm_boot.CheckFailed(f"system state {state}")
        vm.poweroff(180)
        print(f"{fw}: boot, checks and poweroff took {time.monotonic() - t0:.1f} s", flush=True)
    except vm_boot.CheckFailed as e:
        print(f"{fw}: FAILED: {e}\n--- serial console ---\n{vm.tail(40)}\n---", flush=True)
        sys.exit(1)
PY
}

for sc in "${scenarios[@]}"; do
	img=$work/$sc.img
	write_ks "$sc" "$work/$sc.ks"
	t=$SECONDS
	"$S" install -k "$work/$sc.ks" --image "$img" --size 4G --log "$work/$sc.install.log" \
		>"$work/$sc.out" 2>&1 || { tail -30 "$work/$sc.out"; fail "$sc: install failed"; }
	echo "$sc: install took $((SECONDS - t)) s"
	grep '^bootloader: ' "$work/$sc.out" | sed "s/^/$sc: /"
	uuid=$(sed -n 's/.*kernel command line: root=UUID=\([^ ]*\) .*/\1/p' "$work/$sc.out")
	[ -n "$uuid" ] || fail "$sc: no root=UUID= in the install output"
	set_password "$img" "$uuid"
	case $sc in
	ext4) firmwares=(uefi bios) fstype=ext4 ;;
	xfs-boot) firmwares=(uefi) fstype=xfs ;;
	esac
	for fw in "${firmwares[@]}"; do
		t=$SECONDS
		boot "$img" "$fw" "$uuid" "$fstype" || fail "$sc: $fw boot (transcript: $img.$fw.log)"
		echo "$sc: $fw: ok in $((SECONDS - t)) s"
	done
done
echo ok
