#!/bin/bash
# tests/lib/storm.sh - a boot storm, sourced after tests/lib/qemu.sh: N QEMU
# guests (own tap, MAC and LUN) PXE-boot the MBR test disk at once through
# one tgtd gateway (one target per guest), by lifeline.pxe or by the ROM's
# iPXE sanboot; per guest the MBR's first line time, its checksums and its
# timed read. Running this file does nothing.

STORM_N=${STORM_N:-8}
STORM_MEM=${STORM_MEM:-64}          # MiB per guest
STORM_BACKING=${STORM_BACKING:-file} # file | rbd (rbd: the Ceph test bed's hook)
STORM_QPIDS=()                      # the `timeout` wrapping each QEMU
STORM_TGT_PID=""                    # the gateway's tgtd (its CPU time)
STORM_T0=""                         # $EPOCHREALTIME when the guests started
STORM_MBR_AT=()                     # seconds from STORM_T0 to "MBRTEST start"

storm_mac() { printf '52:54:00:79:01:%02x' "$((0x10 + $1))"; }
storm_tap() { echo "stap$1"; }
storm_iqn() { echo "$QL_IQN-storm$1"; }

# storm_net_setup: ql_net_setup's namespace and bridge, plus one tap per
# guest on the bridge. 0 or 1.
storm_net_setup() {
	local i tap
	ql_net_setup || return 1
	trap 'storm_stop; ql_cleanup' EXIT
	for ((i = 0; i < STORM_N; i++)); do
		tap=$(storm_tap "$i")
		ip -n "$LL_NS" tuntap add dev "$tap" mode tap &&
		ip -n "$LL_NS" link set "$tap" master "$QL_BR" &&
		ip -n "$LL_NS" link set "$tap" up || return 1
	done
}

# storm_backing I SRC: what guest I's LUN is backed by, printed (tgtadm's
# -b argument); SRC is the fresh test disk to start from. STORM_BACKING
# picks the store: file (a copy of SRC, here) or rbd (SRC imported as the
# RBD image storm<I> of the Ceph test bed, tests/lib/ceph.sh, which must be
# up: ceph_start). 0 or 1.
storm_backing() {
	local i=$1 src=$2 f
	case $STORM_BACKING in
	file)
		f=$LL_TMP/storm$i.img
		cp --sparse=always "$src" "$f" && echo "$f" ;;
	rbd)
		ceph_rbd rm --no-progress "$CEPH_POOL/storm$i" >/dev/null 2>&1
		ceph_image "storm$i" $((($(stat -c %s "$src") + 1048575) >> 20)) "$src" &&
			echo "storm$i" ;;
	*)
		echo "storm: backing '$STORM_BACKING' unknown (file or rbd)" >&2
		return 1 ;;
	esac
}

# storm_backing_file I: the file holding guest I's LUN after the run, for
# the host's check of what the guest wrote (file: the image itself; rbd:
# the image exported to a file). 0 or 1.
storm_backing_file() {
	local f=$LL_TMP/storm$1.img
	if [ "$STORM_BACKING" = rbd ]; then
		ceph_export "storm$1" "$f" || return 1
	fi
	echo "$f"
}

# storm_disks SRC: every guest's backing from SRC (STORM_LUN[i]). 0 or 1.
storm_disks() {
	local i
	STORM_LUN=()
	for ((i = 0; i < STORM_N; i++)); do
		STORM_LUN[i]=$(storm_backing "$i" "$1") || return 1
	done
}

# storm_tgtd: the one gateway (tgtd on $QL_PORTAL), target i+1 per guest
# with its LUN (rbd: a tgt-rbd gateway of the Ceph test bed). Sets
# STORM_TGT_PID (and QL_TGT_PID for a file-backed one). 0 or 1.
storm_tgtd() {
	local i
	if [ "$STORM_BACKING" = rbd ]; then
		ceph_gateway storm "$QL_PORTAL" || return 1
		STORM_TGT_PID=$(ceph_gw_field storm 3)
		for ((i = 0; i < STORM_N; i++)); do
			ceph_lun storm $((i + 1)) "$(storm_iqn "$i")" "${STORM_LUN[i]}" || return 1
		done
		return 0
	fi
	STORM_TGT_PID=""
	for ((i = 0; i < STORM_N; i++)); do
		ql_target "${STORM_LUN[i]}" $((i + 1)) "$(storm_iqn "$i")" || return 1
	done
	STORM_TGT_PID=$QL_TGT_PID
}

# storm_tgtd_late: the same gateway coming up while clients knock: tgtd
# listens on loopback first, gets its targets, and only then opens
# $QL_PORTAL (a client must never see the portal without its target: "target
# not found" is a final answer to lifeline's first login). 0 or 1.
storm_tgtd_late() {
	local i
	for ((i = 0; i < STORM_N; i++)); do
		ql_target_at 127.0.0.1:3260 "${STORM_LUN[i]}" $((i + 1)) "$(storm_iqn "$i")" || return 1
	done
	tgtadm_c "$QL_TGT_CTL" --mode portal --op new --param "portal=$QL_PORTAL"
}

# storm_dnsmasq MODE: DHCP + TFTP for the guests, each MAC its own address
# and root path (option 17) and initiator name (203). MODE lifeline: the
# ROM gets lifeline.pxe as boot file and no 17/203 (lifeline asks DHCP
# itself); MODE ipxe: no boot file, 17/203 to the ROM (iPXE sanboots). 0 or 1.
storm_dnsmasq() {
	local mode=$1 log=$LL_TMP/dnsmasq.log args=() i tag=""
	ql_dnsmasq_stop
	[ "$mode" = lifeline ] && tag="tag:!ipxe," &&
		args+=(--enable-tftp --tftp-root="$LL_TMP/tftp" --dhcp-boot=lifeline.pxe)
	for ((i = 0; i < STORM_N; i++)); do
		args+=(--dhcp-host="$(storm_mac "$i"),10.79.0.$((110 + i)),set:s$i"
		       --dhcp-option="tag:s$i,${tag}17,iscsi:$QL_IP::3260:1:$(storm_iqn "$i")"
		       --dhcp-option="tag:s$i,${tag}203,$QL_INITIATOR-$i")
	done
	ll_bg "$log" dnsmasq --no-daemon --conf-file=/dev/null --interface="$QL_BR" \
		--bind-interfaces --except-interface=lo \
		--dhcp-range=10.79.0.100,10.79.0.150,1h \
		--enable-ra --dhcp-range=fd00:79::,ra-only,64 \
		--dhcp-match=set:ipxe,175 --pid-file= --leasefile-ro --port=0 \
		--log-facility=- "${args[@]}"
	QL_DNSMASQ_PID=$LL_LAST_PID
	ll_wait_line "$log" 'DHCP, IP range' 10
}

# storm_start SECS: all guests at once (TCG, STORM_MEM MiB, e1000 on their
# tap, network boot), each killed by `timeout` after SECS.
storm_start() {
	local secs=$1 i log
	STORM_QPIDS=()
	STORM_T0=$EPOCHREALTIME
	for ((i = 0; i < STORM_N; i++)); do
		log=$LL_TMP/storm$i.serial
		: >"$log"
		ip netns exec "$LL_NS" timeout -k 5 "$secs" "$QL_QEMU" -accel tcg \
			-m "$STORM_MEM" -display none -monitor none -no-reboot \
			-serial "file:$log" \
			-netdev "tap,id=n0,ifname=$(storm_tap "$i"),script=no,downscript=no" \
			-device "e1000,netdev=n0,mac=$(storm_mac "$i")" -boot n \
			-device isa-debug-exit,iobase=0xf4,iosize=4 >"$log.qemu" 2>&1 &
		STORM_QPIDS[i]=$!
	done
}

# storm_stop: end every guest still running (by PID).
storm_stop() {
	local p
	for p in "${STORM_QPIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${STORM_QPIDS[@]}"; do
		ll_wait_pid "$p" 5 >/dev/null 2>&1
	done
	STORM_QPIDS=()
}

# storm_count REGEX: how many guests' serial logs have a line matching it.
storm_count() {
	local i n=0
	for ((i = 0; i < STORM_N; i++)); do
		grep -Eaq -- "$1" "$LL_TMP/storm$i.serial" 2>/dev/null && n=$((n + 1))
	done
	echo "$n"
}

# storm_alive: how many guests still run.
storm_alive() {
	local p n=0
	for p in "${STORM_QPIDS[@]}"; do
		kill -0 "$p" 2>/dev/null && n=$((n + 1))
	done
	echo "$n"
}

# storm_wait SECS: until every guest printed MBRTEST DONE or FAIL (or
# ended), noting in STORM_MBR_AT[i] when its "MBRTEST start" came (100 ms
# resolution, from STORM_T0). 0 when all finished in time.
storm_wait() {
	local secs=$1 end i log
	end=$(awk -v t="$EPOCHREALTIME" -v s="$secs" 'BEGIN { printf "%d", t + s }')
	STORM_MBR_AT=()
	while :; do
		for ((i = 0; i < STORM_N; i++)); do
			log=$LL_TMP/storm$i.serial
			[ -z "${STORM_MBR_AT[i]:-}" ] && grep -aq '^MBRTEST start' "$log" &&
				STORM_MBR_AT[i]=$(awk -v a="$STORM_T0" -v b="$EPOCHREALTIME" \
					'BEGIN { printf "%.2f", b - a }')
		done
		[ "$(storm_count '^MBRTEST (DONE|FAIL)')" -eq "$STORM_N" ] && return 0
		[ "$(storm_alive)" -eq 0 ] && return 1
		[ "${EPOCHREALTIME%.*}" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# storm_verdict I EXPECT: guest I's MBR test ran to DONE, no FAIL, and
# every checksum (and the written sectors in its backing) as the host
# computed; prints what is wrong. 0 when right.
storm_verdict() {
	local i=$1 expect=$2 log=$LL_TMP/storm$1.serial
	grep -aq '^MBRTEST DONE' "$log" || { echo "guest $i: no MBRTEST DONE"; return 1; }
	grep -aq '^MBRTEST FAIL' "$log" && { echo "guest $i: MBRTEST FAIL"; return 1; }
	mbr_check "$log" "$(storm_backing_file "$i")" "$expect" | sed "s/^/guest $i:/"
	return "${PIPESTATUS[0]}"
}

# storm_tgtd_cpu: tgtd's user+system CPU seconds so far (/proc/PID/stat).
storm_tgtd_cpu() {
	local pid=${STORM_TGT_PID:-$QL_TGT_PID}
	[ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || { echo 0; return; }
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' \
		"/proc/$pid/stat"
}

# storm_max / storm_min VALUES...
storm_max() { printf '%s\n' "$@" | sort -g | tail -n 1; }
storm_min() { printf '%s\n' "$@" | sort -g | head -n 1; }
