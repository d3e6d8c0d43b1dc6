/* Repo configuration from the kickstart's `url` and `repo` commands:
 * $basearch/$releasever substitution, URL schemes, per-repo filters, and the
 * gpgcheck decision (see payload_repos_from_ks). */
#include <ctype.h>

#include "kickstart/ks.h"
#include "payload-internal.h"

const char *payload_basearch(const char *arch)
{
	static const struct {
		const char *arch, *basearch;
	} map[] = {
	    {"i486", "i386"},	  {"i586", "i386"},	  {"i686", "i386"},
	    {"armv7l", "armhfp"}, {"ppc64le", "ppc64le"},
	};
	for (size_t i = 0; i < ELEMENTSOF(map); i++)
		if (streq(arch, map[i].arch))
			return map[i].basearch;
	return arch;
}

char *payload_substitute(const char *s, const char *basearch, const char *releasever)
{
	static const char *const names[] = {"basearch", "releasever", "arch"};
	struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, "");
	while (*s) {
		const char *val = NULL;
		size_t skip = 0;
		for (size_t i = 0; *s == '$' && i < ELEMENTSOF(names); i++) {
			size_t n = strlen(names[i]);
			bool braced = s[1] == '{' && strneq(s + 2, names[i], n) && s[2 + n] == '}';
			bool plain = strneq(s + 1, names[i], n) &&
				     !(s[1 + n] == '_' || isalnum((unsigned char)s[1 + n]));
			if (braced || plain) {
				val = i == 1 ? releasever : basearch;
				skip = braced ? n + 3 : n + 1;
				break;
			}
		}
		if (val) {
			strbuf_adds(&sb, val);
			s += skip;
		} else
			strbuf_addch(&sb, *s++);
	}
	return strbuf_detach(&sb);
}

const char *payload_repo_url(const struct payload_repo *r)
{
	return r->metalink ? r->metalink : r->mirrorlist ? r->mirrorlist : r->baseurl;
}

void payload_repo_free(struct payload_repo *r)
{
	if (!r)
		return;
	free(r->id);
	free(r->baseurl);
	free(r->mirrorlist);
	free(r->metalink);
	strv_free(r->mirrors);
	free(r->local_dir);
	free(r->where);
	strv_free(r->includepkgs);
	strv_free(r->excludepkgs);
	strv_free(r->gpgkeys);
	strv_free(r->key_armor);
	free(r->repomd_sha256);
	free(r);
}

/* Accepts file://, http://, https:// and a bare absolute path (a file URL). */
static int repo_set_url(struct payload_repo *r, const char *url)
{
	_cleanup_free_ char *u = xstrdup(url);
	size_t n = strlen(u);

	while (n > 1 && u[n - 1] == '/')
		u[--n] = 0;
	if (u[0] == '/') {
		r->baseurl = xasprintf("file://%s", u);
		r->local_dir = xstrdup(u);
		return 0;
	}
	if (startswith(u, "file://")) {
		if (u[7] != '/')
			return log_error("%s: %s: a file URL needs an absolute path (file:///…)",
					 r->where, url),
			       -EINVAL;
		r->local_dir = xstrdup(u + 7);
		r->baseurl = TAKE_PTR(u);
		return 0;
	}
	if (startswith(u, "http://") || startswith(u, "https://")) {
		r->baseurl = TAKE_PTR(u);
		return 0;
	}
	return log_error(
		   "%s: %s: unsupported URL scheme (file://, http://, https:// are supported)",
		   r->where, url),
	       -EINVAL;
}

static struct payload_repo *repo_new(const char *id, const struct ks_loc *loc, const char *cmd)
{
	struct payload_repo *r = xnew0(struct payload_repo, 1);

	r->id = xstrdup(id);
	r->where = ks_loc_where(loc, cmd);
	r->gpgcheck = true;
	r->cost = 1000; /* dnf's default cost */
	return r;
}

/* --baseurl/--url, or a mirror list or metalink read when metadata loads. */
static int repo_set_source(struct payload_repo *r, const char *url, const char *mirrorlist,
			   const char *metalink, const char *basearch, const char *releasever)
{
	const char *list = mirrorlist ? mirrorlist : metalink;

	if (url) {
		_cleanup_free_ char *u = payload_substitute(url, basearch, releasever);
		return repo_set_url(r, u);
	}
	if (!list)
		return log_error("%s: no --baseurl, --mirrorlist or --metalink", r->where), -EINVAL;
	char *u = payload_substitute(list, basearch, releasever);
	if (!startswith(u, "http://") && !startswith(u, "https://") && !startswith(u, "file:///")) {
		log_error("%s: --%s=%s: a mirror list is read over http://, https:// or file:///", r->where,
			  mirrorlist ? "mirrorlist" : "metalink", list);
		free(u);
		return -EINVAL;
	}
	*(mirrorlist ? &r->mirrorlist : &r->metalink) = u;
	return 0;
}

static int repo_from_url(const struct ks_url *u, const char *basearch, const char *releasever,
			 struct payload_repo **ret)
{
	struct payload_repo *r = repo_new("anaconda", &u->loc, "url");
	int rr;

	if ((rr = repo_set_source(r, u->url, u->mirrorlist, u->metalink, basearch, releasever)) < 0) {
		payload_repo_free(r);
		return rr;
	}
	r->noverifyssl = u->noverifyssl;
	r->proxy = u->proxy;
	r->sslcacert = u->sslcacert;
	r->sslclientcert = u->sslclientcert;
	r->sslclientkey = u->sslclientkey;
	*ret = r;
	return 0;
}

static int repo_from_ks(const struct ks_repo *k, const char *basearch, const char *releasever,
			struct payload_repo **ret)
{
	struct payload_repo *r = repo_new(k->name ? k->name : "repo", &k->loc, "repo");
	int rr = 0;

	if ((rr = repo_set_source(r, k->baseurl, k->mirrorlist, k->metalink, basearch, releasever)) < 0) {
		payload_repo_free(r);
		return rr;
	}
	if (k->has_cost)
		r->cost = k->cost;
	r->includepkgs = strv_copy(k->includepkgs);
	r->excludepkgs = strv_copy(k->excludepkgs);
	r->install = k->install;
	r->noverifyssl = k->noverifyssl;
	r->proxy = k->proxy;
	r->sslcacert = k->sslcacert;
	r->sslclientcert = k->sslclientcert;
	r->sslclientkey = k->sslclientkey;
	*ret = r;
	return 0;
}

static void plan_add_repo(struct payload_plan *p, struct payload_repo *r)
{
	p->repos = xrealloc(p->repos, (p->n_repos + 1) * sizeof(*p->repos));
	p->repos[p->n_repos++] = r;
}

/* Signatures: pykickstart's `url` and `repo` have no gpgcheck/gpgkey options,
 * so slipway checks signatures of every repo (unless opts.nogpgcheck) with
 * the keys given by opts.gpgkeys (install --gpgkey), else the keys published
 * next to the repo's repodata/ (RPM-GPG-KEY-*, as install media ship them;
 * see payload_repo_load_keys). A repo without a key is an error, never a
 * silent pass. Per-repo gpgcheck=/gpgkey= belong in `%addon org_slipway`. */
int payload_repos_from_ks(struct payload_plan *p, const struct ks *ks, const struct payload_opts *o,
			  const char *arch, const char *releasever)
{
	const char *basearch = payload_basearch(arch);
	struct payload_repo *r = NULL;
	int rr;

	p->basearch = xstrdup(basearch);
	p->releasever = xstrdup(releasever);
	if (ks->cdrom || ks->harddrive) {
		/* the installer mounted the device (installer/source.c) */
		const struct ks_loc *loc = ks->cdrom ? &ks->cdrom->loc : &ks->harddrive->loc;
		if (!o->source_dir)
			return log_error("%s: the installation source is not mounted",
					 ks->cdrom ? "cdrom" : "harddrive"),
			       -EINVAL;
		r = repo_new("anaconda", loc, ks->cdrom ? "cdrom" : "harddrive");
		if ((rr = repo_set_url(r, o->source_dir)) < 0) {
			payload_repo_free(r);
			return rr;
		}
		plan_add_repo(p, r);
	}
	if (ks->url) {
		if ((rr = repo_from_url(ks->url, basearch, releasever, &r)) < 0)
			return rr;
		plan_add_repo(p, r);
	}
	for (size_t i = 0; i < ks->repo.n; i++) {
		if ((rr = repo_from_ks(ks->repo.v[i], basearch, releasever, &r)) < 0)
			return rr;
		for (size_t j = 0; j < p->n_repos; j++)
			if (streq(p->repos[j]->id, r->id)) {
				log_error("%s: a repo named \"%s\" is already defined", r->where,
					  r->id);
				payload_repo_free(r);
				return -EINVAL;
			}
		plan_add_repo(p, r);
	}
	if (p->n_repos == 0)
		return log_error("payload: no installation source: add `url --url=…` or `repo "
				 "--name=… --baseurl=…` to the kickstart"),
		       -EINVAL;
	for (size_t i = 0; i < p->n_repos; i++) {
		p->repos[i]->gpgcheck = !p->nogpgcheck;
		if (strv_length(o->gpgkeys) > 0)
			p->repos[i]->gpgkeys = strv_copy(o->gpgkeys);
		log_debug("repo %s: %s (cost %lld, gpgcheck %s)", p->repos[i]->id,
			  payload_repo_url(p->repos[i]), (long long)p->repos[i]->cost,
			  p->repos[i]->gpgcheck ? "on" : "off");
	}
	return 0;
}
