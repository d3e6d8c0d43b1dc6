/* Validation of the storage commands: mount points, sizes, file systems,
 * LUKS options, and the disks named by part, clearpart, ignoredisk and
 * bootloader agreeing with each other. */
#include "ks-internal.h"

static const char *const fstypes[] = { "ext2", "ext3", "ext4", "xfs", "btrfs", "vfat", "efi", "swap", "biosboot" };
static const char *const fstypes_later[] = { "lvmpv", "mdmember", "prepboot", "appleboot",
					     "hfs+", "ntfs", "tmpfs", "iso9660", "f2fs" };

static void check_luks(struct ks_vctx *v, const struct ks_loc *loc, const char *cmd, const struct ks_luks *l,
		       const char *what)
{
	if (!l->encrypted) {
		if (l->passphrase || l->luks_version || l->cipher || l->pbkdf)
			ks_vwarn(v, loc, cmd, "LUKS options have no effect without --encrypted");
		return;
	}
	if (isempty(l->passphrase))
		ks_vwarn(v, loc, cmd, "%s is encrypted but has no --passphrase; slipway install refuses it (it cannot ask for one)",
			 what);
	if (l->luks_version && !streq(l->luks_version, "luks1") && !streq(l->luks_version, "luks2"))
		ks_verr(v, loc, cmd, "--luks-version must be luks1 or luks2 (got \"%s\")", l->luks_version);
	if (l->pbkdf && !streq(l->pbkdf, "argon2id") && !streq(l->pbkdf, "argon2i") && !streq(l->pbkdf, "pbkdf2"))
		ks_verr(v, loc, cmd, "--pbkdf must be argon2id, argon2i or pbkdf2 (got \"%s\")", l->pbkdf);
	else if (l->pbkdf && startswith(l->pbkdf, "argon2") && l->luks_version && streq(l->luks_version, "luks1"))
		ks_verr(v, loc, cmd, "--pbkdf=%s needs --luks-version=luks2", l->pbkdf);
	const char *dash = l->cipher ? strchr(l->cipher, '-') : NULL;
	if (l->cipher && (!dash || dash == l->cipher || !dash[1]))
		ks_verr(v, loc, cmd, "--cipher must look like aes-xts-plain64 (got \"%s\")", l->cipher);
}

static bool special_mountpoint(const char *m)
{
	return streq(m, "swap") || streq(m, "biosboot") || streq(m, "none") || streq(m, "None");
}

/* The longest label each mkfs takes: btrfs 255 bytes (BTRFS_LABEL_SIZE less
 * its NUL), xfs 12, FAT 11, ext* and swap 16. */
static size_t label_max(const char *fs)
{
	if (streq(fs, "btrfs"))
		return 255;
	if (streq(fs, "xfs"))
		return 12;
	if (streq(fs, "vfat") || streq(fs, "efi"))
		return 11;
	return 16;
}

static void check_fstype(struct ks_vctx *v, const struct ks_part *p)
{
	const char *m = p->mountpoint, *fs = p->fstype;

	if (!fs)
		return;
	if (KS_TABLE_LOOKUP(fstypes_later, fs) >= 0)
		ks_verr(v, &p->loc, "part", "--fstype=%s is not supported by slipway yet", fs);
	else if (KS_TABLE_LOOKUP(fstypes, fs) < 0)
		ks_verr(v, &p->loc, "part", "unknown file system type \"%s\" (known: ext2, ext3, ext4, xfs, btrfs, "
					    "vfat, efi, swap, biosboot)", fs);
	else if (streq(m, "swap") != streq(fs, "swap"))
		ks_verr(v, &p->loc, "part", "%s cannot have --fstype=%s", m, fs);
	else if (streq(m, "biosboot") != streq(fs, "biosboot") && !streq(m, "none") && !streq(m, "None"))
		ks_verr(v, &p->loc, "part", "%s cannot have --fstype=%s", m, fs);
	else if (streq(m, "/boot/efi") && !streq(fs, "efi") && !streq(fs, "vfat"))
		ks_verr(v, &p->loc, "part", "/boot/efi must be --fstype=efi or vfat (got %s)", fs);
	else if ((streq(fs, "efi") || streq(fs, "vfat")) && streq(m, "/"))
		ks_verr(v, &p->loc, "part", "/ cannot be --fstype=%s", fs);
	if (p->label) {
		size_t max = label_max(fs);
		if (strlen(p->label) > max)
			ks_verr(v, &p->loc, "part", "--label \"%s\" is longer than %s allows (%zu characters)", p->label,
				fs, max);
	}
}

/* A disk named by a command must be one ignoredisk lets the installer use. */
static void check_disk_allowed(struct ks_vctx *v, const struct ks_loc *loc, const char *cmd, const char *opt,
			       const char *disk)
{
	const struct ks_ignoredisk *ig = v->ks->ignoredisk;
	const char *d = ks_disk_name(disk);

	if (!ig)
		return;
	STRV_FOREACH(x, ig->drives)
		if (streq(ks_disk_name(*x), d))
			ks_verr(v, loc, cmd, "%s: %s is ignored by ignoredisk --drives", opt, disk);
	if (!ig->only_use)
		return;
	STRV_FOREACH(x, ig->only_use)
		if (streq(ks_disk_name(*x), d))
			return;
	ks_verr(v, loc, cmd, "%s: %s is not in ignoredisk --only-use", opt, disk);
}

static void check_part(struct ks_vctx *v, const struct ks_part *p, size_t index)
{
	const struct ks *ks = v->ks;
	const char *m = p->mountpoint;

	if (!m || startswith(m, "raid.") || startswith(m, "pv.") || startswith(m, "btrfs."))
		return; /* reported by the parser */
	if (m[0] != '/' && !special_mountpoint(m)) {
		ks_verr(v, &p->loc, "part", "mount point must be an absolute path, swap, biosboot or none (got \"%s\")",
			m);
		return;
	}
	for (size_t j = 0; m[0] == '/' && j < index; j++)
		if (ks->part.v[j]->mountpoint && streq(ks->part.v[j]->mountpoint, m))
			ks_verr(v, &p->loc, "part", "mount point %s is already defined at %s:%u", m,
				ks->part.v[j]->loc.file, ks->part.v[j]->loc.line);
	if (p->has_size && p->size <= 0)
		ks_verr(v, &p->loc, "part", "--size must be a positive integer (got %lld)", (long long)p->size);
	if (p->has_size && p->recommended)
		ks_verr(v, &p->loc, "part", "--size and --recommended cannot be used together");
	if (p->recommended && !streq(m, "swap"))
		ks_vwarn(v, &p->loc, "part", "--recommended only sizes swap; %s gets the default size", m);
	if (p->has_maxsize && !p->grow)
		ks_vwarn(v, &p->loc, "part", "--maxsize has no effect without --grow");
	if (p->has_maxsize && p->has_size && p->maxsize < p->size)
		ks_verr(v, &p->loc, "part", "--maxsize (%lld MiB) is smaller than --size (%lld MiB)",
			(long long)p->maxsize, (long long)p->size);
	check_fstype(v, p);
	if (p->luks.encrypted && (streq(m, "biosboot") || streq(m, "/boot/efi") || streq(m, "/boot")))
		ks_verr(v, &p->loc, "part", "%s cannot be encrypted (the firmware or boot loader reads it)", m);
	check_luks(v, &p->loc, "part", &p->luks, m);
	if (p->ondisk)
		check_disk_allowed(v, &p->loc, "part", "--ondisk", p->ondisk);
}

static void check_parts(struct ks_vctx *v)
{
	const struct ks *ks = v->ks;
	size_t roots = 0;

	for (size_t i = 0; i < ks->part.n; i++) {
		check_part(v, ks->part.v[i], i);
		if (ks->part.v[i]->mountpoint && streq(ks->part.v[i]->mountpoint, "/"))
			roots++;
	}
	if (ks->part.n > 0 && roots == 0)
		ks_verr(v, &ks->part.v[0]->loc, "part", "manual partitioning needs a root partition (part / …)");
}

static void check_autopart(struct ks_vctx *v)
{
	const struct ks_autopart *a = v->ks->autopart;

	if (!a)
		return;
	if (a->fstype && !streq(a->fstype, "btrfs") && !streq(a->fstype, "ext4") && !streq(a->fstype, "xfs") && !streq(a->fstype, "ext3") &&
	    !streq(a->fstype, "ext2"))
		ks_verr(v, &a->loc, "autopart", "--fstype must be ext4, xfs, ext3 or ext2 (got \"%s\")", a->fstype);
	check_luks(v, &a->loc, "autopart", &a->luks, "the root file system");
}

static void check_disks(struct ks_vctx *v)
{
	const struct ks *ks = v->ks;
	const struct ks_clearpart *c = ks->clearpart;
	const struct ks_bootloader *b = ks->bootloader;

	if (c) {
		STRV_FOREACH(d, c->drives)
			check_disk_allowed(v, &c->loc, "clearpart", "--drives", *d);
		if (c->disklabel && !streq(c->disklabel, "gpt") && !streq(c->disklabel, "msdos"))
			ks_verr(v, &c->loc, "clearpart", "--disklabel must be gpt or msdos (got \"%s\")", c->disklabel);
		if (c->type == KS_CLEARPART_NONE && (c->drives || c->initlabel))
			ks_vwarn(v, &c->loc, "clearpart", "--none clears nothing; --drives and --initlabel have no effect");
	}
	if (b && !isempty(b->boot_drive))
		check_disk_allowed(v, &b->loc, "bootloader", "--boot-drive", b->boot_drive);
	if (b && b->location == KS_BOOTLOADER_PARTITION)
		ks_vwarn(v, &b->loc, "bootloader", "--location=partition: slipway installs grub2 on the disk "
						   "(BIOS) and the ESP (UEFI)");
}

void ks_validate_storage(struct ks_vctx *v)
{
	check_parts(v);
	check_autopart(v);
	check_disks(v);
}
