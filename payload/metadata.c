/* Repo metadata into the plan's libsolv pool: repomd.xml, then primary,
 * filelists and comps, each checked against repomd's checksum; a solv cache
 * keyed by the repomd checksum lets a second run skip the XML entirely. */
#include <solv/chksum.h>
#include <solv/repo.h>
#include <solv/repo_comps.h>
#include <solv/repo_repomdxml.h>
#include <solv/repo_rpmmd.h>
#include <solv/repo_solv.h>
#include <solv/repo_write.h>
#include <solv/solv_xfopen.h>
#include <sys/stat.h>

#include "payload-internal.h"

/* Bumped when what goes into a solv file changes (e.g. filelists on demand). */
#define SOLV_CACHE_VERSION "1"

struct md_file {
	const char *type; /* "primary", "filelists", "group" */
	char *location;	  /* relative to the baseurl */
	Id chksum_type;
	unsigned char chksum[64];
	char *path; /* local file: in place or in the cache */
};

static void md_files_free(struct md_file *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].location);
		free(f[i].path);
	}
}

/* Looks one data type up in a parsed repomd (libsolv's examples do the same). */
static bool repomd_lookup(Repo *repomd, const char *type, struct md_file *out)
{
	Pool *pool = repomd->pool;
	Dataiterator di;
	bool found = false;

	dataiterator_init(&di, pool, repomd, SOLVID_META, REPOSITORY_REPOMD_TYPE, type,
			  SEARCH_STRING);
	dataiterator_prepend_keyname(&di, REPOSITORY_REPOMD);
	if (dataiterator_step(&di)) {
		dataiterator_setpos_parent(&di);
		const char *loc = pool_lookup_str(pool, SOLVID_POS, REPOSITORY_REPOMD_LOCATION);
		Id t = 0;
		const unsigned char *sum =
		    pool_lookup_bin_checksum(pool, SOLVID_POS, REPOSITORY_REPOMD_CHECKSUM, &t);
		if (loc && sum && t) {
			out->type = type;
			out->location = xstrdup(loc);
			out->chksum_type = t;
			memcpy(out->chksum, sum, (size_t)solv_chksum_len(t));
			found = true;
		}
	}
	dataiterator_free(&di);
	return found;
}

/* Which files to load: primary and filelists always (file dependencies that
 * only filelists.xml resolves are common), comps when the repo has them. */
static int repomd_parse(struct payload_repo *r, const char *repomd_path, struct md_file *files,
			size_t *n)
{
	Pool *tmp = pool_create();
	Repo *repomd = repo_create(tmp, "repomd");
	FILE *f = fopen(repomd_path, "re");
	int rr = 0;

	*n = 0;
	if (!f)
		rr = log_error_errno(errno, "repo %s: cannot open %s: %m", r->id, repomd_path);
	else if (repo_add_repomdxml(repomd, f, 0) != 0)
		rr = (log_error("repo %s: %s: %s", r->id, repomd_path, pool_errstr(tmp)), -EBADMSG);
	if (f)
		fclose(f);
	if (rr == 0) {
		repo_internalize(repomd);
		if (!repomd_lookup(repomd, "primary", &files[(*n)++]))
			rr =
			    (log_error("repo %s: %s lists no primary metadata", r->id, repomd_path),
			     -EBADMSG);
		else if (!repomd_lookup(repomd, "filelists", &files[*n]))
			log_warning(
			    "repo %s: no filelists metadata; file dependencies outside /etc and "
			    "*bin/ cannot be resolved",
			    r->id);
		else
			(*n)++;
		if (rr == 0 && (repomd_lookup(repomd, "group_gz", &files[*n]) ||
				repomd_lookup(repomd, "group", &files[*n]))) {
			files[(*n)++].type = "group";
			r->has_comps = true;
		}
	}
	pool_free(tmp);
	return rr;
}

static int fetch_repomd(struct payload_plan *p, struct payload_repo *r, char **ret)
{
	if (r->local_dir) {
		*ret = xasprintf("%s/repodata/repomd.xml", r->local_dir);
		if (access(*ret, R_OK) < 0)
			return log_error_errno(errno, "repo %s (%s): %s: %m", r->id, r->where,
					       *ret);
		return 0;
	}
	_cleanup_free_ char *dir = payload_repo_cache_dir(p, r, "repos");
	_cleanup_free_ char *url = r->baseurl ? xasprintf("%s/repodata/repomd.xml", r->baseurl) : NULL;
	_cleanup_free_ char *what = xasprintf("repomd.xml of %s", r->id);
	char *dest = xasprintf("%s/repomd.xml", dir);
	int rr;

	if ((rr = mkdir_p(dir, 0755)) < 0) {
		free(dest);
		return log_error_errno(rr, "cannot create %s: %m", dir);
	}
	if (r->mirrorlist || r->metalink) {
		if ((rr = payload_mirrors_fetch_repomd(p, r, dest)) < 0) {
			free(dest);
			return rr;
		}
		*ret = dest;
		return 0;
	}
	struct payload_xfer x = {.url = url, .dest = dest, .what = what, .repo = r};
	struct payload_fetch_opts fo = {.retries = p->retries, .timeout = p->timeout};
	if ((rr = payload_fetch(&x, 1, &fo)) < 0) {
		free(dest);
		return log_error_errno(rr, "repo %s (%s): cannot get its metadata", r->id,
				       r->where);
	}
	*ret = dest;
	return 0;
}

/* Local files are checked in place; remote ones land in the repo's cache dir. */
static int fetch_md_files(struct payload_plan *p, struct payload_repo *r, struct md_file *files,
			  size_t n)
{
	struct payload_xfer x[4] = {};
	_cleanup_free_ char *dir = r->local_dir ? NULL : payload_repo_cache_dir(p, r, "repos");
	char *urls[4] = {}, *whats[4] = {};
	size_t nx = 0;
	int rr = 0;

	for (size_t i = 0; i < n; i++) {
		const char *base = strrchr(files[i].location, '/');
		if (r->local_dir) {
			files[i].path = xasprintf("%s/%s", r->local_dir, files[i].location);
			rr = payload_verify_checksum(files[i].path, files[i].chksum_type,
						     files[i].chksum);
			if (rr == -EBADMSG)
				return log_error(
					   "repo %s: %s does not match the checksum in repomd.xml",
					   r->id, files[i].path),
				       rr;
			if (rr < 0)
				return log_error_errno(rr, "repo %s: %s: %m", r->id, files[i].path);
			continue;
		}
		files[i].path = xasprintf("%s/%s", dir, base ? base + 1 : files[i].location);
		urls[nx] = xasprintf("%s/%s", r->baseurl, files[i].location);
		whats[nx] = xasprintf("%s metadata of %s", files[i].type, r->id);
		x[nx] = (struct payload_xfer){.url = urls[nx],
					      .dest = files[i].path,
					      .what = whats[nx],
					      .repo = r,
					      .mirrors = r->mirrors,
					      .location = files[i].location,
					      .chksum_type = files[i].chksum_type,
					      .chksum = files[i].chksum};
		nx++;
	}
	if (nx > 0) {
		struct payload_fetch_opts fo = {.retries = p->retries, .timeout = p->timeout};
		rr = payload_fetch(x, nx, &fo);
	}
	for (size_t i = 0; i < nx; i++)
		free(urls[i]), free(whats[i]);
	return rr;
}

static int parse_md_files(struct payload_repo *r, struct md_file *files, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		FILE *f = solv_xfopen(files[i].path, "r");
		int rr;
		if (!f)
			return log_error_errno(errno, "repo %s: cannot open %s: %m", r->id,
					       files[i].path);
		if (streq(files[i].type, "group"))
			rr = repo_add_comps(r->solv, f, 0);
		else
			rr = repo_add_rpmmd(
			    r->solv, f, NULL,
			    streq(files[i].type, "filelists") ? REPO_EXTEND_SOLVABLES : 0);
		fclose(f);
		if (rr != 0)
			return log_error("repo %s: %s: %s", r->id, files[i].path,
					 pool_errstr(r->solv->pool)),
			       -EBADMSG;
	}
	repo_internalize(r->solv);
	return 0;
}

static char *solv_cache_path(const struct payload_plan *p, const struct payload_repo *r)
{
	return xasprintf("%s/solv/%s-v" SOLV_CACHE_VERSION ".solv", p->cachedir, r->repomd_sha256);
}

static bool load_solv_cache(const struct payload_plan *p, struct payload_repo *r)
{
	_cleanup_free_ char *path = solv_cache_path(p, r);
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	int rr = repo_add_solv(r->solv, f, 0);
	fclose(f);
	if (rr != 0) {
		log_warning("repo %s: ignoring the unreadable cache %s: %s", r->id, path,
			    pool_errstr(r->solv->pool));
		repo_empty(r->solv, 1);
		return false;
	}
	log_info("using cached metadata for %s", r->id);
	return true;
}

/* Written to a temporary name and renamed, so a crash never leaves half a cache. */
static void write_solv_cache(const struct payload_plan *p, struct payload_repo *r)
{
	_cleanup_free_ char *path = solv_cache_path(p, r);
	_cleanup_free_ char *dir = xasprintf("%s/solv", p->cachedir);
	_cleanup_free_ char *tmp = xasprintf("%s.%d.tmp", path, (int)getpid());
	FILE *f;

	if (mkdir_p(dir, 0755) < 0 || !(f = fopen(tmp, "we"))) {
		log_warning_errno(errno, "repo %s: cannot write the metadata cache in %s: %m",
				  r->id, dir);
		return;
	}
	bool ok = repo_write(r->solv, f) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) < 0) {
		log_warning("repo %s: cannot write the metadata cache %s", r->id, path);
		unlink(tmp);
	}
}

static int load_repo(struct payload_plan *p, struct payload_repo *r)
{
	_cleanup_free_ char *repomd = NULL;
	struct md_file files[4] = {};
	size_t n = 0;
	int rr;

	r->solv = repo_create(p->pool, r->id);
	r->solv->appdata = r;
	r->solv->subpriority = (int)-r->cost; /* dnf: a lower cost wins */
	if ((rr = fetch_repomd(p, r, &repomd)) < 0)
		return rr;
	if ((rr = payload_file_hash_hex(repomd, REPOKEY_TYPE_SHA256, &r->repomd_sha256)) < 0)
		return log_error_errno(rr, "repo %s: %s: %m", r->id, repomd);
	if ((rr = repomd_parse(r, repomd, files, &n)) < 0)
		goto out;
	if (load_solv_cache(p, r))
		goto out;
	log_info("loading metadata of %s from %s", r->id, r->baseurl);
	if ((rr = fetch_md_files(p, r, files, n)) < 0 || (rr = parse_md_files(r, files, n)) < 0)
		goto out;
	write_solv_cache(p, r);
out:
	if (rr == 0)
		log_debug("repo %s: %d solvables", r->id, r->solv->nsolvables);
	md_files_free(files, n);
	return rr;
}

int payload_load_metadata(struct payload_plan *p)
{
	int r;

	for (size_t i = 0; i < p->n_repos; i++)
		if ((r = load_repo(p, p->repos[i])) < 0)
			return r;
	pool_addfileprovides(p->pool);
	pool_createwhatprovides(p->pool);
	return 0;
}
