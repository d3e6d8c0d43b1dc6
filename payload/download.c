/* Every package of the plan on local disk and verified before the target is
 * touched: remote ones downloaded in parallel into the cache, file:// ones
 * used in place; each checked against primary.xml's checksum, then its
 * digests and signature. */
#include <solv/chksum.h>

#include "payload-internal.h"
#include "fault.h"

static int check_local(struct payload_pkg *k)
{
	int r;

	k->path = xasprintf("%s/%s", k->repo->local_dir, k->location);
	if ((r = fault_inject("download")) < 0)
		return log_error_errno(r, "%s (repo %s): cannot read %s: %m", k->nevra, k->repo->id, k->path);
	if (!k->chksum_type)
		return log_error("%s (repo %s): the metadata has no checksum for it", k->nevra,
				 k->repo->id),
		       -EBADMSG;
	r = payload_verify_checksum(k->path, k->chksum_type, k->chksum);
	if (r == -EBADMSG)
		return log_error(
			   "%s (repo %s): %s does not match the %s checksum in the repo metadata; "
			   "refusing it",
			   k->nevra, k->repo->id, k->path, solv_chksum_type2str(k->chksum_type)),
		       r;
	if (r < 0)
		return log_error_errno(r, "%s (repo %s): %s: %m", k->nevra, k->repo->id, k->path);
	return 0;
}

/* Remote packages: one multi transfer for all, into the repo's cache dir. */
static int download_remote(struct payload_plan *p)
{
	struct payload_xfer *x = xnew0(struct payload_xfer, p->n_pkgs ? p->n_pkgs : 1);
	char **urls = xnew0(char *, p->n_pkgs + 1);
	size_t n = 0;
	int r = 0;

	for (size_t i = 0; i < p->n_pkgs; i++) {
		struct payload_pkg *k = &p->pkgs[i];
		if (k->repo->local_dir)
			continue;
		_cleanup_free_ char *dir = payload_repo_cache_dir(p, k->repo, "packages");
		if ((r = mkdir_p(dir, 0755)) < 0) {
			log_error_errno(r, "cannot create %s: %m", dir);
			goto out;
		}
		const char *base = strrchr(k->location, '/');
		free(k->path);
		k->path = xasprintf("%s/%s", dir, base ? base + 1 : k->location);
		urls[n] = xasprintf("%s/%s", k->repo->baseurl, k->location);
		x[n] = (struct payload_xfer){.url = urls[n],
					     .dest = k->path,
					     .what = k->nevra,
					     .repo = k->repo,
					     .mirrors = k->repo->mirrors,
					     .location = k->location,
					     .size = k->download_size,
					     .chksum_type = k->chksum_type,
					     .chksum = k->chksum};
		n++;
	}
	if (n > 0) {
		struct payload_fetch_opts fo = {.max_connections = p->max_connections,
						.retries = p->retries,
						.timeout = p->timeout,
						.progress = true};
		log_info("downloading %zu packages", n);
		r = payload_fetch(x, n, &fo);
		size_t failed = 0;
		for (size_t i = 0; i < n; i++)
			failed += x[i].error < 0;
		if (r < 0)
			log_error("payload: %zu of %zu downloads failed; nothing was installed",
				  failed, n);
	}
out:
	for (size_t i = 0; i < n; i++)
		free(urls[i]);
	free(urls);
	free(x);
	return r;
}

int payload_download(struct payload_plan *p)
{
	size_t failed = 0;
	int r, first = 0;

	if ((r = payload_rpm_init(p->dbpath)) < 0)
		return r;
	if ((r = download_remote(p)) < 0)
		return r;
	for (size_t i = 0; i < p->n_pkgs; i++) {
		struct payload_pkg *k = &p->pkgs[i];
		event_progress(i, p->n_pkgs, "items", "verifying %s", k->nevra);
		r = k->repo->local_dir ? check_local(k) : 0;
		if (r == 0)
			r = payload_check_signature(k);
		if (r < 0) {
			failed++;
			if (!first)
				first = r;
		}
	}
	event_progress(p->n_pkgs, p->n_pkgs, "items", "verified");
	if (failed)
		return log_error(
			   "payload: %zu package(s) failed verification; nothing was installed",
			   failed),
		       first;
	p->downloaded = true;
	return 0;
}
