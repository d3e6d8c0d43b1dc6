/* Installation sources on local devices: resolving harddrive --partition
 * and cdrom against the storage probe (libblkid), marking their disks,
 * mounting read-only, and what the plan says about them. */
#include <sys/mount.h>

#include "event.h"
#include "kickstart/ks.h"
#include "partition/part.h"
#include "source.h"
#include "teardown.h"

static void dev_set(struct inst_source_dev *d, const char *path, const char *disk, const struct part_probe_fs *fs)
{
	d->path = xstrdup(path);
	d->disk = xstrdup(disk);
	d->fstype = fs->fstype ? xstrdup(fs->fstype) : NULL;
	d->label = fs->label ? xstrdup(fs->label) : NULL;
}

static void add_dev(struct inst_source *s, const char *path, const char *disk, const struct part_probe_fs *fs)
{
	s->devs = xrealloc(s->devs, (s->n_devs + 1) * sizeof(*s->devs));
	dev_set(&s->devs[s->n_devs++], path, disk, fs);
}

/* --partition=: sdb1, /dev/sdb1, a /dev/disk/by-… link, LABEL=, UUID=,
 * PARTUUID=, PARTLABEL= (Anaconda's forms), matched on the probe. */
static bool spec_matches(const char *spec, const char *real, const char *path, const struct part_probe_fs *fs,
			 const struct part_probe_part *part)
{
	if (startswith(spec, "LABEL="))
		return fs->label && streq(fs->label, spec + 6);
	if (startswith(spec, "UUID="))
		return fs->uuid && strcasecmp(fs->uuid, spec + 5) == 0;
	if (startswith(spec, "PARTUUID="))
		return part && part->partuuid && strcasecmp(part->partuuid, spec + 9) == 0;
	if (startswith(spec, "PARTLABEL="))
		return part && part->partlabel && streq(part->partlabel, spec + 10);
	return streq(real ? real : spec, path) || streq(spec, path + 5);
}

/* The filesystem on the whole disk. A disk with a partition table was not
 * probed for one (the probe stops at the table), but a hybrid ISO has both:
 * it is probed here into *tmp, which part_probe_fs_clear() releases. */
static const struct part_probe_fs *disk_fs(const struct part_probe_disk *d, struct part_probe_fs *tmp)
{
	if (!d->fs.fstype && d->pttype)
		part_probe_superblock(d->path, tmp);
	return tmp->fstype ? tmp : &d->fs;
}

void inst_source_match(const struct part_probe *probe, const char *spec, struct inst_source *s)
{
	/* a /dev/disk/by-… link names its target (no udev: it may not exist) */
	_cleanup_free_ char *real = startswith(spec, "/dev/") ? realpath(spec, NULL) : NULL;

	for (size_t i = 0; i < probe->n_disks; i++) {
		const struct part_probe_disk *d = &probe->disks[i];
		struct part_probe_fs whole = {};
		/* A hybrid ISO written to a disk: its partitions may repeat the
		 * label (grub-mkrescue's HFS+ one): the whole disk is the one. */
		const struct part_probe_fs *fs = disk_fs(d, &whole);
		bool hit = spec_matches(spec, real, d->path, fs, NULL);
		if (hit)
			add_dev(s, d->path, d->name, fs);
		part_probe_fs_clear(&whole);
		if (hit)
			continue;
		for (size_t j = 0; j < d->n_parts; j++)
			if (spec_matches(spec, real, d->parts[j].path, &d->parts[j].fs, &d->parts[j]))
				add_dev(s, d->parts[j].path, d->name, &d->parts[j].fs);
	}
}

static int resolve_harddrive(const struct ks_harddrive *h, const struct part_probe *probe, struct inst_source *s)
{
	inst_source_match(probe, h->partition, s);
	if (s->n_devs == 0)
		return log_error("%s: no such device (the devices with a filesystem are listed by "
				 "`slipway disks`)", s->where),
		       -ENOENT;
	if (s->n_devs > 1) {
		_cleanup_strbuf_ struct strbuf l = STRBUF_INIT;
		for (size_t i = 0; i < s->n_devs; i++)
			strbuf_addf(&l, "%s%s", i ? ", " : "", s->devs[i].path);
		return log_error("%s: %zu devices match (%s); name one", s->where, s->n_devs, l.buf), -EINVAL;
	}
	return 0;
}

static bool is_optical_fs(const char *t)
{
	return t && (streq(t, "iso9660") || streq(t, "udf"));
}

/* cdrom: every device with an iso9660 or udf filesystem on the whole disk
 * (optical drives, loop-attached ISO images, hybrid ISOs on USB sticks). */
void inst_source_match_optical(const struct part_probe *probe, struct inst_source *s)
{
	for (size_t i = 0; i < probe->n_disks; i++) {
		const struct part_probe_disk *d = &probe->disks[i];
		struct part_probe_fs whole = {};
		const struct part_probe_fs *fs = disk_fs(d, &whole);
		if (is_optical_fs(fs->fstype))
			add_dev(s, d->path, d->name, fs);
		part_probe_fs_clear(&whole);
	}
}

static int resolve_cdrom(const struct part_probe *probe, struct inst_source *s)
{
	inst_source_match_optical(probe, s);
	if (s->n_devs == 0)
		return log_error("%s: no device with an iso9660 or udf filesystem (no optical disc, "
				 "no ISO image attached)", s->where),
		       -ENOENT;
	return 0;
}

int inst_source_resolve(const struct ks *ks, struct inst_source **ret)
{
	_cleanup_(inst_source_freep) struct inst_source *s = NULL;
	_cleanup_(part_probe_freep) struct part_probe *probe = NULL;
	const struct ks_loc *loc;
	int r;

	*ret = NULL;
	if (!ks->cdrom && !ks->harddrive)
		return 0;
	s = xnew0(struct inst_source, 1);
	s->cdrom = ks->cdrom != NULL;
	loc = s->cdrom ? &ks->cdrom->loc : &ks->harddrive->loc;
	_cleanup_free_ char *cmd = s->cdrom ? xstrdup("cdrom")
					    : xasprintf("harddrive --partition=%s", ks->harddrive->partition);
	s->where = ks_loc_where(loc, cmd);
	s->dir = xstrdup(s->cdrom ? "/" : ks->harddrive->dir);
	if ((r = part_probe_disks("/sys", &probe)) < 0)
		return r;
	r = s->cdrom ? resolve_cdrom(probe, s) : resolve_harddrive(ks->harddrive, probe, s);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(s);
	return 0;
}

void inst_source_devs_clear(struct inst_source *s)
{
	for (size_t i = 0; i < s->n_devs; i++)
		free(s->devs[i].path), free(s->devs[i].disk), free(s->devs[i].fstype), free(s->devs[i].label);
	free(s->devs);
	s->devs = NULL;
	s->n_devs = 0;
}

void inst_source_free(struct inst_source *s)
{
	if (!s)
		return;
	inst_source_devs_clear(s);
	free(s->where);
	free(s->dir);
	free(s->mountpoint);
	free(s->repo_dir);
	free(s);
}

void inst_source_mark(const struct inst_source *s, struct part_probe *probe)
{
	for (size_t i = 0; i < s->n_devs; i++)
		(void)part_probe_mark_source(probe, s->devs[i].disk, s->where);
}

static bool has_repomd(const char *dir)
{
	_cleanup_free_ char *p = xasprintf("%s/repodata/repomd.xml", dir);
	return access(p, R_OK) == 0;
}

static char *repo_dir_of(const char *mountpoint, const char *dir)
{
	return streq(dir, "/") ? xstrdup(mountpoint) : xasprintf("%s%s", mountpoint, dir);
}

int inst_source_mount(struct inst_source *s, struct teardown *td)
{
	const char *mnt = s->cdrom ? INST_SOURCE_CDROM_MOUNT : INST_SOURCE_HD_MOUNT;
	int r;

	for (size_t i = 0; i < s->n_devs; i++) {
		const struct inst_source_dev *d = &s->devs[i];
		size_t depth = teardown_depth(td);
		/* -EIO: a failure (exit 1), whatever errno mount gave (ENODEV is not "refused") */
		if ((r = part_mount_source(d->path, mnt, d->fstype, td)) < 0)
			return log_error("%s: cannot mount %s read-only", s->where, d->path), -EIO;
		_cleanup_free_ char *dir = repo_dir_of(mnt, s->dir);
		if (has_repomd(dir)) {
			s->used = d;
			s->mountpoint = xstrdup(mnt);
			s->repo_dir = TAKE_PTR(dir);
			log_info("installation source: %s mounted read-only on %s", d->path, mnt);
			return 0;
		}
		if (!s->cdrom)
			return log_error("%s --dir=%s: %s has no repodata/repomd.xml under %s (slipway installs "
					 "from a repo tree, not from ISO files in a directory)",
					 s->where, s->dir, d->path, s->dir),
			       -ENOENT;
		log_info("%s: %s holds no repo; trying the next device", s->where, d->path);
		while (teardown_depth(td) > depth) /* unmount it now */
			if ((r = teardown_run_last(td)) < 0)
				return r;
	}
	return log_error("%s: no iso9660 or udf device holds repodata/repomd.xml", s->where), -ENOENT;
}

void inst_source_print(const struct inst_source *s, struct strbuf *out)
{
	strbuf_addf(out, "source: %s\n", s->where);
	for (size_t i = 0; i < s->n_devs; i++) {
		const struct inst_source_dev *d = &s->devs[i];
		if (s->used && s->used != d)
			continue;
		strbuf_addf(out, "  device %s (%s%s%s, disk %s: never a target)\n", d->path, strna(d->fstype),
			    d->label ? ", label " : "", strempty(d->label), d->disk);
	}
	if (s->used) {
		strbuf_addf(out, "  mounted read-only on %s; repo file://%s\n", s->mountpoint, s->repo_dir);
		return;
	}
	const char *mnt = s->cdrom ? INST_SOURCE_CDROM_MOUNT : INST_SOURCE_HD_MOUNT;
	_cleanup_free_ char *dir = repo_dir_of(mnt, s->dir);
	strbuf_addf(out, "  would mount %s read-only on %s and use the repo file://%s\n",
		    s->n_devs == 1 ? s->devs[0].path : "the first of them holding a repo", mnt, dir);
	strbuf_adds(out, "  packages: not resolved in --dry-run (the source is not mounted)\n");
}
