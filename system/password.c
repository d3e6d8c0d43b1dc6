/* Passwords and the account files: yescrypt hashing with libcrypt, the
 * shadow password field, and reading/editing /etc/passwd, /etc/group and
 * /etc/shadow of the target directly (no NSS, no PAM: pitfall 9). */
#include <assert.h>
#include <crypt.h>
#include <sys/stat.h>

#include "sysconf-internal.h"

int sysconf_hash_password(const char *plaintext, char **ret)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	int r = 0;

	/* NULL random bytes: libcrypt reads them from the kernel itself */
	if (!crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof(salt)))
		return log_error_errno(errno ? errno : EINVAL,
				       "system: cannot make a yescrypt salt: %m");
	cd = xcalloc(1, sizeof(*cd));
	const char *h = crypt_rn(plaintext, salt, cd, sizeof(*cd));
	if (!h || h[0] == '*')
		r = log_error_errno(errno ? errno : EINVAL, "system: yescrypt hashing failed: %m");
	else
		*ret = xstrdup(h);
	/* the work area held the plaintext and intermediate state */
	explicit_wipe(cd, sizeof(*cd));
	free(cd);
	return r;
}

int sysconf_password_field(const char *password, bool iscrypted, bool lock, char **ret)
{
	_cleanup_free_ char *hash = NULL;
	int r;

	if (isempty(password)) {
		*ret = xstrdup("!");
		return 0;
	}
	if (iscrypted) {
		if (strpbrk(password, ":\n"))
			return log_error_errno(
			    EINVAL, "system: a crypted password must not contain ':' or a newline");
		hash = xstrdup(password);
	} else if ((r = sysconf_hash_password(password, &hash)) < 0)
		return r;
	*ret = lock ? xasprintf("!%s", hash) : TAKE_PTR(hash);
	return 0;
}

/* Calls fn for each line of a colon-separated database until it returns
 * non-zero; line excludes the newline. */
static int db_foreach(const char *text, int (*fn)(const char *line, size_t len, void *data),
		      void *data)
{
	for (const char *s = strempty(text); *s;) {
		size_t len = strcspn(s, "\n");
		int r = fn(s, len, data);
		if (r != 0)
			return r;
		s += len + (s[len] == '\n');
	}
	return 0;
}

static bool line_is(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);
	return len > n && line[n] == ':' && strneq(line, name, n);
}

int sysconf_db_set_field(const char *text, const char *name, unsigned field, const char *value,
			 struct strbuf *out)
{
	bool found = false;

	assert(field >= 2);
	for (const char *s = strempty(text); *s;) {
		size_t len = strcspn(s, "\n");
		if (!found && line_is(s, len, name)) {
			_cleanup_strv_free_ char **f = NULL;
			/* split keeping empty fields */
			for (const char *p = s, *end = s + len;;) {
				const char *c = memchr(p, ':', (size_t)(end - p));
				strv_consume(&f,
					     xstrndup(p, c ? (size_t)(c - p) : (size_t)(end - p)));
				if (!c)
					break;
				p = c + 1;
			}
			while (strv_length(f) < field)
				strv_push(&f, "");
			free(f[field - 1]);
			f[field - 1] = xstrdup(value);
			_cleanup_free_ char *joined = strv_join(f, ":");
			strbuf_addf(out, "%s\n", joined);
			if (field == 2) /* the old hash must not linger in freed memory */
				explicit_wipe(f[1], strlen(f[1]));
			found = true;
		} else
			strbuf_addf(out, "%.*s\n", (int)len, s);
		s += len + (s[len] == '\n');
	}
	return found ? 0 : -ENOENT;
}

struct lookup {
	const char *name;
	long long id;
	char **fields;
};

static int lookup_line(const char *line, size_t len, void *data)
{
	struct lookup *l = data;

	if (l->name && !line_is(line, len, l->name))
		return 0;
	_cleanup_free_ char *copy = xstrndup(line, len);
	_cleanup_strv_free_ char **f = NULL;
	for (char *p = copy, *c;; p = c + 1) {
		c = strchr(p, ':');
		if (c)
			*c = '\0';
		strv_push(&f, p);
		if (!c)
			break;
	}
	if (strv_length(f) < 3)
		return 0;
	if (!l->name && (l->id < 0 || strtoll(f[2], NULL, 10) != l->id))
		return 0;
	if (l->name && l->id >= 0 && strtoll(f[2], NULL, 10) != l->id)
		return 0;
	l->fields = TAKE_PTR(f);
	return 1;
}

int sysconf_passwd_lookup(const char *root, const char *name, uid_t *uid, gid_t *gid, char **home)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	struct lookup l = {.name = name, .id = -1};
	int r;

	if ((r = sysconf_read_file(root, "etc/passwd", &sb)) < 0)
		return log_error_errno(r, "system: cannot read %s/etc/passwd: %m", root);
	db_foreach(sb.buf, lookup_line, &l);
	_cleanup_strv_free_ char **f = l.fields;
	if (!f || strv_length(f) < 6)
		return -ENOENT;
	*uid = (uid_t)strtoul(f[2], NULL, 10);
	*gid = (gid_t)strtoul(f[3], NULL, 10);
	if (home)
		*home = xstrdup(f[5]);
	return 0;
}

bool sysconf_group_exists(const char *root, const char *name, long long gid)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	struct lookup l = {.name = name, .id = gid};

	if (sysconf_read_file(root, "etc/group", &sb) < 0)
		return false;
	db_foreach(sb.buf, lookup_line, &l);
	bool found = l.fields != NULL;
	strv_free(l.fields);
	return found;
}

/* Rewrites root/path with name's field set, keeping mode and owner. */
static int db_edit(const char *root, const char *path, const char *name, unsigned field,
		   const char *value)
{
	_cleanup_strbuf_ struct strbuf old = STRBUF_INIT, new = STRBUF_INIT;
	_cleanup_free_ char *p = sysconf_path(root, path);
	struct stat st;
	int r;

	if (stat(p, &st) < 0 || (r = strbuf_read_file(&old, p)) < 0)
		return log_error_errno(errno, "system: cannot read %s: %m", p);
	r = sysconf_db_set_field(old.buf, name, field, value, &new);
	if (r < 0) {
		explicit_wipe(old.buf, old.len);
		explicit_wipe(new.buf, new.len);
		return log_error_errno(r, "system: %s has no entry for %s", p, name);
	}
	if (streq(old.buf, new.buf))
		r = 0;
	else
		r = sysconf_write_file_full(root, path, new.buf, new.len, st.st_mode & 07777,
					    st.st_uid, st.st_gid);
	explicit_wipe(old.buf, old.len);
	explicit_wipe(new.buf, new.len);
	return r;
}

int sysconf_shadow_set_password(const char *root, const char *name, const char *field)
{
	int r;

	if ((r = db_edit(root, "etc/shadow", name, 2, field)) < 0)
		return r;
	/* Anaconda leaves "last changed" empty: no aging, no forced change. */
	return db_edit(root, "etc/shadow", name, 3, "");
}

/* Root's login shell, when the target has Bash (it might not, in a
 * container-like minimal set). */
int sysconf_root_shell(const char *root)
{
	return db_edit(root, "etc/passwd", "root", 7, "/bin/bash");
}
