/* Kickstarts on devices: inst.ks=hd:DEV:/path and cdrom[:DEV]:/path, the
 * OEMDRV volume Anaconda reads when no inst.ks= is given, and the log
 * copied back onto OEMDRV after an unattended failure. Each device is
 * mounted on a private directory just long enough to copy one file. */
#pragma once

struct inst_ks_loc;

/* Where a kickstart from a device is copied (Anaconda's path). */
#define INST_KS_COPY "/run/install/ks.cfg"

/* Copies the kickstart that l names (INST_KS_HD or INST_KS_CDROM) to dest.
 * Returns 0; -ENOENT (no such device, no such file on it) or -EINVAL (more
 * than one device matches) with the error logged. */
int inst_ks_fetch_device(const struct inst_ks_loc *l, const char *dest);
/* With no inst.ks=: the first filesystem labelled OEMDRV holding /ks.cfg
 * is copied to dest and its device returned. -ENOENT when there is none
 * (not an error: logged at debug level). */
int inst_ks_find_oemdrv(const char *dest, char **ret_dev);
/* Copies the log file onto the first writable OEMDRV volume as
 * slipway-install.log. Returns 0, or -errno when there is none or it is
 * read-only (logged as a warning). */
int inst_ks_save_log_oemdrv(const char *log);
