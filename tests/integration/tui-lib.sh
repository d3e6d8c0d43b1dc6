# Drives the real slipway TUI in a real terminal: a tmux server of the
# test's own (send-keys, capture-pane). Source after lib.sh.
command -v tmux >/dev/null || fail "tmux is not installed (make deps)"
TUI_SOCK=slipway-tui-$$ _tui_n=0
# tui_start COLS ROWS COMMAND: runs COMMAND in a COLSxROWS pane; when it ends,
# the pane shows "TUI-EXIT=<status>". (A server of its own each time: a new
# server on a socket just killed can race with the old one's exit.)
tui_start() {
	_tui_n=$((_tui_n + 1))
	TUI_SOCK=slipway-tui-$$-$_tui_n
	tmux -L "$TUI_SOCK" -f /dev/null new-session -d -s t -x "$1" -y "$2" \
		"$3; echo TUI-EXIT=\$?; sleep 3600"
}
tui_stop() { tmux -L "$TUI_SOCK" kill-server 2>/dev/null || true; }
tui_screen() { tmux -L "$TUI_SOCK" capture-pane -p -t t; }
# tui_keys KEY...: tmux key names (Enter, Tab, Down, F1, Escape, C-u) or text
tui_keys() { tmux -L "$TUI_SOCK" send-keys -t t "$@"; }
# tui_type TEXT: literal text
tui_type() { tmux -L "$TUI_SOCK" send-keys -t t -l -- "$1"; }
# tui_wait TEXT [SECONDS]: until the screen shows TEXT (fails with the screen)
tui_wait() {
	local deadline=$((SECONDS + ${2:-30}))
	while ! tui_screen | grep -qF -- "$1"; do
		if [ $SECONDS -ge $deadline ]; then
			echo "--- the screen:"
			tui_screen
			fail "the TUI did not show [$1] within ${2:-30} s"
		fi
		sleep 0.1
	done
}
# tui_cap TERM CAP: sends what a terminal of type TERM sends for a key
# (terminfo CAP, e.g. kf1): tmux's own key names follow its TERM, not the
# pane's (a Linux console's F1 is ESC [ [ A, not ESC O P).
tui_cap() { tui_type "$(tput -T "$1" "$2")"; }
# tui_resize COLS ROWS
tui_resize() { tmux -L "$TUI_SOCK" resize-window -t t -x "$1" -y "$2"; }
# tui_exit_status: the command's exit status once it ended ("" before)
tui_exit_status() { tui_screen | sed -n 's/^TUI-EXIT=\([0-9]*\).*/\1/p' | tail -1; }

# tui_host_setup: what the host TUI tests share: S (slipway), R (the test
# distro's repo), d (a directory of the test's own, also TMPDIR), and the
# tmux server and lib.sh's cleanups on exit.
tui_host_setup() {
	S=$SLIPWAY_BIN
	R=$(tests/fixtures/distro/build.sh 2>/dev/null) || fail "the test distro repo cannot be built"
	tmpdir d
	trap 'tui_stop; cleanup_all' EXIT
	export TMPDIR=$d
}
