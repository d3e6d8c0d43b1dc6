/* `slipway install`: options, kickstart loading, the plan, and the stages.
 * Nothing is written before the plan is complete and shown. */
#include <getopt.h>

#include "bootargs.h"
#include "commands.h"
#include "inst-repo.h"
#include "ks-media.h"
#include "event.h"
#include "fs.h"
#include "finish.h"
#include "interrupt.h"
#include "kickstart/ks.h"
#include "pipeline.h"
#include "plan.h"
#include "scripts.h"
#include "size.h"
#include "strv.h"
#include "ui/progress.h"

struct install_opts {
	const char *ks_path;
	struct plan_target target;
	enum inst_finish finish;
	const char *progress;
	const char *log_path;
	bool dry_run, yes, strict, verbose, nogpgcheck;
	char **gpgkeys;
	char *root; /* --root DIR made absolute: it is ANA_INSTALL_PATH */
	char *ks_copy_dir; /* -k hd:…/cdrom:…: where the kickstart was copied */
	char *ks_copy;
	const struct inst_install_defaults *defaults;
};

static void install_usage(FILE *f)
{
	fputs("Usage: slipway install -k KICKSTART [OPTIONS]\n"
	      "\n"
	      "Installs the system a kickstart describes onto the disks it selects, into an\n"
	      "image file, or into a directory.\n"
	      "\n"
	      "  -k, --kickstart KS       the kickstart: a path, file:/path, http(s)://…,\n"
	      "                           hd:DEV:/path or cdrom[:DEV]:/path (as inst.ks=)\n"
	      "      --image FILE         install into an image file (created if missing)\n"
	      "      --size SIZE          size of a new image file (e.g. 4G, 8GiB)\n"
	      "      --format FMT         image format after install: raw (default), vhd, qcow2\n"
	      "      --root DIR           directory install: payload and system only\n"
	      "      --dry-run            print the plan and exit; writes nothing\n"
	      "      --yes                do not ask for confirmation before erasing disks\n"
	      "      --progress MODE      text (default), json (JSON lines on stdout), none\n"
	      "      --log FILE           also write the full log to FILE\n"
	      "      --finish ACTION      reboot, poweroff, halt, shell or exit (wins over the\n"
	      "                           kickstart's reboot, poweroff, halt, %addon finish)\n"
	      "      --strict             treat kickstart warnings as errors\n"
	      "      --nogpgcheck         do not check package signatures (any repo)\n"
	      "      --gpgkey URL         trust this key for every repo (repeatable); default:\n"
	      "                           the RPM-GPG-KEY-* files next to each repo's repodata/\n"
	      "  -v, --verbose            show debug messages\n"
	      "  -h, --help               show this help\n",
	      f);
}

static int parse_install_args(int argc, char **argv, struct install_opts *o)
{
	enum { OPT_IMAGE = 256, OPT_SIZE, OPT_FORMAT, OPT_ROOT, OPT_DRY_RUN, OPT_YES,
	       OPT_PROGRESS, OPT_LOG, OPT_FINISH, OPT_STRICT, OPT_NOGPGCHECK, OPT_GPGKEY };
	static const struct option longopts[] = {
		{ "kickstart", required_argument, NULL, 'k' },
		{ "image", required_argument, NULL, OPT_IMAGE },
		{ "size", required_argument, NULL, OPT_SIZE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "yes", no_argument, NULL, OPT_YES },
		{ "progress", required_argument, NULL, OPT_PROGRESS },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "finish", required_argument, NULL, OPT_FINISH },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "nogpgcheck", no_argument, NULL, OPT_NOGPGCHECK },
		{ "gpgkey", required_argument, NULL, OPT_GPGKEY },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *size = NULL, *format = NULL, *image = NULL, *root = NULL;
	int c, r;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': o->ks_path = optarg; break;
		case OPT_IMAGE: image = optarg; break;
		case OPT_SIZE: size = optarg; break;
		case OPT_FORMAT: format = optarg; break;
		case OPT_ROOT: root = optarg; break;
		case OPT_DRY_RUN: o->dry_run = true; break;
		case OPT_YES: o->yes = true; break;
		case OPT_PROGRESS: o->progress = optarg; break;
		case OPT_LOG: o->log_path = optarg; break;
		case OPT_STRICT: o->strict = true; break;
		case OPT_NOGPGCHECK: o->nogpgcheck = true; break;
		case OPT_GPGKEY:
			if (optarg[0] == '/')
				strv_pushf(&o->gpgkeys, "file://%s", optarg);
			else
				strv_push(&o->gpgkeys, optarg);
			break;
		case 'v': o->verbose = true; break;
		case OPT_FINISH:
			if ((r = inst_finish_from_string(optarg)) < 0)
				return log_error("install: --finish: unknown action \"%s\" "
						 "(reboot, poweroff, halt, shell, exit)", optarg), -EINVAL;
			o->finish = (enum inst_finish)r;
			break;
		case 'h': install_usage(stdout); return 1;
		case ':':
			return log_error("install: option %s needs a value", argv[optind - 1]), -EINVAL;
		default:
			return log_error("install: unknown option %s (see slipway install --help)",
					 argv[optind - 1]), -EINVAL;
		}
	}
	if (optind < argc)
		return log_error("install: unexpected argument \"%s\"", argv[optind]), -EINVAL;
	if (!o->ks_path)
		return log_error("install: a kickstart is required (-k FILE)"), -EINVAL;
	if (image && root)
		return log_error("install: --image and --root cannot be used together"), -EINVAL;
	if ((size || format) && !image)
		return log_error("install: --size and --format need --image"), -EINVAL;
	if (o->progress && !streq(o->progress, "text") && !streq(o->progress, "json") &&
	    !streq(o->progress, "none"))
		return log_error("install: --progress: unknown mode \"%s\" (text, json, none)",
				 o->progress), -EINVAL;
	o->target.kind = image ? TARGET_IMAGE : root ? TARGET_DIR : TARGET_DISKS;
	if (root) {
		_cleanup_free_ char *cwd = root[0] == '/' ? NULL : getcwd(NULL, 0);
		o->root = root[0] == '/' ? xstrdup(root) : xasprintf("%s/%s", strempty(cwd), root);
		for (size_t n = strlen(o->root); n > 1 && o->root[n - 1] == '/'; n--)
			o->root[n - 1] = '\0';
	}
	o->target.path = image ? (char *)image : o->root;
	if (format) {
		if ((r = image_format_from_string(format)) < 0)
			return log_error("install: --format: unknown format \"%s\" (raw, vhd, qcow2)",
					 format), -EINVAL;
		o->target.format = (enum image_format)r;
	}
	if (size) {
		if (size_parse(size, 1, &o->target.image_size) < 0 || o->target.image_size == 0)
			return log_error("install: --size: not a size: \"%s\" (e.g. 4G, 8GiB)", size),
			       -EINVAL;
	}
	return 0;
}

/* Replaces the startup sink with the ones --progress and --log ask for. */
static int setup_sinks(const struct install_opts *o)
{
	enum log_level lvl = o->verbose ? LVL_DEBUG : LVL_INFO;
	int r;

	event_sinks_close();
	if (!o->progress || streq(o->progress, "text"))
		event_sink_add(ui_sink_text_new(stderr, lvl));
	else {
		/* Errors must reach a human even when stdout is a pipeline. */
		event_sink_add(ui_sink_text_new(stderr, LVL_ERROR));
		if (streq(o->progress, "json"))
			event_sink_add(ui_sink_json_new(stdout, lvl));
	}
	if (o->log_path) {
		struct event_sink *f = event_sink_file_new(o->log_path, &r);
		if (!f)
			return log_error_errno(r, "install: --log %s: %m", o->log_path);
		event_sink_add(f);
	}
	return 0;
}

static void install_opts_done(struct install_opts *o)
{
	strv_free(o->gpgkeys);
	free(o->root);
	if (o->ks_copy_dir) {
		_cleanup_free_ char *f = xasprintf("%s/ks.cfg", o->ks_copy_dir);
		(void)unlink(f);
		(void)rmdir(o->ks_copy_dir);
		free(o->ks_copy_dir);
	}
	free(o->ks_copy);
}

/* -k in one of inst.ks='s forms: a kickstart on a device is copied to a
 * private directory first (0600: it may hold passwords); URLs and file:
 * are read by the kickstart loader itself. Returns 0 or an exit code. */
static int locate_ks(struct install_opts *o)
{
	struct inst_ks_loc l = {};
	_cleanup_free_ char *err = NULL;
	int r;

	if (!inst_ks_loc_is_url(o->ks_path) || access(o->ks_path, F_OK) == 0)
		return 0;
	if ((r = inst_ks_loc_parse(o->ks_path, &l, &err)) < 0)
		return log_error("install: -k %s: %s", o->ks_path, err), EXIT_USAGE;
	if (l.kind == INST_KS_HD || l.kind == INST_KS_CDROM) {
		_cleanup_free_ char *tmpl = NULL;
		if ((r = tmpdir_new("slipway-ks", &tmpl)) < 0) {
			inst_ks_loc_done(&l);
			return log_error_errno(r, "install: %s: %m", tmpl), EXIT_FAILED;
		}
		o->ks_copy_dir = xstrdup(tmpl);
		_cleanup_free_ char *copy = xasprintf("%s/ks.cfg", tmpl);
		r = inst_ks_fetch_device(&l, copy);
		inst_ks_loc_done(&l);
		if (r < 0)
			return EXIT_USAGE;
		o->ks_path = o->ks_copy = TAKE_PTR(copy);
		return 0;
	}
	inst_ks_loc_done(&l);
	return 0;
}

/* The plan goes to stdout for people (`--dry-run > plan.txt`); in JSON mode
 * each line is a log event of the "plan" stage so stdout stays JSON. */
static void print_plan(const struct plan *plan, bool verbose, bool json)
{
	struct strbuf text = STRBUF_INIT;

	inst_plan_print(plan, verbose, &text);
	event_stage_begin("plan", "the plan");
	if (json) {
		inst_plan_log(strbuf_str(&text), LVL_INFO, "");
	} else {
		fputs(strbuf_str(&text), stdout);
		fflush(stdout); /* before the stages' lines on stderr, also into a file */
	}
	event_stage_end("plan", 0);
	strbuf_release(&text);
}

static int plan_exit_code(int r)
{
	if (r == -EINVAL || r == -ENOENT || r == -EOPNOTSUPP)
		return EXIT_USAGE;
	if (r == -EBUSY || r == -ENODEV)
		return EXIT_REFUSED;
	return EXIT_FAILED;
}

/* Without --log the log still goes to a file: it is what a failed install
 * leaves behind, and what is copied into the target. */
char *inst_default_log(void)
{
	char tmpl[] = "/var/tmp/slipway-install-XXXXXX.log";
	int fd = mkstemps(tmpl, 4), r;

	if (fd < 0)
		return NULL;
	close(fd);
	struct event_sink *f = event_sink_file_new(tmpl, &r);
	if (!f)
		return NULL;
	event_sink_add(f);
	return xstrdup(tmpl);
}

/* Kickstart errors and warnings go to stderr as ksvalidator prints them,
 * and into the log (at debug level, so the console shows them once): a
 * failed unattended install leaves them in the log it copies to OEMDRV. */
static void show_diags(const struct ks_diags *d)
{
	_cleanup_strbuf_ struct strbuf text = STRBUF_INIT;

	ks_diags_print(d, stderr);
	ks_diags_format(d, &text);
	_cleanup_strv_free_ char **lines = strv_split(strbuf_str(&text), "\n");
	STRV_FOREACH (l, lines)
		log_debug("%s", *l);
}

/* Before %pre ran, a missing %include is a warning (%pre may write it, as in
 * Anaconda's first parse); after, an error. Diagnostics are the caller's. */
static int load_ks(const struct install_opts *o, bool before_pre, struct ks **ret, struct ks_diags *d)
{
	struct ks_load_opts lo = { .strict = o->strict, .allow_missing_include = before_pre };
	int r = ks_check_file(o->ks_path, &lo, ret, d);

	/* the errno alone, unless a diagnostic gave the reason (cannot read the kickstart: …) */
	if (r < 0 && r != -EINVAL && ks_diags_errors(d) == 0)
		log_error_errno(r, "%s: %m", o->ks_path);
	if (r >= 0 && o->defaults && o->defaults->repo && inst_repo_apply(o->defaults->repo, *ret) > 0 &&
	    !before_pre)
		log_info("%s: no installation source; using %s", o->ks_path, o->defaults->repo_what);
	return r;
}

static int load_ks_printed(const struct install_opts *o, bool before_pre, struct ks **ret)
{
	struct ks_diags d = {};
	int r = load_ks(o, before_pre, ret, &d);

	show_diags(&d);
	ks_diags_free(&d);
	return r;
}

/* What a real install keeps from its first %pre script on. */
struct install_run {
	char *log;     /* the default log, when there is no --log */
	char *workdir; /* the scripts' host directory */
	struct inst_scripts_ctx sc;
};

static void install_run_done(struct install_run *run)
{
	inst_scripts_workdir_remove(run->workdir);
	free(run->workdir);
	free(run->log);
}

/* Once the kickstart is known to be valid: the log (so that %pre's output
 * is in it), the scripts' directory, the namespace. */
static int start_run(struct install_opts *o, struct install_run *run)
{
	if (!o->log_path)
		o->log_path = run->log = inst_default_log();
	if (inst_scripts_workdir_new(&run->workdir) < 0 || inst_pipeline_prepare() < 0)
		return -EIO;
	run->sc = (struct inst_scripts_ctx){ .target = inst_pipeline_target(&o->target), .workdir = run->workdir };
	return 0;
}

/* %pre: in slipway's namespace, before the plan. Returns an exit code or -1 to go on. */
static int run_pre(const struct ks *ks, const struct inst_scripts_ctx *sc)
{
	int r;

	if (inst_scripts_count(ks, KS_SCRIPT_PRE) == 0)
		return -1;
	event_stage_begin("pre", "%pre scripts");
	r = inst_scripts_run(ks, KS_SCRIPT_PRE, sc);
	event_stage_end("pre", r);
	if (interrupt_signal())
		return log_error("interrupted by signal %d during %%pre", interrupt_signal()),
		       128 + interrupt_signal();
	if (r < 0) {
		inst_scripts_run_onerror(ks, sc);
		log_error("install failed in %%pre; nothing was written to the target");
		return EXIT_FAILED;
	}
	return -1;
}

/* The kickstart, with %pre run in between the two loads of a real install.
 * Returns an exit code, or -1 with *ret set. */
static int prepare_ks(struct install_opts *o, struct install_run *run, struct ks **ret)
{
	_cleanup_(ks_freep) struct ks *first = NULL;
	struct ks_diags d = {};
	int r;

	r = load_ks(o, true, &first, &d);
	bool has_pre = r >= 0 && inst_scripts_count(first, KS_SCRIPT_PRE) > 0;
	/* Shown when nothing else will show them: errors, or a dry run that
	 * keeps this first load (it runs no %pre). */
	if (r < 0 || (o->dry_run && has_pre))
		show_diags(&d);
	ks_diags_free(&d);
	if (r < 0)
		return EXIT_USAGE;
	if (inst_finish_check(inst_finish_requested(first, o->finish)) < 0)
		return EXIT_USAGE;
	if (o->dry_run && has_pre) {
		*ret = TAKE_PTR(first);
		return -1;
	}
	if (!o->dry_run) {
		if (start_run(o, run) < 0)
			return EXIT_FAILED;
		if ((r = run_pre(first, &run->sc)) >= 0)
			return r;
	}
	if (load_ks_printed(o, false, ret) < 0)
		return EXIT_USAGE;
	if (inst_finish_check(inst_finish_requested(*ret, o->finish)) < 0)
		return EXIT_USAGE;
	return -1;
}

int inst_cmd_install(int argc, char **argv)
{
	return inst_install_main(argc, argv, NULL);
}

int inst_install_main(int argc, char **argv, const struct inst_install_defaults *defaults)
{
	_cleanup_(install_opts_done) struct install_opts o = {};
	_cleanup_(ks_freep) struct ks *ks = NULL;
	_cleanup_(inst_plan_freep) struct plan *plan = NULL;
	_cleanup_(install_run_done) struct install_run run = {};
	int r;

	r = parse_install_args(argc, argv, &o);
	if (r != 0)
		return r > 0 ? EXIT_DONE : EXIT_USAGE;
	o.defaults = defaults;
	if ((r = setup_sinks(&o)) < 0)
		return EXIT_USAGE;
	if ((r = locate_ks(&o)) != 0)
		return r;
	if ((r = prepare_ks(&o, &run, &ks)) >= 0)
		return r;

	struct inst_plan_args pa = { .finish = o.finish, .pre_ran = !o.dry_run, .dry_run = o.dry_run,
				     .nogpgcheck = o.nogpgcheck,
				     .gpgkeys = o.gpgkeys, .mbr = defaults && defaults->mbr };
	r = inst_plan_new(ks, o.ks_path, &o.target, &pa, &plan);
	if (r < 0) {
		if (!o.dry_run && plan_exit_code(r) == EXIT_FAILED)
			inst_scripts_run_onerror(ks, &run.sc);
		return plan_exit_code(r);
	}
	print_plan(plan, o.verbose, o.progress && streq(o.progress, "json"));
	if (o.dry_run)
		return EXIT_DONE;

	struct inst_run_opts ro = { .yes = o.yes, .log = o.log_path, .workdir = run.workdir };
	r = inst_pipeline_run(plan, &ro);
	if (r == -ECANCELED)
		return EXIT_REFUSED;
	if (r < 0) {
		int sig = interrupt_signal();
		log_error("install failed%s%s", o.log_path ? "; the log is in " : "", strempty(o.log_path));
		return sig ? 128 + sig : EXIT_FAILED; /* 130 SIGINT, 143 SIGTERM, 129 SIGHUP */
	}
	if (plan->target.kind == TARGET_DIR)
		log_info("%s: installed", plan->target.path);
	else
		log_info("installed; the log is in %s", o.log_path);
	return inst_finish_power(plan->finish) < 0 ? EXIT_FAILED : EXIT_DONE;
}
