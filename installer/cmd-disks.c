/* `slipway disks`: what the installer sees, in text or JSON. */
#include <getopt.h>

#include "commands.h"
#include "event.h"
#include "partition/probe.h"

int inst_cmd_disks(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	_cleanup_(part_probe_freep) struct part_probe *p = NULL;
	bool json = false;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			puts("Usage: slipway disks [--json]\n\n"
			     "Lists every disk the installer would consider: path, size, model,\n"
			     "transport, sector sizes, partition table, partitions with filesystem,\n"
			     "label and UUID, and whether it is in use (mounted, swap, held by\n"
			     "device-mapper/md, installer media, OEMDRV). Opens nothing for writing.");
			return EXIT_DONE;
		default:
			log_error("disks: unknown option %s (see slipway disks --help)", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		log_error("disks: unexpected argument \"%s\"", argv[optind]);
		return EXIT_USAGE;
	}
	if (part_probe_disks("/sys", &p) < 0)
		return EXIT_FAILED;
	if (json) {
		_cleanup_free_ char *s = part_probe_to_json(p);
		puts(s);
	} else {
		struct strbuf out = STRBUF_INIT;
		part_probe_print(p, &out);
		fputs(strbuf_str(&out), stdout);
		strbuf_release(&out);
	}
	return EXIT_DONE;
}
