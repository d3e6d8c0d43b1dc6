#!/bin/bash
# The TUI (issue 11), driven through a real terminal (tmux, 80x24): an
# attended install of the test distro into an image file through every spoke
# — source, language and keyboard, time zone, destination, custom
# partitioning (the table editor), network and host name, root (password
# typed twice, a mismatch first, an SSH key), a user, software (an
# environment), F1 help, a resize, "Save kickstart" — then the summary with
# the plan, the progress screen and the finish screen. The saved kickstart
# must equal tests/data/tui/image.ks (hashes and the repo path normalized),
# the image must hold the custom layout, and the target its own copy of the
# kickstart. LUKS and booting the result: tests/vm/test-tui-luks-boot.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
need_root
. tests/integration/tui-lib.sh
tui_host_setup

tui_start 80 24 "cd $d && TERM=screen $S tui --image $d/disk.img --size 8G --repo file://$R --log $d/install.log"
tui_wait "Installation summary"
tui_wait "root password is not set"
# F1 on the hub, then back
tui_keys F1
tui_wait "Help: Installation summary"
tui_keys Enter
tui_wait "Begin installation"

# --- source (preselected by --repo): accept, the repository is read
tui_keys Enter
tui_wait "Repository URL"
tui_keys Enter
tui_wait "Installation summary"

# --- language and keyboard: search the lists
tui_keys Down Enter
tui_wait "Change which?"
tui_keys Enter
tui_wait "The system language"
tui_type "de_DE"
tui_wait "Search: de_DE_"
tui_keys Enter
tui_wait "Language: de_DE.UTF-8"
tui_keys Right Enter
tui_wait "The console keyboard layout"
tui_type "latin1-nodead"
tui_keys Enter
tui_wait "Keyboard: de-latin1-nodeadkeys"
tui_keys Right Right Enter
tui_wait "de_DE.UTF-8, keyboard de-latin1-nodeadkeys"

# --- time zone
tui_keys Down Enter
tui_wait "Choose the time zone"
tui_type "Berlin"
tui_wait "Europe/Berlin"
tui_keys Enter
tui_wait "Europe/Berlin (hardware clock in UTC)"

# --- destination: the image file
tui_keys Down Enter
tui_wait "The destination is the image file $d/disk.img"
tui_keys Enter
tui_wait "Installation summary"

# --- partitioning: custom, with a /home row added and / changed to ext4
tui_keys Down Enter
tui_wait "How to partition the selected disks"
tui_keys Space F10
tui_wait "Custom partitioning"
tui_wait "/boot"
tui_keys Down Enter
tui_wait "Partition /:"
tui_keys Enter
tui_wait "Edit a partition"
tui_keys Tab Tab Tab Space F10
tui_wait "Custom partitioning"
tui_keys End Up Enter
tui_wait "Add a partition"
tui_type "/home"
tui_keys Tab C-u
tui_type "300"
tui_keys Tab Tab Space F10
tui_wait "/home"
tui_keys End Enter
tui_wait "custom, 3 partitions"

# --- network: the host name
tui_keys Down Enter
tui_wait "The host name and the network interfaces"
tui_keys Enter
tui_wait "The new system's host name"
tui_keys C-u
tui_type "bad_name"
tui_keys Enter
tui_wait "a host name has only letters"
tui_keys C-u
tui_type "tui-test.example.com"
tui_keys Enter
tui_wait "tui-test.example.com"
tui_keys End Enter
tui_wait "tui-test.example.com, 0 interfaces configured"

# --- root: a mismatch first, then the password twice and an SSH key
tui_keys Down Enter
tui_wait "Set the root password"
tui_type "tui-root-pw-1"
tui_keys Tab
tui_type "something-else"
tui_keys Tab Tab Tab Enter
tui_wait "The two passwords differ"

tui_type "tui-root-pw-1"
tui_keys Tab
tui_type "tui-root-pw-1"
tui_keys Tab Tab Tab
tui_type "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITUITUITUITUITUITUITUITUITUITUITUITUI tui@test"
tui_keys Enter
tui_wait "password set, ssh key"

# --- a user, administrator
tui_keys Down Enter
tui_wait "Create an ordinary user"
tui_keys Tab
tui_type "alice"
tui_keys Tab
tui_type "Alice Tester"
tui_keys Tab
tui_type "tui-user-pw-1"
tui_keys Tab
tui_type "tui-user-pw-1"
tui_keys F10
tui_wait "alice (administrator)"

# --- software: the minimal environment (the test distro has no user-visible
# group: the additional-groups list is skipped)
tui_keys Down Enter
tui_wait "Choose the base environment"
tui_wait "minimal-environment"
tui_keys Down Enter
tui_wait "minimal-environment, 0 more groups"

# a resize to 100x30 and back: the hub redraws
tui_resize 100 30
sleep 0.5
tui_wait "Installation summary"
tui_resize 80 24
# --- save the kickstart
tui_keys End Up Enter
tui_wait "Write the answers as a kickstart file"
tui_keys C-u
tui_type "$d/saved.ks"
tui_keys Enter
tui_wait "The kickstart was written to $d/saved.ks"
tui_keys Enter

# --- begin: plan, summary, install, finish
tui_keys End Up Up Enter
tui_wait "Summary: the plan" 300
tui_wait "target: image $d/disk.img"
tui_keys Enter
tui_wait "Installing"
tui_wait "Installation complete" 1200
screen=$(tui_screen)
expect_contains "finish screen" "installed into the image file" "$screen"
tui_keys Enter
tui_wait "TUI-EXIT=" 120
expect_eq "exit status" 0 "$(tui_exit_status)"

# --- the saved kickstart, redacted, equals the expected one
[ -f "$d/saved.ks" ] || fail "no saved kickstart"
[ "$(stat -c %a "$d/saved.ks")" = 600 ] || fail "the saved kickstart is not mode 600"
grep -q 'tui-root-pw-1\|tui-user-pw-1' "$d/saved.ks" "$d/install.log" && fail "a password is in the saved kickstart or the log"
grep -Eq '^rootpw .*\$y\$.* --iscrypted' "$d/saved.ks" || fail "the root password is not a yescrypt hash: $(grep rootpw "$d/saved.ks")"
sed -E -e "s|file://$R|file://REPO|" -e 's/\$y\$[^ '"'"'"]+/HASH/g' "$d/saved.ks" >"$d/saved.norm"
diff -u tests/data/tui/image.ks "$d/saved.norm" || fail "the saved kickstart differs from tests/data/tui/image.ks"
"$S" validate "$d/saved.ks" >/dev/null || fail "the saved kickstart does not validate"

# --- the image: the custom layout, and the kickstart inside the target
new_loop loop "$d/disk.img"
partitions "$loop" p5
types=$(for p in "$loop"p*; do blkid -o value -s TYPE "$p" || true; done | sort | tr '\n' ' ')
expect_eq "filesystems in the image" "ext4 ext4 ext4 vfat " "$types"
mkdir "$d/mnt"
for p in "$loop"p*; do
	[ "$(blkid -o value -s TYPE "$p")" = ext4 ] || continue
	mount -o ro "$p" "$d/mnt" && track_mount "$d/mnt"
	if [ -f "$d/mnt/root/slipway-ks.cfg" ]; then
		grep -q '^user --name=alice' "$d/mnt/root/slipway-ks.cfg" || fail "the target's kickstart has no user"
		grep -q '^part /home' "$d/mnt/root/slipway-ks.cfg" || fail "the target's kickstart has no /home"
		grep -q '^alice:' "$d/mnt/etc/passwd" || fail "alice is not in the target's passwd"
		grep -qx 'tui-test.example.com' "$d/mnt/etc/hostname" || fail "wrong hostname in the target"
		found=1
	fi
	umount "$d/mnt"
done
[ "${found:-0}" = 1 ] || fail "no filesystem of the image holds /root/slipway-ks.cfg"
echo ok
