/* libFuzzer target for size_parse and size_format (checks in fuzz-size.h):
 * several default units, unit independence, and the formatting round trip. */
#include <stdint.h>

#include "fuzz-size.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 256) /* sizes are short; long inputs only repeat digits */
		return 0;
	size_fuzz_one((const char *)data, size);
	return 0;
}
