/* The names of the finish actions (--finish, inst.finish=), apart from
 * finish.c so that the boot-argument parser links without the rest. */
#include "finish.h"
#include "macros.h"

static const char *const finish_names[_FINISH_MAX] = {
	[FINISH_DEFAULT] = "default",
	[FINISH_REBOOT] = "reboot",
	[FINISH_POWEROFF] = "poweroff",
	[FINISH_HALT] = "halt",
	[FINISH_SHELL] = "shell",
	[FINISH_EXIT] = "exit",
};

const char *inst_finish_to_string(enum inst_finish f)
{
	return f < _FINISH_MAX ? finish_names[f] : NULL;
}

int inst_finish_from_string(const char *s)
{
	for (size_t i = FINISH_DEFAULT + 1; i < _FINISH_MAX; i++)
		if (s && streq(finish_names[i], s))
			return (int)i;
	return -EINVAL;
}
