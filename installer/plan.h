/* struct plan: what will be done, complete before the first write
 * (DESIGN.md §1). Built from a validated struct ks and the CLI's target. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "strbuf.h"

struct ks;
struct part_probe;
struct part_plan;    /* partition/: disks, table, crypt, filesystems, mounts */
struct payload_plan; /* payload/: repos, solved transaction, downloads */
struct inst_source;  /* source.h: harddrive/cdrom device */
struct teardown;

enum inst_target {
	TARGET_DISKS, /* real disks chosen by the kickstart */
	TARGET_IMAGE, /* --image FILE: a loop-attached image file */
	TARGET_DIR,   /* --root DIR: payload and system only */
	_TARGET_MAX,
};

enum image_format {
	IMAGE_RAW,
	IMAGE_VHD,
	IMAGE_QCOW2,
	_IMAGE_FORMAT_MAX,
};

enum inst_finish {
	FINISH_DEFAULT, /* not given on the command line (finish.h resolves it) */
	FINISH_REBOOT,
	FINISH_POWEROFF,
	FINISH_HALT,
	FINISH_SHELL,
	FINISH_EXIT,
	_FINISH_MAX,
};

struct plan_target {
	enum inst_target kind;
	char *path;                /* image file or root directory */
	uint64_t image_size;       /* bytes, image mode */
	enum image_format format;
};

/* What the CLI adds to the kickstart for planning. */
struct inst_plan_args {
	enum inst_finish finish; /* --finish, or FINISH_DEFAULT */
	bool pre_ran;            /* %pre scripts ran before planning (not --dry-run) */
	bool dry_run;            /* mount nothing: a device source is only resolved */
	bool nogpgcheck;      /* --nogpgcheck: no signature checks for any repo */
	char *const *gpgkeys; /* --gpgkey URL…: keys trusted for every repo */
	bool mbr;             /* inst.disklabel=mbr: new tables are msdos */
};

struct plan {
	const struct ks *ks; /* borrowed: the input the plan was made from */
	char *ks_path;
	struct plan_target target;
	enum inst_finish finish;      /* what will be done: never DEFAULT */
	bool pre_ran;
	struct part_probe *probe;     /* the disks as planned (disk installs only) */
	struct part_plan *storage;    /* NULL for directory installs */
	struct payload_plan *payload; /* NULL in a dry run from a device source */
	struct inst_source *source;   /* harddrive/cdrom, or NULL */
	struct teardown *source_td;   /* its read-only mount, undone last */
};

const char *inst_target_to_string(enum inst_target t);
const char *image_format_to_string(enum image_format f);
int image_format_from_string(const char *s);

/* Builds the plan: storage (probe, disks, layout), then the payload with the
 * packages storage and boot need. Reads the machine and the repos, writes
 * nothing but the download cache. Errors: -EINVAL/-ENOENT kickstart or
 * usage, -EBUSY/-ENODEV refused for safety, others failures. */
int inst_plan_new(const struct ks *ks, const char *ks_path, const struct plan_target *target,
		  const struct inst_plan_args *a, struct plan **ret);
void inst_plan_free(struct plan *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct plan *, inst_plan_free)
/* The stable, readable form printed by --dry-run and saved as plan.txt. */
void inst_plan_print(const struct plan *p, bool verbose, struct strbuf *out);
/* The printed plan as log events, one a line, each after prefix (JSON
 * progress, the TUI's log). */
void inst_plan_log(const char *text, enum log_level level, const char *prefix);

struct payload_opts;
/* Adds the packages the plan needs to the payload options (requirements.c). */
void inst_plan_requirements(const struct plan *p, struct payload_opts *o);
