/* Whether terminfo knows a terminal type, asked before newterm(): ncurses
 * keeps (leaks) its pre-screen when newterm() fails on an unknown TERM.
 * Apart from tui-widgets.c because term.h defines macros named like
 * ordinary words (lines, columns, buttons). */
#include <stdbool.h>

/* (before term.h, whose macros would rename tui-widgets.h's parameters) */
bool tui_term_known(const char *term, int fd);

#include <curses.h>
#include <term.h>

bool tui_term_known(const char *term, int fd)
{
	TERMINAL *saved = cur_term;
	int err = 0;

	if (setupterm(term, fd, &err) != OK)
		return false;
	del_curterm(cur_term);
	set_curterm(saved);
	return true;
}
