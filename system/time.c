/* Time of the new system: /etc/localtime, /etc/adjtime, and the NTP client
 * (systemd-timesyncd drop-in or chrony.conf, whichever the target has). */
#include "sysconf-internal.h"

void sysconf_adjtime_render(bool utc, struct strbuf *out)
{
	/* drift, last adjust, adjustment status; last calibration; UTC/LOCAL */
	strbuf_addf(out, "0.0 0 0.0\n0\n%s\n", utc ? "UTC" : "LOCAL");
}

/* Area/Location names only: nothing that leaves /usr/share/zoneinfo. */
static bool zone_name_valid(const char *z)
{
	if (isempty(z) || z[0] == '/' || strstr(z, "..") || strstr(z, "//") || endswith(z, "/"))
		return false;
	for (const char *p = z; *p; p++)
		if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') ||
		      ('0' <= *p && *p <= '9') || strchr("/_+-", *p)))
			return false;
	return true;
}

static int write_localtime(const char *zone, const char *root, const struct sysconf_caps *c)
{
	_cleanup_free_ char *rel = xasprintf("usr/share/zoneinfo/%s", zone);
	_cleanup_free_ char *target = xasprintf("../%s", rel);
	int r;

	if (!zone_name_valid(zone))
		return log_error_errno(EINVAL, "system: timezone: \"%s\" is not a time zone name",
				       zone);
	if (!c->tzdata)
		log_warning(
		    "system: timezone: the target has no /usr/share/zoneinfo (package tzdata); "
		    "/etc/localtime points to %s, which does not exist yet",
		    rel);
	else if (!sysconf_exists(root, rel))
		return log_error_errno(
		    ENOENT, "system: timezone: unknown time zone \"%s\" (no /%s in the target)",
		    zone, rel);
	if ((r = sysconf_symlink(root, "etc/localtime", target)) < 0)
		return r;
	log_info("system: time zone %s", zone);
	return 0;
}

int sysconf_write_timezone(const struct ks *ks, const char *root, const struct sysconf_caps *c)
{
	_cleanup_strbuf_ struct strbuf adj = STRBUF_INIT;
	const struct ks_timezone *tz = ks->timezone;
	int r;

	if (!tz)
		return 0;
	if (!isempty(tz->timezone) && (r = write_localtime(tz->timezone, root, c)) < 0)
		return r;
	/* Anaconda's rule: without --utc the hardware clock keeps local time. */
	sysconf_adjtime_render(tz->utc, &adj);
	return sysconf_write_file(root, "etc/adjtime", &adj, 0644);
}

void sysconf_ntp_from_ks(const struct ks *ks, struct sysconf_ntp *ret)
{
	*ret = (struct sysconf_ntp){};
	if (ks->timezone) {
		strv_extend_strv(&ret->servers, ks->timezone->ntpservers);
		ret->disable = ks->timezone->nontp;
	}
	for (size_t i = 0; i < ks->timesource.n; i++) {
		const struct ks_timesource *t = ks->timesource.v[i];
		if (t->ntp_server)
			strv_push(&ret->servers, t->ntp_server);
		if (t->ntp_pool)
			strv_push(&ret->pools, t->ntp_pool);
		ret->disable |= t->ntp_disable;
		ret->nts |= t->nts;
	}
}

void sysconf_ntp_done(struct sysconf_ntp *n)
{
	strv_free(n->servers);
	strv_free(n->pools);
	*n = (struct sysconf_ntp){};
}

/* timesyncd.conf(5) knows no pool/server difference: a pool name is just a
 * host name resolving to several addresses. */
void sysconf_timesyncd_render(const struct sysconf_ntp *n, struct strbuf *out)
{
	strbuf_adds(out,
		    "# NTP sources from the kickstart, written by slipway; see timesyncd.conf(5).\n"
		    "[Time]\nNTP=");
	STRV_FOREACH (s, n->servers)
		strbuf_addf(out, "%s%s", s == n->servers ? "" : " ", *s);
	STRV_FOREACH (s, n->pools)
		strbuf_addf(out, "%s%s", s == n->pools && !n->servers ? "" : " ", *s);
	strbuf_addch(out, '\n');
}

static bool chrony_source_line(const char *line)
{
	line += strspn(line, " \t");
	return startswith(line, "server ") || startswith(line, "pool ") ||
	       startswith(line, "peer ") || startswith(line, "server\t") ||
	       startswith(line, "pool\t") || startswith(line, "peer\t");
}

void sysconf_chrony_render(const char *existing, const struct sysconf_ntp *n, struct strbuf *out)
{
	for (const char *s = strempty(existing); *s;) {
		size_t len = strcspn(s, "\n");
		_cleanup_free_ char *line = xstrndup(s, len);
		if (!chrony_source_line(line))
			strbuf_addf(out, "%s\n", line);
		s += len + (s[len] == '\n');
	}
	strbuf_adds(out, "# NTP sources from the kickstart, written by slipway\n");
	const char *opts = n->nts ? " iburst nts" : " iburst";
	STRV_FOREACH (s, n->servers)
		strbuf_addf(out, "server %s%s\n", *s, opts);
	STRV_FOREACH (s, n->pools)
		strbuf_addf(out, "pool %s%s\n", *s, opts);
}

/* Fedora's unit is chronyd.service; Debian's is chrony.service (chronyd.service
 * is only an alias, made when it is enabled). */
static const char *chrony_unit(const char *root)
{
	return sysconf_exists(root, "usr/lib/systemd/system/chrony.service") &&
		       !sysconf_exists(root, "usr/lib/systemd/system/chronyd.service")
		   ? "chrony.service"
		   : "chronyd.service";
}

static int write_sources(const struct sysconf_ntp *n, const char *root,
			 const struct sysconf_caps *c)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	int r;

	if (c->chronyd) {
		_cleanup_strbuf_ struct strbuf old = STRBUF_INIT;
		r = sysconf_read_file(root, "etc/chrony.conf", &old);
		if (r < 0 && r != -ENOENT)
			return log_error_errno(r, "system: cannot read %s/etc/chrony.conf: %m",
					       root);
		sysconf_chrony_render(strbuf_str(&old), n, &sb);
		if ((r = sysconf_write_file(root, "etc/chrony.conf", &sb, 0644)) < 0)
			return r;
		return sysconf_systemctl(root, "enable", chrony_unit(root), true);
	}
	if (n->nts)
		log_warning(
		    "system: timesource --nts: systemd-timesyncd has no NTS; plain NTP is used");
	sysconf_timesyncd_render(n, &sb);
	if ((r = sysconf_write_file(root, "etc/systemd/timesyncd.conf.d/50-slipway.conf", &sb,
				    0644)) < 0)
		return r;
	return sysconf_systemctl(root, "enable", "systemd-timesyncd.service", true);
}

int sysconf_write_ntp(const struct ks *ks, const char *root, const struct sysconf_caps *c)
{
	_cleanup_(sysconf_ntp_done) struct sysconf_ntp n = {};
	bool any;

	sysconf_ntp_from_ks(ks, &n);
	any = n.servers || n.pools;
	if (!any && !n.disable)
		return 0;
	if (!c->chronyd && !c->timesyncd) {
		log_warning(
		    "system: the target has no NTP client (chrony or systemd-timesyncd): the "
		    "timesource settings are ignored");
		return 0;
	}
	if (n.disable) {
		if (any)
			log_warning(
			    "system: NTP is disabled: the timesource servers are not configured");
		return sysconf_systemctl(
		    root, "disable", c->chronyd ? chrony_unit(root) : "systemd-timesyncd.service",
		    true);
	}
	int r = write_sources(&n, root, c);
	if (r >= 0)
		log_info("system: NTP through %s", c->chronyd ? "chrony" : "systemd-timesyncd");
	return r;
}
