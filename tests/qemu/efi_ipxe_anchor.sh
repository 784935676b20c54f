#!/bin/bash
# tests/qemu/efi_ipxe_anchor.sh - the UEFI anchor, with none of lifeline's
# code: OVMF network-boots, iPXE SAN-boots tgtd's GPT disk (root path in
# option 17): (a) the BlockIo probe on the disk's ESP prints the checksums the
# host computes from the image and its scratch write lands on the target;
# (b) GRUB EFI from the LUN starts Linux to user space, which shows iPXE's
# iBFT (an ACPI table); (c) the firmware moves on to its next boot option
# after a failed network boot: e1000, a missing target (iPXE's error, the ROM
# returns); virtio-net, a boot file TFTP does not have (Debian's ipxe.efi
# does not return to the firmware after a failed sanboot: it stays at its
# second "Press Ctrl-B" for minutes, so it cannot show this there).
# virtio-net: EDK2's PXE loads Debian's ipxe.efi (TFTP), which sanboots;
# e1000: QEMU's iPXE EFI ROM sanboots by itself. Proves the UEFI test bed
# that tests/qemu/efi_lifeline.sh runs lifeline.efi on.
# Env: LL_EFI_NICS (default "virtio e1000"), LL_EFI_CASES (default "probe":
# make check proves the bed with it; "probe linux error" runs every case).
set -uo pipefail
. "$(dirname "$0")/../lib/efi.sh"

efi_require efi-ipxe-anchor
ql_net_setup || { echo "FAIL qemu/efi-ipxe-anchor (namespace, bridge, tap)"; exit 1; }
CASES=" ${LL_EFI_CASES:-probe} "
for nic in ${LL_EFI_NICS:-virtio e1000}; do
	[[ $CASES == *" probe "* ]] &&
		efi_case_probe "efi-ipxe-sanboot-probe-$nic" "$nic" sanboot "$EFI_IPXE"
	[[ $CASES == *" linux "* ]] &&
		efi_case_linux "efi-ipxe-sanboot-linux-ibft-$nic" "$nic" sanboot "$EFI_IPXE" iPXE
	[[ $CASES == *" error "* ]] || continue
	if [ "$nic" = e1000 ]; then
		efi_case_error "efi-ipxe-sanboot-notarget-$nic" "$nic" sanboot "$EFI_IPXE" \
			"$(ql_rootpath 1 "$QL_IQN-missing")" 'Could not (open SAN device|boot)'
	else
		efi_case_error "efi-pxe-nofile-next-option-$nic" "$nic" sanboot missing:none.efi \
			"$(ql_rootpath 1 "$QL_IQN-missing")" 'BdsDxe: failed to (load|start) Boot[0-9A-F]+ "UEFI PXEv4'
	fi
done
exit 0
