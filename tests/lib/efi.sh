#!/bin/bash
# tests/lib/efi.sh - helpers sourced by the UEFI tests and bench: OVMF (4M
# code + a fresh copy of the vars per run) in the qemu.sh namespace on an
# e1000 (QEMU's iPXE EFI ROM drives it) or a virtio-net (EDK2's own driver and
# PXE), dnsmasq serving an EFI NBP to client architecture 7 with 17/203,
# tgtd serving a GPT disk, and the host side of the BlockIo probe's lines.
# Sourcing it does nothing by itself.

. "$(dirname "${BASH_SOURCE[0]}")/qemu.sh"

EFI_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
EFI_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
EFI_IPXE=${LL_EFI_IPXE:-/usr/lib/ipxe/ipxe.efi}   # the anchor NBP
EFI_PROBE=$LL_ROOT/build/efi/probe.efi
EFI_MKDISK=$LL_ROOT/tools/mkdisk-efi.py
EFI_LIFELINE=$LL_ROOT/build/lifeline.efi
EFI_RUN=0                    # counts runs: one vars copy each

# efi_require NAME: what the UEFI tests need besides ql_require's; a missing
# one is a failure of NAME.
efi_require() {
	ql_require "$1"
	local f
	for f in "$EFI_CODE" "$EFI_VARS" "$EFI_IPXE"; do
		[ -r "$f" ] || { echo "FAIL $1 (missing $f; run make deps)"; exit 1; }
	done
	for f in mformat mcopy sgdisk; do
		command -v "$f" >/dev/null || { echo "FAIL $1 (missing $f; run make deps)"; exit 1; }
	done
}

# efi_nic_args NIC: the QEMU NIC for "e1000" (its default ROM: iPXE's EFI
# driver, which also does the network boot) or "virtio" (no ROM: OVMF's
# VirtioNetDxe, SnpDxe and PXE), first in the boot order.
efi_nic_args() {
	case $1 in
	e1000) echo "-device e1000,netdev=n0,mac=$QL_MAC,bootindex=1" ;;
	virtio) echo "-device virtio-net-pci,netdev=n0,mac=$QL_MAC,romfile=,bootindex=1" ;;
	*) return 1 ;;
	esac
}

# efi_qemu LOG SECS NIC ARGS...: OVMF in the namespace (TCG), COM1 (OVMF's
# console) to LOG, NIC on the tap, IPv6 PXE off, ARGS; killed after SECS.
# Sets QL_QEMU_PID and QL_QEMU_T0 as ql_qemu does.
efi_qemu() {
	local log=$1 secs=$2 nic=$3 vars nicargs; shift 3
	nicargs=$(efi_nic_args "$nic") || return 1
	ql_qemu_stop
	EFI_RUN=$((EFI_RUN + 1))
	vars=$LL_TMP/vars.$EFI_RUN.fd
	cp "$EFI_VARS" "$vars" || return 1
	: >"$log"
	QL_QEMU_T0=$EPOCHREALTIME
	# shellcheck disable=SC2086 # nicargs is words on purpose
	ip netns exec "$LL_NS" timeout -k 5 "$secs" "$QL_QEMU" -accel tcg \
		-m "${QL_MEM:-512}" -display none -monitor none -no-reboot \
		-serial "file:$log" \
		-drive "if=pflash,format=raw,unit=0,readonly=on,file=$EFI_CODE" \
		-drive "if=pflash,format=raw,unit=1,file=$vars" \
		-fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=no \
		-netdev "tap,id=n0,ifname=$QL_TAP,script=no,downscript=no" \
		$nicargs "$@" >"$log.qemu" 2>&1 &
	QL_QEMU_PID=$!
}

# efi_fallback_args DISK: a local virtio disk second in the boot order (the
# firmware's next boot option when the network boot returns).
efi_fallback_args() {
	echo "-drive if=none,id=fb,format=raw,file=$1 -device virtio-blk-pci,drive=fb,bootindex=2"
}

# efi_dnsmasq MODE ROOTPATH TFTPDIR NBP: DHCP (+ TFTP from TFTPDIR) for UEFI
# x86-64 clients (option 93 = 7, tag efi64). MODE sanboot (the iPXE anchor):
# iPXE clients (option 175) get 17/203 and no boot file, so they SAN-boot
# ROOTPATH; other efi64 clients (EDK2's PXE) get NBP (ipxe.efi), which asks
# again as iPXE. MODE nbp (lifeline.efi): every efi64 client gets NBP, and
# only non-iPXE ones 17/203 (the e1000's iPXE ROM would SAN-hook the LUN
# itself); the NBP reads them from the PXE DHCPACK or runs its own DHCP.
efi_dnsmasq() {
	local mode=$1 rp=$2 dir=$3 nbp=$4 log=$LL_TMP/dnsmasq.log opts=()
	ql_dnsmasq_stop
	case $mode in
	sanboot) opts=(--dhcp-boot="tag:efi64,tag:!ipxe,$nbp"
		       --dhcp-option="17,$rp" --dhcp-option="203,$QL_INITIATOR") ;;
	nbp) opts=(--dhcp-boot="tag:efi64,$nbp"
		   --dhcp-option="tag:!ipxe,17,$rp" --dhcp-option="tag:!ipxe,203,$QL_INITIATOR") ;;
	*) return 1 ;;
	esac
	ll_bg "$log" dnsmasq --no-daemon --conf-file=/dev/null --interface="$QL_BR" \
		--bind-interfaces --except-interface=lo \
		--dhcp-range=10.79.0.100,10.79.0.150,1h \
		--enable-ra --dhcp-range=fd00:79::,ra-only,64 \
		--dhcp-match=set:ipxe,175 --dhcp-match=set:efi64,option:client-arch,7 \
		--enable-tftp --tftp-root="$dir" "${opts[@]}" \
		--pid-file= --leasefile-ro --port=0 --log-dhcp --log-facility=-
	QL_DNSMASQ_PID=$LL_LAST_PID
	ll_wait_line "$log" 'DHCP, IP range' 10
}

# efi_nbp_dir DIR NBP: DIR holds a copy of NBP under its own name; prints it.
efi_nbp_dir() {
	mkdir -p "$1" && cp "$2" "$1/" && basename "$2"
}

# efi_text LOG: the serial log without CRs and the terminal's escapes.
efi_text() {
	sed -E 's/\x1b\[[0-9;=?]*[A-Za-z]//g; s/\r//g' "$1"
}

# efi_probe_disk OUT: the probe disk (GPT, ESP with build/efi/probe.efi as
# \EFI\BOOT\BOOTX64.EFI, data and scratch partitions), fresh; OUT.expect
# holds the lines the probe must print. Builds the probe. 0 or 1.
efi_probe_disk() {
	make -s -C "$LL_ROOT" build/efi/probe.efi >/dev/null || return 1
	/usr/bin/python3 "$EFI_MKDISK" "$1" --put "$EFI_PROBE=EFI/BOOT/BOOTX64.EFI" &&
	/usr/bin/python3 "$EFI_MKDISK" --expect "$1" >"$1.expect"
}

# efi_probe_check LOG DISK: every expected line is in LOG, no FAIL, "done",
# and DISK's scratch now holds the pattern; prints what is missing. 0 or 1.
efi_probe_check() {
	local log=$1 disk=$2 txt line bad=0 want got
	txt=$(efi_text "$log")
	while read -r line; do
		grep -qFx -- "$line" <<<"$txt" || { echo "  missing: $line"; bad=1; }
	done <"$disk.expect"
	grep -q '^probe: FAIL' <<<"$txt" && { echo "  $(grep -m1 '^probe: FAIL' <<<"$txt")"; bad=1; }
	grep -qx 'probe: done' <<<"$txt" || { echo "  no 'probe: done'"; bad=1; }
	want=$(sed -n 's/^probe: write .* crc=\([0-9A-F]*\) ok$/\1/p' "$disk.expect")
	got=$(/usr/bin/python3 "$EFI_MKDISK" --scratch "$disk")
	[ "$want" = "$got" ] || { echo "  scratch on the target: $got, want $want"; bad=1; }
	return $bad
}

# efi_probe_rate LOG: the bulk read's MiB/s as the probe measured it.
efi_probe_rate() {
	efi_text "$1" | sed -n 's/^probe: bulk [0-9]* bytes [0-9]* us \([0-9.]*\) MiB\/s$/\1/p' | tail -n 1
}

# efi_probe_verdict NAME LOG DISK [SECS]: wait for the probe's end (QEMU
# powers off after it), then one PASS/FAIL line.
efi_probe_verdict() {
	local name=$1 log=$2 disk=$3 secs=${4:-150} out
	ql_wait "$log" 'probe: (done|failed)' "$secs"
	sleep 1
	if out=$(efi_probe_check "$log" "$disk"); then
		ql_pass "$name" "$(efi_text "$log" | grep -E '^probe: (disk path|bulk [0-9]+ bytes)' | tr '\n' ' ')"
	else
		ql_fail "$name" "probe lines differ from the host's: $(echo "$out" | tr '\n' ' ')" "$log"
	fi
}

# ---- cases shared by the anchor (ipxe.efi) and lifeline.efi tests. Each
# serves NBP in MODE (efi_dnsmasq) from $LL_TMP/tftp, boots OVMF on NIC and
# prints one PASS/FAIL line for NAME. EFI_TID numbers the tgtd targets.
EFI_TID=20

# efi_serve MODE NBP ROOTPATH: dnsmasq for one case; NBP "missing:NAME"
# names a boot file the TFTP server does not have. 0 or 1.
efi_serve() {
	local nbp
	mkdir -p "$LL_TMP/tftp"
	case $2 in
	missing:*) nbp=${2#missing:}; rm -f "$LL_TMP/tftp/$nbp" ;;
	*) nbp=$(efi_nbp_dir "$LL_TMP/tftp" "$2") || return 1 ;;
	esac
	efi_dnsmasq "$1" "$3" "$LL_TMP/tftp" "$nbp"
}

# efi_case_probe NAME NIC MODE NBP [PATH_RE] [LINE_RE]: (8a) a fresh probe
# disk on a new target; the probe's lines must match the image; with
# PATH_RE, the probe's "disk ..." lines must match it too (whose BlockIo it
# was); with LINE_RE, a serial line must match it (which driver ran).
efi_case_probe() {
	local name=$1 nic=$2 mode=$3 nbp=$4 re=${5:-} line=${6:-} disk=$LL_TMP/$1.img iqn
	EFI_TID=$((EFI_TID + 1)); iqn=$QL_IQN-$EFI_TID
	efi_probe_disk "$disk" || { echo "FAIL qemu/$name (building the probe disk)"; return; }
	if ! ql_target "$disk" "$EFI_TID" "$iqn" || ! efi_serve "$mode" "$nbp" "$(ql_rootpath 1 "$iqn")"; then
		ql_fail "$name" "tgtd or dnsmasq did not start" "$LL_TMP/tgtd.log"; return
	fi
	efi_qemu "$LL_TMP/$name.serial" 240 "$nic"
	if [ -n "$re" ]; then
		ql_wait "$LL_TMP/$name.serial" 'probe: (done|failed)' 220
		if ! efi_text "$LL_TMP/$name.serial" | grep -E -- "^probe: disk .*$re" >/dev/null; then
			ql_fail "$name" "no probe 'disk' line matches $re" "$LL_TMP/$name.serial"
			ql_qemu_stop; return
		fi
	fi
	if [ -n "$line" ]; then
		ql_wait "$LL_TMP/$name.serial" 'probe: (done|failed)' 220
		if ! efi_text "$LL_TMP/$name.serial" | grep -E -- "$line" >/dev/null; then
			ql_fail "$name" "no serial line matches $line" "$LL_TMP/$name.serial"
			ql_qemu_stop; return
		fi
	fi
	efi_probe_verdict "$name" "$LL_TMP/$name.serial" "$disk" 220
	ql_qemu_stop
}

# efi_case_linux NAME NIC MODE NBP OEM: (8b) GRUB EFI -> Linux from the LUN,
# user space and the iBFT (whose OEM table id is OEM) right.
efi_case_linux() {
	local name=$1 nic=$2 mode=$3 nbp=$4 oem=$5 disk=$LL_TMP/efi-linux.img iqn
	EFI_TID=$((EFI_TID + 1)); iqn=$QL_IQN-$EFI_TID
	[ -s "$disk" ] || bash "$LL_ROOT/tools/mkdisk-efi-linux.sh" "$disk" >/dev/null ||
		{ echo "FAIL qemu/$name (building the GRUB EFI Linux disk)"; return; }
	if ! ql_target "$disk" "$EFI_TID" "$iqn" || ! efi_serve "$mode" "$nbp" "$(ql_rootpath 1 "$iqn")"; then
		ql_fail "$name" "tgtd or dnsmasq did not start" "$LL_TMP/tgtd.log"; return
	fi
	efi_qemu "$LL_TMP/$name.serial" 300 "$nic"
	ql_ibft_verdict "$name" "$LL_TMP/$name.serial" "$iqn" "$oem"
	ql_qemu_stop
}

# efi_case_error NAME NIC MODE NBP ROOTPATH ERR_RE: (8c) a root path that
# cannot work: a line matching ERR_RE, then the firmware takes control back
# (BdsDxe: "failed to start/load BootNNNN") and runs its next boot option
# (OVMF tries the NIC's HTTP boot options, then a local virtio disk whose ESP
# holds the probe, bootindex=2): one more boot attempt must follow. With
# LINE_RE (7th), a serial line must match it too.
efi_case_error() {
	local name=$1 nic=$2 mode=$3 nbp=$4 rp=$5 re=$6 line=${7:-} log=$LL_TMP/$1.serial
	local fb=$LL_TMP/$1-local.img te t err back='BdsDxe: failed to (start|load) Boot[0-9A-F]+'
	efi_probe_disk "$fb" || { echo "FAIL qemu/$name (building the local disk)"; return; }
	efi_serve "$mode" "$nbp" "$rp" || { ql_fail "$name" "dnsmasq did not start" "$LL_TMP/dnsmasq.log"; return; }
	# shellcheck disable=SC2046 # the drive arguments are words on purpose
	efi_qemu "$log" 300 "$nic" $(efi_fallback_args "$fb")
	if ! te=$(ql_wait_secs "$log" "$re" 200); then
		ql_fail "$name" "no error line matching $re" "$log"
	elif ! efi_next_after "$log" "$re" "$back"; then
		ql_fail "$name" "the firmware did not move on to its next boot option after the error" "$log"
	elif [ -n "$line" ] && ! efi_text "$log" | grep -E -- "$line" >/dev/null; then
		ql_fail "$name" "no serial line matches $line" "$log"
	else
		t=$(awk -v a="$QL_QEMU_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
		err=$(efi_text "$log" | grep -m1 -E -- "$re")
		ql_pass "$name" "$err (at ${te}s); firmware moved on by ${t}s: $(efi_text "$log" |
			grep -m1 -oE -- "$back.*" | cut -c1-60)"
	fi
	ql_qemu_stop
}

# efi_nbp_nic NBP MODE: a copy of lifeline.efi NBP with the embedded
# setting nic=MODE, under $LL_TMP/nic-MODE/ (its own TFTP name); prints its
# path. 0 or 1.
efi_nbp_nic() {
	local dir=$LL_TMP/nic-$2 out
	mkdir -p "$dir" && out=$dir/$(basename "$1") && cp "$1" "$out" &&
		"$LL_ROOT/build/tools/lifeline-settings" "$out" "nic=$2" >/dev/null &&
		echo "$out"
}

# Serial lines saying which driver carried lifeline.efi's data.
# (the native e1000 also logs its ring counters, drivers/net/e1000.c; the
# attach line was not found in an e1000 run whose counters showed ring 64)
EFI_RE_NATIVE='^(lifeline: NIC [0-9a-f:.]+ [0-9a-f:]+ (e1000|virtio-net)( \(native driver|, MAC )|e1000: [0-9]+ frames rx, ring [0-9]+,)'
EFI_RE_SNP='^lifeline: SNP open, MAC '

# efi_next_after LOG ERR_RE BACK_RE: in LOG, after the first ERR_RE line, a
# BACK_RE line and after that a new boot attempt. Waits up to 90 s. 0 or 1.
efi_next_after() {
	local log=$1 re=$2 back=$3 txt=$1.txt i
	for ((i = 0; i < 90; i++)); do
		efi_text "$log" >"$txt"
		awk -v e="$re" -v b="$back" '
			s == 0 && $0 ~ e { s = 1 }
			s == 1 && $0 ~ b { s = 2; next }
			s == 2 && /(>>Start|BdsDxe: (loading|starting) Boot|probe: start)/ { ok = 1; exit }
			END { exit !ok }' "$txt" && return 0
		[ -n "$QL_QEMU_PID" ] && ! kill -0 "$QL_QEMU_PID" 2>/dev/null && break
		sleep 1
	done
	return 1
}
