/* The size of a terminal the kernel does not know: a serial console reports
 * 0x0 (TIOCGWINSZ), and ncurses would then assume terminfo's 80x24. Asked
 * as resize(1) does: the cursor is sent far down and right, which the
 * terminal clamps to its last row and column, and reported back (DSR 6). */
#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>

#include "event.h"
#include "macros.h"
#include "tui-widgets.h"

bool tui_parse_cpr(const char *buf, size_t n, unsigned *rows, unsigned *cols)
{
	/* the answer is ESC [ ROW ; COL R, maybe after other input */
	for (size_t i = 0; i + 1 < n; i++) {
		if (buf[i] != '\033' || buf[i + 1] != '[')
			continue;
		unsigned v[2] = { 0, 0 }, k = 0;
		size_t j = i + 2;
		bool digits = false;
		for (; j < n && k < 2; j++) {
			char c = buf[j];
			if (c >= '0' && c <= '9') {
				if (v[k] > 9999)
					break;
				v[k] = v[k] * 10 + (unsigned)(c - '0');
				digits = true;
			} else if (c == ';' && k == 0 && digits) {
				k = 1, digits = false;
			} else if (c == 'R' && k == 1 && digits) {
				if (v[0] == 0 || v[1] == 0)
					break;
				*rows = v[0], *cols = v[1];
				return true;
			} else
				break;
		}
	}
	return false;
}

int tui_term_fix_size(int in, int out, unsigned timeout_ms)
{
	struct winsize ws = {};
	struct termios saved, raw;
	char buf[64];
	size_t n = 0;
	unsigned rows = 0, cols = 0;
	bool got = false;

	if (ioctl(out, TIOCGWINSZ, &ws) < 0 || (ws.ws_row && ws.ws_col))
		return 0;
	if (tcgetattr(in, &saved) < 0)
		return -errno;
	raw = saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 0, raw.c_cc[VTIME] = 0;
	if (tcsetattr(in, TCSANOW, &raw) < 0)
		return -errno;
	/* save the cursor, no scroll region, far corner, report, restore */
	static const char ask[] = "\0337\033[r\033[999;999H\033[6n\0338";
	if (write(out, ask, sizeof(ask) - 1) == (ssize_t)sizeof(ask) - 1) {
		uint64_t deadline = now_msec() + timeout_ms;
		while (!got && n < sizeof(buf)) {
			uint64_t now = now_msec();
			struct pollfd p = { .fd = in, .events = POLLIN };
			if (now >= deadline || poll(&p, 1, (int)(deadline - now)) <= 0)
				break;
			ssize_t k = read(in, buf + n, sizeof(buf) - n);
			if (k <= 0)
				break;
			n += (size_t)k;
			got = tui_parse_cpr(buf, n, &rows, &cols);
		}
	}
	(void)tcsetattr(in, TCSANOW, &saved);
	if (!got) {
		/* an answer that comes later must not reach the TUI as keys */
		(void)tcflush(in, TCIFLUSH);
		return log_info("tui: the terminal did not say its size; assuming 80x24"), 0;
	}
	ws.ws_row = (unsigned short)rows, ws.ws_col = (unsigned short)cols;
	if (ioctl(out, TIOCSWINSZ, &ws) < 0)
		return -errno;
	log_info("tui: the terminal is %u columns by %u rows (it said so when asked)", cols, rows);
	return 1;
}
