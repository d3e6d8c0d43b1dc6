#!/bin/bash
# Builds the static libraries of `make static` that Debian ships no .a for, from the
# Debian source packages pinned in tools/static/versions.txt, into a cached prefix.
# Prints the prefix on stdout; progress goes to stderr. See tools/static/README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
versions=$here/versions.txt
cache=${SLIPWAY_CACHE:-/var/cache/slipway}
hash=$(cat "$versions" "${BASH_SOURCE[0]}" | sha256sum | cut -c1-16)
prefix=$cache/static-$hash
jobs=${STATIC_JOBS:-2}
[ "$jobs" -le 2 ] || jobs=2 # the machine is shared: never more than -j2

now() { date +%s; }
log() { echo "build-libs: $*" >&2; }
elapsed() { local s=$(($(now) - $1)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

case ${1:-} in
--print-path) # the prefix, built or not (tests check "$prefix/.complete")
	echo "$prefix"
	exit 0
	;;
--is-cached)
	[ -f "$prefix/.complete" ]
	exit
	;;
'') ;;
*)
	echo "usage: $0 [--print-path|--is-cached]" >&2
	exit 2
	;;
esac

if [ -f "$prefix/.complete" ]; then
	log "up to date: $prefix"
	echo "$prefix"
	exit 0
fi

mkdir -p "$cache"
exec 9>"$cache/.static.lock"
if ! flock -n 9; then
	log "waiting for another static build ..."
	flock 9
fi
if [ -f "$prefix/.complete" ]; then
	echo "$prefix"
	exit 0
fi
t_all=$(now)

# pinned "package version suite" lines
declare -A ver suite_of
suites=()
while read -r p v s; do
	ver[$p]=$v suite_of[$p]=$s
	case " ${suites[*]} " in *" $s "*) ;; *) suites+=("$s") ;; esac
done < <(sed 's/#.*//; /^[[:space:]]*$/d' "$versions")

for tool in apt-get dpkg-source cmake meson ninja pkg-config; do
	if ! command -v "$tool" >/dev/null; then
		echo "build-libs: $tool is missing: run 'make deps' (tools/deps.sh)" >&2
		exit 1
	fi
done

# ---------------------------------------------------------------------------
# Private apt configuration with deb-src lines. The archive URIs are read from the
# machine's apt sources (entries with Types deb, component main, a release suite);
# state, lists and cache are private, so the machine's apt state is never changed.
aptdir=$cache/apt-static-src
srcdir=$cache/static-src # downloaded source packages, kept across builds
mkdir -p "$aptdir"/etc/{sources.list.d,apt.conf.d,preferences.d} "$aptdir"/state/lists/partial \
	"$aptdir"/cache/archives/partial "$aptdir"/log "$srcdir"

archive_uris() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '
			function flush() {
				if (types ~ /(^| )deb( |$)/ && comps ~ /(^| )main( |$)/ &&
				    suites ~ /(^| )[a-z]+( |$)/ && enabled != "no")
					for (i = 1; i <= n; i++) print uris[i]
				types = comps = suites = enabled = ""; n = 0
			}
			/^[ \t]*#/ { next }
			/^[ \t]*$/ { flush(); next }
			/^[A-Za-z-]+:/ {
				key = tolower($1); sub(/:$/, "", key); val = $0; sub(/^[^:]*:[ \t]*/, "", val)
				if (key == "types") types = val
				else if (key == "components") comps = val
				else if (key == "suites") suites = val
				else if (key == "enabled") enabled = tolower(val)
				else if (key == "uris") n = split(val, uris, /[ \t]+/)
			}
			END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -E 's/#.*//; s/\[[^]]*\]//' "$f" |
			awk '$1 == "deb" && $3 ~ /^[a-z]+$/ { for (i = 4; i <= NF; i++) if ($i == "main") { print $2; break } }'
	done
}
mapfile -t uris < <(archive_uris | awk '!seen[$0]++')
if [ ${#uris[@]} -eq 0 ]; then
	echo "build-libs: no Debian archive entry (deb, main, release suite) in the machine's apt sources" >&2
	exit 1
fi
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
signed="signed-by=$keyring"
[ -f "$keyring" ] || signed="trusted=yes"
for u in "${uris[@]}"; do
	for s in "${suites[@]}"; do
		echo "deb-src [$signed] $u $s main"
	done
done >"$aptdir/etc/sources.list.new"
cat >"$aptdir/apt.conf" <<EOF
Dir::Etc "$aptdir/etc";
Dir::Etc::sourcelist "$aptdir/etc/sources.list";
Dir::Etc::sourceparts "$aptdir/etc/sources.list.d";
Dir::Etc::Parts "$aptdir/etc/apt.conf.d";
Dir::Etc::Preferences "$aptdir/etc/preferences";
Dir::Etc::PreferencesParts "$aptdir/etc/preferences.d";
Dir::State "$aptdir/state";
Dir::State::status "$aptdir/state/status";
Dir::Cache "$aptdir/cache";
Dir::Log "$aptdir/log";
Acquire::Languages "none";
Acquire::Check-Valid-Until "false";
APT::Sandbox::User "root";
Debug::NoLocking "true";
EOF
export APT_CONFIG=$aptdir/apt.conf
: >"$aptdir/state/status"

# Download (or reuse) each pinned source package; print what is fetched.
updated=0
fetch() { # package
	local p=$1 v=${ver[$1]} dsc
	dsc=$srcdir/${p}_${v#*:}.dsc
	if [ -f "$dsc" ] && dpkg-source --no-check -x "$dsc" "$work/src/$p" >/dev/null 2>&1 </dev/null; then
		log "source $p $v (${suite_of[$p]}): cached in $srcdir"
		return
	fi
	rm -rf "$work/src/$p"
	if [ $updated = 0 ]; then
		mv "$aptdir/etc/sources.list.new" "$aptdir/etc/sources.list"
		log "apt-get update (deb-src: ${suites[*]}; private state in $aptdir) ..."
		apt-get -q update >&2
		updated=1
	fi
	log "fetching source $p=$v (${suite_of[$p]}) ..."
	(cd "$srcdir" && apt-get -q source --download-only "$p=$v") >&2
	dpkg-source -x "$dsc" "$work/src/$p" >&2
}

# ---------------------------------------------------------------------------
# The build happens in a temporary directory next to the prefix; everything is
# installed with DESTDIR into $stage and the finished tree is renamed into place.
# STATIC_WORK=dir (a debugging aid) keeps the work dir and skips finished steps.
if [ -n "${STATIC_WORK:-}" ]; then
	work=$STATIC_WORK
	mkdir -p "$work"
else
	work=$(mktemp -d "$cache/.static-build.XXXXXX")
	trap 'rm -rf "$work"' EXIT
fi
stage=$work/stage # = $prefix after the rename
mkdir -p "$work/src" "$stage/lib/pkgconfig" "$stage/include"
log "building into $prefix (work dir $work, -j$jobs, nice 19)"

export CFLAGS="-O2 -ffunction-sections -fdata-sections -fno-plt"
export CXXFLAGS=$CFLAGS
# The prefix's .pc files come first; they are made relocatable (prefix=${pcfiledir}/../..)
# after each install, so the staged tree can be used before it is renamed.
export PKG_CONFIG_PATH=$stage/lib/pkgconfig
export CPPFLAGS="-I$stage/include"
export LDFLAGS="-L$stage/lib"
N=(nice -n 19)
# Debian's patches may leave Makefile.am newer than Makefile.in: never rerun automake.
NOREGEN=(ACLOCAL=true AUTOMAKE=true AUTOCONF=true AUTOHEADER=true)

relocate_pc() {
	local f
	for f in "$stage"/lib/pkgconfig/*.pc; do
		sed -i "s|$prefix|\${pcfiledir}/../..|g; s|$stage|\${pcfiledir}/../..|g" "$f"
	done
	rm -f "$stage"/lib/*.la
}
step() { # name function
	local t
	t=$(now)
	if [ -f "$work/.done-$1" ]; then
		log "== $1: done before in $work"
		return
	fi
	log "== $1 ${ver[$1]}"
	rm -rf "${work:?}/src/$1"
	"$2"
	relocate_pc
	touch "$work/.done-$1"
	log "== $1 done in $(elapsed "$t")"
}

# util-linux: libblkid, libuuid, libfdisk, libmount (Debian's libblkid.a is older
# than the libmount built here; one util-linux for all four keeps them consistent).
build_util_linux() {
	fetch util-linux
	cd "$work/src/util-linux"
	"${N[@]}" ./configure -q --prefix="$prefix" --libdir="$prefix/lib" \
		--sysconfdir=/etc --localstatedir=/var --runstatedir=/run \
		--disable-shared --enable-static --disable-all-programs \
		--enable-libblkid --enable-libuuid --enable-libfdisk --enable-libmount \
		--disable-libsmartcols --disable-libmount-mountfd-support \
		--disable-nls --disable-asciidoc --disable-poman --disable-bash-completion \
		--disable-pylibmount --without-python --without-systemd --without-udev \
		--without-selinux --without-audit --without-cryptsetup --without-econf \
		--without-libmagic --without-readline --without-ncursesw --without-tinfo \
		--without-btrfs --without-user --without-libz >&2
	"${N[@]}" make -s -j"$jobs" "${NOREGEN[@]}" >&2
	make -s install "${NOREGEN[@]}" DESTDIR="$work/dest" >&2
	cp -a "$work/dest$prefix/." "$stage/"
	rm -rf "$work/dest"
}

# lvm2: only libdevmapper (make device-mapper); no udev sync, no dmeventd.
build_lvm2() {
	fetch lvm2
	cd "$work/src/lvm2"
	"${N[@]}" ./configure -q --prefix="$prefix" --libdir="$prefix/lib" --with-usrlibdir="$prefix/lib" \
		--sysconfdir=/etc --localstatedir=/var --runstatedir=/run \
		--enable-static_link --enable-pkgconfig --disable-udev_sync --disable-udev_rules \
		--disable-selinux --disable-blkid_wiping --without-blkid --without-systemd \
		--without-udev --disable-dmeventd --disable-cmdlib --disable-readline \
		--disable-nls --disable-systemd-journal --disable-app-machineid --disable-sd-notify \
		--disable-use-lvmlockd --disable-fsadm --disable-blkdeactivate \
		--disable-lvmimportvdo --disable-dbus-service --disable-notify-dbus >&2
	"${N[@]}" make -s -j"$jobs" device-mapper >&2
	make -s install_device-mapper DESTDIR="$work/dest" >&2
	mkdir -p "$stage/lib" "$stage/include" "$stage/lib/pkgconfig"
	cp -a "$work/dest$prefix/lib/libdevmapper.a" "$stage/lib/"
	cp -a "$work/dest$prefix/include/libdevmapper.h" "$stage/include/"
	cp -a "$work/dest$prefix/lib/pkgconfig/devmapper.pc" "$stage/lib/pkgconfig/"
	rm -rf "$work/dest"
}

# cryptsetup: libcryptsetup only (meson), OpenSSL backend, Debian's libargon2.a,
# blkid from util-linux above; no tools, tokens plugins, ssh token, udev, NLS.
build_cryptsetup() {
	fetch cryptsetup
	cd "$work/src/cryptsetup"
	"${N[@]}" meson setup build --prefix="$prefix" --libdir=lib --buildtype=plain \
		--default-library=static -Denable-static=true \
		-Dcryptsetup=false -Dveritysetup=false -Dintegritysetup=false \
		-Dstatic-cryptsetup=false -Dssh-token=false -Dexternal-tokens=false \
		-Dasciidoc=disabled -Dnls=false -Dudev=false -Dfips=false \
		-Dpwquality=false -Dpasswdqc=false -Dcrypto-backend=openssl \
		-Dargon-implementation=libargon2 -Dblkid=true >&2
	"${N[@]}" ninja -C build -j"$jobs" lib/libcryptsetup.a >&2
	DESTDIR="$work/dest" meson install -C build --no-rebuild >&2
	cp -a "$work/dest$prefix/." "$stage/"
	rm -rf "$work/dest"
}

# rpm: librpm + librpmio only, static, configured for /usr like a distro rpm (its
# macros and RPM_CONFIGDIR are compiled in), installed into the prefix by hand; Debian's restore-pgp-parser patch gives the
# internal OpenPGP parser (WITH_LEGACY_OPENPGP) with OpenSSL instead of rpm-sequoia.
# No plugins, NLS, python, audit, selinux, cap, acl, dbus, ima, fsverity, fapolicyd.
build_rpm() {
	fetch rpm
	cd "$work/src/rpm"
	sed -i -E 's/add_library\((librpm|librpmio|librpmbuild|librpmsign) SHARED\)/add_library(\1 STATIC)/' \
		lib/CMakeLists.txt rpmio/CMakeLists.txt build/CMakeLists.txt sign/CMakeLists.txt
	# static libraries that take in OBJECT libraries cannot be exported: drop the
	# cmake package export (the last block of CMakeLists.txt); pkg-config is used
	sed -i 's/ EXPORT rpm-targets//' lib/CMakeLists.txt rpmio/CMakeLists.txt \
		build/CMakeLists.txt sign/CMakeLists.txt
	sed -i '/^# Voodoo rites/,$d' CMakeLists.txt
	# its flag probe caches one result for all three flags; gcc 12 has no -fhardened
	sed -i 's/ -fhardened)/)/' CMakeLists.txt
	"${N[@]}" cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_LIBDIR=lib \
		-DCMAKE_INSTALL_SYSCONFDIR=/etc -DCMAKE_INSTALL_LOCALSTATEDIR=/var \
		-DRPM_CONFIGDIR=/usr/lib/rpm -DRPM_VENDOR=slipway \
		-DCMAKE_C_FLAGS_RELEASE="$CFLAGS" \
		-DWITH_SEQUOIA=OFF -DWITH_LEGACY_OPENPGP=ON -DWITH_OPENSSL=ON \
		-DENABLE_PLUGINS=OFF -DENABLE_NLS=OFF -DENABLE_PYTHON=OFF -DENABLE_OPENMP=OFF \
		-DENABLE_TESTSUITE=OFF -DENABLE_NDB=OFF -DENABLE_BDB_RO=OFF -DENABLE_SQLITE=ON \
		-DWITH_CAP=OFF -DWITH_ACL=OFF -DWITH_SELINUX=OFF -DWITH_DBUS=OFF -DWITH_AUDIT=OFF \
		-DWITH_FSVERITY=OFF -DWITH_IMAEVM=OFF -DWITH_FAPOLICYD=OFF -DWITH_READLINE=OFF \
		-DWITH_LIBDW=OFF -DWITH_LIBELF=OFF -DWITH_ICONV=OFF -DWITH_DOXYGEN=OFF \
		-DWITH_BZIP2=ON -DWITH_ZSTD=ON -DWITH_LIBLZMA=ON >&2
	"${N[@]}" ninja -C build -j"$jobs" librpm librpmio >&2
	mkdir -p "$stage/lib/pkgconfig" "$stage/include/rpm"
	# (OUTPUT_NAME is set for the shared flavour only: the archives are liblib*.a)
	cp build/lib/liblibrpm.a "$stage/lib/librpm.a"
	cp build/rpmio/liblibrpmio.a "$stage/lib/librpmio.a"
	# the public headers, as include/rpm/CMakeLists.txt installs them
	cp include/rpm/*.h "$stage/include/rpm/"
	cp build/include/rpm/*.h "$stage/include/rpm/" 2>/dev/null || true
	# rpm 4.20's own rpmrc (arch tables: x86_64_v2..v4) and macros: an older rpmrc,
	# e.g. bookworm's 4.18 one in /usr/lib/rpm, makes every package "intended for a
	# different architecture". The static binary needs these at RPM_CONFIGDIR
	# (/usr/lib/rpm, or the RPM_CONFIGDIR environment variable): see README.md.
	mkdir -p "$stage/lib/rpm"
	cp build/rpmrc build/macros "$stage/lib/rpm/"
	# rpm.pc with the static dependencies spelled out
	cat >"$stage/lib/pkgconfig/rpm.pc" <<EOF
prefix=$prefix
exec_prefix=\${prefix}
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: RPM
Description: RPM Package Manager (static, slipway)
Version: $(sed -n 's/^Version: //p' build/rpm.pc)
Requires.private: popt lua5.4 sqlite3 libzstd liblzma zlib libcrypto
Libs: -L\${libdir} -lrpm -lrpmio
Libs.private: -lbz2 -lm -lpthread -lrt
Cflags: -I\${includedir} -D_FILE_OFFSET_BITS=64
EOF
}

# libsolv + libsolvext: rpm-md, repomd, comps, rich deps; expat; gz/xz/bz2/zstd/zchunk.
build_libsolv() {
	fetch libsolv
	cd "$work/src/libsolv"
	"${N[@]}" cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
		-DCMAKE_INSTALL_PREFIX="$prefix" -DLIB=lib -DCMAKE_INSTALL_LIBDIR=lib \
		-DCMAKE_C_FLAGS_RELEASE="$CFLAGS" \
		-DENABLE_STATIC=ON -DDISABLE_SHARED=ON -DMULTI_SEMANTICS=ON \
		-DENABLE_RPMMD=ON -DENABLE_COMPS=ON -DENABLE_COMPLEX_DEPS=ON \
		-DENABLE_LZMA_COMPRESSION=ON -DENABLE_BZIP2_COMPRESSION=ON \
		-DENABLE_ZSTD_COMPRESSION=ON -DENABLE_ZCHUNK_COMPRESSION=ON -DWITH_SYSTEM_ZCHUNK=OFF \
		-DWITH_LIBXML2=OFF -DENABLE_PERL=OFF -DENABLE_PYTHON=OFF -DENABLE_RUBY=OFF \
		-DENABLE_TCL=OFF -DENABLE_LUA=OFF >&2
	"${N[@]}" ninja -C build -j"$jobs" libsolv libsolvext >&2
	# install the top level (the .pc files) and src/, ext/ only: the tools are not built
	DESTDIR="$work/dest" cmake -DCMAKE_INSTALL_LOCAL_ONLY=ON -P build/cmake_install.cmake >&2
	DESTDIR="$work/dest" cmake -P build/src/cmake_install.cmake >&2
	DESTDIR="$work/dest" cmake -P build/ext/cmake_install.cmake >&2
	cp -a "$work/dest$prefix/." "$stage/"
	# libsolvext.pc names none of its own dependencies
	printf '%s\n' 'Requires.private: expat libzstd liblzma zlib' 'Libs.private: -lbz2' \
		>>"$stage/lib/pkgconfig/libsolvext.pc"
	rm -rf "$work/dest"
}

# curl: libcurl with file, http and https (OpenSSL) only; no other protocols,
# no IDN/PSL/HTTP2/brotli/zstd/ssh/ldap/gssapi; the default resolver is glibc's.
build_curl() {
	fetch curl
	cd "$work/src/curl"
	"${N[@]}" ./configure -q --prefix="$prefix" --libdir="$prefix/lib" \
		--disable-shared --enable-static --with-openssl --with-zlib \
		--enable-http --enable-file --disable-ftp --disable-ldap --disable-ldaps \
		--disable-rtsp --disable-dict --disable-telnet --disable-tftp --disable-pop3 \
		--disable-imap --disable-smtp --disable-gopher --disable-mqtt --disable-smb \
		--disable-ipfs --disable-websockets --disable-manual --disable-docs \
		--disable-ntlm --disable-kerberos-auth --disable-negotiate-auth \
		--disable-unix-sockets --disable-alt-svc --disable-hsts --disable-netrc \
		--disable-dependency-tracking \
		--without-libpsl --without-nghttp2 --without-ngtcp2 --without-nghttp3 \
		--without-libidn2 --without-brotli --without-zstd --without-libssh2 \
		--without-libssh --without-librtmp --without-gssapi --without-libgsasl \
		--with-ca-bundle=/etc/ssl/certs/ca-certificates.crt --with-ca-path=/etc/ssl/certs >&2
	"${N[@]}" make -s -j"$jobs" "${NOREGEN[@]}" -C lib libcurl.la >&2
	make -s "${NOREGEN[@]}" -C lib install-libLTLIBRARIES DESTDIR="$work/dest" >&2
	make -s "${NOREGEN[@]}" -C include install DESTDIR="$work/dest" >&2
	make -s "${NOREGEN[@]}" install-pkgconfigDATA DESTDIR="$work/dest" >&2
	cp -a "$work/dest$prefix/." "$stage/"
	rm -rf "$work/dest"
}

step util-linux build_util_linux
step lvm2 build_lvm2
step cryptsetup build_cryptsetup
step rpm build_rpm
step libsolv build_libsolv
step curl build_curl

# record what went in, then publish atomically
{
	echo "# built $(date -u +%FT%TZ) by tools/static/build-libs.sh ($hash)"
	sed 's/#.*//; /^[[:space:]]*$/d' "$versions"
} >"$stage/versions.txt"
cp "$versions" "$stage/versions.pinned"
touch "$stage/.complete"
rm -rf "$prefix"
mv -T "$stage" "$prefix"
log "done: $prefix ($(du -sh "$prefix" | cut -f1)); time from cold: $(elapsed "$t_all")"
echo "$prefix"
