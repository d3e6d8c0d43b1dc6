/* The system stage's entry point: what the target has (sysconf_detect), the
 * kernel's serial console, and sysconf_apply() running every writer in order. */
#include "sysconf-internal.h"

void sysconf_detect(const char *root, struct sysconf_caps *ret)
{
	*ret = (struct sysconf_caps){
	    .networkd = sysconf_exists(root, "usr/lib/systemd/systemd-networkd"),
	    .network_manager = sysconf_exists(root, "usr/sbin/NetworkManager"),
	    .resolved = sysconf_exists(root, "usr/lib/systemd/systemd-resolved"),
	    .timesyncd = sysconf_exists(root, "usr/lib/systemd/systemd-timesyncd"),
	    .chronyd = sysconf_exists(root, "usr/sbin/chronyd"),
	    .firewalld = sysconf_exists(root, "usr/sbin/firewalld") &&
			 (sysconf_exists(root, "usr/bin/firewall-offline-cmd") ||
			  sysconf_exists(root, "usr/sbin/firewall-offline-cmd")),
	    /* libsemanage alone makes /etc/selinux: a config or the policy
	     * loader says SELinux is really there */
	    .selinux = sysconf_exists(root, "etc/selinux/config") ||
		       sysconf_exists(root, "usr/sbin/load_policy"),
	    .systemctl = sysconf_exists(root, "usr/bin/systemctl"),
	    .sshd = sysconf_exists(root, "usr/sbin/sshd"),
	    .bash = sysconf_exists(root, "usr/bin/bash") || sysconf_exists(root, "bin/bash"),
	    .tzdata = sysconf_exists(root, "usr/share/zoneinfo"),
	};
}

static bool tty_is_serial(const char *t)
{
	static const char *const prefixes[] = {"ttyS", "ttyAMA",  "ttyUSB", "ttyACM",
					       "hvc",  "ttysclp", "ttyPS",  "ttymxc"};
	for (size_t i = 0; i < ELEMENTSOF(prefixes); i++)
		if (startswith(t, prefixes[i]) && t[strlen(prefixes[i])] != '\0')
			return true;
	return false;
}

/* The last "console=NAME[,options]" of a kernel command line. */
static char *last_console_arg(const char *cmdline)
{
	_cleanup_strv_free_ char **words = strv_split(cmdline, " \t\n");
	const char *last = NULL;

	STRV_FOREACH (w, words)
		if (startswith(*w, "console="))
			last = *w + strlen("console=");
	if (!last)
		return NULL;
	char *name = xstrndup(last, strcspn(last, ","));
	if (startswith(name, "/dev/"))
		memmove(name, name + 5, strlen(name + 5) + 1);
	return name;
}

char *sysconf_serial_console_parse(const char *cmdline, const char *active)
{
	_cleanup_free_ char *name = cmdline ? last_console_arg(cmdline) : NULL;

	if (!name && active) {
		_cleanup_strv_free_ char **l = strv_split(active, " \t\n");
		size_t n = strv_length(l);
		if (n > 0)
			name = xstrdup(l[n - 1]);
	}
	if (!name || !tty_is_serial(name))
		return NULL;
	return TAKE_PTR(name);
}

char *sysconf_serial_console(void)
{
	_cleanup_strbuf_ struct strbuf cmdline = STRBUF_INIT, active = STRBUF_INIT;
	bool have_cmdline = strbuf_read_file(&cmdline, "/proc/cmdline") >= 0;
	bool have_active = strbuf_read_file(&active, "/sys/class/tty/console/active") >= 0;

	return sysconf_serial_console_parse(have_cmdline ? cmdline.buf : NULL,
					    have_active ? active.buf : NULL);
}

static void log_caps(const struct sysconf_caps *c)
{
	log_debug(
	    "system: the target has%s%s%s%s%s%s%s%s%s%s", c->networkd ? " systemd-networkd" : "",
	    c->network_manager ? " NetworkManager" : "", c->resolved ? " systemd-resolved" : "",
	    c->timesyncd ? " systemd-timesyncd" : "", c->chronyd ? " chrony" : "",
	    c->firewalld ? " firewalld" : "", c->selinux ? " SELinux" : "",
	    c->systemctl ? " systemctl" : "", c->sshd ? " sshd" : "", c->tzdata ? " tzdata" : "");
}

int sysconf_apply(const struct ks *ks, const char *root, const struct sysconf_opts *o)
{
	static const struct sysconf_opts defaults = {};
	struct sysconf_caps c;
	int r;

	o = o ? o : &defaults;
	sysconf_detect(root, &c);
	log_caps(&c);
	/* Groups before users (--groups may name them), users before their SSH
	 * keys, our own unit changes before `services` so the kickstart wins. */
	enum { N_STEPS = 15 };
	unsigned step = 0;
#define STEP(what, call)                                                                           \
	do {                                                                                       \
		event_progress(step++, N_STEPS, "items", "%s", what);                              \
		if ((r = (call)) < 0)                                                              \
			return r;                                                                  \
	} while (0)
	STEP("host name", sysconf_write_hostname(ks, root));
	STEP("locale", sysconf_write_locale(ks, root));
	STEP("console keymap", sysconf_write_vconsole(ks, root));
	STEP("time zone", sysconf_write_timezone(ks, root, &c));
	STEP("NTP", sysconf_write_ntp(ks, root, &c));
	STEP("machine-id", sysconf_write_machine_id(ks, root, o));
	STEP("groups", sysconf_write_groups(ks, root));
	STEP("users", sysconf_write_users(ks, root));
	STEP("root account", sysconf_write_root(ks, root, &c));
	STEP("SSH keys", sysconf_write_sshkeys(ks, root));
	STEP("network", sysconf_write_network(ks, root, &c));
	STEP("SELinux", sysconf_write_selinux(ks, root, &c));
	STEP("firewall", sysconf_write_firewall(ks, root, &c));
	STEP("services", sysconf_write_services(ks, root, &c, o));
	if (!o->no_sbom)
		STEP("SBOM", sysconf_write_sbom(root, sysconf_ks_hostname(ks), o));
#undef STEP
	event_progress(N_STEPS, N_STEPS, "items", "system configured");
	return 0;
}
