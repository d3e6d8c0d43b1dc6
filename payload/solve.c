/* %packages to a solved transaction with libsolv: excludes and repo filters
 * as the pool's considered map, @core/groups/environments from comps (or
 * slipway's minimal set without comps), names, globs, the other stages'
 * requirements; solver problems as libsolv explains them. */
#include <fnmatch.h>
#include <solv/bitmap.h>
#include <solv/chksum.h>
#include <solv/evr.h>
#include <solv/selection.h>
#include <solv/solver.h>
#include <solv/transaction.h>

#include "kickstart/ks.h"
#include "payload-internal.h"

struct jobs {
	Queue q;	/* libsolv job queue */
	Queue cond;	/* comps conditional packages: (name, condition) pairs */
	char **missing; /* "ks.cfg:12: foo" */
	char **missing_groups;
};

static bool is_comps_kind(Pool *pool, Solvable *s)
{
	const char *n = pool_id2str(pool, s->name);
	return startswith(n, "group:") || startswith(n, "environment:") ||
	       startswith(n, "category:");
}

static bool matches_any(char *const *globs, const char *name)
{
	STRV_FOREACH (g, globs)
		if (fnmatch(*g, name, 0) == 0)
			return true;
	return false;
}

/* What the solver may pick: no comps pseudo-packages, no `-name` excludes,
 * and each repo's --includepkgs/--excludepkgs (dnf's semantics: excluded
 * packages do not exist, also as dependencies). */
static void set_considered(struct payload_plan *p, const struct ks *ks)
{
	Pool *pool = p->pool;
	_cleanup_strv_free_ char **excl = NULL;
	Id id;

	for (size_t i = 0; i < ks->packages.pkgs.n; i++)
		if (ks->packages.pkgs.v[i]->kind == KS_PKG_EXCLUDE)
			strv_push(&excl, ks->packages.pkgs.v[i]->name);
	pool->considered = solv_calloc(1, sizeof(Map));
	map_init(pool->considered, pool->nsolvables);
	FOR_POOL_SOLVABLES(id)
	{
		Solvable *s = pool->solvables + id;
		struct payload_repo *r = s->repo ? s->repo->appdata : NULL;
		const char *name = pool_id2str(pool, s->name);
		if (is_comps_kind(pool, s) || matches_any(excl, name))
			continue;
		if (r && r->includepkgs && !matches_any(r->includepkgs, name))
			continue;
		if (r && matches_any(r->excludepkgs, name))
			continue;
		MAPSET(pool->considered, id);
	}
}

static bool any_considered(Pool *pool, Queue *sel)
{
	Queue q;
	bool found = false;

	queue_init(&q);
	selection_solvables(pool, sel, &q);
	for (int i = 0; i < q.count && !found; i++)
		found = MAPTST(pool->considered, q.elements[i]);
	queue_free(&q);
	return found;
}

/* dnf's obsoletes=True: asking for a package another one obsoletes gives a
 * choice of both, and libsolv's policy prefers the obsoleting one. */
static bool add_obsoleters(Pool *pool, Queue *sel, Queue *job, Id how)
{
	Queue cand, extra;
	Id id;

	queue_init(&cand);
	queue_init(&extra);
	selection_solvables(pool, sel, &cand);
	FOR_POOL_SOLVABLES(id)
	{
		Solvable *s = pool->solvables + id;
		if (!s->obsoletes || !MAPTST(pool->considered, id))
			continue;
		for (Id *obs = s->repo->idarraydata + s->obsoletes; *obs; obs++)
			for (int i = 0; i < cand.count; i++) {
				Solvable *c = pool->solvables + cand.elements[i];
				if (c->name != s->name && pool_match_nevr(pool, c, *obs))
					queue_pushunique(&extra, id);
			}
	}
	bool found = extra.count > 0;
	if (found) {
		for (int i = 0; i < cand.count; i++)
			if (MAPTST(pool->considered, cand.elements[i]))
				queue_pushunique(&extra, cand.elements[i]);
		queue_push2(job, how | SOLVER_SOLVABLE_ONE_OF,
			    pool_queuetowhatprovides(pool, &extra));
	}
	queue_free(&cand);
	queue_free(&extra);
	return found;
}

/* A glob installs every matching name; a name installs that package, else
 * what a NEVRA, "name.arch", capability or file path selects (as dnf). */
static bool add_spec(Pool *pool, Queue *job, const char *spec, Id how)
{
	bool glob = strpbrk(spec, "*?[") != NULL;
	Queue sel;
	Id id;

	if (glob) {
		Id last = 0;
		bool any = false;
		Queue names;
		queue_init(&names);
		FOR_POOL_SOLVABLES(id)
		{
			Solvable *s = pool->solvables + id;
			if (MAPTST(pool->considered, id) && s->name != last &&
			    fnmatch(spec, pool_id2str(pool, s->name), 0) == 0) {
				queue_pushunique(&names, s->name);
				last = s->name;
			}
		}
		for (int i = 0; i < names.count; i++, any = true)
			queue_push2(job, how | SOLVER_SOLVABLE_NAME, names.elements[i]);
		queue_free(&names);
		return any;
	}
	queue_init(&sel);
	selection_make(pool, &sel, spec, SELECTION_NAME | SELECTION_DOTARCH | SELECTION_REL);
	if (!any_considered(pool, &sel))
		selection_make(pool, &sel, spec,
			       SELECTION_CANON | SELECTION_DOTARCH | SELECTION_REL |
				   SELECTION_PROVIDES | SELECTION_FILELIST);
	bool ok = sel.count > 0 && any_considered(pool, &sel);
	if (ok && add_obsoleters(pool, &sel, job, how)) {
		queue_free(&sel);
		return true;
	}
	for (int i = 0; ok && i < sel.count; i += 2)
		queue_push2(job, sel.elements[i] | how, sel.elements[i + 1]);
	queue_free(&sel);
	return ok;
}

/* "name", "name >= 1.2", "/usr/sbin/mkfs.xfs" into a dependency id. */
static Id parse_capability(Pool *pool, const char *cap)
{
	static const struct {
		const char *op;
		int flags;
	} ops[] = {{">=", REL_GT | REL_EQ},
		   {"<=", REL_LT | REL_EQ},
		   {"=", REL_EQ},
		   {">", REL_GT},
		   {"<", REL_LT}};
	_cleanup_strv_free_ char **w = strv_split(cap, " ");

	if (strv_length(w) == 3)
		for (size_t i = 0; i < ELEMENTSOF(ops); i++)
			if (streq(w[1], ops[i].op))
				return pool_rel2id(pool, pool_str2id(pool, w[0], 1),
						   pool_str2id(pool, w[2], 1), ops[i].flags, 1);
	return pool_str2id(pool, cap, 1);
}

static bool has_provider(Pool *pool, Id dep)
{
	Id p, pp;

	FOR_PROVIDES(p, pp, dep)
	if (MAPTST(pool->considered, p))
		return true;
	return false;
}

static void add_group(Pool *pool, struct jobs *j, Id group, enum ks_group_include inc)
{
	Queue mand, weak;

	queue_init(&mand);
	queue_init(&weak);
	payload_comps_group_jobs(pool, group, inc == KS_GROUP_NODEFAULTS, inc == KS_GROUP_OPTIONAL,
				 &mand, &weak, &j->cond);
	for (int pass = 0; pass < 2; pass++) {
		Queue *q = pass ? &weak : &mand;
		for (int i = 0; i < q->count; i++) {
			Id name = q->elements[i];
			if (!has_provider(pool, name)) {
				/* dnf skips group members no repo has (or excluded) */
				log_debug("group %s: no package %s",
					  pool_id2str(pool, pool->solvables[group].name),
					  pool_dep2str(pool, name));
				continue;
			}
			queue_push2(
			    &j->q, SOLVER_INSTALL | SOLVER_SOLVABLE_NAME | (pass ? SOLVER_WEAK : 0),
			    name);
		}
	}
	queue_free(&mand);
	queue_free(&weak);
}

#define where(loc) where_buf((loc), (char[512]){0})
static const char *where_buf(const struct ks_loc *loc, char buf[static 512])
{
	if (!loc || !loc->file)
		return "%packages";
	snprintf(buf, 512, "%s:%u: %%packages", loc->file, loc->line);
	return buf;
}

static bool group_excluded(const struct ks *ks, const char *name, enum ks_pkg_kind kind)
{
	for (size_t i = 0; i < ks->packages.pkgs.n; i++) {
		const struct ks_pkg *k = ks->packages.pkgs.v[i];
		if (k->kind == kind && streq(k->name, name))
			return true;
	}
	return false;
}

static void add_env(Pool *pool, const struct ks *ks, struct jobs *j, Id env)
{
	Queue groups;

	queue_init(&groups);
	payload_comps_env_groups(pool, env, &groups);
	for (int i = 0; i < groups.count; i++) {
		const char *g =
		    pool_id2str(pool, pool->solvables[groups.elements[i]].name) + strlen("group:");
		if (group_excluded(ks, g, KS_PKG_EXCLUDE_GROUP))
			continue;
		add_group(pool, j, groups.elements[i], KS_GROUP_DEFAULT);
	}
	queue_free(&groups);
}

static bool any_comps(const struct payload_plan *p)
{
	for (size_t i = 0; i < p->n_repos; i++)
		if (p->repos[i]->has_comps)
			return true;
	return false;
}

/* Without comps (Azure Linux 4.0's repos), @core means slipway's minimal set. */
static void add_minimal_set(struct payload_plan *p, struct jobs *j)
{
	_cleanup_strv_free_ char **list = payload_minimal_list();

	log_warning("no repo has comps groups: installing slipway's minimal set (%zu capabilities) "
		    "in place of @core",
		    strv_length(list));
	p->minimal_set = true;
	STRV_FOREACH (c, list) {
		Id dep = parse_capability(p->pool, *c);
		if (!has_provider(p->pool, dep)) {
			log_warning("minimal set: no package provides %s; skipping it", *c);
			continue;
		}
		queue_push2(&j->q, SOLVER_INSTALL | SOLVER_SOLVABLE_PROVIDES, dep);
	}
}

static void add_core(struct payload_plan *p, const struct ks *ks, struct jobs *j,
		     const struct ks_pkg *explicit_core)
{
	if (!any_comps(p)) {
		add_minimal_set(p, j);
		return;
	}
	Id g = payload_comps_find(p->pool, "group", "core");
	if (g)
		add_group(p->pool, j, g, explicit_core ? explicit_core->include : KS_GROUP_DEFAULT);
	else if (explicit_core)
		strv_pushf(&j->missing_groups, "%s: no such group: core",
			   where(&explicit_core->loc));
	else
		log_warning("the repos have comps but no group \"core\"; installing only what "
			    "%%packages lists");
}

static void add_entry(struct payload_plan *p, const struct ks *ks, struct jobs *j,
		      const struct ks_pkg *k)
{
	Pool *pool = p->pool;
	Id id;

	switch (k->kind) {
	case KS_PKG_NAME:
	case KS_PKG_GLOB:
		if (!add_spec(pool, &j->q, k->name, SOLVER_INSTALL))
			strv_pushf(&j->missing, "%s: no package matches %s", where(&k->loc),
				   k->name);
		break;
	case KS_PKG_GROUP:
		if (streq(k->name, "core"))
			break; /* handled by add_core */
		if ((id = payload_comps_find(pool, "group", k->name)))
			add_group(pool, j, id, k->include);
		else
			strv_pushf(&j->missing_groups, "%s: no such group: %s", where(&k->loc),
				   k->name);
		break;
	case KS_PKG_ENV:
		if ((id = payload_comps_find(pool, "environment", k->name)))
			add_env(pool, ks, j, id);
		else
			strv_pushf(&j->missing_groups, "%s: no such environment: %s",
				   where(&k->loc), k->name);
		break;
	default: break; /* exclusions are in the considered map or in add_env */
	}
}

/* The considered packages that provide CAP. A path that no package requires
 * is not among libsolv's file provides: the file lists are searched for it,
 * as libsolv's solv tool does for a path on its command line. */
static void find_providers(Pool *pool, const char *cap, Queue *q)
{
	Id dep = parse_capability(pool, cap), p, pp;
	Dataiterator di;

	FOR_PROVIDES(p, pp, dep)
	if (MAPTST(pool->considered, p))
		queue_pushunique(q, p);
	if (q->count > 0 || cap[0] != '/')
		return;
	dataiterator_init(&di, pool, 0, 0, SOLVABLE_FILELIST, cap,
			  SEARCH_STRING | SEARCH_FILES | SEARCH_COMPLETE_FILELIST);
	while (dataiterator_step(&di)) {
		if (MAPTST(pool->considered, di.solvid))
			queue_pushunique(q, di.solvid);
		dataiterator_skip_solvable(&di);
	}
	dataiterator_free(&di);
}

static void add_requirements(struct payload_plan *p, struct jobs *j)
{
	Queue q;

	queue_init(&q);
	for (size_t i = 0; i < p->n_reqs; i++) {
		queue_empty(&q);
		find_providers(p->pool, p->reqs[i].capability, &q);
		if (q.count == 0)
			strv_pushf(&j->missing,
				   "requirement: no package provides %s (needed because %s)",
				   p->reqs[i].capability, p->reqs[i].reason);
		else
			queue_push2(&j->q, SOLVER_INSTALL | SOLVER_SOLVABLE_ONE_OF,
				    pool_queuetowhatprovides(p->pool, &q));
	}
	queue_free(&q);
}

static int build_jobs(struct payload_plan *p, const struct ks *ks, struct jobs *j)
{
	const struct ks_packages *pk = &ks->packages;
	const struct ks_pkg *core = NULL;

	for (size_t i = 0; i < pk->pkgs.n; i++)
		if (pk->pkgs.v[i]->kind == KS_PKG_GROUP && streq(pk->pkgs.v[i]->name, "core"))
			core = pk->pkgs.v[i];
	if (!pk->seen || !pk->nocore || core) {
		if (!group_excluded(ks, "core", KS_PKG_EXCLUDE_GROUP))
			add_core(p, ks, j, core);
	}
	for (size_t i = 0; i < pk->pkgs.n; i++)
		add_entry(p, ks, j, pk->pkgs.v[i]);
	add_requirements(p, j);

	bool fatal = false;
	STRV_FOREACH (m, j->missing_groups) {
		if (pk->ignoremissing)
			log_warning("%s (--ignoremissing)", *m);
		else
			log_error("%s", *m), fatal = true;
	}
	STRV_FOREACH (m, j->missing) {
		if (pk->ignoremissing && !startswith(*m, "requirement:"))
			log_warning("%s (--ignoremissing)", *m);
		else
			log_error("%s", *m), fatal = true;
	}
	if (fatal)
		return log_error("payload: %zu requested name(s) not found in the repos%s",
				 strv_length(j->missing) + strv_length(j->missing_groups),
				 pk->ignoremissing
				     ? ""
				     : " (%packages --ignoremissing makes these warnings)"),
		       -ENOENT;
	return 0;
}

static void print_problems(Solver *solv, int nprob)
{
	Pool *pool = solv->pool;
	Queue rules;

	log_error("payload: the requested packages cannot be installed together (%d problem%s):",
		  nprob, nprob == 1 ? "" : "s");
	queue_init(&rules);
	for (Id pr = 1; pr <= nprob; pr++) {
		log_error("problem %d: %s", pr, solver_problem2str(solv, pr));
		solver_findallproblemrules(solv, pr, &rules);
		_cleanup_strv_free_ char **seen = NULL;
		for (int i = 0; i < rules.count; i++) {
			Id source, target, dep;
			SolverRuleinfo type =
			    solver_ruleinfo(solv, rules.elements[i], &source, &target, &dep);
			const char *s = solver_problemruleinfo2str(solv, type, source, target, dep);
			if (strv_contains(seen, s))
				continue;
			strv_push(&seen, s);
			log_error("  - %s", s);
		}
	}
	queue_free(&rules);
	(void)pool;
}

/* Comps conditional packages: installed when their condition is. */
static bool add_conditionals(Pool *pool, Solver *solv, struct jobs *j)
{
	bool added = false;

	for (int i = 0; i < j->cond.count; i += 2) {
		Id name = j->cond.elements[i], cond = j->cond.elements[i + 1], p, pp;
		bool fires = false;
		FOR_PROVIDES(p, pp, cond)
		fires |= solver_get_decisionlevel(solv, p) > 0;
		if (fires && has_provider(pool, name)) {
			queue_push2(&j->q, SOLVER_INSTALL | SOLVER_SOLVABLE_NAME | SOLVER_WEAK,
				    name);
			added = true;
		}
	}
	queue_empty(&j->cond);
	return added;
}

static int run_solver(struct payload_plan *p, const struct ks *ks, struct jobs *j, Queue *result)
{
	Solver *solv = solver_create(p->pool);
	int nprob;

	solver_set_flag(solv, SOLVER_FLAG_IGNORE_RECOMMENDED, ks->packages.exclude_weakdeps);
	solver_set_flag(solv, SOLVER_FLAG_ALLOW_VENDORCHANGE, 1);
	solver_set_flag(solv, SOLVER_FLAG_BEST_OBEY_POLICY, 1);
	for (;;) {
		nprob = solver_solve(solv, &j->q);
		if (nprob || !add_conditionals(p->pool, solv, j))
			break;
	}
	if (nprob) {
		print_problems(solv, nprob);
		solver_free(solv);
		return -EPROTO;
	}
	Transaction *t = solver_create_transaction(solv);
	for (int i = 0; i < t->steps.count; i++) {
		Id id = t->steps.elements[i];
		if (transaction_type(t, id, SOLVER_TRANSACTION_SHOW_ACTIVE) ==
		    SOLVER_TRANSACTION_INSTALL)
			queue_push(result, id);
	}
	transaction_free(t);
	solver_free(solv);
	return 0;
}

static int cmp_pkg(const void *a, const void *b)
{
	return strcmp(((const struct payload_pkg *)a)->nevra,
		      ((const struct payload_pkg *)b)->nevra);
}

static void fill_packages(struct payload_plan *p, Queue *result)
{
	Pool *pool = p->pool;

	p->pkgs = xnew0(struct payload_pkg, result->count ? result->count : 1);
	for (int i = 0; i < result->count; i++) {
		Solvable *s = pool->solvables + result->elements[i];
		struct payload_pkg *k = &p->pkgs[p->n_pkgs++];
		k->id = result->elements[i];
		k->repo = s->repo->appdata;
		k->nevra = xstrdup(pool_solvable2str(pool, s));
		k->location = xstrdup(solvable_lookup_location(s, NULL));
		const unsigned char *sum = solvable_lookup_bin_checksum(s, SOLVABLE_CHECKSUM, &k->chksum_type);
		k->chksum = sum ? xmemdup(sum, (size_t)solv_chksum_len(k->chksum_type)) : NULL;
		k->download_size = solvable_lookup_num(s, SOLVABLE_DOWNLOADSIZE, 0);
		k->install_size = solvable_lookup_num(s, SOLVABLE_INSTALLSIZE, 0);
		p->download_size += k->download_size;
		p->install_size += k->install_size;
	}
	qsort(p->pkgs, p->n_pkgs, sizeof(*p->pkgs), cmp_pkg);
	Queue q;
	queue_init(&q);
	for (size_t i = 0; i < p->n_reqs; i++) {
		queue_empty(&q);
		find_providers(pool, p->reqs[i].capability, &q);
		for (int n = 0; n < q.count; n++)
			for (size_t k = 0; k < p->n_pkgs && !p->reqs[i].provider; k++)
				if (p->pkgs[k].id == q.elements[n])
					p->reqs[i].provider = xstrdup(p->pkgs[k].nevra);
	}
	queue_free(&q);
}

int payload_solve(struct payload_plan *p, const struct ks *ks, const struct payload_opts *o)
{
	struct jobs j = {};
	Queue result;
	int r;

	set_considered(p, ks);
	queue_init(&j.q);
	queue_init(&j.cond);
	queue_init(&result);
	r = build_jobs(p, ks, &j);
	if (r == 0 && j.q.count == 0)
		r = (log_error("payload: nothing to install: %%packages selects no package"),
		     -ENOENT);
	if (r == 0)
		r = run_solver(p, ks, &j, &result);
	if (r == 0)
		fill_packages(p, &result);
	queue_free(&j.q);
	queue_free(&j.cond);
	queue_free(&result);
	strv_free(j.missing);
	strv_free(j.missing_groups);
	return r;
}
