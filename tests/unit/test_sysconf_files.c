/* Unit tests of the system stage's writers on a scratch target directory:
 * atomic writes and modes, /etc/localtime and /etc/adjtime, machine-id,
 * the account files (lookup, shadow edits), root's password and shell,
 * authorized_keys, NetworkManager keyfiles, chrony, SELinux without SELinux. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <crypt.h>
#include <dirent.h>
#include <ftw.h>
#include <sys/stat.h>

#include "event.h"
#include "kickstart/ks.h"
#include "strbuf.h"
#include "strv.h"
#include "system/sysconf-internal.h"

static char last_warning[1024], last_error[1024];
static void capture_emit(struct event_sink *s, const struct event *e)
{
	if (e->kind != EV_LOG)
		return;
	if (e->level == LVL_ERROR)
		snprintf(last_error, sizeof(last_error), "%s", e->msg);
	else if (e->level == LVL_WARNING)
		snprintf(last_warning, sizeof(last_warning), "%s", e->msg);
}
static struct event_sink capture = {.emit = capture_emit, .max_level = LVL_WARNING};

static struct ks *load_ks(const char *text)
{
	struct ks *ks = NULL;
	struct ks_diags d = {};
	if (ks_load_string("ks.cfg", text, &(struct ks_load_opts){}, &ks, &d) < 0)
		fail_msg("kickstart did not parse: %s", text);
	ks_diags_free(&d);
	return ks;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	return remove(p);
}

static int setup(void **state)
{
	char *root = xstrdup("/tmp/slipway-sysconf-unit.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	last_warning[0] = last_error[0] = '\0';
	*state = root;
	return 0;
}

static int teardown_root(void **state)
{
	nftw(*state, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(*state);
	return 0;
}

static void put(const char *root, const char *path, const char *text, mode_t mode)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb, text);
	assert_int_equal(sysconf_write_file(root, path, &sb, mode), 0);
}

static char *slurp(const char *root, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	if (sysconf_read_file(root, path, &sb) < 0)
		fail_msg("cannot read %s/%s", root, path);
	return strbuf_detach(&sb);
}

static mode_t mode_of(const char *root, const char *path)
{
	_cleanup_free_ char *p = sysconf_path(root, path);
	struct stat st;
	assert_int_equal(lstat(p, &st), 0);
	return st.st_mode & 07777;
}

static void test_atomic_write(void **state)
{
	const char *root = *state;
	_cleanup_free_ char *dir = sysconf_path(root, "etc/a/b");

	put(root, "/etc/a/b/file", "one\n", 0640);
	put(root, "etc/a/b/file", "two\n", 0600);
	_cleanup_free_ char *got = slurp(root, "etc/a/b/file");
	assert_string_equal(got, "two\n");
	assert_int_equal(mode_of(root, "etc/a/b/file"), 0600);
	assert_int_equal(mode_of(root, "etc/a"), 0755);
	DIR *d = opendir(dir); /* no temporary file left behind */
	struct dirent *e;
	size_t n = 0;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	assert_int_equal(n, 1);
}

static void test_timezone(void **state)
{
	const char *root = *state;
	struct sysconf_caps c = {};
	_cleanup_(ks_freep) struct ks *ks = load_ks("timezone Europe/Berlin\n");
	_cleanup_(ks_freep) struct ks *bad = load_ks("timezone ../../etc/passwd --utc\n");
	_cleanup_(ks_freep) struct ks *unknown = load_ks("timezone Mars/Olympus --utc\n");
	char link[256];

	/* no tzdata: a warning, the link is written anyway */
	assert_int_equal(sysconf_write_timezone(ks, root, &c), 0);
	assert_non_null(strstr(last_warning, "tzdata"));
	_cleanup_free_ char *lt = sysconf_path(root, "etc/localtime");
	ssize_t n = readlink(lt, link, sizeof(link) - 1);
	assert_true(n > 0);
	link[n] = '\0';
	assert_string_equal(link, "../usr/share/zoneinfo/Europe/Berlin");
	_cleanup_free_ char *adj = slurp(root, "etc/adjtime");
	assert_string_equal(adj, "0.0 0 0.0\n0\nLOCAL\n");

	assert_int_equal(sysconf_write_timezone(bad, root, &c), -EINVAL);
	/* with tzdata, an unknown zone is an error naming it */
	put(root, "usr/share/zoneinfo/Europe/Berlin", "TZif", 0644);
	c.tzdata = true;
	assert_int_equal(sysconf_write_timezone(unknown, root, &c), -ENOENT);
	assert_non_null(strstr(last_error, "Mars/Olympus"));
	last_warning[0] = '\0';
	assert_int_equal(sysconf_write_timezone(ks, root, &c), 0);
	assert_string_equal(last_warning, "");
}

static void test_machine_id(void **state)
{
	const char *root = *state;
	_cleanup_(ks_freep) struct ks *plain = load_ks("text\n");
	_cleanup_(ks_freep) struct ks *fb = load_ks("firstboot --enable\n");

	put(root, "etc/machine-id", "0123456789abcdef0123456789abcdef\n", 0444);
	put(root, "var/lib/dbus/machine-id", "0123456789abcdef0123456789abcdef\n", 0444);
	assert_int_equal(
	    sysconf_write_machine_id(plain, root, &(struct sysconf_opts){.image = true}), 0);
	_cleanup_free_ char *a = slurp(root, "etc/machine-id");
	assert_string_equal(a, "");
	assert_int_equal(mode_of(root, "etc/machine-id"), 0444);
	assert_false(sysconf_exists(root, "var/lib/dbus/machine-id"));
	assert_int_equal(sysconf_write_machine_id(fb, root, &(struct sysconf_opts){}), 0);
	_cleanup_free_ char *b = slurp(root, "etc/machine-id");
	assert_string_equal(b, "uninitialized\n");
}

static const char passwd_text[] = "root:x:0:0:root:/root:/bin/sh\n"
				  "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";
static const char shadow_text[] = "root:*:20000:0:99999:7:::\ndaemon:*:20000:0:99999:7:::\n";

static void test_accounts_db(void **state)
{
	const char *root = *state;
	_cleanup_free_ char *line = xasprintf("%sme:x:%u:%u:Me:/home/me:/bin/bash\n", passwd_text,
					      (unsigned)getuid(), (unsigned)getgid());
	_cleanup_free_ char *home = NULL;
	uid_t uid;
	gid_t gid;

	put(root, "etc/passwd", line, 0644);
	put(root, "etc/group", "root:x:0:\nwheel:x:10:me\ndevs:x:2000:\n", 0644);
	assert_int_equal(sysconf_passwd_lookup(root, "me", &uid, &gid, &home), 0);
	assert_int_equal(uid, getuid());
	assert_string_equal(home, "/home/me");
	assert_int_equal(sysconf_passwd_lookup(root, "m", &uid, &gid, NULL), -ENOENT);
	assert_true(sysconf_group_exists(root, "wheel", -1));
	assert_true(sysconf_group_exists(root, "devs", 2000));
	assert_false(sysconf_group_exists(root, "devs", 2001));
	assert_true(sysconf_group_exists(root, NULL, 10));
	assert_false(sysconf_group_exists(root, NULL, 11));
	assert_false(sysconf_group_exists(root, "dev", -1));
}

static void test_root_account(void **state)
{
	const char *root = *state;
	struct sysconf_caps c = {.bash = true, .sshd = true};
	_cleanup_(ks_freep) struct ks *ks = load_ks("rootpw --plaintext --allow-ssh s3cret-pw\n");
	struct crypt_data cd = {};

	put(root, "etc/passwd", passwd_text, 0644);
	put(root, "etc/shadow", shadow_text, 0640);
	assert_int_equal(sysconf_write_root(ks, root, &c), 0);
	_cleanup_free_ char *pw = slurp(root, "etc/passwd"), *sh = slurp(root, "etc/shadow");
	assert_true(startswith(pw, "root:x:0:0:root:/root:/bin/bash\ndaemon:"));
	assert_int_equal(mode_of(root, "etc/shadow"), 0640);
	assert_true(startswith(sh, "root:$y$"));
	char *hash = sh + 5;
	*strchr(hash, ':') = '\0';
	assert_string_equal(crypt_r("s3cret-pw", hash, &cd), hash);
	assert_non_null(strstr(hash + strlen(hash) + 1,
			       ":0:99999:7:::\ndaemon:*:20000:")); /* last change empty */
	assert_true(startswith(hash + strlen(hash) + 1, ":0:"));
	_cleanup_free_ char *drop = slurp(root, "etc/ssh/sshd_config.d/01-permitrootlogin.conf");
	assert_non_null(strstr(drop, "\nPermitRootLogin yes\n"));
	assert_int_equal(mode_of(root, "etc/ssh/sshd_config.d/01-permitrootlogin.conf"), 0600);

	_cleanup_(ks_freep) struct ks *lock = load_ks("rootpw --iscrypted --lock $6$x$y\n");
	assert_int_equal(sysconf_write_root(lock, root, &c), 0);
	_cleanup_free_ char *sh2 = slurp(root, "etc/shadow");
	assert_true(startswith(sh2, "root:!$6$x$y::0:99999:7:::\n"));
}

static void test_sshkeys(void **state)
{
	const char *root = *state;
	_cleanup_free_ char *line = xasprintf("%sme:x:%u:%u:Me:/home/me:/bin/bash\n", passwd_text,
					      (unsigned)getuid(), (unsigned)getgid());
	_cleanup_(ks_freep) struct ks *ks =
	    load_ks("sshkey --username=me \"ssh-ed25519 AAAA1 me@a\"\n"
		    "sshkey --username=me \"ssh-rsa BBBB2 me@b\"\n");
	_cleanup_(ks_freep) struct ks *nouser =
	    load_ks("sshkey --username=nobody \"ssh-ed25519 AAAA1\"\n");

	put(root, "etc/passwd", line, 0644);
	assert_int_equal(sysconf_write_sshkeys(ks, root), -ENOENT); /* no home yet */
	assert_int_equal(sysconf_mkdir_p(root, "home/me", 0755), 0);
	put(root, "home/me/.ssh/authorized_keys", "ssh-rsa OLD old@x", 0644);
	assert_int_equal(sysconf_write_sshkeys(ks, root), 0);
	assert_int_equal(sysconf_write_sshkeys(ks, root), 0); /* again: no duplicates */
	_cleanup_free_ char *keys = slurp(root, "home/me/.ssh/authorized_keys");
	assert_string_equal(keys,
			    "ssh-rsa OLD old@x\nssh-ed25519 AAAA1 me@a\nssh-rsa BBBB2 me@b\n");
	assert_int_equal(mode_of(root, "home/me/.ssh"), 0700);
	assert_int_equal(mode_of(root, "home/me/.ssh/authorized_keys"), 0600);
	assert_int_equal(sysconf_write_sshkeys(nouser, root), -ENOENT);
	assert_non_null(strstr(last_error, "nobody"));
}

static void test_nm_chrony_selinux(void **state)
{
	const char *root = *state;
	struct sysconf_caps c = {.network_manager = true, .chronyd = true};
	_cleanup_(ks_freep) struct ks *ks = load_ks(
	    "network --device=eth0 --bootproto=static --ip=10.0.0.5 --netmask=255.255.255.0\n"
	    "network --hostname=box\n"
	    "timesource --ntp-server=ntp.example.com\n"
	    "selinux --enforcing\n");

	assert_int_equal(sysconf_write_network(ks, root, &c), 0);
	assert_int_equal(mode_of(root, "etc/NetworkManager/system-connections/eth0.nmconnection"),
			 0600);
	_cleanup_free_ char *nm =
	    slurp(root, "etc/NetworkManager/system-connections/eth0.nmconnection");
	assert_non_null(strstr(nm, "address1=10.0.0.5/24\n"));
	assert_false(sysconf_exists(root, "etc/systemd/network"));

	put(root, "etc/chrony.conf",
	    "pool 2.debian.pool.ntp.org iburst\ndriftfile /var/lib/chrony/chrony.drift\n", 0644);
	assert_int_equal(sysconf_write_ntp(ks, root, &c), 0);
	_cleanup_free_ char *chrony = slurp(root, "etc/chrony.conf");
	assert_string_equal(chrony, "driftfile /var/lib/chrony/chrony.drift\n"
				    "# NTP sources from the kickstart, written by slipway\n"
				    "server ntp.example.com iburst\n");

	assert_int_equal(sysconf_write_selinux(ks, root, &c), 0);
	assert_non_null(strstr(last_warning, "SELinux is not installed"));
	assert_false(sysconf_exists(root, "etc/selinux/config"));
}

static void test_identity_files(void **state)
{
	const char *root = *state;
	_cleanup_(ks_freep) struct ks *ks =
	    load_ks("network --hostname=first\nnetwork --hostname=web-01\n"
		    "lang en_US.UTF-8 --addsupport=de_DE.UTF-8\nkeyboard us\n");
	_cleanup_(ks_freep) struct ks *none = load_ks("text\n");

	assert_int_equal(sysconf_write_hostname(none, root), 0);
	assert_false(sysconf_exists(root, "etc/hostname"));
	assert_int_equal(sysconf_write_hostname(ks, root), 0);
	assert_int_equal(sysconf_write_locale(ks, root), 0);
	assert_int_equal(sysconf_write_vconsole(ks, root), 0);
	_cleanup_free_ char *h = slurp(root, "etc/hostname"), *l = slurp(root, "etc/locale.conf"),
			    *v = slurp(root, "etc/vconsole.conf");
	assert_string_equal(h, "web-01\n");
	assert_string_equal(l, "LANG=en_US.UTF-8\n");
	assert_string_equal(v, "KEYMAP=us\n");
	assert_int_equal(mode_of(root, "etc/hostname"), 0644);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown_root)
	const struct CMUnitTest tests[] = {
	    T(test_atomic_write),      T(test_timezone),       T(test_machine_id),
	    T(test_accounts_db),       T(test_root_account),   T(test_sshkeys),
	    T(test_nm_chrony_selinux), T(test_identity_files),
	};
#undef T
	event_sink_add(&capture);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
