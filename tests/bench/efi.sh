#!/bin/bash
# tests/bench/efi.sh - UEFI SAN boot figures: seconds from QEMU start to the
# BlockIo probe's first line (efi-boot) and the MiB/s of its 8 MiB read
# (efi-read) under OVMF, for the anchor NBP (LL_EFI_NBP, default Debian's
# ipxe.efi, which SAN-boots the LUN from option 17) and, when
# build/lifeline.efi exists, for lifeline.efi from the same tgtd in the same
# run (anchor= and ratio= lines). virtio-net gives the headline lines (EDK2's
# PXE loads the NBP); the e1000 (QEMU's iPXE EFI ROM) the -e1000 ones.
# Only runs whose probe checksums all matched count. Median of RUNS, with
# spread= max/min of the runs (anchor-spread= the anchor's).
# Env: LL_BENCH_EFI_RUNS (default 3), LL_BENCH_EFI_NICS (default
# "virtio e1000"), LL_EFI_NBP (anchor NBP), LL_EFI_NBP_MODE (sanboot: 17/203
# to iPXE clients, the default for ipxe.efi/snponly.efi; nbp: served to every
# client), LL_EFI_MARKER (regex of a serial line proving lifeline.efi ran;
# default 'lifeline'), LL_BENCH_EFI_STRICT=1 (fail when lifeline.efi exists
# but does not boot the probe).
set -uo pipefail
. "$(dirname "$0")/../lib/efi.sh"
. "$(dirname "$0")/../lib/stats.sh"

RUNS=${LL_BENCH_EFI_RUNS:-3}
NBP=${LL_EFI_NBP:-$EFI_IPXE}
MARKER=${LL_EFI_MARKER:-lifeline}
rc_all=0

note() { echo "bench: note: $*" >&2; }

case ${LL_EFI_NBP_MODE:-} in
sanboot | nbp) NBP_MODE=$LL_EFI_NBP_MODE ;;
"") case ${NBP##*/} in ipxe.efi | snponly.efi) NBP_MODE=sanboot ;; *) NBP_MODE=nbp ;; esac ;;
*) note "LL_EFI_NBP_MODE must be sanboot or nbp"; exit 1 ;;
esac
LABEL=${NBP##*/}; LABEL=${LABEL%.efi}; [ "$LABEL" = snponly ] && LABEL=ipxe-snponly

# one_boot WHO NIC N: one OVMF boot of a fresh probe disk by the anchor (WHO
# anchor) or lifeline.efi (WHO lifeline); sets R_BOOT (s) and R_RATE (MiB/s)
# when every checksum matched, else leaves them empty (and notes why).
one_boot() {
	local who=$1 nic=$2 n=$3 log=$LL_TMP/$1.$2.$3.serial disk=$LL_TMP/probe.img t out
	R_BOOT="" R_RATE=""
	# rebuilt in place (same inode, tgtd keeps serving it): a fresh scratch
	efi_probe_disk "$disk" || { note "building the probe disk failed"; return; }
	efi_qemu "$log" 240 "$nic"
	if ! t=$(ql_wait_secs "$log" 'probe: start' 180); then
		ql_qemu_stop
		note "$who $nic run $n: no probe output ($(efi_text "$log" | grep -v '^\s*$' | tail -n 2 | tr '\n' ' '))"
		return
	fi
	ql_wait "$log" 'probe: (done|failed)' 120
	sleep 1
	ql_qemu_stop
	if ! out=$(efi_probe_check "$log" "$disk"); then
		note "$who $nic run $n: checksums wrong:$(echo "$out" | tr '\n' ' ')"
		return
	fi
	if [ "$who" = lifeline ] && { ! grep -aqE -- "$MARKER" "$log" ||
	     efi_text "$log" | grep '^probe: disk path=.*VenHw(8998B594-F531-4E87-8BDF-8F88543E99D4)' >/dev/null; }; then
		note "lifeline $nic run $n: the probe ran, but not through lifeline.efi (no $MARKER line or iPXE's disk path)"
		return
	fi
	R_BOOT=$t R_RATE=$(efi_probe_rate "$log")
	[ -n "$R_RATE" ] || R_BOOT=""
}

# series WHO NIC: RUNS boots; S_BOOT and S_RATE medians (S_BSPREAD and
# S_RSPREAD their max/min), empty on a failure.
series() {
	local who=$1 nic=$2 i boots=() rates=()
	S_BOOT="" S_RATE=""
	for ((i = 1; i <= RUNS; i++)); do
		one_boot "$who" "$nic" "$i"
		[ -n "$R_BOOT" ] || return
		boots+=("$R_BOOT")
		rates+=("$R_RATE")
	done
	note "$who $nic boot ${boots[*]} s, efi read ${rates[*]} MiB/s"
	S_BOOT=$(stat_median "${boots[@]}")
	S_RATE=$(stat_median "${rates[@]}")
	S_BSPREAD=$(stat_spread "${boots[@]}")
	S_RSPREAD=$(stat_spread "${rates[@]}")
}

# nic_series NIC SUFFIX: anchor lines, then lifeline's with ratios.
nic_series() {
	local nic=$1 sfx=$2 a_boot a_rate a_bs a_rs nbp
	nbp=$(efi_nbp_dir "$LL_TMP/tftp" "$NBP") &&
	efi_dnsmasq "$NBP_MODE" "$(ql_rootpath)" "$LL_TMP/tftp" "$nbp" || { note "dnsmasq failed"; return 1; }
	series anchor "$nic"
	[ -n "$S_BOOT" ] || { note "$LABEL anchor runs failed on $nic"; return 1; }
	a_boot=$S_BOOT a_rate=$S_RATE a_bs=$S_BSPREAD a_rs=$S_RSPREAD
	echo "bench: efi-boot-$LABEL$sfx $a_boot s spread=$a_bs"
	echo "bench: efi-read-$LABEL$sfx $a_rate MiB/s spread=$a_rs"
	if [ ! -f "$EFI_LIFELINE" ]; then
		note "no build/lifeline.efi: anchor lines only"
		return 0
	fi
	nbp=$(efi_nbp_dir "$LL_TMP/tftp" "$EFI_LIFELINE") &&
	efi_dnsmasq nbp "$(ql_rootpath)" "$LL_TMP/tftp" "$nbp" || { note "dnsmasq (lifeline) failed"; return 1; }
	series lifeline "$nic"
	if [ -z "$S_BOOT" ]; then
		note "build/lifeline.efi did not boot the probe on $nic: no lifeline figures"
		[ -n "${LL_BENCH_EFI_STRICT:-}" ] && return 1
		return 0
	fi
	awk -v o="$S_BOOT" -v a="$a_boot" -v n="efi-boot$sfx" -v sp="$S_BSPREAD" -v as="$a_bs" 'BEGIN {
		printf "bench: %s %.2f s anchor=%.2f ratio=%.2f spread=%s anchor-spread=%s\n", n, o, a, (a > 0 ? o / a : 0), sp, as }'
	awk -v o="$S_RATE" -v a="$a_rate" -v n="efi-read$sfx" -v sp="$S_RSPREAD" -v as="$a_rs" 'BEGIN {
		printf "bench: %s %.2f MiB/s anchor=%.2f ratio=%.2f spread=%s anchor-spread=%s\n", n, o, a, (a > 0 ? o / a : 0), sp, as }'
}

if [ "$(id -u)" != 0 ]; then
	note "efi bench needs root (netns, tap)"; exit 1
fi
for t in "$QL_QEMU" dnsmasq tgtd tgtadm mformat sgdisk /usr/bin/python3 "$EFI_CODE" "$EFI_VARS"; do
	command -v "$t" >/dev/null || [ -r "$t" ] || { note "missing $t (make deps)"; exit 1; }
done
[ -r "$NBP" ] || { note "no NBP $NBP"; exit 1; }
ql_net_setup || { note "namespace setup failed"; exit 1; }
efi_probe_disk "$LL_TMP/probe.img" && ql_target "$LL_TMP/probe.img" ||
	{ note "probe disk or tgtd failed"; exit 1; }
for nic in ${LL_BENCH_EFI_NICS:-virtio e1000}; do
	sfx=""; [ "$nic" = virtio ] || sfx="-$nic"
	nic_series "$nic" "$sfx" || rc_all=1
done
exit "$rc_all"
