/* SIGINT, SIGTERM and SIGHUP during an install: the handler only records the
 * signal; the stage runner polls it between stages, long operations (the rpm
 * transaction, scripts) inside, so every exit path still tears down. */
#pragma once

/* Installs the handlers (once, before the first write or script). */
void interrupt_catch(void);
/* The signal that came (or waits, blocked by a library), or 0. */
int interrupt_signal(void);
