/* Finish actions: --finish, %addon org_slipway and the kickstart's
 * reboot/poweroff/halt/shutdown resolved into one action; the shell inside
 * the new system; reboot, poweroff and halt of the machine. */
#include <ctype.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/reboot.h>
#include <sys/stat.h>

#include "event.h"
#include "finish.h"
#include "fs.h"
#include "kickstart/ks.h"
#include "run.h"
#include "strbuf.h"

static enum inst_finish from_addon(enum ks_slipway_finish f)
{
	switch (f) {
	case KS_SLIPWAY_FINISH_SHELL: return FINISH_SHELL;
	case KS_SLIPWAY_FINISH_REBOOT: return FINISH_REBOOT;
	case KS_SLIPWAY_FINISH_POWEROFF: return FINISH_POWEROFF;
	case KS_SLIPWAY_FINISH_EXIT: return FINISH_EXIT;
	default: return FINISH_DEFAULT;
	}
}

/* pykickstart: shutdown is poweroff; Anaconda runs `systemctl halt` for halt. */
static enum inst_finish from_command(enum ks_finish f)
{
	switch (f) {
	case KS_FINISH_REBOOT: return FINISH_REBOOT;
	case KS_FINISH_HALT: return FINISH_HALT;
	default: return FINISH_POWEROFF;
	}
}

enum inst_finish inst_finish_requested(const struct ks *ks, enum inst_finish cli)
{
	if (cli != FINISH_DEFAULT)
		return cli;
	if (ks->slipway.finish != KS_SLIPWAY_FINISH_UNSET)
		return from_addon(ks->slipway.finish);
	if (ks->finish)
		return from_command(ks->finish->action);
	return FINISH_EXIT;
}

/* Where the action was asked, for messages: "ks.cfg:12: reboot". */
static char *requested_where(const struct ks *ks, enum inst_finish cli)
{
	if (cli != FINISH_DEFAULT)
		return xasprintf("install: --finish %s", inst_finish_to_string(cli));
	if (ks->slipway.finish != KS_SLIPWAY_FINISH_UNSET)
		return xasprintf("%s:%u: %%addon org_slipway: finish %s", ks->slipway.loc.file, ks->slipway.loc.line,
				 ks_slipway_finish_to_string(ks->slipway.finish));
	return xasprintf("%s:%u: %s", ks->finish->loc.file, ks->finish->loc.line,
			 ks_finish_to_string(ks->finish->action));
}

static bool is_power(enum inst_finish f)
{
	return f == FINISH_REBOOT || f == FINISH_POWEROFF || f == FINISH_HALT;
}

enum inst_finish inst_finish_effective(const struct ks *ks, enum inst_target kind, enum inst_finish cli)
{
	enum inst_finish f = inst_finish_requested(ks, cli);

	if (!is_power(f))
		return f;
	_cleanup_free_ char *where = requested_where(ks, cli);
	if (kind != TARGET_DISKS) {
		log_warning("%s: ignored for %s installs: slipway never reboots or powers off the machine it "
			    "builds on; it exits when done", where, inst_target_to_string(kind));
		return FINISH_EXIT;
	}
	/* Only the kickstart command's own options matter once it is the one used. */
	bool from_ks = cli == FINISH_DEFAULT && ks->slipway.finish == KS_SLIPWAY_FINISH_UNSET;
	if (from_ks && ks->finish->kexec)
		log_warning("%s: --kexec is not supported by slipway: the machine reboots through its firmware",
			    where);
	if (from_ks && ks->finish->eject)
		log_warning("%s: --eject is not supported by slipway: the installation media stay in", where);
	return f;
}

int inst_finish_check(enum inst_finish f)
{
	if (f == FINISH_SHELL && !isatty(STDIN_FILENO))
		return log_error("install: finish shell needs a terminal on stdin (for the interactive shell "
				 "inside the new system); use --finish exit, or run slipway on a terminal; "
				 "nothing was written"), -EINVAL;
	return 0;
}

/* The new system's name for the prompt (\h would be the installer's). */
static char *target_hostname(const char *root)
{
	_cleanup_free_ char *path = xasprintf("%s/etc/hostname", root);
	struct strbuf text = STRBUF_INIT;
	size_t n = 0;

	if (strbuf_read_file(&text, path) >= 0 && text.buf)
		while (n < 64 && n < text.len && (isalnum((unsigned char)text.buf[n]) || strchr(".-_", text.buf[n])))
			n++;
	char *name = n > 0 ? xstrndup(text.buf, n) : xstrdup("localhost");
	strbuf_release(&text);
	return name;
}

/* The shell reads the root's own ~/.bashrc first, so aliases and the like
 * work, then the prompt is set last so that it cannot be overridden. */
static int write_rcfile(const char *root, const char *prompt, char **ret_host)
{
	_cleanup_free_ char *path = xasprintf("%s/tmp/slipway-shellrc-XXXXXX", root);
	_cleanup_free_ char *text = xasprintf("# the start-up file of slipway's finish shell\n"
					      "if [ -r \"$HOME/.bashrc\" ]; then . \"$HOME/.bashrc\"; fi\n"
					      "PS1='%s'\n",
					      prompt);
	_cleanup_close_ int fd = mkostemp(path, O_CLOEXEC);
	int r = fd < 0 ? -errno : fd_write_all(fd, text, strlen(text));

	if (r < 0) {
		if (fd >= 0)
			unlink(path);
		return log_error_errno(r, "finish: cannot write %s: %m", path);
	}
	*ret_host = TAKE_PTR(path);
	return 0;
}

static const char *target_shell(const char *root)
{
	static const char *const shells[] = { "/usr/bin/bash", "/bin/bash" };

	for (size_t i = 0; i < ELEMENTSOF(shells); i++) {
		_cleanup_free_ char *p = xasprintf("%s%s", root, shells[i]);
		if (access(p, X_OK) == 0)
			return shells[i];
	}
	return NULL;
}

static int run_shell(const char *root, const char *host)
{
	_cleanup_free_ char *prompt = xasprintf("[\\u@%s \\W] (slipway chroot)\\$ ", host);
	_cleanup_free_ char *rc_host = NULL, *ps1 = xasprintf("PS1=%s", prompt);
	const char *bash = target_shell(root);
	char *env[] = { ps1, NULL };
	int r;

	if (!bash) {
		log_warning("finish: the new system has no bash; starting /bin/sh");
		return run_argv((char *const[]){ "/bin/sh", "-i", NULL },
				&(struct run_opts){ .root = root, .env = env, .inherit_stdio = true });
	}
	_cleanup_free_ char *tmp = xasprintf("%s/tmp", root);
	if (mkdir(tmp, 0755) == 0)
		chmod(tmp, 01777);
	if ((r = write_rcfile(root, prompt, &rc_host)) < 0)
		return r;
	r = run_argv((char *const[]){ (char *)bash, "--rcfile", rc_host + strlen(root), "-i", NULL },
		     &(struct run_opts){ .root = root, .env = env, .inherit_stdio = true });
	unlink(rc_host);
	return r;
}

int inst_finish_shell(const char *root, struct teardown *td)
{
	_cleanup_free_ char *host = target_hostname(root);
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	size_t n_bound = 0;
	int r;

	if ((r = mount_api_filesystems(root, td, &n_bound)) < 0)
		return r;
	log_info("finish: a shell inside the new system (%s, at %s); type \"exit\" to finish: the "
		 "filesystems are unmounted after it", host, root);
	/* Ctrl-C belongs to the shell; it must not stop slipway. */
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old);
	r = run_shell(root, host);
	sigaction(SIGINT, &old, NULL);
	if (r < 0)
		return log_error_errno(r, "finish: cannot start a shell in %s: %m", root);
	log_info("finish: the shell exited with status %d", r);
	return umount_api_filesystems(root, td, n_bound);
}

int inst_finish_power(enum inst_finish f)
{
	static const int cmds[_FINISH_MAX] = {
		[FINISH_REBOOT] = RB_AUTOBOOT,
		[FINISH_POWEROFF] = RB_POWER_OFF,
		[FINISH_HALT] = RB_HALT_SYSTEM,
	};
	const char *verb = inst_finish_to_string(f);

	if (!is_power(f))
		return 0;
	/* reboot(2) does not return: what stdio still holds (the plan on a
	 * pipe) would be lost. */
	fflush(NULL);
	sync();
	/* systemd stops the services and unmounts the rest in order. */
	if (access("/run/systemd/system", F_OK) == 0) {
		log_info("finish: systemctl %s", verb);
		int r = run_checked((char *const[]){ "systemctl", "--no-wall", (char *)verb, NULL },
				    &(struct run_opts){ .quiet = true });
		if (r == 0)
			return 0;
		log_warning("finish: systemctl %s failed; calling reboot(2) directly", verb);
	}
	/* Any other init (the installer media's busybox, vm-run's /init): their
	 * shutdown signals differ and nothing of the install is left to stop,
	 * so the kernel is asked directly once everything is on disk. */
	log_info("finish: %s (reboot(2): PID 1 is not systemd)", verb);
	fflush(NULL);
	sync();
	if (reboot(cmds[f]) < 0)
		return log_error_errno(errno, "finish: cannot %s: %m", verb);
	return 0;
}
