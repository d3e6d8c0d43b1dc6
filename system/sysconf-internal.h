/* Shared by the files of system/: files in the target root (atomic writes,
 * symlinks, directories), running the target's tools, and the writers that
 * sysconf_apply() calls in order. */
#pragma once

#include <sys/stat.h>

#include "event.h"
#include "kickstart/ks.h"
#include "run.h"
#include "strv.h"
#include "sysconf.h"

#define SYSCONF_UID_KEEP ((uid_t)-1)

/* root + "/" + path (path may start with "/"). */
char *sysconf_path(const char *root, const char *path);
bool sysconf_exists(const char *root, const char *path);
/* mkdir -p below root with mode for every directory it creates. */
int sysconf_mkdir_p(const char *root, const char *dir, mode_t mode);
/* Writes data to root/path through a temporary file in the same directory
 * and rename(): mode, owner (SYSCONF_UID_KEEP: root), fsync. Parent
 * directories are created 0755. */
int sysconf_write_file_full(const char *root, const char *path, const char *data, size_t len,
			    mode_t mode, uid_t uid, gid_t gid);
static inline int sysconf_write_file(const char *root, const char *path, const struct strbuf *sb,
				     mode_t mode)
{
	return sysconf_write_file_full(root, path, sb->buf ? sb->buf : "", sb->len, mode,
				       SYSCONF_UID_KEEP, SYSCONF_UID_KEEP);
}
/* Replaces root/path by a symlink to target, atomically. */
int sysconf_symlink(const char *root, const char *path, const char *target);
/* Reads root/path; -ENOENT when missing. */
int sysconf_read_file(const char *root, const char *path, struct strbuf *out);

/* Runs argv chrooted into root (the target's own tool), output to the log;
 * systemctl is told it is offline (SYSTEMD_OFFLINE=1). */
int sysconf_run(const char *root, char *const *argv);
/* systemctl enable/disable UNIT in the target; missing units are warnings
 * when warn_missing, errors otherwise. */
int sysconf_systemctl(const char *root, const char *verb, const char *unit, bool warn_missing);

/* ---- writers, in sysconf_apply() order ---- */
const char *sysconf_ks_hostname(const struct ks *ks);
int sysconf_write_hostname(const struct ks *ks, const char *root);
int sysconf_write_locale(const struct ks *ks, const char *root);
int sysconf_write_vconsole(const struct ks *ks, const char *root);
int sysconf_write_timezone(const struct ks *ks, const char *root, const struct sysconf_caps *c);
int sysconf_write_ntp(const struct ks *ks, const char *root, const struct sysconf_caps *c);
int sysconf_write_machine_id(const struct ks *ks, const char *root, const struct sysconf_opts *o);
int sysconf_write_groups(const struct ks *ks, const char *root);
int sysconf_write_users(const struct ks *ks, const char *root);
int sysconf_write_root(const struct ks *ks, const char *root, const struct sysconf_caps *c);
int sysconf_write_sshkeys(const struct ks *ks, const char *root);
int sysconf_write_network(const struct ks *ks, const char *root, const struct sysconf_caps *c);
int sysconf_write_selinux(const struct ks *ks, const char *root, const struct sysconf_caps *c);
int sysconf_write_firewall(const struct ks *ks, const char *root, const struct sysconf_caps *c);
int sysconf_write_services(const struct ks *ks, const char *root, const struct sysconf_caps *c,
			   const struct sysconf_opts *o);

/* Sets the password field of name in root/etc/shadow and empties its "last
 * changed" field (as Anaconda does), keeping the file's mode and owner. */
int sysconf_shadow_set_password(const char *root, const char *name, const char *field);
/* Sets root's login shell to /bin/bash in root/etc/passwd. */
int sysconf_root_shell(const char *root);
