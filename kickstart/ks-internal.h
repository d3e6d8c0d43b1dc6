/* Shared between the kickstart/ files only: the option tables that drive
 * parsing, writing, dumping and freeing of every command, and the parser's
 * context. Nothing outside kickstart/ includes this. */
#pragma once

#include <stddef.h>

#include "ks.h"
#include "strv.h"

/* How an option (or positional argument) maps onto a field. */
enum ks_opt_type {
	OT_FLAG,        /* bool = true */
	OT_FLAG_FALSE,  /* bool = false (--plaintext) */
	OT_STR,         /* char* */
	OT_SECRET,      /* char*, registered as a secret, wiped on free */
	OT_INT,         /* int64_t, any integer */
	OT_UINT,        /* int64_t, 0 or more */
	OT_MIB,         /* int64_t, a positive number of MiB */
	OT_COMMA,       /* char** from "a,b,c", replacing earlier values */
	OT_COMMA_MORE,  /* char** from "a,b,c", extending (firewall --service) */
	OT_APPEND,      /* char**, one element per use (firewall --trust) */
	OT_APPEND_CONST,/* char**, appends .cval (firewall --ssh) */
	OT_CONST,       /* enum field = .value (clearpart --all) */
	OT_CHOICE,      /* enum field from .choices[] (bootloader --location) */
	OT_KSBOOL,      /* enum ks_tri from yes/no/on/off/true/false/1/0 */
	OT_POS,         /* positional argument number .value into a char* */
	OT_POS_SECRET,  /* positional secret (rootpw PASSWORD) */
	OT_UNSUPPORTED, /* known option slipway cannot honour yet: error; with
			 * .cval, the version that removed it from pykickstart */
	OT_IGNORED,     /* known option without effect in slipway: warning */
};

enum {
	KO_DEPRECATED = 1 << 0, /* pykickstart's deprecation warning, value kept */
	KO_NOWRITE = 1 << 1,    /* an alias or a negation: ks_write uses another entry */
	KO_REQUIRED = 1 << 2,   /* positional that must be present */
	KO_PORTS = 1 << 3,      /* firewall --port: "22" becomes "22:tcp" */
	KO_CRYPTED = 1 << 4,    /* OT_SECRET that also sets crypted_off (--md5pass) */
};

struct ks_opt {
	const char *name;      /* "--ondisk", or "<mntpoint>" for positionals */
	enum ks_opt_type type;
	size_t off;            /* the field in the command's struct */
	size_t has_off;        /* bool set when given; 0: none (offset 0 is loc) */
	int value;             /* OT_CONST value, OT_POS index */
	const char *const *choices; /* OT_CHOICE, OT_CONST: names indexed by enum value */
	size_t n_choices;
	const char *cval;      /* OT_APPEND_CONST */
	size_t crypted_off;    /* OT_SECRET: the bool saying it is a hash; 0: never */
	unsigned flags;
	const char *field;     /* name in ks_dump when not the option's */
};
#define KS_OPT_END { .name = NULL }
#define KS_CHOICES(t) .choices = (t), .n_choices = ELEMENTSOF(t)

enum ks_cmd_status {
	KS_CMD_SUPPORTED,
	KS_CMD_UNSUPPORTED, /* known to pykickstart, not implemented: error */
	KS_CMD_REMOVED,     /* "X has been removed.": error */
	KS_CMD_DEPRECATED,  /* pykickstart's deprecation warning, ignored */
};

struct ks_parser;

struct ks_cmd_def {
	const char *name;  /* as written: "part", "partition" */
	const char *canon; /* conflict and seen tracking name when not name: "partition" */
	enum ks_cmd_status status;
	bool list;         /* accumulates (part, user…); else the last wins */
	size_t ks_off;     /* struct ks field: pointer, or KS_LIST for lists */
	size_t size;       /* sizeof the command's struct */
	const struct ks_opt *opts;
	size_t variant_off; /* enum set from .variant (text/cmdline, reboot/halt); 0: none */
	int variant;
	/* Checks after the options were applied; reports problems to the
	 * parser. NULL: nothing to check. */
	void (*check)(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd);
	const char *const *conflicts; /* canonical names, NULL-terminated */
	const char *help;             /* one line, for write comments */
};

/* The command tables, in ks_write order; each ends with name == NULL. */
extern const struct ks_cmd_def ks_cmd_defs_system[], ks_cmd_defs_storage[], ks_cmd_defs_other[];
extern const struct ks_cmd_def *const ks_cmd_tables[];
#define KS_FOREACH_CMD(def)                                                              \
	for (const struct ks_cmd_def *const *_t_ = ks_cmd_tables; *_t_; _t_++)          \
		for (const struct ks_cmd_def *def = *_t_; def->name; def++)
static inline const char *ks_cmd_canon(const struct ks_cmd_def *def)
{
	return def->canon ? def->canon : def->name;
}
const struct ks_cmd_def *ks_cmd_find(const char *name);
/* The def ks_write uses for a command's struct field (first with that ks_off). */
const struct ks_cmd_def *ks_cmd_by_off(size_t ks_off, int variant);

/* ---- lexer (ks-lexer.c) ---- */
/* Splits one line like Python's shlex.split(line, comments=comments) in
 * POSIX mode. Returns 0 with *ret (maybe empty), or -EINVAL with a message
 * in *ret_err for an unterminated quote or a trailing escape. */
int ks_split(const char *line, bool comments, char ***ret, char **ret_err);
/* A line is blank or a comment (pykickstart's _isBlankOrComment). */
bool ks_line_is_blank_or_comment(const char *line);

/* ---- option parsing (ks-options.c) ---- */
/* Applies args (after the command name) to cmd through def->opts,
 * reporting unknown options, missing values and bad numbers. Returns the
 * number of errors reported. */
int ks_opts_apply(struct ks_parser *p, const struct ks_cmd_def *def, const char *cmdname,
		  const struct ks_opt *opts, void *cmd, char **args);
/* Frees every string and list an option table points at. */
void ks_opts_free(const struct ks_opt *opts, void *cmd);
/* Appends " --opt=value…" for every field that is set (positionals first). */
void ks_opts_write(const struct ks_opt *opts, const void *cmd, unsigned flags, struct strbuf *out);
/* Appends "PREFIX.field = value\n" for every option of the table. */
void ks_opts_dump(const struct ks_opt *opts, const void *cmd, const char *prefix, struct strbuf *out);
bool ks_opts_has_option(const struct ks_opt *opts, const char *name);

/* Field access by offset. */
#define KS_FIELD(cmd, off, type) ((type *)((char *)(cmd) + (off)))
#define KS_CFIELD(cmd, off, type) ((type const *)((const char *)(cmd) + (off)))

/* KS_LIST of any type, read and written through memcpy (no aliasing). */
size_t ks_list_len(const void *list);
void *ks_list_get(const void *list, size_t i);
void ks_list_append(void *list, void *item);
void ks_list_remove(void *list, size_t i); /* does not free the item */
void ks_list_clear(void *list);
void *ks_ptr_get(const void *field);
void ks_ptr_set(void *field, void *p);

/* ---- the parser (ks-parser.c) ---- */
struct ks_parser {
	struct ks *ks;
	struct ks_diags *diags;
	const struct ks_load_opts *opts;
	struct ks_loc loc;   /* of the line being parsed */
	const char *cmdname; /* of the line being parsed, as written */
	size_t errors;
	size_t errors_before_line; /* errors when the current line started */
	char **seen;         /* canonical names of the commands seen */
};

void ks_error(struct ks_parser *p, const char *fmt, ...) _printf_(2, 3);
void ks_warning(struct ks_parser *p, const char *fmt, ...) _printf_(2, 3);
/* Dispatches one command line (args[0] is the command). */
void ks_dispatch(struct ks_parser *p, char **args);

/* ---- sections (ks-sections.c) ---- */
/* Adds one %packages line; a later line cancels earlier ones. */
void ks_packages_add_line(struct ks_parser *p, const char *line);
void ks_packages_header(struct ks_parser *p, char **args);
/* Parses a script header into a new script (NULL on errors). */
struct ks_script *ks_script_header(struct ks_parser *p, enum ks_script_kind kind, char **args);
void ks_addon_finish(struct ks_parser *p, struct ks_addon *a);
void ks_pkg_free(struct ks_pkg *pkg);
const struct ks_opt *ks_packages_opts(void);
const struct ks_opt *ks_script_opts(enum ks_script_kind kind);
void ks_script_free(struct ks_script *s);
void ks_addon_free(struct ks_addon *a);

/* ---- helpers ---- */
/* Orders d->v[start…] by file (in ks->files order) and line, stably: checks
 * run by topic, diagnostics read best in file order. */
void ks_diags_sort(const struct ks *ks, struct ks_diags *d, size_t start);
const char *ks_intern_file(struct ks *ks, const char *name);
int ks_table_lookup(const char *const *table, size_t n, const char *s);
#define KS_TABLE_LOOKUP(table, s) ks_table_lookup((table), ELEMENTSOF(table), (s))
extern const char *const ks_tri_table[_KS_TRI_MAX];
extern const char *const ks_bootproto_table[_KS_BOOTPROTO_MAX];
extern const char *const ks_selinux_table[_KS_SELINUX_MAX];
extern const char *const ks_firstboot_table[_KS_FIRSTBOOT_MAX];
extern const char *const ks_clearpart_table[_KS_CLEARPART_MAX];
extern const char *const ks_autopart_table[_KS_AUTOPART_MAX];
extern const char *const ks_bootloader_location_table[_KS_BOOTLOADER_MAX];
/* Appends "name = value" style dumps of a string (quoted) or list. */
void ks_dump_str(struct strbuf *out, const char *s);
void ks_dump_strv(struct strbuf *out, char *const *l);
/* Fetches an http(s)/ftp URL into out (ks-fetch.c). */
int ks_fetch_url(const char *url, struct strbuf *out, char **ret_err);
bool ks_is_url(const char *s);

/* ---- validation (ks-validate*.c) ---- */
struct ks_vctx {
	const struct ks *ks;
	struct ks_diags *d;
	bool strict;
	size_t errors;
};
void ks_verr(struct ks_vctx *v, const struct ks_loc *loc, const char *cmd, const char *fmt, ...) _printf_(4, 5);
void ks_vwarn(struct ks_vctx *v, const struct ks_loc *loc, const char *cmd, const char *fmt, ...) _printf_(4, 5);
void ks_validate_storage(struct ks_vctx *v);
/* A disk name as written ("sda", "/dev/sda") without "/dev/". */
const char *ks_disk_name(const char *s);
