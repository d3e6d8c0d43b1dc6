/* Unit tests of ui/tui-answers.c: the kickstart the TUI's answers make
 * (parsed and validated by the real parser, quoting of odd values), what the
 * hub says is still missing, and the field checks. No terminal here: the
 * screens are tested through tmux (tests/integration/test-tui-image.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kickstart/ks.h"
#include "strv.h"
#include "ui/tui-answers.h"
#include "ui/tui-widgets.h"

/* The answers' kickstart must load and validate without a diagnostic. */
static struct ks *answers_ks(const struct tui_answers *a, struct strbuf *text)
{
	struct ks_diags d = {};
	struct ks *ks = NULL;
	struct strbuf diag = STRBUF_INIT;

	tui_answers_to_ks(a, text);
	int r = ks_load_string("tui.ks", strbuf_str(text), NULL, &ks, &d);
	if (r >= 0)
		r = ks_validate(ks, NULL, &d);
	ks_diags_format(&d, &diag);
	if (r < 0 || d.n > 0)
		fail_msg("the answers' kickstart:\n%s\ngave:\n%s", strbuf_str(text), strbuf_str(&diag));
	ks_diags_free(&d);
	strbuf_release(&diag);
	return ks;
}

static void test_defaults_missing(void **state)
{
	struct tui_answers a;

	tui_answers_init(&a);
	assert_string_equal(tui_spoke_missing(&a, TUI_SPOKE_SOURCE), "no installation source");
	assert_string_equal(tui_spoke_missing(&a, TUI_SPOKE_DESTINATION), "no disk selected");
	assert_string_equal(tui_spoke_missing(&a, TUI_SPOKE_ROOT), "root password is not set");
	assert_null(tui_spoke_missing(&a, TUI_SPOKE_PARTITIONING));
	assert_null(tui_spoke_missing(&a, TUI_SPOKE_SOFTWARE));
	a.image = true;
	assert_null(tui_spoke_missing(&a, TUI_SPOKE_DESTINATION));
	/* a locked root needs an administrator, as in Anaconda */
	a.root_lock = true;
	assert_string_equal(tui_spoke_missing(&a, TUI_SPOKE_ROOT), "root is locked: create an administrator");
	a.user_name = xstrdup("alice");
	a.user_admin = true;
	assert_null(tui_spoke_missing(&a, TUI_SPOKE_ROOT));
	/* encryption without a passphrase */
	a.encrypt = true;
	assert_string_equal(tui_spoke_missing(&a, TUI_SPOKE_PARTITIONING), "encryption needs a passphrase");
	a.scheme = TUI_SCHEME_CUSTOM;
	assert_string_equal(tui_spoke_missing(&a, TUI_SPOKE_PARTITIONING), "no / partition");
	tui_answers_add_part(&a, "/", 2048, true, "xfs", false);
	assert_null(tui_spoke_missing(&a, TUI_SPOKE_PARTITIONING)); /* custom: rows decide */
	tui_answers_done(&a);
}

static void test_auto_encrypted_disks(void **state)
{
	struct tui_answers a;
	struct strbuf text = STRBUF_INIT;

	tui_answers_init(&a);
	a.source = xstrdup("http://repo.example/os/$basearch");
	strv_extend(&a.disks, "vda", "vdb", NULL);
	a.encrypt = true;
	a.passphrase = xstrdup("it's a \"quoted\" pass phrase");
	a.root_hash = xstrdup("$y$j9T$abc$def");
	a.root_allow_ssh = true;
	a.environment = xstrdup("minimal-environment");
	strv_extend(&a.groups, "standard", NULL);
	struct ks *ks = answers_ks(&a, &text);

	assert_string_equal(ks->url->url, "http://repo.example/os/$basearch");
	assert_true(strv_equal(ks->ignoredisk->only_use, (char *[]){ "vda", "vdb", NULL }));
	assert_int_equal(ks->clearpart->type, KS_CLEARPART_ALL);
	assert_true(ks->clearpart->initlabel);
	assert_true(strv_equal(ks->clearpart->drives, (char *[]){ "vda", "vdb", NULL }));
	assert_int_equal(ks->autopart->type, KS_AUTOPART_PLAIN);
	assert_string_equal(ks->autopart->fstype, "xfs");
	assert_true(ks->autopart->luks.encrypted);
	assert_string_equal(ks->autopart->luks.passphrase, "it's a \"quoted\" pass phrase");
	assert_string_equal(ks->autopart->luks.luks_version, "luks2");
	assert_true(ks->rootpw->iscrypted);
	assert_true(ks->rootpw->allow_ssh);
	assert_string_equal(ks->rootpw->password, "$y$j9T$abc$def");
	assert_int_equal(ks->packages.pkgs.n, 2);
	assert_int_equal(ks->packages.pkgs.v[0]->kind, KS_PKG_ENV);
	assert_string_equal(ks->packages.pkgs.v[0]->name, "minimal-environment");
	assert_string_equal(ks->packages.pkgs.v[1]->name, "standard");
	assert_string_equal(ks->network.v[0]->hostname, "localhost.localdomain");
	ks_free(ks);
	strbuf_release(&text);
	tui_answers_done(&a);
}

static void test_custom_network_user(void **state)
{
	struct tui_answers a;
	struct strbuf text = STRBUF_INIT;

	tui_answers_init(&a);
	a.source = xstrdup("file:///repo");
	a.image = true;
	a.scheme = TUI_SCHEME_CUSTOM;
	a.passphrase = xstrdup("home pass phrase");
	tui_answers_add_part(&a, "/", 3000, true, "ext4", false);
	tui_answers_add_part(&a, "/home", 500, false, "xfs", true);
	tui_answers_add_part(&a, "swap", 256, false, "swap", false);
	tui_answers_remove_part(&a, 2);
	a.ifaces = xnew0(struct tui_iface, 2);
	a.n_ifaces = 2;
	a.ifaces[0] = (struct tui_iface){ .name = xstrdup("ens3"), .configure = true, .dhcp = false,
					  .ip = xstrdup("192.0.2.10"), .netmask = xstrdup("255.255.255.0"),
					  .gateway = xstrdup("192.0.2.1"), .nameserver = xstrdup("192.0.2.53") };
	a.ifaces[1] = (struct tui_iface){ .name = xstrdup("ens4"), .configure = false };
	free(a.hostname);
	a.hostname = xstrdup("web1.example.com");
	a.root_lock = true;
	a.user_name = xstrdup("alice");
	a.user_gecos = xstrdup("Alice O'Hara");
	a.user_hash = xstrdup("$y$j9T$u$v");
	a.user_admin = true;
	a.user_sshkey = xstrdup("ssh-ed25519 AAAA alice@host");
	struct ks *ks = answers_ks(&a, &text);

	assert_null(ks->ignoredisk);
	assert_non_null(ks->reqpart);
	assert_int_equal(ks->part.n, 2);
	assert_string_equal(ks->part.v[0]->mountpoint, "/");
	assert_true(ks->part.v[0]->grow);
	assert_int_equal(ks->part.v[0]->size, 3000);
	assert_string_equal(ks->part.v[1]->mountpoint, "/home");
	assert_true(ks->part.v[1]->luks.encrypted);
	assert_string_equal(ks->part.v[1]->luks.passphrase, "home pass phrase");
	assert_int_equal(ks->network.n, 1);
	assert_string_equal(ks->network.v[0]->device, "ens3");
	assert_int_equal(ks->network.v[0]->bootproto, KS_BOOTPROTO_STATIC);
	assert_string_equal(ks->network.v[0]->ip, "192.0.2.10");
	assert_string_equal(ks->network.v[0]->gateway, "192.0.2.1");
	assert_string_equal(ks->network.v[0]->hostname, "web1.example.com");
	assert_true(ks->rootpw->lock);
	assert_null(ks->rootpw->password);
	assert_string_equal(ks->user.v[0]->name, "alice");
	assert_string_equal(ks->user.v[0]->gecos, "Alice O'Hara");
	assert_true(strv_equal(ks->user.v[0]->groups, (char *[]){ "wheel", NULL }));
	assert_true(ks->user.v[0]->iscrypted);
	assert_string_equal(ks->sshkey.v[0]->username, "alice");
	assert_string_equal(ks->sshkey.v[0]->key, "ssh-ed25519 AAAA alice@host");
	assert_int_equal(ks->packages.pkgs.v[0]->kind, KS_PKG_GROUP);
	assert_string_equal(ks->packages.pkgs.v[0]->name, "core");
	ks_free(ks);
	strbuf_release(&text);
	tui_answers_done(&a);
}

static void test_checks(void **state)
{
	assert_null(tui_check_hostname("web1.example.com"));
	assert_non_null(tui_check_hostname("bad_name"));
	assert_non_null(tui_check_hostname("a..b"));
	assert_non_null(tui_check_hostname("trailing."));
	assert_non_null(tui_check_hostname(""));
	assert_null(tui_check_ipv4("192.0.2.1"));
	assert_non_null(tui_check_ipv4("192.0.2"));
	assert_non_null(tui_check_ipv4("300.1.1.1"));
	assert_null(tui_check_username("alice_2"));
	assert_non_null(tui_check_username("Alice"));
	assert_non_null(tui_check_username("root"));
	assert_non_null(tui_check_username("2alice"));
	assert_null(tui_check_mountpoint("/var/lib"));
	assert_null(tui_check_mountpoint("swap"));
	assert_non_null(tui_check_mountpoint("var"));
	assert_non_null(tui_check_mountpoint("/var/"));
	assert_non_null(tui_check_mountpoint("/my dir"));
	assert_string_equal(tui_passphrase_strength("abc"), "weak");
	assert_string_equal(tui_passphrase_strength("abcdefgh"), "fair");
	assert_string_equal(tui_passphrase_strength("abcdefg1"), "good");
	assert_string_equal(tui_passphrase_strength("Correct-Horse-7"), "strong");
}

/* A cursor position report, also after other input, and what is not one. */
static void test_parse_cpr(void **state)
{
	unsigned r = 0, c = 0;

	assert_true(tui_parse_cpr("\033[40;120R", 9, &r, &c));
	assert_int_equal(r, 40);
	assert_int_equal(c, 120);
	assert_true(tui_parse_cpr("x\033[A\033[24;80R", 14, &r, &c));
	assert_int_equal(r, 24);
	assert_int_equal(c, 80);
	assert_false(tui_parse_cpr("\033[40;120", 8, &r, &c)); /* not complete yet */
	assert_false(tui_parse_cpr("\033[;120R", 8, &r, &c));
	assert_false(tui_parse_cpr("\033[0;120R", 9, &r, &c));
	assert_false(tui_parse_cpr("\033[40R", 6, &r, &c));
	assert_false(tui_parse_cpr("\033[123456;1R", 12, &r, &c));
	assert_false(tui_parse_cpr("", 0, &r, &c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_missing),
		cmocka_unit_test(test_auto_encrypted_disks),
		cmocka_unit_test(test_custom_network_user),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_parse_cpr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
