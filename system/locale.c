/* Identity and locale of the new system: /etc/hostname, /etc/machine-id,
 * /etc/locale.conf and /etc/vconsole.conf. */
#include <ctype.h>

#include "sysconf-internal.h"

/* hostname(7): labels of [a-zA-Z0-9-] separated by dots, at most 64 chars. */
static bool hostname_valid(const char *s)
{
	size_t n = strlen(s);
	bool label_start = true;

	if (n == 0 || n > 64 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (const char *p = s; *p; p++) {
		if (*p == '.') {
			if (label_start)
				return false;
			label_start = true;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-')
			return false;
		if (*p == '-' && (label_start || p[1] == '.' || p[1] == '\0'))
			return false;
		label_start = false;
	}
	return true;
}

int sysconf_hostname_render(const char *hostname, struct strbuf *out)
{
	if (!hostname_valid(hostname))
		return log_error_errno(
		    EINVAL,
		    "system: network --hostname: \"%s\" is not a valid host name (letters, "
		    "digits and '-' in dot-separated labels, at most 64 characters)",
		    hostname);
	strbuf_addf(out, "%s\n", hostname);
	return 0;
}

/* The last network command with --hostname wins, as in Anaconda. */
const char *sysconf_ks_hostname(const struct ks *ks)
{
	const char *h = NULL;

	for (size_t i = 0; i < ks->network.n; i++)
		if (!isempty(ks->network.v[i]->hostname))
			h = ks->network.v[i]->hostname;
	return h;
}

int sysconf_write_hostname(const struct ks *ks, const char *root)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	const char *h = sysconf_ks_hostname(ks);
	int r;

	if (!h)
		return 0;
	if ((r = sysconf_hostname_render(h, &sb)) < 0 ||
	    (r = sysconf_write_file(root, "etc/hostname", &sb, 0644)) < 0)
		return r;
	log_info("system: host name %s", h);
	return 0;
}

/* A value written unquoted into an env-style file: no spaces, quotes, '$',
 * '\\' or control characters, so every reader sees the same string. */
static bool env_value_safe(const char *s)
{
	if (isempty(s))
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("\"'`$\\#;", *p) || *p == 0x7f)
			return false;
	return true;
}

int sysconf_locale_render(const char *lang, struct strbuf *out)
{
	if (!env_value_safe(lang))
		return log_error_errno(EINVAL, "system: lang: \"%s\" is not a valid locale name",
				       lang);
	strbuf_addf(out, "LANG=%s\n", lang);
	return 0;
}

int sysconf_write_locale(const struct ks *ks, const char *root)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	int r;

	if (!ks->lang || isempty(ks->lang->lang))
		return 0;
	if ((r = sysconf_locale_render(ks->lang->lang, &sb)) < 0 ||
	    (r = sysconf_write_file(root, "etc/locale.conf", &sb, 0644)) < 0)
		return r;
	if (strv_length(ks->lang->addsupport) > 0)
		log_debug("system: lang --addsupport needs no configuration (langpacks are a "
			  "payload matter)");
	log_info("system: locale %s", ks->lang->lang);
	return 0;
}

/* "cz (qwerty)" → "cz-qwerty", the console keymap name of an X layout with
 * a variant; a plain layout is its own keymap name. */
static char *xlayout_to_keymap(const char *xl)
{
	_cleanup_free_ char *s = xstrdup(xl);
	char *open = strchr(s, '('), *close = open ? strchr(open, ')') : NULL;

	if (!open || !close) {
		s[strcspn(s, " \t")] = '\0';
		return TAKE_PTR(s);
	}
	*close = '\0';
	char *layout = s, *variant = open + 1;
	*open = '\0';
	layout[strcspn(layout, " \t")] = '\0';
	variant += strspn(variant, " \t");
	variant[strcspn(variant, " \t")] = '\0';
	return isempty(variant) ? xstrdup(layout) : xasprintf("%s-%s", layout, variant);
}

int sysconf_vconsole_render(const struct ks_keyboard *k, struct strbuf *out)
{
	_cleanup_free_ char *keymap = NULL;

	if (!isempty(k->vckeymap))
		keymap = xstrdup(k->vckeymap);
	else if (!isempty(k->keyboard))
		keymap = xstrdup(k->keyboard);
	else if (strv_length(k->xlayouts) > 0)
		keymap = xlayout_to_keymap(k->xlayouts[0]);
	if (!keymap || !env_value_safe(keymap))
		return log_error_errno(
		    EINVAL, "system: keyboard: \"%s\" is not a valid console keymap name",
		    strempty(keymap));
	strbuf_addf(out, "KEYMAP=%s\n", keymap);
	return 0;
}

int sysconf_write_vconsole(const struct ks *ks, const char *root)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	int r;

	if (!ks->keyboard)
		return 0;
	if ((r = sysconf_vconsole_render(ks->keyboard, &sb)) < 0 ||
	    (r = sysconf_write_file(root, "etc/vconsole.conf", &sb, 0644)) < 0)
		return r;
	/* Fedora's kbd keeps keymaps in /usr/lib/kbd, Debian's console-data in /usr/share/keymaps.
	 */
	if (!sysconf_exists(root, "usr/lib/kbd/keymaps") &&
	    !sysconf_exists(root, "usr/share/keymaps"))
		log_warning("system: keyboard: no console keymaps are installed in the target "
			    "(package kbd); "
			    "the console keeps the kernel's default layout");
	log_info("system: console %.*s", (int)sb.len - 1, sb.buf);
	return 0;
}

/* machine-id(5), systemd ≥ 258: an empty file means "not a first boot, but
 * generate an ID at boot and commit it"; "uninitialized" means first boot
 * (ConditionFirstBoot= units run, systemd-firstboot prompts for what is not
 * configured, and PID 1 applies the presets to every unit). A new system
 * must not carry the installer's or a build host's ID, and on a disk install
 * as in an image, presets at first boot would undo `services --disabled`:
 * so an empty file, unless `firstboot --enable`/`--reconfig` asks for the
 * first-boot semantics. */
int sysconf_write_machine_id(const struct ks *ks, const char *root, const struct sysconf_opts *o)
{
	bool first_boot = ks->firstboot && (ks->firstboot->mode == KS_FIRSTBOOT_ENABLED ||
					    ks->firstboot->mode == KS_FIRSTBOOT_RECONFIG);
	const char *content = first_boot ? "uninitialized\n" : "";
	int r;

	if ((r = sysconf_write_file_full(root, "etc/machine-id", content, strlen(content), 0444,
					 SYSCONF_UID_KEEP, SYSCONF_UID_KEEP)) < 0)
		return r;
	/* dbus reads this copy when /etc/machine-id is missing; a stale one would win. */
	_cleanup_free_ char *dbus = sysconf_path(root, "var/lib/dbus/machine-id");
	struct stat st;
	if (lstat(dbus, &st) == 0 && !S_ISLNK(st.st_mode) && unlink(dbus) < 0)
		return log_error_errno(errno, "system: cannot remove %s: %m", dbus);
	if (first_boot)
		log_info("system: /etc/machine-id \"uninitialized\": the first boot runs "
			 "systemd-firstboot and "
			 "applies the unit presets");
	else
		log_info("system: /etc/machine-id empty: generated at first boot%s",
			 o->image ? " (image)" : "");
	return 0;
}
