/* The dry-run text of the storage plan: per disk what exists, what goes,
 * and the new table. Stable: tests and plan.txt compare it. */
#include <inttypes.h>

#include "part.h"
#include "size.h"
#include "strv.h"

static void print_existing(const struct part_sel_disk *s, struct strbuf *out)
{
	const struct part_probe_disk *d = s->disk;

	if (!d->pttype && !d->fs.fstype) {
		strbuf_adds(out, "  now: empty (no partition table)\n");
		return;
	}
	if (!d->pttype) {
		strbuf_addf(out, "  now: a %s filesystem on the whole disk%s%s%s -- DESTROYED\n", d->fs.fstype,
			    d->fs.label ? " (label " : "", strempty(d->fs.label), d->fs.label ? ")" : "");
		return;
	}
	strbuf_addf(out, "  now: %s table, %zu partition%s\n", d->pttype, d->n_parts, d->n_parts == 1 ? "" : "s");
	for (size_t i = 0; i < d->n_parts; i++) {
		const struct part_probe_part *p = &d->parts[i];
		strbuf_addf(out, "    %-12s %10s  %-6s %-16s %s\n", p->name, SIZE_FMT(p->size),
			    p->fs.fstype ? p->fs.fstype : "-", p->fs.label ? p->fs.label : "-",
			    s->new_table || s->remove[i] ? "DESTROYED" : "kept");
	}
}

static void print_entry(const struct part_layout *l, const struct part_entry *e, struct strbuf *out)
{
	strbuf_addf(out, "    %-3u %10s %10s  %-9s %-5s %-10s", e->partno, SIZE_FMT(e->start), SIZE_FMT(e->size),
		    part_role_to_string(e->role), e->fstype ? e->fstype : "-", e->mountpoint ? e->mountpoint : "-");
	if (e->fs_uuid[0])
		strbuf_addf(out, " uuid=%s", e->fs_uuid);
	if (e->label)
		strbuf_addf(out, " label=%s", e->label);
	if (e->bootable)
		strbuf_adds(out, " active");
	if (e->grow)
		strbuf_addf(out, " (grown from %s)", SIZE_FMT(e->base));
	while (out->len > 0 && out->buf[out->len - 1] == ' ')
		out->buf[--out->len] = '\0';
	strbuf_addch(out, '\n');
	if (l->disks[e->disk].table == PART_TABLE_GPT)
		strbuf_addf(out, "          type %s name %s partuuid %s\n", e->type_guid, e->part_name, e->part_uuid);
	else
		strbuf_addf(out, "          type 0x%02x\n", e->mbr_type);
	if (e->encrypted) {
		strbuf_addf(out, "          encrypted: %s, %s, pbkdf %s", e->luks.version, e->luks.cipher, e->luks.pbkdf);
		if (e->luks.pbkdf_memory)
			strbuf_addf(out, " memory %" PRIu64 " KiB", e->luks.pbkdf_memory);
		if (e->luks.pbkdf_time)
			strbuf_addf(out, " time %" PRIu64 " ms", e->luks.pbkdf_time);
		if (e->luks.pbkdf_iterations)
			strbuf_addf(out, " iterations %" PRIu64, e->luks.pbkdf_iterations);
		strbuf_addf(out, "; uuid %s, opened as /dev/mapper/%s\n", e->luks.uuid, e->luks.mapper);
	}
	if (e->fsoptions || e->mkfsoptions)
		strbuf_addf(out, "          %s%s%s%s\n", e->fsoptions ? "mount options: " : "", strempty(e->fsoptions),
			    e->fsoptions && e->mkfsoptions ? "; mkfs options: " : e->mkfsoptions ? "mkfs options: " : "",
			    strempty(e->mkfsoptions));
}

static void print_disk(const struct part_plan *p, size_t i, struct strbuf *out)
{
	const struct part_layout_disk *d = &p->layout->disks[i];
	const struct part_sel_disk *s = p->sel ? &p->sel->disks[i] : NULL;
	uint64_t used = 0, kept = 0, ebr = 0;

	if (p->image)
		strbuf_addf(out, "image %s: %s, %u-byte sectors (new sparse file)\n", d->path, SIZE_FMT(d->size),
			    d->sector_size);
	else
		strbuf_addf(out, "disk %s: %s, %u-byte sectors%s%s\n", d->path, SIZE_FMT(d->size), d->sector_size,
			    s->disk->model ? ", " : "", strempty(s->disk->model));
	if (s)
		print_existing(s, out);
	if (d->keep_table)
		strbuf_addf(out, "  new partitions in the free space of the %s table:\n", part_table_to_string(d->table));
	else if (d->table == PART_TABLE_GPT)
		strbuf_addf(out, "  new gpt table (disk GUID %s):\n", d->disk_uuid);
	else
		strbuf_adds(out, "  new msdos table:\n");
	strbuf_addf(out, "    %-3s %10s %10s  %-9s %-5s %s\n", "#", "start", "size", "role", "fs", "mount");
	bool ext_shown = false;
	for (size_t j = 0; j < p->layout->n_entries; j++)
		if (p->layout->entries[j].disk == i) {
			if (p->layout->entries[j].logical && !ext_shown) {
				strbuf_addf(out, "    %-3u %10s %10s  %-9s (holds the logical partitions)\n"
						 "          type 0x05\n", 4, SIZE_FMT(d->ext_start), SIZE_FMT(d->ext_size),
					    "extended");
				ext_shown = true;
			}
			print_entry(p->layout, &p->layout->entries[j], out);
			used += p->layout->entries[j].size;
			ebr += p->layout->entries[j].logical ? MiB : 0; /* its EBR */
		}
	for (size_t k = 0; k < d->n_keep; k++)
		kept += d->keep[k].size;
	uint64_t total = d->end - d->first, taken = used + kept + ebr;
	strbuf_addf(out, "  %s in new partitions, %s left free\n", SIZE_FMT(used),
		    SIZE_FMT(total > taken ? total - taken : 0));
}

void part_plan_print(const struct part_plan *p, struct strbuf *out)
{
	_cleanup_strv_free_ char **fs = part_plan_fstypes(p);
	_cleanup_free_ char *fsj = strv_join(fs, ", ");

	strbuf_addf(out, "storage (firmware: %s):\n", p->firmware == PART_FIRMWARE_BOTH ? "bios and uefi"
							: part_firmware_to_string(p->firmware));
	for (size_t i = 0; i < p->layout->n_disks; i++)
		print_disk(p, i, out);
	if (p->sel)
		strbuf_addf(out, "no other disk is written\n");
	strbuf_addf(out, "filesystems: %s%s\n", fsj, part_plan_encrypted(p) ? "; LUKS encryption" : "");
	STRV_FOREACH(n, p->layout->notes)
		strbuf_addf(out, "note: %s\n", *n);
}
