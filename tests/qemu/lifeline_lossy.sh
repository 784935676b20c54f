#!/bin/bash
# tests/qemu/lifeline_lossy.sh - a lossy link between the guest and the
# target: tgtd lives in its own namespace behind build/tests/relay, which
# drops, duplicates and reorders LOSS_PCT (3) per cent of the frames each
# way (bridge port rlyA -> relay -> rlyB in tgtd's namespace; dnsmasq and
# TFTP stay on the clean bridge). lifeline.pxe boots the MBR test disk
# over it: every checksum as the host computes, DONE; prints the bulk
# read's throughput as a bench line.
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"

NAME=lifeline-lossy
LOSS_PCT=${LOSS_PCT:-3}
RELAY=$LL_ROOT/build/tests/relay
PXE=$LL_ROOT/build/lifeline.pxe
T_IP=10.79.0.5                      # tgtd's address behind the relay
ql_require "$NAME"
for f in "$PXE" "$RELAY"; do
	[ -f "$f" ] || { echo "FAIL qemu/$NAME (no $f; run make)"; exit 1; }
done
ql_net_setup || { echo "FAIL qemu/$NAME (namespace, bridge, tap)"; exit 1; }
TNS=$LL_NS-t
lossy_cleanup() {
	ql_cleanup
	ip netns del "$TNS" 2>/dev/null
}
trap lossy_cleanup EXIT

disk=$LL_TMP/lossy.img
expect=$LL_TMP/lossy.expect
log=$LL_TMP/lossy.serial
rlog=$LL_TMP/relay.log
if ! mbr_disk "$disk" || ! mbr_expect "$disk" >"$expect"; then
	echo "FAIL qemu/$NAME (building the test disk)"
	exit 1
fi
mkdir -p "$LL_TMP/tftp"
cp "$PXE" "$LL_TMP/tftp/lifeline.pxe"

# the relay between the bridge and tgtd's namespace
ip netns add "$TNS" && ip -n "$TNS" link set lo up || { echo "FAIL qemu/$NAME (namespace)"; exit 1; }
ip netns exec "$LL_NS" "$RELAY" --loss "$LOSS_PCT" --dup "$LOSS_PCT" --reorder "$LOSS_PCT" \
	--seed 13 rlyA rlyB >"$rlog" 2>&1 &
RELAY_PID=$!
LL_PIDS+=("$RELAY_PID")
if ! ll_wait_line "$rlog" '^ready' 10 ||
   ! ip -n "$LL_NS" link set rlyA master "$QL_BR" || ! ip -n "$LL_NS" link set rlyA up ||
   ! ip -n "$LL_NS" link set rlyB netns "$TNS" ||
   ! ip -n "$TNS" addr add "$T_IP/24" dev rlyB || ! ip -n "$TNS" link set rlyB up; then
	ql_fail "$NAME" "relay set-up" "$rlog"
	exit 1
fi
if ! LL_NS=$TNS ql_target_at "$T_IP:3260" "$disk" 1 "$QL_IQN" ||
   ! ql_dnsmasq "iscsi:$T_IP::3260:1:$QL_IQN" "$LL_TMP/tftp" lifeline.pxe; then
	ql_fail "$NAME" "tgtd or dnsmasq did not start" "$LL_TMP/tgtd.log"
	exit 1
fi

ql_qemu "$log" 400
if ql_wait "$log" '^lifeline: booting the MBR from drive 0x80' 200; then
	ql_mbrtest_verdict "$NAME: MBR test disk with ${LOSS_PCT}% drop+dup+reorder" \
		"$log" "$disk" "$expect"
	read -r secs mibps < <(mbr_bench "$log")
else
	ql_fail "$NAME" "lifeline did not boot the MBR over the lossy link" "$log"
fi
ql_qemu_stop
kill -TERM "$RELAY_PID" 2>/dev/null
ll_wait_pid "$RELAY_PID" 5 >/dev/null
faults=$(grep '^relay: dropped=' "$rlog")
echo "  $NAME: ${faults:-relay counts missing}"
tr -d '\r' <"$log" >"$log.txt"
if [ -n "${mibps:-}" ] && grep -q '^MBRTEST DONE$' "$log.txt" && ! grep -q '^MBRTEST FAIL' "$log.txt" &&
   [[ $faults =~ dropped=([1-9][0-9]*) ]]; then
	echo "bench: int13-read-lossy${LOSS_PCT} $mibps MiB/s"
	echo "fault: int13-lossy-${LOSS_PCT}pct ok checksums of the CHS/EDD reads, 16 MiB bulk read at $mibps MiB/s, $faults"
else
	echo "fault: int13-lossy-${LOSS_PCT}pct FAIL"
fi
exit 0
