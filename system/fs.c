/* Files in the target root: paths, mkdir -p, atomic writes (temporary file +
 * rename, mode and owner set before the rename), symlinks, and running the
 * target's own tools chrooted. */
#include <fcntl.h>
#include <sys/stat.h>

#include "fs.h"
#include "sysconf-internal.h"
#include "fault.h"

char *sysconf_path(const char *root, const char *path)
{
	while (*path == '/')
		path++;
	return xasprintf("%s/%s", root, path);
}

bool sysconf_exists(const char *root, const char *path)
{
	_cleanup_free_ char *p = sysconf_path(root, path);
	struct stat st;

	return lstat(p, &st) == 0;
}

int sysconf_mkdir_p(const char *root, const char *dir, mode_t mode)
{
	_cleanup_free_ char *p = sysconf_path(root, dir);
	int r = mkdir_p(p, mode);

	return r < 0 ? log_error_errno(r, "system: cannot create %s: %m", p) : 0;
}

static int parent_dir(const char *root, const char *path)
{
	_cleanup_free_ char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');

	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	return sysconf_mkdir_p(root, dir, 0755);
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t k = write(fd, data, len);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		data += k;
		len -= (size_t)k;
	}
	return 0;
}

int sysconf_write_file_full(const char *root, const char *path, const char *data, size_t len,
			    mode_t mode, uid_t uid, gid_t gid)
{
	_cleanup_free_ char *p = sysconf_path(root, path);
	_cleanup_free_ char *tmp = xasprintf("%s.slipway-XXXXXX", p);
	int r;

	if ((r = parent_dir(root, path)) < 0)
		return r;
	if ((r = fault_inject("write")) < 0)
		return log_error_errno(r, "system: cannot write %s: %m", p);
	_cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return log_error_errno(errno, "system: cannot create a temporary file for %s: %m",
				       p);
	if (fchmod(fd, mode) < 0 || (uid != SYSCONF_UID_KEEP && fchown(fd, uid, gid) < 0) ||
	    (r = write_all(fd, data, len)) < 0 || fsync(fd) < 0) {
		r = r < 0 ? r : -errno;
		unlink(tmp);
		return log_error_errno(r, "system: cannot write %s: %m", tmp);
	}
	if (rename(tmp, p) < 0) {
		r = -errno;
		unlink(tmp);
		return log_error_errno(r, "system: cannot rename %s to %s: %m", tmp, p);
	}
	log_debug("system: wrote %s", p);
	return 0;
}

int sysconf_symlink(const char *root, const char *path, const char *target)
{
	_cleanup_free_ char *p = sysconf_path(root, path);
	_cleanup_free_ char *tmp = xasprintf("%s.slipway-tmp", p);
	int r;

	if ((r = parent_dir(root, path)) < 0)
		return r;
	unlink(tmp);
	if (symlink(target, tmp) < 0)
		return log_error_errno(errno, "system: cannot create the symlink %s: %m", tmp);
	if (rename(tmp, p) < 0) {
		r = -errno;
		unlink(tmp);
		return log_error_errno(r, "system: cannot rename %s to %s: %m", tmp, p);
	}
	log_debug("system: %s -> %s", p, target);
	return 0;
}

int sysconf_read_file(const char *root, const char *path, struct strbuf *out)
{
	_cleanup_free_ char *p = sysconf_path(root, path);
	int r = strbuf_read_file(out, p);

	/* strbuf_read_fd() leaves an empty file's buffer unterminated */
	if (r >= 0 && out->buf)
		out->buf[out->len] = '\0';
	return r;
}

int sysconf_run(const char *root, char *const *argv)
{
	static char *const offline_env[] = {"SYSTEMD_OFFLINE=1", NULL};
	_cleanup_strbuf_ struct strbuf err = STRBUF_INIT;
	bool systemctl = endswith(argv[0], "systemctl");
	int r;

	/* stdout and stderr go to the debug log (systemctl complains about a
	 * missing /proc it does not need); stderr is shown when the tool fails */
	r = run_argv(argv, &(struct run_opts){.root = root,
					      .env = systemctl ? offline_env : NULL,
					      .err = &err,
					      .quiet = true,
					      .log_fd = -1});
	if (err.len > 0)
		log_debug("%s: %s", argv[0], err.buf);
	if (r == 0)
		return 0;
	_cleanup_free_ char *cmd = run_argv_to_string(argv);
	if (r < 0)
		return log_error_errno(r, "system: cannot run %s in %s: %m", cmd, root);
	_cleanup_strv_free_ char **lines = strv_split(strbuf_str(&err), "\n");
	STRV_FOREACH (l, lines)
		log_error("%s: %s", argv[0], *l);
	log_error("system: %s (in %s) failed with exit status %d", cmd, root, r);
	return -EIO;
}

static bool unit_exists(const char *root, const char *unit)
{
	static const char *const dirs[] = {"etc/systemd/system", "usr/lib/systemd/system",
					   "lib/systemd/system"};
	_cleanup_free_ char *name = xstrdup(unit);
	char *at = strchr(name, '@'), *dot = strrchr(name, '.');

	if (!dot) {
		free(name);
		name = xasprintf("%s.service", unit);
		at = strchr(name, '@');
		dot = strrchr(name, '.');
	}
	if (at && at + 1 != dot) /* an instance: look for the template */
		memmove(at + 1, dot, strlen(dot) + 1);
	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		_cleanup_free_ char *p = xasprintf("%s/%s", dirs[i], name);
		if (sysconf_exists(root, p))
			return true;
	}
	return false;
}

int sysconf_systemctl(const char *root, const char *verb, const char *unit, bool warn_missing)
{
	if (!unit_exists(root, unit)) {
		if (warn_missing)
			return log_warning("system: cannot %s %s: no such unit in the target", verb,
					   unit),
			       0;
		return log_error_errno(ENOENT, "system: cannot %s %s: no such unit in the target",
				       verb, unit);
	}
	char *argv[] = {"systemctl", (char *)verb, (char *)unit, NULL};
	int r = sysconf_run(root, argv);
	if (r == 0)
		log_info("system: %sd %s", verb, unit);
	return r;
}
