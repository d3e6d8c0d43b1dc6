/* The bootloader stage: binds the API filesystems into the target, then
 * kernels, initramfs, the kernel command line and the boot loader the
 * kickstart asks for (grub2 for BIOS and UEFI, or systemd-boot). */
#include <sys/mount.h>

#include "boot-internal.h"
#include "installer/plan.h"
#include "kickstart/ks.h"
#include "partition/part.h"
#include "fs.h"
#include "teardown.h"

#define DEFAULT_TIMEOUT 5 /* Anaconda's */

/* The kernel console goes to the serial port for images, and when the
 * installer itself runs on one. */
static bool want_serial(const struct plan *p)
{
	_cleanup_strbuf_ struct strbuf active = STRBUF_INIT;

	if (p->target.kind == TARGET_IMAGE)
		return true;
	return strbuf_read_file(&active, "/sys/class/tty/console/active") >= 0 &&
	       strstr(strbuf_str(&active), "ttyS");
}

static char *entry_token(const struct boot_target *t)
{
	static const char *const files[] = {"/etc/kernel/entry-token", "/etc/machine-id"};

	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		_cleanup_free_ char *path = xasprintf("%s%s", t->root, files[i]);
		if (strbuf_read_file(&sb, path) < 0)
			continue;
		_cleanup_free_ char *v = xstrndup(strbuf_str(&sb), strcspn(strbuf_str(&sb), " \t\n"));
		/* an empty machine-id is systemd's first-boot marker, not an ID */
		if (!isempty(v) && !streq(v, "uninitialized"))
			return TAKE_PTR(v);
	}
	return xstrdup(t->os_id);
}

static const char *grub_fs_module(const char *fstype)
{
	if (!fstype || startswith(fstype, "ext"))
		return "ext2";
	if (streq(fstype, "vfat") || streq(fstype, "efi"))
		return "fat";
	return fstype; /* xfs, btrfs */
}

struct boot_state {
	struct boot_config c;
	struct boot_kernel *kernels;
	size_t n;
	char *cmdline, *cmdline_extra, *prefix, *token;
};

static void state_done(struct boot_state *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->kernels[i].linux_path);
		free(s->kernels[i].initrd_path);
	}
	free(s->kernels);
	free(s->cmdline);
	free(s->cmdline_extra);
	free(s->prefix);
	free(s->token);
}

/* The config every writer reads: paths relative to the /boot filesystem,
 * which is / unless /boot is a partition of its own. */
static int make_config(const struct plan *p, const struct boot_target *t, struct boot_state *s)
{
	const struct ks_bootloader *bl = p->ks->bootloader;
	const struct part_entry *root = part_plan_find_mount(p->storage, "/");
	const struct part_entry *boot = part_plan_find_mount(p->storage, "/boot");
	_cleanup_strv_free_ char **luks = part_plan_luks_uuids(p->storage);
	struct strbuf sb = STRBUF_INIT;

	if (!root)
		return log_error_errno(-EINVAL, "bootloader: the plan has no / filesystem");
	if (!boot && root->encrypted)
		return log_error_errno(-EINVAL, "bootloader: / is encrypted and there is no /boot partition; "
						"grub cannot read the kernel (add part /boot)");
	const char *rel = boot ? "" : "/boot";
	struct boot_cmdline_args a = {.root_uuid = root->fs_uuid, .luks_uuids = luks,
				      .append = bl ? bl->append : NULL, .serial = want_serial(p)};
	boot_cmdline(&a, &sb);
	s->cmdline = strbuf_detach(&sb);
	a.root_uuid = NULL;
	boot_cmdline(&a, &sb);
	s->cmdline_extra = strbuf_detach(&sb);
	s->prefix = xasprintf("%s%s", rel, t->grub_dir + strlen("/boot"));
	s->token = entry_token(t);
	s->n = strv_length(t->kversions);
	s->kernels = xnew0(struct boot_kernel, s->n);
	for (size_t i = 0; i < s->n; i++) {
		_cleanup_free_ char *initrd = boot_initramfs_name(t, t->kversions[i]);
		s->kernels[i].version = t->kversions[i];
		s->kernels[i].linux_path = xasprintf("%s/vmlinuz-%s", rel, t->kversions[i]);
		s->kernels[i].initrd_path = xasprintf("%s%s", rel, initrd + strlen("/boot"));
	}
	s->c = (struct boot_config){
		.os_name = t->os_name,
		.boot_uuid = (boot ? boot : root)->fs_uuid,
		.boot_fs_module = grub_fs_module((boot ? boot : root)->fstype),
		.grub_prefix = s->prefix,
		.cmdline = s->cmdline,
		.cmdline_extra = s->cmdline_extra,
		.kernels = s->kernels,
		.n_kernels = s->n,
		.timeout = bl && bl->has_timeout ? (int)bl->timeout : DEFAULT_TIMEOUT,
		.serial = a.serial,
		.entry_token = s->token,
	};
	log_info("bootloader: kernel command line: %s", s->cmdline);
	return 0;
}

/* Where grub goes: BIOS on the disk of the biosboot partition (or, on an
 * msdos table, the disk of /boot), UEFI on the ESP. */
static int grub_targets(const struct plan *p, struct boot_grub_opts *o)
{
	const struct part_plan *s = p->storage;
	const struct part_entry *bb = part_plan_find(s, PART_ROLE_BIOSBOOT);
	const struct part_entry *esp = part_plan_find(s, PART_ROLE_ESP);
	const struct part_entry *boot = part_plan_find_mount(s, "/boot");

	if (!boot)
		boot = part_plan_find_mount(s, "/");
	if (s->firmware != PART_FIRMWARE_UEFI) {
		if (bb || (boot && s->layout->disks[boot->disk].table == PART_TABLE_MSDOS)) {
			o->bios = true;
			o->bios_disk = part_plan_disk_device(s, (bb ? bb : boot)->disk);
		} else if (s->firmware == PART_FIRMWARE_BIOS)
			return log_error_errno(-EINVAL, "bootloader: BIOS boot from a GPT disk needs a biosboot "
							"partition (part biosboot --size=1, or reqpart)");
		else
			log_warning("bootloader: no biosboot partition: the disk will not boot with BIOS");
	}
	if (s->firmware != PART_FIRMWARE_BIOS) {
		if (esp && esp->mountpoint) {
			o->uefi = true;
			o->esp_dir = esp->mountpoint;
			o->esp_disk = part_plan_disk_device(s, esp->disk);
			o->esp_partno = esp->partno;
		} else if (s->firmware == PART_FIRMWARE_UEFI)
			return log_error_errno(-EINVAL, "bootloader: UEFI boot needs an EFI system partition "
							"(part /boot/efi --fstype=efi, or reqpart)");
		else
			log_warning("bootloader: no EFI system partition: the disk will not boot with UEFI");
	}
	if (o->bios && !o->bios_disk)
		return log_error_errno(-ENODEV, "bootloader: the boot disk has no device (storage not applied?)");
	return 0;
}

static int install_loader(const struct plan *p, const struct boot_target *t, struct boot_config *c)
{
	const struct ks_bootloader *bl = p->ks->bootloader;
	bool image = p->target.kind == TARGET_IMAGE;
	struct boot_grub_opts o = {.image = image};
	int r;

	if (bl && bl->sdboot) {
		const struct part_entry *esp = part_plan_find(p->storage, PART_ROLE_ESP);
		if (!esp || !esp->mountpoint)
			return log_error_errno(-EINVAL, "bootloader: --sdboot needs an EFI system partition");
		return boot_sdboot_install(t, c, esp->mountpoint, image);
	}
	if ((r = grub_targets(p, &o)) < 0)
		return r;
	if (bl) {
		o.password = bl->password;
		o.iscrypted = bl->iscrypted;
		o.leavebootorder = bl->leavebootorder;
	}
	return boot_grub_install(t, c, &o);
}

static int run(const struct plan *p, const char *root)
{
	const struct ks_bootloader *bl = p->ks->bootloader;
	_cleanup_(boot_target_done) struct boot_target t = {};
	_cleanup_(state_done) struct boot_state s = {};
	int r;

	if ((r = boot_target_probe(root, &t)) < 0 || (r = boot_target_place_kernels(&t)) < 0)
		return r;
	struct boot_initramfs_opts io = {.hostonly = p->target.kind != TARGET_IMAGE,
					 .crypt = part_plan_encrypted(p->storage)};
	if ((r = boot_initramfs(&t, &io)) < 0)
		return r;
	if (bl && (bl->location == KS_BOOTLOADER_NONE || bl->disabled)) {
		log_warning("bootloader: --location=none: no boot loader installed; the system boots only "
			    "with one you install yourself");
		return 0;
	}
	if ((r = make_config(p, &t, &s)) < 0)
		return r;
	return install_loader(p, &t, &s.c);
}

int boot_install(const struct plan *p, const char *root, struct teardown *td)
{
	size_t n_bound = 0;
	int r;

	if (!p->storage) {
		log_info("bootloader: directory install: no boot loader");
		return 0;
	}
	if ((r = mount_api_filesystems(root, td, &n_bound)) < 0)
		return r; /* the binds made so far are on td */
	r = run(p, root);
	if (r < 0)
		return r; /* leave the binds to teardown, in order with the rest */
	return umount_api_filesystems(root, td, n_bound);
}
