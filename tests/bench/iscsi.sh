#!/bin/bash
# tests/bench/iscsi.sh - sequential iSCSI throughput of lifeline-iscsi (our
# stack over a TAP) against tgtd, 128 KiB requests, 16 in flight, read and
# write, median of 3. Anchor: libiscsi's iscsi-perf reading the same LUN of
# the same tgtd with the same size and depth in the same run, from a second
# namespace whose frames cross user space once (tapB -> relay -> tapA), as
# ours cross our TAP; its loopback figure is printed too, for information.
# Env: LL_BENCH_ISCSI_MIB (LUN size and transfer, default 256).
set -uo pipefail
. "$(dirname "$0")/../lib/hosted.sh"
. "$(dirname "$0")/../lib/tgt.sh"
. "$(dirname "$0")/../lib/iscsi_lib.sh"

RELAY="$LL_ROOT/build/tests/relay"
MIB=${LL_BENCH_ISCSI_MIB:-256}
REQ_KIB=128
DEPTH=16
RUNS=3
PERF_SECS=5
IQN=$TGT_IQN_BASE:bench
RLY_T_IP=10.78.1.1   # relay path: tgtd's side (tap rlyA in our namespace)
RLY_I_IP=10.78.1.2   # relay path: iscsi-perf's side (tap rlyB in NS_I)
RLY_NS=()            # namespaces made here for the relay path

note() { echo "bench: note: $*" >&2; }

bench_cleanup() {
	tgt_cleanup   # kills the relay too (its PID is in LL_PIDS)
	local ns
	for ns in "${RLY_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
}

# relay_setup: namespaces <base>-r (relay) and <base>-i (iscsi-perf); the
# relay makes taps rlyA and rlyB in -r, rlyA moves to tgtd's namespace and
# rlyB to -i; tgtd gets a second portal on rlyA. 0 or 1.
relay_setup() {
	local base="llbi-$$" log="$LL_TMP/relay.log" ns
	NS_R=$base-r NS_I=$base-i
	for ns in "$NS_R" "$NS_I"; do
		ip netns add "$ns" || return 1
		RLY_NS+=("$ns")
		ip -n "$ns" link set lo up
	done
	ip netns exec "$NS_R" "$RELAY" rlyA rlyB >"$log" 2>&1 &
	LL_PIDS+=("$!")
	ll_wait_line "$log" '^ready' 10 || return 1
	ip -n "$NS_R" link set rlyA netns "$LL_NS" &&
	ip -n "$NS_R" link set rlyB netns "$NS_I" &&
	ip -n "$LL_NS" addr add "$RLY_T_IP/24" dev rlyA &&
	ip -n "$NS_I" addr add "$RLY_I_IP/24" dev rlyB &&
	ip -n "$LL_NS" link set rlyA up &&
	ip -n "$NS_I" link set rlyB up || return 1
	ip netns exec "$NS_I" ping -c 1 -W 2 "$RLY_T_IP" >/dev/null 2>&1 ||
		ip netns exec "$NS_I" ping -c 1 -W 2 "$RLY_T_IP" >/dev/null 2>&1 || return 1
	tgtadm_c "$CTL" --mode portal --op new --param "portal=$RLY_T_IP:3260"
}

# ours OP: median MiB/s of RUNS runs of `bench OP` (0 when one failed).
ours() {
	local op=$1 i v vals=() log
	for ((i = 0; i < RUNS; i++)); do
		log=$LL_TMP/bench-$op-$i.log
		if ! lli "$log" 120 --root-path "$(rootpath "$IQN")" \
			bench "$op" "$MIB" "$REQ_KIB" "$DEPTH"; then
			note "iscsi-$op run $i failed: $(grep -m1 '^error:' "$log")"
			echo 0; return
		fi
		v=$(ll_field "$log" result: mibps)
		vals+=("${v:-0}")
	done
	note "iscsi-$op ours runs: ${vals[*]} MiB/s"
	printf '%s\n' "${vals[@]}" | sort -g | sed -n "$(((RUNS + 1) / 2))p"
}

# perf_mibps LOG: MiB/s of one iscsi-perf run. Its closing line is
# "iops average N (M MB/s)": N = requests completed per second from the
# first submission (after login and READ CAPACITY) to the first completion
# PERF_SECS seconds later; M = N * request bytes >> 20, i.e. MiB/s rounded
# down to a whole number. N * REQ_KIB / 1024 is the same figure unrounded.
perf_mibps() {
	tr '\r' '\n' <"$1" |
		sed -n 's/^ *iops average \([0-9][0-9]*\) ([0-9]* MB\/s).*/\1/p' | tail -n 1 |
		awk -v k="$REQ_KIB" 'NF { printf "%.2f\n", $1 * k / 1024 }'
}

# anchor NS ADDR WHAT: median MiB/s of RUNS iscsi-perf reads run in NS
# against the portal ADDR (0 when one failed).
anchor() {
	local ns=$1 addr=$2 what=$3 i v vals=() log blocks=$((REQ_KIB * 2))
	for ((i = 0; i < RUNS; i++)); do
		log=$LL_TMP/perf-$what-$i.log
		ip netns exec "$ns" timeout -k 5 $((PERF_SECS + 30)) iscsi-perf -m "$DEPTH" \
			-b "$blocks" -t "$PERF_SECS" "iscsi://$addr/$IQN/1" >"$log" 2>&1
		v=$(perf_mibps "$log")
		[ -n "$v" ] || { note "iscsi-perf $what run $i: $(tail -c 200 "$log")"; echo 0; return; }
		vals+=("$v")
	done
	note "iscsi-perf $what read runs: ${vals[*]} MiB/s"
	printf '%s\n' "${vals[@]}" | sort -g | sed -n "$(((RUNS + 1) / 2))p"
}

iscsi_require bench-iscsi
command -v iscsi-perf >/dev/null || { echo "bench: missing iscsi-perf (make deps)"; exit 1; }
[ -x "$RELAY" ] || { echo "bench: missing $RELAY (make host)"; exit 1; }
tgt_setup || { echo "bench: namespace setup failed"; exit 1; }
trap bench_cleanup EXIT
CTL=$(( $(tgt_ctl_base) + 3 ))
tgt_backing "$LL_TMP/bench.img" "$MIB"
if ! tgt_start "$CTL" "$ISCSI_PORTAL" "$LL_TMP/tgtd.log" ||
   ! tgt_target "$CTL" 1 "$IQN" "$LL_TMP/bench.img"; then
	echo "bench: tgtd setup failed"; exit 1
fi
relay_setup || { echo "bench: relay path setup failed"; exit 1; }
echo "bench: iscsi $MIB MiB, ${REQ_KIB} KiB requests, $DEPTH in flight, median of $RUNS;" \
	"anchor: iscsi-perf ${PERF_SECS} s through the relay" >&2
w=$(ours write)   # first, so reads find allocated blocks
r=$(ours read)
a=$(anchor "$NS_I" "$RLY_T_IP" relay)
l=$(anchor "$LL_NS" "$LL_HOST_IP" loopback)
awk -v r="$r" -v w="$w" -v a="$a" -v l="$l" 'BEGIN {
	printf "bench: iscsi-read %.1f MiB/s anchor=%.1f ratio=%.2f\n", r, a, (a > 0 ? r / a : 0)
	printf "bench: iscsi-write %.1f MiB/s anchor=%.1f ratio=%.2f\n", w, a, (a > 0 ? w / a : 0)
	printf "bench: iscsi-read-loopback-anchor %.1f MiB/s\n", l
	if (r > 0)
		printf "bench: note: iscsi write/read = %.2f (goal: >= 0.80)\n", w / r > "/dev/stderr"
	exit !(r > 0 && w > 0 && a > 0) }'
