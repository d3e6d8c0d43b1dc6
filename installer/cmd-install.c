/* `slipway install`: options, kickstart loading, the plan, and the stages.
 * Nothing is written before the plan is complete and shown. */
#include <getopt.h>

#include "commands.h"
#include "event.h"
#include "kickstart/ks.h"
#include "plan.h"
#include "size.h"
#include "strv.h"
#include "pipeline.h"
#include <signal.h>
#include "ui/progress.h"

struct install_opts {
	const char *ks_path;
	struct plan_target target;
	enum inst_finish finish;
	const char *progress;
	const char *log_path;
	bool dry_run, yes, strict, verbose, nogpgcheck;
	char **gpgkeys;
};

static void install_usage(FILE *f)
{
	fputs("Usage: slipway install -k KICKSTART [OPTIONS]\n"
	      "\n"
	      "Installs the system a kickstart describes onto the disks it selects, into an\n"
	      "image file, or into a directory.\n"
	      "\n"
	      "  -k, --kickstart FILE     the kickstart (path)\n"
	      "      --image FILE         install into an image file (created if missing)\n"
	      "      --size SIZE          size of a new image file (e.g. 4G, 8GiB)\n"
	      "      --format FMT         image format after install: raw (default), vhd, qcow2\n"
	      "      --root DIR           directory install: payload and system only\n"
	      "      --dry-run            print the plan and exit; writes nothing\n"
	      "      --yes                do not ask for confirmation before erasing disks\n"
	      "      --progress MODE      text (default), json (JSON lines on stdout), none\n"
	      "      --log FILE           also write the full log to FILE\n"
	      "      --finish ACTION      reboot, poweroff, halt, shell or exit\n"
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
	o->target.path = (char *)(image ? image : root);
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
}

/* The plan goes to stdout for people (`--dry-run > plan.txt`); in JSON mode
 * each line is a log event of the "plan" stage so stdout stays JSON. */
static void print_plan(const struct plan *plan, bool verbose, bool json)
{
	struct strbuf text = STRBUF_INIT;

	inst_plan_print(plan, verbose, &text);
	event_stage_begin("plan", "the plan");
	if (json) {
		for (const char *l = strbuf_str(&text); *l;) {
			const char *nl = strchrnul(l, '\n');
			log_info("%.*s", (int)(nl - l), l);
			l = *nl ? nl + 1 : nl;
		}
	} else
		fputs(strbuf_str(&text), stdout);
	event_stage_end("plan", 0);
	strbuf_release(&text);
}

/* What the kickstart or the command line asks for and slipway cannot do yet
 * stops the install before anything is written, never silently skipped. */
static int refuse_unimplemented(const struct install_opts *o, const struct ks *ks)
{
	if (ks->script.n > 0)
		return log_error("%s:%u: kickstart scripts (%%pre, %%post, %%onerror…) are not run by "
				 "this version of slipway yet; nothing was written",
				 ks->script.v[0]->loc.file, ks->script.v[0]->loc.line), -EOPNOTSUPP;
	if (o->finish != FINISH_DEFAULT && o->finish != FINISH_EXIT)
		return log_error("install: --finish %s is not implemented yet; nothing was written",
				 inst_finish_to_string(o->finish)), -EOPNOTSUPP;
	if (ks->slipway.finish == KS_SLIPWAY_FINISH_SHELL)
		return log_error("%s:%u: %%addon org_slipway: finish shell is not implemented yet; "
				 "nothing was written", ks->slipway.loc.file, ks->slipway.loc.line), -EOPNOTSUPP;
	if (ks->finish)
		log_warning("%s:%u: %s: finish actions are not implemented yet; slipway exits when done",
			    ks->finish->loc.file, ks->finish->loc.line, ks_finish_to_string(ks->finish->action));
	return 0;
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
static char *default_log(void)
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

int inst_cmd_install(int argc, char **argv)
{
	_cleanup_(install_opts_done) struct install_opts o = {};
	_cleanup_(ks_freep) struct ks *ks = NULL;
	_cleanup_(inst_plan_freep) struct plan *plan = NULL;
	_cleanup_free_ char *log = NULL;
	struct ks_diags diags = {};
	int r;

	r = parse_install_args(argc, argv, &o);
	if (r != 0)
		return r > 0 ? EXIT_DONE : EXIT_USAGE;
	if ((r = setup_sinks(&o)) < 0)
		return EXIT_USAGE;

	struct ks_load_opts lo = { .strict = o.strict };
	r = ks_check_file(o.ks_path, &lo, &ks, &diags);
	ks_diags_print(&diags, stderr);
	ks_diags_free(&diags);
	if (r == -EINVAL)
		return EXIT_USAGE;
	if (r < 0)
		return log_error_errno(r, "%s: %m", o.ks_path), EXIT_USAGE;

	struct inst_plan_args pa = { .finish = o.finish, .nogpgcheck = o.nogpgcheck, .gpgkeys = o.gpgkeys };
	r = inst_plan_new(ks, o.ks_path, &o.target, &pa, &plan);
	if (r < 0)
		return plan_exit_code(r);
	print_plan(plan, o.verbose, o.progress && streq(o.progress, "json"));
	if (o.dry_run)
		return EXIT_DONE;
	if ((r = refuse_unimplemented(&o, ks)) < 0)
		return EXIT_FAILED;

	if (!o.log_path)
		o.log_path = log = default_log();
	struct inst_run_opts ro = { .yes = o.yes, .log = o.log_path };
	r = inst_pipeline_run(plan, &ro);
	if (r == -ECANCELED)
		return EXIT_REFUSED;
	if (r < 0) {
		int sig = inst_pipeline_signal();
		log_error("install failed%s%s", o.log_path ? "; the log is in " : "", strempty(o.log_path));
		return sig ? 128 + sig : EXIT_FAILED; /* 130 SIGINT, 143 SIGTERM, 129 SIGHUP */
	}
	if (plan->target.kind == TARGET_DIR)
		log_info("%s: installed", plan->target.path);
	else
		log_info("installed; the log is in %s", o.log_path);
	return EXIT_DONE;
}
