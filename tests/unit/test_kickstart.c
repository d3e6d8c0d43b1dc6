/* Data-driven kickstart tests over tests/data/ks/: NAME.ks with NAME.dump
 * (golden ks_dump, NAME.warn for expected warnings) or NAME.err (the exact
 * diagnostics). Every valid case is also written back with ks_write and
 * parsed again (round trip), and written redacted (no plaintext secret).
 * SLIPWAY_UPDATE_GOLDEN=1 rewrites the goldens from the current output. */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "kickstart/ks-internal.h"
#include "kickstart/ks.h"
#include "strv.h"

#define DATA_DIR "tests/data/ks"

static bool update_golden(void)
{
	const char *e = getenv("SLIPWAY_UPDATE_GOLDEN");
	return e && streq(e, "1");
}

static bool file_exists(const char *p)
{
	return access(p, F_OK) == 0;
}

static char *read_or_empty(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	if (strbuf_read_file(&sb, path) < 0)
		return strbuf_detach(&sb);
	return strbuf_detach(&sb);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Compares got with the golden file (or rewrites it), printing both. */
static void check_golden(const char *case_name, const char *golden, const char *got)
{
	if (update_golden()) {
		if (*got)
			write_file(golden, got);
		else
			unlink(golden);
		return;
	}
	_cleanup_free_ char *want = read_or_empty(golden);
	if (!streq(want, got)) {
		fprintf(stderr, "%s: %s differs\n--- expected ---\n%s--- got ---\n%s---\n", case_name, golden, want,
			got);
		fail();
	}
}

static char *with_ext(const char *name, const char *ext)
{
	return xasprintf("%.*s%s", (int)(strlen(name) - 3), name, ext);
}

static void roundtrip(const char *name, const struct ks *ks, const char *dump)
{
	_cleanup_strbuf_ struct strbuf text = STRBUF_INIT, dump2 = STRBUF_INIT, diags = STRBUF_INIT;
	_cleanup_(ks_freep) struct ks *ks2 = NULL;
	struct ks_diags d = {};

	ks_write(ks, 0, &text);
	/* Same directory, so relative paths stay meaningful. */
	_cleanup_free_ char *rt_name = with_ext(name, ".roundtrip.ks");
	int r = ks_load_string(rt_name, text.buf, NULL, &ks2, &d);
	ks_diags_format(&d, &diags);
	ks_diags_free(&d);
	if (r < 0) {
		fprintf(stderr, "%s: written kickstart does not parse:\n%s\n--- text ---\n%s", name, strbuf_str(&diags),
			text.buf);
		fail();
	}
	ks_dump(ks2, &dump2);
	if (!streq(dump, strbuf_str(&dump2))) {
		fprintf(stderr, "%s: round trip differs\n--- text ---\n%s--- expected ---\n%s--- got ---\n%s", name,
			text.buf, dump, strbuf_str(&dump2));
		fail();
	}
}

/* Every plaintext secret of the struct must be absent from redacted text. */
static void check_redacted(const char *name, const struct ks *ks)
{
	_cleanup_strbuf_ struct strbuf red = STRBUF_INIT;
	_cleanup_strv_free_ char **secrets = NULL;

	ks_write(ks, KS_WRITE_REDACT, &red);
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
	STRV_FOREACH(s, secrets)
		if (strlen(*s) > 0 && strstr(red.buf, *s)) {
			fprintf(stderr, "%s: secret \"%s\" in redacted output:\n%s", name, *s, red.buf);
			fail();
		}
	/* Hashes are kept. */
	if (ks->rootpw && ks->rootpw->iscrypted && ks->rootpw->password)
		assert_non_null(strstr(red.buf, ks->rootpw->password));
}

static void run_case(void **state)
{
	const char *name = *state; /* "foo.ks" or "real/foo.ks", relative to DATA_DIR */
	_cleanup_free_ char *err = with_ext(name, ".err"), *dumpf = with_ext(name, ".dump"),
			     *warnf = with_ext(name, ".warn");
	_cleanup_strbuf_ struct strbuf diags = STRBUF_INIT, dump = STRBUF_INIT;
	_cleanup_(ks_freep) struct ks *ks = NULL;
	struct ks_diags d = {};
	struct ks_load_opts o = { .strict = strstr(name, "strict") != NULL };

	int r = ks_check_file(name, &o, &ks, &d);
	ks_diags_format(&d, &diags);
	ks_diags_free(&d);

	bool expect_error = file_exists(err) || (update_golden() && !file_exists(dumpf) && r < 0);
	if (expect_error) {
		check_golden(name, err, strbuf_str(&diags));
		assert_true(r < 0);
		assert_null(ks);
		return;
	}
	if (r < 0) {
		fprintf(stderr, "%s: expected to be valid, got:\n%s", name, diags.buf);
		fail();
	}
	check_golden(name, warnf, strbuf_str(&diags));
	ks_dump(ks, &dump);
	check_golden(name, dumpf, strbuf_str(&dump));
	roundtrip(name, ks, strbuf_str(&dump));
	check_redacted(name, ks);
}

static void find_cases(const char *dir, char ***cases)
{
	_cleanup_free_ char *path = streq(dir, "") ? xstrdup(".") : xstrdup(dir);
	DIR *dh = opendir(path);
	struct dirent *de;

	assert_non_null(dh);
	while ((de = readdir(dh))) {
		if (!endswith(de->d_name, ".ks") || endswith(de->d_name, ".roundtrip.ks"))
			continue;
		/* Files only included by other cases are not cases. */
		if (strstr(de->d_name, ".inc."))
			continue;
		strv_consume(cases, *dir ? xasprintf("%s/%s", dir, de->d_name) : xstrdup(de->d_name));
	}
	closedir(dh);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- focused tests beside the data-driven ones ---- */
static void test_ten_mistakes(void **state)
{
	struct ks_diags d = {};
	int r = ks_check_file("ten-mistakes.ks", NULL, NULL, &d);

	assert_int_equal(r, -EINVAL);
	if (ks_diags_errors(&d) != 10) {
		ks_diags_print(&d, stderr);
		fprintf(stderr, "expected 10 errors, got %zu\n", ks_diags_errors(&d));
	}
	assert_int_equal(d.n, 10);
	assert_int_equal(ks_diags_errors(&d), 10);
	ks_diags_free(&d);
}

static void test_flatten(void **state)
{
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	struct ks_diags d = {};

	assert_int_equal(ks_flatten("include-relative.ks", &out, &d), 0);
	assert_int_equal(d.n, 0);
	check_golden("include-relative.ks", "include-relative.flat", strbuf_str(&out));
	ks_diags_free(&d);
}

static void test_missing_file(void **state)
{
	struct ks_diags d = {};
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	struct ks *ks = NULL;

	assert_int_equal(ks_load_file("does-not-exist.ks", NULL, &ks, &d), -ENOENT);
	assert_null(ks);
	ks_diags_format(&d, &sb);
	assert_string_equal(sb.buf, "slipway: does-not-exist.ks: cannot read the kickstart: No such file or directory\n");
	ks_diags_free(&d);
}

static void test_missing_include_allowed(void **state)
{
	_cleanup_(ks_freep) struct ks *ks = NULL;
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	struct ks_diags d = {};
	struct ks_load_opts o = { .allow_missing_include = true };

	assert_int_equal(ks_load_file("include-missing.ks", &o, &ks, &d), 0);
	ks_diags_format(&d, &sb);
	assert_string_equal(sb.buf, "slipway: include-missing.ks:5: %include: warning: cannot read /tmp/slipway-"
				    "no-such-part-include: No such file or directory (a %pre script may create it)\n");
	ks_diags_free(&d);
	ks_free(ks), ks = NULL;

	/* --strict does not make it an error: the load after %pre decides. */
	o.strict = true;
	assert_int_equal(ks_load_file("include-missing.ks", &o, &ks, &d), 0);
	assert_int_equal(ks_diags_errors(&d), 0);
	ks_diags_free(&d);
}

static void test_strict(void **state)
{
	struct ks_diags d = {};
	struct ks_load_opts o = { .strict = true };

	assert_int_equal(ks_load_string("s.ks", "graphical\n", NULL, NULL, &d), 0);
	assert_int_equal(ks_diags_errors(&d), 0);
	ks_diags_free(&d);
	assert_int_equal(ks_load_string("s.ks", "graphical\n", &o, NULL, &d), -EINVAL);
	assert_int_equal(ks_diags_errors(&d), 1);
	ks_diags_free(&d);
}

static void test_secrets_registered(void **state)
{
	_cleanup_(ks_freep) struct ks *ks = NULL;
	struct ks_diags d = {};

	secrets_forget();
	assert_int_equal(ks_load_string("s.ks", "rootpw 'pl@in pw'\npart / --size=1 --encrypted --passphrase=luks-pw\n",
					NULL, &ks, &d),
			 0);
	_cleanup_free_ char *r = secret_redact("a pl@in pw and luks-pw");
	assert_string_equal(r, "a [redacted] and [redacted]");
	ks_diags_free(&d);
	secrets_forget();
}

/* ks_split() against Python's shlex.split(line, comments=True). */
static void test_lexer(void **state)
{
	static const struct {
		const char *line;
		const char *want; /* words joined by '|' */
	} cases[] = {
		{ "part / --size=100 # comment", "part|/|--size=100" },
		{ "a\"b c\"d 'e f' ", "ab cd|e f" },
		{ "x=\"a\\\"b\" 'c' ", "x=a\"b|c" },
		{ "p\\ q r#s t", "p q|r" },
		{ "\"\" '' x", "||x" },
		{ "\"a\\\\b\\c\" a\\\\b", "a\\b\\c|a\\b" },
		{ "--opt='it'\"'\"'s' ", "--opt=it's" },
		{ "a\tb\r", "a|b" },
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_strv_free_ char **words = NULL;
		_cleanup_free_ char *err = NULL, *got = NULL;
		assert_int_equal(ks_split(cases[i].line, true, &words, &err), 0);
		got = strv_join(words, "|");
		if (!streq(got, cases[i].want)) {
			fprintf(stderr, "split(%s): expected %s, got %s\n", cases[i].line, cases[i].want, got);
			fail();
		}
	}
	_cleanup_strv_free_ char **w = NULL;
	_cleanup_free_ char *err = NULL;
	assert_int_equal(ks_split("a 'b", true, &w, &err), -EINVAL);
	assert_string_equal(err, "no closing quotation");
}

/* Anaconda's pattern: parse before %pre tolerating the missing %include,
 * then again once %pre wrote it. */
static void test_include_written_by_pre(void **state)
{
	const char *ks_path = "real/twopass/include-pre.ks";
	_cleanup_strbuf_ struct strbuf text = STRBUF_INIT, sb = STRBUF_INIT;
	struct ks_load_opts first = { .allow_missing_include = true };
	struct ks_diags d = {};
	struct ks *ks = NULL;

	assert_int_equal(ks_load_file(ks_path, &first, &ks, &d), 0);
	ks_diags_format(&d, &sb);
	assert_string_equal(sb.buf, "slipway: real/twopass/include-pre.ks:11: %include: warning: cannot read "
				    "/tmp/part-include: No such file or directory (a %pre script may create it)\n");
	assert_int_equal(ks->script.n, 1);
	assert_int_equal(ks->script.v[0]->kind, KS_SCRIPT_PRE);
	assert_int_equal(ks->part.n, 0);
	ks_free(ks), ks = NULL;
	ks_diags_free(&d);

	/* What %pre wrote, at the path the kickstart names. */
	char real[PATH_MAX];
	assert_non_null(realpath("real/twopass/part-include", real));
	assert_int_equal(strbuf_read_file(&text, ks_path), 0);
	char *at = strstr(text.buf, "/tmp/part-include\n");
	assert_non_null(at);
	_cleanup_free_ char *second = xasprintf("%.*s%s%s", (int)(at - text.buf), text.buf, real,
						at + strlen("/tmp/part-include"));
	assert_int_equal(ks_load_string(ks_path, second, NULL, &ks, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(ks->part.n, 3);
	assert_non_null(ks->clearpart);
	assert_int_equal(ks_validate(ks, NULL, &d), 0);
	ks_free(ks);
	ks_diags_free(&d);
}

int main(void)
{
	_cleanup_strv_free_ char **cases = NULL;

	if (chdir(DATA_DIR) < 0) {
		fprintf(stderr, "run from the repository root (%s not found)\n", DATA_DIR);
		return 1;
	}
	find_cases("", &cases);
	find_cases("real", &cases);
	qsort(cases, strv_length(cases), sizeof(char *), cmp_str);

	size_t n = strv_length(cases);
	struct CMUnitTest *tests = xnew0(struct CMUnitTest, n);
	for (size_t i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){ .name = cases[i], .test_func = run_case, .initial_state = cases[i] };
	int failed = _cmocka_run_group_tests("kickstart-data", tests, n, NULL, NULL);
	free(tests);

	const struct CMUnitTest focused[] = {
		cmocka_unit_test(test_ten_mistakes),
		cmocka_unit_test(test_flatten),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_missing_include_allowed),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_secrets_registered),
		cmocka_unit_test(test_lexer),
		cmocka_unit_test(test_include_written_by_pre),
	};
	failed += cmocka_run_group_tests_name("kickstart", focused, NULL, NULL);
	secrets_forget();
	return failed ? 1 : 0;
}
