/* inst.repo= (Anaconda's boot argument for the installation source): the
 * parser the boot-argument reader calls with a /proc/cmdline value, and the
 * kickstart source it stands for when the kickstart names none. */
#pragma once

#include "macros.h"

struct ks;

enum inst_repo_kind {
	INST_REPO_URL,   /* http://, https://, file:/// */
	INST_REPO_HD,    /* hd:DEV:/path: harddrive --partition=DEV --dir=/path */
	INST_REPO_CDROM, /* cdrom: the first iso9660 device holding a repo */
	_INST_REPO_KIND_MAX,
};

struct inst_repo {
	enum inst_repo_kind kind;
	char *url;    /* INST_REPO_URL */
	char *device; /* INST_REPO_HD; also cdrom:DEV ("sr0", "/dev/sr0", "LABEL=x", "UUID=x") */
	char *path;   /* INST_REPO_HD: absolute, "/" when not given */
};

/* Parses one inst.repo= value (without "inst.repo="). Returns 0, -EINVAL
 * for a malformed value or -EOPNOTSUPP for a form slipway does not install
 * from (nfs:, ftp://, hmc), with *ret_err saying why. Pure. */
int inst_repo_parse(const char *value, struct inst_repo *ret, char **ret_err);
void inst_repo_done(struct inst_repo *r);
/* The device forms of inst.repo=hd: and inst.ks=hd: (sdb1, /dev/sdb1,
 * /dev/disk/by-…, LABEL=x, UUID=x, PARTUUID=x, PARTLABEL=x). */
bool inst_valid_device(const char *d);
/* No spaces or control characters: one boot-argument word. */
bool inst_printable_word(const char *s);
const char *inst_repo_kind_to_string(enum inst_repo_kind k);

/* As Anaconda: when the kickstart has no installation source (url, cdrom,
 * harddrive), inst.repo= becomes one: url --url, harddrive --partition
 * --dir, or cdrom (cdrom:DEV is harddrive --partition=DEV --dir=/: the same
 * read-only mount of one device). Returns 1 when applied, 0 when the
 * kickstart's own source wins. */
int inst_repo_apply(const struct inst_repo *r, struct ks *ks);
