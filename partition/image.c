/* Image conversion after an install: a fixed VHD (the raw image with a
 * 512-byte footer, Azure's rules) or qcow2 through qemu-img. */
#include <inttypes.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>

#include "event.h"
#include "part.h"
#include "run.h"
#include "size.h"

static void put_be(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

/* CHS geometry from the VHD specification's algorithm (appendix). */
static void vhd_geometry(uint64_t size, uint16_t *cyl, uint8_t *heads, uint8_t *spt)
{
	uint64_t total = size / 512, cth;
	uint32_t h, s;

	if (total > 65535ULL * 16 * 255)
		total = 65535ULL * 16 * 255;
	if (total >= 65535ULL * 16 * 63) {
		s = 255, h = 16;
		cth = total / s;
	} else {
		s = 17;
		cth = total / s;
		h = (uint32_t)((cth + 1023) / 1024);
		if (h < 4)
			h = 4;
		if (cth >= h * 1024ULL || h > 16) {
			s = 31, h = 16;
			cth = total / s;
		}
		if (cth >= h * 1024ULL) {
			s = 63, h = 16;
			cth = total / s;
		}
	}
	*cyl = (uint16_t)(cth / h);
	*heads = (uint8_t)h;
	*spt = (uint8_t)s;
}

void part_vhd_footer(uint64_t size, uint32_t timestamp, const uint8_t uuid[16], uint8_t f[512])
{
	uint16_t cyl;
	uint8_t heads, spt;
	uint32_t sum = 0;

	memset(f, 0, 512);
	memcpy(f, "conectix", 8);
	put_be(f + 8, 2, 4);                     /* features: reserved bit always set */
	put_be(f + 12, 0x00010000, 4);           /* file format version 1.0 */
	put_be(f + 16, UINT64_MAX, 8);           /* data offset: none for fixed disks */
	put_be(f + 24, timestamp, 4);            /* seconds since 2000-01-01 UTC */
	/* Hyper-V's creator: readers take the size from the footer, not CHS */
	memcpy(f + 28, "win ", 4);
	put_be(f + 32, 0x000a0000, 4);           /* creator version */
	memcpy(f + 36, "Wi2k", 4);               /* creator host OS */
	put_be(f + 40, size, 8);                 /* original size */
	put_be(f + 48, size, 8);                 /* current size */
	vhd_geometry(size, &cyl, &heads, &spt);
	put_be(f + 56, cyl, 2);
	f[58] = heads;
	f[59] = spt;
	put_be(f + 60, 2, 4); /* disk type: fixed */
	memcpy(f + 68, uuid, 16);
	for (size_t i = 0; i < 512; i++)
		sum += f[i];
	put_be(f + 64, ~sum, 4);
}

int part_image_to_vhd(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDWR | O_CLOEXEC);
	struct stat st;
	uint8_t footer[512], uuid[16];

	if (fd < 0 || fstat(fd, &st) < 0)
		return log_error_errno(errno, "image: cannot open %s: %m", path);
	uint64_t size = ((uint64_t)st.st_size + MiB - 1) / MiB * MiB; /* Azure wants whole MiB */
	if (getrandom(uuid, sizeof(uuid), 0) != sizeof(uuid))
		return log_error_errno(errno ? errno : EIO, "image: no random bytes: %m");
	uuid[6] = (uuid[6] & 0x0f) | 0x40;
	uuid[8] = (uuid[8] & 0x3f) | 0x80;
	time_t now = time(NULL);
	part_vhd_footer(size, (uint32_t)(now - 946684800), uuid, footer);
	if (ftruncate(fd, (off_t)size) < 0)
		return log_error_errno(errno, "image: cannot extend %s to %" PRIu64 " bytes: %m", path, size);
	if (pwrite(fd, footer, sizeof(footer), (off_t)size) != (ssize_t)sizeof(footer) || fsync(fd) < 0)
		return log_error_errno(errno ? errno : EIO, "image: cannot write the VHD footer of %s: %m", path);
	log_info("image: %s is a fixed VHD of %s", path, SIZE_FMT(size));
	return 0;
}

int part_image_convert(const char *path, enum image_format f)
{
	switch (f) {
	case IMAGE_RAW:
		return 0;
	case IMAGE_VHD:
		/* a fixed VHD is the raw disk plus a footer */
		return part_image_to_vhd(path);
	case IMAGE_QCOW2: {
		/* qemu-img cannot convert a file onto itself: a temporary file
		 * beside it, renamed over it at the end */
		_cleanup_free_ char *tmp = xasprintf("%s.qcow2-XXXXXX", path);
		int fd = mkstemp(tmp);
		if (fd < 0)
			return log_error_errno(errno, "image: cannot create a file beside %s: %m", path);
		close(fd);
		char *argv[] = { "qemu-img", "convert", "-f", "raw", "-O", "qcow2", (char *)path, tmp, NULL };
		log_info("image: converting %s to qcow2", path);
		int r = run_checked(argv, &(struct run_opts){ .quiet = true, .log_fd = -1 });
		if (r >= 0 && rename(tmp, path) < 0)
			r = log_error_errno(errno, "image: cannot rename %s to %s: %m", tmp, path);
		if (r < 0)
			unlink(tmp);
		return r;
	}
	default:
		return log_error_errno(EINVAL, "image: unknown format %d", (int)f);
	}
}
