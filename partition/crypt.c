/* LUKS volumes with libcryptsetup: format with the plan's UUID, cipher and
 * PBKDF, a keyslot from the passphrase (through the API, never argv), open
 * as luks-UUID, close on teardown. */
#include <libcryptsetup.h>

#include "blockdev.h"
#include "event.h"
#include "fault.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct crypt_device *, crypt_free)

static void luks_log(int level, const char *msg, void *userdata)
{
	_cleanup_free_ char *m = xstrndup(msg, strcspn(msg, "\n"));
	if (level == CRYPT_LOG_ERROR)
		log_error("storage: cryptsetup: %s", m);
	else
		log_debug("storage: cryptsetup: %s", m);
}

/* "aes-xts-plain64" → cipher "aes", mode "xts-plain64", 512-bit key (XTS
 * splits the key in two); other modes get 256 bits. */
static int split_cipher(const char *spec, char **cipher, char **mode, size_t *key_bytes)
{
	const char *dash = strchr(spec, '-');

	if (!dash || dash == spec || !dash[1])
		return log_error_errno(EINVAL, "storage: --cipher=%s: expected CIPHER-MODE such as aes-xts-plain64", spec);
	*cipher = xstrndup(spec, (size_t)(dash - spec));
	*mode = xstrdup(dash + 1);
	*key_bytes = startswith(*mode, "xts") ? 64 : 32;
	return 0;
}

static int set_pbkdf(struct crypt_device *cd, const struct part_luks *l, const char *type)
{
	const struct crypt_pbkdf_type *def = crypt_get_pbkdf_default(type);
	struct crypt_pbkdf_type p = def ? *def : (struct crypt_pbkdf_type){ .hash = "sha256" };

	p.type = streq(l->pbkdf, "argon2id") ? CRYPT_KDF_ARGON2ID
		 : streq(l->pbkdf, "argon2i") ? CRYPT_KDF_ARGON2I
					      : CRYPT_KDF_PBKDF2;
	if (streq(p.type, CRYPT_KDF_PBKDF2))
		p.max_memory_kb = 0, p.parallel_threads = 0;
	else if (!p.max_memory_kb)
		p.max_memory_kb = 1024 * 1024, p.parallel_threads = 4;
	if (l->pbkdf_memory)
		p.max_memory_kb = (uint32_t)l->pbkdf_memory;
	if (l->pbkdf_time)
		p.time_ms = (uint32_t)l->pbkdf_time;
	if (l->pbkdf_iterations) {
		p.iterations = (uint32_t)l->pbkdf_iterations;
		p.flags |= CRYPT_PBKDF_NO_BENCHMARK;
	}
	return crypt_set_pbkdf_type(cd, &p);
}

int part_luks_format(const char *dev, const struct part_luks *l)
{
	_cleanup_(crypt_freep) struct crypt_device *cd = NULL;
	_cleanup_free_ char *cipher = NULL, *mode = NULL;
	const char *type = streq(l->version, "luks1") ? CRYPT_LUKS1 : CRYPT_LUKS2;
	size_t key_bytes = 0;
	int r;

	if ((r = split_cipher(l->cipher, &cipher, &mode, &key_bytes)) < 0)
		return r;
	if ((r = crypt_init(&cd, dev)) < 0)
		return log_error_errno(r, "storage: %s: cannot open it for LUKS: %m", dev);
	crypt_set_log_callback(cd, luks_log, NULL);
	if ((r = set_pbkdf(cd, l, type)) < 0)
		return log_error_errno(r, "storage: %s: the PBKDF settings (%s) were refused: %m", dev, l->pbkdf);
	if ((r = fault_inject("crypt")) < 0)
		return log_error_errno(r, "storage: %s: cannot format as %s (%s): %m", dev, l->version, l->cipher);
	if ((r = crypt_format(cd, type, cipher, mode, l->uuid, NULL, key_bytes, NULL)) < 0)
		return log_error_errno(r, "storage: %s: cannot format as %s (%s): %m", dev, l->version, l->cipher);
	r = crypt_keyslot_add_by_volume_key(cd, CRYPT_ANY_SLOT, NULL, 0, l->passphrase, strlen(l->passphrase));
	if (r < 0)
		return log_error_errno(r, "storage: %s: cannot add the passphrase keyslot: %m", dev);
	log_info("storage: %s: %s volume %s created", dev, l->version, l->uuid);
	return 0;
}

int part_luks_open(const char *dev, const struct part_luks *l)
{
	_cleanup_(crypt_freep) struct crypt_device *cd = NULL;
	int r;

	if ((r = crypt_init(&cd, dev)) < 0)
		return log_error_errno(r, "storage: %s: cannot open it for LUKS: %m", dev);
	crypt_set_log_callback(cd, luks_log, NULL);
	if ((r = crypt_load(cd, CRYPT_LUKS, NULL)) < 0)
		return log_error_errno(r, "storage: %s: no LUKS header: %m", dev);
	r = crypt_activate_by_passphrase(cd, l->mapper, CRYPT_ANY_SLOT, l->passphrase, strlen(l->passphrase), 0);
	if (r < 0)
		return log_error_errno(r, "storage: %s: cannot open as %s: %m", dev, l->mapper);
	return 0;
}

int part_luks_close(void *data)
{
	const char *name = data;
	_cleanup_(crypt_freep) struct crypt_device *cd = NULL;
	int r;

	if ((r = crypt_init_by_name(&cd, name)) < 0)
		return r == -ENODEV ? 0 : r;
	return crypt_deactivate(cd, name);
}
