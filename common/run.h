/* The one way slipway starts a child process (git's run-command): an argv
 * array, never a shell, output captured or sent to the log line by line,
 * exit status checked. Secrets go to the child on stdin, never in argv/env. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "strbuf.h"

struct run_opts {
	const char *root;         /* chroot into this directory first (NULL: none) */
	const char *cwd;          /* working directory, after the chroot */
	char *const *env;         /* extra NAME=VALUE entries (added to a clean env) */
	const char *input;        /* written to the child's stdin, then closed */
	size_t input_len;         /* 0: strlen(input) */
	struct strbuf *out;       /* capture stdout here (stderr goes to the log) */
	struct strbuf *err;       /* capture stderr here instead of logging it */
	bool quiet;               /* log output at debug level only (default: info) */
	bool inherit_stdio;       /* interactive: the child gets our terminal */
	/* > 0: also copy every output line (stdout and stderr, secrets
	 * redacted) to these fds; 0 (stdin, never a log) or -1 means none. */
	int log_fd, log_fd2;
	const char *name;         /* label of logged lines (default: argv[0]) */
};

/* Runs argv[0] (searched in PATH, or the root's PATH when chrooting) and
 * waits. Returns the exit status (0–255), 128+signal when killed, or a
 * negative errno when it could not be started. */
int run_argv(char *const *argv, const struct run_opts *o);
/* Like run_argv() but any non-zero status is logged as an error naming the
 * command and turned into -EIO (or the start error). */
int run_checked(char *const *argv, const struct run_opts *o);
/* Formats argv for messages: `mkfs.ext4 -L root /dev/loop0p3`. */
char *run_argv_to_string(char *const *argv);
/* Searches PATH for a program; returns an allocated path or NULL. */
char *run_find_program(const char *name);
