#!/bin/bash
# `make demo`: builds the test distro repo (cached), installs it unattended into
# an image file with slipway, and says how to boot it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$PWD/build/demo
mkdir -p "$out"
echo "demo: building the test distro repo (downloads Debian packages on the first run; cached)"
repo=$(tests/fixtures/distro/build.sh)
echo "demo: test distro at $repo"
sed "s|@REPO@|$repo|" docs/examples/demo.ks >"$out/demo.ks"
rm -f "$out/demo.img"
echo "demo: installing into $out/demo.img (4 GiB sparse)"
build/slipway install -k "$out/demo.ks" --image "$out/demo.img" --size 4G --log "$out/install.log"
code=/usr/share/OVMF/OVMF_CODE_4M.fd
cat <<MSG

demo: done. Boot the image (root password: changeme) with SeaBIOS:
  qemu-system-x86_64 -accel tcg -m 1024 -smp 2 -nographic -drive file=$out/demo.img,format=raw,if=virtio -snapshot
or with UEFI:
  cp /usr/share/OVMF/OVMF_VARS_4M.fd $out/vars.fd
  qemu-system-x86_64 -accel tcg -m 1024 -smp 2 -nographic -drive if=pflash,format=raw,readonly=on,file=$code -drive if=pflash,format=raw,file=$out/vars.fd -drive file=$out/demo.img,format=raw,if=virtio -snapshot
(-snapshot keeps the image pristine; quit qemu with Ctrl-A X.)
MSG
