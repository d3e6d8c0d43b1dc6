#!/bin/bash
# Writes tests/fuzz/kickstart.dict, the libFuzzer dictionary of fuzz_kickstart:
# every option and section keyword quoted in kickstart/*.c and every command
# name that starts a line of the kickstart test data. Run from the repo root.
set -euo pipefail
{
	echo "# libFuzzer dictionary for fuzz_kickstart, written by tests/fuzz/gen-dict.sh."
	{
		grep -ohE '"(--[a-z0-9-]+|%[a-z-]{2,})"' kickstart/*.c | tr -d '"'
		cat tests/data/ks/*.ks tests/data/ks/real/*.ks docs/examples/*.ks |
			grep -aoE '^[a-z][a-z0-9_-]+' || true
		printf '%s\n' %end %include %ksappend '@^' '-@' --plaintext --iscrypted '[redacted]' \
			yes no on off true false 1 0 swap biosboot none / /boot /boot/efi
	} | sort -u | sed 's/["\\]/\\&/g; s/.*/"&"/'
} >tests/fuzz/kickstart.dict
