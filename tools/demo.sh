#!/bin/bash
# `make demo`: builds the test repo and runs an unattended install into an
# image file, then says how to boot it — once the install stages exist.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "demo: building the test distro repo (cached after the first time)"
repo=$(tests/fixtures/distro/build.sh)
echo "demo: test distro at $repo"
echo "demo: an unattended image install is not available yet: the storage, payload," >&2
echo "demo: system and bootloader stages are still being built (see the README's status)." >&2
echo "demo: what works today: slipway install -k docs/examples/server.ks --image demo.img --size 4G --dry-run" >&2
exit 1
