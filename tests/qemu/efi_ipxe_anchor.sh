#!/bin/bash
# tests/qemu/efi_ipxe_anchor.sh - the UEFI anchor, with none of lifeline's
# code: OVMF network-boots, iPXE SAN-boots tgtd's GPT disk (root path in
# option 17) and runs the BlockIo probe from the disk's ESP, whose checksums
# must match the image's and whose scratch write must land on the target.
# virtio-net: EDK2's PXE loads Debian's ipxe.efi (TFTP), which sanboots;
# e1000: QEMU's iPXE EFI ROM sanboots by itself. Then GRUB EFI from the same
# kind of disk (tools/mkdisk-efi-linux.sh) starts Linux, which must reach user
# space and show iPXE's iBFT (an ACPI table). Proves the UEFI test bed.
set -uo pipefail
. "$(dirname "$0")/../lib/efi.sh"

efi_require efi-ipxe-anchor
ql_net_setup || { echo "FAIL qemu/efi-ipxe-anchor (namespace, bridge, tap)"; exit 1; }
nbp=$(efi_nbp_dir "$LL_TMP/tftp" "$EFI_IPXE") || { echo "FAIL qemu/efi-ipxe-anchor (tftp dir)"; exit 1; }
tid=10
for nic in ${LL_EFI_NICS:-virtio e1000}; do
	name=efi-ipxe-sanboot-probe-$nic
	disk=$LL_TMP/probe-$nic.img
	tid=$((tid + 1))
	if ! efi_probe_disk "$disk"; then
		echo "FAIL qemu/$name (building the probe or its disk)"
		continue
	fi
	iqn=$QL_IQN-efi-$nic
	if ! ql_target "$disk" "$tid" "$iqn" || ! efi_dnsmasq sanboot "$(ql_rootpath 1 "$iqn")" "$LL_TMP/tftp" "$nbp"; then
		ql_fail "$name" "tgtd or dnsmasq did not start" "$LL_TMP/tgtd.log"
		continue
	fi
	efi_qemu "$LL_TMP/$nic.serial" 240 "$nic"
	efi_probe_verdict "$name" "$LL_TMP/$nic.serial" "$disk" 220
	ql_qemu_stop
done

# GRUB EFI -> Debian kernel -> busybox initramfs printing /sys/firmware/ibft
if ! bash "$LL_ROOT/tools/mkdisk-efi-linux.sh" "$LL_TMP/linux.img" >/dev/null; then
	echo "FAIL qemu/efi-ipxe-sanboot-linux-ibft (building the GRUB EFI Linux disk)"
	exit 0
fi
for nic in ${LL_EFI_NICS:-virtio e1000}; do
	name=efi-ipxe-sanboot-linux-ibft-$nic
	iqn=$QL_IQN-efilinux-$nic
	tid=$((tid + 1))
	if ! ql_target "$LL_TMP/linux.img" "$tid" "$iqn" ||
	   ! efi_dnsmasq sanboot "$(ql_rootpath 1 "$iqn")" "$LL_TMP/tftp" "$nbp"; then
		ql_fail "$name" "tgtd or dnsmasq did not start" "$LL_TMP/tgtd.log"
		continue
	fi
	efi_qemu "$LL_TMP/linux-$nic.serial" 300 "$nic"
	ql_ibft_verdict "$name" "$LL_TMP/linux-$nic.serial" "$iqn" iPXE
	ql_qemu_stop
done
exit 0
