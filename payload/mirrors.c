/* Mirror lists and metalinks as dnf reads them: the two parsers (pure; the
 * metalink with expat, which libsolv parses repomd with too) and the check of
 * a repomd.xml against the hashes a metalink publishes. */
#include <ctype.h>
#include <expat.h>
#include <limits.h>
#include <solv/chksum.h>

#include "payload-internal.h"

/* The schemes a mirror may use; rsync and others are skipped as dnf does. */
static bool mirror_scheme_ok(const char *u)
{
	return startswith(u, "http://") || startswith(u, "https://") || startswith(u, "file:///");
}

/* A base URL after mirror_base(): something after the scheme. */
static bool mirror_base_ok(const char *b)
{
	size_t n = strlen(b);
	return (startswith(b, "http://") && n > 7) || (startswith(b, "https://") && n > 8) ||
	       (startswith(b, "file:///") && n > 8);
}

/* One word of printable characters: it goes into messages and to libcurl. */
static bool url_word(const char *u)
{
	for (; *u; u++)
		if ((unsigned char)*u <= ' ' || *u == 0x7f)
			return false;
	return true;
}

/* A metalink names repomd.xml itself; the repo's base is two levels up. */
static char *mirror_base(const char *u)
{
	size_t n = strlen(u);

	if (n > 20 && streq(u + n - 20, "/repodata/repomd.xml"))
		n -= 20;
	while (n > 1 && u[n - 1] == '/')
		n--;
	return xstrndup(u, n);
}

int payload_mirrorlist_parse(const char *text, char ***ret, char **ret_err)
{
	_cleanup_strv_free_ char **l = NULL;
	unsigned lineno = 0;

	for (const char *s = text; *s;) {
		const char *nl = strchrnul(s, '\n');
		_cleanup_free_ char *line = xstrndup(s, (size_t)(nl - s));
		char *t = line + strspn(line, " \t\r");
		size_t n = strlen(t);

		s = *nl ? nl + 1 : nl;
		lineno++;
		while (n > 0 && strchr(" \t\r", t[n - 1]))
			t[--n] = '\0';
		if (n == 0 || t[0] == '#')
			continue;
		if (!url_word(t) || !strstr(t, "://")) {
			for (char *c = t; *c; c++) /* the message must not carry them */
				if ((unsigned char)*c < ' ' || *c == 0x7f)
					*c = '?';
			*ret_err = xasprintf("line %u: not a URL: \"%.80s\"", lineno, t);
			return -EBADMSG;
		}
		if (!mirror_scheme_ok(t))
			continue;
		_cleanup_free_ char *b = mirror_base(t);
		if (!mirror_base_ok(b)) {
			*ret_err = xasprintf("line %u: not a URL: \"%.80s\"", lineno, t);
			return -EBADMSG;
		}
		if (!strv_contains(l, b))
			strv_push(&l, b);
	}
	if (!l) {
		*ret_err = xstrdup("no http://, https:// or file:/// mirror in it");
		return -EBADMSG;
	}
	*ret = TAKE_PTR(l);
	return (int)strv_length(*ret);
}

/* ---- metalink 3.0 ---- */

struct ml_url {
	char *url;
	long preference;
	size_t order;
};

struct ml_ctx {
	XML_Parser parser;
	struct payload_metalink *ml;
	unsigned depth, file_depth; /* file_depth: inside <file name="repomd.xml"> */
	bool seen_file;
	enum { IN_NONE, IN_HASH, IN_URL, IN_SIZE } in;
	char *hash_type;
	long preference;
	bool url_ok;
	struct strbuf text;
	struct ml_url *urls;
	size_t n_urls;
	char *err;
};

/* Element names without a namespace prefix ("mm0:alternates"). */
static const char *local_name(const char *n)
{
	const char *c = strrchr(n, ':');
	return c ? c + 1 : n;
}

static const char *attr(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (streq(local_name(atts[i]), name))
			return atts[i + 1];
	return NULL;
}

static void XMLCALL ml_start(void *data, const char *el, const char **atts)
{
	struct ml_ctx *c = data;
	const char *n = local_name(el);

	c->depth++;
	strbuf_reset(&c->text);
	if (!c->file_depth) {
		const char *name = attr(atts, "name");
		if (streq(n, "file") && name && streq(name, "repomd.xml") && !c->seen_file) {
			c->file_depth = c->depth;
			c->seen_file = true;
		}
		return;
	}
	if (streq(n, "hash")) {
		const char *t = attr(atts, "type");
		c->in = IN_HASH;
		free(c->hash_type);
		c->hash_type = t ? xstrdup(t) : NULL;
	} else if (streq(n, "url")) {
		const char *pref = attr(atts, "preference");
		const char *proto = attr(atts, "protocol");
		c->in = IN_URL;
		c->preference = pref ? strtol(pref, NULL, 10) : 0;
		/* the protocol attribute, when there, must be one we speak */
		c->url_ok = !proto || streq(proto, "http") || streq(proto, "https") || streq(proto, "file");
	} else if (streq(n, "size") && c->depth == c->file_depth + 1)
		c->in = IN_SIZE;
	else
		c->in = IN_NONE;
}

static void add_hash(struct ml_ctx *c, const char *type, const char *hex)
{
	struct payload_metalink *ml = c->ml;
	Id t = solv_chksum_str2type(type);

	/* dnf ignores the types it does not know; so does slipway */
	if (!t || strlen(hex) != 2 * (size_t)solv_chksum_len(t) ||
	    strspn(hex, "0123456789abcdefABCDEF") != strlen(hex))
		return;
	ml->hashes = xrealloc(ml->hashes, (ml->n_hashes + 1) * sizeof(*ml->hashes));
	ml->hashes[ml->n_hashes++] = (struct payload_ml_hash){ .type = t, .hex = xstrdup(hex) };
	for (char *p = ml->hashes[ml->n_hashes - 1].hex; *p; p++)
		*p = (char)tolower((unsigned char)*p);
}

static void XMLCALL ml_end(void *data, const char *el)
{
	struct ml_ctx *c = data;
	char *t = (char *)strbuf_str(&c->text);

	t += strspn(t, " \t\r\n");
	for (size_t n = strlen(t); n > 0 && strchr(" \t\r\n", t[n - 1]); n--)
		t[n - 1] = '\0';
	if (c->file_depth && c->in == IN_HASH && c->hash_type)
		add_hash(c, c->hash_type, t);
	else if (c->file_depth && c->in == IN_URL && c->url_ok && mirror_scheme_ok(t) && url_word(t)) {
		char *b = mirror_base(t);
		if (!mirror_base_ok(b)) {
			free(b);
		} else {
			c->urls = xrealloc(c->urls, (c->n_urls + 1) * sizeof(*c->urls));
			c->urls[c->n_urls] = (struct ml_url){ b, c->preference, c->n_urls };
			c->n_urls++;
		}
	} else if (c->file_depth && c->in == IN_SIZE)
		c->ml->size = strtoull(t, NULL, 10);
	c->in = IN_NONE;
	strbuf_reset(&c->text);
	if (c->depth == c->file_depth)
		c->file_depth = 0;
	c->depth--;
}

static void XMLCALL ml_text(void *data, const char *s, int len)
{
	struct ml_ctx *c = data;

	if (c->in != IN_NONE && c->text.len < 8192)
		strbuf_add(&c->text, s, (size_t)len);
}

/* Higher preference first; equal ones keep the metalink's order. */
static int cmp_url(const void *a, const void *b)
{
	const struct ml_url *x = a, *y = b;

	if (x->preference != y->preference)
		return x->preference > y->preference ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

void payload_metalink_done(struct payload_metalink *ml)
{
	strv_free(ml->mirrors);
	for (size_t i = 0; i < ml->n_hashes; i++)
		free(ml->hashes[i].hex);
	free(ml->hashes);
	*ml = (struct payload_metalink){};
}

static void ml_ctx_done(struct ml_ctx *c)
{
	for (size_t i = 0; i < c->n_urls; i++)
		free(c->urls[i].url);
	free(c->urls);
	free(c->hash_type);
	strbuf_release(&c->text);
	if (c->parser)
		XML_ParserFree(c->parser);
}

static int ml_fail(struct ml_ctx *c, struct payload_metalink *ml, char *msg, char **ret_err)
{
	*ret_err = msg;
	ml_ctx_done(c);
	payload_metalink_done(ml);
	return -EBADMSG;
}

int payload_metalink_parse(const char *xml, size_t len, struct payload_metalink *ret, char **ret_err)
{
	struct payload_metalink ml = {};
	struct ml_ctx c = { .ml = &ml, .text = STRBUF_INIT };

	if (len > INT_MAX)
		return ml_fail(&c, &ml, xstrdup("too large"), ret_err);
	c.parser = XML_ParserCreate(NULL);
	if (!c.parser)
		return ml_fail(&c, &ml, xstrdup("out of memory"), ret_err);
	XML_SetUserData(c.parser, &c);
	XML_SetElementHandler(c.parser, ml_start, ml_end);
	XML_SetCharacterDataHandler(c.parser, ml_text);
	if (XML_Parse(c.parser, xml, (int)len, 1) == XML_STATUS_ERROR)
		return ml_fail(&c, &ml,
			       xasprintf("line %lu: %s", (unsigned long)XML_GetCurrentLineNumber(c.parser),
					 XML_ErrorString(XML_GetErrorCode(c.parser))),
			       ret_err);
	if (!c.seen_file)
		return ml_fail(&c, &ml, xstrdup("no <file name=\"repomd.xml\"> in it"), ret_err);
	if (ml.n_hashes == 0)
		return ml_fail(&c, &ml, xstrdup("no md5, sha1, sha224, sha256, sha384 or sha512 hash of repomd.xml in it"),
			       ret_err);
	if (c.n_urls > 1)
		qsort(c.urls, c.n_urls, sizeof(*c.urls), cmp_url);
	for (size_t i = 0; i < c.n_urls; i++)
		if (!strv_contains(ml.mirrors, c.urls[i].url))
			strv_push(&ml.mirrors, c.urls[i].url);
	if (!ml.mirrors)
		return ml_fail(&c, &ml, xstrdup("no http, https or file mirror of repomd.xml in it"), ret_err);
	ml_ctx_done(&c);
	*ret = ml;
	return (int)strv_length(ml.mirrors);
}

/* dnf's rule: the file is good when one listed hash of a known type matches
 * (a metalink also lists recent versions of repomd.xml as alternates). */
int payload_metalink_check(const struct payload_metalink *ml, const char *path, char **ret_got)
{
	for (size_t i = 0; i < ml->n_hashes; i++) {
		_cleanup_free_ char *hex = NULL;
		int r = payload_file_hash_hex(path, ml->hashes[i].type, &hex);
		if (r < 0)
			return r;
		if (streq(hex, ml->hashes[i].hex))
			return 0;
		if (ret_got && !*ret_got)
			*ret_got = xasprintf("%s %s", solv_chksum_type2str(ml->hashes[i].type), hex);
	}
	return -EBADMSG;
}

/* The mirror list or metalink itself, parsed; mirrors substituted. */
static int read_mirror_source(struct payload_plan *p, struct payload_repo *r, struct payload_metalink *ml)
{
	const char *url = r->metalink ? r->metalink : r->mirrorlist;
	const char *opt = r->metalink ? "--metalink" : "--mirrorlist";
	_cleanup_strbuf_ struct strbuf text = STRBUF_INIT;
	_cleanup_free_ char *err = NULL;
	int n;

	if ((n = payload_fetch_mem(url, r, p->retries, &text)) < 0)
		return log_error_errno(n, "%s %s=%s: cannot read it%s", r->where, opt, url,
				       n == -ENOENT ? ": not found" : "");
	if (r->metalink)
		n = payload_metalink_parse(strbuf_str(&text), text.len, ml, &err);
	else
		n = payload_mirrorlist_parse(strbuf_str(&text), &ml->mirrors, &err);
	if (n < 0)
		return log_error("%s %s=%s: not a %s: %s", r->where, opt, url,
				 r->metalink ? "metalink" : "mirror list", err),
		       -EBADMSG;
	for (char **m = ml->mirrors; *m; m++) {
		char *s = payload_substitute(*m, p->basearch, p->releasever);
		free(*m);
		*m = s;
	}
	log_info("repo %s: %d mirror%s from %s", r->id, n, n == 1 ? "" : "s", url);
	return 0;
}

/* One mirror's repomd.xml into dest; its problem in *why on failure. */
static int try_mirror(struct payload_plan *p, struct payload_repo *r, const struct payload_metalink *ml,
		      const char *mirror, const char *dest, char **why)
{
	_cleanup_free_ char *url = xasprintf("%s/repodata/repomd.xml", mirror);
	_cleanup_free_ char *what = xasprintf("repomd.xml of %s", r->id);
	_cleanup_free_ char *part = xasprintf("%s.part", dest);
	_cleanup_free_ char *got = NULL;
	/* one retry per mirror: the next mirror is the better retry */
	struct payload_fetch_opts fo = { .retries = 1, .timeout = p->timeout, .quiet = true };
	struct payload_xfer x = { .url = url, .dest = dest, .what = what, .repo = r };
	int k;

	unlink(part);
	unlink(dest);
	if ((k = payload_fetch(&x, 1, &fo)) < 0) {
		*why = xstrdup(k == -ENOENT ? "not found" : "transfer failed");
		return k;
	}
	if (!r->metalink)
		return 0;
	k = payload_metalink_check(ml, dest, &got);
	if (k == -EBADMSG) {
		_cleanup_strv_free_ char **want = NULL;
		for (size_t i = 0; i < ml->n_hashes; i++)
			strv_pushf(&want, "%s %s", solv_chksum_type2str(ml->hashes[i].type), ml->hashes[i].hex);
		_cleanup_free_ char *w = strv_join(want, ", ");
		*why = xasprintf("hash mismatch: the metalink lists %s; the file has %s", w, got);
		log_warning("repo %s: %s: %s", r->id, url, *why);
		unlink(dest);
	} else if (k < 0)
		*why = xasprintf("cannot read %s: %s", dest, strerror(-k));
	return k;
}

int payload_mirrors_fetch_repomd(struct payload_plan *p, struct payload_repo *r, const char *dest)
{
	_cleanup_(payload_metalink_done) struct payload_metalink ml = {};
	_cleanup_strbuf_ struct strbuf tried = STRBUF_INIT;
	int k, first = 0;

	if ((k = read_mirror_source(p, r, &ml)) < 0)
		return k;
	for (size_t i = 0; ml.mirrors[i]; i++) {
		_cleanup_free_ char *why = NULL;
		k = try_mirror(p, r, &ml, ml.mirrors[i], dest, &why);
		if (k == 0) {
			/* packages fall back to the mirrors not tried yet, then to
			 * those that failed just now */
			r->baseurl = xstrdup(ml.mirrors[i]);
			size_t n = strv_length(ml.mirrors);
			for (size_t j = 0; j < n; j++)
				strv_push(&r->mirrors, ml.mirrors[(i + j) % n]);
			log_info("repo %s: using the mirror %s", r->id, r->baseurl);
			return 0;
		}
		if (!first || k == -EBADMSG)
			first = k;
		strbuf_addf(&tried, "\n  %s: %s", ml.mirrors[i], why);
	}
	return log_error("%s %s=%s: no mirror gave a usable repodata/repomd.xml; mirrors tried:%s", r->where,
			 r->metalink ? "--metalink" : "--mirrorlist", r->metalink ? r->metalink : r->mirrorlist,
			 strbuf_str(&tried)),
	       first;
}
