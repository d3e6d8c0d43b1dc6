/* The kickstart reader: a stack of input files (%include, %ksappend), the
 * state machine of pykickstart's parser (commands, sections, %end), and
 * the load and flatten entry points. */
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>

#include "ks-internal.h"

#define KS_MAX_INCLUDE_DEPTH 16
/* Files read through %include and %ksappend in one load: the depth limit
 * alone lets a chain of files that each include the next four times read
 * 4^16 files (an include bomb that never finishes). */
#define KS_MAX_INCLUDES 1024

struct src {
	char *name; /* as shown in diagnostics */
	char *dir;  /* relative %include paths start here */
	char *real; /* realpath, for loop detection (NULL for URLs, strings) */
	char *text;
	size_t len, pos;
	unsigned line;
};

enum sec_kind { SEC_NONE, SEC_PACKAGES, SEC_SCRIPT, SEC_ADDON, SEC_SKIP };

struct section {
	enum sec_kind kind;
	struct ks_loc loc;
	char *name; /* "%post" */
	struct ks_script *script;
	struct ks_addon *addon;
	struct strbuf body;
};

struct reader {
	struct ks_parser p;
	struct src stack[KS_MAX_INCLUDE_DEPTH + 1];
	int depth; /* number of sources on the stack */
	unsigned includes; /* %include and %ksappend files read so far */
	struct section sec;
	struct strbuf *flat; /* ks_flatten: every line read, includes resolved */
};

static void diag(struct ks_parser *p, enum log_level level, const char *fmt, va_list ap)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	if (level == LVL_WARNING && p->opts && p->opts->strict)
		level = LVL_ERROR;
	if (level == LVL_ERROR)
		p->errors++;
	strbuf_vaddf(&sb, fmt, ap);
	ks_diags_add(p->diags, level, &p->loc, p->cmdname, "%s", sb.buf);
}

void ks_error(struct ks_parser *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag(p, LVL_ERROR, fmt, ap);
	va_end(ap);
}

void ks_warning(struct ks_parser *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag(p, LVL_WARNING, fmt, ap);
	va_end(ap);
}

/* ---- the input stack ---- */
static char *dir_of(const char *path)
{
	_cleanup_free_ char *copy = xstrdup(path);
	return xstrdup(dirname(copy));
}

static void push_src(struct reader *r, const char *name, char *text, size_t len, const char *real)
{
	struct src *s = &r->stack[r->depth++];

	*s = (struct src){
		.name = xstrdup(name),
		.dir = ks_is_url(name) ? NULL : dir_of(name),
		.real = real ? xstrdup(real) : NULL,
		.text = text,
		.len = len,
	};
	ks_intern_file(r->p.ks, name);
}

static void pop_src(struct reader *r)
{
	struct src *s = &r->stack[--r->depth];
	free(s->name);
	free(s->dir);
	free(s->real);
	free(s->text);
}

/* The next line with its newline, or NULL at the end of every input. */
static char *next_line(struct reader *r)
{
	while (r->depth > 0) {
		struct src *s = &r->stack[r->depth - 1];
		if (s->pos >= s->len) {
			pop_src(r);
			continue;
		}
		const char *b = s->text + s->pos;
		const char *e = memchr(b, '\n', s->len - s->pos);
		size_t n = e ? (size_t)(e - b) + 1 : s->len - s->pos;
		s->pos += n;
		s->line++;
		r->p.loc = (struct ks_loc){ ks_intern_file(r->p.ks, s->name), s->line };
		if (memchr(b, '\0', n)) {
			r->p.cmdname = NULL;
			ks_error(&r->p, "line contains a NUL byte; skipped");
			continue;
		}
		char *line = xstrndup(b, n);
		if (r->flat) {
			strbuf_adds(r->flat, line);
			if (!e)
				strbuf_addch(r->flat, '\n');
		}
		return line;
	}
	return NULL;
}

static int read_input(const char *path, struct strbuf *out, char **ret_err)
{
	if (ks_is_url(path))
		return ks_fetch_url(path, out, ret_err);
	int k = strbuf_read_file(out, path);
	if (k < 0)
		*ret_err = xstrdup(strerror(-k));
	return k;
}

static char *resolve_include(struct reader *r, const char *path)
{
	const struct src *cur = &r->stack[r->depth - 1];

	if (ks_is_url(path) || path[0] == '/' || !cur->dir)
		return xstrdup(path);
	_cleanup_free_ char *rel = streq(cur->dir, ".") ? xstrdup(path) : xasprintf("%s/%s", cur->dir, path);
	/* pykickstart also tries the path as given (relative to the cwd). */
	if (access(rel, F_OK) < 0 && access(path, F_OK) == 0)
		return xstrdup(path);
	return TAKE_PTR(rel);
}

static void include_file(struct reader *r, const char *kw, const char *arg)
{
	struct ks_parser *p = &r->p;
	_cleanup_free_ char *path = NULL, *err = NULL;
	_cleanup_strbuf_ struct strbuf text = STRBUF_INIT;
	char real[PATH_MAX];
	bool have_real;

	p->cmdname = kw;
	if (isempty(arg)) {
		ks_error(p, "a file name is required");
		return;
	}
	path = resolve_include(r, arg);
	have_real = !ks_is_url(path) && realpath(path, real);
	for (int i = 0; have_real && i < r->depth; i++)
		if (r->stack[i].real && streq(r->stack[i].real, real)) {
			ks_error(p, "include loop: %s is already being read", path);
			return;
		}
	if (r->depth > KS_MAX_INCLUDE_DEPTH) {
		ks_error(p, "includes nested more than %d levels deep", KS_MAX_INCLUDE_DEPTH);
		return;
	}
	if (r->includes >= KS_MAX_INCLUDES) {
		/* Said once: the load has failed, and a bomb has many more. */
		if (r->includes++ == KS_MAX_INCLUDES)
			ks_error(p, "more than %d files included; not reading more",
				 KS_MAX_INCLUDES);
		return;
	}
	r->includes++;
	if (read_input(path, &text, &err) < 0) {
		/* A warning even with --strict: the load after %pre decides. */
		if (p->opts && p->opts->allow_missing_include && streq(kw, "%include"))
			ks_diags_add(p->diags, LVL_WARNING, &p->loc, p->cmdname,
				     "cannot read %s: %s (a %%pre script may create it)", path, err);
		else
			ks_error(p, "cannot read %s: %s", path, err);
		return;
	}
	size_t len = text.len;
	push_src(r, path, strbuf_detach(&text), len, have_real ? real : NULL);
}

/* ---- sections ---- */
static const char *const section_names[] = {
	"%packages", "%pre", "%pre-install", "%post", "%onerror", "%traceback",
	"%addon", "%anaconda", "%certificate",
};

static bool is_section(const char *word)
{
	return KS_TABLE_LOOKUP(section_names, word) >= 0;
}

static void section_close(struct reader *r)
{
	struct section *s = &r->sec;
	struct ks_parser *p = &r->p;
	struct ks_loc saved = p->loc;

	p->loc = s->loc;
	p->cmdname = s->name;
	if (s->kind == SEC_SCRIPT) {
		if (strspn(strbuf_str(&s->body), " \t\r\n\v\f") == s->body.len)
			ks_script_free(s->script); /* pykickstart drops empty scripts */
		else {
			s->script->body = strbuf_detach(&s->body);
			ks_list_append(&p->ks->script, s->script);
		}
	} else if (s->kind == SEC_ADDON) {
		s->addon->body = strbuf_detach(&s->body);
		ks_addon_finish(p, s->addon);
	}
	strbuf_release(&s->body);
	free(s->name);
	*s = (struct section){ .kind = SEC_NONE };
	p->loc = saved;
}

static void section_open(struct reader *r, char **args)
{
	struct section *s = &r->sec;
	struct ks_parser *p = &r->p;
	const char *name = args[0];
	int kind = ks_script_kind_from_string(name);

	*s = (struct section){ .kind = SEC_SKIP, .loc = p->loc, .name = xstrdup(name) };
	p->cmdname = name;
	if (!is_section(name)) {
		ks_error(p, "unknown section");
		return;
	}
	if (streq(name, "%packages")) {
		s->kind = SEC_PACKAGES;
		ks_packages_header(p, args);
	} else if (kind >= 0) {
		s->kind = SEC_SCRIPT;
		s->script = ks_script_header(p, kind, args);
	} else if (streq(name, "%addon")) {
		if (!args[1] || startswith(args[1], "-")) {
			ks_error(p, "an addon name is required");
			return;
		}
		s->kind = SEC_ADDON;
		s->addon = xnew0(struct ks_addon, 1);
		s->addon->loc = p->loc;
		s->addon->name = xstrdup(args[1]);
		s->addon->args = strv_copy(args + 2);
	} else if (streq(name, "%anaconda"))
		ks_warning(p, "the %%anaconda section has no effect in slipway; ignored");
	else
		ks_error(p, "not supported by slipway yet");
}

static void command_line(struct reader *r, const char *line);

/* Inside a section: "%end", "%include", a new section, or a body line. */
static void section_line(struct reader *r, const char *line)
{
	struct section *s = &r->sec;
	const char *t = line + strspn(line, " \t\r\v\f");
	size_t n = strcspn(t, " \t\r\n\v\f");
	_cleanup_free_ char *first = xstrndup(t, n);

	if (*t == '%' && (is_section(first) || streq(first, "%end") || streq(first, "%include") ||
			  streq(first, "%ksappend"))) {
		if (streq(first, "%end")) {
			section_close(r);
			return;
		}
		if (!streq(first, "%include") && !streq(first, "%ksappend")) {
			struct ks_loc here = r->p.loc;
			r->p.loc = s->loc;
			r->p.cmdname = s->name;
			ks_error(&r->p, "section does not end with %%end");
			r->p.loc = here;
			section_close(r);
		}
		command_line(r, line);
		return;
	}
	switch (s->kind) {
	case SEC_PACKAGES:
		if (!ks_line_is_blank_or_comment(line)) {
			r->p.cmdname = "%packages";
			ks_packages_add_line(&r->p, line);
		}
		break;
	case SEC_SCRIPT:
	case SEC_ADDON:
		strbuf_adds(&s->body, line);
		if (!endswith(line, "\n"))
			strbuf_addch(&s->body, '\n');
		break;
	default:
		break;
	}
}

static void strip_newline(char *line)
{
	size_t n = strlen(line);
	if (n && line[n - 1] == '\n')
		line[--n] = '\0';
}

static void command_line(struct reader *r, const char *raw)
{
	struct ks_parser *p = &r->p;
	_cleanup_free_ char *line = xstrdup(raw);
	_cleanup_strv_free_ char **args = NULL;
	_cleanup_free_ char *err = NULL;

	strip_newline(line);
	if (ks_line_is_blank_or_comment(line))
		return;
	p->cmdname = NULL;
	if (ks_split(line, true, &args, &err) < 0) {
		_cleanup_free_ char *first = xstrndup(line + strspn(line, " \t"), strcspn(line + strspn(line, " \t"), " \t"));
		p->cmdname = first;
		ks_error(p, "%s%s", err, endswith(line, "\\") ? " (line continuations are not supported)" : "");
		p->cmdname = NULL;
		return;
	}
	if (!args[0])
		return;
	if (streq(args[0], "%include") || streq(args[0], "%ksappend")) {
		if (r->flat) /* the included text replaces the line */
			r->flat->len -= strlen(raw) + !endswith(raw, "\n"), r->flat->buf[r->flat->len] = '\0';
		include_file(r, args[0], args[1]);
	} else if (args[0][0] == '%') {
		if (streq(args[0], "%end")) {
			p->cmdname = "%end";
			ks_error(p, "%%end without a section to end");
		} else
			section_open(r, args);
	} else
		ks_dispatch(p, args);
}

static void run(struct reader *r)
{
	for (;;) {
		_cleanup_free_ char *line = next_line(r);
		if (!line)
			break;
		if (r->sec.kind == SEC_NONE)
			command_line(r, line);
		else
			section_line(r, line);
	}
	if (r->sec.kind != SEC_NONE) {
		r->p.loc = r->sec.loc;
		r->p.cmdname = r->sec.name;
		ks_error(&r->p, "section does not end with %%end");
		section_close(r);
	}
	strv_free(r->p.seen);
	r->p.seen = NULL;
}

static int load(const char *name, char *text, size_t len, const char *real, const struct ks_load_opts *o,
		struct ks **ret, struct ks_diags *d, struct strbuf *flat, bool validate)
{
	static const struct ks_load_opts defaults = {};
	_cleanup_(ks_freep) struct ks *ks = ks_new();
	struct reader r = { .p = { .ks = ks, .diags = d, .opts = o ? o : &defaults }, .flat = flat };
	size_t start = d->n;
	int k = 0;

	push_src(&r, name, text, len, real);
	run(&r);
	if (validate) {
		k = ks_validate(ks, o, d);
		ks_diags_sort(ks, d, start);
	}
	if (r.p.errors > 0 || k < 0)
		return -EINVAL;
	if (ret)
		*ret = TAKE_PTR(ks);
	return 0;
}

int ks_load_string(const char *name, const char *text, const struct ks_load_opts *o, struct ks **ret,
		   struct ks_diags *d)
{
	char real[PATH_MAX];
	bool have_real = realpath(name, real);

	return load(name, xstrdup(text), strlen(text), have_real ? real : NULL, o, ret, d, NULL, false);
}

static int load_path(const char *path, const struct ks_load_opts *o, struct ks **ret, struct ks_diags *d,
		     struct strbuf *flat, bool validate)
{
	_cleanup_strbuf_ struct strbuf text = STRBUF_INIT;
	_cleanup_free_ char *err = NULL;
	char real[PATH_MAX];
	int k;

	if ((k = read_input(path, &text, &err)) < 0) {
		struct ks_loc loc = { path, 0 };
		ks_diags_add(d, LVL_ERROR, &loc, NULL, "cannot read the kickstart: %s", err);
		return k;
	}
	bool have_real = !ks_is_url(path) && realpath(path, real);
	size_t len = text.len;
	return load(path, strbuf_detach(&text), len, have_real ? real : NULL, o, ret, d, flat, validate);
}

int ks_load_file(const char *path, const struct ks_load_opts *o, struct ks **ret, struct ks_diags *d)
{
	return load_path(path, o, ret, d, NULL, false);
}

int ks_check_file(const char *path, const struct ks_load_opts *o, struct ks **ret, struct ks_diags *d)
{
	return load_path(path, o, ret, d, NULL, true);
}

int ks_flatten(const char *path, struct strbuf *out, struct ks_diags *d)
{
	return load_path(path, NULL, NULL, d, out, false);
}
