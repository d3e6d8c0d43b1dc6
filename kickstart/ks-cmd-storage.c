/* Option tables and parse-time checks of the storage commands (ignoredisk,
 * clearpart, zerombr, part, autopart, reqpart) and bootloader, as
 * pykickstart's F43 handler spells them. */
#include "ks-internal.h"

#define O(st, n, t, f, ...) { .name = (n), .type = (t), .off = offsetof(st, f), __VA_ARGS__ }
#define UNSUP(n) { .name = (n), .type = OT_UNSUPPORTED, .value = 1 }
#define UNSUP_FLAG(n) { .name = (n), .type = OT_UNSUPPORTED }

static const struct ks_opt ignoredisk_opts[] = {
	O(struct ks_ignoredisk, "--drives", OT_COMMA, drives),
	O(struct ks_ignoredisk, "--only-use", OT_COMMA, only_use),
	UNSUP_FLAG("--interactive"),
	KS_OPT_END,
};

static void ignoredisk_check(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	struct ks_ignoredisk *i = cmd;
	if ((strv_length(i->drives) > 0) == (strv_length(i->only_use) > 0))
		ks_error(p, "one of --drives or --only-use must be specified");
}

#define CP(n, v) \
	O(struct ks_clearpart, n, OT_CONST, type, .value = (v), KS_CHOICES(ks_clearpart_table), .field = "type")
static const struct ks_opt clearpart_opts[] = {
	CP("--all", KS_CLEARPART_ALL),
	CP("--linux", KS_CLEARPART_LINUX),
	CP("--none", KS_CLEARPART_NONE),
	O(struct ks_clearpart, "--drives", OT_COMMA, drives),
	O(struct ks_clearpart, "--list", OT_COMMA, list),
	O(struct ks_clearpart, "--initlabel", OT_FLAG, initlabel),
	O(struct ks_clearpart, "--disklabel", OT_STR, disklabel),
	UNSUP_FLAG("--cdl"),
	KS_OPT_END,
};

static void clearpart_check(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	struct ks_clearpart *c = cmd;
	if (strv_length(c->list) > 0)
		c->type = KS_CLEARPART_LIST;
}

static const struct ks_opt no_opts[] = { KS_OPT_END };

/* LUKS options, for any struct with a struct ks_luks member named luks. */
#define LUKS_OPTS(st)                                                                                 \
	O(st, "--encrypted", OT_FLAG, luks.encrypted),                                                \
	O(st, "--passphrase", OT_SECRET, luks.passphrase),                                           \
	O(st, "--luks-version", OT_STR, luks.luks_version),                                          \
	O(st, "--cipher", OT_STR, luks.cipher),                                                      \
	O(st, "--pbkdf", OT_STR, luks.pbkdf),                                                        \
	O(st, "--pbkdf-memory", OT_UINT, luks.pbkdf_memory),                                         \
	O(st, "--pbkdf-time", OT_UINT, luks.pbkdf_time),                                             \
	O(st, "--pbkdf-iterations", OT_UINT, luks.pbkdf_iterations),                                 \
	UNSUP("--escrowcert"), UNSUP_FLAG("--backuppassphrase"), UNSUP("--hw-passphrase")

#define P(n, t, f, ...) O(struct ks_part, n, t, f, __VA_ARGS__)
static const struct ks_opt part_opts[] = {
	P("<mntpoint>", OT_POS, mountpoint, .flags = KO_REQUIRED),
	P("--size", OT_MIB, size, .has_off = offsetof(struct ks_part, has_size)),
	P("--grow", OT_FLAG, grow),
	P("--maxsize", OT_MIB, maxsize, .has_off = offsetof(struct ks_part, has_maxsize)),
	P("--recommended", OT_FLAG, recommended),
	P("--fstype", OT_STR, fstype),
	P("--type", OT_STR, fstype, .flags = KO_NOWRITE),
	P("--ondisk", OT_STR, ondisk),
	P("--ondrive", OT_STR, ondisk, .flags = KO_NOWRITE),
	P("--asprimary", OT_FLAG, asprimary),
	P("--label", OT_STR, label),
	P("--fsoptions", OT_STR, fsoptions),
	P("--mkfsoptions", OT_STR, mkfsoptions),
	LUKS_OPTS(struct ks_part),
	UNSUP_FLAG("--noformat"), UNSUP("--onpart"), UNSUP("--usepart"), UNSUP("--onbiosdisk"),
	UNSUP("--fsprofile"), UNSUP_FLAG("--resize"), UNSUP_FLAG("--hibernation"),
	KS_OPT_END,
};

static void luks_check(struct ks_parser *p, const struct ks_luks *l)
{
	if (l->pbkdf_time && l->pbkdf_iterations)
		ks_error(p, "only one of --pbkdf-time and --pbkdf-iterations can be specified");
}

/* os.path.normpath() of pykickstart's mountpoint type, for absolute paths. */
static void normalize_mountpoint(char *m)
{
	_cleanup_strv_free_ char **parts = NULL;
	_cleanup_strv_free_ char **out = NULL;

	if (!m || m[0] != '/')
		return;
	parts = strv_split(m, "/");
	STRV_FOREACH(s, parts) {
		if (streq(*s, "."))
			continue;
		if (streq(*s, "..")) {
			size_t n = strv_length(out);
			if (n > 0) {
				free(out[n - 1]);
				out[n - 1] = NULL;
			}
			continue;
		}
		strv_push(&out, *s);
	}
	_cleanup_free_ char *j = strv_join(out, "/");
	/* The result is never longer than the input. */
	snprintf(m, strlen(m) + 1, "/%s", j);
}

static void part_check(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	struct ks_part *pt = cmd;
	const char *m = pt->mountpoint;

	normalize_mountpoint(pt->mountpoint);
	luks_check(p, &pt->luks);
	if (m && (startswith(m, "raid.") || startswith(m, "pv.") || startswith(m, "btrfs.")))
		ks_error(p, "%s: RAID, LVM and btrfs members are not supported by slipway yet", m);
	if (pt->fstype && streq(pt->fstype, "tmpfs") && (pt->grow || pt->has_maxsize))
		ks_error(p, "the --fstype=tmpfs option can't be used together with --grow or --maxsize");
}

static const char *const autopart_choices[_KS_AUTOPART_MAX] = { NULL, "plain", "lvm", "thinp", "btrfs" };

#define A(n, t, f, ...) O(struct ks_autopart, n, t, f, __VA_ARGS__)
static const struct ks_opt autopart_opts[] = {
	A("--type", OT_CHOICE, type, KS_CHOICES(autopart_choices)),
	A("--nolvm", OT_CONST, type, .value = KS_AUTOPART_PLAIN, KS_CHOICES(autopart_choices), .flags = KO_NOWRITE),
	A("--fstype", OT_STR, fstype),
	A("--nohome", OT_FLAG, nohome),
	A("--noboot", OT_FLAG, noboot),
	A("--noswap", OT_FLAG, noswap),
	LUKS_OPTS(struct ks_autopart),
	UNSUP_FLAG("--hibernation"),
	KS_OPT_END,
};

static void autopart_check(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	struct ks_autopart *a = cmd;

	luks_check(p, &a->luks);
	if (a->fstype && streq(a->fstype, "btrfs"))
		ks_error(p, "autopart --fstype=btrfs is not valid fstype, use --type=btrfs instead");
	if (a->type == KS_AUTOPART_LVM || a->type == KS_AUTOPART_THINP || a->type == KS_AUTOPART_BTRFS)
		ks_error(p, "--type=%s is not supported by slipway yet (use --type=plain)",
			 autopart_choices[a->type]);
	else if (a->type == KS_AUTOPART_DEFAULT && p->errors == p->errors_before_line)
		ks_warning(p, "without --type, Anaconda makes an LVM layout; slipway makes the plain layout "
			      "(add --type=plain)");
}

static const struct ks_opt reqpart_opts[] = {
	O(struct ks_reqpart, "--add-boot", OT_FLAG, add_boot),
	KS_OPT_END,
};

#define B(n, t, f, ...) O(struct ks_bootloader, n, t, f, __VA_ARGS__)
static const struct ks_opt bootloader_opts[] = {
	B("--location", OT_CHOICE, location, KS_CHOICES(ks_bootloader_location_table)),
	B("--append", OT_STR, append),
	B("--boot-drive", OT_STR, boot_drive),
	B("--driveorder", OT_COMMA, driveorder),
	B("--timeout", OT_UINT, timeout, .has_off = offsetof(struct ks_bootloader, has_timeout)),
	B("--password", OT_SECRET, password, .crypted_off = offsetof(struct ks_bootloader, iscrypted)),
	B("--iscrypted", OT_FLAG, iscrypted),
	B("--md5pass", OT_SECRET, password, .flags = KO_NOWRITE | KO_CRYPTED,
	  .crypted_off = offsetof(struct ks_bootloader, iscrypted)),
	B("--leavebootorder", OT_FLAG, leavebootorder),
	B("--sdboot", OT_FLAG, sdboot),
	B("--disabled", OT_FLAG, disabled),
	B("--nombr", OT_FLAG, nombr),
	UNSUP("--default"), UNSUP_FLAG("--extlinux"),
	KS_OPT_END,
};

#define CMD(n, st, field, o, ...)                                                                       \
	{ .name = (n), .status = KS_CMD_SUPPORTED, .ks_off = offsetof(struct ks, field), \
	  .size = sizeof(st), .opts = (o), __VA_ARGS__ }

static const char *const autopart_conflicts[] = { "partition", "raid", "volgroup", "logvol", "reqpart", NULL };
static const char *const part_conflicts[] = { "autopart", "mount", NULL };

const struct ks_cmd_def ks_cmd_defs_storage[] = {
	CMD("ignoredisk", struct ks_ignoredisk, ignoredisk, ignoredisk_opts, .check = ignoredisk_check),
	CMD("clearpart", struct ks_clearpart, clearpart, clearpart_opts, .check = clearpart_check),
	CMD("zerombr", struct ks_flag, zerombr, no_opts),
	CMD("part", struct ks_part, part, part_opts, .list = true, .check = part_check, .canon = "partition",
	    .conflicts = part_conflicts),
	CMD("partition", struct ks_part, part, part_opts, .list = true, .check = part_check,
	    .conflicts = part_conflicts),
	CMD("autopart", struct ks_autopart, autopart, autopart_opts, .check = autopart_check,
	    .conflicts = autopart_conflicts),
	CMD("reqpart", struct ks_reqpart, reqpart, reqpart_opts, .conflicts = part_conflicts),
	CMD("bootloader", struct ks_bootloader, bootloader, bootloader_opts),
	{ .name = NULL },
};
