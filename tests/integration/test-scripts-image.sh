#!/bin/bash
# Scripts and finish on image installs of the test distro's @core (about a
# minute each): `--finish shell` driven in tmux (the prompt names the new
# system, `cat /etc/hostname` runs inside it, `exit` ends the install with
# exit 0 and nothing left attached or mounted); `%post --erroronfail` failing
# (exit 1, %onerror ran while the target was still mounted, teardown
# complete); %pre-install sees /mnt/sysroot mounted; `reboot` is ignored.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
command -v tmux >/dev/null || fail "tmux is not installed (make deps)"
S=$SLIPWAY_BIN
R=$(tests/fixtures/distro/build.sh 2>/dev/null) || { echo "SKIP: the test distro repo cannot be built"; exit 77; }
[ -f "$R/repodata/repomd.xml" ] || { echo "SKIP: the test distro repo cannot be built ($R)"; exit 77; }
tmpdir d
export TMPDIR=$d/tmp
mkdir "$TMPDIR"
sock=slipway-test-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; cleanup_all' EXIT

nothing_left() { # WHAT IMAGE: no loop device on it, no /mnt/sysroot here, no temp files
	expect_eq "$1: loop devices on the image" "" "$(losetup -j "$2")"
	! grep -q ' /mnt/sysroot' /proc/self/mountinfo || fail "$1: /mnt/sysroot is mounted on the host"
	expect_eq "$1: slipway's temp files" "" "$(ls -A "$TMPDIR" | grep -v '^slipway-install-.*\.log$' || true)"
}
# wait_for SECONDS WHAT COMMAND...: polls COMMAND every half second
wait_for() {
	local n=$(($1 * 2)) what=$2
	shift 2
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.5
	done
	fail "timed out after $((n / 2)) s waiting for $what"
}
pane() { tmux -L "$sock" capture-pane -p -J -S -200 -t t; }

# ---- --finish shell in tmux
cat >"$d/shell.ks" <<KS
url --url=file://$R
network --bootproto=dhcp --hostname=shell-test-host
autopart --type=plain --noswap
%packages
@core
%end
%pre-install
findmnt -n -o TARGET /mnt/sysroot > $d/pre-install.out
%end
KS
t0=$SECONDS
tmux -L "$sock" -f /dev/null new-session -d -s t -x 200 -y 50 \
	"$S install -k $d/shell.ks --image $d/shell.img --size 3G --finish shell --log $d/shell.log; echo \$? > $d/shell.rc"
prompt_seen() {
	[ ! -e "$d/shell.rc" ] || fail "slipway ended before the shell: exit $(cat "$d/shell.rc"); $(tail -5 "$d/shell.log")"
	pane | grep -q '^\[root@shell-test-host /\] (slipway chroot)# $'
}
wait_for 900 "the chroot prompt" prompt_seen
echo "shell prompt after $((SECONDS - t0)) s"
spid=$(pgrep -P "$(tmux -L "$sock" display -p -t t '#{pane_pid}')" -x slipway)
expect_eq "%pre-install saw the target mounted" /mnt/sysroot "$(cat "$d/pre-install.out")"
# The mounts are in slipway's namespace only; the image is attached while the shell runs.
grep -q ' /mnt/sysroot/proc ' "/proc/$spid/mountinfo" || fail "no /proc bound in the chroot: $(grep sysroot "/proc/$spid/mountinfo")"
! grep -q ' /mnt/sysroot' /proc/self/mountinfo || fail "the target is mounted in the host's namespace"
[ -n "$(losetup -j "$d/shell.img")" ] || fail "the image is not attached while the shell runs"
tmux -L "$sock" send-keys -t t 'cat /etc/hostname' Enter
hostname_shown() { pane | grep -A1 -F '(slipway chroot)# cat /etc/hostname' | grep -qx 'shell-test-host'; }
wait_for 60 "the output of cat /etc/hostname" hostname_shown
tmux -L "$sock" send-keys -t t 'exit' Enter
wait_for 600 "slipway to end after the shell" test -s "$d/shell.rc"
expect_eq "exit status after the shell" 0 "$(cat "$d/shell.rc")"
! kill -0 "$spid" 2>/dev/null || fail "slipway ($spid) still runs"
nothing_left "--finish shell" "$d/shell.img"
grep -q 'finish: the shell exited with status 0' "$d/shell.log" || fail "the log does not say the shell ended"
grep -q 'stage begins: unmounting' "$d/shell.log" || fail "no teardown in the log"
new_loop l "$d/shell.img"
partitions "$l" p3
mkdir "$d/m"
mount -o ro "${l}p3" "$d/m" && track_mount "$d/m"
[ -s "$d/m/var/log/slipway/install.log" ] || fail "no install.log in the image"
[ -z "$(ls "$d/m/tmp" | grep slipway-shellrc || true)" ] || fail "the shell's start-up file was left in /tmp"
umount "$d/m"
losetup -d "$l"
rm -f "$d/shell.img"
echo "--finish shell: $((SECONDS - t0)) s"

# ---- %post --erroronfail failing: exit 1, %onerror with the target mounted, teardown
cat >"$d/fail.ks" <<KS
url --url=file://$R
reboot
autopart --type=plain --noswap
%packages
@core
%end
%post --erroronfail
echo "a required step failed"
exit 7
%end
%post
touch /never.marker
%end
%onerror
{ findmnt -n -o TARGET /mnt/sysroot; echo "ANA_INSTALL_PATH=\$ANA_INSTALL_PATH"; ls \$ANA_INSTALL_PATH/etc/fstab; } > $d/onerror.out
%end
KS
t0=$SECONDS
set +e
"$S" install -k "$d/fail.ks" --image "$d/fail.img" --size 3G --log "$d/fail.log" >"$d/fail.out" 2>&1
rc=$?
set -e
expect_eq "%post --erroronfail: exit" 1 "$rc"
line=$(grep -n '^%post --erroronfail' "$d/fail.ks" | cut -d: -f1)
grep -qF "Error code 7 running the kickstart script at $d/fail.ks:$line (--erroronfail: the install stops)" "$d/fail.out" ||
	fail "no error message: $(tail -5 "$d/fail.out")"
grep -qF "fail.ks:2: reboot: ignored for image installs" "$d/fail.out" || fail "reboot not reported as ignored"
expect_eq "%onerror ran, the target still mounted" "/mnt/sysroot
ANA_INSTALL_PATH=/mnt/sysroot
/mnt/sysroot/etc/fstab" "$(cat "$d/onerror.out")"
# %onerror before teardown, teardown after it
awk '/stage begins: %onerror/ {o = NR} /stage begins: unmounting/ {t = NR} END {exit !(o && t > o)}' "$d/fail.log" ||
	fail "%onerror did not run before the teardown"
nothing_left "%post --erroronfail" "$d/fail.img"
new_loop l "$d/fail.img"
partitions "$l" p3
mount -o ro "${l}p3" "$d/m" && track_mount "$d/m"
[ ! -e "$d/m/never.marker" ] || fail "the %post after the failing one ran"
umount "$d/m"
echo "%post --erroronfail: $((SECONDS - t0)) s"
echo ok
