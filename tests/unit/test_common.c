/* Unit tests of common/: sizes, strbuf, strv, events and secret redaction. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "event.h"
#include "size.h"
#include "strbuf.h"
#include "strv.h"
#include "ui/progress.h"

static void test_size_parse_ok(void **state)
{
	static const struct {
		const char *in;
		uint64_t unit, want;
	} cases[] = {
		{ "500", MiB, 500 * MiB },
		{ "500", 1, 500 },
		{ "1GiB", 1, GiB },
		{ "10G", 1, 10 * GiB },
		{ "10g", 1, 10 * GiB },
		{ "1.5G", 1, GiB + 512 * MiB },
		{ "1 GB", 1, 1000000000 },
		{ "2TB", 1, UINT64_C(2000000000000) },
		{ "4k", 1, 4096 },
		{ "4KiB", 1, 4096 },
		{ "3MB", 1, 3000000 },
		{ "512B", MiB, 512 },
		{ "  7 M ", 1, 7 * MiB },
		{ "0", MiB, 0 },
		{ "16E", 1, UINT64_C(16) * 1024 * 1024 * 1024 * 1024 * 1024 * 1024 - 0 },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases) - 1; i++) {
		uint64_t got = 0;
		int r = size_parse(cases[i].in, cases[i].unit, &got);
		if (r != 0 || got != cases[i].want)
			fail_msg("size_parse(\"%s\"): expected %llu, got %llu (r=%d)", cases[i].in,
				 (unsigned long long)cases[i].want, (unsigned long long)got, r);
	}
}

static void test_size_parse_bad(void **state)
{
	static const char *const bad[] = { "", "ten", "-1", "1.", ".5G", "1.5", "5 XB", "10GiBs",
					   "1 2", NULL };
	uint64_t v;

	for (size_t i = 0; bad[i]; i++) {
		int r = size_parse(bad[i], 1, &v);
		if (r != -EINVAL)
			fail_msg("size_parse(\"%s\"): expected -EINVAL, got %d", bad[i], r);
	}
	assert_int_equal(size_parse("16E", 1, &v), -ERANGE);
	assert_int_equal(size_parse("99999999999999999999", 1, &v), -ERANGE);
	assert_int_equal(size_parse("20000000000000G", 1, &v), -ERANGE);
	assert_int_equal(size_parse(NULL, 1, &v), -EINVAL);
}

static void test_size_format(void **state)
{
	assert_string_equal(SIZE_FMT(0), "0 B");
	assert_string_equal(SIZE_FMT(1023), "1023 B");
	assert_string_equal(SIZE_FMT(MiB), "1 MiB");
	assert_string_equal(SIZE_FMT(600 * MiB), "600 MiB");
	assert_string_equal(SIZE_FMT(GiB + 512 * MiB), "1.5 GiB");
	assert_string_equal(SIZE_FMT(8 * GiB), "8 GiB");
}

static void test_strbuf(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	assert_string_equal(strbuf_str(&sb), "");
	strbuf_adds(&sb, "abc");
	strbuf_addch(&sb, '-');
	strbuf_addf(&sb, "%d/%s", 42, "x");
	assert_string_equal(sb.buf, "abc-42/x");
	assert_int_equal(sb.len, 8);
	for (int i = 0; i < 1000; i++)
		strbuf_addch(&sb, 'y');
	assert_int_equal(sb.len, 1008);
	assert_int_equal(strlen(sb.buf), 1008);
	strbuf_reset(&sb);
	assert_string_equal(sb.buf, "");
	strbuf_add_quoted(&sb, "plain");
	strbuf_addch(&sb, ' ');
	strbuf_add_quoted(&sb, "two words");
	strbuf_addch(&sb, ' ');
	strbuf_add_quoted(&sb, "it's");
	strbuf_addch(&sb, ' ');
	strbuf_add_quoted(&sb, "");
	assert_string_equal(sb.buf, "plain 'two words' 'it'\\''s' ''");
	char *d = strbuf_detach(&sb);
	assert_null(sb.buf);
	free(d);
	strbuf_release(&sb);
}

static void test_strv(void **state)
{
	_cleanup_strv_free_ char **l = NULL, **s = NULL, **c = NULL;
	_cleanup_free_ char *j = NULL, *e = NULL;

	assert_int_equal(strv_length(l), 0);
	strv_push(&l, "a");
	strv_extend(&l, "b", "c", NULL);
	strv_pushf(&l, "%s%d", "d", 4);
	assert_int_equal(strv_length(l), 4);
	assert_true(strv_contains(l, "d4"));
	assert_false(strv_contains(l, "e"));
	j = strv_join(l, ",");
	assert_string_equal(j, "a,b,c,d4");
	s = strv_split("  x  y,z ", " ,");
	assert_int_equal(strv_length(s), 3);
	assert_string_equal(s[2], "z");
	c = strv_copy(l);
	assert_true(strv_equal(c, l));
	assert_false(strv_equal(c, s));
	e = strv_join(NULL, ",");
	assert_string_equal(e, "");
}

struct capture_sink {
	struct event_sink base;
	struct strbuf text;
	int n;
};

static void capture_emit(struct event_sink *s, const struct event *e)
{
	struct capture_sink *c = (struct capture_sink *)s;

	c->n++;
	strbuf_addf(&c->text, "%s|%s|%s|%s\n", event_kind_to_string(e->kind),
		    e->kind == EV_LOG ? log_level_to_string(e->level) : "-", strempty(e->stage),
		    strempty(e->msg));
}

static void test_events_and_redaction(void **state)
{
	struct capture_sink c = { .base = { .emit = capture_emit, .max_level = LVL_INFO } };

	event_sink_add(&c.base);
	secret_register("hunter2");
	event_stage_begin("storage", "disks");
	log_info("passphrase is hunter2, twice: hunter2");
	log_debug("dropped: above max level");
	int r = log_error_errno(-ENOENT, "open %s: %m", "/x");
	assert_int_equal(r, -ENOENT);
	event_progress(1, 2, "items", "pkg %s", "bash");
	event_stage_end("storage", 0);
	const char *want = "stage-begin|-|storage|disks\n"
			   "log|info|storage|passphrase is [redacted], twice: [redacted]\n"
			   "log|error|storage|open /x: No such file or directory\n"
			   "progress|-|storage|pkg bash\n"
			   "stage-end|-|storage|\n";
	if (!streq(c.text.buf, want))
		fail_msg("expected:\n%sgot:\n%s", want, c.text.buf);
	_cleanup_free_ char *red = secret_redact("xhunter2hunter2y");
	assert_string_equal(red, "x[redacted][redacted]y");
	c.base.close = NULL;
	event_sinks_close();
	secrets_forget();
	_cleanup_free_ char *clear = secret_redact("hunter2");
	assert_string_equal(clear, "hunter2");
	strbuf_release(&c.text);
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* On a terminal the bar is redrawn when its percentage changes and at most
 * five times a second otherwise; a log line in between clears it and the
 * next event draws it again. Without a terminal: a line every 10%. */
static void test_progress_bar_rate(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct event_sink *s = ui_sink_text_new_mode(f, LVL_INFO, true);
	struct event e = { .kind = EV_PROGRESS, .stage = "payload", .total = 100000, .unit = "items" };

	/* 2000 events over 2 s (1 ms apart), 0.0%..1.9%: percent 0 and 1 */
	for (unsigned i = 0; i < 2000; i++) {
		e.done = i, e.t = i / 1000.0, e.msg = "installing a package";
		s->emit(s, &e);
	}
	fflush(f);
	size_t draws = count(buf, "\r\033[K");
	/* 1 s per percent: every 0.2 s plus the change to 1% */
	assert_in_range(draws, 10, 12);
	struct event log = { .kind = EV_LOG, .level = LVL_INFO, .stage = "payload", .msg = "a line", .t = 2.0 };
	s->emit(s, &log);
	e.done = 2000, e.t = 2.0005;
	s->emit(s, &e);
	fflush(f);
	assert_non_null(strstr(buf, "a line\n\r\033[Kpayload    [----"));
	s->close(s);
	fclose(f);
	free(buf);

	buf = NULL, len = 0;
	f = open_memstream(&buf, &len);
	s = ui_sink_text_new_mode(f, LVL_INFO, false);
	for (unsigned i = 0; i <= 100000; i += 100) {
		e.done = i, e.t = i / 1000.0;
		s->emit(s, &e);
	}
	fflush(f);
	assert_int_equal(count(buf, "\n"), 10); /* 10%, 20%, …, 100% */
	assert_null(strchr(buf, '\r'));
	s->close(s);
	fclose(f);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_parse_ok),
		cmocka_unit_test(test_size_parse_bad),
		cmocka_unit_test(test_size_format),
		cmocka_unit_test(test_strbuf),
		cmocka_unit_test(test_strv),
		cmocka_unit_test(test_events_and_redaction),
		cmocka_unit_test(test_progress_bar_rate),
	};
	return cmocka_run_group_tests_name("common", tests, NULL, NULL);
}
