/* The layout planner: from a kickstart's part/autopart/reqpart and plain
 * descriptions of the selected disks to sized, aligned partitions with their
 * types, filesystems, LUKS settings and plan-time UUIDs. No I/O. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macros.h"

struct ks;
struct ks_luks;

enum part_firmware {
	PART_FIRMWARE_BIOS,
	PART_FIRMWARE_UEFI,
	PART_FIRMWARE_BOTH, /* images: one disk that boots either way */
	_PART_FIRMWARE_MAX,
};

enum part_table {
	PART_TABLE_GPT,
	PART_TABLE_MSDOS,
	_PART_TABLE_MAX,
};

enum part_role {
	PART_ROLE_BIOSBOOT,
	PART_ROLE_ESP,
	PART_ROLE_XBOOTLDR, /* /boot */
	PART_ROLE_ROOT,
	PART_ROLE_SWAP,
	PART_ROLE_HOME,
	PART_ROLE_SRV,
	PART_ROLE_VAR,
	PART_ROLE_TMP, /* /var/tmp */
	PART_ROLE_DATA,
	_PART_ROLE_MAX,
};

/* An existing partition that stays (clearpart --none/--linux/--list). */
struct part_extent {
	unsigned partno;
	uint64_t start, size; /* bytes */
};

/* A selected disk, as the planner sees it. */
struct part_disk_info {
	const char *name, *path;
	uint64_t size;                       /* bytes */
	unsigned sector_size;                /* logical; 0 means 512 */
	unsigned physical_sector_size;       /* 0 means sector_size */
	enum part_table table;               /* the table written or kept */
	bool keep_table;                     /* keep the table and the partitions in keep */
	const struct part_extent *keep;
	size_t n_keep;
};

struct part_layout_opts {
	enum part_firmware firmware;
	uint64_t ram;       /* bytes, for recommended swap */
	bool image;         /* image mode: no swap unless asked */
	const char *boot_disk; /* name of the disk for boot partitions; NULL: the first */
	/* Source of randomness for UUIDs (tests make it deterministic); NULL: getrandom(). */
	void (*random)(void *buf, size_t n, void *userdata);
	void *userdata;
};

struct part_luks {
	char *version;    /* "luks2" or "luks1" */
	char *cipher;     /* "aes-xts-plain64" */
	char *pbkdf;      /* "argon2id", "argon2i", "pbkdf2" */
	uint64_t pbkdf_memory;     /* KiB, 0: library default */
	uint64_t pbkdf_time;       /* ms, 0: library default */
	uint64_t pbkdf_iterations; /* 0: benchmarked */
	char *passphrase;          /* secret */
	char uuid[37];
	char mapper[64];           /* luks-UUID, the name in crypttab */
};

struct part_entry {
	enum part_role role;
	char *mountpoint; /* "/", "/boot/efi"; NULL for swap, biosboot, none */
	char *fstype;     /* ext4 xfs vfat swap btrfs ext2 ext3; NULL: unformatted */
	char *label, *fsoptions, *mkfsoptions;
	char *origin; /* "part / (ks.cfg:12)", "autopart", "reqpart" */
	char *ondisk; /* requested disk name, or NULL */

	/* the request */
	uint64_t min, base, max; /* bytes; max 0: no limit */
	bool grow;
	bool size_given; /* --size: below the minimum is an error, not raised */

	/* the result */
	size_t disk; /* index in part_layout.disks */
	unsigned partno;
	uint64_t start, size; /* bytes */
	const char *type_guid, *part_name; /* GPT */
	uint8_t mbr_type;                  /* msdos */
	bool bootable;                     /* msdos active flag */
	bool logical;                      /* msdos: inside the extended partition */
	char part_uuid[37];
	char fs_uuid[37]; /* vfat: "ABCD-1234" */

	bool encrypted;
	struct part_luks luks;
};

struct part_layout_disk {
	char *name, *path;
	uint64_t size;
	unsigned sector_size, physical_sector_size;
	enum part_table table;
	bool keep_table;
	char disk_uuid[37];    /* GPT disk GUID of a new table */
	uint64_t first, end;   /* usable bytes [first, end), aligned */
	/* msdos with more than 4 new partitions: partition 4 is an extended
	 * partition [ext_start, ext_start + ext_size) holding the logical
	 * ones (5…), each 1 MiB after its EBR. 0: none. */
	uint64_t ext_start, ext_size;
	struct part_extent *keep;
	size_t n_keep;
};

struct part_layout {
	struct part_layout_disk *disks;
	size_t n_disks;
	struct part_entry *entries; /* by disk, then start */
	size_t n_entries;
	char **notes; /* decisions the dry-run shows ("/boot added: / is encrypted") */
};

const char *part_firmware_to_string(enum part_firmware f);
int part_firmware_from_string(const char *s);
const char *part_table_to_string(enum part_table t); /* "gpt", "msdos" */
int part_table_from_string(const char *s);           /* also "dos", "mbr" */
const char *part_role_to_string(enum part_role r);
/* Discoverable Partitions Spec type GUID and GPT name (x86-64). */
const char *part_role_type_guid(enum part_role r);
const char *part_role_part_name(enum part_role r);
uint8_t part_role_mbr_type(enum part_role r);
enum part_role part_role_from_mountpoint(const char *m, const char *fstype);

/* Anaconda's recommended swap: 2×RAM below 2 GiB, RAM below 8 GiB, RAM/2
 * below 64 GiB, else 4 GiB; at most 10% of disk_space (0: no cap). */
uint64_t part_swap_recommended(uint64_t ram, uint64_t disk_space);
/* Usable bytes [first, end) of a disk with a new table, 1 MiB aligned,
 * leaving room for the GPT backup header and entries at the end. */
void part_disk_usable(uint64_t size, unsigned sector_size, enum part_table t, uint64_t *first,
		      uint64_t *end);

/* Plans the layout. Errors are logged with the cause (how much space is
 * missing, which option is wrong) and returned: -EINVAL for a kickstart
 * problem, -ENOSPC when the disks are too small. */
int part_plan_layout(const struct ks *ks, const struct part_disk_info *disks, size_t n,
		     const struct part_layout_opts *o, struct part_layout **ret);
void part_layout_free(struct part_layout *l);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct part_layout *, part_layout_free)

const struct part_entry *part_layout_find_role(const struct part_layout *l, enum part_role r);
const struct part_entry *part_layout_find_mount(const struct part_layout *l, const char *mountpoint);

/* Internal to the planner (layout-*.c); exposed for its own files. */
void part_uuid_random(const struct part_layout_opts *o, char out[static 37]);
void part_vfat_volid_random(const struct part_layout_opts *o, char out[static 37]);
void part_entry_clear(struct part_entry *e);
int part_layout_allocate(struct part_layout *l, const struct part_layout_opts *o);
