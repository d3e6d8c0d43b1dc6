/* Text and JSON-lines event sinks (DESIGN.md §6). */
#include <json-c/json.h>

#include "progress.h"

struct text_sink {
	struct event_sink base;
	FILE *f;
	bool tty;
	bool bar_shown;   /* a bar is on the current line and must be cleared */
	int last_percent; /* plain mode: print progress every 10% only */
	int drawn_percent; /* terminal: the bar on the line, and when it was drawn */
	double drawn_t;
};

/* A terminal's bar is redrawn when its percentage changes and otherwise at
 * most five times a second: a serial console at 115200 baud takes ~11 KB/s,
 * and one redraw per package or file would slow the install down to it. */
#define BAR_INTERVAL 0.2

static void text_clear_bar(struct text_sink *t)
{
	if (t->bar_shown) {
		fputs("\r\033[K", t->f);
		t->bar_shown = false;
	}
}

static void text_progress(struct text_sink *t, const struct event *e)
{
	int pct = e->total ? (int)(e->done * 100 / e->total) : -1;

	if (t->tty) {
		if (t->bar_shown && pct == t->drawn_percent && e->t - t->drawn_t < BAR_INTERVAL)
			return;
		t->drawn_percent = pct;
		t->drawn_t = e->t;
		char bar[31];
		int fill = pct < 0 ? 0 : pct * 30 / 100;
		memset(bar, '#', (size_t)fill);
		memset(bar + fill, '-', (size_t)(30 - fill));
		bar[30] = '\0';
		fprintf(t->f, "\r\033[K%-10s [%s] %3d%% %.40s", strempty(e->stage), bar, pct < 0 ? 0 : pct,
			strempty(e->msg));
		t->bar_shown = true;
	} else if (pct >= 0 && (pct / 10 != t->last_percent / 10 || e->done == e->total) &&
		   pct != t->last_percent) {
		fprintf(t->f, "%s: %d%% (%llu/%llu %s)\n", strempty(e->stage), pct,
			(unsigned long long)e->done, (unsigned long long)e->total, e->unit);
		t->last_percent = pct;
	}
}

static void text_emit(struct event_sink *s, const struct event *e)
{
	struct text_sink *t = (struct text_sink *)s;

	if (e->kind != EV_PROGRESS)
		text_clear_bar(t);
	switch (e->kind) {
	case EV_LOG:
		if (e->level == LVL_ERROR)
			fprintf(t->f, "slipway: %s\n", e->msg);
		else if (e->level == LVL_WARNING)
			fprintf(t->f, "slipway: warning: %s\n", e->msg);
		else
			fprintf(t->f, "%s\n", e->msg);
		break;
	case EV_STAGE_BEGIN:
		t->last_percent = -1;
		fprintf(t->f, "==> %s%s%s\n", e->stage, e->msg ? ": " : "", strempty(e->msg));
		break;
	case EV_STAGE_END:
		if (e->error)
			fprintf(t->f, "==> %s failed\n", e->stage);
		break;
	case EV_PROGRESS:
		text_progress(t, e);
		break;
	default:
		break;
	}
	fflush(t->f);
}

static void text_close(struct event_sink *s)
{
	struct text_sink *t = (struct text_sink *)s;

	text_clear_bar(t);
	fflush(t->f);
	free(t);
}

struct event_sink *ui_sink_text_new_mode(FILE *f, enum log_level max_level, bool tty)
{
	struct text_sink *t = xnew0(struct text_sink, 1);

	t->base.emit = text_emit;
	t->base.close = text_close;
	t->base.max_level = max_level;
	t->f = f;
	t->tty = tty;
	t->last_percent = -1;
	return &t->base;
}

struct event_sink *ui_sink_text_new(FILE *f, enum log_level max_level)
{
	return ui_sink_text_new_mode(f, max_level, isatty(fileno(f)));
}

struct json_sink {
	struct event_sink base;
	FILE *f;
};

static void json_emit(struct event_sink *s, const struct event *e)
{
	struct json_sink *j = (struct json_sink *)s;
	json_object *o = json_object_new_object();

	json_object_object_add(o, "t", json_object_new_double(e->t));
	json_object_object_add(o, "stage", e->stage ? json_object_new_string(e->stage) : NULL);
	json_object_object_add(o, "event", json_object_new_string(event_kind_to_string(e->kind)));
	if (e->kind == EV_LOG)
		json_object_object_add(o, "level", json_object_new_string(log_level_to_string(e->level)));
	if (e->kind == EV_PROGRESS) {
		json_object_object_add(o, "done", json_object_new_uint64(e->done));
		json_object_object_add(o, "total", json_object_new_uint64(e->total));
		json_object_object_add(o, "unit", json_object_new_string(e->unit));
	}
	if (e->kind == EV_STAGE_END)
		json_object_object_add(o, "ok", json_object_new_boolean(e->error == 0));
	if (e->kind == EV_STAGE_END && e->error)
		json_object_object_add(o, "msg", json_object_new_string(strerror(-e->error)));
	else if (e->msg)
		json_object_object_add(o, "msg", json_object_new_string(e->msg));
	fprintf(j->f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	fflush(j->f);
	json_object_put(o);
}

static void json_close(struct event_sink *s)
{
	free(s);
}

struct event_sink *ui_sink_json_new(FILE *f, enum log_level max_level)
{
	struct json_sink *j = xnew0(struct json_sink, 1);

	j->base.emit = json_emit;
	j->base.close = json_close;
	j->base.max_level = max_level;
	j->f = f;
	return &j->base;
}
