/* Accounts of the new system: groups and users through the target's own
 * groupadd/useradd (chrooted), passwords written into /etc/shadow, root's
 * password, shell and sshd drop-in, and ~/.ssh/authorized_keys. */
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>

#include "sysconf-internal.h"

static int groupadd(const char *root, const char *name, bool has_gid, long long gid)
{
	_cleanup_strv_free_ char **argv = NULL;
	int r;

	strv_push(&argv, "groupadd");
	if (has_gid)
		strv_pushf(&argv, "-g%lld", gid);
	strv_extend(&argv, "--", name, NULL);
	if ((r = sysconf_run(root, argv)) < 0)
		return r;
	log_info("system: group %s created", name);
	return 0;
}

/* A group the kickstart asks for: created unless it exists with that gid. */
static int ensure_group(const char *root, const char *what, const char *name, bool has_gid,
			long long gid)
{
	if (sysconf_group_exists(root, name, -1)) {
		if (has_gid && !sysconf_group_exists(root, name, gid))
			return log_error_errno(
			    EEXIST, "system: %s: the group %s exists with another GID than %lld",
			    what, name, gid);
		log_debug("system: %s: group %s exists", what, name);
		return 0;
	}
	if (has_gid && sysconf_group_exists(root, NULL, gid))
		return log_error_errno(EEXIST,
				       "system: %s: GID %lld is taken by another group than %s",
				       what, gid, name);
	return groupadd(root, name, has_gid, gid);
}

int sysconf_write_groups(const struct ks *ks, const char *root)
{
	for (size_t i = 0; i < ks->group.n; i++) {
		const struct ks_group *g = ks->group.v[i];
		int r = ensure_group(root, "group", g->name, g->has_gid, g->gid);
		if (r < 0)
			return r;
	}
	return 0;
}

/* user --groups entries are "name" or "name(gid)"; missing ones are created
 * (pykickstart's documented behaviour). Returns the names for useradd -G. */
static int user_groups(const char *root, const struct ks_user *u, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *what = xasprintf("user %s", u->name);

	STRV_FOREACH (g, u->groups) {
		_cleanup_free_ char *name = xstrdup(*g);
		char *paren = strchr(name, '(');
		long long gid = -1;
		if (paren) {
			char *end;
			errno = 0;
			gid = strtoll(paren + 1, &end, 10);
			if (errno || end == paren + 1 || !streq(end, ")") || gid < 0)
				return log_error_errno(
				    EINVAL, "system: %s: bad group \"%s\" (name or name(gid))",
				    what, *g);
			*paren = '\0';
		}
		int r = ensure_group(root, what, name, gid >= 0, gid);
		if (r < 0)
			return r;
		strv_push(&names, name);
	}
	*ret = TAKE_PTR(names);
	return 0;
}

/* The primary group: --gid names it (created with the user's name when no
 * group has that gid, as Anaconda does); otherwise a group of the user's
 * name, reused when it exists. */
static int primary_group_args(const char *root, const struct ks_user *u, char ***argv)
{
	int r;

	if (u->has_gid) {
		if (!sysconf_group_exists(root, NULL, u->gid) &&
		    (r = groupadd(root, u->name, true, u->gid)) < 0)
			return r;
		strv_pushf(argv, "-g%" PRId64, u->gid);
	} else if (sysconf_group_exists(root, u->name, -1))
		strv_extend(argv, "-g", u->name, NULL);
	else
		strv_push(argv, "-U");
	return 0;
}

static int useradd(const char *root, const struct ks_user *u)
{
	_cleanup_strv_free_ char **argv = NULL, **groups = NULL;
	int r;

	if ((r = user_groups(root, u, &groups)) < 0)
		return r;
	strv_extend(&argv, "useradd", "-m", NULL);
	if (u->has_uid)
		strv_pushf(&argv, "-u%" PRId64, u->uid);
	if ((r = primary_group_args(root, u, &argv)) < 0)
		return r;
	if (groups) {
		_cleanup_free_ char *list = strv_join(groups, ",");
		strv_extend(&argv, "-G", list, NULL);
	}
	if (u->homedir)
		strv_extend(&argv, "-d", u->homedir, NULL);
	if (u->shell)
		strv_extend(&argv, "-s", u->shell, NULL);
	if (u->gecos)
		strv_extend(&argv, "-c", u->gecos, NULL);
	strv_extend(&argv, "--", u->name, NULL);
	return sysconf_run(root, argv);
}

int sysconf_write_users(const struct ks *ks, const char *root)
{
	for (size_t i = 0; i < ks->user.n; i++) {
		const struct ks_user *u = ks->user.v[i];
		uid_t uid;
		gid_t gid;
		int r;

		/* Anaconda's rule: an existing account is left alone, with a warning */
		if (sysconf_passwd_lookup(root, u->name, &uid, &gid, NULL) == 0) {
			log_warning("system: user %s already exists in the target (uid %u): "
				    "it is left as it is",
				    u->name, (unsigned)uid);
			continue;
		}
		if ((r = useradd(root, u)) < 0)
			return r;
		if ((r = sysconf_passwd_lookup(root, u->name, &uid, &gid, NULL)) < 0)
			return log_error_errno(r, "system: useradd did not add %s to %s/etc/passwd",
					       u->name, root);
		log_info("system: user %s created (uid %u, gid %u)", u->name, (unsigned)uid,
			 (unsigned)gid);
		/* Without --password or --lock, useradd's locked entry stays as it is. */
		if (isempty(u->password) && !u->lock)
			continue;
		_cleanup_secret_ char *field = NULL;
		if ((r = sysconf_password_field(u->password, u->iscrypted, u->lock, &field)) < 0 ||
		    (r = sysconf_shadow_set_password(root, u->name, field)) < 0)
			return r;
	}
	return 0;
}

void sysconf_sshd_root_render(struct strbuf *out)
{
	strbuf_adds(out, "# rootpw --allow-ssh: written by slipway\nPermitRootLogin yes\n");
}

int sysconf_write_root(const struct ks *ks, const char *root, const struct sysconf_caps *c)
{
	const struct ks_rootpw *rp = ks->rootpw;
	int r;

	if (c->bash && (r = sysconf_root_shell(root)) < 0)
		return r;
	if (!rp)
		return 0;
	_cleanup_secret_ char *field = NULL;
	if ((r = sysconf_password_field(rp->password, rp->iscrypted, rp->lock, &field)) < 0 ||
	    (r = sysconf_shadow_set_password(root, "root", field)) < 0)
		return r;
	log_info("system: root password set%s", rp->lock ? " (account locked)" : "");
	if (!rp->allow_ssh)
		return 0;
	if (!c->sshd) {
		log_warning("system: rootpw --allow-ssh: the target has no sshd (openssh-server)");
		return 0;
	}
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	sysconf_sshd_root_render(&sb);
	return sysconf_write_file(root, "etc/ssh/sshd_config.d/01-permitrootlogin.conf", &sb, 0600);
}

/* mkdir + mode + owner, on the directory itself (never through a symlink). */
static int make_private_dir(const char *path, uid_t uid, gid_t gid)
{
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return log_error_errno(errno, "system: cannot create %s: %m", path);
	_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0700) < 0 || fchown(fd, uid, gid) < 0)
		return log_error_errno(errno, "system: cannot set the mode and owner of %s: %m",
				       path);
	return 0;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *s = text; (s = strstr(s, line)); s += n)
		if ((s == text || s[-1] == '\n') && (s[n] == '\n' || s[n] == '\0'))
			return true;
	return false;
}

static int write_keys(const char *root, const char *user, char *const *keys)
{
	_cleanup_free_ char *home = NULL;
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	uid_t uid;
	gid_t gid;
	int r;

	if ((r = sysconf_passwd_lookup(root, user, &uid, &gid, &home)) < 0)
		return log_error_errno(
		    r, "system: sshkey --username=%s: no such user in the target", user);
	_cleanup_free_ char *ssh = xasprintf("%s/.ssh", home);
	_cleanup_free_ char *home_path = sysconf_path(root, home),
			    *ssh_path = sysconf_path(root, ssh);
	_cleanup_free_ char *file = xasprintf("%s/authorized_keys", ssh);
	if (!sysconf_exists(root, home))
		return log_error_errno(
		    ENOENT, "system: sshkey --username=%s: the home directory %s does not exist",
		    user, home_path);
	if ((r = make_private_dir(ssh_path, uid, gid)) < 0)
		return r;
	r = sysconf_read_file(root, file, &sb);
	if (r < 0 && r != -ENOENT)
		return log_error_errno(r, "system: cannot read %s/%s: %m", root, file);
	if (sb.len > 0 && sb.buf[sb.len - 1] != '\n')
		strbuf_addch(&sb, '\n');
	STRV_FOREACH (k, keys)
		if (!has_line(strbuf_str(&sb), *k))
			strbuf_addf(&sb, "%s\n", *k);
	if ((r = sysconf_write_file_full(root, file, sb.buf, sb.len, 0600, uid, gid)) < 0)
		return r;
	log_info("system: %zu SSH key(s) for %s in %s/authorized_keys", strv_length(keys), user,
		 ssh);
	return 0;
}

int sysconf_write_sshkeys(const struct ks *ks, const char *root)
{
	_cleanup_strv_free_ char **users = NULL;

	for (size_t i = 0; i < ks->sshkey.n; i++) {
		const struct ks_sshkey *k = ks->sshkey.v[i];
		if (strpbrk(k->key, "\r\n"))
			return log_error_errno(
			    EINVAL, "system: sshkey --username=%s: a key must be one line",
			    k->username);
		if (!strv_contains(users, k->username))
			strv_push(&users, k->username);
	}
	STRV_FOREACH (u, users) {
		_cleanup_strv_free_ char **keys = NULL;
		for (size_t i = 0; i < ks->sshkey.n; i++)
			if (streq(ks->sshkey.v[i]->username, *u))
				strv_push(&keys, ks->sshkey.v[i]->key);
		int r = write_keys(root, *u, keys);
		if (r < 0)
			return r;
	}
	return 0;
}
