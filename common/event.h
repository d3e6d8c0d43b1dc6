/* The one event API every stage reports through (DESIGN.md §6): stage
 * begin/end, progress, log lines. Sinks (text, JSON lines, log file, TUI)
 * subscribe; secrets registered here are redacted before any sink sees them. */
#pragma once

#include <stdarg.h>
#include <stdint.h>

#include "macros.h"

enum log_level {
	LVL_ERROR,
	LVL_WARNING,
	LVL_INFO,
	LVL_DEBUG,
	_LVL_MAX,
};

enum event_kind {
	EV_LOG,
	EV_STAGE_BEGIN,
	EV_STAGE_END,
	EV_PROGRESS,
	_EV_MAX,
};

struct event {
	enum event_kind kind;
	enum log_level level; /* EV_LOG */
	const char *stage;    /* current stage or NULL */
	uint64_t done, total; /* EV_PROGRESS; total 0 = unknown */
	const char *unit;     /* EV_PROGRESS: "bytes" or "items" */
	const char *msg;      /* already redacted */
	int error;            /* EV_STAGE_END: 0 or negative errno */
	double t;             /* seconds since the first event */
};

struct event_sink {
	void (*emit)(struct event_sink *s, const struct event *e);
	void (*close)(struct event_sink *s);
	enum log_level max_level; /* EV_LOG events above it are dropped */
	struct event_sink *next;
};

const char *log_level_to_string(enum log_level l);
const char *event_kind_to_string(enum event_kind k);

void event_sink_add(struct event_sink *s);
/* Closes and unregisters every sink (at exit). */
void event_sinks_close(void);

void event_stage_begin(const char *stage, const char *title);
void event_stage_end(const char *stage, int r);
const char *event_current_stage(void);
void event_progress(uint64_t done, uint64_t total, const char *unit, const char *fmt, ...)
	_printf_(4, 5);

/* Logs and returns -abs(error) (or 0 when error is 0), so that
 * `return log_error_errno(r, "Failed to open %s: %m", p);` is one line.
 * %m prints strerror(error). */
int log_full(enum log_level level, int error, const char *fmt, ...) _printf_(3, 4);
int log_fullv(enum log_level level, int error, const char *fmt, va_list ap);
#define log_error(...) log_full(LVL_ERROR, 0, __VA_ARGS__)
#define log_warning(...) log_full(LVL_WARNING, 0, __VA_ARGS__)
#define log_info(...) log_full(LVL_INFO, 0, __VA_ARGS__)
#define log_debug(...) log_full(LVL_DEBUG, 0, __VA_ARGS__)
#define log_error_errno(r, ...) log_full(LVL_ERROR, (r), __VA_ARGS__)
#define log_warning_errno(r, ...) log_full(LVL_WARNING, (r), __VA_ARGS__)
#define log_debug_errno(r, ...) log_full(LVL_DEBUG, (r), __VA_ARGS__)

/* Registers a secret (password, passphrase): every later message containing
 * it has it replaced by "[redacted]" before reaching any sink. */
void secret_register(const char *secret);
void secrets_forget(void);
/* Returns a newly allocated copy of s with every registered secret replaced. */
char *secret_redact(const char *s);

/* A sink appending timestamped lines (debug included) to a file. */
struct event_sink *event_sink_file_new(const char *path, int *ret_error);
