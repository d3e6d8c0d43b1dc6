/* ks_validate(): checks of values and consistency that the option parser
 * cannot make alone — sources, locale, network, accounts, services,
 * firewall, scripts, secrets; storage is in ks-validate-storage.c. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>

#include "ks-internal.h"

static void vdiag(struct ks_vctx *v, enum log_level level, const struct ks_loc *loc, const char *cmd,
		  const char *fmt, va_list ap)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	if (level == LVL_WARNING && v->strict)
		level = LVL_ERROR;
	if (level == LVL_ERROR)
		v->errors++;
	strbuf_vaddf(&sb, fmt, ap);
	ks_diags_add(v->d, level, loc, cmd, "%s", sb.buf);
}

void ks_verr(struct ks_vctx *v, const struct ks_loc *loc, const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag(v, LVL_ERROR, loc, cmd, fmt, ap);
	va_end(ap);
}

void ks_vwarn(struct ks_vctx *v, const struct ks_loc *loc, const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vdiag(v, LVL_WARNING, loc, cmd, fmt, ap);
	va_end(ap);
}

const char *ks_disk_name(const char *s)
{
	return startswith(s, "/dev/") ? s + 5 : s;
}

/* crypt(3) output: "$id$[params$]salt$hash" with the crypt alphabet. */
static bool valid_crypt_hash(const char *s)
{
	if (!s || s[0] != '$')
		return false;
	const char *id_end = strchr(s + 1, '$');
	if (!id_end || id_end == s + 1 || id_end - s > 8)
		return false;
	for (const char *c = s + 1; c < id_end; c++)
		if (!isalnum((unsigned char)*c))
			return false;
	unsigned dollars = 0;
	for (const char *c = id_end; *c; c++) {
		if (*c == '$')
			dollars++;
		else if (!isalnum((unsigned char)*c) && !strchr("./=,-", *c))
			return false;
	}
	return dollars >= 2 && !endswith(s, "$");
}

static void check_hash(struct ks_vctx *v, const struct ks_loc *loc, const char *cmd, const char *pw)
{
	if (pw && !valid_crypt_hash(pw))
		ks_verr(v, loc, cmd, "--iscrypted password does not look like a crypt(3) hash ($id$salt$hash)");
}

/* shadow-utils' default rule: [a-z_][a-z0-9_-]*[$]?, at most 32 characters. */
static bool valid_account_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32 || !(islower((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++) {
		char c = s[i];
		if (c == '$' && i == n - 1)
			continue;
		if (!(islower((unsigned char)c) || isdigit((unsigned char)c) || c == '_' || c == '-'))
			return false;
	}
	return true;
}

static void check_id(struct ks_vctx *v, const struct ks_loc *loc, const char *cmd, const char *what, bool has,
		     int64_t id)
{
	/* (uid_t)-1 means "no change" to the shadow tools. */
	if (has && (id < 0 || id >= UINT32_MAX))
		ks_verr(v, loc, cmd, "%s must be between 0 and 4294967294 (got %lld)", what, (long long)id);
}

static void check_accounts(struct ks_vctx *v)
{
	const struct ks *ks = v->ks;

	if (ks->rootpw && ks->rootpw->iscrypted)
		check_hash(v, &ks->rootpw->loc, "rootpw", ks->rootpw->password);
	for (size_t i = 0; i < ks->user.n; i++) {
		const struct ks_user *u = ks->user.v[i];
		if (!u->name)
			continue;
		if (!valid_account_name(u->name))
			ks_verr(v, &u->loc, "user", "invalid user name \"%s\" (lower case letters, digits, _ and -, "
						    "starting with a letter or _, at most 32)", u->name);
		if (streq(u->name, "root"))
			ks_verr(v, &u->loc, "user", "root cannot be created with user; use rootpw");
		for (size_t j = 0; j < i; j++)
			if (ks->user.v[j]->name && streq(ks->user.v[j]->name, u->name))
				ks_verr(v, &u->loc, "user", "user \"%s\" is already defined at %s:%u", u->name,
					ks->user.v[j]->loc.file, ks->user.v[j]->loc.line);
		if (u->iscrypted)
			check_hash(v, &u->loc, "user", u->password);
		check_id(v, &u->loc, "user", "--uid", u->has_uid, u->uid);
		check_id(v, &u->loc, "user", "--gid", u->has_gid, u->gid);
		if (u->homedir && u->homedir[0] != '/')
			ks_verr(v, &u->loc, "user", "--homedir must be an absolute path (got \"%s\")", u->homedir);
		if (u->shell && u->shell[0] != '/')
			ks_verr(v, &u->loc, "user", "--shell must be an absolute path (got \"%s\")", u->shell);
		if (u->gecos && strpbrk(u->gecos, ":\n"))
			ks_verr(v, &u->loc, "user", "--gecos cannot contain ':' or a newline");
		STRV_FOREACH(g, u->groups)
			if (!valid_account_name(*g))
				ks_verr(v, &u->loc, "user", "invalid group name \"%s\" in --groups", *g);
	}
	for (size_t i = 0; i < ks->group.n; i++) {
		const struct ks_group *g = ks->group.v[i];
		if (!g->name)
			continue;
		if (!valid_account_name(g->name))
			ks_verr(v, &g->loc, "group", "invalid group name \"%s\"", g->name);
		for (size_t j = 0; j < i; j++)
			if (ks->group.v[j]->name && streq(ks->group.v[j]->name, g->name))
				ks_verr(v, &g->loc, "group", "group \"%s\" is already defined at %s:%u", g->name,
					ks->group.v[j]->loc.file, ks->group.v[j]->loc.line);
		check_id(v, &g->loc, "group", "--gid", g->has_gid, g->gid);
	}
	for (size_t i = 0; i < ks->sshkey.n; i++) {
		const struct ks_sshkey *k = ks->sshkey.v[i];
		bool known = k->username && streq(k->username, "root");
		for (size_t j = 0; !known && k->username && j < ks->user.n; j++)
			known = ks->user.v[j]->name && streq(ks->user.v[j]->name, k->username);
		if (k->username && !known)
			ks_vwarn(v, &k->loc, "sshkey", "user \"%s\" is not created by this kickstart", k->username);
		if (k->key && !(startswith(k->key, "ssh-") || startswith(k->key, "ecdsa-") ||
				startswith(k->key, "sk-") || strstr(k->key, " ssh-")))
			ks_verr(v, &k->loc, "sshkey", "the key does not look like an OpenSSH public key");
	}
}

static bool valid_ip(const char *s, int family)
{
	unsigned char buf[sizeof(struct in6_addr)];
	return inet_pton(family, s, buf) == 1;
}

/* RFC 1123 host name, at most 64 characters (systemd-hostnamed's limit). */
static bool valid_hostname(const char *s)
{
	size_t label = 0, n = strlen(s);

	if (n == 0 || n > 64 || s[0] == '.' || s[n - 1] == '.' || s[0] == '-')
		return false;
	for (const char *c = s; *c; c++) {
		if (*c == '.') {
			if (label == 0 || c[-1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*c) && *c != '-')
			return false;
		if (++label > 63)
			return false;
	}
	return true;
}

static void check_network(struct ks_vctx *v, const struct ks_network *n)
{
	const struct ks_loc *l = &n->loc;

	if (n->bootproto == KS_BOOTPROTO_STATIC && !n->ip && !n->noipv4)
		ks_verr(v, l, "network", "--bootproto=static needs --ip");
	if (n->ip && !valid_ip(n->ip, AF_INET))
		ks_verr(v, l, "network", "--ip: \"%s\" is not an IPv4 address", n->ip);
	if (n->netmask && !valid_ip(n->netmask, AF_INET))
		ks_verr(v, l, "network", "--netmask: \"%s\" is not an IPv4 netmask", n->netmask);
	if (n->bootproto == KS_BOOTPROTO_STATIC && n->ip && !n->netmask)
		ks_verr(v, l, "network", "--bootproto=static needs --netmask");
	if (n->gateway && !valid_ip(n->gateway, AF_INET))
		ks_verr(v, l, "network", "--gateway: \"%s\" is not an IPv4 address", n->gateway);
	STRV_FOREACH(ns, n->nameserver)
		if (!valid_ip(*ns, AF_INET) && !valid_ip(*ns, AF_INET6))
			ks_verr(v, l, "network", "--nameserver: \"%s\" is not an IP address", *ns);
	if (n->hostname && !valid_hostname(n->hostname))
		ks_verr(v, l, "network", "--hostname: \"%s\" is not a valid host name", n->hostname);
	if (n->mtu) {
		char *end;
		long m = strtol(n->mtu, &end, 10);
		if (*end || end == n->mtu || m < 68 || m > 65535)
			ks_verr(v, l, "network", "--mtu must be a number from 68 to 65535 (got \"%s\")", n->mtu);
	}
}

static void check_networks(struct ks_vctx *v)
{
	const struct ks *ks = v->ks;

	for (size_t i = 0; i < ks->network.n; i++) {
		const struct ks_network *n = ks->network.v[i];
		check_network(v, n);
		for (size_t j = 0; n->device && j < i; j++)
			if (ks->network.v[j]->device && streq(ks->network.v[j]->device, n->device))
				ks_vwarn(v, &n->loc, "network", "device %s is already configured at %s:%u", n->device,
					 ks->network.v[j]->loc.file, ks->network.v[j]->loc.line);
	}
}

static bool valid_url(const char *s)
{
	return startswith(s, "http://") || startswith(s, "https://") || startswith(s, "ftp://") ||
	       startswith(s, "file://");
}

static void check_sources(struct ks_vctx *v)
{
	const struct ks *ks = v->ks;
	const struct { const char *name; const struct ks_loc *loc; } src[] = {
		{ "url", ks->url ? &ks->url->loc : NULL },
		{ "cdrom", ks->cdrom ? &ks->cdrom->loc : NULL },
		{ "harddrive", ks->harddrive ? &ks->harddrive->loc : NULL },
	};
	size_t first = ELEMENTSOF(src);

	/* The earliest written one stands; every other is reported. */
	for (size_t i = 0; i < ELEMENTSOF(src); i++)
		if (src[i].loc && (first == ELEMENTSOF(src) || src[i].loc->line < src[first].loc->line))
			first = i;
	for (size_t i = 0; i < ELEMENTSOF(src); i++)
		if (src[i].loc && i != first)
			ks_verr(v, src[i].loc, src[i].name, "only one installation source can be given (%s at %s:%u)",
				src[first].name, src[first].loc->file, src[first].loc->line);
	if (ks->url && ks->url->url && !valid_url(ks->url->url))
		ks_verr(v, &ks->url->loc, "url", "--url must be an http://, https://, ftp:// or file:// URL (got \"%s\")",
			ks->url->url);
	if (ks->harddrive && ks->harddrive->dir && ks->harddrive->dir[0] != '/')
		ks_verr(v, &ks->harddrive->loc, "harddrive", "--dir must be an absolute path");
	for (size_t i = 0; i < ks->repo.n; i++) {
		const struct ks_repo *r = ks->repo.v[i];
		if (r->baseurl && !valid_url(r->baseurl))
			ks_verr(v, &r->loc, "repo", "--baseurl must be an http://, https://, ftp:// or file:// URL "
						    "(got \"%s\")", r->baseurl);
		for (size_t j = 0; r->name && j < i; j++)
			if (ks->repo.v[j]->name && streq(ks->repo.v[j]->name, r->name))
				ks_verr(v, &r->loc, "repo", "repo \"%s\" is already defined at %s:%u", r->name,
					ks->repo.v[j]->loc.file, ks->repo.v[j]->loc.line);
	}
}

static void check_locale(struct ks_vctx *v)
{
	const struct ks *ks = v->ks;

	if (ks->lang && ks->lang->lang && strspn(ks->lang->lang, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.@-") !=
						  strlen(ks->lang->lang))
		ks_verr(v, &ks->lang->loc, "lang", "\"%s\" is not a locale name (like en_US.UTF-8)", ks->lang->lang);
	if (ks->timezone && ks->timezone->timezone) {
		const char *tz = ks->timezone->timezone;
		if (tz[0] == '/' || strstr(tz, "..") ||
		    strspn(tz, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-/") != strlen(tz))
			ks_verr(v, &ks->timezone->loc, "timezone", "\"%s\" is not a time zone name (like Europe/Prague)",
				tz);
	}
}

/* "22:tcp", "8000-8080:udp". */
static bool valid_port(const char *s)
{
	const char *colon = strchr(s, ':');
	char *end;

	if (!colon || !(streq(colon + 1, "tcp") || streq(colon + 1, "udp") || streq(colon + 1, "sctp") ||
			streq(colon + 1, "dccp")))
		return false;
	long a = strtol(s, &end, 10);
	if (end == s || a < 1 || a > 65535)
		return false;
	if (*end == '-') {
		const char *b = end + 1;
		long c = strtol(b, &end, 10);
		if (end == b || c < a || c > 65535)
			return false;
	}
	return end == colon;
}

static void check_system(struct ks_vctx *v)
{
	const struct ks *ks = v->ks;

	if (ks->firewall)
		STRV_FOREACH(p, ks->firewall->ports)
			if (!valid_port(*p))
				ks_verr(v, &ks->firewall->loc, "firewall", "--port: \"%s\" is not PORT[-PORT]:tcp|udp", *p);
	if (ks->services)
		STRV_FOREACH(s, ks->services->enabled)
			if (strv_contains(ks->services->disabled, *s))
				ks_vwarn(v, &ks->services->loc, "services", "%s is both enabled and disabled; it is disabled",
					 *s);
	if (ks->bootloader && ks->bootloader->iscrypted && ks->bootloader->password &&
	    !startswith(ks->bootloader->password, "grub.pbkdf2."))
		ks_verr(v, &ks->bootloader->loc, "bootloader",
			"--iscrypted password must be a grub2-mkpasswd-pbkdf2 hash (grub.pbkdf2.…)");
	for (size_t i = 0; i < ks->script.n; i++) {
		const struct ks_script *s = ks->script.v[i];
		const char *name = ks_script_kind_to_string(s->kind);
		if (s->interpreter && s->interpreter[0] != '/')
			ks_verr(v, &s->loc, name, "--interpreter must be an absolute path (got \"%s\")", s->interpreter);
		if (s->log && s->log[0] != '/')
			ks_verr(v, &s->loc, name, "--log must be an absolute path (got \"%s\")", s->log);
	}
}

int ks_validate(const struct ks *ks, const struct ks_load_opts *o, struct ks_diags *d)
{
	struct ks_vctx v = { .ks = ks, .d = d, .strict = o && o->strict };
	size_t start = d->n;

	check_sources(&v);
	check_locale(&v);
	check_networks(&v);
	check_accounts(&v);
	check_system(&v);
	ks_validate_storage(&v);
	ks_diags_sort(ks, d, start);
	return v.errors > 0 ? -EINVAL : 0;
}
