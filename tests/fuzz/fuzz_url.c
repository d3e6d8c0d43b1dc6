/* libFuzzer target for the installation-source parsers (checks in
 * fuzz-url.h): inst.repo=, dnf mirror lists and metalinks. */
#include <stdint.h>

#include "fuzz-url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536) /* a metalink is a few KiB */
		return 0;
	url_fuzz_one((const char *)data, size);
	return 0;
}
