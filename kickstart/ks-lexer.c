/* Splitting a kickstart line into words exactly as pykickstart does with
 * Python's shlex.split() in POSIX mode: quotes, backslashes, # comments. */
#include "ks-internal.h"

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool ks_line_is_blank_or_comment(const char *line)
{
	while (*line && (is_ws(*line) || *line == '\v' || *line == '\f'))
		line++;
	return !*line || *line == '#';
}

/* strv_consume() walks the list to its end on every call, which made a
 * line of many words quadratic (512Ki words: minutes); words here keep
 * their count. */
static void push_word(char ***words, size_t *n, size_t *alloc, char *w)
{
	if (*n + 2 > *alloc) {
		*alloc = *alloc ? *alloc * 2 : 16;
		*words = xrealloc(*words, *alloc * sizeof(char *));
	}
	(*words)[(*n)++] = w;
	(*words)[*n] = NULL;
}

/* The states of shlex.read_token(): between words, in a word, in quotes,
 * after a backslash. */
enum lex_state { ST_SPACE, ST_WORD, ST_SQUOTE, ST_DQUOTE, ST_ESCAPE };

int ks_split(const char *line, bool comments, char ***ret, char **ret_err)
{
	_cleanup_strv_free_ char **words = NULL;
	_cleanup_strbuf_ struct strbuf tok = STRBUF_INIT;
	size_t n_words = 0, alloc_words = 0;
	enum lex_state st = ST_SPACE, escaped_from = ST_WORD;
	bool quoted = false, in_token = false;

	for (const char *p = line;; p++) {
		char c = *p;

		switch (st) {
		case ST_SPACE:
		case ST_WORD:
			if (!c || is_ws(c) || (comments && c == '#')) {
				if (in_token || quoted)
					push_word(&words, &n_words, &alloc_words,
						  strbuf_detach(&tok));
				in_token = quoted = false;
				st = ST_SPACE;
				if (!c || (comments && c == '#')) {
					*ret = TAKE_PTR(words);
					if (!*ret)
						*ret = xnew0(char *, 1);
					return 0;
				}
			} else if (c == '\'' || c == '"') {
				st = c == '\'' ? ST_SQUOTE : ST_DQUOTE;
				in_token = true;
			} else if (c == '\\') {
				escaped_from = ST_WORD;
				st = ST_ESCAPE;
				in_token = true;
			} else {
				strbuf_addch(&tok, c);
				in_token = true;
				st = ST_WORD;
			}
			break;
		case ST_SQUOTE:
		case ST_DQUOTE:
			quoted = true;
			if (!c) {
				*ret_err = xstrdup("no closing quotation");
				return -EINVAL;
			}
			if (c == (st == ST_SQUOTE ? '\'' : '"'))
				st = ST_WORD;
			else if (st == ST_DQUOTE && c == '\\') {
				escaped_from = ST_DQUOTE;
				st = ST_ESCAPE;
			} else
				strbuf_addch(&tok, c);
			break;
		case ST_ESCAPE:
			if (!c) {
				*ret_err = xstrdup("no escaped character after the backslash");
				return -EINVAL;
			}
			/* In double quotes only " and \ can be escaped. */
			if (escaped_from == ST_DQUOTE && c != '"' && c != '\\')
				strbuf_addch(&tok, '\\');
			strbuf_addch(&tok, c);
			st = escaped_from;
			break;
		}
	}
}
