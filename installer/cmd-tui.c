/* `slipway` on a terminal (or `slipway tui`): the text user interface fills
 * a kickstart; this installs it exactly as `slipway install -k` does — the
 * same parser, plan and pipeline — with the TUI as the progress sink. */
#include <fcntl.h>
#include <getopt.h>

#include "commands.h"
#include "finish.h"
#include "interrupt.h"
#include "kickstart/ks.h"
#include "pipeline.h"
#include "plan.h"
#include "run.h"
#include "scripts.h"
#include "size.h"
#include "ui/tui.h"

#define TUI_KS_NAME "slipway-tui.ks"

struct tui_cli {
	struct plan_target target;
	struct tui_opts ui;
	const char *log_path;
	char *save_default;
};

static void tui_usage(FILE *f)
{
	fputs("Usage: slipway [tui] [OPTIONS]\n"
	      "\n"
	      "The full-screen text user interface: answer the spokes of the summary, check\n"
	      "the plan, install. Started by `slipway` alone on a terminal.\n"
	      "\n"
	      "      --repo URL       preselect the installation source (file://, http(s)://)\n"
	      "      --image FILE     install into an image file instead of disks\n"
	      "      --size SIZE      size of a new image file (default 8G)\n"
	      "      --format FMT     image format after install: raw (default), vhd, qcow2\n"
	      "      --save-ks FILE   default path of \"Save kickstart\" (./slipway-ks.cfg)\n"
	      "      --log FILE       write the install log to FILE (default /var/tmp/...)\n"
	      "  -h, --help           show this help\n",
	      f);
}

static int parse_tui_args(int argc, char **argv, struct tui_cli *c)
{
	enum { OPT_REPO = 256, OPT_IMAGE, OPT_SIZE, OPT_FORMAT, OPT_SAVE, OPT_LOG };
	static const struct option longopts[] = {
		{ "repo", required_argument, NULL, OPT_REPO },	 { "image", required_argument, NULL, OPT_IMAGE },
		{ "size", required_argument, NULL, OPT_SIZE },	 { "format", required_argument, NULL, OPT_FORMAT },
		{ "save-ks", required_argument, NULL, OPT_SAVE }, { "log", required_argument, NULL, OPT_LOG },
		{ "help", no_argument, NULL, 'h' },		 {}
	};
	const char *size = NULL, *format = NULL;
	int opt, r;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_REPO: c->ui.source = optarg; break;
		case OPT_IMAGE: c->ui.image = optarg; break;
		case OPT_SIZE: size = optarg; break;
		case OPT_FORMAT: format = optarg; break;
		case OPT_SAVE: c->ui.save_ks = optarg; break;
		case OPT_LOG: c->log_path = optarg; break;
		case 'h': tui_usage(stdout); return 1;
		case ':': return log_error("tui: option %s needs a value", argv[optind - 1]), -EINVAL;
		default:
			return log_error("tui: unknown option %s (see slipway tui --help)", argv[optind - 1]),
			       -EINVAL;
		}
	}
	if (optind < argc)
		return log_error("tui: unexpected argument \"%s\"", argv[optind]), -EINVAL;
	if ((size || format) && !c->ui.image)
		return log_error("tui: --size and --format need --image"), -EINVAL;
	c->target.kind = c->ui.image ? TARGET_IMAGE : TARGET_DISKS;
	c->target.path = (char *)c->ui.image;
	c->target.image_size = 8ULL << 30;
	if (size && (size_parse(size, 1, &c->target.image_size) < 0 || c->target.image_size == 0))
		return log_error("tui: --size: not a size: \"%s\" (e.g. 4G, 8GiB)", size), -EINVAL;
	if (format) {
		if ((r = image_format_from_string(format)) < 0)
			return log_error("tui: --format: unknown format \"%s\" (raw, vhd, qcow2)", format), -EINVAL;
		c->target.format = (enum image_format)r;
	}
	if (!c->ui.save_ks) {
		_cleanup_free_ char *cwd = getcwd(NULL, 0);
		c->ui.save_ks = c->save_default = xasprintf("%s/slipway-ks.cfg", cwd ? cwd : "/root");
	}
	c->ui.sysfs = "/sys";
	return 0;
}

/* What the pipeline's hooks get. */
struct tui_run {
	struct tui *t;
	const char *log;
};

static enum inst_finish ask_finish(void *data, bool image)
{
	struct tui_run *run = data;

	switch (ui_tui_finish(run->t, image, run->log)) {
	case UI_TUI_FINISH_SHELL: return FINISH_SHELL;
	case UI_TUI_FINISH_REBOOT: return FINISH_REBOOT;
	case UI_TUI_FINISH_POWEROFF: return FINISH_POWEROFF;
	default: return FINISH_EXIT;
	}
}

static void suspend(void *data)
{
	ui_tui_suspend(((struct tui_run *)data)->t);
}

static void resume(void *data)
{
	ui_tui_resume(((struct tui_run *)data)->t);
}

/* After a failure: the installer's own shell to look at the log. */
static void installer_shell(struct tui *t, const char *log)
{
	ui_tui_suspend(t);
	fprintf(stderr, "\nslipway: a shell on the installer; the log is %s. Type \"exit\" to return.\n",
		strempty(log));
	_cleanup_free_ char *bash = run_find_program("bash");
	run_argv((char *const[]){ bash ? bash : (char *)"/bin/sh", "-i", NULL },
		 &(struct run_opts){ .inherit_stdio = true });
	ui_tui_resume(t);
}

/* One attempt: kickstart → plan → summary → pipeline. Returns an exit code
 * (with *finish set after a successful install), or -1 to go back to the hub. */
static int install_once(struct tui *t, struct tui_cli *c, const struct ks *ks, const char *workdir,
			enum inst_finish *finish)
{
	_cleanup_(inst_plan_freep) struct plan *plan = NULL;
	_cleanup_strbuf_ struct strbuf plan_text = STRBUF_INIT;
	int r;

	ui_tui_progress_begin(t, "Planning: reading the disks and the repository, solving");
	struct inst_plan_args pa = { .finish = FINISH_EXIT, .pre_ran = true };
	if ((r = inst_plan_new(ks, TUI_KS_NAME, &c->target, &pa, &plan)) < 0) {
		if (interrupt_signal())
			return 128 + interrupt_signal();
		ui_tui_plan_failed(t, c->log_path);
		return -1;
	}
	inst_plan_print(plan, false, &plan_text);
	/* In the log as the CLI prints it (the screen shows it on the summary). */
	inst_plan_log(strbuf_str(&plan_text), LVL_DEBUG, "plan: ");
	if (!ui_tui_summary(t, strbuf_str(&plan_text), ks->ignoredisk ? ks->ignoredisk->only_use : NULL))
		return -1;

	ui_tui_progress_begin(t, "Installing");
	struct tui_run run = { t, c->log_path };
	struct inst_run_opts ro = { .yes = true, /* confirmed on the summary */
				    .log = c->log_path, .workdir = workdir, .ask_finish = ask_finish,
				    .suspend = suspend, .resume = resume, .data = &run };
	r = inst_pipeline_run(plan, &ro);
	if (r >= 0) {
		*finish = plan->finish;
		return EXIT_DONE;
	}
	if (interrupt_signal())
		return 128 + interrupt_signal();
	for (;;) {
		enum ui_tui_failure f = ui_tui_failed(t, c->log_path);
		if (f == UI_TUI_FAIL_QUIT)
			return EXIT_FAILED;
		if (f == UI_TUI_FAIL_RETRY)
			return -1;
		installer_shell(t, c->log_path);
	}
}

static int start_tui(struct tui_cli *c, struct tui **ret)
{
	int r = ui_tui_new(&c->ui, ret);

	if (r == -ENOTTY)
		return log_error("the text user interface needs a terminal on stdin and stdout; use "
				 "\"slipway install -k KICKSTART\""),
		       r;
	if (r == -EINVAL)
		return log_error("TERM=%s: not a terminal type this system knows; set TERM (linux, vt100, "
				 "vt220, xterm)",
				 strempty(getenv("TERM"))),
		       r;
	return r;
}

int inst_cmd_tui(int argc, char **argv)
{
	struct tui_cli c = {};
	_cleanup_free_ char *log = NULL, *workdir = NULL;
	enum inst_finish finish = FINISH_EXIT;
	struct tui *t = NULL;
	int r;

	r = parse_tui_args(argc, argv, &c);
	/* --log is opened once the screen is up: check it can be before */
	if (r == 0 && c.log_path) {
		int fd = open(c.log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd < 0)
			r = (log_error_errno(-errno, "tui: --log %s: %m", c.log_path), -EINVAL);
		else
			close(fd);
	}
	if (r == 0 && (r = start_tui(&c, &t)) < 0)
		r = r == -ENOTTY || r == -EINVAL ? -EINVAL : -EIO;
	if (r != 0) {
		free(c.save_default);
		return r > 0 ? EXIT_DONE : r == -EINVAL ? EXIT_USAGE : EXIT_FAILED;
	}
	/* From here on messages go to the screen and the log, not stderr. */
	event_sinks_close();
	event_sink_add(ui_tui_progress_sink(t));
	if (c.log_path) {
		struct event_sink *f = event_sink_file_new(c.log_path, &r);
		if (f)
			event_sink_add(f);
	} else
		c.log_path = log = inst_default_log();
	r = EXIT_FAILED;
	if (inst_scripts_workdir_new(&workdir) >= 0 && inst_pipeline_prepare() >= 0)
		for (;;) {
			_cleanup_(ks_freep) struct ks *ks = NULL;
			if (ui_tui_hub(t, &ks) == UI_TUI_QUIT) {
				/* Ctrl-C, SIGTERM or a hang-up in the hub: nothing was written */
				r = interrupt_signal() ? 128 + interrupt_signal() : EXIT_DONE;
				break;
			}
			r = install_once(t, &c, ks, workdir, &finish);
			if (r >= 0)
				break;
		}
	inst_scripts_workdir_remove(workdir);
	/* The screen goes before anything is printed or the machine restarts;
	 * the TUI's sink goes with it. */
	event_sinks_close();
	ui_tui_free(t);
	if (c.log_path)
		fprintf(stderr, "slipway: %s; the log is in %s\n",
			r == EXIT_DONE ? "done" : "the installation did not finish", c.log_path);
	free(c.save_default);
	if (r == EXIT_DONE && inst_finish_power(finish) < 0)
		return EXIT_FAILED;
	return r;
}
