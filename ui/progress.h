/* Progress sinks for pipelines and terminals: plain text / bar, JSON lines. */
#pragma once

#include <stdio.h>

#include "event.h"

/* Human output on f (stderr): warnings and errors prefixed, stage lines, and
 * a redrawn progress bar when f is a terminal (plain lines otherwise). */
struct event_sink *ui_sink_text_new(FILE *f, enum log_level max_level);
/* The same with the terminal mode given (tests). */
struct event_sink *ui_sink_text_new_mode(FILE *f, enum log_level max_level, bool tty);
/* One JSON object per line on f:
 * {"t":…,"stage":…,"event":…,"done":…,"total":…,"msg":…}. */
struct event_sink *ui_sink_json_new(FILE *f, enum log_level max_level);
