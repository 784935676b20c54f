#!/bin/bash
# tests/qemu/lifeline_linux_ibft.sh - lifeline.pxe chainloaded by QEMU's iPXE
# ROM (dnsmasq: boot file only for iPXE, so the ROM hooks no SAN drive;
# lifeline's own DHCP over UNDI gets options 17/203) boots the Linux disk
# (syslinux, Debian kernel, busybox initramfs) from tgtd's LUN to user space,
# where iscsi_ibft must show lifeline's iBFT (OEM table id LIFELINE, not the
# ROM's own "iPXE" one) with the target, LUN, initiator IQN and addresses
# lifeline used; and again with the ROM given 17/203 as well (it SAN-hooks
# the LUN itself first: lifeline takes that drive over). The first run also
# gives alt-portals (option 224): the iBFT's second target must name it.
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"

PXE=$LL_ROOT/build/lifeline.pxe
ql_require lifeline-linux-ibft
[ -f "$PXE" ] || { echo "FAIL qemu/lifeline-linux-ibft (no build/lifeline.pxe; run make)"; exit 1; }
ql_net_setup || { echo "FAIL qemu/lifeline-linux-ibft (namespace, bridge, tap)"; exit 1; }

name=$QL_IQN-linux
log=$LL_TMP/linux.serial
if ! img=$(bash "$LL_ROOT/tools/mkdisk-linux.sh"); then
	echo "FAIL qemu/lifeline-linux-ibft (building the Linux disk)"
	exit 1
fi
cp --sparse=always "$img" "$LL_TMP/linux.img"
mkdir -p "$LL_TMP/tftp"
cp "$PXE" "$LL_TMP/tftp/lifeline.pxe"
if ! ql_target "$LL_TMP/linux.img" 2 "$name" ||
   ! QL_DHCP_SETTINGS="alt-portals=10.79.0.2:3261" \
	ql_dnsmasq "$(ql_rootpath 1 "$name")" "$LL_TMP/tftp" lifeline.pxe; then
	ql_fail lifeline-linux-ibft "tgtd or dnsmasq did not start" "$LL_TMP/tgtd.log"
	exit 1
fi
ql_qemu "$log" 180
if ql_wait "$log" '^lifeline: address .* from our own DHCP' 90; then
	QL_V_TARGET1=10.79.0.2:3261 ql_ibft_verdict lifeline-linux-ibft "$log" "$name" LIFELINE
else
	ql_fail lifeline-linux-ibft "lifeline did not run its own DHCP (ROM sent 17?)" "$log"
fi
ql_qemu_stop

# The variant: the ROM gets 17/203 too and SAN-hooks the LUN itself (drive
# 0x80, its own iBFT) before it chainloads us. lifeline must take that
# drive over (no dead ROM drive left for the kernel's EDD probe to hang in)
# and clear the ROM's iBFT so the OS reads lifeline's.
log=$LL_TMP/linux-rom17.serial
if ! QL_DHCP_TO_ROM=1 ql_dnsmasq "$(ql_rootpath 1 "$name")" "$LL_TMP/tftp" lifeline.pxe; then
	ql_fail lifeline-linux-ibft-rom17 "dnsmasq" "$LL_TMP/dnsmasq.log"
	exit 0
fi
ql_qemu "$log" 180
if ! ql_wait "$log" "^lifeline: INT 13h drive 0x80 \(1 hard disks\), taking over the ROM's SAN drive" 90; then
	ql_fail lifeline-linux-ibft-rom17 "no 'taking over the ROM's SAN drive' line" "$log"
elif ! grep -aq '^lifeline: the PXE ROM left an iBFT at 0x[0-9a-f]* .*: cleared' "$log"; then
	ql_fail lifeline-linux-ibft-rom17 "the ROM's iBFT was not found and cleared" "$log"
else
	ql_ibft_verdict lifeline-linux-ibft-rom17 "$log" "$name" LIFELINE
fi
ql_qemu_stop
exit 0
