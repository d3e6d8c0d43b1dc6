#!/bin/bash
# The static release binary (make static) installs boot scenario 1 from inside a VM
# root with no shared library it could load: `vm-run --bare` boots a root made by
# tests/vm/vm-bare-root of the static slipway, static busybox and the external tools
# slipway runs outside the target, those dynamic Debian programs with their libraries
# isolated under /tools (no /lib, /lib64 or /usr/lib; no loader at its standard path);
# the host root is not attached. Checks: no PT_INTERP and no dynamic section in the
# binary; in the VM no shared library outside /tools/lib, a dynamic program cannot
# start, and while the install runs no slipway process maps a shared object
# (/proc/PID/maps sampled every 2 s); the image install of the test distro succeeds
# with rpm's configuration built into the binary (there is no /usr/lib/rpm); the image
# then boots under SeaBIOS and passes scenario 1's checks (tests/vm/scenario1.sh).
# Runs when the static libraries are cached, always with FULL=1 (make check-full;
# then it builds them from cold and prints the time). Slow: one install under TCG with
# dracut in it; 19 min in all on a host at load ~10 (the install 16.5 min).
set -euo pipefail
cd "$(dirname "$0")/../.."

. tests/integration/lib.sh
make_static bin
R=$(tests/fixtures/distro/build.sh 2>/dev/null) || fail "the test distro repo cannot be built"
. tests/vm/scenario-checks.sh
. tests/vm/scenario1.sh
work=$(mktemp -d /var/tmp/slipway-static-bare.XXXXXX)
_tmps+=("$work")

! LC_ALL=C readelf -lW "$bin" | grep -q INTERP || fail "$bin has a PT_INTERP (a dynamic loader)"
LC_ALL=C readelf -d "$bin" | grep -q 'There is no dynamic section' || fail "$bin has a dynamic section"

# The programs slipway runs outside the target (common/run.c callers): mkfs.ext4,
# mkfs.xfs, mkfs.vfat and mkswap (partition/mkfs.c), mcopy (the image's ESP,
# partition/apply.c; mtools needs its code page, IBM850), rm (the ESP stage,
# partition/mount.c). Not needed here: mkfs.btrfs, qemu-img (--format qcow2),
# udevadm (only with udevd), efibootmgr (UEFI, not images), systemctl (a finish
# action under systemd); kickstart scripts outside the chroot use busybox's sh.
tools=(mkfs.ext4 mkfs.xfs mkfs.vfat mkswap mcopy rm)
root=$work/root
tests/vm/vm-bare-root "$root" --static "$bin:/usr/bin/slipway" \
	$(printf -- '--tool %s ' "${tools[@]}") --gconv IBM850 --file /etc/mke2fs.conf
# control: a dynamically linked program (the development build) cannot start there
dyn=${SLIPWAY_BIN:-$PWD/build/slipway}
if [ -x "$dyn" ] && LC_ALL=C readelf -lW "$dyn" | grep -q INTERP; then
	cp "$dyn" "$root/usr/bin/slipway-dynamic"
fi

pw="root-$RANDOM"
scenario1_kickstart "$R" "$pw" >"$work/ks.cfg"
# In the VM (busybox sh): the checks of the root, then the install with every
# slipway process's maps sampled (processes whose /proc/PID/exe is the binary).
cat >"$work/guest.sh" <<'GUEST'
w=$1
fail() { echo "FAIL: $*"; exit 1; }
so='\.so($|\.)'
libs=$(find / -xdev -type f | grep -E "$so" | grep -v '^/tools/lib/')
[ -z "$libs" ] || fail "shared libraries outside /tools/lib: $libs"
for p in /lib /lib64 /usr/lib /usr/lib64 /usr/local/lib; do
	[ ! -e "$p" ] || fail "$p exists in the bare root"
done
echo "bare root: $(find / -xdev -type f | wc -l) files; shared libraries only in /tools/lib" \
	"($(find /tools/lib -type f | grep -cE "$so"), for: $(ls /tools/bin | tr '\n' ' '))"
[ ! -e /usr/lib/rpm ] || fail "/usr/lib/rpm exists"
if [ -e /usr/bin/slipway-dynamic ]; then
	/usr/bin/slipway-dynamic version >/dev/null 2>&1 && fail "the dynamically linked slipway ran here"
	echo "control: the dynamically linked slipway cannot start here (exit $?)"
fi
slipway install -k "$w/ks.cfg" --image "$w/disk.img" --size 4G --log "$w/install.log" >"$w/out" 2>&1 &
pid=$!
n=0
: >/tmp/maps
while kill -0 $pid 2>/dev/null; do
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = /usr/bin/slipway ] || continue
		cat "$p/maps" >>/tmp/maps 2>/dev/null && n=$((n + 1))
	done
	sleep 2
done
wait $pid
rc=$?
sort -u /tmp/maps >"$w/maps.txt"
echo "install: exit $rc; $n samples of slipway's /proc/PID/maps"
exit $rc
GUEST

t0=$SECONDS
rc=0
tests/vm/vm-run --bare "$root" --share "$work" --share-ro "$R" --mem 2048 --cpus 2 --timeout 2700 \
	--env SLIPWAY_CACHE=/var/cache/slipway -- sh "$work/guest.sh" "$work" >"$work/vm.out" 2>&1 || rc=$?
cat "$work/vm.out"
echo "the install in the bare VM took $((SECONDS - t0)) s"
[ $rc = 0 ] || { tail -30 "$work/out" 2>/dev/null; fail "the bare VM run: exit $rc"; }
samples=$(sed -n 's/.*; \([0-9]*\) samples.*/\1/p' "$work/vm.out")
[ "${samples:-0}" -ge 10 ] || fail "only ${samples:-0} samples of slipway's maps (expected ≥ 10)"
if grep -E '\.so($|\.| )' "$work/maps.txt"; then
	fail "slipway mapped a shared object (above)"
fi
echo "slipway's maps in $samples samples: $(awk '{ print $6 }' "$work/maps.txt" | sort -u | grep . | tr '\n' ' ')"
scenario1_boot "$work/disk.img" "$pw" "$work/out" "$work"
echo ok
