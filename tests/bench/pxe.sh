#!/bin/bash
# tests/bench/pxe.sh - PXE boot time (QEMU start to the test MBR's first line)
# and INT 13h read speed (16 MiB of EDD reads timed inside the MBR test by
# the TSC, calibrated on the PIT) of iPXE's own sanboot, the anchor; and of
# lifeline.pxe from the same tgtd in the same run once it boots the disk;
# on the e1000 (headline lines), on virtio-net-pci (-virtio lines) and on
# the rtl8139, whose ROM lifeline can only drive through UNDI (-undi lines).
# Numbers come only from runs whose checksums all matched. Median of RUNS,
# with spread= max/min of the runs (each side's worst).
# Env: LL_BENCH_PXE_RUNS (default 5), LL_BENCH_PXE_IMAGE (the lifeline.pxe), LL_PXE_MARKER (regex of the serial line
# that proves lifeline booted the MBR; default '^lifeline: booting the MBR'),
# LL_BENCH_PXE_STRICT=1 (fail when build/lifeline.pxe exists but does not
# boot the disk).
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"
. "$(dirname "$0")/../lib/stats.sh"

RUNS=${LL_BENCH_PXE_RUNS:-5}
MARKER=${LL_PXE_MARKER:-'^lifeline: booting the MBR'}
PXE=${LL_BENCH_PXE_IMAGE:-$LL_ROOT/build/lifeline.pxe}   # another image: a before/after run
BENCH_SECTORS=32768                 # 16 MiB
rc_all=0

note() { echo "bench: note: $*" >&2; }

# host_counts: the target side's TCP sender counters in the namespace
# (segments resent, RTOs, tail loss probes, fast retransmits) and the frames
# the tap dropped on its way to QEMU, as "R T P F D".
host_counts() {
	local d
	d=$(ip netns exec "$LL_NS" cat /sys/class/net/"$QL_TAP"/statistics/tx_dropped 2>/dev/null)
	ip netns exec "$LL_NS" nstat -asz 2>/dev/null | awk -v d="${d:-0}" '
		{ v[$1] = $2 }
		END { printf "%d %d %d %d %d", v["TcpRetransSegs"], v["TcpExtTCPTimeouts"],
			v["TcpExtTCPLossProbes"], v["TcpExtTCPFastRetrans"], d }'
}

# host_note MODE N BEFORE: one note with what host_counts moved by in a run.
host_note() {
	local a=($3) b=($(host_counts))
	note "$1 run $2: target resent $((b[0] - a[0])) segs ($((b[1] - a[1])) rto," \
		"$((b[2] - a[2])) tlp, $((b[3] - a[3])) fast), tap dropped $((b[4] - a[4]))"
}

# one_boot MODE N: boot the test disk by iPXE sanboot (MODE ipxe) or by
# lifeline.pxe chainloaded by the ROM (MODE lifeline); sets R_BOOT (s) and
# R_RATE (MiB/s) when the run was right, else leaves them empty (and notes).
one_boot() {
	local mode=$1 n=$2 log=$LL_TMP/$1.$2.serial t b k before
	R_BOOT="" R_RATE=""
	before=$(host_counts)
	ql_qemu "$log" 120
	if ! t=$(ql_wait_secs "$log" '^MBRTEST start' 90); then
		ql_qemu_stop
		note "$mode run $n: no MBR output ($(tail -n 2 "$log" | tr -d '\r' | tr '\n' ' '))"
		return
	fi
	ql_wait "$log" '^MBRTEST (DONE|FAIL)' 90
	host_note "$mode" "$n" "$before"
	ql_qemu_stop
	# the dead guest's connections go now: their retransmissions would
	# count in the next run
	ip netns exec "$LL_NS" ss -K -tn state established '( sport = :3260 )' >/dev/null 2>&1
	if grep -aq '^MBRTEST FAIL' "$log" || ! mbr_check "$log" "$DISK" "$EXPECT" >&2; then
		note "$mode run $n: checksums wrong or test failed"
		return
	fi
	if [ "$mode" = lifeline ] && ! grep -aqE -- "$MARKER" "$log"; then
		note "lifeline run $n: MBR ran but no line matches $MARKER"
		return
	fi
	b=$(mbr_bench "$log") || { note "$mode run $n: no bench line"; return; }
	R_BOOT=$t R_RATE=${b#* }
	[ "$mode" = lifeline ] && ll_stats_notes "$log" "$n"
	return 0
}

# series MODE: RUNS boots; sets S_BOOT and S_RATE (medians) and
# S_BSPREAD, S_RSPREAD (max/min), or leaves them empty when any run failed.
series() {
	local mode=$1 i boots=() rates=()
	S_BOOT="" S_RATE=""""
	for ((i = 1; i <= RUNS; i++)); do
		one_boot "$mode" "$i"
		[ -n "$R_BOOT" ] || return
		boots+=("$R_BOOT")
		rates+=("$R_RATE")
	done
	note "$mode boot ${boots[*]} s, int13 read ${rates[*]} MiB/s"
	S_BOOT=$(stat_median "${boots[@]}")
	S_RATE=$(stat_median "${rates[@]}")
	S_BSPREAD=$(stat_spread "${boots[@]}")
	S_RSPREAD=$(stat_spread "${rates[@]}")
}

if [ "$(id -u)" != 0 ]; then
	note "pxe bench needs root (netns, tap)"; exit 1
fi
for t in "$QL_QEMU" nasm dnsmasq tgtd tgtadm /usr/bin/python3; do
	command -v "$t" >/dev/null || { note "missing $t (make deps)"; exit 1; }
done
ql_net_setup || { note "namespace setup failed"; exit 1; }
DISK=$LL_TMP/mbrtest.img
EXPECT=$LL_TMP/mbrtest.expect
mbr_disk "$DISK" "$BENCH_SECTORS" && mbr_expect "$DISK" >"$EXPECT" ||
	{ note "building the test disk failed"; exit 1; }
ql_target "$DISK" || { note "tgtd failed"; exit 1; }

# nic_series NIC SUFFIX: the anchor (QEMU's iPXE ROM, option 17 and no boot
# file -> sanboot) and lifeline.pxe (the ROM chainloads it over TFTP) on
# NIC; prints the lines with SUFFIX ("" for the e1000, QEMU's default).
nic_series() {
	local nic=$1 sfx=$2 a_boot a_rate
	export QL_NIC=$nic
	ql_dnsmasq "$(ql_rootpath)" || { note "dnsmasq failed"; return 1; }
	series ipxe
	if [ -z "$S_BOOT" ]; then
		note "iPXE anchor runs failed on $nic"
		return 1
	fi
	a_boot=$S_BOOT a_rate=$S_RATE
	local a_bs=$S_BSPREAD a_rs=$S_RSPREAD
	echo "bench: pxe-boot-ipxe$sfx $a_boot s spread=$a_bs"
	echo "bench: int13-read-ipxe$sfx $a_rate MiB/s spread=$a_rs"
	if [ ! -f "$PXE" ]; then
		note "no build/lifeline.pxe: anchor lines only"
		return 0
	fi
	mkdir -p "$LL_TMP/tftp"
	cp "$PXE" "$LL_TMP/tftp/lifeline.pxe"
	ql_dnsmasq "$(ql_rootpath)" "$LL_TMP/tftp" lifeline.pxe || { note "dnsmasq (tftp) failed"; return 1; }
	series lifeline
	if [ -z "$S_BOOT" ]; then
		note "build/lifeline.pxe did not boot the test disk on $nic: no lifeline figures"
		[ -n "${LL_BENCH_PXE_STRICT:-}" ] && return 1
		return 0
	fi
	awk -v o="$S_BOOT" -v a="$a_boot" -v n="pxe-boot$sfx" -v sp="$S_BSPREAD" -v as="$a_bs" 'BEGIN {
		printf "bench: %s %.2f s anchor=%.2f ratio=%.2f spread=%s anchor-spread=%s\n", n, o, a, (a > 0 ? o / a : 0), sp, as }'
	awk -v o="$S_RATE" -v a="$a_rate" -v n="int13-read$sfx" -v sp="$S_RSPREAD" -v as="$a_rs" 'BEGIN {
		printf "bench: %s %.2f MiB/s anchor=%.2f ratio=%.2f spread=%s anchor-spread=%s\n", n, o, a, (a > 0 ? o / a : 0), sp, as }'
}

# The e1000 (QEMU's default NIC) gives the headline lines; virtio-net-pci
# the -virtio ones; rtl8139 (UNDI only) the -undi ones. LL_BENCH_PXE_NICS
# picks (default: all three).
for nic in ${LL_BENCH_PXE_NICS:-e1000 virtio-net-pci rtl8139}; do
	case $nic in
	e1000) sfx="" ;;
	virtio-net-pci) sfx="-virtio" ;;
	rtl8139) sfx="-undi" ;;
	*) sfx="-$nic" ;;
	esac
	nic_series "$nic" "$sfx" || rc_all=1
done
exit "$rc_all"
