# The checks every boot scenario runs inside the system slipway installed
# (sourced by tests/vm/test-*-boot.sh): systemd's state, every fstab mount
# mounted, `rpm -qa` against the plan's package count, /var/log/slipway
# complete and an SBOM entry for every installed package.
# scenario_checks OUT: reads the plan's count from slipway's output OUT and
# sets the array `checks` of vm-boot --run/--expect arguments.
scenario_checks() {
	local plan
	plan=$(grep -o 'install [0-9]* packages' "$1" | head -1 | grep -o '[0-9]*') ||
		{ echo "FAIL: no package count in the plan ($1)"; exit 1; }
	# one line each: they are typed into the serial console's shell
	local mounted='awk '"'"'$1 !~ /^#/ && $2 ~ /^\// {print $2}'"'"' /etc/fstab | while read -r m; do mountpoint -q "$m" || echo "not mounted: $m"; done; echo end'
	local sbom='rpm -qa --qf "%{NAME}\n" | sort -u | while read -r n; do grep -q "\"name\": \"$n\"" /var/log/slipway/sbom.spdx.json || echo "missing $n"; done | wc -l'
	checks=(
		--run 'systemctl is-system-running --wait || systemctl --failed --no-legend --plain'
		--expect '^(running|degraded)'
		--run "$mounted" --expect '\Aend\Z'
		--run 'rpm -qa | grep -vc "^gpg-pubkey"' --expect "^$plan\$"
		--run 'ls /var/log/slipway | tr "\n" " "'
		--expect 'install\.log .*ks\.cfg .*packaging\.log .*plan\.txt .*sbom\.spdx\.json'
		--run "$sbom" --expect '^0$'
	)
}

# scenario_boot WORK WHAT VM-BOOT-ARGS...: boots with vm-boot, the serial
# transcript in WORK/serial.log and the `checks` appended to the arguments;
# prints vm-boot's lines, or on failure them, the last serial lines and
# "FAIL: WHAT", and exits 1.
scenario_boot() {
	local work=$1 what=$2
	shift 2
	tests/vm/vm-boot --log "$work/serial.log" "$@" "${checks[@]}" >"$work/boot.out" 2>&1 || {
		cat "$work/boot.out"
		echo "last serial lines:"
		tail -40 "$work/serial.log" | tr -d '\r'
		echo "FAIL: $what"
		exit 1
	}
	sed 's/^/  | /' "$work/boot.out"
}
