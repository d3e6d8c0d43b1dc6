/* Reading a probe: lookups, why a disk is busy, text and JSON reports. */
#include <json-c/json.h>

#include "probe.h"
#include "size.h"
#include "strv.h"

void part_probe_fs_clear(struct part_probe_fs *fs)
{
	free(fs->fstype);
	free(fs->label);
	free(fs->uuid);
	free(fs->mountpoint);
	strv_free(fs->holders);
	*fs = (struct part_probe_fs){};
}

void part_probe_free(struct part_probe *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_disks; i++) {
		struct part_probe_disk *d = &p->disks[i];
		for (size_t j = 0; j < d->n_parts; j++) {
			struct part_probe_part *q = &d->parts[j];
			free(q->name), free(q->path), free(q->type), free(q->partlabel), free(q->partuuid);
			part_probe_fs_clear(&q->fs);
		}
		free(d->parts);
		free(d->name), free(d->path), free(d->model), free(d->serial), free(d->transport);
		free(d->backing_file), free(d->pttype), free(d->ptuuid), free(d->install_source);
		part_probe_fs_clear(&d->fs);
	}
	free(p->disks);
	free(p);
}

const struct part_probe_disk *part_probe_find(const struct part_probe *p, const char *name_or_path)
{
	const char *name = startswith(name_or_path, "/dev/") ? name_or_path + 5 : name_or_path;

	for (size_t i = 0; i < p->n_disks; i++)
		if (streq(p->disks[i].name, name))
			return &p->disks[i];
	return NULL;
}

static char *fs_busy(const char *path, const struct part_probe_fs *fs)
{
	if (fs->mountpoint)
		return xasprintf("%s is mounted on %s", path, fs->mountpoint);
	if (fs->swap)
		return xasprintf("%s is an active swap device", path);
	if (fs->holders && fs->holders[0]) {
		_cleanup_free_ char *h = strv_join(fs->holders, ", ");
		return xasprintf("%s is held by %s (device-mapper or md)", path, h);
	}
	return NULL;
}

char *part_probe_disk_busy_reason(const struct part_probe_disk *d)
{
	char *r;

	if (d->installer_media)
		return xasprintf("%s holds the running installer", d->path);
	if (d->install_source)
		return xasprintf("%s holds the installation source (%s)", d->path, d->install_source);
	if ((r = fs_busy(d->path, &d->fs)))
		return r;
	for (size_t i = 0; i < d->n_parts; i++)
		if ((r = fs_busy(d->parts[i].path, &d->parts[i].fs)))
			return r;
	if (part_probe_disk_is_oemdrv(d))
		return xasprintf("%s carries the OEMDRV label (kickstart media)", d->path);
	if (d->optical)
		return xasprintf("%s is an optical drive", d->path);
	if (d->readonly)
		return xasprintf("%s is read-only", d->path);
	return NULL;
}

bool part_probe_disk_is_oemdrv(const struct part_probe_disk *d)
{
	if (d->fs.label && streq(d->fs.label, "OEMDRV"))
		return true;
	for (size_t i = 0; i < d->n_parts; i++)
		if (d->parts[i].fs.label && streq(d->parts[i].fs.label, "OEMDRV"))
			return true;
	return false;
}

static void print_fs(struct strbuf *out, const struct part_probe_fs *fs)
{
	if (fs->fstype)
		strbuf_addf(out, " %s", fs->fstype);
	if (fs->label)
		strbuf_addf(out, " label=%s", fs->label);
	if (fs->uuid)
		strbuf_addf(out, " uuid=%s", fs->uuid);
	if (fs->mountpoint)
		strbuf_addf(out, " mounted on %s", fs->mountpoint);
	if (fs->swap)
		strbuf_adds(out, " [swap in use]");
}

void part_probe_print(const struct part_probe *p, struct strbuf *out)
{
	if (p->n_disks == 0)
		strbuf_adds(out, "no disks found\n");
	for (size_t i = 0; i < p->n_disks; i++) {
		const struct part_probe_disk *d = &p->disks[i];
		_cleanup_free_ char *busy = part_probe_disk_busy_reason(d);
		strbuf_addf(out, "%s  %s  %s  %s%s%s  sectors %u/%u  table %s%s\n", d->path,
			    SIZE_FMT(d->size), d->model ? d->model : d->backing_file ? d->backing_file : "-",
			    d->transport ? d->transport : "-", d->removable ? "  removable" : "",
			    d->readonly ? "  read-only" : "", d->sector_size, d->physical_sector_size,
			    d->pttype ? d->pttype : "none", busy ? "" : "");
		if (d->fs.fstype) {
			strbuf_adds(out, "  (whole disk)");
			print_fs(out, &d->fs);
			strbuf_addch(out, '\n');
		}
		for (size_t j = 0; j < d->n_parts; j++) {
			const struct part_probe_part *q = &d->parts[j];
			strbuf_addf(out, "  %s  %s", q->path, SIZE_FMT(q->size));
			if (q->partlabel)
				strbuf_addf(out, " \"%s\"", q->partlabel);
			print_fs(out, &q->fs);
			strbuf_addch(out, '\n');
		}
		if (busy)
			strbuf_addf(out, "  in use: %s\n", busy);
	}
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static void fs_to_json(json_object *o, const struct part_probe_fs *fs)
{
	json_object *h = json_object_new_array();

	json_object_object_add(o, "fstype", jstr(fs->fstype));
	json_object_object_add(o, "label", jstr(fs->label));
	json_object_object_add(o, "uuid", jstr(fs->uuid));
	json_object_object_add(o, "mountpoint", jstr(fs->mountpoint));
	json_object_object_add(o, "swap", json_object_new_boolean(fs->swap));
	STRV_FOREACH(s, fs->holders)
		json_object_array_add(h, json_object_new_string(*s));
	json_object_object_add(o, "holders", h);
}

static json_object *disk_to_json(const struct part_probe_disk *d)
{
	json_object *o = json_object_new_object(), *parts = json_object_new_array();
	_cleanup_free_ char *busy = part_probe_disk_busy_reason(d);

	json_object_object_add(o, "name", jstr(d->name));
	json_object_object_add(o, "path", jstr(d->path));
	json_object_object_add(o, "size", json_object_new_uint64(d->size));
	json_object_object_add(o, "sector_size", json_object_new_int((int)d->sector_size));
	json_object_object_add(o, "physical_sector_size", json_object_new_int((int)d->physical_sector_size));
	json_object_object_add(o, "model", jstr(d->model));
	json_object_object_add(o, "serial", jstr(d->serial));
	json_object_object_add(o, "transport", jstr(d->transport));
	json_object_object_add(o, "backing_file", jstr(d->backing_file));
	json_object_object_add(o, "removable", json_object_new_boolean(d->removable));
	json_object_object_add(o, "readonly", json_object_new_boolean(d->readonly));
	json_object_object_add(o, "pttype", jstr(d->pttype));
	json_object_object_add(o, "ptuuid", jstr(d->ptuuid));
	fs_to_json(o, &d->fs);
	json_object_object_add(o, "installer_media", json_object_new_boolean(d->installer_media));
	json_object_object_add(o, "in_use", json_object_new_boolean(busy != NULL));
	json_object_object_add(o, "in_use_reason", jstr(busy));
	for (size_t j = 0; j < d->n_parts; j++) {
		const struct part_probe_part *q = &d->parts[j];
		json_object *po = json_object_new_object();
		json_object_object_add(po, "name", jstr(q->name));
		json_object_object_add(po, "path", jstr(q->path));
		json_object_object_add(po, "partno", json_object_new_int((int)q->partno));
		json_object_object_add(po, "start", json_object_new_uint64(q->start));
		json_object_object_add(po, "size", json_object_new_uint64(q->size));
		json_object_object_add(po, "type", jstr(q->type));
		json_object_object_add(po, "partlabel", jstr(q->partlabel));
		json_object_object_add(po, "partuuid", jstr(q->partuuid));
		fs_to_json(po, &q->fs);
		json_object_array_add(parts, po);
	}
	json_object_object_add(o, "partitions", parts);
	return o;
}

char *part_probe_to_json(const struct part_probe *p)
{
	json_object *root = json_object_new_object(), *disks = json_object_new_array();

	for (size_t i = 0; i < p->n_disks; i++)
		json_object_array_add(disks, disk_to_json(&p->disks[i]));
	json_object_object_add(root, "disks", disks);
	char *r = xstrdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
									JSON_C_TO_STRING_SPACED));
	json_object_put(root);
	return r;
}
