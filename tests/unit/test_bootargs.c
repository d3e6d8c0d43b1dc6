/* Unit tests of installer/bootargs.c: the kernel's word splitting, every
 * inst.ks= form Anaconda documents and the ones slipway refuses, dracut's
 * ip= forms, and a whole installer command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "installer/bootargs.h"
#include "installer/plan.h"
#include "strv.h"

static void test_split(void **state)
{
	static const struct {
		const char *line;
		const char *words; /* joined by | */
	} cases[] = {
		{ "", "" },
		{ "  \n", "" },
		{ "BOOT_IMAGE=/images/pxeboot/vmlinuz quiet\n", "BOOT_IMAGE=/images/pxeboot/vmlinuz|quiet" },
		{ "a  b\tc", "a|b|c" },
		{ "inst.ks=\"hd:LABEL=MY DISK:/ks.cfg\" x", "inst.ks=hd:LABEL=MY DISK:/ks.cfg|x" },
		{ "\"console=ttyS0 x\" y", "console=ttyS0 x|y" },
		{ "a -- inst.ks=/x", "a" },
		{ "a \"unterminated b", "a|unterminated b" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_strv_free_ char **w = inst_cmdline_split(cases[i].line);
		_cleanup_free_ char *j = strv_join(w, "|");
		assert_string_equal(j, cases[i].words);
	}
}

static void test_ks_good(void **state)
{
	static const struct {
		const char *value;
		enum inst_ks_kind kind;
		const char *path, *url, *device, *back;
	} cases[] = {
		{ "/ks.cfg", INST_KS_FILE, "/ks.cfg", NULL, NULL, "/ks.cfg" },
		{ "file:/run/ks.cfg", INST_KS_FILE, "/run/ks.cfg", NULL, NULL, "/run/ks.cfg" },
		{ "file:///run/ks.cfg", INST_KS_FILE, "/run/ks.cfg", NULL, NULL, "/run/ks.cfg" },
		{ "http://10.0.2.2:8080/ks.cfg", INST_KS_URL, NULL, "http://10.0.2.2:8080/ks.cfg", NULL,
		  "http://10.0.2.2:8080/ks.cfg" },
		{ "ftp://10.0.0.1/ks.cfg", INST_KS_URL, NULL, "ftp://10.0.0.1/ks.cfg", NULL, "ftp://10.0.0.1/ks.cfg" },
		{ "https://ks.example/a/b.cfg", INST_KS_URL, NULL, "https://ks.example/a/b.cfg", NULL,
		  "https://ks.example/a/b.cfg" },
		{ "hd:LABEL=OEMDRV:/ks.cfg", INST_KS_HD, "/ks.cfg", NULL, "LABEL=OEMDRV", "hd:LABEL=OEMDRV:/ks.cfg" },
		{ "hd:sdb1:/dir/my.ks", INST_KS_HD, "/dir/my.ks", NULL, "sdb1", "hd:sdb1:/dir/my.ks" },
		{ "hd:/dev/vdb:/ks.cfg", INST_KS_HD, "/ks.cfg", NULL, "/dev/vdb", "hd:/dev/vdb:/ks.cfg" },
		{ "hd:UUID=2f1c-9a7e:/ks.cfg", INST_KS_HD, "/ks.cfg", NULL, "UUID=2f1c-9a7e",
		  "hd:UUID=2f1c-9a7e:/ks.cfg" },
		{ "cdrom:/ks.cfg", INST_KS_CDROM, "/ks.cfg", NULL, NULL, "cdrom:/ks.cfg" },
		{ "cdrom:sr1:/ks/a.cfg", INST_KS_CDROM, "/ks/a.cfg", NULL, "sr1", "cdrom:sr1:/ks/a.cfg" },
		{ "cdrom:/dev/sr0:/ks.cfg", INST_KS_CDROM, "/ks.cfg", NULL, "/dev/sr0", "cdrom:/dev/sr0:/ks.cfg" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct inst_ks_loc l = {};
		_cleanup_free_ char *err = NULL;
		int k = inst_ks_loc_parse(cases[i].value, &l, &err);
		if (k != 0)
			fail_msg("inst.ks=%s: expected success, got %d [%s]", cases[i].value, k, strna(err));
		assert_int_equal(l.kind, cases[i].kind);
		assert_string_equal(strna(l.path), strna(cases[i].path));
		assert_string_equal(strna(l.url), strna(cases[i].url));
		assert_string_equal(strna(l.device), strna(cases[i].device));
		_cleanup_free_ char *s = inst_ks_loc_to_string(&l);
		assert_string_equal(s, cases[i].back);
		assert_true(inst_ks_loc_is_url(cases[i].value) == (cases[i].value[0] != '/'));
		inst_ks_loc_done(&l);
	}
	assert_false(inst_ks_loc_is_url("ks.cfg"));
	assert_false(inst_ks_loc_is_url("dir:with:colons/ks.cfg"));
}

static void test_ks_bad(void **state)
{
	static const struct {
		const char *value;
		int r;
		const char *err;
	} cases[] = {
		{ "", -EOPNOTSUPP, "a kickstart from the DHCP server's NFS share (inst.ks without a value) is not "
				   "supported by slipway" },
		{ "nfs:srv:/ks.cfg", -EOPNOTSUPP, "NFS kickstarts are not supported by slipway (use http://, hd: or "
						  "an OEMDRV volume)" },
		{ "/a b", -EINVAL, "a value with spaces or control characters" },
		{ "ks.cfg", -EINVAL, "\"ks.cfg\": not a kickstart location (/path, file:/path, http(s)://…, "
				     "hd:DEV:/path, cdrom:/path)" },
		{ "/dir/", -EINVAL, "\"/dir/\": not a file path" },
		{ "/a/../etc/shadow", -EINVAL, "\"/a/../etc/shadow\": not a file path" },
		{ "file:ks.cfg", -EINVAL, "\"file:ks.cfg\": a file location needs an absolute path (file:/ks.cfg or "
					  "file:///ks.cfg)" },
		{ "file://host/ks.cfg", -EINVAL, "\"file://host/ks.cfg\": a file location needs an absolute path "
						 "(file:/ks.cfg or file:///ks.cfg)" },
		{ "http://", -EINVAL, "\"http://\": a URL needs a host" },
		{ "https:///ks", -EINVAL, "\"https:///ks\": a URL needs a host" },
		{ "hd:LABEL=OEMDRV", -EINVAL, "\"hd:LABEL=OEMDRV\": needs a device and a path (hd:sdb1:/ks.cfg, "
					      "hd:LABEL=X:/ks.cfg, hd:UUID=X:/ks.cfg)" },
		{ "hd::/ks.cfg", -EINVAL, "\"hd::/ks.cfg\": needs a device and a path (hd:sdb1:/ks.cfg, "
					  "hd:LABEL=X:/ks.cfg, hd:UUID=X:/ks.cfg)" },
		{ "hd:sdb1:ks.cfg", -EINVAL, "\"hd:sdb1:ks.cfg\": the path after the device must be absolute "
					     "(sdb1:/ks.cfg)" },
		{ "hd:LABEL=:/ks.cfg", -EINVAL, "\"hd:LABEL=:/ks.cfg\": needs a device and a path (hd:sdb1:/ks.cfg, "
						"hd:LABEL=X:/ks.cfg, hd:UUID=X:/ks.cfg)" },
		{ "cdrom:", -EINVAL, "\"cdrom:\": needs the kickstart's absolute path (cdrom:/ks.cfg, "
				     "cdrom:DEV:/ks.cfg)" },
		{ "cdrom:sr0", -EINVAL, "\"cdrom:sr0\": needs the kickstart's absolute path (cdrom:/ks.cfg, "
					"cdrom:DEV:/ks.cfg)" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct inst_ks_loc l = {};
		_cleanup_free_ char *err = NULL;
		int k = inst_ks_loc_parse(cases[i].value, &l, &err);
		if (k != cases[i].r)
			fail_msg("inst.ks=%s: expected %d, got %d [%s]", cases[i].value, cases[i].r, k, strna(err));
		assert_string_equal(strna(err), cases[i].err);
		assert_null(l.path);
	}
}

static void test_ip(void **state)
{
	struct inst_ip ip = {};
	char *err = NULL;

	assert_int_equal(inst_ip_parse("dhcp", &ip, &err), 0);
	assert_int_equal(ip.method, INST_IP_DHCP);
	assert_null(ip.iface);
	inst_ip_done(&ip);

	assert_int_equal(inst_ip_parse("enp1s0:dhcp:9000", &ip, &err), 0);
	assert_int_equal(ip.method, INST_IP_DHCP);
	assert_string_equal(ip.iface, "enp1s0");
	assert_int_equal(ip.mtu, 9000);
	inst_ip_done(&ip);

	assert_int_equal(inst_ip_parse("10.0.2.15::10.0.2.2:255.255.255.0:inst:eth0:none", &ip, &err), 0);
	assert_int_equal(ip.method, INST_IP_STATIC);
	assert_string_equal(ip.address, "10.0.2.15");
	assert_int_equal(ip.prefix, 24);
	assert_string_equal(ip.gateway, "10.0.2.2");
	assert_string_equal(ip.hostname, "inst");
	assert_string_equal(ip.iface, "eth0");
	assert_null(ip.dns[0]);
	inst_ip_done(&ip);

	assert_int_equal(inst_ip_parse("192.168.7.9:::20::ens3:off:192.168.7.1:192.168.7.2", &ip, &err), 0);
	assert_int_equal(ip.method, INST_IP_STATIC);
	assert_int_equal(ip.prefix, 20);
	assert_null(ip.gateway);
	assert_null(ip.hostname);
	assert_string_equal(ip.dns[0], "192.168.7.1");
	assert_string_equal(ip.dns[1], "192.168.7.2");
	inst_ip_done(&ip);

	assert_int_equal(inst_ip_parse("10.1.1.1::10.1.1.254:255.255.0.0::eth1:none:1400:52:54:00:12:34:56", &ip, &err), 0);
	assert_int_equal(ip.prefix, 16);
	assert_int_equal(ip.mtu, 1400);
	assert_string_equal(ip.iface, "eth1");
	inst_ip_done(&ip);
	assert_int_equal(inst_ip_parse("eth0:dhcp:1500:52:54:00:AB:cd:ef", &ip, &err), 0);
	assert_int_equal(ip.mtu, 1500);
	inst_ip_done(&ip);

	static const struct {
		const char *v;
		int r;
		const char *err;
	} bad[] = {
		{ "", -EINVAL, "ip=: an empty value, or one with spaces or control characters" },
		{ "eth0:dhcp\r", -EINVAL, "ip=: an empty value, or one with spaces or control characters" },
		{ "static", -EINVAL, "ip=static: unknown method \"static\" (dhcp, on, any, none, off)" },
		{ "dhcp6", -EOPNOTSUPP, "ip=dhcp6: \"dhcp6\" is not supported by slipway (dhcp, or a static IPv4 "
					"address)" },
		{ "none", -EINVAL, "ip=none: \"none\" needs an address (ip=ADDR::GATEWAY:NETMASK:HOST:IFACE:none)" },
		{ "eth0:none", -EINVAL, "ip=eth0:none: \"none\" needs an address "
					"(ip=ADDR::GATEWAY:NETMASK:HOST:IFACE:none)" },
		{ "a/b:dhcp", -EINVAL, "ip=a/b:dhcp: \"a/b\" is not an interface name" },
		{ "eth0:dhcp:12", -EINVAL, "ip=eth0:dhcp:12: \"12\" is not an MTU (68-65535)" },
		{ "eth0:dhcp:1500:52:54", -EINVAL, "ip=eth0:dhcp:1500:52:54: 5 fields; dracut's forms are ip=dhcp, "
						   "ip=IFACE:dhcp and ip=ADDR::GATEWAY:NETMASK:HOST:IFACE:none[:DNS1[:DNS2]]" },
		{ "10.0.0.1:x:y:z:w", -EINVAL, "ip=10.0.0.1:x:y:z:w: 5 fields; dracut's forms are ip=dhcp, "
					       "ip=IFACE:dhcp and ip=ADDR::GATEWAY:NETMASK:HOST:IFACE:none[:DNS1[:DNS2]]" },
		{ "10.0.0.300::10.0.0.1:24::eth0:none", -EINVAL,
		  "ip=10.0.0.300::10.0.0.1:24::eth0:none: \"10.0.0.300\" is not an IPv4 address" },
		{ "10.0.0.3::10.0.0.1:255.0.255.0::eth0:none", -EINVAL,
		  "ip=10.0.0.3::10.0.0.1:255.0.255.0::eth0:none: \"255.0.255.0\" is not a netmask (255.255.255.0 or "
		  "24)" },
		{ "10.0.0.3::10.0.0.1:33::eth0:none", -EINVAL,
		  "ip=10.0.0.3::10.0.0.1:33::eth0:none: \"33\" is not a netmask (255.255.255.0 or 24)" },
		{ "10.0.0.3::gw:24::eth0:none", -EINVAL, "ip=10.0.0.3::gw:24::eth0:none: \"gw\" is not a gateway "
							 "address" },
		{ "[fd00::2]::[fd00::1]:64::eth0:none", -EOPNOTSUPP,
		  "ip=[fd00::2]::[fd00::1]:64::eth0:none: IPv6 addresses are not supported by slipway" },
		{ "10.0.0.3::10.0.0.1:24::eth0:none:10.0.0.53:dns", -EINVAL,
		  "ip=10.0.0.3::10.0.0.1:24::eth0:none:10.0.0.53:dns: \"dns\" is not a DNS server address" },
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		err = NULL;
		int k = inst_ip_parse(bad[i].v, &ip, &err);
		if (k != bad[i].r)
			fail_msg("ip=%s: expected %d, got %d [%s]", bad[i].v, bad[i].r, k, strna(err));
		assert_string_equal(strna(err), bad[i].err);
		free(err);
	}
}

static void test_cmdline(void **state)
{
	struct inst_bootargs b = {};
	_cleanup_free_ char *err = NULL;

	assert_int_equal(inst_bootargs_parse("BOOT_IMAGE=/images/pxeboot/vmlinuz inst.stage2=hd:LABEL=SLIPWAY "
					     "inst.ks=hd:LABEL=OEMDRV:/ks.cfg inst.cmdline inst_ksstrict "
					     "inst.repo=http://10.0.2.2:8000/ inst.finish=poweroff "
					     "inst.disklabel=mbr ip=dhcp nameserver=10.0.2.3 console=tty0 "
					     "console=ttyS0,115200n8 inst.text=0 inst.nosuch quiet",
					     &b, &err),
			 0);
	assert_true(b.has_ks);
	assert_int_equal(b.ks.kind, INST_KS_HD);
	assert_string_equal(b.ks.device, "LABEL=OEMDRV");
	assert_string_equal(b.repo, "http://10.0.2.2:8000/");
	assert_string_equal(b.stage2, "hd:LABEL=SLIPWAY");
	assert_true(b.cmdline);
	assert_true(b.ksstrict);
	assert_false(b.text);
	assert_false(b.rescue);
	assert_int_equal(b.finish, FINISH_POWEROFF);
	assert_int_equal(b.disklabel, INST_DISKLABEL_MBR);
	assert_int_equal(b.n_ips, 1);
	assert_string_equal(b.nameservers[0], "10.0.2.3");
	assert_int_equal(strv_length(b.consoles), 2);
	assert_string_equal(b.consoles[1], "ttyS0,115200n8");
	assert_int_equal(strv_length(b.warnings), 1);
	assert_string_equal(b.warnings[0], "inst.nosuch: not an option slipway knows; ignored");
	inst_bootargs_done(&b);

	/* nothing: the TUI, no finish, every field empty */
	assert_int_equal(inst_bootargs_parse("ro quiet", &b, &err), 0);
	assert_false(b.has_ks);
	assert_int_equal(b.finish, -1);
	assert_null(b.repo);
	inst_bootargs_done(&b);

	/* the old ks= still works, with a warning; the last inst.ks= wins */
	assert_int_equal(inst_bootargs_parse("ks=http://h/a.ks inst.ks=/b.ks", &b, &err), 0);
	assert_int_equal(b.ks.kind, INST_KS_FILE);
	assert_string_equal(b.warnings[0], "ks=http://h/a.ks: deprecated, use inst.ks=");
	inst_bootargs_done(&b);

	static const struct {
		const char *line;
		int r;
		const char *err;
	} bad[] = {
		{ "inst.ks=nfs:srv:/ks", -EOPNOTSUPP, "inst.ks=nfs:srv:/ks: NFS kickstarts are not supported by "
						      "slipway (use http://, hd: or an OEMDRV volume)" },
		{ "inst.ks", -EOPNOTSUPP, "inst.ks: a kickstart from the DHCP server's NFS share (inst.ks without a "
					  "value) is not supported by slipway" },
		{ "inst.finish=later", -EINVAL, "inst.finish=later: unknown action (reboot, poweroff, halt, shell, exit)" },
		{ "inst.disklabel=dos", -EINVAL, "inst.disklabel=dos: gpt or mbr" },
		{ "inst.finish=\001reboot", -EINVAL, "an argument with a control character" },
		{ "inst.repo=", -EINVAL, "inst.repo: needs a value" },
		{ "nameserver=dns", -EINVAL, "nameserver=dns: not an IPv4 address" },
		{ "ip=eth0:none", -EINVAL, "ip=eth0:none: \"none\" needs an address "
					   "(ip=ADDR::GATEWAY:NETMASK:HOST:IFACE:none)" },
	};
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		char *e = NULL;
		int k = inst_bootargs_parse(bad[i].line, &b, &e);
		if (k != bad[i].r)
			fail_msg("%s: expected %d, got %d [%s]", bad[i].line, bad[i].r, k, strna(e));
		assert_string_equal(strna(e), bad[i].err);
		free(e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_ks_good),
		cmocka_unit_test(test_ks_bad),
		cmocka_unit_test(test_ip),
		cmocka_unit_test(test_cmdline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
