/* Unit tests of payload/: $basearch/$releasever substitution, repo config from
 * real kickstart text, the minimal list, requirements, checksums. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <solv/knownid.h>

#include "kickstart/ks.h"
#include "payload/payload-internal.h"
#include "strv.h"

static void test_substitute(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"http://x/$releasever/$basearch/os", "http://x/4.0/x86_64/os"},
	    {"http://x/${releasever}-${basearch}", "http://x/4.0-x86_64"},
	    {"$basearchive/$releasever_x", "$basearchive/$releasever_x"},
	    {"/$arch/", "/x86_64/"},
	    {"no variables", "no variables"},
	    {"$", "$"},
	    {"", ""},
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *got = payload_substitute(cases[i].in, "x86_64", "4.0");
		if (!streq(got, cases[i].want))
			fail_msg("substitute(%s): expected [%s], got [%s]", cases[i].in,
				 cases[i].want, got);
	}
	assert_string_equal(payload_basearch("i686"), "i386");
	assert_string_equal(payload_basearch("x86_64"), "x86_64");
	assert_string_equal(payload_basearch("aarch64"), "aarch64");
}

static void test_minimal_list(void **state)
{
	_cleanup_strv_free_ char **l = payload_minimal_list();

	assert_true(strv_length(l) >= 8);
	assert_string_equal(l[0], "filesystem");
	assert_true(strv_contains(l, "setup"));
	assert_true(strv_contains(l, "bash"));
	assert_true(strv_contains(l, "rpm"));
	STRV_FOREACH (s, l) {
		if (strpbrk(*s, "# \t") || !**s)
			fail_msg("minimal list entry [%s] holds a comment or blank", *s);
	}
}

static void test_require(void **state)
{
	struct payload_opts o = {};

	payload_require(&o, "xfsprogs", "the / filesystem is xfs");
	payload_require(&o, "cryptsetup", "/home is encrypted");
	payload_require(&o, "xfsprogs", "/var is xfs");
	assert_int_equal(o.n_reqs, 2);
	assert_string_equal(o.reqs[0].capability, "xfsprogs");
	assert_string_equal(o.reqs[0].reason, "the / filesystem is xfs");
	payload_opts_done(&o);
	assert_null(o.reqs);
	assert_int_equal(o.n_reqs, 0);
}

/* Repos as the kickstart parser gives them; returns payload_repos_from_ks's result. */
static int repos_of(const char *text, const struct payload_opts *o, struct payload_plan **ret)
{
	_cleanup_(ks_freep) struct ks *ks = NULL;
	struct ks_diags d = {};
	static const struct payload_opts none;

	int r = ks_load_string("ks.cfg", text, NULL, &ks, &d);
	if (r < 0) {
		struct strbuf sb = STRBUF_INIT;
		ks_diags_format(&d, &sb);
		fail_msg("kickstart did not parse: %s", strbuf_str(&sb));
	}
	ks_diags_free(&d);
	*ret = xnew0(struct payload_plan, 1);
	return payload_repos_from_ks(*ret, ks, o ? o : &none, "x86_64", "4.0");
}

static void test_repos_from_ks(void **state)
{
	struct payload_plan *p = NULL;

	assert_int_equal(repos_of("url --url=http://mirror/$releasever/$basearch/\n"
				  "repo --name=extra --baseurl=file:///srv/extra/ --cost=10 "
				  "--includepkgs=a*,b --excludepkgs=bad --install\n",
				  NULL, &p),
			 0);
	assert_int_equal(p->n_repos, 2);
	assert_string_equal(p->repos[0]->id, "anaconda");
	assert_string_equal(p->repos[0]->baseurl, "http://mirror/4.0/x86_64");
	assert_null(p->repos[0]->local_dir);
	assert_int_equal(p->repos[0]->cost, 1000);
	assert_true(p->repos[0]->gpgcheck);
	assert_string_equal(p->repos[1]->id, "extra");
	assert_string_equal(p->repos[1]->baseurl, "file:///srv/extra");
	assert_string_equal(p->repos[1]->local_dir, "/srv/extra");
	assert_int_equal(p->repos[1]->cost, 10);
	assert_true(strv_contains(p->repos[1]->includepkgs, "a*"));
	assert_true(strv_contains(p->repos[1]->excludepkgs, "bad"));
	assert_true(p->repos[1]->install);
	assert_string_equal(p->repos[1]->where, "ks.cfg:2: repo");
	payload_plan_free(p);

	char *keys[] = {"file:///k/RPM-GPG-KEY-x", NULL};
	struct payload_opts o = {.gpgkeys = keys};
	assert_int_equal(repos_of("url --url=/srv/os\n", &o, &p), 0);
	assert_string_equal(p->repos[0]->baseurl, "file:///srv/os");
	assert_true(strv_equal(p->repos[0]->gpgkeys, keys));
	payload_plan_free(p);

	/* mirror lists are read when metadata loads; the cache key is the list */
	assert_int_equal(repos_of("url --mirrorlist=http://m/$releasever/list?arch=$basearch\n"
				  "repo --name=ml --metalink=https://m/metalink?repo=x-$releasever\n",
				  NULL, &p),
			 0);
	assert_null(p->repos[0]->baseurl);
	assert_string_equal(p->repos[0]->mirrorlist, "http://m/4.0/list?arch=x86_64");
	assert_string_equal(payload_repo_url(p->repos[0]), "http://m/4.0/list?arch=x86_64");
	assert_string_equal(p->repos[1]->metalink, "https://m/metalink?repo=x-4.0");
	assert_string_equal(p->basearch, "x86_64");
	payload_plan_free(p);

	/* cdrom/harddrive: the directory the installer mounted */
	o = (struct payload_opts){.source_dir = "/run/install/repo"};
	assert_int_equal(repos_of("cdrom\n", &o, &p), 0);
	assert_string_equal(p->repos[0]->baseurl, "file:///run/install/repo");
	assert_string_equal(p->repos[0]->where, "ks.cfg:1: cdrom");
	payload_plan_free(p);
}

static void test_repos_errors(void **state)
{
	struct payload_plan *p = NULL;

	assert_int_equal(repos_of("url --mirrorlist=ftp://m/list\n", NULL, &p), -EINVAL);
	payload_plan_free(p);
	assert_int_equal(repos_of("cdrom\n", NULL, &p), -EINVAL); /* not mounted */
	payload_plan_free(p);
	assert_int_equal(repos_of("url --url=nfs://server/os\n", NULL, &p), -EINVAL);
	payload_plan_free(p);
	assert_int_equal(repos_of("rootpw --lock\n", NULL, &p), -EINVAL);
	payload_plan_free(p);
	assert_int_equal(
	    repos_of("url --url=http://a/\nrepo --name=anaconda --baseurl=http://b/\n", NULL, &p),
	    -EINVAL);
	payload_plan_free(p);
}

static void test_verify_checksum(void **state)
{
	char path[] = "/tmp/slipway-test-payload.XXXXXX";
	int fd = mkstemp(path);
	/* sha256("abc") */
	static const unsigned char want[32] = {
	    0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
	    0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
	    0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	unsigned char bad[32];

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	assert_int_equal(payload_verify_checksum(path, REPOKEY_TYPE_SHA256, want), 0);
	memcpy(bad, want, sizeof(bad));
	bad[31] ^= 1;
	assert_int_equal(payload_verify_checksum(path, REPOKEY_TYPE_SHA256, bad), -EBADMSG);
	unlink(path);
	assert_int_equal(payload_verify_checksum(path, REPOKEY_TYPE_SHA256, want), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_substitute),	 cmocka_unit_test(test_minimal_list),
	    cmocka_unit_test(test_require),	 cmocka_unit_test(test_repos_from_ks),
	    cmocka_unit_test(test_repos_errors), cmocka_unit_test(test_verify_checksum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
