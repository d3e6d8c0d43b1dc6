/* Groups and environments as libsolv's comps parser stores them: solvables
 * "group:ID" / "environment:ID" whose requires are the mandatory packages (or
 * an environment's grouplist), recommends the default ones (conditional
 * packages as REL_COND), suggests the optional ones (or the optionlist). */
#include <solv/repo.h>

#include "payload-internal.h"

/* By id first ("core"), then by display name ("Core"), as dnf matches. */
Id payload_comps_find(Pool *pool, const char *kind, const char *name)
{
	_cleanup_free_ char *full = xasprintf("%s:%s", kind, name);
	Id want = pool_str2id(pool, full, 0);
	Id p, best = 0;
	Solvable *s;

	FOR_POOL_SOLVABLES(p)
	{
		s = pool->solvables + p;
		if (want && s->name == want)
			return p;
	}
	size_t klen = strlen(kind);
	FOR_POOL_SOLVABLES(p)
	{
		s = pool->solvables + p;
		const char *n = pool_id2str(pool, s->name);
		if (!strneq(n, kind, klen) || n[klen] != ':')
			continue;
		const char *summary = solvable_lookup_str(s, SOLVABLE_SUMMARY);
		if (summary && strcasecmp(summary, name) == 0 && !best)
			best = p;
	}
	return best;
}

static void add_names(Pool *pool, Solvable *s, Id keyname, Queue *to, Queue *cond)
{
	Queue q;

	queue_init(&q);
	solvable_lookup_idarray(s, keyname, &q);
	for (int i = 0; i < q.count; i++) {
		Id id = q.elements[i];
		if (ISRELDEP(id)) {
			Reldep *rd = GETRELDEP(pool, id);
			if (rd->flags == REL_COND && cond) {
				queue_push2(cond, rd->name, rd->evr); /* package, condition */
				continue;
			}
		}
		queue_push(to, id);
	}
	queue_free(&q);
}

void payload_comps_group_jobs(Pool *pool, Id group, bool nodefaults, bool optional,
			      Queue *mandatory, Queue *weak, Queue *cond)
{
	Solvable *s = pool->solvables + group;

	add_names(pool, s, SOLVABLE_REQUIRES, mandatory, NULL);
	if (!nodefaults)
		add_names(pool, s, SOLVABLE_RECOMMENDS, weak, cond);
	if (optional)
		add_names(pool, s, SOLVABLE_SUGGESTS, weak, NULL);
}

void payload_comps_env_groups(Pool *pool, Id env, Queue *groups)
{
	Solvable *s = pool->solvables + env;
	Queue q;

	queue_init(&q);
	solvable_lookup_idarray(s, SOLVABLE_REQUIRES, &q);
	for (int i = 0; i < q.count; i++) {
		const char *n = pool_id2str(pool, q.elements[i]);
		if (startswith(n, "group:")) {
			Id g = payload_comps_find(pool, "group", n + 6);
			if (g)
				queue_push(groups, g);
			else
				log_warning("environment %s lists the group %s, which no repo has",
					    pool_id2str(pool, s->name) + strlen("environment:"),
					    n + 6);
		}
	}
	queue_free(&q);
}
