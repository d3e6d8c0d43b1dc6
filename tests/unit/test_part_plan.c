/* Unit tests of the storage plan: dry-run text, fstab and crypttab (golden
 * files in tests/data/storage/, UPDATE_GOLDENS=1 rewrites them), mkfs
 * command lines, the VHD footer, and what other stages read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "event.h"
#include "kickstart/ks.h"
#include "partition/blockdev.h"
#include "partition/part.h"
#include "size.h"
#include "strbuf.h"
#include "strv.h"
#include "golden.h"

#define check_golden(name, got) golden_check("storage", (name), (got))

static char last_error[1024];
static void capture_emit(struct event_sink *s, const struct event *e)
{
	if (e->kind == EV_LOG && e->level == LVL_ERROR)
		snprintf(last_error, sizeof(last_error), "%s", e->msg);
}
static struct event_sink capture = { .emit = capture_emit, .max_level = LVL_ERROR };

static void counter_random(void *buf, size_t n, void *userdata)
{
	unsigned *c = userdata;
	for (size_t i = 0; i < n; i++)
		((uint8_t *)buf)[i] = (uint8_t)(++*c * 37);
}



static struct ks *load_ks(const char *text)
{
	struct ks *ks = NULL;
	struct ks_diags d = {};
	if (ks_load_string("ks.cfg", text, &(struct ks_load_opts){}, &ks, &d) < 0)
		fail_msg("kickstart did not parse: %s", text);
	ks_diags_free(&d);
	return ks;
}

static struct part_probe_part sda_parts[] = {
	{ .name = "sda1", .path = "/dev/sda1", .partno = 1, .start = MiB, .size = 4 * GiB,
	  .type = "ebd0a0a2-b9e5-4433-87c0-68b6b72699c7", .fs = { .fstype = "ntfs", .label = "WIN" } },
	{ .name = "sda2", .path = "/dev/sda2", .partno = 2, .start = 4 * GiB + MiB, .size = 8 * GiB,
	  .type = "0fc63daf-8483-4772-8e79-3d69d8477de4", .fs = { .fstype = "ext4", .label = "old-root" } },
};
static struct part_probe_disk disks[] = {
	{ .name = "sda", .path = "/dev/sda", .size = 20 * GiB, .sector_size = 512, .physical_sector_size = 512,
	  .model = "QEMU HARDDISK", .pttype = "gpt", .parts = sda_parts, .n_parts = 2 },
	{ .name = "sdb", .path = "/dev/sdb", .size = 40 * GiB, .sector_size = 512, .physical_sector_size = 512,
	  .model = "QEMU HARDDISK" },
};
static struct part_probe probe = { .disks = disks, .n_disks = 2 };

static struct part_plan *make_plan(const char *ks_text, bool image, enum part_firmware fw)
{
	_cleanup_(ks_freep) struct ks *ks = load_ks(ks_text);
	static unsigned counter;
	struct part_plan *p = NULL;

	counter = 0;
	struct part_plan_opts o = {
		.image = image, .image_path = "/var/tmp/disk.img", .image_size = 10 * GiB - 100,
		.firmware = fw, .ram = 4 * GiB, .random = counter_random, .userdata = &counter,
	};
	int r = part_plan_new(ks, image ? NULL : &probe, &o, &p);
	if (r < 0)
		fail_msg("part_plan_new: %d: %s", r, last_error);
	secrets_forget();
	return p;
}

static const char ks_full[] = "ignoredisk --only-use=sda\nclearpart --linux\n"
			      "reqpart --add-boot\n"
			      "part swap --size=1024 --encrypted --passphrase=correct-horse\n"
			      "part /home --size=1024 --fstype=xfs --label=home --fsoptions=noatime,nodev\n"
			      "part / --size=2048 --grow --encrypted --passphrase=correct-horse --pbkdf=argon2i "
			      "--pbkdf-memory=65536 --pbkdf-time=1000\n"
			      "part /srv --size=512 --fstype=btrfs --label=srv --fsoptions=compress=zstd:1 "
			      "--mkfsoptions=\"-O no-holes\"\n";

static void test_print_disk(void **state)
{
	_cleanup_(part_plan_freep) struct part_plan *p = make_plan(ks_full, false, PART_FIRMWARE_UEFI);
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;

	part_plan_print(p, &out);
	check_golden("plan-disk.txt", strbuf_str(&out));
	assert_null(strstr(strbuf_str(&out), "correct-horse"));
}

static void test_print_image(void **state)
{
	_cleanup_(part_plan_freep) struct part_plan *p =
		make_plan("part / --grow --ondisk=sda\nreqpart\n", true, PART_FIRMWARE_UEFI);
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;

	assert_int_equal(p->firmware, PART_FIRMWARE_BOTH);
	assert_int_equal(p->layout->disks[0].size, 10 * GiB); /* rounded up to MiB */
	part_plan_print(p, &out);
	check_golden("plan-image.txt", strbuf_str(&out));
}

static void test_plan_image_default(void **state)
{
	_cleanup_(part_plan_freep) struct part_plan *p = make_plan("", true, PART_FIRMWARE_BIOS);
	_cleanup_strv_free_ char **fs = part_plan_fstypes(p);
	_cleanup_free_ char *j = strv_join(fs, ",");

	assert_string_equal(j, "vfat,ext4");
	assert_false(part_plan_encrypted(p));
	assert_non_null(part_plan_find(p, PART_ROLE_BIOSBOOT));
	assert_non_null(part_plan_find(p, PART_ROLE_ESP));
	assert_null(part_plan_find(p, PART_ROLE_SWAP));
	assert_null(part_plan_entry_device(p, part_plan_find(p, PART_ROLE_ROOT)));
}

static void test_fstab_crypttab(void **state)
{
	_cleanup_(part_plan_freep) struct part_plan *p = make_plan(ks_full, false, PART_FIRMWARE_UEFI);
	_cleanup_strbuf_ struct strbuf fstab = STRBUF_INIT;
	_cleanup_strbuf_ struct strbuf crypttab = STRBUF_INIT;
	_cleanup_strv_free_ char **fs = part_plan_fstypes(p);
	_cleanup_strv_free_ char **luks = part_plan_luks_uuids(p);
	_cleanup_free_ char *j = strv_join(fs, ",");

	part_fstab_write(p->layout, &fstab);
	part_crypttab_write(p->layout, &crypttab);
	check_golden("fstab-disk.txt", strbuf_str(&fstab));
	check_golden("crypttab-disk.txt", strbuf_str(&crypttab));
	assert_string_equal(j, "vfat,ext4,swap,xfs,btrfs");
	assert_true(part_plan_encrypted(p));
	assert_int_equal(strv_length(luks), 2);
	assert_string_equal(luks[1], part_plan_find_mount(p, "/")->luks.uuid);
}

static void test_fstab_msdos_bios(void **state)
{
	_cleanup_(part_plan_freep) struct part_plan *p =
		make_plan("clearpart --all --drives=sdb --disklabel=msdos\nautopart --type=plain --fstype=xfs\n", false,
			  PART_FIRMWARE_BIOS);
	_cleanup_strbuf_ struct strbuf fstab = STRBUF_INIT;
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;

	part_fstab_write(p->layout, &fstab);
	check_golden("fstab-msdos.txt", strbuf_str(&fstab));
	part_plan_print(p, &out);
	check_golden("plan-msdos.txt", strbuf_str(&out));
}

/* More than four partitions on msdos: the extended partition in the plan,
 * the logical ones in fstab like any other. */
static void test_msdos_logical(void **state)
{
	_cleanup_(part_plan_freep) struct part_plan *p =
		make_plan("clearpart --all --drives=sdb --disklabel=msdos\npart /boot --size=1024\n"
			  "part swap --size=2048\npart /var --size=4096 --fstype=xfs\npart /home --size=4096\n"
			  "part / --size=8192 --grow\n", false, PART_FIRMWARE_BIOS);
	_cleanup_strbuf_ struct strbuf fstab = STRBUF_INIT;
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT;

	part_fstab_write(p->layout, &fstab);
	check_golden("fstab-msdos-logical.txt", strbuf_str(&fstab));
	part_plan_print(p, &out);
	check_golden("plan-msdos-logical.txt", strbuf_str(&out));
}

static void test_plan_errors(void **state)
{
	_cleanup_(ks_freep) struct ks *ks = load_ks("autopart --type=plain\n");
	struct part_plan *p = NULL;

	assert_int_equal(part_plan_new(ks, &probe, &(struct part_plan_opts){ .firmware = PART_FIRMWARE_UEFI }, &p), -EBUSY);
	assert_null(p);
	assert_int_equal(part_plan_new(ks, NULL, &(struct part_plan_opts){ .image = true }, &p), -EINVAL);
	assert_string_equal(last_error, "storage: image mode needs a file and a size (--image FILE --size SIZE)");
}

static void test_mkfs_argv(void **state)
{
	_cleanup_(part_plan_freep) struct part_plan *p = make_plan(ks_full, false, PART_FIRMWARE_UEFI);
	static const struct {
		const char *mount, *want;
	} cases[] = {
		{ "/boot/efi", "mkfs.vfat -i %.4s%.4s -F 32 /dev/x" },
		{ "/boot", "mkfs.ext4 -F -q -U %s /dev/x" },
		{ "/home", "mkfs.xfs -f -q -muuid=%s -L home /dev/x" },
		{ "/", "mkfs.ext4 -F -q -U %s /dev/x" },
		{ "/srv", "mkfs.btrfs -f -q -U %s -L srv -O no-holes /dev/x" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		const struct part_entry *e = part_plan_find_mount(p, cases[i].mount);
		_cleanup_strv_free_ char **argv = part_mkfs_argv(e, "/dev/x");
		_cleanup_free_ char *got = strv_join(argv, " ");
		_cleanup_free_ char *want = streq(e->fstype, "vfat")
						    ? xasprintf(cases[i].want, e->fs_uuid, e->fs_uuid + 5)
						    : xasprintf(cases[i].want, e->fs_uuid);
		if (!streq(got, want))
			fail_msg("mkfs for %s: expected [%s], got [%s]", cases[i].mount, want, got);
	}
	const struct part_entry *swap = part_plan_find(p, PART_ROLE_SWAP);
	_cleanup_strv_free_ char **argv = part_mkfs_argv(swap, "/dev/mapper/x");
	_cleanup_free_ char *got = strv_join(argv, " ");
	_cleanup_free_ char *want = xasprintf("mkswap -U %s /dev/mapper/x", swap->fs_uuid);
	assert_string_equal(got, want);
}

static void test_vhd_footer(void **state)
{
	uint8_t f[512];
	static const uint8_t uuid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	uint32_t sum = 0;

	part_vhd_footer(10 * GiB, 0x12345678, uuid, f);
	assert_memory_equal(f, "conectix", 8);
	assert_memory_equal(f + 8, "\0\0\0\2\0\1\0\0\xff\xff\xff\xff\xff\xff\xff\xff\x12\x34\x56\x78", 20);
	assert_memory_equal(f + 40, "\0\0\0\2\x80\0\0\0\0\0\0\2\x80\0\0\0", 16); /* 10 GiB twice */
	/* 10 GiB = 20971520 sectors < 65535*16*63: spt 17 → heads 16 → spt 31 → 63;
	 * cylinders = 20971520 / 63 / 16 = 20805 */
	assert_int_equal((f[56] << 8) | f[57], 20805);
	assert_int_equal(f[58], 16);
	assert_int_equal(f[59], 63);
	assert_memory_equal(f + 60, "\0\0\0\2", 4);
	assert_memory_equal(f + 68, uuid, 16);
	for (size_t i = 0; i < 512; i++)
		sum += (i >= 64 && i < 68) ? 0 : f[i];
	uint32_t cks = (uint32_t)f[64] << 24 | (uint32_t)f[65] << 16 | (uint32_t)f[66] << 8 | f[67];
	assert_int_equal(cks, ~sum);
	/* small disk: 100 MiB → spt 17, heads 12 (cth=12336 → (12336+1023)/1024 = 13? ) */
	part_vhd_footer(100 * MiB, 0, uuid, f);
	unsigned cyl = (f[56] << 8) | f[57];
	assert_true((uint64_t)cyl * f[58] * f[59] <= 100 * MiB / 512);
	assert_true(f[58] >= 4 && f[58] <= 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_print_disk),	  cmocka_unit_test(test_print_image),
		cmocka_unit_test(test_plan_image_default), cmocka_unit_test(test_fstab_crypttab),
		cmocka_unit_test(test_fstab_msdos_bios), cmocka_unit_test(test_msdos_logical),  cmocka_unit_test(test_plan_errors),
		cmocka_unit_test(test_mkfs_argv),	  cmocka_unit_test(test_vhd_footer),
	};
	event_sink_add(&capture);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
