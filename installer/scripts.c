/* Running kickstart scripts: the body in a 0700 file, the interpreter through
 * run.c (argv only, clean env + ANA_INSTALL_PATH), output to a per-script log,
 * the --log file and the install log; failures reported as Anaconda does. */
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>

#include "event.h"
#include "fault.h"
#include "fs.h"
#include "interrupt.h"
#include "run.h"
#include "scripts.h"
#include "strbuf.h"

/* "%post" → "post": the log and temp file names. */
static const char *kind_name(enum ks_script_kind kind)
{
	return ks_script_kind_to_string(kind) + 1;
}

static bool in_chroot(const struct ks_script *s)
{
	return s->kind == KS_SCRIPT_POST && !s->nochroot;
}

size_t inst_scripts_count(const struct ks *ks, enum ks_script_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < ks->script.n; i++)
		n += ks->script.v[i]->kind == kind;
	return n;
}

static int write_body(int fd, const char *path, const char *body)
{
	int r = fault_inject("script") ?: fd_write_all(fd, body, strlen(body));

	if (r < 0 || (fchmod(fd, 0700) < 0 && (r = -errno)))
		return log_error_errno(r, "cannot write the script %s: %m", path);
	return 0;
}

/* The body goes where the interpreter can read it: the target's /tmp for a
 * chrooted script (as Anaconda), the workdir otherwise. *ret_exec is the
 * path the interpreter is given. */
static int make_script_file(const struct ks_script *s, unsigned idx, const struct inst_scripts_ctx *c,
			    char **ret_host, const char **ret_exec)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	if (in_chroot(s)) {
		_cleanup_free_ char *tmp = xasprintf("%s/tmp", c->target);
		if (mkdir(tmp, 0755) == 0)
			chmod(tmp, 01777);
		path = xasprintf("%s/tmp/ks-script-XXXXXX", c->target);
		fd = mkostemp(path, O_CLOEXEC);
	} else {
		path = xasprintf("%s/ks-script-%s-%u", c->workdir, kind_name(s->kind), idx);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	}
	if (fd < 0)
		return log_error_errno(errno, "cannot create a file for the script at %s:%u: %m", s->loc.file,
				       s->loc.line);
	if ((r = write_body(fd, path, strempty(s->body))) < 0) {
		unlink(path);
		return r;
	}
	*ret_exec = in_chroot(s) ? path + strlen(c->target) : path;
	*ret_host = TAKE_PTR(path);
	return 0;
}

/* --log: a path inside the target for a chrooted script, a host path for
 * the others (Anaconda's rule); its directory is created. */
static int open_user_log(const struct ks_script *s, const struct inst_scripts_ctx *c, int *ret)
{
	_cleanup_free_ char *path = NULL;
	int r;

	*ret = -1;
	if (isempty(s->log))
		return 0;
	path = in_chroot(s) ? xasprintf("%s/%s", c->target, s->log) : xstrdup(s->log);
	_cleanup_free_ char *dir = xstrdup(path);
	if ((r = mkdir_p(dirname(dir), 0755)) < 0)
		return log_error_errno(r, "%s:%u: --log %s: cannot create its directory: %m", s->loc.file,
				       s->loc.line, s->log);
	*ret = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (*ret < 0)
		return log_error_errno(errno, "%s:%u: --log %s: %m", s->loc.file, s->loc.line, s->log);
	return 0;
}

static int open_script_log(const struct ks_script *s, unsigned idx, const struct inst_scripts_ctx *c, int *ret)
{
	_cleanup_free_ char *path = xasprintf("%s/%s-%u.log", c->workdir, kind_name(s->kind), idx);

	*ret = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	return *ret < 0 ? log_error_errno(errno, "cannot create %s: %m", path) : 0;
}

/* Returns the script's exit status (127 when the interpreter could not be
 * started, as a shell says), or a negative errno when slipway could not
 * prepare it. */
static int run_script(const struct ks_script *s, unsigned idx, const struct inst_scripts_ctx *c)
{
	_cleanup_free_ char *host = NULL, *env_path = xasprintf("ANA_INSTALL_PATH=%s", c->target);
	_cleanup_free_ char *label = xasprintf("%s %s:%u", ks_script_kind_to_string(s->kind), s->loc.file,
					       s->loc.line);
	_cleanup_close_ int log_fd = -1, user_fd = -1;
	const char *exec_path = NULL;
	int r;

	if ((r = open_script_log(s, idx, c, &log_fd)) < 0 || (r = open_user_log(s, c, &user_fd)) < 0 ||
	    (r = make_script_file(s, idx, c, &host, &exec_path)) < 0)
		return r;
	log_info("running the %s script at %s:%u (%s, %s)", ks_script_kind_to_string(s->kind), s->loc.file,
		 s->loc.line, s->interpreter, in_chroot(s) ? "in the target" : "in the installer environment");
	char *argv[] = { s->interpreter, (char *)exec_path, NULL };
	char *env[] = { env_path, NULL };
	r = run_argv(argv, &(struct run_opts){ .root = in_chroot(s) ? c->target : NULL, .cwd = "/", .env = env,
					      .log_fd = log_fd, .log_fd2 = user_fd, .name = label });
	unlink(host);
	if (r < 0) {
		log_error_errno(r, "%s: cannot start %s: %m", label, s->interpreter);
		return 127;
	}
	return r;
}

/* idx: the script's number among those of its kind, from 1. */
static int run_one(const struct ks_script *s, unsigned idx, const struct inst_scripts_ctx *c, bool failing)
{
	int r = run_script(s, idx, c);

	if (r < 0 && (!s->erroronfail || failing))
		return 0; /* slipway's own failure to prepare it, already logged */
	if (r <= 0)
		return r;
	if (s->erroronfail && !failing) {
		log_error("Error code %d running the kickstart script at %s:%u (--erroronfail: the install "
			  "stops)", r, s->loc.file, s->loc.line);
		return -EIO;
	}
	log_warning("Error code %d running the kickstart script at %s:%u", r, s->loc.file, s->loc.line);
	return 0;
}

static bool any_chrooted(const struct ks *ks, enum ks_script_kind kind)
{
	for (size_t i = 0; i < ks->script.n; i++)
		if (ks->script.v[i]->kind == kind && in_chroot(ks->script.v[i]))
			return true;
	return false;
}

static int run_kind(const struct ks *ks, enum ks_script_kind kind, const struct inst_scripts_ctx *c, bool failing)
{
	unsigned idx = 0;
	int r;

	for (size_t i = 0; i < ks->script.n; i++) {
		if (ks->script.v[i]->kind != kind)
			continue;
		if (interrupt_signal())
			return log_error("interrupted by signal %d; no more %s scripts", interrupt_signal(),
					 ks_script_kind_to_string(kind)), -EINTR;
		if ((r = run_one(ks->script.v[i], ++idx, c, failing)) < 0)
			return r;
	}
	return 0;
}

int inst_scripts_run(const struct ks *ks, enum ks_script_kind kind, const struct inst_scripts_ctx *c)
{
	size_t n_bound = 0;
	int r;

	if (!any_chrooted(ks, kind))
		return run_kind(ks, kind, c, false);
	/* Chrooted %post sees /dev /proc /sys /run, as package scriptlets do. */
	if ((r = mount_api_filesystems(c->target, c->td, &n_bound)) < 0)
		return r; /* the binds made so far are on td */
	if ((r = run_kind(ks, kind, c, false)) < 0)
		return r; /* teardown unmounts them, in order with the rest */
	return umount_api_filesystems(c->target, c->td, n_bound);
}

void inst_scripts_run_onerror(const struct ks *ks, const struct inst_scripts_ctx *c)
{
	run_kind(ks, KS_SCRIPT_ONERROR, c, true);
	run_kind(ks, KS_SCRIPT_TRACEBACK, c, true);
}

static int save_log(const char *from, const char *to)
{
	struct strbuf text = STRBUF_INIT;
	int r = strbuf_read_file(&text, from);

	if (r >= 0)
		r = file_write(to, text.buf ? text.buf : "", text.len, 0600);
	strbuf_release(&text);
	return r < 0 ? log_error_errno(r, "cannot copy the script log %s to %s: %m", from, to) : 0;
}

int inst_scripts_save_logs(const struct inst_scripts_ctx *c)
{
	_cleanup_free_ char *dir = xasprintf("%s/var/log/slipway/scripts", c->target);
	DIR *d = opendir(c->workdir);
	struct dirent *e;
	int r = 0;

	if (!d)
		return log_error_errno(errno, "cannot read %s: %m", c->workdir);
	while ((e = readdir(d)) && r >= 0) {
		if (!endswith(e->d_name, ".log"))
			continue;
		if ((r = mkdir_p(dir, 0700)) < 0) {
			log_error_errno(r, "cannot create %s: %m", dir);
			break;
		}
		_cleanup_free_ char *from = xasprintf("%s/%s", c->workdir, e->d_name);
		_cleanup_free_ char *to = xasprintf("%s/%s", dir, e->d_name);
		r = save_log(from, to);
	}
	closedir(d);
	return r;
}

void inst_scripts_print(const struct ks *ks, bool pre_ran, struct strbuf *out)
{
	size_t pre = inst_scripts_count(ks, KS_SCRIPT_PRE);

	if (ks->script.n == 0)
		return;
	strbuf_adds(out, "scripts:\n");
	if (pre > 0 && pre_ran)
		strbuf_addf(out, "  %%pre scripts ran: %zu (before planning)\n", pre);
	else if (pre > 0)
		strbuf_addf(out, "  %%pre scripts would run: %zu (--dry-run runs none: the plan is made "
				 "without what they write)\n", pre);
	for (size_t i = 0; i < ks->script.n; i++) {
		const struct ks_script *s = ks->script.v[i];
		strbuf_addf(out, "  %s at %s:%u: %s, %s", ks_script_kind_to_string(s->kind), s->loc.file,
			    s->loc.line, s->interpreter,
			    in_chroot(s) ? "chrooted into the target" : "in the installer environment");
		if (s->erroronfail)
			strbuf_adds(out, ", --erroronfail");
		if (s->log)
			strbuf_addf(out, ", --log %s", s->log);
		strbuf_addch(out, '\n');
	}
}

int inst_scripts_workdir_new(char **ret)
{
	_cleanup_free_ char *dir = NULL;
	int r = tmpdir_new("slipway-scripts", &dir);

	if (r < 0)
		return log_error_errno(r, "cannot create %s: %m", dir);
	*ret = TAKE_PTR(dir);
	return 0;
}

void inst_scripts_workdir_remove(const char *dir)
{
	DIR *d;
	struct dirent *e;

	if (!dir || !(d = opendir(dir)))
		return;
	while ((e = readdir(d)))
		if (!streq(e->d_name, ".") && !streq(e->d_name, "..") && unlinkat(dirfd(d), e->d_name, 0) < 0)
			log_debug_errno(errno, "cannot remove %s/%s: %m", dir, e->d_name);
	closedir(d);
	if (rmdir(dir) < 0)
		log_debug_errno(errno, "cannot remove %s: %m", dir);
}
