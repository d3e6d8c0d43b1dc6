/* The kernel command line of the installed system: root by filesystem UUID,
 * the LUKS devices dracut opens, the kickstart's --append, the console. */
#include "boot.h"
#include "strv.h"

static void add_word(struct strbuf *out, const char *w)
{
	if (isempty(w))
		return;
	if (out->len > 0 && out->buf[out->len - 1] != ' ')
		strbuf_addch(out, ' ');
	strbuf_adds(out, w);
}

void boot_cmdline(const struct boot_cmdline_args *a, struct strbuf *out)
{
	if (a->root_uuid) {
		_cleanup_free_ char *w = xasprintf("root=UUID=%s ro", a->root_uuid);
		add_word(out, w);
	}
	STRV_FOREACH(u, a->luks_uuids)
	{
		_cleanup_free_ char *w = xasprintf("rd.luks.uuid=%s", *u);
		add_word(out, w);
	}
	if (a->append) {
		/* verbatim (quotes in it are the kernel's business), trimmed */
		const char *b = a->append + strspn(a->append, " \t\n");
		size_t n = strlen(b);
		while (n > 0 && strchr(" \t\n", b[n - 1]))
			n--;
		_cleanup_free_ char *w = xstrndup(b, n);
		add_word(out, w);
	}
	/* consoles in --append are the operator's choice: add none then */
	if (a->serial && !(a->append && strstr(a->append, "console="))) {
		/* the last console= is /dev/console: systemd's status goes to the serial port */
		add_word(out, "console=tty0");
		add_word(out, "console=ttyS0,115200");
	}
}
