/* slipway's command line: global options, the subcommand table, exit codes.
 * The only file that calls exit(). */
#include <getopt.h>
#include <sys/prctl.h>

#include "commands.h"
#include "event.h"
#include "ui/progress.h"
#include "versions.h"

static int cmd_version(int argc, char **argv)
{
	printf("slipway %s\n", SLIPWAY_VERSION);
	inst_print_versions(stdout);
	return EXIT_DONE;
}

static int cmd_help(int argc, char **argv);

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "install", inst_cmd_install, "install from a kickstart (disk, image file or directory)" },
	{ "validate", inst_cmd_validate, "check kickstart files like ksvalidator" },
	{ "ks", inst_cmd_ks, "kickstart tools: flatten, dump, write" },
	{ "disks", inst_cmd_disks, "list the disks the installer sees" },
	{ "boot", inst_cmd_boot, "the installer media's entry point (reads the kernel command line)" },
	{ "tui", inst_cmd_tui, "the text user interface (the default on a terminal)" },
	{ "version", cmd_version, "print the version" },
	{ "help", cmd_help, "show this help" },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: slipway [COMMAND] [OPTIONS]\n"
		"\n"
		"Installs an RPM-based Linux system from a kickstart file or, with no\n"
		"command on a terminal, through a text user interface.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n"
		   "Run \"slipway COMMAND --help\" for the options of a command.\n"
		   "Exit codes: 0 done, 1 install failed, 2 usage or kickstart error,\n"
		   "3 refused for safety, 130/143 interrupted.\n");
}

static int cmd_help(int argc, char **argv)
{
	usage(stdout);
	return EXIT_DONE;
}

int main(int argc, char **argv)
{
	/* Messages go to stderr until a subcommand picks other sinks. */
	struct event_sink *text = ui_sink_text_new(stderr, LVL_INFO);
	int r;

	/* Kickstarts carry passwords and passphrases: no core dump of ours may
	 * hold them (children are dumpable again after execve). */
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	event_sink_add(text);
	if (argc < 2) {
		if (isatty(STDIN_FILENO))
			r = inst_cmd_tui(argc, argv);
		else {
			usage(stderr);
			r = EXIT_USAGE;
		}
		goto out;
	}
	if (streq(argv[1], "--help") || streq(argv[1], "-h")) {
		r = cmd_help(argc, argv);
		goto out;
	}
	if (streq(argv[1], "--version") || streq(argv[1], "-V")) {
		r = cmd_version(argc, argv);
		goto out;
	}
	for (size_t i = 0; i < ELEMENTSOF(commands); i++)
		if (streq(argv[1], commands[i].name)) {
			r = commands[i].run(argc - 1, argv + 1);
			goto out;
		}
	log_error("unknown command \"%s\" (see slipway --help)", argv[1]);
	r = EXIT_USAGE;
out:
	event_sinks_close();
	secrets_forget();
	return r;
}
