/* Apply: runs the stages of a complete plan in order, with teardown on every
 * exit path (DESIGN.md §1, §5). */
#pragma once

#include <stdbool.h>

#include "plan.h"

struct plan;
struct plan_target;

/* Where the target is mounted in slipway's own mount namespace (Anaconda's
 * path: kickstarts rely on it in %post --nochroot and --log). */
#define INST_SYSROOT "/mnt/sysroot"

struct inst_run_opts {
	bool yes;            /* --yes: no confirmation before erasing disks */
	const char *log;     /* the install log file, copied into the target */
	const char *workdir; /* the scripts' host directory (scripts.h) */
	/* The TUI: asks for the finish action once the system is installed
	 * (the target still mounted; asked again after the shell), and hands
	 * the terminal over around the shell. NULL: the plan's finish. */
	enum inst_finish (*ask_finish)(void *data, bool image);
	void (*suspend)(void *data);
	void (*resume)(void *data);
	void *data;
};

/* Catches SIGINT/SIGTERM/SIGHUP and enters slipway's private mount
 * namespace: once per install, before the first %pre script, so that what
 * %pre mounts is seen by the install and dies with slipway. */
int inst_pipeline_prepare(void);
/* The target's path: INST_SYSROOT, or the --root DIR. */
const char *inst_pipeline_target(const struct plan_target *t);

/* Runs the plan (after inst_pipeline_prepare()). Returns 0, -EINTR when a signal stopped it (see
 * interrupt_signal()), -ECANCELED when the operator declined, or the
 * failing stage's error. Everything mounted, opened or attached is undone. */
int inst_pipeline_run(struct plan *p, const struct inst_run_opts *o);
