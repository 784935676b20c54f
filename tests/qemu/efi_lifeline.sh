#!/bin/bash
# tests/qemu/efi_lifeline.sh - lifeline.efi on the UEFI test bed (issue 10,
# item 8): OVMF PXE-loads the NBP (dnsmasq: client-arch 7, options 17/203 to
# non-iPXE clients), which SAN-boots tgtd's GPT disk: (a) the BlockIo probe's
# checksums match the image and its disk's path carries the iSCSI node with
# the target name; (b) GRUB EFI starts Linux to user space with lifeline's
# iBFT; (c) a missing target and an unreachable portal each print their error
# and the firmware's next boot option (a local disk) runs. On virtio-net and
# e1000, each with the default NIC driver (nic=auto: EFI_NIC_DEFAULT below,
# asserted from the serial line) and once more (probe) with the other one
# (nic=snp / nic=native patched into a copy); the error cases run with the
# native driver and must show the NIC given back to the firmware's driver
# before the firmware moves on. Prints nothing (no PASS, no FAIL) while
# build/lifeline.efi does not exist. The same cases against iPXE are tests/qemu/efi_ipxe_anchor.sh.
# Env: LL_EFI_NBP (default build/lifeline.efi), LL_EFI_NBP_MODE (nbp, the
# default, or sanboot: see efi_dnsmasq in tests/lib/efi.sh), LL_EFI_NICS, LL_EFI_OEM
# (iBFT OEM table id, default LIFELINE), LL_EFI_ERR_NOTARGET /
# LL_EFI_ERR_NOPORTAL (error line regexes; default lifeline's E-codes).
set -uo pipefail
. "$(dirname "$0")/../lib/efi.sh"

NBP=${LL_EFI_NBP:-$EFI_LIFELINE}
[ -f "$NBP" ] || exit 0
MODE=${LL_EFI_NBP_MODE:-nbp}
OEM=${LL_EFI_OEM:-LIFELINE}
ERR_NOTARGET=${LL_EFI_ERR_NOTARGET:-'lifeline: E52 '}
ERR_NOPORTAL=${LL_EFI_ERR_NOPORTAL:-'lifeline: E(21|22|24|3[0-9]*) '}
# nic=auto under UEFI (boot/efi_flow_nic.c EFI_NIC_AUTO_FW): native | snp.
# On virtio-net the native take-over falls back to the SNP (OVMF's
# VirtioNetDxe does not let go while its SNP is initialised).
# After a native take-over on the e1000 a failed boot returning to the
# firmware page-faults in the ROM's iPXE e1000 driver (docs/uefi.md): the default is
# the SNP, the native driver only a probe case.
EFI_NIC_DEFAULT=snp
OWN=0; [ -z "${LL_EFI_NBP:-}" ] && OWN=1   # lifeline.efi: nic= cases too
RE_GIVEN_BACK='^lifeline: NIC given back to the firmware.s driver: ConnectController status'
efi_require efi-lifeline
ql_net_setup || { echo "FAIL qemu/efi-lifeline (namespace, bridge, tap)"; exit 1; }

DEF_RE="" OTHER="" OTHER_RE="" ERR_NBP=$NBP ERR_RE=""
if [ "$OWN" = 1 ]; then
	if [ "$EFI_NIC_DEFAULT" = native ]; then
		DEF_RE=$EFI_RE_NATIVE OTHER=snp OTHER_RE=$EFI_RE_SNP
	else
		DEF_RE=$EFI_RE_SNP OTHER=native OTHER_RE=$EFI_RE_NATIVE
	fi
	[ "$EFI_NIC_DEFAULT" = native ] && ERR_RE=$RE_GIVEN_BACK
fi
for nic in ${LL_EFI_NICS:-virtio e1000}; do
	re=$DEF_RE
	[ "$nic" = virtio ] && [ "$EFI_NIC_DEFAULT" = native ] && [ "$OWN" = 1 ] && re=$EFI_RE_SNP
	ore=$OTHER_RE    # nic=native on virtio-net falls back to the SNP
	[ "$nic" = virtio ] && [ "$OTHER" = native ] && ore=$EFI_RE_SNP
	efi_case_probe "efi-lifeline-probe-$nic" "$nic" "$MODE" "$NBP" "iscsi .*target=$QL_IQN-" "$re"
	if [ -n "$OTHER" ]; then
		if nbp=$(efi_nbp_nic "$NBP" "$OTHER"); then
			efi_case_probe "efi-lifeline-probe-$nic-$OTHER" "$nic" "$MODE" "$nbp" \
				"iscsi .*target=$QL_IQN-" "$ore"
		else
			echo "FAIL qemu/efi-lifeline-probe-$nic-$OTHER (nic=$OTHER copy)"
		fi
	fi
	efi_case_linux "efi-lifeline-linux-ibft-$nic" "$nic" "$MODE" "$NBP" "$OEM"
	efi_case_error "efi-lifeline-notarget-$nic" "$nic" "$MODE" "$ERR_NBP" \
		"$(ql_rootpath 1 "$QL_IQN-missing")" "$ERR_NOTARGET" "$ERR_RE"
	efi_case_error "efi-lifeline-noportal-$nic" "$nic" "$MODE" "$ERR_NBP" \
		"iscsi:10.79.0.99::3260:1:$QL_IQN-missing" "$ERR_NOPORTAL" "$ERR_RE"
done
exit 0
