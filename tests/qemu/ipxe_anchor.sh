#!/bin/bash
# tests/qemu/ipxe_anchor.sh - the anchor, with none of our code: QEMU's own
# iPXE ROM takes option 17 (no boot file) from dnsmasq and sanboots tgtd's
# LUN. (a) the MBR test disk prints the checksums the host computes; (b) the
# Linux disk reaches user space and its iBFT shows the target, LUN, initiator
# and addresses. Proves the test disks and the iBFT reader are right.
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"

ql_require ipxe-anchor
ql_net_setup || { echo "FAIL qemu/ipxe-anchor-setup (namespace, bridge, tap)"; exit 1; }

# (a) MBR test disk: CHS + EDD reads, AH=43/03 writes, checksums.
disk=$LL_TMP/mbrtest.img
expect=$LL_TMP/mbrtest.expect
log=$LL_TMP/mbrtest.serial
if ! mbr_disk "$disk" 4096 || ! mbr_expect "$disk" >"$expect"; then
	echo "FAIL qemu/ipxe-sanboot-mbrtest (building the test disk)"
	exit 1
fi
if ! ql_target "$disk" || ! ql_dnsmasq "$(ql_rootpath)"; then
	ql_fail ipxe-sanboot-mbrtest "tgtd or dnsmasq did not start" "$LL_TMP/tgtd.log"
	exit 1
fi
ql_qemu "$log" 120
ql_mbrtest_verdict ipxe-sanboot-mbrtest "$log" "$disk" "$expect"
ql_qemu_stop

# (b) Linux disk (syslinux, Debian kernel, busybox initramfs): user space and
# the iBFT that iPXE published.
name=$QL_IQN-linux
log=$LL_TMP/linux.serial
if ! img=$(bash "$LL_ROOT/tools/mkdisk-linux.sh"); then
	echo "FAIL qemu/ipxe-sanboot-linux-ibft (building the Linux disk)"
	exit 1
fi
cp --sparse=always "$img" "$LL_TMP/linux.img"
if ! ql_target "$LL_TMP/linux.img" 2 "$name" || ! ql_dnsmasq "$(ql_rootpath 1 "$name")"; then
	ql_fail ipxe-sanboot-linux-ibft "tgtd or dnsmasq did not start" "$LL_TMP/tgtd.log"
	exit 1
fi
ql_qemu "$log" 150
ql_ibft_verdict ipxe-sanboot-linux-ibft "$log" "$name" iPXE
ql_qemu_stop
exit 0
