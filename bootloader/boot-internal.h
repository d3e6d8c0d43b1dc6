/* Shared between the bootloader stage's files: what the target carries
 * (grub layout, kernels, names), file helpers, and the steps of the stage. */
#pragma once

#include "fs.h"

#include <dirent.h>
#include <sys/types.h>

#include "boot.h"
#include "event.h"
#include "strv.h"

struct part_plan;

static inline void boot_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

struct boot_target {
	const char *root;
	bool fedora_grub;         /* grub2-mkconfig with blscfg: Fedora's files and BLS */
	bool debian_initrd;       /* /boot/initrd.img-V rather than /boot/initramfs-V.img */
	const char *grub_install; /* program names inside the target, NULL: none */
	const char *grub_mkimage;
	const char *grub_mkpasswd;
	const char *grub_dir;     /* "/boot/grub2" or "/boot/grub", in the target */
	char *os_name, *os_id;
	char **kversions;         /* newest first */
};

/* target.c */
int boot_target_probe(const char *root, struct boot_target *t);
void boot_target_done(struct boot_target *t);
bool boot_target_has(const struct boot_target *t, const char *rel);
/* "/usr/sbin/NAME" etc. in the target: the first name found, or NULL */
const char *boot_target_program(const struct boot_target *t, const char *const *names);
/* /boot/vmlinuz-V from /usr/lib/modules/V/vmlinuz where only that exists */
int boot_target_place_kernels(const struct boot_target *t);

/* files.c */
int boot_write_file(const char *root, const char *rel, const char *text, mode_t mode);
int boot_copy_file(const char *src, const char *dst, mode_t mode);
/* Copies every regular file of src whose name ends in one of exts into dst. */
int boot_copy_dir_files(const char *src, const char *dst, const char *const *exts);

/* initramfs.c */
struct boot_initramfs_opts {
	bool hostonly; /* disk installs: the initramfs only has to boot this machine */
	bool crypt;    /* something is LUKS: dracut's crypt module */
};
char *boot_initramfs_name(const struct boot_target *t, const char *kver); /* "/boot/initrd.img-V" */
int boot_initramfs(const struct boot_target *t, const struct boot_initramfs_opts *o);

/* grub.c */
struct boot_grub_opts {
	bool bios, uefi;
	bool image;             /* no NVRAM entry; never touch the firmware */
	bool leavebootorder;
	const char *bios_disk;  /* the disk that carries the biosboot partition */
	const char *esp_dir;    /* the ESP's mount point in the target: "/boot/efi" */
	const char *esp_disk;   /* for efibootmgr */
	unsigned esp_partno;
	const char *password;   /* bootloader --password (secret), or NULL */
	bool iscrypted;
};
int boot_grub_install(const struct boot_target *t, struct boot_config *c, const struct boot_grub_opts *o);

/* sdboot.c */
int boot_sdboot_install(const struct boot_target *t, const struct boot_config *c, const char *esp_dir,
			bool image);
