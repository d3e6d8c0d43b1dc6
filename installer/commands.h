/* The subcommands of the CLI (DESIGN.md §3); each returns an exit code. */
#pragma once

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
int inst_cmd_disks(int argc, char **argv);
int inst_cmd_tui(int argc, char **argv);

/* A log file in /var/tmp, added as a sink (what a failed install leaves and
 * what is copied into the target); NULL when it cannot be created. */
char *inst_default_log(void);
