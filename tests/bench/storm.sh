#!/bin/bash
# tests/bench/storm.sh - boot storm figures: STORM_N (8) guests PXE-boot the
# MBR test disk at once from one tgtd gateway, each its own LUN
# (tests/lib/storm.sh), first by QEMU's iPXE ROM sanbooting the LUN (the
# anchor), then by lifeline.pxe chainloaded by the same ROM; every guest's
# checksums must be right or the storm gives no figures.
#   storm-int13-read: MiB/s of the MBR test's timed EDD read (16 MiB, TSC
#     timed, PIT calibrated) per guest, median over the guests;
#   storm-boot: seconds from starting the guests to the last guest's
#     "MBRTEST start" (its MBR runs).
# Also, as notes: the same read by one guest alone, per-guest spread, and
# tgtd's CPU seconds during each storm (/proc/PID/stat).
# Env: STORM_N (guests), LL_BENCH_STORM_SECTORS (timed read, default 32768;
# with 8192 the guests' reads hardly overlap and the figures flatter both).
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"
. "$(dirname "$0")/../lib/stats.sh"
. "$(dirname "$0")/../lib/storm.sh"

PXE=$LL_ROOT/build/lifeline.pxe
SECTORS=${LL_BENCH_STORM_SECTORS:-32768}   # 16 MiB: the reads of the 8 overlap

note() { echo "bench: note: $*" >&2; }

# run_storm MODE: one storm (MODE ipxe or lifeline) of STORM_N guests;
# sets R_RATE (median MiB/s), R_LAST (s to the last MBR), R_RATES, R_ATS,
# R_CPU (tgtd CPU s), or leaves R_RATE empty when any guest was wrong.
run_storm() {
	local mode=$1 i b cpu0 rates=() bad=0
	R_RATE="" R_LAST="" R_RATES="" R_ATS="" R_CPU=""
	storm_dnsmasq "$mode" || { note "dnsmasq failed"; return; }
	cpu0=$(storm_tgtd_cpu)
	storm_start 300
	storm_wait 280
	storm_stop
	R_CPU=$(awk -v a="$cpu0" -v b="$(storm_tgtd_cpu)" 'BEGIN { printf "%.2f", b - a }')
	for ((i = 0; i < STORM_N; i++)); do
		if ! storm_verdict "$i" "$EXPECT" >&2; then
			bad=1
			continue
		fi
		if [ "$mode" = lifeline ] &&
		   ! grep -aq '^lifeline: booting the MBR' "$LL_TMP/storm$i.serial"; then
			note "guest $i: lifeline did not boot the MBR"
			bad=1
			continue
		fi
		b=$(mbr_bench "$LL_TMP/storm$i.serial") || { note "guest $i: no bench line"; bad=1; continue; }
		rates+=("${b#* }")
	done
	if [ $bad = 1 ] || [ ${#STORM_MBR_AT[@]} -ne "$STORM_N" ]; then
		note "$mode storm of $STORM_N: a guest failed (above): no figures"
		return
	fi
	R_RATES="${rates[*]}" R_ATS="${STORM_MBR_AT[*]}"
	R_RATE=$(stat_median "${rates[@]}")
	R_LAST=$(storm_max "${STORM_MBR_AT[@]}")
	note "$mode storm: read ${R_RATES} MiB/s; MBR at ${R_ATS} s; tgtd CPU ${R_CPU} s"
}

if [ "$(id -u)" != 0 ]; then
	note "storm bench needs root (netns, taps)"; exit 1
fi
for t in "$QL_QEMU" nasm dnsmasq tgtd tgtadm /usr/bin/python3; do
	command -v "$t" >/dev/null || { note "missing $t (make deps)"; exit 1; }
done
[ -f "$PXE" ] || { note "no build/lifeline.pxe (make)"; exit 1; }
storm_net_setup || { note "namespace setup failed"; exit 1; }
SRC=$LL_TMP/mbrtest.img
EXPECT=$LL_TMP/mbrtest.expect
mbr_disk "$SRC" "$SECTORS" && mbr_expect "$SRC" >"$EXPECT" || { note "test disk failed"; exit 1; }
mkdir -p "$LL_TMP/tftp"
cp "$PXE" "$LL_TMP/tftp/lifeline.pxe"
storm_disks "$SRC" && storm_tgtd || { note "tgtd failed"; exit 1; }

# one guest alone first (the per-client figure without the storm)
N_ALL=$STORM_N
STORM_N=1
run_storm ipxe; alone_a=$R_RATE alone_a_boot=$R_LAST
run_storm lifeline; alone_o=$R_RATE alone_o_boot=$R_LAST
STORM_N=$N_ALL
run_storm ipxe
a_rate=$R_RATE a_last=$R_LAST a_rates=$R_RATES a_cpu=$R_CPU
run_storm lifeline
o_rate=$R_RATE o_last=$R_LAST o_rates=$R_RATES o_cpu=$R_CPU
[ -n "$alone_a" ] && [ -n "$alone_o" ] &&
	note "one guest alone: read lifeline $alone_o MiB/s, iPXE $alone_a MiB/s; MBR at $alone_o_boot s, iPXE $alone_a_boot s"
if [ -z "$a_rate" ] || [ -z "$o_rate" ]; then
	note "a storm failed: no storm figures"
	exit 1
fi
# shellcheck disable=SC2086
o_sp=$(stat_spread $o_rates) a_sp=$(stat_spread $a_rates)
note "tgtd CPU during the storm: lifeline $o_cpu s, iPXE $a_cpu s ($STORM_N guests)"
awk -v o="$o_rate" -v a="$a_rate" -v sp="$o_sp" -v as="$a_sp" -v n="$STORM_N" 'BEGIN {
	printf "bench: storm-int13-read %.2f MiB/s anchor=%.2f ratio=%.2f spread=%s anchor-spread=%s guests=%d\n",
	       o, a, (a > 0 ? o / a : 0), sp, as, n }'
awk -v o="$o_last" -v a="$a_last" -v n="$STORM_N" 'BEGIN {
	printf "bench: storm-boot %.2f s anchor=%.2f ratio=%.2f guests=%d\n", o, a, (a > 0 ? o / a : 0), n }'
exit 0
