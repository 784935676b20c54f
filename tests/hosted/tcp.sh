#!/bin/bash
# tests/hosted/tcp.sh - 64 MiB TCP transfers between the lifeline stack on a
# TAP and a Linux peer in a private namespace, both directions, clean and
# with injected loss/duplication/reordering/corruption; md5 must agree.
set -u
source "$(dirname "$0")/../lib/hosted.sh"
BYTES=${LL_TCP_BYTES:-67108864}
SEED=20260122
LOSSY=(--loss 3 --dup 3 --reorder 3 --corrupt 1 --seed 7)

ll_require_root hosted/tcp
ll_setup || { echo "FAIL hosted/tcp (namespace setup)"; exit 1; }

# check NAME STACKLOG PEERLOG: both ends saw BYTES bytes with equal md5.
check() {
	local name=$1 a=$2 b=$3
	local ab am bb bm
	ab=$(ll_field "$a" result: bytes); am=$(ll_field "$a" result: md5)
	bb=$(ll_field "$b" result: bytes); bm=$(ll_field "$b" result: md5)
	if [ "$ab" = "$BYTES" ] && [ "$bb" = "$BYTES" ] && [ -n "$am" ] &&
	   [ "$am" = "$bm" ]; then
		echo "PASS hosted/$name"
		echo "  $name: $BYTES bytes md5 $am; lifeline $(ll_field "$a" result: mibps)" \
		     "MiB/s, peer $(ll_field "$b" result: mibps) MiB/s"
		grep -E '^(tcp|faults):' "$a" | sed 's/^/    /'
	else
		echo "FAIL hosted/$name (bytes $ab/$bb md5 $am/$bm)"
		echo "  lifeline-net:"; ll_show "$a"
		echo "  peer:"; ll_show "$b" 5
	fi
}

# transfer NAME PORT DIR [FAULT OPTS...]: DIR send = lifeline -> peer sink,
# recv = peer source -> lifeline.
transfer() {
	local name=$1 port=$2 dir=$3; shift 3
	local plog="$LL_TMP/$name.peer" slog="$LL_TMP/$name.stack" ppid
	if [ "$dir" = send ]; then
		ll_bg "$plog" "$LL_PEER" sink "$port"
	else
		ll_bg "$plog" "$LL_PEER" source "$port" "$BYTES" "$SEED"
	fi
	ppid=$LL_LAST_PID
	if ! ll_wait_line "$plog" '^listening' 10; then
		echo "FAIL hosted/$name (peer did not listen)"; ll_show "$plog"; return
	fi
	if [ "$dir" = send ]; then
		ll_ns timeout -k 5 440 "$LL_NET" --tap tap0 --ip "$LL_STACK_IP/24" --timeout 400 "$@" \
			send "$LL_HOST_IP" "$port" "$BYTES" "$SEED" >"$slog" 2>&1
	else
		ll_ns timeout -k 5 440 "$LL_NET" --tap tap0 --ip "$LL_STACK_IP/24" --timeout 400 "$@" \
			recv "$LL_HOST_IP" "$port" >"$slog" 2>&1
	fi
	ll_wait_pid "$ppid" 40 >/dev/null
	check "$name" "$slog" "$plog"
}

transfer tcp-send-clean 5001 send
transfer tcp-recv-clean 5002 recv
transfer tcp-send-lossy 5003 send "${LOSSY[@]}"
transfer tcp-recv-lossy 5004 recv "${LOSSY[@]}"
