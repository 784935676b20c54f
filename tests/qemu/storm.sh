#!/bin/bash
# tests/qemu/storm.sh - boot storm: STORM_N (8) QEMU guests PXE-boot the MBR
# test disk through lifeline.pxe at once from one tgtd gateway, each its own
# target/LUN (tests/lib/storm.sh); every guest's CHS/EDD checksums and its
# writes (found in its own backing file) must be right. Then the same storm
# with tgtd started only once every guest's first login failed (connection
# refused): all must boot on a later try, and the pauses they announced
# before their second try must differ (the jitter of lib/backoff.h). Last,
# the first storm again with every LUN an RBD image behind one tgt-rbd
# gateway of a one-node Ceph cluster (storm-rbd).
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"
. "$(dirname "$0")/../lib/storm.sh"
. "$(dirname "$0")/../lib/ceph.sh"

PXE=$LL_ROOT/build/lifeline.pxe
ql_require storm
[ -f "$PXE" ] || { echo "FAIL qemu/storm (no build/lifeline.pxe; run make)"; exit 1; }
storm_net_setup || { echo "FAIL qemu/storm (namespace, bridge, taps)"; exit 1; }

src=$LL_TMP/mbrtest.img
expect=$LL_TMP/mbrtest.expect
# a small timed read (1 MiB): the storm is about logins and many clients
if ! mbr_disk "$src" 2048 || ! mbr_expect "$src" >"$expect"; then
	echo "FAIL qemu/storm (building the test disk)"
	exit 1
fi
mkdir -p "$LL_TMP/tftp"
cp "$PXE" "$LL_TMP/tftp/lifeline.pxe"

# storm_check NAME: one verdict line per guest problem, then PASS/FAIL NAME.
storm_check() {
	local name=$1 i bad=0 out
	for ((i = 0; i < STORM_N; i++)); do
		if ! out=$(storm_verdict "$i" "$expect"); then
			echo "  $out"
			bad=1
		elif ! grep -aq '^lifeline: booting the MBR from drive 0x80' "$LL_TMP/storm$i.serial"; then
			echo "  guest $i: MBR not booted by lifeline"
			bad=1
		fi
	done
	if [ $bad = 0 ] && [ ${#STORM_MBR_AT[@]} -eq "$STORM_N" ]; then
		ql_pass "$name" "$STORM_N guests, MBR ran at $(storm_min "${STORM_MBR_AT[@]}")..$(storm_max "${STORM_MBR_AT[@]}") s"
		return 0
	fi
	for ((i = 0; i < STORM_N; i++)); do
		grep -aq '^MBRTEST DONE' "$LL_TMP/storm$i.serial" && continue
		ql_fail "$name" "guest $i" "$LL_TMP/storm$i.serial"
		return 1
	done
	ql_fail "$name" "checksums or written sectors wrong (above)"
	return 1
}

# (a) all at once, gateway up
if ! storm_disks "$src" || ! storm_tgtd || ! storm_dnsmasq lifeline; then
	ql_fail storm "tgtd or dnsmasq did not start" "$LL_TMP/tgtd.log"
	exit 1
fi
cpu0=$(storm_tgtd_cpu)
storm_start 200
storm_wait 180
storm_stop
echo "  storm: tgtd CPU $(awk -v a="$cpu0" -v b="$(storm_tgtd_cpu)" 'BEGIN { printf "%.2f", b - a }') s for $STORM_N boots"
storm_check storm
tgt_stop "$QL_TGT_CTL" "$QL_TGT_PID"
QL_TGT_PID=""

# (b) the gateway comes up late: every guest's first login is refused;
# tgtd starts once all have failed it (or as soon as one is at its last try)
storm_disks "$src" || { echo "FAIL qemu/storm-late-gateway (disks)"; exit 1; }
storm_start 200
failed_re='^lifeline: E[0-9]+ .*: login to '
for ((t = 0; t < 1500; t++)); do
	[ "$(storm_count "$failed_re")" -eq "$STORM_N" ] && break
	[ "$(storm_count 'login try 3 of')" -gt 0 ] && break
	[ "$(storm_alive)" -eq 0 ] && break
	sleep 0.1
done
together=$(storm_count "$failed_re")
if ! storm_tgtd_late; then
	ql_fail storm-late-gateway "tgtd did not start" "$LL_TMP/tgtd.log"
	exit 1
fi
storm_wait 180
storm_stop
pauses=()
for ((i = 0; i < STORM_N; i++)); do
	p=$(grep -a -m 1 -o 'next login try in [0-9.]* s' "$LL_TMP/storm$i.serial" | awk '{ print $5 }')
	pauses+=("${p:-none}")
done
distinct=$(printf '%s\n' "${pauses[@]}" | grep -v none | sort -u | wc -l)
echo "  storm-late-gateway: $together of $STORM_N failed their first login together; pauses ${pauses[*]} s"
if [ "$together" -ne "$STORM_N" ]; then
	ql_fail storm-late-gateway "only $together of $STORM_N guests failed their first login before tgtd came"
elif [ "$distinct" -lt $((STORM_N / 2)) ]; then
	ql_fail storm-late-gateway "retry pauses not spread: ${pauses[*]}"
elif storm_check storm-late-gateway; then
	echo "fault: storm-gateway-late ok $STORM_N guests refused together, retried after ${pauses[*]} s, all verified"
else
	echo "fault: storm-gateway-late FAIL"
fi
tgt_stop "$QL_TGT_CTL" "$QL_TGT_PID"
QL_TGT_PID=""

# (c) the storm on Ceph RBD: each guest's LUN an RBD image of a one-node
# cluster (tests/lib/ceph.sh), all behind one tgt-rbd gateway; the writes
# are checked in each image (rbd export)
for t in ceph-mon ceph-mgr ceph-osd ceph rbd; do
	command -v "$t" >/dev/null || { echo "FAIL qemu/storm-rbd (missing $t; run make deps)"; exit 1; }
done
trap 'storm_stop; ceph_stop; ql_cleanup' EXIT
STORM_BACKING=rbd
if ! ceph_start "$LL_TMP/ceph"; then
	echo "FAIL qemu/storm-rbd (the Ceph cluster did not start)"
	exit 1
fi
if ! storm_disks "$src" || ! storm_tgtd; then
	ql_fail storm-rbd "rbd images or the gateway did not start" "$CEPH_DIR/log/gw-storm.log"
	exit 1
fi
cpu0=$(storm_tgtd_cpu)
storm_start 200
storm_wait 180
storm_stop
echo "  storm-rbd: cluster up in $CEPH_START_SECS s; gateway CPU $(awk -v a="$cpu0" -v b="$(storm_tgtd_cpu)" 'BEGIN { printf "%.2f", b - a }') s for $STORM_N boots"
storm_check storm-rbd
echo "  storm: wall $SECONDS s"
exit 0
