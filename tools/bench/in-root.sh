#!/bin/bash
# in-root.sh ROOT CMD...: runs CMD with /dev, /proc, /sys and /run of ROOT mounted, as
# an installer does before the payload, so that scriptlets see what they see under
# slipway. Runs itself in a mount namespace of its own: the kernel drops the mounts
# when CMD exits, however it exits.
set -euo pipefail
root=${1:?usage: in-root.sh ROOT CMD...}
if [ -z "${IN_ROOT_NS:-}" ]; then
	IN_ROOT_NS=1 exec unshare --mount --propagation private "$0" "$@"
fi
unset IN_ROOT_NS
shift
mkdir -p "$root"/{dev,proc,sys,run}
mount --bind /dev "$root/dev"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount -t tmpfs tmpfs "$root/run"
exec "$@"
