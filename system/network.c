/* Network configuration of the new system from the network commands:
 * systemd-networkd .network files, or NetworkManager keyfiles when the
 * target has NetworkManager and not networkd. */
#include <arpa/inet.h>

#include "sysconf-internal.h"

int sysconf_netmask_to_prefix(const char *netmask)
{
	struct in_addr a;

	if (isempty(netmask))
		return -EINVAL;
	if (strspn(netmask, "0123456789") == strlen(netmask)) {
		long v = strtol(netmask, NULL, 10);
		return strlen(netmask) <= 2 && v <= 32 ? (int)v : -EINVAL;
	}
	if (inet_pton(AF_INET, netmask, &a) != 1)
		return -EINVAL;
	uint32_t m = ntohl(a.s_addr);
	int prefix = __builtin_popcount(m);
	/* contiguous: the ones, then only zeros */
	if (prefix < 32 && (m & (0xffffffffu >> prefix)) != 0)
		return -EINVAL;
	return prefix;
}

bool sysconf_network_configures_link(const struct ks_network *n)
{
	/* `network --hostname=x` alone only names the machine; the parser does
	 * not record whether --bootproto was given, so "nothing but a host
	 * name" is the test. */
	return n->device || n->ip || n->netmask || n->gateway || n->nameserver || n->mtu ||
	       n->ipv6 || n->ipv6gateway || n->noipv4 || n->noipv6 || n->nodns || n->nodefroute ||
	       n->bootproto != KS_BOOTPROTO_DHCP || n->onboot != KS_TRI_UNSET ||
	       n->activate != KS_TRI_UNSET || !n->hostname;
}

static const char *where(const struct ks_network *n, char *buf, size_t size)
{
	if (n->loc.file)
		snprintf(buf, size, "%s:%u: network", n->loc.file, n->loc.line);
	else
		snprintf(buf, size, "network");
	return buf;
}

/* The IPv4 address with its prefix: --ip=A.B.C.D/N, or --ip plus --netmask. */
static int ipv4_address(const struct ks_network *n, char **ret)
{
	char w[512];
	_cleanup_free_ char *ip = xstrdup(n->ip);
	char *slash = strchr(ip, '/');
	int prefix;
	struct in_addr a;

	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, ip, &a) != 1)
		return log_error_errno(EINVAL, "system: %s: --ip=%s is not an IPv4 address",
				       where(n, w, sizeof(w)), n->ip);
	prefix =
	    slash ? sysconf_netmask_to_prefix(slash + 1) : sysconf_netmask_to_prefix(n->netmask);
	if (prefix < 0)
		return log_error_errno(
		    EINVAL, "system: %s: --bootproto=static needs a valid --netmask (got \"%s\")",
		    where(n, w, sizeof(w)), strempty(slash ? slash + 1 : n->netmask));
	*ret = xasprintf("%s/%d", ip, prefix);
	return 0;
}

static int check_static(const struct ks_network *n)
{
	char w[512];

	if (n->bootproto == KS_BOOTPROTO_STATIC && !n->noipv4 && isempty(n->ip))
		return log_error_errno(EINVAL, "system: %s: --bootproto=static needs --ip",
				       where(n, w, sizeof(w)));
	if (n->mtu && (strspn(n->mtu, "0123456789") != strlen(n->mtu) || strlen(n->mtu) > 6))
		return log_error_errno(EINVAL, "system: %s: --mtu=%s is not a number",
				       where(n, w, sizeof(w)), n->mtu);
	return 0;
}

/* --device names an interface, a MAC address, or "link" (the first link
 * with a carrier, in Anaconda: here every Ethernet link). */
static const char *device_name(const struct ks_network *n)
{
	return n->device && !streq(n->device, "link") ? n->device : NULL;
}

static bool device_is_mac(const char *d)
{
	unsigned b[6];
	char end;
	return d && strlen(d) == 17 &&
	       sscanf(d, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		      &end) == 6;
}

enum v6 { V6_DEFAULT, V6_OFF, V6_AUTO, V6_DHCP, V6_STATIC };
static enum v6 ipv6_mode(const struct ks_network *n)
{
	if (n->noipv6)
		return V6_OFF;
	if (isempty(n->ipv6))
		return V6_DEFAULT;
	return streq(n->ipv6, "auto") ? V6_AUTO : streq(n->ipv6, "dhcp") ? V6_DHCP : V6_STATIC;
}

char *sysconf_networkd_filename(const struct ks_network *n)
{
	const char *d = device_name(n);

	if (!d)
		return xstrdup("80-slipway-ether.network");
	char *name = xasprintf("40-slipway-%s.network", d);
	for (char *p = name; *p; p++)
		if (*p == ':')
			*p = '-';
	return name;
}

static void networkd_link(const struct ks_network *n, struct strbuf *out)
{
	bool manual = n->onboot == KS_TRI_NO;

	if (!n->mtu && !manual)
		return;
	strbuf_adds(out, "\n[Link]\n");
	if (n->mtu)
		strbuf_addf(out, "MTUBytes=%s\n", n->mtu);
	/* --onboot=no: networkd leaves the link alone until someone brings it up */
	if (manual)
		strbuf_adds(out, "ActivationPolicy=manual\nRequiredForOnline=no\n");
}

int sysconf_networkd_render(const struct ks_network *n, struct strbuf *out)
{
	_cleanup_free_ char *addr = NULL;
	enum v6 v6 = ipv6_mode(n);
	bool dhcp4 = !n->noipv4 && n->bootproto == KS_BOOTPROTO_DHCP;
	bool dhcp6 = v6 == V6_DHCP || (dhcp4 && v6 == V6_DEFAULT);
	int r;

	if ((r = check_static(n)) < 0)
		return r;
	if (!n->noipv4 && n->bootproto == KS_BOOTPROTO_STATIC && (r = ipv4_address(n, &addr)) < 0)
		return r;
	strbuf_adds(
	    out,
	    "# written by slipway from the kickstart's network command; see systemd.network(5)\n");
	strbuf_adds(out, "[Match]\n");
	if (device_is_mac(device_name(n)))
		strbuf_addf(out, "MACAddress=%s\n", n->device);
	else if (device_name(n))
		strbuf_addf(out, "Name=%s\n", n->device);
	else
		strbuf_adds(out, "Type=ether\n");
	networkd_link(n, out);
	strbuf_adds(out, "\n[Network]\n");
	strbuf_addf(out, "DHCP=%s\n",
		    dhcp4 && dhcp6 ? "yes"
		    : dhcp4	   ? "ipv4"
		    : dhcp6	   ? "ipv6"
				   : "no");
	if (addr)
		strbuf_addf(out, "Address=%s\n", addr);
	if (v6 == V6_STATIC)
		strbuf_addf(out, "Address=%s\n", n->ipv6);
	if (n->gateway && !n->noipv4 && !n->nodefroute)
		strbuf_addf(out, "Gateway=%s\n", n->gateway);
	if (n->ipv6gateway && v6 != V6_OFF && !n->nodefroute)
		strbuf_addf(out, "Gateway=%s\n", n->ipv6gateway);
	if (!n->nodns)
		STRV_FOREACH (d, n->nameserver)
			strbuf_addf(out, "DNS=%s\n", *d);
	if (n->ipv4_dns_search || n->ipv6_dns_search)
		strbuf_addf(out, "Domains=%s%s%s\n", strempty(n->ipv4_dns_search),
			    n->ipv4_dns_search && n->ipv6_dns_search ? " " : "",
			    strempty(n->ipv6_dns_search));
	if (v6 == V6_OFF)
		strbuf_adds(out, "LinkLocalAddressing=no\nIPv6AcceptRA=no\n");
	else if (v6 == V6_AUTO)
		strbuf_adds(out, "IPv6AcceptRA=yes\n");
	bool no_dns4 = n->nodns || n->ipv4_ignore_auto_dns,
	     no_dns6 = n->nodns || n->ipv6_ignore_auto_dns;
	if (dhcp4 && (no_dns4 || n->nodefroute)) {
		strbuf_adds(out, "\n[DHCPv4]\n");
		if (no_dns4)
			strbuf_adds(out, "UseDNS=no\n");
		if (n->nodefroute)
			strbuf_adds(out, "UseGateway=no\n");
	}
	if (v6 != V6_OFF && no_dns6) {
		if (dhcp6)
			strbuf_adds(out, "\n[DHCPv6]\nUseDNS=no\n");
		strbuf_adds(out, "\n[IPv6AcceptRA]\nUseDNS=no\n");
	}
	return 0;
}

const char *sysconf_nmconnection_id(const struct ks_network *n)
{
	return device_name(n) ? device_name(n) : "slipway-ethernet";
}

static void nm_dns(const struct ks_network *n, bool ignore_auto, const char *search,
		   struct strbuf *out)
{
	if (!n->nodns && n->nameserver) {
		strbuf_adds(out, "dns=");
		STRV_FOREACH (d, n->nameserver)
			strbuf_addf(out, "%s;", *d);
		strbuf_addch(out, '\n');
	}
	if (search)
		strbuf_addf(out, "dns-search=%s;\n", search);
	if (n->nodns || ignore_auto)
		strbuf_adds(out, "ignore-auto-dns=true\n");
	if (n->nodefroute)
		strbuf_adds(out, "never-default=true\n");
}

int sysconf_nmconnection_render(const struct ks_network *n, const char *uuid, struct strbuf *out)
{
	_cleanup_free_ char *addr = NULL;
	enum v6 v6 = ipv6_mode(n);
	int r;

	if ((r = check_static(n)) < 0)
		return r;
	if (!n->noipv4 && n->bootproto == KS_BOOTPROTO_STATIC && (r = ipv4_address(n, &addr)) < 0)
		return r;
	strbuf_addf(out,
		    "# written by slipway from the kickstart's network command; see "
		    "nm-settings-keyfile(5)\n"
		    "[connection]\nid=%s\nuuid=%s\ntype=ethernet\n",
		    sysconf_nmconnection_id(n), uuid);
	if (device_name(n) && !device_is_mac(device_name(n)))
		strbuf_addf(out, "interface-name=%s\n", n->device);
	if (n->onboot == KS_TRI_NO)
		strbuf_adds(out, "autoconnect=false\n");
	strbuf_adds(out, "\n[ethernet]\n");
	if (device_is_mac(device_name(n)))
		strbuf_addf(out, "mac-address=%s\n", n->device);
	if (n->mtu)
		strbuf_addf(out, "mtu=%s\n", n->mtu);

	strbuf_addf(out, "\n[ipv4]\nmethod=%s\n",
		    n->noipv4 ? "disabled"
		    : addr    ? "manual"
			      : "auto");
	if (addr)
		strbuf_addf(out, "address1=%s%s%s\n", addr, n->gateway ? "," : "",
			    strempty(n->gateway));
	if (!n->noipv4)
		nm_dns(n, n->ipv4_ignore_auto_dns, n->ipv4_dns_search, out);

	static const char *const v6_method[] = {
	    [V6_DEFAULT] = "auto", [V6_OFF] = "disabled",  [V6_AUTO] = "auto",
	    [V6_DHCP] = "dhcp",	   [V6_STATIC] = "manual",
	};
	strbuf_addf(out, "\n[ipv6]\nmethod=%s\n", v6_method[v6]);
	if (v6 == V6_STATIC)
		strbuf_addf(out, "address1=%s%s%s\n", n->ipv6, n->ipv6gateway ? "," : "",
			    strempty(n->ipv6gateway));
	if (v6 != V6_OFF &&
	    (n->ipv6_ignore_auto_dns || n->ipv6_dns_search || n->nodns || n->nodefroute)) {
		if (n->ipv6_dns_search)
			strbuf_addf(out, "dns-search=%s;\n", n->ipv6_dns_search);
		if (n->nodns || n->ipv6_ignore_auto_dns)
			strbuf_adds(out, "ignore-auto-dns=true\n");
		if (n->nodefroute)
			strbuf_adds(out, "never-default=true\n");
	}
	strbuf_adds(out, "\n[proxy]\n");
	return 0;
}

static int random_uuid(char **ret)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	int r = strbuf_read_file(&sb, "/proc/sys/kernel/random/uuid");

	if (r < 0)
		return log_error_errno(r, "system: cannot read /proc/sys/kernel/random/uuid: %m");
	sb.buf[strcspn(sb.buf, "\n")] = '\0';
	*ret = strbuf_detach(&sb);
	return 0;
}

static int write_one(const struct ks_network *n, const char *root, bool nm)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	_cleanup_free_ char *path = NULL, *uuid = NULL;
	int r;

	if (n->device &&
	    (strchr(n->device, '/') || n->device[0] == '.' || strpbrk(n->device, " \t\n")))
		return log_error_errno(
		    EINVAL, "system: network --device=%s is not an interface name", n->device);
	if (nm) {
		if ((r = random_uuid(&uuid)) < 0 ||
		    (r = sysconf_nmconnection_render(n, uuid, &sb)) < 0)
			return r;
		path = xasprintf("etc/NetworkManager/system-connections/%s.nmconnection",
				 sysconf_nmconnection_id(n));
		r = sysconf_write_file(root, path, &sb,
				       0600); /* NetworkManager ignores keyfiles others can read */
	} else {
		_cleanup_free_ char *name = sysconf_networkd_filename(n);
		if ((r = sysconf_networkd_render(n, &sb)) < 0)
			return r;
		path = xasprintf("etc/systemd/network/%s", name);
		r = sysconf_write_file(root, path, &sb, 0644);
	}
	if (r >= 0)
		log_info("system: network %s: /%s",
			 device_name(n) ? device_name(n) : "(every Ethernet link)", path);
	return r;
}

int sysconf_write_network(const struct ks *ks, const char *root, const struct sysconf_caps *c)
{
	/* networkd wins when both are installed: it is Azure Linux's choice */
	bool nm = c->network_manager && !c->networkd;
	size_t written = 0;
	int r;

	if (!c->networkd && !c->network_manager) {
		if (ks->network.n > 0)
			log_warning("system: the target has neither systemd-networkd nor "
				    "NetworkManager: the network "
				    "commands are ignored");
		return 0;
	}
	for (size_t i = 0; i < ks->network.n; i++) {
		if (!sysconf_network_configures_link(ks->network.v[i]))
			continue;
		if ((r = write_one(ks->network.v[i], root, nm)) < 0)
			return r;
		written++;
	}
	if (nm)
		return written > 0
			   ? sysconf_systemctl(root, "enable", "NetworkManager.service", true)
			   : 0;
	/* NetworkManager brings Ethernet up with DHCP by itself; networkd needs a
	 * file, so a system without network commands still gets DHCP. */
	if (written == 0) {
		static const struct ks_network dhcp = {.bootproto = KS_BOOTPROTO_DHCP};
		if ((r = write_one(&dhcp, root, false)) < 0)
			return r;
	}
	if ((r = sysconf_systemctl(root, "enable", "systemd-networkd.service", false)) < 0)
		return r;
	if (c->resolved &&
	    (r = sysconf_systemctl(root, "enable", "systemd-resolved.service", true)) < 0)
		return r;
	return 0;
}
