/* The one flag a signal sets during an install (see interrupt.h). */
#include <signal.h>
#include <stddef.h>

#include "interrupt.h"

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

void interrupt_catch(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int interrupt_signal(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	sigset_t pending;

	if (caught || sigpending(&pending) < 0)
		return caught;
	/* librpm blocks signals for a whole transaction: one waiting there
	 * counts now (the handler records it once rpm unblocks). */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigismember(&pending, sigs[i]))
			return sigs[i];
	return 0;
}
