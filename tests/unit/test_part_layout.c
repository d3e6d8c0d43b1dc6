/* Unit tests of the layout planner (partition/layout*.c): kickstart text and
 * plain disk descriptions in, sized partitions or an exact error out. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "event.h"
#include "kickstart/ks.h"
#include "partition/layout.h"
#include "size.h"
#include "strbuf.h"

/* ---- an event sink that keeps the last error ---- */
static char last_error[1024];
static void capture_emit(struct event_sink *s, const struct event *e)
{
	if (e->kind == EV_LOG && e->level == LVL_ERROR)
		snprintf(last_error, sizeof(last_error), "%s", e->msg);
}
static struct event_sink capture = { .emit = capture_emit, .max_level = LVL_ERROR };

/* deterministic "random" bytes: a counter */
static void counter_random(void *buf, size_t n, void *userdata)
{
	unsigned *c = userdata;
	for (size_t i = 0; i < n; i++)
		((uint8_t *)buf)[i] = (uint8_t)(++*c * 37);
}

struct disk_spec {
	const char *name;
	uint64_t size;
	unsigned ss;
	enum part_table table;
	const struct part_extent *keep;
	size_t n_keep;
};

struct layout_case {
	const char *name;
	const char *ks;
	struct disk_spec disks[3];
	enum part_firmware fw;
	uint64_t ram;
	bool image;
	const char *want;  /* dump of the layout, or NULL */
	const char *error; /* exact error message, or NULL */
};

static void dump(const struct part_layout *l, struct strbuf *out)
{
	for (size_t i = 0; i < l->n_entries; i++) {
		const struct part_entry *e = &l->entries[i];
		strbuf_addf(out, "%s%u %s %s %s %" PRIu64 "M@%" PRIu64 "%s%s%s\n", l->disks[e->disk].name, e->partno,
			    part_role_to_string(e->role), e->fstype ? e->fstype : "-",
			    e->mountpoint ? e->mountpoint : "-", e->size / MiB, e->start / MiB,
			    e->encrypted ? " luks" : "", e->bootable ? " active" : "", e->logical ? " logical" : "");
	}
}

static struct ks *load_ks(const char *text)
{
	struct ks *ks = NULL;
	struct ks_diags d = {};
	int r = ks_load_string("ks.cfg", text, &(struct ks_load_opts){}, &ks, &d);
	if (r < 0) {
		struct strbuf sb = STRBUF_INIT;
		ks_diags_format(&d, &sb);
		fail_msg("kickstart did not parse: %s\n%s", text, strbuf_str(&sb));
	}
	ks_diags_free(&d);
	return ks;
}

static int plan(const struct layout_case *c, struct part_layout **ret)
{
	_cleanup_(ks_freep) struct ks *ks = load_ks(c->ks);
	struct part_disk_info di[3] = {};
	size_t n = 0;
	unsigned counter = 0;

	for (; n < 3 && c->disks[n].name; n++) {
		di[n] = (struct part_disk_info){
			.name = c->disks[n].name,
			.path = xasprintf("/dev/%s", c->disks[n].name),
			.size = c->disks[n].size,
			.sector_size = c->disks[n].ss ? c->disks[n].ss : 512,
			.table = c->disks[n].table,
			.keep_table = c->disks[n].n_keep > 0,
			.keep = c->disks[n].keep,
			.n_keep = c->disks[n].n_keep,
		};
	}
	struct part_layout_opts o = {
		.firmware = c->fw, .ram = c->ram ? c->ram : 2 * GiB, .image = c->image,
		.random = counter_random, .userdata = &counter,
	};
	last_error[0] = '\0';
	int r = part_plan_layout(ks, di, n, &o, ret);
	for (size_t i = 0; i < n; i++)
		free((char *)di[i].path);
	secrets_forget();
	return r;
}

/* the table below leaves the error column out of layouts that succeed */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

static const struct part_extent keep_5g[] = { { 1, MiB, 5 * GiB } };
static const struct part_extent keep_19g[] = { { 1, MiB, 19 * GiB } };
static const struct part_extent keep_mid[] = { { 1, 8 * GiB, 4 * GiB } };

#define DISK(n, sz) { .name = (n), .size = (sz) }
#define DISK4K(n, sz) { .name = (n), .size = (sz), .ss = 4096 }
#define MSDOS(n, sz) { .name = (n), .size = (sz), .table = PART_TABLE_MSDOS }

static const struct layout_case cases[] = {
	{ "autopart plain, BIOS, 20 GiB", "autopart --type=plain\n", { DISK("vda", 20 * GiB) }, PART_FIRMWARE_BIOS, 0, false,
	  "vda1 biosboot - - 1M@1\n"
	  "vda2 swap swap - 2047M@2\n"
	  "vda3 root ext4 / 18430M@2049\n" },
	{ "autopart plain, UEFI, 20 GiB", "autopart --type=plain\n", { DISK("vda", 20 * GiB) }, PART_FIRMWARE_UEFI, 0, false,
	  "vda1 esp vfat /boot/efi 600M@1\n"
	  "vda2 swap swap - 2047M@601\n"
	  "vda3 root ext4 / 17831M@2648\n" },
	{ "bare autopart is plain", "autopart\n", { DISK("vda", 20 * GiB) }, PART_FIRMWARE_UEFI, 0, false,
	  "vda1 esp vfat /boot/efi 600M@1\n"
	  "vda2 swap swap - 2047M@601\n"
	  "vda3 root ext4 / 17831M@2648\n" },
	{ "no storage commands: the default layout, image mode (both, no swap)", "", { DISK("loop0", 10 * GiB) },
	  PART_FIRMWARE_BOTH, 0, true,
	  "loop01 biosboot - - 1M@1\n"
	  "loop02 esp vfat /boot/efi 600M@2\n"
	  "loop03 root ext4 / 9637M@602\n" },
	{ "autopart encrypted: /boot, LUKS swap and root", "autopart --type=plain --encrypted --passphrase=secret\n",
	  { DISK("vda", 20 * GiB) }, PART_FIRMWARE_UEFI, 1 * GiB, false,
	  "vda1 esp vfat /boot/efi 600M@1\n"
	  "vda2 xbootldr ext4 /boot 1024M@601\n"
	  "vda3 swap swap - 2047M@1625 luks\n"
	  "vda4 root ext4 / 16807M@3672 luks\n" },
	{ "autopart --nohome on 100 GiB: / takes everything", "autopart --type=plain --nohome\n", { DISK("vda", 100 * GiB) },
	  PART_FIRMWARE_UEFI, 4 * GiB, false,
	  "vda1 esp vfat /boot/efi 600M@1\n"
	  "vda2 swap swap - 4096M@601\n"
	  "vda3 root ext4 / 97702M@4697\n" },
	{ "autopart on 100 GiB: /home, shares by base size", "autopart --type=plain\n", { DISK("vda", 100 * GiB) },
	  PART_FIRMWARE_UEFI, 4 * GiB, false,
	  "vda1 esp vfat /boot/efi 600M@1\n"
	  "vda2 swap swap - 4096M@601\n"
	  "vda3 root ext4 / 65648M@4697\n"
	  "vda4 home ext4 /home 32054M@70345\n" },
	{ "autopart on 300 GiB: / capped at 70 GiB, /home the rest", "autopart --type=plain\n", { DISK("sda", 300 * GiB) },
	  PART_FIRMWARE_UEFI, 16 * GiB, false,
	  "sda1 esp vfat /boot/efi 600M@1\n"
	  "sda2 swap swap - 8192M@601\n"
	  "sda3 root ext4 / 71680M@8793\n"
	  "sda4 home ext4 /home 226726M@80473\n" },
	{ "autopart on 4 TiB with 64 GiB RAM: 4 GiB swap", "autopart --type=plain --fstype=xfs\n", { DISK("sda", 4 * TiB) },
	  PART_FIRMWARE_UEFI, 64 * GiB, false,
	  "sda1 esp vfat /boot/efi 600M@1\n"
	  "sda2 swap swap - 4096M@601\n"
	  "sda3 root xfs / 71680M@4697\n"
	  "sda4 home xfs /home 4117926M@76377\n" },
	{ "autopart xfs, no swap, no home, BIOS", "autopart --type=plain --noswap --nohome --fstype=xfs\n",
	  { DISK("vda", 10 * GiB) }, PART_FIRMWARE_BIOS, 0, false,
	  "vda1 biosboot - - 1M@1\n"
	  "vda2 root xfs / 10237M@2\n" },
	{ "autopart on a 4K-sector disk", "autopart --type=plain\n", { DISK4K("vda", 20 * GiB) }, PART_FIRMWARE_UEFI, 0, false,
	  "vda1 esp vfat /boot/efi 600M@1\n"
	  "vda2 swap swap - 2047M@601\n"
	  "vda3 root ext4 / 17831M@2648\n" },
	{ "autopart on a disk too small", "autopart --type=plain\n", { DISK("vda", 1 * GiB) }, PART_FIRMWARE_UEFI, 0, true,
	  NULL, "/dev/vda: the layout needs 1.6 GiB but the disk has 1 GiB (602 MiB missing)" },
	{ "part too big for an 8 GiB msdos disk", "part / --size=10400\n", { MSDOS("vda", 8 * GiB) }, PART_FIRMWARE_BIOS, 0,
	  false, NULL, "/dev/vda: the layout needs 10.2 GiB but the disk has 8 GiB (2.2 GiB missing)" },
	{ "grow with maxsize, the rest to the other grower", "reqpart\npart / --size=4096 --grow --maxsize=8192\n"
	  "part /var --size=1024 --grow\npart swap --size=1024\n", { DISK("vda", 20 * GiB) }, PART_FIRMWARE_UEFI, 0, false,
	  "vda1 esp vfat /boot/efi 600M@1\n"
	  "vda2 root ext4 / 8192M@601\n"
	  "vda3 var ext4 /var 10662M@8793\n"
	  "vda4 swap swap - 1024M@19455\n" },
	{ "two growers share in proportion to their size", "reqpart\npart / --size=1000 --grow\npart /home --size=3000 --grow\n",
	  { DISK("vda", 10 * GiB) }, PART_FIRMWARE_BIOS, 0, false,
	  "vda1 biosboot - - 1M@1\n"
	  "vda2 root ext4 / 2560M@2\n"
	  "vda3 home ext4 /home 7677M@2562\n" },
	{ "every grower capped: space stays free", "reqpart\npart / --size=1024 --grow --maxsize=2048\n"
	  "part /srv --size=512 --grow --maxsize=1024\n", { DISK("vda", 10 * GiB) }, PART_FIRMWARE_BIOS, 0, false,
	  "vda1 biosboot - - 1M@1\n"
	  "vda2 root ext4 / 2048M@2\n"
	  "vda3 srv ext4 /srv 1024M@2050\n" },
	{ "fixed sizes only, no grow", "reqpart\npart / --size=3000\npart swap --size=500\n", { DISK("vda", 10 * GiB) },
	  PART_FIRMWARE_UEFI, 0, false,
	  "vda1 esp vfat /boot/efi 600M@1\n"
	  "vda2 root ext4 / 3000M@601\n"
	  "vda3 swap swap - 500M@3601\n" },
	{ "two disks with --ondisk", "reqpart\npart / --size=4096 --grow --ondisk=vda\n"
	  "part /home --size=1024 --grow --ondisk=vdb\npart swap --size=512 --ondisk=/dev/vdb\n",
	  { DISK("vda", 10 * GiB), DISK("vdb", 20 * GiB) }, PART_FIRMWARE_UEFI, 0, false,
	  "vda1 esp vfat /boot/efi 600M@1\n"
	  "vda2 root ext4 / 9638M@601\n"
	  "vdb1 home ext4 /home 19966M@1\n"
	  "vdb2 swap swap - 512M@19967\n" },
	{ "two disks, no --ondisk: first disk with room", "reqpart\npart / --size=3000\npart /home --size=8000 --grow\n",
	  { DISK("vda", 4 * GiB), DISK("vdb", 20 * GiB) }, PART_FIRMWARE_UEFI, 0, false,
	  "vda1 esp vfat /boot/efi 600M@1\n"
	  "vda2 root ext4 / 3000M@601\n"
	  "vdb1 home ext4 /home 20478M@1\n" },
	{ "--ondisk names a disk not selected", "reqpart\npart / --grow --ondisk=vda\npart /home --ondisk=vdc\n",
	  { DISK("vda", 10 * GiB), DISK("vdb", 10 * GiB) }, PART_FIRMWARE_UEFI, 0, false, NULL,
	  "ks.cfg:3: part /home: --ondisk=vdc is not one of the disks slipway may use (vda, vdb)" },
	{ "--ondisk disk too small", "reqpart\npart / --size=2000 --ondisk=vdb\n",
	  { DISK("vda", 10 * GiB), DISK("vdb", 1 * GiB) }, PART_FIRMWARE_BIOS, 0, false, NULL,
	  "/dev/vdb: the layout needs 2.0 GiB but the disk has 1 GiB (978 MiB missing)" },
	{ "msdos, BIOS: no biosboot, / active", "autopart --type=plain\n", { MSDOS("vda", 20 * GiB) }, PART_FIRMWARE_BIOS, 0,
	  false,
	  "vda1 swap swap - 2047M@1\n"
	  "vda2 root ext4 / 18432M@2048 active\n" },
	{ "msdos, UEFI: ESP as type 0xef", "reqpart --add-boot\npart / --grow\n", { MSDOS("vda", 10 * GiB) },
	  PART_FIRMWARE_UEFI, 0, false,
	  "vda1 esp vfat /boot/efi 600M@1\n"
	  "vda2 xbootldr ext4 /boot 1024M@601 active\n"
	  "vda3 root ext4 / 8615M@1625\n" },
	{ "msdos: a fifth partition goes into an extended one", "part / --size=1000\npart /a --size=100\npart /b --size=100\n"
	  "part /c --size=100\npart /d --size=100\n", { MSDOS("vda", 10 * GiB) }, PART_FIRMWARE_BIOS, 0, false,
	  "vda1 root ext4 / 1000M@1 active\n"
	  "vda2 data ext4 /a 100M@1001\n"
	  "vda3 data ext4 /b 100M@1101\n"
	  "vda5 data ext4 /c 100M@1202 logical\n"
	  "vda6 data ext4 /d 100M@1303 logical\n" },
	{ "msdos: logical partitions grow, each after its 1 MiB EBR", "part /boot --size=500\npart swap --size=512\n"
	  "part /var --size=1000 --grow\npart /home --size=1000 --grow\npart / --size=2000 --grow\n",
	  { MSDOS("vda", 10 * GiB) }, PART_FIRMWARE_BIOS, 0, false,
	  "vda1 xbootldr ext4 /boot 500M@1 active\n"
	  "vda2 swap swap - 512M@501\n"
	  "vda3 var ext4 /var 2307M@1013\n"
	  "vda5 home ext4 /home 2306M@3321 logical\n"
	  "vda6 root ext4 / 4612M@5628 logical\n" },
	{ "msdos: / logical, no /boot: nothing is marked active", "part /a --size=100\npart /b --size=100\n"
	  "part /c --size=100\npart swap --size=100\npart / --grow\n", { MSDOS("vda", 4 * GiB) }, PART_FIRMWARE_BIOS, 0,
	  false,
	  "vda1 data ext4 /a 100M@1\n"
	  "vda2 data ext4 /b 100M@101\n"
	  "vda3 data ext4 /c 100M@201\n"
	  "vda5 swap swap - 100M@302 logical\n"
	  "vda6 root ext4 / 3693M@403 logical\n" },
	{ "msdos: the EBRs count when the space is exact", "part / --size=1000\npart /a --size=1000\npart /b --size=1000\n"
	  "part /c --size=1000\npart /d --size=1118\n", { MSDOS("vda", 5 * GiB) }, PART_FIRMWARE_BIOS, 0, false, NULL,
	  "/dev/vda: the layout needs 5.0 GiB but the disk has 5 GiB (1 MiB missing)" },
	{ "msdos kept: no logical partitions added", "part /a --size=100\npart /b --size=100\npart /c --size=100\n"
	  "part / --size=100\n", { { .name = "sda", .size = 20 * GiB, .table = PART_TABLE_MSDOS, .keep = keep_5g,
	  .n_keep = 1 } }, PART_FIRMWARE_BIOS, 0, false, NULL,
	  "/dev/sda: the msdos partition table kept holds 4 primary partitions and ks.cfg:4: part / would be the 5th "
	  "(slipway adds no logical partitions to a table it keeps; clear the disk or use GPT)" },
	{ "msdos: biosboot asked", "part biosboot --fstype=biosboot --size=1\npart / --grow\n", { MSDOS("vda", 10 * GiB) },
	  PART_FIRMWARE_BIOS, 0, false, NULL,
	  "ks.cfg:1: part biosboot: biosboot partitions are only used on GPT disks (the boot disk has an msdos label)" },
	{ "reqpart on BIOS", "reqpart\npart / --grow\n", { DISK("vda", 8 * GiB) }, PART_FIRMWARE_BIOS, 0, false,
	  "vda1 biosboot - - 1M@1\n"
	  "vda2 root ext4 / 8189M@2\n" },
	{ "reqpart on UEFI", "reqpart\npart / --grow\n", { DISK("vda", 8 * GiB) }, PART_FIRMWARE_UEFI, 0, false,
	  "vda1 esp vfat /boot/efi 600M@1\n"
	  "vda2 root ext4 / 7590M@601\n" },
	{ "reqpart --add-boot for both firmwares", "reqpart --add-boot\npart / --grow --fstype=xfs\n", { DISK("loop0", 8 * GiB) },
	  PART_FIRMWARE_BOTH, 0, true,
	  "loop01 biosboot - - 1M@1\n"
	  "loop02 esp vfat /boot/efi 600M@2\n"
	  "loop03 xbootldr ext4 /boot 1024M@602\n"
	  "loop04 root xfs / 6565M@1626\n" },
	{ "reqpart keeps the user's ESP", "reqpart\npart /boot/efi --fstype=efi --size=200\npart / --grow\n",
	  { DISK("vda", 8 * GiB) }, PART_FIRMWARE_UEFI, 0, false,
	  "vda1 esp vfat /boot/efi 200M@1\n"
	  "vda2 root ext4 / 7990M@201\n" },
	{ "encrypted / implies /boot", "reqpart\npart / --grow --encrypted --passphrase=pass-phrase-x\n", { DISK("vda", 8 * GiB) },
	  PART_FIRMWARE_UEFI, 0, false,
	  "vda1 esp vfat /boot/efi 600M@1\n"
	  "vda2 xbootldr ext4 /boot 1024M@601\n"
	  "vda3 root ext4 / 6566M@1625 luks\n" },
	{ "encrypted without a passphrase", "reqpart\npart / --grow --encrypted\n", { DISK("vda", 8 * GiB) },
	  PART_FIRMWARE_UEFI, 0, false, NULL,
	  "ks.cfg:2: part /: --encrypted needs --passphrase (slipway cannot ask for it in cmdline mode)" },
	{ "encrypted ESP", "part /boot/efi --fstype=efi --encrypted --passphrase=pass-phrase-x\npart / --grow\n",
	  { DISK("vda", 8 * GiB) }, PART_FIRMWARE_UEFI, 0, false, NULL,
	  "ks.cfg:1: part /boot/efi: the esp partition cannot be encrypted (the firmware and the boot loader read it)" },
	{ "autopart --encrypted --noboot", "autopart --type=plain --encrypted --passphrase=pass-phrase-x --noboot\n",
	  { DISK("vda", 8 * GiB) }, PART_FIRMWARE_UEFI, 0, false, NULL,
	  "autopart: --noboot cannot be used with --encrypted: the boot loader needs an unencrypted /boot" },
	{ "no root", "reqpart\npart /home --grow\n", { DISK("vda", 8 * GiB) }, PART_FIRMWARE_UEFI, 0, false, NULL,
	  "storage: the layout has no root (/) partition" },
	{ "UEFI without an ESP", "part / --grow\n", { DISK("vda", 8 * GiB) }, PART_FIRMWARE_UEFI, 0, false, NULL,
	  "storage: UEFI needs an EFI System Partition: add `reqpart` or `part /boot/efi --fstype=efi --size=600`" },
	{ "BIOS on GPT without biosboot", "part / --grow\n", { DISK("vda", 8 * GiB) }, PART_FIRMWARE_BIOS, 0, false, NULL,
	  "storage: BIOS boot from a GPT disk needs a biosboot partition: add `reqpart` or `part biosboot "
	  "--fstype=biosboot --size=1`" },
	{ "bootloader --location=none needs no boot partitions", "bootloader --location=none\npart / --grow\n",
	  { DISK("vda", 8 * GiB) }, PART_FIRMWARE_UEFI, 0, false, "vda1 root ext4 / 8190M@1\n" },
	{ "image with only an ESP still plans (a warning)", "part /boot/efi --fstype=efi\npart / --grow\n",
	  { DISK("loop0", 4 * GiB) }, PART_FIRMWARE_BOTH, 0, true,
	  "loop01 esp vfat /boot/efi 600M@1\n"
	  "loop02 root ext4 / 3494M@601\n" },
	{ "swap --recommended, capped at 10% of the disk", "reqpart\npart swap --recommended\npart / --grow\n",
	  { DISK("vda", 40 * GiB) }, PART_FIRMWARE_BIOS, 16 * GiB, false,
	  "vda1 biosboot - - 1M@1\n"
	  "vda2 swap swap - 4095M@2\n"
	  "vda3 root ext4 / 36862M@4097\n" },
	{ "explicit swap in image mode is kept", "reqpart\npart swap --size=512\npart / --grow\n", { DISK("loop0", 4 * GiB) },
	  PART_FIRMWARE_BOTH, 0, true,
	  "loop01 biosboot - - 1M@1\n"
	  "loop02 esp vfat /boot/efi 600M@2\n"
	  "loop03 swap swap - 512M@602\n"
	  "loop04 root ext4 / 2981M@1114\n" },
	{ "--luks-version unknown", "reqpart\npart / --grow --encrypted --passphrase=pass-phrase-x --luks-version=luks3\n",
	  { DISK("vda", 8 * GiB) }, PART_FIRMWARE_UEFI, 0, false, NULL,
	  "ks.cfg:2: part /: --luks-version=luks3 is not valid (use luks2 or luks1)" },
	{ "--pbkdf unknown", "reqpart\npart / --grow --encrypted --passphrase=pass-phrase-x --pbkdf=scrypt\n",
	  { DISK("vda", 8 * GiB) }, PART_FIRMWARE_UEFI, 0, false, NULL,
	  "ks.cfg:2: part /: --pbkdf=scrypt is not valid (use argon2id, argon2i or pbkdf2)" },
	{ "LUKS1 with argon2", "reqpart\npart / --grow --encrypted --passphrase=pass-phrase-x --luks-version=luks1\n",
	  { DISK("vda", 8 * GiB) }, PART_FIRMWARE_UEFI, 0, false, NULL,
	  "ks.cfg:2: part /: LUKS1 only supports --pbkdf=pbkdf2" },
	{ "autopart: LUKS options checked too", "autopart --type=plain --encrypted --passphrase=pass-phrase-x --pbkdf=md5\n",
	  { DISK("vda", 20 * GiB) }, PART_FIRMWARE_UEFI, 0, false, NULL,
	  "autopart: --pbkdf=md5 is not valid (use argon2id, argon2i or pbkdf2)" },
	{ "swap with a mount point", "reqpart\npart /swap --fstype=swap --size=100\npart / --grow\n", { DISK("vda", 8 * GiB) },
	  PART_FIRMWARE_UEFI, 0, false, NULL, "ks.cfg:2: part /swap: --fstype=swap cannot have a mount point" },
	{ "reqpart without a part for /", "reqpart\n", { DISK("vda", 8 * GiB) }, PART_FIRMWARE_UEFI, 0, false, NULL,
	  "reqpart: no part command says where / goes" },
	{ "kept partition splits the free space: no region fits", "reqpart\npart / --size=10000\n",
	  { { .name = "sda", .size = 20 * GiB, .keep = keep_mid, .n_keep = 1 } }, PART_FIRMWARE_BIOS, 0, false, NULL,
	  "/dev/sda: no free region of 9.8 GiB for ks.cfg:2: part / (the free space is split by the partitions kept)" },
	{ "duplicate mount point", "reqpart\npart / --grow\npart / --size=100\n", { DISK("vda", 8 * GiB) }, PART_FIRMWARE_BIOS,
	  0, false, NULL, "ks.cfg:3: part /: / is already used by ks.cfg:2: part /" },
	{ "unsupported filesystem", "reqpart\npart / --grow --fstype=ntfs\n", { DISK("vda", 8 * GiB) }, PART_FIRMWARE_BIOS, 0,
	  false, NULL, "ks.cfg:2: part /: --fstype=ntfs is not supported by slipway yet (use one of ext4, xfs, btrfs, vfat, swap)" },
	{ "xfs below its minimum", "reqpart\npart / --size=200 --fstype=xfs\n", { DISK("vda", 8 * GiB) }, PART_FIRMWARE_BIOS, 0,
	  false, NULL, "ks.cfg:2: part /: the size 200 MiB is below the minimum of 300 MiB for xfs" },
	{ "4K sectors: a 100 MiB ESP is too small for FAT32", "part /boot/efi --fstype=efi --size=100\npart / --grow\n",
	  { DISK4K("vda", 8 * GiB) }, PART_FIRMWARE_UEFI, 0, false, NULL,
	  "ks.cfg:1: part /boot/efi: the size 100 MiB is below the minimum of 260 MiB for vfat" },
	{ "4K sectors: a 300 MiB ESP is fine", "part /boot/efi --fstype=efi --size=300\npart / --grow\n",
	  { DISK4K("vda", 8 * GiB) }, PART_FIRMWARE_UEFI, 0, false,
	  "vda1 esp vfat /boot/efi 300M@1\n"
	  "vda2 root ext4 / 7890M@301\n" },
	{ "--maxsize below --size", "reqpart\npart / --size=2000 --grow --maxsize=1000\n", { DISK("vda", 8 * GiB) },
	  PART_FIRMWARE_BIOS, 0, false, NULL, "ks.cfg:2: part /: --maxsize=1000 is smaller than the size (2000 MiB)" },
	{ "kept partition: new ones in the free space after it", "reqpart\npart / --grow\n",
	  { { .name = "sda", .size = 20 * GiB, .keep = keep_5g, .n_keep = 1 } }, PART_FIRMWARE_BIOS, 0, false,
	  "sda2 biosboot - - 1M@5121\n"
	  "sda3 root ext4 / 15357M@5122\n" },
	{ "kept partition leaves too little", "reqpart\npart / --size=2048\n",
	  { { .name = "sda", .size = 20 * GiB, .keep = keep_19g, .n_keep = 1 } }, PART_FIRMWARE_BIOS, 0, false, NULL,
	  "/dev/sda: the new partitions need 2.0 GiB but only 1022 MiB is free (1.0 GiB missing)" },
	{ "unformatted partition and a labelled data one", "reqpart\npart none --size=64\npart /data --size=100 --label=DATA "
	  "--fsoptions=noatime\npart / --grow\n", { DISK("vda", 4 * GiB) }, PART_FIRMWARE_BIOS, 0, false,
	  "vda1 biosboot - - 1M@1\n"
	  "vda2 data - - 64M@2\n"
	  "vda3 data ext4 /data 100M@66\n"
	  "vda4 root ext4 / 3929M@166\n" },
	{ "btrfs root", "reqpart\npart / --grow --fstype=btrfs\n", { DISK("vda", 4 * GiB) }, PART_FIRMWARE_UEFI, 0, false,
	  "vda1 esp vfat /boot/efi 600M@1\n"
	  "vda2 root btrfs / 3494M@601\n" },
	{ "odd disk size: aligned down, GPT backup kept clear", "reqpart\npart / --grow\n", { DISK("vda", 8 * GiB + 12345) },
	  PART_FIRMWARE_BIOS, 0, false,
	  "vda1 biosboot - - 1M@1\n"
	  "vda2 root ext4 / 8189M@2\n" },
};

static void test_layouts(void **state)
{
	unsigned failed = 0;

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		const struct layout_case *c = &cases[i];
		_cleanup_(part_layout_freep) struct part_layout *l = NULL;
		_cleanup_strbuf_ struct strbuf got = STRBUF_INIT;
		int r = plan(c, &l);
		if (r >= 0)
			dump(l, &got);
		if (c->want && (r < 0 || !streq(strbuf_str(&got), c->want))) {
			print_error("FAIL %s\n  expected:\n%s  got (r=%d %s):\n%s", c->name, c->want, r, last_error,
				    strbuf_str(&got));
			failed++;
		} else if (c->error && (r >= 0 || !streq(last_error, c->error))) {
			print_error("FAIL %s\n  expected error: %s\n  got (r=%d): %s\n%s", c->name, c->error, r,
				    last_error, strbuf_str(&got));
			failed++;
		}
	}
	print_message("%zu layouts checked\n", ELEMENTSOF(cases));
	if (failed)
		fail_msg("%u of %zu layouts wrong", failed, ELEMENTSOF(cases));
}

/* The extended partition spans every logical one and its EBR. */
static void test_msdos_extended(void **state)
{
	static const struct layout_case c = {
		"extended", "part / --size=1000\npart /a --size=100\npart /b --size=100\npart /c --size=100\n"
			    "part /d --size=100 --grow\n",
		{ MSDOS("vda", 4 * GiB) }, PART_FIRMWARE_BIOS, 0, false, NULL, NULL,
	};
	_cleanup_(part_layout_freep) struct part_layout *l = NULL;
	assert_int_equal(plan(&c, &l), 0);
	const struct part_layout_disk *d = &l->disks[0];
	assert_int_equal(d->ext_start, 1201 * MiB);
	assert_int_equal(d->ext_start + d->ext_size, d->end);
	assert_int_equal(l->entries[3].start, d->ext_start + MiB);
	assert_int_equal(l->entries[4].start, l->entries[3].start + l->entries[3].size + MiB);
	/* a GPT disk or a short msdos table has none */
	static const struct layout_case g = { "gpt", "reqpart\npart / --grow\n", { MSDOS("vda", 4 * GiB) },
					      PART_FIRMWARE_BIOS, 0, false, NULL, NULL };
	_cleanup_(part_layout_freep) struct part_layout *l2 = NULL;
	assert_int_equal(plan(&g, &l2), 0);
	assert_int_equal(l2->disks[0].ext_size, 0);
}

/* libfdisk's DOS label holds 60 partitions: the 61st is an error. */
static void test_msdos_too_many(void **state)
{
	_cleanup_strbuf_ struct strbuf ks = STRBUF_INIT;
	for (int i = 0; i < 60; i++)
		strbuf_addf(&ks, "part /d%d --size=10\n", i);
	strbuf_adds(&ks, "part / --grow\n");
	struct layout_case c = { "61 partitions", strbuf_str(&ks), { MSDOS("vda", 10 * GiB) }, PART_FIRMWARE_BIOS,
				 0, false, NULL, NULL };
	_cleanup_(part_layout_freep) struct part_layout *l = NULL;
	assert_int_equal(plan(&c, &l), -EINVAL);
	assert_string_equal(last_error, "/dev/vda: an msdos partition table holds at most 60 partitions, the layout "
					"has 61 (use GPT)");
	/* 60 fit: 3 primary, 57 logical numbered 5…61 */
	strbuf_reset(&ks);
	for (int i = 0; i < 59; i++)
		strbuf_addf(&ks, "part /d%d --size=10\n", i);
	strbuf_adds(&ks, "part / --grow\n");
	c.ks = strbuf_str(&ks);
	_cleanup_(part_layout_freep) struct part_layout *l2 = NULL;
	assert_int_equal(plan(&c, &l2), 0);
	assert_int_equal(l2->entries[59].partno, 61);
	assert_true(l2->entries[59].logical);
}

static void test_gpt_tail(void **state)
{
	uint64_t first, end;

	/* 512: 33 sectors at the end; an exact-MiB disk loses its last MiB */
	part_disk_usable(8 * GiB, 512, PART_TABLE_GPT, &first, &end);
	assert_int_equal(first, MiB);
	assert_int_equal(end, 8 * GiB - MiB);
	/* 33 sectors fit in the slack after the last whole MiB */
	part_disk_usable(8 * GiB + 33 * 512, 512, PART_TABLE_GPT, &first, &end);
	assert_int_equal(end, 8 * GiB);
	part_disk_usable(8 * GiB + 32 * 512, 512, PART_TABLE_GPT, &first, &end);
	assert_int_equal(end, 8 * GiB - MiB);
	/* 4096: 5 sectors (header + 4 sectors of entries) */
	part_disk_usable(8 * GiB + 5 * 4096, 4096, PART_TABLE_GPT, &first, &end);
	assert_int_equal(end, 8 * GiB);
	part_disk_usable(8 * GiB + 4 * 4096, 4096, PART_TABLE_GPT, &first, &end);
	assert_int_equal(end, 8 * GiB - MiB);
	/* msdos has no backup */
	part_disk_usable(8 * GiB, 512, PART_TABLE_MSDOS, &first, &end);
	assert_int_equal(end, 8 * GiB);
}

static void test_swap_recommended(void **state)
{
	assert_int_equal(part_swap_recommended(1 * GiB, 0), 2 * GiB);
	assert_int_equal(part_swap_recommended(2 * GiB, 0), 2 * GiB);
	assert_int_equal(part_swap_recommended(4 * GiB, 0), 4 * GiB);
	assert_int_equal(part_swap_recommended(8 * GiB, 0), 4 * GiB);
	assert_int_equal(part_swap_recommended(32 * GiB, 0), 16 * GiB);
	assert_int_equal(part_swap_recommended(64 * GiB, 0), 4 * GiB);
	assert_int_equal(part_swap_recommended(4 * GiB, 10 * GiB), 1024 * MiB);
}

/* Types, names, UUIDs, LUKS settings of one layout. */
static void test_types_and_uuids(void **state)
{
	static const struct layout_case c = {
		"types", "reqpart --add-boot\npart swap --size=512\npart /home --size=100\n"
			 "part / --grow --encrypted --passphrase=pw --cipher=aes-cbc-essiv:sha256 --pbkdf=pbkdf2 "
			 "--pbkdf-iterations=1000\n",
		{ DISK("loop0", 8 * GiB) }, PART_FIRMWARE_BOTH, 0, true, NULL, NULL,
	};
	_cleanup_(part_layout_freep) struct part_layout *l = NULL;
	assert_int_equal(plan(&c, &l), 0);
	static const char *const guids[] = {
		"21686148-6449-6e6f-744e-656564454649", "c12a7328-f81f-11d2-ba4b-00a0c93ec93b",
		"bc13c2ff-59e6-4262-a352-b275fd6f7172", "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f",
		"933ac7e1-2eb4-4f13-b844-0e14e2aef915", "4f68bce3-e8cd-4db1-96e7-fbcaf984b709",
	};
	static const char *const names[] = { "biosboot", "esp", "xbootldr", "swap", "home", "root-x86-64" };
	assert_int_equal(l->n_entries, 6);
	for (size_t i = 0; i < 6; i++) {
		const struct part_entry *e = &l->entries[i];
		assert_string_equal(e->type_guid, guids[i]);
		assert_string_equal(e->part_name, names[i]);
		assert_int_equal(strlen(e->part_uuid), 36);
		assert_int_equal(e->part_uuid[14], '4');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(e->part_uuid, l->entries[j].part_uuid);
	}
	assert_int_equal(strlen(l->disks[0].disk_uuid), 36);
	assert_string_equal(l->entries[0].fs_uuid, "");
	assert_int_equal(strlen(l->entries[1].fs_uuid), 9); /* vfat volume id */
	assert_int_equal(l->entries[1].fs_uuid[4], '-');
	const struct part_entry *root = part_layout_find_mount(l, "/");
	assert_non_null(root);
	assert_true(root->encrypted);
	assert_string_equal(root->luks.version, "luks2");
	assert_string_equal(root->luks.cipher, "aes-cbc-essiv:sha256");
	assert_string_equal(root->luks.pbkdf, "pbkdf2");
	assert_int_equal(root->luks.pbkdf_iterations, 1000);
	assert_string_equal(root->luks.passphrase, "pw");
	assert_int_equal(strlen(root->luks.uuid), 36);
	assert_true(startswith(root->luks.mapper, "luks-"));
	assert_string_equal(root->luks.mapper + 5, root->luks.uuid);
	assert_string_not_equal(root->luks.uuid, root->fs_uuid);
	/* the default LUKS settings */
	static const struct layout_case d = { "defaults", "autopart --type=plain --encrypted --passphrase=pw\n",
					      { DISK("vda", 20 * GiB) }, PART_FIRMWARE_UEFI, 0, false, NULL, NULL };
	_cleanup_(part_layout_freep) struct part_layout *l2 = NULL;
	assert_int_equal(plan(&d, &l2), 0);
	root = part_layout_find_role(l2, PART_ROLE_ROOT);
	assert_string_equal(root->luks.cipher, "aes-xts-plain64");
	assert_string_equal(root->luks.pbkdf, "argon2id");
	assert_int_equal(root->luks.pbkdf_memory, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_msdos_extended),
		cmocka_unit_test(test_msdos_too_many),
		cmocka_unit_test(test_gpt_tail),
		cmocka_unit_test(test_swap_recommended),
		cmocka_unit_test(test_types_and_uuids),
	};
	event_sink_add(&capture);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
