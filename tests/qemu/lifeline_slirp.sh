#!/bin/bash
# tests/qemu/lifeline_slirp.sh - lifeline.pxe over QEMU user networking
# (slirp: DHCP without option 17, TFTP of a copy of lifeline.pxe whose
# embedded settings block build/tools/lifeline-settings patched with the
# root path and initiator IQN). tgtd listens on 127.0.0.1 in the root
# namespace (the guest's 10.0.2.2). Boots the MBR test disk (checksums as
# the host computes) and the Linux disk (iBFT in user space) this way.
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"

ql_require lifeline-slirp
for f in "$LL_ROOT/build/lifeline.pxe" "$LL_ROOT/build/tools/lifeline-settings"; do
	[ -x "$f" ] || [ -f "$f" ] || { echo "FAIL qemu/lifeline-slirp (no $f; run make)"; exit 1; }
done
ql_slirp_setup || { echo "FAIL qemu/lifeline-slirp (no free loopback port)"; exit 1; }

iqn_mbr=$TGT_IQN_BASE:slirp-mbr
iqn_linux=$TGT_IQN_BASE:slirp-linux
initiator=iqn.2026-01.org.lifeline.test:slirp-client
disk=$LL_TMP/mbrtest.img
expect=$LL_TMP/mbrtest.expect
if ! mbr_disk "$disk" 4096 || ! mbr_expect "$disk" >"$expect" ||
   ! img=$(bash "$LL_ROOT/tools/mkdisk-linux.sh"); then
	echo "FAIL qemu/lifeline-slirp (building the test disks)"
	exit 1
fi
cp --sparse=always "$img" "$LL_TMP/linux.img"
if ! ql_slirp_target "$disk" 1 "$iqn_mbr" || ! ql_slirp_target "$LL_TMP/linux.img" 2 "$iqn_linux"; then
	ql_fail lifeline-slirp "tgtd on 127.0.0.1:$QL_SLIRP_PORT did not start" "$LL_TMP/tgtd.log"
	exit 1
fi

# the MBR test disk
log=$LL_TMP/mbr.serial
if ql_slirp_pxe "$LL_TMP/tftp-mbr" "root-path=iscsi:10.0.2.2::$QL_SLIRP_PORT:1:$iqn_mbr" \
	"initiator-iqn=$initiator"; then
	ql_qemu_slirp "$log" 120 "$LL_TMP/tftp-mbr"
	ql_wait "$log" '^MBRTEST (DONE|FAIL)' 120
	if grep -aq '^lifeline: booting the MBR from drive 0x80' "$log"; then
		ql_mbrtest_verdict lifeline-slirp-mbrtest "$log" "$disk" "$expect"
	else
		ql_fail lifeline-slirp-mbrtest "lifeline did not boot the MBR" "$log"
	fi
	ql_qemu_stop
else
	echo "FAIL qemu/lifeline-slirp-mbrtest (lifeline-settings could not patch the image)"
fi

# the Linux disk
log=$LL_TMP/linux.serial
if ql_slirp_pxe "$LL_TMP/tftp-linux" "root-path=iscsi:10.0.2.2::$QL_SLIRP_PORT:1:$iqn_linux" \
	"initiator-iqn=$initiator"; then
	ql_qemu_slirp "$log" 180 "$LL_TMP/tftp-linux"
	QL_V_TIP=10.0.2.2 QL_V_TPORT=$QL_SLIRP_PORT QL_V_MAC=$QL_SLIRP_MAC \
	QL_V_DHCP=10.0.2.2 QL_V_LEASE='10\.0\.2\.[0-9]+' QL_V_IQN=$initiator \
		ql_ibft_verdict lifeline-slirp-linux-ibft "$log" "$iqn_linux" LIFELINE
	ql_qemu_stop
else
	echo "FAIL qemu/lifeline-slirp-linux-ibft (lifeline-settings could not patch the image)"
fi
exit 0
