/* The installer media's boot arguments (/proc/cmdline): the kernel's
 * tokenizing, Anaconda's inst.* options, dracut's ip= and the kickstart
 * locations of inst.ks= (also accepted by `install -k`). Pure: no I/O. */
#pragma once

#include <stdbool.h>

#include "macros.h"

/* Where a kickstart comes from: inst.ks= and `slipway install -k`. */
enum inst_ks_kind {
	INST_KS_FILE,  /* /path, file:/path, file:///path */
	INST_KS_URL,   /* http://…, https://…, ftp://… (libcurl) */
	INST_KS_HD,    /* hd:DEV:/path (DEV: sdb1, /dev/sdb1, LABEL=X, UUID=X, …) */
	INST_KS_CDROM, /* cdrom:/path, cdrom:DEV:/path */
	_INST_KS_KIND_MAX,
};

struct inst_ks_loc {
	enum inst_ks_kind kind;
	char *path;   /* FILE: the file; HD, CDROM: absolute path on the device */
	char *url;    /* URL */
	char *device; /* HD (always), CDROM (NULL: every iso9660/udf device) */
};

/* Parses one inst.ks= value. Returns 0, -EINVAL (malformed) or -EOPNOTSUPP
 * (nfs:, bootp: forms slipway does not fetch from) with *ret_err
 * saying why. */
int inst_ks_loc_parse(const char *value, struct inst_ks_loc *ret, char **ret_err);
/* True when a -k argument is a location rather than a plain path: it has
 * one of the prefixes above (a path with a colon stays a path). */
bool inst_ks_loc_is_url(const char *arg);
void inst_ks_loc_done(struct inst_ks_loc *l);
/* For messages: "hd:LABEL=OEMDRV:/ks.cfg". */
char *inst_ks_loc_to_string(const struct inst_ks_loc *l);

/* One ip= (dracut.cmdline(7)): DHCP on one or every interface, or a static
 * IPv4 address. */
enum inst_ip_method {
	INST_IP_DHCP,   /* dhcp, on, any */
	INST_IP_STATIC, /* none, off with an address */
	_INST_IP_METHOD_MAX,
};

struct inst_ip {
	enum inst_ip_method method;
	char *iface;	  /* NULL: every interface with a link (DHCP only) */
	char *address;	  /* STATIC: dotted IPv4 */
	unsigned prefix;  /* STATIC: from the netmask (dotted or a length) */
	char *gateway;	  /* may be NULL */
	char *hostname;	  /* may be NULL */
	char *dns[2];	  /* may be NULL */
	unsigned mtu;	  /* 0: unchanged */
};

int inst_ip_parse(const char *value, struct inst_ip *ret, char **ret_err);
void inst_ip_done(struct inst_ip *ip);

enum inst_disklabel { INST_DISKLABEL_DEFAULT, INST_DISKLABEL_GPT, INST_DISKLABEL_MBR };

struct inst_bootargs {
	bool has_ks;		/* inst.ks= (or ks=) was given */
	struct inst_ks_loc ks;
	char *repo;		/* inst.repo= (parsed later by inst_repo_parse) */
	char *stage2;		/* inst.stage2=: the installer media (hd:LABEL=X or a device) */
	bool text, cmdline, ksstrict, rescue, noverifyssl;
	int finish;		/* enum inst_finish, -1 when not given */
	enum inst_disklabel disklabel;
	struct inst_ip *ips;
	size_t n_ips;
	char **nameservers;	/* nameserver= */
	char **consoles;	/* console= values in order: the last is /dev/console */
	char **warnings;	/* ignored or deprecated arguments, one sentence each */
};

/* Splits a kernel command line the way the kernel does (spaces separate,
 * double quotes group and are removed) and reads the arguments above.
 * Unknown inst.* arguments become warnings; a malformed value of a known
 * one is an error: returns -EINVAL with *ret_err naming the argument. */
int inst_bootargs_parse(const char *cmdline, struct inst_bootargs *ret, char **ret_err);
void inst_bootargs_done(struct inst_bootargs *b);
/* The kernel's word splitting alone (exposed for tests). */
char **inst_cmdline_split(const char *cmdline);
