/* The kickstart sections: %packages (header options and entries, later
 * lines cancelling earlier ones), script headers (%pre, %pre-install,
 * %post, %onerror, %traceback) and %addon, including slipway's own. */
#include <ctype.h>

#include "ks-internal.h"

#define PK(n, t, f, ...) { .name = (n), .type = (t), .off = offsetof(struct ks_packages, f), __VA_ARGS__ }
static const struct ks_opt packages_opts[] = {
	PK("--default", OT_FLAG, default_),
	PK("--excludedocs", OT_FLAG, excludedocs),
	PK("--ignoremissing", OT_FLAG, ignoremissing),
	PK("--ignorebroken", OT_FLAG, ignorebroken),
	PK("--nocore", OT_FLAG, nocore),
	PK("--multilib", OT_FLAG, multilib),
	PK("--inst-langs", OT_STR, inst_langs),
	PK("--instLangs", OT_STR, inst_langs, .flags = KO_DEPRECATED | KO_NOWRITE, .cval = "--inst-langs"),
	PK("--exclude-weakdeps", OT_FLAG, exclude_weakdeps),
	PK("--excludeWeakdeps", OT_FLAG, exclude_weakdeps, .flags = KO_DEPRECATED | KO_NOWRITE,
	   .cval = "--exclude-weakdeps"),
	PK("--timeout", OT_UINT, timeout, .has_off = offsetof(struct ks_packages, has_timeout)),
	PK("--retries", OT_UINT, retries, .has_off = offsetof(struct ks_packages, has_retries)),
	KS_OPT_END,
};

const struct ks_opt *ks_packages_opts(void)
{
	return packages_opts;
}

void ks_packages_header(struct ks_parser *p, char **args)
{
	struct ks_packages *pk = &p->ks->packages;
	bool had_default = pk->default_;
	char *langs = TAKE_PTR(pk->inst_langs);

	/* Every %packages header sets the options again (pykickstart), but
	 * --default and --inst-langs stay once given. */
	if (!pk->seen)
		pk->loc = p->loc;
	pk->seen = true;
	pk->excludedocs = pk->ignoremissing = pk->ignorebroken = pk->nocore = pk->multilib = false;
	pk->exclude_weakdeps = pk->has_timeout = pk->has_retries = false;
	pk->timeout = pk->retries = 0;
	ks_opts_apply(p, NULL, "%packages", packages_opts, pk, args + 1);
	pk->default_ |= had_default;
	if (!pk->inst_langs)
		pk->inst_langs = TAKE_PTR(langs);
	free(langs);
	if (pk->default_ && pk->nocore)
		ks_error(p, "--default and --nocore cannot be used together");
}

void ks_pkg_free(struct ks_pkg *pkg)
{
	if (!pkg)
		return;
	free(pkg->name);
	free(pkg);
}

enum family { FAM_PACKAGE, FAM_GROUP, FAM_ENV };

static enum family family_of(enum ks_pkg_kind k)
{
	switch (k) {
	case KS_PKG_GROUP:
	case KS_PKG_EXCLUDE_GROUP:
		return FAM_GROUP;
	case KS_PKG_ENV:
	case KS_PKG_EXCLUDE_ENV:
		return FAM_ENV;
	default:
		return FAM_PACKAGE;
	}
}

/* A later line for the same name replaces the earlier one; only one
 * environment can be selected. */
static void add_pkg(struct ks_packages *pk, struct ks_pkg *new)
{
	for (size_t i = pk->pkgs.n; i-- > 0;) {
		struct ks_pkg *old = pk->pkgs.v[i];
		bool same = family_of(old->kind) == family_of(new->kind) && streq(old->name, new->name);
		bool other_env = old->kind == KS_PKG_ENV && new->kind == KS_PKG_ENV;
		if (same || other_env) {
			ks_list_remove(&pk->pkgs, i);
			ks_pkg_free(old);
		}
	}
	ks_list_append(&pk->pkgs, new);
}

static char *strip(const char *b, const char *e)
{
	while (b < e && isspace((unsigned char)*b))
		b++;
	while (e > b && isspace((unsigned char)e[-1]))
		e--;
	return xstrndup(b, (size_t)(e - b));
}

/* "@name --nodefaults": the options anywhere, the rest is the name. */
static int parse_group(struct ks_parser *p, const char *s, struct ks_pkg *pkg)
{
	_cleanup_strv_free_ char **words = strv_split(s, " \t");
	_cleanup_strv_free_ char **name = NULL;
	bool nodefaults = false, optional = false;

	STRV_FOREACH(w, words) {
		if (streq(*w, "--nodefaults"))
			nodefaults = true;
		else if (streq(*w, "--optional"))
			optional = true;
		else if (startswith(*w, "--")) {
			ks_error(p, "unknown group option %s", *w);
			return -EINVAL;
		} else
			strv_push(&name, *w);
	}
	if (nodefaults && optional) {
		ks_error(p, "group cannot specify both --nodefaults and --optional");
		return -EINVAL;
	}
	pkg->name = strv_join(name, " ");
	pkg->include = nodefaults ? KS_GROUP_NODEFAULTS : optional ? KS_GROUP_OPTIONAL : KS_GROUP_DEFAULT;
	return 0;
}

/* "- @ ^x" means "-@^x": drop blanks after the markers, so that the kind
 * depends on the markers alone and ks_write can reproduce it. */
static char *canonical_line(const char *line)
{
	const char *hash = strchr(line, '#');
	_cleanup_free_ char *s = strip(line, hash ? hash : line + strlen(line));
	struct strbuf sb = STRBUF_INIT;
	const char *q = s;

	for (const char *m = "-@^"; *m; m++)
		if (*q == *m) {
			strbuf_addch(&sb, *q++);
			q += strspn(q, " \t");
		}
	strbuf_adds(&sb, q);
	return strbuf_detach(&sb);
}

void ks_packages_add_line(struct ks_parser *p, const char *line)
{
	_cleanup_free_ char *s = canonical_line(line);
	_cleanup_free_ struct ks_pkg *pkg = xnew0(struct ks_pkg, 1);
	const char *rest;

	if (!*s)
		return;
	pkg->loc = p->loc;
	if (startswith(s, "@^"))
		pkg->kind = KS_PKG_ENV, rest = s + 2;
	else if (startswith(s, "@")) {
		pkg->kind = KS_PKG_GROUP;
		if (parse_group(p, s + 1, pkg) < 0) {
			free(pkg->name);
			return;
		}
		rest = NULL;
	} else if (startswith(s, "-@^"))
		pkg->kind = KS_PKG_EXCLUDE_ENV, rest = s + 3;
	else if (startswith(s, "-@"))
		pkg->kind = KS_PKG_EXCLUDE_GROUP, rest = s + 2;
	else if (startswith(s, "-"))
		pkg->kind = KS_PKG_EXCLUDE, rest = s + 1;
	else
		pkg->kind = strpbrk(s, "*?[") ? KS_PKG_GLOB : KS_PKG_NAME, rest = s;
	if (rest)
		pkg->name = strip(rest, rest + strlen(rest));
	if (isempty(pkg->name)) {
		ks_error(p, "\"%s\": empty package, group or environment name", s);
		free(pkg->name);
		return;
	}
	add_pkg(&p->ks->packages, TAKE_PTR(pkg));
}

/* ---- scripts ---- */
#define SC(n, t, f, ...) { .name = (n), .type = (t), .off = offsetof(struct ks_script, f), __VA_ARGS__ }
#define SCRIPT_OPTS                                      \
	SC("--interpreter", OT_STR, interpreter),         \
	SC("--erroronfail", OT_FLAG, erroronfail),        \
	SC("--log", OT_STR, log),                         \
	SC("--logfile", OT_STR, log, .flags = KO_NOWRITE)
static const struct ks_opt script_opts[] = { SCRIPT_OPTS, KS_OPT_END };
static const struct ks_opt post_opts[] = { SCRIPT_OPTS, SC("--nochroot", OT_FLAG, nochroot), KS_OPT_END };

const struct ks_opt *ks_script_opts(enum ks_script_kind kind)
{
	return kind == KS_SCRIPT_POST ? post_opts : script_opts;
}

struct ks_script *ks_script_header(struct ks_parser *p, enum ks_script_kind kind, char **args)
{
	struct ks_script *s = xnew0(struct ks_script, 1);

	s->loc = p->loc;
	s->kind = kind;
	ks_opts_apply(p, NULL, args[0], ks_script_opts(kind), s, args + 1);
	if (!s->interpreter)
		s->interpreter = xstrdup("/bin/sh");
	if (kind == KS_SCRIPT_TRACEBACK)
		ks_warning(p, "the %%traceback section is deprecated; use %%onerror");
	return s;
}

void ks_script_free(struct ks_script *s)
{
	if (!s)
		return;
	ks_opts_free(ks_script_opts(s->kind), s);
	free(s->body);
	free(s);
}

/* ---- %addon ---- */
void ks_addon_free(struct ks_addon *a)
{
	if (!a)
		return;
	free(a->name);
	strv_free(a->args);
	free(a->body);
	free(a);
}

static void slipway_addon(struct ks_parser *p, struct ks_addon *a)
{
	struct ks_loc saved = p->loc;

	p->ks->slipway.seen = true;
	p->ks->slipway.loc = a->loc;
	if (strv_length(a->args) > 0)
		ks_error(p, "%%addon org_slipway takes no options (got \"%s\")", a->args[0]);
	/* Line by line, to report the right line numbers. */
	const char *b = strempty(a->body);
	for (unsigned ln = a->loc.line + 1; *b; ln++) {
		const char *e = strchrnul(b, '\n');
		_cleanup_free_ char *line = xstrndup(b, (size_t)(e - b));
		_cleanup_strv_free_ char **w = NULL;
		_cleanup_free_ char *err = NULL;
		b = *e ? e + 1 : e;
		p->loc.line = ln;
		if (ks_line_is_blank_or_comment(line))
			continue;
		if (ks_split(line, true, &w, &err) < 0) {
			ks_error(p, "%s", err);
			continue;
		}
		int f = strv_length(w) == 2 && streq(w[0], "finish") ? ks_slipway_finish_from_string(w[1]) : -EINVAL;
		if (f > KS_SLIPWAY_FINISH_UNSET)
			p->ks->slipway.finish = f;
		else if (streq(w[0], "finish"))
			ks_error(p, "finish: expected one of shell, reboot, poweroff, exit");
		else
			ks_error(p, "unknown setting \"%s\" (known: finish)", w[0]);
	}
	p->loc = saved;
}

void ks_addon_finish(struct ks_parser *p, struct ks_addon *a)
{
	if (streq(a->name, "org_slipway")) {
		slipway_addon(p, a);
		ks_addon_free(a);
		return;
	}
	ks_warning(p, "addon %s is not known to slipway; kept but ignored", a->name);
	ks_list_append(&p->ks->addon, a);
}
