/* Kickstarts on devices and the OEMDRV volume (see ks-media.h). */
#include <sys/stat.h>
#include <time.h>

#include "bootargs.h"
#include "event.h"
#include "fs.h"
#include "ks-media.h"
#include "partition/part.h"
#include "source.h"
#include "strbuf.h"
#include "teardown.h"

#define OEMDRV_LABEL "OEMDRV"
#define OEMDRV_LOG   "slipway-install.log"

/* The candidates for a location: the devices SPEC names, or every optical
 * one (cdrom without a device); with LABEL=OEMDRV, what carries the label. */
static int find_devices(const char *spec, struct inst_source *s)
{
	_cleanup_(part_probe_freep) struct part_probe *probe = NULL;
	int r;

	inst_source_devs_clear(s);
	if ((r = part_probe_disks("/sys", &probe)) < 0)
		return r;
	if (spec)
		inst_source_match(probe, spec, s);
	else
		inst_source_match_optical(probe, s);
	return 0;
}

static int copy_file(const char *from, const char *to)
{
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
	int r;

	if ((r = strbuf_read_file(&b, from)) < 0)
		return r;
	_cleanup_free_ char *dir = xstrdup(to);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if ((r = mkdir_p(dir, 0755)) < 0)
			return r;
	}
	return file_write(to, b.buf ? b.buf : "", b.len, 0600);
}

/* Mounts dev on a private directory, runs fn(mountpoint, data), unmounts. */
static int with_mounted(const struct inst_source_dev *d, bool rw, int (*fn)(const char *mnt, void *data),
			void *data)
{
	_cleanup_free_ char *mnt = NULL;
	struct teardown *td;
	int r, k;

	if ((r = mkdir_p("/run/install", 0755)) < 0)
		return log_error_errno(r, "/run/install: %m");
	mnt = xstrdup("/run/install/media.XXXXXX");
	if (!mkdtemp(mnt))
		return log_error_errno(errno, "%s: cannot create a mount point: %m", mnt);
	td = teardown_new();
	r = rw ? part_mount_data(d->path, mnt, d->fstype, td) : part_mount_source(d->path, mnt, d->fstype, td);
	if (r >= 0)
		r = fn(mnt, data);
	k = teardown_run(td);
	teardown_free(td);
	(void)rmdir(mnt);
	return r < 0 ? r : k;
}

struct copy_args {
	const char *path, *dest;
	const char *what; /* "inst.ks=hd:…" */
	const char *dev;
	bool quiet;	  /* a missing file is not an error (OEMDRV, cdrom candidates) */
};

static int copy_from(const char *mnt, void *data)
{
	struct copy_args *a = data;
	_cleanup_free_ char *src = xasprintf("%s%s", mnt, a->path);
	int r = copy_file(src, a->dest);

	if (r == -ENOENT && a->quiet)
		return log_debug("%s: %s holds no %s", a->what, a->dev, a->path), r;
	if (r < 0)
		return log_error_errno(r, "%s: %s%s: %m", a->what, a->dev, a->path);
	log_info("%s: %s%s copied to %s", a->what, a->dev, a->path, a->dest);
	return 0;
}

/* Searching several candidates, one that cannot be mounted or read does not
 * end the search: the result so far (-ENOENT: nothing found yet) and
 * candidate i's, k, give the new result; the first real error is kept. */
static int next_candidate(int r, int k, const char *what, const struct inst_source *s, size_t i)
{
	if (k == 0)
		return 0;
	if (k == -ENOENT)
		return r;
	if (i + 1 < s->n_devs)
		log_warning("%s: %s cannot be searched; trying %s", what, s->devs[i].path, s->devs[i + 1].path);
	return r == -ENOENT ? k : r;
}

int inst_ks_fetch_device(const struct inst_ks_loc *l, const char *dest)
{
	_cleanup_free_ char *what = NULL, *loc = inst_ks_loc_to_string(l);
	struct inst_source s = {};
	int r;

	what = xasprintf("inst.ks=%s", loc);
	if ((r = find_devices(l->device, &s)) < 0)
		goto out;
	if (s.n_devs == 0) {
		r = log_error_errno(ENOENT, "%s: %s", what,
				    l->device ? "no such device (`slipway disks` lists the devices with a filesystem)"
					      : "no device with an iso9660 or udf filesystem");
		goto out;
	}
	if (l->device && s.n_devs > 1) {
		_cleanup_strbuf_ struct strbuf names = STRBUF_INIT;
		for (size_t i = 0; i < s.n_devs; i++)
			strbuf_addf(&names, "%s%s", i ? ", " : "", s.devs[i].path);
		r = log_error_errno(EINVAL, "%s: %zu devices match (%s); name one", what, s.n_devs, names.buf);
		goto out;
	}
	r = -ENOENT;
	for (size_t i = 0; i < s.n_devs && r != 0; i++) {
		struct copy_args a = { .path = l->path, .dest = dest, .what = what, .dev = s.devs[i].path,
				       .quiet = s.n_devs > 1 };
		r = next_candidate(r, with_mounted(&s.devs[i], false, copy_from, &a), what, &s, i);
	}
	if (r == -ENOENT && s.n_devs > 1)
		log_error("%s: no optical device holds %s", what, l->path);
out:
	inst_source_devs_clear(&s);
	return r;
}

int inst_ks_find_oemdrv(const char *dest, char **ret_dev)
{
	struct inst_source s = {};
	int r;

	if ((r = find_devices("LABEL=" OEMDRV_LABEL, &s)) < 0)
		return r;
	r = -ENOENT;
	for (size_t i = 0; i < s.n_devs && r != 0; i++) {
		struct copy_args a = { .path = "/ks.cfg", .dest = dest, .what = "OEMDRV", .dev = s.devs[i].path,
				       .quiet = true };
		r = next_candidate(r, with_mounted(&s.devs[i], false, copy_from, &a), "OEMDRV", &s, i);
		if (r == 0 && ret_dev)
			*ret_dev = xstrdup(s.devs[i].path);
	}
	if (s.n_devs == 0)
		log_debug("no filesystem labelled " OEMDRV_LABEL);
	inst_source_devs_clear(&s);
	return r;
}

static int save_to(const char *mnt, void *data)
{
	struct copy_args *a = data;
	_cleanup_free_ char *dst = xasprintf("%s/%s", mnt, OEMDRV_LOG);
	int r = copy_file(a->path, dst);

	if (r < 0)
		return log_warning_errno(r, "%s: cannot write %s: %m", a->dev, OEMDRV_LOG);
	sync();
	return 0;
}

int inst_ks_save_log_oemdrv(const char *log)
{
	struct inst_source s = {};
	int r;

	if ((r = find_devices("LABEL=" OEMDRV_LABEL, &s)) < 0)
		return log_warning_errno(r, "cannot look for an " OEMDRV_LABEL " volume to copy the log to: %m");
	r = -ENOENT;
	for (size_t i = 0; i < s.n_devs && r < 0; i++) {
		struct copy_args a = { .path = log, .dev = s.devs[i].path };
		r = with_mounted(&s.devs[i], true, save_to, &a);
		if (r == 0)
			log_info("the log was copied to %s on %s (label " OEMDRV_LABEL ")", OEMDRV_LOG, s.devs[i].path);
	}
	if (s.n_devs == 0)
		log_debug("no " OEMDRV_LABEL " volume to copy the log to");
	inst_source_devs_clear(&s);
	return r;
}
