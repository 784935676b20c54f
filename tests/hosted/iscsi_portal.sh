#!/bin/bash
# tests/hosted/iscsi_portal.sh - lifeline-iscsi --alt-portals against two
# tgtd (10.77.0.1 and 10.77.0.3, the same backing file, the same target):
# tgtd A SIGKILLed for good in the middle of a whole-LUN write, then (A
# started again) in the middle of a whole-LUN read. Each transfer must move
# to portal 2 and finish: md5 of the tool, of a fresh read through portal 2
# and of the backing file as the host-made pattern's; nothing lost.
set -u
source "$(dirname "$0")/../lib/hosted.sh"
source "$(dirname "$0")/../lib/tgt.sh"
source "$(dirname "$0")/../lib/iscsi_lib.sh"

IQN=$TGT_IQN_BASE:portal
iscsi_require hosted/iscsi_portal
tgt_setup || { echo "FAIL hosted/iscsi_portal (namespace setup)"; exit 1; }
CTL=$(tgt_ctl_base)
DISK=$LL_TMP/disk.img
MIB=${LL_ISCSI_PORTAL_MIB:-256}
IP_B=10.77.0.3
ip -n "$LL_NS" addr add "$IP_B/24" dev tap0
tgt_backing "$DISK" "$MIB"

# start_a / start_b: tgtd A (portal 1) and B (portal 2) serving $DISK.
start_a() {
	tgt_start "$CTL" "$ISCSI_PORTAL" "$LL_TMP/tgtd-a.log$1" && PID_A=$TGT_LAST_PID &&
	tgt_target "$CTL" 1 "$IQN" "$DISK"
}
if ! start_a 1 || ! tgt_start "$((CTL + 1))" "$IP_B:3260" "$LL_TMP/tgtd-b.log" ||
   ! tgt_target "$((CTL + 1))" 1 "$IQN" "$DISK"; then
	echo "FAIL hosted/iscsi_portal (tgtd setup)"; ll_show "$LL_TMP/tgtd-a.log1"; exit 1
fi
want_bytes=$((MIB << 20))

# moved LOG: the tool went to portal 2 once and finished there.
moved() {
	grep -q "^iscsi: login failed E[0-9]*, moving to portal 2 of 2: $IP_B:3260" "$1" &&
	grep -q '^iscsi: reconnected after [0-9]* s (portal 2 of 2)' "$1" &&
	[ "$(ll_field "$1" stats: reconnects)" = 1 ] && [ "$(ll_field "$1" stats: portal)" = 2 ]
}

# run_kill NAME CMD SEED: CMD (fill|verify) over the LUN with portal 2 as
# the alternate; tgtd A killed for good once 40 MiB are done. Sets LOG, RC, AT.
run_kill() {
	LOG=$LL_TMP/$1.log AT="" RC=1
	lli_bg "$LOG" --root-path "$(rootpath "$IQN")" --alt-portals "$IP_B" --timeout 300 "$2" "$3"
	local pid=$LL_LAST_PID
	if ll_wait_line "$LOG" "^progress: mib=([4-9][0-9]|[0-9]{3})" 120 && ! grep -q '^result:' "$LOG"; then
		AT=$(grep '^progress:' "$LOG" | tail -n 1)
		tgt_kill "$CTL" "$PID_A"
	fi
	ll_wait_pid "$pid" 300
	RC=$?
}

# 1. write: A killed mid-fill; the fill ends on B; a fresh verify through B
SEED=41
want=$(pattern_md5 "$want_bytes" "$SEED")
run_kill portal-write fill "$SEED"
vlog=$LL_TMP/portal-write.verify
lli "$vlog" 300 --root-path "iscsi:$IP_B::3260:1:$IQN" verify "$SEED"
if [ -n "$AT" ] && [ "$RC" = 0 ] && moved "$LOG" && [ "$(ll_field "$LOG" result: md5)" = "$want" ] &&
   [ "$(ll_field "$vlog" result: md5)" = "$want" ] && [ "$(file_md5 "$DISK")" = "$want" ]; then
	pass iscsi-portal-write "killed at ${AT#progress: }; $(grep -m1 '^iscsi: reconnected after' "$LOG"); reissued=$(ll_field "$LOG" stats: reissued); $MIB MiB md5 $want"
	echo "fault: iscsi-write-portal-gone ok md5 of the tool, a fresh verify through portal 2 and the backing file"
else
	fail iscsi-portal-write "kill at '${AT:-none}', exit $RC; md5 fill=$(ll_field "$LOG" result: md5) verify=$(ll_field "$vlog" result: md5) file=$(file_md5 "$DISK") want=$want" "$LOG"
	echo "fault: iscsi-write-portal-gone FAIL"
fi

# 2. read: A back, killed again mid-verify; the read ends on B, md5 right
if start_a 2; then
	run_kill portal-read verify "$SEED"
	if [ -n "$AT" ] && [ "$RC" = 0 ] && moved "$LOG" && [ "$(ll_field "$LOG" result: md5)" = "$want" ]; then
		pass iscsi-portal-read "killed at ${AT#progress: }; $(grep -m1 '^iscsi: reconnected after' "$LOG"); md5 $want"
		echo "fault: iscsi-read-portal-gone ok md5 of the $MIB MiB read, moved to portal 2 once"
	else
		fail iscsi-portal-read "kill at '${AT:-none}', exit $RC; md5 $(ll_field "$LOG" result: md5) want $want" "$LOG"
		echo "fault: iscsi-read-portal-gone FAIL"
	fi
else
	fail iscsi-portal-read "tgtd A did not start again" "$LL_TMP/tgtd-a.log2"
	echo "fault: iscsi-read-portal-gone FAIL"
fi
