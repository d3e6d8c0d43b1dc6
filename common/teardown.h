/* The teardown stack: every mount, LUKS mapping, loop device and temp file
 * an install creates is pushed here, and undone in reverse order on success,
 * failure or signal (DESIGN.md §1). */
#pragma once

#include "macros.h"

struct teardown;

typedef int (*teardown_fn)(void *data);

struct teardown *teardown_new(void);
/* Registers an undo step; what describes it in the log ("umount /mnt/sysroot").
 * free_data (may be NULL) releases data after the step ran or was dropped. */
void teardown_push(struct teardown *t, const char *what, teardown_fn fn, void *data,
		   void (*free_data)(void *));
/* Removes the most recent step without running it (the resource was handed
 * over or released normally). */
void teardown_pop_forget(struct teardown *t);
/* Runs every step in reverse order; failures are logged and the rest still
 * run. Returns 0 or the first error. */
int teardown_run(struct teardown *t);
/* Runs only the most recent step now (a mount that turned out not to be
 * needed). Returns its result; 0 when the stack is empty. */
int teardown_run_last(struct teardown *t);
size_t teardown_depth(const struct teardown *t);
void teardown_free(struct teardown *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct teardown *, teardown_free)
