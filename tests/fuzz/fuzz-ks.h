/* What the kickstart fuzz target checks on one input, shared with the replay
 * of saved inputs in tests/unit/test_fuzz_regressions.c so that both run the
 * same code path; an invariant violation prints the case and aborts. */
#pragma once

#include <stdio.h>
#include <stdlib.h>

#include "kickstart/ks.h"
#include "strv.h"

struct ks_fuzz_result {
	int string_r;		  /* ks_load_string of the text before the first NUL */
	int file_r;		  /* ks_check_file of the path (NUL bytes and all) */
	size_t file_errors;	  /* errors ks_check_file reported */
	bool file_error_has_line; /* one of them names FILE:LINE */
	char *file_diags;	  /* what `slipway validate` would print */
};

static inline void ks_fuzz_result_free(struct ks_fuzz_result *res)
{
	free(res->file_diags);
	*res = (struct ks_fuzz_result){};
}

_noreturn_ static inline void ks_fuzz_violation(const char *what, const char *input,
						const char *expected, const char *got)
{
	fprintf(stderr,
		"fuzz invariant violated: %s\n--- input ---\n%s\n--- expected ---\n%s\n--- got "
		"---\n%s\n",
		what, input, expected, got);
	abort();
}

static inline size_t ks_fuzz_count(const char *haystack, const char *needle)
{
	size_t n = 0;
	for (const char *p = haystack; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* The text after the "# …" lines ks_write starts with, whose words
 * ("passwords", "[redacted]") must not count as leaked secrets. */
static inline const char *ks_fuzz_body(const char *written)
{
	while (*written == '#') {
		const char *nl = strchr(written, '\n');
		written = nl ? nl + 1 : written + strlen(written);
	}
	return written;
}

/* Every plaintext secret written in the clear must lose at least one
 * occurrence when redacted (it may also occur as an unrelated word). */
static inline void ks_fuzz_check_redacted(const struct ks *ks, const char *input, const char *plain,
					  const char *redacted)
{
	_cleanup_strv_free_ char **secrets = NULL;

	if (ks->rootpw && ks->rootpw->password && !ks->rootpw->iscrypted)
		strv_push(&secrets, ks->rootpw->password);
	for (size_t i = 0; i < ks->user.n; i++)
		if (ks->user.v[i]->password && !ks->user.v[i]->iscrypted)
			strv_push(&secrets, ks->user.v[i]->password);
	for (size_t i = 0; i < ks->part.n; i++)
		if (ks->part.v[i]->luks.passphrase)
			strv_push(&secrets, ks->part.v[i]->luks.passphrase);
	if (ks->autopart && ks->autopart->luks.passphrase)
		strv_push(&secrets, ks->autopart->luks.passphrase);
	if (ks->bootloader && ks->bootloader->password && !ks->bootloader->iscrypted)
		strv_push(&secrets, ks->bootloader->password);
	STRV_FOREACH (s, secrets) {
		if (!**s || strstr("[redacted]", *s))
			continue;
		size_t in_red = ks_fuzz_count(ks_fuzz_body(redacted), *s);
		if (in_red > 0 && in_red >= ks_fuzz_count(ks_fuzz_body(plain), *s))
			ks_fuzz_violation("a plaintext secret survives KS_WRITE_REDACT", input,
					  plain, redacted);
	}
}

/* The round trip: the text written from a parse without errors parses
 * again without errors into an equal dump; redacted text parses too. */
static inline void ks_fuzz_roundtrip(const char *name, const struct ks *ks, const char *input)
{
	_cleanup_strbuf_ struct strbuf plain = STRBUF_INIT, red = STRBUF_INIT, dump = STRBUF_INIT,
				       dump2 = STRBUF_INIT, diags = STRBUF_INIT;
	_cleanup_(ks_freep) struct ks *ks2 = NULL, *ks3 = NULL;
	_cleanup_free_ char *name2 = xasprintf("%s.written", name);
	struct ks_diags d = {};

	ks_write(ks, 0, &plain);
	ks_write(ks, KS_WRITE_REDACT, &red);
	ks_dump(ks, &dump);

	int r = ks_load_string(name2, strbuf_str(&plain), NULL, &ks2, &d);
	ks_diags_format(&d, &diags);
	ks_diags_free(&d);
	if (r < 0)
		ks_fuzz_violation("ks_write output does not parse", input, strbuf_str(&plain),
				  strbuf_str(&diags));
	ks_dump(ks2, &dump2);
	if (!streq(strbuf_str(&dump), strbuf_str(&dump2)))
		ks_fuzz_violation("ks_write round trip changes ks_dump", input, strbuf_str(&dump),
				  strbuf_str(&dump2));

	r = ks_load_string(name2, strbuf_str(&red), NULL, &ks3, &d);
	strbuf_reset(&diags);
	ks_diags_format(&d, &diags);
	ks_diags_free(&d);
	if (r < 0)
		ks_fuzz_violation("redacted ks_write output does not parse", input,
				  strbuf_str(&red), strbuf_str(&diags));
	ks_fuzz_check_redacted(ks, input, strbuf_str(&plain), strbuf_str(&red));
}

/* Runs one input named name (data: size bytes, NUL bytes allowed) through
 * the string loader, the validator, the writers and the round trip, then
 * through ks_check_file(name) and ks_flatten(name), which read the file
 * called name: the fuzz target serves it from memory, the regression replay
 * reads the real file. */
static inline void ks_fuzz_one(const char *name, const char *data, size_t size,
			       struct ks_fuzz_result *res)
{
	_cleanup_free_ char *text = xstrndup(data, size);
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	_cleanup_(ks_freep) struct ks *ks = NULL;
	struct ks_diags d = {};

	*res = (struct ks_fuzz_result){};
	res->string_r = ks_load_string(name, text, NULL, &ks, &d);
	if (res->string_r == 0) {
		(void)ks_validate(ks, NULL, &d);
		ks_fuzz_roundtrip(name, ks, text);
	}
	ks_diags_format(&d, &out);
	ks_diags_free(&d);

	strbuf_reset(&out);
	res->file_r = ks_check_file(name, NULL, NULL, &d);
	res->file_errors = ks_diags_errors(&d);
	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].level == LVL_ERROR && d.v[i].file && d.v[i].line > 0)
			res->file_error_has_line = true;
	ks_diags_format(&d, &out);
	ks_diags_free(&d);
	res->file_diags = strbuf_detach(&out);
	for (const char *c = res->file_diags; *c; c++)
		if ((*c > 0 && *c < 0x20 && *c != '\n') || *c == 0x7f)
			ks_fuzz_violation(
			    "a diagnostic carries a control character to the terminal", text,
			    "\\xNN escapes", res->file_diags);
	if ((res->file_r < 0) != (res->file_errors > 0))
		ks_fuzz_violation("ks_check_file's result disagrees with its diagnostics", text,
				  res->file_r < 0 ? "errors" : "no errors", res->file_diags);
	/* ks_flatten edits its output when an include replaces a line. */
	strbuf_reset(&out);
	(void)ks_flatten(name, &out, &d);
	ks_diags_free(&d);
	/* Each parse registers its secrets; forget them between inputs. */
	secrets_forget();
}
