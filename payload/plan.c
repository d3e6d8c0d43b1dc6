/* The payload plan: its life cycle (repos → metadata → keys → solve), the
 * other stages' requirements, the text --dry-run shows, and payload_install
 * wrapping the transaction with the target's bind mounts and repo files. */
#include <sys/utsname.h>

#include <solv/bitmap.h>

#include "kickstart/ks.h"
#include "payload-internal.h"
#include "size.h"
#include "teardown.h"

void payload_require(struct payload_opts *o, const char *capability, const char *reason)
{
	for (size_t i = 0; i < o->n_reqs; i++)
		if (streq(o->reqs[i].capability, capability))
			return; /* the first reason is enough */
	o->reqs = xrealloc(o->reqs, (o->n_reqs + 1) * sizeof(*o->reqs));
	o->reqs[o->n_reqs++] = (struct payload_requirement){xstrdup(capability), xstrdup(reason)};
}

void payload_opts_done(struct payload_opts *o)
{
	for (size_t i = 0; i < o->n_reqs; i++) {
		free(o->reqs[i].capability);
		free(o->reqs[i].reason);
	}
	free(o->reqs);
	o->reqs = NULL;
	o->n_reqs = 0;
}

void payload_plan_free(struct payload_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_repos; i++) {
		payload_repo_free_keyring(p->repos[i]);
		payload_repo_free(p->repos[i]);
	}
	free(p->repos);
	for (size_t i = 0; i < p->n_pkgs; i++) {
		free(p->pkgs[i].nevra);
		free(p->pkgs[i].location);
		free(p->pkgs[i].path);
		free(p->pkgs[i].chksum);
	}
	free(p->pkgs);
	for (size_t i = 0; i < p->n_reqs; i++) {
		free(p->reqs[i].capability);
		free(p->reqs[i].reason);
		free(p->reqs[i].provider);
	}
	free(p->reqs);
	free(p->cachedir);
	free(p->dbpath);
	free(p->basearch);
	free(p->releasever);
	free(p->inst_langs);
	if (p->pool && p->pool->considered) { /* pool_free() leaves it to us */
		map_free(p->pool->considered);
		p->pool->considered = solv_free(p->pool->considered);
	}
	if (p->pool)
		pool_free(p->pool);
	free(p);
}

static void plan_set_options(struct payload_plan *p, const struct ks *ks,
			     const struct payload_opts *o)
{
	const struct ks_packages *pk = &ks->packages;

	p->cachedir = xstrdup(o->cachedir ? o->cachedir : PAYLOAD_DEFAULT_CACHEDIR);
	p->dbpath = xstrdup(o->dbpath ? o->dbpath : PAYLOAD_DEFAULT_DBPATH);
	p->nogpgcheck = o->nogpgcheck;
	p->max_connections = o->max_connections ? o->max_connections : 4;
	p->retries = o->retries ? o->retries : pk->has_retries ? (unsigned)pk->retries : 3;
	p->timeout = pk->has_timeout ? (long)pk->timeout : 0;
	p->excludedocs = pk->excludedocs;
	p->inst_langs = pk->inst_langs ? xstrdup(pk->inst_langs) : NULL;
	p->reqs = xnew0(struct payload_req_state, o->n_reqs ? o->n_reqs : 1);
	for (size_t i = 0; i < o->n_reqs; i++)
		p->reqs[p->n_reqs++] = (struct payload_req_state){xstrdup(o->reqs[i].capability),
								  xstrdup(o->reqs[i].reason), NULL};
}

/* Repos and their metadata in a new pool: what planning and the comps
 * listing share. */
static int plan_load(const struct ks *ks, const struct payload_opts *o, struct payload_plan **ret)
{
	_cleanup_(payload_plan_freep) struct payload_plan *p = xnew0(struct payload_plan, 1);
	struct utsname u;
	int r;

	plan_set_options(p, ks, o);
	const char *arch = o->arch ? o->arch : uname(&u) == 0 ? u.machine : "x86_64";
	const char *releasever = o->releasever ? o->releasever : PAYLOAD_DEFAULT_RELEASEVER;
	if ((r = payload_repos_from_ks(p, ks, o, arch, releasever)) < 0)
		return r;
	p->pool = pool_create();
	/* Debian's libsolv defaults to Debian's version and arch rules. */
	pool_setdisttype(p->pool, DISTTYPE_RPM);
	pool_setarch(p->pool, arch);
	if ((r = payload_load_metadata(p)) < 0)
		return r;
	*ret = TAKE_PTR(p);
	return 0;
}

int payload_plan_new(const struct ks *ks, const struct payload_opts *o, struct payload_plan **ret)
{
	_cleanup_(payload_plan_freep) struct payload_plan *p = NULL;
	int r;

	if ((r = plan_load(ks, o, &p)) < 0)
		return r;
	for (size_t i = 0; i < p->n_repos; i++)
		if ((r = payload_rpm_init(p->dbpath)) < 0 ||
		    (r = payload_repo_load_keys(p->repos[i], p->retries)) < 0)
			return r;
	if ((r = payload_solve(p, ks, o)) < 0)
		return r;
	*ret = TAKE_PTR(p);
	return 0;
}

size_t payload_plan_count(const struct payload_plan *p)
{
	return p->n_pkgs;
}

char **payload_plan_nevras(const struct payload_plan *p)
{
	char **l = NULL;

	for (size_t i = 0; i < p->n_pkgs; i++)
		strv_push(&l, p->pkgs[i].nevra);
	return l;
}

void payload_plan_print(const struct payload_plan *p, bool verbose, struct strbuf *out)
{
	strbuf_adds(out, "payload:\n");
	for (size_t i = 0; i < p->n_repos; i++) {
		const struct payload_repo *r = p->repos[i];
		strbuf_addf(out, "  repo %s: %s (cost %lld, gpgcheck %s%s)\n", r->id, r->baseurl,
			    (long long)r->cost, r->gpgcheck ? "on" : "off",
			    r->has_comps ? ", comps" : "");
		if (r->mirrors)
			strbuf_addf(out, "    mirror 1 of %zu from the %s %s\n", strv_length(r->mirrors),
				    r->metalink ? "metalink" : "mirror list",
				    r->metalink ? r->metalink : r->mirrorlist);
	}
	if (p->minimal_set)
		strbuf_adds(out, "  no comps groups: slipway's minimal set in place of @core\n");
	strbuf_addf(out, "  install %zu packages: download %s, installed %s\n", p->n_pkgs,
		    SIZE_FMT(p->download_size), SIZE_FMT(p->install_size));
	if (p->excludedocs)
		strbuf_adds(out, "  rpm: no documentation (--excludedocs)\n");
	if (p->inst_langs)
		strbuf_addf(out, "  rpm: languages %s (--inst-langs)\n",
			    *p->inst_langs ? p->inst_langs : "none");
	if (p->n_reqs > 0)
		strbuf_adds(out, "  required by the plan:\n");
	for (size_t i = 0; i < p->n_reqs; i++)
		strbuf_addf(out, "    %s (%s): %s\n", p->reqs[i].capability, p->reqs[i].reason,
			    p->reqs[i].provider ? p->reqs[i].provider : "not in the transaction");
	if (!verbose)
		return;
	strbuf_adds(out, "  packages:\n");
	for (size_t i = 0; i < p->n_pkgs; i++)
		strbuf_addf(out, "    %s (%s)\n", p->pkgs[i].nevra, p->pkgs[i].repo->id);
}

/* repo --install: the repo stays usable in the installed system. */
static void write_repo_files(const struct payload_plan *p, const char *root)
{
	for (size_t i = 0; i < p->n_repos; i++) {
		const struct payload_repo *r = p->repos[i];
		if (!r->install)
			continue;
		_cleanup_free_ char *dir = xasprintf("%s/etc/yum.repos.d", root);
		_cleanup_free_ char *path = xasprintf("%s/%s.repo", dir, r->id);
		_cleanup_fclose_ FILE *f = NULL;
		if (mkdir_p(dir, 0755) < 0 || !(f = fopen(path, "we"))) {
			log_warning_errno(errno, "repo %s: cannot write %s: %m", r->id, path);
			continue;
		}
		fprintf(f, "[%s]\nname=%s\n%s=%s\nenabled=1\ngpgcheck=%d\n", r->id, r->id,
			r->metalink ? "metalink" : r->mirrorlist ? "mirrorlist" : "baseurl",
			payload_repo_url(r), r->gpgcheck ? 1 : 0);
		if (r->gpgkeys) {
			_cleanup_free_ char *keys = strv_join(r->gpgkeys, " ");
			fprintf(f, "gpgkey=%s\n", keys);
		}
		if (r->cost != 1000)
			fprintf(f, "cost=%lld\n", (long long)r->cost);
		if (r->noverifyssl)
			fputs("sslverify=0\n", f);
	}
}

int payload_install(struct payload_plan *p, const char *root, struct teardown *td)
{
	_cleanup_(teardown_freep) struct teardown *own = NULL;
	int r;

	if (!p->downloaded)
		return log_error("payload: install called before the packages were downloaded and "
				 "verified"),
		       -EINVAL;
	/* The solve assumed an empty target: upgrades are not what an installer does. */
	_cleanup_free_ char *db = xasprintf("%s%s/rpmdb.sqlite", root, p->dbpath);
	_cleanup_free_ char *bdb = xasprintf("%s%s/Packages", root, p->dbpath);
	if (access(db, F_OK) == 0 || access(bdb, F_OK) == 0)
		return log_error(
			   "payload: %s already holds an rpm database (%s); install into an empty "
			   "directory",
			   root, p->dbpath),
		       -EEXIST;
	if (!td)
		td = own = teardown_new();
	if ((r = mount_api_filesystems(root, td, &(size_t){ 0 })) < 0)
		return r;
	r = payload_run_transaction(p, root);
	if (r == 0)
		write_repo_files(p, root);
	return r;
}

static int comps_cmp(const void *a, const void *b)
{
	const struct payload_comps_entry *x = a, *y = b;

	if (x->environment != y->environment)
		return x->environment ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->id, y->id);
}

int payload_comps_list(const struct ks *ks, const struct payload_opts *o, struct payload_comps_entry **ret,
		       size_t *ret_n)
{
	_cleanup_(payload_plan_freep) struct payload_plan *p = NULL;
	struct payload_comps_entry *l = NULL;
	size_t n = 0;
	Id id;
	int r;

	if ((r = plan_load(ks, o, &p)) < 0)
		return r;
	Pool *pool = p->pool;
	FOR_POOL_SOLVABLES(id)
	{
		Solvable *s = pool->solvables + id;
		const char *name = pool_id2str(pool, s->name);
		bool env = startswith(name, "environment:");
		if (!env && !startswith(name, "group:"))
			continue;
		/* Environments are all offered; groups only when user-visible. */
		if (!env && !solvable_lookup_void(s, SOLVABLE_ISVISIBLE))
			continue;
		l = xrealloc(l, (n + 1) * sizeof(*l));
		l[n++] = (struct payload_comps_entry){
			.id = xstrdup(strchr(name, ':') + 1),
			.name = xstrdup(strempty(solvable_lookup_str(s, SOLVABLE_SUMMARY))),
			.description = xstrdup(strempty(solvable_lookup_str(s, SOLVABLE_DESCRIPTION))),
			.environment = env,
			.order = (unsigned)solvable_lookup_num(s, SOLVABLE_ORDER, 0),
		};
	}
	if (n > 1)
		qsort(l, n, sizeof(*l), comps_cmp);
	*ret = l;
	*ret_n = n;
	return 0;
}

void payload_comps_list_free(struct payload_comps_entry *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].id);
		free(l[i].name);
		free(l[i].description);
	}
	free(l);
}
