/* Filesystem helpers shared by the stages: directory trees, and the API
 * filesystems (/dev /proc /sys /run) bound into a target for chroot tools. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

struct teardown;

/* mkdir -p: creates every missing component. Returns 0 or -errno. */
int mkdir_p(const char *path, mode_t mode);
/* write(2) until all n bytes are written (EINTR retried). 0 or -errno. */
int fd_write_all(int fd, const void *buf, size_t n);
/* Creates or truncates path with exactly mode and writes len bytes of data.
 * Returns 0 or -errno. */
int file_write(const char *path, const char *data, size_t len, mode_t mode);
/* Makes a private directory $TMPDIR/NAME.XXXXXX (/var/tmp without TMPDIR).
 * Returns 0 or -errno; *ret is its path, on failure the template (for the
 * message). */
int tmpdir_new(const char *name, char **ret);
/* Binds /dev /proc /sys /run recursively into root (as slave mounts, so
 * nothing propagates back), each pushed on td as "umount ROOT/DIR".
 * *n_bound counts the binds made, also on failure. */
int mount_api_filesystems(const char *root, struct teardown *td, size_t *n_bound);
/* Unmounts the n_bound most recent binds of mount_api_filesystems() now and
 * drops them from td. */
int umount_api_filesystems(const char *root, struct teardown *td, size_t n_bound);
