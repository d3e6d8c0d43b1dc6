/* Applies the storage plan: image file and loop device, tables, signature
 * wipes, LUKS, mkfs, mounts under the sysroot; every resource on the
 * teardown stack. Also fills the ESP of an image at the end. */
#include <inttypes.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "blockdev.h"
#include "event.h"
#include "mount.h"
#include "part.h"
#include "run.h"
#include "strv.h"
#include "teardown.h"

#define PARTITION_TIMEOUT_MS 10000

/* A new sparse file; an existing regular file is replaced. */
static int create_image(const char *path, uint64_t size)
{
	struct stat st;
	_cleanup_close_ int fd = -1;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return log_error_errno(EINVAL, "storage: %s exists and is not a regular file; refusing to use it as "
					       "an image", path);
	if ((fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return log_error_errno(errno, "storage: cannot create the image %s: %m", path);
	if (ftruncate(fd, (off_t)size) < 0)
		return log_error_errno(errno, "storage: cannot size the image %s to %" PRIu64 " bytes: %m", path, size);
	return 0;
}

static int attach_image(struct part_plan *p, struct teardown *td)
{
	struct part_loop *loop = NULL;
	int r;

	if ((r = create_image(p->image_path, p->image_size)) < 0)
		return r;
	if ((r = part_loop_attach(p->image_path, p->layout->disks[0].sector_size, &loop)) < 0)
		return r;
	_cleanup_free_ char *what = xasprintf("detach %s", loop->dev);
	p->disk_dev[0] = xstrdup(loop->dev);
	teardown_push(td, what, part_loop_detach, loop, part_loop_free);
	return 0;
}

static int write_tables(struct part_plan *p)
{
	struct part_layout *l = p->layout;
	int r;

	for (size_t d = 0; d < l->n_disks; d++) {
		unsigned partnos[l->n_entries + 1];
		size_t n = 0;
		if ((r = part_table_write(l, d, p->disk_dev[d])) < 0)
			return r;
		for (size_t i = 0; i < l->n_entries; i++)
			if (l->entries[i].disk == d)
				partnos[n++] = l->entries[i].partno;
		if ((r = part_wait_partitions(p->disk_dev[d], partnos, n, PARTITION_TIMEOUT_MS)) < 0)
			return r;
		(void)part_udev_settle();
		for (size_t i = 0; i < l->n_entries; i++)
			if (l->entries[i].disk == d)
				p->part_dev[i] = part_partition_node(p->disk_dev[d], l->entries[i].partno);
	}
	return 0;
}

/* Old signatures inside a new partition (LVM, RAID, a filesystem the old
 * table had there) must not survive to confuse the new system. */
static int prepare_entry(struct part_plan *p, size_t i, struct teardown *td)
{
	struct part_entry *e = &p->layout->entries[i];
	int r;

	if ((r = part_wipe_signatures(p->part_dev[i], -1)) < 0)
		return r;
	if (!e->encrypted) {
		p->fs_dev[i] = xstrdup(p->part_dev[i]);
		return 0;
	}
	secret_register(e->luks.passphrase);
	if ((r = part_luks_format(p->part_dev[i], &e->luks)) < 0 || (r = part_luks_open(p->part_dev[i], &e->luks)) < 0)
		return r;
	_cleanup_free_ char *what = xasprintf("close LUKS %s", e->luks.mapper);
	teardown_push(td, what, part_luks_close, xstrdup(e->luks.mapper), free);
	(void)part_udev_settle(); /* the mapping's node and links */
	p->fs_dev[i] = xasprintf("/dev/mapper/%s", e->luks.mapper);
	return 0;
}

static int cmp_mount(const void *x, const void *y)
{
	const struct part_entry *a = *(struct part_entry *const *)x, *b = *(struct part_entry *const *)y;
	return strcmp(a->mountpoint, b->mountpoint);
}

static int mount_all(struct part_plan *p, const char *sysroot, struct teardown *td, const struct part_apply_opts *o)
{
	struct part_layout *l = p->layout;
	struct part_entry *v[l->n_entries + 1];
	size_t n = 0;
	int r;

	for (size_t i = 0; i < l->n_entries; i++)
		if (l->entries[i].mountpoint && l->entries[i].fstype && !streq(l->entries[i].fstype, "swap"))
			v[n++] = &l->entries[i];
	/* by path: "/" < "/boot" < "/boot/efi" < "/home", parents first */
	qsort(v, n, sizeof(*v), cmp_mount);
	for (size_t k = 0; k < n; k++) {
		struct part_entry *e = v[k];
		_cleanup_free_ char *target = xasprintf("%s%s", sysroot, streq(e->mountpoint, "/") ? "" : e->mountpoint);
		if (e->role == PART_ROLE_ESP && o && o->stage_esp) {
			if ((r = part_stage_esp(target, td, &p->esp_stage)) < 0)
				return r;
			continue;
		}
		const char *dev = part_plan_entry_device(p, e);
		if ((r = part_mount_at(dev, target, e->fstype, part_mount_options(e), td)) < 0)
			return r;
		log_info("storage: %s mounted on %s", dev, target);
	}
	return 0;
}

int part_apply(struct part_plan *p, const char *sysroot, struct teardown *td, const struct part_apply_opts *o)
{
	struct part_layout *l = p->layout;
	int r;

	p->disk_dev = xnew0(char *, l->n_disks + 1);
	p->part_dev = xnew0(char *, l->n_entries + 1);
	p->fs_dev = xnew0(char *, l->n_entries + 1);
	free(p->sysroot);
	p->sysroot = xstrdup(sysroot);
	if (p->image) {
		if ((r = attach_image(p, td)) < 0)
			return r;
	} else
		for (size_t d = 0; d < l->n_disks; d++)
			p->disk_dev[d] = xstrdup(l->disks[d].path);
	if ((r = write_tables(p)) < 0)
		return r;
	for (size_t i = 0; i < l->n_entries; i++) {
		event_progress(i, l->n_entries, "items", "preparing %s", p->part_dev[i]);
		if ((r = prepare_entry(p, i, td)) < 0 || (r = part_mkfs(&l->entries[i], p->fs_dev[i])) < 0)
			return r;
	}
	event_progress(l->n_entries, l->n_entries, "items", "filesystems made");
	(void)part_udev_settle(); /* its probes of the new filesystems are done before they are mounted */
	return mount_all(p, sysroot, td, o);
}

int part_esp_finalize(struct part_plan *p)
{
	const struct part_entry *esp = part_plan_find(p, PART_ROLE_ESP);
	_cleanup_strv_free_ char **argv = NULL;
	_cleanup_strv_free_ char **env = NULL;
	DIR *d;
	struct dirent *de;
	size_t n = 0;

	if (!p->esp_stage || !esp)
		return 0;
	const char *dev = part_plan_entry_device(p, esp);
	strv_extend(&argv, "mcopy", "-s", "-o", "-i", dev, NULL);
	if (!(d = opendir(p->esp_stage)))
		return log_error_errno(errno, "storage: cannot read %s: %m", p->esp_stage);
	while ((de = readdir(d)))
		if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) {
			strv_pushf(&argv, "%s/%s", p->esp_stage, de->d_name);
			n++;
		}
	closedir(d);
	if (n == 0)
		return 0;
	strv_push(&argv, "::/");
	strv_push(&env, "MTOOLS_SKIP_CHECK=1");
	log_info("storage: copying the staged ESP (%zu entries) into %s", n, dev);
	return run_checked(argv, &(struct run_opts){ .env = env, .quiet = true, .log_fd = -1 });
}
