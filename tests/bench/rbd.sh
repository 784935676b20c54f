#!/bin/bash
# tests/bench/rbd.sh - INT 13h read speed of lifeline.pxe from Ceph RBD (the
# MBR test disk imported as an image, one tgtd gateway with tgt-rbd, one-node
# cluster of tests/lib/ceph.sh) against the anchor: the same client, the same
# tgtd, the same disk as a file-backed LUN, in the same run. The guest's own
# timed EDD read (32 MiB, TSC calibrated on the PIT). Runs alternate file and
# RBD; numbers only from runs whose checksums all matched; median of RUNS.
# Env: LL_BENCH_RBD_RUNS (default 3).
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"
. "$(dirname "$0")/../lib/stats.sh"
. "$(dirname "$0")/../lib/ceph.sh"

RUNS=${LL_BENCH_RBD_RUNS:-3}
PXE=$LL_ROOT/build/lifeline.pxe
BENCH_SECTORS=65536                 # 32 MiB
FILE_IQN=$QL_IQN-file
RBD_IQN=$QL_IQN-rbd

note() { echo "bench: note: $*" >&2; }

for t in "$QL_QEMU" nasm dnsmasq tgtd ceph-mon ceph-osd rbd; do
	command -v "$t" >/dev/null || { note "missing $t (make deps)"; exit 1; }
done
[ -f "$PXE" ] || { note "no build/lifeline.pxe (make)"; exit 1; }
ql_net_setup || { note "namespace setup failed"; exit 1; }
ceph_trap
ceph_start "$LL_TMP/ceph" >&2 || { note "the Ceph cluster did not start"; exit 1; }
DISK=$LL_TMP/mbrtest.img
EXPECT=$LL_TMP/mbrtest.expect
mbr_disk "$DISK" "$BENCH_SECTORS" && mbr_expect "$DISK" >"$EXPECT" ||
	{ note "building the test disk failed"; exit 1; }
mkdir -p "$LL_TMP/tftp"
cp "$PXE" "$LL_TMP/tftp/lifeline.pxe"
# one gateway: target 1 the file, target 2 the image of the same disk
if ! ceph_image bench 1 "$DISK" || ! ceph_gateway gw "$QL_PORTAL" ||
   ! tgt_target "$CEPH_GW_CTL" 1 "$FILE_IQN" "$DISK" ||
   ! ceph_lun gw 2 "$RBD_IQN" bench; then
	note "image or gateway failed"
	exit 1
fi

# one_boot MODE N: boot lifeline.pxe from the file (MODE file) or the image
# (MODE rbd); sets R_RATE (MiB/s) when every check passed, else empty.
one_boot() {
	local mode=$1 n=$2 log=$LL_TMP/$1.$2.serial iqn=$FILE_IQN img=$DISK b
	R_RATE=""
	[ "$mode" = rbd ] && iqn=$RBD_IQN img=$LL_TMP/export.img
	ql_dnsmasq "$(ql_rootpath 1 "$iqn")" "$LL_TMP/tftp" lifeline.pxe || { note "dnsmasq failed"; return; }
	ql_qemu "$log" 120
	ql_wait "$log" '^MBRTEST (DONE|FAIL)' 110
	ql_qemu_stop
	[ "$mode" = rbd ] && { ceph_export bench "$img" || { note "rbd export failed"; return; }; }
	if ! grep -aq '^lifeline: booting the MBR' "$log" || grep -aq '^MBRTEST FAIL' "$log" ||
	   ! mbr_check "$log" "$img" "$EXPECT" >&2; then
		note "$mode run $n: no lifeline boot, or checksums wrong"
		return
	fi
	b=$(mbr_bench "$log") || { note "$mode run $n: no bench line"; return; }
	R_RATE=${b#* }
}

files=() rbds=()
for ((i = 1; i <= RUNS; i++)); do
	one_boot file "$i"
	[ -n "$R_RATE" ] || exit 1
	files+=("$R_RATE")
	one_boot rbd "$i"
	[ -n "$R_RATE" ] || exit 1
	rbds+=("$R_RATE")
done
note "int13 read from the file LUN ${files[*]} MiB/s, from RBD ${rbds[*]} MiB/s (cluster start $CEPH_START_SECS s)"
awk -v o="$(stat_median "${rbds[@]}")" -v a="$(stat_median "${files[@]}")" \
    -v sp="$(stat_spread "${rbds[@]}")" -v as="$(stat_spread "${files[@]}")" 'BEGIN {
	printf "bench: rbd-int13-read %.2f MiB/s anchor=%.2f ratio=%.2f spread=%s anchor-spread=%s\n",
		o, a, (a > 0 ? o / a : 0), sp, as }'
exit 0
