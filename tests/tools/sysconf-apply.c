/* Driver of the system stage for tests/integration/test-sysconf.sh: loads a
 * kickstart and runs sysconf_apply() against a target directory.
 * Usage: sysconf-apply KS ROOT [--image] [--serial TTY] [--no-sbom]
 * Exit: 0, 1 failed, 2 kickstart error or usage — the CLI's codes. */
#include <stdio.h>

#include "event.h"
#include "kickstart/ks.h"
#include "system/sysconf.h"

static void stderr_emit(struct event_sink *s, const struct event *e)
{
	if (e->kind == EV_LOG)
		fprintf(stderr, "%s: %s\n", log_level_to_string(e->level), e->msg);
}
static struct event_sink stderr_sink = {.emit = stderr_emit, .max_level = LVL_DEBUG};

int main(int argc, char **argv)
{
	_cleanup_(ks_freep) struct ks *ks = NULL;
	struct sysconf_opts o = {};
	struct ks_diags d = {};
	int r;

	if (argc < 3) {
		fprintf(stderr, "usage: %s KS ROOT [--image] [--serial TTY] [--no-sbom]\n",
			argv[0]);
		return 2;
	}
	for (int i = 3; i < argc; i++) {
		if (streq(argv[i], "--image"))
			o.image = true;
		else if (streq(argv[i], "--serial") && i + 1 < argc)
			o.serial_console = argv[++i];
		else if (streq(argv[i], "--no-sbom"))
			o.no_sbom = true;
		else {
			fprintf(stderr, "%s: unknown argument %s\n", argv[0], argv[i]);
			return 2;
		}
	}
	event_sink_add(&stderr_sink);
	r = ks_check_file(argv[1], &(struct ks_load_opts){}, &ks, &d);
	ks_diags_print(&d, stderr);
	ks_diags_free(&d);
	if (r < 0)
		return 2;
	r = sysconf_apply(ks, argv[2], &o);
	secrets_forget();
	return r < 0 ? 1 : 0;
}
