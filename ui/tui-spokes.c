/* The TUI's spokes other than storage: installation source, language and
 * keyboard, time zone, network and host name, root and user accounts, and
 * software selection from the source's comps. */
#include <ctype.h>
#include <dirent.h>
#include <sys/stat.h>

#include "kickstart/ks.h"
#include "run.h"
#include "strv.h"
#include "system/sysconf.h"
#include "tui-internal.h"

/* Copies src into a form buffer (fields edit fixed buffers). */
static void set_buf(char *buf, size_t size, const char *src)
{
	snprintf(buf, size, "%s", strempty(src));
}

static void set_answer(char **answer, const char *buf)
{
	free(*answer);
	*answer = isempty(buf) ? NULL : xstrdup(buf);
}

/* ---- installation source ---- */

int tui_load_comps(struct tui *t)
{
	_cleanup_(ks_freep) struct ks *ks = NULL;
	_cleanup_strbuf_ struct strbuf text = STRBUF_INIT;
	struct payload_opts po = {};
	struct ks_diags d = {};
	struct ks_load_opts lo = {};
	int r;

	if (!t->a.source)
		return -ENOENT;
	if (t->comps_source && streq(t->comps_source, t->a.source))
		return 0;
	strbuf_adds(&text, "url --url=");
	strbuf_add_quoted(&text, t->a.source);
	strbuf_adds(&text, "\n");
	r = ks_load_string("installation-source", strbuf_str(&text), &lo, &ks, &d);
	ks_diags_free(&d);
	if (r < 0)
		return r;
	payload_comps_list_free(t->comps, t->n_comps);
	t->comps = NULL;
	t->n_comps = 0;
	r = payload_comps_list(ks, &po, &t->comps, &t->n_comps);
	payload_opts_done(&po);
	if (r < 0)
		return r;
	free(t->comps_source);
	t->comps_source = xstrdup(t->a.source);
	return 0;
}

static const char source_help[] =
	"Where the packages come from: a repository in repomd format (the directory that\n"
	"holds repodata/repomd.xml), as a URL:\n"
	"  file:///run/install/repo      a directory on the installer's media\n"
	"  http://server/repo/x86_64     a web server\n"
	"  https://server/repo/x86_64    with the certificate checked\n"
	"$basearch and $releasever are replaced as dnf does. The repository is read when\n"
	"you leave this screen: its groups appear under Software selection. This is the\n"
	"kickstart's url --url=URL.";

static const char *source_check(void *data, size_t *bad)
{
	const char *url = data;

	*bad = 0;
	if (!startswith(url, "file:///") && !startswith(url, "http://") && !startswith(url, "https://"))
		return "The URL starts with file:///, http:// or https://.";
	return NULL;
}

int tui_spoke_source(struct tui *t)
{
	char url[1024];
	struct tui_field f[] = {
		{ .kind = TUI_FIELD_TEXT, .label = "Repository URL", .buf = url, .size = sizeof(url) },
	};

	set_buf(url, sizeof(url), t->a.source);
	for (;;) {
		if (tui_form(&t->scr, "Installation source", source_help,
			     "The repository to install from (repomd: the URL of the directory holding "
			     "repodata/).",
			     f, ELEMENTSOF(f), source_check, NULL, url) < 0)
			return TUI_BACK;
		set_answer(&t->a.source, url);
		tui_frame(&t->scr, "Installation source", "Reading the repository...");
		tui_print(&t->scr, 3, 2, 70, TUI_BOLD, "Reading the repository's metadata...");
		tui_flush(&t->scr);
		int r = tui_load_comps(t);
		if (r >= 0)
			return 0;
		_cleanup_free_ char *msg = xasprintf("%s cannot be read as a repository (%s). The installer's "
						     "log has the details. Check the URL.",
						     url, strerror(-r));
		ui_tui_message(t, "Installation source", msg);
	}
}

/* ---- language and keyboard ---- */

static const char *const languages[] = {
	"en_US.UTF-8", "en_GB.UTF-8", "de_DE.UTF-8", "fr_FR.UTF-8", "es_ES.UTF-8", "it_IT.UTF-8",
	"pt_BR.UTF-8", "pt_PT.UTF-8", "nl_NL.UTF-8", "sv_SE.UTF-8", "nb_NO.UTF-8", "da_DK.UTF-8",
	"fi_FI.UTF-8", "pl_PL.UTF-8", "cs_CZ.UTF-8", "hu_HU.UTF-8", "ru_RU.UTF-8", "uk_UA.UTF-8",
	"tr_TR.UTF-8", "ja_JP.UTF-8", "ko_KR.UTF-8", "zh_CN.UTF-8", "zh_TW.UTF-8", "C.UTF-8",
	NULL,
};
static const char *const keymaps[] = {
	"us", "uk", "de", "de-latin1-nodeadkeys", "fr", "es", "it", "br-abnt2", "pt-latin1", "nl",
	"se-latin1", "no", "dk", "fi", "pl2", "cz-qwerty", "hu", "ru", "ua", "trq", "jp106", "ko",
	"ch", "be-latin1", "dvorak", NULL,
};

static const char locale_help[] =
	"The system language (LANG in /etc/locale.conf; kickstart \"lang\") and the\n"
	"console keyboard layout (KEYMAP in /etc/vconsole.conf; \"keyboard --vckeymap\").\n"
	"The installer itself stays in English. On a Linux virtual console the layout\n"
	"applies to the installer at once (loadkeys); serial, SSH and other terminals\n"
	"keep the layout of the keyboard you type on.\n"
	"Type to search a list; Esc clears the search, then goes back.";

static int pick(struct tui *t, const char *title, const char *help, const char *intro, const char *const *list,
		size_t n, const char *current)
{
	struct tui_item *items = xnew0(struct tui_item, n);
	size_t cursor = 0;

	for (size_t i = 0; i < n; i++) {
		items[i].label = list[i];
		if (current && streq(list[i], current))
			cursor = i;
	}
	int c = tui_list(&t->scr, title, help, intro, items, n, TUI_LIST_SEARCH, &cursor);
	free(items);
	return c;
}

/* On a Linux virtual console the layout applies at once (loadkeys, as
 * Anaconda's localed call does); serial, ssh and tmux terminals keep the
 * layout of the keyboard they come from. */
static void apply_keymap(struct tui *t, const char *map)
{
	const char *tty = ttyname(STDIN_FILENO);
	_cleanup_free_ char *prog = NULL;

	if (!tty || !startswith(tty, "/dev/tty") || !isdigit((unsigned char)tty[8]))
		return;
	if (!(prog = run_find_program("loadkeys")))
		return;
	int r = run_argv((char *const[]){ prog, "-q", (char *)map, NULL }, &(struct run_opts){ .quiet = true });
	t->scr.status = r == 0 ? "The layout applies to this console now."
			       : "loadkeys cannot load this layout here; it applies to the new system.";
}

void tui_spoke_locale(struct tui *t)
{
	const char *const b[] = { "Language", "Keyboard", "Done", NULL };

	for (;;) {
		_cleanup_free_ char *text = xasprintf("Language: %s\nKeyboard: %s\n\nChange which?", t->a.lang,
						      t->a.keymap);
		int c = tui_dialog(&t->scr, "Language and keyboard", text, b);
		if (c == 0) {
			int i = pick(t, "Language", locale_help, "The system language:", languages,
				     strv_length((char **)languages), t->a.lang);
			if (i >= 0) {
				free(t->a.lang);
				t->a.lang = xstrdup(languages[i]);
			}
		} else if (c == 1) {
			int i = pick(t, "Keyboard", locale_help, "The console keyboard layout:", keymaps,
				     strv_length((char **)keymaps), t->a.keymap);
			if (i >= 0) {
				free(t->a.keymap);
				t->a.keymap = xstrdup(keymaps[i]);
				apply_keymap(t, t->a.keymap);
			}
		} else
			return;
	}
}

/* ---- time zone ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Zone names from zone1970.tab (or zone.tab) of the installer's tzdata. */
static char **read_zones(void)
{
	const char *const files[] = { "/usr/share/zoneinfo/zone1970.tab", "/usr/share/zoneinfo/zone.tab" };
	char **zones = NULL;

	for (size_t i = 0; i < ELEMENTSOF(files) && !zones; i++) {
		_cleanup_fclose_ FILE *f = fopen(files[i], "re");
		char line[512];
		while (f && fgets(line, sizeof(line), f)) {
			if (line[0] == '#')
				continue;
			_cleanup_strv_free_ char **cols = strv_split(line, "\t\n");
			if (strv_length(cols) >= 3 && !strv_contains(zones, cols[2]))
				strv_push(&zones, cols[2]);
		}
	}
	if (zones)
		qsort(zones, strv_length(zones), sizeof(char *), cmp_str);
	strv_push(&zones, "UTC");
	return zones;
}

static const char tz_help[] =
	"The system's time zone (/etc/localtime; kickstart \"timezone\"), from the\n"
	"installer's time zone database. Type part of a name to search (\"berl\"\n"
	"finds Europe/Berlin). The hardware clock is kept in UTC (timezone --utc),\n"
	"as Linux-only machines and VMs expect.";

void tui_spoke_timezone(struct tui *t)
{
	_cleanup_strv_free_ char **zones = read_zones();
	int i = pick(t, "Time zone", tz_help, "Choose the time zone (type to search):", (const char *const *)zones,
		     strv_length(zones), t->a.timezone);

	if (i >= 0) {
		free(t->a.timezone);
		t->a.timezone = xstrdup(zones[i]);
	}
}

/* ---- network ---- */

static void read_ifaces(struct tui *t)
{
	DIR *d;
	struct dirent *de;

	if (t->a.ifaces)
		return;
	d = opendir("/sys/class/net");
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || streq(de->d_name, "lo"))
			continue;
		_cleanup_free_ char *dev = xasprintf("/sys/class/net/%s/device", de->d_name);
		struct stat st;
		if (stat(dev, &st) < 0) /* virtual: bridges, tunnels, veth */
			continue;
		t->a.ifaces = xrealloc(t->a.ifaces, (t->a.n_ifaces + 1) * sizeof(*t->a.ifaces));
		t->a.ifaces[t->a.n_ifaces++] = (struct tui_iface){ .name = xstrdup(de->d_name), .dhcp = true };
	}
	if (d)
		closedir(d);
}

static const char network_help[] =
	"The host name (/etc/hostname; network --hostname) and, for each network\n"
	"interface of this machine, whether the new system configures it: DHCP, or a\n"
	"static IPv4 address with netmask, gateway and name servers (network --device\n"
	"--bootproto). Interfaces left unconfigured are not written; the host name is\n"
	"always written.";

struct iface_form {
	char ip[64], netmask[64], gateway[64], dns[256];
	int mode; /* 0 DHCP, 1 static */
	bool configure;
	struct tui_field *f;
};

static void iface_refresh(void *data)
{
	struct iface_form *x = data;

	for (int i = 2; i < 6; i++)
		x->f[i].hidden = !x->configure || x->mode == 0;
	x->f[1].hidden = !x->configure;
}

static const char *iface_check(void *data, size_t *bad)
{
	struct iface_form *x = data;
	const char *e;

	if (!x->configure || x->mode == 0)
		return NULL;
	if ((e = tui_check_ipv4(x->ip))) {
		*bad = 2;
		return e;
	}
	if ((e = tui_check_ipv4(x->netmask))) {
		*bad = 3;
		return e;
	}
	if (*x->gateway && (e = tui_check_ipv4(x->gateway))) {
		*bad = 4;
		return e;
	}
	return NULL;
}

static void edit_iface(struct tui *t, struct tui_iface *i)
{
	static const char *const modes[] = { "DHCP", "static", NULL };
	struct iface_form x = { .mode = i->dhcp ? 0 : 1, .configure = i->configure };
	struct tui_field f[] = {
		{ .kind = TUI_FIELD_CHECK, .label = "Configure it", .check = &x.configure },
		{ .kind = TUI_FIELD_CHOICE, .label = "IPv4", .choices = modes, .choice = &x.mode },
		{ .kind = TUI_FIELD_TEXT, .label = "Address", .buf = x.ip, .size = sizeof(x.ip) },
		{ .kind = TUI_FIELD_TEXT, .label = "Netmask", .buf = x.netmask, .size = sizeof(x.netmask) },
		{ .kind = TUI_FIELD_TEXT, .label = "Gateway", .buf = x.gateway, .size = sizeof(x.gateway) },
		{ .kind = TUI_FIELD_TEXT, .label = "Name servers (a,b)", .buf = x.dns, .size = sizeof(x.dns) },
	};
	x.f = f;
	set_buf(x.ip, sizeof(x.ip), i->ip);
	set_buf(x.netmask, sizeof(x.netmask), i->netmask ? i->netmask : "255.255.255.0");
	set_buf(x.gateway, sizeof(x.gateway), i->gateway);
	set_buf(x.dns, sizeof(x.dns), i->nameserver);
	_cleanup_free_ char *title = xasprintf("Network interface %s", i->name);
	if (tui_form(&t->scr, title, network_help, "How the new system configures this interface:", f,
		     ELEMENTSOF(f), iface_check, iface_refresh, &x) < 0)
		return;
	i->configure = x.configure;
	i->dhcp = x.mode == 0;
	set_answer(&i->ip, x.ip);
	set_answer(&i->netmask, x.netmask);
	set_answer(&i->gateway, x.gateway);
	set_answer(&i->nameserver, x.dns);
}

static void edit_hostname(struct tui *t)
{
	char name[256];

	set_buf(name, sizeof(name), t->a.hostname);
	for (;;) {
		if (tui_ask(&t->scr, "Host name", "The new system's host name (e.g. web1.example.com):", name,
			    sizeof(name), false) < 0)
			return;
		const char *e = tui_check_hostname(name);
		if (!e) {
			set_answer(&t->a.hostname, name);
			return;
		}
		t->scr.status = e;
	}
}

void tui_spoke_network(struct tui *t)
{
	size_t cursor = 0;

	read_ifaces(t);
	for (;;) {
		size_t n = t->a.n_ifaces + 2;
		struct tui_item *items = xnew0(struct tui_item, n);
		char **details = NULL;
		items[0] = (struct tui_item){ .label = "Host name", .detail = t->a.hostname };
		for (size_t i = 0; i < t->a.n_ifaces; i++) {
			const struct tui_iface *f = &t->a.ifaces[i];
			strv_consume(&details, !f->configure ? xstrdup("not configured")
					       : f->dhcp     ? xstrdup("DHCP")
							     : xasprintf("static %s/%s", f->ip, f->netmask));
			items[1 + i] = (struct tui_item){ .label = f->name, .detail = details[i] };
		}
		items[n - 1] = (struct tui_item){ .label = "> Done" };
		int c = tui_list(&t->scr, "Network and host name", network_help,
				 "The host name and the network interfaces of this machine:", items, n, 0, &cursor);
		free(items);
		strv_free(details);
		if (c == TUI_BACK || c == (int)n - 1)
			return;
		if (c == 0)
			edit_hostname(t);
		else if (c > 0)
			edit_iface(t, &t->a.ifaces[c - 1]);
	}
}

/* ---- accounts ---- */

static const char root_help[] =
	"The root account's password (typed twice, never shown; stored as a yescrypt\n"
	"hash: rootpw --iscrypted). \"Lock root\" disables password login for root\n"
	"(rootpw --lock): then create an administrator under User creation.\n"
	"\"Allow root SSH login with password\" is rootpw --allow-ssh. An SSH public key\n"
	"(one line, e.g. \"ssh-ed25519 AAAA... me@host\") is written to\n"
	"/root/.ssh/authorized_keys (sshkey --username=root).";

struct account_form {
	char pw[256], pw2[256], name[64], gecos[128], key[2048];
	bool lock, allow_ssh, admin, create;
	bool has_hash; /* a password was set before: empty fields keep it */
	struct tui_field *f;
};

static void account_form_wipe(struct account_form *x)
{
	explicit_wipe(x->pw, sizeof(x->pw));
	explicit_wipe(x->pw2, sizeof(x->pw2));
}

static const char *password_check(struct account_form *x, size_t pw_field, bool required)
{
	if (!*x->pw && !*x->pw2) {
		if (required && !x->has_hash) {
			return "Type a password (twice), or lock the account.";
		}
		return NULL;
	}
	if (!streq(x->pw, x->pw2))
		return "The two passwords differ; type them again.";
	if (strlen(x->pw) < 4)
		return "The password is shorter than 4 characters.";
	return NULL;
}

static const char *root_check(void *data, size_t *bad)
{
	struct account_form *x = data;
	const char *e = password_check(x, 0, !x->lock);

	*bad = 0;
	if (e) {
		explicit_wipe(x->pw, sizeof(x->pw));
		explicit_wipe(x->pw2, sizeof(x->pw2));
	}
	return e;
}

/* Replaces *hash by the yescrypt of pw when pw is set. */
static void store_hash(char **hash, const char *pw)
{
	char *h = NULL;

	if (!*pw)
		return;
	if (sysconf_hash_password(pw, &h) < 0)
		return;
	free(*hash);
	*hash = h;
}

void tui_spoke_root(struct tui *t)
{
	struct account_form x = { .lock = t->a.root_lock, .allow_ssh = t->a.root_allow_ssh,
				  .has_hash = t->a.root_hash != NULL };
	struct tui_field f[] = {
		{ .kind = TUI_FIELD_SECRET, .label = "Password", .buf = x.pw, .size = sizeof(x.pw) },
		{ .kind = TUI_FIELD_SECRET, .label = "Confirm password", .buf = x.pw2, .size = sizeof(x.pw2) },
		{ .kind = TUI_FIELD_CHECK, .label = "Lock root", .check = &x.lock },
		{ .kind = TUI_FIELD_CHECK, .label = "Allow root SSH password login", .check = &x.allow_ssh },
		{ .kind = TUI_FIELD_TEXT, .label = "SSH public key (optional)", .buf = x.key, .size = sizeof(x.key) },
	};
	set_buf(x.key, sizeof(x.key), t->a.root_sshkey);
	int r = tui_form(&t->scr, "Root account", root_help,
			 x.has_hash ? "A root password is set; leave the fields empty to keep it."
				    : "Set the root password (typed twice):",
			 f, ELEMENTSOF(f), root_check, NULL, &x);
	if (r == 0) {
		store_hash(&t->a.root_hash, x.pw);
		t->a.root_lock = x.lock;
		t->a.root_allow_ssh = x.allow_ssh;
		set_answer(&t->a.root_sshkey, x.key);
	}
	account_form_wipe(&x);
}

static const char user_help[] =
	"An ordinary user (kickstart \"user\"): the login name, the full name, the\n"
	"password typed twice (stored as a yescrypt hash), and whether the user is an\n"
	"administrator (member of the wheel group, which may use sudo). An SSH public\n"
	"key goes to the user's ~/.ssh/authorized_keys (sshkey). Untick \"Create\" to\n"
	"create no user.";

static const char *user_check(void *data, size_t *bad)
{
	struct account_form *x = data;
	const char *e;

	if (!x->create)
		return NULL;
	if ((e = tui_check_username(x->name))) {
		*bad = 1;
		return e;
	}
	*bad = 3;
	e = password_check(x, 3, true);
	if (e)
		account_form_wipe(x);
	return e;
}

static void user_refresh(void *data)
{
	struct account_form *x = data;

	for (int i = 1; i < 7; i++)
		x->f[i].hidden = !x->create;
}

void tui_spoke_user(struct tui *t)
{
	struct account_form x = { .admin = t->a.user_name ? t->a.user_admin : true, .create = true,
				  .has_hash = t->a.user_hash != NULL };
	struct tui_field f[] = {
		{ .kind = TUI_FIELD_CHECK, .label = "Create a user", .check = &x.create },
		{ .kind = TUI_FIELD_TEXT, .label = "User name", .buf = x.name, .size = sizeof(x.name) },
		{ .kind = TUI_FIELD_TEXT, .label = "Full name", .buf = x.gecos, .size = sizeof(x.gecos) },
		{ .kind = TUI_FIELD_SECRET, .label = "Password", .buf = x.pw, .size = sizeof(x.pw) },
		{ .kind = TUI_FIELD_SECRET, .label = "Confirm password", .buf = x.pw2, .size = sizeof(x.pw2) },
		{ .kind = TUI_FIELD_CHECK, .label = "Administrator (wheel)", .check = &x.admin },
		{ .kind = TUI_FIELD_TEXT, .label = "SSH public key (optional)", .buf = x.key, .size = sizeof(x.key) },
	};
	x.f = f;
	set_buf(x.name, sizeof(x.name), t->a.user_name);
	set_buf(x.gecos, sizeof(x.gecos), t->a.user_gecos);
	set_buf(x.key, sizeof(x.key), t->a.user_sshkey);
	int r = tui_form(&t->scr, "User creation", user_help, "Create an ordinary user:", f, ELEMENTSOF(f),
			 user_check, user_refresh, &x);
	if (r == 0) {
		if (!x.create) {
			set_answer(&t->a.user_name, NULL);
			set_answer(&t->a.user_hash, NULL);
		} else {
			if (t->a.user_name && !streq(t->a.user_name, x.name) && !*x.pw)
				set_answer(&t->a.user_hash, NULL);
			set_answer(&t->a.user_name, x.name);
			store_hash(&t->a.user_hash, x.pw);
		}
		set_answer(&t->a.user_gecos, x.gecos);
		set_answer(&t->a.user_sshkey, x.key);
		t->a.user_admin = x.admin;
	}
	account_form_wipe(&x);
}

/* ---- software ---- */

static const char software_help[] =
	"What to install, from the comps groups of the installation source: one base\n"
	"environment (%packages @^ID) and any additional groups (@ID). Without an\n"
	"environment the minimal @core set is installed. Space ticks a group, Enter\n"
	"finishes. The packages the storage and boot loader plan need (mkfs tools,\n"
	"cryptsetup, the kernel, grub2) are added whatever is chosen here.";

void tui_spoke_software(struct tui *t)
{
	size_t n_env = 0, cursor = 0;
	int r;

	if ((r = tui_load_comps(t)) < 0) {
		ui_tui_message(t, "Software selection",
			       r == -ENOENT ? "Choose the installation source first."
					    : "The installation source cannot be read; choose it again.");
		return;
	}
	for (size_t i = 0; i < t->n_comps; i++)
		n_env += t->comps[i].environment;
	struct tui_item *items = xnew0(struct tui_item, n_env + 1);
	items[0] = (struct tui_item){ .label = "Minimal (@core)", .detail = "the smallest bootable system" };
	for (size_t i = 0, k = 1; i < t->n_comps; i++) {
		if (!t->comps[i].environment)
			continue;
		items[k] = (struct tui_item){ .label = t->comps[i].name, .detail = t->comps[i].id };
		if (t->a.environment && streq(t->a.environment, t->comps[i].id))
			cursor = k;
		k++;
	}
	int c = tui_list(&t->scr, "Software selection: base environment", software_help,
			 "Choose the base environment:", items, n_env + 1, 0, &cursor);
	free(items);
	if (c == TUI_BACK)
		return;
	free(t->a.environment);
	t->a.environment = c > 0 ? xstrdup(t->comps[c - 1].id) : NULL;

	size_t n_groups = t->n_comps - n_env;
	if (n_groups == 0) {
		strv_free(t->a.groups);
		t->a.groups = NULL;
		return;
	}
	items = xnew0(struct tui_item, n_groups);
	for (size_t i = n_env; i < t->n_comps; i++)
		items[i - n_env] = (struct tui_item){ .label = t->comps[i].name, .detail = t->comps[i].id,
						      .checked = strv_contains(t->a.groups, t->comps[i].id) };
	cursor = 0;
	c = tui_list(&t->scr, "Software selection: additional groups", software_help,
		     "Tick additional groups (Space), then Enter:", items, n_groups, TUI_LIST_MULTI, &cursor);
	if (c == TUI_DONE) {
		strv_free(t->a.groups);
		t->a.groups = NULL;
		for (size_t i = 0; i < n_groups; i++)
			if (items[i].checked)
				strv_push(&t->a.groups, t->comps[n_env + i].id);
	}
	free(items);
}
