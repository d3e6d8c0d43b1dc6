/* Unit tests of common/run.c: argv without a shell, capture, stdin, status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "event.h"
#include "run.h"
#include "strv.h"

static void test_capture_and_status(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct run_opts o = { .out = &out, .log_fd = -1 };
	char *argv[] = { "printf", "%s|", "a b", "$HOME;`x`", NULL };

	assert_int_equal(run_argv(argv, &o), 0);
	/* no shell: metacharacters arrive verbatim */
	assert_string_equal(out.buf, "a b|$HOME;`x`|");
	strbuf_release(&out);

	char *f[] = { "false", NULL };
	assert_int_equal(run_argv(f, NULL), 1);
	assert_int_equal(run_checked(f, NULL), -EIO);
	char *sh[] = { "sh", "-c", "exit 7", NULL };
	assert_int_equal(run_argv(sh, NULL), 7);
	char *kill[] = { "sh", "-c", "kill -TERM $$", NULL };
	assert_int_equal(run_argv(kill, NULL), 128 + 15);
}

static void test_missing_program(void **state)
{
	char *argv[] = { "/nonexistent/slipway-no-such-program", NULL };

	assert_int_equal(run_argv(argv, NULL), -ENOENT);
	assert_int_equal(run_checked(argv, NULL), -ENOENT);
}

static void test_stdin_secret(void **state)
{
	/* A secret goes in on stdin; the child's argv never holds it. */
	struct strbuf out = STRBUF_INIT;
	struct run_opts o = { .out = &out, .input = "s3cret\nline2\n", .log_fd = -1 };
	char *argv[] = { "cat", NULL };

	assert_int_equal(run_argv(argv, &o), 0);
	assert_string_equal(out.buf, "s3cret\nline2\n");
	strbuf_release(&out);

	/* A big input does not deadlock against a child that writes back. */
	size_t n = 1 << 20;
	char *big = xmalloc(n + 1);
	memset(big, 'x', n);
	big[n] = '\0';
	struct run_opts o2 = { .out = &out, .input = big, .log_fd = -1 };
	assert_int_equal(run_argv(argv, &o2), 0);
	assert_int_equal(out.len, n);
	free(big);
	strbuf_release(&out);
}

static void test_clean_env(void **state)
{
	struct strbuf out = STRBUF_INIT;
	char *env[] = { "SLIPWAY_TEST=1", NULL };
	struct run_opts o = { .out = &out, .env = env, .log_fd = -1 };
	char *argv[] = { "env", NULL };

	setenv("SLIPWAY_LEAK", "should-not-appear", 1);
	assert_int_equal(run_argv(argv, &o), 0);
	assert_non_null(strstr(out.buf, "SLIPWAY_TEST=1\n"));
	assert_non_null(strstr(out.buf, "PATH="));
	assert_null(strstr(out.buf, "SLIPWAY_LEAK"));
	strbuf_release(&out);
}

struct capture_sink {
	struct event_sink base;
	struct strbuf text;
};

static void capture_emit(struct event_sink *s, const struct event *e)
{
	struct capture_sink *c = (struct capture_sink *)s;

	if (e->kind == EV_LOG)
		strbuf_addf(&c->text, "%s\n", e->msg);
}

static void test_output_logged(void **state)
{
	struct capture_sink c = { .base = { .emit = capture_emit, .max_level = LVL_DEBUG } };
	char *argv[] = { "sh", "-c", "echo one; echo two >&2; printf tail", NULL };

	event_sink_add(&c.base);
	assert_int_equal(run_argv(argv, NULL), 0);
	event_sinks_close();
	assert_non_null(strstr(c.text.buf, "sh: one\n"));
	assert_non_null(strstr(c.text.buf, "sh: two\n"));
	assert_non_null(strstr(c.text.buf, "sh: tail\n"));
	assert_non_null(strstr(c.text.buf, "running sh -c "));
	strbuf_release(&c.text);
}

static void test_argv_to_string(void **state)
{
	char *argv[] = { "mkfs.ext4", "-L", "my root", "/dev/loop0p3", NULL };
	_cleanup_free_ char *s = run_argv_to_string(argv);

	assert_string_equal(s, "mkfs.ext4 -L 'my root' /dev/loop0p3");
	_cleanup_free_ char *p = run_find_program("sh");
	assert_non_null(p);
	assert_null(run_find_program("slipway-no-such-program-xyz"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_and_status),
		cmocka_unit_test(test_missing_program),
		cmocka_unit_test(test_stdin_secret),
		cmocka_unit_test(test_clean_env),
		cmocka_unit_test(test_output_logged),
		cmocka_unit_test(test_argv_to_string),
	};
	return cmocka_run_group_tests_name("run", tests, NULL, NULL);
}
