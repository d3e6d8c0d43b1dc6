/* Shared between the TUI's screens (ui/tui*.c); not an API. */
#pragma once

#include "partition/probe.h"
#include "payload/payload.h"
#include "tui-answers.h"
#include "tui-widgets.h"
#include "tui.h"

#define TUI_LOG_LINES 200

struct tui {
	struct tui_screen scr;
	struct tui_opts opts;
	struct tui_answers a;
	struct part_probe *probe; /* disk installs */
	struct payload_comps_entry *comps;
	size_t n_comps;
	char *comps_source; /* the source comps was read from */

	/* progress screen state (tui-progress.c) */
	char *progress_title;
	char *stages[24];
	int stage_state[24]; /* 0 running, 1 done, -1 failed */
	size_t n_stages;
	unsigned percent;
	char *current; /* the last progress message */
	uint64_t done, total;
	char *unit;
	char *log[TUI_LOG_LINES];
	size_t n_log, log_start;
	char *last_error;
};

/* tui-spokes.c */
int tui_spoke_source(struct tui *t);
void tui_spoke_locale(struct tui *t);
void tui_spoke_timezone(struct tui *t);
void tui_spoke_network(struct tui *t);
void tui_spoke_root(struct tui *t);
void tui_spoke_user(struct tui *t);
void tui_spoke_software(struct tui *t);
/* tui-storage.c */
void tui_spoke_destination(struct tui *t);
void tui_spoke_partitioning(struct tui *t);
/* Reads the comps of the current source (cached per source). */
int tui_load_comps(struct tui *t);
