/* inst.repo= values: Anaconda's forms parsed into a struct, and their
 * kickstart equivalent (see inst-repo.h). */
#include "inst-repo.h"
#include "kickstart/ks.h"

static const char *const kind_names[_INST_REPO_KIND_MAX] = {
	[INST_REPO_URL] = "url",
	[INST_REPO_HD] = "harddrive",
	[INST_REPO_CDROM] = "cdrom",
};

const char *inst_repo_kind_to_string(enum inst_repo_kind k)
{
	return k < _INST_REPO_KIND_MAX ? kind_names[k] : NULL;
}

void inst_repo_done(struct inst_repo *r)
{
	free(r->url);
	free(r->device);
	free(r->path);
	*r = (struct inst_repo){};
}

static int fail(char **ret_err, int r, char *msg)
{
	*ret_err = msg;
	return r;
}

/* No control characters or spaces: a boot argument is one word, and these
 * strings end up in messages and in the kickstart slipway writes. */
bool inst_printable_word(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

/* sdb1, /dev/sdb1, /dev/disk/by-…/…, LABEL=x, UUID=x, PARTUUID=x, PARTLABEL=x */
bool inst_valid_device(const char *d)
{
	static const char *const tags[] = { "LABEL=", "UUID=", "PARTUUID=", "PARTLABEL=" };

	for (size_t i = 0; i < ELEMENTSOF(tags); i++)
		if (startswith(d, tags[i]))
			return d[strlen(tags[i])] != '\0';
	if (startswith(d, "/dev/"))
		return d[5] != '\0' && !strstr(d, "/../") && !endswith(d, "/..");
	return d[0] && !strchr(d, '/') && !streq(d, ".") && !streq(d, "..");
}

static int parse_url(const char *v, struct inst_repo *r, char **ret_err)
{
	if (startswith(v, "ftp://"))
		return fail(ret_err, -EOPNOTSUPP, xstrdup("ftp:// sources are not supported by slipway (use http:// or https://)"));
	const char *rest = startswith(v, "http://") ? v + 7 : startswith(v, "https://") ? v + 8 : NULL;
	if (rest && (!rest[0] || rest[0] == '/'))
		return fail(ret_err, -EINVAL, xasprintf("\"%s\": a URL needs a host", v));
	if (!rest && startswith(v, "file://") && v[7] != '/')
		return fail(ret_err, -EINVAL, xasprintf("\"%s\": a file URL needs an absolute path (file:///…)", v));
	r->kind = INST_REPO_URL;
	r->url = xstrdup(v);
	return 0;
}

static int parse_hd(const char *v, struct inst_repo *r, char **ret_err)
{
	const char *spec = v + 3, *colon = strchr(spec, ':');
	_cleanup_free_ char *dev = colon ? xstrndup(spec, (size_t)(colon - spec)) : xstrdup(spec);
	const char *path = colon ? colon + 1 : "/";

	if (!inst_valid_device(dev))
		return fail(ret_err, -EINVAL,
			    xasprintf("\"%s\": hd: needs a device (hd:sdb1:/path, hd:LABEL=x:/path, hd:UUID=x:/path)", v));
	if (path[0] != '/')
		return fail(ret_err, -EINVAL, xasprintf("\"%s\": the path after the device must be absolute", v));
	r->kind = INST_REPO_HD;
	r->device = TAKE_PTR(dev);
	r->path = xstrdup(path);
	return 0;
}

int inst_repo_parse(const char *value, struct inst_repo *ret, char **ret_err)
{
	struct inst_repo r = {};
	int k;

	*ret_err = NULL;
	if (isempty(value))
		return fail(ret_err, -EINVAL, xstrdup("an empty value"));
	if (!inst_printable_word(value))
		return fail(ret_err, -EINVAL, xstrdup("a value with spaces or control characters"));
	if (startswith(value, "nfs:") || startswith(value, "nfs4:") || startswith(value, "nfsiso:"))
		return fail(ret_err, -EOPNOTSUPP, xstrdup("NFS sources are not supported by slipway yet"));
	if (streq(value, "hmc"))
		return fail(ret_err, -EOPNOTSUPP, xstrdup("hmc (the SE/HMC drive of IBM Z) is not supported"));
	if (streq(value, "cdrom")) {
		r.kind = INST_REPO_CDROM;
	} else if (startswith(value, "cdrom:")) {
		if (!inst_valid_device(value + 6))
			return fail(ret_err, -EINVAL, xasprintf("\"%s\": cdrom: needs a device (cdrom:/dev/sr0)", value));
		r.kind = INST_REPO_CDROM;
		r.device = xstrdup(value + 6);
	} else if (startswith(value, "hd:")) {
		if ((k = parse_hd(value, &r, ret_err)) < 0)
			return k;
	} else if (strstr(value, "://")) {
		if ((k = parse_url(value, &r, ret_err)) < 0)
			return k;
	} else
		return fail(ret_err, -EINVAL,
			    xasprintf("\"%s\": not an installation source (http://, https://, hd:DEV:/path, "
				      "cdrom, cdrom:DEV)", value));
	if (r.kind == INST_REPO_URL && !startswith(r.url, "http://") && !startswith(r.url, "https://") &&
	    !startswith(r.url, "file:///")) {
		_cleanup_free_ char *scheme = xstrndup(value, strcspn(value, ":"));
		inst_repo_done(&r);
		return fail(ret_err, -EOPNOTSUPP, xasprintf("%s:// sources are not supported by slipway", scheme));
	}
	*ret = r;
	return 0;
}

int inst_repo_apply(const struct inst_repo *r, struct ks *ks)
{
	/* where messages about it point: "inst.repo: url: …" */
	const struct ks_loc loc = { .file = "inst.repo", .line = 0 };

	if (ks->url || ks->cdrom || ks->harddrive)
		return 0;
	switch (r->kind) {
	case INST_REPO_URL:
		ks->url = xnew0(struct ks_url, 1);
		ks->url->loc = loc;
		ks->url->url = xstrdup(r->url);
		break;
	case INST_REPO_CDROM:
	case INST_REPO_HD:
		if (!r->device) {
			ks->cdrom = xnew0(struct ks_cdrom, 1);
			ks->cdrom->loc = loc;
			break;
		}
		ks->harddrive = xnew0(struct ks_harddrive, 1);
		ks->harddrive->loc = loc;
		ks->harddrive->partition = xstrdup(r->device);
		ks->harddrive->dir = xstrdup(r->path ? r->path : "/");
		break;
	default:
		return -EINVAL;
	}
	return 1;
}
