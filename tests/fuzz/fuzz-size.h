/* What the size fuzz target checks on one input, shared with the replay of
 * saved inputs in tests/unit/test_fuzz_regressions.c; a violated invariant
 * prints the case and aborts. */
#pragma once

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "macros.h"
#include "size.h"

_noreturn_ static inline void size_fuzz_violation(const char *what, const char *input, uint64_t a,
						  uint64_t b)
{
	fprintf(stderr,
		"fuzz invariant violated: %s\n--- input ---\n\"%s\"\n--- values ---\n%" PRIu64
		" %" PRIu64 "\n",
		what, input, a, b);
	abort();
}

/* size_format's unit for bytes, as it picks it. */
static inline uint64_t size_fuzz_format_div(uint64_t bytes)
{
	uint64_t div = 1;
	for (int i = 0; i < 6 && bytes / div >= 1024; i++)
		div *= 1024;
	return div;
}

/* size_format then size_parse gives the value back: exactly when printed
 * without a fraction, within the rounding of "%.1f" otherwise; only a value
 * that rounds up past 2^64 ("16.0 EiB") may not parse back. */
static inline void size_fuzz_format_roundtrip(const char *input, uint64_t v)
{
	char buf[32];
	uint64_t back = 0, div = size_fuzz_format_div(v), slack = div / 20 + div / 1000 + 1;

	size_format(v, buf);
	int r = size_parse(buf, 1, &back);
	if (r == -ERANGE && v > UINT64_MAX - slack)
		return;
	if (r < 0)
		size_fuzz_violation("size_format output does not parse", buf, v, (uint64_t)-r);
	if (!strchr(buf, '.') && back != v)
		size_fuzz_violation("exact size_format round trip differs", buf, v, back);
	if ((back > v ? back - v : v - back) > slack)
		size_fuzz_violation("size_format round trip off by more than rounding", buf, v,
				    back);
}

static inline void size_fuzz_one(const char *data, size_t size)
{
	static const uint64_t units[] = {1, KiB, MiB, GiB};
	_cleanup_free_ char *text = xstrndup(data, size);
	uint64_t v[ELEMENTSOF(units)] = {};
	int r[ELEMENTSOF(units)];
	bool has_suffix = false;

	for (const char *p = text; *p; p++)
		if (isalpha((unsigned char)*p))
			has_suffix = true;
	for (size_t i = 0; i < ELEMENTSOF(units); i++) {
		r[i] = size_parse(text, units[i], &v[i]);
		if (r[i] != 0 && r[i] != -EINVAL && r[i] != -ERANGE)
			size_fuzz_violation("size_parse returned an unexpected code", text,
					    units[i], (uint64_t)-r[i]);
		if (r[i] == 0)
			size_fuzz_format_roundtrip(text, v[i]);
		/* With a unit written, the default unit plays no part. */
		if (has_suffix && i > 0 && (r[i] != r[0] || v[i] != v[0]))
			size_fuzz_violation("a size with a unit depends on the default unit", text,
					    v[0], v[i]);
	}
	/* A bare integer is that many default units. */
	if (r[0] == 0 && !has_suffix && !strchr(text, '.'))
		for (size_t i = 1; i < ELEMENTSOF(units); i++) {
			bool fits = v[0] <= UINT64_MAX / units[i];
			if (fits && (r[i] != 0 || v[i] != v[0] * units[i]))
				size_fuzz_violation("a bare number is not default units", text,
						    v[0] * units[i], v[i]);
			if (!fits && r[i] != -ERANGE)
				size_fuzz_violation("an overflowing bare number is not -ERANGE",
						    text, v[0], v[i]);
		}
}
