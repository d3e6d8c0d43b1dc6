/* `slipway boot`: what the installer media's init runs. It reads the kernel
 * command line (Anaconda's inst.* options, dracut's ip=), brings up the
 * network when something needs it, finds the kickstart (inst.ks= or an
 * OEMDRV volume) and runs the unattended install, or the TUI when there is
 * no kickstart. A failed unattended install leaves its log on OEMDRV. */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>

#include "bootargs.h"
#include "commands.h"
#include "finish.h"
#include "fs.h"
#include "inst-repo.h"
#include "kickstart/ks.h"
#include "ks-media.h"
#include "partition/part.h"
#include "run.h"
#include "source.h"
#include "strv.h"
#include "teardown.h"
#include "ui/progress.h"

#define BOOT_LOG	    "/tmp/slipway.log"
#define UDHCPC_SCRIPT	    "/usr/share/udhcpc/default.script"
#define INSTALLER_MEDIA_DIR "/run/initramfs/live"

struct boot_cli {
	const char *cmdline_path, *log_path;
	bool dry_run;
};

static void boot_usage(FILE *f)
{
	fputs("Usage: slipway boot [OPTIONS]\n"
	      "\n"
	      "The installer media's entry point (its init runs it on the console): reads\n"
	      "the kernel command line — inst.ks=, inst.repo=, inst.stage2=, inst.text,\n"
	      "inst.cmdline, inst.finish=, inst.disklabel=, inst.ksstrict, ip=, nameserver=\n"
	      "— and installs unattended from the kickstart (inst.ks= or ks.cfg on a volume\n"
	      "labelled OEMDRV), or starts the TUI when there is none.\n"
	      "\n"
	      "      --cmdline FILE   read the command line from FILE (default /proc/cmdline)\n"
	      "      --log FILE       the log (default " BOOT_LOG ")\n"
	      "      --dry-run        bring nothing up, print the plan, write nothing\n"
	      "  -h, --help           show this help\n",
	      f);
}

static int parse_boot_args(int argc, char **argv, struct boot_cli *c)
{
	enum { OPT_CMDLINE = 256, OPT_LOG, OPT_DRY_RUN };
	static const struct option longopts[] = {
		{ "cmdline", required_argument, NULL, OPT_CMDLINE },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_CMDLINE: c->cmdline_path = optarg; break;
		case OPT_LOG: c->log_path = optarg; break;
		case OPT_DRY_RUN: c->dry_run = true; break;
		case 'h': boot_usage(stdout); return 1;
		case ':': return log_error("boot: option %s needs a value", argv[optind - 1]), -EINVAL;
		default:
			return log_error("boot: unknown option %s (see slipway boot --help)", argv[optind - 1]), -EINVAL;
		}
	}
	if (optind < argc)
		return log_error("boot: unexpected argument \"%s\"", argv[optind]), -EINVAL;
	return 0;
}

/* ---- network ---- */

static bool is_net_url(const char *s)
{
	return s && (startswith(s, "http://") || startswith(s, "https://") || startswith(s, "ftp://"));
}


static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "eth0, eth1", or "none" */
static char *names(char *const *l)
{
	return l && *l ? strv_join(l, ", ") : xstrdup("none");
}

/* The interfaces with a device behind them (not lo, bridges or tunnels), sorted. */
static char **net_interfaces(void)
{
	DIR *d = opendir("/sys/class/net");
	char **l = NULL;
	struct dirent *de;

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.' || streq(de->d_name, "lo"))
			continue;
		_cleanup_free_ char *dev = xasprintf("/sys/class/net/%s/device", de->d_name);
		if (access(dev, F_OK) == 0)
			strv_push(&l, de->d_name);
	}
	if (d)
		closedir(d);
	if (l)
		qsort(l, strv_length(l), sizeof(*l), cmp_str);
	return l;
}

static int net_run(bool dry, char **argv)
{
	_cleanup_free_ char *s = run_argv_to_string(argv);

	if (dry)
		return log_info("network: would run `%s`", s), 0;
	log_info("network: %s", s);
	return run_checked(argv, &(struct run_opts){ .log_fd = -1 });
}

/* ip link set IFACE up [mtu MTU] */
static int net_link_up(bool dry, const char *iface, unsigned mtu)
{
	_cleanup_free_ char *m = mtu ? xasprintf("%u", mtu) : NULL;
	char *up[] = { "ip", "link", "set", (char *)iface, "up", m ? "mtu" : NULL, m, NULL };

	return net_run(dry, up);
}

static int net_dhcp(bool dry, const char *iface, unsigned mtu)
{
	/* -n: fail when no lease (no background retry); -q: exit once bound */
	char *dhcp[] = { "udhcpc", "-i", (char *)iface, "-n", "-q", "-t", "6", "-T", "2",
			 "-s", UDHCPC_SCRIPT, NULL };
	int r = net_link_up(dry, iface, mtu);

	return r < 0 ? r : net_run(dry, dhcp);
}

static int net_static(bool dry, const struct inst_ip *ip, const char *iface)
{
	_cleanup_free_ char *addr = xasprintf("%s/%u", ip->address, ip->prefix);
	char *add[] = { "ip", "addr", "add", addr, "dev", (char *)iface, NULL };
	char *route[] = { "ip", "route", "add", "default", "via", ip->gateway, "dev", (char *)iface, NULL };
	int r;

	if ((r = net_link_up(dry, iface, ip->mtu)) < 0 || (r = net_run(dry, add)) < 0)
		return r;
	return ip->gateway ? net_run(dry, route) : 0;
}

static int net_resolv(bool dry, char *const *servers)
{
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;

	if (!servers || !*servers)
		return 0;
	STRV_FOREACH (s, servers)
		strbuf_addf(&b, "nameserver %s\n", *s);
	if (dry) {
		_cleanup_free_ char *l = names(servers);
		return log_info("network: would write /etc/resolv.conf: nameserver %s", l), 0;
	}
	int fd = open("/etc/resolv.conf", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return log_error_errno(errno, "network: /etc/resolv.conf: %m");
	int r = fd_write_all(fd, b.buf, b.len);
	close(fd);
	return r < 0 ? log_error_errno(r, "network: /etc/resolv.conf: %m") : 0;
}

/* Every ip=; DHCP on the first interface that gets a lease when nothing
 * says which (dracut's ip=dhcp), and when a URL needs the network but no
 * ip= was given (dracut's rd.neednet). */
static int net_up(const struct inst_bootargs *b, bool dry)
{
	_cleanup_strv_free_ char **ifaces = net_interfaces(), **dns = NULL;
	struct inst_ip dflt = { .method = INST_IP_DHCP };
	const struct inst_ip *ips = b->n_ips ? b->ips : &dflt;
	size_t n = b->n_ips ? b->n_ips : 1;
	_cleanup_free_ char *have = names(ifaces);
	int r;

	for (size_t i = 0; i < n; i++) {
		const struct inst_ip *ip = &ips[i];
		if (ip->hostname && !dry && sethostname(ip->hostname, strlen(ip->hostname)) < 0)
			log_warning_errno(errno, "network: hostname %s: %m", ip->hostname);
		for (size_t k = 0; k < ELEMENTSOF(ip->dns); k++)
			if (ip->dns[k])
				strv_push(&dns, ip->dns[k]);
		if (ip->iface && !strv_contains(ifaces, ip->iface))
			return log_error("ip=: there is no network interface %s (there are: %s)", ip->iface,
					 have),
			       -ENODEV;
		if (ip->method == INST_IP_STATIC) {
			const char *iface = ip->iface ? ip->iface : ifaces ? ifaces[0] : NULL;
			if (!iface)
				return log_error("ip=%s: no network interface", ip->address), -ENODEV;
			if ((r = net_static(dry, ip, iface)) < 0)
				return r;
			continue;
		}
		if (ip->iface) {
			if ((r = net_dhcp(dry, ip->iface, ip->mtu)) < 0)
				return log_error("network: %s got no DHCP lease", ip->iface), r;
			continue;
		}
		r = -ENODEV;
		STRV_FOREACH (f, ifaces)
			if ((r = net_dhcp(dry, *f, ip->mtu)) >= 0)
				break;
		if (r < 0)
			return log_error("network: no interface got a DHCP lease (interfaces: %s)", have), r;
	}
	strv_extend_strv(&dns, b->nameservers);
	return net_resolv(dry, dns);
}


/* The kickstart's own sources: a url or repo over the network needs it up
 * (Anaconda brings the network up for them too). A kickstart that does not
 * load is left to the install, which reports its errors. */
static bool ks_needs_net(const char *path)
{
	_cleanup_(ks_freep) struct ks *ks = NULL;
	struct ks_diags d = {};
	bool need = false;

	if (ks_load_file(path, &(struct ks_load_opts){ .allow_missing_include = true }, &ks, &d) >= 0) {
		if (ks->url)
			need = is_net_url(ks->url->url) || is_net_url(ks->url->mirrorlist) ||
			       is_net_url(ks->url->metalink);
		for (size_t i = 0; i < ks->repo.n && !need; i++)
			need = is_net_url(ks->repo.v[i]->baseurl) || is_net_url(ks->repo.v[i]->mirrorlist) ||
			       is_net_url(ks->repo.v[i]->metalink);
	}
	ks_diags_free(&d);
	return need;
}

/* ---- the installation source ---- */

/* inst.repo=, else the installer media (inst.stage2=), else any ISO. */
static int boot_repo(const struct inst_bootargs *b, struct inst_repo *ret, char **ret_what)
{
	_cleanup_free_ char *err = NULL;
	const char *v = b->repo ? b->repo : b->stage2 ? b->stage2 : "cdrom";
	const char *opt = b->repo ? "inst.repo" : b->stage2 ? "inst.stage2" : "the installer media";
	int r;

	if ((r = inst_repo_parse(v, ret, &err)) < 0)
		return log_error("%s=%s: %s", opt, v, err), r;
	*ret_what = b->repo || b->stage2 ? xasprintf("%s=%s", opt, v) : xstrdup("cdrom (the installer media)");
	return 0;
}

/* The installer media (inst.stage2=hd:LABEL=…) mounted where the storage
 * probe looks for it, so that its disk is never a target — also when the
 * packages come from elsewhere. Stays mounted. */
static void mark_installer_media(const struct inst_bootargs *b, bool dry)
{
	_cleanup_(part_probe_freep) struct part_probe *probe = NULL;
	struct inst_repo st = {};
	_cleanup_free_ char *err = NULL;
	struct inst_source s = {};

	if (!b->stage2 || inst_repo_parse(b->stage2, &st, &err) < 0 || !st.device ||
	    part_probe_disks("/sys", &probe) < 0)
		goto out;
	inst_source_match(probe, st.device, &s);
	if (s.n_devs != 1) {
		log_warning("inst.stage2=%s: %zu devices match; the installer media is not known", b->stage2, s.n_devs);
		goto out;
	}
	if (dry)
		log_info("installer media: %s (would be mounted on " INSTALLER_MEDIA_DIR ")", s.devs[0].path);
	else if (part_mount_source(s.devs[0].path, INSTALLER_MEDIA_DIR, s.devs[0].fstype, teardown_new()) >= 0)
		log_info("installer media: %s, mounted read-only on " INSTALLER_MEDIA_DIR, s.devs[0].path);
out:
	inst_source_devs_clear(&s);
	inst_repo_done(&st);
}

/* The TUI takes a URL: a device source is mounted for it, read-only, as
 * the kickstart's would be. */
static int tui_repo_url(const struct inst_repo *r, bool dry, char **ret)
{
	_cleanup_(ks_freep) struct ks *ks = ks_new();
	_cleanup_(inst_source_freep) struct inst_source *s = NULL;
	int k;

	if (r->kind == INST_REPO_URL) {
		*ret = xstrdup(r->url);
		return 0;
	}
	(void)inst_repo_apply(r, ks);
	if ((k = inst_source_resolve(ks, &s)) < 0)
		return k;
	if (dry) {
		*ret = xstrdup("file://" INST_SOURCE_CDROM_MOUNT);
		return 0;
	}
	if ((k = inst_source_mount(s, teardown_new())) < 0) /* stays mounted for the install */
		return k;
	*ret = xasprintf("file://%s", s->repo_dir);
	return 0;
}

/* ---- the kickstart ---- */

/* Where the kickstart is, for `install -k`: inst.ks=, else OEMDRV.
 * Returns 1 with *ret set, 0 when there is none, or an exit code < 0. */
static int boot_ks(const struct inst_bootargs *b, char **ret)
{
	_cleanup_free_ char *dev = NULL;
	int r;

	if (b->has_ks) {
		switch (b->ks.kind) {
		case INST_KS_FILE: *ret = xstrdup(b->ks.path); return 1;
		case INST_KS_URL: *ret = xstrdup(b->ks.url); return 1;
		default:
			if (inst_ks_fetch_device(&b->ks, INST_KS_COPY) < 0)
				return -EXIT_USAGE;
			*ret = xstrdup(INST_KS_COPY);
			return 1;
		}
	}
	r = inst_ks_find_oemdrv(INST_KS_COPY, &dev);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return -EXIT_USAGE;
	log_info("kickstart: ks.cfg from the OEMDRV volume %s", dev);
	*ret = xstrdup(INST_KS_COPY);
	return 1;
}

static int read_cmdline(const char *path, struct inst_bootargs *b)
{
	_cleanup_strbuf_ struct strbuf text = STRBUF_INIT;
	_cleanup_free_ char *err = NULL;
	int r;

	if ((r = strbuf_read_file(&text, path)) < 0)
		return log_error_errno(r, "boot: %s: %m", path);
	if ((r = inst_bootargs_parse(strbuf_str(&text), b, &err)) < 0)
		return log_error("boot: %s: %s", path, err), r;
	STRV_FOREACH (w, b->warnings)
		log_warning("boot: %s", *w);
	return 0;
}

static int run_install(const struct boot_cli *c, const struct inst_bootargs *b, const char *ks,
		       const struct inst_install_defaults *def)
{
	char **argv = NULL;
	int r;

	strv_extend(&argv, "install", "-k", ks, "--log", c->log_path, NULL);
	if (c->dry_run)
		strv_push(&argv, "--dry-run");
	else
		strv_push(&argv, "--yes"); /* the kickstart is the operator's consent (Anaconda) */
	if (b->ksstrict)
		strv_push(&argv, "--strict");
	if (b->finish >= 0)
		strv_extend(&argv, "--finish", inst_finish_to_string((enum inst_finish)b->finish), NULL);
	if (b->noverifyssl)
		log_warning("inst.noverifyssl: not supported for the whole install; use `url --noverifyssl` "
			    "or `repo --noverifyssl` in the kickstart");
	r = inst_install_main((int)strv_length(argv), argv, def);
	strv_free(argv);
	return r;
}

static int run_tui(const struct boot_cli *c, const char *repo_url)
{
	char *argv[] = { "tui", "--repo", (char *)repo_url, "--log", (char *)c->log_path, NULL };

	if (c->dry_run)
		return log_info("no kickstart: would start the TUI with --repo %s", repo_url), EXIT_DONE;
	return inst_cmd_tui((int)ELEMENTSOF(argv) - 1, argv);
}

int inst_cmd_boot(int argc, char **argv)
{
	struct boot_cli c = { .cmdline_path = "/proc/cmdline", .log_path = BOOT_LOG };
	struct inst_bootargs b = { .finish = -1 };
	struct inst_repo repo = {};
	_cleanup_free_ char *ks = NULL, *repo_what = NULL, *url = NULL;
	int r, ex;

	if ((r = parse_boot_args(argc, argv, &c)) != 0)
		return r > 0 ? EXIT_DONE : EXIT_USAGE;
	{
		struct event_sink *f = event_sink_file_new(c.log_path, &r);
		if (f)
			event_sink_add(f);
		else
			log_warning_errno(r, "boot: --log %s: %m", c.log_path);
	}
	if (read_cmdline(c.cmdline_path, &b) < 0) {
		ex = EXIT_USAGE;
		goto done;
	}
	if (b.rescue) {
		log_info("inst.rescue: nothing to install (the media's init starts the rescue shell)");
		ex = EXIT_DONE;
		goto done;
	}
	if (boot_repo(&b, &repo, &repo_what) < 0) {
		ex = EXIT_USAGE;
		goto done;
	}
	mark_installer_media(&b, c.dry_run);
	bool need_net = b.n_ips > 0 || (b.has_ks && b.ks.kind == INST_KS_URL) || is_net_url(repo.url);
	if (need_net && net_up(&b, c.dry_run) < 0) {
		ex = EXIT_FAILED;
		goto done;
	}
	if ((r = boot_ks(&b, &ks)) < 0) {
		ex = -r;
		goto done;
	}
	if (!need_net && ks && ks_needs_net(ks) && net_up(&b, c.dry_run) < 0) {
		ex = EXIT_FAILED;
		goto done;
	}
	if (b.cmdline) {
		/* nothing may wait for a key: an answer the kickstart lacks is an error */
		int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			(void)dup2(fd, STDIN_FILENO), close(fd);
	}
	if (!ks) {
		if (b.cmdline) {
			log_error("inst.cmdline: no kickstart (give inst.ks= or attach a volume labelled OEMDRV "
				  "holding ks.cfg)");
			ex = EXIT_USAGE;
			goto done;
		}
		if (tui_repo_url(&repo, c.dry_run, &url) < 0) {
			ex = EXIT_FAILED;
			goto done;
		}
		ex = run_tui(&c, url);
		goto done;
	}
	log_info("kickstart: %s; installation source when it names none: %s", ks, repo_what);
	struct inst_install_defaults def = { .repo = &repo, .repo_what = repo_what,
					     .mbr = b.disklabel == INST_DISKLABEL_MBR };
	ex = run_install(&c, &b, ks, &def);
done:
	if (ex != EXIT_DONE && !c.dry_run) {
		log_error("the installation did not complete (exit %d); the log is %s", ex, c.log_path);
		(void)inst_ks_save_log_oemdrv(c.log_path);
	}
	inst_repo_done(&repo);
	inst_bootargs_done(&b);
	return ex;
}
