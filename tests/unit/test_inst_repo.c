/* Unit tests of installer/inst-repo.c: every inst.repo= form Anaconda
 * documents, the ones slipway refuses, malformed values, and the kickstart
 * source each one becomes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "installer/inst-repo.h"
#include "kickstart/ks.h"

static void test_parse_good(void **state)
{
	static const struct {
		const char *value;
		enum inst_repo_kind kind;
		const char *url, *device, *path;
	} cases[] = {
		{ "http://mirror.example/os/x86_64/", INST_REPO_URL, "http://mirror.example/os/x86_64/", NULL, NULL },
		{ "https://10.0.0.1:8443/repo", INST_REPO_URL, "https://10.0.0.1:8443/repo", NULL, NULL },
		{ "file:///run/install/repo", INST_REPO_URL, "file:///run/install/repo", NULL, NULL },
		{ "hd:sdb1:/repo", INST_REPO_HD, NULL, "sdb1", "/repo" },
		{ "hd:/dev/sdb1:/os/x86_64", INST_REPO_HD, NULL, "/dev/sdb1", "/os/x86_64" },
		{ "hd:LABEL=REPO:/", INST_REPO_HD, NULL, "LABEL=REPO", "/" },
		{ "hd:UUID=2f1c-9a7e:/srv/repo", INST_REPO_HD, NULL, "UUID=2f1c-9a7e", "/srv/repo" },
		{ "hd:LABEL=REPO", INST_REPO_HD, NULL, "LABEL=REPO", "/" },
		{ "hd:/dev/disk/by-label/REPO:/r", INST_REPO_HD, NULL, "/dev/disk/by-label/REPO", "/r" },
		{ "cdrom", INST_REPO_CDROM, NULL, NULL, NULL },
		{ "cdrom:/dev/sr1", INST_REPO_CDROM, NULL, "/dev/sr1", NULL },
		{ "cdrom:sr0", INST_REPO_CDROM, NULL, "sr0", NULL },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct inst_repo r = {};
		_cleanup_free_ char *err = NULL;
		int k = inst_repo_parse(cases[i].value, &r, &err);
		if (k != 0)
			fail_msg("inst.repo=%s: expected success, got %d [%s]", cases[i].value, k, strna(err));
		assert_int_equal(r.kind, cases[i].kind);
		assert_string_equal(strna(r.url), strna(cases[i].url));
		assert_string_equal(strna(r.device), strna(cases[i].device));
		assert_string_equal(strna(r.path), strna(cases[i].path));
		inst_repo_done(&r);
	}
	assert_string_equal(inst_repo_kind_to_string(INST_REPO_HD), "harddrive");
	assert_null(inst_repo_kind_to_string(_INST_REPO_KIND_MAX));
}

static void test_parse_bad(void **state)
{
	static const struct {
		const char *value;
		int r;
		const char *err;
	} cases[] = {
		{ "", -EINVAL, "an empty value" },
		{ "http://a/b c", -EINVAL, "a value with spaces or control characters" },
		{ "http://a/\n", -EINVAL, "a value with spaces or control characters" },
		{ "nfs:server:/export/os", -EOPNOTSUPP, "NFS sources are not supported by slipway yet" },
		{ "nfs:nfsvers=4:server:/os", -EOPNOTSUPP, "NFS sources are not supported by slipway yet" },
		{ "nfs4:server:/os", -EOPNOTSUPP, "NFS sources are not supported by slipway yet" },
		{ "ftp://server/os", -EOPNOTSUPP, "ftp:// sources are not supported by slipway (use http:// or https://)" },
		{ "smb://server/os", -EOPNOTSUPP, "smb:// sources are not supported by slipway" },
		{ "hmc", -EOPNOTSUPP, "hmc (the SE/HMC drive of IBM Z) is not supported" },
		{ "http://", -EINVAL, "\"http://\": a URL needs a host" },
		{ "https:///path", -EINVAL, "\"https:///path\": a URL needs a host" },
		{ "file://relative/path", -EINVAL, "\"file://relative/path\": a file URL needs an absolute path (file:///…)" },
		{ "hd:", -EINVAL, "\"hd:\": hd: needs a device (hd:sdb1:/path, hd:LABEL=x:/path, hd:UUID=x:/path)" },
		{ "hd::/repo", -EINVAL, "\"hd::/repo\": hd: needs a device (hd:sdb1:/path, hd:LABEL=x:/path, hd:UUID=x:/path)" },
		{ "hd:LABEL=:/repo", -EINVAL, "\"hd:LABEL=:/repo\": hd: needs a device (hd:sdb1:/path, hd:LABEL=x:/path, hd:UUID=x:/path)" },
		{ "hd:../sda1:/r", -EINVAL, "\"hd:../sda1:/r\": hd: needs a device (hd:sdb1:/path, hd:LABEL=x:/path, hd:UUID=x:/path)" },
		{ "hd:/dev/../etc/passwd:/r", -EINVAL, "\"hd:/dev/../etc/passwd:/r\": hd: needs a device (hd:sdb1:/path, hd:LABEL=x:/path, hd:UUID=x:/path)" },
		{ "hd:sdb1:repo", -EINVAL, "\"hd:sdb1:repo\": the path after the device must be absolute" },
		{ "cdrom:", -EINVAL, "\"cdrom:\": cdrom: needs a device (cdrom:/dev/sr0)" },
		{ "/srv/repo", -EINVAL, "\"/srv/repo\": not an installation source (http://, https://, hd:DEV:/path, cdrom, cdrom:DEV)" },
		{ "cdromx", -EINVAL, "\"cdromx\": not an installation source (http://, https://, hd:DEV:/path, cdrom, cdrom:DEV)" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct inst_repo r = {};
		_cleanup_free_ char *err = NULL;
		int k = inst_repo_parse(cases[i].value, &r, &err);
		if (k != cases[i].r || !err || !streq(err, cases[i].err))
			fail_msg("inst.repo=%s: expected %d [%s], got %d [%s]", cases[i].value, cases[i].r,
				 cases[i].err, k, strna(err));
		assert_null(r.url);
		assert_null(r.device);
	}
}

static struct ks *load(const char *text)
{
	struct ks *ks = NULL;
	struct ks_diags d = {};

	assert_int_equal(ks_load_string("ks.cfg", text, NULL, &ks, &d), 0);
	ks_diags_free(&d);
	return ks;
}

static void apply(const char *value, struct ks *ks, int want)
{
	struct inst_repo r = {};
	_cleanup_free_ char *err = NULL;

	assert_int_equal(inst_repo_parse(value, &r, &err), 0);
	assert_int_equal(inst_repo_apply(&r, ks), want);
	inst_repo_done(&r);
}

static void test_apply(void **state)
{
	_cleanup_(ks_freep) struct ks *a = load("rootpw --lock\n");
	apply("https://m/os/", a, 1);
	assert_non_null(a->url);
	assert_string_equal(a->url->url, "https://m/os/");
	assert_string_equal(a->url->loc.file, "inst.repo");
	struct ks_diags d = {};
	assert_int_equal(ks_validate(a, &(struct ks_load_opts){}, &d), 0);
	ks_diags_free(&d);

	_cleanup_(ks_freep) struct ks *b = load("rootpw --lock\n");
	apply("hd:LABEL=REPO:/os", b, 1);
	assert_string_equal(b->harddrive->partition, "LABEL=REPO");
	assert_string_equal(b->harddrive->dir, "/os");
	assert_null(b->cdrom);

	_cleanup_(ks_freep) struct ks *c = load("rootpw --lock\n");
	apply("cdrom", c, 1);
	assert_non_null(c->cdrom);
	_cleanup_(ks_freep) struct ks *c2 = load("rootpw --lock\n");
	apply("cdrom:/dev/sr1", c2, 1); /* one device, read-only: what harddrive does */
	assert_null(c2->cdrom);
	assert_string_equal(c2->harddrive->partition, "/dev/sr1");
	assert_string_equal(c2->harddrive->dir, "/");

	/* the kickstart's own source wins; repo lines are not a source */
	_cleanup_(ks_freep) struct ks *e = load("url --url=http://ks/os\n");
	apply("cdrom", e, 0);
	assert_null(e->cdrom);
	assert_string_equal(e->url->url, "http://ks/os");
	_cleanup_(ks_freep) struct ks *f = load("cdrom\n");
	apply("hd:sdb1:/r", f, 0);
	assert_null(f->harddrive);
	_cleanup_(ks_freep) struct ks *g = load("repo --name=x --baseurl=http://x/\n");
	apply("http://m/os", g, 1);
	assert_string_equal(g->url->url, "http://m/os");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_apply),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
