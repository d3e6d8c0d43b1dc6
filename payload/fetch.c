/* Transfers with libcurl: a bounded number of parallel connections (multi),
 * retries with exponential backoff, resume of partial files (DEST.part), and
 * the checksum check before a file takes its final name. */
#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "payload-internal.h"
#include "fault.h"

struct xfer_state {
	CURL *easy;
	FILE *f;
	char *part;
	unsigned attempts; /* failed attempts so far */
	double not_before; /* monotonic seconds */
	uint64_t offset;   /* resume offset of the running attempt */
	uint64_t got;	   /* bytes received by the running attempt */
	size_t mirror;	   /* index in x->mirrors */
	char *url;	   /* MIRROR/location after a fallback, else NULL */
	bool active, done;
	char errbuf[CURL_ERROR_SIZE];
};

static void curl_init_once(void)
{
	static bool done;

	if (!done) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		done = true;
	}
}

/* TLS, proxy, timeouts and protocols shared by every transfer. */
static void easy_setup(CURL *e, const char *url, const struct payload_repo *repo, long timeout)
{
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "slipway/" SLIPWAY_VERSION);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "file,http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, timeout);
	/* A stalled server fails the attempt instead of hanging the install. */
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, timeout);
	if (!repo)
		return;
	if (repo->noverifyssl) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (repo->sslcacert)
		curl_easy_setopt(e, CURLOPT_CAINFO, repo->sslcacert);
	if (repo->sslclientcert)
		curl_easy_setopt(e, CURLOPT_SSLCERT, repo->sslclientcert);
	if (repo->sslclientkey)
		curl_easy_setopt(e, CURLOPT_SSLKEY, repo->sslclientkey);
	if (repo->proxy)
		curl_easy_setopt(e, CURLOPT_PROXY, repo->proxy);
}

static size_t xfer_write(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct payload_xfer *x = userdata;
	struct xfer_state *s = x->priv;
	size_t n = size * nmemb;

	if (s->offset > 0 && s->got == 0) {
		long code = 0;
		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
		if (code == 200) { /* the server ignored the range: start over */
			if (ftruncate(fileno(s->f), 0) < 0 || fseek(s->f, 0, SEEK_SET) < 0)
				return 0;
			s->offset = 0;
		}
	}
	if (fwrite(data, 1, n, s->f) != n)
		return 0;
	s->got += n;
	return n;
}

static const char *xfer_url(const struct payload_xfer *x)
{
	const struct xfer_state *s = x->priv;
	return s->url ? s->url : x->url;
}

static bool xfer_has_next_mirror(const struct payload_xfer *x)
{
	const struct xfer_state *s = x->priv;
	return x->mirrors && x->location && x->mirrors[s->mirror] && x->mirrors[s->mirror + 1];
}

/* The transfer goes on from scratch with the next mirror. */
static void xfer_next_mirror(struct payload_xfer *x)
{
	struct xfer_state *s = x->priv;

	s->mirror++;
	free(s->url);
	s->url = xasprintf("%s/%s", x->mirrors[s->mirror], x->location);
	log_warning("%s: trying the next mirror, %s", x->what, x->mirrors[s->mirror]);
	unlink(s->part); /* another server: no resume across them */
	s->attempts = 0;
	s->not_before = 0;
}

static int xfer_start(CURLM *multi, struct payload_xfer *x, long timeout)
{
	struct xfer_state *s = x->priv;
	struct stat st;

	s->f = fopen(s->part, "ae");
	if (!s->f)
		return log_error_errno(errno, "%s: cannot write %s: %m", x->what, s->part);
	s->offset = fstat(fileno(s->f), &st) == 0 ? (uint64_t)st.st_size : 0;
	if (x->size && s->offset > x->size) {
		(void)!ftruncate(fileno(s->f), 0);
		s->offset = 0;
	}
	s->got = 0;
	s->errbuf[0] = 0;
	s->easy = curl_easy_init();
	if (!s->easy)
		return log_error("%s: cannot create a curl handle", x->what), -ENOMEM;
	easy_setup(s->easy, xfer_url(x), x->repo, timeout);
	curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, xfer_write);
	curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(s->easy, CURLOPT_PRIVATE, x);
	curl_easy_setopt(s->easy, CURLOPT_ERRORBUFFER, s->errbuf);
	if (s->offset > 0) {
		log_debug("%s: resuming at byte %llu", x->what, (unsigned long long)s->offset);
		curl_easy_setopt(s->easy, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)s->offset);
	}
	curl_multi_add_handle(multi, s->easy);
	s->active = true;
	return 0;
}

/* OUT_NEXT: this server cannot give the file; the next mirror may. */
enum outcome { OUT_DONE, OUT_RETRY, OUT_RESTART, OUT_NEXT, OUT_FATAL };

/* Answers another attempt cannot change: the file is not there (or not
 * for us), or the server's certificate is not one to trust. */
static bool not_there(long code, CURLcode cc)
{
	return code == 404 || code == 403 || code == 401 || code == 410 || cc == CURLE_FILE_COULDNT_READ_FILE;
}

static bool untrusted(CURLcode cc)
{
	return cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE ||
	       cc == CURLE_SSL_PINNEDPUBKEYNOTMATCH || cc == CURLE_SSL_CERTPROBLEM;
}

/* Decides what a finished attempt means; logs why it failed (as a warning
 * when another mirror or the caller can still get the file). */
static enum outcome xfer_outcome(struct payload_xfer *x, CURLcode cc, unsigned retries, bool quiet)
{
	struct xfer_state *s = x->priv;
	const char *url = xfer_url(x);
	bool more = xfer_has_next_mirror(x);
	enum log_level lvl = more || quiet ? LVL_WARNING : LVL_ERROR;
	long code = 0;
	int r;

	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
	if (cc == CURLE_OK && fault_inject("download") < 0)
		cc = CURLE_RECV_ERROR; /* as if the connection broke at the end */
	if (cc == CURLE_OK) {
		if (x->chksum_type &&
		    (r = payload_verify_checksum(s->part, x->chksum_type, x->chksum)) < 0) {
			unlink(s->part);
			if (r != -EBADMSG) {
				x->error =
				    log_error_errno(r, "%s: cannot read %s: %m", x->what, s->part);
				return OUT_FATAL;
			}
			log_warning("%s: %s: checksum mismatch%s", x->what, url,
				    s->attempts < retries ? ", downloading again" : "");
			x->error = -EBADMSG;
			return s->attempts < retries ? OUT_RETRY : OUT_NEXT;
		}
		if (rename(s->part, x->dest) < 0) {
			x->error =
			    log_error_errno(errno, "%s: cannot rename %s: %m", x->what, s->part);
			return OUT_FATAL;
		}
		x->error = 0;
		return OUT_DONE;
	}
	if (s->offset > 0 && (code == 416 || cc == CURLE_RANGE_ERROR)) {
		unlink(s->part); /* the partial file is useless: start from zero */
		return OUT_RESTART;
	}
	const char *why = s->errbuf[0] ? s->errbuf : curl_easy_strerror(cc);
	if (not_there(code, cc) || untrusted(cc)) {
		log_full(lvl, 0, "%s: %s: %s", x->what, url, why);
		x->error = not_there(code, cc) ? -ENOENT : -EIO;
		return OUT_NEXT;
	}
	x->error = -EIO;
	if (s->attempts < retries) {
		log_warning("%s: %s: %s (attempt %u of %u, retrying)", x->what, url, why,
			    s->attempts + 1, retries + 1);
		return OUT_RETRY;
	}
	log_full(lvl, 0, "%s: %s: %s (gave up after %u attempts)", x->what, url, why, retries + 1);
	return OUT_NEXT;
}

static void xfer_finish_attempt(CURLM *multi, struct payload_xfer *x)
{
	struct xfer_state *s = x->priv;

	curl_multi_remove_handle(multi, s->easy);
	curl_easy_cleanup(s->easy);
	s->easy = NULL;
	if (s->f)
		fclose(s->f);
	s->f = NULL;
	s->active = false;
}

/* Handles one finished transfer; returns the number of bytes it completed. */
static uint64_t xfer_completed(CURLM *multi, struct payload_xfer *x, CURLcode cc,
			       const struct payload_fetch_opts *fo)
{
	struct xfer_state *s = x->priv;
	unsigned retries = fo->retries;
	enum outcome o;

	if (s->f)
		fflush(s->f);
	o = xfer_outcome(x, cc, retries, fo->quiet);
	xfer_finish_attempt(multi, x);
	switch (o) {
	case OUT_DONE: s->done = true; return x->size;
	case OUT_RESTART: s->not_before = 0; return 0;
	case OUT_NEXT:
		if (xfer_has_next_mirror(x))
			xfer_next_mirror(x);
		else
			s->done = true;
		return 0;
	case OUT_RETRY:
		if (s->attempts++ < retries) {
			/* 0.5 s, 1 s, 2 s … capped at 8 s */
			double backoff =
			    0.5 * (double)(1u << (s->attempts - 1 < 4 ? s->attempts - 1 : 4));
			s->not_before = now_sec() + (backoff > 8 ? 8 : backoff);
			return 0;
		}
		s->done = true;
		return 0;
	case OUT_FATAL:
	default: s->done = true; return 0;
	}
}

/* A file already in place with the right checksum needs no transfer. */
static bool xfer_already_there(struct payload_xfer *x)
{
	return x->chksum_type && access(x->dest, F_OK) == 0 &&
	       payload_verify_checksum(x->dest, x->chksum_type, x->chksum) == 0;
}

static void report_progress(struct payload_xfer *x, size_t n, uint64_t done_bytes, uint64_t total,
			    double *last, bool force)
{
	double now = now_sec();
	uint64_t inflight = 0;

	if (!force && now - *last < 0.25)
		return;
	*last = now;
	for (size_t i = 0; i < n; i++) {
		struct xfer_state *s = x[i].priv;
		if (s->active)
			inflight += s->got;
	}
	event_progress(done_bytes + inflight, total, "bytes", "downloading");
}

static int fetch_loop(CURLM *multi, struct payload_xfer *x, size_t n,
		      const struct payload_fetch_opts *o, uint64_t done_bytes, uint64_t total)
{
	unsigned maxc = o->max_connections ? o->max_connections : 4;
	long timeout = o->timeout > 0 ? o->timeout : 30;
	double last = 0;
	int r;

	for (;;) {
		unsigned active = 0;
		bool pending = false;
		double now = now_sec(), wait_until = now + 1;
		for (size_t i = 0; i < n; i++) {
			struct xfer_state *s = x[i].priv;
			active += s->active;
			pending |= !s->done;
		}
		if (!pending)
			break;
		for (size_t i = 0; i < n && active < maxc; i++) {
			struct xfer_state *s = x[i].priv;
			if (s->done || s->active)
				continue;
			if (s->not_before > now) {
				wait_until =
				    s->not_before < wait_until ? s->not_before : wait_until;
				continue;
			}
			if ((r = xfer_start(multi, &x[i], timeout)) < 0)
				return r;
			active++;
		}
		int running = 0, msgs;
		curl_multi_perform(multi, &running);
		CURLMsg *m;
		while ((m = curl_multi_info_read(multi, &msgs)))
			if (m->msg == CURLMSG_DONE) {
				struct payload_xfer *xx = NULL;
				curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&xx);
				done_bytes += xfer_completed(multi, xx, m->data.result, o);
			}
		if (o->progress)
			report_progress(x, n, done_bytes, total, &last, false);
		int ms = (int)((wait_until - now_sec()) * 1000);
		curl_multi_poll(multi, NULL, 0, ms < 10 ? 10 : ms > 1000 ? 1000 : ms, NULL);
	}
	if (o->progress)
		report_progress(x, n, done_bytes, total, &last, true);
	return 0;
}

int payload_fetch(struct payload_xfer *x, size_t n, const struct payload_fetch_opts *o)
{
	struct xfer_state *states = xnew0(struct xfer_state, n ? n : 1);
	uint64_t total = 0, done_bytes = 0;
	int r = 0;

	curl_init_once();
	CURLM *multi = curl_multi_init();
	for (size_t i = 0; i < n; i++) {
		x[i].priv = &states[i];
		x[i].error = 0;
		states[i].part = xasprintf("%s.part", x[i].dest);
		total += x[i].size;
		if (xfer_already_there(&x[i])) {
			states[i].done = true;
			done_bytes += x[i].size;
			log_debug("%s: %s is in the cache", x[i].what, x[i].dest);
		}
	}
	r = fetch_loop(multi, x, n, o, done_bytes, total);
	for (size_t i = 0; i < n; i++) {
		if (states[i].active)
			xfer_finish_attempt(multi, &x[i]);
		if (r == 0 && x[i].error < 0)
			r = x[i].error;
		free(states[i].part);
		free(states[i].url);
		x[i].priv = NULL;
	}
	curl_multi_cleanup(multi);
	free(states);
	return r;
}

static size_t mem_write(char *data, size_t size, size_t nmemb, void *userdata)
{
	strbuf_add(userdata, data, size * nmemb);
	return size * nmemb;
}

int payload_fetch_mem(const char *url, const struct payload_repo *repo, unsigned retries,
		      struct strbuf *out)
{
	char errbuf[CURL_ERROR_SIZE];
	CURLcode cc = CURLE_OK;
	long code = 0;

	curl_init_once();
	for (unsigned attempt = 0; attempt <= retries; attempt++) {
		CURL *e = curl_easy_init();
		if (!e)
			return -ENOMEM;
		strbuf_reset(out);
		errbuf[0] = 0;
		easy_setup(e, url, repo, 30);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, mem_write);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, out);
		curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
		cc = curl_easy_perform(e);
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
		curl_easy_cleanup(e);
		if (cc == CURLE_OK)
			return 0;
		if (not_there(code, cc))
			return log_debug("%s: %s", url,
					 errbuf[0] ? errbuf : curl_easy_strerror(cc)),
			       -ENOENT;
		if (untrusted(cc))
			return log_error("%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(cc)), -EIO;
		if (attempt < retries) {
			log_warning("%s: %s (retrying)", url,
				    errbuf[0] ? errbuf : curl_easy_strerror(cc));
			usleep((useconds_t)(500000u << (attempt < 4 ? attempt : 4)));
		}
	}
	return log_error("%s: %s (gave up after %u attempts)", url,
			 errbuf[0] ? errbuf : curl_easy_strerror(cc), retries + 1),
	       -EIO;
}
