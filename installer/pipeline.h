/* Apply: runs the stages of a complete plan in order, with teardown on every
 * exit path (DESIGN.md §1, §5). */
#pragma once

#include <stdbool.h>

struct plan;

struct inst_run_opts {
	bool yes;        /* --yes: no confirmation before erasing disks */
	const char *log; /* the install log file, copied into the target */
};

/* Runs the plan. Returns 0, -EINTR when a signal stopped it (see
 * inst_pipeline_signal()), -ECANCELED when the operator declined, or the
 * failing stage's error. Everything mounted, opened or attached is undone. */
int inst_pipeline_run(struct plan *p, const struct inst_run_opts *o);
/* The signal that interrupted the last run, or 0. */
int inst_pipeline_signal(void);
