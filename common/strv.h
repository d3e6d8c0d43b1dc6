/* NULL-terminated string arrays (systemd's strv): argv building and lists. */
#pragma once

#include <stddef.h>

#include "macros.h"

size_t strv_length(char *const *l);
/* Appends s (taking ownership) and keeps the array NULL-terminated. */
void strv_consume(char ***l, char *s);
/* Appends a copy of s. */
void strv_push(char ***l, const char *s);
void strv_pushf(char ***l, const char *fmt, ...) _printf_(2, 3);
/* Appends copies of every string of the NULL-terminated varargs. */
void strv_extend(char ***l, ...);
void strv_extend_strv(char ***l, char *const *other);
bool strv_contains(char *const *l, const char *s);
char **strv_copy(char *const *l);
void strv_free(char **l);
void strv_free_secret(char **l);
/* Joins with sep; returns a new string ("" for an empty list). */
char *strv_join(char *const *l, const char *sep);
/* Splits on any of the separator characters, dropping empty fields. */
char **strv_split(const char *s, const char *seps);
bool strv_equal(char *const *a, char *const *b);

static inline void strv_freep(char ***l)
{
	strv_free(*l);
}
#define _cleanup_strv_free_ _cleanup_(strv_freep)
#define STRV_FOREACH(s, l) for (char *const *s = (l); s && *s; s++)
