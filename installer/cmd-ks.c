/* `slipway validate` (like ksvalidator) and `slipway ks flatten|dump|write`:
 * the kickstart tools of the CLI (DESIGN.md §3). */
#include "commands.h"
#include "kickstart/ks.h"

static void validate_usage(FILE *f)
{
	fputs("Usage: slipway validate [--strict] KS...\n"
	      "\n"
	      "Checks kickstart files like ksvalidator: every problem is printed as\n"
	      "FILE:LINE: COMMAND: message on stderr, a file without errors as \"FILE: ok\".\n"
	      "\n"
	      "      --strict   treat warnings as errors (inst.ksstrict)\n"
	      "  -h, --help     show this help\n"
	      "\n"
	      "Exit status: 0 when every file is valid, 2 otherwise.\n",
	      f);
}

int inst_cmd_validate(int argc, char **argv)
{
	struct ks_load_opts o = {};
	int files = 0, bad = 0;

	for (int i = 1; i < argc; i++) {
		if (streq(argv[i], "-h") || streq(argv[i], "--help")) {
			validate_usage(stdout);
			return EXIT_DONE;
		}
		if (streq(argv[i], "--strict"))
			o.strict = true;
		else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "slipway: validate: unknown option %s\n", argv[i]);
			validate_usage(stderr);
			return EXIT_USAGE;
		}
	}
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1])
			continue;
		struct ks_diags d = {};
		int r = ks_check_file(argv[i], &o, NULL, &d);
		ks_diags_print(&d, stderr);
		ks_diags_free(&d);
		files++;
		if (r < 0)
			bad++;
		else
			printf("%s: ok\n", argv[i]);
	}
	if (files == 0) {
		fputs("slipway: validate: no kickstart file given\n", stderr);
		validate_usage(stderr);
		return EXIT_USAGE;
	}
	fflush(stdout);
	return bad ? EXIT_USAGE : EXIT_DONE;
}

static void ks_usage(FILE *f)
{
	fputs("Usage: slipway ks flatten [-o OUT] KS\n"
	      "       slipway ks dump [-o OUT] KS\n"
	      "       slipway ks write [--redact] [-o OUT] KS\n"
	      "\n"
	      "  flatten   %include and %ksappend resolved into one file (like ksflatten)\n"
	      "  dump      every field of the parsed kickstart, one per line\n"
	      "  write     the parsed kickstart written back as kickstart text;\n"
	      "            --redact replaces plaintext passwords and passphrases\n"
	      "  -h, --help  show this help\n",
	      f);
}

static int write_out(const char *out_path, const struct strbuf *sb)
{
	_cleanup_fclose_ FILE *f = NULL;

	if (!out_path) {
		fputs(strbuf_str(sb), stdout);
		return fflush(stdout) == 0 ? EXIT_DONE : EXIT_FAILED;
	}
	f = fopen(out_path, "we");
	if (!f || fputs(strbuf_str(sb), f) < 0 || fflush(f) != 0) {
		fprintf(stderr, "slipway: ks: cannot write %s: %s\n", out_path, strerror(errno));
		return EXIT_FAILED;
	}
	return EXIT_DONE;
}

static int ks_action(const char *action, const char *path, const char *out_path, bool redact)
{
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;
	_cleanup_(ks_freep) struct ks *ks = NULL;
	struct ks_diags d = {};
	int r;

	if (streq(action, "flatten"))
		r = ks_flatten(path, &out, &d);
	else
		r = ks_load_file(path, NULL, &ks, &d);
	ks_diags_print(&d, stderr);
	ks_diags_free(&d);
	if (r < 0)
		return EXIT_USAGE;
	if (streq(action, "dump"))
		ks_dump(ks, &out);
	else if (streq(action, "write"))
		ks_write(ks, redact ? KS_WRITE_REDACT : 0, &out);
	return write_out(out_path, &out);
}

int inst_cmd_ks(int argc, char **argv)
{
	const char *action = NULL, *path = NULL, *out_path = NULL;
	bool redact = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (streq(a, "-h") || streq(a, "--help")) {
			ks_usage(stdout);
			return EXIT_DONE;
		} else if (streq(a, "--redact"))
			redact = true;
		else if (streq(a, "-o") || streq(a, "--output")) {
			if (++i >= argc) {
				fprintf(stderr, "slipway: ks: %s needs a file name\n", a);
				return EXIT_USAGE;
			}
			out_path = argv[i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "slipway: ks: unknown option %s\n", a);
			ks_usage(stderr);
			return EXIT_USAGE;
		} else if (!action)
			action = a;
		else if (!path)
			path = a;
		else {
			fprintf(stderr, "slipway: ks: unexpected argument %s\n", a);
			return EXIT_USAGE;
		}
	}
	if (!action || !path || !(streq(action, "flatten") || streq(action, "dump") || streq(action, "write"))) {
		ks_usage(stderr);
		return EXIT_USAGE;
	}
	if (redact && !streq(action, "write")) {
		fputs("slipway: ks: --redact only applies to write\n", stderr);
		return EXIT_USAGE;
	}
	return ks_action(action, path, out_path, redact);
}
