/* systemd-boot (bootloader --sdboot): bootctl installs it on the ESP, the
 * kernels and initramfs images are copied there, one loader entry each.
 * tests/vm/test-sdboot-boot.sh boots such an image under OVMF. */
#include "boot-internal.h"
#include "run.h"

static int copy_kernel(const struct boot_target *t, const struct boot_config *c, const struct boot_kernel *k,
		       const char *esp, const char *dir)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	_cleanup_free_ char *dst = xasprintf("%s%s%s", t->root, esp, dir);
	_cleanup_free_ char *vmlinuz = xasprintf("%s/boot/vmlinuz-%s", t->root, k->version);
	_cleanup_free_ char *initrd_rel = boot_initramfs_name(t, k->version);
	_cleanup_free_ char *initrd = xasprintf("%s%s", t->root, initrd_rel);
	_cleanup_free_ char *linux_dst = xasprintf("%s/linux", dst);
	_cleanup_free_ char *initrd_dst = xasprintf("%s/initrd", dst);
	_cleanup_free_ char *entry = xasprintf("%s/loader/entries/%s-%s.conf", esp, c->entry_token, k->version);
	int r;

	if ((r = mkdir_p(dst, 0700)) < 0)
		return log_error_errno(r, "bootloader: cannot create %s: %m", dst);
	if ((r = boot_copy_file(vmlinuz, linux_dst, 0600)) < 0 || (r = boot_copy_file(initrd, initrd_dst, 0600)) < 0)
		return r;
	boot_sdboot_entry(c, k, dir, &sb);
	return boot_write_file(t->root, entry, strbuf_str(&sb), 0600);
}

int boot_sdboot_install(const struct boot_target *t, const struct boot_config *c, const char *esp, bool image)
{
	static const char *const bootctl[] = {"bootctl", NULL};
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	_cleanup_free_ char *esp_arg = xasprintf("--esp-path=%s", esp);
	_cleanup_free_ char *conf = xasprintf("%s/loader/loader.conf", esp);
	int r;

	if (!boot_target_program(t, bootctl) ||
	    !boot_target_has(t, "/usr/lib/systemd/boot/efi/systemd-bootx64.efi"))
		return log_error_errno(-ENOENT, "bootloader: --sdboot: the target has no systemd-boot "
						"(bootctl and /usr/lib/systemd/boot/efi/systemd-bootx64.efi); "
						"add systemd-boot to %%packages");
	log_info("bootloader: systemd-boot on %s", esp);
	/* A staged ESP is a directory, not vfat: relax bootctl's check. No EFI
	 * variables in image mode, nor when not booted with UEFI. */
	char *env[] = {"SYSTEMD_RELAX_ESP_CHECKS=1", NULL};
	bool vars = !image && access("/sys/firmware/efi", F_OK) == 0;
	r = run_checked((char *const[]){"bootctl", "install", esp_arg, vars ? "--graceful" : "--no-variables", NULL},
			&(struct run_opts){.root = t->root, .env = env});
	if (r < 0)
		return log_error_errno(r, "bootloader: bootctl install failed");
	for (size_t i = 0; i < c->n_kernels; i++) {
		_cleanup_free_ char *dir = xasprintf("/%s/%s", c->entry_token, c->kernels[i].version);
		if ((r = copy_kernel(t, c, &c->kernels[i], esp, dir)) < 0)
			return r;
	}
	boot_sdboot_loader_conf(c, &sb);
	return boot_write_file(t->root, conf, strbuf_str(&sb), 0600);
}
