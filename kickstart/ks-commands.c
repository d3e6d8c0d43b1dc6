/* Every command of pykickstart's F43 handler (and the ones removed before
 * it): lookup, and dispatching one command line into struct ks. */
#include "ks-internal.h"

#define OTHER(n, st, ...) { .name = (n), .status = (st), __VA_ARGS__ }

static const char *const logvol_conflicts[] = { "autopart", "mount", NULL };
static const char *const mount_conflicts[] = { "autopart", "partition", "raid", "volgroup", "logvol", "reqpart", NULL };
static const char *const bootc_conflicts[] = { "ostreesetup", "ostreecontainer", NULL };
static const char *const ostreecontainer_conflicts[] = { "ostreesetup", "bootc", NULL };
static const char *const ostreesetup_conflicts[] = { "ostreecontainer", "bootc", NULL };

const struct ks_cmd_def ks_cmd_defs_other[] = {
	/* Known to pykickstart F43, not implemented by slipway. */
	OTHER("authselect", KS_CMD_UNSUPPORTED),
	OTHER("bootc", KS_CMD_UNSUPPORTED, .conflicts = bootc_conflicts),
	OTHER("btrfs", KS_CMD_UNSUPPORTED),
	OTHER("driverdisk", KS_CMD_UNSUPPORTED),
	OTHER("fcoe", KS_CMD_UNSUPPORTED),
	OTHER("hmc", KS_CMD_UNSUPPORTED),
	OTHER("iscsi", KS_CMD_UNSUPPORTED),
	OTHER("iscsiname", KS_CMD_UNSUPPORTED),
	OTHER("liveimg", KS_CMD_UNSUPPORTED),
	OTHER("logging", KS_CMD_UNSUPPORTED),
	OTHER("logvol", KS_CMD_UNSUPPORTED, .conflicts = logvol_conflicts),
	OTHER("mediacheck", KS_CMD_UNSUPPORTED),
	OTHER("mount", KS_CMD_UNSUPPORTED, .conflicts = mount_conflicts),
	OTHER("nfs", KS_CMD_UNSUPPORTED),
	OTHER("ostreecontainer", KS_CMD_UNSUPPORTED, .conflicts = ostreecontainer_conflicts),
	OTHER("ostreesetup", KS_CMD_UNSUPPORTED, .conflicts = ostreesetup_conflicts),
	OTHER("raid", KS_CMD_UNSUPPORTED, .conflicts = logvol_conflicts),
	OTHER("rdp", KS_CMD_UNSUPPORTED),
	OTHER("realm", KS_CMD_UNSUPPORTED),
	OTHER("rescue", KS_CMD_UNSUPPORTED),
	OTHER("snapshot", KS_CMD_UNSUPPORTED),
	OTHER("sshpw", KS_CMD_UNSUPPORTED),
	OTHER("updates", KS_CMD_UNSUPPORTED),
	OTHER("volgroup", KS_CMD_UNSUPPORTED, .conflicts = logvol_conflicts),
	OTHER("xconfig", KS_CMD_UNSUPPORTED),
	OTHER("zfcp", KS_CMD_UNSUPPORTED),
	OTHER("zipl", KS_CMD_UNSUPPORTED),
	/* RHEL handlers only. */
	OTHER("rhsm", KS_CMD_UNSUPPORTED),
	OTHER("syspurpose", KS_CMD_UNSUPPORTED),
	OTHER("unsupported_hardware", KS_CMD_UNSUPPORTED),
	/* RemovedCommand in F43, or gone from the handler since. */
	OTHER("auth", KS_CMD_REMOVED),
	OTHER("authconfig", KS_CMD_REMOVED),
	OTHER("autostep", KS_CMD_REMOVED),
	OTHER("device", KS_CMD_REMOVED),
	OTHER("deviceprobe", KS_CMD_REMOVED),
	OTHER("dmraid", KS_CMD_REMOVED),
	OTHER("install", KS_CMD_REMOVED),
	OTHER("method", KS_CMD_REMOVED),
	OTHER("multipath", KS_CMD_REMOVED),
	OTHER("interactive", KS_CMD_REMOVED),
	OTHER("key", KS_CMD_REMOVED),
	OTHER("langsupport", KS_CMD_REMOVED),
	OTHER("lilo", KS_CMD_REMOVED),
	OTHER("lilocheck", KS_CMD_REMOVED),
	OTHER("monitor", KS_CMD_REMOVED),
	OTHER("mouse", KS_CMD_REMOVED),
	OTHER("upgrade", KS_CMD_REMOVED),
	/* DeprecatedCommand in F43: a warning, no effect. */
	OTHER("module", KS_CMD_DEPRECATED),
	OTHER("nvdimm", KS_CMD_DEPRECATED),
	OTHER("vnc", KS_CMD_DEPRECATED),
	{ .name = NULL },
};

const struct ks_cmd_def *const ks_cmd_tables[] = {
	ks_cmd_defs_system,
	ks_cmd_defs_storage,
	ks_cmd_defs_other,
	NULL,
};

const struct ks_cmd_def *ks_cmd_find(const char *name)
{
	KS_FOREACH_CMD(def)
		if (streq(def->name, name))
			return def;
	return NULL;
}

const struct ks_cmd_def *ks_cmd_by_off(size_t ks_off, int variant)
{
	KS_FOREACH_CMD(def)
		if (def->status == KS_CMD_SUPPORTED && def->ks_off == ks_off && (variant < 0 || def->variant == variant))
			return def;
	return NULL;
}

static void check_conflicts(struct ks_parser *p, const struct ks_cmd_def *def, const char *as_written)
{
	for (const char *const *c = def->conflicts; c && *c; c++)
		if (strv_contains(p->seen, *c)) {
			const char *saved = p->cmdname;
			p->cmdname = NULL;
			ks_error(p, "The %s and %s commands can't be used at the same time.", as_written, *c);
			p->cmdname = saved;
		}
	if (!strv_contains(p->seen, ks_cmd_canon(def)))
		strv_push(&p->seen, ks_cmd_canon(def));
}

static void attach(struct ks_parser *p, const struct ks_cmd_def *def, void *cmd)
{
	void *field = (char *)p->ks + def->ks_off;

	if (def->list) {
		ks_list_append(field, cmd);
		return;
	}
	/* Singletons: the last one wins, with pykickstart's defaults again. */
	void *old = ks_ptr_get(field);
	if (old) {
		ks_opts_free(ks_cmd_by_off(def->ks_off, -1)->opts, old);
		free(old);
	}
	ks_ptr_set(field, cmd);
}

void ks_dispatch(struct ks_parser *p, char **args)
{
	const struct ks_cmd_def *def = ks_cmd_find(args[0]);

	p->cmdname = args[0];
	p->errors_before_line = p->errors;
	if (!def) {
		ks_error(p, "unknown command");
		return;
	}
	switch (def->status) {
	case KS_CMD_REMOVED:
		p->cmdname = NULL;
		ks_error(p, "%s has been removed.", args[0]);
		return;
	case KS_CMD_DEPRECATED:
		ks_warning(p, "the %s command is deprecated and has no effect; ignored", args[0]);
		return;
	case KS_CMD_UNSUPPORTED:
		check_conflicts(p, def, args[0]);
		ks_error(p, "not supported by slipway yet");
		return;
	case KS_CMD_SUPPORTED:
		break;
	}
	check_conflicts(p, def, args[0]);

	void *cmd = xcalloc(1, def->size);
	struct ks_loc *loc = cmd;
	*loc = p->loc;
	if (def->variant_off)
		*KS_FIELD(cmd, def->variant_off, int) = def->variant;
	ks_opts_apply(p, def, args[0], def->opts, cmd, args + 1);
	if (def->check)
		def->check(p, def, cmd);
	attach(p, def, cmd);
}
