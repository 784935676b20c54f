#!/bin/bash
# tests/qemu/lifeline_outage.sh - the target restarts while the boot loader
# reads through lifeline's INT 13h: lifeline.pxe boots the MBR test disk
# (as lifeline_mbrtest.sh) and tgtd is SIGKILLed twice, each time for
# OUTAGE_S seconds (default 40) and then restarted on the same backing file
# with the target made again: once as soon as lifeline boots the MBR (the
# stage 2 load and the checksummed CHS/EDD reads wait), once as soon as the
# guest starts its bulk read (the timed EDD read of 48 MiB). The guest must
# see no error: every checksum as the host computes, DONE; the serial log
# must show lifeline waiting ("target unreachable") and two reconnects.
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"

NAME=lifeline-outage
OUTAGE_S=${OUTAGE_S:-40}
PXE=$LL_ROOT/build/lifeline.pxe
ql_require "$NAME"
[ -f "$PXE" ] || { echo "FAIL qemu/$NAME (no build/lifeline.pxe; run make)"; exit 1; }
ql_net_setup || { echo "FAIL qemu/$NAME (namespace, bridge, tap)"; exit 1; }

disk=$LL_TMP/outage.img
expect=$LL_TMP/outage.expect
log=$LL_TMP/outage.serial
if ! mbr_disk "$disk" 98304 || ! mbr_expect "$disk" >"$expect"; then
	echo "FAIL qemu/$NAME (building the test disk)"
	exit 1
fi
mkdir -p "$LL_TMP/tftp"
cp "$PXE" "$LL_TMP/tftp/lifeline.pxe"
if ! ql_target "$disk" || ! ql_dnsmasq "$(ql_rootpath)" "$LL_TMP/tftp" lifeline.pxe; then
	ql_fail "$NAME" "tgtd or dnsmasq did not start" "$LL_TMP/tgtd.log"
	exit 1
fi

# outage N: SIGKILL our tgtd (by PID), wait OUTAGE_S, start it again on
# the same portal and control number, make the target again. 0 or 1.
outage() {
	tgt_kill "$QL_TGT_CTL" "$QL_TGT_PID"
	QL_TGT_PID=""
	echo "  outage $1: tgtd killed at $(ql_since) s after QEMU start"
	sleep "$OUTAGE_S"
	ql_target "$disk" || return 1
	echo "  outage $1: tgtd back at $(ql_since) s"
}

ql_since() {
	awk -v a="$QL_QEMU_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

ql_qemu "$log" $((240 + 2 * OUTAGE_S))
ok=1
if ql_wait "$log" '^lifeline: booting the MBR from drive 0x80' 120; then
	outage 1 || ok=0
else
	ql_fail "$NAME" "lifeline did not boot the MBR" "$log"; ok=0
fi
# the bulk read starts right after the second write's line; wait for the
# first reconnect too (a fast guest may print write03 before outage 1 hits)
if [ $ok = 1 ] && ql_wait "$log" '^iscsi: reconnected after ' $((60 + OUTAGE_S)) &&
   ql_wait "$log" '^MBRTEST (write03|FAIL)' $((60 + OUTAGE_S)) &&
   ! grep -aq '^MBRTEST FAIL' "$log"; then
	outage 2 || ok=0
else
	ok=0
fi
ql_wait "$log" '^MBRTEST (DONE|FAIL)' $((90 + OUTAGE_S))
tr -d '\r' <"$log" >"$log.txt"
L=$log.txt
if [ $ok = 0 ]; then
	ql_fail "$NAME" "the outages could not be staged, or the guest failed first" "$log"
else
	ql_mbrtest_verdict "$NAME: checksums after a ${OUTAGE_S} s target restart" "$log" "$disk" "$expect"
fi
# where each outage hit, what lifeline said
n_lost=$(grep -c '^iscsi: connection lost' "$L")
n_back=$(grep -c '^iscsi: reconnected after ' "$L")
n_wait=$(grep -c '^iscsi: target unreachable for ' "$L")
bench_after=$(awk '/^MBRTEST write03/ { w = 1 } w && /^iscsi: connection lost/ { c = 1 }
		   c && /^MBRTEST bench/ { print "yes"; exit }' "$L")
if [ "$n_lost" -ge 2 ] && [ "$n_back" -eq 2 ] && [ "$n_wait" -ge $((2 * (OUTAGE_S / 5 - 2))) ] &&
   [ "$bench_after" = yes ] && grep -q '^MBRTEST DONE$' "$L" && ! grep -q '^MBRTEST FAIL' "$L" &&
   ! grep -q 'giving up on the session' "$L"; then
	ql_pass "$NAME: two ${OUTAGE_S} s outages invisible to INT 13h" \
		"$(grep '^iscsi: reconnected after ' "$L" | tr '\n' ';') $n_wait waiting lines; bulk read interrupted and completed"
	echo "fault: int13-target-restart-${OUTAGE_S}s ok checksums of the CHS/EDD reads, 48 MiB bulk read completed, 2 reconnects"
else
	ql_fail "$NAME: outages" "lost=$n_lost reconnected=$n_back waiting-lines=$n_wait bulk-read-hit=${bench_after:-no}" "$log"
	echo "fault: int13-target-restart-${OUTAGE_S}s FAIL"
fi
grep -E '^(iscsi: (connection lost|reconnected|target unreachable for [0-9]*5 s)|MBRTEST (read42|bench))' "$L" | sed 's/^/  /'
ql_qemu_stop
exit 0
