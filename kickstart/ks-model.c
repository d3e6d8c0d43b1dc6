/* The model's plumbing: enum <-> string tables, allocation and freeing of
 * struct ks (driven by the command tables), generic list access, and the
 * diagnostics list. */
#include <stdarg.h>

#include "ks-internal.h"

const char *const ks_tri_table[_KS_TRI_MAX] = { "unset", "no", "yes" };
const char *const ks_bootproto_table[_KS_BOOTPROTO_MAX] = { "dhcp", "static" };
const char *const ks_selinux_table[_KS_SELINUX_MAX] = { "unset", "disabled", "enforcing", "permissive" };
const char *const ks_firstboot_table[_KS_FIRSTBOOT_MAX] = { "unset", "disabled", "enabled", "reconfig" };
static const char *const display_table[_KS_DISPLAY_MAX] = { "text", "cmdline", "graphical" };
static const char *const finish_table[_KS_FINISH_MAX] = { "reboot", "poweroff", "halt", "shutdown" };
const char *const ks_clearpart_table[_KS_CLEARPART_MAX] = { "unset", "all", "linux", "none", "list" };
const char *const ks_autopart_table[_KS_AUTOPART_MAX] = { "default", "plain", "lvm", "thinp", "btrfs" };
const char *const ks_bootloader_location_table[_KS_BOOTLOADER_MAX] = { "mbr", "partition", "none", "boot" };
static const char *const pkg_kind_table[_KS_PKG_KIND_MAX] = {
	"name", "glob", "exclude", "group", "environment", "exclude-group", "exclude-environment",
};
static const char *const group_include_table[_KS_GROUP_INCLUDE_MAX] = { "default", "nodefaults", "optional" };
static const char *const script_kind_table[_KS_SCRIPT_KIND_MAX] = {
	"%pre", "%pre-install", "%post", "%onerror", "%traceback",
};
static const char *const slipway_finish_table[_KS_SLIPWAY_FINISH_MAX] = {
	"unset", "shell", "reboot", "poweroff", "exit",
};

int ks_table_lookup(const char *const *table, size_t n, const char *s)
{
	if (!s)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (table[i] && streq(table[i], s))
			return (int)i;
	return -EINVAL;
}

static const char *table_get(const char *const *table, size_t n, int v)
{
	return v >= 0 && (size_t)v < n ? table[v] : NULL;
}

#define DEFINE_TO_STRING(name, type, table) \
	const char *name##_to_string(type v) { return table_get(table, ELEMENTSOF(table), (int)v); }
#define DEFINE_FROM_STRING(name, table) \
	int name##_from_string(const char *s) { return ks_table_lookup(table, ELEMENTSOF(table), s); }

DEFINE_TO_STRING(ks_tri, enum ks_tri, ks_tri_table)
DEFINE_TO_STRING(ks_bootproto, enum ks_bootproto, ks_bootproto_table)
DEFINE_FROM_STRING(ks_bootproto, ks_bootproto_table)
DEFINE_TO_STRING(ks_selinux, enum ks_selinux, ks_selinux_table)
DEFINE_TO_STRING(ks_firstboot, enum ks_firstboot, ks_firstboot_table)
DEFINE_TO_STRING(ks_display, enum ks_display, display_table)
DEFINE_FROM_STRING(ks_display, display_table)
DEFINE_TO_STRING(ks_finish, enum ks_finish, finish_table)
DEFINE_FROM_STRING(ks_finish, finish_table)
DEFINE_TO_STRING(ks_clearpart_type, enum ks_clearpart_type, ks_clearpart_table)
DEFINE_TO_STRING(ks_autopart_type, enum ks_autopart_type, ks_autopart_table)
DEFINE_FROM_STRING(ks_autopart_type, ks_autopart_table)
DEFINE_TO_STRING(ks_bootloader_location, enum ks_bootloader_location, ks_bootloader_location_table)
DEFINE_FROM_STRING(ks_bootloader_location, ks_bootloader_location_table)
DEFINE_TO_STRING(ks_pkg_kind, enum ks_pkg_kind, pkg_kind_table)
DEFINE_TO_STRING(ks_group_include, enum ks_group_include, group_include_table)
DEFINE_TO_STRING(ks_script_kind, enum ks_script_kind, script_kind_table)
DEFINE_FROM_STRING(ks_script_kind, script_kind_table)
DEFINE_TO_STRING(ks_slipway_finish, enum ks_slipway_finish, slipway_finish_table)
DEFINE_FROM_STRING(ks_slipway_finish, slipway_finish_table)

/* ---- generic list and pointer access ---- */
struct anylist {
	void **v;
	size_t n;
};

static struct anylist list_read(const void *list)
{
	struct anylist l;
	memcpy(&l, list, sizeof(l));
	return l;
}

size_t ks_list_len(const void *list)
{
	return list_read(list).n;
}

void *ks_list_get(const void *list, size_t i)
{
	struct anylist l = list_read(list);
	void *p;

	memcpy(&p, (char *)l.v + i * sizeof(void *), sizeof(p));
	return p;
}

void ks_list_append(void *list, void *item)
{
	struct anylist l = list_read(list);

	l.v = xrealloc(l.v, (l.n + 1) * sizeof(void *));
	memcpy((char *)l.v + l.n * sizeof(void *), &item, sizeof(item));
	l.n++;
	memcpy(list, &l, sizeof(l));
}

void ks_list_remove(void *list, size_t i)
{
	struct anylist l = list_read(list);

	memmove((char *)l.v + i * sizeof(void *), (char *)l.v + (i + 1) * sizeof(void *),
		(l.n - i - 1) * sizeof(void *));
	l.n--;
	memcpy(list, &l, sizeof(l));
}

void ks_list_clear(void *list)
{
	struct anylist l = list_read(list);

	free(l.v);
	l = (struct anylist){ NULL, 0 };
	memcpy(list, &l, sizeof(l));
}

void *ks_ptr_get(const void *field)
{
	void *p;
	memcpy(&p, field, sizeof(p));
	return p;
}

void ks_ptr_set(void *field, void *p)
{
	memcpy(field, &p, sizeof(p));
}

const char *ks_intern_file(struct ks *ks, const char *name)
{
	STRV_FOREACH(f, ks->files)
		if (streq(*f, name))
			return *f;
	strv_push(&ks->files, name);
	return ks->files[strv_length(ks->files) - 1];
}

char *ks_loc_where(const struct ks_loc *loc, const char *what)
{
	if (!loc || !loc->file)
		return xstrdup(what);
	return loc->line ? xasprintf("%s:%u: %s", loc->file, loc->line, what) : xasprintf("%s: %s", loc->file, what);
}

/* ---- allocation ---- */
struct ks *ks_new(void)
{
	return xnew0(struct ks, 1);
}

static void free_cmd(const struct ks_cmd_def *def, void *cmd)
{
	if (!cmd)
		return;
	ks_opts_free(def->opts, cmd);
	free(cmd);
}

void ks_free(struct ks *ks)
{
	if (!ks)
		return;
	KS_FOREACH_CMD(def) {
		if (def->status != KS_CMD_SUPPORTED || ks_cmd_by_off(def->ks_off, -1) != def)
			continue;
		void *field = (char *)ks + def->ks_off;
		if (def->list) {
			for (size_t i = 0; i < ks_list_len(field); i++)
				free_cmd(def, ks_list_get(field, i));
			ks_list_clear(field);
		} else
			free_cmd(def, ks_ptr_get(field));
	}
	for (size_t i = 0; i < ks->packages.pkgs.n; i++)
		ks_pkg_free(ks->packages.pkgs.v[i]);
	free(ks->packages.pkgs.v);
	free(ks->packages.inst_langs);
	for (size_t i = 0; i < ks->script.n; i++)
		ks_script_free(ks->script.v[i]);
	free(ks->script.v);
	for (size_t i = 0; i < ks->addon.n; i++)
		ks_addon_free(ks->addon.v[i]);
	free(ks->addon.v);
	strv_free(ks->files);
	free(ks);
}

/* ---- diagnostics ---- */
void ks_diags_add(struct ks_diags *d, enum log_level level, const struct ks_loc *loc, const char *command,
		  const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb = STRBUF_INIT;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (d->n == d->alloc) {
		d->alloc = d->alloc ? d->alloc * 2 : 16;
		d->v = xrealloc(d->v, d->alloc * sizeof(*d->v));
	}
	d->v[d->n++] = (struct ks_diag){
		.file = loc && loc->file ? xstrdup(loc->file) : NULL,
		.line = loc ? loc->line : 0,
		.command = command ? xstrdup(command) : NULL,
		.level = level,
		.msg = strbuf_detach(&sb),
	};
}

static size_t file_rank(const struct ks *ks, const char *file)
{
	size_t i = 0;
	STRV_FOREACH(f, ks->files) {
		if (file && streq(*f, file))
			return i;
		i++;
	}
	return i;
}

struct diag_order {
	size_t rank, index;
	unsigned line;
};

static int diag_order_cmp(const void *a, const void *b)
{
	const struct diag_order *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index; /* stable */
}

/* qsort rather than an insertion sort: validation errors come after the
 * parse errors of later lines, and 20,000 of each took seconds to order. */
void ks_diags_sort(const struct ks *ks, struct ks_diags *d, size_t start)
{
	size_t n = d->n > start ? d->n - start : 0;

	if (n < 2)
		return;
	_cleanup_free_ struct diag_order *o = xnew0(struct diag_order, n);
	_cleanup_free_ struct ks_diag *sorted = xnew0(struct ks_diag, n);
	for (size_t i = 0; i < n; i++) {
		const struct ks_diag *g = &d->v[start + i];
		o[i] = (struct diag_order){ .rank = file_rank(ks, g->file), .index = start + i, .line = g->line };
	}
	qsort(o, n, sizeof(*o), diag_order_cmp);
	for (size_t i = 0; i < n; i++)
		sorted[i] = d->v[o[i].index];
	memcpy(d->v + start, sorted, n * sizeof(*sorted));
}

/* Appends s with control characters as \xNN: bytes of a kickstart quoted in
 * a message must not drive the terminal of whoever runs `slipway validate`
 * (escape sequences, a \r that overwrites the line). */
static void add_printable(struct strbuf *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			strbuf_addf(out, "\\x%02x", c);
		else
			strbuf_addch(out, (char)c);
	}
}

void ks_diags_format(const struct ks_diags *d, struct strbuf *out)
{
	_cleanup_strbuf_ struct strbuf line = STRBUF_INIT;

	for (size_t i = 0; d && i < d->n; i++) {
		const struct ks_diag *g = &d->v[i];
		strbuf_reset(&line);
		strbuf_adds(&line, "slipway: ");
		if (g->file && g->line)
			strbuf_addf(&line, "%s:%u: ", g->file, g->line);
		else if (g->file)
			strbuf_addf(&line, "%s: ", g->file);
		if (g->command)
			strbuf_addf(&line, "%s: ", g->command);
		if (g->level == LVL_WARNING)
			strbuf_adds(&line, "warning: ");
		strbuf_adds(&line, g->msg);
		add_printable(out, strbuf_str(&line));
		strbuf_addch(out, '\n');
	}
}

void ks_diags_print(const struct ks_diags *d, FILE *f)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	ks_diags_format(d, &sb);
	fputs(strbuf_str(&sb), f);
}

size_t ks_diags_errors(const struct ks_diags *d)
{
	size_t n = 0;
	for (size_t i = 0; d && i < d->n; i++)
		if (d->v[i].level == LVL_ERROR)
			n++;
	return n;
}

void ks_diags_free(struct ks_diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].command);
		free(d->v[i].msg);
	}
	free(d->v);
	*d = (struct ks_diags){};
}

/* ---- dump helpers ---- */
void ks_dump_str(struct strbuf *out, const char *s)
{
	if (!s) {
		strbuf_adds(out, "(unset)");
		return;
	}
	strbuf_addch(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			strbuf_addf(out, "\\%c", c);
		else if (c == '\n')
			strbuf_adds(out, "\\n");
		else if (c == '\t')
			strbuf_adds(out, "\\t");
		else if (c < 0x20 || c == 0x7f)
			strbuf_addf(out, "\\x%02x", c);
		else
			strbuf_addch(out, (char)c);
	}
	strbuf_addch(out, '"');
}

void ks_dump_strv(struct strbuf *out, char *const *l)
{
	if (!l) {
		strbuf_adds(out, "(unset)");
		return;
	}
	strbuf_addch(out, '[');
	STRV_FOREACH(s, l) {
		if (s != l)
			strbuf_adds(out, ", ");
		ks_dump_str(out, *s);
	}
	strbuf_addch(out, ']');
}
