#!/bin/bash
# make bench: checks what the benchmarks need (root, the fixtures, dnf, rpm, tmux, and
# gnuplot for the chart), then runs tools/bench/bench.py. BENCH_RUNS=N for a quick look.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "bench: must run as root (loop devices, chroots)" >&2; exit 1; }
for tool in dnf rpm tar tmux unshare; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is missing (make deps)" >&2; exit 1; }
done
if ! command -v gnuplot >/dev/null; then
	echo "bench: installing gnuplot-nox from the configured Debian archive (for the PNG chart)" >&2
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
		--no-install-recommends gnuplot-nox >&2
fi
exec python3 tools/bench/bench.py
