/* The table-driven option machinery: applying "--opt=value" words to a
 * command's struct the way pykickstart's argparse does, and writing,
 * dumping and freeing the same fields from the same tables. */
#include <ctype.h>
#include <inttypes.h>

#include "ks-internal.h"

static bool takes_value(const struct ks_opt *o)
{
	switch (o->type) {
	case OT_FLAG:
	case OT_FLAG_FALSE:
	case OT_APPEND_CONST:
	case OT_CONST:
		return false;
	case OT_UNSUPPORTED:
	case OT_IGNORED:
		return o->value != 0; /* value: 1 when it takes an argument */
	default:
		return true;
	}
}

static bool strcaseeq_any(const char *v, const char *a, const char *b, const char *c, const char *d)
{
	return strcasecmp(v, a) == 0 || strcasecmp(v, b) == 0 || strcasecmp(v, c) == 0 || strcasecmp(v, d) == 0;
}

static bool is_positional(const struct ks_opt *o)
{
	return o->type == OT_POS || o->type == OT_POS_SECRET;
}

bool ks_opts_has_option(const struct ks_opt *opts, const char *name)
{
	for (const struct ks_opt *o = opts; o && o->name; o++)
		if (!is_positional(o) && streq(o->name, name))
			return true;
	return false;
}

/* argparse: an exact match, else a unique prefix (allow_abbrev). */
static const struct ks_opt *find_opt(struct ks_parser *p, const struct ks_opt *opts, const char *name)
{
	const struct ks_opt *found = NULL;
	size_t len = strlen(name);
	_cleanup_strbuf_ struct strbuf all = STRBUF_INIT;
	unsigned matches = 0;

	for (const struct ks_opt *o = opts; o && o->name; o++)
		if (!is_positional(o) && streq(o->name, name))
			return o;
	if (!startswith(name, "--") || len < 3)
		return NULL;
	for (const struct ks_opt *o = opts; o && o->name; o++) {
		if (is_positional(o) || !strneq(o->name, name, len))
			continue;
		strbuf_addf(&all, "%s%s", matches ? ", " : "", o->name);
		found = o, matches++;
	}
	if (matches > 1) {
		ks_error(p, "ambiguous option %s (could be %s)", name, all.buf);
		return (const struct ks_opt *)-1;
	}
	return found;
}

/* argparse's _parse_optional(): a word is an option when it names one
 * (exactly, as "--opt=…", or as a prefix); otherwise a dash word is an
 * argument when it is a negative number or contains a space. */
static bool is_option_word(const struct ks_opt *opts, const char *s)
{
	if (s[0] != '-' || !s[1])
		return false;
	size_t n = strcspn(s, "=");
	for (const struct ks_opt *o = opts; o && o->name; o++)
		if (!is_positional(o) && (strneq(o->name, s, n) && (o->name[n] == '\0' || (startswith(s, "--") && n > 2))))
			return true;
	const char *q = s + 1;
	if (isdigit((unsigned char)*q) || (*q == '.' && isdigit((unsigned char)q[1])))
		return false;
	return !strchr(s, ' ');
}

static int parse_int(const char *s, int64_t *ret)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return -EINVAL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (errno || *end)
		return -EINVAL;
	*ret = v;
	return 0;
}

static char **comma_split(const char *v, bool ports)
{
	_cleanup_strv_free_ char **parts = strv_split(v, ",");
	char **l = xnew0(char *, 1);

	STRV_FOREACH(s, parts) {
		const char *b = *s, *e = *s + strlen(*s);
		while (isspace((unsigned char)*b))
			b++;
		while (e > b && isspace((unsigned char)e[-1]))
			e--;
		if (e == b)
			continue;
		_cleanup_free_ char *item = xstrndup(b, (size_t)(e - b));
		if (ports && !strchr(item, ':'))
			strv_pushf(&l, "%s:tcp", item);
		else
			strv_push(&l, item);
	}
	return l;
}

static void set_secret(char **field, const char *v)
{
	free_secret(*field);
	*field = xstrdup(v);
	if (*v)
		secret_register(v);
}

static void apply_number(struct ks_parser *p, const struct ks_opt *o, void *cmd, const char *v)
{
	int64_t n;
	const char *what = o->type == OT_MIB    ? "a positive integer (MiB)"
			   : o->type == OT_UINT ? "a non-negative integer"
						: "an integer";

	if (parse_int(v, &n) < 0 || (o->type == OT_MIB && n <= 0) || (o->type == OT_UINT && n < 0)) {
		ks_error(p, "%s must be %s (got \"%s\")", o->name, what, v);
		return;
	}
	*KS_FIELD(cmd, o->off, int64_t) = n;
	if (o->has_off)
		*KS_FIELD(cmd, o->has_off, bool) = true;
}

static void apply_choice(struct ks_parser *p, const struct ks_opt *o, void *cmd, const char *v)
{
	_cleanup_free_ char *lower = xstrdup(v);
	_cleanup_strbuf_ struct strbuf names = STRBUF_INIT;
	int i, n = 0;

	for (char *c = lower; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	for (i = 0; (size_t)i < o->n_choices; i++) {
		if (o->choices[i] && streq(o->choices[i], lower)) {
			*KS_FIELD(cmd, o->off, int) = i;
			return;
		}
		if (o->choices[i])
			strbuf_addf(&names, "%s%s", n++ ? ", " : "", o->choices[i]);
	}
	if (o->cval) {
		_cleanup_strv_free_ char **unsup = strv_split(o->cval, ",");
		if (strv_contains(unsup, lower)) {
			ks_error(p, "%s=%s is not supported by slipway yet", o->name, v);
			return;
		}
	}
	ks_error(p, "%s: invalid choice \"%s\" (choose from %s)", o->name, v, names.buf);
}

static void apply_value(struct ks_parser *p, const struct ks_opt *o, void *cmd, const char *v)
{
	switch (o->type) {
	case OT_FLAG:
	case OT_FLAG_FALSE:
		*KS_FIELD(cmd, o->off, bool) = o->type == OT_FLAG;
		break;
	case OT_STR:
	case OT_POS:
		free(*KS_FIELD(cmd, o->off, char *));
		*KS_FIELD(cmd, o->off, char *) = xstrdup(v);
		break;
	case OT_SECRET:
	case OT_POS_SECRET:
		set_secret(KS_FIELD(cmd, o->off, char *), v);
		if (o->flags & KO_CRYPTED)
			*KS_FIELD(cmd, o->crypted_off, bool) = true;
		break;
	case OT_INT:
	case OT_UINT:
	case OT_MIB:
		apply_number(p, o, cmd, v);
		return; /* sets has_off itself, only when valid */
	case OT_COMMA:
		strv_free(*KS_FIELD(cmd, o->off, char **));
		*KS_FIELD(cmd, o->off, char **) = comma_split(v, o->flags & KO_PORTS);
		break;
	case OT_COMMA_MORE: {
		_cleanup_strv_free_ char **l = comma_split(v, o->flags & KO_PORTS);
		strv_extend_strv(KS_FIELD(cmd, o->off, char **), l);
		break;
	}
	case OT_APPEND:
		strv_push(KS_FIELD(cmd, o->off, char **), v);
		break;
	case OT_APPEND_CONST:
		strv_push(KS_FIELD(cmd, o->off, char **), o->cval);
		break;
	case OT_CONST:
		*KS_FIELD(cmd, o->off, int) = o->value;
		break;
	case OT_CHOICE:
		apply_choice(p, o, cmd, v);
		break;
	case OT_KSBOOL:
		if (strcaseeq_any(v, "on", "yes", "true", "1"))
			*KS_FIELD(cmd, o->off, int) = KS_TRI_YES;
		else if (strcaseeq_any(v, "off", "no", "false", "0"))
			*KS_FIELD(cmd, o->off, int) = KS_TRI_NO;
		else
			ks_error(p, "%s: invalid boolean value \"%s\" (use yes or no)", o->name, v);
		break;
	case OT_UNSUPPORTED:
		if (o->cval) /* removed from pykickstart: its own words */
			ks_error(p, "The %s option was removed in version %s, but you are using kickstart "
				    "syntax version F43.", o->name, o->cval);
		else
			ks_error(p, "%s is not supported by slipway yet", o->name);
		return;
	case OT_IGNORED:
		ks_warning(p, "%s has no effect in slipway; ignored", o->name);
		return;
	}
	if (o->has_off)
		*KS_FIELD(cmd, o->has_off, bool) = true;
}

static void warn_deprecated(struct ks_parser *p, const struct ks_opt *o)
{
	if (o->cval && o->type != OT_APPEND_CONST)
		ks_warning(p, "the %s option is deprecated; use %s", o->name, o->cval);
	else
		ks_warning(p, "the %s option is deprecated and has no effect in Anaconda", o->name);
}

/* One "--name[=value]" word at args[*i]; advances *i past a separate value. */
static void apply_option(struct ks_parser *p, const struct ks_opt *opts, void *cmd, char **args, size_t *i)
{
	const char *arg = args[*i];
	const char *eq = startswith(arg, "--") ? strchr(arg, '=') : NULL;
	_cleanup_free_ char *name = eq ? xstrndup(arg, (size_t)(eq - arg)) : xstrdup(arg);
	const struct ks_opt *o = find_opt(p, opts, name);
	const char *v = eq ? eq + 1 : NULL;

	if (o == (const struct ks_opt *)-1)
		return;
	if (!o) {
		ks_error(p, "unknown option %s", name);
		return;
	}
	if (o->flags & KO_DEPRECATED)
		warn_deprecated(p, o);
	if (takes_value(o) && !v) {
		if (!args[*i + 1] || is_option_word(opts, args[*i + 1])) {
			ks_error(p, "%s requires a value", o->name);
			return;
		}
		v = args[++*i];
	} else if (!takes_value(o) && v) {
		ks_error(p, "%s takes no value (got \"%s\")", o->name, v);
		return;
	}
	apply_value(p, o, cmd, v);
}

static const struct ks_opt *find_positional(const struct ks_opt *opts, int index)
{
	for (const struct ks_opt *o = opts; o && o->name; o++)
		if (is_positional(o) && o->value == index)
			return o;
	return NULL;
}

int ks_opts_apply(struct ks_parser *p, const struct ks_cmd_def *def, const char *cmdname,
		  const struct ks_opt *opts, void *cmd, char **args)
{
	size_t before = p->errors;
	bool only_positional = false;
	int npos = 0;

	for (size_t i = 0; args && args[i]; i++) {
		const char *a = args[i];
		if (!only_positional && streq(a, "--")) {
			only_positional = true;
			continue;
		}
		if (!only_positional && is_option_word(opts, a)) {
			apply_option(p, opts, cmd, args, &i);
			continue;
		}
		const struct ks_opt *o = find_positional(opts, npos);
		if (!o) {
			ks_error(p, "unexpected argument \"%s\"", a);
			continue;
		}
		apply_value(p, o, cmd, a);
		npos++;
	}
	for (const struct ks_opt *o = opts; o && o->name; o++)
		if (is_positional(o) && (o->flags & KO_REQUIRED) && o->value >= npos)
			ks_error(p, "the %s argument is required", o->name);
	return (int)(p->errors - before);
}

void ks_opts_free(const struct ks_opt *opts, void *cmd)
{
	for (const struct ks_opt *o = opts; o && o->name; o++) {
		switch (o->type) {
		case OT_STR:
		case OT_POS:
			free(*KS_FIELD(cmd, o->off, char *));
			*KS_FIELD(cmd, o->off, char *) = NULL;
			break;
		case OT_SECRET:
		case OT_POS_SECRET:
			free_secret(*KS_FIELD(cmd, o->off, char *));
			*KS_FIELD(cmd, o->off, char *) = NULL;
			break;
		case OT_COMMA:
		case OT_COMMA_MORE:
		case OT_APPEND:
		case OT_APPEND_CONST:
			strv_free(*KS_FIELD(cmd, o->off, char **));
			*KS_FIELD(cmd, o->off, char **) = NULL;
			break;
		default:
			break;
		}
	}
}

/* ---- writing and dumping from the same tables ---- */
static bool is_secret_plain(const struct ks_opt *o, const void *cmd)
{
	return !(o->crypted_off && *KS_CFIELD(cmd, o->crypted_off, bool));
}

static bool number_is_set(const struct ks_opt *o, const void *cmd)
{
	return o->has_off ? *KS_CFIELD(cmd, o->has_off, bool) : *KS_CFIELD(cmd, o->off, int64_t) != 0;
}

static void write_value(struct strbuf *out, const char *name, const char *v)
{
	strbuf_addf(out, " %s=", name);
	strbuf_add_quoted(out, v);
}

static void write_one(const struct ks_opt *o, const void *cmd, unsigned flags, struct strbuf *out)
{
	const char *s;
	char *const *l;

	switch (o->type) {
	case OT_FLAG:
		if (*KS_CFIELD(cmd, o->off, bool))
			strbuf_addf(out, " %s", o->name);
		break;
	case OT_STR:
	case OT_SECRET:
		s = *KS_CFIELD(cmd, o->off, char *);
		if (s)
			write_value(out, o->name,
				    o->type == OT_SECRET && (flags & KS_WRITE_REDACT) && is_secret_plain(o, cmd)
					    ? "[redacted]"
					    : s);
		break;
	case OT_INT:
	case OT_UINT:
	case OT_MIB:
		if (number_is_set(o, cmd))
			strbuf_addf(out, " %s=%" PRId64, o->name, *KS_CFIELD(cmd, o->off, int64_t));
		break;
	case OT_COMMA:
	case OT_COMMA_MORE:
		l = *KS_CFIELD(cmd, o->off, char **);
		if (l) {
			_cleanup_free_ char *j = strv_join(l, ",");
			write_value(out, o->name, j);
		}
		break;
	case OT_APPEND:
		STRV_FOREACH(e, *KS_CFIELD(cmd, o->off, char **))
			write_value(out, o->name, *e);
		break;
	case OT_CONST:
		if (*KS_CFIELD(cmd, o->off, int) == o->value)
			strbuf_addf(out, " %s", o->name);
		break;
	case OT_CHOICE:
		if (*KS_CFIELD(cmd, o->off, int) != 0)
			strbuf_addf(out, " %s=%s", o->name, o->choices[*KS_CFIELD(cmd, o->off, int)]);
		break;
	case OT_KSBOOL:
		if (*KS_CFIELD(cmd, o->off, int) != KS_TRI_UNSET)
			strbuf_addf(out, " %s=%s", o->name, ks_tri_table[*KS_CFIELD(cmd, o->off, int)]);
		break;
	default:
		break;
	}
}

void ks_opts_write(const struct ks_opt *opts, const void *cmd, unsigned flags, struct strbuf *out)
{
	/* Positionals first, in order: "part /boot --size=…". */
	for (int i = 0;; i++) {
		const struct ks_opt *o = find_positional(opts, i);
		if (!o)
			break;
		const char *s = *KS_CFIELD(cmd, o->off, char *);
		if (!s)
			break;
		strbuf_addch(out, ' ');
		strbuf_add_quoted(out, o->type == OT_POS_SECRET && (flags & KS_WRITE_REDACT) && is_secret_plain(o, cmd)
					       ? "[redacted]"
					       : s);
	}
	for (const struct ks_opt *o = opts; o && o->name; o++)
		if (!(o->flags & KO_NOWRITE) && !is_positional(o))
			write_one(o, cmd, flags, out);
}

static const char *dump_name(const struct ks_opt *o, char buf[static 64])
{
	const char *n = o->field ? o->field : o->name;

	while (*n == '-' || *n == '<')
		n++;
	snprintf(buf, 64, "%s", n);
	char *gt = strchr(buf, '>');
	if (gt)
		*gt = '\0';
	for (char *c = buf; *c; c++)
		if (*c == '-')
			*c = '_';
	return buf;
}

static void dump_one(const struct ks_opt *o, const void *cmd, struct strbuf *out)
{
	switch (o->type) {
	case OT_FLAG:
	case OT_FLAG_FALSE:
		strbuf_adds(out, *KS_CFIELD(cmd, o->off, bool) ? "true" : "false");
		break;
	case OT_STR:
	case OT_POS:
		ks_dump_str(out, *KS_CFIELD(cmd, o->off, char *));
		break;
	case OT_SECRET:
	case OT_POS_SECRET:
		if (!*KS_CFIELD(cmd, o->off, char *))
			strbuf_adds(out, "(unset)");
		else if (is_secret_plain(o, cmd))
			strbuf_adds(out, "(secret)");
		else
			ks_dump_str(out, *KS_CFIELD(cmd, o->off, char *));
		break;
	case OT_INT:
	case OT_UINT:
	case OT_MIB:
		if (o->has_off && !*KS_CFIELD(cmd, o->has_off, bool))
			strbuf_adds(out, "(unset)");
		else
			strbuf_addf(out, "%" PRId64 "%s", *KS_CFIELD(cmd, o->off, int64_t),
				    o->type == OT_MIB ? " MiB" : "");
		break;
	case OT_COMMA:
	case OT_COMMA_MORE:
	case OT_APPEND:
	case OT_APPEND_CONST:
		ks_dump_strv(out, *KS_CFIELD(cmd, o->off, char **));
		break;
	case OT_CONST:
	case OT_CHOICE:
	case OT_KSBOOL: {
		int v = *KS_CFIELD(cmd, o->off, int);
		const char *const *t = o->type == OT_KSBOOL ? ks_tri_table : o->choices;
		strbuf_adds(out, t && t[v] ? t[v] : "default");
		break;
	}
	default:
		break;
	}
}

void ks_opts_dump(const struct ks_opt *opts, const void *cmd, const char *prefix, struct strbuf *out)
{
	for (const struct ks_opt *o = opts; o && o->name; o++) {
		if (o->type == OT_UNSUPPORTED || o->type == OT_IGNORED)
			continue;
		/* One line per field: aliases and negations share it. */
		bool dup = false;
		for (const struct ks_opt *q = opts; q < o; q++)
			if (q->off == o->off && q->type != OT_UNSUPPORTED && q->type != OT_IGNORED)
				dup = true;
		if (dup)
			continue;
		char buf[64];
		strbuf_addf(out, "%s.%s = ", prefix, dump_name(o, buf));
		dump_one(o, cmd, out);
		strbuf_addch(out, '\n');
	}
}
