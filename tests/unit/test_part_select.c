/* Unit tests of disk selection (partition/select.c) on synthetic probes:
 * ignoredisk, clearpart, zerombr, --ondisk, and every refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "event.h"
#include "kickstart/ks.h"
#include "partition/select.h"
#include "size.h"
#include "strbuf.h"

static char last_error[1024];
static void capture_emit(struct event_sink *s, const struct event *e)
{
	if (e->kind == EV_LOG && e->level == LVL_ERROR)
		snprintf(last_error, sizeof(last_error), "%s", e->msg);
}
static struct event_sink capture = { .emit = capture_emit, .max_level = LVL_ERROR };

static char *holders_dm[] = { "dm-0", NULL };

/* sda: GPT with ntfs, ext4, swap; sdb: empty; sdc: ext4 on the whole disk;
 * sdd: mounted; sde: OEMDRV; sdf: installer media; loop0; sdg: held by dm */
static struct part_probe_part sda_parts[] = {
	{ .name = "sda1", .path = "/dev/sda1", .partno = 1, .start = MiB, .size = 4 * GiB,
	  .type = "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7", .fs = { .fstype = "ntfs" } },
	{ .name = "sda2", .path = "/dev/sda2", .partno = 2, .start = 4 * GiB + MiB, .size = 8 * GiB,
	  .type = "0fc63daf-8483-4772-8e79-3d69d8477de4", .fs = { .fstype = "ext4" } },
	{ .name = "sda3", .path = "/dev/sda3", .partno = 3, .start = 12 * GiB + MiB, .size = 2 * GiB,
	  .type = "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f", .fs = { .fstype = "swap" } },
};
static struct part_probe_part sdd_parts[] = {
	{ .name = "sdd1", .path = "/dev/sdd1", .partno = 1, .start = MiB, .size = GiB, .type = "0x83",
	  .fs = { .fstype = "ext4", .mountpoint = "/mnt" } },
};
static struct part_probe_part sdh_parts[] = {
	{ .name = "sdh1", .path = "/dev/sdh1", .partno = 1, .start = MiB, .size = GiB, .type = "0x83",
	  .fs = { .fstype = "ext4" } },
};
static struct part_probe_part sdi_parts[] = {
	{ .name = "sdi1", .path = "/dev/sdi1", .partno = 1, .start = MiB, .size = GiB,
	  .type = "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f", .fs = { .fstype = "swap", .swap = true } },
};
static struct part_probe_part sdg_parts[] = {
	{ .name = "sdg1", .path = "/dev/sdg1", .partno = 1, .start = MiB, .size = GiB, .type = "0x8e",
	  .fs = { .fstype = "LVM2_member", .holders = holders_dm } },
};

#define D(n, sz, ...) { .name = n, .path = "/dev/" n, .size = (sz), .sector_size = 512, .physical_sector_size = 512, \
			.model = "QEMU HARDDISK", .transport = "sata", __VA_ARGS__ }
static struct part_probe_disk all_disks[] = {
	D("sda", 20 * GiB, .pttype = "gpt", .parts = sda_parts, .n_parts = 3),
	D("sdb", 40 * GiB),
	D("sdc", 10 * GiB, .fs = { .fstype = "ext4", .label = "old" }),
	D("sdd", 10 * GiB, .pttype = "dos", .parts = sdd_parts, .n_parts = 1),
	D("sde", 1 * GiB, .fs = { .fstype = "vfat", .label = "OEMDRV" }),
	D("sdf", 8 * GiB, .installer_media = true),
	{ .name = "loop0", .path = "/dev/loop0", .size = 4 * GiB, .sector_size = 512, .transport = "loop" },
	D("sdg", 10 * GiB, .pttype = "dos", .parts = sdg_parts, .n_parts = 1),
	D("sdh", 10 * GiB, .pttype = "sun", .parts = sdh_parts, .n_parts = 1),
	D("sdi", 10 * GiB, .pttype = "gpt", .parts = sdi_parts, .n_parts = 1),
	D("sdj", 10 * GiB, .readonly = true),
	D("sr0", 1 * GiB, .optical = true),
};

/* A probe holding the named disks of all_disks, in that order. */
static struct part_probe *probe_of(const char *names)
{
	static struct part_probe_disk v[16];
	static struct part_probe p;
	size_t n = 0;
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", names);
	for (char *s = strtok(buf, " "); s; s = strtok(NULL, " "))
		for (size_t i = 0; i < ELEMENTSOF(all_disks); i++)
			if (streq(all_disks[i].name, s))
				v[n++] = all_disks[i];
	p = (struct part_probe){ .disks = v, .n_disks = n };
	return &p;
}

struct sel_case {
	const char *name, *disks, *ks;
	int r;
	const char *want; /* "sda:gpt:new" or "sda:gpt:keep=1,..." per disk, or the error */
};

static void describe(const struct part_selection *s, struct strbuf *out)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct part_sel_disk *d = &s->disks[i];
		strbuf_addf(out, "%s%s:%s:", i ? " " : "", d->disk->name, part_table_to_string(d->table));
		if (d->new_table)
			strbuf_adds(out, "new");
		else {
			strbuf_adds(out, "keep=");
			for (size_t k = 0; k < d->n_keep; k++)
				strbuf_addf(out, "%s%u", k ? "," : "", d->keep[k].partno);
		}
	}
}

static const struct sel_case cases[] = {
	{ "one empty disk, nothing said", "sdb", "", 0, "sdb:gpt:new" },
	{ "two disks, nothing said", "sda sdb", "", -EBUSY,
	  "storage: 2 disks could be used and the kickstart does not say which: /dev/sda (20 GiB, QEMU HARDDISK), "
	  "/dev/sdb (40 GiB, QEMU HARDDISK); name them with `ignoredisk --only-use=` or `clearpart --drives=`" },
	{ "--only-use", "sda sdb", "ignoredisk --only-use=sdb\n", 0, "sdb:gpt:new" },
	{ "--only-use with /dev/", "sda sdb", "ignoredisk --only-use=/dev/sdb\n", 0, "sdb:gpt:new" },
	{ "clearpart --drives --all", "sda sdb", "clearpart --all --drives=sda\n", 0, "sda:gpt:new" },
	{ "only-use ∩ clearpart --drives", "sda sdb", "ignoredisk --only-use=sda,sdb\nclearpart --all --drives=sdb\n", 0,
	  "sdb:gpt:new" },
	{ "clearpart drive outside only-use", "sda sdb", "ignoredisk --only-use=sda\nclearpart --all --drives=sdb\n",
	  -EINVAL, "clearpart --drives=sdb: sdb is not in ignoredisk --only-use" },
	{ "ignoredisk --drives leaves one", "sda sdb", "ignoredisk --drives=sda\n", 0, "sdb:gpt:new" },
	{ "unknown disk", "sda sdb", "ignoredisk --only-use=sdz\n", -EINVAL,
	  "ignoredisk --only-use: there is no disk named sdz (disks: sda, sdb)" },
	{ "a named disk with a mounted partition", "sdb sdd", "ignoredisk --only-use=sdd\n", -EBUSY,
	  "storage: /dev/sdd: refusing to use this disk: /dev/sdd1 is mounted on /mnt" },
	{ "a named OEMDRV disk", "sdb sde", "clearpart --all --drives=sde\n", -EBUSY,
	  "storage: /dev/sde: refusing to use this disk: /dev/sde carries the OEMDRV label (kickstart media)" },
	{ "the installer's disk", "sdf", "ignoredisk --only-use=sdf\n", -EBUSY,
	  "storage: /dev/sdf: refusing to use this disk: /dev/sdf holds the running installer" },
	{ "a disk held by device-mapper", "sdg", "ignoredisk --only-use=sdg\nclearpart --all\n", -EBUSY,
	  "storage: /dev/sdg: refusing to use this disk: /dev/sdg1 is held by dm-0 (device-mapper or md)" },
	{ "a disk with an active swap partition", "sdi", "ignoredisk --only-use=sdi\nclearpart --all\n", -EBUSY,
	  "storage: /dev/sdi: refusing to use this disk: /dev/sdi1 is an active swap device" },
	{ "a read-only disk", "sdj", "ignoredisk --only-use=sdj\n", -EBUSY,
	  "storage: /dev/sdj: refusing to use this disk: /dev/sdj is read-only" },
	{ "an optical drive", "sr0", "ignoredisk --only-use=sr0\n", -EBUSY,
	  "storage: /dev/sr0: refusing to use this disk: /dev/sr0 is an optical drive" },
	{ "busy disks are not implicit candidates", "sdb sdd sde sdf sdg sdi sdj sr0", "", 0, "sdb:gpt:new" },
	{ "nothing usable", "sdd sdf", "", -ENODEV,
	  "storage: no disk to install on: /dev/sdd1 is mounted on /mnt; /dev/sdf holds the running installer" },
	{ "loop devices are never implicit", "sdb loop0", "", 0, "sdb:gpt:new" },
	{ "a named loop device", "sdb loop0", "ignoredisk --only-use=loop0\n", 0, "loop0:gpt:new" },
	{ "every part has --ondisk", "sda sdb", "part / --size=1000 --ondisk=sdb\npart swap --size=100 --ondisk=sdb\n", 0,
	  "sdb:gpt:new" },
	{ "--ondisk outside --only-use", "sda sdb", "ignoredisk --only-use=sda\npart / --ondisk=sdb\n", -EINVAL,
	  "part --ondisk=sdb: sdb is not among the disks the kickstart lets slipway use (sda)" },
	{ "some parts without --ondisk", "sda sdb", "part / --ondisk=sdb\npart swap --size=100\n", -EBUSY,
	  "storage: 2 disks could be used and the kickstart does not say which: /dev/sda (20 GiB, QEMU HARDDISK), "
	  "/dev/sdb (40 GiB, QEMU HARDDISK); name them with `ignoredisk --only-use=` or `clearpart --drives=`" },
	{ "clearpart --linux keeps ntfs", "sda", "clearpart --linux\n", 0, "sda:gpt:keep=1" },
	{ "clearpart --list", "sda", "clearpart --list=sda2\n", 0, "sda:gpt:keep=1,3" },
	{ "clearpart --list of an unknown partition", "sda", "clearpart --list=sdc9\n", -EINVAL,
	  "clearpart --list=sdc9: no such partition on the selected disks" },
	{ "clearpart --none", "sda", "clearpart --none\n", 0, "sda:gpt:keep=1,2,3" },
	{ "no clearpart keeps everything", "sda", "", 0, "sda:gpt:keep=1,2,3" },
	{ "a filesystem on the whole disk", "sdc", "", -EBUSY,
	  "storage: /dev/sdc holds a ext4 filesystem without a partition table; add `zerombr` or "
	  "`clearpart --all --initlabel` to erase it" },
	{ "zerombr erases it", "sdc", "zerombr\n", 0, "sdc:gpt:new" },
	{ "clearpart --all erases it", "sdc", "clearpart --all\n", 0, "sdc:gpt:new" },
	{ "clearpart --all --disklabel=msdos", "sda", "clearpart --all --disklabel=msdos\n", 0, "sda:msdos:new" },
	{ "--disklabel on a kept table", "sda", "clearpart --linux --disklabel=msdos\n", -EINVAL,
	  "clearpart --disklabel=msdos: /dev/sda keeps partitions in its gpt table; add `clearpart --all` to "
	  "relabel it" },
	{ "--disklabel unknown", "sda", "clearpart --all --disklabel=sun\n", -EINVAL,
	  "clearpart --disklabel=sun: not a label slipway writes (use gpt or msdos)" },
	{ "clearpart --all does not override a mount", "sdd", "clearpart --all --drives=sdd\nzerombr\n", -EBUSY,
	  "storage: /dev/sdd: refusing to use this disk: /dev/sdd1 is mounted on /mnt" },
	{ "a disk held by dm is no implicit candidate either", "sdg", "", -ENODEV,
	  "storage: no disk to install on: /dev/sdg1 is held by dm-0 (device-mapper or md)" },
	{ "clearpart --drives names an ignored disk", "sda sdb", "ignoredisk --drives=sda\nclearpart --all --drives=sda\n",
	  -EINVAL, "clearpart --drives=sda: sda is ignored by ignoredisk --drives" },
	{ "--ondisk names an ignored disk", "sda sdb", "ignoredisk --drives=sda\npart / --ondisk=sda\n", -EINVAL,
	  "part --ondisk=sda: sda is ignored by ignoredisk --drives" },
	{ "partitions kept in a table slipway does not write", "sdh", "", -EINVAL,
	  "storage: /dev/sdh: partitions would be kept in a sun partition table, which slipway does not write; add "
	  "`clearpart --all`" },
	{ "that table is relabelled by clearpart --all", "sdh", "clearpart --all\n", 0, "sdh:gpt:new" },
};

static void test_selection(void **state)
{
	unsigned failed = 0;

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		const struct sel_case *c = &cases[i];
		_cleanup_(ks_freep) struct ks *ks = NULL;
		_cleanup_(part_selection_freep) struct part_selection *sel = NULL;
		_cleanup_strbuf_ struct strbuf got = STRBUF_INIT;
		struct ks_diags d = {};
		if (ks_load_string("ks.cfg", c->ks, &(struct ks_load_opts){}, &ks, &d) < 0)
			fail_msg("%s: kickstart did not parse", c->name);
		ks_diags_free(&d);
		last_error[0] = '\0';
		int r = part_select_disks(ks, probe_of(c->disks), &sel);
		if (r >= 0)
			describe(sel, &got);
		const char *g = r >= 0 ? strbuf_str(&got) : last_error;
		if (r != c->r || (c->want && !streq(g, c->want))) {
			print_error("FAIL %s\n  expected r=%d: %s\n  got      r=%d: %s\n", c->name, c->r, strna(c->want), r,
				    g);
			failed++;
		}
	}
	print_message("%zu selections checked\n", ELEMENTSOF(cases));
	if (failed)
		fail_msg("%u of %zu selections wrong", failed, ELEMENTSOF(cases));
}

static void test_remove_flags(void **state)
{
	_cleanup_(ks_freep) struct ks *ks = NULL;
	_cleanup_(part_selection_freep) struct part_selection *sel = NULL;
	struct ks_diags d = {};

	assert_int_equal(ks_load_string("ks.cfg", "clearpart --linux\n", &(struct ks_load_opts){}, &ks, &d), 0);
	ks_diags_free(&d);
	assert_int_equal(part_select_disks(ks, probe_of("sda"), &sel), 0);
	assert_false(sel->disks[0].remove[0]);
	assert_true(sel->disks[0].remove[1]);
	assert_true(sel->disks[0].remove[2]);
	assert_int_equal(sel->disks[0].keep[0].start, MiB);
	assert_int_equal(sel->disks[0].keep[0].size, 4 * GiB);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_remove_flags),
	};
	event_sink_add(&capture);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
