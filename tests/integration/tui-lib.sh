# Drives the real slipway TUI in a real terminal: a tmux server of the
# test's own (send-keys, capture-pane). Source after lib.sh.
command -v tmux >/dev/null || fail "tmux is not installed (make deps)"
TUI_SOCK=slipway-tui-$$
# tui_start COLS ROWS COMMAND: runs COMMAND in a COLSxROWS pane; when it ends,
# the pane shows "TUI-EXIT=<status>".
tui_start() {
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
# tui_resize COLS ROWS
tui_resize() { tmux -L "$TUI_SOCK" resize-window -t t -x "$1" -y "$2"; }
# tui_exit_status: the command's exit status once it ended ("" before)
tui_exit_status() { tui_screen | sed -n 's/^TUI-EXIT=\([0-9]*\).*/\1/p' | tail -1; }
