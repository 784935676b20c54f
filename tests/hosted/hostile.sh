#!/bin/bash
# tests/hosted/hostile.sh - lifeline-iscsi (the ASan + UBSan build) against a
# scripted hostile target (hostile_target.py) over a TAP in a namespace:
# lying DataSegmentLength, Data-In beyond the buffer or out of order, R2T
# beyond the write, unknown opcodes, AsyncEvent 1, redirect loops, endless
# NOP-Ins, a login that never finishes or stalls, a Reject storm, mutual
# CHAP skipped. Each case must end in its coded error or a reconnect within
# its bound, with no sanitizer report. Then a DHCP/ARP flood during DHCP +
# login. Lines: "PASS hosted/hostile-<case>" and "fault: hostile-<case> ok ...".
set -u
source "$(dirname "$0")/../lib/hosted.sh"
source "$(dirname "$0")/../lib/iscsi_lib.sh"

LL_ISCSI="$LL_ROOT/build/asan/tools/lifeline-iscsi"
TARGET="$LL_ROOT/tests/hosted/hostile_target.py"
FLOOD="$LL_ROOT/tests/hosted/flood.py"
IQN=iqn.2026-01.org.lifeline.test:hostile
RP="iscsi:${LL_HOST_IP}::3260:1:$IQN"
BLOCKS=2048
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=halt_on_error=1:exitcode=99

ll_require_root hosted/hostile
for t in "$LL_ISCSI" python3; do
	command -v "$t" >/dev/null || { echo "FAIL hosted/hostile (missing $t; run make asan)"; exit 1; }
done
ll_setup || { echo "FAIL hosted/hostile (namespace setup)"; exit 1; }

# md5 of COUNT blocks from LBA 0 of the target's RAM disk (LBA in the first
# 8 bytes of each block, big-endian, the rest zero).
disk_md5() {
	python3 -c 'import struct,sys,hashlib
n=int(sys.argv[1]); h=hashlib.md5()
for i in range(n): h.update(struct.pack(">Q", i) + bytes(504))
print(h.hexdigest())' "$1"
}

# start_target CASE: the scripted target in the background (TPID, TLOG).
start_target() {
	TLOG=$LL_TMP/target-$1.log
	ll_bg "$TLOG" python3 "$TARGET" --listen "$LL_HOST_IP:3260" --case "$1" \
		--blocks "$BLOCKS" --secs 300
	TPID=$LL_LAST_PID
	ll_wait_line "$TLOG" '^target: listening' 10
}

stop_target() {
	kill -TERM "$TPID" 2>/dev/null
	ll_wait_pid "$TPID" 5 >/dev/null
}

# tstat KEY: a counter from the target's last stats line.
tstat() {
	ll_field "$TLOG" stats: "$1"
}

# run_case CASE SECS ARGS...: start the target, run the tool bounded by
# SECS; sets LOG, RC, ELAPSED. RC 124: the tool hung past its bound.
run_case() {
	local c=$1 secs=$2 t0; shift 2
	LOG=$LL_TMP/$c.log
	if ! start_target "$c"; then
		RC=255 ELAPSED=0; return
	fi
	t0=$EPOCHREALTIME
	lli "$LOG" "$secs" --root-path "$RP" "$@"
	RC=$?
	ELAPSED=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	stop_target
}

sanitizer_clean() {
	! grep -Eq 'Sanitizer|runtime error:' "$LOG"
}

# verdict CASE OK WHAT: the PASS/FAIL line and the fault-matrix line.
FAILS=0
verdict() {
	local c=$1 ok=$2 what=$3
	[ "$ok" = 0 ] && sanitizer_clean || FAILS=$((FAILS + 1))
	if [ "$ok" = 0 ] && sanitizer_clean; then
		pass "hostile-$c" "exit $RC in $ELAPSED s; $(grep -m1 '^error:' "$LOG")"
		echo "fault: hostile-$c ok $what"
	else
		sanitizer_clean || what="sanitizer report; $what"
		fail "hostile-$c" "exit $RC in $ELAPSED s; wanted: $what" "$LOG"
		[ -n "${TLOG:-}" ] && ll_show "$TLOG" 5
		echo "fault: hostile-$c FAIL"
	fi
}

# want_error CODE: the tool failed with error E<CODE> (not a crash: 1).
want_error() {
	[ "$RC" = 1 ] && grep -q "^error: E$1 " "$LOG"
}

stat_of() {
	ll_field "$LOG" stats: "$1"
}

READ=(read 0 64 "$LL_TMP/out.bin")
WANT64=$(disk_md5 64)
head -c 32768 /dev/urandom >"$LL_TMP/in.bin"

# Lying DataSegmentLength (16 MiB - 1, past our MaxRecvDSL): a bad header
# on each connection, the read reissued SESS_MAX_REISSUE (8) times, then E58.
run_case dsl-huge 60 --timeout 30 "${READ[@]}"
want_error 58 && [ "$(stat_of bad_pdus)" -ge 2 ] && [ "$(stat_of reissued)" = 8 ] &&
	grep -q 'bad PDU (header)' "$LOG"
verdict dsl-huge $? "DSL 0xffffff: E55 per connection, $(stat_of reconnects) reconnects, E58 after $(stat_of reissued) reissues in $ELAPSED s"

# Lying the other way: DSL 100 on a Data-In that carries 512 bytes (and the
# status): 100 bytes are not the 32 KiB asked for (E9), the rest of the
# block parses as a bad header (E55, reconnect).
run_case dsl-short 60 --timeout 30 "${READ[@]}"
want_error 9 && [ "$(stat_of bad_pdus)" -ge 1 ] && grep -q 'bad PDU (header)' "$LOG"
verdict dsl-short $? "DSL 100 on 512 data bytes: short read E9, tail parsed as a bad header E55"

# Data-In of 33 KiB for a 32 KiB READ: the task fails E55 before any byte
# is copied (ASan build: no write past the buffer).
run_case data-in-beyond 60 --timeout 30 "${READ[@]}"
want_error 55 && grep -q 'Data-In outside the buffer' "$LOG"
verdict data-in-beyond $? "Data-In 512 bytes past a 32 KiB buffer refused (E55), no write outside it"

# Second half first: out of order under DataPDUInOrder=Yes.
run_case data-in-order 60 --timeout 30 "${READ[@]}"
want_error 58 && grep -q 'Data-In out of order' "$LOG" && [ "$(stat_of reissued)" = 8 ]
verdict data-in-order $? "Data-In at offset 16 KiB first: E55 and a reconnect each time, E58 after 8 reissues"

# A second Data-In with status for a finished task: stale, counted, ignored.
run_case data-in-dup-status 60 --timeout 30 "${READ[@]}"
[ "$RC" = 0 ] && [ "$(ll_field "$LOG" result: md5)" = "$WANT64" ] && [ "$(stat_of bad_pdus)" -ge 1 ]
verdict data-in-dup-status $? "duplicate Data-In+status ignored (bad_pdus=$(stat_of bad_pdus)), read md5 right"

# R2T asking for 2 KiB more than the 32 KiB WRITE holds: task fails E55,
# nothing sent from beyond the buffer.
run_case r2t-beyond 60 --timeout 30 write 8 "$LL_TMP/in.bin"
want_error 55 && grep -q 'R2T outside the buffer' "$LOG" && [ "$(stat_of bytes_out)" = 0 ]
verdict r2t-beyond $? "R2T past the write's end refused (E55), bytes_out=0"

# Opcode 0x3a (not a target opcode): bad header, reconnect, E58 in the end.
run_case unknown-opcode 60 --timeout 30 "${READ[@]}"
want_error 58 && grep -q 'bad PDU (header)' "$LOG" && [ "$(stat_of reconnects)" -ge 1 ]
verdict unknown-opcode $? "opcode 0x3a: E55 and reconnect each time, E58 after $(stat_of reissued) reissues"

# AsyncEvent 1 (logout requested) instead of the first
# READ's data: we log out, log in again, reissue the READ; the data is right.
run_case async-logout 60 --timeout 30 read 0 64 "$LL_TMP/out.bin"
[ "$RC" = 0 ] && [ "$(ll_field "$LOG" result: md5)" = "$WANT64" ] &&
	[ "$(stat_of async)" = 1 ] && [ "$(stat_of reconnects)" = 1 ] && [ "$(tstat logouts)" -ge 1 ]
verdict async-logout $? "AsyncEvent 1: logout, $(stat_of reconnects) reconnect, READ reissued ($(stat_of reissued)), md5 right"

# A target that redirects every login to itself: ISCSI_MAX_REDIRECTS (4) then E53.
run_case redirect-loop 60 --timeout 30 show
want_error 53 && [ "$(tstat conns)" = 5 ]
verdict redirect-loop $? "redirect to itself: $(tstat conns) connections, E53"

# NOP-Ins without end (each wanting a ping) while the READ is never
# answered: the task times out (--io-timeout 2) on each of 9 connections, E58.
run_case nop-storm 60 --io-timeout 2 --timeout 30 "${READ[@]}"
secs=${ELAPSED%.*}
want_error 58 && [ "$(stat_of nops_answered)" -ge 1000 ] && [ "$secs" -le 40 ] &&
	grep -q 'timed out E3' "$LOG"
verdict nop-storm $? "$(tstat nops) NOP-Ins, $(stat_of nops_answered) answered, READ timed out 9 x 2 s, E58 in $ELAPSED s"

# The operational stage forever (T never granted): LOGIN_MAX_ROUNDS (32), E50.
run_case login-endless 60 --timeout 30 show
want_error 50 && [ "$(tstat login_rounds)" -le 32 ]
verdict login-endless $? "login never granted full feature: $(tstat login_rounds) rounds, E50"

# A login request never answered: the login deadline (30 s), E3.
run_case login-stall 60 --timeout 30 show
secs=${ELAPSED%.*}
want_error 3 && [ "$secs" -le 40 ]
verdict login-stall $? "login never answered: E3 after $ELAPSED s"

# 50 Rejects for each command: the command fails E56 (no retry storm).
run_case reject-storm 60 --timeout 30 show
want_error 56 && [ "$(stat_of rejects)" -ge 1 ]
verdict reject-storm $? "50 Rejects per command: E56, tool still exits cleanly"

# Mutual CHAP asked for (reverse user/secret set): a target that takes our
# CHAP_R and grants transit without its own CHAP_N/CHAP_R, or stays in the
# security stage without them, is refused E51; no secret printed.
SEC1=hostile-secret-0123 SEC2=hostile-secret-4567
MUT=(--username lluser --password "$SEC1" --reverse-username lltarget --reverse-password "$SEC2")
for c in mutual-skip mutual-stay; do
	run_case "$c" 60 --timeout 30 "${MUT[@]}" show
	want_error 51 && [ "$(tstat chap_r_seen)" = 1 ] && ! grep -q -e "$SEC1" -e "$SEC2" "$LOG"
	verdict "$c" $? "target never proves itself under mutual CHAP: E51, no secret in the output"
done

# DHCP/ARP flood on the segment while lifeline-iscsi does DHCP + login +
# a read: dnsmasq gives the lease and root path, flood.py sends bogus
# DHCP offers/ACKs/NAKs (other xids) and ARP requests/replies.
flood_case() {
	local dlog=$LL_TMP/dnsmasq.log flog=$LL_TMP/flood.log dpid fpid
	LOG=$LL_TMP/flood-boot.log TLOG=""
	start_target good || { RC=255; ELAPSED=0; verdict dhcp-arp-flood 1 "target start"; return; }
	ll_bg "$dlog" dnsmasq --no-daemon --conf-file=/dev/null --interface=tap0 \
		--bind-interfaces --except-interface=lo --dhcp-range=10.77.0.100,10.77.0.150,1h \
		--dhcp-option=17,"$RP" --pid-file= --leasefile-ro --port=0 --log-facility=-
	dpid=$LL_LAST_PID
	ll_wait_line "$dlog" 'DHCP, IP range' 10
	ll_bg "$flog" python3 "$FLOOD" --if tap0 --secs 25
	fpid=$LL_LAST_PID
	ll_wait_line "$flog" '^flood: started' 10
	local t0=$EPOCHREALTIME
	ll_ns timeout -k 5 90 "$LL_ISCSI" --tap tap0 --mac "$ISCSI_MAC" --dhcp \
		"${READ[@]}" >"$LOG" 2>&1
	RC=$?
	ELAPSED=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	local alive=1
	kill -0 "$fpid" 2>/dev/null && alive=0
	kill -TERM "$fpid" 2>/dev/null; ll_wait_pid "$fpid" 5 >/dev/null
	kill -TERM "$dpid" 2>/dev/null
	stop_target
	[ "$RC" = 0 ] && [ "$alive" = 0 ] && grep -q "^lease: ip=10.77.0.1[0-5][0-9] root-path=$RP" "$LOG" &&
		[ "$(ll_field "$LOG" result: md5)" = "$WANT64" ]
	verdict dhcp-arp-flood $? "lease + login + read md5 right under $(tail -n 1 "$flog" | sed 's/^flood: //')"
}
flood_case
[ "$FAILS" -eq 0 ]
