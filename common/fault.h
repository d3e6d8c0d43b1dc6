/* Fault injection for the tests (issue 12): SLIPWAY_FAULT=NAME[:N[+][:ERRNO]],…
 * makes the Nth call (or, with "+", the Nth and every later call) of
 * fault_inject(NAME) fail, so each error path runs on a real machine. */
#pragma once

/* The release binary (make static) has no fault injection: an environment
 * variable must never be able to break a real install. */
#if defined(SLIPWAY_STATIC) && !defined(SLIPWAY_FAULT_INJECTION)
static inline int fault_inject(const char *name)
{
	(void)name;
	return 0;
}
static inline void fault_reset(void)
{
}
static inline void fault_signal(const char *where)
{
	(void)where;
}
#define FAULT_INJECTION_ENABLED 0
#else
/* Returns 0, or the negative errno this call must fail with (EIO unless the
 * spec names another), after logging a warning that says the failure is
 * injected. A malformed SLIPWAY_FAULT or an unknown NAME fails every call
 * with -EINVAL, so a typo in a test cannot pass silently. */
int fault_inject(const char *name);
/* Forgets the counters and re-reads SLIPWAY_FAULT (for the unit tests). */
void fault_reset(void);
/* SLIPWAY_FAULT_SIGNAL=WHERE:SIG raises SIG (INT, TERM, HUP, … or a number)
 * when the install reaches the stage boundary WHERE, so a signal can arrive
 * exactly between two stages; a malformed SIG is logged and raises nothing. */
void fault_signal(const char *where);
#define FAULT_INJECTION_ENABLED 1
#endif
