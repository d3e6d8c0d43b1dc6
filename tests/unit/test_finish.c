/* Unit tests of installer/finish.c: which finish action applies (--finish,
 * then %addon org_slipway, then reboot/poweroff/halt/shutdown, then exit),
 * what image and directory installs make of power actions, the warnings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "event.h"
#include "installer/finish.h"
#include "kickstart/ks.h"
#include "strbuf.h"

static struct ks *load(const char *text)
{
	struct ks_diags d = {};
	struct ks *ks = NULL;

	assert_int_equal(ks_load_string("f.ks", text, NULL, &ks, &d), 0);
	ks_diags_free(&d);
	return ks;
}

struct capture_sink {
	struct event_sink base;
	struct strbuf text;
};

static void capture_emit(struct event_sink *s, const struct event *e)
{
	struct capture_sink *c = (struct capture_sink *)s;

	if (e->kind == EV_LOG && e->level == LVL_WARNING)
		strbuf_addf(&c->text, "%s\n", e->msg);
}

static void test_names(void **state)
{
	assert_int_equal(inst_finish_from_string("reboot"), FINISH_REBOOT);
	assert_int_equal(inst_finish_from_string("shell"), FINISH_SHELL);
	assert_int_equal(inst_finish_from_string("exit"), FINISH_EXIT);
	/* "default" is the internal "not given", never a value on the command line */
	assert_int_equal(inst_finish_from_string("default"), -EINVAL);
	assert_int_equal(inst_finish_from_string("dance"), -EINVAL);
	assert_string_equal(inst_finish_to_string(FINISH_HALT), "halt");
}

static void test_precedence(void **state)
{
	_cleanup_(ks_freep) struct ks *none = load("text\n");
	_cleanup_(ks_freep) struct ks *cmd = load("shutdown\n");
	_cleanup_(ks_freep) struct ks *halt = load("halt\n");
	_cleanup_(ks_freep) struct ks *both = load("reboot\n%addon org_slipway\nfinish shell\n%end\n");

	assert_int_equal(inst_finish_requested(none, FINISH_DEFAULT), FINISH_EXIT);
	/* pykickstart: shutdown is poweroff */
	assert_int_equal(inst_finish_requested(cmd, FINISH_DEFAULT), FINISH_POWEROFF);
	assert_int_equal(inst_finish_requested(halt, FINISH_DEFAULT), FINISH_HALT);
	/* the addon over the command, the command line over both */
	assert_int_equal(inst_finish_requested(both, FINISH_DEFAULT), FINISH_SHELL);
	assert_int_equal(inst_finish_requested(both, FINISH_EXIT), FINISH_EXIT);
	assert_int_equal(inst_finish_requested(none, FINISH_REBOOT), FINISH_REBOOT);
}

static void test_effective(void **state)
{
	struct capture_sink c = { .base = { .emit = capture_emit, .max_level = LVL_DEBUG } };
	_cleanup_(ks_freep) struct ks *ks = load("text\nreboot --eject --kexec\n");

	event_sink_add(&c.base);
	/* never the machine an image or a directory is built on */
	assert_int_equal(inst_finish_effective(ks, TARGET_IMAGE, FINISH_DEFAULT), FINISH_EXIT);
	assert_int_equal(inst_finish_effective(ks, TARGET_DIR, FINISH_POWEROFF), FINISH_EXIT);
	assert_int_equal(inst_finish_effective(ks, TARGET_IMAGE, FINISH_SHELL), FINISH_SHELL);
	assert_string_equal(c.text.buf,
			    "f.ks:2: reboot: ignored for image installs: slipway never reboots or powers off the "
			    "machine it builds on; it exits when done\n"
			    "install: --finish poweroff: ignored for directory installs: slipway never reboots or "
			    "powers off the machine it builds on; it exits when done\n");
	strbuf_reset(&c.text);
	assert_int_equal(inst_finish_effective(ks, TARGET_DISKS, FINISH_DEFAULT), FINISH_REBOOT);
	assert_non_null(strstr(c.text.buf, "f.ks:2: reboot: --kexec is not supported"));
	assert_non_null(strstr(c.text.buf, "f.ks:2: reboot: --eject is not supported"));
	/* their options do not matter when the command line decides */
	strbuf_reset(&c.text);
	assert_int_equal(inst_finish_effective(ks, TARGET_DISKS, FINISH_POWEROFF), FINISH_POWEROFF);
	assert_int_equal(c.text.len, 0);
	event_sinks_close();
	strbuf_release(&c.text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_effective),
	};
	return cmocka_run_group_tests_name("finish", tests, NULL, NULL);
}
