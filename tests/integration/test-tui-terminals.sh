#!/bin/bash
# The TUI on different terminals and its unhappy paths, driven through tmux:
# TERM=linux, vt100, vt220, xterm, xterm-256color draw the hub and F1 help;
# a terminal smaller than 80x24 gets a notice until it grows; Esc and Quit
# leave without writing anything, and so do Ctrl-C (exit 130) and a terminal
# that goes away; no terminal and an unknown TERM exit 2; a
# plan that does not fit shows its error; a failing install (SLIPWAY_FAULT)
# shows the failure dialog with the log path, Retry goes back to the hub and
# Quit exits 1 with nothing left attached.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
. tests/integration/tui-lib.sh
tui_host_setup

# --- no terminal, unknown terminal type: exit 2, a message
set +e
out=$("$S" tui --image "$d/x.img" </dev/null 2>&1)
rc=$?
set -e
expect_eq "tui without a terminal" 2 "$rc"
expect_contains "tui without a terminal" "needs a terminal" "$out"
out=$("$S" </dev/null 2>&1) && fail "slipway with no terminal and no command succeeded"
expect_contains "slipway without a terminal" "Usage: slipway" "$out"
tui_start 80 24 "TERM=no-such-terminal $S tui --image $d/x.img"
tui_wait "TUI-EXIT="
expect_eq "unknown TERM" 2 "$(tui_exit_status)"
tui_wait "not a terminal type this system knows"
tui_stop

# --- every terminal type draws the hub and the help; Quit writes nothing
for term in linux vt100 vt220 xterm xterm-256color; do
	tui_start 80 24 "TERM=$term $S tui --image $d/x.img --repo file://$R"
	tui_wait "Begin installation"
	tui_wait "root password is not set"
	# what still needs an answer is red where the terminal has colours (SGR 31),
	# and still marked (bold, underlined) where it has none
	line=$(tmux -L "$TUI_SOCK" capture-pane -e -p -t t | grep "root password is not set")
	case $term in
	vt100 | vt220) [[ $line != *"31m"* && $line =~ \[1(;4)?m ]] || fail "TERM=$term: missing answer not bold without colour: $line" ;;
	*) [[ $line == *"31m"* ]] || fail "TERM=$term: missing answer not red: $line" ;;
	esac
	tui_cap $term kf1
	tui_wait "Help: Installation summary"
	tui_keys Escape
	tui_wait "Begin installation"
	tui_keys Escape
	tui_wait "Quit the installer? Nothing was written"
	tui_keys Right Enter
	tui_wait "TUI-EXIT="
	expect_eq "TERM=$term: exit status after Quit" 0 "$(tui_exit_status)"
	[ ! -e "$d/x.img" ] || fail "TERM=$term: Quit left an image file"
	tui_stop
	echo "TERM=$term: hub, help and quit ok"
done

# --- Ctrl-C in the hub: exit 130, nothing written; a terminal that goes
# away (the tmux server killed): slipway exits instead of spinning
tui_start 80 24 "TERM=screen $S tui --image $d/x.img --repo file://$R"
tui_wait "Begin installation"
tui_keys C-c
tui_wait "TUI-EXIT="
expect_eq "Ctrl-C in the hub" 130 "$(tui_exit_status)"
[ ! -e "$d/x.img" ] || fail "Ctrl-C left an image file"
tui_stop
tui_start 80 24 "TERM=screen exec $S tui --image $d/hangup.img --repo file://$R"
tui_wait "Begin installation"
pid=$(pgrep -f "^$S tui --image $d/hangup.img")
tui_stop
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
	kill -9 "$pid"
	fail "slipway tui did not exit when its terminal went away"
fi
echo "Ctrl-C and hang-up ok"

# --- a small terminal: a notice, then the hub once it is large enough
tui_start 60 20 "TERM=xterm $S tui --image $d/x.img --repo file://$R"
tui_wait "needs at least 80x24"
tui_resize 80 24
tui_wait "Begin installation"
# every spoke has help (F1) and goes back with Esc
for spoke in "Installation source" "Language and keyboard" "Time zone" "Installation destination" \
	"Partitioning and encryption" "Network and host name" "Root account" "User creation"; do
	tui_keys Enter
	case $spoke in
	"Language and keyboard")
		tui_wait "Change which?"
		tui_keys Enter
		tui_wait "The system language"
		tui_keys F1
		tui_wait "Help: Language"
		tui_keys Enter Escape
		tui_wait "Change which?"
		tui_keys Escape
		;;
	"Installation destination")
		tui_wait "The destination is the image file"
		tui_keys Enter
		;;
	*)
		tui_keys F1
		tui_wait "Help: $spoke"
		tui_keys Enter
		tui_keys Escape
		;;
	esac
	tui_wait "Begin installation"
	tui_keys Down
done
tui_stop

# the least an install needs (the source read, a root password), then Begin
answer_and_begin() {
	tui_wait "Begin installation"
	tui_keys Enter
	tui_wait "Repository URL"
	tui_keys Enter
	tui_wait "Begin installation"
	for _ in 1 2 3 4 5 6; do tui_keys Down; done
	tui_keys Enter
	tui_wait "Set the root password"
	tui_type "root-pw-1"
	tui_keys Tab
	tui_type "root-pw-1"
	tui_keys F10
	tui_wait "password set"
	tui_keys End Up Up Enter
}

# --- a plan that does not fit: its error on screen, back to the hub
tui_start 80 24 "TERM=screen $S tui --image $d/small.img --size 1G --repo file://$R --log $d/plan.log"
answer_and_begin
tui_wait "The plan failed" 300
tui_wait "Nothing was written"
screen=$(tui_screen)
expect_contains "plan failure" "GiB" "$screen"
tui_keys Enter
tui_wait "Begin installation"
tui_keys End Enter
tui_wait "Quit the installer?"
tui_keys Right Enter
tui_wait "TUI-EXIT="
expect_eq "quit after a failed plan" 0 "$(tui_exit_status)"
tui_stop

# --- a failing install: the failure dialog, Retry, then Quit (exit 1)
tui_start 80 24 "TERM=screen SLIPWAY_FAULT=mkfs:1+ $S tui --image $d/fail.img --size 8G --repo file://$R --log $d/fail.log"
answer_and_begin
tui_wait "Summary: the plan" 300
tui_keys Enter
tui_wait "Installation failed" 600
tui_wait "$d/fail.log"
screen=$(tui_screen)
expect_contains "failure dialog" "storage" "$screen"
tui_keys Right Enter
tui_wait "Begin installation"
tui_keys End Up Up Enter
tui_wait "Summary: the plan" 300
tui_keys Enter
tui_wait "Installation failed" 600
tui_keys Right Right Enter
tui_wait "TUI-EXIT="
expect_eq "quit after a failed install" 1 "$(tui_exit_status)"
tui_stop
grep -q "mkfs" "$d/fail.log" || fail "the cause is not in the log"
if losetup -j "$d/fail.img" | grep -q .; then fail "a loop device is left on the image"; fi
grep -q " /mnt/sysroot" /proc/mounts && fail "something is left mounted on /mnt/sysroot"
echo ok
