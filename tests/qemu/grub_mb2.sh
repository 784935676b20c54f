#!/bin/bash
# tests/qemu/grub_mb2.sh - a real GRUB (Debian grub-pc-bin, BIOS) starts
# lifeline.elf with `multiboot2 /lifeline.elf KEY=VALUE...` and `boot`.
# The test builds a GRUB core image whose memdisk holds build/lifeline.elf
# and a grub.cfg (tests/lib/qemu.sh ql_grub_lnx), QEMU TCG starts it with
# -kernel; the NIC is on slirp, tgtd listens on 127.0.0.1 (the guest's
# 10.0.2.2) with a blank 8 MiB LUN. What the entry reads from GRUB and the
# steps up to the MBR: settings from GRUB's command line, memory map, ACPI
# RSDP, the real-mode stub placed below 40:13, native NIC, address, login,
# iBFT, INT 13h; the blank LUN has no 55AA signature, so lifeline gives
# everything back (logout) and says "back to the BIOS (INT 18h)"; the test
# stops QEMU at that line (the SAN boot itself: grub_mb2_boot.sh).
# Runs: e1000 with static settings (ip/netmask/gateway); virtio-net with
# lifeline's own DHCP (slirp's); e1000 with a wrong target name (E52, no
# login); rtl8139 (no native driver: coded error). Plus: grub-file accepts build/lifeline.elf as Multiboot2.
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"

NAME=grub-mb2
ELF=$LL_ROOT/build/lifeline.elf
TMO=${GRUB_MB2_TIMEOUT:-120}
ql_require "$NAME"
for t in grub-mkimage grub-file "$QL_GRUB_DIR/lnxboot.img" "$ELF"; do
	if ! command -v "$t" >/dev/null && [ ! -f "$t" ]; then
		echo "FAIL qemu/$NAME (missing $t; run make deps / make)"
		exit 1
	fi
done
ql_slirp_setup || { echo "FAIL qemu/$NAME (no free loopback port)"; exit 1; }

iqn=$TGT_IQN_BASE:grub-disk
initiator=iqn.2026-01.org.lifeline.test:grub-client
disk=$LL_TMP/lun.img
tgt_backing "$disk" 8
blocks=$((8 * 2048))
if ! ql_slirp_target "$disk" 1 "$iqn"; then
	ql_fail "$NAME" "tgtd on 127.0.0.1:$QL_SLIRP_PORT did not start" "$LL_TMP/tgtd.log"
	exit 1
fi
rootpath="iscsi:10.0.2.2::$QL_SLIRP_PORT:1:$iqn"
static=(ip=10.0.2.15 netmask=255.255.255.0 gateway=10.0.2.2)

if grub-file --is-x86-multiboot2 "$ELF"; then
	ql_pass "$NAME-header" "grub-file --is-x86-multiboot2 accepts lifeline.elf"
else
	ql_fail "$NAME-header" "grub-file --is-x86-multiboot2 refuses lifeline.elf"
fi

# run TAG NIC ARGS...: GRUB image with ARGS on the multiboot2 line, QEMU
# with NIC until lifeline's last line (INT 18h), a GRUB error or TMO; the serial log
# without CRs in $LL_TMP/TAG.txt. 0, or 1 when the image did not build.
run() {
	local tag=$1 nic=$2; shift 2
	local log=$LL_TMP/$tag.serial
	ql_grub_lnx "$LL_TMP/$tag" "$@" || return 1
	QL_NIC=$nic ql_qemu_slirp_kernel "$log" "$TMO" "$LL_TMP/$tag/grub.lnx"
	ql_wait "$log" '^.?lifeline: (halted|rebooting|E[0-9]+ .*INT 18h)|error: ' "$TMO"
	ql_qemu_stop
	tr -d '\r' <"$log" >"$LL_TMP/$tag.txt"
	return 0
}

# verdict TAG LINE-REGEX...: PASS when every regex matches a whole line of
# the run's log, else FAIL naming the missing ones.
verdict() {
	local tag=$1 re missing=(); shift
	for re in "$@"; do
		grep -aqxE -- "$re" "$LL_TMP/$tag.txt" || missing+=("$re")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		ql_pass "$NAME-$tag" "$(grep -a -E '^lifeline: (NIC|address|logged in|E[0-9]+ [A-Za-z])' \
			"$LL_TMP/$tag.txt" | tr '\n' ' ')"
	else
		local gerr
		gerr=$(grep -a -m1 '^error: ' "$LL_TMP/$tag.txt")
		ql_fail "$NAME-$tag" "${gerr:+GRUB said: $gerr; }missing: ${missing[*]}" \
			"$LL_TMP/$tag.serial"
	fi
}

# quote a fixed string for an extended regex
q() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }

entry='lifeline: Multiboot2 entry, info at 0x[0-9a-f]+, image at 0x[0-9a-f]+-0x[0-9a-f]+'
mac=$(q "$QL_SLIRP_MAC")
login="$(q "lifeline: logged in to $iqn, $blocks blocks of 512 bytes")"
back='lifeline: E[0-9]+ .*; back to the BIOS \(INT 18h\)'

# 1. e1000, static settings from the command line (tags 1 and 6 read: the
# command line and GRUB's memory map are echoed)
args=("root-path=$rootpath" "${static[@]}" "initiator-iqn=$initiator")
if run e1000 e1000 "${args[@]}"; then
	verdict e1000 "$entry" \
		"$(q "lifeline: command line: ${args[*]}")" \
		"lifeline: moved from GRUB's 0x1000000 to the top of the RAM below 4 GiB" \
		'lifeline: E820 0000000000100000-[0-9a-f]{16} RAM' \
		'lifeline: from GRUB: ACPI RSDP v[12], DHCPACK no \(0 bytes\), load base 0x1000000' \
		'lifeline: real-mode stub at 0x[0-9a-f]+, 40:13 now [0-9]+ KiB' \
		"lifeline: NIC [0-9a-f]{2}:[0-9a-f]{2}\.[0-7] 8086:100e e1000, MAC $mac" \
		"$(q 'lifeline: address 10.0.2.15 gateway 10.0.2.2 (static)')" \
		"$login" 'lifeline: iBFT at 0x[0-9a-f]+ \([0-9]+ bytes\)' \
		'lifeline: INT 13h drive 0x80 \(1 hard disks\)' \
		'lifeline: E[0-9]+ .*: no 55AA boot signature in the MBR' \
		'lifeline: logged out' "$back"
else
	echo "FAIL qemu/$NAME-e1000 (building the GRUB image)"
fi

# 2. virtio-net, lifeline's own DHCP (slirp answers, no option 17)
args=("root-path=$rootpath" "initiator-iqn=$initiator")
if run virtio virtio-net-pci "${args[@]}"; then
	verdict virtio "$entry" \
		"lifeline: NIC [0-9a-f]{2}:[0-9a-f]{2}\.[0-7] 1af4:1000 virtio-net.*, MAC $mac" \
		'lifeline: address 10\.0\.2\.[0-9]+ gateway 10\.0\.2\.2 \(DHCP from 10\.0\.2\.2\)' \
		"$login" 'lifeline: E[0-9]+ .*: no 55AA boot signature in the MBR' \
		'lifeline: logged out' "$back"
else
	echo "FAIL qemu/$NAME-virtio (building the GRUB image)"
fi

# 3. a target name tgtd does not have: E52, no login, back to the BIOS
args=("root-path=$rootpath-nosuch" "${static[@]}" "initiator-iqn=$initiator")
if run notarget e1000 "${args[@]}"; then
	if grep -aq '^lifeline: logged in' "$LL_TMP/notarget.txt"; then
		ql_fail "$NAME-notarget" "logged in to a target that does not exist" \
			"$LL_TMP/notarget.serial"
	else
		verdict notarget "$entry" 'lifeline: E52 .*: giving up on the target' \
			'lifeline: E52 iSCSI target not found; back to the BIOS \(INT 18h\)'
	fi
else
	echo "FAIL qemu/$NAME-notarget (building the GRUB image)"
fi

# 4. a NIC without a native driver (rtl8139): the coded line, back to the BIOS
args=("root-path=$rootpath" "${static[@]}" "initiator-iqn=$initiator")
if run rtl8139 rtl8139 "${args[@]}"; then
	verdict rtl8139 "$entry" \
		'lifeline: PCI [0-9a-f]{2}:[0-9a-f]{2}\.[0-7] 10ec:8139 network \(no driver\)' \
		'lifeline: E[0-9]+ .*: no usable NIC \(e1000 family, virtio-net\)' "$back"
else
	echo "FAIL qemu/$NAME-rtl8139 (building the GRUB image)"
fi
exit 0
