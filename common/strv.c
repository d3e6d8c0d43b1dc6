/* NULL-terminated string arrays. */
#include <stdarg.h>

#include "strbuf.h"
#include "strv.h"

size_t strv_length(char *const *l)
{
	size_t n = 0;

	while (l && l[n])
		n++;
	return n;
}

void strv_consume(char ***l, char *s)
{
	size_t n = strv_length(*l);

	*l = xrealloc(*l, (n + 2) * sizeof(char *));
	(*l)[n] = s;
	(*l)[n + 1] = NULL;
}

void strv_push(char ***l, const char *s)
{
	strv_consume(l, xstrdup(s));
}

void strv_pushf(char ***l, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	strv_consume(l, s);
}

void strv_extend(char ***l, ...)
{
	va_list ap;
	const char *s;

	va_start(ap, l);
	while ((s = va_arg(ap, const char *)))
		strv_push(l, s);
	va_end(ap);
}

void strv_extend_strv(char ***l, char *const *other)
{
	STRV_FOREACH(s, other)
		strv_push(l, *s);
}

bool strv_contains(char *const *l, const char *s)
{
	STRV_FOREACH(i, l)
		if (streq(*i, s))
			return true;
	return false;
}

char **strv_copy(char *const *l)
{
	char **r = xnew0(char *, 1);

	strv_extend_strv(&r, l);
	return r;
}

void strv_free(char **l)
{
	for (char **i = l; i && *i; i++)
		free(*i);
	free(l);
}

void strv_free_secret(char **l)
{
	for (char **i = l; i && *i; i++)
		free_secret(*i);
	free(l);
}

char *strv_join(char *const *l, const char *sep)
{
	struct strbuf sb = STRBUF_INIT;

	STRV_FOREACH(s, l) {
		if (s != l)
			strbuf_adds(&sb, sep);
		strbuf_adds(&sb, *s);
	}
	return strbuf_detach(&sb);
}

char **strv_split(const char *s, const char *seps)
{
	char **r = xnew0(char *, 1);

	while (s && *s) {
		size_t n = strcspn(s, seps);
		if (n > 0)
			strv_consume(&r, xstrndup(s, n));
		s += n;
		s += strspn(s, seps);
	}
	return r;
}

bool strv_equal(char *const *a, char *const *b)
{
	size_t n = strv_length(a);

	if (n != strv_length(b))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!streq(a[i], b[i]))
			return false;
	return true;
}
