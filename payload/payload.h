/* The payload stage's API (DESIGN.md §5 "payload"): repos from the kickstart,
 * metadata, the solved transaction (pure w.r.t. the target), downloads with
 * checksum and signature checks, and one librpm transaction into the target. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "macros.h"
#include "strbuf.h"

struct ks;
struct teardown;
struct payload_plan;

/* A capability another stage needs in the target, whatever %packages says. */
struct payload_requirement {
	char *capability; /* "xfsprogs", "/usr/sbin/mkfs.xfs", "kernel" */
	char *reason;	  /* "the / filesystem is xfs" */
};

struct payload_opts {
	const char *cachedir; /* metadata, solv and package cache; NULL: PAYLOAD_DEFAULT_CACHEDIR */
	const char *arch;     /* NULL: the machine's (uname) */
	const char *releasever; /* $releasever; NULL: PAYLOAD_DEFAULT_RELEASEVER */
	const char *dbpath;	/* the target's rpmdb; NULL: /var/lib/rpm */
	bool nogpgcheck;	/* disables signature checks for every repo */
	/* Key URLs trusted for every repo; NULL: each repo's RPM-GPG-KEY-* files. */
	char *const *gpgkeys;
	/* cdrom/harddrive: the directory the installer mounted the source's repo
	 * at (installer/source.c); NULL otherwise. */
	const char *source_dir;
	unsigned max_connections; /* parallel downloads; 0: 4 */
	unsigned retries;	  /* per file after the first try; 0: %packages --retries or 3 */
	/* What other stages need (payload_require()); owned, freed by payload_opts_done(). */
	struct payload_requirement *reqs;
	size_t n_reqs;
};

#define PAYLOAD_DEFAULT_CACHEDIR   "/var/cache/slipway/payload"
#define PAYLOAD_DEFAULT_RELEASEVER "4.0"
#define PAYLOAD_DEFAULT_DBPATH	   "/var/lib/rpm"

/* Adds a capability the target must have, with the reason shown by --dry-run:
 * payload_require(&o, "xfsprogs", "the / filesystem is xfs"). */
void payload_require(struct payload_opts *o, const char *capability, const char *reason);
void payload_opts_done(struct payload_opts *o);

/* Repos, metadata and the solved transaction. Reads repos and the cache dir,
 * never the target. Errors are logged (every missing name, every solver
 * problem) and returned as -errno (-ENOENT missing, -EPROTO unsolvable). */
int payload_plan_new(const struct ks *ks, const struct payload_opts *o, struct payload_plan **ret);
void payload_plan_free(struct payload_plan *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct payload_plan *, payload_plan_free)

/* The comps environments and user-visible groups of the kickstart's repos
 * (for the TUI's software selection): environments first, then by display
 * order and id. Reads the repos' metadata like planning does. */
struct payload_comps_entry {
	char *id, *name, *description;
	bool environment;
	unsigned order;
};
int payload_comps_list(const struct ks *ks, const struct payload_opts *o, struct payload_comps_entry **ret,
		       size_t *ret_n);
void payload_comps_list_free(struct payload_comps_entry *l, size_t n);

/* Count, download size, installed size, requirements with their reasons;
 * every package with verbose. */
void payload_plan_print(const struct payload_plan *p, bool verbose, struct strbuf *out);
size_t payload_plan_count(const struct payload_plan *p);
/* NEVRAs of the transaction, sorted ("bash-5.2.37-2.x86_64"). */
char **payload_plan_nevras(const struct payload_plan *p);

/* Downloads every package (file:// repos are used in place), checks each
 * against the metadata checksum and its signature. Nothing is written
 * outside the cache dir. */
int payload_download(struct payload_plan *p);

/* One rpm transaction rooted at root: the target's rpmdb at o->dbpath,
 * repo keys imported, /dev /proc /sys /run bound in (undone through td, or
 * right away when td is NULL), scriptlet output in
 * ROOT/var/log/slipway/packaging.log. Needs payload_download() first. */
int payload_install(struct payload_plan *p, const char *root, struct teardown *td);

/* Reads rpm's rpmrc and macros once per process: the host's (dynamic build)
 * or the ones built into the static binary (tools/static/README.md). */
int payload_rpm_read_config(void);
