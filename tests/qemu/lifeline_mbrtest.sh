#!/bin/bash
# tests/qemu/lifeline_mbrtest.sh - lifeline.pxe chainloaded by QEMU's iPXE
# ROM (dnsmasq: TFTP boot file, option 17 root path, 203 initiator IQN) logs
# in to tgtd, hooks INT 13h and boots the MBR test disk, whose CHS/EDD reads
# and AH=43/03 writes must give the checksums the host computes.
# dnsmasq keeps 17/203 from iPXE clients (lib.sh ql_dnsmasq), so lifeline
# runs its own DHCP over UNDI ("from our own DHCP" required). A second boot
# sends 17 to the ROM too (QL_DHCP_TO_ROM=1): the ROM SAN-hooks the LUN as
# 0x80 before chainloading, lifeline must use the ROM's ACK without asking
# again and take 0x80 over (the ROM's drive moves to 0x81 and must not be
# used: docs/pxe.md, "iPXE ROMs").
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"

PXE=$LL_ROOT/build/lifeline.pxe
ql_require lifeline-mbrtest
[ -f "$PXE" ] || { echo "FAIL qemu/lifeline-mbrtest (no build/lifeline.pxe; run make)"; exit 1; }
ql_net_setup || { echo "FAIL qemu/lifeline-mbrtest (namespace, bridge, tap)"; exit 1; }

disk=$LL_TMP/mbrtest.img
expect=$LL_TMP/mbrtest.expect
log=$LL_TMP/mbrtest.serial
if ! mbr_disk "$disk" 4096 || ! mbr_expect "$disk" >"$expect"; then
	echo "FAIL qemu/lifeline-mbrtest (building the test disk)"
	exit 1
fi
mkdir -p "$LL_TMP/tftp"
cp "$PXE" "$LL_TMP/tftp/lifeline.pxe"
if ! ql_target "$disk" || ! ql_dnsmasq "$(ql_rootpath)" "$LL_TMP/tftp" lifeline.pxe; then
	ql_fail lifeline-mbrtest "tgtd or dnsmasq did not start" "$LL_TMP/tgtd.log"
	exit 1
fi
# mbrtest_boot NAME WANT: one boot; WANT (ERE) is the line saying where
# lifeline's settings came from, or how it took the drive.
mbrtest_boot() {
	local name=$1 want=$2
	ql_qemu "$log" 120
	ql_wait "$log" '^MBRTEST (DONE|FAIL)' 120
	if ! grep -Eaq "$want" "$log"; then
		ql_fail "$name" "no '$want' line" "$log"
	elif grep -aq '^lifeline: booting the MBR from drive 0x80' "$log"; then
		ql_mbrtest_verdict "$name" "$log" "$disk" "$expect"
	else
		ql_fail "$name" "lifeline did not boot the MBR from 0x80" "$log"
	fi
	ql_qemu_stop
}

mbrtest_boot lifeline-mbrtest '^lifeline: address .* from our own DHCP'
# the variant: the ROM gets 17/203 too and SAN-hooks the LUN before us
# (same disk: tgtd holds it open; the guest writes the same sectors again)
if ! QL_DHCP_TO_ROM=1 ql_dnsmasq "$(ql_rootpath)" "$LL_TMP/tftp" lifeline.pxe; then
	ql_fail lifeline-mbrtest-rom17 "dnsmasq" "$LL_TMP/dnsmasq.log"
	exit 0
fi
mbrtest_boot lifeline-mbrtest-rom17 "^lifeline: INT 13h drive 0x80 \\(1 hard disks\\), taking over the ROM's SAN drive of this LUN"
exit 0
