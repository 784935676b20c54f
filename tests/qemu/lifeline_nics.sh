#!/bin/bash
# tests/qemu/lifeline_nics.sh - lifeline.pxe on the PXE ROMs of QEMU's NICs
# (e1000, virtio-net-pci, rtl8139: QEMU loads their iPXE images from
# ipxe-qemu) boots the MBR test disk: same checksums as lifeline_mbrtest.sh,
# and the data path each must take: e1000 native and continued from the ROM,
# virtio-net native (reset), rtl8139 UNDI (no native driver), and e1000
# with the embedded setting nic=undi through UNDI.
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"

PXE=$LL_ROOT/build/lifeline.pxe
NICS=(e1000 virtio-net rtl8139 e1000-undi)  # nic_model/nic_pci/nic_line map them
ql_require lifeline-mbrtest-nics
[ -f "$PXE" ] || { echo "FAIL qemu/lifeline-mbrtest-nics (no build/lifeline.pxe; run make)"; exit 1; }
ql_net_setup || { echo "FAIL qemu/lifeline-mbrtest-nics (namespace, bridge, tap)"; exit 1; }

# nic_model NAME / nic_pci NAME: the QEMU device of a NICS entry and the
# vendor:device lifeline must find on PCI (so a NIC that QEMU did not get,
# e.g. the default e1000, cannot pass for it).
nic_model() {
	case $1 in
	virtio-net) echo virtio-net-pci ;;
	e1000*) echo e1000 ;;
	*) echo "$1" ;;
	esac
}
# nic_line NAME: the serial line (ERE) naming the driver that carries data.
nic_line() {
	case $1 in
	e1000) echo "^lifeline: NIC [0-9a-f:.]+ 8086:100e e1000 \(native driver, continued from the ROM\), MAC $QL_MAC" ;;
	virtio-net) echo "^lifeline: NIC [0-9a-f:.]+ 1af4:1000 virtio-net \(native driver, reset\), MAC $QL_MAC" ;;
	*) echo "^undi: open, MAC $QL_MAC, " ;;
	esac
}
nic_pci() {
	case $1 in
	virtio-net) echo 1af4:1000 ;;
	rtl8139) echo 10ec:8139 ;;
	e1000*) echo 8086:100e ;;
	esac
}

disk=$LL_TMP/mbrtest.img
expect=$LL_TMP/mbrtest.expect
if ! mbr_disk "$disk" 4096 || ! mbr_expect "$disk" >"$expect"; then
	echo "FAIL qemu/lifeline-mbrtest-nics (building the test disk)"
	exit 1
fi
mkdir -p "$LL_TMP/tftp"
cp "$PXE" "$LL_TMP/tftp/lifeline.pxe"
cp "$PXE" "$LL_TMP/undi.pxe"
if ! "$LL_ROOT/build/tools/lifeline-settings" "$LL_TMP/undi.pxe" nic=undi >/dev/null; then
	echo "FAIL qemu/lifeline-mbrtest-nics (lifeline-settings nic=undi)"
	exit 1
fi
if ! ql_target "$disk" || ! ql_dnsmasq "$(ql_rootpath)" "$LL_TMP/tftp" lifeline.pxe; then
	ql_fail lifeline-mbrtest-nics "tgtd or dnsmasq did not start" "$LL_TMP/tgtd.log"
	exit 1
fi

# nic_boot NAME: one boot of the MBR test disk through the ROM of NAME's NIC.
# The disk is reused: the guest writes the same seeded sectors every time.
nic_boot() {
	local name=lifeline-mbrtest-$1 log=$LL_TMP/mbrtest-$1.serial
	local mac_re
	mac_re=$(nic_line "$1")
	if [ "$1" = e1000-undi ]; then
		cp "$LL_TMP/undi.pxe" "$LL_TMP/tftp/lifeline.pxe"
	else
		cp "$PXE" "$LL_TMP/tftp/lifeline.pxe"
	fi
	QL_NIC=$(nic_model "$1") ql_qemu "$log" 150
	ql_wait "$log" '^MBRTEST (DONE|FAIL)' 150
	local pci_re="^lifeline: PCI [0-9a-f:.]+ $(nic_pci "$1") network"
	if ! grep -Eaq "$pci_re" "$log"; then
		ql_fail "$name" "no 'PCI ... $(nic_pci "$1") network' line" "$log"
	elif ! grep -Eaiq "$mac_re" "$log"; then
		ql_fail "$name" "no line matching '$mac_re'" "$log"
	elif [ "$1" = e1000-undi ] && grep -aq 'native driver' "$log"; then
		ql_fail "$name" "nic=undi, yet a native driver took the NIC" "$log"
	elif ! grep -aq '^lifeline: address .* from our own DHCP' "$log"; then
		ql_fail "$name" "no 'address ... from our own DHCP' line" "$log"
	elif ! grep -aq '^lifeline: booting the MBR from drive 0x80' "$log"; then
		ql_fail "$name" "lifeline did not boot the MBR from 0x80" "$log"
	else
		ql_mbrtest_verdict "$name" "$log" "$disk" "$expect"
	fi
	# UNDI's cost: trips to real mode per frame (the driver's stats line);
	# the trips that moved frames (not idle polls) carry several each
	local st
	st=$(grep -a '^undi: [0-9]* frames' "$log" | tail -n 1 | tr -d '\r')
	case $1 in rtl8139|e1000-undi)
		echo "  $name: ${st:-no undi stats line}"
		if ! echo "$st" | grep -E ', 0\.[0-9]+ busy per frame$' >/dev/null; then
			echo "FAIL qemu/$name-trips (not under one busy trip to real mode per frame: ${st:-no stats line})"
		else
			echo "PASS qemu/$name-trips"
		fi ;;
	esac
	ql_qemu_stop
}

for nic in "${NICS[@]}"; do
	nic_boot "$nic"
done
exit 0
