/* Shared between the payload/ files only: the plan's repos and packages, and
 * the helpers one payload step offers the next (fetch, checksums, keys). */
#pragma once

#include "fs.h"

#include <solv/pool.h>
#include <solv/queue.h>
#include <solv/repo.h>

#include "event.h"
#include "payload.h"
#include "strv.h"

struct ks;

struct payload_repo {
	char *id;	 /* "anaconda" for `url`, else repo --name */
	char *baseurl;	 /* after $basearch/$releasever, no trailing '/'; with
			  * mirrors, the one repomd.xml came from */
	char *mirrorlist, *metalink; /* URLs (substituted) of the mirror list, or NULL */
	char **mirrors;		     /* base URLs, baseurl first, once the list was read */
	char *local_dir; /* the directory of a file:// baseurl, else NULL */
	char *where;	 /* "ks.cfg:3: repo" for messages */
	int64_t cost;	 /* lower wins among equal versions (dnf's cost) */
	char **includepkgs, **excludepkgs;
	bool install; /* write /etc/yum.repos.d/ID.repo into the target */
	bool noverifyssl;
	const char *proxy, *sslcacert, *sslclientcert, *sslclientkey; /* borrowed from ks */
	bool gpgcheck;
	char **gpgkeys;	  /* URLs of the keys trusted for this repo */
	char **key_armor; /* the keys' text, fetched during planning */
	void *keyring;	  /* rpmKeyring of those keys (signature.c) */

	Repo *solv; /* in the plan's pool */
	char *repomd_sha256;
	bool has_comps;
};

struct payload_pkg {
	Id id; /* solvable */
	struct payload_repo *repo;
	char *nevra;
	char *location; /* relative to the repo's baseurl */
	char *path;	/* local file once downloaded or found in place */
	uint64_t download_size, install_size;
	Id chksum_type;
	unsigned char *chksum; /* a copy: libsolv's lookups return pointers into
				* pages it may reuse once a repo comes from a solv cache */
};

struct payload_req_state {
	char *capability, *reason;
	char *provider; /* NEVRA that satisfies it after the solve */
};

struct payload_plan {
	Pool *pool;
	struct payload_repo **repos;
	size_t n_repos;
	char *cachedir, *dbpath;
	char *basearch, *releasever; /* substituted into mirror URLs too */
	bool nogpgcheck;
	unsigned max_connections, retries;
	long timeout; /* %packages --timeout, seconds; 0: default */

	bool excludedocs;
	char *inst_langs;
	bool minimal_set; /* no comps: slipway's minimal list was used */

	struct payload_req_state *reqs;
	size_t n_reqs;
	struct payload_pkg *pkgs; /* sorted by NEVRA */
	size_t n_pkgs;
	uint64_t download_size, install_size;
	bool downloaded;
};

/* repos.c: the repo list from the kickstart. */
int payload_repos_from_ks(struct payload_plan *p, const struct ks *ks, const struct payload_opts *o,
			  const char *arch, const char *releasever);
void payload_repo_free(struct payload_repo *r);
/* What the kickstart gave: the metalink, the mirror list or the baseurl. */
const char *payload_repo_url(const struct payload_repo *r);
/* "$basearch" and "$releasever" (also ${…}) replaced. */
char *payload_substitute(const char *s, const char *basearch, const char *releasever);
const char *payload_basearch(const char *arch);

/* fetch.c: transfers with retries, backoff and resume (libcurl multi). */
struct payload_xfer {
	const char *url;
	/* With mirrors (base URLs, url's first): a transfer that fails on one
	 * goes on with MIRROR/location on the next. */
	char *const *mirrors;
	const char *location;
	const char *dest;		 /* final path; data goes to DEST.part first */
	const char *what;		 /* for messages: "repomd.xml of chain", a NEVRA */
	const struct payload_repo *repo; /* TLS and proxy options, or NULL */
	uint64_t size;			 /* expected, 0: unknown */
	Id chksum_type;			 /* 0: no check */
	const unsigned char *chksum;
	int error; /* result: 0 or -errno */
	/* private to fetch.c */
	void *priv;
};
struct payload_fetch_opts {
	unsigned max_connections; /* 0: 4 */
	unsigned retries;	  /* after the first attempt */
	long timeout;		  /* seconds without progress before giving up; 0: 30 */
	bool progress;		  /* emit byte progress events */
	bool quiet;		  /* failures are warnings: the caller has another way */
};
/* Runs every transfer; returns 0 when all succeeded, else the first error
 * (each failure is logged with its URL and cause). */
int payload_fetch(struct payload_xfer *x, size_t n, const struct payload_fetch_opts *o);
/* Fetches a small file into memory (keys, index pages). */
int payload_fetch_mem(const char *url, const struct payload_repo *repo, unsigned retries,
		      struct strbuf *out);
/* file.c: checksum of a file compared with the expected one. 0, -EBADMSG on
 * mismatch, -errno on read errors. */
int payload_verify_checksum(const char *path, Id type, const unsigned char *want);
/* The file's digest in lower-case hex. */
int payload_file_hash_hex(const char *path, Id type, char **ret);
/* The cache directory of a repo under KIND ("repos", "packages"), keyed by
 * its mirror list, metalink or baseurl. */
char *payload_repo_cache_dir(const struct payload_plan *p, const struct payload_repo *r, const char *kind);

/* mirrors.c: dnf's mirror lists (one URL a line, # comments) and metalinks
 * (metalink 3.0, <file name="repomd.xml">). Both return the number of
 * mirrors (base URLs: a trailing /repodata/repomd.xml is cut) or -EBADMSG
 * with *ret_err saying why. */
struct payload_ml_hash {
	Id type; /* REPOKEY_TYPE_SHA256 … */
	char *hex;
};
struct payload_metalink {
	char **mirrors; /* by preference, highest first */
	struct payload_ml_hash *hashes;
	size_t n_hashes;
	uint64_t size; /* 0: not given */
};
int payload_mirrorlist_parse(const char *text, char ***ret, char **ret_err);
int payload_metalink_parse(const char *xml, size_t len, struct payload_metalink *ret, char **ret_err);
void payload_metalink_done(struct payload_metalink *ml);
/* 0 when a hash of ml matches the file, -EBADMSG (with *ret_got, the first
 * computed one, "sha256 HEX") when none does, -errno on read errors. */
int payload_metalink_check(const struct payload_metalink *ml, const char *path, char **ret_got);
/* Reads the repo's mirror list or metalink and fetches repomd.xml to dest
 * from the first mirror that gives a good one; sets r->baseurl and
 * r->mirrors. Errors name the kickstart line and every mirror tried. */
int payload_mirrors_fetch_repomd(struct payload_plan *p, struct payload_repo *r, const char *dest);

/* metadata.c: repomd.xml, primary, filelists, comps, the solv cache. */
int payload_load_metadata(struct payload_plan *p);

/* solve.c */
int payload_solve(struct payload_plan *p, const struct ks *ks, const struct payload_opts *o);

/* comps.c: groups and environments as libsolv loaded them ("group:core"). */
Id payload_comps_find(Pool *pool, const char *kind, const char *name);
/* Adds the packages of a group to jobs: mandatory always, default unless
 * nodefaults, optional with optional. Conditional packages go to cond. */
void payload_comps_group_jobs(Pool *pool, Id group, bool nodefaults, bool optional,
			      Queue *mandatory, Queue *weak, Queue *cond);
/* The groups an environment lists (its grouplist, not its optionlist). */
void payload_comps_env_groups(Pool *pool, Id env, Queue *groups);

/* minimal.c: slipway's base list for repos without comps. */
char **payload_minimal_list(void);

/* signature.c: librpm set-up, the repos' keys, each package's signature. */
int payload_rpm_init(const char *dbpath);
/* While > 0, rpm's own messages are logged at debug level only. */
void payload_rpm_quiet(int delta);
void payload_repo_free_keyring(struct payload_repo *r);
/* Calls fn with the binary packets of every armored key block in armor;
 * returns the number of keys, or fn's or the parser's negative error. */
int payload_key_foreach(const char *armor, int (*fn)(const uint8_t *pkt, size_t len, void *data),
			void *data);
int payload_check_signature(const struct payload_pkg *pkg);
int payload_repo_load_keys(struct payload_repo *r, unsigned retries);

/* transaction.c */
int payload_run_transaction(struct payload_plan *p, const char *root);
/* mounts.c */
