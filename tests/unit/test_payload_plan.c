/* Planning against the real fixture repos (skipped when they are not built):
 * the other stages' requirements with their reasons, the minimal set of
 * repos without comps, a missing requirement. Writes only a temp cache dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "event.h"
#include "kickstart/ks.h"
#include "payload/payload.h"
#include "run.h"
#include "strv.h"

/* A fixture builder's --print-path, or NULL when the fixture is not built. */
static char *fixture(const char *builder, const char *sub, const char *check)
{
	const char *src = getenv("SLIPWAY_SRC");
	_cleanup_free_ char *cmd = xasprintf("%s/%s", src ? src : ".", builder);
	char *argv[] = {cmd, "--print-path", NULL};
	struct strbuf out = STRBUF_INIT;
	struct run_opts o = {.out = &out, .log_fd = -1, .quiet = true};

	if (run_argv(argv, &o) != 0) {
		strbuf_release(&out);
		return NULL;
	}
	char *nl = strchr(out.buf, '\n');
	if (nl)
		*nl = 0;
	char *dir = xasprintf("%s%s", out.buf, sub);
	_cleanup_free_ char *probe = xasprintf("%s/%s", dir, check);
	strbuf_release(&out);
	if (access(probe, F_OK) < 0) {
		free(dir);
		return NULL;
	}
	return dir;
}

struct env {
	char cache[64];
};

static int setup(void **state)
{
	struct env *e = xnew0(struct env, 1);

	strcpy(e->cache, "/tmp/slipway-test-cache.XXXXXX");
	assert_non_null(mkdtemp(e->cache));
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	char *argv[] = {"rm", "-rf", e->cache, NULL};

	run_argv(argv, NULL);
	free(e);
	return 0;
}

static int plan_for(const char *ks_text, struct payload_opts *o, struct payload_plan **ret)
{
	_cleanup_(ks_freep) struct ks *ks = NULL;
	struct ks_diags d = {};

	assert_int_equal(ks_load_string("ks.cfg", ks_text, NULL, &ks, &d), 0);
	ks_diags_free(&d);
	return payload_plan_new(ks, o, ret);
}

static void test_requirements(void **state)
{
	struct env *e = *state;
	_cleanup_free_ char *repo =
	    fixture("tests/fixtures/synth/build.sh", "/chain", "repodata/repomd.xml");
	struct payload_plan *p = NULL;
	struct payload_opts o = {.cachedir = e->cache};

	if (!repo)
		skip();
	_cleanup_free_ char *ks =
	    xasprintf("url --url=file://%s\n%%packages --nocore\nsynth-chain-b\n%%end\n", repo);
	payload_require(&o, "/usr/bin/synth-tool", "the test needs the tool");
	assert_int_equal(plan_for(ks, &o, &p), 0);
	_cleanup_strv_free_ char **l = payload_plan_nevras(p);
	/* b-2.0 needs c, d, data and the tool anyway; b alone would be 2.0 */
	assert_true(strv_contains(l, "synth-tool-1.0-1.x86_64"));
	assert_true(strv_contains(l, "synth-chain-b-2.0-1.noarch"));
	struct strbuf out = STRBUF_INIT;
	payload_plan_print(p, false, &out);
	if (!strstr(out.buf,
		    "/usr/bin/synth-tool (the test needs the tool): synth-tool-1.0-1.x86_64"))
		fail_msg("expected the requirement with its reason and provider, got:\n%s",
			 out.buf);
	strbuf_release(&out);
	payload_plan_free(p);

	/* a path that only filelists.xml knows and no package requires */
	struct payload_opts of = {.cachedir = e->cache};
	p = NULL;
	payload_require(&of, "/usr/share/synth-chain/synth-chain-a/VERSION", "a file is needed");
	assert_int_equal(plan_for(ks, &of, &p), 0);
	_cleanup_strv_free_ char **lf = payload_plan_nevras(p);
	assert_true(strv_contains(lf, "synth-chain-a-1.0-1.noarch"));
	payload_plan_print(p, false, &out);
	if (!strstr(out.buf, "/usr/share/synth-chain/synth-chain-a/VERSION (a file is needed): "
			     "synth-chain-a-1.0-1.noarch"))
		fail_msg("expected the file requirement with its provider, got:\n%s", out.buf);
	strbuf_release(&out);
	payload_plan_free(p);
	payload_opts_done(&of);

	/* a requirement nothing provides is an error, --ignoremissing or not */
	p = NULL;
	payload_require(&o, "xfsprogs", "the / filesystem is xfs");
	_cleanup_free_ char *ks2 = xasprintf(
	    "url --url=file://%s\n%%packages --nocore --ignoremissing\nsynth-chain-b\n%%end\n",
	    repo);
	assert_int_equal(plan_for(ks2, &o, &p), -ENOENT);
	assert_null(p);
	payload_opts_done(&o);
}

/* No comps (Azure Linux 4.0): no %packages means slipway's minimal set plus
 * the requirements, which %packages --nocore gets without naming them. */
static void test_minimal_set_without_comps(void **state)
{
	struct env *e = *state;
	_cleanup_free_ char *repo =
	    fixture("tests/fixtures/distro/build.sh", "/../repo-nocomps", "repodata/repomd.xml");
	struct payload_plan *p = NULL;
	struct payload_opts o = {.cachedir = e->cache};

	if (!repo)
		skip();
	payload_require(&o, "xfsprogs", "the / filesystem is xfs");
	payload_require(&o, "cryptsetup", "/ is encrypted");
	_cleanup_free_ char *ks = xasprintf("url --url=file://%s\n", repo);
	assert_int_equal(plan_for(ks, &o, &p), 0);
	_cleanup_strv_free_ char **l = payload_plan_nevras(p);
	_cleanup_free_ char *all = strv_join(l, " ");
	const char *want[] = {" filesystem-", " setup-",    " bash-",	   " coreutils-",
			      " systemd-",    " xfsprogs-", " cryptsetup-"};
	_cleanup_free_ char *padded = xasprintf(" %s", all);
	for (size_t i = 0; i < ELEMENTSOF(want); i++)
		if (!strstr(padded, want[i]))
			fail_msg("expected%s… in the minimal set, got: %s", want[i], all);
	struct strbuf out = STRBUF_INIT;
	payload_plan_print(p, false, &out);
	assert_non_null(
	    strstr(out.buf, "no comps groups: slipway's minimal set in place of @core"));
	assert_non_null(strstr(out.buf, "xfsprogs (the / filesystem is xfs): xfsprogs-"));
	strbuf_release(&out);
	payload_plan_free(p);

	p = NULL;
	_cleanup_free_ char *ks2 =
	    xasprintf("url --url=file://%s\n%%packages --nocore\nbash\n%%end\n", repo);
	assert_int_equal(plan_for(ks2, &o, &p), 0);
	_cleanup_strv_free_ char **l2 = payload_plan_nevras(p);
	_cleanup_free_ char *all2 = strv_join(l2, " ");
	if (!strstr(all2, "xfsprogs-") || !strstr(all2, "cryptsetup-") || strstr(all2, "systemd-2"))
		fail_msg("--nocore with requirements: expected xfsprogs and cryptsetup, no "
			 "systemd; got %s",
			 all2);
	payload_plan_free(p);
	payload_opts_done(&o);
}

/* A plan made from the solv cache (the second run) must verify the packages
 * as the first did: the checksums were pointers into libsolv pages, which the
 * file list search of a path requirement reuses when the repo comes from a
 * solv cache, and every package of the test distro then failed its check. */
static void test_warm_cache_download(void **state)
{
	struct env *e = *state;
	_cleanup_free_ char *repo = fixture("tests/fixtures/distro/build.sh", "", "repodata/repomd.xml");
	struct payload_opts o = {.cachedir = e->cache};

	if (!repo)
		skip();
	payload_require(&o, "/usr/lib/systemd/systemd-cryptsetup", "a path only file lists know");
	_cleanup_free_ char *ks = xasprintf("url --url=file://%s\n%%packages\n@core\n%%end\n", repo);
	for (int run = 0; run < 2; run++) { /* cold, then from the cache */
		struct payload_plan *p = NULL;
		assert_int_equal(plan_for(ks, &o, &p), 0);
		if (payload_download(p) != 0)
			fail_msg("run %d (%s): the packages did not verify", run + 1, run ? "warm cache" : "cold");
		payload_plan_free(p);
	}
	payload_opts_done(&o);
}

int main(void)
{
	/* Planning logs what it does; tests only want the failures. */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_requirements, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_minimal_set_without_comps, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_warm_cache_download, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
