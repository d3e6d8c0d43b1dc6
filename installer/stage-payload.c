/* The payload stage wired into `slipway install --root DIR`: options from the
 * CLI and environment, planning, then download, verification and the rpm
 * transaction in a private mount namespace. */
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "event.h"
#include "kickstart/ks.h"
#include "payload/payload.h"
#include "plan.h"
#include "stage-payload.h"
#include "teardown.h"

int inst_payload_plan(struct plan *plan, const struct inst_payload_args *a)
{
	_cleanup_free_ char *cachedir = NULL;
	const char *cache = getenv("SLIPWAY_CACHE"); /* as the fixture builders use it */
	struct payload_opts o = {.nogpgcheck = a->nogpgcheck, .gpgkeys = a->gpgkeys};
	int r;

	if (cache && *cache)
		o.cachedir = cachedir = xasprintf("%s/payload", cache);
	event_stage_begin("payload", "resolving packages");
	r = payload_plan_new(plan->ks, &o, &plan->payload);
	event_stage_end("payload", r);
	payload_opts_done(&o);
	return r;
}

void inst_payload_print(const struct plan *plan, bool verbose, struct strbuf *out)
{
	if (!plan->payload)
		return;
	strbuf_addch(out, '\n');
	payload_plan_print(plan->payload, verbose, out);
}

/* The bind mounts must never show up on the host, and die with us. */
static int private_mount_namespace(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return log_error_errno(errno, "cannot create a mount namespace: %m");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return log_error_errno(errno,
				       "cannot make / private in the new mount namespace: %m");
	return 0;
}

int inst_payload_apply(struct plan *plan)
{
	_cleanup_(teardown_freep) struct teardown *td = teardown_new();
	_cleanup_free_ char *root = NULL;
	int r;

	if (!plan->payload)
		return -EINVAL;
	event_stage_begin("download", "downloading and verifying packages");
	r = payload_download(plan->payload);
	event_stage_end("download", r);
	if (r < 0)
		return r;
	if (mkdir(plan->target.path, 0755) < 0 && errno != EEXIST)
		return log_error_errno(errno, "--root %s: %m", plan->target.path);
	if (!(root = realpath(plan->target.path, NULL)))
		return log_error_errno(errno, "--root %s: %m", plan->target.path);
	if ((r = private_mount_namespace()) < 0)
		return r;
	event_stage_begin("payload", "installing packages");
	r = payload_install(plan->payload, root, td);
	int t = teardown_run(td);
	event_stage_end("payload", r < 0 ? r : t);
	return r < 0 ? r : t;
}

void inst_payload_done(struct plan *plan)
{
	payload_plan_free(plan->payload);
	plan->payload = NULL;
}
