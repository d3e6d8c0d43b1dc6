/* The subcommands of the CLI (DESIGN.md §3); each returns an exit code. */
#pragma once

#include <stdbool.h>

/* Exit codes (README "Exit codes"). */
enum {
	EXIT_DONE = 0,
	EXIT_FAILED = 1,
	EXIT_USAGE = 2,
	EXIT_REFUSED = 3,
	EXIT_SIGINT = 130,
	EXIT_SIGTERM = 143,
};

int inst_cmd_validate(int argc, char **argv);
int inst_cmd_ks(int argc, char **argv);
int inst_cmd_install(int argc, char **argv);
int inst_cmd_boot(int argc, char **argv);

struct inst_repo;
/* What the installer media add to a kickstart (`slipway boot`). */
struct inst_install_defaults {
	const struct inst_repo *repo; /* the source when the kickstart names none */
	const char *repo_what;        /* for the log: "inst.repo=http://…" */
	bool mbr;                     /* inst.disklabel=mbr */
};
/* `slipway install` with those defaults (NULL: none). */
int inst_install_main(int argc, char **argv, const struct inst_install_defaults *defaults);
int inst_cmd_disks(int argc, char **argv);
int inst_cmd_tui(int argc, char **argv);

/* A log file in /var/tmp, added as a sink (what a failed install leaves and
 * what is copied into the target); NULL when it cannot be created. */
char *inst_default_log(void);
