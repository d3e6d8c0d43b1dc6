/* libFuzzer target for the kickstart lexer, parser, validator and writer
 * (checks in fuzz-ks.h). Linked with --wrap so that no input can make it
 * read a host file or the network: only "fuzz.ks", the input itself, exists. */
#include <errno.h>
#include <stdint.h>

#include "fuzz-ks.h"

#define FUZZ_NAME "fuzz.ks"
/* %include of itself goes 16 deep; a few reads per input keep it fast. */
#define FUZZ_MAX_READS 32

static const uint8_t *fuzz_data;
static size_t fuzz_size;
static unsigned fuzz_reads;

int __wrap_strbuf_read_file(struct strbuf *sb, const char *path);
int __wrap_ks_fetch_url(const char *url, struct strbuf *out, char **ret_err);

int __wrap_strbuf_read_file(struct strbuf *sb, const char *path)
{
	if (!streq(path, FUZZ_NAME) && !endswith(path, "/" FUZZ_NAME))
		return -ENOENT;
	if (++fuzz_reads > FUZZ_MAX_READS)
		return -EMFILE;
	strbuf_add(sb, fuzz_data, fuzz_size);
	return 0;
}

int __wrap_ks_fetch_url(const char *url, struct strbuf *out, char **ret_err)
{
	*ret_err = xstrdup("no network while fuzzing");
	return -ENETUNREACH;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ks_fuzz_result res;

	fuzz_data = data;
	fuzz_size = size;
	fuzz_reads = 0;
	ks_fuzz_one(FUZZ_NAME, (const char *)data, size, &res);
	ks_fuzz_result_free(&res);
	return 0;
}
