/* Growable NUL-terminated strings (after git's strbuf). */
#pragma once

#include <stdarg.h>
#include <stddef.h>

#include "macros.h"

struct strbuf {
	char *buf; /* always NUL-terminated, never NULL after init */
	size_t len;
	size_t alloc;
};

#define STRBUF_INIT { .buf = NULL, .len = 0, .alloc = 0 }

void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) _printf_(2, 3);
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* Appends s quoted for a shell-like reader (kickstart, /bin/sh) when needed. */
void strbuf_add_quoted(struct strbuf *sb, const char *s);
void strbuf_reset(struct strbuf *sb);
/* Returns the buffer (never NULL) and leaves sb empty and reusable. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* Reads the whole file; returns 0 or -errno. */
int strbuf_read_file(struct strbuf *sb, const char *path);
/* Reads everything from fd until EOF; returns 0 or -errno. */
int strbuf_read_fd(struct strbuf *sb, int fd);
const char *strbuf_str(const struct strbuf *sb);

static inline void strbuf_releasep(struct strbuf *sb)
{
	strbuf_release(sb);
}
#define _cleanup_strbuf_ _cleanup_(strbuf_releasep)
