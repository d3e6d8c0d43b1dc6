#!/bin/bash
# Fault injection and signals on real installs of the test distro (issue 12).
# Each case makes one operation fail (SLIPWAY_FAULT=NAME:N), delivers a signal
# exactly at a stage boundary (SLIPWAY_FAULT_SIGNAL=STAGE:SIG) or in the middle
# of a long operation (kill, when the JSON stream shows it running), then
# checks one end state: the documented exit code (1, or 128+signal), a message
# naming the stage and the cause, %onerror run for failures and not for
# signals, no loop device, mount, chrooted process or temp file left, the log
# kept, no secret in any output, and a disk nobody selected byte-for-byte
# unchanged. Image mode and disk mode (a selected loop device). `make check`
# runs a representative subset; FULL=1 (`make check-full`) the whole matrix.
# The table of cases is in tests/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
S=$SLIPWAY_BIN
R=$(tests/fixtures/distro/build.sh 2>/dev/null) || fail "the test distro repo cannot be built"
[ -f "$R/repodata/repomd.xml" ] || fail "the test distro repo cannot be built ($R)"
tmpdir d
export TMPDIR=$d/tmp
mkdir "$TMPDIR"
rootpw="fault-$RANDOM-secret"

# The disk nobody selected: random bytes, hashed after every case.
head -c 64M /dev/urandom >"$d/decoy.img"
new_loop decoy "$d/decoy.img"
decoy_sum=$(sha256sum <"$decoy")
# The disk the disk-mode cases select (a loop device must be named to be used).
truncate -s 4G "$d/target.img"
new_loop target "$d/target.img"

write_ks() { # FILE STORAGE-COMMANDS
	cat >"$1" <<-KS
		url --url=file://$R
		rootpw --plaintext $rootpw
		$2
		%packages
		@core
		%end
		%post --erroronfail
		echo post ran
		%end
		%onerror
		echo "onerror ran" > $d/onerror
		%end
	KS
}
write_ks "$d/image.ks" "autopart --type=plain --noswap"
write_ks "$d/badopts.ks" "reqpart
part / --fstype=ext4 --size=2000 --grow --fsoptions=no_such_option"
write_ks "$d/encrypted.ks" "autopart --type=plain --noswap --encrypted --passphrase=$rootpw-luks --pbkdf-memory=32768"
write_ks "$d/disk.ks" "ignoredisk --only-use=${target#/dev/}
clearpart --all --initlabel
autopart --type=plain --noswap"

# Every process slipway starts stays in this cgroup (daemonizing or not): after
# each case it must be empty. Other installs on the machine are not in it.
cg=""
for h in /sys/fs/cgroup/pids /sys/fs/cgroup/unified /sys/fs/cgroup; do
	[ -e "$h/cgroup.procs" ] && mkdir "$h/slipway-faults-$$" 2>/dev/null && cg=$h/slipway-faults-$$ && break
done
[ -n "$cg" ] || fail "no cgroup hierarchy to put the installs in (/sys/fs/cgroup)"
trap 'rmdir "$cg" 2>/dev/null || true; cleanup_all' EXIT

failed=0 n=0
ck() { # WHAT EXPECTED GOT
	if [ "$2" == "$3" ]; then return 0; fi
	echo "FAIL $case_name: $1: expected [$2], got [$3]"
	failed=$((failed + 1))
}
yes_no() { "$@" && echo yes || echo no; }

# run_case NAME MODE KIND STAGE CAUSE ARG...
#   MODE: image | encrypted, badopts (images) | disk. KIND: fault (ARG is
#   SLIPWAY_FAULT), error (a real failure the kickstart causes), boundary (ARG is SIG:
#   the signal arrives before STAGE begins) or kill (ARGs are SIG and a string
#   of the JSON stream to wait for). CAUSE: an extended regex the error output
#   and the log must match.
run_case() {
	case_name=$1
	local mode=$2 kind=$3 stage=$4 cause=$5 c want sig="" env=()
	shift 5
	c=$d/case-$((++n))
	mkdir "$c"
	rm -f "$d/onerror"
	local args=(install -k "$d/$mode.ks" --progress json --log "$c/install.log")
	[ "$mode" = disk ] && args+=(--yes) || args+=(--image "$c/disk.img" --size 3G)
	case $kind in
	fault) env=("SLIPWAY_FAULT=$1") want=1 ;;
	error) want=1 ;;
	boundary) env=("SLIPWAY_FAULT_SIGNAL=$stage:$1") sig=$1 ;;
	kill) sig=$1 ;;
	esac
	[ -n "$sig" ] && want=$((128 + $(kill -l "$sig")))
	local t0=$SECONDS rc=0
	: >"$c/json"
	(
		echo $BASHPID >"$cg/cgroup.procs"
		exec env "${env[@]}" "$S" "${args[@]}" >"$c/json" 2>"$c/err"
	) &
	local pid=$!
	if [ "$kind" = kill ]; then
		for _ in $(seq 3000); do
			grep -qF -- "$2" "$c/json" && break
			kill -0 $pid 2>/dev/null || break
			sleep 0.1
		done
		kill -"$sig" $pid 2>/dev/null || true
	fi
	wait $pid || rc=$?

	ck "exit code" "$want" "$rc"
	if [ -n "$sig" ]; then
		ck "a message naming the signal" yes "$(yes_no grep -qE "interrupted by signal $(kill -l "$sig")" "$c/err")"
		ck "%onerror does not run after a signal" no "$(yes_no test -e "$d/onerror")"
	else
		ck "%onerror ran" yes "$(yes_no test -e "$d/onerror")"
	fi
	if [ "$kind" = boundary ]; then
		ck "the message names the stage" yes "$(yes_no grep -qE "before $stage; cleaning up" "$c/err")"
	else
		ck "the JSON stream says $stage failed" yes \
			"$(yes_no grep -qF "\"stage\":\"$stage\",\"event\":\"stage-end\",\"ok\":false" "$c/json")"
	fi
	if [ "$kind" = fault ] || [ "$kind" = error ]; then
		ck "stderr names the stage" yes "$(yes_no grep -qx "==> $stage failed" "$c/err")"
	fi
	ck "stderr gives the cause /$cause/" yes "$(yes_no grep -qE -- "$cause" "$c/err")"
	ck "the log is kept and gives the cause" yes "$(yes_no grep -qE -- "$cause" "$c/install.log")"
	ck "the log ends with the failure" yes "$(yes_no grep -q 'install failed' "$c/install.log")"
	ck "the root password in any output" no "$(yes_no grep -qF "$rootpw" "$c/json" "$c/err" "$c/install.log")"
	# What must be gone: every process slipway started (one left would keep
	# its namespace and the target's mounts alive), the image's loop device,
	# every mount of the target, slipway's temp files.
	ck "processes slipway left running" "" "$(cat "$cg/cgroup.procs")"
	[ "$mode" = disk ] || ck "loop devices on the image" "" "$(losetup -j "$c/disk.img")"
	ck "mounts of the target's partitions" "" "$(grep -E "^${target}p" /proc/mounts || true)"
	ck "/mnt/sysroot on the host" "" "$(grep ' /mnt/sysroot' /proc/self/mountinfo || true)"
	ck "slipway's temp files" "" "$(ls -A "$TMPDIR")"
	ck "the unselected disk's bytes" "$decoy_sum" "$(sha256sum <"$decoy")"
	echo "case $n: $case_name: exit $rc, $((SECONDS - t0)) s"
	rm -f "$c/disk.img"
}

# NAME | MODE | KIND | STAGE | CAUSE | ARGS. The subset below is `make check`'s.
run_case "loop device attach fails" image fault storage 'cannot attach .*disk.img to a loop device: Input/output error' loop
run_case "partition table write fails" image fault storage 'cannot write the partition table: Input/output error' table
run_case "second mkfs fails" image fault storage 'mkfs.* failed: Input/output error' mkfs:2
run_case "second mount fails" image fault storage 'storage: cannot mount .* on /mnt/sysroot/.*: Input/output error' mount:2
run_case "a package download fails" image fault download 'Input/output error' download:40
run_case "LUKS format fails (before any dm-crypt use)" encrypted fault storage 'cannot format as luks2 \(aes-xts-plain64\): Input/output error' crypt
run_case "the 80th rpm element fails" image fault payload 'rpm transaction failed after' rpm:80
run_case "a scriptlet fails" image fault payload 'scriptlet failed' scriptlet:2
run_case "a mount option the kernel refuses" badopts error storage \
	'storage: cannot mount /dev/loop[0-9]+p[0-9]+ on /mnt/sysroot \(ext4, options no_such_option\): .*' ""
run_case "fstab write fails" image fault fstab 'cannot write /mnt/sysroot/etc/fstab' write:1
run_case "a system file write fails" image fault system 'cannot write /mnt/sysroot/etc/' write:2
run_case "the %post script file cannot be written" image fault post 'cannot write the script' script:1
run_case "SIGTERM before storage" image boundary storage 'signal 15 before storage' TERM
run_case "SIGINT before the boot loader" image boundary bootloader 'signal 2 before bootloader' INT
run_case "SIGHUP while rpm installs" image kill payload 'signal 1' HUP '"stage":"payload","event":"progress"'
run_case "disk mode: mkfs fails" disk fault storage 'mkfs.* failed' mkfs:1
run_case "disk mode: SIGTERM before payload" disk boundary payload 'signal 15 before payload' TERM
if [ "${FULL:-0}" = 1 ]; then
	for p in loop table mkfs mount download rpm scriptlet; do
		run_case "every $p call fails" image fault "$(case $p in loop | table | mkfs | mount) echo storage ;;
			download) echo download ;; *) echo payload ;; esac)" 'Input/output error|failed' "$p:1+:EIO"
	done
	run_case "ENOSPC writing a system file" image fault system 'No space left' write:3:ENOSPC
	i=0 sigs=(INT TERM HUP)
	for st in download storage payload fstab system bootloader post logs esp; do
		sig=${sigs[i++ % 3]}
		run_case "SIG$sig before $st" image boundary "$st" "signal $(kill -l "$sig") before $st" "$sig"
	done
	run_case "SIGINT while downloading" image kill download 'signal 2' INT '"stage":"download","event":"progress"'
	run_case "SIGTERM in the boot loader (dracut)" image kill bootloader 'signal 15' TERM \
		'"stage":"bootloader","event":"stage-begin"'
	run_case "disk mode: SIGINT while rpm installs" disk kill payload 'signal 2' INT \
		'"stage":"payload","event":"progress"'
	run_case "disk mode: the table write fails" disk fault storage 'cannot write the partition table' table
fi
echo "$n cases, $failed failed checks"
[ $failed = 0 ]
