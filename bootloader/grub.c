/* grub2 into the target: BIOS with the target's grub-install on the disk of
 * the biosboot partition, UEFI with the vendor's signed shim+grub or a
 * grub-mkimage image as EFI/BOOT/BOOTX64.EFI, the config files of the
 * target's grub layout, the superuser password, the NVRAM entry. */
#include <sys/stat.h>

#include "boot-internal.h"
#include "run.h"

#define EARLY_CFG "/tmp/slipway-grub-early.cfg"

/* grub-mkpasswd-pbkdf2 reads the password twice from stdin (never argv). */
static int hash_password(const struct boot_target *t, const char *password, char **ret)
{
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	_cleanup_secret_ char *input = xasprintf("%s\n%s\n", password, password);
	int r;

	if (!t->grub_mkpasswd)
		return log_error_errno(-ENOENT, "bootloader: --password: the target has no grub-mkpasswd-pbkdf2");
	r = run_checked((char *const[]){(char *)t->grub_mkpasswd, NULL},
			&(struct run_opts){.root = t->root, .input = input, .out = &out, .quiet = true});
	if (r < 0)
		return log_error_errno(r, "bootloader: --password: %s failed", t->grub_mkpasswd);
	const char *h = strstr(strbuf_str(&out), "grub.pbkdf2.");
	if (!h)
		return log_error_errno(-EIO, "bootloader: --password: no hash in the output of %s", t->grub_mkpasswd);
	*ret = xstrndup(h, strcspn(h, " \t\r\n"));
	return 0;
}

static int grub_bios(const struct boot_target *t, const struct boot_config *c, const char *disk)
{
	_cleanup_free_ char *mods = xasprintf("part_gpt part_msdos biosdisk %s", c->boot_fs_module);

	if (!t->grub_install || !boot_target_has(t, "/usr/lib/grub/i386-pc/modinfo.sh"))
		return log_error_errno(-ENOENT, "bootloader: BIOS: the target has no grub for i386-pc "
						"(grub2-pc: /usr/lib/grub/i386-pc)");
	log_info("bootloader: grub for BIOS on %s", disk);
	return run_checked((char *const[]){(char *)t->grub_install, "--target=i386-pc", "--boot-directory=/boot",
					   "--modules", mods, "--no-floppy", (char *)disk, NULL},
			   &(struct run_opts){.root = t->root});
}

/* EFI/<vendor>/ holding the distribution's signed shimx64.efi, or NULL. */
static char *find_vendor_dir(const struct boot_target *t, const char *esp)
{
	_cleanup_free_ char *dir = xasprintf("%s%s/EFI", t->root, esp);
	_cleanup_(boot_closedirp) DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || strcasecmp(de->d_name, "BOOT") == 0)
			continue;
		_cleanup_free_ char *shim = xasprintf("%s/%s/shimx64.efi", dir, de->d_name);
		_cleanup_free_ char *grub = xasprintf("%s/%s/grubx64.efi", dir, de->d_name);
		if (access(shim, F_OK) == 0 && access(grub, F_OK) == 0)
			return xstrdup(de->d_name);
	}
	return NULL;
}

/* The vendor's signed binaries (Secure Boot): the fallback path gets shim
 * and grub, and EFI/<vendor>/grub.cfg sends grub to the /boot filesystem. */
static int grub_efi_vendor(const struct boot_target *t, const struct boot_config *c, const char *esp,
			   const char *vendor)
{
	_cleanup_strbuf_ struct strbuf early = STRBUF_INIT;
	_cleanup_free_ char *boot = xasprintf("%s%s/EFI/BOOT", t->root, esp);
	_cleanup_free_ char *fallback = xasprintf("%s/BOOTX64.EFI", boot);
	_cleanup_free_ char *stub = xasprintf("%s/EFI/%s/grub.cfg", esp, vendor);
	int r;

	log_info("bootloader: UEFI with the vendor's shim and grub (EFI/%s)", vendor);
	if (access(fallback, F_OK) < 0) {
		_cleanup_free_ char *shim = xasprintf("%s%s/EFI/%s/shimx64.efi", t->root, esp, vendor);
		_cleanup_free_ char *grub = xasprintf("%s%s/EFI/%s/grubx64.efi", t->root, esp, vendor);
		_cleanup_free_ char *grub_dst = xasprintf("%s/grubx64.efi", boot);
		if ((r = mkdir_p(boot, 0700)) < 0)
			return log_error_errno(r, "bootloader: cannot create %s: %m", boot);
		if ((r = boot_copy_file(shim, fallback, 0700)) < 0 || (r = boot_copy_file(grub, grub_dst, 0700)) < 0)
			return r;
	}
	boot_grub_early_cfg(c->boot_uuid, c->grub_prefix, &early);
	return boot_write_file(t->root, stub, strbuf_str(&early), 0700);
}

/* No signed binaries: grub-mkimage with an embedded early config (works on
 * a staged ESP directory, where grub-install --target=x86_64-efi refuses). */
static int grub_efi_mkimage(const struct boot_target *t, const struct boot_config *c, const char *esp)
{
	static const char *const exts[] = {".mod", ".lst", NULL};
	_cleanup_strbuf_ struct strbuf early = STRBUF_INIT;
	_cleanup_free_ char *mods_src = xasprintf("%s/usr/lib/grub/x86_64-efi", t->root);
	_cleanup_free_ char *mods_dst = xasprintf("%s%s/x86_64-efi", t->root, t->grub_dir);
	_cleanup_free_ char *out = xasprintf("%s/EFI/BOOT/BOOTX64.EFI", esp);
	_cleanup_free_ char *outdir = xasprintf("%s%s/EFI/BOOT", t->root, esp);
	int r;

	if (!t->grub_mkimage || access(mods_src, F_OK) < 0)
		return log_error_errno(-ENOENT, "bootloader: UEFI: the target has no grub for x86_64-efi "
						"(grub2-efi-x64: /usr/lib/grub/x86_64-efi) and no signed shim");
	log_info("bootloader: UEFI: %s from %s", out, t->grub_mkimage);
	/* grub loads further modules from $prefix/x86_64-efi, as after grub-install */
	if ((r = boot_copy_dir_files(mods_src, mods_dst, exts)) < 0)
		return r;
	if ((r = mkdir_p(outdir, 0700)) < 0)
		return log_error_errno(r, "bootloader: cannot create %s: %m", outdir);
	boot_grub_early_cfg(c->boot_uuid, c->grub_prefix, &early);
	if ((r = boot_write_file(t->root, EARLY_CFG, strbuf_str(&early), 0644)) < 0)
		return r;
	_cleanup_strv_free_ char **argv = NULL;
	strv_extend(&argv, t->grub_mkimage, "-O", "x86_64-efi", "-o", out, "-p", c->grub_prefix, "-c", EARLY_CFG,
		    "part_gpt", "part_msdos", "fat", "ext2", "xfs", "btrfs", "search", "search_fs_uuid", "normal",
		    "configfile", "linux", "echo", "serial", "terminal", "efi_gop", "all_video", "gzio", "test",
		    "boot", "password_pbkdf2", NULL);
	r = run_checked(argv, &(struct run_opts){.root = t->root});
	_cleanup_free_ char *early_path = xasprintf("%s%s", t->root, EARLY_CFG);
	unlink(early_path);
	return r < 0 ? log_error_errno(r, "bootloader: UEFI: %s failed", t->grub_mkimage) : 0;
}

/* A disk install booted in UEFI: the firmware's boot entry. Not reachable in
 * image mode, so not exercised by the VM tests. */
static int efi_nvram(const struct boot_target *t, const struct boot_config *c, const struct boot_grub_opts *o,
		     const char *vendor)
{
	static const char *const efibootmgr[] = {"efibootmgr", NULL};
	_cleanup_free_ char *loader = NULL, *part = xasprintf("%u", o->esp_partno);
	int r;

	if (!vendor) {
		/* a copy of the fallback image under our own name, for the entry */
		_cleanup_free_ char *src = xasprintf("%s%s/EFI/BOOT/BOOTX64.EFI", t->root, o->esp_dir);
		_cleanup_free_ char *dir = xasprintf("%s%s/EFI/%s", t->root, o->esp_dir, t->os_id);
		_cleanup_free_ char *dst = xasprintf("%s/grubx64.efi", dir);
		if ((r = mkdir_p(dir, 0700)) < 0 || (r = boot_copy_file(src, dst, 0700)) < 0)
			return log_error_errno(r, "bootloader: cannot copy the EFI image to %s: %m", dst);
	}
	loader = vendor ? xasprintf("\\EFI\\%s\\shimx64.efi", vendor) : xasprintf("\\EFI\\%s\\grubx64.efi", t->os_id);
	if (!boot_target_program(t, efibootmgr))
		return log_warning("bootloader: no efibootmgr in the target: no UEFI boot entry; the firmware "
				   "boots EFI/BOOT/BOOTX64.EFI"),
		       0;
	log_info("bootloader: UEFI boot entry \"%s\" for %s", c->os_name, loader);
	r = run_checked((char *const[]){"efibootmgr", o->leavebootorder ? "--create-only" : "--create", "--disk",
					(char *)o->esp_disk, "--part", part, "--label", (char *)c->os_name, "--loader",
					loader, NULL},
			&(struct run_opts){.root = t->root, .quiet = true});
	return r < 0 ? log_warning_errno(r, "bootloader: efibootmgr failed; the firmware boots the fallback "
					    "EFI/BOOT/BOOTX64.EFI"),
		       0 : 0;
}

/* Fedora's files: /etc/default/grub, BLS entries, user.cfg, grub2-mkconfig. */
static int config_fedora(const struct boot_target *t, const struct boot_config *c)
{
	static const char *const mkconfig[] = {"grub2-mkconfig", NULL};
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	_cleanup_free_ char *cfg = xasprintf("%s/grub.cfg", t->grub_dir);
	int r;

	boot_default_grub(c, &sb);
	if ((r = boot_write_file(t->root, "/etc/default/grub", strbuf_str(&sb), 0644)) < 0)
		return r;
	for (size_t i = 0; i < c->n_kernels; i++) {
		_cleanup_free_ char *rel = xasprintf("/boot/loader/entries/%s-%s.conf", c->entry_token,
						     c->kernels[i].version);
		strbuf_reset(&sb);
		boot_bls_entry(c, &c->kernels[i], &sb);
		if ((r = boot_write_file(t->root, rel, strbuf_str(&sb), 0644)) < 0)
			return r;
	}
	if (c->password_hash) {
		_cleanup_free_ char *rel = xasprintf("%s/user.cfg", t->grub_dir);
		strbuf_reset(&sb);
		boot_grub_user_cfg(c->password_hash, &sb);
		if ((r = boot_write_file(t->root, rel, strbuf_str(&sb), 0600)) < 0)
			return r;
	}
	return run_checked((char *const[]){(char *)boot_target_program(t, mkconfig), "-o", cfg, NULL},
			   &(struct run_opts){.root = t->root});
}

static int config_plain(const struct boot_target *t, const struct boot_config *c)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	_cleanup_free_ char *rel = xasprintf("%s/grub.cfg", t->grub_dir);

	boot_grub_cfg(c, &sb);
	return boot_write_file(t->root, rel, strbuf_str(&sb), c->password_hash ? 0600 : 0644);
}

int boot_grub_install(const struct boot_target *t, struct boot_config *c, const struct boot_grub_opts *o)
{
	_cleanup_free_ char *hash = NULL, *vendor = NULL;
	int r;

	if (o->password && o->iscrypted) {
		if (!boot_grub_hash_valid(o->password))
			return log_error_errno(-EINVAL, "bootloader: --iscrypted --password must be a "
							"grub-mkpasswd-pbkdf2 hash (grub.pbkdf2.sha512.…)");
		c->password_hash = o->password;
	} else if (o->password) {
		if ((r = hash_password(t, o->password, &hash)) < 0)
			return r;
		c->password_hash = hash;
	}
	if (o->bios && (r = grub_bios(t, c, o->bios_disk)) < 0)
		return r;
	if (o->uefi) {
		vendor = find_vendor_dir(t, o->esp_dir);
		r = vendor ? grub_efi_vendor(t, c, o->esp_dir, vendor) : 0;
		/* the fallback is always there: a vendor without EFI/BOOT gets ours */
		_cleanup_free_ char *fallback = xasprintf("%s%s/EFI/BOOT/BOOTX64.EFI", t->root, o->esp_dir);
		if (r >= 0 && access(fallback, F_OK) < 0)
			r = grub_efi_mkimage(t, c, o->esp_dir);
		if (r < 0)
			return r;
		if (!o->image && access("/sys/firmware/efi", F_OK) == 0 && (r = efi_nvram(t, c, o, vendor)) < 0)
			return r;
	}
	r = t->fedora_grub ? config_fedora(t, c) : config_plain(t, c);
	c->password_hash = NULL;
	return r;
}
