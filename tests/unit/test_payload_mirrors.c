/* Unit tests of payload/mirrors.c: mirror lists and metalinks as dnf reads
 * them, good and bad, and the metalink hash check of a file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <solv/knownid.h>

#include "payload/payload-internal.h"
#include "strv.h"

static void expect_mirrors(char **got, const char *const *want)
{
	size_t n = 0;

	for (; want[n]; n++)
		if (!got || !got[n] || !streq(got[n], want[n]))
			fail_msg("mirror %zu: expected [%s], got [%s]", n, want[n], got && got[n] ? got[n] : "(none)");
	if (got[n])
		fail_msg("mirror %zu: expected none, got [%s]", n, got[n]);
}

static void test_mirrorlist(void **state)
{
	static const char *const want[] = { "http://a/os", "https://b/x/$basearch", "file:///srv/os", NULL };
	_cleanup_strv_free_ char **l = NULL;
	_cleanup_free_ char *err = NULL;

	assert_int_equal(payload_mirrorlist_parse("# comment\n\n  http://a/os/  \r\n"
						  "https://b/x/$basearch/repodata/repomd.xml\n"
						  "rsync://c/os\n" /* a scheme dnf cannot fetch: skipped */
						  "http://a/os\n"  /* twice: once */
						  "file:///srv/os",
						  &l, &err),
			 3);
	expect_mirrors(l, want);
}

static void test_mirrorlist_bad(void **state)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "", "no http://, https:// or file:/// mirror in it" },
		{ "# only\n\n   \n", "no http://, https:// or file:/// mirror in it" },
		{ "rsync://only/os\n", "no http://, https:// or file:/// mirror in it" },
		{ "http://a/\nnot a url\n", "line 2: not a URL: \"not a url\"" },
		{ "<html><body>404</body></html>", "line 1: not a URL: \"<html><body>404</body></html>\"" },
		{ "http://a/ http://b/\n", "line 1: not a URL: \"http://a/ http://b/\"" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		char **l = NULL, *err = NULL;
		int r = payload_mirrorlist_parse(cases[i].text, &l, &err);
		if (r != -EBADMSG || !err || !streq(err, cases[i].err))
			fail_msg("mirrorlist [%s]: expected -EBADMSG [%s], got %d [%s]", cases[i].text, cases[i].err,
				 r, strna(err));
		assert_null(l);
		free(err);
	}
}

#define SHA256_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define MD5_ABC "900150983cd24fb0d6963f7d28e17f72"

static const char metalink_xml[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	"<metalink version=\"3.0\" xmlns=\"http://www.metalinker.org/\" type=\"dynamic\" "
	"xmlns:mm0=\"http://fedorahosted.org/mirrormanager\">\n"
	" <files>\n"
	"  <file name=\"other.xml\"><verification><hash type=\"sha256\">" SHA256_ABC "</hash></verification>"
	"   <resources><url protocol=\"http\" preference=\"100\">http://other/x</url></resources></file>\n"
	"  <file name=\"repomd.xml\">\n"
	"   <mm0:timestamp>1700000000</mm0:timestamp>\n"
	"   <size>3</size>\n"
	"   <verification>\n"
	"    <hash type=\"md5\">" MD5_ABC "</hash>\n"
	"    <hash type=\"sha999\">00</hash>\n"
	"    <hash type=\"sha256\">\n  BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD\n  </hash>\n"
	"   </verification>\n"
	"   <mm0:alternates><mm0:alternate><mm0:timestamp>1</mm0:timestamp><size>4</size>\n"
	"    <verification><hash type=\"sha512\">"
	"00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
	"000000000000000000000000000000000000</hash></verification></mm0:alternate></mm0:alternates>\n"
	"   <resources maxconnections=\"1\">\n"
	"    <url protocol=\"rsync\" type=\"rsync\" preference=\"100\">rsync://r/os/repodata/repomd.xml</url>\n"
	"    <url protocol=\"http\" type=\"http\" location=\"US\" preference=\"50\">http://low/os/repodata/repomd.xml</url>\n"
	"    <url protocol=\"https\" type=\"https\" location=\"DE\" preference=\"99\">https://high/os/repodata/repomd.xml</url>\n"
	"    <url protocol=\"http\" type=\"http\" preference=\"50\">http://low2/os/repodata/repomd.xml</url>\n"
	"    <url protocol=\"ftp\" type=\"ftp\" preference=\"98\">ftp://f/os/repodata/repomd.xml</url>\n"
	"   </resources>\n"
	"  </file>\n"
	" </files>\n"
	"</metalink>\n";

static void test_metalink(void **state)
{
	static const char *const want[] = { "https://high/os", "http://low/os", "http://low2/os", NULL };
	struct payload_metalink ml = {};
	_cleanup_free_ char *err = NULL;

	assert_int_equal(payload_metalink_parse(metalink_xml, strlen(metalink_xml), &ml, &err), 3);
	expect_mirrors(ml.mirrors, want);
	assert_int_equal(ml.size, 3);
	/* md5, sha256 (lower-cased), the alternate's sha512; sha999 is unknown */
	assert_int_equal(ml.n_hashes, 3);
	assert_int_equal(ml.hashes[0].type, REPOKEY_TYPE_MD5);
	assert_string_equal(ml.hashes[0].hex, MD5_ABC);
	assert_int_equal(ml.hashes[1].type, REPOKEY_TYPE_SHA256);
	assert_string_equal(ml.hashes[1].hex, SHA256_ABC);
	assert_int_equal(ml.hashes[2].type, REPOKEY_TYPE_SHA512);

	char path[] = "/tmp/slipway-test-metalink.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	assert_int_equal(payload_metalink_check(&ml, path, NULL), 0);
	/* any listed hash matching is enough: only the sha256 right */
	ml.hashes[0].hex[0] = 'f';
	assert_int_equal(payload_metalink_check(&ml, path, NULL), 0);
	ml.hashes[1].hex[0] = '0';
	_cleanup_free_ char *got = NULL;
	assert_int_equal(payload_metalink_check(&ml, path, &got), -EBADMSG);
	assert_string_equal(got, "md5 " MD5_ABC);
	unlink(path);
	assert_int_equal(payload_metalink_check(&ml, path, NULL), -ENOENT);
	payload_metalink_done(&ml);
	assert_null(ml.mirrors);
}

static void test_metalink_bad(void **state)
{
	static const struct {
		const char *xml, *err;
	} cases[] = {
		{ "", "line 1: no element found" },
		{ "<metalink><files>", "line 1: no element found" },
		{ "<metalink><files></metalink>", "line 1: mismatched tag" },
		{ "http://a/os\n", "line 1: " },
		{ "<metalink><files><file name=\"other\"/></files></metalink>", "no <file name=\"repomd.xml\"> in it" },
		{ "<metalink><files><file name=\"repomd.xml\"><resources><url>http://a/</url></resources>"
		  "</file></files></metalink>",
		  "no md5, sha1, sha224, sha256, sha384 or sha512 hash of repomd.xml in it" },
		{ "<metalink><files><file name=\"repomd.xml\"><verification><hash type=\"sha256\">abc</hash>"
		  "</verification><resources><url>http://a/</url></resources></file></files></metalink>",
		  "no md5, sha1, sha224, sha256, sha384 or sha512 hash of repomd.xml in it" },
		{ "<metalink><files><file name=\"repomd.xml\"><verification><hash type=\"md5\">" MD5_ABC
		  "</hash></verification><resources><url protocol=\"rsync\">rsync://a/</url><url>ftp://b/</url>"
		  "</resources></file></files></metalink>",
		  "no http, https or file mirror of repomd.xml in it" },
		{ "<!DOCTYPE m [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
		  "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
		  "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">"
		  "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\"><!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">]>"
		  "<metalink><files><file name=\"repomd.xml\"><verification><hash type=\"md5\">&h;</hash>"
		  "</verification></file></files></metalink>",
		  NULL /* expat's amplification limit, or no hash: an error either way */ },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct payload_metalink ml = {};
		char *err = NULL;
		int r = payload_metalink_parse(cases[i].xml, strlen(cases[i].xml), &ml, &err);
		if (r != -EBADMSG || !err || (cases[i].err && !startswith(err, cases[i].err)))
			fail_msg("metalink %zu: expected -EBADMSG [%s], got %d [%s]", i, strna(cases[i].err), r,
				 strna(err));
		assert_null(ml.mirrors);
		assert_int_equal(ml.n_hashes, 0);
		free(err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mirrorlist),
		cmocka_unit_test(test_mirrorlist_bad),
		cmocka_unit_test(test_metalink),
		cmocka_unit_test(test_metalink_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
