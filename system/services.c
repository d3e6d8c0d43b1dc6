/* Units and security settings of the new system: services --enabled and
 * --disabled, the default target, a serial getty on the kernel's serial
 * console, /etc/selinux/config and the firewalld configuration. */
#include "sysconf-internal.h"

void sysconf_selinux_render(const char *existing, const char *mode, struct strbuf *out)
{
	bool done = false;

	for (const char *s = strempty(existing); *s;) {
		size_t len = strcspn(s, "\n");
		if (!done && strneq(s, "SELINUX=", 8)) {
			strbuf_addf(out, "SELINUX=%s\n", mode);
			done = true;
		} else
			strbuf_addf(out, "%.*s\n", (int)len, s);
		s += len + (s[len] == '\n');
	}
	if (!done) {
		if (!existing)
			strbuf_adds(out, "# written by slipway from the kickstart's selinux "
					 "command; see selinux_config(5)\n");
		strbuf_addf(out, "SELINUX=%s\n", mode);
		if (!existing)
			strbuf_adds(out, "SELINUXTYPE=targeted\n");
	}
}

int sysconf_write_selinux(const struct ks *ks, const char *root, const struct sysconf_caps *c)
{
	_cleanup_strbuf_ struct strbuf old = STRBUF_INIT, sb = STRBUF_INIT;
	int r;

	if (!ks->selinux || ks->selinux->mode == KS_SELINUX_UNSET)
		return 0;
	const char *mode = ks_selinux_to_string(ks->selinux->mode);
	if (!c->selinux) {
		if (ks->selinux->mode != KS_SELINUX_DISABLED)
			log_warning("system: selinux --%s: SELinux is not installed in the target "
				    "(no /etc/selinux)",
				    mode);
		return 0;
	}
	r = sysconf_read_file(root, "etc/selinux/config", &old);
	if (r < 0 && r != -ENOENT)
		return log_error_errno(r, "system: cannot read %s/etc/selinux/config: %m", root);
	sysconf_selinux_render(r < 0 ? NULL : strbuf_str(&old), mode, &sb);
	if ((r = sysconf_write_file(root, "etc/selinux/config", &sb, 0644)) < 0)
		return r;
	log_info("system: SELinux %s", mode);
	return 0;
}

/* Anaconda's firewall-offline-cmd call: enabled opens ssh unless the
 * kickstart removes it; --use-system-defaults leaves the packaged defaults. */
int sysconf_write_firewall(const struct ks *ks, const char *root, const struct sysconf_caps *c)
{
	const struct ks_firewall *fw = ks->firewall;
	_cleanup_strv_free_ char **argv = NULL;

	if (!fw)
		return 0;
	if (!c->firewalld) {
		if (!fw->disabled)
			log_warning("system: firewall: firewalld is not installed in the target; "
				    "no firewall is "
				    "configured");
		return 0;
	}
	if (fw->use_system_defaults)
		return log_info("system: firewall: the packaged defaults are kept "
				"(--use-system-defaults)"),
		       0;
	strv_extend(&argv, "firewall-offline-cmd", fw->disabled ? "--disabled" : "--enabled", NULL);
	if (!fw->disabled) {
		if (!strv_contains(fw->remove_services, "ssh") &&
		    !strv_contains(fw->services, "ssh"))
			strv_push(&argv, "--service=ssh");
		STRV_FOREACH (s, fw->services)
			strv_pushf(&argv, "--service=%s", *s);
		STRV_FOREACH (p, fw->ports)
			strv_pushf(&argv, "--port=%s", *p);
		STRV_FOREACH (t, fw->trusts)
			strv_pushf(&argv, "--trust=%s", *t);
		STRV_FOREACH (s, fw->remove_services)
			strv_pushf(&argv, "--remove-service=%s", *s);
	}
	int r = sysconf_run(root, argv);
	if (r >= 0)
		log_info("system: firewall %s", fw->disabled ? "disabled" : "enabled");
	return r;
}

static int default_target(const char *root, const struct sysconf_caps *c)
{
	static const char unit[] = "multi-user.target";

	if (c->systemctl) {
		char *argv[] = {"systemctl", "set-default", (char *)unit, NULL};
		return sysconf_run(root, argv);
	}
	/* what set-default does, for a target without systemctl */
	return sysconf_symlink(root, "etc/systemd/system/default.target",
			       "/usr/lib/systemd/system/multi-user.target");
}

int sysconf_write_services(const struct ks *ks, const char *root, const struct sysconf_caps *c,
			   const struct sysconf_opts *o)
{
	const struct ks_services *s = ks->services;
	int r;

	if ((r = default_target(root, c)) < 0)
		return r;
	if (!c->systemctl) {
		if (s || o->serial_console)
			log_warning("system: the target has no systemctl: services are not enabled "
				    "or disabled");
		return 0;
	}
	if (o->serial_console) {
		_cleanup_free_ char *getty =
		    xasprintf("serial-getty@%s.service", o->serial_console);
		if ((r = sysconf_systemctl(root, "enable", getty, true)) < 0)
			return r;
	}
	if (ks->firstboot && ks->firstboot->mode != KS_FIRSTBOOT_DISABLED &&
	    ks->firstboot->mode != KS_FIRSTBOOT_UNSET &&
	    !sysconf_exists(root, "usr/bin/systemd-firstboot"))
		log_warning("system: firstboot: the target has no systemd-firstboot; nothing "
			    "prompts at first boot");
	if (!s)
		return 0;
	/* Anaconda's order, disable then enable: a unit in both lists ends up enabled. */
	STRV_FOREACH (u, s->disabled)
		if ((r = sysconf_systemctl(root, "disable", *u, true)) < 0)
			return r;
	STRV_FOREACH (u, s->enabled)
		if ((r = sysconf_systemctl(root, "enable", *u, false)) < 0)
			return r;
	return 0;
}
