/* Disk probing: sysfs for the list and geometry, libblkid for tables and
 * filesystems (opened read-only), libmount for mounts, /proc/swaps. */
#include <blkid.h>
#include <dirent.h>
#include <fcntl.h>
#include <libmount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "event.h"
#include "probe.h"
#include "strv.h"

static char *read_attr(const char *dir, const char *attr)
{
	_cleanup_free_ char *p = xasprintf("%s/%s", dir, attr);
	_cleanup_fclose_ FILE *f = fopen(p, "re");
	char buf[512];

	if (!f || !fgets(buf, sizeof(buf), f))
		return NULL;
	buf[strcspn(buf, "\n")] = '\0';
	/* sysfs pads model names with spaces */
	for (size_t n = strlen(buf); n > 0 && buf[n - 1] == ' '; n--)
		buf[n - 1] = '\0';
	return buf[0] ? xstrdup(buf) : NULL;
}

static uint64_t read_u64(const char *dir, const char *attr)
{
	_cleanup_free_ char *s = read_attr(dir, attr);
	return s ? strtoull(s, NULL, 10) : 0;
}

static dev_t read_devno(const char *dir)
{
	_cleanup_free_ char *s = read_attr(dir, "dev");
	unsigned maj, min;

	if (!s || sscanf(s, "%u:%u", &maj, &min) != 2)
		return 0;
	return makedev(maj, min);
}

static char **read_holders(const char *dir)
{
	_cleanup_free_ char *p = xasprintf("%s/holders", dir);
	DIR *d = opendir(p);
	char **r = NULL;
	struct dirent *de;

	if (!d)
		return NULL;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			strv_push(&r, de->d_name);
	closedir(d);
	return r;
}

static bool is_candidate(const char *name)
{
	static const char *const skip[] = { "ram", "zram", "dm-", "md", "nbd", "fd" };

	for (size_t i = 0; i < ELEMENTSOF(skip); i++)
		if (startswith(name, skip[i]))
			return false;
	return true;
}

static char *transport_of(const char *sysdir, const char *name)
{
	char link[PATH_MAX];
	ssize_t n = readlink(sysdir, link, sizeof(link) - 1);

	if (startswith(name, "loop"))
		return xstrdup("loop");
	if (n < 0)
		return NULL;
	link[n] = '\0';
	static const struct {
		const char *needle, *transport;
	} map[] = {
		{ "/usb", "usb" },   { "/nvme", "nvme" }, { "/virtio", "virtio" }, { "/mmc", "mmc" },
		{ "/ata", "sata" },  { "/target", "scsi" },
	};
	for (size_t i = 0; i < ELEMENTSOF(map); i++)
		if (strstr(link, map[i].needle))
			return xstrdup(map[i].transport);
	return NULL;
}

void part_probe_superblock(const char *path, struct part_probe_fs *fs)
{
	blkid_probe pr = blkid_new_probe_from_filename(path);
	const char *v;

	if (!pr)
		return;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID);
	blkid_probe_enable_partitions(pr, 0);
	if (blkid_do_safeprobe(pr) == 0) {
		if (blkid_probe_lookup_value(pr, "TYPE", &v, NULL) == 0)
			fs->fstype = xstrdup(v);
		if (blkid_probe_lookup_value(pr, "LABEL", &v, NULL) == 0)
			fs->label = xstrdup(v);
		if (blkid_probe_lookup_value(pr, "UUID", &v, NULL) == 0)
			fs->uuid = xstrdup(v);
	}
	blkid_free_probe(pr);
}

/* The partition table: type and uuid, and per partition type/name/uuid. */
static void probe_table(struct part_probe_disk *d)
{
	blkid_probe pr = blkid_new_probe_from_filename(d->path);
	blkid_partlist ls;

	if (!pr)
		return;
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	blkid_probe_enable_superblocks(pr, 0);
	if (blkid_do_safeprobe(pr) == 0 && (ls = blkid_probe_get_partitions(pr))) {
		blkid_parttable tab = blkid_partlist_get_table(ls);
		if (tab) {
			d->pttype = xstrdup(blkid_parttable_get_type(tab));
			const char *id = blkid_parttable_get_id(tab);
			d->ptuuid = id ? xstrdup(id) : NULL;
		}
		int n = blkid_partlist_numof_partitions(ls);
		for (int i = 0; i < n; i++) {
			blkid_partition par = blkid_partlist_get_partition(ls, i);
			unsigned no = (unsigned)blkid_partition_get_partno(par);
			for (size_t j = 0; j < d->n_parts; j++) {
				struct part_probe_part *p = &d->parts[j];
				if (p->partno != no)
					continue;
				const char *s;
				if ((s = blkid_partition_get_type_string(par)))
					p->type = xstrdup(s);
				else
					p->type = xasprintf("0x%x", (unsigned)blkid_partition_get_type(par));
				if ((s = blkid_partition_get_name(par)))
					p->partlabel = xstrdup(s);
				if ((s = blkid_partition_get_uuid(par)))
					p->partuuid = xstrdup(s);
			}
		}
	}
	blkid_free_probe(pr);
}

static void add_part(struct part_probe_disk *d, const char *sysdir, const char *name, unsigned sector)
{
	_cleanup_free_ char *dir = xasprintf("%s/%s", sysdir, name);

	d->parts = xrealloc(d->parts, (d->n_parts + 1) * sizeof(*d->parts));
	struct part_probe_part *p = &d->parts[d->n_parts++];
	*p = (struct part_probe_part){};
	p->name = xstrdup(name);
	p->path = xasprintf("/dev/%s", name);
	p->partno = (unsigned)read_u64(dir, "partition");
	/* sysfs start/size are in 512-byte units whatever the sector size */
	p->start = read_u64(dir, "start") * 512;
	p->size = read_u64(dir, "size") * 512;
	p->fs.holders = read_holders(dir);
	(void)sector;
}

static int cmp_parts(const void *a, const void *b)
{
	const struct part_probe_part *x = a, *y = b;
	return (x->partno > y->partno) - (x->partno < y->partno);
}

static void probe_one(const char *sysroot, const char *name, struct part_probe *pp)
{
	_cleanup_free_ char *dir = xasprintf("%s/block/%s", sysroot, name);
	uint64_t size = read_u64(dir, "size") * 512;
	_cleanup_free_ char *backing = xasprintf("%s/loop/backing_file", dir);

	if (size == 0 || (startswith(name, "loop") && access(backing, F_OK) < 0))
		return;
	pp->disks = xrealloc(pp->disks, (pp->n_disks + 1) * sizeof(*pp->disks));
	struct part_probe_disk *d = &pp->disks[pp->n_disks++];
	*d = (struct part_probe_disk){};
	d->name = xstrdup(name);
	d->path = xasprintf("/dev/%s", name);
	d->devno = read_devno(dir);
	d->size = size;
	d->sector_size = (unsigned)read_u64(dir, "queue/logical_block_size");
	d->physical_sector_size = (unsigned)read_u64(dir, "queue/physical_block_size");
	d->model = read_attr(dir, "device/model");
	d->serial = read_attr(dir, "device/serial");
	d->transport = transport_of(dir, name);
	d->backing_file = read_attr(dir, "loop/backing_file");
	d->removable = read_u64(dir, "removable") != 0;
	d->readonly = read_u64(dir, "ro") != 0;
	d->optical = startswith(name, "sr");
	d->fs.holders = read_holders(dir);

	DIR *sd = opendir(dir);
	struct dirent *de;
	while (sd && (de = readdir(sd)))
		if (startswith(de->d_name, name) && strlen(de->d_name) > strlen(name)) {
			_cleanup_free_ char *pfile = xasprintf("%s/%s/partition", dir, de->d_name);
			if (access(pfile, F_OK) == 0)
				add_part(d, dir, de->d_name, d->sector_size);
		}
	if (sd)
		closedir(sd);
	if (d->n_parts > 1)
		qsort(d->parts, d->n_parts, sizeof(*d->parts), cmp_parts);
	if (access(d->path, R_OK) == 0) {
		probe_table(d);
		if (!d->pttype)
			part_probe_superblock(d->path, &d->fs);
		for (size_t i = 0; i < d->n_parts; i++)
			part_probe_superblock(d->parts[i].path, &d->parts[i].fs);
	}
}

static struct part_probe_fs *fs_by_devno(struct part_probe *pp, dev_t devno, const char *sysroot)
{
	for (size_t i = 0; i < pp->n_disks; i++) {
		struct part_probe_disk *d = &pp->disks[i];
		if (d->devno == devno)
			return &d->fs;
		for (size_t j = 0; j < d->n_parts; j++) {
			_cleanup_free_ char *dir = xasprintf("%s/block/%s/%s", sysroot, d->name, d->parts[j].name);
			if (read_devno(dir) == devno)
				return &d->parts[j].fs;
		}
	}
	return NULL;
}

static void probe_mounts(struct part_probe *pp, const char *sysroot)
{
	struct libmnt_table *tb = mnt_new_table();
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs;

	if (tb && it && mnt_table_parse_mtab(tb, NULL) == 0)
		while (mnt_table_next_fs(tb, it, &fs) == 0) {
			dev_t devno = mnt_fs_get_devno(fs);
			struct part_probe_fs *f;
			if (major(devno) == 0 || !(f = fs_by_devno(pp, devno, sysroot)) || f->mountpoint)
				continue;
			f->mountpoint = xstrdup(mnt_fs_get_target(fs));
		}
	mnt_free_iter(it);
	mnt_unref_table(tb);

	_cleanup_fclose_ FILE *sw = fopen("/proc/swaps", "re");
	char line[1024];
	while (sw && fgets(line, sizeof(line), sw)) {
		char path[1024];
		struct stat st;
		if (sscanf(line, "%1023s", path) != 1 || path[0] != '/' || stat(path, &st) < 0 ||
		    !S_ISBLK(st.st_mode))
			continue;
		struct part_probe_fs *f = fs_by_devno(pp, st.st_rdev, sysroot);
		if (f)
			f->swap = true;
	}
}

/* The disk that holds the running installer: the device of / and of our own
 * executable (a live ISO mounts its media; a loop-backed root shows here). */
static void probe_installer_media(struct part_probe *pp, const char *sysroot)
{
	const char *paths[] = { "/", "/proc/self/exe", "/run/initramfs/live", "/run/install/repo" };

	for (size_t k = 0; k < ELEMENTSOF(paths); k++) {
		struct stat st;
		if (stat(paths[k], &st) < 0 || major(st.st_dev) == 0)
			continue;
		for (size_t i = 0; i < pp->n_disks; i++) {
			struct part_probe_disk *d = &pp->disks[i];
			bool hit = d->devno == st.st_dev;
			for (size_t j = 0; j < d->n_parts && !hit; j++) {
				_cleanup_free_ char *dir =
					xasprintf("%s/block/%s/%s", sysroot, d->name, d->parts[j].name);
				hit = read_devno(dir) == st.st_dev;
			}
			if (hit)
				d->installer_media = true;
		}
	}
}

int part_probe_mark_source(struct part_probe *p, const char *disk, const char *why)
{
	for (size_t i = 0; i < p->n_disks; i++)
		if (streq(p->disks[i].name, disk)) {
			free(p->disks[i].install_source);
			p->disks[i].install_source = xstrdup(why);
			return 0;
		}
	return -ENODEV;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int part_probe_disks(const char *sysfs_root, struct part_probe **ret)
{
	_cleanup_free_ char *blockdir = xasprintf("%s/block", sysfs_root);
	struct part_probe *pp = xnew0(struct part_probe, 1);
	DIR *d = opendir(blockdir);
	struct dirent *de;
	_cleanup_strv_free_ char **names = NULL;

	if (!d) {
		part_probe_free(pp);
		return log_error_errno(errno, "cannot list %s: %m", blockdir);
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && is_candidate(de->d_name))
			strv_push(&names, de->d_name);
	closedir(d);
	qsort(names, strv_length(names), sizeof(char *), cmp_names);
	STRV_FOREACH(n, names)
		probe_one(sysfs_root, *n, pp);
	probe_mounts(pp, sysfs_root);
	probe_installer_media(pp, sysfs_root);
	*ret = pp;
	return 0;
}
