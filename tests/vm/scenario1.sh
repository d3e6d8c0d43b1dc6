# Boot scenario 1's kickstart and its boot checks, sourced by the tests that
# install it: tests/vm/test-iso-install.sh (unattended from the installer ISO),
# tests/vm/test-bios-static-boot-full.sh (slipway on the host) and
# tests/vm/test-static-bare-boot-full.sh (the static binary in a VM root without
# shared libraries). Needs tests/vm/scenario-checks.sh sourced too.

# scenario1_kickstart REPO ROOT_PASSWORD: prints the kickstart. BIOS, an ext4
# root and a swap partition, a static network, two users (one with an ssh
# key), a group, an enabled service, a time zone and a locale. An empty REPO
# leaves the source out (the installer media's repo).
scenario1_key="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@scenario1"
scenario1_kickstart() {
	[ -z "$1" ] || echo "url --url=file://$1"
	cat <<KS
rootpw --plaintext $2
reqpart
part swap --size=256
part / --fstype=ext4 --size=2500 --grow
network --bootproto=static --device=ens3 --ip=192.0.2.10 --netmask=255.255.255.0 --gateway=192.0.2.1 --nameserver=192.0.2.53 --hostname=scenario-one
group --name=ops --gid=3000
user --name=alice --groups=wheel,ops --shell=/bin/bash --password=alice-pw --plaintext
user --name=bob --uid=2001 --gecos="Bob B"
sshkey --username=alice "$scenario1_key"
services --enabled=fstrim.timer
timezone Europe/Paris --utc
lang de_DE.UTF-8
%packages
@core
%end
KS
}

# scenario1_boot DISK ROOT_PASSWORD SLIPWAY_OUTPUT WORKDIR: boots DISK under
# SeaBIOS, logs in and checks every item of the kickstart plus the common
# scenario checks; prints the results, exits 1 (with the last serial lines)
# when anything fails or a password reached the serial transcript.
scenario1_boot() {
	local disk=$1 pw=$2 out=$3 work=$4 t0=$SECONDS
	scenario_checks "$out"
	scenario_boot "$work" "scenario 1 did not boot and pass the checks under SeaBIOS" \
		--disk "$disk" --firmware bios --password "$pw" --login-timeout 1500 \
		--run 'test -d /sys/firmware/efi && echo uefi || echo bios' --expect '^bios$' \
		--run 'hostname' --expect '^scenario-one$' \
		--run 'swapon --show=TYPE --noheadings' --expect '^partition$' \
		--run 'getent passwd alice | cut -d: -f7; id -nG alice | tr " " "\n" | sort | tr "\n" " "' \
		--expect '(?s)^/bin/bash\n.*\bops wheel\b' \
		--run 'getent passwd bob | cut -d: -f3,5' --expect '^2001:Bob B$' \
		--run 'getent group ops | cut -d: -f3' --expect '^3000$' \
		--run 'stat -c "%a %U" /home/alice/.ssh /home/alice/.ssh/authorized_keys; cat /home/alice/.ssh/authorized_keys' \
		--expect '(?s)^700 alice\n600 alice\nssh-ed25519 \S+ alice@scenario1$' \
		--run 'cat /etc/systemd/network/*.network' \
		--expect '(?s)Name=ens3.*Address=192\.0\.2\.10/24.*Gateway=192\.0\.2\.1.*DNS=192\.0\.2\.53' \
		--run 'systemctl is-enabled fstrim.timer' --expect '^enabled$' \
		--run 'readlink /etc/localtime' --expect 'zoneinfo/Europe/Paris$' \
		--run 'cat /etc/locale.conf' --expect '^LANG=de_DE\.UTF-8$'
	if grep -qF -e "$pw" -e alice-pw "$work/serial.log"; then
		echo "FAIL: a password is in the serial transcript"
		exit 1
	fi
	echo "booted and checked in $((SECONDS - t0)) s"
}
