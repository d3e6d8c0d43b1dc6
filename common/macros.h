/* Cleanup attributes and small macros used everywhere (systemd style). */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_ __attribute__((noreturn))
#define _unused_ __attribute__((unused))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define streq(a, b) (strcmp((a), (b)) == 0)
#define strneq(a, b, n) (strncmp((a), (b), (n)) == 0)
#define isempty(s) (!(s) || !*(s))
#define strna(s) ((s) ? (s) : "n/a")
#define strempty(s) ((s) ? (s) : "")

/* Take ownership of a pointer, leaving NULL behind so cleanup does nothing. */
#define TAKE_PTR(p)                     \
	({                              \
		typeof(p) _p_ = (p);    \
		(p) = NULL;             \
		_p_;                    \
	})
#define TAKE_FD(fd)                     \
	({                              \
		int _fd_ = (fd);        \
		(fd) = -1;              \
		_fd_;                   \
	})

static inline void freep(void *p)
{
	free(*(void **)p);
}
static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}
static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Generates a cleanup function for a type with a destructor: foo_freep(). */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func) \
	static inline void func##p(type *p)     \
	{                                       \
		if (*p)                         \
			func(*p);               \
	}

/* Allocation never fails in slipway: an installer out of memory cannot
 * recover, so these abort with a message instead of returning NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void *xmemdup(const void *p, size_t n);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);
#define xnew0(type, n) ((type *)xcalloc((n), sizeof(type)))

bool startswith(const char *s, const char *prefix);
bool endswith(const char *s, const char *suffix);
/* The monotonic clock (CLOCK_MONOTONIC) in seconds and in milliseconds. */
double now_sec(void);
uint64_t now_msec(void);
/* Overwrites a secret in memory in a way the compiler cannot elide. */
void explicit_wipe(void *p, size_t n);
/* Wipes then frees a NUL-terminated secret. */
void free_secret(char *s);
static inline void free_secretp(char **s)
{
	free_secret(*s);
}
#define _cleanup_secret_ _cleanup_(free_secretp)
