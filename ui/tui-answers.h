/* What the operator answered in the text user interface, and the kickstart
 * those answers are: the TUI's only output (DESIGN.md §1, "the TUI fills a
 * struct ks"). Pure functions, unit-tested without a terminal. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"

enum tui_scheme {
	TUI_SCHEME_AUTO,   /* autopart --type=plain */
	TUI_SCHEME_CUSTOM, /* reqpart + the rows below */
	_TUI_SCHEME_MAX,
};

/* One row of the custom partitioning table. */
struct tui_part {
	char *mountpoint; /* "/", "/home", "swap" */
	int64_t size_mib;
	bool grow;
	char *fstype; /* xfs, ext4, swap */
	bool encrypt;
};

struct tui_iface {
	char *name;    /* from /sys/class/net */
	bool configure; /* write a network line for it */
	bool dhcp;
	char *ip, *netmask, *gateway, *nameserver;
};

struct tui_answers {
	char *source; /* repo URL (file://, http://, https://) */

	char *lang, *keymap, *timezone;
	bool utc;

	bool image;   /* the destination is an image file (--image): no disk names */
	char **disks; /* selected disks (names, "sda"), disk installs only */
	enum tui_scheme scheme;
	char *fstype; /* automatic: xfs or ext4 */
	bool encrypt; /* automatic: LUKS2; custom: the rows' own flags */
	char *passphrase; /* secret */
	struct tui_part *parts;
	size_t n_parts;

	char *hostname;
	struct tui_iface *ifaces;
	size_t n_ifaces;

	char *root_hash; /* yescrypt of the root password, NULL: not set */
	bool root_lock, root_allow_ssh;
	char *root_sshkey;
	char *user_name, *user_gecos, *user_hash; /* no user when user_name is NULL */
	bool user_admin;
	char *user_sshkey;

	char *environment; /* comps environment id; NULL: @core */
	char **groups;     /* comps group ids */
};

void tui_answers_init(struct tui_answers *a);
void tui_answers_done(struct tui_answers *a);
void tui_answers_add_part(struct tui_answers *a, const char *mountpoint, int64_t size_mib, bool grow,
			  const char *fstype, bool encrypt);
void tui_answers_remove_part(struct tui_answers *a, size_t i);
bool tui_answers_needs_passphrase(const struct tui_answers *a);

/* The hub's spokes, in the order shown. */
enum tui_spoke {
	TUI_SPOKE_SOURCE,
	TUI_SPOKE_LOCALE,
	TUI_SPOKE_TIMEZONE,
	TUI_SPOKE_DESTINATION,
	TUI_SPOKE_PARTITIONING,
	TUI_SPOKE_NETWORK,
	TUI_SPOKE_ROOT,
	TUI_SPOKE_USER,
	TUI_SPOKE_SOFTWARE,
	_TUI_SPOKE_MAX,
};

const char *tui_spoke_title(enum tui_spoke s);
/* What a spoke still needs (a sentence), or NULL when it is complete. */
const char *tui_spoke_missing(const struct tui_answers *a, enum tui_spoke s);
/* One line describing the spoke's current answer for the hub. */
char *tui_spoke_status(const struct tui_answers *a, enum tui_spoke s);

/* The kickstart the answers are. Plaintext secrets (the LUKS passphrase)
 * are in it: the caller wipes it. */
void tui_answers_to_ks(const struct tui_answers *a, struct strbuf *out);

/* Field checks shared by the spokes; each returns NULL or what is wrong. */
const char *tui_check_hostname(const char *s);
const char *tui_check_ipv4(const char *s);
const char *tui_check_username(const char *s);
const char *tui_check_mountpoint(const char *s);
/* A strength hint for a passphrase: "weak", "fair", "good", "strong". */
const char *tui_passphrase_strength(const char *s);
