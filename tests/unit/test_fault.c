/* Unit tests of common/fault.c: which call of which point fails, with
 * which errno, and that a malformed SLIPWAY_FAULT fails loudly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "event.h"
#include "fault.h"
#include "interrupt.h"

static void with_spec(const char *spec)
{
	if (spec)
		setenv("SLIPWAY_FAULT", spec, 1);
	else
		unsetenv("SLIPWAY_FAULT");
	fault_reset();
}

/* Calls point n times; each result must be want[i] (0 or a negative errno). */
static void expect_calls(const char *point, unsigned n, const int *want)
{
	for (unsigned i = 0; i < n; i++) {
		int r = fault_inject(point);
		if (r != want[i])
			fail_msg("SLIPWAY_FAULT=%s: call %u of %s: expected %d, got %d",
				 getenv("SLIPWAY_FAULT"), i + 1, point, want[i], r);
	}
}

static void test_fault_unset(void **state)
{
	with_spec(NULL);
	expect_calls("mount", 5, (int[]){ 0, 0, 0, 0, 0 });
	with_spec("");
	expect_calls("mkfs", 3, (int[]){ 0, 0, 0 });
}

static void test_fault_nth(void **state)
{
	with_spec("mount:2,mkfs");
	expect_calls("mount", 4, (int[]){ 0, -EIO, 0, 0 });
	expect_calls("mkfs", 3, (int[]){ -EIO, 0, 0 });
	/* other points count separately and never fail */
	expect_calls("crypt", 3, (int[]){ 0, 0, 0 });
}

static void test_fault_onward_and_errno(void **state)
{
	with_spec("download:3+,write:1:ENOSPC,rpm:2:28");
	expect_calls("download", 5, (int[]){ 0, 0, -EIO, -EIO, -EIO });
	expect_calls("write", 2, (int[]){ -ENOSPC, 0 });
	expect_calls("rpm", 3, (int[]){ 0, -ENOSPC, 0 });
	/* fault_reset() starts the counters again */
	fault_reset();
	expect_calls("write", 1, (int[]){ -ENOSPC });
}

static void test_fault_malformed(void **state)
{
	static const char *const bad[] = {
		"mnt:1", "mount:0", "mount:x", "mount:1:EWHAT", "mount:1:0", "mount:1-", ":1", "mount:1:EIO:2",
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		with_spec(bad[i]);
		/* every point fails, so a typo in a test cannot pass silently */
		expect_calls("mkfs", 2, (int[]){ -EINVAL, -EINVAL });
	}
	with_spec(NULL);
	/* an unknown point is a programmer error, also loud */
	expect_calls("no-such-point", 1, (int[]){ -EINVAL });
}

/* SLIPWAY_FAULT_SIGNAL raises its signal at its boundary only; the installer's
 * handler records it (interrupt.c). */
static void test_fault_signal(void **state)
{
	interrupt_catch();
	setenv("SLIPWAY_FAULT_SIGNAL", "payload:HUP", 1);
	fault_signal("storage");
	fault_signal("pay");
	assert_int_equal(interrupt_signal(), 0);
	setenv("SLIPWAY_FAULT_SIGNAL", "payload:BOGUS", 1);
	fault_signal("payload");
	assert_int_equal(interrupt_signal(), 0);
	setenv("SLIPWAY_FAULT_SIGNAL", "payload:HUP", 1);
	fault_signal("payload");
	assert_int_equal(interrupt_signal(), SIGHUP);
	unsetenv("SLIPWAY_FAULT_SIGNAL");
}

/* A signal blocked by a library (librpm blocks them for a whole
 * transaction) counts while it waits. */
static void test_interrupt_pending(void **state)
{
	int status;
	pid_t pid = fork(); /* the flag is sticky: a child keeps this process's clean */

	assert_true(pid >= 0);
	if (pid == 0) {
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigprocmask(SIG_BLOCK, &set, NULL);
		int before = interrupt_signal();
		raise(SIGTERM);
		_exit(before == 0 && interrupt_signal() == SIGTERM ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_unset),
		cmocka_unit_test(test_fault_nth),
		cmocka_unit_test(test_fault_onward_and_errno),
		cmocka_unit_test(test_fault_malformed),
		cmocka_unit_test(test_interrupt_pending),
		cmocka_unit_test(test_fault_signal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
