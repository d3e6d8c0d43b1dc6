/* File helpers of the payload: checksums as repomd and primary.xml state
 * them (libsolv's digests), and directory creation for the cache. */
#include <fcntl.h>
#include <solv/chksum.h>
#include <sys/stat.h>

#include "payload-internal.h"

int payload_verify_checksum(const char *path, Id type, const unsigned char *want)
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
	bool ok = got && want && memcmp(got, want, (size_t)len) == 0;
	solv_chksum_free(c, NULL);
	return ok ? 0 : -EBADMSG;
}

