/* Small file helpers of the bootloader stage: directories, whole-file
 * writes and copies (kernels to /boot, grub modules, EFI binaries). */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "boot-internal.h"
#include "fault.h"

int boot_write_file(const char *root, const char *rel, const char *text, mode_t mode)
{
	_cleanup_free_ char *path = xasprintf("%s%s", root, rel);
	_cleanup_free_ char *dir = xstrdup(path);
	int r;

	*strrchr(dir, '/') = '\0';
	if ((r = mkdir_p(dir, 0755)) < 0)
		return log_error_errno(r, "bootloader: cannot create %s: %m", dir);
	if ((r = fault_inject("write")) < 0)
		return log_error_errno(r, "bootloader: cannot write %s: %m", path);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return log_error_errno(errno, "bootloader: cannot write %s: %m", path);
	if ((r = fd_write_all(fd, text, strlen(text))) < 0 || (fchmod(fd, mode) < 0 && (r = -errno)))
		return log_error_errno(r, "bootloader: cannot write %s: %m", path);
	return 0;
}

int boot_copy_file(const char *src, const char *dst, mode_t mode)
{
	_cleanup_close_ int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return log_error_errno(errno, "bootloader: cannot read %s: %m", src);
	_cleanup_close_ int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0)
		return log_error_errno(errno, "bootloader: cannot create %s: %m", dst);
	char buf[1 << 16];
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return log_error_errno(errno, "bootloader: cannot read %s: %m", src);
		if (n == 0)
			break;
		int r = fd_write_all(out, buf, (size_t)n);
		if (r < 0)
			return log_error_errno(r, "bootloader: cannot write %s: %m", dst);
	}
	return 0;
}

int boot_copy_dir_files(const char *src, const char *dst, const char *const *exts)
{
	_cleanup_(boot_closedirp) DIR *d = opendir(src);
	struct dirent *de;
	int r;

	if (!d)
		return log_error_errno(errno, "bootloader: cannot open %s: %m", src);
	if ((r = mkdir_p(dst, 0755)) < 0)
		return log_error_errno(r, "bootloader: cannot create %s: %m", dst);
	while ((de = readdir(d))) {
		bool want = false;
		for (const char *const *e = exts; *e && !want; e++)
			want = endswith(de->d_name, *e);
		if (!want || de->d_type == DT_DIR)
			continue;
		_cleanup_free_ char *s = xasprintf("%s/%s", src, de->d_name);
		_cleanup_free_ char *t = xasprintf("%s/%s", dst, de->d_name);
		if ((r = boot_copy_file(s, t, 0644)) < 0)
			return r;
	}
	return 0;
}
