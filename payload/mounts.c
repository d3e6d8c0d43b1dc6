/* The API filesystems scriptlets need inside the target: /dev /proc /sys
 * /run bound in (recursively), each undone through the teardown stack. */
#include <sys/mount.h>

#include "payload-internal.h"
#include "teardown.h"

static int umount_detach(void *data)
{
	if (umount2(data, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return -errno;
	return 0;
}

int payload_bind_mounts(const char *root, struct teardown *td)
{
	static const char *const dirs[] = {"/dev", "/proc", "/sys", "/run"};
	int r;

	for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
		_cleanup_free_ char *dst = xasprintf("%s%s", root, dirs[i]);
		if ((r = payload_mkdir_p(dst, 0755)) < 0)
			return log_error_errno(r, "cannot create %s: %m", dst);
		if (mount(dirs[i], dst, NULL, MS_BIND | MS_REC, NULL) < 0)
			return log_error_errno(errno, "cannot bind %s on %s: %m", dirs[i], dst);
		/* Our mounts must not propagate back to the host's /dev, /run… */
		if (mount(NULL, dst, NULL, MS_REC | MS_SLAVE, NULL) < 0)
			log_debug_errno(errno, "cannot make %s a slave mount: %m", dst);
		_cleanup_free_ char *what = xasprintf("umount %s", dst);
		teardown_push(td, what, umount_detach, TAKE_PTR(dst), free);
	}
	return 0;
}
