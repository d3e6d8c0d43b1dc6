/* The initramfs of each kernel, made by the target's own dracut in a chroot:
 * generic for images (they boot elsewhere), host-only for disk installs,
 * with the crypt module when anything is LUKS. */
#include "boot-internal.h"
#include "run.h"

char *boot_initramfs_name(const struct boot_target *t, const char *kver)
{
	return t->debian_initrd ? xasprintf("/boot/initrd.img-%s", kver) : xasprintf("/boot/initramfs-%s.img", kver);
}

int boot_initramfs(const struct boot_target *t, const struct boot_initramfs_opts *o)
{
	static const char *const dracut[] = {"dracut", NULL};
	int r;

	if (!boot_target_program(t, dracut))
		return log_error_errno(-ENOENT, "bootloader: the target has no dracut (/usr/bin/dracut); "
					       "cannot make an initramfs");
	STRV_FOREACH(v, t->kversions)
	{
		_cleanup_free_ char *out = boot_initramfs_name(t, *v);
		_cleanup_strv_free_ char **argv = NULL;

		strv_extend(&argv, "dracut", "--force", "--quiet", o->hostonly ? "--hostonly" : "--no-hostonly",
			    NULL);
		if (o->crypt)
			strv_extend(&argv, "--add", "crypt", NULL);
		strv_extend(&argv, "--kver", *v, out, NULL);
		log_info("bootloader: making the initramfs %s (%s%s)", out,
			 o->hostonly ? "host-only" : "generic", o->crypt ? ", with crypt" : "");
		/* dracut lists each user its sysusers module creates: debug noise */
		if ((r = run_checked(argv, &(struct run_opts){.root = t->root, .quiet = true})) < 0)
			return log_error_errno(r, "bootloader: dracut failed for kernel %s (see the log)", *v);
		_cleanup_free_ char *path = xasprintf("%s%s", t->root, out);
		if (access(path, F_OK) < 0)
			return log_error_errno(-ENOENT, "bootloader: dracut made no %s", out);
	}
	return 0;
}
