/* Sizes as people write them in kickstarts and on the command line. */
#include <ctype.h>
#include <inttypes.h>

#include "macros.h"
#include "size.h"

static const struct {
	const char *suffix;
	uint64_t factor;
} units[] = {
	{ "b", 1 },
	{ "k", KiB },
	{ "kib", KiB },
	{ "kb", 1000 },
	{ "m", MiB },
	{ "mib", MiB },
	{ "mb", 1000 * 1000 },
	{ "g", GiB },
	{ "gib", GiB },
	{ "gb", 1000 * 1000 * 1000 },
	{ "t", TiB },
	{ "tib", TiB },
	{ "tb", UINT64_C(1000) * 1000 * 1000 * 1000 },
	{ "p", TiB * 1024 },
	{ "pib", TiB * 1024 },
	{ "pb", UINT64_C(1000) * 1000 * 1000 * 1000 * 1000 },
	{ "e", TiB * 1024 * 1024 },
	{ "eib", TiB * 1024 * 1024 },
};

static int unit_factor(const char *u, uint64_t *ret)
{
	for (size_t i = 0; i < ELEMENTSOF(units); i++)
		if (strcasecmp(u, units[i].suffix) == 0) {
			*ret = units[i].factor;
			return 0;
		}
	return -EINVAL;
}

int size_parse(const char *s, uint64_t default_unit, uint64_t *ret)
{
	uint64_t whole = 0, frac = 0, frac_div = 1, factor = default_unit;
	const char *p = s;

	if (!s)
		return -EINVAL;
	while (isspace((unsigned char)*p))
		p++;
	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		for (; isdigit((unsigned char)*p); p++)
			if (frac_div < UINT64_C(1000000000)) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				frac_div *= 10;
			}
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p) {
		char unit[8];
		size_t n = strlen(p);
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		if (n == 0 || n >= sizeof(unit))
			return -EINVAL;
		memcpy(unit, p, n);
		unit[n] = '\0';
		if (unit_factor(unit, &factor) < 0)
			return -EINVAL;
	} else if (frac_div > 1 && default_unit == 1)
		return -EINVAL; /* "1.5" bytes makes no sense */
	if (factor && whole > UINT64_MAX / factor)
		return -ERANGE;
	uint64_t r = whole * factor;
	/* frac/frac_div * factor without overflow: factor ≤ 2^60, frac < 1e9. */
	unsigned __int128 f = (unsigned __int128)frac * factor / frac_div;
	if (r + (uint64_t)f < r)
		return -ERANGE;
	*ret = r + (uint64_t)f;
	return 0;
}

const char *size_format(uint64_t bytes, char buf[static 32])
{
	static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	size_t i = 0;
	uint64_t div = 1;

	while (i + 1 < ELEMENTSOF(names) && bytes / div >= 1024)
		div *= 1024, i++;
	if (i == 0 || bytes % div == 0)
		snprintf(buf, 32, "%" PRIu64 " %s", bytes / div, names[i]);
	else
		snprintf(buf, 32, "%.1f %s", (double)bytes / (double)div, names[i]);
	return buf;
}
