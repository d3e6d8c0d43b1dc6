/* /etc/fstab and /etc/crypttab of the new system, by UUID, from the plan:
 * pure writers (golden-tested) and the one function that puts them in place. */
#include <fcntl.h>
#include <sys/stat.h>

#include "blockdev.h"
#include "event.h"
#include "part.h"
#include "fault.h"

static int cmp_mount(const void *x, const void *y)
{
	const struct part_entry *a = *(const struct part_entry *const *)x, *b = *(const struct part_entry *const *)y;
	/* swap (no mount point) last; otherwise by path, so parents come first */
	if (!a->mountpoint || !b->mountpoint)
		return !a->mountpoint - !b->mountpoint;
	return strcmp(a->mountpoint, b->mountpoint);
}

/* Entries with a filesystem, / first and parents before children. */
static size_t sorted_entries(const struct part_layout *l, const struct part_entry **v)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n_entries; i++)
		if (l->entries[i].fstype)
			v[n++] = &l->entries[i];
	qsort(v, n, sizeof(*v), cmp_mount);
	return n;
}

/* Anaconda's numbers: dump 1 for ext*, else 0; pass 1 for /, 2 for other
 * fsck-able filesystems, 0 for xfs and btrfs (no boot-time fsck) and swap. */
static int pass_of(const struct part_entry *e)
{
	if (streq(e->fstype, "swap") || streq(e->fstype, "xfs") || streq(e->fstype, "btrfs"))
		return 0;
	return e->role == PART_ROLE_ROOT ? 1 : 2;
}

void part_fstab_write(const struct part_layout *l, struct strbuf *out)
{
	const struct part_entry *v[l->n_entries + 1];
	size_t n = sorted_entries(l, v);

	strbuf_adds(out, "# /etc/fstab, written by slipway. Filesystems by UUID; see fstab(5).\n");
	for (size_t i = 0; i < n; i++) {
		const struct part_entry *e = v[i];
		bool swap = streq(e->fstype, "swap");
		if (!swap && !e->mountpoint)
			continue; /* formatted but not mounted (part none --fstype=…) */
		strbuf_addf(out, "UUID=%s %s %s %s%s %d %d\n", e->fs_uuid, swap ? "none" : e->mountpoint, e->fstype,
			    part_mount_options(e),
			    /* an encrypted filesystem waits for its passphrase as long as it takes */
			    e->encrypted ? ",x-systemd.device-timeout=0" : "", startswith(e->fstype, "ext") ? 1 : 0,
			    pass_of(e));
	}
}

void part_crypttab_write(const struct part_layout *l, struct strbuf *out)
{
	const struct part_entry *v[l->n_entries + 1];
	size_t n = sorted_entries(l, v);

	strbuf_adds(out, "# /etc/crypttab, written by slipway; see crypttab(5).\n");
	for (size_t i = 0; i < n; i++)
		if (v[i]->encrypted)
			strbuf_addf(out, "%s UUID=%s none discard\n", v[i]->luks.mapper, v[i]->luks.uuid);
	/* encrypted partitions without a filesystem */
	for (size_t i = 0; i < l->n_entries; i++)
		if (l->entries[i].encrypted && !l->entries[i].fstype)
			strbuf_addf(out, "%s UUID=%s none discard\n", l->entries[i].luks.mapper, l->entries[i].luks.uuid);
}

static int write_file(const char *dir, const char *name, const struct strbuf *sb, mode_t mode)
{
	_cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
	_cleanup_free_ char *tmp = xasprintf("%s.slipway-tmp", path);
	_cleanup_close_ int fd = -1;
	int r;

	if ((r = fault_inject("write")) < 0)
		return log_error_errno(r, "storage: cannot write %s: %m", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)) < 0)
		return log_error_errno(errno, "storage: cannot create %s: %m", tmp);
	if (write(fd, sb->buf, sb->len) != (ssize_t)sb->len || fsync(fd) < 0) {
		r = errno ? -errno : -EIO;
		unlink(tmp);
		return log_error_errno(r, "storage: cannot write %s: %m", tmp);
	}
	if (rename(tmp, path) < 0) {
		r = -errno;
		unlink(tmp);
		return log_error_errno(r, "storage: cannot rename %s: %m", tmp);
	}
	return 0;
}

int part_write_config(const struct part_plan *p, const char *sysroot)
{
	_cleanup_free_ char *etc = xasprintf("%s/etc", sysroot);
	_cleanup_strbuf_ struct strbuf fstab = STRBUF_INIT;
	int r;

	if (mkdir(etc, 0755) < 0 && errno != EEXIST)
		return log_error_errno(errno, "storage: cannot create %s: %m", etc);
	part_fstab_write(p->layout, &fstab);
	if ((r = write_file(etc, "fstab", &fstab, 0644)) < 0)
		return r;
	if (!part_plan_encrypted(p))
		return 0;
	_cleanup_strbuf_ struct strbuf crypttab = STRBUF_INIT;
	part_crypttab_write(p->layout, &crypttab);
	return write_file(etc, "crypttab", &crypttab, 0600);
}
