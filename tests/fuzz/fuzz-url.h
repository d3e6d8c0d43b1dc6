/* What the url fuzz target checks on one input, shared with the replay of
 * saved inputs in tests/unit/test_fuzz_regressions.c: the first byte picks
 * the parser (inst.repo=, mirror list, metalink, inst.ks=, ip=, the whole
 * kernel command line), the rest is its input. A
 * violated invariant prints the case and aborts. */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "installer/bootargs.h"
#include "installer/inst-repo.h"
#include "installer/plan.h"
#include "kickstart/ks.h"
#include "macros.h"
#include "payload/payload-internal.h"
#include "strv.h"

_noreturn_ static inline void url_fuzz_violation(const char *what, const char *input, const char *detail)
{
	fprintf(stderr, "fuzz invariant violated: %s\n--- input ---\n\"%s\"\n--- detail ---\n%s\n", what, input,
		strna(detail));
	abort();
}

static inline bool url_fuzz_has_ctrl(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return true;
	return false;
}

/* A parsed inst.repo= is well-formed, becomes a kickstart source that
 * validates, and that source survives ks_write and a new parse. */
static inline void url_fuzz_inst_repo(const char *text)
{
	struct inst_repo r = {};
	_cleanup_free_ char *err = NULL;
	int k = inst_repo_parse(text, &r, &err);

	if (k != 0 && k != -EINVAL && k != -EOPNOTSUPP)
		url_fuzz_violation("inst_repo_parse returned an unexpected code", text, err);
	if (k < 0) {
		if (!err || !*err || url_fuzz_has_ctrl(err))
			url_fuzz_violation("a refused inst.repo has no clean message", text, err);
		if (r.url || r.device || r.path)
			url_fuzz_violation("a refused inst.repo left fields set", text, NULL);
		return;
	}
	if ((r.kind == INST_REPO_URL) != !!r.url || (r.kind == INST_REPO_HD && (!r.device || !r.path)) ||
	    (r.path && r.path[0] != '/'))
		url_fuzz_violation("inconsistent inst.repo fields", text, r.url);
	_cleanup_(ks_freep) struct ks *ks = ks_new();
	if (inst_repo_apply(&r, ks) != 1)
		url_fuzz_violation("inst.repo not applied to an empty kickstart", text, NULL);
	struct ks_diags d = {};
	struct strbuf out = STRBUF_INIT, dump1 = STRBUF_INIT, dump2 = STRBUF_INIT;
	if (ks_validate(ks, &(struct ks_load_opts){}, &d) < 0) {
		ks_diags_format(&d, &out);
		url_fuzz_violation("the source from inst.repo does not validate", text, out.buf);
	}
	ks_diags_free(&d);
	ks_write(ks, 0, &out);
	_cleanup_(ks_freep) struct ks *back = NULL;
	if (ks_load_string("ks.cfg", strbuf_str(&out), NULL, &back, &d) < 0) {
		ks_diags_format(&d, &dump1);
		url_fuzz_violation("the written source does not parse", strbuf_str(&out), dump1.buf);
	}
	ks_diags_free(&d);
	ks_dump(ks, &dump1);
	ks_dump(back, &dump2);
	if (!streq(strbuf_str(&dump1), strbuf_str(&dump2)))
		url_fuzz_violation("the source changes through ks_write", text, strbuf_str(&out));
	strbuf_release(&out);
	strbuf_release(&dump1);
	strbuf_release(&dump2);
	inst_repo_done(&r);
}

static inline void url_fuzz_refused(const char *what, const char *text, int k, const char *err)
{
	if (k != -EINVAL && k != -EOPNOTSUPP)
		url_fuzz_violation(what, text, err);
	if (!err || !*err || url_fuzz_has_ctrl(err))
		url_fuzz_violation("a refused value has no clean message", text, err);
}

static inline bool url_fuzz_clean_path(const char *p)
{
	return p && p[0] == '/' && !strstr(p, "/../") && !strstr(p, "//") && !url_fuzz_has_ctrl(p) &&
	       !strchr(p, ' ');
}

/* A parsed inst.ks= has the fields of its kind, clean absolute paths, and
 * prints back to a value that parses to the same location. */
static inline void url_fuzz_inst_ks(const char *text)
{
	struct inst_ks_loc l = {}, back = {};
	_cleanup_free_ char *err = NULL, *err2 = NULL;
	int k = inst_ks_loc_parse(text, &l, &err);

	if (k < 0) {
		url_fuzz_refused("inst_ks_loc_parse returned an unexpected code", text, k, err);
		if (l.path || l.url || l.device)
			url_fuzz_violation("a refused inst.ks left fields set", text, NULL);
		return;
	}
	if ((l.kind == INST_KS_URL) != !!l.url || (l.kind != INST_KS_URL && !url_fuzz_clean_path(l.path)) ||
	    (l.kind == INST_KS_HD && !l.device) || (l.kind == INST_KS_FILE && l.device))
		url_fuzz_violation("inconsistent inst.ks fields", text, l.path);
	if (!inst_ks_loc_is_url(text) && text[0] != '/')
		url_fuzz_violation("an accepted inst.ks that -k would take for a path", text, NULL);
	_cleanup_free_ char *s = inst_ks_loc_to_string(&l);
	if (inst_ks_loc_parse(s, &back, &err2) < 0) /* a file: location prints as its path */
		url_fuzz_violation("the printed inst.ks does not parse", s, err2);
	if (back.kind != l.kind || !streq(strna(back.path), strna(l.path)) || !streq(strna(back.url), strna(l.url)) ||
	    !streq(strna(back.device), strna(l.device)))
		url_fuzz_violation("inst.ks changes when printed and parsed again", text, s);
	inst_ks_loc_done(&back);
	inst_ks_loc_done(&l);
}

static inline void url_fuzz_ip(const char *text)
{
	struct inst_ip ip = {};
	_cleanup_free_ char *err = NULL;
	int k = inst_ip_parse(text, &ip, &err);

	if (k < 0) {
		url_fuzz_refused("inst_ip_parse returned an unexpected code", text, k, err);
		return;
	}
	if ((ip.method == INST_IP_STATIC) != !!ip.address || ip.prefix > 32 ||
	    (ip.iface && (strlen(ip.iface) > 15 || strchr(ip.iface, '/') || url_fuzz_has_ctrl(ip.iface))) ||
	    (ip.mtu && (ip.mtu < 68 || ip.mtu > 65535)))
		url_fuzz_violation("inconsistent ip= fields", text, ip.address);
	inst_ip_done(&ip);
}

/* The whole command line: only the documented codes, clean messages and
 * warnings, and what was parsed is consistent. */
static inline void url_fuzz_cmdline(const char *text)
{
	struct inst_bootargs b = {};
	_cleanup_free_ char *err = NULL;
	int k = inst_bootargs_parse(text, &b, &err);

	if (k < 0) {
		url_fuzz_refused("inst_bootargs_parse returned an unexpected code", text, k, err);
		return;
	}
	STRV_FOREACH(w, b.warnings)
		if (url_fuzz_has_ctrl(*w))
			url_fuzz_violation("a warning with a control character", text, *w);
	if (b.has_ks && !b.ks.path && !b.ks.url)
		url_fuzz_violation("inst.ks without a location", text, NULL);
	if (b.finish < -1 || b.finish >= _FINISH_MAX)
		url_fuzz_violation("inst.finish out of range", text, NULL);
	inst_bootargs_done(&b);
}

static inline void url_fuzz_mirrors(const char *text, char **l, int k, const char *err)
{
	if (k == -EBADMSG) {
		if (l || !err || !*err || url_fuzz_has_ctrl(err))
			url_fuzz_violation("a refused mirror list has mirrors or no message", text, err);
		return;
	}
	if (k <= 0 || (size_t)k != strv_length(l))
		url_fuzz_violation("the mirror count is wrong", text, err);
	STRV_FOREACH(m, l)
		if (!(startswith(*m, "http://") || startswith(*m, "https://") || startswith(*m, "file:///")) ||
		    url_fuzz_has_ctrl(*m) || strchr(*m, ' ') || (strlen(*m) > 8 && endswith(*m, "/")))
			url_fuzz_violation("a mirror that is not a clean base URL", text, *m);
}

static inline void url_fuzz_one(const char *data, size_t size)
{
	if (size == 0)
		return;
	_cleanup_free_ char *text = xstrndup(data + 1, size - 1);
	_cleanup_free_ char *err = NULL;

	switch ((unsigned char)data[0] % 6) {
	case 0:
		url_fuzz_inst_repo(text);
		break;
	case 3:
		url_fuzz_inst_ks(text);
		break;
	case 4:
		url_fuzz_ip(text);
		break;
	case 5:
		url_fuzz_cmdline(text);
		break;
	case 1: {
		_cleanup_strv_free_ char **l = NULL;
		int k = payload_mirrorlist_parse(text, &l, &err);
		url_fuzz_mirrors(text, l, k, err);
		break;
	}
	default: {
		struct payload_metalink ml = {};
		int k = payload_metalink_parse(data + 1, size - 1, &ml, &err);
		url_fuzz_mirrors(text, ml.mirrors, k, err);
		if (k > 0 && ml.n_hashes == 0)
			url_fuzz_violation("a metalink accepted without a hash", text, NULL);
		for (size_t i = 0; i < ml.n_hashes; i++)
			if (strspn(ml.hashes[i].hex, "0123456789abcdef") != strlen(ml.hashes[i].hex))
				url_fuzz_violation("a metalink hash that is not lower-case hex", text, ml.hashes[i].hex);
		payload_metalink_done(&ml);
		break;
	}
	}
}
