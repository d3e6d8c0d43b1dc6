/* Child processes: fork, optional chroot, exec without a shell, pump the
 * child's stdin/stdout/stderr with poll(), log output line by line. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>

#include "event.h"
#include "run.h"
#include "strv.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

char *run_argv_to_string(char *const *argv)
{
	struct strbuf sb = STRBUF_INIT;

	STRV_FOREACH(a, argv) {
		if (a != argv)
			strbuf_addch(&sb, ' ');
		strbuf_add_quoted(&sb, *a);
	}
	return strbuf_detach(&sb);
}

char *run_find_program(const char *name)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	const char *path = getenv("PATH");
	_cleanup_strv_free_ char **dirs = strv_split(path ? path : DEFAULT_PATH, ":");
	STRV_FOREACH(d, dirs) {
		char *p = xasprintf("%s/%s", *d, name);
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

static _noreturn_ void child(char *const *argv, const struct run_opts *o, int in, int out, int err,
			     int errpipe)
{
	_cleanup_strv_free_ char **env = NULL;
	int e;

	if (!o->inherit_stdio) {
		if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
			goto fail;
	}
	/* The parent may ignore signals; children start with defaults. */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigset_t all;
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (o->root && (chroot(o->root) < 0 || chdir("/") < 0))
		goto fail;
	if (o->cwd && chdir(o->cwd) < 0)
		goto fail;
	/* A clean environment: nothing of ours leaks into the child. */
	strv_extend(&env, "PATH=" DEFAULT_PATH, "LC_ALL=C.UTF-8", "HOME=/root", NULL);
	const char *term = getenv("TERM");
	if (term)
		strv_pushf(&env, "TERM=%s", term);
	strv_extend_strv(&env, o->env);
	environ = env;
	execvp(argv[0], argv);
fail:
	e = errno;
	(void)!write(errpipe, &e, sizeof(e));
	_exit(127);
}

struct pump {
	int fd;
	struct strbuf line; /* partial line awaiting its newline */
	struct strbuf *capture;
	enum log_level level;
};

static void copy_line(const struct run_opts *o, const char *line, size_t n)
{
	_cleanup_free_ char *raw = xstrndup(line, n);
	_cleanup_free_ char *text = secret_redact(raw);
	size_t len = strlen(text);
	for (int i = 0; i < 2; i++) {
		int fd = i == 0 ? o->log_fd : o->log_fd2;
		if (fd > 0) {
			(void)!write(fd, text, len);
			(void)!write(fd, "\n", 1);
		}
	}
}

static void pump_flush_line(struct pump *p, const struct run_opts *o, const char *name, bool all)
{
	char *nl;

	if (!p->line.buf)
		return;
	while ((nl = memchr(p->line.buf, '\n', p->line.len)) || (all && p->line.len > 0)) {
		size_t n = nl ? (size_t)(nl - p->line.buf) : p->line.len;
		if (!p->capture)
			log_full(p->level, 0, "%s: %.*s", name, (int)n, p->line.buf);
		if (o->log_fd > 0 || o->log_fd2 > 0)
			copy_line(o, p->line.buf, n);
		size_t skip = nl ? n + 1 : n;
		memmove(p->line.buf, p->line.buf + skip, p->line.len - skip + 1);
		p->line.len -= skip;
	}
}

static int pump_read(struct pump *p, const struct run_opts *o, const char *name)
{
	char buf[8192];
	ssize_t n = read(p->fd, buf, sizeof(buf));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	if (n == 0)
		return 0;
	if (p->capture)
		strbuf_add(p->capture, buf, (size_t)n);
	if (!p->capture || o->log_fd > 0 || o->log_fd2 > 0) {
		strbuf_add(&p->line, buf, (size_t)n);
		pump_flush_line(p, o, name, false);
	}
	return 1;
}

static int pump_all(int in, struct pump *pumps, const struct run_opts *o, const char *name)
{
	const char *input = o->input;
	size_t left = input ? (o->input_len ? o->input_len : strlen(input)) : 0;

	if (in >= 0 && left == 0)
		in = (close(in), -1);
	if (in >= 0)
		fcntl(in, F_SETFL, fcntl(in, F_GETFL) | O_NONBLOCK);
	for (;;) {
		struct pollfd pfd[3];
		struct pump *who[3] = {};
		int n = 0;
		for (int i = 0; i < 2; i++)
			if (pumps[i].fd >= 0) {
				who[n] = &pumps[i];
				pfd[n++] = (struct pollfd){ .fd = pumps[i].fd, .events = POLLIN };
			}
		if (in >= 0)
			pfd[n++] = (struct pollfd){ .fd = in, .events = POLLOUT };
		if (n == 0)
			break;
		if (poll(pfd, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < n; i++) {
			if (!pfd[i].revents)
				continue;
			if (who[i]) {
				if (pump_read(who[i], o, name) <= 0) {
					pump_flush_line(who[i], o, name, true);
					close(who[i]->fd);
					who[i]->fd = -1;
				}
				continue;
			}
			ssize_t w = write(in, input, left);
			if (w < 0 && errno != EAGAIN && errno != EINTR)
				left = 0; /* the child closed stdin: stop feeding it */
			else if (w > 0)
				input += w, left -= (size_t)w;
			if (left == 0)
				in = (close(in), -1);
		}
	}
	return 0;
}

static int make_pipe(int p[2])
{
	return pipe2(p, O_CLOEXEC) < 0 ? -errno : 0;
}

int run_argv(char *const *argv, const struct run_opts *o)
{
	static const struct run_opts defaults = { .log_fd = -1 };
	int fds[4][2] = { { -1, -1 }, { -1, -1 }, { -1, -1 }, { -1, -1 } };
	int *pin = fds[0], *pout = fds[1], *perr = fds[2], *pexec = fds[3];
	_cleanup_free_ char *cmd = NULL;
	int r, status, e = 0;

	if (!o)
		o = &defaults;
	if (!argv || !argv[0])
		return -EINVAL;
	cmd = run_argv_to_string(argv);
	log_debug("running %s%s%s", cmd, o->root ? " in " : "", o->root ? o->root : "");

	if ((r = make_pipe(pexec)) < 0 ||
	    (!o->inherit_stdio && ((r = make_pipe(pin)) < 0 || (r = make_pipe(pout)) < 0 ||
				   (r = make_pipe(perr)) < 0)))
		goto out_close;

	pid_t pid = fork();
	if (pid < 0) {
		r = -errno;
		goto out_close;
	}
	if (pid == 0)
		child(argv, o, pin[0], pout[1], perr[1], pexec[1]);

	close(pexec[1]), pexec[1] = -1;
	if (!o->inherit_stdio) {
		close(pin[0]), close(pout[1]), close(perr[1]);
		pin[0] = pout[1] = perr[1] = -1;
		signal(SIGPIPE, SIG_IGN);
		struct pump pumps[2] = {
			{ .fd = pout[0], .line = STRBUF_INIT, .capture = o->out,
			  .level = o->quiet ? LVL_DEBUG : LVL_INFO },
			{ .fd = perr[0], .line = STRBUF_INIT, .capture = o->err,
			  .level = o->quiet ? LVL_DEBUG : LVL_INFO },
		};
		pout[0] = perr[0] = -1;
		r = pump_all(TAKE_FD(pin[1]), pumps, o, o->name ? o->name : argv[0]);
		strbuf_release(&pumps[0].line);
		strbuf_release(&pumps[1].line);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			r = -errno;
			goto out_close;
		}
	if (read(pexec[0], &e, sizeof(e)) == sizeof(e)) {
		r = log_debug_errno(e, "%s: cannot start: %m", argv[0]);
		goto out_close;
	}
	if (r >= 0)
		r = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
out_close:
	for (size_t i = 0; i < ELEMENTSOF(fds); i++)
		closep(&fds[i][0]), closep(&fds[i][1]);
	return r;
}

int run_checked(char *const *argv, const struct run_opts *o)
{
	int r = run_argv(argv, o);

	if (r < 0)
		return log_error_errno(r, "cannot run %s: %m", argv[0]);
	if (r > 0) {
		_cleanup_free_ char *cmd = run_argv_to_string(argv);
		if (r > 128)
			log_error("%s was killed by signal %d", cmd, r - 128);
		else
			log_error("%s failed with exit status %d", cmd, r);
		return -EIO;
	}
	return 0;
}
