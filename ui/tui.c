/* The TUI's hub (Anaconda's hub and spokes), the summary with the exact plan
 * and the erase confirmation, and "Save kickstart". */
#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "fs.h"
#include "kickstart/ks.h"
#include "strv.h"
#include "tui-internal.h"

static const char hub_help[] =
	"This is the installation summary. Each line is a spoke: choose it with\n"
	"Up/Down and Enter to change its answer. Lines in red still need an answer;\n"
	"\"Begin installation\" is possible once none is left.\n"
	"\n"
	"Nothing is written to any disk before you begin the installation and confirm\n"
	"the plan; Esc or \"Quit\" leaves without touching anything.\n"
	"\n"
	"\"Save kickstart\" writes the answers as a kickstart file (passwords and\n"
	"passphrases replaced, password hashes kept) for unattended installs:\n"
	"slipway install -k FILE. The same file is saved in the new system as\n"
	"/root/slipway-ks.cfg.\n"
	"\n"
	"Keys: Up/Down move, Enter opens, Esc goes back, F1 shows the help of the\n"
	"screen you are on. Every screen works with the keyboard only.";

int ui_tui_new(const struct tui_opts *o, struct tui **ret)
{
	struct tui *t = xnew0(struct tui, 1);
	int r;

	t->opts = *o;
	tui_answers_init(&t->a);
	t->a.image = o->image != NULL;
	t->a.source = o->source ? xstrdup(o->source) : NULL;
	if (!t->a.image && (r = part_probe_disks(o->sysfs ? o->sysfs : "/sys", &t->probe)) < 0) {
		tui_answers_done(&t->a);
		free(t);
		return log_error_errno(r, "tui: cannot probe the disks: %m");
	}
	if ((r = tui_screen_open(&t->scr)) < 0) {
		part_probe_free(t->probe);
		tui_answers_done(&t->a);
		free(t);
		return r;
	}
	*ret = t;
	return 0;
}

void ui_tui_free(struct tui *t)
{
	if (!t)
		return;
	tui_screen_close(&t->scr);
	tui_answers_done(&t->a);
	part_probe_free(t->probe);
	payload_comps_list_free(t->comps, t->n_comps);
	free(t->comps_source);
	free(t->progress_title);
	for (size_t i = 0; i < t->n_stages; i++)
		free(t->stages[i]);
	free(t->current);
	free(t->unit);
	for (size_t i = 0; i < TUI_LOG_LINES; i++)
		free(t->log[i]);
	free(t->last_error);
	free(t);
}

void ui_tui_message(struct tui *t, const char *title, const char *text)
{
	const char *const ok[] = { "OK", NULL };

	tui_pager(&t->scr, title, NULL, text, NULL, ok);
}

void ui_tui_suspend(struct tui *t)
{
	tui_screen_suspend(&t->scr);
}

void ui_tui_resume(struct tui *t)
{
	tui_screen_resume(&t->scr);
}

/* The answers as a parsed, valid kickstart: the same path as -k FILE. */
static int answers_ks(struct tui *t, struct ks **ret, struct strbuf *errors)
{
	struct strbuf text = STRBUF_INIT;
	struct ks_diags d = {};
	struct ks_load_opts lo = {};
	int r;

	tui_answers_to_ks(&t->a, &text);
	r = ks_load_string("slipway-tui.ks", strbuf_str(&text), &lo, ret, &d);
	if (r >= 0 && (r = ks_validate(*ret, &lo, &d)) < 0) {
		ks_free(*ret);
		*ret = NULL;
	}
	if (r < 0 && errors)
		ks_diags_format(&d, errors);
	ks_diags_free(&d);
	explicit_wipe(text.buf, text.len);
	strbuf_release(&text);
	return r;
}

int ui_tui_save_ks(struct tui *t, const char *path)
{
	_cleanup_(ks_freep) struct ks *ks = NULL;
	struct strbuf text = STRBUF_INIT;
	int r;

	if ((r = answers_ks(t, &ks, NULL)) < 0)
		return r;
	ks_write(ks, KS_WRITE_REDACT, &text);
	r = file_write(path, text.buf, text.len, 0600);
	strbuf_release(&text);
	return r;
}

static void save_dialog(struct tui *t)
{
	char path[512];
	_cleanup_free_ char *msg = NULL;
	int r;

	snprintf(path, sizeof(path), "%s", t->opts.save_ks ? t->opts.save_ks : "/root/slipway-ks.cfg");
	if (tui_ask(&t->scr, "Save kickstart",
		    "Write the answers as a kickstart file (secrets replaced by [redacted], password "
		    "hashes kept). Path:",
		    path, sizeof(path), false) < 0)
		return;
	r = ui_tui_save_ks(t, path);
	msg = r < 0 ? xasprintf("Cannot write %s: %s", path, strerror(-r))
		    : xasprintf("The kickstart was written to %s.", path);
	ui_tui_message(t, "Save kickstart", msg);
}

static void open_spoke(struct tui *t, enum tui_spoke s)
{
	switch (s) {
	case TUI_SPOKE_SOURCE: tui_spoke_source(t); break;
	case TUI_SPOKE_LOCALE: tui_spoke_locale(t); break;
	case TUI_SPOKE_TIMEZONE: tui_spoke_timezone(t); break;
	case TUI_SPOKE_DESTINATION: tui_spoke_destination(t); break;
	case TUI_SPOKE_PARTITIONING: tui_spoke_partitioning(t); break;
	case TUI_SPOKE_NETWORK: tui_spoke_network(t); break;
	case TUI_SPOKE_ROOT: tui_spoke_root(t); break;
	case TUI_SPOKE_USER: tui_spoke_user(t); break;
	case TUI_SPOKE_SOFTWARE: tui_spoke_software(t); break;
	default: break;
	}
}

static bool confirm_quit(struct tui *t)
{
	const char *const b[] = { "Stay", "Quit", NULL };

	return tui_dialog(&t->scr, "Quit",
			  "Quit the installer? Nothing was written to any disk.", b) == 1;
}

enum { HUB_BEGIN = _TUI_SPOKE_MAX, HUB_SAVE, HUB_QUIT, HUB_N };

int ui_tui_hub(struct tui *t, struct ks **ret)
{
	size_t cursor = 0;

	for (;;) {
		struct tui_item items[HUB_N] = {};
		char *status[_TUI_SPOKE_MAX];
		size_t missing = 0;

		for (int i = 0; i < _TUI_SPOKE_MAX; i++) {
			status[i] = tui_spoke_status(&t->a, i);
			items[i] = (struct tui_item){ .label = tui_spoke_title(i), .detail = status[i],
						      .alert = tui_spoke_missing(&t->a, i) != NULL };
			missing += items[i].alert;
		}
		items[HUB_BEGIN] = (struct tui_item){ .label = "> Begin installation",
						      .detail = missing ? "answer the lines in red first" : NULL };
		items[HUB_SAVE] = (struct tui_item){ .label = "> Save kickstart..." };
		items[HUB_QUIT] = (struct tui_item){ .label = "> Quit" };
		_cleanup_free_ char *intro = t->a.image ? xasprintf("Installing into the image file %s. Choose a "
								    "line to change its answer.", t->opts.image)
							: xstrdup("Choose a line to change its answer.");
		int c = tui_list(&t->scr, "Installation summary", hub_help, intro, items, HUB_N, 0, &cursor);
		for (int i = 0; i < _TUI_SPOKE_MAX; i++)
			free(status[i]);
		if (t->scr.gone)
			return UI_TUI_QUIT;
		if (c == TUI_BACK || c == HUB_QUIT) {
			if (confirm_quit(t))
				return UI_TUI_QUIT;
			continue;
		}
		if (c == HUB_SAVE) {
			save_dialog(t);
			continue;
		}
		if (c == HUB_BEGIN) {
			if (missing) {
				t->scr.status = "Some spokes still need an answer (the lines in red).";
				continue;
			}
			_cleanup_strbuf_ struct strbuf errors = STRBUF_INIT;
			if (answers_ks(t, ret, &errors) < 0) {
				ui_tui_message(t, "The answers are not a valid kickstart", strbuf_str(&errors));
				continue;
			}
			return UI_TUI_BEGIN;
		}
		if (c >= 0 && c < _TUI_SPOKE_MAX)
			open_spoke(t, c);
	}
}

/* --- summary --- */

/* The plan's lines about what is written over (partition/plan-print.c):
 * a disk written, its new table, what is DESTROYED on it. */
static bool erase_line(const char *line, size_t len)
{
	_cleanup_free_ char *l = xstrndup(line, len);

	return startswith(l, "disk /dev/") || strstr(l, "DESTROYED") || strstr(l, "new gpt table") ||
	       strstr(l, "new msdos table");
}

static const char summary_help[] =
	"This is the plan, exactly as \"slipway install --dry-run\" prints it for the\n"
	"same kickstart: the disks and what is erased on them (in red), the\n"
	"partitions, filesystems and encryption, the packages, and the system\n"
	"settings. \"Install\" runs it; nothing is written before. \"Back\" returns to\n"
	"the summary to change an answer.";

/* A disk that holds a partition table or a filesystem. */
static bool disk_has_data(struct tui *t, const char *name)
{
	const struct part_probe_disk *d = t->probe ? part_probe_find(t->probe, name) : NULL;

	return d && (d->pttype || d->n_parts > 0 || d->fs.fstype);
}

bool ui_tui_summary(struct tui *t, const char *plan_text, char *const *erase)
{
	const char *const buttons[] = { "Install", "Back", NULL };

	/* What will happen to the disks first; the kickstart's intent (long)
	 * after everything else. */
	_cleanup_strbuf_ struct strbuf text = STRBUF_INIT;
	const char *intent = strstr(plan_text, "\nintent (from the kickstart):\n");
	if (intent) {
		const char *end = strstr(intent + 1, "\n\n");
		end = end ? end + 2 : intent + strlen(intent);
		strbuf_add(&text, plan_text, (size_t)(intent - plan_text) + 1);
		strbuf_adds(&text, end);
		strbuf_adds(&text, "\n");
		strbuf_add(&text, intent + 1, (size_t)(end - intent - 1));
	} else
		strbuf_adds(&text, plan_text);
	if (tui_pager(&t->scr, "Summary: the plan", summary_help, strbuf_str(&text), erase_line, buttons) != 0 ||
	    t->scr.gone)
		return false;
	for (char *const *d = erase; d && *d; d++) {
		if (!disk_has_data(t, *d))
			continue;
		char typed[64] = "";
		_cleanup_free_ char *q = xasprintf(
			"%s holds data (partitions or a filesystem); all of it will be erased. Type the "
			"disk's name (%s) to confirm, or press Esc to go back:",
			*d, *d);
		for (;;) {
			if (tui_ask(&t->scr, "Confirm erasing a disk", q, typed, sizeof(typed), false) < 0 || t->scr.gone)
				return false;
			const char *name = startswith(typed, "/dev/") ? typed + 5 : typed;
			if (streq(name, *d))
				break;
			t->scr.status = "That is not the disk's name; nothing was erased.";
			typed[0] = '\0';
		}
	}
	return true;
}
