/* Option tables and checks of the non-storage commands: installation
 * sources, locale, network, accounts, system settings, display and finish
 * (option spellings, aliases and rules from pykickstart's F43 handler). */
#include "ks-internal.h"

#define O(st, n, t, f, ...) { .name = (n), .type = (t), .off = offsetof(st, f), __VA_ARGS__ }
#define UNSUP(n) { .name = (n), .type = OT_UNSUPPORTED, .value = 1 }
#define UNSUP_FLAG(n) { .name = (n), .type = OT_UNSUPPORTED }
#define HAS(st, f) .has_off = offsetof(st, f)

/* ---- sources ---- */
#define U(n, t, f, ...) O(struct ks_url, n, t, f, __VA_ARGS__)
static const struct ks_opt url_opts[] = {
	U("--url", OT_STR, url),
	U("--mirrorlist", OT_STR, mirrorlist),
	U("--metalink", OT_STR, metalink),
	U("--proxy", OT_STR, proxy),
	U("--noverifyssl", OT_FLAG, noverifyssl),
	U("--sslcacert", OT_STR, sslcacert),
	U("--sslclientcert", OT_STR, sslclientcert),
	U("--sslclientkey", OT_STR, sslclientkey),
	KS_OPT_END,
};

/* pykickstart: exactly one of the given options. */
static void exactly_one(struct ks_parser *p, const char *cmd, const char *names, int n)
{
	if (n == 0)
		ks_error(p, "one of %s must be specified for the %s command", names, cmd);
	else if (n > 1)
		ks_error(p, "only one of %s may be specified for the %s command", names, cmd);
}

static void url_check(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	struct ks_url *u = cmd;
	exactly_one(p, "url", "--url, --mirrorlist, --metalink", !!u->url + !!u->mirrorlist + !!u->metalink);
}

#define R(n, t, f, ...) O(struct ks_repo, n, t, f, __VA_ARGS__)
static const struct ks_opt repo_opts[] = {
	R("--name", OT_STR, name),
	R("--baseurl", OT_STR, baseurl),
	R("--mirrorlist", OT_STR, mirrorlist),
	R("--metalink", OT_STR, metalink),
	R("--cost", OT_INT, cost, HAS(struct ks_repo, has_cost)),
	R("--includepkgs", OT_COMMA, includepkgs),
	R("--excludepkgs", OT_COMMA, excludepkgs),
	R("--proxy", OT_STR, proxy),
	R("--noverifyssl", OT_FLAG, noverifyssl),
	R("--install", OT_FLAG, install),
	R("--sslcacert", OT_STR, sslcacert),
	R("--sslclientcert", OT_STR, sslclientcert),
	R("--sslclientkey", OT_STR, sslclientkey),
	KS_OPT_END,
};

static void repo_check(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	struct ks_repo *r = cmd;
	if (!r->name)
		ks_error(p, "the --name option is required");
	exactly_one(p, "repo", "--baseurl, --mirrorlist, --metalink", !!r->baseurl + !!r->mirrorlist + !!r->metalink);
}

static const struct ks_opt no_opts[] = { KS_OPT_END };

#define H(n, t, f, ...) O(struct ks_harddrive, n, t, f, __VA_ARGS__)
static const struct ks_opt harddrive_opts[] = {
	H("--partition", OT_STR, partition),
	H("--dir", OT_STR, dir),
	/* F33 removed it (F33_HardDrive): pykickstart's error, not "unsupported" */
	{ .name = "--biospart", .type = OT_UNSUPPORTED, .value = 1, .cval = "F33" },
	KS_OPT_END,
};

static void harddrive_check(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	struct ks_harddrive *h = cmd;
	if (!h->partition)
		ks_error(p, "the --partition option is required");
	if (!h->dir)
		ks_error(p, "the --dir option is required");
}

/* ---- locale ---- */
static const struct ks_opt lang_opts[] = {
	O(struct ks_lang, "<lang>", OT_POS, lang, .flags = KO_REQUIRED),
	O(struct ks_lang, "--addsupport", OT_COMMA, addsupport),
	KS_OPT_END,
};

#define K(n, t, f, ...) O(struct ks_keyboard, n, t, f, __VA_ARGS__)
static const struct ks_opt keyboard_opts[] = {
	K("<layout>", OT_POS, keyboard),
	K("--vckeymap", OT_STR, vckeymap),
	K("--xlayouts", OT_COMMA, xlayouts),
	K("--switch", OT_COMMA, switch_options),
	KS_OPT_END,
};

static void keyboard_check(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	struct ks_keyboard *k = cmd;
	if (!k->keyboard && isempty(k->vckeymap) && strv_length(k->xlayouts) == 0)
		ks_error(p, "one of --xlayouts, --vckeymap or a layout argument is expected");
}

#define T(n, t, f, ...) O(struct ks_timezone, n, t, f, __VA_ARGS__)
static const struct ks_opt timezone_opts[] = {
	T("<timezone>", OT_POS, timezone),
	T("--utc", OT_FLAG, utc),
	T("--isUtc", OT_FLAG, utc, .flags = KO_DEPRECATED | KO_NOWRITE, .cval = "--utc"),
	T("--nontp", OT_FLAG, nontp, .flags = KO_DEPRECATED),
	T("--ntpservers", OT_COMMA, ntpservers, .flags = KO_DEPRECATED, .cval = "the timesource command"),
	KS_OPT_END,
};

static void timezone_check(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	struct ks_timezone *t = cmd;
	if (!t->timezone && !t->utc && !t->nontp && !t->ntpservers)
		ks_error(p, "at least one option and/or an argument are expected");
	if (t->nontp && strv_length(t->ntpservers) > 0)
		ks_error(p, "options --nontp and --ntpservers are mutually exclusive");
}

#define TS(n, t, f, ...) O(struct ks_timesource, n, t, f, __VA_ARGS__)
static const struct ks_opt timesource_opts[] = {
	TS("--ntp-server", OT_STR, ntp_server),
	TS("--ntp-pool", OT_STR, ntp_pool),
	TS("--ntp-disable", OT_FLAG, ntp_disable),
	TS("--nts", OT_FLAG, nts),
	KS_OPT_END,
};

static void timesource_check(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	struct ks_timesource *t = cmd;
	exactly_one(p, "timesource", "--ntp-server, --ntp-pool, --ntp-disable",
		    !!t->ntp_server + !!t->ntp_pool + t->ntp_disable);
}

/* ---- network ---- */
#define N(n, t, f, ...) O(struct ks_network, n, t, f, __VA_ARGS__)
static const struct ks_opt network_opts[] = {
	N("--bootproto", OT_CHOICE, bootproto, KS_CHOICES(ks_bootproto_table), .cval = "bootp,query,ibft"),
	N("--device", OT_STR, device),
	N("--ip", OT_STR, ip),
	N("--netmask", OT_STR, netmask),
	N("--gateway", OT_STR, gateway),
	N("--nameserver", OT_COMMA, nameserver),
	N("--hostname", OT_STR, hostname),
	N("--onboot", OT_KSBOOL, onboot),
	N("--activate", OT_CONST, activate, .value = KS_TRI_YES, KS_CHOICES(ks_tri_table)),
	N("--no-activate", OT_CONST, activate, .value = KS_TRI_NO, KS_CHOICES(ks_tri_table)),
	N("--noipv4", OT_FLAG, noipv4),
	N("--noipv6", OT_FLAG, noipv6),
	N("--ipv6", OT_STR, ipv6),
	N("--ipv6gateway", OT_STR, ipv6gateway),
	N("--mtu", OT_STR, mtu),
	N("--nodns", OT_FLAG, nodns),
	N("--nodefroute", OT_FLAG, nodefroute),
	N("--notksdevice", OT_FLAG, notksdevice),
	N("--ipv4-dns-search", OT_STR, ipv4_dns_search),
	N("--ipv6-dns-search", OT_STR, ipv6_dns_search),
	N("--ipv4-ignore-auto-dns", OT_FLAG, ipv4_ignore_auto_dns),
	N("--ipv6-ignore-auto-dns", OT_FLAG, ipv6_ignore_auto_dns),
	UNSUP("--dhcpclass"), UNSUP("--essid"), UNSUP("--ethtool"), UNSUP("--wepkey"),
	UNSUP("--wpakey"), UNSUP("--bondslaves"), UNSUP("--bondopts"), UNSUP("--vlanid"),
	UNSUP("--teamslaves"), UNSUP("--teamconfig"), UNSUP("--interfacename"),
	UNSUP("--bridgeslaves"), UNSUP("--bridgeopts"), UNSUP("--bindto"),
	KS_OPT_END,
};

static void network_check(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	struct ks_network *n = cmd;
	static const struct {
		size_t off;
		bool is_str;
		const char *name;
	} need_device[] = {
		{ offsetof(struct ks_network, ipv4_dns_search), true, "--ipv4-dns-search" },
		{ offsetof(struct ks_network, ipv6_dns_search), true, "--ipv6-dns-search" },
		{ offsetof(struct ks_network, ipv4_ignore_auto_dns), false, "--ipv4-ignore-auto-dns" },
		{ offsetof(struct ks_network, ipv6_ignore_auto_dns), false, "--ipv6-ignore-auto-dns" },
	};

	if (n->device)
		return;
	for (size_t i = 0; i < ELEMENTSOF(need_device); i++) {
		bool set = need_device[i].is_str ? !!*KS_FIELD(n, need_device[i].off, char *)
						 : *KS_FIELD(n, need_device[i].off, bool);
		if (set)
			ks_error(p, "option %s requires --device to be specified", need_device[i].name);
	}
}

/* ---- accounts ---- */
#define RP(n, t, f, ...) O(struct ks_rootpw, n, t, f, __VA_ARGS__)
static const struct ks_opt rootpw_opts[] = {
	RP("<password>", OT_POS_SECRET, password, .crypted_off = offsetof(struct ks_rootpw, iscrypted)),
	RP("--iscrypted", OT_FLAG, iscrypted),
	RP("--plaintext", OT_FLAG_FALSE, iscrypted, .flags = KO_NOWRITE),
	RP("--lock", OT_FLAG, lock),
	RP("--allow-ssh", OT_FLAG, allow_ssh),
	KS_OPT_END,
};

static void rootpw_check(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	struct ks_rootpw *r = cmd;
	if (isempty(r->password) && !r->lock)
		ks_error(p, "a password argument (or --lock) is expected");
}

#define US(n, t, f, ...) O(struct ks_user, n, t, f, __VA_ARGS__)
static const struct ks_opt user_opts[] = {
	US("--name", OT_STR, name),
	US("--password", OT_SECRET, password, .crypted_off = offsetof(struct ks_user, iscrypted)),
	US("--iscrypted", OT_FLAG, iscrypted),
	US("--plaintext", OT_FLAG_FALSE, iscrypted, .flags = KO_NOWRITE),
	US("--lock", OT_FLAG, lock),
	US("--groups", OT_COMMA, groups),
	US("--homedir", OT_STR, homedir),
	US("--shell", OT_STR, shell),
	US("--uid", OT_INT, uid, HAS(struct ks_user, has_uid)),
	US("--gid", OT_INT, gid, HAS(struct ks_user, has_gid)),
	US("--gecos", OT_STR, gecos),
	KS_OPT_END,
};

static void need_name(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	/* user and group both keep name right after loc. */
	const char *name = def->ks_off == offsetof(struct ks, user) ? ((struct ks_user *)cmd)->name
								   : ((struct ks_group *)cmd)->name;
	if (!name)
		ks_error(p, "the --name option is required");
}

static const struct ks_opt group_opts[] = {
	O(struct ks_group, "--name", OT_STR, name),
	O(struct ks_group, "--gid", OT_INT, gid, HAS(struct ks_group, has_gid)),
	KS_OPT_END,
};

static const struct ks_opt sshkey_opts[] = {
	O(struct ks_sshkey, "<key>", OT_POS, key, .flags = KO_REQUIRED),
	O(struct ks_sshkey, "--username", OT_STR, username),
	KS_OPT_END,
};

static void sshkey_check(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	if (!((struct ks_sshkey *)cmd)->username)
		ks_error(p, "the --username option is required");
}

/* ---- system ---- */
static const struct ks_opt services_opts[] = {
	O(struct ks_services, "--enabled", OT_COMMA, enabled),
	O(struct ks_services, "--disabled", OT_COMMA, disabled),
	KS_OPT_END,
};

static void services_check(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	struct ks_services *s = cmd;
	if (strv_length(s->enabled) == 0 && strv_length(s->disabled) == 0)
		ks_error(p, "one of --disabled or --enabled must be provided");
}

#define SE(n, v) O(struct ks_selinux_cmd, n, OT_CONST, mode, .value = (v), KS_CHOICES(ks_selinux_table), .field = "mode")
static const struct ks_opt selinux_opts[] = {
	SE("--disabled", KS_SELINUX_DISABLED),
	SE("--enforcing", KS_SELINUX_ENFORCING),
	SE("--permissive", KS_SELINUX_PERMISSIVE),
	KS_OPT_END,
};

#define FW(n, t, f, ...) O(struct ks_firewall, n, t, f, __VA_ARGS__)
static const struct ks_opt firewall_opts[] = {
	FW("--disabled", OT_FLAG, disabled),
	FW("--disable", OT_FLAG, disabled, .flags = KO_NOWRITE),
	FW("--enabled", OT_FLAG_FALSE, disabled, .flags = KO_NOWRITE),
	FW("--enable", OT_FLAG_FALSE, disabled, .flags = KO_NOWRITE),
	FW("--port", OT_COMMA_MORE, ports, .flags = KO_PORTS),
	FW("--trust", OT_APPEND, trusts),
	FW("--service", OT_COMMA_MORE, services),
	FW("--ftp", OT_APPEND_CONST, services, .cval = "ftp", .flags = KO_NOWRITE),
	FW("--http", OT_APPEND_CONST, services, .cval = "http", .flags = KO_NOWRITE),
	FW("--smtp", OT_APPEND_CONST, services, .cval = "smtp", .flags = KO_NOWRITE),
	FW("--ssh", OT_APPEND_CONST, services, .cval = "ssh", .flags = KO_NOWRITE),
	FW("--remove-service", OT_COMMA_MORE, remove_services),
	FW("--use-system-defaults", OT_FLAG, use_system_defaults),
	KS_OPT_END,
};

#define FB(n, v) O(struct ks_firstboot_cmd, n, OT_CONST, mode, .value = (v), KS_CHOICES(ks_firstboot_table), .field = "mode")
static const struct ks_opt firstboot_opts[] = {
	FB("--disabled", KS_FIRSTBOOT_DISABLED),
	FB("--disable", KS_FIRSTBOOT_DISABLED),
	FB("--enabled", KS_FIRSTBOOT_ENABLED),
	FB("--enable", KS_FIRSTBOOT_ENABLED),
	FB("--reconfig", KS_FIRSTBOOT_RECONFIG),
	KS_OPT_END,
};

static void firstboot_check(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	struct ks_firstboot_cmd *f = cmd;
	if (f->mode != KS_FIRSTBOOT_UNSET && f->mode != KS_FIRSTBOOT_DISABLED)
		ks_warning(p, "slipway has no first-boot tool; the system starts without one");
}

#define EU(n, fl) O(struct ks_eula, n, OT_FLAG, agreed, .flags = (fl))
static const struct ks_opt eula_opts[] = {
	EU("--agreed", 0),
	EU("--agree", KO_NOWRITE),
	EU("--accepted", KO_NOWRITE),
	EU("--accept", KO_NOWRITE),
	KS_OPT_END,
};

static void eula_check(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	if (!((struct ks_eula *)cmd)->agreed)
		ks_error(p, "the eula command expects the --agreed option");
}

static const struct ks_opt display_opts[] = {
	O(struct ks_display_cmd, "--non-interactive", OT_FLAG, non_interactive),
	KS_OPT_END,
};

static void display_check(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	if (((struct ks_display_cmd *)cmd)->mode == KS_DISPLAY_GRAPHICAL)
		ks_warning(p, "slipway has no graphical installer; text mode is used");
}

static const struct ks_opt finish_opts[] = {
	O(struct ks_finish_cmd, "--eject", OT_FLAG, eject),
	O(struct ks_finish_cmd, "--kexec", OT_FLAG, kexec),
	KS_OPT_END,
};

static void finish_check(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	if (((struct ks_finish_cmd *)cmd)->kexec)
		ks_warning(p, "--kexec is not supported by slipway; a normal reboot is done");
}

#define CMD(n, st, field, o, ...)                                                                       \
	{ .name = (n), .status = KS_CMD_SUPPORTED, .ks_off = offsetof(struct ks, field), \
	  .size = sizeof(st), .opts = (o), __VA_ARGS__ }
#define DISPLAY(n, v)                                                                             \
	CMD(n, struct ks_display_cmd, display, display_opts, .variant = (v), .check = display_check, \
	    .variant_off = offsetof(struct ks_display_cmd, mode))
#define FINISH(n, v)                                                                           \
	CMD(n, struct ks_finish_cmd, finish, finish_opts, .variant = (v), .check = finish_check, \
	    .variant_off = offsetof(struct ks_finish_cmd, action))

const struct ks_cmd_def ks_cmd_defs_system[] = {
	CMD("url", struct ks_url, url, url_opts, .check = url_check),
	CMD("repo", struct ks_repo, repo, repo_opts, .list = true, .check = repo_check),
	CMD("cdrom", struct ks_cdrom, cdrom, no_opts),
	CMD("harddrive", struct ks_harddrive, harddrive, harddrive_opts, .check = harddrive_check),
	CMD("lang", struct ks_lang, lang, lang_opts),
	CMD("keyboard", struct ks_keyboard, keyboard, keyboard_opts, .check = keyboard_check),
	CMD("timezone", struct ks_timezone, timezone, timezone_opts, .check = timezone_check),
	CMD("timesource", struct ks_timesource, timesource, timesource_opts, .list = true,
	    .check = timesource_check),
	CMD("network", struct ks_network, network, network_opts, .list = true, .check = network_check),
	CMD("rootpw", struct ks_rootpw, rootpw, rootpw_opts, .check = rootpw_check),
	CMD("user", struct ks_user, user, user_opts, .list = true, .check = need_name),
	CMD("group", struct ks_group, group, group_opts, .list = true, .check = need_name),
	CMD("sshkey", struct ks_sshkey, sshkey, sshkey_opts, .list = true, .check = sshkey_check),
	CMD("services", struct ks_services, services, services_opts, .check = services_check),
	CMD("selinux", struct ks_selinux_cmd, selinux, selinux_opts),
	CMD("firewall", struct ks_firewall, firewall, firewall_opts),
	CMD("firstboot", struct ks_firstboot_cmd, firstboot, firstboot_opts, .check = firstboot_check),
	CMD("skipx", struct ks_flag, skipx, no_opts),
	CMD("eula", struct ks_eula, eula, eula_opts, .check = eula_check),
	DISPLAY("text", KS_DISPLAY_TEXT),
	DISPLAY("cmdline", KS_DISPLAY_CMDLINE),
	DISPLAY("graphical", KS_DISPLAY_GRAPHICAL),
	FINISH("reboot", KS_FINISH_REBOOT),
	FINISH("poweroff", KS_FINISH_POWEROFF),
	FINISH("halt", KS_FINISH_HALT),
	FINISH("shutdown", KS_FINISH_SHUTDOWN),
	{ .name = NULL },
};
