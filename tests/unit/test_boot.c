/* Unit tests of the bootloader stage's pure writers against goldens in
 * tests/data/boot/ (UPDATE_GOLDENS=1 rewrites them): the kernel command
 * line, grub.cfg, the EFI early config, Fedora's files, systemd-boot. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "bootloader/boot.h"
#include "strbuf.h"
#include "golden.h"

#define check_golden(name, got) golden_check("boot", (name), (got))



static void check_cmdline(const struct boot_cmdline_args *a, const char *want)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	boot_cmdline(a, &sb);
	if (!streq(strbuf_str(&sb), want))
		fail_msg("command line\n  expected: %s\n  got:      %s", want, strbuf_str(&sb));
}

static void test_cmdline(void **state)
{
	char *luks[] = {"0b9f2a4e-52d4-4f7e-9d43-0b1c3e5a7d11", "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", NULL};

	check_cmdline(&(struct boot_cmdline_args){.root_uuid = "8636ed31-e2ba-4b77-ac04-f405eef4aede"},
		      "root=UUID=8636ed31-e2ba-4b77-ac04-f405eef4aede ro");
	check_cmdline(&(struct boot_cmdline_args){.root_uuid = "r", .luks_uuids = luks,
						  .append = "  rhgb quiet  ", .serial = true},
		      "root=UUID=r ro rd.luks.uuid=0b9f2a4e-52d4-4f7e-9d43-0b1c3e5a7d11 "
		      "rd.luks.uuid=7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f rhgb quiet console=tty0 console=ttyS0,115200");
	/* consoles chosen in --append win over the image default */
	check_cmdline(&(struct boot_cmdline_args){.root_uuid = "r", .append = "console=ttyS1,9600", .serial = true},
		      "root=UUID=r ro console=ttyS1,9600");
	/* GRUB_CMDLINE_LINUX: everything but root= and ro */
	check_cmdline(&(struct boot_cmdline_args){.luks_uuids = luks, .serial = true},
		      "rd.luks.uuid=0b9f2a4e-52d4-4f7e-9d43-0b1c3e5a7d11 "
		      "rd.luks.uuid=7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f console=tty0 console=ttyS0,115200");
	check_cmdline(&(struct boot_cmdline_args){}, "");
}

static struct boot_kernel kernels_root[] = {
	{"6.12.117+deb13-amd64", "/boot/vmlinuz-6.12.117+deb13-amd64", "/boot/initrd.img-6.12.117+deb13-amd64"},
	{"6.12.100+deb13-amd64", "/boot/vmlinuz-6.12.100+deb13-amd64", "/boot/initrd.img-6.12.100+deb13-amd64"},
};
static struct boot_kernel kernels_boot[] = {
	{"6.18.3-200.fc43.x86_64", "/vmlinuz-6.18.3-200.fc43.x86_64", "/initramfs-6.18.3-200.fc43.x86_64.img"},
};
#define HASH "grub.pbkdf2.sha512.10000.1A2B3C.4D5E6F"

static const struct boot_config image_config = {
	.os_name = "Slipway Test Distro 13 (trixie)",
	.boot_uuid = "8636ed31-e2ba-4b77-ac04-f405eef4aede",
	.boot_fs_module = "ext2",
	.grub_prefix = "/boot/grub",
	.cmdline = "root=UUID=8636ed31-e2ba-4b77-ac04-f405eef4aede ro console=tty0 console=ttyS0,115200",
	.cmdline_extra = "console=tty0 console=ttyS0,115200",
	.kernels = kernels_root,
	.n_kernels = 2,
	.timeout = 1,
	.serial = true,
	.entry_token = "debian",
};

static const struct boot_config fedora_config = {
	.os_name = "Azure Linux 4.0",
	.boot_uuid = "5a1f0c3e-2b4d-4e6f-8a9b-0c1d2e3f4a5b",
	.boot_fs_module = "xfs",
	.grub_prefix = "/grub2",
	.cmdline = "root=UUID=11111111-2222-4333-8444-555555555555 ro rd.luks.uuid=0b9f2a4e-52d4-4f7e-9d43-0b1c3e5a7d11",
	.cmdline_extra = "rd.luks.uuid=0b9f2a4e-52d4-4f7e-9d43-0b1c3e5a7d11",
	.kernels = kernels_boot,
	.n_kernels = 1,
	.timeout = 5,
	.password_hash = HASH,
	.entry_token = "4f0e1b7c9d2a4e3f8b6a5c4d3e2f1a0b",
};

static void test_grub_cfg(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	struct boot_config c = fedora_config;

	boot_grub_cfg(&image_config, &sb);
	check_golden("grub.cfg-image", strbuf_str(&sb));
	/* separate xfs /boot, a password, a title with a quote, no serial */
	strbuf_reset(&sb);
	c.os_name = "Bob's Linux";
	boot_grub_cfg(&c, &sb);
	check_golden("grub.cfg-boot-password", strbuf_str(&sb));
}

static void test_early_cfg(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;
	boot_grub_early_cfg("8636ed31-e2ba-4b77-ac04-f405eef4aede", "/boot/grub", &sb);
	check_golden("early.cfg", strbuf_str(&sb));
}

static void test_fedora_files(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	boot_default_grub(&fedora_config, &sb);
	check_golden("default-grub", strbuf_str(&sb));
	strbuf_reset(&sb);
	boot_default_grub(&image_config, &sb);
	check_golden("default-grub-serial", strbuf_str(&sb));
	strbuf_reset(&sb);
	boot_bls_entry(&fedora_config, &kernels_boot[0], &sb);
	check_golden("bls-entry.conf", strbuf_str(&sb));
	strbuf_reset(&sb);
	boot_grub_user_cfg(HASH, &sb);
	check_golden("user.cfg", strbuf_str(&sb));
}

static void test_sdboot(void **state)
{
	_cleanup_strbuf_ struct strbuf sb = STRBUF_INIT;

	boot_sdboot_loader_conf(&fedora_config, &sb);
	check_golden("sdboot-loader.conf", strbuf_str(&sb));
	strbuf_reset(&sb);
	boot_sdboot_entry(&fedora_config, &kernels_boot[0], "/4f0e1b7c9d2a4e3f8b6a5c4d3e2f1a0b/6.18.3-200.fc43.x86_64",
			  &sb);
	check_golden("sdboot-entry.conf", strbuf_str(&sb));
}

static void test_hash_valid(void **state)
{
	assert_true(boot_grub_hash_valid(HASH));
	assert_false(boot_grub_hash_valid(NULL));
	assert_false(boot_grub_hash_valid("$6$salt$hash"));
	assert_false(boot_grub_hash_valid("grub.pbkdf2.sha512.10000.AB\nset superusers=\"\""));
	assert_false(boot_grub_hash_valid("grub.pbkdf2.sha512.1 0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline),     cmocka_unit_test(test_grub_cfg), cmocka_unit_test(test_early_cfg),
		cmocka_unit_test(test_fedora_files), cmocka_unit_test(test_sdboot),  cmocka_unit_test(test_hash_valid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
