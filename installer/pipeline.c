/* The stage runner: download, storage, %pre-install, payload, configuration,
 * boot loader, %post, logs, the finish shell, image conversion; %onerror on
 * failure. Runs in a private mount namespace so the target's mounts are
 * invisible to the host and die with the process; teardown always runs. */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "bootloader/boot.h"
#include "event.h"
#include "finish.h"
#include "fs.h"
#include "interrupt.h"
#include "kickstart/ks.h"
#include "partition/part.h"
#include "payload/payload.h"
#include "pipeline.h"
#include "plan.h"
#include "scripts.h"
#include "strbuf.h"
#include "system/sysconf.h"
#include "teardown.h"
#include "fault.h"

static int check_signal(const char *before)
{
	fault_signal(before);
	if (!interrupt_signal())
		return 0;
	log_error("interrupted by signal %d before %s; cleaning up", interrupt_signal(), before);
	return -EINTR;
}

int inst_pipeline_prepare(void)
{
	interrupt_catch();
	if (unshare(CLONE_NEWNS) < 0)
		return log_error_errno(errno, "cannot create a mount namespace: %m");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return log_error_errno(errno, "cannot make / private in the mount namespace: %m");
	return 0;
}

const char *inst_pipeline_target(const struct plan_target *t)
{
	return t->kind == TARGET_DIR ? t->path : INST_SYSROOT;
}

static int confirm_disks(const struct plan *p, const struct inst_run_opts *o)
{
	if (p->target.kind != TARGET_DISKS || o->yes)
		return 0;
	if (!isatty(STDIN_FILENO))
		return log_error("storage: refusing to erase disks without confirmation: pass --yes "
				 "(no terminal to ask on)"), -ECANCELED;
	fputs("The disks above will be erased. Type \"yes\" to go on: ", stderr);
	char answer[16] = "";
	if (!fgets(answer, sizeof(answer), stdin) || !streq(answer, "yes\n"))
		return log_error("storage: not confirmed; nothing was written"), -ECANCELED;
	return 0;
}

static int write_file_in(const char *root, const char *rel, const char *text, mode_t mode)
{
	_cleanup_free_ char *path = xasprintf("%s%s", root, rel);
	int r;

	if (fault_inject("write") < 0)
		return log_error_errno(EIO, "cannot write %s: %m", path);
	r = file_write(path, text, strlen(text), mode);
	return r < 0 ? log_error_errno(r, "cannot write %s: %m", path) : 0;
}

/* /var/log/slipway in the target: the plan, the redacted kickstart (0600)
 * and, at the very end, the install log. */
static int write_logs(const struct plan *p, const struct inst_scripts_ctx *sc)
{
	const char *root = sc->target;
	_cleanup_free_ char *dir = xasprintf("%s/var/log/slipway", root);
	struct strbuf text = STRBUF_INIT;
	int r;

	if ((r = mkdir_p(dir, 0700)) < 0)
		return log_error_errno(r, "cannot create %s: %m", dir);
	inst_plan_print(p, true, &text);
	r = write_file_in(root, "/var/log/slipway/plan.txt", strbuf_str(&text), 0600);
	strbuf_reset(&text);
	ks_write(p->ks, KS_WRITE_REDACT, &text);
	if (r >= 0)
		r = write_file_in(root, "/var/log/slipway/ks.cfg", strbuf_str(&text), 0600);
	/* Anaconda keeps the kickstart it used in /root too (when there is one:
	 * a minimal package set may not create it). */
	_cleanup_free_ char *home = xasprintf("%s/root", root);
	if (r >= 0 && access(home, F_OK) == 0)
		r = write_file_in(root, "/root/slipway-ks.cfg", strbuf_str(&text), 0600);
	strbuf_release(&text);
	if (r >= 0 && sc->workdir)
		r = inst_scripts_save_logs(sc);
	return r;
}

static int copy_install_log(const char *log, const char *root)
{
	struct strbuf text = STRBUF_INIT;
	int r;

	if (!log)
		return 0;
	r = strbuf_read_file(&text, log);
	if (r >= 0)
		r = write_file_in(root, "/var/log/slipway/install.log", strbuf_str(&text), 0600);
	strbuf_release(&text);
	return r;
}

#define STAGE(name, title, expr)                          \
	({                                                \
		int _r = check_signal(name);              \
		if (_r == 0) {                            \
			event_stage_begin(name, title);   \
			_r = (expr);                      \
			event_stage_end(name, _r);        \
		}                                         \
		_r;                                       \
	})

static int run_stages(struct plan *p, const struct inst_run_opts *o, struct teardown *td,
		      const struct inst_scripts_ctx *sc)
{
	const char *root = sc->target;
	bool image = p->target.kind == TARGET_IMAGE;
	int r;

	if ((r = STAGE("download", "downloading and verifying packages", payload_download(p->payload))) < 0)
		return r;
	if ((r = confirm_disks(p, o)) < 0)
		return r;
	if (p->storage) {
		struct part_apply_opts ao = { .stage_esp = image };
		if ((r = STAGE("storage", "partitions, encryption, filesystems",
			       part_apply(p->storage, root, td, &ao))) < 0)
			return r;
	} else if ((r = mkdir_p(root, 0755)) < 0)
		return log_error_errno(r, "--root %s: %m", root);
	if (inst_scripts_count(p->ks, KS_SCRIPT_PRE_INSTALL) > 0 &&
	    (r = STAGE("pre-install", "%pre-install scripts", inst_scripts_run(p->ks, KS_SCRIPT_PRE_INSTALL, sc))) < 0)
		return r;
	if ((r = STAGE("payload", "installing packages", payload_install(p->payload, root, td))) < 0)
		return r;
	if (p->storage && (r = STAGE("fstab", "fstab and crypttab", part_write_config(p->storage, root))) < 0)
		return r;
	_cleanup_free_ char *serial = sysconf_serial_console();
	/* Images get a getty on the first serial port: clouds and VMs log there. */
	struct sysconf_opts so = { .image = image, .serial_console = serial ? serial : image ? "ttyS0" : NULL };
	if ((r = STAGE("system", "system configuration", sysconf_apply(p->ks, root, &so))) < 0)
		return r;
	if (p->storage && (r = STAGE("bootloader", "initramfs and boot loader", boot_install(p, root, td))) < 0)
		return r;
	if (inst_scripts_count(p->ks, KS_SCRIPT_POST) > 0 &&
	    (r = STAGE("post", "%post scripts", inst_scripts_run(p->ks, KS_SCRIPT_POST, sc))) < 0)
		return r;
	if ((r = STAGE("logs", "logs in /var/log/slipway", write_logs(p, sc))) < 0)
		return r;
	/* Before the ESP is copied in: what the operator changes there lands too. */
	for (;;) {
		if (o->ask_finish)
			p->finish = o->ask_finish(o->data, image);
		if (p->finish != FINISH_SHELL)
			break;
		if (o->suspend)
			o->suspend(o->data);
		r = STAGE("shell", "a shell inside the new system", inst_finish_shell(root, td));
		if (o->resume)
			o->resume(o->data);
		if (r < 0)
			return r;
		if (!o->ask_finish)
			break;
	}
	if (p->storage && image && (r = STAGE("esp", "the EFI system partition", part_esp_finalize(p->storage))) < 0)
		return r;
	return copy_install_log(o->log, root);
}

/* Anaconda runs %onerror for any failure of the install; not when the
 * operator declined or interrupted it (their choice, not a failure). */
static void run_onerror(const struct plan *p, const struct inst_scripts_ctx *sc, int r)
{
	if (r == -ECANCELED || interrupt_signal() ||
	    inst_scripts_count(p->ks, KS_SCRIPT_ONERROR) + inst_scripts_count(p->ks, KS_SCRIPT_TRACEBACK) == 0)
		return;
	event_stage_begin("onerror", "%onerror scripts");
	inst_scripts_run_onerror(p->ks, sc);
	event_stage_end("onerror", 0);
}

int inst_pipeline_run(struct plan *p, const struct inst_run_opts *o)
{
	_cleanup_(teardown_freep) struct teardown *td = teardown_new();
	struct inst_scripts_ctx sc = { .target = inst_pipeline_target(&p->target), .workdir = o->workdir,
				       .td = td };
	int r, t;

	r = run_stages(p, o, td, &sc);
	if (r < 0)
		run_onerror(p, &sc, r);
	event_stage_begin("teardown", "unmounting and detaching");
	t = teardown_run(td);
	/* the installation source last: the payload read its packages there */
	if (p->source_td) {
		int ts = teardown_run(p->source_td);
		t = t < 0 ? t : ts;
	}
	event_stage_end("teardown", t);
	if (r >= 0)
		r = t;
	if (r >= 0 && p->target.kind == TARGET_IMAGE && p->target.format != IMAGE_RAW)
		r = STAGE("convert", "converting the image",
			  part_image_convert(p->target.path, p->target.format));
	if (r < 0 && interrupt_signal())
		r = -EINTR;
	return r;
}
