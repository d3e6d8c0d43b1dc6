/* The SBOM of the new system: every package of the target's rpmdb (librpm,
 * dbpath set explicitly: pitfall 7) as an SPDX 2.3 JSON document (json-c)
 * in /var/log/slipway/sbom.spdx.json. */
#include <ctype.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <rpm/rpmdb.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmts.h>
#include <time.h>

#include "payload/payload.h"
#include "sysconf-internal.h"

/* ---- rendering ---- */

/* A purl component: everything but RFC 3986 unreserved characters is
 * percent-encoded ("+" included, as the purl spec asks). */
static void purl_add(struct strbuf *sb, const char *s)
{
	for (; *s; s++)
		if (isalnum((unsigned char)*s) || strchr(".-_~", *s))
			strbuf_addch(sb, *s);
		else
			strbuf_addf(sb, "%%%02X", (unsigned char)*s);
}

static char *lower_token(const char *s)
{
	char *r = xstrdup(s);
	for (char *p = r; *p; p++)
		*p = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '-';
	return r;
}

/* pkg:rpm/<distro or vendor>/<name>@<version>-<release>?arch=<arch>&epoch=<e> */
static char *purl(const struct sysconf_pkg *p, const char *distro)
{
	struct strbuf sb = STRBUF_INIT;
	_cleanup_free_ char *ns = distro      ? xstrdup(distro)
				  : p->vendor ? lower_token(p->vendor)
					      : NULL;
	char sep = '?';

	strbuf_adds(&sb, "pkg:rpm/");
	if (!isempty(ns)) {
		purl_add(&sb, ns);
		strbuf_addch(&sb, '/');
	}
	purl_add(&sb, p->name);
	strbuf_addch(&sb, '@');
	purl_add(&sb, p->version);
	strbuf_addch(&sb, '-');
	purl_add(&sb, p->release);
	if (p->arch) {
		strbuf_addf(&sb, "%carch=", sep);
		purl_add(&sb, p->arch);
		sep = '&';
	}
	if (p->epoch && !streq(p->epoch, "0"))
		strbuf_addf(&sb, "%cepoch=%s", sep, p->epoch);
	return strbuf_detach(&sb);
}

static char *spdx_id(const char *prefix, const struct sysconf_pkg *p)
{
	char *id = xasprintf("%s%s-%s-%s%s%s", prefix, p->name, p->version, p->release,
			     p->arch ? "-" : "", strempty(p->arch));
	for (char *c = id + strlen(prefix); *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '.' && *c != '-')
			*c = '-';
	return id;
}

/* An SPDX license expression, roughly: identifiers of [A-Za-z0-9.+-:],
 * parentheses and upper-case AND/OR/WITH. Fedora's licenses are; Debian's
 * converted "see /usr/share/doc/…" or old "GPLv2+ and MIT" are not. */
static bool spdx_license_like(const char *s)
{
	if (isempty(s))
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".+-:() ", *p))
			return false;
	_cleanup_strv_free_ char **words = strv_split(s, " ()");
	STRV_FOREACH (w, words)
		if (streq(*w, "and") || streq(*w, "or") || streq(*w, "with"))
			return false;
	return true;
}

/* "Name <mail>" (rpm's Packager) → "Name (mail)" (SPDX's supplier). */
static char *supplier(const struct sysconf_pkg *p)
{
	const char *who = !isempty(p->vendor) ? p->vendor : p->packager;
	if (isempty(who))
		return xstrdup("NOASSERTION");
	_cleanup_free_ char *s = xstrdup(who);
	char *lt = strchr(s, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt) {
		*lt = '(';
		*gt = ')';
	}
	return xasprintf("Organization: %s", s);
}

static void add_str(json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v));
}

static json_object *package_json(const struct sysconf_pkg *p, const struct sysconf_sbom_meta *m)
{
	json_object *o = json_object_new_object();
	_cleanup_free_ char *id = spdx_id("SPDXRef-RPM-", p), *evr = NULL, *sup = supplier(p),
			    *url = purl(p, m->distro);

	evr = p->epoch && !streq(p->epoch, "0")
		  ? xasprintf("%s:%s-%s", p->epoch, p->version, p->release)
		  : xasprintf("%s-%s", p->version, p->release);
	add_str(o, "name", p->name);
	add_str(o, "SPDXID", id);
	add_str(o, "versionInfo", evr);
	add_str(o, "supplier", sup);
	add_str(o, "downloadLocation", "NOASSERTION");
	json_object_object_add(o, "filesAnalyzed", json_object_new_boolean(0));
	if (p->sha256) {
		json_object *c = json_object_new_object(), *a = json_object_new_array();
		add_str(c, "algorithm", "SHA256");
		add_str(c, "checksumValue", p->sha256);
		json_object_array_add(a, c);
		json_object_object_add(o, "checksums", a);
	}
	add_str(o, "licenseConcluded", "NOASSERTION");
	if (streq(p->name, "gpg-pubkey")) { /* rpm's pseudo-package of an imported key */
		add_str(o, "licenseDeclared", "NOASSERTION");
		add_str(o, "comment", "OpenPGP public key imported into the rpmdb");
	} else {
		add_str(o, "licenseDeclared",
			spdx_license_like(p->license) ? p->license : "NOASSERTION");
		if (!isempty(p->license) && !spdx_license_like(p->license))
			add_str(o, "licenseComments", p->license);
	}
	add_str(o, "copyrightText", "NOASSERTION");
	json_object *ref = json_object_new_object(), *refs = json_object_new_array();
	add_str(ref, "referenceCategory", "PACKAGE-MANAGER");
	add_str(ref, "referenceType", "purl");
	add_str(ref, "referenceLocator", url);
	json_object_array_add(refs, ref);
	json_object_object_add(o, "externalRefs", refs);
	return o;
}

static json_object *relationship(const char *a, const char *type, const char *b)
{
	json_object *o = json_object_new_object();
	add_str(o, "spdxElementId", a);
	add_str(o, "relationshipType", type);
	add_str(o, "relatedSpdxElement", b);
	return o;
}

static int cmp_pkg(const void *x, const void *y)
{
	const struct sysconf_pkg *a = *(const struct sysconf_pkg *const *)x,
				 *b = *(const struct sysconf_pkg *const *)y;
	int c;
	if ((c = strcmp(a->name, b->name)) || (c = strcmp(a->version, b->version)) ||
	    (c = strcmp(a->release, b->release)))
		return c;
	return strcmp(strempty(a->arch), strempty(b->arch));
}

static json_object *os_package(const struct sysconf_sbom_meta *m)
{
	json_object *o = json_object_new_object();
	add_str(o, "name",
		m->distro_name ? m->distro_name
		: m->distro    ? m->distro
			       : "installed-system");
	add_str(o, "SPDXID", "SPDXRef-OperatingSystem");
	if (m->distro_version)
		add_str(o, "versionInfo", m->distro_version);
	add_str(o, "downloadLocation", "NOASSERTION");
	json_object_object_add(o, "filesAnalyzed", json_object_new_boolean(0));
	add_str(o, "primaryPackagePurpose", "OPERATING-SYSTEM");
	return o;
}

int sysconf_sbom_render(const struct sysconf_pkg *pkgs, size_t n, const struct sysconf_sbom_meta *m,
			struct strbuf *out)
{
	_cleanup_free_ const struct sysconf_pkg **v = xnew0(const struct sysconf_pkg *, n + 1);
	json_object *doc = json_object_new_object(), *info = json_object_new_object(), *creators;
	json_object *packages = json_object_new_array(), *rels = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		if (isempty(pkgs[i].name) || isempty(pkgs[i].version) || !pkgs[i].release) {
			json_object_put(doc), json_object_put(info), json_object_put(packages),
			    json_object_put(rels);
			return log_error_errno(EINVAL,
					       "system: SBOM: a package without name or version");
		}
		v[i] = &pkgs[i];
	}
	qsort(v, n, sizeof(*v), cmp_pkg);
	add_str(doc, "spdxVersion", "SPDX-2.3");
	add_str(doc, "dataLicense", "CC0-1.0");
	add_str(doc, "SPDXID", "SPDXRef-DOCUMENT");
	add_str(doc, "name", m->name);
	add_str(doc, "documentNamespace", m->namespace_);
	creators = json_object_new_array();
	json_object_array_add(creators, json_object_new_string("Tool: slipway-" SLIPWAY_VERSION));
	json_object_object_add(info, "creators", creators);
	add_str(info, "created", m->created);
	json_object_object_add(doc, "creationInfo", info);
	json_object_array_add(packages, os_package(m));
	json_object_array_add(
	    rels, relationship("SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-OperatingSystem"));
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *id = spdx_id("SPDXRef-RPM-", v[i]);
		json_object_array_add(packages, package_json(v[i], m));
		json_object_array_add(rels,
				      relationship("SPDXRef-OperatingSystem", "CONTAINS", id));
	}
	json_object_object_add(doc, "packages", packages);
	json_object_object_add(doc, "relationships", rels);
	strbuf_adds(out, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
								 JSON_C_TO_STRING_SPACED |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
	strbuf_addch(out, '\n');
	json_object_put(doc);
	return 0;
}

/* ---- reading the rpmdb ---- */

void sysconf_pkgs_free(struct sysconf_pkg *pkgs, size_t n)
{
	for (size_t i = 0; pkgs && i < n; i++) {
		struct sysconf_pkg *p = &pkgs[i];
		free(p->name), free(p->epoch), free(p->version), free(p->release), free(p->arch);
		free(p->license), free(p->vendor), free(p->packager), free(p->sha256);
	}
	free(pkgs);
}

static char *tag_str(Header h, rpmTagVal tag)
{
	const char *s = headerGetString(h, tag);
	return isempty(s) ? NULL : xstrdup(s);
}

/* The rpmdb backend the target's files say, whatever the host's rpm prefers. */
static const char *db_backend(const char *root)
{
	if (sysconf_exists(root, "var/lib/rpm/rpmdb.sqlite"))
		return "sqlite";
	if (sysconf_exists(root, "var/lib/rpm/Packages.db"))
		return "ndb";
	if (sysconf_exists(root, "var/lib/rpm/Packages"))
		return "bdb_ro";
	return NULL;
}

static int rpm_config(void)
{
	/* once per process (payload/ may have read it and set %_dbpath) */
	int r = payload_rpm_read_config();
	if (r < 0)
		return log_error_errno(r, "system: SBOM: cannot read rpm's configuration");
	return 0;
}

/* Checksum: rpm keeps no digest of the package file; SHA256HEADER (the
 * header's SHA-256, as `rpm -q --qf %{SHA256HEADER}` shows) covers the
 * name, EVR, every file digest and the payload digest, so it identifies the
 * installed package exactly. */
static void read_header(Header h, struct sysconf_pkg *p)
{
	p->name = tag_str(h, RPMTAG_NAME);
	p->version = tag_str(h, RPMTAG_VERSION);
	p->release = tag_str(h, RPMTAG_RELEASE);
	if (!p->release)
		p->release = xstrdup("");
	if (headerIsEntry(h, RPMTAG_EPOCH))
		p->epoch = xasprintf("%" PRIu64, headerGetNumber(h, RPMTAG_EPOCH));
	p->arch = tag_str(h, RPMTAG_ARCH);
	p->license = tag_str(h, RPMTAG_LICENSE);
	p->vendor = tag_str(h, RPMTAG_VENDOR);
	p->packager = tag_str(h, RPMTAG_PACKAGER);
	p->sha256 = tag_str(h, RPMTAG_SHA256HEADER);
}

int sysconf_sbom_read_rpmdb(const char *root, struct sysconf_pkg **ret, size_t *ret_n)
{
	const char *backend = db_backend(root);
	struct sysconf_pkg *v = NULL;
	size_t n = 0, alloc = 0;
	int r;

	if (!backend)
		return log_error_errno(ENOENT, "system: SBOM: no rpmdb in %s/var/lib/rpm", root);
	if ((r = rpm_config()) < 0)
		return r;
	rpmPushMacro(NULL, "_dbpath", NULL, "/var/lib/rpm", RMIL_CMDLINE);
	rpmPushMacro(NULL, "_db_backend", NULL, backend, RMIL_CMDLINE);
	rpmts ts = rpmtsCreate();
	rpmtsSetRootDir(ts, root);
	rpmtsSetVSFlags(ts, RPMVSF_MASK_NODIGESTS | RPMVSF_MASK_NOSIGNATURES);
	rpmdbMatchIterator mi = rpmtsInitIterator(ts, RPMDBI_PACKAGES, NULL, 0);
	Header h;
	while (mi && (h = rpmdbNextIterator(mi))) {
		if (n == alloc)
			v = xrealloc(v, sizeof(*v) * (alloc = alloc ? alloc * 2 : 256));
		v[n] = (struct sysconf_pkg){};
		read_header(h, &v[n++]);
	}
	rpmdbFreeIterator(mi);
	rpmtsFree(ts);
	rpmPopMacro(NULL, "_db_backend");
	rpmPopMacro(NULL, "_dbpath");
	if (!mi || n == 0) {
		sysconf_pkgs_free(v, n);
		return log_error_errno(EIO, "system: SBOM: cannot read the rpmdb in %s/var/lib/rpm",
				       root);
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* ---- writing ---- */

static char *os_release_value(const char *text, const char *key)
{
	size_t k = strlen(key);
	for (const char *s = strempty(text); *s;) {
		size_t len = strcspn(s, "\n");
		if (len > k && strneq(s, key, k) && s[k] == '=') {
			const char *v = s + k + 1;
			size_t vl = len - k - 1;
			if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0])
				v++, vl -= 2;
			return vl ? xstrndup(v, vl) : NULL;
		}
		s += len + (s[len] == '\n');
	}
	return NULL;
}

static char *now_utc(void)
{
	char buf[64];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

int sysconf_write_sbom(const char *root, const char *hostname, const struct sysconf_opts *o)
{
	_cleanup_strbuf_ struct strbuf osr = STRBUF_INIT, out = STRBUF_INIT, uuid = STRBUF_INIT;
	_cleanup_free_ char *id = NULL, *name = NULL, *version = NULL, *created = NULL, *ns = NULL;
	struct sysconf_pkg *pkgs = NULL;
	size_t n = 0;
	int r;

	if (sysconf_read_file(root, "etc/os-release", &osr) < 0)
		sysconf_read_file(root, "usr/lib/os-release", &osr);
	id = os_release_value(osr.buf, "ID");
	name = os_release_value(osr.buf, "NAME");
	version = os_release_value(osr.buf, "VERSION_ID");
	created = o->sbom_created ? xstrdup(o->sbom_created) : now_utc();
	if (o->sbom_namespace)
		ns = xstrdup(o->sbom_namespace);
	else {
		if ((r = strbuf_read_file(&uuid, "/proc/sys/kernel/random/uuid")) < 0)
			return log_error_errno(
			    r, "system: cannot read /proc/sys/kernel/random/uuid: %m");
		uuid.buf[strcspn(uuid.buf, "\n")] = '\0';
		ns = xasprintf("https://slipway.invalid/spdx/%s-%s",
			       hostname ? hostname : "installed-system", uuid.buf);
	}
	if ((r = sysconf_sbom_read_rpmdb(root, &pkgs, &n)) < 0)
		return r;
	struct sysconf_sbom_meta m = {.name = hostname ? hostname : "installed-system",
				      .namespace_ = ns,
				      .created = created,
				      .distro = id,
				      .distro_name = name,
				      .distro_version = version};
	r = sysconf_sbom_render(pkgs, n, &m, &out);
	sysconf_pkgs_free(pkgs, n);
	if (r < 0)
		return r;
	if ((r = sysconf_mkdir_p(root, "var/log/slipway", 0755)) < 0 ||
	    (r = sysconf_write_file(root, "var/log/slipway/sbom.spdx.json", &out, 0644)) < 0)
		return r;
	log_info("system: SBOM of %zu packages in /var/log/slipway/sbom.spdx.json", n);
	return 0;
}
