/* Size parsing and formatting: "500", "1GiB", "10G", "1.5 TB". */
#pragma once

#include <stdint.h>

#define KiB UINT64_C(1024)
#define MiB (KiB * 1024)
#define GiB (MiB * 1024)
#define TiB (GiB * 1024)

/* Parses a size. A bare number is in default_unit bytes (1 for bytes, MiB
 * for kickstart --size). Suffixes (case-insensitive): K M G T P E or KiB MiB
 * … are binary; KB MB GB TB PB are decimal (blivet's rule); B is bytes.
 * Fractions are allowed with a unit ("1.5G"). Returns 0, -EINVAL on bad
 * syntax, -ERANGE on overflow. */
int size_parse(const char *s, uint64_t default_unit, uint64_t *ret);
/* "512 MiB", "1.5 GiB", "300 B": into buf, which must hold 32 bytes. */
const char *size_format(uint64_t bytes, char buf[static 32]);
#define SIZE_FMT(b) size_format((b), (char[32]){ 0 })
