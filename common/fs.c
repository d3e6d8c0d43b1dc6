/* Directory trees and the API filesystems inside a target. */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "event.h"
#include "fs.h"
#include "teardown.h"

static const char *const api_dirs[] = { "/dev", "/proc", "/sys", "/run" };

int mkdir_p(const char *path, mode_t mode)
{
	_cleanup_free_ char *p = xstrdup(path);

	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST)
				return -errno;
			*s = '/';
		}
	return mkdir(p, mode) < 0 && errno != EEXIST ? -errno : 0;
}

int fd_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w, n -= (size_t)w;
	}
	return 0;
}

int file_write(const char *path, const char *data, size_t len, mode_t mode)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	int r;

	if (fd < 0 || fchmod(fd, mode) < 0)
		return -errno;
	if ((r = fd_write_all(fd, data, len)) < 0)
		return r;
	return close(TAKE_FD(fd)) < 0 ? -errno : 0;
}

int tmpdir_new(const char *name, char **ret)
{
	const char *tmp = getenv("TMPDIR");

	*ret = xasprintf("%s/%s.XXXXXX", isempty(tmp) ? "/var/tmp" : tmp, name);
	return mkdtemp(*ret) ? 0 : -errno;
}

static int umount_detach(void *data)
{
	if (umount2(data, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return -errno;
	return 0;
}

int mount_api_filesystems(const char *root, struct teardown *td, size_t *n_bound)
{
	int r;

	*n_bound = 0;
	for (size_t i = 0; i < ELEMENTSOF(api_dirs); i++) {
		_cleanup_free_ char *dst = xasprintf("%s%s", root, api_dirs[i]);
		if ((r = mkdir_p(dst, 0755)) < 0)
			return log_error_errno(r, "cannot create %s: %m", dst);
		if (mount(api_dirs[i], dst, NULL, MS_BIND | MS_REC, NULL) < 0)
			return log_error_errno(errno, "cannot bind %s on %s: %m", api_dirs[i], dst);
		/* Our mounts must not propagate back to the host's /dev, /run… */
		if (mount(NULL, dst, NULL, MS_REC | MS_SLAVE, NULL) < 0)
			log_debug_errno(errno, "cannot make %s a slave mount: %m", dst);
		_cleanup_free_ char *what = xasprintf("umount %s", dst);
		teardown_push(td, what, umount_detach, TAKE_PTR(dst), free);
		(*n_bound)++;
	}
	return 0;
}

int umount_api_filesystems(const char *root, struct teardown *td, size_t n_bound)
{
	int r = 0;

	for (size_t i = n_bound; i > 0; i--) {
		_cleanup_free_ char *dst = xasprintf("%s%s", root, api_dirs[i - 1]);
		if (umount2(dst, MNT_DETACH) < 0 && errno != EINVAL && r == 0)
			r = log_error_errno(errno, "cannot unmount %s: %m", dst);
		teardown_pop_forget(td);
	}
	return r;
}
