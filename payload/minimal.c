/* slipway's minimal set for repos without comps: payload/minimal.list, built
 * into the binary (a static installer has no data directory to read it from). */
#include "payload-internal.h"

/* The assembler embeds the file; make runs from the top of the tree. The
 * object does not depend on the list in the .d files: touch minimal.c after
 * editing minimal.list. */
__asm__(".section .rodata\n"
	".global payload_minimal_list_text\n"
	".hidden payload_minimal_list_text\n"
	"payload_minimal_list_text:\n"
	".incbin \"payload/minimal.list\"\n"
	".byte 0\n"
	".previous\n");
extern const char payload_minimal_list_text[];

char **payload_minimal_list(void)
{
	_cleanup_strv_free_ char **lines = strv_split(payload_minimal_list_text, "\n");
	char **out = NULL;

	STRV_FOREACH (l, lines) {
		char *s = *l;
		char *hash = strchr(s, '#');
		if (hash)
			*hash = 0;
		s += strspn(s, " \t");
		size_t n = strlen(s);
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			s[--n] = 0;
		if (n > 0)
			strv_push(&out, s);
	}
	return out;
}
