/* The packages the plan itself needs in the target, by capability and with
 * the reason --dry-run shows, whatever %packages says (as Anaconda's storage
 * and bootloader modules add theirs). */
#include "kickstart/ks.h"
#include "partition/part.h"
#include "payload/payload.h"
#include "plan.h"
#include "strv.h"

static const struct {
	const char *fstype, *capability;
} mkfs_tools[] = {
	{ "ext2", "e2fsprogs" }, { "ext3", "e2fsprogs" }, { "ext4", "e2fsprogs" },
	{ "xfs", "xfsprogs" },   { "vfat", "dosfstools" }, { "efi", "dosfstools" },
	{ "btrfs", "btrfs-progs" }, { "swap", "util-linux" },
};

static void require_storage(const struct part_plan *s, struct payload_opts *o)
{
	_cleanup_strv_free_ char **fstypes = part_plan_fstypes(s);

	STRV_FOREACH(t, fstypes)
		for (size_t i = 0; i < ELEMENTSOF(mkfs_tools); i++)
			if (streq(*t, mkfs_tools[i].fstype)) {
				_cleanup_free_ char *why = xasprintf("the plan makes %s filesystems", *t);
				payload_require(o, mkfs_tools[i].capability, why);
			}
	if (part_plan_encrypted(s)) {
		payload_require(o, "cryptsetup", "a volume is encrypted (LUKS2)");
		/* by file: a package of its own in Debian, inside systemd elsewhere */
		payload_require(o, "/usr/lib/systemd/systemd-cryptsetup",
				"the initramfs unlocks the encrypted volumes with systemd-cryptsetup");
	}
}

static void require_boot(const struct plan *p, struct payload_opts *o)
{
	const struct ks_bootloader *bl = p->ks->bootloader;
	enum part_firmware fw = p->storage->firmware;

	payload_require(o, "kernel", "the system boots a kernel");
	payload_require(o, "dracut", "the initramfs is made with dracut");
	if (bl && bl->location == KS_BOOTLOADER_NONE)
		return;
	if (bl && bl->sdboot) {
		payload_require(o, "systemd-boot", "bootloader --sdboot");
		return;
	}
	payload_require(o, "grub2-tools", "grub2 is the boot loader");
	if (fw == PART_FIRMWARE_BIOS || fw == PART_FIRMWARE_BOTH)
		payload_require(o, "grub2-pc", fw == PART_FIRMWARE_BOTH ? "the disk boots with BIOS too"
								      : "the machine boots with BIOS");
	if (fw == PART_FIRMWARE_UEFI || fw == PART_FIRMWARE_BOTH)
		payload_require(o, "grub2-efi-x64", fw == PART_FIRMWARE_BOTH ? "the disk boots with UEFI too"
									   : "the machine boots with UEFI");
	/* The NVRAM entry is only written on a UEFI machine, never for images. */
	if (fw == PART_FIRMWARE_UEFI && p->target.kind == TARGET_DISKS)
		payload_require(o, "efibootmgr", "a UEFI boot entry is written");
}

void inst_plan_requirements(const struct plan *p, struct payload_opts *o)
{
	const struct ks *ks = p->ks;

	if (p->storage) {
		require_storage(p->storage, o);
		require_boot(p, o);
	}
	if (ks->user.n > 0 || ks->group.n > 0)
		payload_require(o, "shadow-utils", "users or groups are created (useradd, groupadd)");
	if (ks->sshkey.n > 0)
		payload_require(o, "openssh-server", "sshkey installs an authorized key");
	else if (ks->rootpw && ks->rootpw->allow_ssh)
		payload_require(o, "openssh-server", "rootpw --allow-ssh");
}
