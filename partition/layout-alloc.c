/* The layout planner's second half: puts the requests on disks and into free
 * regions, grows them like blivet (in proportion to their base size, capped
 * by --maxsize), numbers them, and says how much space is missing. */
#include "event.h"
#include "layout.h"
#include "size.h"

struct region {
	uint64_t start, end;
};

struct disk_alloc {
	struct region *regions;
	size_t n_regions;
	uint64_t free;     /* sum of the regions */
	uint64_t assigned; /* sum of the bases of the requests put here */
};

static uint64_t align_up(uint64_t v)
{
	return (v + MiB - 1) / MiB * MiB;
}

/* Free regions of a disk: its usable range minus the partitions kept. */
static void disk_regions(const struct part_layout_disk *d, struct disk_alloc *a)
{
	uint64_t pos = d->first;

	for (;;) {
		/* the kept partition that starts first at or after pos */
		const struct part_extent *next = NULL;
		for (size_t i = 0; i < d->n_keep; i++) {
			const struct part_extent *k = &d->keep[i];
			if (k->start + k->size > pos && (!next || k->start < next->start))
				next = k;
		}
		uint64_t stop = next ? (next->start / MiB * MiB) : d->end;
		if (stop > d->end)
			stop = d->end;
		if (stop > pos) {
			a->regions = xrealloc(a->regions, (a->n_regions + 1) * sizeof(*a->regions));
			a->regions[a->n_regions++] = (struct region){ pos, stop };
			a->free += stop - pos;
		}
		if (!next)
			break;
		pos = align_up(next->start + next->size);
		if (pos >= d->end)
			break;
	}
}

static int disk_index(const struct part_layout *l, const char *name)
{
	for (size_t i = 0; i < l->n_disks; i++)
		if (streq(l->disks[i].name, name))
			return (int)i;
	return -1;
}

static bool is_boot_role(enum part_role r)
{
	return r == PART_ROLE_BIOSBOOT || r == PART_ROLE_ESP || r == PART_ROLE_XBOOTLDR;
}

static int assign_disks(struct part_layout *l, const struct part_layout_opts *o, struct disk_alloc *a)
{
	int boot = o->boot_disk ? disk_index(l, o->boot_disk) : 0;

	if (boot < 0)
		boot = 0;
	/* --ondisk first, then boot partitions on the boot disk, then the
	 * first disk with room (Anaconda's order). */
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < l->n_entries; i++) {
			struct part_entry *e = &l->entries[i];
			int d = -1;
			if (pass == 0 && e->ondisk) {
				if ((d = disk_index(l, e->ondisk)) < 0) {
					_cleanup_free_ char *names = NULL;
					for (size_t k = 0; k < l->n_disks; k++) {
						char *t = xasprintf("%s%s%s", names ? names : "", names ? ", " : "",
								    l->disks[k].name);
						free(names);
						names = t;
					}
					return log_error_errno(EINVAL, "%s: --ondisk=%s is not one of the disks slipway "
								       "may use (%s)", e->origin, e->ondisk, names);
				}
			} else if (pass == 1 && !e->ondisk && is_boot_role(e->role))
				d = boot;
			else if (pass == 2 && !e->ondisk && !is_boot_role(e->role)) {
				d = (int)l->n_disks - 1;
				for (size_t k = 0; k < l->n_disks; k++)
					if (a[k].free >= a[k].assigned + e->base) {
						d = (int)k;
						break;
					}
			}
			if (d < 0)
				continue;
			e->disk = (size_t)d;
			a[d].assigned += e->base;
		}
	return 0;
}

static int space_error(const struct part_layout *l, size_t d, const struct disk_alloc *a)
{
	const struct part_layout_disk *disk = &l->disks[d];
	uint64_t missing = a->assigned - a->free;

	if (disk->n_keep == 0)
		return log_error_errno(ENOSPC, "%s: the layout needs %s but the disk has %s (%s missing)",
				       disk->path, SIZE_FMT(disk->size + missing), SIZE_FMT(disk->size),
				       SIZE_FMT(missing));
	return log_error_errno(ENOSPC, "%s: the new partitions need %s but only %s is free (%s missing)",
			       disk->path, SIZE_FMT(a->assigned), SIZE_FMT(a->free), SIZE_FMT(missing));
}

/* Grows the requests of one region: each round hands out the free space
 * in proportion to the base sizes; requests reaching --maxsize are capped
 * and the round starts again without them. */
static void grow_region(struct part_entry **v, size_t n, uint64_t free)
{
	bool active[n + 1];

	for (size_t i = 0; i < n; i++)
		active[i] = v[i]->grow && (v[i]->max == 0 || v[i]->max > v[i]->size);
	while (free >= MiB) {
		unsigned __int128 total = 0;
		bool capped = false;
		for (size_t i = 0; i < n; i++)
			if (active[i])
				total += v[i]->base;
		if (total == 0)
			return;
		for (size_t i = 0; i < n; i++) {
			if (!active[i])
				continue;
			uint64_t share = (uint64_t)((unsigned __int128)(free / MiB) * v[i]->base / total) * MiB;
			if (v[i]->max && v[i]->size + share >= v[i]->max) {
				free -= v[i]->max - v[i]->size;
				v[i]->size = v[i]->max;
				active[i] = false;
				capped = true;
			}
		}
		if (capped)
			continue;
		for (size_t i = 0; i < n; i++)
			if (active[i]) {
				uint64_t share = (uint64_t)((unsigned __int128)(free / MiB) * v[i]->base / total) * MiB;
				v[i]->size += share;
			}
		uint64_t used = 0;
		for (size_t i = 0; i < n; i++)
			if (active[i])
				used += (uint64_t)((unsigned __int128)(free / MiB) * v[i]->base / total) * MiB;
		free -= used;
		/* what rounding left goes, a MiB at a time, to the first ones */
		for (size_t i = 0; i < n && free >= MiB; i++)
			if (active[i] && (v[i]->max == 0 || v[i]->size < v[i]->max)) {
				v[i]->size += MiB;
				free -= MiB;
			}
		return;
	}
}

/* msdos tables written anew hold 3 primary partitions and, past them, an
 * extended one whose logical partitions each need 1 MiB for their EBR (as
 * fdisk aligns them). Kept msdos tables get no new logical partitions. */
#define MSDOS_PRIMARY 4
#define MSDOS_MAX_PARTS 60 /* libfdisk's limit for a DOS label */

static bool wants_logical(const struct part_layout_disk *disk, size_t n)
{
	return disk->table == PART_TABLE_MSDOS && !disk->keep_table && n > MSDOS_PRIMARY;
}

/* Places the requests of one disk into its regions, first fit in order. */
static int place_disk(struct part_layout *l, size_t d, struct disk_alloc *a)
{
	struct part_layout_disk *disk = &l->disks[d];
	size_t n = 0, total = 0;
	struct part_entry *v[l->n_entries + 1];
	uint64_t used[a->n_regions + 1];
	size_t where[l->n_entries + 1];

	for (size_t i = 0; i < l->n_entries; i++)
		total += l->entries[i].disk == d;
	bool logical = wants_logical(disk, total);
	if (logical && total > MSDOS_MAX_PARTS)
		return log_error_errno(EINVAL, "%s: an msdos partition table holds at most %d partitions, the layout "
					       "has %zu (use GPT)", disk->path, MSDOS_MAX_PARTS, total);
	if (logical)
		a->assigned += (total - (MSDOS_PRIMARY - 1)) * MiB;
	if (a->assigned > a->free)
		return space_error(l, d, a);
	memset(used, 0, sizeof(used));
	for (size_t i = 0; i < l->n_entries; i++) {
		struct part_entry *e = &l->entries[i];
		if (e->disk != d)
			continue;
		e->logical = logical && n >= MSDOS_PRIMARY - 1;
		uint64_t need = e->base + (e->logical ? MiB : 0);
		size_t r;
		for (r = 0; r < a->n_regions; r++)
			if (a->regions[r].end - a->regions[r].start - used[r] >= need)
				break;
		if (r == a->n_regions)
			return log_error_errno(ENOSPC, "%s: no free region of %s for %s (the free space is split "
						       "by the partitions kept)", disk->path, SIZE_FMT(e->base),
					       e->origin);
		used[r] += need;
		e->size = e->base;
		where[n] = r;
		v[n++] = e;
	}
	for (size_t r = 0; r < a->n_regions; r++) {
		struct part_entry *in[n + 1];
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			if (where[i] == r)
				in[k++] = v[i];
		grow_region(in, k, a->regions[r].end - a->regions[r].start - used[r]);
		uint64_t pos = a->regions[r].start;
		for (size_t i = 0; i < k; i++) {
			if (in[i]->logical) {
				if (!disk->ext_start)
					disk->ext_start = pos;
				pos += MiB; /* the EBR */
			}
			in[i]->start = pos;
			pos += in[i]->size;
			if (in[i]->logical)
				disk->ext_size = pos - disk->ext_start;
		}
	}
	return 0;
}

static int cmp_entries(const void *x, const void *y)
{
	const struct part_entry *a = x, *b = y;
	if (a->disk != b->disk)
		return a->disk < b->disk ? -1 : 1;
	return (a->start > b->start) - (a->start < b->start);
}

static bool partno_used(const struct part_layout *l, size_t d, unsigned no)
{
	for (size_t i = 0; i < l->disks[d].n_keep; i++)
		if (l->disks[d].keep[i].partno == no)
			return true;
	for (size_t i = 0; i < l->n_entries; i++)
		if (l->entries[i].disk == d && l->entries[i].partno == no)
			return true;
	return false;
}

static int number_partitions(struct part_layout *l)
{
	for (size_t i = 0; i < l->n_entries; i++) {
		struct part_entry *e = &l->entries[i];
		const struct part_layout_disk *d = &l->disks[e->disk];
		/* logical partitions are 5…, after the extended one (4) */
		unsigned no = e->logical ? MSDOS_PRIMARY + 1 : 1;
		while (partno_used(l, e->disk, no))
			no++;
		e->partno = no;
		if (d->table == PART_TABLE_MSDOS && !e->logical && no > MSDOS_PRIMARY)
			return log_error_errno(EINVAL, "%s: the msdos partition table kept holds 4 primary partitions and "
						       "%s would be the %uth (slipway adds no logical partitions to a "
						       "table it keeps; clear the disk or use GPT)", d->path, e->origin, no);
	}
	return 0;
}

/* The msdos active flag: on /boot, else on / (BIOS boot code looks for it). */
static void set_bootable(struct part_layout *l)
{
	const struct part_entry *b = part_layout_find_role(l, PART_ROLE_XBOOTLDR);

	if (!b)
		b = part_layout_find_role(l, PART_ROLE_ROOT);
	/* BIOSes that look for the flag look at primary partitions only */
	if (b && l->disks[b->disk].table == PART_TABLE_MSDOS && !b->logical)
		((struct part_entry *)b)->bootable = true;
}

int part_layout_allocate(struct part_layout *l, const struct part_layout_opts *o)
{
	struct disk_alloc *a = xnew0(struct disk_alloc, l->n_disks);
	int r = 0;

	for (size_t d = 0; d < l->n_disks; d++)
		disk_regions(&l->disks[d], &a[d]);
	r = assign_disks(l, o, a);
	for (size_t d = 0; r >= 0 && d < l->n_disks; d++)
		r = place_disk(l, d, &a[d]);
	for (size_t d = 0; d < l->n_disks; d++)
		free(a[d].regions);
	free(a);
	if (r < 0)
		return r;
	qsort(l->entries, l->n_entries, sizeof(*l->entries), cmp_entries);
	if ((r = number_partitions(l)) < 0)
		return r;
	set_bootable(l);
	return 0;
}
