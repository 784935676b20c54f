#!/bin/bash
# tests/bench/run.sh - TCP throughput of our stack (lifeline-net over a TAP)
# against an anchor: Linux TCP to Linux TCP with every frame crossing user
# space once the same way (tapA <-> relay <-> tapB). Median of 3 runs each.
# Env: LL_BENCH_MIB (transfer size, default 256; 64 when our stack is slow).
set -uo pipefail
. "$(dirname "$0")/../lib/hosted.sh"

RELAY="$LL_ROOT/build/tests/relay"
LCLIENT="$LL_ROOT/build/tests/lclient"
MIB=${LL_BENCH_MIB:-256}
RUNS=3
SEED=7
PORT=5200
ANCHOR_NS=()       # namespaces this script made for the anchor path
A_IP=10.78.0.1     # anchor: peer's side
B_IP=10.78.0.2     # anchor: client's side
rc_all=0

bench_cleanup() {
	ll_cleanup
	local ns
	for ns in "${ANCHOR_NS[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
}

note() { echo "bench: note: $*" >&2; }

# bg_in NS LOG CMD...: start CMD in namespace NS, PID recorded for cleanup.
bg_in() {
	local ns=$1 log=$2; shift 2
	ip netns exec "$ns" "$@" >"$log" 2>&1 &
	LL_LAST_PID=$!
	LL_PIDS+=("$LL_LAST_PID")
}

# anchor_setup: namespaces <base>-r (relay), -a (peer), -b (client); the
# relay makes both taps in -r, then each is moved to its side.
anchor_setup() {
	local base="llb-$$" log="$LL_TMP/relay.log"
	NS_R=$base-r NS_A=$base-a NS_B=$base-b
	for ns in "$NS_R" "$NS_A" "$NS_B"; do
		ip netns add "$ns" || return 1
		ANCHOR_NS+=("$ns")
		ip -n "$ns" link set lo up
	done
	bg_in "$NS_R" "$log" "$RELAY" tapA tapB
	ll_wait_line "$log" '^ready' 10 || return 1
	ip -n "$NS_R" link set tapA netns "$NS_A" &&
	ip -n "$NS_R" link set tapB netns "$NS_B" &&
	ip -n "$NS_A" addr add "$A_IP/24" dev tapA &&
	ip -n "$NS_B" addr add "$B_IP/24" dev tapB &&
	ip -n "$NS_A" link set tapA up &&
	ip -n "$NS_B" link set tapB up || return 1
	ip netns exec "$NS_B" ping -c 1 -W 2 "$A_IP" >/dev/null 2>&1 ||
		ip netns exec "$NS_B" ping -c 1 -W 2 "$A_IP" >/dev/null 2>&1
}

# one_run DIR PEER_NS CLIENT_NS CLIENT... : peer (sink for send, source for
# recv) in PEER_NS, the client in CLIENT_NS; prints the peer's MiB/s when
# both ends agree on bytes and md5, else nothing.
one_run() {
	local dir=$1 pns=$2 cns=$3; shift 3
	local plog="$LL_TMP/peer.$PORT.log" clog="$LL_TMP/client.$PORT.log" ppid cpid
	if [ "$dir" = send ]; then
		bg_in "$pns" "$plog" "$LL_PEER" sink "$PORT"
	else
		bg_in "$pns" "$plog" "$LL_PEER" source "$PORT" $((MIB << 20)) "$SEED"
	fi
	ppid=$LL_LAST_PID
	ll_wait_line "$plog" '^listening' 10 || { note "peer did not listen"; return; }
	bg_in "$cns" "$clog" "$@"
	cpid=$LL_LAST_PID
	ll_wait_pid "$cpid" 180 || { note "client failed: $(tail -n 3 "$clog" | tr '\n' ' ')"; }
	ll_wait_pid "$ppid" 30
	local pb pm cb cm
	pb=$(ll_field "$plog" result: bytes); pm=$(ll_field "$plog" result: md5)
	cb=$(ll_field "$clog" result: bytes); cm=$(ll_field "$clog" result: md5)
	if [ -n "$pm" ] && [ "$pb" = $((MIB << 20)) ] && [ "$pb" = "$cb" ] && [ "$pm" = "$cm" ]; then
		ll_field "$plog" result: mibps
	else
		note "$dir run on port $PORT: peer bytes=${pb:-none} md5=${pm:-none}, client bytes=${cb:-none} md5=${cm:-none}"
	fi
}

# median DIR WHICH: median MiB/s of RUNS runs (0 when any run failed).
median() {
	local dir=$1 which=$2 i v vals=()
	for ((i = 0; i < RUNS; i++)); do
		PORT=$((PORT + 1))
		if [ "$which" = ours ]; then
			local cmd=(send "$LL_HOST_IP" "$PORT" $((MIB << 20)) "$SEED")
			[ "$dir" = recv ] && cmd=(recv "$LL_HOST_IP" "$PORT")
			v=$(one_run "$dir" "$LL_NS" "$LL_NS" "$LL_NET" --tap tap0 \
				--ip "$LL_STACK_IP/24" "${cmd[@]}")
		else
			local cmd=(send "$A_IP" "$PORT" $((MIB << 20)) "$SEED")
			[ "$dir" = recv ] && cmd=(recv "$A_IP" "$PORT")
			v=$(one_run "$dir" "$NS_A" "$NS_B" "$LCLIENT" "${cmd[@]}")
		fi
		[ -n "$v" ] || { echo 0; return; }
		vals+=("$v")
	done
	note "tcp-$dir $which runs: ${vals[*]} MiB/s"
	printf '%s\n' "${vals[@]}" | sort -g | sed -n "$(((RUNS + 1) / 2))p"
}

# figure DIR: one "bench: tcp-DIR" line.
figure() {
	local dir=$1 ours anchor
	ours=$(median "$dir" ours)
	anchor=$(median "$dir" anchor)
	awk -v d="$dir" -v o="$ours" -v a="$anchor" 'BEGIN {
		printf "bench: tcp-%s %.1f MiB/s anchor=%.1f ratio=%.2f\n", d, o, a,
		       (a > 0 ? o / a : 0) }'
	awk -v o="$ours" -v a="$anchor" 'BEGIN { exit !(o > 0 && a > 0) }' || rc_all=1
}

ll_require_root bench
for tool in "$RELAY" "$LCLIENT"; do
	[ -x "$tool" ] || { echo "bench: missing $tool (make host)"; exit 1; }
done
ll_setup || { echo "bench: namespace setup failed"; exit 1; }
trap bench_cleanup EXIT
anchor_setup || { echo "bench: anchor setup failed"; exit 1; }
# a short first transfer picks the size: 64 MiB when our stack is slow
if [ -z "${LL_BENCH_MIB:-}" ]; then
	MIB=16
	v=$(PORT=$((PORT + 100)); one_run send "$LL_NS" "$LL_NS" "$LL_NET" --tap tap0 \
		--ip "$LL_STACK_IP/24" send "$LL_HOST_IP" "$PORT" $((16 << 20)) "$SEED")
	MIB=256
	awk -v v="${v:-0}" 'BEGIN { exit !(v < 50) }' && MIB=64
fi
echo "bench: $MIB MiB per transfer, median of $RUNS" >&2
figure send
figure recv
# cheap extra figure: CRC32C (iSCSI digests), dispatching vs table-driven
[ -x "$LL_ROOT/build/tests/crcbench" ] && "$LL_ROOT/build/tests/crcbench"
bash "$(dirname "$0")/iscsi.sh" || rc_all=1   # iSCSI read/write vs iscsi-perf
bash "$(dirname "$0")/pxe.sh" || rc_all=1     # PXE boot + INT 13h read vs iPXE sanboot
bash "$(dirname "$0")/grub.sh" || rc_all=1    # INT 13h read after a GRUB start vs iPXE from GRUB
bash "$(dirname "$0")/dump.sh" || rc_all=1    # crash dump write vs the guest's Linux initiator
bash "$(dirname "$0")/efi.sh" || rc_all=1     # UEFI SAN boot + BlockIo read vs iPXE EFI sanboot
bash "$(dirname "$0")/rbd.sh" || rc_all=1     # INT 13h read from Ceph RBD vs a file-backed LUN
bash "$(dirname "$0")/storm.sh" || rc_all=1   # 8-guest boot storm from one tgtd vs iPXE sanboot's storm
exit "$rc_all"
