/* rpm's configuration (rpmrc, macros). The dynamic build reads the host's,
 * which belongs to the librpm it is linked with; the static binary carries
 * the two files of its own librpm and reads no rpm configuration of the host. */
#include <sys/mman.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmmacro.h>

#include "fs.h"
#include "payload-internal.h"

#ifdef SLIPWAY_RPM_CONFIG
/* The rpmrc and macros that tools/static/build-libs.sh built with librpm
 * (its $prefix/lib/rpm): a bare installer root has no /usr/lib/rpm, and a
 * host's may be for another rpm (4.18's rpmrc lacks x86_64_v2..v4, so every
 * package would be "intended for a different architecture"). */
extern const char slipway_rpmrc[], slipway_rpm_macros[];
__asm__(".pushsection .rodata,\"a\"\n"
	".globl slipway_rpmrc\n"
	"slipway_rpmrc:\n"
	".incbin \"" SLIPWAY_RPM_CONFIG "/rpmrc\"\n"
	".byte 0\n"
	".globl slipway_rpm_macros\n"
	"slipway_rpm_macros:\n"
	".incbin \"" SLIPWAY_RPM_CONFIG "/macros\"\n"
	".byte 0\n"
	".popsection\n");

/* rpm reads its configuration from paths only: each file is a memfd, read
 * through /proc/self/fd, so nothing is written anywhere or left behind. */
static int memfd_with(const char *name, const char *text)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = fd_write_all(fd, text, strlen(text));
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

static int read_config(void)
{
	/* rpm keeps the macrofiles pointer: static storage */
	static char macros_path[64];
	_cleanup_close_ int rc_fd = memfd_with("rpmrc", slipway_rpmrc);
	_cleanup_close_ int macros_fd = memfd_with("rpm-macros", slipway_rpm_macros);

	if (rc_fd < 0 || macros_fd < 0)
		return log_error_errno(rc_fd < 0 ? rc_fd : macros_fd,
				       "rpm: cannot hold the built-in configuration: %m");
	_cleanup_free_ char *rc_path = xasprintf("/proc/self/fd/%d", rc_fd);
	snprintf(macros_path, sizeof(macros_path), "/proc/self/fd/%d", macros_fd);
	if (access(rc_path, R_OK) < 0)
		return log_error_errno(errno, "rpm: cannot read the built-in configuration: %s: %m",
				       rc_path);
	/* only these: not the host's /usr/lib/rpm, /etc/rpm or ~/.rpmmacros */
	macrofiles = macros_path;
	if (rpmReadConfigFiles(rc_path, NULL) != 0)
		return log_error_errno(EIO, "rpm: cannot read the built-in configuration");
	return 0;
}
#else
static int read_config(void)
{
	if (rpmReadConfigFiles(NULL, NULL) != 0)
		return log_error_errno(EIO, "rpm: cannot read rpm's configuration");
	return 0;
}
#endif

int payload_rpm_read_config(void)
{
	static bool done;
	int r;

	if (done)
		return 0;
	if ((r = read_config()) < 0)
		return r;
	done = true;
	return 0;
}
