#!/bin/bash
# The second boot scenario of test-image-boot.sh (FULL=1 only: ~2 min install and
# a 1–8 min OVMF boot): xfs root, a separate ext4 /boot, reqpart's biosboot + ESP.
exec "$(dirname "$0")/test-image-boot-full.sh" xfs-boot
