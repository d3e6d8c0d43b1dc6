/* SLIPWAY_FAULT parsing and the per-name call counters behind fault_inject();
 * the table below is the list of every hook point in the code. */
#include "fault.h"

#if FAULT_INJECTION_ENABLED
#include <limits.h>
#include <signal.h>

#include "event.h"

/* Every name a hook may use, and where it is (tests/README.md has the matrix). */
static const char *const fault_points[] = {
	"loop",      /* partition/blockdev.c: attaching the image's loop device */
	"loop-free", /* partition/blockdev.c: asking /dev/loop-control for a free device */
	"partition", /* partition/blockdev.c: one look for a new partition in sysfs */
	"blkpg",     /* partition/table.c: telling the kernel about one new partition */
	"wipe",      /* partition/blockdev.c: wiping one old signature */
	"table",     /* partition/table.c: writing a partition table */
	"crypt",     /* partition/crypt.c: formatting a LUKS volume */
	"mkfs",      /* partition/mkfs.c: making a filesystem */
	"mount",     /* partition/mount.c: mounting under the sysroot */
	"download",  /* payload/download.c, fetch.c: one package transfer or check */
	"rpm",       /* payload/transaction.c: opening one transaction element */
	"scriptlet", /* payload/transaction.c: one rpm scriptlet counted as failed */
	"write",     /* a configuration file written into the target */
	"script",    /* installer/scripts.c: writing a kickstart script's file */
};

#define FAULT_MAX 16

struct fault {
	unsigned point; /* index into fault_points */
	unsigned at;    /* fail call number `at`… */
	bool onward;    /* …and every later one */
	int error;      /* positive errno */
};

static struct {
	bool parsed;
	bool bad; /* malformed: every call fails */
	size_t n;
	struct fault v[FAULT_MAX];
	unsigned calls[ELEMENTSOF(fault_points)];
} st;

static int point_index(const char *name, size_t len)
{
	for (size_t i = 0; i < ELEMENTSOF(fault_points); i++)
		if (strlen(fault_points[i]) == len && strneq(fault_points[i], name, len))
			return (int)i;
	return -1;
}

static int errno_from_name(const char *s)
{
	static const struct {
		const char *name;
		int e;
	} names[] = {
		{ "EIO", EIO },       { "ENOSPC", ENOSPC },       { "ENOMEM", ENOMEM },
		{ "EPERM", EPERM },   { "EACCES", EACCES },       { "EBUSY", EBUSY },
		{ "EROFS", EROFS },   { "ETIMEDOUT", ETIMEDOUT }, { "ECONNRESET", ECONNRESET },
		{ "ENOENT", ENOENT }, { "EBADMSG", EBADMSG },
	};
	char *end;
	long v;

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (streq(names[i].name, s))
			return names[i].e;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno || end == s || *end || v <= 0 || v > 4095 ? -EINVAL : (int)v;
}

/* One "NAME[:N[+][:ERRNO]]" item. */
static int parse_item(char *item, struct fault *f)
{
	char *colon = strchr(item, ':');
	int p = point_index(item, colon ? (size_t)(colon - item) : strlen(item));

	if (p < 0)
		return -EINVAL;
	*f = (struct fault){ .point = (unsigned)p, .at = 1, .error = EIO };
	if (!colon)
		return 0;
	char *n = colon + 1, *end;
	errno = 0;
	unsigned long at = strtoul(n, &end, 10);
	if (errno || end == n || at == 0 || at > UINT_MAX)
		return -EINVAL;
	f->at = (unsigned)at;
	if (*end == '+')
		f->onward = true, end++;
	if (*end == '\0')
		return 0;
	if (*end != ':')
		return -EINVAL;
	int e = errno_from_name(end + 1);
	if (e < 0)
		return e;
	f->error = e;
	return 0;
}

static void parse_env(void)
{
	const char *spec = getenv("SLIPWAY_FAULT");

	st.parsed = true;
	if (isempty(spec))
		return;
	_cleanup_free_ char *copy = xstrdup(spec);
	char *save = NULL;
	for (char *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		if (st.n == FAULT_MAX || parse_item(item, &st.v[st.n]) < 0) {
			st.bad = true;
			return;
		}
		st.n++;
	}
}

int fault_inject(const char *name)
{
	int p = point_index(name, strlen(name));

	if (!st.parsed)
		parse_env();
	if (p < 0)
		return log_error("fault injection: \"%s\" is not a fault point (common/fault.c)", name),
		       -EINVAL;
	if (st.bad)
		return log_error("fault injection: SLIPWAY_FAULT=\"%s\" is malformed: expected "
				 "NAME[:N[+][:ERRNO]],… with NAME one of the points in common/fault.c",
				 getenv("SLIPWAY_FAULT")),
		       -EINVAL;
	unsigned call = ++st.calls[p];
	for (size_t i = 0; i < st.n; i++) {
		const struct fault *f = &st.v[i];
		if (f->point == (unsigned)p && (call == f->at || (f->onward && call > f->at)))
			return log_warning_errno(f->error, "fault injection: call %u of \"%s\" fails with "
							   "%s (SLIPWAY_FAULT)",
						 call, name, strerrorname_np(f->error));
	}
	return 0;
}

void fault_reset(void)
{
	memset(&st, 0, sizeof(st));
}

static int signal_from_name(const char *s)
{
	if (startswith(s, "SIG"))
		s += 3;
	for (int sig = 1; sig < NSIG; sig++) {
		const char *abbrev = sigabbrev_np(sig);
		if (abbrev && streq(abbrev, s))
			return sig;
	}
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	return errno || end == s || *end || v <= 0 || v >= NSIG ? -EINVAL : (int)v;
}

void fault_signal(const char *where)
{
	const char *spec = getenv("SLIPWAY_FAULT_SIGNAL");
	const char *colon = spec ? strrchr(spec, ':') : NULL;

	if (!colon || (size_t)(colon - spec) != strlen(where) || !strneq(spec, where, strlen(where)))
		return;
	int sig = signal_from_name(colon + 1);
	if (sig < 0) {
		log_error("fault injection: SLIPWAY_FAULT_SIGNAL=\"%s\" is malformed: expected WHERE:SIGNAL",
			  spec);
		return;
	}
	log_warning("fault injection: signal %d before %s (SLIPWAY_FAULT_SIGNAL)", sig, where);
	raise(sig);
}
#endif
