/* Writes a disk's partition table with libfdisk (GPT or MBR, type GUIDs,
 * names, partition UUIDs), as systemd-repart does, and makes the kernel
 * see exactly those partitions (BLKRRPART, then BLKPG for what it missed). */
#include <inttypes.h>
#include <dirent.h>
#include <fcntl.h>
#include <libfdisk.h>
#include <linux/blkpg.h>
#include <sys/ioctl.h>

#include "blockdev.h"
#include "event.h"
#include "fault.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct fdisk_context *, fdisk_unref_context)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct fdisk_partition *, fdisk_unref_partition)
DEFINE_TRIVIAL_CLEANUP_FUNC(struct fdisk_parttype *, fdisk_unref_parttype)

static bool kept(const struct part_layout_disk *d, size_t partno)
{
	for (size_t i = 0; i < d->n_keep; i++)
		if (d->keep[i].partno == partno)
			return true;
	return false;
}

/* Deletes the partitions of a kept table that are not kept. */
static int delete_unkept(struct fdisk_context *c, const struct part_layout_disk *d)
{
	for (size_t i = 0; i < fdisk_get_npartitions(c); i++) {
		if (!fdisk_is_partition_used(c, i) || kept(d, i + 1))
			continue;
		int r = fdisk_delete_partition(c, i);
		if (r < 0)
			return log_error_errno(r, "storage: %s: cannot delete partition %zu: %m", d->path, i + 1);
	}
	return 0;
}

static int add_entry(struct fdisk_context *c, const struct part_layout_disk *d, const struct part_entry *e)
{
	_cleanup_(fdisk_unref_partitionp) struct fdisk_partition *pa = fdisk_new_partition();
	_cleanup_(fdisk_unref_parttypep) struct fdisk_parttype *t = NULL;
	struct fdisk_label *lb = fdisk_get_label(c, NULL);
	char mbr[8];
	int r;

	if (!pa)
		return log_error_errno(ENOMEM, "storage: out of memory");
	snprintf(mbr, sizeof(mbr), "%02x", e->mbr_type);
	t = fdisk_label_parse_parttype(lb, d->table == PART_TABLE_GPT ? e->type_guid : mbr);
	if (!t)
		return log_error_errno(EINVAL, "storage: %s: libfdisk does not know the type %s", d->path,
				       d->table == PART_TABLE_GPT ? e->type_guid : mbr);
	if ((r = fdisk_partition_set_type(pa, t)) < 0 || (r = fdisk_partition_set_partno(pa, e->partno - 1)) < 0 ||
	    (r = fdisk_partition_set_start(pa, e->start / d->sector_size)) < 0 ||
	    (r = fdisk_partition_set_size(pa, e->size / d->sector_size)) < 0)
		return log_error_errno(r, "storage: %s: cannot describe partition %u: %m", d->path, e->partno);
	if (d->table == PART_TABLE_GPT &&
	    ((r = fdisk_partition_set_name(pa, e->part_name)) < 0 || (r = fdisk_partition_set_uuid(pa, e->part_uuid)) < 0))
		return log_error_errno(r, "storage: %s: cannot name partition %u: %m", d->path, e->partno);
	if ((r = fdisk_add_partition(c, pa, NULL)) < 0)
		return log_error_errno(r, "storage: %s: cannot add partition %u (%s at %" PRIu64 ", %" PRIu64
					  " bytes): %m", d->path, e->partno, e->origin, e->start, e->size);
	if (e->bootable && (r = fdisk_toggle_partition_flag(c, e->partno - 1, DOS_FLAG_ACTIVE)) < 0)
		return log_error_errno(r, "storage: %s: cannot mark partition %u active: %m", d->path, e->partno);
	return 0;
}

/* The extended partition (4) that holds the logical ones: type 0x05. */
static int add_extended(struct fdisk_context *c, const struct part_layout_disk *d)
{
	_cleanup_(fdisk_unref_partitionp) struct fdisk_partition *pa = fdisk_new_partition();
	_cleanup_(fdisk_unref_parttypep) struct fdisk_parttype *t = NULL;
	int r;

	if (!pa)
		return log_error_errno(ENOMEM, "storage: out of memory");
	t = fdisk_label_parse_parttype(fdisk_get_label(c, NULL), "05");
	if (!t || (r = fdisk_partition_set_type(pa, t)) < 0 || (r = fdisk_partition_set_partno(pa, 3)) < 0 ||
	    (r = fdisk_partition_set_start(pa, d->ext_start / d->sector_size)) < 0 ||
	    (r = fdisk_partition_set_size(pa, d->ext_size / d->sector_size)) < 0 ||
	    (r = fdisk_add_partition(c, pa, NULL)) < 0)
		return log_error_errno(t ? r : EINVAL, "storage: %s: cannot add the extended partition 4: %m",
				       d->path);
	return 0;
}

/* What the kernel shows of an extended partition: its first sector(s)
 * only (block/partitions/msdos.c: 2 × 512 bytes, or one logical sector). */
static uint64_t kernel_extended_size(const struct part_layout_disk *d)
{
	return d->sector_size > 1024 ? d->sector_size : 1024;
}

/* The kernel's partitions of a disk, from sysfs: number, start, size. */
struct kpart {
	unsigned no;
	uint64_t start, size; /* bytes */
};

static size_t kernel_partitions(const char *dev, struct kpart *v, size_t max)
{
	const char *disk = strrchr(dev, '/') + 1;
	_cleanup_free_ char *dir = xasprintf("/sys/class/block/%s", disk);
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	while (d && (de = readdir(d)) && n < max) {
		if (!startswith(de->d_name, disk) || streq(de->d_name, disk))
			continue;
		unsigned long long no, start, size;
		_cleanup_free_ char *pf = xasprintf("%s/%s/partition", dir, de->d_name);
		_cleanup_free_ char *sf = xasprintf("%s/%s/start", dir, de->d_name);
		_cleanup_free_ char *zf = xasprintf("%s/%s/size", dir, de->d_name);
		_cleanup_fclose_ FILE *a = fopen(pf, "re"), *b = fopen(sf, "re"), *c = fopen(zf, "re");
		if (!a || !b || !c || fscanf(a, "%llu", &no) != 1 || fscanf(b, "%llu", &start) != 1 ||
		    fscanf(c, "%llu", &size) != 1)
			continue;
		v[n++] = (struct kpart){ (unsigned)no, start * 512, size * 512 }; /* sysfs counts 512-byte units */
	}
	if (d)
		closedir(d);
	return n;
}

static int blkpg(int fd, int op, unsigned no, uint64_t start, uint64_t size)
{
	struct blkpg_partition p = { .start = (long long)start, .length = (long long)size, .pno = (int)no };
	struct blkpg_ioctl_arg a = { .op = op, .datalen = sizeof(p), .data = &p };
	return ioctl(fd, BLKPG, &a) < 0 ? -errno : 0;
}

/* Makes the kernel's view match the layout. BLKRRPART first; kernels
 * built without a GPT parser (or a disk held open) leave partitions
 * missing or stale, so every difference is then fixed with BLKPG, as
 * partx does. Kept partitions are left alone. */
static int kernel_sync(struct fdisk_context *c, int fd, const struct part_layout *l, size_t di, const char *dev)
{
	const struct part_layout_disk *d = &l->disks[di];
	struct kpart k[256];
	size_t nk;
	int r;

	(void)fdisk_reread_partition_table(c);
	nk = kernel_partitions(dev, k, ELEMENTSOF(k));
	for (size_t j = 0; j < nk; j++) {
		bool ok = kept(d, k[j].no) || (d->ext_size && k[j].no == 4 && k[j].start == d->ext_start);
		for (size_t i = 0; i < l->n_entries && !ok; i++) {
			const struct part_entry *e = &l->entries[i];
			ok = e->disk == di && e->partno == k[j].no && e->start == k[j].start && e->size == k[j].size;
		}
		if (!ok && (r = blkpg(fd, BLKPG_DEL_PARTITION, k[j].no, 0, 0)) < 0)
			return log_error_errno(r, "storage: %s: cannot remove the old partition %u from the kernel's "
						  "view (in use?): %m", dev, k[j].no);
	}
	nk = kernel_partitions(dev, k, ELEMENTSOF(k));
	bool ext_present = false;
	for (size_t j = 0; j < nk; j++)
		ext_present |= k[j].no == 4;
	if (d->ext_size && !ext_present &&
	    ((r = fault_inject("blkpg")) < 0 ||
	     (r = blkpg(fd, BLKPG_ADD_PARTITION, 4, d->ext_start, kernel_extended_size(d))) < 0))
		return log_error_errno(r, "storage: %s: cannot tell the kernel about the extended partition 4: %m", dev);
	for (size_t i = 0; i < l->n_entries; i++) {
		const struct part_entry *e = &l->entries[i];
		bool present = false;
		for (size_t j = 0; j < nk; j++)
			present |= k[j].no == e->partno;
		if (e->disk != di || present)
			continue;
		if ((r = fault_inject("blkpg")) < 0 ||
		    (r = blkpg(fd, BLKPG_ADD_PARTITION, e->partno, e->start, e->size)) < 0)
			return log_error_errno(r, "storage: %s: cannot tell the kernel about partition %u: %m", dev,
					       e->partno);
	}
	return 0;
}

int part_table_write(const struct part_layout *l, size_t di, const char *dev)
{
	const struct part_layout_disk *d = &l->disks[di];
	_cleanup_(fdisk_unref_contextp) struct fdisk_context *c = fdisk_new_context();
	/* O_EXCL: fails if the disk or a partition is mounted or held */
	_cleanup_close_ int fd = open(dev, O_RDWR | O_CLOEXEC | O_EXCL);
	int r;

	if (fd < 0)
		return log_error_errno(errno, "storage: %s: cannot open it exclusively (in use?): %m", dev);
	if (!c)
		return log_error_errno(ENOMEM, "storage: out of memory");
	fdisk_disable_dialogs(c, 1);
	if ((r = fdisk_assign_device_by_fd(c, fd, dev, 0)) < 0)
		return log_error_errno(r, "storage: %s: libfdisk cannot use it: %m", dev);
	if (!d->keep_table) {
		if ((r = part_wipe_signatures(dev, fd)) < 0)
			return r;
		if ((r = fdisk_create_disklabel(c, d->table == PART_TABLE_GPT ? "gpt" : "dos")) < 0)
			return log_error_errno(r, "storage: %s: cannot create a %s table: %m", dev,
					       part_table_to_string(d->table));
		if (d->table == PART_TABLE_GPT && (r = fdisk_set_disklabel_id_from_string(c, d->disk_uuid)) < 0)
			return log_error_errno(r, "storage: %s: cannot set the disk GUID: %m", dev);
	} else if ((r = delete_unkept(c, d)) < 0)
		return r;
	bool ext_added = false;
	for (size_t i = 0; i < l->n_entries; i++) {
		const struct part_entry *e = &l->entries[i];
		if (e->disk != di)
			continue;
		if (e->logical && !ext_added) {
			if ((r = add_extended(c, d)) < 0)
				return r;
			ext_added = true;
		}
		if ((r = add_entry(c, d, e)) < 0)
			return r;
	}
	if ((r = fault_inject("table")) < 0 || (r = fdisk_write_disklabel(c)) < 0)
		return log_error_errno(r, "storage: %s: cannot write the partition table: %m", dev);
	log_info("storage: %s: %s partition table written", dev, part_table_to_string(d->table));
	if ((r = kernel_sync(c, fd, l, di, dev)) < 0)
		return r;
	if ((r = fdisk_deassign_device(c, 0)) < 0)
		return log_error_errno(r, "storage: %s: cannot sync: %m", dev);
	return 0;
}
