/* The storage stage's API for the rest of slipway: plan (disks, layout),
 * dry-run text, what other stages need to know (filesystems, UUIDs, LUKS),
 * apply (table, LUKS, mkfs, mounts), config files and image conversion. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "installer/plan.h"
#include "layout.h"
#include "probe.h"
#include "select.h"
#include "strbuf.h"

struct teardown;

struct part_plan_opts {
	bool image;             /* install into an image file; real disks are never considered */
	const char *image_path;
	uint64_t image_size;    /* bytes; rounded up to 1 MiB */
	unsigned image_sector_size; /* 0: 512 */
	enum part_firmware firmware; /* images are always PART_FIRMWARE_BOTH */
	uint64_t ram;           /* bytes */
	/* inst.disklabel=: the table of new tables when the kickstart has no
	 * clearpart --disklabel (Anaconda: GPT unless told) */
	enum part_table default_table;
	/* tests: deterministic UUIDs */
	void (*random)(void *buf, size_t n, void *userdata);
	void *userdata;
};

struct part_plan {
	bool image;
	char *image_path;
	uint64_t image_size;
	enum part_firmware firmware;
	struct part_selection *sel; /* real disks (NULL in image mode); borrows the probe */
	struct part_layout *layout;
	/* filled by part_apply(); NULL before */
	char **disk_dev; /* per layout disk: /dev/loop3, /dev/sda */
	char **part_dev; /* per entry: the partition node */
	char **fs_dev;   /* per entry: what mkfs and mount use (partition or /dev/mapper/luks-…) */
	char *sysroot;
	char *esp_stage; /* image mode: the directory standing in for the ESP */
};

/* Firmware of the running machine (/sys/firmware/efi) and its RAM as
 * Anaconda counts it (MemTotal rounded up to 128 MiB). */
enum part_firmware part_detect_firmware(void);
uint64_t part_detect_ram(void);

/* Plans storage: selects disks on the probe (NULL in image mode), lays out
 * partitions. Errors as part_select_disks() and part_plan_layout(). The
 * probe must outlive the plan. */
int part_plan_new(const struct ks *ks, const struct part_probe *probe, const struct part_plan_opts *o,
		  struct part_plan **ret);
void part_plan_free(struct part_plan *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct part_plan *, part_plan_free)
/* The dry-run text, per disk: what exists now, what is destroyed, the new
 * table with sizes, filesystems, mount points and encryption. */
void part_plan_print(const struct part_plan *p, struct strbuf *out);

/* ---- what other stages need ---- */
/* Filesystem types the plan creates ("ext4", "vfat", "swap"…), each once. */
char **part_plan_fstypes(const struct part_plan *p);
bool part_plan_encrypted(const struct part_plan *p);
const struct part_entry *part_plan_find(const struct part_plan *p, enum part_role r);
const struct part_entry *part_plan_find_mount(const struct part_plan *p, const char *mountpoint);
/* LUKS UUIDs, for rd.luks.uuid= on the kernel command line. */
char **part_plan_luks_uuids(const struct part_plan *p);
/* After part_apply(): the device of a layout disk and of an entry. */
const char *part_plan_disk_device(const struct part_plan *p, size_t disk);
const char *part_plan_entry_device(const struct part_plan *p, const struct part_entry *e);

/* ---- config files (pure) ---- */
/* /etc/fstab and /etc/crypttab by UUID, in mount-point order. */
void part_fstab_write(const struct part_layout *l, struct strbuf *out);
void part_crypttab_write(const struct part_layout *l, struct strbuf *out);
/* Writes both under sysroot/etc (crypttab only when something is encrypted). */
int part_write_config(const struct part_plan *p, const char *sysroot);

/* An installation source (harddrive, cdrom): dev mounted read-only on
 * target (created), fstype NULL to let libblkid say; the umount is pushed on td. */
int part_mount_source(const char *dev, const char *target, const char *fstype, struct teardown *td);
/* The same, read-write (nosuid,nodev,noexec): a volume slipway writes a file
 * onto (the log on OEMDRV). */
int part_mount_data(const char *dev, const char *target, const char *fstype, struct teardown *td);

/* ---- apply ---- */
struct part_apply_opts {
	bool stage_esp; /* the ESP is a directory during the install, copied in by part_esp_finalize() */
};
/* Writes the plan: image file and loop device, tables, wipes, LUKS, mkfs,
 * mounts under sysroot in mount-point order. Every loop device, mapping
 * and mount is pushed on td. */
int part_apply(struct part_plan *p, const char *sysroot, struct teardown *td, const struct part_apply_opts *o);
/* Image mode: copies the staged ESP directory into the FAT filesystem with
 * mtools. Call after everything was written to /boot/efi. */
int part_esp_finalize(struct part_plan *p);

/* ---- image files ---- */
/* Appends a fixed VHD footer (size rounded up to 1 MiB first). */
int part_image_to_vhd(const char *path);
/* Plan time: path must be a regular file no loop device holds, or not
 * exist yet (then *size must be set). An existing file keeps its size when
 * *size is 0. -EINVAL usage, -EBUSY in use. sysfs: "/sys" (tests: a copy). */
int part_image_target_check(const char *sysfs, const char *path, uint64_t *size);
/* Fills a 512-byte fixed VHD footer for a disk of size bytes (pure). */
void part_vhd_footer(uint64_t size, uint32_t timestamp, const uint8_t uuid[16], uint8_t out[512]);
/* Converts a raw image in place: VHD by appending the footer, qcow2 through
 * qemu-img into a file beside it that then replaces it. */
int part_image_convert(const char *path, enum image_format f);
