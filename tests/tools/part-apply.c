/* Driver of the storage apply for tests/integration/test-storage-*.sh (root,
 * loop devices): plans a kickstart for an image or for the probed disks,
 * applies it, writes fstab, proves the mounts, tears down. Exit: 0, 1
 * failed (any failure once the apply began), 2 kickstart error or usage, 3
 * refused for safety — the CLI's codes. */
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "event.h"
#include "kickstart/ks.h"
#include "partition/part.h"
#include "run.h"
#include "size.h"
#include "strv.h"
#include "teardown.h"

static void stderr_emit(struct event_sink *s, const struct event *e)
{
	if (e->kind == EV_LOG)
		fprintf(stderr, "%s: %s\n", log_level_to_string(e->level), e->msg);
}
static struct event_sink stderr_sink = { .emit = stderr_emit, .max_level = LVL_INFO };

/* As the CLI: the plan's errors are 2 (usage) or 3 (refused); once the
 * apply has begun, every failure is 1. */
static bool applying;

static int exit_code(int r)
{
	if (applying)
		return 1;
	return r == -EBUSY || r == -ENODEV ? 3 : r == -EINVAL ? 2 : 1;
}

/* One line per partition, for the shell test to compare with sfdisk/blkid. */
static void print_entries(const struct part_plan *p)
{
	for (size_t i = 0; i < p->layout->n_entries; i++) {
		const struct part_entry *e = &p->layout->entries[i];
		printf("entry %s %u %s %s %s %s %s %s %s %" PRIu64 " %" PRIu64 "\n", part_plan_disk_device(p, e->disk),
		       e->partno, e->type_guid, e->part_name, e->part_uuid, e->fstype ? e->fstype : "-",
		       e->fs_uuid[0] ? e->fs_uuid : "-", e->label ? e->label : "-", e->mountpoint ? e->mountpoint : "-",
		       e->start, e->size);
	}
}

/* A file in every mounted filesystem, and one in the (staged) ESP. */
static int write_markers(const struct part_plan *p, const char *sysroot)
{
	for (size_t i = 0; i < p->layout->n_entries; i++) {
		const struct part_entry *e = &p->layout->entries[i];
		if (!e->mountpoint)
			continue;
		_cleanup_free_ char *path = xasprintf("%s%s/slipway-marker", sysroot, e->mountpoint);
		FILE *f = fopen(path, "we");
		if (!f)
			return log_error_errno(errno, "cannot write %s: %m", path);
		fprintf(f, "%s\n", e->mountpoint);
		fclose(f);
	}
	return 0;
}

/* SLIPWAY_TEST_PAUSE=POINT:FILE stops at POINT (before-teardown,
 * before-convert) until FILE exists, so a test can change the state the
 * next step meets (hold a mount, make the image immutable); it prints
 * "paused at POINT" on stderr. */
static void pause_at(const char *point)
{
	const char *spec = getenv("SLIPWAY_TEST_PAUSE");
	size_t n = strlen(point);

	if (!spec || !strneq(spec, point, n) || spec[n] != ':')
		return;
	fprintf(stderr, "paused at %s\n", point);
	for (int i = 0; i < 2400 && access(spec + n + 1, F_OK) < 0; i++)
		usleep(50 * 1000);
}

static int run(int argc, char **argv, struct teardown *td)
{
	bool image = streq(argv[1], "image");
	const char *ks_path = argv[2], *sysroot = image ? argv[5] : argv[3];
	_cleanup_(ks_freep) struct ks *ks = NULL;
	_cleanup_(part_probe_freep) struct part_probe *probe = NULL;
	_cleanup_(part_plan_freep) struct part_plan *p = NULL;
	struct ks_diags d = {};
	uint64_t size = 0;
	int r;

	r = ks_check_file(ks_path, &(struct ks_load_opts){}, &ks, &d);
	ks_diags_print(&d, stderr);
	ks_diags_free(&d);
	if (r < 0)
		return r;
	if (image && size_parse(argv[4], 1, &size) < 0)
		return log_error_errno(EINVAL, "bad size %s", argv[4]);
	if (!image && (r = part_probe_disks("/sys", &probe)) < 0)
		return r;
	struct part_plan_opts o = { .image = image, .image_path = image ? argv[3] : NULL, .image_size = size,
				    .firmware = part_detect_firmware(), .ram = part_detect_ram() };
	if ((r = part_plan_new(ks, probe, &o, &p)) < 0)
		return r;
	_cleanup_strbuf_ struct strbuf text = STRBUF_INIT;
	part_plan_print(p, &text);
	fputs(text.buf, stdout);
	applying = true;
	if ((r = part_apply(p, sysroot, td, &(struct part_apply_opts){ .stage_esp = image })) < 0)
		return r;
	print_entries(p);
	if ((r = part_write_config(p, sysroot)) < 0 || (r = write_markers(p, sysroot)) < 0)
		return r;
	if (getenv("SLIPWAY_TEST_FAIL"))
		return log_error_errno(EIO, "failing on purpose after apply (SLIPWAY_TEST_FAIL)");
	if (p->esp_stage) {
		_cleanup_free_ char *dir = xasprintf("%s/boot/efi/EFI/BOOT", sysroot);
		_cleanup_free_ char *efi = xasprintf("%s/boot/efi/EFI", sysroot);
		if (mkdir(efi, 0755) < 0 || mkdir(dir, 0755) < 0)
			return log_error_errno(errno, "cannot create %s: %m", dir);
		_cleanup_free_ char *f = xasprintf("%s/BOOTX64.EFI", dir);
		FILE *fp = fopen(f, "we");
		if (!fp)
			return -errno;
		fputs("not really an EFI binary\n", fp);
		fclose(fp);
		/* the staging directory removed behind slipway's back */
		if (getenv("SLIPWAY_TEST_REMOVE_ESP_STAGE")) {
			char *rm[] = { "rm", "-rf", "--", p->esp_stage, NULL };
			(void)run_checked(rm, &(struct run_opts){ .quiet = true, .log_fd = -1 });
		}
		if ((r = part_esp_finalize(p)) < 0)
			return r;
	}
	fflush(stdout);
	pause_at("before-teardown");
	if ((r = teardown_run(td)) < 0)
		return r;
	if (image && argc > 6) {
		int f = image_format_from_string(argv[6]);
		if (f < 0)
			return log_error_errno(EINVAL, "unknown format %s", argv[6]);
		pause_at("before-convert");
		if ((r = part_image_convert(argv[3], (enum image_format)f)) < 0)
			return r;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 4 || (!streq(argv[1], "image") && !streq(argv[1], "disk")) || (streq(argv[1], "image") && argc < 6)) {
		printf("driver for tests/integration/test-storage-*.sh\n"
		       "usage: %s image KS IMG SIZE SYSROOT [vhd|qcow2] | disk KS SYSROOT\n", argv[0]);
		return 2;
	}
	event_sink_add(&stderr_sink);
	_cleanup_(teardown_freep) struct teardown *td = teardown_new();
	int r = run(argc, argv, td);
	/* teardown on every path (teardown_free runs what is left) */
	return r < 0 ? exit_code(r) : 0;
}
