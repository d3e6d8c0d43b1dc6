/* The installation source on a local device (kickstart harddrive and
 * cdrom, or inst.repo=hd:/cdrom): which device, its disk (never a target),
 * the read-only mount in slipway's namespace, the repo directory. */
#pragma once

#include <stdbool.h>

#include "strbuf.h"

struct ks;
struct part_probe;
struct teardown;

/* Where the source is mounted, as Anaconda mounts it. */
#define INST_SOURCE_HD_MOUNT	"/run/install/isodir"
#define INST_SOURCE_CDROM_MOUNT "/run/install/repo"

struct inst_source_dev {
	char *path;   /* /dev/sr0, /dev/sdb1 */
	char *disk;   /* the disk it is on (probe name): sdb, sr0, loop3 */
	char *fstype; /* from libblkid */
	char *label;
};

struct inst_source {
	bool cdrom;   /* else harddrive */
	char *where;  /* "ks.cfg:3: harddrive --partition=sdb1" */
	char *dir;    /* harddrive --dir; "/" for cdrom */
	/* harddrive: the one device; cdrom: every iso9660/udf device, in
	 * probe order, until mounting picks the one holding a repo */
	struct inst_source_dev *devs;
	size_t n_devs;
	/* after inst_source_mount() */
	const struct inst_source_dev *used;
	char *mountpoint, *repo_dir;
};

/* Finds the source's device(s) without writing or mounting anything.
 * Returns 0 with *ret NULL when the kickstart's source is not a device,
 * -ENOENT (kickstart problem: exit 2) when no device matches. */
int inst_source_resolve(const struct ks *ks, struct inst_source **ret);
void inst_source_free(struct inst_source *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct inst_source *, inst_source_free)
/* Adds to s->devs every device of the probe that SPEC names (sdb1,
 * /dev/sdb1, a /dev/disk/by-… link, LABEL=, UUID=, PARTUUID=, PARTLABEL=). */
void inst_source_match(const struct part_probe *probe, const char *spec, struct inst_source *s);
/* Adds every device with an iso9660 or udf filesystem on the whole disk
 * (optical drives, attached ISO images, hybrid ISOs on USB sticks). */
void inst_source_match_optical(const struct part_probe *probe, struct inst_source *s);
/* Frees the devices found so far and empties the list. */
void inst_source_devs_clear(struct inst_source *s);
/* Marks the disks of the source's devices in a storage probe, so that the
 * selection refuses them as targets (part_probe_disk_busy_reason). */
void inst_source_mark(const struct inst_source *s, struct part_probe *probe);
/* Mounts the device read-only (cdrom: the first candidate holding
 * repodata/repomd.xml) and sets repo_dir; the umount goes on td. Call it
 * inside slipway's mount namespace. */
int inst_source_mount(struct inst_source *s, struct teardown *td);
/* The plan's "source:" lines: the device, and the mount done or, in a dry
 * run, the one that would be done. */
void inst_source_print(const struct inst_source *s, struct strbuf *out);
