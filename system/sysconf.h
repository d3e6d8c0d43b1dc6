/* The system stage's API (DESIGN.md §5 "system"): every configuration file of
 * the installed system rendered by a pure function (golden-tested), and the
 * writers that put them into the target root atomically, in one fixed order. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "macros.h"
#include "strbuf.h"

struct ks;
struct ks_network;
struct ks_keyboard;
struct ks_timesource;

/* What the target has, found by looking at files in it (never the host). */
struct sysconf_caps {
	bool networkd, network_manager, resolved;
	bool timesyncd, chronyd;
	bool firewalld, selinux; /* firewall-offline-cmd; /etc/selinux */
	bool systemctl, sshd, bash;
	bool tzdata; /* /usr/share/zoneinfo */
};

struct sysconf_opts {
	bool image; /* image mode: the image boots on machines slipway never saw */
	/* The kernel console's serial tty ("ttyS0"), NULL when it is not a serial
	 * port: see sysconf_serial_console(). */
	const char *serial_console;
	/* SBOM: fixed values for reproducible output (tests); NULL: now / random. */
	const char *sbom_created, *sbom_namespace;
	bool no_sbom; /* skip the SBOM (no rpmdb in the target) */
};

/* Runs every writer in order (hostname, locale, keymap, time, machine-id,
 * accounts, network, SELinux, firewall, services, SBOM) against the target
 * mounted at root. Stops at the first error, which is logged and returned.
 * The caller owns the stage events (event_stage_begin("system", …)); the
 * target's tools run chrooted and need no /proc, but do not mind it bound in. */
int sysconf_apply(const struct ks *ks, const char *root, const struct sysconf_opts *o);

/* Looks at root for the programs the writers choose between. */
void sysconf_detect(const char *root, struct sysconf_caps *ret);

/* The serial tty the kernel console is on: the last "console=" of cmdline
 * wins (as for /dev/console), else the last entry of the console's "active"
 * list; ttyS*, ttyAMA*, hvc*, ttyUSB* … count as serial, tty0..63 do not.
 * Either text may be NULL. Returns an allocated name or NULL. */
char *sysconf_serial_console_parse(const char *cmdline, const char *active);
/* The same, reading /proc/cmdline and /sys/class/tty/console/active. */
char *sysconf_serial_console(void);

/* ---- renderers: pure, append to out, return 0 or -EINVAL (logged) ---- */
int sysconf_hostname_render(const char *hostname, struct strbuf *out);
int sysconf_locale_render(const char *lang, struct strbuf *out);
/* KEYMAP= from --vckeymap, else the positional layout, else the first of
 * --xlayouts ("cz (qwerty)" becomes "cz-qwerty"). */
int sysconf_vconsole_render(const struct ks_keyboard *k, struct strbuf *out);
/* /etc/adjtime as systemd-timedated writes it: UTC or LOCAL on line 3. */
void sysconf_adjtime_render(bool utc, struct strbuf *out);

/* NTP sources: the timesource servers and pools, plus the deprecated
 * timezone --ntpservers (as servers). */
struct sysconf_ntp {
	char **servers, **pools;
	bool nts;
	bool disable; /* timesource --ntp-disable or timezone --nontp */
};
void sysconf_ntp_from_ks(const struct ks *ks, struct sysconf_ntp *ret);
void sysconf_ntp_done(struct sysconf_ntp *n);
void sysconf_timesyncd_render(const struct sysconf_ntp *n, struct strbuf *out);
/* chrony.conf with every server/pool/peer line of existing (may be NULL)
 * dropped and the kickstart's sources added at the end. */
void sysconf_chrony_render(const char *existing, const struct sysconf_ntp *n, struct strbuf *out);

/* "255.255.255.0" or "24" → 24; -EINVAL when not a contiguous mask. */
int sysconf_netmask_to_prefix(const char *netmask);
/* systemd-networkd .network file for one network command. */
int sysconf_networkd_render(const struct ks_network *n, struct strbuf *out);
/* Its file name: "40-slipway-eth0.network", or "80-slipway-ether.network"
 * for a command without --device (matches every Ethernet link). */
char *sysconf_networkd_filename(const struct ks_network *n);
/* NetworkManager keyfile; uuid is the connection's UUID. */
int sysconf_nmconnection_render(const struct ks_network *n, const char *uuid, struct strbuf *out);
/* Its connection id: the device name, or "slipway-ethernet". */
const char *sysconf_nmconnection_id(const struct ks_network *n);
/* Whether a network command configures a link (not just --hostname). */
bool sysconf_network_configures_link(const struct ks_network *n);

/* /etc/selinux/config with its SELINUX= line set (existing may be NULL). */
void sysconf_selinux_render(const char *existing, const char *mode, struct strbuf *out);
/* The sshd drop-in of rootpw --allow-ssh. */
void sysconf_sshd_root_render(struct strbuf *out);

/* ---- passwords and the account databases ---- */
/* yescrypt hash of a plaintext password (libcrypt, random salt). Returns an
 * allocated "$y$…" string, or -errno. The plaintext is not copied. */
int sysconf_hash_password(const char *plaintext, char **ret);
/* The shadow password field a kickstart asks for: crypted as is, plaintext
 * hashed, "!" prefixed when locked ("!" alone: locked without password). */
int sysconf_password_field(const char *password, bool iscrypted, bool lock, char **ret);
/* Rewrites one field (1-based, as in passwd(5)/shadow(5)) of name's line in a
 * colon-separated database. Returns 0, or -ENOENT when name has no line. */
int sysconf_db_set_field(const char *text, const char *name, unsigned field, const char *value,
			 struct strbuf *out);
/* Reads name's uid, gid and home from root/etc/passwd (no NSS: the
 * installer may be static). Returns 0 or -ENOENT. */
int sysconf_passwd_lookup(const char *root, const char *name, uid_t *uid, gid_t *gid, char **home);
/* Whether root/etc/group has a group of that name (gid < 0: any gid) or,
 * with name NULL, of that gid. */
bool sysconf_group_exists(const char *root, const char *name, long long gid);

/* ---- SBOM ---- */
struct sysconf_pkg {
	char *name, *epoch, *version, *release, *arch; /* epoch, arch may be NULL */
	char *license, *vendor, *packager;	       /* may be NULL */
	char *sha256;				       /* header SHA256 (hex) or NULL */
};
struct sysconf_sbom_meta {
	const char *name;	/* document name: the hostname or "installed-system" */
	const char *namespace_; /* unique URI */
	const char *created;	/* "2025-01-01T00:00:00Z" */
	const char *distro;	/* purl namespace: os-release ID, else per package vendor */
	const char *distro_name, *distro_version; /* the OS package: os-release NAME, VERSION_ID */
};
/* SPDX 2.3 JSON of pkgs (sorted by name, EVR, arch in the output). */
int sysconf_sbom_render(const struct sysconf_pkg *pkgs, size_t n, const struct sysconf_sbom_meta *m,
			struct strbuf *out);
/* Every package of root's rpmdb (at /var/lib/rpm, whatever the host's rpm
 * macros say). */
int sysconf_sbom_read_rpmdb(const char *root, struct sysconf_pkg **ret, size_t *ret_n);
void sysconf_pkgs_free(struct sysconf_pkg *pkgs, size_t n);
/* Reads root's rpmdb and writes root/var/log/slipway/sbom.spdx.json. */
int sysconf_write_sbom(const char *root, const char *hostname, const struct sysconf_opts *o);
