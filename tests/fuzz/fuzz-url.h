/* What the url fuzz target checks on one input, shared with the replay of
 * saved inputs in tests/unit/test_fuzz_regressions.c: the first byte picks
 * the parser (inst.repo=, mirror list, metalink), the rest is its input. A
 * violated invariant prints the case and aborts. */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "installer/inst-repo.h"
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

	switch ((unsigned char)data[0] % 3) {
	case 0:
		url_fuzz_inst_repo(text);
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
