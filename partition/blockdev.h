/* Block device plumbing used by apply (internal to partition/): loop
 * devices, partition nodes, signature wiping, tables, LUKS, mkfs, mounts. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "layout.h"

struct teardown;

struct part_loop {
	int fd; /* held open: the device is AUTOCLEAR */
	char *dev;
};
int part_loop_attach(const char *file, unsigned sector_size, struct part_loop **ret);
int part_loop_detach(void *data); /* a teardown step */
void part_loop_free(void *data);

/* "/dev/sda" 1 → "/dev/sda1"; "/dev/loop0" 1 → "/dev/loop0p1". */
char *part_partition_node(const char *disk_dev, unsigned partno);
int part_wait_partitions(const char *disk_dev, const unsigned *partnos, size_t n, unsigned timeout_ms);
/* udevadm settle when udevd runs; never fails the install. */
int part_udev_settle(void);
/* Erases every signature libblkid finds (wipefs -a); fd may be -1.
 * Returns the number wiped or -errno. */
int part_wipe_signatures(const char *dev, int fd);

/* Writes disk d's table of the layout on dev (libfdisk) and makes the
 * kernel see it. New tables wipe the disk's signatures first. */
int part_table_write(const struct part_layout *l, size_t d, const char *dev);

/* LUKS with libcryptsetup; the passphrase goes through the API only. */
int part_luks_format(const char *dev, const struct part_luks *luks);
int part_luks_open(const char *dev, const struct part_luks *luks);
int part_luks_close(void *mapper_name); /* a teardown step; data is the name */

/* The mkfs command line of an entry (pure; tests compare it). */
char **part_mkfs_argv(const struct part_entry *e, const char *dev);
int part_mkfs(const struct part_entry *e, const char *dev);

/* Mount options used while installing and in fstab. */
const char *part_mount_options(const struct part_entry *e);
