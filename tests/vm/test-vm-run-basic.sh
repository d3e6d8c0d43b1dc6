#!/bin/bash
# Tests vm-run itself: the VM kernel is used, arguments, stdout/stderr, stdin, shares and
# exit statuses pass through, a timeout is reported as 124, --expect-shutdown tells a
# poweroff from a reboot and from a command that returned, nothing is left behind.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
vm_run=$here/vm-run
fail=0
work=$(mktemp -d "${TMPDIR:-/tmp}/test-vm-run-basic.XXXXXX")
trap 'rm -rf "$work"' EXIT
export TMPDIR=$work/tmp # vm-run's own temp dirs go here, so leftovers can be spotted
mkdir "$TMPDIR"

check() { # check NAME EXPECTED GOT
	if [ "$2" == "$3" ]; then
		echo "ok   $1"
	else
		echo "FAIL $1: expected [$2], got [$3]"
		fail=1
	fi
}

kernel=$(ls -1 /boot/vmlinuz-* | sort -V | tail -n 1)
want_kver=${kernel##*/vmlinuz-}
got=$("$vm_run" -- uname -r)
check "uname -r in the VM is the VM kernel (host runs $(uname -r))" "$want_kver" "$got"
efi='test -d /sys/firmware/efi && echo uefi || echo bios'
check "the default firmware is BIOS" bios "$("$vm_run" -- sh -c "$efi")"
check "--firmware uefi boots through OVMF (the command sees EFI)" uefi "$("$vm_run" --firmware uefi -- sh -c "$efi")"

rc=0; "$vm_run" -- false || rc=$?
check "false exits 1" 1 "$rc"

rc=0; "$vm_run" -- sh -c 'exit 7' || rc=$?
check "exit 7 exits 7" 7 "$rc"

rc=0; "$vm_run" -- /nonexistent/command 2> "$work/err" || rc=$?
check "a missing command exits 127" 127 "$rc"

got=$("$vm_run" -- sh -c 'echo to-stdout; echo to-stderr >&2' 2> "$work/err")
check "stdout is relayed" to-stdout "$got"
check "stderr is relayed separately" to-stderr "$(cat "$work/err")"

got=$(cd "$work" && printf 'line1\nline2\n' | "$vm_run" --stdin --env FOO=bar\ baz -- \
	sh -c 'printf "%s|" "$1" "$2" "$FOO" "$(wc -l)" "$(id -u)"' sh "a b" "it's" 2> "$work/err")
check "arguments, --env, --stdin and root" "a b|it's|bar baz|2|0|" "$got"

mkdir "$work/share"
got=$("$vm_run" --share "$work/share" -- sh -c "cd '$work/share' && echo written-in-vm > out && pwd")
check "--share is mounted read-write at the same path" "$work/share" "$got"
check "a file written to the share reaches the host" written-in-vm "$(cat "$work/share/out" 2>&1)"

rc=0; "$vm_run" -- sh -c 'touch /etc/vm-run-must-fail' 2>/dev/null || rc=$?
check "the host root is read-only in the VM" 1 "$rc"

got=$("$vm_run" --rw-root -- sh -c 'echo x > /etc/vm-run-rw-test && cat /etc/vm-run-rw-test')
check "--rw-root makes / writable in the VM" x "$got"
check "--rw-root leaves the host untouched" no "$([ -e /etc/vm-run-rw-test ] && echo yes || echo no)"

# --bare: only the given directory (copied into a writable tmpfs), no host root; shares
# and --share-ro still work; a module (loop) is there without the host's kmod
"$here/vm-bare-root" "$work/bare" --file /etc/hostname
mkdir "$work/ro"
echo ro-data > "$work/ro/f"
got=$("$vm_run" --bare "$work/bare" --share "$work/share" --share-ro "$work/ro" -- sh -c \
	"ls /usr/bin | wc -l; test -e /usr/sbin/modprobe || echo no-host-root; cat '$work/ro/f';
	 touch '$work/ro/g' 2>/dev/null || echo ro; echo bare > '$work/share/bare'; touch /etc/w && echo rw;
	 test -e /dev/loop-control && echo loop")
check "--bare: only the directory, writable, shares, --share-ro, loop" \
	"$(printf '0\nno-host-root\nro-data\nro\nrw\nloop')" "$got"
check "--bare: a file written to the share reaches the host" bare "$(cat "$work/share/bare" 2>&1)"
rc=0; "$vm_run" --bare "$work/bare" --rw-root -- true 2>/dev/null || rc=$?
check "--bare with --rw-root is refused (125)" 125 "$rc"

start=$(date +%s)
got=$("$vm_run" --timeout 60 -- seq 1000000 | head -n 1)
took=$(($(date +%s) - start))
check "a reader that stops early (| head) does not stall the VM (took ${took}s)" "1 yes" \
	"$got $([ "$took" -lt 40 ] && echo yes || echo no)"

start=$(date +%s)
rc=0; "$vm_run" --timeout 6 -- sleep 120 2> "$work/err" || rc=$?
took=$(($(date +%s) - start))
check "a timeout exits 124" 124 "$rc"
check "a timeout is reported on stderr" yes "$(grep -q 'timeout' "$work/err" && echo yes || cat "$work/err")"
check "a timeout ends the VM promptly (<= 15 s, took ${took}s)" yes "$([ "$took" -le 15 ] && echo yes || echo no)"

# --expect-shutdown: the command ends the VM itself (busybox's -f: reboot(2) at once)
rc=0; "$vm_run" --expect-shutdown poweroff -- busybox poweroff -f 2> "$work/err" || rc=$?
check "--expect-shutdown poweroff, powered off" 0 "$rc"
rc=0; "$vm_run" --expect-shutdown poweroff -- true 2> "$work/err" || rc=$?
check "--expect-shutdown poweroff, the command returned" "1 yes" "$rc $(grep -q 'it returned with status 0' "$work/err" && echo yes)"
rc=0; "$vm_run" --expect-shutdown reboot -- busybox reboot -f 2> "$work/err" || rc=$?
check "--expect-shutdown reboot, rebooted" 0 "$rc"
rc=0; "$vm_run" --expect-shutdown reboot -- busybox poweroff -f 2> "$work/err" || rc=$?
check "--expect-shutdown reboot, powered off instead" "1 yes" "$rc $(grep -q 'the VM ended otherwise' "$work/err" && echo yes)"

left=$(ls -A "$TMPDIR")
check "no temporary files left" "" "$left"
# "[t]mp" matches "tmp" but not this grep's own command line.
stray=$(grep -ls -- "${TMPDIR%/tmp}/[t]mp" /proc/[0-9]*/cmdline 2>/dev/null || true)
check "no qemu or relay process left" "" "$stray"

exit $fail
