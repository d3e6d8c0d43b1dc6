/* The one librpm transaction rooted at the target: rpmdb created at the
 * plan's dbpath, repo keys imported, rpm's ordering, a notify callback for
 * progress and failures, scriptlet output to the packaging log. */
#include <fcntl.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmpgp.h>
#include <rpm/rpmps.h>
#include <rpm/rpmte.h>
#include <rpm/rpmts.h>
#include <time.h>

#include "payload-internal.h"
#include "fault.h"
#include "interrupt.h"

struct notify {
	struct payload_plan *p;
	FD_t fd;
	size_t done_items;
	bool interrupted; /* the elements left are being skipped */
	uint64_t done_bytes, cur_bytes, total_bytes; /* archive bytes, as rpm counts them */
	double last;
	unsigned fatal;	  /* packages not installed (failed %pre, unpack errors) */
	unsigned scripts; /* scriptlets that failed without stopping the package */
};

static const char *scriptlet_name(rpmTagVal tag)
{
	switch (tag) {
	case RPMTAG_PREIN: return "%pre";
	case RPMTAG_POSTIN: return "%post";
	case RPMTAG_PREUN: return "%preun";
	case RPMTAG_POSTUN: return "%postun";
	case RPMTAG_PRETRANS: return "%pretrans";
	case RPMTAG_POSTTRANS: return "%posttrans";
	case RPMTAG_TRIGGERPREIN: return "%triggerprein";
	case RPMTAG_TRIGGERIN: return "%triggerin";
	case RPMTAG_TRIGGERUN: return "%triggerun";
	case RPMTAG_TRIGGERPOSTUN: return "%triggerpostun";
	case RPMTAG_VERIFYSCRIPT: return "%verifyscript";
	default: return "scriptlet";
	}
}

static void on_script_error(struct notify *n, const void *h, rpm_loff_t tag, rpm_loff_t rc)
{
	_cleanup_free_ char *nevra = h ? headerGetAsString((Header)h, RPMTAG_NEVRA) : NULL;

	if (rc == RPMRC_OK) { /* rpm's "warn only": the package stays installed */
		n->scripts++;
		log_warning("%s: the %s scriptlet failed; the package is installed anyway (see "
			    "/var/log/slipway/packaging.log in the target)",
			    strna(nevra), scriptlet_name((rpmTagVal)tag));
	} else {
		/* rpm itself fails only %pre and %pretrans (the package is skipped);
		 * an injected failure may hit any scriptlet, and fails the install. */
		bool skipped = tag == RPMTAG_PREIN || tag == RPMTAG_PRETRANS;
		n->fatal++;
		log_error("%s: the %s scriptlet failed; %s (see /var/log/slipway/packaging.log in the "
			  "target)",
			  strna(nevra), scriptlet_name((rpmTagVal)tag),
			  skipped ? "the package was not installed" : "the install fails");
	}
}

static void *notify_cb(const void *h, const rpmCallbackType what, const rpm_loff_t amount,
		       const rpm_loff_t total, fnpyKey key, rpmCallbackData data)
{
	struct notify *n = data;
	const struct payload_pkg *k = key;

	switch (what) {
	case RPMCALLBACK_INST_OPEN_FILE:
		/* After a signal every element left fails to open: rpm then skips
		 * them (and their scriptlets) quickly, and the stage reports it. */
		if (interrupt_signal()) {
			if (!n->interrupted) /* rpm's "install failed" for each is noise */
				payload_rpm_quiet(+1);
			n->interrupted = true;
			return NULL;
		}
		n->fd = fault_inject("rpm") < 0 ? NULL : Fopen(k->path, "r.ufdio");
		if (!n->fd || Ferror(n->fd)) {
			log_error("%s: cannot open %s", k->nevra, k->path);
			if (n->fd)
				Fclose(n->fd);
			n->fd = NULL;
		}
		return n->fd;
	case RPMCALLBACK_INST_CLOSE_FILE:
		if (n->fd)
			Fclose(n->fd);
		n->fd = NULL;
		break;
	case RPMCALLBACK_INST_START:
		n->done_bytes += n->cur_bytes;
		n->cur_bytes = 0;
		event_progress(n->done_items++, n->p->n_pkgs, "items", "installing %s",
			       k ? k->nevra : "");
		break;
	case RPMCALLBACK_INST_PROGRESS:
		n->cur_bytes = amount;
		if (now_sec() - n->last > 0.25 || amount == total) {
			n->last = now_sec();
			event_progress(n->done_bytes + amount, n->total_bytes, "bytes",
				       "installing");
		}
		break;
	case RPMCALLBACK_SCRIPT_ERROR: on_script_error(n, h, amount, total); break;
	/* an injected failure counts as a fatal one (the scriptlet itself ran fine) */
	case RPMCALLBACK_SCRIPT_STOP: if (fault_inject("scriptlet") < 0) on_script_error(n, h, amount, RPMRC_FAIL); break;
	case RPMCALLBACK_UNPACK_ERROR:
	case RPMCALLBACK_CPIO_ERROR:
		n->fatal++;
		log_error("%s: cannot unpack the package's files", k ? k->nevra : "a package");
		break;
	default: break;
	}
	return NULL;
}

static int import_key(const uint8_t *pkt, size_t len, void *data)
{
	return rpmtsImportPubkey(data, pkt, len) == RPMRC_OK ? 0 : -EIO;
}

static int import_keys(struct payload_plan *p, rpmts ts)
{
	for (size_t i = 0; i < p->n_repos; i++) {
		const struct payload_repo *r = p->repos[i];
		STRV_FOREACH (a, r->key_armor)
			if (payload_key_foreach(*a, import_key, ts) < 0)
				return log_error(
					   "repo %s: cannot import its key into the target's rpmdb",
					   r->id),
				       -EIO;
	}
	return 0;
}

static int add_packages(struct payload_plan *p, rpmts ts, uint64_t *archive_bytes)
{
	for (size_t i = 0; i < p->n_pkgs; i++) {
		struct payload_pkg *k = &p->pkgs[i];
		FD_t fd = Fopen(k->path, "r.ufdio");
		Header h = NULL;
		if (!fd || Ferror(fd)) {
			if (fd)
				Fclose(fd);
			return log_error("%s: cannot open %s", k->nevra, k->path), -EIO;
		}
		rpmRC rc = rpmReadPackageFile(ts, fd, k->nevra, &h);
		Fclose(fd);
		if (rc != RPMRC_OK || !h) {
			headerFree(h);
			return log_error("%s: cannot read the header of %s", k->nevra, k->path),
			       -EBADMSG;
		}
		*archive_bytes += headerGetNumber(h, RPMTAG_LONGARCHIVESIZE);
		int r = rpmtsAddInstallElement(ts, h, k, 0, NULL);
		headerFree(h);
		if (r != 0)
			return log_error("%s: rpm refused to add it to the transaction", k->nevra),
			       -EIO;
	}
	return 0;
}

static int report_problems(rpmts ts, const char *what)
{
	rpmps ps = rpmtsProblems(ts);
	int n = rpmpsNumProblems(ps);

	if (n > 0) {
		log_error("payload: rpm's %s found %d problem%s:", what, n, n == 1 ? "" : "s");
		rpmpsi psi = rpmpsInitIterator(ps);
		rpmProblem prob;
		while ((prob = rpmpsiNext(psi))) {
			_cleanup_free_ char *s = rpmProblemString(prob);
			log_error("  - %s", s);
		}
		rpmpsFreeIterator(psi);
	}
	rpmpsFree(ps);
	return n;
}

static FD_t open_packaging_log(const char *root)
{
	_cleanup_free_ char *dir = xasprintf("%s/var/log/slipway", root);
	_cleanup_free_ char *path = xasprintf("%s/packaging.log", dir);

	if (mkdir_p(dir, 0755) < 0)
		return NULL;
	FD_t fd = Fopen(path, "a.ufdio");
	if (fd && Ferror(fd)) {
		Fclose(fd);
		return NULL;
	}
	return fd;
}

/* Verification already happened (payload_download): the transaction does not
 * read every payload a second time. */
static rpmts ts_create(struct payload_plan *p, const char *root)
{
	rpmts ts = rpmtsCreate();
	/* No rpm plugins: a first install needs none, and the static binary
	 * cannot dlopen them (tools/static/README.md). */
	rpmtransFlags flags = RPMTRANS_FLAG_NOPLUGINS;

	rpmtsSetRootDir(ts, root);
	rpmtsSetVSFlags(ts, RPMVSF_MASK_NODIGESTS | RPMVSF_MASK_NOSIGNATURES);
	rpmtsSetVfyFlags(ts, RPMVSF_MASK_NODIGESTS | RPMVSF_MASK_NOSIGNATURES);
	rpmtsSetVfyLevel(ts, 0);
	if (p->excludedocs)
		flags |= RPMTRANS_FLAG_NODOCS;
	rpmtsSetFlags(ts, flags);
	return ts;
}

int payload_run_transaction(struct payload_plan *p, const char *root)
{
	struct notify n = {.p = p};
	int r;

	if ((r = payload_rpm_init(p->dbpath)) < 0)
		return r;
	if (p->inst_langs)
		rpmPushMacro(NULL, "_install_langs", NULL, *p->inst_langs ? p->inst_langs : "C",
			     RMIL_CMDLINE);
	rpmts ts = ts_create(p, root);
	FD_t logfd = open_packaging_log(root);
	if (logfd)
		rpmtsSetScriptFd(ts, logfd);
	else
		log_warning("cannot open %s/var/log/slipway/packaging.log; scriptlet output goes "
			    "to the log",
			    root);

	if (rpmtsInitDB(ts, 0644) != 0) {
		r = (log_error("payload: cannot create the rpmdb in %s%s", root, p->dbpath), -EIO);
		goto out;
	}
	if ((r = import_keys(p, ts)) < 0 || (r = add_packages(p, ts, &n.total_bytes)) < 0)
		goto out;
	if (rpmtsCheck(ts) != 0 || report_problems(ts, "dependency check") > 0) {
		r = -EPROTO;
		goto out;
	}
	rpmtsOrder(ts);
	rpmtsSetNotifyCallback(ts, notify_cb, &n);
	log_info("installing %zu packages into %s", p->n_pkgs, root);
	int rc = rpmtsRun(ts, NULL, 0);
	if (n.interrupted)
		payload_rpm_quiet(-1);
	if (interrupt_signal())
		r = (log_error("payload: interrupted by signal %d after %zu of %zu packages; the rest were "
			       "not installed",
			       interrupt_signal(), n.done_items, p->n_pkgs),
		     -EINTR);
	else if (report_problems(ts, "transaction test") > 0)
		r = (log_error("payload: the rpm transaction failed; nothing was installed"), -EIO);
	else if (rc < 0)
		r = (log_error("payload: the rpm transaction failed after %zu of %zu packages",
			       n.done_items, p->n_pkgs),
		     -EIO);
	else if (rc > 0 || n.fatal > 0)
		r = (log_error("payload: %u package(s) failed to install",
			       n.fatal ? n.fatal : (unsigned)rc),
		     -EIO);
	else if (n.scripts > 0)
		log_warning("payload: %u scriptlet(s) failed (the packages are installed)",
			    n.scripts);
	if (r == 0)
		event_progress(p->n_pkgs, p->n_pkgs, "items", "installed");
out:
	rpmtsSetNotifyCallback(ts, NULL, NULL);
	rpmtsFree(ts);
	if (logfd)
		Fclose(logfd);
	if (p->inst_langs)
		rpmPopMacro(NULL, "_install_langs");
	return r;
}
