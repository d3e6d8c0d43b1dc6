/* The full-screen text user interface (issue 11): a hub of spokes that fill
 * the answers, the summary with the exact plan, the progress screen, and the
 * finish screen. It only produces a kickstart; installer/cmd-tui.c installs
 * it exactly as `slipway install -k` would. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "strbuf.h"

struct tui;

struct tui_opts {
	const char *image;   /* --image FILE: the destination is this image file */
	const char *source;  /* --repo URL: the preselected installation source */
	const char *sysfs;   /* "/sys" (tests may point elsewhere) */
	const char *save_ks; /* where "Save kickstart" writes by default */
};

/* Takes the terminal. -ENOTTY without one, -EINVAL for an unknown TERM. */
int ui_tui_new(const struct tui_opts *o, struct tui **ret);
void ui_tui_free(struct tui *t);

enum { UI_TUI_QUIT = 0, UI_TUI_BEGIN = 1 };
/* The hub until the operator begins the install (UI_TUI_BEGIN, with the
 * answers parsed and validated as a kickstart in *ret) or quits
 * (UI_TUI_QUIT, nothing written). */
struct ks;
int ui_tui_hub(struct tui *t, struct ks **ret);
/* A message the operator must acknowledge (kickstart or planning errors). */
void ui_tui_message(struct tui *t, const char *title, const char *text);
/* The plan as --dry-run prints it, lines about erased disks in red, then
 * for each disk in erase that holds data, its name typed to confirm.
 * Returns true to install, false to go back to the hub. */
bool ui_tui_summary(struct tui *t, const char *plan_text, char *const *erase);
/* The progress screen: a sink for every event while planning and installing;
 * ui_tui_progress_begin() clears it with a title. The sink is owned by the
 * event system once added (event_sinks_close() frees it). */
struct event_sink *ui_tui_progress_sink(struct tui *t);
void ui_tui_progress_begin(struct tui *t, const char *title);
/* Planning failed: its last error, nothing written. */
void ui_tui_plan_failed(struct tui *t, const char *log);
/* After a failed install: the error and the log path. */
enum ui_tui_failure { UI_TUI_FAIL_QUIT, UI_TUI_FAIL_RETRY, UI_TUI_FAIL_SHELL };
enum ui_tui_failure ui_tui_failed(struct tui *t, const char *log);
/* The finish screen. Image installs offer only the shell and "done". */
enum ui_tui_finish { UI_TUI_FINISH_EXIT, UI_TUI_FINISH_SHELL, UI_TUI_FINISH_REBOOT, UI_TUI_FINISH_POWEROFF };
enum ui_tui_finish ui_tui_finish(struct tui *t, bool image, const char *log);
/* Around the shell in the new system (or the installer's, after a failure). */
void ui_tui_suspend(struct tui *t);
void ui_tui_resume(struct tui *t);
/* Writes the answers' kickstart, redacted, to path (the target's copy is
 * the pipeline's). */
int ui_tui_save_ks(struct tui *t, const char *path);
