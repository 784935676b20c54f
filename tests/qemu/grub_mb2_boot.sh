#!/bin/bash
# tests/qemu/grub_mb2_boot.sh - BIOS GRUB (Debian grub-pc-bin, the image
# tests/lib/qemu.sh ql_grub_lnx builds) starts lifeline.elf with
# `multiboot2 /lifeline.elf KEY=VALUE...` and `boot`; lifeline places its
# real-mode stub in base memory, logs in to tgtd (127.0.0.1, the guest's
# 10.0.2.2 over slirp), hooks INT 13h, hides itself through E820, publishes
# the iBFT and boots the LUN's MBR as drive 0x80: the INT 13h test disk
# (tests/qemu/mbrtest.asm) whose CHS/EDD reads must give the host's
# checksums and whose writes must land in the backing file.
# Runs: e1000 with static settings; virtio-net with lifeline's own DHCP
# (slirp's); the Debian Linux disk (syslinux MBR, kernel, busybox
# initramfs) over virtio-net with DHCP to user space, where iscsi_ibft must
# show lifeline's iBFT (tests/lib/qemu.sh ql_ibft_verdict); a wrong target
# name: E52, then INT 18h and SeaBIOS boots the next device, a local disk
# printing FALLBACK BOOT (no hang).
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"

NAME=grub-mb2-boot
ELF=$LL_ROOT/build/lifeline.elf
TMO=${GRUB_MB2_TIMEOUT:-150}
ql_require "$NAME"
for t in grub-mkimage nasm "$QL_GRUB_DIR/lnxboot.img" "$ELF"; do
	if ! command -v "$t" >/dev/null && [ ! -f "$t" ]; then
		echo "FAIL qemu/$NAME (missing $t; run make deps / make)"
		exit 1
	fi
done
ql_slirp_setup || { echo "FAIL qemu/$NAME (no free loopback port)"; exit 1; }

iqn=$TGT_IQN_BASE:grub-boot
iqn_linux=$TGT_IQN_BASE:grub-linux
initiator=iqn.2026-01.org.lifeline.test:grub-boot
disk=$LL_TMP/mbrtest.img
expect=$LL_TMP/mbrtest.expect
local_disk=$LL_TMP/local.img
if ! mbr_disk "$disk" 4096 >/dev/null || ! mbr_expect "$disk" >"$expect" ||
   ! ql_fallback_disk "$local_disk" ||
   ! img=$(bash "$LL_ROOT/tools/mkdisk-linux.sh"); then
	echo "FAIL qemu/$NAME (building the test disks)"
	exit 1
fi
cp --sparse=always "$img" "$LL_TMP/linux.img"
if ! ql_slirp_target "$disk" 1 "$iqn" ||
   ! ql_slirp_target "$LL_TMP/linux.img" 2 "$iqn_linux"; then
	ql_fail "$NAME" "tgtd on 127.0.0.1:$QL_SLIRP_PORT did not start" "$LL_TMP/tgtd.log"
	exit 1
fi
rootpath="iscsi:10.0.2.2::$QL_SLIRP_PORT:1:$iqn"
static=(ip=10.0.2.15 netmask=255.255.255.0 gateway=10.0.2.2)

# boot TAG NIC ARGS...: GRUB image with ARGS on the multiboot2 line, QEMU
# with NIC and the local fallback disk, until the MBR test ends, the
# fallback disk runs, or TMO. The log without CRs in $LL_TMP/TAG.txt.
boot() {
	local tag=$1 nic=$2; shift 2
	local log=$LL_TMP/$tag.serial
	ql_grub_lnx "$LL_TMP/$tag" "$@" || return 1
	QL_NIC=$nic ql_qemu_slirp_kernel "$log" "$TMO" "$LL_TMP/$tag/grub.lnx" \
		-drive "file=$local_disk,format=raw,if=ide"
	ql_wait "$log" '^(MBRTEST (DONE|FAIL)|FALLBACK BOOT)|^.?lifeline: (halted|INT 18h returned)|^error: ' "$TMO"
	ql_qemu_stop
	tr -d '\r' <"$log" >"$LL_TMP/$tag.txt"
}

# san TAG NIC ADDRESS-RE ARGS...: one SAN boot of the MBR test disk.
san() {
	local tag=$1 nic=$2 addr=$3 re missing=(); shift 3
	if ! boot "$tag" "$nic" "$@"; then
		echo "FAIL qemu/$NAME-$tag (building the GRUB image)"
		return
	fi
	for re in 'lifeline: Multiboot2 entry, info at 0x[0-9a-f]+, image at 0x[0-9a-f]+-0x[0-9a-f]+' \
		'lifeline: real-mode stub at 0x[0-9a-f]+, 40:13 now [0-9]+ KiB' \
		"$addr" "lifeline: logged in to $iqn, $(($(stat -c %s "$disk") / 512)) blocks of 512 bytes" \
		'lifeline: iBFT at 0x[0-9a-f]+ \([0-9]+ bytes\)' \
		'lifeline: INT 13h drive 0x80 \(2 hard disks\)' \
		'lifeline: booting the MBR from drive 0x80'; do
		grep -aqxE -- "$re" "$LL_TMP/$tag.txt" || missing+=("$re")
	done
	if [ ${#missing[@]} -ne 0 ]; then
		ql_fail "$NAME-$tag" "missing: ${missing[*]}" "$LL_TMP/$tag.serial"
	else
		ql_mbrtest_verdict "$NAME-$tag" "$LL_TMP/$tag.serial" "$disk" "$expect"
	fi
}

san e1000 e1000 'lifeline: address 10\.0\.2\.15 gateway 10\.0\.2\.2 \(static\)' \
	"root-path=$rootpath" "${static[@]}" "initiator-iqn=$initiator"
san virtio virtio-net-pci \
	'lifeline: address 10\.0\.2\.[0-9]+ gateway 10\.0\.2\.2 \(DHCP from 10\.0\.2\.2\)' \
	"root-path=$rootpath" "initiator-iqn=$initiator"

# the Linux disk: GRUB -> lifeline.elf -> syslinux -> Debian kernel, the
# iBFT read back in user space
tag=linux
if ql_grub_lnx "$LL_TMP/$tag" "root-path=iscsi:10.0.2.2::$QL_SLIRP_PORT:1:$iqn_linux" \
	"initiator-iqn=$initiator"; then
	QL_NIC=virtio-net-pci ql_qemu_slirp_kernel "$LL_TMP/$tag.serial" 200 \
		"$LL_TMP/$tag/grub.lnx"
	QL_V_TIP=10.0.2.2 QL_V_TPORT=$QL_SLIRP_PORT QL_V_MAC=$QL_SLIRP_MAC \
	QL_V_DHCP=10.0.2.2 QL_V_LEASE='10\.0\.2\.[0-9]+' QL_V_IQN=$initiator \
		ql_ibft_verdict "$NAME-linux-ibft" "$LL_TMP/$tag.serial" "$iqn_linux" LIFELINE
	ql_qemu_stop
else
	echo "FAIL qemu/$NAME-linux-ibft (building the GRUB image)"
fi

# a target tgtd does not have: the coded line, the way back to the BIOS,
# and the BIOS's next boot device (the local disk) runs
tag=notarget
if boot "$tag" e1000 "root-path=$rootpath-nosuch" "${static[@]}" \
	"initiator-iqn=$initiator"; then
	t=$LL_TMP/$tag.txt
	if grep -aq '^lifeline: logged in' "$t"; then
		ql_fail "$NAME-$tag" "logged in to a target that does not exist" "$LL_TMP/$tag.serial"
	elif ! grep -aqE '^lifeline: E52 .*; back to the BIOS \(INT 18h\)$' "$t"; then
		ql_fail "$NAME-$tag" "no 'E52 ...; back to the BIOS (INT 18h)' line" "$LL_TMP/$tag.serial"
	elif ! grep -aq '^FALLBACK BOOT' "$t"; then
		ql_fail "$NAME-$tag" "the BIOS did not boot the next device after INT 18h" "$LL_TMP/$tag.serial"
	else
		ql_pass "$NAME-$tag" "$(grep -a -m1 -E '^lifeline: E52 .*INT 18h' "$t"); FALLBACK BOOT"
	fi
else
	echo "FAIL qemu/$NAME-$tag (building the GRUB image)"
fi
exit 0
