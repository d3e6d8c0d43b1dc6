/* The TUI's answers and the kickstart text they make; the hub's view of
 * what is still missing. No terminal here. */
#include <arpa/inet.h>
#include <ctype.h>

#include "strv.h"
#include "tui-answers.h"

void tui_answers_init(struct tui_answers *a)
{
	*a = (struct tui_answers){
		.lang = xstrdup("en_US.UTF-8"),
		.keymap = xstrdup("us"),
		.timezone = xstrdup("UTC"),
		.utc = true,
		.fstype = xstrdup("xfs"),
		.hostname = xstrdup("localhost.localdomain"),
	};
}

static void iface_done(struct tui_iface *f)
{
	free(f->name);
	free(f->ip);
	free(f->netmask);
	free(f->gateway);
	free(f->nameserver);
}

void tui_answers_done(struct tui_answers *a)
{
	free(a->source);
	free(a->lang);
	free(a->keymap);
	free(a->timezone);
	strv_free(a->disks);
	free(a->fstype);
	free_secret(a->passphrase);
	for (size_t i = 0; i < a->n_parts; i++) {
		free(a->parts[i].mountpoint);
		free(a->parts[i].fstype);
	}
	free(a->parts);
	free(a->hostname);
	for (size_t i = 0; i < a->n_ifaces; i++)
		iface_done(&a->ifaces[i]);
	free(a->ifaces);
	free(a->root_hash);
	free(a->root_sshkey);
	free(a->user_name);
	free(a->user_gecos);
	free(a->user_hash);
	free(a->user_sshkey);
	free(a->environment);
	strv_free(a->groups);
	*a = (struct tui_answers){};
}

void tui_answers_add_part(struct tui_answers *a, const char *mountpoint, int64_t size_mib, bool grow,
			  const char *fstype, bool encrypt)
{
	a->parts = xrealloc(a->parts, (a->n_parts + 1) * sizeof(*a->parts));
	a->parts[a->n_parts++] = (struct tui_part){
		.mountpoint = xstrdup(mountpoint),
		.size_mib = size_mib,
		.grow = grow,
		.fstype = xstrdup(fstype),
		.encrypt = encrypt,
	};
}

void tui_answers_remove_part(struct tui_answers *a, size_t i)
{
	if (i >= a->n_parts)
		return;
	free(a->parts[i].mountpoint);
	free(a->parts[i].fstype);
	memmove(a->parts + i, a->parts + i + 1, (a->n_parts - i - 1) * sizeof(*a->parts));
	a->n_parts--;
}

bool tui_answers_needs_passphrase(const struct tui_answers *a)
{
	if (a->scheme == TUI_SCHEME_AUTO)
		return a->encrypt;
	for (size_t i = 0; i < a->n_parts; i++)
		if (a->parts[i].encrypt)
			return true;
	return false;
}

static const char *const spoke_titles[_TUI_SPOKE_MAX] = {
	[TUI_SPOKE_SOURCE] = "Installation source",
	[TUI_SPOKE_LOCALE] = "Language and keyboard",
	[TUI_SPOKE_TIMEZONE] = "Time zone",
	[TUI_SPOKE_DESTINATION] = "Installation destination",
	[TUI_SPOKE_PARTITIONING] = "Partitioning and encryption",
	[TUI_SPOKE_NETWORK] = "Network and host name",
	[TUI_SPOKE_ROOT] = "Root account",
	[TUI_SPOKE_USER] = "User creation",
	[TUI_SPOKE_SOFTWARE] = "Software selection",
};

const char *tui_spoke_title(enum tui_spoke s)
{
	return s < _TUI_SPOKE_MAX ? spoke_titles[s] : NULL;
}

static bool has_root_part(const struct tui_answers *a)
{
	for (size_t i = 0; i < a->n_parts; i++)
		if (streq(a->parts[i].mountpoint, "/"))
			return true;
	return false;
}

const char *tui_spoke_missing(const struct tui_answers *a, enum tui_spoke s)
{
	switch (s) {
	case TUI_SPOKE_SOURCE:
		return isempty(a->source) ? "no installation source" : NULL;
	case TUI_SPOKE_DESTINATION:
		return !a->image && strv_length(a->disks) == 0 ? "no disk selected" : NULL;
	case TUI_SPOKE_PARTITIONING:
		if (a->scheme == TUI_SCHEME_CUSTOM && !has_root_part(a))
			return "no / partition";
		if (tui_answers_needs_passphrase(a) && isempty(a->passphrase))
			return "encryption needs a passphrase";
		return NULL;
	case TUI_SPOKE_ROOT:
		/* Anaconda: a root password, or a locked root with a user who is an admin. */
		if (a->root_hash || (a->root_lock && a->user_name && a->user_admin))
			return NULL;
		return a->root_lock ? "root is locked: create an administrator" : "root password is not set";
	default:
		return NULL;
	}
}

static const char *scheme_name(const struct tui_answers *a)
{
	if (a->scheme == TUI_SCHEME_CUSTOM)
		return "custom";
	return a->encrypt ? "automatic, encrypted" : "automatic";
}

char *tui_spoke_status(const struct tui_answers *a, enum tui_spoke s)
{
	const char *missing = tui_spoke_missing(a, s);

	if (missing)
		return xstrdup(missing);
	switch (s) {
	case TUI_SPOKE_SOURCE:
		return xstrdup(a->source);
	case TUI_SPOKE_LOCALE:
		return xasprintf("%s, keyboard %s", a->lang, a->keymap);
	case TUI_SPOKE_TIMEZONE:
		return xasprintf("%s%s", a->timezone, a->utc ? " (hardware clock in UTC)" : "");
	case TUI_SPOKE_DESTINATION: {
		if (a->image)
			return xstrdup("the image file");
		_cleanup_free_ char *l = strv_join(a->disks, ", ");
		return xasprintf("%s (erased)", l);
	}
	case TUI_SPOKE_PARTITIONING:
		if (a->scheme == TUI_SCHEME_CUSTOM)
			return xasprintf("custom, %zu partition%s%s", a->n_parts, a->n_parts == 1 ? "" : "s",
					 tui_answers_needs_passphrase(a) ? ", encrypted" : "");
		return xasprintf("%s, %s", scheme_name(a), a->fstype);
	case TUI_SPOKE_NETWORK: {
		size_t n = 0;
		for (size_t i = 0; i < a->n_ifaces; i++)
			n += a->ifaces[i].configure;
		return xasprintf("%s, %zu interface%s configured", a->hostname, n, n == 1 ? "" : "s");
	}
	case TUI_SPOKE_ROOT:
		return xasprintf("%s%s%s", a->root_lock ? "locked" : "password set",
				 a->root_allow_ssh ? ", ssh password login" : "", a->root_sshkey ? ", ssh key" : "");
	case TUI_SPOKE_USER:
		if (!a->user_name)
			return xstrdup("no user will be created");
		return xasprintf("%s%s", a->user_name, a->user_admin ? " (administrator)" : "");
	case TUI_SPOKE_SOFTWARE: {
		size_t n = strv_length(a->groups);
		return xasprintf("%s%s%zu more group%s", a->environment ? a->environment : "core",
				 ", ", n, n == 1 ? "" : "s");
	}
	default:
		return xstrdup("");
	}
}

/* --opt=VALUE with VALUE quoted the way the kickstart lexer reads it back. */
static void add_opt(struct strbuf *out, const char *opt, const char *value)
{
	strbuf_addf(out, " %s=", opt);
	strbuf_add_quoted(out, value);
}

static void add_luks(struct strbuf *out, const struct tui_answers *a)
{
	strbuf_adds(out, " --encrypted --luks-version=luks2");
	add_opt(out, "--passphrase", a->passphrase);
}

static void write_storage(const struct tui_answers *a, struct strbuf *out)
{
	if (!a->image && a->disks) {
		_cleanup_free_ char *l = strv_join(a->disks, ",");
		strbuf_addf(out, "ignoredisk --only-use=%s\n", l);
		strbuf_addf(out, "clearpart --all --initlabel --drives=%s\n", l);
	} else
		strbuf_adds(out, "clearpart --all --initlabel\n");
	if (a->scheme == TUI_SCHEME_AUTO) {
		strbuf_addf(out, "autopart --type=plain --fstype=%s", a->fstype);
		if (a->encrypt)
			add_luks(out, a);
		strbuf_adds(out, "\n");
		return;
	}
	/* Custom: the partitions the firmware needs come from
	 * reqpart (biosboot, ESP), as Anaconda adds them. */
	strbuf_adds(out, "reqpart\n");
	for (size_t i = 0; i < a->n_parts; i++) {
		const struct tui_part *p = &a->parts[i];
		strbuf_adds(out, "part ");
		strbuf_add_quoted(out, p->mountpoint);
		strbuf_addf(out, " --fstype=%s --size=%lld", p->fstype, (long long)p->size_mib);
		if (p->grow)
			strbuf_adds(out, " --grow");
		if (p->encrypt)
			add_luks(out, a);
		strbuf_adds(out, "\n");
	}
}

static void write_network(const struct tui_answers *a, struct strbuf *out)
{
	bool named = false;

	for (size_t i = 0; i < a->n_ifaces; i++) {
		const struct tui_iface *f = &a->ifaces[i];
		if (!f->configure)
			continue;
		strbuf_addf(out, "network --device=%s --bootproto=%s --onboot=yes", f->name,
			    f->dhcp ? "dhcp" : "static");
		if (!f->dhcp) {
			add_opt(out, "--ip", f->ip);
			add_opt(out, "--netmask", f->netmask);
			if (!isempty(f->gateway))
				add_opt(out, "--gateway", f->gateway);
			if (!isempty(f->nameserver))
				add_opt(out, "--nameserver", f->nameserver);
		}
		if (!named)
			add_opt(out, "--hostname", a->hostname);
		named = true;
		strbuf_adds(out, "\n");
	}
	if (!named) {
		strbuf_adds(out, "network");
		add_opt(out, "--hostname", a->hostname);
		strbuf_adds(out, "\n");
	}
}

static void write_accounts(const struct tui_answers *a, struct strbuf *out)
{
	if (a->root_hash) {
		strbuf_adds(out, "rootpw --iscrypted");
		if (a->root_lock)
			strbuf_adds(out, " --lock");
		if (a->root_allow_ssh)
			strbuf_adds(out, " --allow-ssh");
		strbuf_adds(out, " ");
		strbuf_add_quoted(out, a->root_hash);
		strbuf_adds(out, "\n");
	} else
		strbuf_adds(out, "rootpw --lock\n");
	if (a->user_name) {
		strbuf_adds(out, "user");
		add_opt(out, "--name", a->user_name);
		if (!isempty(a->user_gecos))
			add_opt(out, "--gecos", a->user_gecos);
		if (a->user_admin)
			strbuf_adds(out, " --groups=wheel");
		if (a->user_hash) {
			strbuf_adds(out, " --iscrypted");
			add_opt(out, "--password", a->user_hash);
		} else
			strbuf_adds(out, " --lock");
		strbuf_adds(out, "\n");
	}
	const char *users[] = { "root", a->user_name };
	const char *keys[] = { a->root_sshkey, a->user_sshkey };
	for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
		if (isempty(keys[i]) || !users[i])
			continue;
		strbuf_adds(out, "sshkey");
		add_opt(out, "--username", users[i]);
		strbuf_adds(out, " ");
		strbuf_add_quoted(out, keys[i]);
		strbuf_adds(out, "\n");
	}
}

void tui_answers_to_ks(const struct tui_answers *a, struct strbuf *out)
{
	strbuf_adds(out, "# Written by slipway's text user interface.\n");
	if (a->source) {
		strbuf_adds(out, "url");
		add_opt(out, "--url", a->source);
		strbuf_adds(out, "\n");
	}
	strbuf_addf(out, "lang %s\n", a->lang);
	strbuf_addf(out, "keyboard --vckeymap=%s\n", a->keymap);
	strbuf_addf(out, "timezone %s%s\n", a->timezone, a->utc ? " --utc" : "");
	write_network(a, out);
	write_accounts(a, out);
	write_storage(a, out);
	strbuf_adds(out, "\n%packages\n");
	if (a->environment)
		strbuf_addf(out, "@^%s\n", a->environment);
	else
		strbuf_adds(out, "@core\n");
	for (char **g = a->groups; g && *g; g++)
		strbuf_addf(out, "@%s\n", *g);
	strbuf_adds(out, "%end\n");
}

const char *tui_check_hostname(const char *s)
{
	size_t label = 0;

	if (isempty(s))
		return "the host name is empty";
	if (strlen(s) > 253)
		return "the host name is longer than 253 characters";
	for (const char *c = s; *c; c++) {
		if (*c == '.') {
			if (label == 0)
				return "the host name has an empty label";
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*c) && *c != '-')
			return "a host name has only letters, digits, '-' and '.'";
		if (++label > 63)
			return "a label of the host name is longer than 63 characters";
	}
	return label == 0 ? "the host name ends with '.'" : NULL;
}

const char *tui_check_ipv4(const char *s)
{
	struct in_addr addr;

	return !isempty(s) && inet_pton(AF_INET, s, &addr) == 1 ? NULL : "not an IPv4 address (e.g. 192.168.1.10)";
}

const char *tui_check_username(const char *s)
{
	if (isempty(s))
		return "the user name is empty";
	if (strlen(s) > 32)
		return "a user name has at most 32 characters";
	if (!(islower((unsigned char)s[0]) || s[0] == '_'))
		return "a user name starts with a lower-case letter or '_'";
	for (const char *c = s; *c; c++)
		if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) && *c != '_' && *c != '-')
			return "a user name has only lower-case letters, digits, '_' and '-'";
	if (streq(s, "root"))
		return "root exists already; set its password in the root account";
	return NULL;
}

const char *tui_check_mountpoint(const char *s)
{
	if (isempty(s))
		return "the mount point is empty";
	if (streq(s, "swap"))
		return NULL;
	if (s[0] != '/')
		return "a mount point starts with '/' (or is \"swap\")";
	if (strpbrk(s, " \t'\"\\"))
		return "a mount point has no spaces or quotes";
	if (strlen(s) > 1 && s[strlen(s) - 1] == '/')
		return "a mount point does not end with '/'";
	return NULL;
}

const char *tui_passphrase_strength(const char *s)
{
	size_t n = strlen(strempty(s));
	int classes = 0;
	bool lower = false, upper = false, digit = false, other = false;

	for (const char *c = strempty(s); *c; c++) {
		lower |= islower((unsigned char)*c);
		upper |= isupper((unsigned char)*c);
		digit |= isdigit((unsigned char)*c);
		other |= !isalnum((unsigned char)*c);
	}
	classes = lower + upper + digit + other;
	if (n < 8)
		return "weak";
	if (n >= 16 || (n >= 12 && classes >= 3))
		return "strong";
	return classes >= 2 ? "good" : "fair";
}
