/* Unit tests of common/run.c: argv without a shell, capture, stdin, status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>

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

static void read_fd(int fd, struct strbuf *sb)
{
	char buf[256];
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(sb, buf, (size_t)n);
}

/* Both log fds get every line of stdout and stderr, secrets redacted; the
 * logged lines carry the label; a zero-initialised log_fd is no log. */
static void test_log_fds(void **state)
{
	struct capture_sink c = { .base = { .emit = capture_emit, .max_level = LVL_DEBUG } };
	char a[] = "/tmp/slipway-test-run-a-XXXXXX", b[] = "/tmp/slipway-test-run-b-XXXXXX";
	_cleanup_close_ int fa = mkstemp(a), fb = mkstemp(b);
	char *argv[] = { "sh", "-c", "echo out hunter22; echo err >&2", NULL };
	struct strbuf got = STRBUF_INIT;

	assert_true(fa > 0 && fb > 0);
	unlink(a), unlink(b);
	secret_register("hunter22");
	event_sink_add(&c.base);
	struct run_opts o = { .log_fd = fa, .log_fd2 = fb, .name = "%post ks.cfg:3" };
	assert_int_equal(run_argv(argv, &o), 0);
	event_sinks_close();
	assert_non_null(strstr(c.text.buf, "%post ks.cfg:3: out [redacted]\n"));
	assert_non_null(strstr(c.text.buf, "%post ks.cfg:3: err\n"));
	for (int i = 0; i < 2; i++) {
		strbuf_reset(&got);
		read_fd(i ? fb : fa, &got);
		assert_non_null(strstr(strbuf_str(&got), "out [redacted]\n"));
		assert_non_null(strstr(strbuf_str(&got), "err\n"));
		assert_null(strstr(strbuf_str(&got), "hunter22"));
	}
	secrets_forget();
	/* Zero-initialised options log nowhere: fd 0 (here a pipe) gets nothing. */
	int p[2], saved = dup(0);
	char byte;
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	dup2(p[1], 0);
	assert_int_equal(run_argv(argv, &(struct run_opts){ .quiet = true }), 0);
	dup2(saved, 0);
	close(saved), close(p[1]);
	assert_int_equal(read(p[0], &byte, 1), 0);
	close(p[0]);
	strbuf_release(&got);
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
		cmocka_unit_test(test_log_fds),
		cmocka_unit_test(test_argv_to_string),
	};
	return cmocka_run_group_tests_name("run", tests, NULL, NULL);
}
