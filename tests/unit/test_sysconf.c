/* Unit tests of the system stage's renderers against goldens in
 * tests/data/system/ (UPDATE_GOLDENS=1 rewrites them): hostname, locale,
 * vconsole, adjtime, NTP, networkd and NetworkManager files, shadow lines,
 * the sshd drop-in, SELinux config, yescrypt, the serial console, the SBOM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <crypt.h>
#include <json-c/json.h>

#include "event.h"
#include "kickstart/ks.h"
#include "strbuf.h"
#include "strv.h"
#include "system/sysconf.h"
#include "golden.h"

#define check_golden(name, got) golden_check("system", (name), (got))
#define data_path(name) golden_path("system", (name))

static char last_error[1024];
static void capture_emit(struct event_sink *s, const struct event *e)
{
	if (e->kind == EV_LOG && e->level == LVL_ERROR)
		snprintf(last_error, sizeof(last_error), "%s", e->msg);
}
static struct event_sink capture = {.emit = capture_emit, .max_level = LVL_ERROR};



static struct ks *load_ks(const char *text)
{
	struct ks *ks = NULL;
	struct ks_diags d = {};
	if (ks_load_string("ks.cfg", text, &(struct ks_load_opts){}, &ks, &d) < 0) {
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		ks_diags_format(&d, &sb);
		fail_msg("kickstart did not parse: %s\n%s", text, strbuf_str(&sb));
	}
	ks_diags_free(&d);
	return ks;
}

static void test_hostname(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	static const char *const bad[] = {
	    "",	   "-a",
	    "a-",  "a..b",
	    ".a",  "a_b",
	    "a b", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"};

	assert_int_equal(sysconf_hostname_render("web-01.example.com", &sb), 0);
	check_golden("hostname", sb.buf);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		strbuf_reset(&sb);
		if (sysconf_hostname_render(bad[i], &sb) != -EINVAL)
			fail_msg("host name \"%s\" accepted", bad[i]);
	}
	assert_non_null(strstr(last_error, "not a valid host name"));
}

static void test_locale_vconsole(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	assert_int_equal(sysconf_locale_render("de_DE.UTF-8", &sb), 0);
	check_golden("locale.conf", sb.buf);
	strbuf_reset(&sb);
	assert_int_equal(sysconf_locale_render("en_US.UTF-8 x", &sb), -EINVAL);
	assert_int_equal(sysconf_locale_render("$(reboot)", &sb), -EINVAL);

	_cleanup_(ks_freep) struct ks *a =
	    load_ks("keyboard --vckeymap=de-nodeadkeys --xlayouts=de\n");
	strbuf_reset(&sb);
	assert_int_equal(sysconf_vconsole_render(a->keyboard, &sb), 0);
	check_golden("vconsole.conf", sb.buf);

	_cleanup_(ks_freep) struct ks *b = load_ks("keyboard us\n");
	strbuf_reset(&sb);
	assert_int_equal(sysconf_vconsole_render(b->keyboard, &sb), 0);
	assert_string_equal(sb.buf, "KEYMAP=us\n");

	_cleanup_(ks_freep) struct ks *c = load_ks("keyboard --xlayouts='cz (qwerty)',us\n");
	strbuf_reset(&sb);
	assert_int_equal(sysconf_vconsole_render(c->keyboard, &sb), 0);
	assert_string_equal(sb.buf, "KEYMAP=cz-qwerty\n");
}

static void test_adjtime(void **state)
{
	_cleanup_strbuf_ struct strbuf utc = STRBUF_INIT, local = STRBUF_INIT;

	sysconf_adjtime_render(true, &utc);
	sysconf_adjtime_render(false, &local);
	check_golden("adjtime-utc", utc.buf);
	check_golden("adjtime-local", local.buf);
}

static void test_ntp(void **state)
{
	_cleanup_(ks_freep) struct ks *ks = load_ks("timesource --ntp-server=ntp1.example.com\n"
						    "timesource --ntp-pool=pool.example.org\n"
						    "timesource --ntp-server=10.0.0.1\n");
	_cleanup_(sysconf_ntp_done) struct sysconf_ntp n = {};
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT, old = STRBUF_INIT;
	_cleanup_free_ char *old_path = data_path("chrony.conf.in");

	sysconf_ntp_from_ks(ks, &n);
	assert_int_equal(strv_length(n.servers), 2);
	assert_int_equal(strv_length(n.pools), 1);
	assert_false(n.disable);
	sysconf_timesyncd_render(&n, &sb);
	check_golden("timesyncd-50-slipway.conf", sb.buf);

	assert_int_equal(strbuf_read_file(&old, old_path), 0);
	strbuf_reset(&sb);
	sysconf_chrony_render(old.buf, &n, &sb);
	check_golden("chrony.conf", sb.buf);

	_cleanup_(ks_freep) struct ks *off = load_ks("timesource --ntp-disable\n");
	_cleanup_(sysconf_ntp_done) struct sysconf_ntp m = {};
	sysconf_ntp_from_ks(off, &m);
	assert_true(m.disable);
}

static void test_netmask(void **state)
{
	static const struct {
		const char *in;
		int want;
	} cases[] = {
	    {"255.255.255.0", 24},
	    {"255.255.0.0", 16},
	    {"255.255.255.255", 32},
	    {"0.0.0.0", 0},
	    {"255.255.255.252", 30},
	    {"255.0.255.0", -EINVAL},
	    {"255.255.255.1", -EINVAL},
	    {"24", 24},
	    {"33", -EINVAL},
	    {"", -EINVAL},
	    {"abc", -EINVAL},
	    {"255.255.255", -EINVAL},
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++)
		if (sysconf_netmask_to_prefix(cases[i].in) != cases[i].want)
			fail_msg("netmask %s: expected %d, got %d", cases[i].in, cases[i].want,
				 sysconf_netmask_to_prefix(cases[i].in));
}

/* Renders the first network command of text into the golden name. */
static void network_case(const char *text, const char *golden, const char *filename, bool nm)
{
	_cleanup_(ks_freep) struct ks *ks = load_ks(text);
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	const struct ks_network *n = ks->network.v[0];

	if (nm) {
		assert_int_equal(
		    sysconf_nmconnection_render(n, "0b1e7c58-4b54-4e25-9e8e-3c1c2a7a5a10", &sb), 0);
		if (filename)
			assert_string_equal(sysconf_nmconnection_id(n), filename);
	} else {
		assert_int_equal(sysconf_networkd_render(n, &sb), 0);
		_cleanup_free_ char *name = sysconf_networkd_filename(n);
		if (filename)
			assert_string_equal(name, filename);
	}
	assert_true(sysconf_network_configures_link(n));
	check_golden(golden, sb.buf);
}

static void test_networkd(void **state)
{
	network_case("network --bootproto=dhcp\n", "networkd-dhcp.network",
		     "80-slipway-ether.network", false);
	network_case(
	    "network --bootproto=static --device=eth0 --ip=192.168.122.10 --netmask=255.255.255.0 "
	    "--gateway=192.168.122.1 --nameserver=192.168.122.1,9.9.9.9 --hostname=h1\n",
	    "networkd-static.network", "40-slipway-eth0.network", false);
	network_case("network --bootproto=dhcp --device=ens3 --noipv6 --nameserver=1.1.1.1 "
		     "--ipv4-dns-search=example.com\n",
		     "networkd-noipv6.network", "40-slipway-ens3.network", false);
	network_case(
	    "network --device=52:54:00:12:34:56 --mtu=9000 --onboot=no --nodefroute --nodns\n",
	    "networkd-mtu-onboot.network", "40-slipway-52-54-00-12-34-56.network", false);
	network_case(
	    "network --bootproto=static --device=eth1 --ip=10.1.2.3/16 --ipv6=2001:db8::5/64 "
	    "--ipv6gateway=2001:db8::1\n",
	    "networkd-dualstack.network", "40-slipway-eth1.network", false);
}

static void test_networkd_errors(void **state)
{
	static const char *const bad[] = {
	    "network --bootproto=static --device=eth0\n",
	    "network --bootproto=static --device=eth0 --ip=10.0.0.1 --netmask=255.0.255.0\n",
	    "network --bootproto=static --device=eth0 --ip=10.0.0.300 --netmask=24\n",
	    "network --device=eth0 --mtu=big\n",
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		_cleanup_(ks_freep) struct ks *ks = load_ks(bad[i]);
		_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
		last_error[0] = '\0';
		if (sysconf_networkd_render(ks->network.v[0], &sb) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
		assert_non_null(strstr(last_error, "ks.cfg:1: network"));
	}
	/* --hostname alone names the machine and configures no link */
	_cleanup_(ks_freep) struct ks *h = load_ks("network --hostname=box\n");
	assert_false(sysconf_network_configures_link(h->network.v[0]));
}

static void test_nmconnection(void **state)
{
	network_case(
	    "network --bootproto=static --device=eth0 --ip=192.168.122.10 --netmask=255.255.255.0 "
	    "--gateway=192.168.122.1 --nameserver=192.168.122.1,9.9.9.9 --mtu=1400\n",
	    "nm-static.nmconnection", "eth0", true);
	network_case("network --bootproto=dhcp --noipv6 --onboot=no\n",
		     "nm-dhcp-noipv6.nmconnection", "slipway-ethernet", true);
}

static void test_shadow_field(void **state)
{
	_cleanup_free_ char *in_path = data_path("shadow.in");
	_cleanup_strbuf_ struct strbuf in = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT,
				       c = STRBUF_INIT;

	assert_int_equal(strbuf_read_file(&in, in_path), 0);
	assert_int_equal(sysconf_db_set_field(in.buf, "alice", 2, "$y$j9T$salt$hash", &a), 0);
	assert_int_equal(sysconf_db_set_field(a.buf, "alice", 3, "", &b), 0);
	check_golden("shadow.out", b.buf);
	/* a prefix of another name is not that name */
	assert_int_equal(sysconf_db_set_field(in.buf, "ali", 2, "x", &c), -ENOENT);
	strbuf_reset(&c);
	/* short lines are padded to the field */
	assert_int_equal(sysconf_db_set_field("u:x\n", "u", 7, "/bin/bash", &c), 0);
	assert_string_equal(c.buf, "u:x:::::/bin/bash\n");
}

static void test_password_field(void **state)
{
	_cleanup_free_ char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

	assert_int_equal(sysconf_password_field("$6$salt$hash", true, false, &a), 0);
	assert_string_equal(a, "$6$salt$hash");
	assert_int_equal(sysconf_password_field("$6$salt$hash", true, true, &b), 0);
	assert_string_equal(b, "!$6$salt$hash");
	assert_int_equal(sysconf_password_field(NULL, false, true, &c), 0);
	assert_string_equal(c, "!");
	assert_int_equal(sysconf_password_field("$6$a:b", true, false, &d), -EINVAL);
}

static void test_yescrypt(void **state)
{
	_cleanup_free_ char *h1 = NULL, *h2 = NULL, *locked = NULL;
	struct crypt_data cd = {};

	assert_int_equal(sysconf_hash_password("correct horse", &h1), 0);
	assert_int_equal(sysconf_hash_password("correct horse", &h2), 0);
	if (!startswith(h1, "$y$"))
		fail_msg("expected a yescrypt hash ($y$…), got %s", h1);
	assert_string_equal(crypt_r("correct horse", h1, &cd), h1);
	assert_string_not_equal(crypt_r("wrong horse", h1, &cd), h1);
	assert_string_not_equal(h1, h2); /* random salt */
	assert_int_equal(sysconf_password_field("correct horse", false, true, &locked), 0);
	assert_true(startswith(locked, "!$y$"));
	assert_string_equal(crypt_r("correct horse", locked + 1, &cd), locked + 1);
}

static void test_sshd_selinux(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT, old = STRBUF_INIT;
	_cleanup_free_ char *old_path = data_path("selinux-config.in");

	sysconf_sshd_root_render(&sb);
	check_golden("sshd-01-permitrootlogin.conf", sb.buf);
	strbuf_reset(&sb);
	assert_int_equal(strbuf_read_file(&old, old_path), 0);
	sysconf_selinux_render(old.buf, "permissive", &sb);
	check_golden("selinux-config", sb.buf);
	strbuf_reset(&sb);
	sysconf_selinux_render(NULL, "enforcing", &sb);
	check_golden("selinux-config-new", sb.buf);
}

static void test_serial_console(void **state)
{
	static const struct {
		const char *cmdline, *active, *want;
	} cases[] = {
	    {"ro console=tty0 console=ttyS0,115200n8", NULL, "ttyS0"},
	    {"ro console=ttyS1,115200 console=tty0", "ttyS1 tty0", NULL},
	    {"ro quiet", "tty0 ttyS0", "ttyS0"},
	    {"ro quiet", "tty0", NULL},
	    {NULL, "ttyAMA0\n", "ttyAMA0"},
	    {"console=/dev/hvc0", NULL, "hvc0"},
	    {NULL, NULL, NULL},
	    {"console=ttyS", NULL, NULL},
	};
	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_free_ char *got =
		    sysconf_serial_console_parse(cases[i].cmdline, cases[i].active);
		if (!streq(strna(got), strna(cases[i].want)))
			fail_msg("cmdline [%s] active [%s]: expected %s, got %s",
				 strna(cases[i].cmdline), strna(cases[i].active),
				 strna(cases[i].want), strna(got));
	}
}

static void test_sbom(void **state)
{
	struct sysconf_pkg pkgs[] = {
	    {.name = "zlib",
	     .version = "1.3.1",
	     .release = "2.azl4",
	     .arch = "x86_64",
	     .license = "Zlib",
	     .vendor = "Microsoft Corporation",
	     .sha256 = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"},
	    {.name = "libstdc++",
	     .epoch = "1",
	     .version = "14.2.0",
	     .release = "1+deb13u1",
	     .arch = "x86_64",
	     .license = "GPL-3.0-or-later WITH GCC-exception-3.1",
	     .packager = "Slipway Test <t@slipway.invalid>"},
	    {.name = "base-files",
	     .version = "13.8",
	     .release = "0",
	     .arch = "noarch",
	     .license = "see /usr/share/doc/*/copyright"},
	    {.name = "gpg-pubkey",
	     .version = "8e1476b4",
	     .release = "6b05db80",
	     .license = "pubkey"},
	};
	struct sysconf_sbom_meta m = {.name = "web-01",
				      .namespace_ = "https://slipway.invalid/spdx/web-01-test",
				      .created = "2025-01-02T03:04:05Z",
				      .distro = "azurelinux",
				      .distro_name = "Azure Linux",
				      .distro_version = "4.0"};
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	assert_int_equal(sysconf_sbom_render(pkgs, ELEMENTSOF(pkgs), &m, &sb), 0);
	/* the tool version changes with every commit: keep it out of the golden */
	static const char tool[] = "\"Tool: slipway-";
	char *at = strstr(sb.buf, tool), *end = at ? strchr(at + strlen(tool), '"') : NULL;
	assert_non_null(end);
	_cleanup_strbuf_ struct strbuf norm = STRBUF_INIT;
	strbuf_add(&norm, sb.buf, (size_t)(at - sb.buf));
	strbuf_adds(&norm, "\"Tool: slipway-VERSION");
	strbuf_adds(&norm, end);
	check_golden("sbom.spdx.json", norm.buf);

	/* shape, read back with json-c */
	_cleanup_free_ char *golden = data_path("sbom.spdx.json");
	json_object *doc = json_object_from_file(golden), *v, *pk;
	assert_non_null(doc);
	assert_true(json_object_object_get_ex(doc, "spdxVersion", &v));
	assert_string_equal(json_object_get_string(v), "SPDX-2.3");
	assert_true(json_object_object_get_ex(doc, "dataLicense", &v));
	assert_string_equal(json_object_get_string(v), "CC0-1.0");
	assert_true(json_object_object_get_ex(doc, "packages", &pk));
	assert_int_equal(json_object_array_length(pk), ELEMENTSOF(pkgs) + 1);
	for (size_t i = 1; i < json_object_array_length(pk); i++) {
		json_object *p = json_object_array_get_idx(pk, i), *refs, *ref, *loc;
		static const char *const keys[] = {
		    "name",	   "SPDXID",	       "versionInfo",
		    "supplier",	   "downloadLocation", "licenseDeclared",
		    "externalRefs"};
		for (size_t k = 0; k < ELEMENTSOF(keys); k++)
			if (!json_object_object_get_ex(p, keys[k], &v))
				fail_msg("package %zu has no %s", i, keys[k]);
		assert_true(json_object_object_get_ex(p, "externalRefs", &refs));
		ref = json_object_array_get_idx(refs, 0);
		assert_true(json_object_object_get_ex(ref, "referenceLocator", &loc));
		assert_true(startswith(json_object_get_string(loc), "pkg:rpm/azurelinux/"));
	}
	json_object *p1 = json_object_array_get_idx(pk, 3), *loc,
		    *refs; /* libstdc++ after base-files, gpg-pubkey */
	assert_true(json_object_object_get_ex(p1, "externalRefs", &refs));
	assert_true(json_object_object_get_ex(json_object_array_get_idx(refs, 0),
					      "referenceLocator", &loc));
	assert_string_equal(
	    json_object_get_string(loc),
	    "pkg:rpm/azurelinux/libstdc%2B%2B@14.2.0-1%2Bdeb13u1?arch=x86_64&epoch=1");
	json_object_put(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hostname),	    cmocka_unit_test(test_locale_vconsole),
	    cmocka_unit_test(test_adjtime),	    cmocka_unit_test(test_ntp),
	    cmocka_unit_test(test_netmask),	    cmocka_unit_test(test_networkd),
	    cmocka_unit_test(test_networkd_errors), cmocka_unit_test(test_nmconnection),
	    cmocka_unit_test(test_shadow_field),    cmocka_unit_test(test_password_field),
	    cmocka_unit_test(test_yescrypt),	    cmocka_unit_test(test_sshd_selinux),
	    cmocka_unit_test(test_serial_console),  cmocka_unit_test(test_sbom),
	};
	event_sink_add(&capture);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
