#!/bin/bash
# tests/qemu/lifeline_outage_linux.sh - the target restarts while the Debian
# guest's boot loader loads its kernel and initramfs through lifeline's
# INT 13h: lifeline.pxe boots the Linux disk (syslinux, Debian kernel,
# busybox initramfs) and tgtd is SIGKILLed as syslinux starts loading
# /vmlinuz, kept down OUTAGE_S seconds (default 40), then started again on
# the same backing file. The guest must reach user space with lifeline's
# iBFT right (tests/lib/qemu.sh ql_ibft_verdict), and the serial log must
# show lifeline waiting and one reconnect, with no disk error.
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"

NAME=lifeline-outage-linux
PXE=$LL_ROOT/build/lifeline.pxe
OUTAGE_S=${OUTAGE_S:-40}
ql_require "$NAME"
[ -f "$PXE" ] || { echo "FAIL qemu/$NAME (no build/lifeline.pxe; run make)"; exit 1; }
ql_net_setup || { echo "FAIL qemu/$NAME (namespace, bridge, tap)"; exit 1; }

name=$QL_IQN-linux
log=$LL_TMP/linux-outage.serial
if ! img=$(bash "$LL_ROOT/tools/mkdisk-linux.sh"); then
	echo "FAIL qemu/$NAME (building the Linux disk)"
	exit 1
fi
cp --sparse=always "$img" "$LL_TMP/linux.img"
mkdir -p "$LL_TMP/tftp"
cp "$PXE" "$LL_TMP/tftp/lifeline.pxe"
if ! ql_target "$LL_TMP/linux.img" 2 "$name" ||
   ! ql_dnsmasq "$(ql_rootpath 1 "$name")" "$LL_TMP/tftp" lifeline.pxe; then
	ql_fail "$NAME" "tgtd or dnsmasq did not start" "$LL_TMP/tgtd.log"
	exit 1
fi

ql_qemu "$log" $((240 + OUTAGE_S))
staged=0
if ql_wait "$log" 'Loading /vmlinuz' 120; then
	tgt_kill "$QL_TGT_CTL" "$QL_TGT_PID"
	QL_TGT_PID=""
	echo "  tgtd killed as syslinux loads /vmlinuz"
	sleep "$OUTAGE_S"
	ql_target "$LL_TMP/linux.img" 2 "$name" && staged=1
	echo "  tgtd back after ${OUTAGE_S} s"
fi
if [ $staged = 1 ]; then
	ql_ibft_verdict "$NAME: user space after a ${OUTAGE_S} s target restart during the kernel load" \
		"$log" "$name" LIFELINE
else
	ql_fail "$NAME" "the outage could not be staged (no 'Loading /vmlinuz' or tgtd did not restart)" "$log"
fi
tr -d '\r' <"$log" >"$log.txt"
L=$log.txt
n_back=$(grep -c '^iscsi: reconnected after ' "$L")
n_wait=$(grep -c '^iscsi: target unreachable for ' "$L")
if [ $staged = 1 ] && [ "$n_back" -eq 1 ] && [ "$n_wait" -ge 1 ] &&
   grep -aq '^IBFTTEST userspace' "$L" && ! grep -aqE 'I/O error|giving up on the session' "$L"; then
	ql_pass "$NAME: outage invisible to the boot loader" \
		"$(grep '^iscsi: reconnected after ' "$L" | tr '\n' ';') $n_wait waiting lines"
	echo "fault: linux-boot-target-restart-${OUTAGE_S}s ok user space reached, iBFT right, 1 reconnect"
else
	ql_fail "$NAME: outage" "reconnected=$n_back waiting-lines=$n_wait" "$log"
	echo "fault: linux-boot-target-restart-${OUTAGE_S}s FAIL"
fi
grep -aE '^(iscsi: (connection lost|reconnected|target unreachable for [0-9]*5 s)|Loading )' "$L" | sed 's/^/  /'
ql_qemu_stop
exit 0
