/* Mounting for apply (internal to partition/). */
#pragma once

#include "layout.h"

struct teardown;

/* Creates target and mounts src there (libmount, no helpers); pushes the
 * umount on td. fstype NULL with options "bind" makes a bind mount. */
int part_mount_at(const char *src, const char *target, const char *fstype, const char *options,
		  struct teardown *td);
/* A private directory bind-mounted on target, standing in for the ESP. */
int part_stage_esp(const char *target, struct teardown *td, char **ret_stage);
