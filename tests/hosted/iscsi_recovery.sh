#!/bin/bash
# tests/hosted/iscsi_recovery.sh - lifeline-iscsi when the target makes
# trouble: tgtd pinging every second during 12 s of I/O, a login redirected
# to a second tgtd, tgtd SIGKILLed and restarted in the middle of a long
# write, the same for OUTAGE_S (40) s in the middle of a read (ridden out,
# md5 right) and for good (E58 once --outage-limit has passed), and 3%
# frame loss on a whole-LUN write and read.
set -u
source "$(dirname "$0")/../lib/hosted.sh"
source "$(dirname "$0")/../lib/tgt.sh"
source "$(dirname "$0")/../lib/iscsi_lib.sh"

IQN=$TGT_IQN_BASE
iscsi_require hosted/iscsi_recovery
tgt_setup || { echo "FAIL hosted/iscsi_recovery (namespace setup)"; exit 1; }
CTL=$(( $(tgt_ctl_base) + 2 ))
DISK=$LL_TMP/disk.img
BIG=$LL_TMP/big.img
BIG_MIB=${LL_ISCSI_BIG_MIB:-512}
# tgtd B listens on a second address (tgtd does not redirect a login to
# the address it arrived on)
PORTAL_B_IP=10.77.0.3
ip -n "$LL_NS" addr add "$PORTAL_B_IP/24" dev tap0
tgt_backing "$DISK" 64
tgt_backing "$BIG" "$BIG_MIB"
tgt_backing "$LL_TMP/redir-a.img" 4
tgt_backing "$LL_TMP/redir-b.img" 16

# target_a: tgtd A's targets (also after a restart): 1 disk, 2 big, 3 redirecting.
target_a() {
	tgt_target "$CTL" 1 "$IQN:disk" "$DISK" &&
	tgt_target "$CTL" 2 "$IQN:big" "$BIG" &&
	tgt_target "$CTL" 3 "$IQN:redir" "$LL_TMP/redir-a.img" &&
	tgt_param "$CTL" 3 RedirectAddress "$PORTAL_B_IP" &&
	tgt_param "$CTL" 3 RedirectPort 3261 &&
	tgt_param "$CTL" 3 RedirectReason Temporary   # no redirect without it
}
if ! tgt_start "$CTL" "$ISCSI_PORTAL" "$LL_TMP/tgtd.log" || ! target_a ||
   ! tgt_param "$CTL" 1 nop_interval 1 || ! tgt_param "$CTL" 1 nop_count 3; then
	echo "FAIL hosted/iscsi_recovery (tgtd setup)"; ll_show "$LL_TMP/tgtd.log"; exit 1
fi
PID_A=$TGT_LAST_PID

# 1. tgtd sends a NOP-In every second; 12 s of reads must keep the session.
log=$LL_TMP/nop.log
if lli "$log" 90 --root-path "$(rootpath "$IQN:disk")" soak 12 &&
   [ "$(ll_field "$log" stats: nops_answered)" -ge 5 ] 2>/dev/null &&
   [ "$(ll_field "$log" stats: reconnects)" = 0 ]; then
	pass iscsi-nop-interval "$(grep '^result:' "$log"); nops_answered=$(ll_field "$log" stats: nops_answered)"
else
	fail iscsi-nop-interval "soak failed, too few NOP answers or a reconnect" "$log"
fi

# 2. redirect: target 3 on A sends the login to tgtd B on port 3261.
if tgt_start "$((CTL + 1))" "$PORTAL_B_IP:3261" "$LL_TMP/tgtd-b.log" &&
   tgt_target "$((CTL + 1))" 1 "$IQN:redir" "$LL_TMP/redir-b.img"; then
	PID_B=$TGT_LAST_PID
	log=$LL_TMP/redirect.log
	if lli "$log" 60 --root-path "$(rootpath "$IQN:redir")" show &&
	   grep -q '^capacity: blocks=32768 ' "$log" &&
	   [ "$(ll_field "$log" stats: redirects)" = 1 ]; then
		pass iscsi-redirect "login on $LL_HOST_IP:3260 redirected to $PORTAL_B_IP:3261 (16 MiB LUN seen)"
	else
		fail iscsi-redirect "not redirected to the 16 MiB LUN of tgtd B" "$log"
	fi
	tgt_stop "$((CTL + 1))" "$PID_B"
else
	fail iscsi-redirect "second tgtd did not start" "$LL_TMP/tgtd-b.log"
fi

# 3. tgtd SIGKILLed in the middle of a long write, restarted on the same
# backing file: the write goes on after a reconnect and the LUN verifies.
SEED=31
wlog=$LL_TMP/restart.fill
lli_bg "$wlog" --root-path "$(rootpath "$IQN:big")" --timeout 400 fill "$SEED"
wpid=$LL_LAST_PID
if ll_wait_line "$wlog" "^progress: mib=([4-9][0-9]|[0-9]{3})" 120 &&
   ! grep -q '^result:' "$wlog"; then
	at=$(grep '^progress:' "$wlog" | tail -n 1)
	tgt_kill "$CTL" "$PID_A"
	sleep 2
	if tgt_start "$CTL" "$ISCSI_PORTAL" "$LL_TMP/tgtd.log2" && target_a; then
		PID_A=$TGT_LAST_PID
	fi
	ll_wait_pid "$wpid" 400
	rc=$?
	want=$(pattern_md5 $((BIG_MIB << 20)) "$SEED")
	vlog=$LL_TMP/restart.verify
	lli "$vlog" 300 --root-path "$(rootpath "$IQN:big")" verify "$SEED"
	if [ "$rc" = 0 ] && [ "$(ll_field "$wlog" result: md5)" = "$want" ] &&
	   [ "$(ll_field "$vlog" result: md5)" = "$want" ] &&
	   [ "$(file_md5 "$BIG")" = "$want" ] &&
	   [ "$(ll_field "$wlog" stats: reconnects)" -ge 1 ] 2>/dev/null; then
		pass iscsi-target-restart "killed at ${at#progress: }; reconnects=$(ll_field "$wlog" stats: reconnects) reissued=$(ll_field "$wlog" stats: reissued); $BIG_MIB MiB md5 $want"
		echo "fault: iscsi-write-target-restart-2s ok md5 of the tool, a fresh verify and the backing file"
	else
		fail iscsi-target-restart "write exit $rc; md5 write=$(ll_field "$wlog" result: md5) verify=$(ll_field "$vlog" result: md5) file=$(file_md5 "$BIG") want=$want" "$wlog"
		echo "fault: iscsi-write-target-restart-2s FAIL"
	fi
else
	fail iscsi-target-restart "the write did not get under way, or ended before the kill" "$wlog"
	ll_wait_pid "$wpid" 60 >/dev/null
fi

# 3b. tgtd away OUTAGE_S s in the middle of a whole-LUN read, then back:
# the read waits (lines "target unreachable"), reconnects, md5 right.
OUTAGE_S=${OUTAGE_S:-40}
rlog=$LL_TMP/outage.verify
lli_bg "$rlog" --root-path "$(rootpath "$IQN:big")" --timeout 400 verify "$SEED"
rpid=$LL_LAST_PID
if ll_wait_line "$rlog" "^progress: mib=([4-9][0-9]|[0-9]{3})" 120 &&
   ! grep -q '^result:' "$rlog"; then
	at=$(grep '^progress:' "$rlog" | tail -n 1)
	tgt_kill "$CTL" "$PID_A"
	sleep "$OUTAGE_S"
	if tgt_start "$CTL" "$ISCSI_PORTAL" "$LL_TMP/tgtd.log3" && target_a; then
		PID_A=$TGT_LAST_PID
	fi
	ll_wait_pid "$rpid" 300
	rc=$?
	want=$(pattern_md5 $((BIG_MIB << 20)) "$SEED")
	if [ "$rc" = 0 ] && [ "$(ll_field "$rlog" result: md5)" = "$want" ] &&
	   [ "$(ll_field "$rlog" stats: reconnects)" = 1 ] &&
	   [ "$(grep -c '^iscsi: target unreachable for ' "$rlog")" -ge $((OUTAGE_S / 5 - 2)) ] &&
	   grep -q '^iscsi: reconnected after ' "$rlog"; then
		pass iscsi-outage-${OUTAGE_S}s "killed at ${at#progress: }; $(grep '^iscsi: reconnected after' "$rlog"); md5 $want"
		echo "fault: iscsi-read-target-restart-${OUTAGE_S}s ok md5 of the $BIG_MIB MiB read, 1 reconnect"
	else
		fail iscsi-outage-${OUTAGE_S}s "verify exit $rc; md5 $(ll_field "$rlog" result: md5) want $want; reconnects $(ll_field "$rlog" stats: reconnects)" "$rlog"
		echo "fault: iscsi-read-target-restart-${OUTAGE_S}s FAIL"
	fi
else
	fail iscsi-outage-${OUTAGE_S}s "the read did not get under way, or ended before the kill" "$rlog"
	ll_wait_pid "$rpid" 60 >/dev/null
fi

# 3c. tgtd gone for good mid-read with --outage-limit 10: E58 (session
# lost) soon after the limit, exit 1; then tgtd back for the next case.
glog=$LL_TMP/gone.verify
lli_bg "$glog" --root-path "$(rootpath "$IQN:big")" --outage-limit 10 --timeout 400 verify "$SEED"
gpid=$LL_LAST_PID
if ll_wait_line "$glog" "^progress: mib=([4-9][0-9]|[0-9]{3})" 120 &&
   ! grep -q '^result:' "$glog"; then
	tgt_kill "$CTL" "$PID_A"
	t0=$EPOCHREALTIME
	ll_wait_pid "$gpid" 60
	rc=$?
	secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	if [ "$rc" = 1 ] && grep -q '^error: E58 ' "$glog" &&
	   grep -q '^iscsi: target unreachable for 1[0-9] s (outage limit 10 s): giving up on the session E58' "$glog" &&
	   awk -v s="$secs" 'BEGIN { exit !(s >= 10 && s < 20) }'; then
		pass iscsi-outage-gone "E58 $secs s after the kill (outage-limit 10 s): $(grep '^error:' "$glog")"
		echo "fault: iscsi-read-target-gone ok E58 after the 10 s limit ($secs s)"
	else
		fail iscsi-outage-gone "exit $rc after $secs s" "$glog"
		echo "fault: iscsi-read-target-gone FAIL"
	fi
	if tgt_start "$CTL" "$ISCSI_PORTAL" "$LL_TMP/tgtd.log4" && target_a; then
		PID_A=$TGT_LAST_PID
	fi
else
	fail iscsi-outage-gone "the read did not get under way, or ended before the kill" "$glog"
	ll_wait_pid "$gpid" 60 >/dev/null
fi

# 4. 3% loss (plus some duplication and reordering) on both directions.
fill_verify iscsi-lossy-fill-verify "$DISK" 41 --root-path "$(rootpath "$IQN:disk")" \
	--loss 3 --dup 1 --reorder 1 --seed 9
