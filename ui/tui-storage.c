/* The TUI's storage spokes: which disks (from the probe: size, model,
 * transport, what is on them, why one cannot be used), the partitioning
 * scheme, a cfdisk-like table for custom layouts, and the LUKS passphrase. */
#include "size.h"
#include "strv.h"
#include "tui-internal.h"

static const char dest_help[] =
	"The disks to install to (kickstart ignoredisk --only-use and clearpart --all\n"
	"--drives): every selected disk is erased. Space ticks a disk, Enter finishes.\n"
	"Disks in red hold data (a partition table or filesystems, listed); the\n"
	"summary asks you to type the name of each such disk before anything is\n"
	"erased. Disks that cannot be used (mounted, swap, held by device-mapper or\n"
	"md, the installer's own media, an OEMDRV volume) are listed with the reason\n"
	"and cannot be ticked.";

/* "ext4 (/dev/sda2), vfat" etc. for the list. */
static char *disk_contents(const struct part_probe_disk *d)
{
	_cleanup_strv_free_ char **what = NULL;

	if (d->fs.fstype)
		strv_pushf(&what, "%s%s%s", d->fs.fstype, d->fs.label ? " " : "", strempty(d->fs.label));
	for (size_t i = 0; i < d->n_parts; i++)
		if (d->parts[i].fs.fstype)
			strv_pushf(&what, "%s%s%s", d->parts[i].fs.fstype, d->parts[i].fs.label ? " " : "",
				   strempty(d->parts[i].fs.label));
	if (!what && !d->pttype)
		return xstrdup("empty");
	_cleanup_free_ char *fs = what ? strv_join(what, ", ") : xstrdup("no filesystems");
	return xasprintf("%s, %zu partition%s: %s", d->pttype ? d->pttype : "no table", d->n_parts,
			 d->n_parts == 1 ? "" : "s", fs);
}

void tui_spoke_destination(struct tui *t)
{
	size_t n, cursor = 0;

	if (t->a.image) {
		_cleanup_free_ char *msg = xasprintf(
			"The destination is the image file %s (slipway was started with --image). It is "
			"partitioned like a disk; no disk of this machine is touched.",
			t->opts.image);
		ui_tui_message(t, "Installation destination", msg);
		return;
	}
	n = t->probe ? t->probe->n_disks : 0;
	if (n == 0) {
		ui_tui_message(t, "Installation destination", "No disk was found on this machine.");
		return;
	}
	struct tui_item *items = xnew0(struct tui_item, n);
	char **labels = NULL, **details = NULL, **busy = xnew0(char *, n + 1);
	for (size_t i = 0; i < n; i++) {
		const struct part_probe_disk *d = &t->probe->disks[i];
		busy[i] = part_probe_disk_busy_reason(d);
		_cleanup_free_ char *contents = disk_contents(d);
		strv_pushf(&labels, "%s  %s", d->name, SIZE_FMT(d->size));
		if (busy[i])
			strv_pushf(&details, "cannot be used: %s", busy[i]);
		else
			strv_pushf(&details, "%s%s%s; %s", strempty(d->model), d->model ? " " : "",
				   d->transport ? d->transport : "", contents);
		items[i] = (struct tui_item){ .label = labels[i], .detail = details[i],
					      .checked = strv_contains(t->a.disks, d->name),
					      .alert = busy[i] || d->pttype || d->n_parts || d->fs.fstype };
	}
	for (;;) {
		int c = tui_list(&t->scr, "Installation destination", dest_help,
				 "Tick the disks to install to (all data on them will be erased):", items, n,
				 TUI_LIST_MULTI, &cursor);
		if (c == TUI_BACK)
			break;
		bool ok = true;
		for (size_t i = 0; i < n; i++)
			if (items[i].checked && busy[i]) {
				items[i].checked = false;
				ok = false;
			}
		if (!ok) {
			t->scr.status = "A disk that cannot be used was unticked.";
			continue;
		}
		strv_free(t->a.disks);
		t->a.disks = NULL;
		for (size_t i = 0; i < n; i++)
			if (items[i].checked)
				strv_push(&t->a.disks, t->probe->disks[i].name);
		break;
	}
	free(items);
	strv_free(labels);
	strv_free(details);
	for (size_t i = 0; i < n; i++)
		free(busy[i]);
	free(busy);
}

static const char part_help[] =
	"Automatic: slipway's default layout on the selected disks (autopart\n"
	"--type=plain): the partitions the firmware needs (biosboot, EFI system\n"
	"partition), /boot, swap, and / filling the rest, with the filesystem you\n"
	"choose. \"Encrypt\" puts / (and the other data partitions) in LUKS2.\n"
	"\n"
	"Custom: your own table of mount points, sizes (MiB), filesystems and\n"
	"encryption (part commands); the boot partitions the firmware needs are\n"
	"added for you (reqpart). One row must be /.\n"
	"\n"
	"Encryption asks for a passphrase (typed twice, never shown or logged); the\n"
	"new system asks for it at every boot.";

static const char *const schemes[] = { "Automatic", "Custom", NULL };
static const char *const fstypes[] = { "xfs", "ext4", NULL };
static const char *const part_fstypes[] = { "xfs", "ext4", "swap", NULL };

static int index_of(const char *const *l, const char *s)
{
	for (int i = 0; l[i]; i++)
		if (s && streq(l[i], s))
			return i;
	return 0;
}

struct scheme_form {
	int scheme, fstype;
	bool encrypt;
	struct tui_field *f;
};

static void scheme_refresh(void *data)
{
	struct scheme_form *x = data;

	x->f[1].hidden = x->f[2].hidden = x->scheme != TUI_SCHEME_AUTO;
}

struct row_form {
	char mount[128], size[32];
	bool grow, encrypt;
	int fstype;
};

static const char *row_check(void *data, size_t *bad)
{
	struct row_form *x = data;
	uint64_t v;
	const char *e;

	if ((e = tui_check_mountpoint(x->mount))) {
		*bad = 0;
		return e;
	}
	if (size_parse(x->size, 1024 * 1024, &v) < 0 || v < 1024 * 1024) {
		*bad = 1;
		return "The size is a number of MiB (or with a unit: 2G, 512M).";
	}
	if ((streq(x->mount, "swap")) != (streq(part_fstypes[x->fstype], "swap"))) {
		*bad = 3;
		return "swap goes with the swap filesystem type, and only with it.";
	}
	return NULL;
}

/* Edits row i, or adds one when i == n_parts. */
static void edit_row(struct tui *t, size_t i)
{
	bool is_new = i >= t->a.n_parts;
	struct row_form x = { .fstype = 0 };
	struct tui_field f[] = {
		{ .kind = TUI_FIELD_TEXT, .label = "Mount point (or swap)", .buf = x.mount, .size = sizeof(x.mount) },
		{ .kind = TUI_FIELD_TEXT, .label = "Size (MiB, or 2G...)", .buf = x.size, .size = sizeof(x.size) },
		{ .kind = TUI_FIELD_CHECK, .label = "Grow to fill free space", .check = &x.grow },
		{ .kind = TUI_FIELD_CHOICE, .label = "Filesystem", .choices = part_fstypes, .choice = &x.fstype },
		{ .kind = TUI_FIELD_CHECK, .label = "Encrypt (LUKS2)", .check = &x.encrypt },
	};

	if (is_new)
		snprintf(x.size, sizeof(x.size), "%d", 1024);
	else {
		const struct tui_part *p = &t->a.parts[i];
		snprintf(x.mount, sizeof(x.mount), "%s", p->mountpoint);
		snprintf(x.size, sizeof(x.size), "%lld", (long long)p->size_mib);
		x.grow = p->grow;
		x.encrypt = p->encrypt;
		x.fstype = index_of(part_fstypes, p->fstype);
	}
	if (tui_form(&t->scr, is_new ? "Add a partition" : "Edit a partition", part_help,
		     "A partition on the selected disks:", f, ELEMENTSOF(f), row_check, NULL, &x) < 0)
		return;
	uint64_t bytes = 0;
	(void)size_parse(x.size, 1024 * 1024, &bytes);
	if (is_new)
		tui_answers_add_part(&t->a, x.mount, (int64_t)(bytes >> 20), x.grow, part_fstypes[x.fstype],
				     x.encrypt);
	else {
		struct tui_part *p = &t->a.parts[i];
		free(p->mountpoint);
		free(p->fstype);
		*p = (struct tui_part){ .mountpoint = xstrdup(x.mount), .size_mib = (int64_t)(bytes >> 20),
					.grow = x.grow, .fstype = xstrdup(part_fstypes[x.fstype]),
					.encrypt = x.encrypt };
	}
}

static void row_menu(struct tui *t, size_t i)
{
	const char *const b[] = { "Edit", "Delete", "Back", NULL };
	_cleanup_free_ char *q = xasprintf("Partition %s:", t->a.parts[i].mountpoint);
	int c = tui_dialog(&t->scr, "Partition", q, b);

	if (c == 0)
		edit_row(t, i);
	else if (c == 1)
		tui_answers_remove_part(&t->a, i);
}

static void custom_table(struct tui *t)
{
	size_t cursor = 0;

	if (t->a.n_parts == 0) {
		/* A start that boots: Anaconda's custom screen offers the same. */
		tui_answers_add_part(&t->a, "/boot", 1024, false, "ext4", false);
		tui_answers_add_part(&t->a, "/", 4096, true, t->a.fstype, false);
	}
	for (;;) {
		size_t n = t->a.n_parts + 2;
		struct tui_item *items = xnew0(struct tui_item, n);
		char **labels = NULL, **details = NULL;
		for (size_t i = 0; i < t->a.n_parts; i++) {
			const struct tui_part *p = &t->a.parts[i];
			strv_pushf(&labels, "%-16s %8lld MiB%s", p->mountpoint, (long long)p->size_mib,
				   p->grow ? "+" : "");
			strv_pushf(&details, "%-6s %s", p->fstype, p->encrypt ? "encrypted" : "");
			items[i] = (struct tui_item){ .label = labels[i], .detail = details[i] };
		}
		items[n - 2] = (struct tui_item){ .label = "> Add a partition" };
		items[n - 1] = (struct tui_item){ .label = "> Done" };
		int c = tui_list(&t->scr, "Custom partitioning", part_help,
				 "Mount point, size (+: grows), filesystem, encryption. Enter edits a row; the "
				 "boot partitions the firmware needs are added automatically.",
				 items, n, 0, &cursor);
		free(items);
		strv_free(labels);
		strv_free(details);
		if (c == TUI_BACK || c == (int)n - 1)
			return;
		if (c == (int)n - 2)
			edit_row(t, t->a.n_parts);
		else if (c >= 0)
			row_menu(t, (size_t)c);
	}
}

struct passphrase_form {
	char pp[512], pp2[512];
	char hint[64];
	struct tui_field *f;
};

static void passphrase_refresh(void *data)
{
	struct passphrase_form *x = data;

	snprintf(x->hint, sizeof(x->hint), "Strength: %s", *x->pp ? tui_passphrase_strength(x->pp) : "-");
}

static const char *passphrase_check(void *data, size_t *bad)
{
	struct passphrase_form *x = data;

	*bad = 0;
	if (strlen(x->pp) < 8)
		return "The passphrase needs at least 8 characters.";
	if (!streq(x->pp, x->pp2)) {
		*bad = 1;
		explicit_wipe(x->pp2, sizeof(x->pp2));
		return "The two passphrases differ.";
	}
	return NULL;
}

static void ask_passphrase(struct tui *t)
{
	struct passphrase_form x = {};
	struct tui_field f[] = {
		{ .kind = TUI_FIELD_SECRET, .label = "Passphrase", .buf = x.pp, .size = sizeof(x.pp) },
		{ .kind = TUI_FIELD_SECRET, .label = "Confirm passphrase", .buf = x.pp2, .size = sizeof(x.pp2) },
		{ .kind = TUI_FIELD_NOTE, .label = x.hint },
	};

	if (tui_form(&t->scr, "Disk encryption passphrase", part_help,
		     "The passphrase that unlocks the encrypted partitions at every boot (typed twice). "
		     "There is no way to recover the data without it.",
		     f, ELEMENTSOF(f), passphrase_check, passphrase_refresh, &x) == 0) {
		free_secret(t->a.passphrase);
		t->a.passphrase = xstrdup(x.pp);
		secret_register(t->a.passphrase);
	}
	explicit_wipe(&x, sizeof(x));
}

void tui_spoke_partitioning(struct tui *t)
{
	struct scheme_form x = { .scheme = t->a.scheme, .fstype = index_of(fstypes, t->a.fstype),
				 .encrypt = t->a.encrypt };
	struct tui_field f[] = {
		{ .kind = TUI_FIELD_CHOICE, .label = "Partitioning", .choices = schemes, .choice = &x.scheme },
		{ .kind = TUI_FIELD_CHOICE, .label = "Filesystem for /", .choices = fstypes, .choice = &x.fstype },
		{ .kind = TUI_FIELD_CHECK, .label = "Encrypt (LUKS2)", .check = &x.encrypt },
	};
	x.f = f;
	if (tui_form(&t->scr, "Partitioning and encryption", part_help,
		     "How to partition the selected disks (Space or Left/Right changes a choice):", f,
		     ELEMENTSOF(f), NULL, scheme_refresh, &x) < 0)
		return;
	t->a.scheme = (enum tui_scheme)x.scheme;
	free(t->a.fstype);
	t->a.fstype = xstrdup(fstypes[x.fstype]);
	t->a.encrypt = x.scheme == TUI_SCHEME_AUTO && x.encrypt;
	if (t->a.scheme == TUI_SCHEME_CUSTOM)
		custom_table(t);
	if (!tui_answers_needs_passphrase(&t->a))
		return;
	const char *const b[] = { "Keep it", "Change it", NULL };
	if (!t->a.passphrase ||
	    tui_dialog(&t->scr, "Disk encryption passphrase", "A passphrase is set.", b) == 1)
		ask_passphrase(t);
}
