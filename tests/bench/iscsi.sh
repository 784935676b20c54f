#!/bin/bash
# tests/bench/iscsi.sh - sequential iSCSI throughput of lifeline-iscsi (our
# stack over a TAP) against tgtd, 128 KiB requests, 16 in flight, read and
# write, median of 3; anchor: libiscsi's iscsi-perf reading the same LUN of
# the same tgtd with the same request size and depth, in the same run.
# Env: LL_BENCH_ISCSI_MIB (LUN size and transfer, default 256).
set -uo pipefail
. "$(dirname "$0")/../hosted/lib.sh"
. "$(dirname "$0")/../hosted/tgt.sh"
. "$(dirname "$0")/../hosted/iscsi_lib.sh"

MIB=${LL_BENCH_ISCSI_MIB:-256}
REQ_KIB=128
DEPTH=16
RUNS=3
PERF_SECS=5
IQN=$TGT_IQN_BASE:bench

note() { echo "bench: note: $*" >&2; }

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

# anchor: median of RUNS iscsi-perf reads, from its closing
# "iops average N (M MB/s)" line (its MB are 2^20 bytes).
anchor() {
	local i v vals=() log blocks=$((REQ_KIB * 2))
	for ((i = 0; i < RUNS; i++)); do
		log=$LL_TMP/perf-$i.log
		ll_ns timeout -k 5 $((PERF_SECS + 30)) iscsi-perf -m "$DEPTH" -b "$blocks" \
			-t "$PERF_SECS" "iscsi://$LL_HOST_IP/$IQN/1" >"$log" 2>&1
		v=$(tr '\r' '\n' <"$log" | sed -n 's/^ *iops average [0-9]* (\([0-9.]*\) MB\/s).*/\1/p' | tail -n 1)
		[ -n "$v" ] || { note "iscsi-perf run $i: $(tail -c 200 "$log")"; echo 0; return; }
		vals+=("$v")
	done
	note "iscsi-perf read runs: ${vals[*]} MiB/s"
	printf '%s\n' "${vals[@]}" | sort -g | sed -n "$(((RUNS + 1) / 2))p"
}

iscsi_require bench-iscsi
command -v iscsi-perf >/dev/null || { echo "bench: missing iscsi-perf (make deps)"; exit 1; }
tgt_setup || { echo "bench: namespace setup failed"; exit 1; }
CTL=$(( $(tgt_ctl_base) + 3 ))
tgt_backing "$LL_TMP/bench.img" "$MIB"
if ! tgt_start "$CTL" "$ISCSI_PORTAL" "$LL_TMP/tgtd.log" ||
   ! tgt_target "$CTL" 1 "$IQN" "$LL_TMP/bench.img"; then
	echo "bench: tgtd setup failed"; exit 1
fi
echo "bench: iscsi $MIB MiB, ${REQ_KIB} KiB requests, $DEPTH in flight, median of $RUNS" >&2
w=$(ours write)   # first, so reads find allocated blocks
r=$(ours read)
a=$(anchor)
awk -v r="$r" -v w="$w" -v a="$a" 'BEGIN {
	printf "bench: iscsi-read %.1f MiB/s anchor=%.1f ratio=%.2f\n", r, a, (a > 0 ? r / a : 0)
	printf "bench: iscsi-write %.1f MiB/s anchor=%.1f ratio=%.2f\n", w, a, (a > 0 ? w / a : 0)
	if (r > 0)
		printf "bench: note: iscsi write/read = %.2f (goal: >= 0.80)\n", w / r > "/dev/stderr"
	exit !(r > 0 && w > 0 && a > 0) }'
