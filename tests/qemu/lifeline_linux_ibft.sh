#!/bin/bash
# tests/qemu/lifeline_linux_ibft.sh - lifeline.pxe chainloaded by QEMU's iPXE
# ROM (dnsmasq: boot file only for iPXE, so the ROM hooks no SAN drive;
# lifeline's own DHCP over UNDI gets options 17/203) boots the Linux disk
# (syslinux, Debian kernel, busybox initramfs) from tgtd's LUN to user space,
# where iscsi_ibft must show lifeline's iBFT (OEM table id LIFELINE, not the
# ROM's own "iPXE" one) with the target, LUN, initiator IQN and addresses
# lifeline used.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

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
   ! ql_dnsmasq "$(ql_rootpath 1 "$name")" "$LL_TMP/tftp" lifeline.pxe; then
	ql_fail lifeline-linux-ibft "tgtd or dnsmasq did not start" "$LL_TMP/tgtd.log"
	exit 1
fi
ql_qemu "$log" 180
if ql_wait "$log" '^lifeline: address .* from our own DHCP' 90; then
	ql_ibft_verdict lifeline-linux-ibft "$log" "$name" LIFELINE
else
	ql_fail lifeline-linux-ibft "lifeline did not run its own DHCP (ROM sent 17?)" "$log"
fi
ql_qemu_stop
exit 0
