/* The TUI's progress screen (an event sink: stage list with ticks, an
 * overall bar, the current package and bytes, a scrolling log pane), the
 * failure dialog and the finish screen. */
#include <curses.h>
#include <time.h>

#include "size.h"
#include "tui-internal.h"

/* How much of an install each stage is, roughly (measured on the test
 * distro: the rpm transaction dominates). Unknown stages weigh 1. */
static const struct {
	const char *stage;
	unsigned weight;
} weights[] = {
	{ "download", 15 }, { "storage", 8 }, { "payload", 50 }, { "system", 4 },
	{ "bootloader", 15 }, { "logs", 1 },  { "esp", 2 },	 { "convert", 5 },
};

static unsigned stage_weight(const char *stage)
{
	for (size_t i = 0; i < ELEMENTSOF(weights); i++)
		if (streq(weights[i].stage, stage))
			return weights[i].weight;
	return 1;
}

static unsigned overall_percent(const struct tui *t)
{
	unsigned total = 0, done = 0;

	for (size_t i = 0; i < ELEMENTSOF(weights); i++)
		total += weights[i].weight;
	for (size_t i = 0; i < t->n_stages; i++) {
		unsigned w = stage_weight(t->stages[i]);
		if (t->stage_state[i] != 0)
			done += w;
		else
			done += w * t->percent / 100;
	}
	return total ? (done * 100 / total > 100 ? 100 : done * 100 / total) : 0;
}

static void draw_progress(struct tui *t)
{
	struct tui_screen *s = &t->scr;
	_cleanup_free_ char *hint = xasprintf("F1 Help  (the install runs; Ctrl-C stops it and cleans up)");

	if (!tui_frame(s, t->progress_title ? t->progress_title : "Installing", hint)) {
		tui_flush(s);
		return;
	}
	int y = 2;
	for (size_t i = 0; i < t->n_stages && y < 12; i++, y++) {
		const char *mark = t->stage_state[i] > 0 ? "[x]" : t->stage_state[i] < 0 ? "[!]" : "[>]";
		_cleanup_free_ char *line = xasprintf("%s %s", mark, t->stages[i]);
		tui_print(s, y, 2, 28,
			  t->stage_state[i] < 0	 ? TUI_ALERT
			  : t->stage_state[i] > 0 ? TUI_OK
						  : TUI_BOLD,
			  line);
	}
	tui_print(s, 2, 32, 10, TUI_BOLD, "Overall");
	tui_bar(s, 3, 32, COLS - 40, overall_percent(t));
	if (t->n_stages > 0 && t->stage_state[t->n_stages - 1] == 0) {
		_cleanup_free_ char *st = xasprintf("Stage %s", t->stages[t->n_stages - 1]);
		tui_print(s, 5, 32, COLS - 34, TUI_BOLD, st);
		tui_bar(s, 6, 32, COLS - 40, t->percent);
		if (t->current)
			tui_print(s, 7, 32, COLS - 34, TUI_NORMAL, t->current);
		if (t->total) {
			_cleanup_free_ char *amount =
				t->unit && streq(t->unit, "bytes")
					? xasprintf("%s of %s", SIZE_FMT(t->done), SIZE_FMT(t->total))
					: xasprintf("%llu of %llu", (unsigned long long)t->done,
						    (unsigned long long)t->total);
			tui_print(s, 8, 32, COLS - 34, TUI_NORMAL, amount);
		}
	}
	mvhline(12, 1, '-', COLS - 2);
	int rows = LINES - 2 - 13;
	size_t first = t->n_log > (size_t)rows ? t->n_log - (size_t)rows : 0;
	for (size_t i = first; i < t->n_log; i++) {
		const char *l = t->log[(t->log_start + i) % TUI_LOG_LINES];
		tui_print(s, 13 + (int)(i - first), 1, COLS - 2,
			  startswith(l, "error:") ? TUI_ALERT : TUI_NORMAL, l);
	}
	tui_flush(s);
}

static void add_log(struct tui *t, const char *prefix, const char *msg)
{
	char *line = xasprintf("%s%s", prefix, msg);

	for (char *c = line; *c; c++)
		if (*c == '\n' || *c == '\t')
			*c = ' ';
	if (t->n_log < TUI_LOG_LINES)
		t->log[t->n_log++] = line;
	else {
		free(t->log[t->log_start]);
		t->log[t->log_start] = line;
		t->log_start = (t->log_start + 1) % TUI_LOG_LINES;
	}
}

struct tui_sink {
	struct event_sink base;
	struct tui *t;
	double last_draw;
};

static void set_str(char **p, const char *s)
{
	free(*p);
	*p = s ? xstrdup(s) : NULL;
}

static void tui_emit(struct event_sink *sink, const struct event *e)
{
	struct tui_sink *ts = (struct tui_sink *)sink;
	struct tui *t = ts->t;

	switch (e->kind) {
	case EV_STAGE_BEGIN:
		if (t->n_stages == ELEMENTSOF(t->stages)) {
			free(t->stages[0]);
			memmove(t->stages, t->stages + 1, sizeof(t->stages) - sizeof(t->stages[0]));
			memmove(t->stage_state, t->stage_state + 1, sizeof(t->stage_state) - sizeof(int));
			t->n_stages--;
		}
		t->stages[t->n_stages] = xstrdup(e->stage);
		t->stage_state[t->n_stages++] = 0;
		t->percent = 0;
		t->done = t->total = 0;
		set_str(&t->current, e->msg);
		add_log(t, "==> ", e->msg ? e->msg : e->stage);
		break;
	case EV_STAGE_END:
		for (size_t i = t->n_stages; i-- > 0;)
			if (streq(t->stages[i], e->stage) && t->stage_state[i] == 0) {
				t->stage_state[i] = e->error ? -1 : 1;
				break;
			}
		break;
	case EV_PROGRESS:
		t->percent = e->total ? (unsigned)(e->done * 100 / e->total) : 0;
		t->done = e->done;
		t->total = e->total;
		set_str(&t->unit, e->unit);
		set_str(&t->current, e->msg);
		/* rpm reports every few KiB: redraw at most 10 times a second */
		if (now_sec() - ts->last_draw < 0.1 && e->done != e->total)
			return;
		break;
	case EV_LOG:
		if (e->level == LVL_ERROR) {
			add_log(t, "error: ", e->msg);
			set_str(&t->last_error, e->msg);
		} else
			add_log(t, e->level == LVL_WARNING ? "warning: " : "", e->msg);
		break;
	default:
		return;
	}
	ts->last_draw = now_sec();
	draw_progress(t);
}

static void tui_sink_close(struct event_sink *s)
{
	free(s);
}

struct event_sink *ui_tui_progress_sink(struct tui *t)
{
	struct tui_sink *s = xnew0(struct tui_sink, 1);

	s->base.emit = tui_emit;
	s->base.close = tui_sink_close;
	s->base.max_level = LVL_INFO;
	s->t = t;
	return &s->base;
}

void ui_tui_progress_begin(struct tui *t, const char *title)
{
	set_str(&t->progress_title, title);
	for (size_t i = 0; i < t->n_stages; i++)
		free(t->stages[i]);
	t->n_stages = 0;
	t->percent = 0;
	set_str(&t->current, NULL);
	set_str(&t->last_error, NULL);
	draw_progress(t);
}

void ui_tui_plan_failed(struct tui *t, const char *log)
{
	_cleanup_free_ char *text = xasprintf(
		"slipway cannot make a plan from these answers:\n\n%s\n\nNothing was written. The log (%s) "
		"has every message. Change the answers and begin again.",
		t->last_error ? t->last_error : "(no error message)", log ? log : "no log");

	ui_tui_message(t, "The plan failed", text);
}

enum ui_tui_failure ui_tui_failed(struct tui *t, const char *log)
{
	const char *const b[] = { "Shell", "Retry", "Quit", NULL };
	_cleanup_free_ char *text = xasprintf(
		"The installation failed%s%s.\n\n%s\n\nThe log is in %s.\n\n"
		"Shell: a shell on the installer to look around (exit returns here). Retry: back to "
		"the summary to try again. Quit: leave the installer.",
		t->n_stages ? " in stage " : "", t->n_stages ? t->stages[t->n_stages - 1] : "",
		t->last_error ? t->last_error : "(no error message)", log ? log : "(no log)");

	for (;;) {
		int c = tui_dialog(&t->scr, "Installation failed", text, b);
		if (t->scr.gone)
			return UI_TUI_FAIL_QUIT;
		if (c == 0)
			return UI_TUI_FAIL_SHELL;
		if (c == 1)
			return UI_TUI_FAIL_RETRY;
		if (c == 2)
			return UI_TUI_FAIL_QUIT;
	}
}

enum ui_tui_finish ui_tui_finish(struct tui *t, bool image, const char *log)
{
	static const char *const disk_buttons[] = { "Reboot", "Power off", "Shell", "Exit", NULL };
	static const char *const image_buttons[] = { "Done", "Shell", NULL };
	static const enum ui_tui_finish disk_actions[] = { UI_TUI_FINISH_REBOOT, UI_TUI_FINISH_POWEROFF,
							   UI_TUI_FINISH_SHELL, UI_TUI_FINISH_EXIT };
	static const enum ui_tui_finish image_actions[] = { UI_TUI_FINISH_EXIT, UI_TUI_FINISH_SHELL };
	_cleanup_free_ char *text = xasprintf(
		"The system is installed%s. The log is in %s and in the new system under "
		"/var/log/slipway/.\n\n%s\nShell: a Bash console inside the new system (type exit to come back "
		"here).",
		image ? " into the image file" : "", log ? log : "(no log)",
		image ? "Done: unmount the image and leave the installer." : "Reboot or Power off: unmount everything "
									   "and restart or stop the machine. Exit: leave "
									   "the installer without restarting.");

	for (;;) {
		int c = tui_dialog(&t->scr, "Installation complete", text, image ? image_buttons : disk_buttons);
		if (t->scr.gone)
			return UI_TUI_FINISH_EXIT;
		if (c >= 0)
			return image ? image_actions[c] : disk_actions[c];
	}
}
