/* Partition roles and their Discoverable Partitions Spec type GUIDs, GPT
 * names and MBR types; enum <-> string tables; disk geometry and swap math;
 * plan-time UUIDs. */
#include <stdio.h>
#include <sys/random.h>

#include "layout.h"
#include "size.h"

static const char *const firmware_table[_PART_FIRMWARE_MAX] = {
	[PART_FIRMWARE_BIOS] = "bios",
	[PART_FIRMWARE_UEFI] = "uefi",
	[PART_FIRMWARE_BOTH] = "both",
};

static const char *const table_table[_PART_TABLE_MAX] = {
	[PART_TABLE_GPT] = "gpt",
	[PART_TABLE_MSDOS] = "msdos",
};

static const struct {
	const char *name, *guid, *part_name;
	uint8_t mbr;
} roles[_PART_ROLE_MAX] = {
	[PART_ROLE_BIOSBOOT] = { "biosboot", "21686148-6449-6e6f-744e-656564454649", "biosboot", 0 },
	[PART_ROLE_ESP] = { "esp", "c12a7328-f81f-11d2-ba4b-00a0c93ec93b", "esp", 0xef },
	[PART_ROLE_XBOOTLDR] = { "xbootldr", "bc13c2ff-59e6-4262-a352-b275fd6f7172", "xbootldr", 0x83 },
	[PART_ROLE_ROOT] = { "root", "4f68bce3-e8cd-4db1-96e7-fbcaf984b709", "root-x86-64", 0x83 },
	[PART_ROLE_SWAP] = { "swap", "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f", "swap", 0x82 },
	[PART_ROLE_HOME] = { "home", "933ac7e1-2eb4-4f13-b844-0e14e2aef915", "home", 0x83 },
	[PART_ROLE_SRV] = { "srv", "3b8f8425-20e0-4f3b-907f-1a25a76f98e8", "srv", 0x83 },
	[PART_ROLE_VAR] = { "var", "4d21b016-b534-45c2-a9fb-5c16e091fd2d", "var", 0x83 },
	[PART_ROLE_TMP] = { "tmp", "7ec6f557-3bc5-4aca-b293-16ef5df639d1", "tmp", 0x83 },
	[PART_ROLE_DATA] = { "data", "0fc63daf-8483-4772-8e79-3d69d8477de4", "linux-generic", 0x83 },
};

static int lookup(const char *const *table, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (table[i] && streq(table[i], s))
			return (int)i;
	return -EINVAL;
}

const char *part_firmware_to_string(enum part_firmware f)
{
	return f < _PART_FIRMWARE_MAX ? firmware_table[f] : NULL;
}

int part_firmware_from_string(const char *s)
{
	return lookup(firmware_table, _PART_FIRMWARE_MAX, s);
}

const char *part_table_to_string(enum part_table t)
{
	return t < _PART_TABLE_MAX ? table_table[t] : NULL;
}

int part_table_from_string(const char *s)
{
	if (s && (streq(s, "dos") || streq(s, "mbr")))
		return PART_TABLE_MSDOS;
	return lookup(table_table, _PART_TABLE_MAX, s);
}

const char *part_role_to_string(enum part_role r)
{
	return r < _PART_ROLE_MAX ? roles[r].name : NULL;
}

const char *part_role_type_guid(enum part_role r)
{
	return r < _PART_ROLE_MAX ? roles[r].guid : NULL;
}

const char *part_role_part_name(enum part_role r)
{
	return r < _PART_ROLE_MAX ? roles[r].part_name : NULL;
}

uint8_t part_role_mbr_type(enum part_role r)
{
	return r < _PART_ROLE_MAX ? roles[r].mbr : 0;
}

enum part_role part_role_from_mountpoint(const char *m, const char *fstype)
{
	static const struct {
		const char *mount;
		enum part_role role;
	} map[] = {
		{ "/", PART_ROLE_ROOT },	 { "/boot/efi", PART_ROLE_ESP }, { "/boot", PART_ROLE_XBOOTLDR },
		{ "/home", PART_ROLE_HOME },	 { "/srv", PART_ROLE_SRV },	 { "/var", PART_ROLE_VAR },
		{ "/var/tmp", PART_ROLE_TMP }, { "swap", PART_ROLE_SWAP },	 { "biosboot", PART_ROLE_BIOSBOOT },
	};

	if (fstype && (streq(fstype, "efi") || streq(fstype, "biosboot") || streq(fstype, "swap")))
		return streq(fstype, "efi") ? PART_ROLE_ESP
		       : streq(fstype, "swap") ? PART_ROLE_SWAP
					       : PART_ROLE_BIOSBOOT;
	for (size_t i = 0; m && i < ELEMENTSOF(map); i++)
		if (streq(m, map[i].mount))
			return map[i].role;
	return PART_ROLE_DATA;
}

uint64_t part_swap_recommended(uint64_t ram, uint64_t disk_space)
{
	uint64_t swap;

	if (ram < 2 * GiB)
		swap = 2 * ram;
	else if (ram < 8 * GiB)
		swap = ram;
	else if (ram < 64 * GiB)
		swap = ram / 2;
	else
		swap = 4 * GiB;
	if (disk_space > 0 && swap > disk_space / 10)
		swap = disk_space / 10;
	return swap / MiB * MiB;
}

void part_disk_usable(uint64_t size, unsigned sector_size, enum part_table t, uint64_t *first,
		      uint64_t *end)
{
	uint64_t ss = sector_size ? sector_size : 512;
	uint64_t tail = 0;

	/* GPT keeps a backup header (one sector) and a copy of the 128
	 * entries of 128 bytes at the end: 33 sectors of 512, 5 of 4096. */
	if (t == PART_TABLE_GPT)
		tail = (1 + (128 * 128 + ss - 1) / ss) * ss;
	*first = MiB;
	*end = size > tail ? (size - tail) / MiB * MiB : 0;
	if (*end < *first)
		*end = *first;
}

static void random_bytes(const struct part_layout_opts *o, uint8_t *buf, size_t n)
{
	if (o && o->random) {
		o->random(buf, n, o->userdata);
		return;
	}
	size_t done = 0;
	while (done < n) {
		ssize_t k = getrandom(buf + done, n - done, 0);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			abort(); /* the kernel always has getrandom(2) on our targets */
		}
		done += (size_t)k;
	}
}

void part_uuid_random(const struct part_layout_opts *o, char out[static 37])
{
	uint8_t b[16];

	random_bytes(o, b, sizeof(b));
	b[6] = (b[6] & 0x0f) | 0x40; /* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80; /* RFC 4122 variant */
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

void part_vfat_volid_random(const struct part_layout_opts *o, char out[static 37])
{
	uint8_t b[4];

	random_bytes(o, b, sizeof(b));
	snprintf(out, 37, "%02X%02X-%02X%02X", b[0], b[1], b[2], b[3]);
}
