/* The layout planner's first half: turns part, reqpart and autopart (or the
 * default layout) into partition requests with roles, filesystems, sizes,
 * LUKS settings and UUIDs, and checks that the result can boot. */
#include <inttypes.h>
#include <stdarg.h>

#include "event.h"
#include "kickstart/ks.h"
#include "layout.h"
#include "size.h"
#include "strv.h"

#define DEFAULT_PART_SIZE (500 * MiB) /* blivet's default partition size */
#define ESP_SIZE (600 * MiB)
#define BOOT_SIZE (1 * GiB)
#define BIOSBOOT_SIZE (1 * MiB)
#define LUKS2_HEADER (16 * MiB)
#define HOME_REQUIRED_SPACE (50 * GiB) /* Anaconda creates /home only from here */

static const char *const fs_supported[] = { "ext4", "ext3", "ext2", "xfs", "vfat", "swap", "btrfs", NULL };

static uint64_t round_up_mib(uint64_t v)
{
	return (v + MiB - 1) / MiB * MiB;
}

/* Smallest partition each filesystem can be made on (mkfs refuses below). */
static uint64_t fs_min_size(enum part_role role, const char *fstype, unsigned sector_size)
{
	if (!fstype)
		return MiB;
	if (streq(fstype, "xfs"))
		return 300 * MiB;
	if (streq(fstype, "btrfs"))
		return 256 * MiB;
	if (streq(fstype, "vfat") && role == PART_ROLE_ESP) /* FAT32: 65525 clusters */
		return sector_size >= 4096 ? 260 * MiB : 33 * MiB;
	if (startswith(fstype, "ext"))
		return 8 * MiB;
	return MiB;
}

static struct part_entry *entry_add(struct part_layout *l, enum part_role role, const char *origin)
{
	l->entries = xrealloc(l->entries, (l->n_entries + 1) * sizeof(*l->entries));
	struct part_entry *e = &l->entries[l->n_entries++];
	*e = (struct part_entry){ .role = role, .origin = xstrdup(origin) };
	return e;
}

static bool has_role(const struct part_layout *l, enum part_role r)
{
	return part_layout_find_role(l, r) != NULL;
}

/* The filesystem a request ends up with; NULL in *ret for none. */
static int fstype_resolve(const char *what, enum part_role role, const char *fstype, char **ret)
{
	if (role == PART_ROLE_BIOSBOOT) {
		*ret = NULL;
		return 0;
	}
	if (role == PART_ROLE_ESP)
		fstype = "vfat";
	else if (role == PART_ROLE_SWAP)
		fstype = "swap";
	if (!fstype) {
		*ret = NULL;
		return 0;
	}
	if (!strv_contains((char **)fs_supported, fstype))
		return log_error_errno(EINVAL, "%s: --fstype=%s is not supported by slipway yet (use one of ext4, "
					       "xfs, btrfs, vfat, swap)", what, fstype);
	*ret = xstrdup(fstype);
	return 0;
}

static int luks_resolve(const char *what, const struct ks_luks *k, const struct part_layout_opts *o,
			struct part_luks *ret)
{
	const char *version = k->luks_version ? k->luks_version : "luks2";
	const char *pbkdf = k->pbkdf ? k->pbkdf : "argon2id";

	if (isempty(k->passphrase))
		return log_error_errno(EINVAL, "%s: --encrypted needs --passphrase (slipway cannot ask for it "
					       "in cmdline mode)", what);
	if (!streq(version, "luks2") && !streq(version, "luks1"))
		return log_error_errno(EINVAL, "%s: --luks-version=%s is not valid (use luks2 or luks1)", what,
				       version);
	if (!streq(pbkdf, "argon2id") && !streq(pbkdf, "argon2i") && !streq(pbkdf, "pbkdf2"))
		return log_error_errno(EINVAL, "%s: --pbkdf=%s is not valid (use argon2id, argon2i or pbkdf2)",
				       what, pbkdf);
	if (streq(version, "luks1") && !streq(pbkdf, "pbkdf2"))
		return log_error_errno(EINVAL, "%s: LUKS1 only supports --pbkdf=pbkdf2", what);
	if (k->pbkdf_memory < 0 || k->pbkdf_time < 0 || k->pbkdf_iterations < 0)
		return log_error_errno(EINVAL, "%s: --pbkdf-* values must be positive", what);
	*ret = (struct part_luks){
		.version = xstrdup(version),
		.cipher = xstrdup(k->cipher ? k->cipher : "aes-xts-plain64"),
		.pbkdf = xstrdup(pbkdf),
		.pbkdf_memory = (uint64_t)k->pbkdf_memory,
		.pbkdf_time = (uint64_t)k->pbkdf_time,
		.pbkdf_iterations = (uint64_t)k->pbkdf_iterations,
		.passphrase = xstrdup(k->passphrase),
	};
	part_uuid_random(o, ret->uuid);
	snprintf(ret->mapper, sizeof(ret->mapper), "luks-%s", ret->uuid);
	return 0;
}

static int entry_set_encrypted(struct part_entry *e, const char *what, const struct ks_luks *k,
			       const struct part_layout_opts *o)
{
	if (!k || !k->encrypted)
		return 0;
	if (e->role == PART_ROLE_BIOSBOOT || e->role == PART_ROLE_ESP || e->role == PART_ROLE_XBOOTLDR)
		return log_error_errno(EINVAL, "%s: the %s partition cannot be encrypted (the firmware and the "
					       "boot loader read it)", what, part_role_to_string(e->role));
	e->encrypted = true;
	return luks_resolve(what, k, o, &e->luks);
}

static uint64_t default_size(enum part_role r)
{
	switch (r) {
	case PART_ROLE_BIOSBOOT:
		return BIOSBOOT_SIZE;
	case PART_ROLE_ESP:
		return ESP_SIZE;
	case PART_ROLE_XBOOTLDR:
		return BOOT_SIZE;
	default:
		return DEFAULT_PART_SIZE;
	}
}

static int add_part_cmd(struct part_layout *l, const struct ks_part *p, const struct part_layout_opts *o,
			uint64_t disk_space)
{
	const char *m = p->mountpoint;
	_cleanup_free_ char *what = p->loc.file ? xasprintf("%s:%u: part %s", p->loc.file, p->loc.line, m)
						: xasprintf("part %s", m);
	enum part_role role = part_role_from_mountpoint(m, p->fstype);
	int r;

	if (p->fstype && (streq(p->fstype, "swap") || streq(p->fstype, "biosboot")) && m[0] == '/')
		return log_error_errno(EINVAL, "%s: --fstype=%s cannot have a mount point", what, p->fstype);
	struct part_entry *e = entry_add(l, role, what);
	if (m[0] == '/')
		e->mountpoint = xstrdup(m);
	r = fstype_resolve(what, role, p->fstype ? p->fstype : (m[0] == '/' ? "ext4" : NULL), &e->fstype);
	if (r < 0)
		return r;
	e->label = p->label ? xstrdup(p->label) : NULL;
	e->fsoptions = p->fsoptions ? xstrdup(p->fsoptions) : NULL;
	e->mkfsoptions = p->mkfsoptions ? xstrdup(p->mkfsoptions) : NULL;
	e->ondisk = p->ondisk ? xstrdup(startswith(p->ondisk, "/dev/") ? p->ondisk + 5 : p->ondisk) : NULL;
	e->grow = p->grow;
	if (p->has_size && p->size <= 0)
		return log_error_errno(EINVAL, "%s: --size must be positive", what);
	if (role == PART_ROLE_SWAP && p->recommended && !p->has_size)
		e->base = part_swap_recommended(o->ram, disk_space);
	else
		e->base = p->has_size ? (uint64_t)p->size * MiB : default_size(role);
	e->size_given = p->has_size;
	if (p->has_maxsize && p->grow) {
		if (p->maxsize <= 0 || (uint64_t)p->maxsize * MiB < e->base)
			return log_error_errno(EINVAL, "%s: --maxsize=%" PRIi64 " is smaller than the size (%" PRIu64
					       " MiB)", what, p->maxsize, e->base / MiB);
		e->max = (uint64_t)p->maxsize * MiB;
	}
	return entry_set_encrypted(e, what, &p->luks, o);
}

static bool boot_disk_is_gpt(const struct part_layout *l, const struct part_layout_opts *o)
{
	for (size_t i = 0; i < l->n_disks; i++)
		if (o->boot_disk && streq(l->disks[i].name, o->boot_disk))
			return l->disks[i].table == PART_TABLE_GPT;
	return l->n_disks > 0 && l->disks[0].table == PART_TABLE_GPT;
}

static void add_boot_part(struct part_layout *l, const char *origin, const char *fstype)
{
	if (has_role(l, PART_ROLE_XBOOTLDR))
		return;
	struct part_entry *e = entry_add(l, PART_ROLE_XBOOTLDR, origin);
	e->base = BOOT_SIZE;
	e->mountpoint = xstrdup("/boot");
	e->fstype = xstrdup(fstype);
}

/* What the platform needs to boot (Anaconda's reqpart): BIOS boot on GPT
 * for BIOS, an ESP for UEFI, both for images; /boot with --add-boot. */
static void add_platform(struct part_layout *l, const struct part_layout_opts *o, const char *origin,
			 bool add_boot, const char *boot_fstype)
{
	bool bios = o->firmware != PART_FIRMWARE_UEFI, uefi = o->firmware != PART_FIRMWARE_BIOS;

	if (bios && boot_disk_is_gpt(l, o) && !has_role(l, PART_ROLE_BIOSBOOT))
		entry_add(l, PART_ROLE_BIOSBOOT, origin)->base = BIOSBOOT_SIZE;
	if (uefi && !has_role(l, PART_ROLE_ESP)) {
		struct part_entry *e = entry_add(l, PART_ROLE_ESP, origin);
		e->base = ESP_SIZE;
		e->mountpoint = xstrdup("/boot/efi");
		e->fstype = xstrdup("vfat");
	}
	if (add_boot)
		add_boot_part(l, origin, boot_fstype);
}

static int add_autopart(struct part_layout *l, const struct ks_autopart *a, const struct part_layout_opts *o,
			uint64_t disk_space)
{
	const char *fstype = a && a->fstype ? a->fstype : "ext4";
	bool encrypted = a && a->luks.encrypted;
	bool home = !(a && a->nohome) && disk_space >= HOME_REQUIRED_SPACE;
	const char *boot_fs = startswith(fstype, "ext") || streq(fstype, "xfs") ? fstype : "ext4";
	int r;

	if (encrypted && a->noboot)
		return log_error_errno(EINVAL, "autopart: --noboot cannot be used with --encrypted: the boot "
					       "loader needs an unencrypted /boot");
	add_platform(l, o, "autopart", encrypted, boot_fs);
	if (!(a && a->noswap) && !o->image) {
		struct part_entry *e = entry_add(l, PART_ROLE_SWAP, "autopart");
		e->fstype = xstrdup("swap");
		e->base = part_swap_recommended(o->ram, disk_space);
		if (e->base < MiB)
			e->base = MiB;
		if ((r = entry_set_encrypted(e, "autopart", a ? &a->luks : NULL, o)) < 0)
			return r;
	}
	struct part_entry *root = entry_add(l, PART_ROLE_ROOT, "autopart");
	root->mountpoint = xstrdup("/");
	if ((r = fstype_resolve("autopart", PART_ROLE_ROOT, fstype, &root->fstype)) < 0)
		return r;
	root->base = GiB;
	root->grow = true;
	root->max = home ? 70 * GiB : 0;
	if ((r = entry_set_encrypted(root, "autopart", a ? &a->luks : NULL, o)) < 0)
		return r;
	if (home) {
		/* entry_add() moves the entries: root is not valid after it */
		_cleanup_free_ char *root_fs = xstrdup(root->fstype);
		struct part_entry *e = entry_add(l, PART_ROLE_HOME, "autopart");
		e->mountpoint = xstrdup("/home");
		e->fstype = TAKE_PTR(root_fs);
		e->base = 500 * MiB;
		e->grow = true;
		if ((r = entry_set_encrypted(e, "autopart", a ? &a->luks : NULL, o)) < 0)
			return r;
	}
	return 0;
}

static void note(struct part_layout *l, const char *fmt, ...) _printf_(2, 3);
static void note(struct part_layout *l, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	strv_consume(&l->notes, s);
	log_info("storage: %s", s);
}

/* Checks the request list can make a bootable system. */
static int check_requests(struct part_layout *l, const struct ks *ks, const struct part_layout_opts *o)
{
	bool no_bootloader = ks && ks->bootloader && ks->bootloader->location == KS_BOOTLOADER_NONE;
	const struct part_entry *root = part_layout_find_role(l, PART_ROLE_ROOT);

	for (size_t i = 0; i < l->n_entries; i++)
		for (size_t j = i + 1; j < l->n_entries; j++) {
			const char *a = l->entries[i].mountpoint, *b = l->entries[j].mountpoint;
			bool dup_role = l->entries[i].role == l->entries[j].role &&
					(l->entries[i].role == PART_ROLE_BIOSBOOT || l->entries[i].role == PART_ROLE_ESP);
			if ((a && b && streq(a, b)) || dup_role)
				return log_error_errno(EINVAL, "%s: %s is already used by %s", l->entries[j].origin,
						       a ? a : part_role_to_string(l->entries[j].role),
						       l->entries[i].origin);
		}
	if (!root)
		return log_error_errno(EINVAL, "storage: the layout has no root (/) partition");
	for (size_t i = 0; i < l->n_entries; i++) {
		struct part_entry *e = &l->entries[i];
		if (e->role == PART_ROLE_BIOSBOOT && !boot_disk_is_gpt(l, o))
			return log_error_errno(EINVAL, "%s: biosboot partitions are only used on GPT disks "
						       "(the boot disk has an msdos label)", e->origin);
	}
	if (root->encrypted && !has_role(l, PART_ROLE_XBOOTLDR)) {
		add_boot_part(l, "storage", "ext4");
		note(l, "/boot (1 GiB, ext4) added: / is encrypted and the boot loader cannot read LUKS2");
	}
	if (no_bootloader)
		return 0;
	bool need_bios = o->firmware != PART_FIRMWARE_UEFI && boot_disk_is_gpt(l, o);
	bool need_esp = o->firmware != PART_FIRMWARE_BIOS;
	bool miss_bios = need_bios && !has_role(l, PART_ROLE_BIOSBOOT), miss_esp = need_esp && !has_role(l, PART_ROLE_ESP);
	if (o->firmware == PART_FIRMWARE_BOTH && miss_bios != miss_esp) {
		note(l, "warning: the image will not boot with %s firmware: there is no %s partition",
		     miss_bios ? "BIOS" : "UEFI", miss_bios ? "biosboot" : "EFI System (/boot/efi)");
		return 0;
	}
	if (miss_esp)
		return log_error_errno(EINVAL, "storage: UEFI needs an EFI System Partition: add `reqpart` or "
					       "`part /boot/efi --fstype=efi --size=600`");
	if (miss_bios)
		return log_error_errno(EINVAL, "storage: BIOS boot from a GPT disk needs a biosboot partition: "
					       "add `reqpart` or `part biosboot --fstype=biosboot --size=1`");
	return 0;
}

static int boot_rank(enum part_role r)
{
	return r == PART_ROLE_BIOSBOOT ? 0 : r == PART_ROLE_ESP ? 1 : r == PART_ROLE_XBOOTLDR ? 2 : 3;
}

/* Types, UUIDs, minimum sizes; boot partitions first, otherwise the
 * kickstart's order. */
static int finish_entries(struct part_layout *l, const struct part_layout_opts *o)
{
	for (size_t i = 1; i < l->n_entries; i++) /* stable insertion sort */
		for (size_t j = i; j > 0 && boot_rank(l->entries[j].role) < boot_rank(l->entries[j - 1].role); j--) {
			struct part_entry t = l->entries[j];
			l->entries[j] = l->entries[j - 1];
			l->entries[j - 1] = t;
		}
	for (size_t i = 0; i < l->n_entries; i++) {
		struct part_entry *e = &l->entries[i];
		unsigned ss = l->n_disks ? l->disks[0].sector_size : 512;
		e->type_guid = part_role_type_guid(e->role);
		e->part_name = part_role_part_name(e->role);
		e->mbr_type = part_role_mbr_type(e->role);
		part_uuid_random(o, e->part_uuid);
		if (e->fstype && streq(e->fstype, "vfat"))
			part_vfat_volid_random(o, e->fs_uuid);
		else if (e->fstype)
			part_uuid_random(o, e->fs_uuid);
		e->min = fs_min_size(e->role, e->fstype, ss) + (e->encrypted ? LUKS2_HEADER : 0);
		e->base = round_up_mib(e->base);
		if (e->base < e->min) {
			if (e->size_given)
				return log_error_errno(EINVAL, "%s: the size %s is below the minimum of %s for %s%s",
						       e->origin, SIZE_FMT(e->base), SIZE_FMT(e->min),
						       e->fstype ? e->fstype : "a partition",
						       e->encrypted ? " on LUKS" : "");
			e->base = e->min;
		}
		if (e->max)
			e->max = e->max / MiB * MiB;
	}
	return 0;
}

static void disks_init(struct part_layout *l, const struct part_disk_info *disks, size_t n,
		       const struct part_layout_opts *o)
{
	l->disks = xnew0(struct part_layout_disk, n);
	l->n_disks = n;
	for (size_t i = 0; i < n; i++) {
		struct part_layout_disk *d = &l->disks[i];
		d->name = xstrdup(disks[i].name);
		d->path = xstrdup(disks[i].path ? disks[i].path : disks[i].name);
		d->size = disks[i].size;
		d->sector_size = disks[i].sector_size ? disks[i].sector_size : 512;
		d->physical_sector_size = disks[i].physical_sector_size ? disks[i].physical_sector_size
									: d->sector_size;
		d->table = disks[i].table;
		d->keep_table = disks[i].keep_table;
		if (d->keep_table && disks[i].n_keep) {
			d->keep = xnew0(struct part_extent, disks[i].n_keep);
			memcpy(d->keep, disks[i].keep, disks[i].n_keep * sizeof(*d->keep));
			d->n_keep = disks[i].n_keep;
		}
		part_disk_usable(d->size, d->sector_size, d->table, &d->first, &d->end);
		if (!d->keep_table && d->table == PART_TABLE_GPT)
			part_uuid_random(o, d->disk_uuid);
	}
}

int part_plan_layout(const struct ks *ks, const struct part_disk_info *disks, size_t n,
		     const struct part_layout_opts *o, struct part_layout **ret)
{
	_cleanup_(part_layout_freep) struct part_layout *l = xnew0(struct part_layout, 1);
	uint64_t disk_space = 0;
	int r;

	if (n == 0)
		return log_error_errno(EINVAL, "storage: no disk to install on");
	disks_init(l, disks, n, o);
	for (size_t i = 0; i < n; i++)
		disk_space += l->disks[i].end - l->disks[i].first;

	if (ks && ks->part.n > 0) {
		for (size_t i = 0; i < ks->part.n; i++)
			if ((r = add_part_cmd(l, ks->part.v[i], o, disk_space)) < 0)
				return r;
		if (ks->reqpart)
			add_platform(l, o, "reqpart", ks->reqpart->add_boot, "ext4");
	} else if (ks && ks->reqpart && !ks->autopart)
		return log_error_errno(EINVAL, "reqpart: no part command says where / goes");
	else if ((r = add_autopart(l, ks ? ks->autopart : NULL, o, disk_space)) < 0)
		return r;

	if ((r = check_requests(l, ks, o)) < 0)
		return r;
	if ((r = finish_entries(l, o)) < 0)
		return r;
	if ((r = part_layout_allocate(l, o)) < 0)
		return r;
	*ret = TAKE_PTR(l);
	return 0;
}

void part_entry_clear(struct part_entry *e)
{
	free(e->mountpoint), free(e->fstype), free(e->label), free(e->fsoptions), free(e->mkfsoptions);
	free(e->origin), free(e->ondisk);
	free(e->luks.version), free(e->luks.cipher), free(e->luks.pbkdf);
	free_secret(e->luks.passphrase);
}

void part_layout_free(struct part_layout *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n_entries; i++)
		part_entry_clear(&l->entries[i]);
	free(l->entries);
	for (size_t i = 0; i < l->n_disks; i++)
		free(l->disks[i].name), free(l->disks[i].path), free(l->disks[i].keep);
	free(l->disks);
	strv_free(l->notes);
	free(l);
}

const struct part_entry *part_layout_find_role(const struct part_layout *l, enum part_role r)
{
	for (size_t i = 0; i < l->n_entries; i++)
		if (l->entries[i].role == r)
			return &l->entries[i];
	return NULL;
}

const struct part_entry *part_layout_find_mount(const struct part_layout *l, const char *mountpoint)
{
	for (size_t i = 0; i < l->n_entries; i++)
		if (l->entries[i].mountpoint && streq(l->entries[i].mountpoint, mountpoint))
			return &l->entries[i];
	return NULL;
}
