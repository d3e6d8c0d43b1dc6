/* The TUI's screen and its few widgets: a frame (title, hints), a list, a
 * form, a dialog and a pager. Every widget redraws the whole screen on each
 * key, so a resize is just another redraw; colour is optional. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct tui_screen {
	void *screen;	 /* ncurses SCREEN */
	FILE *in, *out;	 /* the terminal, on fds of their own */
	int saved_out, saved_err; /* fds 1 and 2 while the screen owns the terminal */
	bool color, open;
	const char *status; /* a one-line message under the content, cleared on the next key */
	/* The terminal is gone (hang-up, EOF) or a signal asked to stop: every
	 * widget answers as if Esc was pressed and the hub quits. */
	bool gone;
};

/* Takes the terminal on stdin/stdout: ncurses on duplicates of those fds,
 * fds 1 and 2 sent to /dev/null so that no child's output lands on the
 * screen. -ENOTTY without a terminal, -EINVAL for an unknown TERM. */
int tui_screen_open(struct tui_screen *s);
/* Whether terminfo has an entry for term (tui-term.c). */
bool tui_term_known(const char *term, int fd);
/* A terminal whose size the kernel does not know (a serial console: 0x0)
 * is asked for it (tui-size.c): the answer is set with TIOCSWINSZ for
 * ncurses and the programs run later. 1 when it answered within
 * timeout_ms, 0 when it did not or the size was known, -errno. */
int tui_term_fix_size(int in, int out, unsigned timeout_ms);
/* Finds a cursor position report (ESC [ ROW ; COL R) in buf (pure). */
bool tui_parse_cpr(const char *buf, size_t n, unsigned *rows, unsigned *cols);
void tui_screen_close(struct tui_screen *s);
/* Leaves and re-enters curses mode around something that uses the terminal
 * itself (the shell in the new system): fds 1 and 2 are the terminal again. */
void tui_screen_suspend(struct tui_screen *s);
void tui_screen_resume(struct tui_screen *s);

enum {
	TUI_BACK = -1, /* Esc */
	TUI_DONE = -2, /* F10 in a list or form */
};

/* Draws the title bar, the hints bar and the status line, clears the rest;
 * returns false when the terminal is smaller than 80x24 (a notice is drawn). */
bool tui_frame(struct tui_screen *s, const char *title, const char *hints);
/* Reads a key; F1 shows help (when given) and the caller redraws. */
int tui_key(struct tui_screen *s, const char *help_title, const char *help);
void tui_help(struct tui_screen *s, const char *title, const char *help);

struct tui_item {
	const char *label;  /* left column */
	const char *detail; /* right column or NULL */
	bool checked;	    /* TUI_LIST_MULTI */
	bool alert;	    /* shown in red (or bold): needs attention, will be erased */
	bool hidden;	    /* filtered out */
};

enum {
	TUI_LIST_MULTI = 1 << 0,  /* Space toggles .checked; Enter or F10 ends with TUI_DONE */
	TUI_LIST_SEARCH = 1 << 1, /* typed text filters the labels (case-insensitive) */
};

/* A scrolling list under an intro text. Returns the chosen index, TUI_BACK
 * or TUI_DONE; *cursor keeps the position across calls. */
int tui_list(struct tui_screen *s, const char *title, const char *help, const char *intro, struct tui_item *items,
	     size_t n, unsigned flags, size_t *cursor);

enum tui_field_kind {
	TUI_FIELD_TEXT,
	TUI_FIELD_SECRET, /* shown as '*' */
	TUI_FIELD_CHECK,  /* Space toggles */
	TUI_FIELD_CHOICE, /* Space, Left/Right cycle */
	TUI_FIELD_NOTE,	  /* a line of text, not focusable */
};

struct tui_field {
	enum tui_field_kind kind;
	const char *label;
	char *buf; /* TEXT, SECRET: edited in place, NUL-terminated */
	size_t size;
	bool *check;		   /* CHECK */
	const char *const *choices; /* CHOICE: NULL-terminated */
	int *choice;
	bool hidden; /* skipped (the caller hides fields a choice turns off) */
};

/* A form: Tab/Up/Down move, Enter on the last field or F10 accepts after
 * check() (NULL or an error shown on the status line; *bad is the field to
 * go to), Esc goes back. refresh() may change .hidden after each key.
 * Returns 0 or TUI_BACK. */
int tui_form(struct tui_screen *s, const char *title, const char *help, const char *intro, struct tui_field *f,
	     size_t n, const char *(*check)(void *data, size_t *bad), void (*refresh)(void *data), void *data);

/* A dialog with buttons (Left/Right/Tab, Enter). Returns the button or TUI_BACK. */
int tui_dialog(struct tui_screen *s, const char *title, const char *text, const char *const *buttons);
/* Scrolling text with buttons at the bottom; lines for which alert() is true
 * are red (bold without colour). Returns the button or TUI_BACK. */
int tui_pager(struct tui_screen *s, const char *title, const char *help, const char *text,
	      bool (*alert)(const char *line, size_t len), const char *const *buttons);
/* Asks for one line of text in a dialog; returns 0 or TUI_BACK. */
int tui_ask(struct tui_screen *s, const char *title, const char *question, char *buf, size_t size, bool secret);

/* Shows what was drawn now (before a slow step). */
void tui_flush(struct tui_screen *s);

/* Drawing helpers for screens with their own layout (the progress screen). */
enum tui_attr { TUI_NORMAL, TUI_BOLD, TUI_ALERT, TUI_OK, TUI_BAR };
void tui_print(struct tui_screen *s, int y, int x, int width, enum tui_attr a, const char *text);
void tui_bar(struct tui_screen *s, int y, int x, int width, unsigned percent);
