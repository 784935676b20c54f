#!/bin/bash
# tests/bench/dump.sh - crash-dump write speed. Anchor: the guest's own Linux
# (QEMU TCG, -kernel/-initrd, llmode=linux-write-bench) logs in to a tgtd LUN
# with its kernel initiator (iscsistart) and writes LL_DUMP_MIB MiB with
# O_DIRECT and buffered + fsync: "bench: dump-write-linux" (the faster).
# When build/lifeline.elf dumps (a trial panic ends with "dump: complete",
# lifeline-dumpinfo agrees, the guest's marker is on the LUN), the same 1 GiB
# guest armed with it and panicked gives "bench: dump-write ... anchor=
# ratio=" and "bench: dump-1g" (seconds from the sysrq crash line to the
# complete line), both from the full ELF dump (dump-format=elf). Then, in
# the same run, the same guest dumped with the default (kdump-compressed,
# LZO, dump level 31): "bench: dump-1g-d31" seconds with anchor= the same
# guest's Linux kdump (this kernel loaded with kexec -p and a minimal
# initramfs, crashkernel=128M as Debian's kdump-tools reserves): seconds
# from the sysrq crash line to its capture user space's first line; and
# "bench: dump-size-d31" MiB on the LUN with anchor= makedumpfile -l -d 31
# of the full ELF dump; "bench: dump-1g-d31-virtio" the same dump with
# virtio-net instead of e1000 (QEMU's e1000 pauses receiving for 1 s after
# the driver's reset). Every guest: 1 GiB, crashkernel=8M for lifeline,
# memory load (ll.load=1: 128 MiB of random bytes freed, 64 MiB of shmem
# cache). Never a made-up number: what did not run is said on stderr.
# Env: LL_DUMP_MEM (guest MiB, default 1024), LL_DUMP_MIB (anchor size,
# default the guest's RAM: about what the dump writes).
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"

MEM=${LL_DUMP_MEM:-1024}
MIB=${LL_DUMP_MIB:-$MEM}
KVER=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
KERNEL=/boot/vmlinuz-$KVER
GUEST_IP=10.79.0.50
GUEST_IQN=iqn.2026-01.org.lifeline.test:guest
DUMP_IQN=$TGT_IQN_BASE:dump
ELF=$LL_ROOT/build/lifeline.elf
DUMPINFO=$LL_ROOT/build/tools/lifeline-dumpinfo
note() { echo "bench: note: $*" >&2; }

[ "$(id -u)" = 0 ] || { echo "bench: dump needs root (netns, tap)"; exit 1; }
for t in ip "$QL_QEMU" tgtd tgtadm; do
	command -v "$t" >/dev/null || { echo "bench: dump: missing $t (make deps)"; exit 1; }
done
[ -r "$KERNEL" ] || { echo "bench: dump: no /boot/vmlinuz-* (make deps)"; exit 1; }
command -v iscsistart >/dev/null || [ -x /usr/sbin/iscsistart ] ||
	{ echo "bench: dump: missing iscsistart (open-iscsi; make deps)"; exit 1; }

ql_net_setup || { echo "bench: dump: namespace setup failed"; exit 1; }
LUN_FILE=$LL_TMP/dump.lun
tgt_backing "$LUN_FILE" $((MEM + MIB + 64))
ql_target "$LUN_FILE" 1 "$DUMP_IQN" || { echo "bench: dump: tgtd failed"; exit 1; }

# guest NET-ARGS...: boot the test kernel + initramfs $INITRD with a 1 GiB
# guest on the namespace's tap, the rest of the command line from the args.
guest() {
	local log=$1 secs=$2; shift 2
	QL_MEM=$MEM ql_qemu "$log" "$secs" -kernel "$KERNEL" -initrd "$INITRD" \
		-append "console=ttyS0,115200 panic=-1 loglevel=4 ll.ip=$GUEST_IP ll.mask=255.255.255.0 $*"
}

# --- the anchor: Linux writes MIB MiB through its own initiator, with
# O_DIRECT and buffered + fsync; the faster of the two is the anchor
anchor() {
	local log=$LL_TMP/anchor.log
	guest "$log" 900 llmode=linux-write-bench "ll.iqn=$GUEST_IQN" \
		"ll.target=$DUMP_IQN" "ll.portal=$QL_PORTAL" "ll.mib=$MIB"
	if ! ql_wait "$log" '^(GUEST bench done|GUEST FAIL)' 900; then
		note "anchor: no result; $(tr -d '\r' <"$log" | grep -a GUEST | tail -n 3 | tr '\n' ' ')"
		return 1
	fi
	ql_qemu_stop
	tr -d '\r' <"$log" | grep -a '^bench: dump-write-linux-' >&2
	grep -aq '^GUEST bench done' "$log" ||
		{ note "anchor: $(tr -d '\r' <"$log" | grep -a 'GUEST FAIL')"; return 1; }
	tr -d '\r' <"$log" | awk '/^bench: dump-write-linux-/ && $3 + 0 > m + 0 { m = $3 } END { if (m > 0) print m; else exit 1 }'
}

# --- lifeline: arm, panic, seconds until "dump: complete"; FORMAT elf or
# kdump; prints "MIBPS SECONDS LUN_MIB" (MIBPS 0 for kdump) or nothing
# (reason on stderr)
lifeline_dump() {
	local fmt=$1 log=$LL_TMP/lifeline-$1-${QL_NIC:-e1000}.log t0 t1 line mib
	[ -r "$ELF" ] || { note "no $ELF: lifeline dump not measured"; return 1; }
	local dp="iscsi:$QL_IP::3260:1:$DUMP_IQN"
	dd if=/dev/zero of="$LUN_FILE" bs=1M count=1 conv=notrunc status=none
	# ll.ip: the guest's NIC up with that address, as a diskless OS has it
	guest "$log" 900 crashkernel=8M llmode=arm-panic ll.load=1 "ll.ip=$GUEST_IP" \
		"lifeline.dump-path=$dp" "lifeline.initiator-iqn=$GUEST_IQN" \
		"lifeline.ip=$GUEST_IP" "lifeline.netmask=255.255.255.0" \
		"lifeline.extra=dump-format=$fmt"
	if ! ql_wait "$log" 'sysrq: Trigger a crash|GUEST FAIL' 300 ||
	   grep -aq 'GUEST FAIL' "$log"; then
		note "lifeline $fmt: guest did not panic armed: $(tr -d '\r' <"$log" | grep -a -E 'lifeline-arm|GUEST' | tail -n 3 | tr '\n' ' ')"
		return 1
	fi
	t0=$EPOCHREALTIME
	if ! ql_wait "$log" '^dump: complete' 900; then
		note "lifeline $fmt: no 'dump: complete' after the panic: $(tr -d '\r' <"$log" | grep -a -E '^(lifeline|dump):' | tail -n 3 | tr '\n' ' ')"
		return 1
	fi
	t1=$EPOCHREALTIME
	ql_qemu_stop
	line=$(tr -d '\r' <"$log" | grep -a -m1 '^dump: complete')
	echo "$fmt: $line" >&2
	if [ "$fmt" = kdump ]; then
		python3 "$LL_ROOT/tests/lib/kdump_inspect.py" "$LUN_FILE" >"$LL_TMP/kinfo.txt" 2>&1
		if ! grep -qx 'complete: yes' "$LL_TMP/kinfo.txt"; then
			note "lifeline kdump: the LUN does not hold a complete kdump-compressed dump: $(head -n 4 "$LL_TMP/kinfo.txt" | tr '\n' ' ')"
			return 1
		fi
		mib=$(awk '/^file_bytes:/ { printf "%.1f", $2 / 1048576 }' "$LL_TMP/kinfo.txt")
		awk -v a="$t0" -v b="$t1" -v m="$mib" 'BEGIN { printf "0 %.1f %s\n", b - a, m }'
		return 0
	fi
	# the figure counts only when the LUN really holds a complete vmcore
	if [ -x "$DUMPINFO" ] && ! "$DUMPINFO" "$LUN_FILE" >"$LL_TMP/dumpinfo.txt" 2>&1; then
		note "lifeline: said complete but lifeline-dumpinfo disagrees: $(head -n 3 "$LL_TMP/dumpinfo.txt" | tr '\n' ' ')"
		return 1
	fi
	local hex
	hex=$(tr -d '\r' <"$log" | sed -n 's/^MARKER \([0-9a-f]\{32\}\)$/\1/p' | head -n 1)
	if [ -z "$hex" ] || ! grep -aqF "$hex" "$LUN_FILE"; then
		note "lifeline: the guest's marker ${hex:-?} is not on the dump LUN"
		return 1
	fi
	# the size anchor: makedumpfile -l -d 31 of this full ELF dump
	rm -f "$LL_TMP/full.elf" "$LL_TMP/full.d31" "$LL_TMP/mdf31.mib"
	if "$DUMPINFO" --extract "$LL_TMP/full.elf" "$LUN_FILE" >/dev/null 2>&1 &&
	   makedumpfile -l -d 31 "$LL_TMP/full.elf" "$LL_TMP/full.d31" >"$LL_TMP/mdf31.log" 2>&1; then
		awk -v b="$(stat -c %s "$LL_TMP/full.d31")" 'BEGIN { printf "%.1f\n", b / 1048576 }' >"$LL_TMP/mdf31.mib"
	else
		note "makedumpfile -l -d 31 of the full ELF dump failed: $(tail -n 2 "$LL_TMP/mdf31.log" 2>/dev/null | tr '\n' ' ')"
	fi
	rm -f "$LL_TMP/full.elf" "$LL_TMP/full.d31"
	# "dump: complete, N MiB in S s, R MiB/s"
	echo "$line" | awk -v a="$t0" -v b="$t1" '{ printf "%s %.1f %s\n", $(NF - 1), b - a, $3 }'
}

# --- the time anchor: the same guest's Linux kdump, from the sysrq crash
# line to the capture kernel's user space; prints seconds or nothing
kdump_anchor() {
	local log=$LL_TMP/kdump-anchor.log t0 t1
	guest "$log" 600 crashkernel=128M llmode=kdump-panic ll.load=1
	if ! ql_wait "$log" 'sysrq: Trigger a crash|GUEST FAIL' 300 ||
	   grep -aq 'GUEST FAIL' "$log"; then
		note "kdump anchor: no panic with a crash kernel loaded: $(tr -d '\r' <"$log" | grep -a GUEST | tail -n 3 | tr '\n' ' ')"
		return 1
	fi
	t0=$EPOCHREALTIME
	if ! ql_wait "$log" '^KDUMP capture userspace' 300; then
		note "kdump anchor: the capture kernel did not reach user space: $(tr -d '\r' <"$log" | tail -n 3 | tr '\n' ' ')"
		return 1
	fi
	t1=$EPOCHREALTIME
	ql_qemu_stop
	tr -d '\r' <"$log" | grep -a -E '^(GUEST memory load|KDUMP capture)' >&2
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f\n", b - a }'
}

INITRD=$(bash "$LL_ROOT/tools/mkinitramfs-guest.sh" --kdump ${ELF:+$( [ -r "$ELF" ] && echo --elf "$ELF")}) ||
	{ echo "bench: dump: initramfs build failed"; exit 1; }
linux=$(anchor) && [ -n "$linux" ] || { echo "bench: dump-write-linux failed"; exit 1; }
echo "bench: dump-write-linux $linux MiB/s ($MIB MiB, ${MEM} MiB guest, iscsistart + dd, best of direct/buffered, TCG)"
elf_s="" elf_mib=""
if res=$(lifeline_dump elf) && [ -n "$res" ]; then
	set -- $res
	awk -v o="$1" -v a="$linux" 'BEGIN {
		printf "bench: dump-write %.1f MiB/s anchor=%.1f ratio=%.2f\n", o, a, (a > 0 ? o / a : 0) }'
	echo "bench: dump-1g $2 s"
	elf_s=$2 elf_mib=$3
fi
mdf_mib=$(cat "$LL_TMP/mdf31.mib" 2>/dev/null)
kd_s=$(kdump_anchor)
if res=$(lifeline_dump kdump) && [ -n "$res" ]; then
	set -- $res
	if [ -n "$kd_s" ]; then
		awk -v o="$2" -v a="$kd_s" 'BEGIN {
			printf "bench: dump-1g-d31 %.1f s anchor=%.1f ratio=%.2f (anchor: Linux kdump, panic to its capture user space)\n", o, a, o / a }'
	else
		echo "bench: dump-1g-d31 $2 s"
	fi
	if [ -n "$mdf_mib" ]; then
		awk -v o="$3" -v a="$mdf_mib" 'BEGIN {
			printf "bench: dump-size-d31 %.1f MiB anchor=%.1f ratio=%.2f (anchor: makedumpfile -l -d 31 of the full ELF dump)\n", o, a, o / a }'
	else
		echo "bench: dump-size-d31 $3 MiB"
	fi
	[ -n "$elf_s" ] && awk -v o="$2" -v a="$elf_s" -v m="$3" -v e="$elf_mib" 'BEGIN {
		printf "bench: note: against the full ELF dump: %.2f of its time, %.3f of its size\n", o / a, m / e }' >&2
fi
# the same with virtio-net: QEMU's e1000 model stops receiving for 1 s
# after every RCTL write (its flush_queue_timer), so an e1000 driver that
# resets the NIC, as lifeline's must, waits 1 s for its first ARP reply;
# real hardware has no such pause (its link negotiation is another matter)
if res=$(QL_NIC=virtio-net-pci lifeline_dump kdump) && [ -n "$res" ]; then
	set -- $res
	if [ -n "$kd_s" ]; then
		awk -v o="$2" -v a="$kd_s" 'BEGIN {
			printf "bench: dump-1g-d31-virtio %.1f s anchor=%.1f ratio=%.2f (virtio-net; anchor as dump-1g-d31)\n", o, a, o / a }'
	else
		echo "bench: dump-1g-d31-virtio $2 s"
	fi
fi
exit 0
