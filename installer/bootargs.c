/* Boot arguments of the installer media (see bootargs.h): the kernel's word
 * splitting, Anaconda's inst.* options, inst.ks= locations and dracut's ip=. */
#include <arpa/inet.h>
#include <ctype.h>

#include "bootargs.h"
#include "finish.h"
#include "inst-repo.h"
#include "strv.h"

/* s after prefix, or NULL */
static const char *after(const char *s, const char *prefix)
{
	return startswith(s, prefix) ? s + strlen(prefix) : NULL;
}

static int fail(char **ret_err, int r, char *msg)
{
	*ret_err = msg;
	return r;
}

/* ---- inst.ks= ---- */

void inst_ks_loc_done(struct inst_ks_loc *l)
{
	free(l->path);
	free(l->url);
	free(l->device);
	*l = (struct inst_ks_loc){};
}

bool inst_ks_loc_is_url(const char *arg)
{
	static const char *const prefixes[] = { "file:", "http://", "https://", "hd:", "cdrom:", "nfs:",
						"nfs4:", "ftp://", "bootp:" };

	for (size_t i = 0; i < ELEMENTSOF(prefixes); i++)
		if (startswith(arg, prefixes[i]))
			return true;
	return false;
}

char *inst_ks_loc_to_string(const struct inst_ks_loc *l)
{
	switch (l->kind) {
	case INST_KS_FILE: return xstrdup(l->path);
	case INST_KS_URL: return xstrdup(l->url);
	case INST_KS_HD: return xasprintf("hd:%s:%s", l->device, l->path);
	case INST_KS_CDROM:
		return l->device ? xasprintf("cdrom:%s:%s", l->device, l->path) : xasprintf("cdrom:%s", l->path);
	default: return xstrdup(strna(NULL));
	}
}

/* An absolute path with no "." or ".." component and no empty name. */
static bool valid_path(const char *p)
{
	if (p[0] != '/' || endswith(p, "/"))
		return false;
	return !strstr(p, "/../") && !endswith(p, "/..") && !strstr(p, "/./") && !endswith(p, "/.") &&
	       !strstr(p, "//");
}

/* DEV:/path after hd: or cdrom: (DEV holds no colon) */
static int parse_dev_path(const char *v, const char *rest, bool dev_optional, struct inst_ks_loc *l,
			  char **ret_err)
{
	const char *colon = strchr(rest, ':');

	if (!colon && dev_optional) {
		if (!valid_path(rest))
			return fail(ret_err, -EINVAL, xasprintf("\"%s\": needs the kickstart's absolute path "
								"(cdrom:/ks.cfg, cdrom:DEV:/ks.cfg)", v));
		l->path = xstrdup(rest);
		return 0;
	}
	_cleanup_free_ char *dev = colon ? xstrndup(rest, (size_t)(colon - rest)) : NULL;
	if (!dev || !inst_valid_device(dev))
		return fail(ret_err, -EINVAL,
			    xasprintf("\"%s\": needs a device and a path (hd:sdb1:/ks.cfg, hd:LABEL=X:/ks.cfg, "
				      "hd:UUID=X:/ks.cfg)", v));
	if (!valid_path(colon + 1))
		return fail(ret_err, -EINVAL, xasprintf("\"%s\": the path after the device must be absolute "
							"(%s:/ks.cfg)", v, dev));
	l->device = TAKE_PTR(dev);
	l->path = xstrdup(colon + 1);
	return 0;
}

int inst_ks_loc_parse(const char *value, struct inst_ks_loc *ret, char **ret_err)
{
	struct inst_ks_loc l = {};
	const char *rest;
	int r = 0;

	*ret_err = NULL;
	if (isempty(value))
		return fail(ret_err, -EOPNOTSUPP, xstrdup("a kickstart from the DHCP server's NFS share (inst.ks "
							  "without a value) is not supported by slipway"));
	if (!inst_printable_word(value))
		return fail(ret_err, -EINVAL, xstrdup("a value with spaces or control characters"));
	if (startswith(value, "nfs:") || startswith(value, "nfs4:") || startswith(value, "bootp:"))
		return fail(ret_err, -EOPNOTSUPP, xstrdup("NFS kickstarts are not supported by slipway (use "
							  "http://, hd: or an OEMDRV volume)"));
	if (value[0] == '/') {
		l.kind = INST_KS_FILE;
		if (!valid_path(value))
			r = fail(ret_err, -EINVAL, xasprintf("\"%s\": not a file path", value));
		else
			l.path = xstrdup(value);
	} else if ((rest = after(value, "file:"))) {
		l.kind = INST_KS_FILE;
		if (startswith(rest, "//"))
			rest += 2; /* file:///p; file://host/p is refused below */
		if (!valid_path(rest))
			r = fail(ret_err, -EINVAL, xasprintf("\"%s\": a file location needs an absolute path "
							     "(file:/ks.cfg or file:///ks.cfg)", value));
		else
			l.path = xstrdup(rest);
	} else if (startswith(value, "http://") || startswith(value, "https://") || startswith(value, "ftp://")) {
		rest = strstr(value, "://") + 3;
		l.kind = INST_KS_URL;
		if (!rest[0] || rest[0] == '/')
			r = fail(ret_err, -EINVAL, xasprintf("\"%s\": a URL needs a host", value));
		else
			l.url = xstrdup(value);
	} else if ((rest = after(value, "hd:"))) {
		l.kind = INST_KS_HD;
		r = parse_dev_path(value, rest, false, &l, ret_err);
	} else if ((rest = after(value, "cdrom:"))) {
		l.kind = INST_KS_CDROM;
		r = parse_dev_path(value, rest, true, &l, ret_err);
	} else
		r = fail(ret_err, -EINVAL,
			 xasprintf("\"%s\": not a kickstart location (/path, file:/path, http(s)://…, "
				   "hd:DEV:/path, cdrom:/path)", value));
	if (r < 0) {
		inst_ks_loc_done(&l);
		return r;
	}
	*ret = l;
	return 0;
}

/* ---- ip= ---- */

void inst_ip_done(struct inst_ip *ip)
{
	free(ip->iface);
	free(ip->address);
	free(ip->gateway);
	free(ip->hostname);
	free(ip->dns[0]);
	free(ip->dns[1]);
	*ip = (struct inst_ip){};
}

static bool is_ipv4(const char *s)
{
	struct in_addr a;
	return inet_pton(AF_INET, s, &a) == 1;
}

/* 255.255.255.0 or 24 */
static int netmask_prefix(const char *s)
{
	struct in_addr a;
	char *end;

	if (!s[0])
		return -1;
	if (!strchr(s, '.')) {
		long n = strtol(s, &end, 10);
		return *end || n < 0 || n > 32 ? -1 : (int)n;
	}
	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	uint32_t m = ntohl(a.s_addr);
	int n = __builtin_popcount(m);
	/* contiguous ones from the top */
	return n == 32 || m == (n ? ~((1u << (32 - n)) - 1) : 0) ? n : -1;
}

/* Interface names as the kernel allows them: 1-15 bytes, no '/', no ':'. */
static bool valid_iface(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n < 16 && !strchr(s, '/') && !strchr(s, ':') && !streq(s, ".") && !streq(s, "..");
}

/* dracut's fields: colon-separated, an IPv6 address in brackets may hold colons. */
static char **split_ip_fields(const char *v)
{
	char **l = NULL;
	const char *s = v;

	for (;;) {
		const char *e = s;
		if (*e == '[') {
			const char *close = strchr(e, ']');
			e = close ? close + 1 : e + strlen(e);
		}
		e += strcspn(e, ":");
		strv_consume(&l, xstrndup(s, (size_t)(e - s)));
		if (!*e)
			break;
		s = e + 1;
	}
	return l;
}

static int ip_method(const char *v, const char *m, bool have_address, enum inst_ip_method *ret, char **ret_err)
{
	if (streq(m, "dhcp") || streq(m, "on") || streq(m, "any") || streq(m, "single-dhcp")) {
		*ret = INST_IP_DHCP;
		return 0;
	}
	if ((streq(m, "none") || streq(m, "off")) && have_address) {
		*ret = INST_IP_STATIC;
		return 0;
	}
	if (streq(m, "none") || streq(m, "off"))
		return fail(ret_err, -EINVAL, xasprintf("ip=%s: \"%s\" needs an address "
							"(ip=ADDR::GATEWAY:NETMASK:HOST:IFACE:none)", v, m));
	if (streq(m, "dhcp6") || streq(m, "auto6") || streq(m, "either6") || streq(m, "link6") ||
	    streq(m, "ibft") || streq(m, "link-local"))
		return fail(ret_err, -EOPNOTSUPP, xasprintf("ip=%s: \"%s\" is not supported by slipway (dhcp, "
							    "or a static IPv4 address)", v, m));
	return fail(ret_err, -EINVAL, xasprintf("ip=%s: unknown method \"%s\" (dhcp, on, any, none, off)", v, m));
}

static int parse_mtu(const char *v, const char *s, unsigned *ret, char **ret_err)
{
	char *end;
	long n;

	if (!s[0])
		return 0;
	n = strtol(s, &end, 10);
	if (*end || n < 68 || n > 65535)
		return fail(ret_err, -EINVAL, xasprintf("ip=%s: \"%s\" is not an MTU (68-65535)", v, s));
	*ret = (unsigned)n;
	return 0;
}

/* the 7-9 field form: ADDR:PEER:GW:NETMASK:HOST:IFACE:METHOD[:MTU[:MAC]] or [:DNS1[:DNS2]] */
static int parse_ip_full(const char *v, char **f, size_t n, struct inst_ip *ip, char **ret_err)
{
	int r, prefix;

	if (f[0][0] == '[' || (f[2][0] == '['))
		return fail(ret_err, -EOPNOTSUPP, xasprintf("ip=%s: IPv6 addresses are not supported by slipway", v));
	if (f[0][0] && !is_ipv4(f[0]))
		return fail(ret_err, -EINVAL, xasprintf("ip=%s: \"%s\" is not an IPv4 address", v, f[0]));
	if ((r = ip_method(v, f[6], f[0][0] != '\0', &ip->method, ret_err)) < 0)
		return r;
	if (f[5][0] && !valid_iface(f[5]))
		return fail(ret_err, -EINVAL, xasprintf("ip=%s: \"%s\" is not an interface name", v, f[5]));
	if (f[5][0])
		ip->iface = xstrdup(f[5]);
	if (f[4][0])
		ip->hostname = xstrdup(f[4]);
	if (ip->method == INST_IP_STATIC) {
		if ((prefix = netmask_prefix(f[3])) < 0)
			return fail(ret_err, -EINVAL,
				    xasprintf("ip=%s: \"%s\" is not a netmask (255.255.255.0 or 24)", v, f[3]));
		if (f[2][0] && !is_ipv4(f[2]))
			return fail(ret_err, -EINVAL, xasprintf("ip=%s: \"%s\" is not a gateway address", v, f[2]));
		ip->address = xstrdup(f[0]);
		ip->prefix = (unsigned)prefix;
		if (f[2][0])
			ip->gateway = xstrdup(f[2]);
	}
	if (n > 7 && is_ipv4(f[7])) { /* DNS servers */
		ip->dns[0] = xstrdup(f[7]);
		if (n > 8 && f[8][0]) {
			if (!is_ipv4(f[8]))
				return fail(ret_err, -EINVAL, xasprintf("ip=%s: \"%s\" is not a DNS server address", v, f[8]));
			ip->dns[1] = xstrdup(f[8]);
		}
		return 0;
	}
	return n > 7 ? parse_mtu(v, f[7], &ip->mtu, ret_err) : 0;
}

/* a MAC address split into six fields by the colons: 52:54:00:12:34:56 */
static bool is_mac(char *const *f, size_t n)
{
	if (n != 6)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strlen(f[i]) != 2 || !isxdigit((unsigned char)f[i][0]) || !isxdigit((unsigned char)f[i][1]))
			return false;
	return true;
}

static bool is_method_word(const char *m)
{
	static const char *const words[] = { "dhcp", "on", "any", "single-dhcp", "none", "off", "dhcp6",
					     "auto6", "either6", "link6", "ibft", "link-local" };
	for (size_t i = 0; i < ELEMENTSOF(words); i++)
		if (streq(m, words[i]))
			return true;
	return false;
}

int inst_ip_parse(const char *value, struct inst_ip *ret, char **ret_err)
{
	struct inst_ip ip = {};
	_cleanup_strv_free_ char **f = NULL;
	int r = 0;

	*ret_err = NULL;
	if (isempty(value) || !inst_printable_word(value))
		return fail(ret_err, -EINVAL, xstrdup("ip=: an empty value, or one with spaces or control characters"));
	f = split_ip_fields(value);
	size_t n = strv_length(f);
	/* the optional MAC at the end (not used: the interface is named) */
	bool short_form = n >= 2 && is_method_word(f[1]);
	size_t mac_at = short_form ? 3 : 8;
	if (n == mac_at + 6 && is_mac(f + mac_at, 6)) {
		for (size_t i = mac_at; i < n; i++)
			free(f[i]), f[i] = NULL;
		n = mac_at;
	}
	if (n == 1)
		r = ip_method(value, f[0], false, &ip.method, ret_err);
	else if (n >= 2 && n <= 4) { /* IFACE:METHOD[:MTU[:MAC]] */
		if (!valid_iface(f[0]))
			r = fail(ret_err, -EINVAL, xasprintf("ip=%s: \"%s\" is not an interface name", value, f[0]));
		else if ((r = ip_method(value, f[1], false, &ip.method, ret_err)) >= 0) {
			ip.iface = xstrdup(f[0]);
			if (n > 2)
				r = parse_mtu(value, f[2], &ip.mtu, ret_err);
		}
	} else if (n >= 7 && n <= 9)
		r = parse_ip_full(value, f, n, &ip, ret_err);
	else
		r = fail(ret_err, -EINVAL,
			 xasprintf("ip=%s: %zu fields; dracut's forms are ip=dhcp, ip=IFACE:dhcp and "
				   "ip=ADDR::GATEWAY:NETMASK:HOST:IFACE:none[:DNS1[:DNS2]]", value, n));
	if (r < 0) {
		inst_ip_done(&ip);
		return r;
	}
	*ret = ip;
	return 0;
}

/* ---- the command line ---- */

char **inst_cmdline_split(const char *s)
{
	char **l = NULL;
	struct strbuf w = STRBUF_INIT;

	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		bool quoted = false;
		strbuf_reset(&w);
		for (; *s && (quoted || (*s != ' ' && *s != '\t' && *s != '\n')); s++) {
			if (*s == '"')
				quoted = !quoted;
			else
				strbuf_addch(&w, *s);
		}
		/* what follows "--" is init's, not the kernel's */
		if (streq(strbuf_str(&w), "--"))
			break;
		strv_push(&l, strbuf_str(&w));
	}
	strbuf_release(&w);
	return l ? l : xnew0(char *, 1);
}

void inst_bootargs_done(struct inst_bootargs *b)
{
	inst_ks_loc_done(&b->ks);
	free(b->repo);
	free(b->stage2);
	for (size_t i = 0; i < b->n_ips; i++)
		inst_ip_done(&b->ips[i]);
	free(b->ips);
	strv_free(b->nameservers);
	strv_free(b->consoles);
	strv_free(b->warnings);
	*b = (struct inst_bootargs){ .finish = -1 };
}

/* inst.text, inst.text=1: on; inst.text=0 (or no, off, false): off */
static bool flag_value(const char *val)
{
	return !val || !(streq(val, "0") || streq(val, "no") || streq(val, "off") || streq(val, "false"));
}

static int set_ks(struct inst_bootargs *b, const char *key, const char *val, char **ret_err)
{
	_cleanup_free_ char *err = NULL;
	int r;

	inst_ks_loc_done(&b->ks);
	if ((r = inst_ks_loc_parse(strempty(val), &b->ks, &err)) < 0)
		return fail(ret_err, r, xasprintf("%s%s%s: %s", key, val ? "=" : "", strempty(val), err));
	b->has_ks = true;
	return 0;
}

static int one_arg(struct inst_bootargs *b, const char *arg, char **ret_err)
{
	const char *eq = strchr(arg, '=');
	_cleanup_free_ char *key = eq ? xstrndup(arg, (size_t)(eq - arg)) : xstrdup(arg);
	const char *val = eq ? eq + 1 : NULL;
	_cleanup_free_ char *err = NULL;
	int r;

	/* dracut and Anaconda accept "inst.ks" and "inst_ks" alike */
	for (char *p = key; *p; p++)
		if (*p == '_' && startswith(key, "inst"))
			*p = '.';
	if (streq(key, "inst.ks"))
		return set_ks(b, key, val, ret_err);
	if (streq(key, "ks")) {
		strv_pushf(&b->warnings, "%s: deprecated, use inst.ks=", arg);
		return set_ks(b, key, val, ret_err);
	}
	if (streq(key, "inst.repo") || streq(key, "inst.stage2")) {
		if (isempty(val))
			return fail(ret_err, -EINVAL, xasprintf("%s: needs a value", key));
		char **dst = streq(key, "inst.repo") ? &b->repo : &b->stage2;
		free(*dst);
		*dst = xstrdup(val);
		return 0;
	}
	if (streq(key, "inst.text") || streq(key, "inst.cmdline") || streq(key, "inst.ksstrict") ||
	    streq(key, "inst.rescue") || streq(key, "inst.noverifyssl")) {
		bool on = flag_value(val);
		if (streq(key, "inst.text"))
			b->text = on;
		else if (streq(key, "inst.cmdline"))
			b->cmdline = on;
		else if (streq(key, "inst.ksstrict"))
			b->ksstrict = on;
		else if (streq(key, "inst.rescue"))
			b->rescue = on;
		else
			b->noverifyssl = on;
		return 0;
	}
	if (streq(key, "inst.finish")) {
		if (isempty(val) || (r = inst_finish_from_string(val)) < 0)
			return fail(ret_err, -EINVAL, xasprintf("inst.finish=%s: unknown action (reboot, poweroff, halt, "
								"shell, exit)", strempty(val)));
		b->finish = r;
		return 0;
	}
	if (streq(key, "inst.disklabel")) {
		if (val && streq(val, "gpt"))
			b->disklabel = INST_DISKLABEL_GPT;
		else if (val && streq(val, "mbr"))
			b->disklabel = INST_DISKLABEL_MBR;
		else
			return fail(ret_err, -EINVAL, xasprintf("inst.disklabel=%s: gpt or mbr", strempty(val)));
		return 0;
	}
	if (streq(key, "ip")) {
		struct inst_ip ip = {};
		if ((r = inst_ip_parse(strempty(val), &ip, &err)) < 0)
			return fail(ret_err, r, TAKE_PTR(err));
		b->ips = xrealloc(b->ips, (b->n_ips + 1) * sizeof(*b->ips));
		b->ips[b->n_ips++] = ip;
		return 0;
	}
	if (streq(key, "nameserver")) {
		if (!val || !is_ipv4(val))
			return fail(ret_err, -EINVAL, xasprintf("nameserver=%s: not an IPv4 address", strempty(val)));
		strv_push(&b->nameservers, val);
		return 0;
	}
	if (streq(key, "console")) {
		if (!isempty(val))
			strv_push(&b->consoles, val);
		return 0;
	}
	if (startswith(key, "inst."))
		strv_pushf(&b->warnings, "%s: not an option slipway knows; ignored", key);
	return 0;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return true;
	return false;
}

int inst_bootargs_parse(const char *cmdline, struct inst_bootargs *ret, char **ret_err)
{
	_cleanup_strv_free_ char **words = inst_cmdline_split(cmdline);
	struct inst_bootargs b = { .finish = -1 };
	int r;

	*ret_err = NULL;
	STRV_FOREACH (w, words)
		if (has_control(*w)) {
			inst_bootargs_done(&b);
			return fail(ret_err, -EINVAL, xstrdup("an argument with a control character"));
		} else if ((r = one_arg(&b, *w, ret_err)) < 0) {
			inst_bootargs_done(&b);
			return r;
		}
	*ret = b;
	return 0;
}
