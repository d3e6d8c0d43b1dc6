/* File helpers of the payload: checksums as repomd and primary.xml state
 * them (libsolv's digests), and directory creation for the cache. */
#include <fcntl.h>
#include <solv/chksum.h>
#include <sys/stat.h>

#include "payload-internal.h"

/* The digest of a file; *ret (len bytes) is freed by the caller. */
static int file_digest(const char *path, Id type, unsigned char **ret, int *ret_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char buf[65536];
	ssize_t n;
	int len = 0;

	if (fd < 0)
		return -errno;
	Chksum *c = solv_chksum_create(type);
	if (!c)
		return -EOPNOTSUPP;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		solv_chksum_add(c, buf, (int)n);
	if (n < 0) {
		int e = -errno;
		solv_chksum_free(c, NULL);
		return e;
	}
	const unsigned char *got = solv_chksum_get(c, &len);
	*ret = xmemdup(got, (size_t)len);
	*ret_len = len;
	solv_chksum_free(c, NULL);
	return 0;
}

int payload_verify_checksum(const char *path, Id type, const unsigned char *want)
{
	_cleanup_free_ unsigned char *got = NULL;
	int len, r = file_digest(path, type, &got, &len);

	if (r < 0)
		return r;
	return want && memcmp(got, want, (size_t)len) == 0 ? 0 : -EBADMSG;
}

int payload_file_hash_hex(const char *path, Id type, char **ret)
{
	_cleanup_free_ unsigned char *sum = NULL;
	int len, r = file_digest(path, type, &sum, &len);

	if (r < 0)
		return r;
	char *hex = xnew0(char, 2 * (size_t)len + 1);
	for (int i = 0; i < len; i++)
		sprintf(hex + 2 * i, "%02x", sum[i]);
	*ret = hex;
	return 0;
}

char *payload_repo_cache_dir(const struct payload_plan *p, const struct payload_repo *r, const char *kind)
{
	/* the mirror used may change from one run to the next; the list does not */
	const char *key = r->metalink ? r->metalink : r->mirrorlist ? r->mirrorlist : r->baseurl;
	Chksum *c = solv_chksum_create(REPOKEY_TYPE_SHA256);
	int len;

	solv_chksum_add(c, key, (int)strlen(key));
	const unsigned char *s = solv_chksum_get(c, &len);
	char *d = xasprintf("%s/%s/%s-%02x%02x%02x%02x%02x%02x", p->cachedir, kind, r->id, s[0], s[1], s[2],
			    s[3], s[4], s[5]);
	solv_chksum_free(c, NULL);
	return d;
}
