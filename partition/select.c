/* Disk selection as Anaconda defines it, made safe: the disks the plan may
 * touch are ignoredisk --only-use ∩ clearpart --drives (or the --ondisk
 * disks, or the only disk there is); anything ambiguous or busy is refused. */
#include "event.h"
#include "kickstart/ks.h"
#include "select.h"
#include "size.h"
#include "strv.h"

static const char *disk_name(const char *s)
{
	return startswith(s, "/dev/") ? s + 5 : s;
}

static bool in_list(char *const *l, const char *name)
{
	STRV_FOREACH(s, l)
		if (streq(disk_name(*s), name))
			return true;
	return false;
}

/* Every disk named anywhere must exist. */
static int check_named(const struct part_probe *probe, char *const *l, const char *what)
{
	STRV_FOREACH(s, l)
		if (!part_probe_find(probe, disk_name(*s))) {
			_cleanup_strbuf_ struct strbuf names = STRBUF_INIT;
			for (size_t i = 0; i < probe->n_disks; i++)
				strbuf_addf(&names, "%s%s", i ? ", " : "", probe->disks[i].name);
			return log_error_errno(EINVAL, "%s: there is no disk named %s (disks: %s)", what, *s,
					       names.len ? names.buf : "none");
		}
	return 0;
}

static char **ondisk_names(const struct ks *ks)
{
	char **l = NULL;
	for (size_t i = 0; i < ks->part.n; i++) {
		const char *o = ks->part.v[i]->ondisk;
		if (o && !strv_contains(l, disk_name(o)))
			strv_push(&l, disk_name(o));
	}
	return l;
}

static bool all_parts_ondisk(const struct ks *ks)
{
	if (ks->part.n == 0)
		return false;
	for (size_t i = 0; i < ks->part.n; i++)
		if (!ks->part.v[i]->ondisk)
			return false;
	return true;
}

static int refuse_ambiguous(const struct part_probe *probe, char *const *ignored)
{
	_cleanup_strbuf_ struct strbuf c = STRBUF_INIT;
	_cleanup_strbuf_ struct strbuf refused = STRBUF_INIT;
	size_t n = 0;

	for (size_t i = 0; i < probe->n_disks; i++) {
		const struct part_probe_disk *d = &probe->disks[i];
		_cleanup_free_ char *busy = part_probe_disk_busy_reason(d);
		if (busy)
			strbuf_addf(&refused, "%s%s", refused.len ? "; " : "", busy);
		else if (!in_list(ignored, d->name) && !streq(strempty(d->transport), "loop")) {
			strbuf_addf(&c, "%s%s (%s%s%s)", n ? ", " : "", d->path, SIZE_FMT(d->size),
				    d->model ? ", " : "", strempty(d->model));
			n++;
		}
	}
	if (n == 0)
		return log_error_errno(ENODEV, "storage: no disk to install on%s%s", refused.len ? ": " : "",
				       strempty(refused.buf));
	return log_error_errno(EBUSY, "storage: %zu disks could be used and the kickstart does not say which: %s; "
				      "name them with `ignoredisk --only-use=` or `clearpart --drives=`",
			       n, c.buf);
}

/* The one implicit candidate, when there is exactly one. */
static int only_candidate(const struct part_probe *probe, char *const *ignored, char ***ret)
{
	const struct part_probe_disk *found = NULL;
	size_t n = 0;

	for (size_t i = 0; i < probe->n_disks; i++) {
		const struct part_probe_disk *d = &probe->disks[i];
		_cleanup_free_ char *busy = part_probe_disk_busy_reason(d);
		/* loop devices are never picked without being named */
		if (busy || in_list(ignored, d->name) || streq(strempty(d->transport), "loop"))
			continue;
		found = d;
		n++;
	}
	if (n != 1)
		return refuse_ambiguous(probe, ignored);
	strv_push(ret, found->name);
	return 0;
}

/* The names of the disks the plan may touch, in probe order. */
static int selected_names(const struct ks *ks, const struct part_probe *probe, char ***ret)
{
	char *const *only = ks->ignoredisk ? ks->ignoredisk->only_use : NULL;
	char *const *ignored = ks->ignoredisk ? ks->ignoredisk->drives : NULL;
	char *const *drives = ks->clearpart ? ks->clearpart->drives : NULL;
	_cleanup_strv_free_ char **ondisk = ondisk_names(ks);
	_cleanup_strv_free_ char **picked = NULL;
	int r;

	if ((r = check_named(probe, only, "ignoredisk --only-use")) < 0 ||
	    (r = check_named(probe, ignored, "ignoredisk --drives")) < 0 ||
	    (r = check_named(probe, drives, "clearpart --drives")) < 0 ||
	    (r = check_named(probe, ondisk, "part --ondisk")) < 0)
		return r;
	STRV_FOREACH(s, drives) {
		if (only && !in_list(only, disk_name(*s)))
			return log_error_errno(EINVAL, "clearpart --drives=%s: %s is not in ignoredisk --only-use",
					       disk_name(*s), disk_name(*s));
		if (in_list(ignored, disk_name(*s)))
			return log_error_errno(EINVAL, "clearpart --drives=%s: %s is ignored by ignoredisk --drives",
					       disk_name(*s), disk_name(*s));
	}
	for (size_t i = 0; i < probe->n_disks; i++) {
		const char *n = probe->disks[i].name;
		bool want = drives ? in_list(drives, n) : only ? in_list(only, n) : false;
		if (want)
			strv_push(&picked, n);
	}
	if (!only && !drives && all_parts_ondisk(ks))
		for (size_t i = 0; i < probe->n_disks; i++)
			if (strv_contains(ondisk, probe->disks[i].name))
				strv_push(&picked, probe->disks[i].name);
	if (!picked && (r = only_candidate(probe, ignored, &picked)) < 0)
		return r;
	STRV_FOREACH(s, ondisk)
		if (!strv_contains(picked, *s)) {
			_cleanup_free_ char *j = strv_join(picked, ", ");
			return log_error_errno(EINVAL, "part --ondisk=%s: %s is not among the disks the kickstart "
						       "lets slipway use (%s)", *s, *s, j);
		}
	STRV_FOREACH(s, picked)
		if (in_list(ignored, *s))
			return log_error_errno(EINVAL, "part --ondisk=%s: %s is ignored by ignoredisk --drives", *s,
					       *s);
	*ret = TAKE_PTR(picked);
	return 0;
}

bool part_probe_part_is_linux(const struct part_probe_part *p)
{
	static const char *const fs[] = { "ext2", "ext3", "ext4", "xfs", "btrfs", "swap", "LVM2_member",
					  "linux_raid_member", "crypto_LUKS", NULL };
	static const char *const types[] = {
		"0fc63daf-8483-4772-8e79-3d69d8477de4", "4f68bce3-e8cd-4db1-96e7-fbcaf984b709",
		"0657fd6d-a4ab-43c4-84e5-0933c84b4f4f", "933ac7e1-2eb4-4f13-b844-0e14e2aef915",
		"3b8f8425-20e0-4f3b-907f-1a25a76f98e8", "4d21b016-b534-45c2-a9fb-5c16e091fd2d",
		"7ec6f557-3bc5-4aca-b293-16ef5df639d1", "bc13c2ff-59e6-4262-a352-b275fd6f7172",
		"e6d6d379-f507-44c2-a23c-238f2a3df928", "a19d880f-05fc-4d3b-a006-743f0f84911e",
		"0x83", "0x82", "0x8e", "0xfd", NULL,
	};

	if (p->fs.fstype && strv_contains((char **)fs, p->fs.fstype))
		return true;
	for (size_t i = 0; p->type && types[i]; i++)
		if (strcasecmp(p->type, types[i]) == 0)
			return true;
	return false;
}

static int table_of(const struct part_probe_disk *d, const struct ks_clearpart *cp, bool new_table,
		    enum part_table *ret)
{
	if (new_table) {
		int t = cp && cp->disklabel ? part_table_from_string(cp->disklabel) : PART_TABLE_GPT;
		if (t < 0)
			return log_error_errno(EINVAL, "clearpart --disklabel=%s: not a label slipway writes (use gpt "
						       "or msdos)", cp->disklabel);
		*ret = (enum part_table)t;
		return 0;
	}
	int t = part_table_from_string(d->pttype);
	if (t < 0)
		return log_error_errno(EINVAL, "storage: %s: partitions would be kept in a %s partition table, "
					       "which slipway does not write; add `clearpart --all`",
				       d->path, d->pttype);
	if (cp && cp->disklabel && part_table_from_string(cp->disklabel) != t)
		return log_error_errno(EINVAL, "clearpart --disklabel=%s: %s keeps partitions in its %s table; "
					       "add `clearpart --all` to relabel it", cp->disklabel, d->path, d->pttype);
	*ret = (enum part_table)t;
	return 0;
}

static int clear_policy(const struct ks *ks, struct part_sel_disk *s)
{
	const struct ks_clearpart *cp = ks->clearpart;
	const struct part_probe_disk *d = s->disk;
	enum ks_clearpart_type type = cp ? cp->type : KS_CLEARPART_UNSET;
	size_t removed = 0;

	s->remove = xnew0(bool, d->n_parts + 1);
	for (size_t i = 0; i < d->n_parts; i++) {
		const struct part_probe_part *p = &d->parts[i];
		s->remove[i] = type == KS_CLEARPART_ALL || (type == KS_CLEARPART_LINUX && part_probe_part_is_linux(p)) ||
			       (type == KS_CLEARPART_LIST && cp && in_list(cp->list, p->name));
		removed += s->remove[i];
	}
	bool empty = removed == d->n_parts;
	bool erase_ok = type == KS_CLEARPART_ALL || (cp && cp->initlabel) || ks->zerombr;
	if (!d->pttype && d->fs.fstype && !erase_ok)
		return log_error_errno(EBUSY, "storage: %s holds a %s filesystem without a partition table; add "
					      "`zerombr` or `clearpart --all --initlabel` to erase it",
				       d->path, d->fs.fstype);
	s->new_table = !d->pttype || (empty && (type == KS_CLEARPART_ALL || (cp && cp->initlabel)));
	int r = table_of(d, cp, s->new_table, &s->table);
	if (r < 0)
		return r;
	for (size_t i = 0; !s->new_table && i < d->n_parts; i++)
		if (!s->remove[i]) {
			s->keep = xrealloc(s->keep, (s->n_keep + 1) * sizeof(*s->keep));
			s->keep[s->n_keep++] = (struct part_extent){ d->parts[i].partno, d->parts[i].start, d->parts[i].size };
		}
	return 0;
}

static int check_list(const struct ks *ks, const struct part_selection *sel)
{
	if (!ks->clearpart || ks->clearpart->type != KS_CLEARPART_LIST)
		return 0;
	STRV_FOREACH(s, ks->clearpart->list) {
		bool found = false;
		for (size_t i = 0; i < sel->n && !found; i++)
			for (size_t j = 0; j < sel->disks[i].disk->n_parts; j++)
				found |= streq(sel->disks[i].disk->parts[j].name, disk_name(*s));
		if (!found)
			return log_error_errno(EINVAL, "clearpart --list=%s: no such partition on the selected disks",
					       *s);
	}
	return 0;
}

int part_select_disks(const struct ks *ks, const struct part_probe *probe, struct part_selection **ret)
{
	_cleanup_(part_selection_freep) struct part_selection *sel = xnew0(struct part_selection, 1);
	_cleanup_strv_free_ char **names = NULL;
	int r;

	if ((r = selected_names(ks, probe, &names)) < 0)
		return r;
	sel->disks = xnew0(struct part_sel_disk, strv_length(names) + 1);
	STRV_FOREACH(n, names) {
		const struct part_probe_disk *d = part_probe_find(probe, *n);
		_cleanup_free_ char *busy = part_probe_disk_busy_reason(d);
		if (busy)
			return log_error_errno(EBUSY, "storage: %s: refusing to use this disk: %s", d->path, busy);
		struct part_sel_disk *s = &sel->disks[sel->n++];
		s->disk = d;
		if ((r = clear_policy(ks, s)) < 0)
			return r;
	}
	if ((r = check_list(ks, sel)) < 0)
		return r;
	*ret = TAKE_PTR(sel);
	return 0;
}

void part_selection_free(struct part_selection *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->disks[i].remove), free(s->disks[i].keep);
	free(s->disks);
	free(s);
}
