#!/bin/bash
# tests/qemu/grub_mb2_net.sh - BIOS GRUB booted from the network starts
# lifeline.elf over TFTP, in the test's namespace (bridge, tap, dnsmasq,
# tgtd): the NIC's ROM PXE-boots GRUB's PXE image (grub-mkimage -O
# i386-pc-pxe, served as core.0 by dnsmasq's TFTP; it fetches grub.cfg
# from there), GRUB asks DHCP itself (`net_bootp`; dnsmasq answers it with
# option 17), then `multiboot2 (tftp)/lifeline.elf ...` and `boot`: GRUB
# hands over its DHCPACK in Multiboot2 tag 16, lifeline takes its address
# and root path from it (no DHCP of its own) and SAN-boots the INT 13h test
# disk (checksums and write-back checked on the host).
# Runs: "ack": only initiator-iqn on the command line, the root path from
# option 17 of GRUB's DHCPACK; "cmdline": option 17 names a target tgtd
# does not have, root-path on the command line wins over it.
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"

NAME=grub-mb2-net
ELF=$LL_ROOT/build/lifeline.elf
TMO=${GRUB_MB2_NET_TIMEOUT:-150}
ql_require "$NAME"
for t in grub-mkimage "$QL_GRUB_DIR/pxeboot.img" "$ELF"; do
	if ! command -v "$t" >/dev/null && [ ! -f "$t" ]; then
		echo "FAIL qemu/$NAME (missing $t; run make deps / make)"
		exit 1
	fi
done
ql_net_setup || { echo "FAIL qemu/$NAME (namespace, bridge, tap)"; exit 1; }

initiator=iqn.2026-01.org.lifeline.test:grub-net
disk=$LL_TMP/mbrtest.img
expect=$LL_TMP/mbrtest.expect
tftp=$LL_TMP/tftp

# tftp_dir ARGS...: core.0 (GRUB's PXE image, its prefix on TFTP), and
# boot/grub/grub.cfg: serial console, `net_bootp`, `multiboot2
# (tftp)/lifeline.elf ARGS`, `boot`; lifeline.elf beside them. 0 or 1.
tftp_dir() {
	rm -rf "$tftp"
	mkdir -p "$tftp/boot/grub" || return 1
	cp "$ELF" "$tftp/" || return 1
	cat >"$tftp/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
echo "GRUBTEST net_bootp"
net_bootp
net_ls_addr
echo "GRUBTEST multiboot2"
multiboot2 (tftp)/lifeline.elf $*
echo "GRUBTEST boot"
boot
CFG
	[ -s "$LL_TMP/core.0" ] && cp "$LL_TMP/core.0" "$tftp/" && return 0
	grub-mkimage -O i386-pc-pxe -d "$QL_GRUB_DIR" -p '(tftp)/boot/grub' \
		-o "$LL_TMP/core.0" pxe tftp net multiboot2 normal configfile \
		serial terminal echo biosdisk &&
	cp "$LL_TMP/core.0" "$tftp/"
}

# run TAG OPTION17 ARGS...: dnsmasq with OPTION17 (for clients that are
# not the ROM's iPXE) and core.0 as the boot file; QEMU PXE-boots the
# e1000 until the MBR test ends or TMO. The log without CRs in $LL_TMP/TAG.txt.
run() {
	local tag=$1 rp=$2 log=$LL_TMP/$1.serial; shift 2
	tftp_dir "$@" || { echo "FAIL qemu/$NAME-$tag (building GRUB's PXE image)"; return 1; }
	ql_dnsmasq "$rp" "$tftp" core.0 ||
		{ ql_fail "$NAME-$tag" "dnsmasq did not start" "$LL_TMP/dnsmasq.log"; return 1; }
	ql_qemu "$log" "$TMO"
	ql_wait "$log" '^(MBRTEST (DONE|FAIL))|^.?lifeline: (halted|E[0-9]+ .*INT 18h)|^error: ' "$TMO"
	sleep 1
	ql_qemu_stop
	tr -d '\r' <"$log" >"$LL_TMP/$tag.txt"
}

# verdict TAG LINE-REGEX...: every regex matches a whole line, no line of
# our own DHCP, then the MBR test's checksums against the host's.
verdict() {
	local tag=$1 re missing=(); shift
	for re in "$@"; do
		grep -aqxE -- "$re" "$LL_TMP/$tag.txt" || missing+=("$re")
	done
	if grep -aqE '^lifeline: (no root path from the GRUB DHCPACK|address .* from our own DHCP|address .*\(DHCP from)' \
		"$LL_TMP/$tag.txt"; then
		missing+=("(lifeline ran its own DHCP)")
	fi
	if [ ${#missing[@]} -ne 0 ]; then
		local gerr
		gerr=$(grep -a -m1 '^error: ' "$LL_TMP/$tag.txt")
		ql_fail "$NAME-$tag" "${gerr:+GRUB said: $gerr; }missing: ${missing[*]}" \
			"$LL_TMP/$tag.serial"
		return
	fi
	ql_mbrtest_verdict "$NAME-$tag" "$LL_TMP/$tag.serial" "$disk" "$expect"
	grep -a -E '^lifeline: (from GRUB|address|logged in)' "$LL_TMP/$tag.txt" | sed "s/^/  $NAME-$tag: /"
}

if ! mbr_disk "$disk" 4096 >/dev/null || ! mbr_expect "$disk" >"$expect"; then
	echo "FAIL qemu/$NAME (building the test disk)"
	exit 1
fi
if ! ql_target "$disk"; then
	ql_fail "$NAME" "tgtd did not start" "$LL_TMP/tgtd.log"
	exit 1
fi
lease='10\.79\.0\.(1[0-4][0-9]|150)'
common=('lifeline: Multiboot2 entry, info at 0x[0-9a-f]+, image at 0x[0-9a-f]+-0x[0-9a-f]+'
	'lifeline: from GRUB: ACPI RSDP v[12], DHCPACK yes \([0-9]+ bytes\), load base 0x1000000'
	"lifeline: address $lease from the GRUB DHCPACK"
	"lifeline: logged in to $QL_IQN, $(($(stat -c %s "$disk") / 512)) blocks of 512 bytes"
	'lifeline: booting the MBR from drive 0x80')

# 1. the root path from option 17 of GRUB's DHCPACK
if run ack "$(ql_rootpath)" "initiator-iqn=$initiator"; then
	verdict ack "${common[@]}" "lifeline: command line: initiator-iqn=$initiator"
fi

# 2. option 17 names a target tgtd lacks; the command line's root-path wins
if run cmdline "$(ql_rootpath 1 "$QL_IQN-nosuch")" "root-path=$(ql_rootpath)" \
	"initiator-iqn=$initiator"; then
	verdict cmdline "${common[@]}"
fi
exit 0
