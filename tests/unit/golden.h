/* Golden-file helpers for the cmocka tests: paths under tests/data/ (from
 * $SLIPWAY_SRC or the current directory) and the compare-or-rewrite check. */
#pragma once

#include <stdio.h>

#include "macros.h"
#include "strbuf.h"

/* tests/data/DIR/NAME, allocated. */
static inline char *golden_path(const char *dir, const char *name)
{
	const char *src = getenv("SLIPWAY_SRC");
	return xasprintf("%s/tests/data/%s/%s", src ? src : ".", dir, name);
}

/* Fails with expected and got unless got equals tests/data/DIR/NAME;
 * UPDATE_GOLDENS=1 rewrites the file instead. */
static inline void golden_check(const char *dir, const char *name, const char *got)
{
	_cleanup_free_ char *path = golden_path(dir, name);
	_cleanup_strbuf_ struct strbuf want = STRBUF_INIT;

	if (getenv("UPDATE_GOLDENS")) {
		FILE *f = fopen(path, "we");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
		return;
	}
	if (strbuf_read_file(&want, path) < 0)
		fail_msg("cannot read the golden file %s (UPDATE_GOLDENS=1 writes it)", path);
	if (!streq(strbuf_str(&want), got))
		fail_msg("%s differs\n--- expected\n%s--- got\n%s", path, strbuf_str(&want), got);
}
