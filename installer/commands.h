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
