/* The payload stage as `slipway install` drives it (installer/stage-payload.c). */
#pragma once

#include <stdbool.h>

struct plan;

struct inst_payload_args {
	bool nogpgcheck; /* --nogpgcheck */
	char **gpgkeys;	 /* --gpgkey URL…: the keys trusted for every repo */
	bool verbose;	 /* -v: the package list in the printed plan */
};

/* Solves the transaction into plan->payload (reads repos, writes nothing). */
int inst_payload_plan(struct plan *plan, const struct inst_payload_args *a);
/* Appends the payload part of the plan text. */
void inst_payload_print(const struct plan *plan, bool verbose, struct strbuf *out);
/* Downloads, verifies, installs into plan->target.path (directory installs). */
int inst_payload_apply(struct plan *plan);
void inst_payload_done(struct plan *plan);
