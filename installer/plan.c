/* Planning: turns the kickstart and the CLI target into the plan. Storage,
 * payload, system and bootloader sections are filled in by their stages'
 * planners as they land; until then the plan says so instead of guessing. */
#include "event.h"
#include "finish.h"
#include "kickstart/ks.h"
#include "partition/part.h"
#include "payload/payload.h"
#include "plan.h"
#include "scripts.h"
#include "size.h"
#include "source.h"
#include "teardown.h"

static const char *const target_names[_TARGET_MAX] = {
	[TARGET_DISKS] = "disks",
	[TARGET_IMAGE] = "image",
	[TARGET_DIR] = "directory",
};

static const char *const format_names[_IMAGE_FORMAT_MAX] = {
	[IMAGE_RAW] = "raw",
	[IMAGE_VHD] = "vhd",
	[IMAGE_QCOW2] = "qcow2",
};

static int lookup(const char *const *table, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (table[i] && s && streq(table[i], s))
			return (int)i;
	return -EINVAL;
}

const char *inst_target_to_string(enum inst_target t)
{
	return t < _TARGET_MAX ? target_names[t] : NULL;
}

const char *image_format_to_string(enum image_format f)
{
	return f < _IMAGE_FORMAT_MAX ? format_names[f] : NULL;
}

int image_format_from_string(const char *s)
{
	return lookup(format_names, _IMAGE_FORMAT_MAX, s);
}

/* Storage: the probe (real disks only) and the layout. Image mode never
 * looks at the machine's disks. */
static int plan_storage(struct plan *p, const struct inst_plan_args *a)
{
	struct part_plan_opts o = {
		.image = p->target.kind == TARGET_IMAGE,
		.image_path = p->target.path,
		.image_size = p->target.image_size,
		.firmware = p->target.kind == TARGET_IMAGE ? PART_FIRMWARE_BOTH : part_detect_firmware(),
		.ram = part_detect_ram(),
		.default_table = a->mbr ? PART_TABLE_MSDOS : PART_TABLE_GPT,
	};
	int r;

	if (o.image && (r = part_image_target_check("/sys", o.image_path, &p->target.image_size)) < 0)
		return r;
	o.image_size = p->target.image_size;
	if (!o.image && (r = part_probe_disks("/sys", &p->probe)) < 0)
		return r;
	if (p->probe && p->source)
		inst_source_mark(p->source, p->probe);
	r = part_plan_new(p->ks, p->probe, &o, &p->storage);
	if (r < 0)
		return r;
	return 0;
}

static int plan_payload(struct plan *p, const struct inst_plan_args *a)
{
	_cleanup_free_ char *cachedir = NULL;
	const char *cache = getenv("SLIPWAY_CACHE"); /* as the fixture builders use it */
	struct payload_opts o = { .nogpgcheck = a->nogpgcheck, .gpgkeys = a->gpgkeys };
	int r;

	if (p->source) {
		if (a->dry_run)
			return 0; /* nothing mounted: inst_source_print says so */
		event_stage_begin("source", "mounting the installation source");
		p->source_td = teardown_new();
		r = inst_source_mount(p->source, p->source_td);
		event_stage_end("source", r);
		if (r < 0)
			return r;
		o.source_dir = p->source->repo_dir;
	}
	if (!isempty(cache))
		o.cachedir = cachedir = xasprintf("%s/payload", cache);
	inst_plan_requirements(p, &o);
	event_stage_begin("payload", "resolving packages");
	r = payload_plan_new(p->ks, &o, &p->payload);
	event_stage_end("payload", r);
	payload_opts_done(&o);
	return r;
}

int inst_plan_new(const struct ks *ks, const char *ks_path, const struct plan_target *target,
		  const struct inst_plan_args *a, struct plan **ret)
{
	_cleanup_(inst_plan_freep) struct plan *p = xnew0(struct plan, 1);
	int r;

	p->ks = ks;
	p->ks_path = xstrdup(ks_path);
	p->target = *target;
	p->target.path = target->path ? xstrdup(target->path) : NULL;
	p->finish = inst_finish_effective(ks, target->kind, a->finish);
	p->pre_ran = a->pre_ran;
	if ((r = inst_source_resolve(ks, &p->source)) < 0)
		return r;
	if (target->kind != TARGET_DIR && (r = plan_storage(p, a)) < 0)
		return r;
	if ((r = plan_payload(p, a)) < 0)
		return r;
	*ret = TAKE_PTR(p);
	return 0;
}

void inst_plan_free(struct plan *p)
{
	if (!p)
		return;
	payload_plan_free(p->payload);
	teardown_free(p->source_td); /* after the payload: its files are on the source */
	inst_source_free(p->source);
	part_plan_free(p->storage);
	part_probe_free(p->probe);
	free(p->ks_path);
	free(p->target.path);
	free(p);
}

static void print_target(const struct plan *p, struct strbuf *out)
{
	const struct plan_target *t = &p->target;

	strbuf_addf(out, "target: %s", inst_target_to_string(t->kind));
	if (t->kind == TARGET_IMAGE)
		strbuf_addf(out, " %s (%s, %s)", t->path, SIZE_FMT(t->image_size),
			    image_format_to_string(t->format));
	else if (t->kind == TARGET_DIR)
		strbuf_addf(out, " %s", t->path);
	strbuf_addch(out, '\n');
	strbuf_addf(out, "finish: %s\n", inst_finish_to_string(p->finish));
}

void inst_plan_print(const struct plan *p, bool verbose, struct strbuf *out)
{
	strbuf_addf(out, "slipway plan for %s\n\n", p->ks_path);
	print_target(p, out);
	strbuf_adds(out, "\nintent (from the kickstart):\n");
	struct strbuf dump = STRBUF_INIT;
	ks_dump(p->ks, &dump);
	/* Indent the dump so the plan's own sections stand out. */
	for (const char *l = strbuf_str(&dump); *l;) {
		const char *nl = strchrnul(l, '\n');
		strbuf_addf(out, "  %.*s\n", (int)(nl - l), l);
		l = *nl ? nl + 1 : nl;
	}
	strbuf_release(&dump);
	if (p->ks->script.n > 0) {
		strbuf_addch(out, '\n');
		inst_scripts_print(p->ks, p->pre_ran, out);
	}
	if (p->storage) {
		strbuf_addch(out, '\n');
		part_plan_print(p->storage, out);
	}
	if (p->source) {
		strbuf_addch(out, '\n');
		inst_source_print(p->source, out);
	}
	if (p->payload) {
		strbuf_addch(out, '\n');
		payload_plan_print(p->payload, verbose, out);
	}
}

void inst_plan_log(const char *text, enum log_level level, const char *prefix)
{
	for (const char *l = text; *l;) {
		const char *nl = strchrnul(l, '\n');
		log_full(level, 0, "%s%.*s", prefix, (int)(nl - l), l);
		l = *nl ? nl + 1 : nl;
	}
}
