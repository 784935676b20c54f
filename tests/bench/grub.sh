#!/bin/bash
# tests/bench/grub.sh - INT 13h read speed (16 MiB of EDD reads timed inside
# the MBR test by the TSC, calibrated on the PIT) after a BIOS GRUB start:
# lifeline.elf by `multiboot2` (static settings on its command line) against
# the anchor, Debian's iPXE (`linux16 /ipxe.lkrn`, `initrd16` of a script
# doing `dhcp` and `sanboot` of the same root path), both from the same GRUB build,
# the same tgtd and disk over slirp, e1000, in the same run. Numbers come
# only from runs whose checksums all matched. Median of RUNS, with spread=
# max/min of the runs (anchor-spread= the anchor's).
# Env: LL_BENCH_GRUB_RUNS (default 3).
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"
. "$(dirname "$0")/../lib/stats.sh"

RUNS=${LL_BENCH_GRUB_RUNS:-3}
ELF=$LL_ROOT/build/lifeline.elf
LKRN=/usr/lib/ipxe/ipxe.lkrn
BENCH_SECTORS=32768                 # 16 MiB

note() { echo "bench: note: $*" >&2; }

# one_boot MODE N: GRUB image of MODE (lifeline or ipxe) boots the test
# disk; R_RATE (MiB/s) when the run was right, else empty (and a note).
one_boot() {
	local mode=$1 n=$2 log=$LL_TMP/$1.$2.serial b
	R_RATE=""
	QL_NIC=e1000 ql_qemu_slirp_kernel "$log" 150 "$LL_TMP/$mode/grub.lnx"
	if ! ql_wait "$log" '^MBRTEST (DONE|FAIL)' 150; then
		ql_qemu_stop
		note "$mode run $n: no MBR test end ($(tail -n 2 "$log" | tr -d '\r' | tr '\n' ' '))"
		return
	fi
	ql_qemu_stop
	if grep -aq '^MBRTEST FAIL' "$log" || ! mbr_check "$log" "$DISK" "$EXPECT" >&2; then
		note "$mode run $n: checksums wrong or test failed"
		return
	fi
	if [ "$mode" = lifeline ] && ! grep -aq '^lifeline: booting the MBR' "$log"; then
		note "lifeline run $n: MBR ran but not through lifeline"
		return
	fi
	b=$(mbr_bench "$log") || { note "$mode run $n: no bench line"; return; }
	R_RATE=${b#* }
	[ "$mode" = lifeline ] && ll_stats_notes "$log" "$n"
	return 0
}

# series MODE: S_RATE, the median of RUNS (S_SPREAD their max/min), or
# empty when a run failed.
series() {
	local mode=$1 i rates=()
	S_RATE=""
	for ((i = 1; i <= RUNS; i++)); do
		one_boot "$mode" "$i"
		[ -n "$R_RATE" ] || return
		rates+=("$R_RATE")
	done
	note "grub $mode int13 read ${rates[*]} MiB/s"
	S_RATE=$(stat_median "${rates[@]}")
	S_SPREAD=$(stat_spread "${rates[@]}")
}

for t in "$QL_QEMU" nasm tgtd tgtadm grub-mkimage /usr/bin/python3 "$LKRN" "$ELF"; do
	command -v "$t" >/dev/null || [ -f "$t" ] || { note "missing $t (make deps / make)"; exit 1; }
done
ql_slirp_setup || { note "no free loopback port"; exit 1; }
DISK=$LL_TMP/mbrtest.img
EXPECT=$LL_TMP/mbrtest.expect
iqn=$TGT_IQN_BASE:grub-bench
mbr_disk "$DISK" "$BENCH_SECTORS" >/dev/null && mbr_expect "$DISK" >"$EXPECT" ||
	{ note "building the test disk failed"; exit 1; }
ql_slirp_target "$DISK" 1 "$iqn" || { note "tgtd failed"; exit 1; }
rootpath="iscsi:10.0.2.2::$QL_SLIRP_PORT:1:$iqn"
initiator=iqn.2026-01.org.lifeline.test:grub-bench

# iPXE's lkrn runs its initrd as its script
printf '#!ipxe\ndhcp\nset initiator-iqn %s\nsanboot %s\n' "$initiator" "$rootpath" \
	>"$LL_TMP/boot.ipxe"
QL_GRUB_LOADERS=linux16 ql_grub_image "$LL_TMP/ipxe" "linux16 /ipxe.lkrn
initrd16 /boot.ipxe
boot" "$LKRN" "$LL_TMP/boot.ipxe" || { note "GRUB image (iPXE) failed"; exit 1; }
ql_grub_lnx "$LL_TMP/lifeline" "root-path=$rootpath" ip=10.0.2.15 \
	netmask=255.255.255.0 gateway=10.0.2.2 "initiator-iqn=$initiator" ||
	{ note "GRUB image (lifeline) failed"; exit 1; }

series ipxe
[ -n "$S_RATE" ] || { note "iPXE anchor runs failed"; exit 1; }
a_rate=$S_RATE a_sp=$S_SPREAD
echo "bench: grub-int13-read-ipxe $a_rate MiB/s spread=$a_sp"
series lifeline
[ -n "$S_RATE" ] || { note "lifeline.elf did not boot the test disk from GRUB"; exit 1; }
awk -v o="$S_RATE" -v a="$a_rate" -v sp="$S_SPREAD" -v as="$a_sp" 'BEGIN {
	printf "bench: grub-int13-read %.2f MiB/s anchor=%.2f ratio=%.2f spread=%s anchor-spread=%s\n",
	       o, a, (a > 0 ? o / a : 0), sp, as }'
