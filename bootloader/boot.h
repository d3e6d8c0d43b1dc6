/* The boot loader stage's API: initramfs and boot loader (grub2 for BIOS and
 * UEFI, or systemd-boot) for a target whose storage and payload are done, and
 * the pure writers of the kernel command line and the config files. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

struct plan;
struct teardown;

/* The bootloader stage: binds /dev /proc /sys /run into root (undone before
 * it returns, teardown-managed on failure), makes an initramfs per kernel
 * and installs and configures the boot loader the kickstart asks for. */
int boot_install(const struct plan *p, const char *root, struct teardown *td);

/* ---- kernel command line (pure) ---- */
struct boot_cmdline_args {
	const char *root_uuid;   /* filesystem UUID of /; NULL: no root= */
	char *const *luks_uuids; /* rd.luks.uuid= each */
	const char *append;      /* bootloader --append, verbatim */
	bool serial;             /* console=tty0 console=ttyS0,115200 */
};
/* `root=UUID=… ro rd.luks.uuid=… APPEND console=tty0 console=ttyS0,115200`;
 * without root_uuid the `root=… ro` part is left out (GRUB_CMDLINE_LINUX). */
void boot_cmdline(const struct boot_cmdline_args *a, struct strbuf *out);

/* ---- config files (pure) ---- */
struct boot_kernel {
	char *version;
	char *linux_path;  /* relative to the filesystem holding /boot: "/boot/vmlinuz-V" or "/vmlinuz-V" */
	char *initrd_path; /* same, "/boot/initrd.img-V", "/initramfs-V.img" */
};

struct boot_config {
	const char *os_name;        /* "Debian GNU/Linux 13 (trixie)" */
	const char *boot_uuid;      /* filesystem UUID of the filesystem holding /boot */
	const char *boot_fs_module; /* grub module reading it: "ext2", "xfs", "btrfs" */
	const char *grub_prefix;    /* grub's directory on that filesystem: "/boot/grub" */
	const char *cmdline;        /* the whole command line of every entry */
	const char *cmdline_extra;  /* the same without root= and ro (GRUB_CMDLINE_LINUX) */
	const struct boot_kernel *kernels; /* newest first: the first is the default */
	size_t n_kernels;
	int timeout;               /* seconds */
	bool serial;               /* grub on the serial port too */
	const char *password_hash; /* grub.pbkdf2.sha512.…; NULL: no superuser */
	const char *entry_token;   /* BLS and systemd-boot entry file prefix */
};

/* A grub password is a grub-mkpasswd-pbkdf2 hash: `grub.pbkdf2.` and only
 * [A-Za-z0-9.] after it (it is written unquoted into grub's files). */
bool boot_grub_hash_valid(const char *hash);
/* grub.cfg for a grub without blscfg (Debian layout): serial terminal,
 * timeout, superuser, search --fs-uuid, one menuentry per kernel. */
void boot_grub_cfg(const struct boot_config *c, struct strbuf *out);
/* The config embedded in a grub-mkimage EFI image: finds the /boot
 * filesystem by UUID and reads prefix/grub.cfg from it. */
void boot_grub_early_cfg(const char *boot_uuid, const char *prefix, struct strbuf *out);
/* Fedora's files: /etc/default/grub, a BLS entry, /boot/grub2/user.cfg. */
void boot_default_grub(const struct boot_config *c, struct strbuf *out);
void boot_bls_entry(const struct boot_config *c, const struct boot_kernel *k, struct strbuf *out);
void boot_grub_user_cfg(const char *hash, struct strbuf *out);
/* systemd-boot: loader/loader.conf and an entry whose kernel and initrd are
 * copied to dir (on the ESP: "/slipway/V"). */
void boot_sdboot_loader_conf(const struct boot_config *c, struct strbuf *out);
void boot_sdboot_entry(const struct boot_config *c, const struct boot_kernel *k, const char *dir,
		       struct strbuf *out);
