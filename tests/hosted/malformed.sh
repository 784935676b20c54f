#!/bin/bash
# tests/hosted/malformed.sh - floods the stack (lifeline-net over a TAP in a
# namespace) with crafted malformed frames (build/tests/inject), then checks
# that it still answers pings, exits cleanly and counted what it dropped, and
# that a TCP transfer under the same flood arrives intact.
# Env: LL_SEED (default 1), LL_ROUNDS (injector rounds, default 100).
set -uo pipefail
. "$(dirname "$0")/../lib/hosted.sh"

T=hosted/malformed
SEED=${LL_SEED:-1}
ROUNDS=${LL_ROUNDS:-100}
MAC=02:4c:4c:00:00:02
INJECT="$LL_ROOT/build/tests/inject"
fails=0

check() { # check NAME OK-STATUS [DETAIL]: one PASS/FAIL line
	if [ "$2" -eq 0 ]; then
		echo "PASS $T-$1"
	else
		echo "FAIL $T-$1${3:+ ($3)}"
		fails=$((fails + 1))
	fi
}

inject() { # inject LOG ROUNDS SEED: one injector run against our stack
	ll_ns "$INJECT" --if tap0 --dst-mac "$MAC" --dst-ip "$LL_STACK_IP" \
		--src-ip "$LL_HOST_IP" --rounds "$2" --seed "$3" --tcp-port 5001 >"$1" 2>&1
}

# Phase 1: serve, flood, then ping; the exit prints the drop counters.
phase_serve() {
	local log=$LL_TMP/serve.log ilog=$LL_TMP/inject.log sent rc zero="" k v
	ll_bg "$log" "$LL_NET" --tap tap0 --mac "$MAC" --ip "$LL_STACK_IP/24" serve 20
	local pid=$LL_LAST_PID
	ll_wait_line "$log" '^serving' 10 || { check started 1 "no serving line"; ll_show "$log"; return; }
	ll_ns ping -c 2 -i 0.2 -W 2 "$LL_STACK_IP" >/dev/null
	check ping-before $? "no echo reply before the flood"
	# oversize frames need room on the kernel side of the tap
	ll_ns ip link set tap0 mtu 9000
	inject "$ilog" "$ROUNDS" "$SEED"
	rc=$?
	ll_ns ip link set tap0 mtu 1500
	sent=$(sed -n 's/^inject: total sent=\([0-9]*\).*/\1/p' "$ilog")
	echo "seed=$SEED $(tail -n 1 "$ilog")"
	[ "$rc" -eq 0 ] && [ "${sent:-0}" -ge 1000 ]
	check injected $? "inject rc=$rc sent=${sent:-none}"
	kill -0 "$pid" 2>/dev/null && ll_ns ping -c 5 -i 0.2 -W 2 "$LL_STACK_IP" >"$LL_TMP/ping.log" 2>&1
	check survives $? "stack dead or no echo replies after the flood"
	ll_wait_pid "$pid" 30
	rc=$?
	check clean-exit "$rc" "lifeline-net exit $rc"
	grep '^counters:' "$log"
	for k in ip_short ip_csum ip_len ip_frag udp_csum tcp_csum tcp_short \
		 arp_bad tap_oversize; do
		v=$(ll_field "$log" counters: "$k")
		[ "${v:-0}" -gt 0 ] || zero="$zero $k=${v:-missing}"
	done
	[ -z "$zero" ]
	check counted $? "zero:$zero"
	[ -n "$zero" ] && ll_show "$log"
	if [ "$fails" -eq 0 ]; then
		echo "fault: malformed-frame-flood ok ${sent:-?} frames (seed $SEED): pings before and after, clean exit, every drop counter nonzero"
	else
		echo "fault: malformed-frame-flood FAIL"
	fi
}

# Phase 2: a TCP transfer to peer while the injector floods the stack.
phase_tcp() {
	local plog=$LL_TMP/sink.log nlog=$LL_TMP/send.log bytes=$((64 << 20))
	local ppid npid ipid nrc sent_md5 got_md5 got
	ll_bg "$plog" "$LL_PEER" sink 5001
	ppid=$LL_LAST_PID
	ll_wait_line "$plog" '^listening' 10 || { check tcp-under-flood 1 "peer not listening"; ll_show "$plog"; return; }
	inject "$LL_TMP/inject2.log" $((ROUNDS * 4)) "$((SEED + 1))" &
	ipid=$!
	LL_PIDS+=("$ipid")
	sleep 0.1
	ll_bg "$nlog" "$LL_NET" --tap tap0 --mac "$MAC" --ip "$LL_STACK_IP/24" \
		send "$LL_HOST_IP" 5001 "$bytes" "$SEED"
	npid=$LL_LAST_PID
	ll_wait_pid "$npid" 120
	nrc=$?
	ll_wait_pid "$ppid" 30
	ll_wait_pid "$ipid" 30
	kill -0 "$ipid" 2>/dev/null || echo "flood: $(tail -n 1 "$LL_TMP/inject2.log")"
	sent_md5=$(ll_field "$nlog" result: md5)
	got_md5=$(ll_field "$plog" result: md5)
	got=$(ll_field "$plog" result: bytes)
	[ "$nrc" -eq 0 ] && [ "${got:-0}" = "$bytes" ] && [ -n "$sent_md5" ] &&
		[ "$sent_md5" = "$got_md5" ]
	if check tcp-under-flood $? "rc=$nrc bytes=${got:-none} md5 sent=$sent_md5 got=$got_md5" &&
	   [ "$nrc" -eq 0 ] && [ -n "$sent_md5" ] && [ "$sent_md5" = "$got_md5" ]; then
		echo "fault: malformed-flood-tcp ok 64 MiB under the flood, md5 equal both ends"
	else
		echo "fault: malformed-flood-tcp FAIL"
	fi
	grep -E '^(result|counters|tcp):' "$nlog"
}

ll_require_root "$T"
[ -x "$INJECT" ] || { echo "FAIL $T (missing $INJECT; run make host)"; exit 1; }
ll_setup || { echo "FAIL $T (namespace setup)"; exit 1; }
phase_serve
phase_tcp
[ "$fails" -eq 0 ]
