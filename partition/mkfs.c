/* Filesystems through the mkfs tools (run-command, argv only) with the
 * label and UUID the plan chose and the kickstart's --mkfsoptions. */
#include <ctype.h>

#include "blockdev.h"
#include "event.h"
#include "run.h"
#include "strv.h"
#include "fault.h"

char **part_mkfs_argv(const struct part_entry *e, const char *dev)
{
	char **a = NULL;
	const char *f = e->fstype;

	if (!f)
		return NULL;
	if (startswith(f, "ext")) {
		strv_pushf(&a, "mkfs.%s", f);
		strv_extend(&a, "-F", "-q", "-U", e->fs_uuid, NULL);
		if (e->label)
			strv_extend(&a, "-L", e->label, NULL);
	} else if (streq(f, "xfs")) {
		strv_extend(&a, "mkfs.xfs", "-f", "-q", NULL);
		strv_pushf(&a, "-muuid=%s", e->fs_uuid);
		if (e->label)
			strv_extend(&a, "-L", e->label, NULL);
	} else if (streq(f, "btrfs")) {
		strv_extend(&a, "mkfs.btrfs", "-f", "-q", "-U", e->fs_uuid, NULL);
		if (e->label)
			strv_extend(&a, "-L", e->label, NULL);
	} else if (streq(f, "vfat")) {
		/* the volume id without its dash: "ABCD-1234" → ABCD1234 */
		char id[9];
		snprintf(id, sizeof(id), "%.4s%.4s", e->fs_uuid, e->fs_uuid + 5);
		strv_extend(&a, "mkfs.vfat", "-i", id, NULL);
		if (e->role == PART_ROLE_ESP)
			strv_extend(&a, "-F", "32", NULL);
		if (e->label)
			strv_extend(&a, "-n", e->label, NULL);
	} else if (streq(f, "swap")) {
		strv_extend(&a, "mkswap", "-U", e->fs_uuid, NULL);
		if (e->label)
			strv_extend(&a, "-L", e->label, NULL);
	} else
		return NULL;
	if (e->mkfsoptions) {
		_cleanup_strv_free_ char **o = strv_split(e->mkfsoptions, " \t");
		strv_extend_strv(&a, o);
	}
	strv_push(&a, dev);
	return a;
}

int part_mkfs(const struct part_entry *e, const char *dev)
{
	_cleanup_strv_free_ char **argv = NULL;
	_cleanup_strbuf_ struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

	if (!e->fstype)
		return 0;
	argv = part_mkfs_argv(e, dev);
	if (!argv)
		return log_error_errno(EINVAL, "storage: %s: no mkfs for %s", dev, e->fstype);
	log_info("storage: making %s on %s%s%s", e->fstype, dev, e->mountpoint ? " for " : "", strempty(e->mountpoint));
	int r = fault_inject("mkfs");
	if (r < 0)
		return log_error_errno(r, "storage: mkfs.%s on %s failed: %m", e->fstype, dev);
	r = run_checked(argv, &(struct run_opts){ .out = &out, .err = &err, .quiet = true, .log_fd = -1 });
	if (r == 0 && err.len > 0)
		log_debug("storage: %s on %s: %s", argv[0], dev, strbuf_str(&err));
	else if (r < 0 && err.len > 0) {
		/* the tool's own reason (a bad --mkfsoptions, an I/O error), one line */
		while (err.len > 0 && isspace((unsigned char)err.buf[err.len - 1]))
			err.buf[--err.len] = '\0';
		for (char *c = err.buf; *c; c++)
			if (*c == '\n')
				*c = ' ';
		log_error("storage: %s on %s: %s", argv[0], dev, strbuf_str(&err));
	}
	return r;
}
