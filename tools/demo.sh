#!/bin/bash
# tools/demo.sh - `make demo`: PXE-boots a diskless Linux VM from iSCSI
# through lifeline.pxe under QEMU (TCG), with the VM's serial console shown
# live. In a throw-away network namespace: dnsmasq (TFTP lifeline.pxe, DHCP
# options 17 and 203 for lifeline), tgtd serving the Linux disk (syslinux,
# the host's Debian kernel, a busybox initramfs). Stops when the guest has
# reached user space and printed the iBFT lifeline left it; cleans up.
# (The hosted TCP demo without a VM is tools/demo-tcp.sh.)
set -uo pipefail
. "$(dirname "$0")/../tests/qemu/lib.sh"

say() { printf '\n== %s\n' "$*"; }
die() { printf '\ndemo failed: %s\n' "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (network namespace, tap device)"
ql_require demo || exit 1          # prints what is missing (make deps)
[ -f "$LL_ROOT/build/lifeline.pxe" ] || die "no build/lifeline.pxe: run make"

say "Building the Linux disk (cached in build/qemu/)"
img=$(bash "$LL_ROOT/tools/mkdisk-linux.sh") || die "mkdisk-linux failed"
echo "$img"

say "Network namespace, bridge 10.79.0.1/24, tgtd and dnsmasq"
ql_net_setup || die "namespace, bridge or tap"
cp --sparse=always "$img" "$LL_TMP/linux.img"
mkdir -p "$LL_TMP/tftp"
cp "$LL_ROOT/build/lifeline.pxe" "$LL_TMP/tftp/"
name=$QL_IQN-demo
rp=$(ql_rootpath 1 "$name")
ql_target "$LL_TMP/linux.img" 1 "$name" || die "tgtd did not start"
ql_dnsmasq "$rp" "$LL_TMP/tftp" lifeline.pxe || die "dnsmasq did not start"
echo "root-path (option 17): $rp"
echo "initiator (option 203): $QL_INITIATOR"
echo "boot file: lifeline.pxe (iPXE clients get no 17/203; see docs/pxe.md)"

say "QEMU (TCG, e1000, no disk): PXE ROM -> lifeline.pxe -> iSCSI -> syslinux -> Linux"
log=$LL_TMP/serial.log
ql_qemu "$log" 240
tail -n +1 -f --pid="$QL_QEMU_PID" "$log" &
tail_pid=$!
ql_wait "$log" '^IBFTTEST DONE' 200
ok=$?
secs=$(awk -v a="$QL_QEMU_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
sleep 0.5
kill "$tail_pid" 2>/dev/null
wait "$tail_pid" 2>/dev/null

say "Result"
tr -d '\r' <"$log" >"$log.txt"
if [ $ok -eq 0 ] && grep -aq '^IBFTTEST userspace' "$log.txt"; then
	echo "the guest reached user space and printed its iBFT ${secs}s after QEMU started:"
	grep -a '^IBFT ' "$log.txt" | grep -E 'oem_table_id|initiator-name|target-name|lun|target0/ip-addr|port|ethernet0/(ip-addr|mac)' | sed 's/^/  /'
	echo "demo OK"
else
	die "the guest did not reach user space (log: $log)"
fi
