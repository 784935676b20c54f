#!/bin/bash
# tests/qemu/efi_ipxe_anchor.sh - the UEFI anchor, with none of lifeline's
# code: OVMF network-boots, iPXE SAN-boots tgtd's GPT disk (root path in
# option 17): (a) the BlockIo probe on the disk's ESP prints the checksums the
# host computes from the image and its scratch write lands on the target;
# (b) GRUB EFI from the LUN starts Linux to user space, which shows iPXE's
# iBFT (an ACPI table); (c) a missing target: iPXE's error, then the
# firmware's next boot option (a local disk with the probe) runs.
# virtio-net: EDK2's PXE loads Debian's ipxe.efi (TFTP), which sanboots;
# e1000: QEMU's iPXE EFI ROM sanboots by itself. Proves the UEFI test bed
# that tests/qemu/efi_lifeline.sh runs lifeline.efi on.
set -uo pipefail
. "$(dirname "$0")/../lib/efi.sh"

efi_require efi-ipxe-anchor
ql_net_setup || { echo "FAIL qemu/efi-ipxe-anchor (namespace, bridge, tap)"; exit 1; }
for nic in ${LL_EFI_NICS:-virtio e1000}; do
	efi_case_probe "efi-ipxe-sanboot-probe-$nic" "$nic" sanboot "$EFI_IPXE"
	efi_case_linux "efi-ipxe-sanboot-linux-ibft-$nic" "$nic" sanboot "$EFI_IPXE" iPXE
	efi_case_error "efi-ipxe-sanboot-notarget-$nic" "$nic" sanboot "$EFI_IPXE" \
		"$(ql_rootpath 1 "$QL_IQN-missing")" 'Could not (open SAN device|boot)'
done
exit 0
