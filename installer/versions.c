/* `slipway --version`'s library list: the version of every library linked in, as the
 * library itself reports it at run time (build-time numbers only where a library
 * has no such call). Static builds (make static) define SLIPWAY_STATIC. */
#include <stdio.h>
#include <string.h>

#include <blkid.h>
#include <curl/curl.h>
#include <curses.h>
#include <json-c/json_c_version.h>
#include <libfdisk.h>
#include <libmount.h>
#include <rpm/rpmlib.h>
#include <solv/solvversion.h>

#include "versions.h"

/* Libraries slipway reaches only through the ones above. A static link must pull
 * them in anyway, so there the references are strong; in the dynamic build they are
 * weak and print only when a loaded library provides them. */
#ifdef SLIPWAY_STATIC
#define INDIRECT
#define LINKED(fn) 1
#else
#define INDIRECT __attribute__((weak))
#define LINKED(fn) ((fn) != NULL)
#endif
INDIRECT extern int dm_get_library_version(char *version, size_t size);
INDIRECT extern const char *OpenSSL_version(int type);
INDIRECT extern const char *zlibVersion(void);
INDIRECT extern const char *ZSTD_versionString(void);
INDIRECT extern const char *lzma_version_string(void);
INDIRECT extern const char *BZ2_bzlibVersion(void);
INDIRECT extern const char *sqlite3_libversion(void);
INDIRECT extern const char *XML_ExpatVersion(void);

#ifndef SLIPWAY_CRYPTSETUP_VERSION
#define SLIPWAY_CRYPTSETUP_VERSION "(no version call)"
#endif

void inst_print_versions(FILE *f)
{
	const char *v = NULL, *date = NULL;

	fprintf(f, "libraries%s:\n",
#ifdef SLIPWAY_STATIC
		" (statically linked)"
#else
		""
#endif
	);
	blkid_get_library_version(&v, &date);
	fprintf(f, "  libblkid      %s (%s)\n", v, date);
	fdisk_get_library_version(&v);
	fprintf(f, "  libfdisk      %s\n", v);
	mnt_get_library_version(&v);
	fprintf(f, "  libmount      %s\n", v);
	/* libcryptsetup has no version call: the pkg-config version it was built with */
	fprintf(f, "  libcryptsetup %s\n", SLIPWAY_CRYPTSETUP_VERSION);
	if (LINKED(dm_get_library_version)) {
		char dm[64] = "";
		dm_get_library_version(dm, sizeof(dm));
		fprintf(f, "  libdevmapper  %s\n", dm);
	}
	fprintf(f, "  librpm        %s\n", RPMVERSION);
	fprintf(f, "  libsolv       %s\n", solv_version);
	const curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
	fprintf(f, "  libcurl       %s (%s%s%s)\n", cv->version, cv->ssl_version ? cv->ssl_version : "no TLS",
		cv->libz_version ? ", zlib " : "", cv->libz_version ? cv->libz_version : "");
	fprintf(f, "  json-c        %s\n", json_c_version());
	v = curses_version(); /* "ncurses 6.4.20221231" */
	fprintf(f, "  ncurses       %s\n", strncmp(v, "ncurses ", 8) ? v : v + 8);
	if (LINKED(OpenSSL_version))
		fprintf(f, "  openssl       %s\n", OpenSSL_version(0 /* OPENSSL_VERSION */));
	if (LINKED(zlibVersion))
		fprintf(f, "  zlib          %s\n", zlibVersion());
	if (LINKED(ZSTD_versionString))
		fprintf(f, "  zstd          %s\n", ZSTD_versionString());
	if (LINKED(lzma_version_string))
		fprintf(f, "  liblzma       %s\n", lzma_version_string());
	if (LINKED(BZ2_bzlibVersion)) {
		/* "1.0.8, 13-Jul-2019": the version is up to the comma */
		const char *b = BZ2_bzlibVersion();
		fprintf(f, "  bzip2         %.*s\n", (int)strcspn(b, ","), b);
	}
	if (LINKED(sqlite3_libversion))
		fprintf(f, "  sqlite        %s\n", sqlite3_libversion());
	if (LINKED(XML_ExpatVersion)) {
		v = XML_ExpatVersion(); /* "expat_2.5.0" */
		fprintf(f, "  expat         %s\n", strncmp(v, "expat_", 6) ? v : v + 6);
	}
#ifdef SLIPWAY_STATIC_DEBIAN
	/* Debian's .a files of libraries without a version call (popt, argon2,
	 * libcrypt, lua): the -dev package versions at build time */
	fprintf(f, "  from Debian   %s\n", SLIPWAY_STATIC_DEBIAN);
#endif
}
