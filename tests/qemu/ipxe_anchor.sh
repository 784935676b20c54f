#!/bin/bash
# tests/qemu/ipxe_anchor.sh - the anchor, with none of our code: QEMU's own
# iPXE ROM takes option 17 (no boot file) from dnsmasq and sanboots tgtd's
# LUN. (a) the MBR test disk prints the checksums the host computes; (b) the
# Linux disk reaches user space and its iBFT shows the target, LUN, initiator
# and addresses. Proves the test disks and the iBFT reader are right.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

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
if ql_wait "$log" '^MBRTEST (DONE|FAIL)' 120 && ! grep -aq '^MBRTEST FAIL' "$log" &&
   out=$(mbr_check "$log" "$disk" "$expect"); then
	ql_pass ipxe-sanboot-mbrtest "$(grep -a '^MBRTEST read42' "$log" | tr -d '\r')"
else
	ql_fail ipxe-sanboot-mbrtest "checksums differ from the host's or no DONE: ${out:-}" "$log"
fi
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
ql_wait "$log" '^IBFTTEST DONE' 150
want=(
	"IBFT initiator/initiator-name=$QL_INITIATOR"
	"IBFT target0/target-name=$name"
	"IBFT target0/lun=01000000"
	"IBFT target0/ip-addr=$QL_IP"
	"IBFT target0/port=3260"
	"IBFT ethernet0/mac=$QL_MAC"
	"IBFT ethernet0/subnet-mask=255.255.255.0"
	"IBFT ethernet0/dhcp=$QL_IP"
)
missing=()
tr -d '\r' <"$log" >"$log.txt"
for w in "${want[@]}"; do
	grep -aqFx -- "$w" "$log.txt" || missing+=("$w")
done
grep -aqE '^IBFT ethernet0/ip-addr=10\.79\.0\.(1[0-4][0-9]|150)' "$log" ||
	missing+=("IBFT ethernet0/ip-addr=<lease>")
if grep -aq '^IBFTTEST userspace' "$log" && [ ${#missing[@]} -eq 0 ]; then
	ql_pass ipxe-sanboot-linux-ibft \
		"$(grep -a -E '^IBFT (target0/target-name|ethernet0/ip-addr)' "$log" | tr -d '\r' | tr '\n' ' ')"
else
	ql_fail ipxe-sanboot-linux-ibft "no user space, or iBFT lacks: ${missing[*]}" "$log"
fi
ql_qemu_stop
exit 0
