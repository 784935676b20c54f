#!/bin/bash
# tests/qemu/lifeline_portal.sh - a second portal takes over for good while
# the boot loader reads through lifeline's INT 13h: two tgtd (10.79.0.1 and
# 10.79.0.2 on the bridge, the same backing file) stand in for two gateways;
# DHCP gives option 17 (portal 1) and option 224 alt-portals=10.79.0.2.
# lifeline.pxe boots the MBR test disk (as lifeline_mbrtest.sh) and the
# first tgtd is SIGKILLed (by PID) as soon as the guest starts its timed
# 48 MiB EDD read, and never comes back. The guest must see no error: every
# checksum as the host computes, DONE; the serial log must show the move to
# portal 2 and the reconnect there, with the bulk read cut by it.
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"

NAME=lifeline-portal
IP2=10.79.0.2
PXE=$LL_ROOT/build/lifeline.pxe
ql_require "$NAME"
[ -f "$PXE" ] || { echo "FAIL qemu/$NAME (no build/lifeline.pxe; run make)"; exit 1; }
ql_net_setup && ip -n "$LL_NS" addr add "$IP2/24" dev "$QL_BR" ||
	{ echo "FAIL qemu/$NAME (namespace, bridge, tap)"; exit 1; }

disk=$LL_TMP/portal.img
expect=$LL_TMP/portal.expect
log=$LL_TMP/portal.serial
if ! mbr_disk "$disk" 98304 || ! mbr_expect "$disk" >"$expect"; then
	echo "FAIL qemu/$NAME (building the test disk)"
	exit 1
fi
mkdir -p "$LL_TMP/tftp"
cp "$PXE" "$LL_TMP/tftp/lifeline.pxe"
# portal 2: its own tgtd (control number beside portal 1's), same file
ctl2=$(( $(tgt_ctl_base) + 1 ))
if ! ql_target "$disk" || ! tgt_start "$ctl2" "$IP2:3260" "$LL_TMP/tgtd2.log" ||
   ! tgt_target "$ctl2" 1 "$QL_IQN" "$disk" ||
   ! QL_DHCP_SETTINGS="alt-portals=$IP2" ql_dnsmasq "$(ql_rootpath)" "$LL_TMP/tftp" lifeline.pxe; then
	ql_fail "$NAME" "tgtd or dnsmasq did not start" "$LL_TMP/tgtd.log"
	exit 1
fi

ql_since() {
	awk -v a="$QL_QEMU_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

ql_qemu "$log" 300
ok=1
# the bulk read starts right after the second write's line
if ql_wait "$log" '^MBRTEST (write03|FAIL)' 150 && ! grep -aq '^MBRTEST FAIL' "$log"; then
	tgt_kill "$QL_TGT_CTL" "$QL_TGT_PID"
	QL_TGT_PID=""
	echo "  portal 1's tgtd killed for good at $(ql_since) s after QEMU start"
else
	ok=0
fi
ql_wait "$log" '^MBRTEST (DONE|FAIL)' 120
tr -d '\r' <"$log" >"$log.txt"
L=$log.txt
if [ $ok = 0 ]; then
	ql_fail "$NAME" "the guest did not reach its bulk read, or failed first" "$log"
else
	ql_mbrtest_verdict "$NAME: checksums with portal 1 gone mid-read" "$log" "$disk" "$expect"
fi
moved=$(grep -c "^iscsi: login failed E[0-9]*, moving to portal 2 of 2: $IP2:3260" "$L")
back=$(grep -c '^iscsi: reconnected after [0-9]* s (portal 2 of 2)' "$L")
bench_after=$(awk '/^MBRTEST write03/ { w = 1 } w && /^iscsi: connection lost/ { c = 1 }
		   c && /^MBRTEST bench/ { print "yes"; exit }' "$L")
if [ "$moved" -ge 1 ] && [ "$back" -eq 1 ] && [ "$bench_after" = yes ] &&
   grep -q '^MBRTEST DONE$' "$L" && ! grep -q '^MBRTEST FAIL' "$L" &&
   ! grep -q 'giving up on the session' "$L" &&
   grep -q "^iscsi: connecting to $QL_IP:3260" "$L"; then
	ql_pass "$NAME: portal 1 gone for good, INT 13h moved to portal 2" \
		"$(grep -m1 '^iscsi: reconnected after ' "$L"); bulk read interrupted and completed"
	echo "fault: int13-portal-gone ok checksums of the CHS/EDD reads, 48 MiB bulk read completed on portal 2 ($(grep -m1 -o 'reconnected after [0-9]* s' "$L"))"
else
	ql_fail "$NAME: failover" "moved=$moved reconnected-on-2=$back bulk-read-hit=${bench_after:-no}" "$log"
	echo "fault: int13-portal-gone FAIL"
fi
grep -E '^(iscsi: (connecting|connection lost|login failed|reconnected|logged in)|MBRTEST (read42|bench))' "$L" | sed 's/^/  /'
ql_qemu_stop
exit 0
