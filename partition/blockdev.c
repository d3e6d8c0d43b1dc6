/* Block device plumbing for apply: loop devices over image files, partition
 * nodes (uevents and sysfs, mknod what devtmpfs did not make; udev settle), and
 * wiping old signatures with libblkid. */
#include <blkid.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "blockdev.h"
#include "event.h"
#include "fault.h"
#include "run.h"

char *part_partition_node(const char *disk_dev, unsigned partno)
{
	size_t n = strlen(disk_dev);
	bool digit = n > 0 && disk_dev[n - 1] >= '0' && disk_dev[n - 1] <= '9';
	return xasprintf("%s%s%u", disk_dev, digit ? "p" : "", partno);
}

/* Makes /dev/NAME a block node for devno when devtmpfs did not. */
static int ensure_node(const char *path, dev_t devno)
{
	struct stat st;

	if (stat(path, &st) == 0) {
		if (S_ISBLK(st.st_mode) && st.st_rdev == devno)
			return 0;
		if (unlink(path) < 0)
			return log_error_errno(errno, "storage: %s is stale and cannot be removed: %m", path);
	}
	if (mknod(path, S_IFBLK | 0660, devno) < 0 && errno != EEXIST)
		return log_error_errno(errno, "storage: cannot create the device node %s: %m", path);
	return 0;
}

static int read_devno(const char *sysdir, dev_t *ret)
{
	_cleanup_free_ char *p = xasprintf("%s/dev", sysdir);
	_cleanup_fclose_ FILE *f = fopen(p, "re");
	unsigned maj, min;

	if (!f || fscanf(f, "%u:%u", &maj, &min) != 2)
		return -ENOENT;
	*ret = makedev(maj, min);
	return 0;
}

static int configure_loop(int lfd, int ffd, const char *file, unsigned sector_size)
{
	struct loop_config cfg = {
		.fd = (unsigned)ffd,
		.block_size = sector_size,
		/* AUTOCLEAR: the kernel detaches it if slipway dies */
		.info = { .lo_flags = LO_FLAGS_PARTSCAN | LO_FLAGS_AUTOCLEAR },
	};

	snprintf((char *)cfg.info.lo_file_name, sizeof(cfg.info.lo_file_name), "%s", file);
	if (ioctl(lfd, LOOP_CONFIGURE, &cfg) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOTTY)
		return -errno;
	/* kernels before 5.8: the three-step way */
	if (ioctl(lfd, LOOP_SET_FD, ffd) < 0)
		return -errno;
	if (ioctl(lfd, LOOP_SET_STATUS64, &cfg.info) < 0 ||
	    (sector_size != 512 && ioctl(lfd, LOOP_SET_BLOCK_SIZE, (unsigned long)sector_size) < 0)) {
		int r = -errno;
		(void)ioctl(lfd, LOOP_CLR_FD, 0);
		return r;
	}
	return 0;
}

int part_loop_attach(const char *file, unsigned sector_size, struct part_loop **ret)
{
	_cleanup_close_ int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	_cleanup_close_ int ffd = open(file, O_RDWR | O_CLOEXEC);
	int r = fault_inject("loop") ?: -EBUSY;

	if (ctl < 0)
		return log_error_errno(errno, "storage: cannot open /dev/loop-control: %m");
	if (ffd < 0)
		return log_error_errno(errno, "storage: cannot open %s: %m", file);
	/* another process may take the free device first: try again */
	for (int attempt = 0; attempt < 64 && r == -EBUSY; attempt++) {
		int nr = fault_inject("loop-free");
		if (nr == 0 && (nr = ioctl(ctl, LOOP_CTL_GET_FREE)) < 0)
			nr = -errno;
		if (nr < 0)
			return log_error_errno(nr, "storage: no free loop device: %m");
		_cleanup_free_ char *dev = xasprintf("/dev/loop%d", nr);
		if ((r = ensure_node(dev, makedev(7, (unsigned)nr))) < 0)
			return r;
		_cleanup_close_ int lfd = open(dev, O_RDWR | O_CLOEXEC);
		if (lfd < 0)
			return log_error_errno(errno, "storage: cannot open %s: %m", dev);
		r = configure_loop(lfd, ffd, file, sector_size ? sector_size : 512);
		if (r == 0) {
			struct part_loop *l = xnew0(struct part_loop, 1);
			l->fd = TAKE_FD(lfd);
			l->dev = TAKE_PTR(dev);
			*ret = l;
			log_info("storage: %s attached to %s", file, l->dev);
			return 0;
		}
	}
	return log_error_errno(r, "storage: cannot attach %s to a loop device: %m", file);
}

int part_loop_detach(void *data)
{
	struct part_loop *l = data;
	int r = 0;

	if (l->fd >= 0) {
		if (ioctl(l->fd, LOOP_CLR_FD, 0) < 0 && errno != ENXIO)
			r = -errno;
		close(l->fd);
		l->fd = -1;
	}
	return r;
}

void part_loop_free(void *data)
{
	struct part_loop *l = data;
	if (!l)
		return;
	if (l->fd >= 0)
		close(l->fd);
	free(l->dev);
	free(l);
}

/* The kernel's uevents (what udevd listens to). Opened before sysfs is
 * looked at, so an "add" that comes after the look is never missed. */
static int uevent_socket(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_KOBJECT_UEVENT);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

/* Waits for the next uevent (or, without the socket, a short interval) and
 * drains what arrived; false once the deadline has passed. */
static bool wait_uevent(int fd, uint64_t deadline)
{
	uint64_t now = now_msec();
	char buf[8192];

	if (now >= deadline)
		return false;
	if (fd < 0) {
		nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
		return true;
	}
	struct pollfd p = { .fd = fd, .events = POLLIN };
	if (poll(&p, 1, (int)(deadline - now)) > 0)
		while (recv(fd, buf, sizeof(buf), 0) > 0)
			;
	return true;
}

/* The kernel publishes a partition in sysfs when it has parsed the table
 * (BLKRRPART, BLKPG and loop partition scans are synchronous, so normally
 * all are there at once) and announces it with a uevent; udev may be
 * absent, so the /dev nodes devtmpfs did not make are made here. */
int part_wait_partitions(const char *disk_dev, const unsigned *partnos, size_t n, unsigned timeout_ms)
{
	const char *disk = strrchr(disk_dev, '/') ? strrchr(disk_dev, '/') + 1 : disk_dev;
	uint64_t deadline = now_msec() + timeout_ms;
	_cleanup_close_ int ue = uevent_socket();

	if (ue < 0)
		log_debug("storage: no uevent socket (%s); polling sysfs", strerror(-ue));
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *node = part_partition_node(disk_dev, partnos[i]);
		const char *name = strrchr(node, '/') + 1;
		_cleanup_free_ char *sysdir = xasprintf("/sys/class/block/%s/%s", disk, name);
		dev_t devno;
		while (fault_inject("partition") < 0 || read_devno(sysdir, &devno) < 0)
			if (!wait_uevent(ue, deadline))
				return log_error_errno(ETIMEDOUT, "storage: %s did not appear after the partition table "
								  "was written (%u ms)", node, timeout_ms);
		int r = ensure_node(node, devno);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Where udevd runs (the installer media), its workers open every new
 * partition, LUKS mapping and filesystem to probe it and make the
 * /dev/disk links; wait until it has handled all events, as Anaconda does
 * with `udevadm settle`. Without udevd there is nothing to wait for. */
int part_udev_settle(void)
{
	if (access("/run/udev/control", F_OK) < 0)
		return 0;
	_cleanup_free_ char *udevadm = run_find_program("udevadm");
	if (!udevadm)
		return log_debug("storage: udevd runs but there is no udevadm; not waiting for it"), 0;
	char *argv[] = { udevadm, "settle", "--timeout=60", NULL };
	int r = run_argv(argv, &(struct run_opts){ .quiet = true, .log_fd = -1 });
	if (r != 0)
		log_warning("storage: udevadm settle did not finish (status %d); going on", r);
	else
		log_info("storage: udev settled");
	return 0;
}

int part_wipe_signatures(const char *dev, int fd_or_neg)
{
	_cleanup_close_ int own = -1;
	int fd = fd_or_neg;
	blkid_probe pr;
	int n = 0;

	if (fd < 0 && (fd = own = open(dev, O_RDWR | O_CLOEXEC)) < 0)
		return log_error_errno(errno, "storage: cannot open %s to wipe it: %m", dev);
	if (!(pr = blkid_new_probe()))
		return log_error_errno(ENOMEM, "storage: cannot probe %s", dev);
	if (blkid_probe_set_device(pr, fd, 0, 0) < 0) {
		blkid_free_probe(pr);
		return log_error_errno(EIO, "storage: cannot probe %s", dev);
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_MAGIC | BLKID_SUBLKS_BADCSUM | BLKID_SUBLKS_TYPE);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC | BLKID_PARTS_FORCE_GPT);
	while (blkid_do_probe(pr) == 0) {
		const char *type = NULL;
		if (blkid_probe_lookup_value(pr, "TYPE", &type, NULL) < 0)
			(void)blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL);
		/* (libblkid before 2.39 ignores a failing fsync here: then the
		 * flush below fails; the fault stands for a wipe failing) */
		if (fault_inject("wipe") < 0 || blkid_do_wipe(pr, 0) < 0) {
			/* type points into the probe: say it before freeing it */
			int r = log_error_errno(EIO, "storage: cannot wipe the %s signature on %s", strna(type), dev);
			blkid_free_probe(pr);
			return r;
		}
		log_debug("storage: wiped a %s signature on %s", strna(type), dev);
		n++;
	}
	blkid_free_probe(pr);
	if (fsync(fd) < 0)
		return log_error_errno(errno, "storage: cannot flush %s: %m", dev);
	return n;
}
