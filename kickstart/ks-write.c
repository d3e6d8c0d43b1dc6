/* Writing struct ks back as kickstart text (ks_write: parses back to an
 * equal struct, secrets optionally redacted) and as a stable field-by-field
 * dump (ks_dump: goldens and the dry-run intent). Both walk the tables. */
#include "ks-internal.h"

static void pkg_write(const struct ks_pkg *pkg, struct strbuf *out)
{
	static const char *const prefix[_KS_PKG_KIND_MAX] = {
		[KS_PKG_NAME] = "", [KS_PKG_GLOB] = "", [KS_PKG_EXCLUDE] = "-",
		[KS_PKG_GROUP] = "@", [KS_PKG_ENV] = "@^", [KS_PKG_EXCLUDE_GROUP] = "-@",
		[KS_PKG_EXCLUDE_ENV] = "-@^",
	};
	strbuf_addf(out, "%s%s", prefix[pkg->kind], pkg->name);
	if (pkg->kind == KS_PKG_GROUP && pkg->include != KS_GROUP_DEFAULT)
		strbuf_addf(out, " --%s", ks_group_include_to_string(pkg->include));
	strbuf_addch(out, '\n');
}

/* Calls fn for every command struct present, with the def to name it by. */
static void foreach_cmd(const struct ks *ks, void (*fn)(const struct ks_cmd_def *def, const void *cmd,
							 size_t index, bool list, void *userdata),
			void *userdata)
{
	KS_FOREACH_CMD(def) {
		if (def->status != KS_CMD_SUPPORTED || ks_cmd_by_off(def->ks_off, -1) != def)
			continue;
		const void *field = (const char *)ks + def->ks_off;
		size_t n = def->list ? ks_list_len(field) : !!ks_ptr_get(field);
		for (size_t i = 0; i < n; i++) {
			const void *cmd = def->list ? ks_list_get(field, i) : ks_ptr_get(field);
			const struct ks_cmd_def *d = def;
			if (def->variant_off)
				d = ks_cmd_by_off(def->ks_off, *KS_CFIELD(cmd, def->variant_off, int));
			fn(d ? d : def, cmd, i, def->list, userdata);
		}
	}
}

struct write_ctx {
	unsigned flags;
	struct strbuf *out;
};

static void write_cmd(const struct ks_cmd_def *def, const void *cmd, size_t index, bool list, void *userdata)
{
	struct write_ctx *w = userdata;

	strbuf_adds(w->out, def->name);
	ks_opts_write(def->opts, cmd, w->flags, w->out);
	strbuf_addch(w->out, '\n');
}

static void script_write(const struct ks_script *s, struct strbuf *out)
{
	struct ks_script hdr = *s;

	if (hdr.interpreter && streq(hdr.interpreter, "/bin/sh"))
		hdr.interpreter = NULL;
	strbuf_addf(out, "\n%s", ks_script_kind_to_string(s->kind));
	ks_opts_write(ks_script_opts(s->kind), &hdr, 0, out);
	strbuf_addf(out, "\n%s", strempty(s->body));
	if (s->body && *s->body && !endswith(s->body, "\n"))
		strbuf_addch(out, '\n');
	strbuf_adds(out, "%end\n");
}

void ks_write(const struct ks *ks, unsigned flags, struct strbuf *out)
{
	struct write_ctx w = { flags, out };

	strbuf_adds(out, "# Kickstart written by slipway\n");
	if (flags & KS_WRITE_REDACT)
		strbuf_adds(out, "# Plaintext passwords and passphrases are replaced by [redacted].\n");
	foreach_cmd(ks, write_cmd, &w);

	if (ks->packages.seen || ks->packages.pkgs.n > 0) {
		strbuf_adds(out, "\n%packages");
		ks_opts_write(ks_packages_opts(), &ks->packages, 0, out);
		strbuf_addch(out, '\n');
		for (size_t i = 0; i < ks->packages.pkgs.n; i++)
			pkg_write(ks->packages.pkgs.v[i], out);
		strbuf_adds(out, "%end\n");
	}
	for (size_t i = 0; i < ks->script.n; i++)
		script_write(ks->script.v[i], out);
	for (size_t i = 0; i < ks->addon.n; i++) {
		const struct ks_addon *a = ks->addon.v[i];
		strbuf_adds(out, "\n%addon ");
		strbuf_add_quoted(out, a->name);
		STRV_FOREACH(arg, a->args) {
			strbuf_addch(out, ' ');
			strbuf_add_quoted(out, *arg);
		}
		strbuf_addf(out, "\n%s%s%%end\n", strempty(a->body),
			    a->body && *a->body && !endswith(a->body, "\n") ? "\n" : "");
	}
	if (ks->slipway.seen) {
		strbuf_adds(out, "\n%addon org_slipway\n");
		if (ks->slipway.finish != KS_SLIPWAY_FINISH_UNSET)
			strbuf_addf(out, "finish %s\n", ks_slipway_finish_to_string(ks->slipway.finish));
		strbuf_adds(out, "%end\n");
	}
}

/* ---- dump ---- */
static void dump_cmd(const struct ks_cmd_def *def, const void *cmd, size_t index, bool list, void *userdata)
{
	struct strbuf *out = userdata;
	char prefix[64];
	const char *base = def->name;

	if (def->variant_off)
		base = def->ks_off == offsetof(struct ks, display) ? "display" : "finish";
	if (list)
		snprintf(prefix, sizeof(prefix), "%s[%zu]", base, index);
	else
		snprintf(prefix, sizeof(prefix), "%s", base);
	strbuf_addf(out, "%s = %s\n", prefix, def->name);
	ks_opts_dump(def->opts, cmd, prefix, out);
}

void ks_dump(const struct ks *ks, struct strbuf *out)
{
	const struct ks_packages *pk = &ks->packages;

	foreach_cmd(ks, dump_cmd, out);
	if (pk->seen || pk->pkgs.n > 0) {
		strbuf_adds(out, "packages = %packages\n");
		ks_opts_dump(ks_packages_opts(), pk, "packages", out);
		for (size_t i = 0; i < pk->pkgs.n; i++) {
			const struct ks_pkg *pkg = pk->pkgs.v[i];
			strbuf_addf(out, "packages.entry[%zu] = %s ", i, ks_pkg_kind_to_string(pkg->kind));
			ks_dump_str(out, pkg->name);
			if (pkg->kind == KS_PKG_GROUP)
				strbuf_addf(out, " (%s)", ks_group_include_to_string(pkg->include));
			strbuf_addch(out, '\n');
		}
	}
	for (size_t i = 0; i < ks->script.n; i++) {
		const struct ks_script *s = ks->script.v[i];
		char prefix[32];
		snprintf(prefix, sizeof(prefix), "script[%zu]", i);
		strbuf_addf(out, "%s = %s\n", prefix, ks_script_kind_to_string(s->kind));
		ks_opts_dump(ks_script_opts(s->kind), s, prefix, out);
		strbuf_addf(out, "%s.body = ", prefix);
		ks_dump_str(out, s->body);
		strbuf_addch(out, '\n');
	}
	for (size_t i = 0; i < ks->addon.n; i++) {
		const struct ks_addon *a = ks->addon.v[i];
		strbuf_addf(out, "addon[%zu] = ", i);
		ks_dump_str(out, a->name);
		strbuf_addf(out, "\naddon[%zu].args = ", i);
		ks_dump_strv(out, a->args ? a->args : (char *[]){ NULL });
		strbuf_addf(out, "\naddon[%zu].body = ", i);
		ks_dump_str(out, a->body);
		strbuf_addch(out, '\n');
	}
	if (ks->slipway.seen)
		strbuf_addf(out, "slipway = org_slipway\nslipway.finish = %s\n",
			    ks_slipway_finish_to_string(ks->slipway.finish));
}
