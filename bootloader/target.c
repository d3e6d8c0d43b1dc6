/* What the installed system carries, read from its files: Fedora's grub2
 * with BLS or another grub layout, the initramfs naming, the OS name, and
 * its kernels (/usr/lib/modules/V/vmlinuz, Fedora; /boot/vmlinuz-V). */
#include <sys/stat.h>

#include "boot-internal.h"

bool boot_target_has(const struct boot_target *t, const char *rel)
{
	_cleanup_free_ char *p = xasprintf("%s%s", t->root, rel);
	return access(p, F_OK) == 0;
}

const char *boot_target_program(const struct boot_target *t, const char *const *names)
{
	static const char *const dirs[] = {"/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/"};

	for (const char *const *n = names; *n; n++)
		for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
			_cleanup_free_ char *p = xasprintf("%s%s", dirs[i], *n);
			if (boot_target_has(t, p))
				return *n;
		}
	return NULL;
}

/* NAME= of an os-release file, unquoted. */
static char *os_release_field(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (!strneq(l, name, n) || l[n] != '=')
			continue;
		const char *v = l + n + 1;
		size_t len = strcspn(v, "\n");
		if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0])
			v++, len -= 2;
		return len > 0 ? xstrndup(v, len) : NULL;
	}
	return NULL;
}

static void read_os_release(struct boot_target *t)
{
	_cleanup_strbuf_ struct strbuf text = STRBUF_INIT;
	_cleanup_free_ char *p = xasprintf("%s/etc/os-release", t->root);

	if (strbuf_read_file(&text, p) < 0) {
		free(p);
		p = xasprintf("%s/usr/lib/os-release", t->root);
		(void)strbuf_read_file(&text, p);
	}
	t->os_name = os_release_field(strbuf_str(&text), "PRETTY_NAME");
	if (!t->os_name)
		t->os_name = os_release_field(strbuf_str(&text), "NAME");
	if (!t->os_name)
		t->os_name = xstrdup("Linux");
	t->os_id = os_release_field(strbuf_str(&text), "ID");
	if (!t->os_id)
		t->os_id = xstrdup("linux");
}

static int cmp_version_desc(const void *a, const void *b)
{
	return strverscmp(*(char *const *)b, *(char *const *)a);
}

/* Kernel versions: /usr/lib/modules/V with a vmlinuz there or in /boot. */
static int find_kernels(struct boot_target *t)
{
	_cleanup_free_ char *dir = xasprintf("%s/usr/lib/modules", t->root);
	_cleanup_(boot_closedirp) DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return log_error_errno(errno, "bootloader: no kernel in the target (%s: %m)", dir);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		_cleanup_free_ char *a = xasprintf("/usr/lib/modules/%s/vmlinuz", de->d_name);
		_cleanup_free_ char *b = xasprintf("/boot/vmlinuz-%s", de->d_name);
		if (boot_target_has(t, a) || boot_target_has(t, b))
			strv_push(&t->kversions, de->d_name);
	}
	if (strv_length(t->kversions) == 0)
		return log_error_errno(-ENOENT, "bootloader: no kernel in the target: neither "
					       "/usr/lib/modules/*/vmlinuz nor /boot/vmlinuz-* exists");
	qsort(t->kversions, strv_length(t->kversions), sizeof(char *), cmp_version_desc);
	return 0;
}

int boot_target_probe(const char *root, struct boot_target *t)
{
	static const char *const mkconfig[] = {"grub2-mkconfig", NULL};
	static const char *const install2[] = {"grub2-install", NULL};
	static const char *const install[] = {"grub-install", "grub2-install", NULL};
	static const char *const mkimage[] = {"grub2-mkimage", "grub-mkimage", NULL};
	static const char *const mkpasswd[] = {"grub2-mkpasswd-pbkdf2", "grub-mkpasswd-pbkdf2", NULL};

	*t = (struct boot_target){.root = root};
	read_os_release(t);
	/* Fedora's grub2 carries the blscfg module; Debian's has none, and its
	 * grub2-* names are aliases of grub-* tools that use /boot/grub. */
	t->fedora_grub = boot_target_program(t, mkconfig) &&
			 (boot_target_has(t, "/usr/lib/grub/i386-pc/blscfg.mod") ||
			  boot_target_has(t, "/usr/lib/grub/x86_64-efi/blscfg.mod"));
	t->grub_install = boot_target_program(t, t->fedora_grub ? install2 : install);
	t->grub_mkimage = boot_target_program(t, mkimage);
	t->grub_mkpasswd = boot_target_program(t, mkpasswd);
	t->grub_dir = t->fedora_grub ? "/boot/grub2" : "/boot/grub";
	t->debian_initrd = boot_target_has(t, "/etc/debian_version");
	log_info("bootloader: the target is %s (%s grub layout, %s)", t->os_name,
		 t->fedora_grub ? "Fedora's BLS" : "plain", t->debian_initrd ? "/boot/initrd.img-V" : "/boot/initramfs-V.img");
	return find_kernels(t);
}

void boot_target_done(struct boot_target *t)
{
	free(t->os_name);
	free(t->os_id);
	strv_free(t->kversions);
	*t = (struct boot_target){};
}

int boot_target_place_kernels(const struct boot_target *t)
{
	int r;

	STRV_FOREACH(v, t->kversions)
	{
		_cleanup_free_ char *dst = xasprintf("%s/boot/vmlinuz-%s", t->root, *v);
		_cleanup_free_ char *src = xasprintf("%s/usr/lib/modules/%s/vmlinuz", t->root, *v);
		if (access(dst, F_OK) == 0)
			continue;
		/* what kernel-install does on Fedora: grub reads the kernel from /boot */
		_cleanup_free_ char *boot = xasprintf("%s/boot", t->root);
		if ((r = mkdir_p(boot, 0755)) < 0)
			return log_error_errno(r, "bootloader: cannot create %s: %m", boot);
		if ((r = boot_copy_file(src, dst, 0755)) < 0)
			return r;
		log_info("bootloader: copied the kernel %s to /boot", *v);
	}
	return 0;
}
