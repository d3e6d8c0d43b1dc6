#!/bin/bash
# The TUI's attended install with LUKS (issue 11), on a serial-like console:
# tmux (80x24, TERM=vt220) runs vm-run --tty, whose guest runs `slipway tui`
# on a virtio console under OVMF with a 6 GiB disk that already holds data.
# Every spoke is visited; the disk is selected, automatic partitioning with
# encryption (the passphrase typed twice), a wrong disk name is refused at the
# erase confirmation, then the right one; the finish screen opens a shell in
# the new system, then exits. The saved kickstart must equal
# tests/data/tui/luks.ks (hashes, repo path normalized); no secret is in it
# or in the log. Then vm-boot boots the disk under OVMF, types the
# passphrase and the root password, and checks the system (scenario checks).
# ~8 min under TCG.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
. tests/integration/tui-lib.sh
S=${SLIPWAY_BIN:-$PWD/build/slipway}
R=$(tests/fixtures/distro/build.sh 2>/dev/null) || fail "the test distro repo cannot be built"
work=$(mktemp -d /var/tmp/slipway-tuiluks.XXXXXX)
_tmps+=("$work")
trap 'tui_stop; cleanup_all' EXIT
pp="tui luks $RANDOM"
pw="tui-root-$RANDOM"

# Old data: a GPT with an ext4 partition (the summary must ask for the name).
truncate -s 6G "$work/disk.img"
sfdisk -q "$work/disk.img" <<<'label: gpt
size=100MiB, type=L'
new_loop old "$work/disk.img"
partitions "$old" p1
mkfs.ext4 -q -L olddata "${old}p1"
losetup -d "$old"

t0=$SECONDS
tui_start 80 24 "TERM=vt220 tests/vm/vm-run --tty --firmware uefi --rw-root --disk $work/disk.img \
--share $work --mem 2048 --cpus 2 --timeout 2700 -- $S tui --repo file://$R --save-ks $work/saved.ks \
--log $work/install.log"
tui_wait "Begin installation" 180

# source
tui_keys Enter
tui_wait "Repository URL"
tui_keys Enter
tui_wait "Choose a line"
# language and keyboard: looked at, kept
tui_keys Down Enter
tui_wait "Change which?"
tui_keys Right Right Enter
tui_wait "en_US.UTF-8, keyboard us"
# time zone
tui_keys Down Enter
tui_wait "Choose the time zone"
tui_type "Tokyo"
tui_wait "Asia/Tokyo"
tui_keys Enter
tui_wait "Asia/Tokyo (hardware clock in UTC)"
# destination: vda holds data (in red, with what is on it)
tui_keys Down Enter
tui_wait "Tick the disks"
tui_wait "ext4 olddata"
tui_keys Space Enter
tui_wait "vda (erased)"
# partitioning: automatic, encrypted; the passphrase twice (a mismatch first)
tui_keys Down Enter
tui_wait "How to partition"
tui_keys Tab Tab Space F10
tui_wait "The passphrase that unlocks"
tui_type "$pp"
tui_keys Tab
tui_type "not the same"
tui_keys F10
tui_wait "The two passphrases differ"
tui_type "$pp"
tui_keys F10
tui_wait "automatic, encrypted, xfs"
# network: the host name
tui_keys Down Enter
tui_wait "The host name and the network"
tui_keys Enter
tui_wait "The new system's host name"
tui_keys C-u
tui_type "tui-luks"
tui_keys Enter
tui_wait "tui-luks"
tui_keys NPage NPage Enter
tui_wait "tui-luks, 0 interfaces"
# root password
tui_keys Down Enter
tui_wait "Set the root password"
tui_type "$pw"
tui_keys Tab
tui_type "$pw"
tui_keys F10
tui_wait "password set"
# no user
tui_keys Down Enter
tui_wait "Create an ordinary user"
tui_keys Space F10
tui_wait "no user will be created"
# software: minimal (@core)
tui_keys Down Enter
tui_wait "Choose the base environment"
tui_keys Enter
tui_wait "core, 0 more groups"
# save the kickstart (--save-ks is the default path)
tui_keys NPage NPage Up Enter
tui_wait "Write the answers"
tui_keys Enter
tui_wait "The kickstart was written to $work/saved.ks"
tui_keys Enter
# begin: the plan, the erase confirmation (a wrong name first). (vt220 has no
# Home/End keys: PgDn twice reaches the end of a list.)
tui_keys NPage NPage Up Up Enter
tui_wait "Summary: the plan" 900
tui_wait "vda"
tui_keys Enter
tui_wait "Confirm erasing a disk"
tui_type "vdb"
tui_keys Enter
tui_wait "That is not the disk's name"
tui_type "vda"
tui_keys Enter
tui_wait "Installing"
tui_wait "Installation complete" 2400
# the finish screen: a shell in the new system, then exit
tui_keys Right Right Enter
tui_wait "(slipway chroot)" 60
tui_type "cat /etc/hostname"
tui_keys Enter
tui_wait "tui-luks"
tui_type "exit"
tui_keys Enter
tui_wait "Installation complete" 60
tui_keys Right Right Right Enter
tui_wait "TUI-EXIT=" 300
expect_eq "slipway tui in the VM: exit status" 0 "$(tui_exit_status)"
echo "the attended install took $((SECONDS - t0)) s"

grep -q 'install [0-9]* packages' "$work/install.log" || fail "the plan is not in the log"
grep -qF "$pp" "$work/saved.ks" "$work/install.log" && fail "the LUKS passphrase is in the saved kickstart or the log"
grep -qF "$pw" "$work/saved.ks" "$work/install.log" && fail "the root password is in the saved kickstart or the log"
sed -E -e "s|file://$R|file://REPO|" -e 's/\$y\$[^ '"'"'"]+/HASH/g' "$work/saved.ks" >"$work/saved.norm"
diff -u tests/data/tui/luks.ks "$work/saved.norm" || fail "the saved kickstart differs from tests/data/tui/luks.ks"

. tests/vm/scenario-checks.sh
scenario_checks "$work/install.log"
t0=$SECONDS
scenario_boot "$work" "the system the TUI installed did not boot and pass the checks" --disk "$work/disk.img" --firmware uefi --luks-passphrase "$pp" --password "$pw" \
	--login-timeout 1500 \
	--run 'cat /etc/hostname' --expect '^tui-luks$' \
	--run 'findmnt -n -o SOURCE,FSTYPE /' --expect '^/dev/mapper/luks-[0-9a-f-]+ +xfs$' \
	--run 'readlink /etc/localtime' --expect 'zoneinfo/Asia/Tokyo$' \
	--run 'head -1 /root/slipway-ks.cfg' --expect '^# Kickstart written by slipway'
echo "booted, unlocked and checked in $((SECONDS - t0)) s"
echo ok
