/* Mounts the new filesystems under the sysroot with libmount, parents
 * first, each one pushed on the teardown stack; the staged ESP of images. */
#include <libmount.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "fs.h"
#include "event.h"
#include "mount.h"
#include "run.h"
#include "teardown.h"
#include "fault.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct libmnt_context *, mnt_free_context)

const char *part_mount_options(const struct part_entry *e)
{
	if (e->fsoptions)
		return e->fsoptions;
	if (e->fstype && streq(e->fstype, "vfat") && e->role == PART_ROLE_ESP)
		return "umask=0077,shortname=winnt";
	return "defaults";
}

static int umount_step(void *data)
{
	const char *target = data;

	if (umount2(target, 0) == 0)
		return 0;
	if (errno == EINVAL || errno == ENOENT)
		return 0; /* not mounted any more */
	if (errno == EBUSY) {
		log_warning("storage: %s is busy, detaching it lazily", target);
		if (umount2(target, MNT_DETACH) == 0)
			return 0;
	}
	return -errno;
}

static int mount_one(const char *src, const char *target, const char *fstype, const char *options)
{
	_cleanup_(mnt_free_contextp) struct libmnt_context *c = mnt_new_context();
	char buf[BUFSIZ] = "";
	int r;

	if (!c)
		return log_error_errno(ENOMEM, "storage: out of memory");
	/* no /sbin/mount.* helpers: every child goes through run.c */
	mnt_context_disable_helpers(c, 1);
	mnt_context_disable_mtab(c, 1);
	if (mnt_context_set_source(c, src) < 0 || mnt_context_set_target(c, target) < 0 ||
	    (fstype && mnt_context_set_fstype(c, fstype) < 0) || mnt_context_set_options(c, options) < 0)
		return log_error_errno(ENOMEM, "storage: cannot set up the mount of %s", target);
	r = mnt_context_mount(c);
	if (r == 0)
		return 0;
	int err = mnt_context_syscall_called(c) ? mnt_context_get_syscall_errno(c) : EINVAL;
	(void)mnt_context_get_excode(c, r, buf, sizeof(buf));
	/* the options are the usual culprit (--fsoptions): name them */
	return log_error_errno(err ? err : EIO, "storage: cannot mount %s on %s (%s, options %s): %s", src, target,
			       strna(fstype), isempty(options) ? "defaults" : options, buf[0] ? buf : strerror(err));
}

int part_mount_at(const char *src, const char *target, const char *fstype, const char *options,
		  struct teardown *td)
{
	int r;

	if ((r = mkdir_p(target, 0755)) < 0)
		return log_error_errno(r, "storage: cannot create %s: %m", target);
	if ((r = fault_inject("mount")) < 0)
		return log_error_errno(r, "storage: cannot mount %s on %s: %m", src, target);
	if ((r = mount_one(src, target, fstype, options)) < 0)
		return r;
	_cleanup_free_ char *what = xasprintf("umount %s", target);
	teardown_push(td, what, umount_step, xstrdup(target), free);
	return 0;
}

int part_mount_source(const char *dev, const char *target, const char *fstype, struct teardown *td)
{
	/* nosuid,nodev,noexec: the source only provides files to read */
	return part_mount_at(dev, target, fstype, "ro,nosuid,nodev,noexec", td);
}

int part_mount_data(const char *dev, const char *target, const char *fstype, struct teardown *td)
{
	return part_mount_at(dev, target, fstype, "nosuid,nodev,noexec", td);
}

static int rm_rf_step(void *data)
{
	char *argv[] = { "rm", "-rf", "--one-file-system", "--", data, NULL };
	return run_checked(argv, &(struct run_opts){ .quiet = true, .log_fd = -1 });
}

/* The ESP of an image: a private directory bind-mounted on /boot/efi, so
 * the install writes there and the root filesystem stays clean; its
 * contents go into the FAT filesystem at the end (part_esp_finalize). */
int part_stage_esp(const char *target, struct teardown *td, char **ret_stage)
{
	_cleanup_free_ char *tmpl = NULL;
	int r;

	if ((r = tmpdir_new("slipway-esp", &tmpl)) < 0)
		return log_error_errno(r, "storage: cannot create a staging directory for the ESP: %m");
	_cleanup_free_ char *what = xasprintf("remove %s", tmpl);
	teardown_push(td, what, rm_rf_step, xstrdup(tmpl), free);
	if ((r = part_mount_at(tmpl, target, NULL, "bind", td)) < 0)
		return r;
	*ret_stage = xstrdup(tmpl);
	return 0;
}
