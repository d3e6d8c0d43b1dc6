/* The storage plan: disk selection (or the image) plus the layout, and the
 * facts other stages read from it (filesystems, UUIDs, LUKS, devices). */
#include <sys/stat.h>

#include "event.h"
#include "kickstart/ks.h"
#include "part.h"
#include "size.h"
#include "strv.h"

enum part_firmware part_detect_firmware(void)
{
	return access("/sys/firmware/efi", F_OK) == 0 ? PART_FIRMWARE_UEFI : PART_FIRMWARE_BIOS;
}

uint64_t part_detect_ram(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/meminfo", "re");
	unsigned long long kib = 0;
	char line[256];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kib) == 1)
			break;
	/* MemTotal lacks what the kernel reserved: Anaconda rounds up to 128 MiB */
	uint64_t b = (uint64_t)kib * KiB;
	return (b + 128 * MiB - 1) / (128 * MiB) * (128 * MiB);
}

static int disks_from_selection(const struct part_selection *sel, struct part_disk_info **ret)
{
	struct part_disk_info *di = xnew0(struct part_disk_info, sel->n + 1);

	for (size_t i = 0; i < sel->n; i++) {
		const struct part_sel_disk *s = &sel->disks[i];
		di[i] = (struct part_disk_info){
			.name = s->disk->name,
			.path = s->disk->path,
			.size = s->disk->size,
			.sector_size = s->disk->sector_size,
			.physical_sector_size = s->disk->physical_sector_size,
			.table = s->table,
			.keep_table = !s->new_table,
			.keep = s->keep,
			.n_keep = s->n_keep,
		};
	}
	*ret = di;
	return 0;
}

/* Image mode ignores ignoredisk/clearpart/--ondisk: the image is the only disk. */
static void warn_image_ignores(const struct ks *ks)
{
	if (!ks)
		return;
	if (ks->ignoredisk || (ks->clearpart && ks->clearpart->drives))
		log_warning("storage: image mode: ignoredisk and clearpart --drives are ignored, the image is the "
			    "only disk");
	for (size_t i = 0; i < ks->part.n; i++)
		if (ks->part.v[i]->ondisk)
			log_warning("storage: image mode: part %s --ondisk=%s is ignored, the image is the only disk",
				    ks->part.v[i]->mountpoint, ks->part.v[i]->ondisk);
}

/* --ondisk means nothing for an image: a copy of the kickstart without it. */
static int plan_image(const struct ks *ks, const struct part_plan_opts *o, struct part_plan *p)
{
	struct ks copy = ks ? *ks : (struct ks){};
	struct ks_part **parts = xnew0(struct ks_part *, copy.part.n + 1);
	struct ks_part *stripped = xnew0(struct ks_part, copy.part.n + 1);
	int r;

	for (size_t i = 0; i < copy.part.n; i++) {
		stripped[i] = *copy.part.v[i];
		stripped[i].ondisk = NULL;
		parts[i] = &stripped[i];
	}
	copy.part.v = parts;
	warn_image_ignores(ks);
	_cleanup_free_ char *name = xstrdup("image");
	struct part_disk_info di = {
		.name = name,
		.path = o->image_path,
		.size = (o->image_size + MiB - 1) / MiB * MiB,
		.sector_size = o->image_sector_size ? o->image_sector_size : 512,
		.table = ks && ks->clearpart && ks->clearpart->disklabel
				 ? (part_table_from_string(ks->clearpart->disklabel) == PART_TABLE_MSDOS ? PART_TABLE_MSDOS
													 : PART_TABLE_GPT)
				 : o->default_table,
	};
	struct part_layout_opts lo = {
		.firmware = PART_FIRMWARE_BOTH, .ram = o->ram, .image = true, .random = o->random, .userdata = o->userdata,
	};
	p->image_size = di.size;
	r = part_plan_layout(ks ? &copy : NULL, &di, 1, &lo, &p->layout);
	free(parts);
	free(stripped);
	return r;
}

int part_plan_new(const struct ks *ks, const struct part_probe *probe, const struct part_plan_opts *o,
		  struct part_plan **ret)
{
	_cleanup_(part_plan_freep) struct part_plan *p = xnew0(struct part_plan, 1);
	int r;

	p->image = o->image;
	p->firmware = o->image ? PART_FIRMWARE_BOTH : o->firmware;
	if (o->image) {
		if (!o->image_path || o->image_size == 0)
			return log_error_errno(EINVAL, "storage: image mode needs a file and a size (--image FILE --size SIZE)");
		p->image_path = xstrdup(o->image_path);
		if ((r = plan_image(ks, o, p)) < 0)
			return r;
	} else {
		_cleanup_free_ struct part_disk_info *di = NULL;
		static const struct ks empty;
		if (!probe)
			return log_error_errno(EINVAL, "storage: no probe of the disks");
		if ((r = part_select_disks(ks ? ks : &empty, probe, &p->sel)) < 0)
			return r;
		if (!(ks && ks->clearpart && ks->clearpart->disklabel))
			for (size_t i = 0; i < p->sel->n; i++)
				if (p->sel->disks[i].new_table)
					p->sel->disks[i].table = o->default_table;
		disks_from_selection(p->sel, &di);
		struct part_layout_opts lo = {
			.firmware = o->firmware, .ram = o->ram, .random = o->random, .userdata = o->userdata,
			.boot_disk = ks && ks->bootloader ? ks->bootloader->boot_drive : NULL,
		};
		if (lo.boot_disk && startswith(lo.boot_disk, "/dev/"))
			lo.boot_disk += 5;
		if ((r = part_plan_layout(ks, di, p->sel->n, &lo, &p->layout)) < 0)
			return r;
	}
	*ret = TAKE_PTR(p);
	return 0;
}

void part_plan_free(struct part_plan *p)
{
	if (!p)
		return;
	free(p->image_path);
	part_selection_free(p->sel);
	if (p->layout) {
		for (size_t i = 0; p->disk_dev && i < p->layout->n_disks; i++)
			free(p->disk_dev[i]);
		for (size_t i = 0; p->part_dev && i < p->layout->n_entries; i++)
			free(p->part_dev[i]), free(p->fs_dev[i]);
	}
	free(p->disk_dev), free(p->part_dev), free(p->fs_dev);
	part_layout_free(p->layout);
	free(p->sysroot), free(p->esp_stage);
	free(p);
}

char **part_plan_fstypes(const struct part_plan *p)
{
	char **l = NULL;
	for (size_t i = 0; i < p->layout->n_entries; i++) {
		const char *f = p->layout->entries[i].fstype;
		if (f && !strv_contains(l, f))
			strv_push(&l, f);
	}
	return l;
}

bool part_plan_encrypted(const struct part_plan *p)
{
	for (size_t i = 0; i < p->layout->n_entries; i++)
		if (p->layout->entries[i].encrypted)
			return true;
	return false;
}

const struct part_entry *part_plan_find(const struct part_plan *p, enum part_role r)
{
	return part_layout_find_role(p->layout, r);
}

const struct part_entry *part_plan_find_mount(const struct part_plan *p, const char *mountpoint)
{
	return part_layout_find_mount(p->layout, mountpoint);
}

char **part_plan_luks_uuids(const struct part_plan *p)
{
	char **l = NULL;
	for (size_t i = 0; i < p->layout->n_entries; i++)
		if (p->layout->entries[i].encrypted)
			strv_push(&l, p->layout->entries[i].luks.uuid);
	return l;
}

const char *part_plan_disk_device(const struct part_plan *p, size_t disk)
{
	return p->disk_dev && disk < p->layout->n_disks ? p->disk_dev[disk] : NULL;
}

const char *part_plan_entry_device(const struct part_plan *p, const struct part_entry *e)
{
	size_t i = (size_t)(e - p->layout->entries);
	return p->fs_dev && i < p->layout->n_entries ? p->fs_dev[i] : NULL;
}
