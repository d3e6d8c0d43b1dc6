/* Replays saved fuzz inputs (tests/fuzz/regressions/TARGET/) and the bad-input
 * corpus (tests/data/bad/, plus 1 MiB lines made here) through the fuzz checks
 * without libFuzzer: no crash, every bad input fails with FILE:LINE. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "../fuzz/fuzz-ks.h"
#include "kickstart/ks-internal.h"
#include "../fuzz/fuzz-size.h"
#include "../fuzz/fuzz-url.h"

#define REGRESSIONS "tests/fuzz/regressions"
#define BAD_DIR	    "tests/data/bad"

static char *read_all(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	int r = strbuf_read_file(&sb, path);
	if (r < 0) {
		fprintf(stderr, "cannot read %s: %s\n", path, strerror(-r));
		fail();
	}
	return strbuf_detach(&sb);
}

static size_t file_size(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return (size_t)st.st_size;
}

/* A bad input: ks_fuzz_one's invariants hold, and validation fails with an
 * error that names FILE:LINE, as `slipway validate` prints it. */
static void check_bad(const char *path)
{
	_cleanup_free_ char *data = read_all(path);
	struct ks_fuzz_result res;

	ks_fuzz_one(path, data, file_size(path), &res);
	if (res.file_r >= 0 || !res.file_error_has_line) {
		fprintf(stderr, "%s: expected an error with FILE:LINE, got (r=%d):\n%s", path,
			res.file_r, res.file_diags);
		ks_fuzz_result_free(&res);
		fail();
	}
	ks_fuzz_result_free(&res);
}

static void run_bad(void **state)
{
	check_bad(*state);
}

static void run_regression_kickstart(void **state)
{
	const char *path = *state;
	_cleanup_free_ char *data = read_all(path);
	struct ks_fuzz_result res;

	ks_fuzz_one(path, data, file_size(path), &res);
	ks_fuzz_result_free(&res);
}

static void run_regression_size(void **state)
{
	const char *path = *state;
	_cleanup_free_ char *data = read_all(path);

	size_fuzz_one(data, file_size(path));
}

static void run_regression_url(void **state)
{
	const char *path = *state;
	_cleanup_free_ char *data = read_all(path);

	url_fuzz_one(data, file_size(path));
}

/* The 1 MiB lines are made here rather than committed. */
static void test_huge_lines(void **state)
{
	static const struct {
		const char *name, *head, *tail;
		char fill;
	} cases[] = {
	    {"unknown-command", "text\n", "\n", 'y'},
	    {"unterminated-quote", "text\nrootpw --plaintext '", "\n", 'p'},
	    {"no-newline", "text\npart / --size=", "", '1'},
	    {"post-no-end", "text\n%post\n", "\n", 'e'},
	    {"many-words", "text\nskipx", "\n", ' '},
	};
	char dir[] = "/tmp/slipway-huge.XXXXXX";
	const size_t mib = 1024 * 1024;

	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_strbuf_ struct strbuf text = STRBUF_INIT;
		_cleanup_free_ char *path = xasprintf("%s/huge-%s.ks", dir, cases[i].name);
		strbuf_adds(&text, cases[i].head);
		for (size_t k = 0; k < mib; k++)
			strbuf_addch(&text,
				     cases[i].fill == ' ' ? (k % 2 ? 'a' : ' ') : cases[i].fill);
		strbuf_adds(&text, cases[i].tail);
		FILE *f = fopen(path, "we");
		assert_non_null(f);
		assert_int_equal(fwrite(text.buf, 1, text.len, f), text.len);
		assert_int_equal(fclose(f), 0);
		check_bad(path);
		unlink(path);
	}
	assert_int_equal(rmdir(dir), 0);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Each of 16 levels includes the next four times: without the cap on
 * included files this never finished. */
static void test_include_bomb_bounded(void **state)
{
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	struct ks_diags d = {};

	assert_int_equal(ks_check_file(BAD_DIR "/include-bomb.ks", NULL, NULL, &d), -EINVAL);
	ks_diags_format(&d, &out);
	ks_diags_free(&d);
	if (!strstr(strbuf_str(&out), ": %include: more than 1024 files included")) {
		fprintf(stderr, "expected \"more than 1024 files included\", got:\n%s",
			strbuf_str(&out));
		fail();
	}
}

/* A line of 512Ki words: ks_split was quadratic (minutes); now well under a
 * second, so 30 s is a bound even for a sanitizer build on a busy host. */
static void test_many_words_linear(void **state)
{
	_cleanup_strbuf_ struct strbuf text = STRBUF_INIT;
	_cleanup_(ks_freep) struct ks *ks = NULL;
	struct ks_diags d = {};
	struct timespec t0;

	strbuf_adds(&text, "skipx");
	for (size_t i = 0; i < 512 * 1024; i++)
		strbuf_adds(&text, " a");
	strbuf_addch(&text, '\n');
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(ks_load_string("many-words.ks", text.buf, NULL, &ks, &d), -EINVAL);
	double secs = seconds_since(&t0);
	ks_diags_free(&d);
	if (secs > 30) {
		fprintf(stderr, "expected a 512Ki-word line to parse in under 30 s, took %.1f s\n",
			secs);
		fail();
	}
}

/* 100,000 diagnostics in reverse line order: the insertion sort took
 * minutes (validation errors follow the parse errors of later lines). */
static void test_diags_sort_fast(void **state)
{
	_cleanup_(ks_freep) struct ks *ks = ks_new();
	const size_t n = 100000;
	struct ks_diags d = {};
	struct timespec t0;

	struct ks_loc loc = { ks_intern_file(ks, "sort.ks"), 0 };
	for (size_t i = 0; i < n; i++) {
		loc.line = (unsigned)(n - i);
		ks_diags_add(&d, LVL_ERROR, &loc, NULL, "error %zu", i);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ks_diags_sort(ks, &d, 0);
	double secs = seconds_since(&t0);
	bool sorted = true;
	for (size_t i = 0; i < n; i++)
		sorted = sorted && d.v[i].line == i + 1;
	ks_diags_free(&d);
	assert_true(sorted);
	if (secs > 10) {
		fprintf(stderr, "expected 100,000 diagnostics sorted in under 10 s, took %.1f s\n", secs);
		fail();
	}
}

/* Regular files in dir whose name passes keep(), sorted, as "dir/name". */
static char **list_dir(const char *dir, bool (*keep)(const char *name))
{
	_cleanup_strv_free_ char **l = NULL;
	DIR *dh = opendir(dir);
	struct dirent *de;

	if (!dh)
		return xnew0(char *, 1); /* no regression saved yet */
	while ((de = readdir(dh))) {
		_cleanup_free_ char *path = xasprintf("%s/%s", dir, de->d_name);
		struct stat st;
		if (de->d_name[0] == '.' || !keep(de->d_name) || stat(path, &st) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		strv_push(&l, path);
	}
	closedir(dh);
	if (!l)
		return xnew0(char *, 1);
	qsort(l, strv_length(l), sizeof(char *), cmp_str);
	return TAKE_PTR(l);
}

static bool is_ks(const char *name)
{
	return endswith(name, ".ks");
}

static bool not_doc(const char *name)
{
	return !endswith(name, ".md") && !endswith(name, ".txt");
}

static int run_group(const char *group, char **paths, CMUnitTestFunction fn)
{
	size_t n = strv_length(paths);
	struct CMUnitTest *tests = xnew0(struct CMUnitTest, n);

	for (size_t i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){
		    .name = paths[i], .test_func = fn, .initial_state = paths[i]};
	int failed = n ? _cmocka_run_group_tests(group, tests, n, NULL, NULL) : 0;
	free(tests);
	return failed;
}

int main(void)
{
	const char *src = getenv("SLIPWAY_SRC");
	int failed = 0;

	if (src && chdir(src) < 0) {
		fprintf(stderr, "cannot enter %s: %m\n", src);
		return 1;
	}
	_cleanup_strv_free_ char **bad = list_dir(BAD_DIR, is_ks);
	_cleanup_strv_free_ char **ks = list_dir(REGRESSIONS "/kickstart", not_doc);
	_cleanup_strv_free_ char **size = list_dir(REGRESSIONS "/size", not_doc);
	_cleanup_strv_free_ char **url = list_dir(REGRESSIONS "/url", not_doc);

	if (strv_length(bad) < 200) {
		fprintf(stderr,
			"expected at least 200 bad inputs in %s (run from the repository root), "
			"got %zu\n",
			BAD_DIR, strv_length(bad));
		return 1;
	}
	failed += run_group("bad-input", bad, run_bad);
	failed += run_group("fuzz-regressions-kickstart", ks, run_regression_kickstart);
	failed += run_group("fuzz-regressions-size", size, run_regression_size);
	failed += run_group("fuzz-regressions-url", url, run_regression_url);
	const struct CMUnitTest focused[] = {
	    cmocka_unit_test(test_huge_lines),
	    cmocka_unit_test(test_include_bomb_bounded),
	    cmocka_unit_test(test_many_words_linear),
	    cmocka_unit_test(test_diags_sort_fast),
	};
	failed += cmocka_run_group_tests_name("bad-input-huge", focused, NULL, NULL);
	return failed ? 1 : 0;
}
