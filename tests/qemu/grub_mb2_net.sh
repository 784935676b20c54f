#!/bin/bash
# tests/qemu/grub_mb2_net.sh - BIOS GRUB booted from the network starts
# lifeline.elf over TFTP, in the test's namespace (bridge, tap, dnsmasq,
# tgtd): the NIC's ROM PXE-boots GRUB's PXE image (grub-mkimage -O
# i386-pc-pxe, served as core.0 by dnsmasq's TFTP; it fetches grub.cfg
# from there), GRUB runs `multiboot2 (tftp)/lifeline.elf ...` and `boot`,
# and lifeline SAN-boots the INT 13h test disk (checksums and write-back
# checked on the host).
# GRUB 2.06 on BIOS hands over no network tag (16) after a PXE boot: its
# PXE shutdown, a pre-boot hook that runs before the Multiboot2 information
# is built, unregisters the PXE card and with it every interface holding a
# DHCPACK (GRUB's own `net_bootp` one too). So lifeline must say it got
# none and find its address itself. (The tag's use: unit/test_boot_bios.c,
# unit/test_mb2_info.c.)
# Runs: "dhcp": only initiator-iqn on the command line, lifeline's own DHCP
# gives the address and root path (option 17); "cmdline": option 17 names a
# target tgtd does not have, the command line's root-path wins over it;
# "static": every setting on the command line (address too), lifeline asks
# DHCP nothing.
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
# boot/grub/grub.cfg: serial console, where GRUB came from, `multiboot2
# (tftp)/lifeline.elf ARGS`, `boot`; lifeline.elf beside them. 0 or 1.
tftp_dir() {
	rm -rf "$tftp"
	mkdir -p "$tftp/boot/grub" || return 1
	cp "$ELF" "$tftp/" || return 1
	cat >"$tftp/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
echo "GRUBTEST cmdpath=\$cmdpath"
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

# verdict TAG LINE-REGEX...: every regex matches a whole line, then the
# MBR test's checksums against the host's.
verdict() {
	local tag=$1 re missing=(); shift
	for re in "$@"; do
		grep -aqxE -- "$re" "$LL_TMP/$tag.txt" || missing+=("$re")
	done
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
common=('.*GRUBTEST cmdpath=\(tftp,10\.79\.0\.1\)'
	'lifeline: Multiboot2 entry, info at 0x[0-9a-f]+, image at 0x[0-9a-f]+-0x[0-9a-f]+'
	'lifeline: from GRUB: ACPI RSDP v[12], DHCPACK no \(0 bytes\), load base 0x1000000'
	"lifeline: logged in to $QL_IQN, $(($(stat -c %s "$disk") / 512)) blocks of 512 bytes"
	'lifeline: booting the MBR from drive 0x80')
dhcp="lifeline: address $lease gateway 10\\.79\\.0\\.1 \\(DHCP from 10\\.79\\.0\\.1\\)"

# 1. the root path from option 17 of lifeline's own DHCP
if run dhcp "$(ql_rootpath)" "initiator-iqn=$initiator"; then
	verdict dhcp "${common[@]}" "$dhcp" "lifeline: command line: initiator-iqn=$initiator"
fi

# 2. option 17 names a target tgtd lacks; the command line's root-path wins
if run cmdline "$(ql_rootpath 1 "$QL_IQN-nosuch")" "root-path=$(ql_rootpath)" \
	"initiator-iqn=$initiator"; then
	verdict cmdline "${common[@]}" "$dhcp"
fi

# 3. everything on the command line: no DHCP by lifeline
if run static "$(ql_rootpath 1 "$QL_IQN-nosuch")" "root-path=$(ql_rootpath)" \
	ip=10.79.0.50 netmask=255.255.255.0 gateway=10.79.0.1 "initiator-iqn=$initiator"; then
	if grep -aq '^dhcp: discover' "$LL_TMP/static.txt"; then
		ql_fail "$NAME-static" "lifeline ran DHCP with ip= on the command line" "$LL_TMP/static.serial"
	else
		verdict static "${common[@]}" \
			'lifeline: address 10\.79\.0\.50 gateway 10\.79\.0\.1 \(static\)'
	fi
fi
exit 0
