/* The image file of an install, checked at plan time: only a regular file
 * that no loop device holds may be used, so image mode never writes a
 * block device or an image another process has attached. */
#include <dirent.h>
#include <sys/stat.h>

#include "event.h"
#include "part.h"

/* The loop device backed by path, or NULL (/sys/block/loopN/loop/backing_file). */
static char *loop_holding(const char *sysfs, const char *path)
{
	_cleanup_free_ char *real = realpath(path, NULL);
	_cleanup_free_ char *dir = xasprintf("%s/block", sysfs);
	DIR *d = opendir(dir);
	struct dirent *de;
	char *found = NULL;

	while (real && d && !found && (de = readdir(d))) {
		if (!startswith(de->d_name, "loop"))
			continue;
		_cleanup_free_ char *f = xasprintf("%s/%s/loop/backing_file", dir, de->d_name);
		_cleanup_fclose_ FILE *fp = fopen(f, "re");
		char line[4096];
		if (!fp || !fgets(line, sizeof(line), fp))
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (streq(line, real))
			found = xasprintf("/dev/%s", de->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

int part_image_target_check(const char *sysfs, const char *path, uint64_t *size)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno != ENOENT) /* a bad argument (exit 2) whatever the cause */
			return log_error_errno(errno, "storage: --image %s: %m", path), -EINVAL;
		if (*size == 0)
			return log_error_errno(EINVAL, "storage: --image %s does not exist: --size is needed to create it",
					       path);
		/* the file is created after the download: its directory must be there now */
		_cleanup_free_ char *dir = xstrdup(path);
		char *slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		if (slash && stat(dir, &st) < 0)
			return log_error_errno(errno, "storage: --image %s: cannot create it in %s: %m", path, dir),
			       -EINVAL;
		return 0;
	}
	if (!S_ISREG(st.st_mode))
		return log_error_errno(EINVAL, "storage: --image %s is not a regular file; image mode writes only "
					       "files (to install on a disk, leave --image out)", path);
	_cleanup_free_ char *loop = loop_holding(sysfs, path);
	if (loop)
		return log_error_errno(EBUSY, "storage: --image %s: refusing to use it: %s is attached to it (in use)",
				       path, loop);
	if (*size == 0) {
		if (st.st_size == 0)
			return log_error_errno(EINVAL, "storage: --image %s is empty: give --size", path);
		*size = (uint64_t)st.st_size;
	}
	return 0;
}
