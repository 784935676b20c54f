#!/bin/bash
# tests/qemu/lifeline_mbrtest.sh - lifeline.pxe chainloaded by QEMU's iPXE
# ROM (dnsmasq: TFTP boot file, option 17 root path, 203 initiator IQN) logs
# in to tgtd, hooks INT 13h and boots the MBR test disk, whose CHS/EDD reads
# and AH=43/03 writes must give the checksums the host computes.
# Note: the ROM, seeing option 17 with a boot file, hooks the LUN itself as
# 0x80 before chainloading; lifeline must take 0x80 over (its "booting the
# MBR from drive 0x80" line is required; the ROM's drive moves to 0x81).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

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
ql_qemu "$log" 120
ql_wait "$log" '^MBRTEST (DONE|FAIL)' 120
if grep -aq '^lifeline: booting the MBR' "$log"; then
	ql_mbrtest_verdict lifeline-mbrtest "$log" "$disk" "$expect"
else
	ql_fail lifeline-mbrtest "lifeline did not boot the MBR (no 'lifeline: booting the MBR')" "$log"
fi
ql_qemu_stop
exit 0
