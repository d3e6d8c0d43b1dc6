/* The end of an install (DESIGN.md §5 "finish"): which action applies, the
 * operator's shell inside the new system, and reboot/poweroff/halt. */
#pragma once

#include "plan.h"

struct ks;
struct teardown;

const char *inst_finish_to_string(enum inst_finish f);
int inst_finish_from_string(const char *s);
/* What was asked: --finish, else `%addon org_slipway` finish, else the
 * kickstart's reboot/poweroff/halt/shutdown, else exit. */
enum inst_finish inst_finish_requested(const struct ks *ks, enum inst_finish cli);
/* What will be done: image and directory installs never reboot, power off
 * or halt the machine they run on (a warning, then exit); reboot --kexec and
 * --eject get a warning. */
enum inst_finish inst_finish_effective(const struct ks *ks, enum inst_target kind, enum inst_finish cli);
/* shell needs the operator's terminal on stdin: -EINVAL (a usage error,
 * checked before anything is written) otherwise. */
int inst_finish_check(enum inst_finish f);
/* An interactive Bash chrooted into root, /dev /proc /sys /run bound, on
 * the operator's terminal, with a prompt naming the new system. Returns 0
 * once it exited (whatever its status), or a negative errno. */
int inst_finish_shell(const char *root, struct teardown *td);
/* After teardown: reboot, poweroff or halt the machine (other actions: 0).
 * `systemctl --no-wall VERB` when PID 1 is systemd (as Anaconda), else
 * sync() and reboot(2). Returns only when that failed (or systemd took it). */
int inst_finish_power(enum inst_finish f);
