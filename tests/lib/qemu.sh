#!/bin/bash
# tests/lib/qemu.sh - helpers sourced by the qemu tier: a namespace with a
# bridge and a tap for QEMU, dnsmasq (DHCP options 17/203, TFTP), tgtd serving
# a disk image as LUN 1, QEMU under a time limit with COM1 to a log, waiting
# for serial lines, and the host side of the MBR test disk's checksums.
# Sourcing it does nothing by itself (tests/run.sh only runs tests/qemu/*.sh
# that are tests; this file prints nothing).

. "$(dirname "${BASH_SOURCE[0]}")/hosted.sh"
. "$(dirname "${BASH_SOURCE[0]}")/tgt.sh"

QL_BR=br0                    # bridge inside the namespace
QL_TAP=qtap0                 # QEMU's tap, a port of the bridge
QL_IP=10.79.0.1              # bridge address: dnsmasq and tgtd listen here
QL_IP6=fd00:79::1           # ULA on the bridge, for router advertisements
QL_PORTAL=$QL_IP:3260
QL_IQN=$TGT_IQN_BASE:qemu-disk
QL_INITIATOR=iqn.2026-01.org.lifeline.test:qemu-client
QL_MAC=52:54:00:79:00:10
QL_QEMU=${QL_QEMU:-qemu-system-x86_64}
QL_QEMU_PID=""               # the running QEMU (a `timeout` wrapping it)
QL_QEMU_T0=""                # $EPOCHREALTIME just before it started
QL_DNSMASQ_PID=""
QL_TGT_CTL=""
QL_TGT_PID=""
QL_BUILD="$LL_ROOT/build/qemu"

# ql_require NAME: root and the programs the qemu tier needs; a missing one
# is a failure of NAME, not a skip.
ql_require() {
	if [ "$(id -u)" != 0 ]; then
		echo "FAIL $1 (qemu tests need root for ip netns and taps)"
		exit 1
	fi
	local t
	for t in ip "$QL_QEMU" nasm dnsmasq tgtd tgtadm /usr/bin/python3; do
		if ! command -v "$t" >/dev/null; then
			echo "FAIL $1 (missing $t; run make deps)"
			exit 1
		fi
	done
}

# ql_cleanup: QEMU, dnsmasq, tgtd (by PID), then the namespaces.
ql_cleanup() {
	ql_qemu_stop
	tgt_cleanup
	[ -n "${QL_TNS:-}" ] && ip netns del "$QL_TNS" 2>/dev/null
	return 0
}

# ql_relay_setup PCT T_IP: a namespace for tgtd ($LL_NS-t, QL_TNS) behind
# build/tests/relay (bridge port rlyA -> relay -> rlyB at T_IP/24 in QL_TNS),
# the relay dropping, duplicating and reordering PCT per cent of the frames
# each way. Start tgtd there with LL_NS=$QL_TNS ql_target_at T_IP:3260 ...
# Sets QL_RELAY_PID, QL_RELAY_LOG. 0 or 1.
ql_relay_setup() {
	local pct=$1 tip=$2
	QL_TNS=$LL_NS-t
	QL_RELAY_LOG=$LL_TMP/relay.log
	ip netns add "$QL_TNS" && ip -n "$QL_TNS" link set lo up || return 1
	ip netns exec "$LL_NS" "$LL_ROOT/build/tests/relay" --loss "$pct" --dup "$pct" \
		--reorder "$pct" --seed 13 rlyA rlyB >"$QL_RELAY_LOG" 2>&1 &
	QL_RELAY_PID=$!
	LL_PIDS+=("$QL_RELAY_PID")
	ll_wait_line "$QL_RELAY_LOG" '^ready' 10 &&
	ip -n "$LL_NS" link set rlyA master "$QL_BR" && ip -n "$LL_NS" link set rlyA up &&
	ip -n "$LL_NS" link set rlyB netns "$QL_TNS" &&
	ip -n "$QL_TNS" addr add "$tip/24" dev rlyB && ip -n "$QL_TNS" link set rlyB up
}

# ql_relay_stop: end the relay; prints its "dropped=.. duplicated=.. reordered=.." line.
ql_relay_stop() {
	[ -n "${QL_RELAY_PID:-}" ] || return 0
	kill -TERM "$QL_RELAY_PID" 2>/dev/null
	ll_wait_pid "$QL_RELAY_PID" 5 >/dev/null
	QL_RELAY_PID=""
	grep '^relay: dropped=' "$QL_RELAY_LOG"
}

# ql_net_setup: namespace ql-<pid> with lo, bridge br0 (10.79.0.1/24) and
# the tap qtap0 on it, a scratch dir in $LL_TMP, the cleanup trap. 0 or 1.
ql_net_setup() {
	local ns="ql-$$"
	trap ql_cleanup EXIT
	trap 'exit 130' INT TERM
	[ -n "$LL_TMP" ] || LL_TMP=$(mktemp -d /tmp/ll-qemu.XXXXXX)
	mkdir -p "$QL_BUILD"
	ip netns add "$ns" || return 1
	LL_NS=$ns
	ip -n "$ns" link set lo up &&
	ip -n "$ns" link add "$QL_BR" type bridge forward_delay 0 &&
	ip -n "$ns" tuntap add dev "$QL_TAP" mode tap &&
	ip -n "$ns" link set "$QL_TAP" master "$QL_BR" &&
	ip -n "$ns" addr add "$QL_IP/24" dev "$QL_BR" &&
	ip -n "$ns" link set "$QL_TAP" up &&
	ip -n "$ns" link set "$QL_BR" up || return 1
	# IPv6 only so dnsmasq can answer iPXE's router solicitations at once
	# (without an RA iPXE waits ~14 s for IPv6 before it boots)
	ip -n "$ns" addr add "$QL_IP6/64" dev "$QL_BR" nodad || return 1
	return 0
}

# ql_rootpath [LUN] [TARGET]: RFC 4173 root path of our LUN.
ql_rootpath() {
	echo "iscsi:$QL_IP::3260:${1:-1}:${2:-$QL_IQN}"
}

# ql_dnsmasq ROOTPATH [TFTPDIR BOOTFILE]: DHCP on the bridge with option 17
# ROOTPATH and 203 the initiator IQN; with TFTPDIR, TFTP from it and
# BOOTFILE as the boot file. Waits until it serves. 0 or 1.
# With a boot file, clients that say they are iPXE (option 175) get the
# boot file but not 17/203: otherwise QEMU's iPXE ROM SAN-hooks the LUN
# itself before chainloading lifeline.pxe, and that drive dies once lifeline
# drives the NIC (the OS's EDD probe of it hangs in the ROM). lifeline then
# runs its own DHCP over UNDI and gets 17/203 from that lease.
# QL_DHCP_TO_ROM=1 sends 17/203 to the ROM too (the untagged variant).
# QL_DHCP_SETTINGS adds option 224 (lifeline key=value settings) beside 17.
ql_dnsmasq() {
	local rp=$1 dir=${2:-} file=${3:-} log=$LL_TMP/dnsmasq.log extra=() tag=""
	ql_dnsmasq_stop
	if [ -n "$dir" ]; then
		extra=(--enable-tftp --tftp-root="$dir" --dhcp-boot="$file")
		[ "${QL_DHCP_TO_ROM:-0}" = 1 ] || tag="tag:!ipxe,"
	fi
	[ -n "${QL_DHCP_SETTINGS:-}" ] && extra+=(--dhcp-option="${tag}224,$QL_DHCP_SETTINGS")
	ll_bg "$log" dnsmasq --no-daemon --conf-file=/dev/null --interface="$QL_BR" \
		--bind-interfaces --except-interface=lo \
		--dhcp-range=10.79.0.100,10.79.0.150,1h \
		--enable-ra --dhcp-range=fd00:79::,ra-only,64 \
		--dhcp-match=set:ipxe,175 \
		--dhcp-option="${tag}17,$rp" --dhcp-option="${tag}203,$QL_INITIATOR" \
		--pid-file= --leasefile-ro --port=0 --log-dhcp --log-facility=- "${extra[@]}"
	QL_DNSMASQ_PID=$LL_LAST_PID
	ll_wait_line "$log" 'DHCP, IP range' 10
}

# ql_dnsmasq_stop: end the dnsmasq we started, if any.
ql_dnsmasq_stop() {
	[ -n "$QL_DNSMASQ_PID" ] || return 0
	kill -TERM "$QL_DNSMASQ_PID" 2>/dev/null
	ll_wait_pid "$QL_DNSMASQ_PID" 5 >/dev/null 2>&1
	QL_DNSMASQ_PID=""
}

# ql_target FILE [TID [NAME]]: FILE as LUN 1 of target TID (default 1) named
# NAME (default $QL_IQN), served by tgtd on the bridge address (started on
# the first call). 0 or 1.
ql_target() {
	ql_target_at "$QL_PORTAL" "$1" "${2:-1}" "${3:-$QL_IQN}"
}

# ql_target_at PORTAL FILE TID NAME: the one tgtd of the test (started on
# the first call, on PORTAL) serves FILE as LUN 1 of target TID. 0 or 1.
ql_target_at() {
	local portal=$1 file=$2 tid=$3 name=$4
	if [ -z "$QL_TGT_PID" ]; then
		QL_TGT_CTL=$(tgt_ctl_base)
		tgt_start "$QL_TGT_CTL" "$portal" "$LL_TMP/tgtd.log" || return 1
		QL_TGT_PID=$TGT_LAST_PID
	fi
	tgt_target "$QL_TGT_CTL" "$tid" "$name" "$file"
}

# ql_qemu LOG SECS ARGS...: start QEMU (TCG) in the namespace with COM1 to
# LOG, an e1000 on the tap, network boot, isa-debug-exit at 0xf4, and ARGS;
# killed by `timeout` after SECS. Sets QL_QEMU_PID and QL_QEMU_T0.
# QL_NIC picks another QEMU NIC model (e.g. virtio-net-pci); QL_MEM the RAM.
ql_qemu() {
	local log=$1 secs=$2; shift 2
	ql_qemu_stop
	: >"$log"
	QL_QEMU_T0=$EPOCHREALTIME
	ip netns exec "$LL_NS" timeout -k 5 "$secs" "$QL_QEMU" -accel tcg \
		-m "${QL_MEM:-512}" -display none -monitor none -no-reboot \
		-serial "file:$log" \
		-netdev "tap,id=n0,ifname=$QL_TAP,script=no,downscript=no" \
		-device "${QL_NIC:-e1000},netdev=n0,mac=$QL_MAC" -boot n \
		-device isa-debug-exit,iobase=0xf4,iosize=4 "$@" \
		>"$log.qemu" 2>&1 &
	QL_QEMU_PID=$!
}

# ql_qemu_stop: end the QEMU we started (TERM through timeout, then KILL).
ql_qemu_stop() {
	[ -n "$QL_QEMU_PID" ] || return 0
	kill -TERM "$QL_QEMU_PID" 2>/dev/null
	ll_wait_pid "$QL_QEMU_PID" 5 >/dev/null 2>&1
	QL_QEMU_PID=""
}

# ql_wait LOG REGEX SECS: wait for a line matching REGEX; gives up early
# when QEMU has ended (and the line is still missing). 0 or 1.
ql_wait() {
	local log=$1 re=$2 secs=$3 i
	for ((i = 0; i < secs * 20; i++)); do
		grep -Eaq -- "$re" "$log" 2>/dev/null && return 0
		if [ -n "$QL_QEMU_PID" ] && ! kill -0 "$QL_QEMU_PID" 2>/dev/null; then
			grep -Eaq -- "$re" "$log" 2>/dev/null
			return
		fi
		sleep 0.05
	done
	return 1
}

# ql_wait_secs LOG REGEX SECS: like ql_wait, but prints the seconds from
# QEMU's start to the line's arrival (50 ms resolution). 0 or 1.
ql_wait_secs() {
	ql_wait "$@" || return 1
	awk -v a="$QL_QEMU_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f\n", b - a }'
}

# ql_pass NAME [DETAIL] / ql_fail NAME REASON [LOG]: one verdict line.
ql_pass() {
	echo "PASS qemu/$1"
	[ -n "${2:-}" ] && echo "  $1: $2"
	return 0
}
ql_fail() {
	echo "FAIL qemu/$1 ($2)"
	[ -n "${3:-}" ] && ll_show "$3" 25
	return 0
}

# ---- the MBR test disk (tools/mkdisk-mbrtest.sh, tests/qemu/mbrtest.asm)

# mbr_disk OUT [BENCH_SECTORS]: a fresh test disk (the guest writes to it).
mbr_disk() {
	bash "$LL_ROOT/tools/mkdisk-mbrtest.sh" "$@"
}

# mbr_expect IMG: the lines the MBR test must print, computed on the host
# from the image (before the run: the region; the written sectors from the
# seeds the guest uses), one "key value" a line.
mbr_expect() {
	/usr/bin/python3 - "$1" <<'PY'
import sys
def h(data):
    s = 0
    for i in range(0, len(data), 4):
        s = (((s << 5) | (s >> 27)) & 0xffffffff)
        s = (s + int.from_bytes(data[i:i + 4], "little")) & 0xffffffff
    return s
def seeded(seed):
    return b"".join(((seed + i * 0x9e3779b9) & 0xffffffff).to_bytes(4, "little")
                    for i in range(128))
img = open(sys.argv[1], "rb").read()
region = img[1000 * 512:3000 * 512]
print("read02 lba=000003e8 count=000007d0 sum=%08x" % h(region))
print("read42 lba=000003e8 count=000007d0 sum=%08x" % h(region))
print("write43 lba=00001388 sum=%08x" % h(seeded(0x43430001)))
print("write03 lba=00001389 sum=%08x" % h(seeded(0x03030001)))
print("params sectors=%016x bps=0200" % (len(img) // 512))
PY
}

# mbr_written IMG: after a run, the checksums of the two sectors the guest
# wrote as they are in the backing file ("write43 lba=... sum=...").
mbr_written() {
	/usr/bin/python3 - "$1" <<'PY'
import sys
def h(data):
    s = 0
    for i in range(0, len(data), 4):
        s = (((s << 5) | (s >> 27)) & 0xffffffff)
        s = (s + int.from_bytes(data[i:i + 4], "little")) & 0xffffffff
    return s
with open(sys.argv[1], "rb") as f:
    f.seek(5000 * 512)
    a, b = f.read(512), f.read(512)
print("write43 lba=00001388 sum=%08x" % h(a))
print("write03 lba=00001389 sum=%08x" % h(b))
PY
}

# mbr_check LOG IMG EXPECT: every line of EXPECT (mbr_expect of IMG before
# the run) is in LOG and the backing file IMG now holds what the guest wrote;
# prints what is missing. 0 when all agree.
mbr_check() {
	local log=$1 img=$2 expect=$3 line bad=0
	[ -s "$expect" ] || { echo "  no expectations"; return 1; }
	while read -r line; do
		grep -aq "^MBRTEST $line" "$log" || { echo "  missing: MBRTEST $line"; bad=1; }
	done < <(cat "$expect"; mbr_written "$img")
	return $bad
}

# mbr_bench LOG: "SECONDS MIBPS" of the timed read (TSC calibrated by the
# PIT); nothing when the line is missing or the calibration looks wrong.
mbr_bench() {
	local line
	line=$(grep -a '^MBRTEST bench ' "$1" | tail -n 1 | tr -d '\r')
	[ -n "$line" ] || return 1
	/usr/bin/python3 - "$line" <<'PY'
import sys
f = dict(kv.split("=") for kv in sys.argv[1].split()[2:])
sectors, tsc = int(f["sectors"], 16), int(f["tsc"], 16)
cal, pit = int(f["caltsc"], 16), int(f["pit"], 16)
if cal == 0 or tsc == 0:
    sys.exit(1)
hz = cal * 1193182 / pit
secs = tsc / hz
print("%.3f %.2f" % (secs, sectors * 512 / (1 << 20) / secs))
PY
}

# ll_stats_notes LOG N: lifeline's last stats line of each kind in a serial
# log (int13's last two: their difference is the bench read's calls alone),
# as "bench: note: run N: ..." lines on stderr.
ll_stats_notes() {
	local k
	for k in undi e1000 virtio net tcp int13 blk; do
		grep -a "^$k: " "$1" | grep -a 'frames\|segs\|calls\|read-ahead' |
			tail -n "$([ $k = int13 ] && echo 2 || echo 1)" |
			tr -d '\r' | sed "s/^/bench: note: run $2: /" >&2
	done
}

# ---- verdicts shared by the anchor and the lifeline tests

# ql_mbrtest_verdict NAME LOG DISK EXPECT: after a boot of the MBR test disk
# (QEMU still running or not), wait up to 120 s for its end, then one
# PASS/FAIL line: DONE, no FAIL, every checksum as the host computed.
ql_mbrtest_verdict() {
	local name=$1 log=$2 disk=$3 expect=$4 out=""
	if ql_wait "$log" '^MBRTEST (DONE|FAIL)' 120 && ! grep -aq '^MBRTEST FAIL' "$log" &&
	   out=$(mbr_check "$log" "$disk" "$expect"); then
		ql_pass "$name" "$(grep -a '^MBRTEST read42' "$log" | tr -d '\r')"
	else
		ql_fail "$name" "checksums differ from the host's or no DONE: ${out:-}" "$log"
	fi
}

# ql_ibft_verdict NAME LOG TARGET [OEM_TABLE_ID]: after a boot of the Linux
# disk, wait up to 150 s for the initramfs to finish, then one PASS/FAIL
# line: user space reached, and the iBFT names TARGET (LUN 1 on $QL_IP:3260),
# our initiator IQN, our MAC, a lease from the range and the DHCP server; with
# OEM_TABLE_ID, the table's header must carry it (whose iBFT it is).
# Slirp runs override: QL_V_TIP, QL_V_TPORT (target), QL_V_MAC, QL_V_DHCP
# (server), QL_V_LEASE (regex of our address), QL_V_IQN (initiator).
# QL_V_TARGET1=IP:PORT: the second target structure (alt-portals) must name
# the same target and LUN there.
ql_ibft_verdict() {
	local name=$1 log=$2 target=$3 oem=${4:-} w missing=()
	local tip=${QL_V_TIP:-$QL_IP} tport=${QL_V_TPORT:-3260} mac=${QL_V_MAC:-$QL_MAC}
	local dhcp=${QL_V_DHCP:-$QL_IP} iqn=${QL_V_IQN:-$QL_INITIATOR}
	local lease=${QL_V_LEASE:-'10\.79\.0\.(1[0-4][0-9]|150)'}
	ql_wait "$log" '^IBFTTEST DONE' 150
	local want=(
		"IBFT initiator/initiator-name=$iqn"
		"IBFT target0/target-name=$target"
		"IBFT target0/lun=01000000"
		"IBFT target0/ip-addr=$tip"
		"IBFT target0/port=$tport"
		"IBFT ethernet0/mac=$mac"
		"IBFT ethernet0/subnet-mask=255.255.255.0"
		"IBFT ethernet0/dhcp=$dhcp"
	)
	[ -n "$oem" ] && want+=("IBFT acpi_header/oem_table_id=$oem")
	[ -n "${QL_V_TARGET1:-}" ] && want+=(
		"IBFT target1/target-name=$target"
		"IBFT target1/lun=01000000"
		"IBFT target1/ip-addr=${QL_V_TARGET1%:*}"
		"IBFT target1/port=${QL_V_TARGET1##*:}")
	tr -d '\r' <"$log" >"$log.txt"
	for w in "${want[@]}"; do
		grep -aqFx -- "$w" "$log.txt" || missing+=("$w")
	done
	grep -aqE "^IBFT ethernet0/ip-addr=$lease\$" "$log.txt" ||
		missing+=("IBFT ethernet0/ip-addr=<lease>")
	if grep -aq '^IBFTTEST userspace' "$log.txt" && [ ${#missing[@]} -eq 0 ]; then
		ql_pass "$name" "$(grep -a -E '^IBFT (acpi_header/oem_table_id|target[01]/(target-name|ip-addr)|ethernet0/ip-addr)' \
			"$log.txt" | tr '\n' ' ')"
	else
		ql_fail "$name" "no user space, or iBFT lacks: ${missing[*]}" "$log"
	fi
}

# ---- slirp: QEMU user networking serves TFTP of a patched lifeline.pxe;
# the guest's 10.0.2.2 is the host's loopback, where tgtd listens.

QL_SLIRP_PORT=""             # tgtd's loopback port for this run
QL_SLIRP_MAC=52:54:00:12:34:56

# ql_slirp_setup: scratch dir, cleanup trap and a free loopback port (no
# namespace: tgtd runs in the root namespace on 127.0.0.1 only). 0 or 1.
ql_slirp_setup() {
	local p i
	trap ql_cleanup EXIT
	trap 'exit 130' INT TERM
	[ -n "$LL_TMP" ] || LL_TMP=$(mktemp -d /tmp/ll-qemu.XXXXXX)
	mkdir -p "$QL_BUILD"
	for ((i = 0; i < 50; i++)); do
		p=$((20000 + ($$ * 7 + i * 131) % 30000))
		if ! ss -Hltn "sport = :$p" | grep LISTEN >/dev/null; then
			QL_SLIRP_PORT=$p
			return 0
		fi
	done
	return 1
}

# ql_slirp_target FILE TID NAME: FILE as LUN 1 of target NAME on tgtd at
# 127.0.0.1:$QL_SLIRP_PORT (started on the first call). 0 or 1.
ql_slirp_target() {
	ql_target_at "127.0.0.1:$QL_SLIRP_PORT" "$1" "$2" "$3"
}

# ql_slirp_pxe DIR KEY=VALUE...: DIR/lifeline.pxe, a copy of the build
# with the settings patched in by build/tools/lifeline-settings. 0 or 1.
ql_slirp_pxe() {
	local dir=$1; shift
	mkdir -p "$dir"
	cp "$LL_ROOT/build/lifeline.pxe" "$dir/lifeline.pxe" &&
	"$LL_ROOT/build/tools/lifeline-settings" "$dir/lifeline.pxe" "$@" >/dev/null
}

# ql_qemu_slirp LOG SECS TFTPDIR ARGS...: like ql_qemu, with an e1000 on
# slirp (TFTP from TFTPDIR, boot file lifeline.pxe) and no namespace.
ql_qemu_slirp() {
	local log=$1 secs=$2 dir=$3; shift 3
	[ $# -gt 0 ] || set -- -boot n
	ql_qemu_stop
	: >"$log"
	QL_QEMU_T0=$EPOCHREALTIME
	timeout -k 5 "$secs" "$QL_QEMU" -accel tcg \
		-m "${QL_MEM:-512}" -display none -monitor none -no-reboot \
		-serial "file:$log" \
		-netdev "user,id=n0,tftp=$dir,bootfile=lifeline.pxe" \
		-device "e1000,netdev=n0,mac=$QL_SLIRP_MAC" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 "$@" \
		>"$log.qemu" 2>&1 &
	QL_QEMU_PID=$!
}

# ql_fallback_disk OUT: a 1 MiB raw disk whose MBR prints "FALLBACK BOOT"
# on COM1 and exits QEMU (tests/qemu/fallback.asm). 0 or 1.
ql_fallback_disk() {
	nasm -f bin -o "$1.mbr" "$LL_ROOT/tests/qemu/fallback.asm" &&
	truncate -s 1M "$1" &&
	dd if="$1.mbr" of="$1" conv=notrunc status=none
}

# ---- GRUB (BIOS, Debian grub-pc-bin) starting lifeline.elf by multiboot2

QL_GRUB_DIR=/usr/lib/grub/i386-pc

# ql_grub_image DIR BODY FILE...: DIR/grub.lnx, a GRUB i386-pc core image
# behind lnxboot.img (so QEMU -kernel starts it) whose memdisk holds the
# FILEs (at its root) and a grub.cfg: console on COM1, then BODY. No loop
# device, no xorriso. QL_GRUB_LOADERS: the loader modules (default
# multiboot2 biosdisk; ipxe.lkrn needs the room: linux16 alone). 0 or 1.
ql_grub_image() {
	local dir=$1 body=$2; shift 2
	rm -rf "$dir"
	mkdir -p "$dir/md/boot/grub" || return 1
	cp "$@" "$dir/md/" || return 1
	cat >"$dir/md/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
$body
CFG
	echo 'configfile (memdisk)/boot/grub/grub.cfg' >"$dir/early.cfg"
	tar -C "$dir/md" -cf "$dir/memdisk.tar" . &&
	grub-mkimage -O i386-pc -d "$QL_GRUB_DIR" -c "$dir/early.cfg" \
		-m "$dir/memdisk.tar" -p '(memdisk)/boot/grub' -o "$dir/core.img" \
		memdisk tar configfile normal serial terminal echo \
		${QL_GRUB_LOADERS:-multiboot2 biosdisk} &&
	cat "$QL_GRUB_DIR/lnxboot.img" "$dir/core.img" >"$dir/grub.lnx"
}

# ql_grub_lnx DIR ARGS...: ql_grub_image with build/lifeline.elf and
# `multiboot2 /lifeline.elf ARGS` then `boot`. 0 or 1.
ql_grub_lnx() {
	local dir=$1; shift
	ql_grub_image "$dir" "echo \"GRUBTEST multiboot2\"
multiboot2 /lifeline.elf $*
echo \"GRUBTEST boot\"
boot" "$LL_ROOT/build/lifeline.elf"
}

# ql_qemu_slirp_kernel LOG SECS KERNEL ARGS...: like ql_qemu_slirp, but
# QEMU starts KERNEL (-kernel) and the NIC is QL_NIC (default e1000) on
# slirp without TFTP; no namespace.
ql_qemu_slirp_kernel() {
	local log=$1 secs=$2 kernel=$3; shift 3
	ql_qemu_stop
	: >"$log"
	QL_QEMU_T0=$EPOCHREALTIME
	timeout -k 5 "$secs" "$QL_QEMU" -accel tcg \
		-m "${QL_MEM:-512}" -display none -monitor none -no-reboot \
		-serial "file:$log" -kernel "$kernel" \
		-netdev "user,id=n0" \
		-device "${QL_NIC:-e1000},netdev=n0,mac=$QL_SLIRP_MAC" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 "$@" \
		>"$log.qemu" 2>&1 &
	QL_QEMU_PID=$!
}

# ---- the diskless disk (tools/mkdisk-diskless.sh) and the crash path's
# host-side checks

# ql_part IMG N OUT: primary partition N (1-4, from IMG's MBR) copied to
# OUT (sparse). 0 or 1.
ql_part() {
	local e=$((446 + ($2 - 1) * 16)) start count
	start=$(od -An -t u4 -j $((e + 8)) -N 4 "$1" | tr -d ' ')
	count=$(od -An -t u4 -j $((e + 12)) -N 4 "$1" | tr -d ' ')
	[ -n "$start" ] && [ "$start" -gt 0 ] && [ "$count" -gt 0 ] || return 1
	dd if="$1" of="$3" bs=512 skip="$start" count="$count" conv=sparse status=none
}

# ql_marker_at CORE PADDR HEX: 0 when the page at physical address PADDR
# (hex, no 0x), found through the vmcore's PT_LOAD that holds it, is HEX
# repeated (tests/qemu/guest/marker.c); prints the file offset.
ql_marker_at() {
	/usr/bin/python3 - "$@" <<'PY'
import struct, sys
path, paddr, hexs = sys.argv[1], int(sys.argv[2], 16), sys.argv[3].encode()
with open(path, "rb") as f:
    eh = f.read(64)
    phoff, = struct.unpack_from("<Q", eh, 32)
    phentsize, phnum = struct.unpack_from("<HH", eh, 54)
    f.seek(phoff)
    ph = f.read(phentsize * phnum)
    for i in range(phnum):
        ty, fl, off, va, pa, filesz, memsz, al = struct.unpack_from("<IIQQQQQQ", ph, i * phentsize)
        if ty == 1 and pa <= paddr and paddr + 4096 <= pa + filesz:
            f.seek(off + paddr - pa)
            page = f.read(4096)
            print("offset 0x%x in PT_LOAD %d (paddr 0x%x)" % (off + paddr - pa, i, pa))
            sys.exit(0 if page == hexs * (4096 // len(hexs)) else 1)
print("no PT_LOAD holds 0x%x" % paddr)
sys.exit(1)
PY
}
