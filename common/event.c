/* Event dispatch, secret redaction, and the log-file sink. The sink list and
 * the secret list are the only process-wide mutable state in slipway: they
 * are set up once in main() and read by every stage. */
#include <fcntl.h>
#include <time.h>

#include "event.h"
#include "strbuf.h"
#include "strv.h"

static struct event_sink *sinks;
static char **secrets;
static const char *current_stage;
static struct timespec start_ts;

static const char *const level_names[_LVL_MAX] = {
	[LVL_ERROR] = "error",
	[LVL_WARNING] = "warning",
	[LVL_INFO] = "info",
	[LVL_DEBUG] = "debug",
};

static const char *const kind_names[_EV_MAX] = {
	[EV_LOG] = "log",
	[EV_STAGE_BEGIN] = "stage-begin",
	[EV_STAGE_END] = "stage-end",
	[EV_PROGRESS] = "progress",
};

const char *log_level_to_string(enum log_level l)
{
	return l < _LVL_MAX ? level_names[l] : NULL;
}

const char *event_kind_to_string(enum event_kind k)
{
	return k < _EV_MAX ? kind_names[k] : NULL;
}

static double now_rel(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (start_ts.tv_sec == 0 && start_ts.tv_nsec == 0)
		start_ts = ts;
	return (double)(ts.tv_sec - start_ts.tv_sec) + (double)(ts.tv_nsec - start_ts.tv_nsec) / 1e9;
}

void event_sink_add(struct event_sink *s)
{
	now_rel();
	s->next = NULL;
	struct event_sink **p = &sinks;
	while (*p)
		p = &(*p)->next;
	*p = s;
}

void event_sinks_close(void)
{
	struct event_sink *s = sinks;

	sinks = NULL;
	while (s) {
		struct event_sink *next = s->next;
		if (s->close)
			s->close(s);
		s = next;
	}
}

/* Secrets shorter than this are not searched for in messages: a one-letter
 * passphrase would otherwise erase that letter from every log line. They
 * are still never logged: redaction is the second line of defence. */
#define SECRET_MIN_REDACT 4

void secret_register(const char *secret)
{
	if (isempty(secret) || strlen(secret) < SECRET_MIN_REDACT || strv_contains(secrets, secret))
		return;
	strv_push(&secrets, secret);
}

void secrets_forget(void)
{
	strv_free_secret(secrets);
	secrets = NULL;
}

char *secret_redact(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, s);
	STRV_FOREACH(sec, secrets) {
		char *hit;
		size_t n = strlen(*sec);
		while ((hit = strstr(sb.buf, *sec))) {
			struct strbuf out = STRBUF_INIT;
			strbuf_add(&out, sb.buf, (size_t)(hit - sb.buf));
			strbuf_adds(&out, "[redacted]");
			strbuf_adds(&out, hit + n);
			explicit_wipe(sb.buf, sb.len);
			strbuf_release(&sb);
			sb = out;
		}
	}
	return strbuf_detach(&sb);
}

static void dispatch(struct event *e)
{
	e->t = now_rel();
	for (struct event_sink *s = sinks; s; s = s->next) {
		if (e->kind == EV_LOG && e->level > s->max_level)
			continue;
		s->emit(s, e);
	}
}

void event_stage_begin(const char *stage, const char *title)
{
	current_stage = stage;
	dispatch(&(struct event){ .kind = EV_STAGE_BEGIN, .stage = stage, .msg = title });
}

void event_stage_end(const char *stage, int r)
{
	dispatch(&(struct event){ .kind = EV_STAGE_END, .stage = stage, .error = r });
	current_stage = NULL;
}

const char *event_current_stage(void)
{
	return current_stage;
}

void event_progress(uint64_t done, uint64_t total, const char *unit, const char *fmt, ...)
{
	_cleanup_free_ char *raw = NULL, *msg = NULL;
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		if (vasprintf(&raw, fmt, ap) < 0)
			raw = NULL;
		va_end(ap);
	}
	if (raw)
		msg = secret_redact(raw);
	dispatch(&(struct event){ .kind = EV_PROGRESS,
				  .stage = current_stage,
				  .done = done,
				  .total = total,
				  .unit = unit ? unit : "items",
				  .msg = msg });
}

int log_fullv(enum log_level level, int error, const char *fmt, va_list ap)
{
	_cleanup_free_ char *raw = NULL, *msg = NULL;
	int saved = errno;

	if (error < 0)
		error = -error;
	/* %m must print the error we were given, not whatever errno is. */
	errno = error ? error : saved;
	if (vasprintf(&raw, fmt, ap) < 0)
		raw = NULL;
	msg = secret_redact(raw ? raw : fmt);
	if (raw)
		explicit_wipe(raw, strlen(raw));
	dispatch(&(struct event){ .kind = EV_LOG, .level = level, .stage = current_stage, .msg = msg });
	errno = saved;
	return -error;
}

int log_full(enum log_level level, int error, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = log_fullv(level, error, fmt, ap);
	va_end(ap);
	return r;
}

struct file_sink {
	struct event_sink base;
	FILE *f;
};

static void file_emit(struct event_sink *s, const struct event *e)
{
	struct file_sink *fs = (struct file_sink *)s;

	/* Only items are worth a line each; byte counters would flood. */
	if (e->kind == EV_PROGRESS && !streq(e->unit, "items") && e->done != e->total)
		return;
	fprintf(fs->f, "%9.3f ", e->t);
	if (e->stage)
		fprintf(fs->f, "[%s] ", e->stage);
	switch (e->kind) {
	case EV_LOG:
		fprintf(fs->f, "%s: %s\n", log_level_to_string(e->level), e->msg);
		break;
	case EV_STAGE_BEGIN:
		fprintf(fs->f, "stage begins: %s\n", strempty(e->msg));
		break;
	case EV_STAGE_END:
		if (e->error)
			fprintf(fs->f, "stage failed: %s\n", strerror(-e->error));
		else
			fprintf(fs->f, "stage done\n");
		break;
	case EV_PROGRESS:
		fprintf(fs->f, "progress %llu/%llu %s %s\n", (unsigned long long)e->done,
			(unsigned long long)e->total, e->unit, strempty(e->msg));
		break;
	default:
		break;
	}
	fflush(fs->f);
}

static void file_close(struct event_sink *s)
{
	struct file_sink *fs = (struct file_sink *)s;

	fclose(fs->f);
	free(fs);
}

struct event_sink *event_sink_file_new(const char *path, int *ret_error)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		*ret_error = -errno;
		return NULL;
	}
	struct file_sink *fs = xnew0(struct file_sink, 1);
	fs->f = fdopen(fd, "a");
	if (!fs->f) {
		*ret_error = -errno;
		close(fd);
		free(fs);
		return NULL;
	}
	fs->base.emit = file_emit;
	fs->base.close = file_close;
	fs->base.max_level = LVL_DEBUG;
	*ret_error = 0;
	return &fs->base;
}
