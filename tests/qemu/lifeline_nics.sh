#!/bin/bash
# tests/qemu/lifeline_nics.sh - lifeline.pxe on the PXE ROMs of other QEMU
# NICs (virtio-net-pci, rtl8139: QEMU loads their iPXE images from ipxe-qemu)
# boots the MBR test disk as lifeline_mbrtest.sh does with the e1000 ROM:
# same checksums, and UNDI must report the NIC open with the guest's MAC.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

PXE=$LL_ROOT/build/lifeline.pxe
NICS=(virtio-net rtl8139)            # name suffixes; nic_model/nic_pci map them
ql_require lifeline-mbrtest-nics
[ -f "$PXE" ] || { echo "FAIL qemu/lifeline-mbrtest-nics (no build/lifeline.pxe; run make)"; exit 1; }
ql_net_setup || { echo "FAIL qemu/lifeline-mbrtest-nics (namespace, bridge, tap)"; exit 1; }

# nic_model NAME / nic_pci NAME: the QEMU device of a NICS entry and the
# vendor:device lifeline must find on PCI (so a NIC that QEMU did not get,
# e.g. the default e1000, cannot pass for it).
nic_model() {
	case $1 in
	virtio-net) echo virtio-net-pci ;;
	*) echo "$1" ;;
	esac
}
nic_pci() {
	case $1 in
	virtio-net) echo 1af4:1000 ;;
	rtl8139) echo 10ec:8139 ;;
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
if ! ql_target "$disk" || ! ql_dnsmasq "$(ql_rootpath)" "$LL_TMP/tftp" lifeline.pxe; then
	ql_fail lifeline-mbrtest-nics "tgtd or dnsmasq did not start" "$LL_TMP/tgtd.log"
	exit 1
fi

# nic_boot NAME: one boot of the MBR test disk through the ROM of NAME's NIC.
# The disk is reused: the guest writes the same seeded sectors every time.
nic_boot() {
	local name=lifeline-mbrtest-$1 log=$LL_TMP/mbrtest-$1.serial
	local mac_re="^undi: open, MAC $QL_MAC, "
	QL_NIC=$(nic_model "$1") ql_qemu "$log" 150
	ql_wait "$log" '^MBRTEST (DONE|FAIL)' 150
	local pci_re="^lifeline: PCI [0-9a-f:.]+ $(nic_pci "$1") network"
	if ! grep -Eaq "$pci_re" "$log"; then
		ql_fail "$name" "no 'PCI ... $(nic_pci "$1") network' line" "$log"
	elif ! grep -Eaiq "$mac_re" "$log"; then
		ql_fail "$name" "no 'undi: open, MAC $QL_MAC' line" "$log"
	elif ! grep -aq '^lifeline: address .* from our own DHCP' "$log"; then
		ql_fail "$name" "no 'address ... from our own DHCP' line" "$log"
	elif ! grep -aq '^lifeline: booting the MBR from drive 0x80' "$log"; then
		ql_fail "$name" "lifeline did not boot the MBR from 0x80" "$log"
	else
		ql_mbrtest_verdict "$name" "$log" "$disk" "$expect"
	fi
	ql_qemu_stop
}

for nic in "${NICS[@]}"; do
	nic_boot "$nic"
done
exit 0
