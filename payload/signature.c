/* Signatures: librpm's one-time set-up (macros that must not come from the
 * host, rpm's log into ours), each repo's keys (RPM-GPG-KEY-* next to its
 * repodata/), and the check of every package before anything is installed. */
#include <glob.h>
#include <rpm/rpmkeyring.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmpgp.h>
#include <rpm/rpmts.h>

#include "payload-internal.h"

static int rpm_quiet; /* rpm's log bridge: > 0 demotes rpm's messages */

static int rpmlog_bridge(rpmlogRec rec, rpmlogCallbackData data)
{
	const char *msg = rpmlogRecMessage(rec);
	int n = (int)strcspn(msg, "\n");
	rpmlogLvl pri = rpmlogRecPriority(rec);
	enum log_level lvl = pri <= RPMLOG_ERR	     ? LVL_ERROR
			     : pri == RPMLOG_WARNING ? LVL_WARNING
						     : LVL_DEBUG;

	if (rpm_quiet > 0)
		lvl = LVL_DEBUG;
	log_full(lvl, 0, "rpm: %.*s", n, msg);
	return 0; /* handled: rpm prints nothing itself */
}

void payload_rpm_quiet(int delta)
{
	rpm_quiet += delta;
}

/* The host's macros must not decide where the target's rpmdb lives (Debian's
 * rpm says ~/.rpmdb): _dbpath and the backend are set at the highest level. */
int payload_rpm_init(const char *dbpath)
{
	static bool done;

	if (done)
		return 0;
	int r = payload_rpm_read_config();
	if (r < 0)
		return r;
	rpmPushMacro(NULL, "_dbpath", NULL, dbpath, RMIL_CMDLINE);
	rpmPushMacro(NULL, "_db_backend", NULL, "sqlite", RMIL_CMDLINE);
	rpmlogSetCallback(rpmlog_bridge, NULL);
	rpmlogSetMask(RPMLOG_UPTO(RPMLOG_INFO));
	done = true;
	return 0;
}

int payload_key_foreach(const char *armor, int (*fn)(const uint8_t *pkt, size_t len, void *data),
			void *data)
{
	static const char begin[] = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
	const char *s = armor;
	int n = 0, r;

	while ((s = strstr(s, begin))) {
		const char *next = strstr(s + 1, begin);
		_cleanup_free_ char *block = next ? xstrndup(s, (size_t)(next - s)) : xstrdup(s);
		uint8_t *pkt = NULL;
		size_t len = 0;
		if (pgpParsePkts(block, &pkt, &len) != PGPARMOR_PUBKEY) {
			free(pkt);
			return -EBADMSG;
		}
		r = fn(pkt, len, data);
		free(pkt);
		if (r < 0)
			return r;
		n++;
		s = next ? next : s + 1;
		if (!next)
			break;
	}
	return n;
}

static int keyring_add(const uint8_t *pkt, size_t len, void *data)
{
	rpmPubkey key = rpmPubkeyNew(pkt, len);
	int n = 0;

	if (!key)
		return -EBADMSG;
	rpmKeyringAddKey(data, key);
	rpmPubkey *subs = rpmGetSubkeys(key, &n);
	for (int i = 0; i < n; i++) {
		rpmKeyringAddKey(data, subs[i]);
		rpmPubkeyFree(subs[i]);
	}
	free(subs);
	rpmPubkeyFree(key);
	return 0;
}

/* RPM-GPG-KEY-* next to repodata/: a directory listing for file:// repos, the
 * server's index page (python http.server, nginx autoindex) for http(s). */
static void discover_keys(struct payload_repo *r, unsigned retries)
{
	if (r->local_dir) {
		_cleanup_free_ char *pat = xasprintf("%s/RPM-GPG-KEY-*", r->local_dir);
		glob_t g = {};
		if (glob(pat, 0, NULL, &g) == 0)
			for (size_t i = 0; i < g.gl_pathc; i++)
				strv_pushf(&r->gpgkeys, "file://%s", g.gl_pathv[i]);
		globfree(&g);
		return;
	}
	struct strbuf index = STRBUF_INIT;
	_cleanup_free_ char *url = xasprintf("%s/", r->baseurl);
	if (payload_fetch_mem(url, r, retries, &index) == 0)
		for (const char *s = index.buf; (s = strstr(s, "href=\"")); s++) {
			s += 6;
			size_t n = strcspn(s, "\"");
			const char *name = memmem(s, n, "RPM-GPG-KEY-", 12);
			if (name && !memchr(name, '/', n - (size_t)(name - s)) &&
			    !memchr(s, '?', n)) {
				_cleanup_free_ char *file = xstrndup(name, n - (size_t)(name - s));
				if (!strv_contains(r->gpgkeys, file))
					strv_pushf(&r->gpgkeys, "%s/%s", r->baseurl, file);
			}
		}
	strbuf_release(&index);
}

int payload_repo_load_keys(struct payload_repo *r, unsigned retries)
{
	int rr;

	if (!r->gpgcheck)
		return 0;
	if (strv_length(r->gpgkeys) == 0)
		discover_keys(r, retries);
	if (strv_length(r->gpgkeys) == 0)
		return log_error("repo %s (%s): signatures cannot be checked: no RPM-GPG-KEY-* "
				 "file next to "
				 "repodata/ in %s",
				 r->id, r->where, r->baseurl),
		       -ENOKEY;
	rpmKeyring kr = rpmKeyringNew();
	r->keyring = kr;
	STRV_FOREACH (u, r->gpgkeys) {
		struct strbuf armor = STRBUF_INIT;
		if ((rr = payload_fetch_mem(*u, r, retries, &armor)) < 0) {
			strbuf_release(&armor);
			return log_error_errno(rr, "repo %s: cannot get the key %s: %m", r->id, *u);
		}
		rr = payload_key_foreach(strbuf_str(&armor), keyring_add, kr);
		if (rr <= 0) {
			strbuf_release(&armor);
			return log_error("repo %s: %s is not an OpenPGP public key", r->id, *u),
			       -EBADMSG;
		}
		log_info("repo %s: trusting the key %s", r->id, *u);
		strv_consume(&r->key_armor, strbuf_detach(&armor));
	}
	return 0;
}

void payload_repo_free_keyring(struct payload_repo *r)
{
	if (r->keyring)
		rpmKeyringFree(r->keyring);
	r->keyring = NULL;
}

static bool has_signature(Header h)
{
	return headerIsEntry(h, RPMTAG_RSAHEADER) || headerIsEntry(h, RPMTAG_DSAHEADER) ||
	       headerIsEntry(h, RPMTAG_SIGPGP) || headerIsEntry(h, RPMTAG_SIGGPG);
}

/* rpmReadPackageFile verifies the header and payload digests and, with the
 * repo's keyring, the signature; a package without one is refused too. */
int payload_check_signature(const struct payload_pkg *pkg)
{
	const struct payload_repo *r = pkg->repo;
	rpmts ts = rpmtsCreate();
	Header h = NULL;
	int rr = 0;

	rpmKeyring kr = r->gpgcheck ? rpmKeyringLink(r->keyring) : rpmKeyringNew();
	rpmtsSetKeyring(ts, kr);
	rpmKeyringFree(kr);
	rpmtsSetVSFlags(ts, r->gpgcheck ? 0 : RPMVSF_MASK_NOSIGNATURES);
	FD_t fd = Fopen(pkg->path, "r.ufdio");
	if (!fd || Ferror(fd)) {
		rr = log_error("%s: cannot open %s: %s", pkg->nevra, pkg->path,
			       fd ? Fstrerror(fd) : "");
		if (fd)
			Fclose(fd);
		rpmtsFree(ts);
		return rr < 0 ? rr : -EIO;
	}
	payload_rpm_quiet(+1);
	rpmRC rc = rpmReadPackageFile(ts, fd, pkg->nevra, &h);
	payload_rpm_quiet(-1);
	Fclose(fd);
	switch (rc) {
	case RPMRC_OK:
		if (r->gpgcheck && !has_signature(h))
			rr = (log_error("%s (repo %s): the package is not signed; refusing it "
					"(gpgcheck is on)",
					pkg->nevra, r->id),
			      -EPERM);
		break;
	case RPMRC_NOKEY:
	case RPMRC_NOTTRUSTED:
		rr = (log_error(
			  "%s (repo %s): signed with a key that is not trusted (%s); refusing it",
			  pkg->nevra, r->id, rc == RPMRC_NOKEY ? "no such key" : "key not trusted"),
		      -EPERM);
		break;
	default:
		rr = (log_error(
			  "%s (repo %s): %s does not verify (bad digest or signature); refusing it",
			  pkg->nevra, r->id, pkg->path),
		      -EBADMSG);
		break;
	}
	headerFree(h);
	rpmtsFree(ts);
	return rr;
}
