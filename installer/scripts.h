/* Kickstart scripts (%pre, %pre-install, %post, %onerror, %traceback) as
 * Anaconda runs them: each body in a 0700 file run by its interpreter through
 * run.c, in the target (chroot) or the installer environment (DESIGN.md §5). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "kickstart/ks.h"

struct strbuf;
struct teardown;

struct inst_scripts_ctx {
	const char *target;  /* absolute: /mnt/sysroot or the --root DIR; ANA_INSTALL_PATH */
	const char *workdir; /* this install's host directory: host scripts' files and
			      * every script's log until they are copied into the target */
	struct teardown *td; /* %post: the chroot's API filesystem binds */
};

size_t inst_scripts_count(const struct ks *ks, enum ks_script_kind kind);
/* Runs the scripts of one kind in kickstart order. A failing script is
 * logged as "Error code N running the kickstart script at FILE:LINE" and the
 * next one runs; one with --erroronfail stops the run: -EIO. */
int inst_scripts_run(const struct ks *ks, enum ks_script_kind kind, const struct inst_scripts_ctx *c);
/* An install failed: %onerror, then the deprecated %traceback, in the
 * installer environment; their own failures are only logged. */
void inst_scripts_run_onerror(const struct ks *ks, const struct inst_scripts_ctx *c);
/* Copies the scripts' logs into TARGET/var/log/slipway/scripts/ (0600):
 * pre-1.log, pre-install-1.log, post-1.log, post-2.log… */
int inst_scripts_save_logs(const struct inst_scripts_ctx *c);
/* The plan's "scripts:" section (nothing without scripts). pre_ran: %pre
 * ran before planning (false: --dry-run, which runs none). */
void inst_scripts_print(const struct ks *ks, bool pre_ran, struct strbuf *out);

/* The host directory of one install (mode 0700, under $TMPDIR or /tmp). */
int inst_scripts_workdir_new(char **ret);
/* Removes it and the files in it. */
void inst_scripts_workdir_remove(const char *dir);
