/* What the installer sees: disks and partitions from sysfs and libblkid,
 * with mounts (libmount), swaps and device-mapper/md holders. Read-only. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "strbuf.h"

struct part_probe_fs {
	char *fstype, *label, *uuid; /* libblkid superblock probe, NULL if none */
	char *mountpoint;            /* first mount point of this device */
	bool swap;                   /* active swap */
	char **holders;              /* dm-0, md127 … */
};

struct part_probe_part {
	char *name, *path;
	unsigned partno;
	uint64_t start, size; /* bytes */
	char *type, *partlabel, *partuuid; /* from the partition table */
	struct part_probe_fs fs;
};

struct part_probe_disk {
	char *name, *path;
	dev_t devno;
	uint64_t size;                 /* bytes */
	unsigned sector_size;          /* logical */
	unsigned physical_sector_size;
	char *model, *serial, *transport;
	char *backing_file;            /* loop devices */
	bool removable, readonly, optical;
	char *pttype, *ptuuid;         /* "gpt", "dos" or NULL */
	struct part_probe_fs fs;       /* a filesystem on the whole disk (ISO, OEMDRV) */
	struct part_probe_part *parts;
	size_t n_parts;
	bool installer_media;          /* holds the running installer */
	char *install_source;          /* holds the installation source: what names it */
};

struct part_probe {
	struct part_probe_disk *disks;
	size_t n_disks;
};

/* libblkid's superblock probe of one device (opened read-only): type,
 * label and UUID; fields stay NULL when nothing is found. */
void part_probe_superblock(const char *path, struct part_probe_fs *fs);
/* Frees what fs holds and empties it. */
void part_probe_fs_clear(struct part_probe_fs *fs);
/* The disk holding the installation source is never a target; why names
 * the kickstart line ("ks.cfg:1: harddrive --partition=sdb1"). Returns
 * -ENODEV when there is no such disk. */
int part_probe_mark_source(struct part_probe *p, const char *disk, const char *why);

/* Probes every disk (sysfs_root is "/sys" except in tests). */
int part_probe_disks(const char *sysfs_root, struct part_probe **ret);
void part_probe_free(struct part_probe *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct part_probe *, part_probe_free)

const struct part_probe_disk *part_probe_find(const struct part_probe *p, const char *name_or_path);
/* Why the disk cannot be an install target, or NULL: mounted, swap, held by
 * dm/md, installer media, OEMDRV. The reason names the partition. */
char *part_probe_disk_busy_reason(const struct part_probe_disk *d);
/* True when the disk or one of its partitions carries the label OEMDRV. */
bool part_probe_disk_is_oemdrv(const struct part_probe_disk *d);

void part_probe_print(const struct part_probe *p, struct strbuf *out);
/* JSON text of the probe (json-c), for `slipway disks --json`. */
char *part_probe_to_json(const struct part_probe *p);
