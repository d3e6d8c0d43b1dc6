/* Disk selection: which probed disks the plan may touch (ignoredisk,
 * clearpart, zerombr, part --ondisk), what is cleared on each, and the
 * refusals that keep the wrong disk from being erased. Pure on the probe. */
#pragma once

#include "layout.h"
#include "probe.h"

struct part_sel_disk {
	const struct part_probe_disk *disk; /* borrowed from the probe */
	enum part_table table;              /* table written (new) or kept */
	bool new_table;                     /* everything on the disk goes */
	bool *remove;                       /* per disk->parts[i]: deleted */
	struct part_extent *keep;           /* the partitions that stay */
	size_t n_keep;
};

struct part_selection {
	struct part_sel_disk *disks;
	size_t n;
};

/* Returns 0, -EINVAL for a kickstart problem (unknown disk, conflicting
 * options), -EBUSY when a disk is refused for safety or nothing says which
 * of several disks to use (the CLI exits 3), -ENODEV when no disk is usable.
 * Every error is logged with the disks and the reasons. */
int part_select_disks(const struct ks *ks, const struct part_probe *probe, struct part_selection **ret);
void part_selection_free(struct part_selection *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct part_selection *, part_selection_free)
/* True when clearpart --linux would remove this partition. */
bool part_probe_part_is_linux(const struct part_probe_part *p);
