/* The kickstart model (DESIGN.md §4): struct ks holds everything a kickstart
 * asked for, each command with the file and line it was written on, and the
 * API to load, validate, write, dump and flatten kickstart files. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "macros.h"
#include "strbuf.h"

/* Where something was written. file points into struct ks's own list of
 * file names (never freed separately); line is 1-based, 0 when unknown. */
struct ks_loc {
	const char *file;
	unsigned line;
};

/* A list command's entries, in the order they were written. */
#define KS_LIST(type)          \
	struct {               \
		type **v;      \
		size_t n;      \
	}

enum ks_tri { KS_TRI_UNSET, KS_TRI_NO, KS_TRI_YES, _KS_TRI_MAX };

/* ---- sources ---- */
struct ks_url {
	struct ks_loc loc;
	char *url, *mirrorlist, *metalink, *proxy;
	bool noverifyssl;
	char *sslcacert, *sslclientcert, *sslclientkey;
};
struct ks_repo {
	struct ks_loc loc;
	char *name, *baseurl, *mirrorlist, *metalink, *proxy;
	bool has_cost;
	int64_t cost;
	char **includepkgs, **excludepkgs;
	bool install, noverifyssl;
	char *sslcacert, *sslclientcert, *sslclientkey;
};
struct ks_cdrom {
	struct ks_loc loc;
};
struct ks_harddrive {
	struct ks_loc loc;
	char *partition, *dir;
};

/* ---- locale ---- */
struct ks_lang {
	struct ks_loc loc;
	char *lang;
	char **addsupport;
};
struct ks_keyboard {
	struct ks_loc loc;
	char *keyboard; /* the old positional form */
	char *vckeymap;
	char **xlayouts, **switch_options;
};
struct ks_timezone {
	struct ks_loc loc;
	char *timezone;
	bool utc, nontp;    /* --isUtc is an alias of --utc; --nontp deprecated */
	char **ntpservers; /* deprecated */
};
struct ks_timesource {
	struct ks_loc loc;
	char *ntp_server, *ntp_pool;
	bool ntp_disable, nts;
};

/* ---- network ---- */
enum ks_bootproto { KS_BOOTPROTO_DHCP, KS_BOOTPROTO_STATIC, _KS_BOOTPROTO_MAX };
struct ks_network {
	struct ks_loc loc;
	enum ks_bootproto bootproto;
	char *device, *ip, *netmask, *gateway, *hostname, *ipv6, *ipv6gateway, *mtu;
	char **nameserver; /* comma-separated in the kickstart */
	enum ks_tri onboot, activate;
	bool noipv4, noipv6, nodns, nodefroute, notksdevice;
	char *ipv4_dns_search, *ipv6_dns_search;
	bool ipv4_ignore_auto_dns, ipv6_ignore_auto_dns;
};

/* ---- accounts (passwords are secrets: registered, freed with free_secret) ---- */
struct ks_rootpw {
	struct ks_loc loc;
	char *password;
	bool iscrypted, lock, allow_ssh;
};
struct ks_user {
	struct ks_loc loc;
	char *name, *password;
	bool iscrypted, lock;
	char **groups;
	char *homedir, *shell, *gecos;
	bool has_uid, has_gid;
	int64_t uid, gid;
};
struct ks_group {
	struct ks_loc loc;
	char *name;
	bool has_gid;
	int64_t gid;
};
struct ks_sshkey {
	struct ks_loc loc;
	char *username, *key;
};

/* ---- system ---- */
struct ks_services {
	struct ks_loc loc;
	char **enabled, **disabled;
};
enum ks_selinux { KS_SELINUX_UNSET, KS_SELINUX_DISABLED, KS_SELINUX_ENFORCING, KS_SELINUX_PERMISSIVE, _KS_SELINUX_MAX };
struct ks_selinux_cmd {
	struct ks_loc loc;
	enum ks_selinux mode;
};
struct ks_firewall {
	struct ks_loc loc;
	bool disabled; /* --disabled; enabled is the default */
	char **ports;  /* "22:tcp": a port without protocol gets ":tcp" */
	char **trusts, **services, **remove_services;
	bool use_system_defaults;
};
enum ks_firstboot { KS_FIRSTBOOT_UNSET, KS_FIRSTBOOT_DISABLED, KS_FIRSTBOOT_ENABLED, KS_FIRSTBOOT_RECONFIG, _KS_FIRSTBOOT_MAX };
struct ks_firstboot_cmd {
	struct ks_loc loc;
	enum ks_firstboot mode;
};
struct ks_flag { /* commands without options: skipx, zerombr */
	struct ks_loc loc;
};
struct ks_eula {
	struct ks_loc loc;
	bool agreed;
};
enum ks_display { KS_DISPLAY_TEXT, KS_DISPLAY_CMDLINE, KS_DISPLAY_GRAPHICAL, _KS_DISPLAY_MAX };
struct ks_display_cmd { /* text, cmdline, graphical: one setting, the last wins */
	struct ks_loc loc;
	enum ks_display mode;
	bool non_interactive;
};
enum ks_finish { KS_FINISH_REBOOT, KS_FINISH_POWEROFF, KS_FINISH_HALT, KS_FINISH_SHUTDOWN, _KS_FINISH_MAX };
struct ks_finish_cmd { /* reboot, poweroff, halt, shutdown: the last wins */
	struct ks_loc loc;
	enum ks_finish action;
	bool eject, kexec;
};

/* ---- storage ---- */
struct ks_ignoredisk {
	struct ks_loc loc;
	char **drives, **only_use;
};
enum ks_clearpart_type { KS_CLEARPART_UNSET, KS_CLEARPART_ALL, KS_CLEARPART_LINUX, KS_CLEARPART_NONE, KS_CLEARPART_LIST, _KS_CLEARPART_MAX };
struct ks_clearpart {
	struct ks_loc loc;
	enum ks_clearpart_type type;
	char **drives, **list;
	bool initlabel;
	char *disklabel; /* gpt, msdos */
};
/* LUKS options shared by part and autopart; numbers 0 = not given. */
struct ks_luks {
	bool encrypted;
	char *passphrase; /* secret */
	char *luks_version, *cipher, *pbkdf;
	int64_t pbkdf_memory, pbkdf_time, pbkdf_iterations;
};
struct ks_part {
	struct ks_loc loc;
	char *mountpoint; /* "/…", "swap", "biosboot", or "none" */
	bool has_size, has_maxsize;
	int64_t size, maxsize; /* MiB */
	bool grow, recommended, asprimary;
	char *fstype, *ondisk, *label, *fsoptions, *mkfsoptions;
	struct ks_luks luks;
};
enum ks_autopart_type { KS_AUTOPART_DEFAULT, KS_AUTOPART_PLAIN, KS_AUTOPART_LVM, KS_AUTOPART_THINP, KS_AUTOPART_BTRFS, _KS_AUTOPART_MAX };
struct ks_autopart {
	struct ks_loc loc;
	enum ks_autopart_type type; /* DEFAULT: bare autopart (LVM in Anaconda, plain in slipway) */
	char *fstype;
	bool nohome, noboot, noswap;
	struct ks_luks luks;
};
struct ks_reqpart {
	struct ks_loc loc;
	bool add_boot;
};
enum ks_bootloader_location { KS_BOOTLOADER_MBR, KS_BOOTLOADER_PARTITION, KS_BOOTLOADER_NONE, KS_BOOTLOADER_BOOT, _KS_BOOTLOADER_MAX };
struct ks_bootloader {
	struct ks_loc loc;
	enum ks_bootloader_location location;
	char *append, *boot_drive, *password; /* password: secret */
	char **driveorder;
	bool has_timeout;
	int64_t timeout;
	bool iscrypted, leavebootorder, sdboot, disabled, nombr;
};

/* ---- sections ---- */
enum ks_pkg_kind {
	KS_PKG_NAME,          /* vim */
	KS_PKG_GLOB,          /* kde-i18n-* */
	KS_PKG_EXCLUDE,       /* -autofs (a glob too) */
	KS_PKG_GROUP,         /* @core */
	KS_PKG_ENV,           /* @^minimal-environment */
	KS_PKG_EXCLUDE_GROUP, /* -@group */
	KS_PKG_EXCLUDE_ENV,   /* -@^environment */
	_KS_PKG_KIND_MAX,
};
enum ks_group_include { KS_GROUP_DEFAULT, KS_GROUP_NODEFAULTS, KS_GROUP_OPTIONAL, _KS_GROUP_INCLUDE_MAX };
struct ks_pkg {
	struct ks_loc loc;
	enum ks_pkg_kind kind;
	char *name; /* without -, @, @^ */
	enum ks_group_include include; /* KS_PKG_GROUP */
};
struct ks_packages {
	struct ks_loc loc; /* the first %packages header */
	bool seen;
	bool default_, excludedocs, ignoremissing, ignorebroken, nocore, multilib, exclude_weakdeps;
	char *inst_langs; /* NULL: not given; "" means no languages */
	bool has_timeout, has_retries;
	int64_t timeout, retries;
	/* The effective entries in order: a later line cancels an earlier
	 * one for the same name ("vim" then "-vim" leaves only "-vim"). */
	KS_LIST(struct ks_pkg) pkgs;
};
enum ks_script_kind { KS_SCRIPT_PRE, KS_SCRIPT_PRE_INSTALL, KS_SCRIPT_POST, KS_SCRIPT_ONERROR, KS_SCRIPT_TRACEBACK, _KS_SCRIPT_KIND_MAX };
struct ks_script {
	struct ks_loc loc; /* the header line; the body starts on the next */
	enum ks_script_kind kind;
	char *interpreter; /* default /bin/sh */
	bool nochroot;     /* %post only; the others never run chrooted */
	bool erroronfail;
	char *log; /* --log / --logfile */
	char *body;
};
enum ks_slipway_finish { KS_SLIPWAY_FINISH_UNSET, KS_SLIPWAY_FINISH_SHELL, KS_SLIPWAY_FINISH_REBOOT, KS_SLIPWAY_FINISH_POWEROFF, KS_SLIPWAY_FINISH_EXIT, _KS_SLIPWAY_FINISH_MAX };
struct ks_addon {
	struct ks_loc loc;
	char *name;  /* org_fedora_oscap, org_slipway, … */
	char **args; /* header arguments after the name */
	char *body;
};
/* %addon org_slipway, parsed. */
struct ks_slipway {
	struct ks_loc loc;
	bool seen;
	enum ks_slipway_finish finish;
};

struct ks {
	char **files; /* every file read, first the main one; ks_loc.file points here */

	struct ks_url *url;
	KS_LIST(struct ks_repo) repo;
	struct ks_cdrom *cdrom;
	struct ks_harddrive *harddrive;

	struct ks_lang *lang;
	struct ks_keyboard *keyboard;
	struct ks_timezone *timezone;
	KS_LIST(struct ks_timesource) timesource;

	KS_LIST(struct ks_network) network;

	struct ks_rootpw *rootpw;
	KS_LIST(struct ks_user) user;
	KS_LIST(struct ks_group) group;
	KS_LIST(struct ks_sshkey) sshkey;

	struct ks_services *services;
	struct ks_selinux_cmd *selinux;
	struct ks_firewall *firewall;
	struct ks_firstboot_cmd *firstboot;
	struct ks_flag *skipx;
	struct ks_eula *eula;
	struct ks_display_cmd *display;
	struct ks_finish_cmd *finish;

	struct ks_ignoredisk *ignoredisk;
	struct ks_clearpart *clearpart;
	struct ks_flag *zerombr;
	KS_LIST(struct ks_part) part;
	struct ks_autopart *autopart;
	struct ks_reqpart *reqpart;
	struct ks_bootloader *bootloader;

	struct ks_packages packages;
	KS_LIST(struct ks_script) script;
	KS_LIST(struct ks_addon) addon;
	struct ks_slipway slipway;
};

/* ---- enum <-> string ---- */
const char *ks_tri_to_string(enum ks_tri v);
const char *ks_bootproto_to_string(enum ks_bootproto v);
int ks_bootproto_from_string(const char *s);
const char *ks_selinux_to_string(enum ks_selinux v);
const char *ks_firstboot_to_string(enum ks_firstboot v);
const char *ks_display_to_string(enum ks_display v);
int ks_display_from_string(const char *s);
const char *ks_finish_to_string(enum ks_finish v);
int ks_finish_from_string(const char *s);
const char *ks_clearpart_type_to_string(enum ks_clearpart_type v);
const char *ks_autopart_type_to_string(enum ks_autopart_type v);
int ks_autopart_type_from_string(const char *s);
const char *ks_bootloader_location_to_string(enum ks_bootloader_location v);
int ks_bootloader_location_from_string(const char *s);
const char *ks_pkg_kind_to_string(enum ks_pkg_kind v);
const char *ks_group_include_to_string(enum ks_group_include v);
const char *ks_script_kind_to_string(enum ks_script_kind v); /* "%post" */
int ks_script_kind_from_string(const char *s);
const char *ks_slipway_finish_to_string(enum ks_slipway_finish v);
int ks_slipway_finish_from_string(const char *s);

/* "FILE:LINE: WHAT" for messages about a command; "FILE: WHAT" for line 0
 * (not written on a line: "inst.repo: url"); WHAT alone without a file. */
char *ks_loc_where(const struct ks_loc *loc, const char *what);

/* ---- diagnostics ---- */
struct ks_diag {
	char *file;    /* NULL when not about a file */
	unsigned line; /* 0: the whole file */
	char *command; /* "part", "%post", or NULL */
	enum log_level level;
	char *msg;
};
struct ks_diags {
	struct ks_diag *v;
	size_t n, alloc;
};

void ks_diags_add(struct ks_diags *d, enum log_level level, const struct ks_loc *loc, const char *command,
		  const char *fmt, ...) _printf_(5, 6);
/* `slipway: FILE:LINE: COMMAND: message`, warnings with "warning: ". */
void ks_diags_print(const struct ks_diags *d, FILE *f);
void ks_diags_format(const struct ks_diags *d, struct strbuf *out);
size_t ks_diags_errors(const struct ks_diags *d);
void ks_diags_free(struct ks_diags *d);

/* ---- loading ---- */
struct ks_load_opts {
	bool strict; /* inst.ksstrict / --strict: warnings are errors */
	/* First pass before %pre ran: a missing %include is a warning (the
	 * %pre script may write it), as Anaconda's early parse does. */
	bool allow_missing_include;
};

/* Parses a kickstart with its %include and %ksappend files. Returns 0 with
 * *ret set, -EINVAL when d got errors (*ret untouched), or -errno when the
 * file cannot be read (also reported in d). Warnings never fail. */
int ks_load_file(const char *path, const struct ks_load_opts *o, struct ks **ret, struct ks_diags *d);
/* Same for text in memory; name is used in diagnostics and relative
 * %include paths are resolved against its directory. */
int ks_load_string(const char *name, const char *text, const struct ks_load_opts *o, struct ks **ret,
		   struct ks_diags *d);
/* Checks types, ranges and consistency; every problem goes to d.
 * Returns 0 or -EINVAL when it added errors. */
int ks_validate(const struct ks *ks, const struct ks_load_opts *o, struct ks_diags *d);
/* ks_load_file() then ks_validate(), validating what could be parsed even
 * when parsing found errors, so that every mistake is reported at once.
 * *ret is set only when there are no errors. */
int ks_check_file(const char *path, const struct ks_load_opts *o, struct ks **ret, struct ks_diags *d);

enum { KS_WRITE_REDACT = 1 << 0 };
/* Kickstart text that parses back to an equal struct. REDACT replaces every
 * plaintext secret by "[redacted]" (crypted hashes are kept). */
void ks_write(const struct ks *ks, unsigned flags, struct strbuf *out);
/* Stable, line-oriented dump of every field (goldens, dry-run intent).
 * Plaintext secrets are never shown. */
void ks_dump(const struct ks *ks, struct strbuf *out);
/* Like ksflatten: %include and %ksappend resolved into one text. */
int ks_flatten(const char *path, struct strbuf *out, struct ks_diags *d);

struct ks *ks_new(void);
void ks_free(struct ks *ks);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct ks *, ks_free)
