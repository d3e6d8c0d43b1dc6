/* grub's config files, as text: grub.cfg for a grub without BLS (Debian's),
 * the early config embedded in an EFI image, and Fedora's /etc/default/grub,
 * BLS entries and user.cfg. Pure: the golden tests call these directly. */
#include <ctype.h>

#include "boot.h"

bool boot_grub_hash_valid(const char *hash)
{
	if (!hash || !startswith(hash, "grub.pbkdf2.") || strlen(hash) < 20)
		return false;
	for (const char *s = hash; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '.')
			return false;
	return true;
}

/* A grub (and shell) single-quoted word. */
static void add_squoted(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '\'');
	for (; *s; s++)
		if (*s == '\'')
			strbuf_adds(out, "'\\''");
		else
			strbuf_addch(out, *s);
	strbuf_addch(out, '\'');
}

static void add_serial(struct strbuf *out)
{
	strbuf_adds(out, "serial --unit=0 --speed=115200\n"
			 "terminal_input serial console\n"
			 "terminal_output serial console\n");
}

void boot_grub_cfg(const struct boot_config *c, struct strbuf *out)
{
	strbuf_adds(out, "# grub.cfg, written by slipway. The kernel command line is in each entry;\n"
			 "# grub-mkconfig is not used (it cannot see the installed system's devices).\n");
	if (c->serial)
		add_serial(out);
	strbuf_addf(out, "set timeout=%d\nset default=0\n", c->timeout);
	if (c->password_hash)
		strbuf_addf(out, "set superusers=\"root\"\nexport superusers\npassword_pbkdf2 root %s\n",
			    c->password_hash);
	strbuf_addf(out, "insmod part_gpt\ninsmod part_msdos\ninsmod %s\n", c->boot_fs_module);
	strbuf_addf(out, "search --no-floppy --fs-uuid --set=root %s\n", c->boot_uuid);
	for (size_t i = 0; i < c->n_kernels; i++) {
		const struct boot_kernel *k = &c->kernels[i];
		_cleanup_free_ char *title = xasprintf("%s (%s)", c->os_name, k->version);
		strbuf_adds(out, "\nmenuentry ");
		add_squoted(out, title);
		/* booting needs no password; editing and the console do */
		strbuf_addf(out, " --unrestricted --class os {\n"
				 "\tinsmod gzio\n"
				 "\tlinux %s %s\n"
				 "\tinitrd %s\n"
				 "}\n",
			    k->linux_path, c->cmdline, k->initrd_path);
	}
}

void boot_grub_early_cfg(const char *boot_uuid, const char *prefix, struct strbuf *out)
{
	strbuf_addf(out,
		    "search --no-floppy --fs-uuid --set=root %s\n"
		    "set prefix=($root)%s\n"
		    "configfile $prefix/grub.cfg\n",
		    boot_uuid, prefix);
}

void boot_default_grub(const struct boot_config *c, struct strbuf *out)
{
	strbuf_addf(out,
		    "GRUB_TIMEOUT=%d\n"
		    "GRUB_DISTRIBUTOR=\"$(sed 's, release .*$,,g' /etc/system-release)\"\n"
		    "GRUB_DEFAULT=saved\n"
		    "GRUB_DISABLE_SUBMENU=true\n",
		    c->timeout);
	if (c->serial)
		strbuf_adds(out, "GRUB_TERMINAL_OUTPUT=\"serial console\"\n"
				 "GRUB_TERMINAL_INPUT=\"serial console\"\n"
				 "GRUB_SERIAL_COMMAND=\"serial --unit=0 --speed=115200\"\n");
	else
		strbuf_adds(out, "GRUB_TERMINAL_OUTPUT=\"console\"\n");
	strbuf_addf(out,
		    "GRUB_CMDLINE_LINUX=\"%s\"\n"
		    "GRUB_DISABLE_RECOVERY=\"true\"\n"
		    "GRUB_ENABLE_BLSCFG=true\n",
		    c->cmdline_extra);
}

void boot_bls_entry(const struct boot_config *c, const struct boot_kernel *k, struct strbuf *out)
{
	strbuf_addf(out,
		    "title %s (%s)\n"
		    "version %s\n"
		    "linux %s\n"
		    "initrd %s\n"
		    "options %s\n"
		    "grub_users $grub_users\n"
		    "grub_arg --unrestricted\n"
		    "grub_class kernel\n",
		    c->os_name, k->version, k->version, k->linux_path, k->initrd_path, c->cmdline);
}

void boot_grub_user_cfg(const char *hash, struct strbuf *out)
{
	strbuf_addf(out, "GRUB2_PASSWORD=%s\n", hash);
}

void boot_sdboot_loader_conf(const struct boot_config *c, struct strbuf *out)
{
	strbuf_addf(out, "timeout %d\n", c->timeout);
	if (c->n_kernels > 0)
		strbuf_addf(out, "default %s-%s.conf\n", c->entry_token, c->kernels[0].version);
	if (c->password_hash)
		strbuf_adds(out, "editor no\n"); /* no editing the command line without the password */
}

void boot_sdboot_entry(const struct boot_config *c, const struct boot_kernel *k, const char *dir,
		       struct strbuf *out)
{
	strbuf_addf(out,
		    "title %s\n"
		    "version %s\n"
		    "linux %s/linux\n"
		    "initrd %s/initrd\n"
		    "options %s\n",
		    c->os_name, k->version, dir, dir, c->cmdline);
}
