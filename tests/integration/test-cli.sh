#!/bin/bash
# The command line as users meet it: help for every subcommand, exit codes,
# validate on good and bad files, install --dry-run, and usage errors.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
S=$SLIPWAY_BIN
tmpdir d

# status CMD...: runs CMD, stores its exit code in rc and output in out
status() { set +e; out=$("$@" 2>&1); rc=$?; set -e; }

for sub in install validate ks disks; do
	status "$S" "$sub" --help
	expect_eq "$sub --help exit" 0 "$rc"
	expect_contains "$sub --help" "Usage: slipway $sub" "$out"
done
status "$S" --help
expect_contains "global help" "validate" "$out"
status "$S" version
expect_contains "version" "slipway " "$out"
status "$S" frobnicate
expect_eq "unknown command exit" 2 "$rc"
expect_contains "unknown command" 'unknown command "frobnicate"' "$out"
# no command and no terminal: usage on stderr, exit 2 (never a TUI on a pipe)
status "$S" </dev/null
expect_eq "no command without a tty" 2 "$rc"

# validate: the realistic kickstarts pass; a file with ten mistakes gives ten lines
for ks in docs/examples/fedora-server-minimal.ks docs/examples/luks-static.ks; do
	status "$S" validate "$ks"
	expect_eq "validate $ks" 0 "$rc"
done
# like ksvalidator, a %include that only %pre would create is an error here
status "$S" validate docs/examples/include-from-pre.ks
expect_eq "validate include-from-pre" 2 "$rc"
expect_contains "include-from-pre" "include-from-pre.ks:11: %include: cannot read /tmp/part-include" "$out"
status "$S" validate tests/data/ks/ten-mistakes.ks
expect_eq "validate ten-mistakes exit" 2 "$rc"
n=$(grep -c '^slipway: tests/data/ks/ten-mistakes.ks:[0-9]*: ' <<<"$out" || true)
expect_eq "ten mistakes reported" 10 "$n"
status "$S" validate "$d/missing.ks"
expect_eq "validate a missing file" 2 "$rc"

cat >"$d/bad.ks" <<'KS'
rootpw --plaintext hunter2
part / --size=ten
KS
status "$S" validate "$d/bad.ks"
expect_eq "bad size exit" 2 "$rc"
expect_contains "bad size message" "$d/bad.ks:2: part:" "$out"

# install --dry-run prints the plan and writes nothing
distro=$(tests/fixtures/distro/build.sh)
cat >"$d/ok.ks" <<KS
url --url=file://$distro
text
lang en_US.UTF-8
keyboard us
timezone UTC --utc
rootpw --plaintext s3cr3t-pw
network --hostname=dry.example.com
autopart --type=plain
%packages
@core
%end
KS
status "$S" install -k "$d/ok.ks" --image "$d/new.img" --size 4G --dry-run
expect_eq "dry-run exit" 0 "$rc"
expect_contains "dry-run plan target" "target: image $d/new.img (4 GiB, raw)" "$out"
expect_contains "dry-run storage plan" "new gpt table" "$out"
expect_contains "dry-run payload plan" "install " "$out"
[ ! -e "$d/new.img" ] || fail "dry-run created the image file"
[[ "$out" != *s3cr3t-pw* ]] || fail "the plan shows the root password"
status "$S" install -k "$d/bad.ks" --dry-run
expect_eq "install with a bad kickstart" 2 "$rc"

# usage errors name the option
status "$S" install --dry-run
expect_eq "install without -k" 2 "$rc"
expect_contains "install without -k" "a kickstart is required" "$out"
status "$S" install -k "$d/ok.ks" --image "$d/x.img" --root "$d/r"
expect_eq "--image with --root" 2 "$rc"
status "$S" install -k "$d/ok.ks" --image "$d/x.img"
expect_eq "new image without --size" 2 "$rc"
expect_contains "new image without --size" "storage: --image $d/x.img does not exist: --size is needed to create it" "$out"
# image mode writes only regular files that nothing holds
status "$S" install -k "$d/ok.ks" --image /dev/null --dry-run
expect_eq "--image on a device" 2 "$rc"
expect_contains "--image on a device" "storage: --image /dev/null is not a regular file; image mode writes only files" "$out"
truncate -s 3G "$d/old.img"
status "$S" install -k "$d/ok.ks" --image "$d/old.img" --dry-run
expect_eq "existing image without --size" 0 "$rc"
expect_contains "existing image keeps its size" "target: image $d/old.img (3 GiB, raw)" "$out"
if [ "$(id -u)" = 0 ]; then
	new_loop held "$d/old.img"
	sum=$(sha256sum <"$d/old.img")
	status "$S" install -k "$d/ok.ks" --image "$d/old.img" --yes
	expect_eq "--image attached to a loop device" 3 "$rc"
	expect_contains "--image attached" "storage: --image $d/old.img: refusing to use it: $held is attached to it (in use)" "$out"
	expect_eq "the attached image" "$sum" "$(sha256sum <"$d/old.img")"
fi
# more image and storage errors, each with its message and nothing written
status "$S" install -k "$d/ok.ks" --image "$d/x.img" --root "$d/r"
expect_contains "--image with --root" "install: --image and --root cannot be used together" "$out"
status "$S" install -k "$d/ok.ks" --size 4G --dry-run
expect_eq "--size without --image" 2 "$rc"
expect_contains "--size without --image" "install: --size and --format need --image" "$out"
status "$S" install -k "$d/ok.ks" --image /etc/hostname/disk.img --size 1G --dry-run
expect_eq "--image under a file" 2 "$rc"
expect_contains "--image under a file" "storage: --image /etc/hostname/disk.img: Not a directory" "$out"
status "$S" install -k "$d/ok.ks" --image "$d/no-such-dir/disk.img" --size 1G --dry-run
expect_eq "--image in a missing directory" 2 "$rc"
expect_contains "--image in a missing directory" \
	"storage: --image $d/no-such-dir/disk.img: cannot create it in $d/no-such-dir: No such file or directory" "$out"
: >"$d/empty.img"
status "$S" install -k "$d/ok.ks" --image "$d/empty.img" --dry-run
expect_eq "an empty image without --size" 2 "$rc"
expect_contains "an empty image without --size" "storage: --image $d/empty.img is empty: give --size" "$out"
{ echo "ignoredisk --only-use=sda"; sed 's/^autopart.*/autopart --type=plain --noswap/' "$d/ok.ks"; } >"$d/ignored.ks"
status "$S" install -k "$d/ignored.ks" --image "$d/new.img" --size 4G --dry-run
expect_eq "image mode with ignoredisk" 0 "$rc"
expect_contains "image mode with ignoredisk" \
	"warning: storage: image mode: ignoredisk and clearpart --drives are ignored, the image is the only disk" "$out"
sed 's/^autopart.*/autopart --type=plain --encrypted/' "$d/ok.ks" >"$d/nopass.ks"
status "$S" install -k "$d/nopass.ks" --image "$d/new.img" --size 4G --dry-run
expect_eq "autopart --encrypted without a passphrase" 2 "$rc"
expect_contains "autopart --encrypted without a passphrase (validation)" \
	"autopart: warning: the root file system is encrypted but has no --passphrase; slipway install refuses it" "$out"
expect_contains "autopart --encrypted without a passphrase (plan)" \
	"autopart: --encrypted needs --passphrase (slipway cannot ask for it in cmdline mode)" "$out"
status "$S" install -k "$d/ok.ks" --image "$d/x.img" --size ten
expect_eq "bad --size" 2 "$rc"
expect_contains "bad --size" 'not a size: "ten"' "$out"
status "$S" install -k "$d/ok.ks" --image "$d/x.img" --size 1G --format vmdk
expect_contains "bad --format" 'unknown format "vmdk"' "$out"
status "$S" install -k "$d/ok.ks" --finish dance --dry-run
expect_eq "bad --finish" 2 "$rc"
# --finish shell needs a terminal: without one, a usage error before any write
status "$S" install -k "$d/ok.ks" --image "$d/new.img" --size 4G --finish shell </dev/null
expect_eq "--finish shell without a terminal" 2 "$rc"
expect_contains "--finish shell" "finish shell needs a terminal on stdin" "$out"
cp "$d/ok.ks" "$d/addon.ks"
printf '%%addon org_slipway\nfinish shell\n%%end\n' >>"$d/addon.ks"
status "$S" install -k "$d/addon.ks" --image "$d/new.img" --size 4G --dry-run </dev/null
expect_eq "%addon org_slipway finish shell without a terminal" 2 "$rc"
# the command line wins over the kickstart
status "$S" install -k "$d/addon.ks" --image "$d/new.img" --size 4G --dry-run --finish exit </dev/null
expect_eq "--finish exit over the addon's shell" 0 "$rc"
expect_contains "--finish exit wins" "finish: exit" "$out"
[ ! -e "$d/new.img" ] || fail "a refused install created the image"

# JSON progress: every stdout line is one JSON object
status "$S" install -k "$d/ok.ks" --image "$d/new.img" --size 4G --dry-run --progress json
expect_eq "json dry-run" 0 "$rc"
echo ok
