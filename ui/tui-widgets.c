/* ncurses for the TUI: one full-screen redraw per key (cfdisk's model), no
 * subwindows, ASCII only so that vt100 and serial consoles show it as is. */
#include <curses.h>
#include <fcntl.h>
#include <strings.h>

#include "interrupt.h"
#include "macros.h"
#include "strbuf.h"
#include "tui-widgets.h"

enum { PAIR_TITLE = 1, PAIR_ALERT, PAIR_OK, PAIR_BAR };

#define CONTENT_TOP 2
#define STATUS_ROW (LINES - 2)
#define FIELD_X 36 /* where a form's values start */

int tui_screen_open(struct tui_screen *s)
{
	const char *term = getenv("TERM");
	int in = -1, out = -1;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return -ENOTTY;
	if (isempty(term) || !tui_term_known(term, STDOUT_FILENO))
		return -EINVAL;
	(void)tui_term_fix_size(STDIN_FILENO, STDOUT_FILENO, 1000);
	in = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
	out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	if (in < 0 || out < 0)
		goto fail;
	s->in = fdopen(in, "r");
	s->out = fdopen(out, "w");
	if (!s->in || !s->out)
		goto fail;
	in = out = -1;
	s->screen = newterm(term, s->out, s->in);
	if (!s->screen)
		goto fail;
	s->saved_out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	s->saved_err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	s->open = true;
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	s->color = has_colors() && start_color() == OK;
	if (s->color) {
		use_default_colors();
		init_pair(PAIR_TITLE, COLOR_WHITE, COLOR_BLUE);
		init_pair(PAIR_ALERT, COLOR_RED, -1);
		init_pair(PAIR_OK, COLOR_GREEN, -1);
		init_pair(PAIR_BAR, COLOR_BLACK, COLOR_CYAN);
	}
	tui_screen_resume(s);
	return 0;
fail:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (s->in)
		fclose(s->in);
	if (s->out)
		fclose(s->out);
	s->in = s->out = NULL;
	return -EINVAL;
}

/* Children of the installer (mkfs, rpm scriptlets, dracut) inherit fds 1
 * and 2: while the screen is up they point at /dev/null (their output is in
 * the log through run-command). */
static void quiet_std_fds(void)
{
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (null < 0)
		return;
	dup2(null, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	close(null);
}

static void restore_std_fds(struct tui_screen *s)
{
	if (s->saved_out >= 0)
		dup2(s->saved_out, STDOUT_FILENO);
	if (s->saved_err >= 0)
		dup2(s->saved_err, STDERR_FILENO);
}

void tui_screen_suspend(struct tui_screen *s)
{
	if (!s->open)
		return;
	endwin();
	restore_std_fds(s);
}

void tui_screen_resume(struct tui_screen *s)
{
	quiet_std_fds();
	refresh();
	clear();
}

void tui_screen_close(struct tui_screen *s)
{
	if (!s->open)
		return;
	endwin();
	delscreen(s->screen);
	restore_std_fds(s);
	close(s->saved_out);
	close(s->saved_err);
	fclose(s->in);
	fclose(s->out);
	s->open = false;
}

static int attr_of(struct tui_screen *s, enum tui_attr a)
{
	switch (a) {
	case TUI_BOLD:
		return A_BOLD;
	case TUI_ALERT:
		return s->color ? (int)(COLOR_PAIR(PAIR_ALERT) | A_BOLD) : A_BOLD | A_UNDERLINE;
	case TUI_OK:
		return s->color ? (int)COLOR_PAIR(PAIR_OK) : A_NORMAL;
	case TUI_BAR:
		return s->color ? (int)COLOR_PAIR(PAIR_BAR) : A_REVERSE;
	default:
		return A_NORMAL;
	}
}

void tui_print(struct tui_screen *s, int y, int x, int width, enum tui_attr a, const char *text)
{
	int attr = attr_of(s, a);

	if (y < 0 || y >= LINES || width <= 0)
		return;
	attron(attr);
	mvaddnstr(y, x, text, width);
	attroff(attr);
}

void tui_bar(struct tui_screen *s, int y, int x, int width, unsigned percent)
{
	int fill = (int)(percent > 100 ? 100 : percent) * (width - 2) / 100;
	char label[8];

	mvaddch(y, x, '[');
	attron(attr_of(s, TUI_BAR));
	for (int i = 0; i < fill; i++)
		mvaddch(y, x + 1 + i, s->color ? ' ' : '#');
	attroff(attr_of(s, TUI_BAR));
	for (int i = fill; i < width - 2; i++)
		mvaddch(y, x + 1 + i, s->color ? ' ' : '-');
	mvaddch(y, x + width - 1, ']');
	snprintf(label, sizeof(label), "%3u%%", percent > 100 ? 100 : percent);
	mvaddstr(y, x + width + 1, label);
}

static void bar_line(struct tui_screen *s, int y, const char *left, const char *right)
{
	int attr = s->color ? (int)COLOR_PAIR(PAIR_TITLE) : A_REVERSE;

	attron(attr);
	mvhline(y, 0, ' ', COLS);
	mvaddnstr(y, 1, left, COLS - 2);
	if (right && (int)strlen(right) + 2 < COLS - (int)strlen(left))
		mvaddstr(y, COLS - 1 - (int)strlen(right), right);
	attroff(attr);
}

bool tui_frame(struct tui_screen *s, const char *title, const char *hints)
{
	erase();
	if (LINES < 24 || COLS < 80) {
		mvprintw(0, 0, "The terminal is %dx%d; slipway needs at least 80x24.", COLS, LINES);
		mvaddstr(1, 0, "Make it larger (or press Esc to go back).");
		refresh();
		return false;
	}
	bar_line(s, 0, title, "slipway installer");
	bar_line(s, LINES - 1, hints, NULL);
	if (s->status)
		tui_print(s, STATUS_ROW, 1, COLS - 2, TUI_ALERT, s->status);
	return true;
}

/* Word-wrapped text from row y; returns the next free row. */
static int print_wrapped(struct tui_screen *s, int y, int x, int width, enum tui_attr a, const char *text)
{
	for (const char *p = strempty(text); *p && y < STATUS_ROW;) {
		const char *nl = strchrnul(p, '\n');
		int len = (int)(nl - p);
		if (len > width) {
			len = width;
			while (len > 0 && p[len] != ' ')
				len--;
			if (len == 0)
				len = width;
		}
		_cleanup_free_ char *line = xstrndup(p, (size_t)len);
		tui_print(s, y++, x, width, a, line);
		p += len;
		if (*p == ' ' || *p == '\n')
			p++;
	}
	return y;
}

void tui_flush(struct tui_screen *s)
{
	refresh();
}

void tui_help(struct tui_screen *s, const char *title, const char *help)
{
	const char *const buttons[] = { "Close", NULL };
	_cleanup_free_ char *t = xasprintf("Help: %s", strempty(title));

	tui_pager(s, t, NULL, help, NULL, buttons);
}

int tui_key(struct tui_screen *s, const char *help_title, const char *help)
{
	int c = ERR;

	refresh();
	/* getch() blocks: ERR is a signal (SIGINT, SIGTERM, SIGHUP: slipway's
	 * handler sets the flag) or a terminal that is gone (it then fails at
	 * once, again and again). Either way the operator is not there. */
	for (int errors = 0; !s->gone && (c = getch()) == ERR;)
		if (interrupt_signal() || ++errors >= 10)
			s->gone = true;
	if (s->gone)
		return 27;
	s->status = NULL;
	if (c == KEY_F(1) && help) {
		tui_help(s, help_title, help);
		return KEY_RESIZE; /* the caller redraws */
	}
	return c;
}

static bool is_enter(int c)
{
	return c == '\n' || c == '\r' || c == KEY_ENTER;
}

static bool matches(const char *label, const char *filter)
{
	return isempty(filter) || strcasestr(label, filter);
}

int tui_list(struct tui_screen *s, const char *title, const char *help, const char *intro, struct tui_item *items,
	     size_t n, unsigned flags, size_t *cursor)
{
	char filter[64] = "";
	size_t top = 0;

	for (;;) {
		size_t visible = 0, cur_vis = 0;
		for (size_t i = 0; i < n; i++) {
			items[i].hidden = !matches(items[i].label, filter);
			if (!items[i].hidden && i < *cursor)
				cur_vis++;
			visible += !items[i].hidden;
		}
		if (*cursor >= n || items[*cursor].hidden) {
			for (*cursor = 0; *cursor < n && items[*cursor].hidden; (*cursor)++)
				;
			cur_vis = 0;
		}
		const char *hints = flags & TUI_LIST_MULTI
					    ? "F1 Help  Up/Down/PgUp/PgDn Move  Space Select  Enter Done  Esc Back"
					    : "F1 Help  Up/Down/PgUp/PgDn Move  Enter Choose  Esc Back";
		if (tui_frame(s, title, hints)) {
			int y = print_wrapped(s, CONTENT_TOP, 2, COLS - 4, TUI_NORMAL, intro);
			if (flags & TUI_LIST_SEARCH) {
				_cleanup_free_ char *f = xasprintf("Search: %s_", filter);
				tui_print(s, y++, 2, COLS - 4, TUI_BOLD, f);
			}
			y++;
			int rows = STATUS_ROW - y - 1;
			if (rows < 1)
				rows = 1;
			if (cur_vis < top)
				top = cur_vis;
			if (cur_vis >= top + (size_t)rows)
				top = cur_vis - (size_t)rows + 1;
			int lw = 8; /* the label column: as wide as the widest label, at most half */
			for (size_t i = 0; i < n; i++)
				lw = MAX(lw, (int)strlen(items[i].label) + (flags & TUI_LIST_MULTI ? 4 : 0));
			lw = MIN(lw, COLS / 2);
			size_t vi = 0;
			for (size_t i = 0; i < n; i++) {
				if (items[i].hidden)
					continue;
				if (vi >= top && vi < top + (size_t)rows) {
					int row = y + (int)(vi - top);
					_cleanup_free_ char *label =
						flags & TUI_LIST_MULTI
							? xasprintf("[%c] %s", items[i].checked ? 'x' : ' ', items[i].label)
							: xstrdup(items[i].label);
					if (i == *cursor)
						attron(A_REVERSE);
					mvhline(row, 2, ' ', COLS - 4);
					tui_print(s, row, 3, lw, items[i].alert ? TUI_ALERT : TUI_NORMAL, label);
					if (items[i].detail)
						tui_print(s, row, lw + 5, COLS - lw - 7,
							  items[i].alert ? TUI_ALERT : TUI_NORMAL, items[i].detail);
					if (i == *cursor)
						attroff(A_REVERSE);
				}
				vi++;
			}
			if (visible == 0)
				tui_print(s, y, 3, COLS - 6, TUI_BOLD, "(nothing matches)");
			else if (visible > (size_t)rows) {
				_cleanup_free_ char *more = xasprintf("(%zu of %zu, scroll with Up/Down/PgUp/PgDn)",
								      (size_t)rows, visible);
				tui_print(s, STATUS_ROW - 1, 3, COLS - 6, TUI_NORMAL, more);
			}
		}
		int c = tui_key(s, title, help);
		switch (c) {
		case KEY_UP:
		case KEY_DOWN:
		case KEY_PPAGE:
		case KEY_NPAGE: {
			int steps = c == KEY_PPAGE || c == KEY_NPAGE ? 10 : 1;
			bool down = c == KEY_DOWN || c == KEY_NPAGE;
			for (size_t i = *cursor; steps > 0;) {
				if (down ? i + 1 >= n : i == 0)
					break;
				i = down ? i + 1 : i - 1;
				if (!items[i].hidden) {
					*cursor = i;
					steps--;
				}
			}
			break;
		}
		case KEY_HOME:
		case KEY_END:
			for (size_t i = 0; i < n; i++) {
				size_t k = c == KEY_HOME ? i : n - 1 - i;
				if (!items[k].hidden) {
					*cursor = k;
					break;
				}
			}
			break;
		case 27:
			if (filter[0]) {
				filter[0] = '\0';
				break;
			}
			return TUI_BACK;
		case KEY_F(10):
			return flags & TUI_LIST_MULTI ? TUI_DONE : (int)*cursor;
		case ' ':
			if (flags & TUI_LIST_MULTI) {
				if (visible)
					items[*cursor].checked = !items[*cursor].checked;
				break;
			}
			goto type;
		case KEY_BACKSPACE:
		case 127:
		case 8:
			if (*filter)
				filter[strlen(filter) - 1] = '\0';
			break;
		default:
			if (is_enter(c)) {
				if (flags & TUI_LIST_MULTI)
					return TUI_DONE;
				if (visible)
					return (int)*cursor;
				break;
			}
type:
			if ((flags & TUI_LIST_SEARCH) && c >= 32 && c < 127 && strlen(filter) + 1 < sizeof(filter)) {
				size_t l = strlen(filter);
				filter[l] = (char)c;
				filter[l + 1] = '\0';
			}
			break;
		}
	}
}

static bool focusable(const struct tui_field *f)
{
	return !f->hidden && f->kind != TUI_FIELD_NOTE;
}

static size_t next_field(const struct tui_field *f, size_t n, size_t i, int dir)
{
	for (size_t k = 0; k < n; k++) {
		i = (i + n + (size_t)(dir < 0 ? n - 1 : 1)) % n;
		if (focusable(&f[i]))
			return i;
	}
	return i;
}

static void draw_field(struct tui_screen *s, int y, const struct tui_field *f, bool focus)
{
	_cleanup_free_ char *shown = NULL;

	tui_print(s, y, 2, FIELD_X - 3, focus ? TUI_BOLD : TUI_NORMAL, f->label);
	switch (f->kind) {
	case TUI_FIELD_TEXT:
	case TUI_FIELD_SECRET: {
		size_t len = strlen(f->buf), w = (size_t)(COLS - FIELD_X - 4);
		shown = f->kind == TUI_FIELD_SECRET ? xstrndup("****************************************************",
							       len < 52 ? len : 52)
						    : xstrdup(len > w ? f->buf + len - w : f->buf);
		attron(A_UNDERLINE | (focus ? A_REVERSE : 0));
		mvhline(y, FIELD_X, ' ', (int)w + 1);
		mvaddnstr(y, FIELD_X, shown, (int)w);
		attroff(A_UNDERLINE | (focus ? A_REVERSE : 0));
		break;
	}
	case TUI_FIELD_CHECK:
		shown = xasprintf("[%c]", *f->check ? 'x' : ' ');
		if (focus)
			attron(A_REVERSE);
		mvaddstr(y, FIELD_X, shown);
		attroff(A_REVERSE);
		break;
	case TUI_FIELD_CHOICE:
		shown = xasprintf("< %s >", f->choices[*f->choice]);
		if (focus)
			attron(A_REVERSE);
		mvaddstr(y, FIELD_X, shown);
		attroff(A_REVERSE);
		break;
	case TUI_FIELD_NOTE:
		tui_print(s, y, 2, COLS - 4, TUI_NORMAL, f->label);
		break;
	}
}

static void field_key(struct tui_field *f, int c)
{
	size_t len;

	switch (f->kind) {
	case TUI_FIELD_TEXT:
	case TUI_FIELD_SECRET:
		len = strlen(f->buf);
		if ((c == KEY_BACKSPACE || c == 127 || c == 8) && len > 0)
			f->buf[len - 1] = '\0';
		else if (c == 21) /* ^U */
			explicit_wipe(f->buf, len);
		else if (c >= 32 && c < 256 && c != 127 && len + 1 < f->size) {
			f->buf[len] = (char)c;
			f->buf[len + 1] = '\0';
		}
		break;
	case TUI_FIELD_CHECK:
		if (c == ' ')
			*f->check = !*f->check;
		break;
	case TUI_FIELD_CHOICE: {
		int n = 0;
		while (f->choices[n])
			n++;
		if (c == ' ' || c == KEY_RIGHT)
			*f->choice = (*f->choice + 1) % n;
		else if (c == KEY_LEFT)
			*f->choice = (*f->choice + n - 1) % n;
		break;
	}
	default:
		break;
	}
}

int tui_form(struct tui_screen *s, const char *title, const char *help, const char *intro, struct tui_field *f,
	     size_t n, const char *(*check)(void *data, size_t *bad), void (*refresh_fn)(void *data), void *data)
{
	size_t cur = next_field(f, n, n - 1, 1);

	for (;;) {
		if (refresh_fn)
			refresh_fn(data);
		if (!focusable(&f[cur]))
			cur = next_field(f, n, cur, 1);
		size_t last = next_field(f, n, 0, -1);
		if (tui_frame(s, title, "F1 Help  Tab/Up/Down Move  Space Toggle  Enter Next/Done  F10 Done  Esc Back")) {
			int y = print_wrapped(s, CONTENT_TOP, 2, COLS - 4, TUI_NORMAL, intro) + 1;
			for (size_t i = 0; i < n && y < STATUS_ROW; i++)
				if (!f[i].hidden)
					draw_field(s, y++, &f[i], i == cur);
			tui_print(s, y + 1, 2, COLS - 4, cur == last ? TUI_BOLD : TUI_NORMAL,
				  "Enter on the last field (or F10) accepts; Esc goes back without changes.");
		}
		int c = tui_key(s, title, help);
		if (c == 27)
			return TUI_BACK;
		if (c == '\t' || c == KEY_DOWN)
			cur = next_field(f, n, cur, 1);
		else if (c == KEY_BTAB || c == KEY_UP)
			cur = next_field(f, n, cur, -1);
		else if (c == KEY_F(10) || (is_enter(c) && cur == last)) {
			size_t bad = cur;
			const char *err = check ? check(data, &bad) : NULL;
			if (!err)
				return 0;
			s->status = err;
			if (bad < n)
				cur = bad;
		} else if (is_enter(c))
			cur = next_field(f, n, cur, 1);
		else if (c != KEY_RESIZE)
			field_key(&f[cur], c);
	}
}

static void draw_buttons(struct tui_screen *s, int y, const char *const *buttons, int sel)
{
	int x = 4;

	for (int i = 0; buttons[i]; i++) {
		_cleanup_free_ char *b = xasprintf("< %s >", buttons[i]);
		if (i == sel)
			attron(A_REVERSE);
		mvaddstr(y, x, b);
		attroff(A_REVERSE);
		x += (int)strlen(b) + 2;
	}
}

static int count_buttons(const char *const *buttons)
{
	int n = 0;

	while (buttons[n])
		n++;
	return n;
}

int tui_dialog(struct tui_screen *s, const char *title, const char *text, const char *const *buttons)
{
	int sel = 0, nb = count_buttons(buttons);

	for (;;) {
		if (tui_frame(s, title, "Left/Right/Tab Choose  Enter Confirm  Esc Back")) {
			int y = print_wrapped(s, CONTENT_TOP + 1, 4, COLS - 8, TUI_NORMAL, text);
			draw_buttons(s, y + 1, buttons, sel);
		}
		int c = tui_key(s, title, NULL);
		if (c == 27)
			return TUI_BACK;
		if (is_enter(c))
			return sel;
		if (c == KEY_RIGHT || c == '\t')
			sel = (sel + 1) % nb;
		else if (c == KEY_LEFT || c == KEY_BTAB)
			sel = (sel + nb - 1) % nb;
	}
}

/* The text cut into display lines of at most width characters (long lines
 * wrap, indented by two); each entry points into text. */
struct display_line {
	const char *p;
	size_t len;
	bool cont; /* continues the previous line */
};

static struct display_line *wrap_lines(const char *text, size_t width, size_t *ret_n)
{
	struct display_line *l = NULL;
	size_t n = 0;

	for (const char *p = strempty(text); *p;) {
		const char *nl = strchrnul(p, '\n');
		bool cont = false;
		for (const char *q = p; q < nl || (q == p && q == nl);) {
			size_t w = cont ? width - 2 : width, len = (size_t)(nl - q) < w ? (size_t)(nl - q) : w;
			/* break after a space when there is one in the second half */
			if (q + len < nl)
				for (size_t k = len; k > w / 2; k--)
					if (q[k - 1] == ' ') {
						len = k;
						break;
					}
			l = xrealloc(l, (n + 1) * sizeof(*l));
			l[n++] = (struct display_line){ q, len, cont };
			q += len;
			cont = true;
			if (len == 0)
				break;
		}
		p = *nl ? nl + 1 : nl;
	}
	*ret_n = n;
	return l;
}

int tui_pager(struct tui_screen *s, const char *title, const char *help, const char *text,
	      bool (*alert)(const char *line, size_t len), const char *const *buttons)
{
	size_t top = 0;
	int sel = 0, nb = count_buttons(buttons);

	for (;;) {
		int rows = STATUS_ROW - CONTENT_TOP - 2;
		size_t nlines;
		_cleanup_free_ struct display_line *l = wrap_lines(text, (size_t)(COLS > 8 ? COLS - 4 : 4), &nlines);
		if (tui_frame(s, title, "F1 Help  Up/Down/PgUp/PgDn Scroll  Left/Right Choose  Enter Confirm  Esc Back")) {
			bool red = false;
			for (size_t i = 0; i < nlines; i++) {
				if (!l[i].cont)
					red = alert && alert(l[i].p, strchrnul(l[i].p, '\n') - l[i].p);
				if (i < top || i >= top + (size_t)rows)
					continue;
				_cleanup_free_ char *line = xstrndup(l[i].p, l[i].len);
				tui_print(s, CONTENT_TOP + (int)(i - top), l[i].cont ? 4 : 2, COLS - 4,
					  red ? TUI_ALERT : TUI_NORMAL, line);
			}
			if (nlines > (size_t)rows) {
				_cleanup_free_ char *pos =
					xasprintf("(lines %zu-%zu of %zu)", top + 1,
						  top + (size_t)rows < nlines ? top + (size_t)rows : nlines, nlines);
				tui_print(s, CONTENT_TOP + rows, 2, COLS - 4, TUI_BOLD, pos);
			}
			draw_buttons(s, STATUS_ROW - 1 + (s->status ? 0 : 1), buttons, sel);
		}
		int c = tui_key(s, title, help);
		size_t page = (size_t)(rows > 1 ? rows - 1 : 1);
		size_t max_top = nlines > (size_t)rows ? nlines - (size_t)rows : 0;
		if (c == 27)
			return TUI_BACK;
		if (is_enter(c))
			return sel;
		if (c == KEY_DOWN && top < max_top)
			top++;
		else if (c == KEY_UP && top > 0)
			top--;
		else if (c == KEY_NPAGE)
			top = top + page < max_top ? top + page : max_top;
		else if (c == KEY_PPAGE)
			top = top > page ? top - page : 0;
		else if (c == KEY_HOME)
			top = 0;
		else if (c == KEY_END)
			top = max_top;
		else if (c == KEY_RIGHT || c == '\t')
			sel = (sel + 1) % nb;
		else if (c == KEY_LEFT || c == KEY_BTAB)
			sel = (sel + nb - 1) % nb;
	}
}

int tui_ask(struct tui_screen *s, const char *title, const char *question, char *buf, size_t size, bool secret)
{
	struct tui_field f = { .kind = secret ? TUI_FIELD_SECRET : TUI_FIELD_TEXT, .label = "", .buf = buf,
			       .size = size };

	return tui_form(s, title, NULL, question, &f, 1, NULL, NULL, NULL);
}
