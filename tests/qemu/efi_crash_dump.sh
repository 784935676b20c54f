#!/bin/bash
# tests/qemu/efi_crash_dump.sh - the crash path on UEFI (issue 10, items 7
# and 8d): OVMF PXE-loads lifeline.efi, which SAN-boots the GRUB EFI crash
# disk (tools/mkdisk-crash.sh --efi: Debian kernel, crashkernel=64M,
# lifeline.dump-path=); the guest (-smp 2) arms lifeline.elf with
# lifeline-arm from lifeline's ACPI iBFT, prints its System RAM ranges and
# its NIC's memory BARs, starts the marker and panics. The kexec'd
# lifeline.elf drives the NIC itself (virtio-net: OVMF put its 64-bit BAR
# above 4 GiB) and dumps to the dump LUN; -no-reboot ends QEMU.
# virtio run: dump-format=elf; host checks: complete, 2 CPUs, VMCOREINFO,
# readelf, every System RAM range of the guest outside the crashkernel
# region inside the vmcore's PT_LOADs, the marker at its PT_LOAD's offset,
# makedumpfile -d 31 without a vmlinux, boot LUN unchanged.
# e1000 run: the default kdump-compressed dump: complete, level 31, 2 CPUs,
# makedumpfile --dump-dmesg reads the panic.
# Env: EFI_CRASH_NICS (default "virtio"; "virtio e1000" runs both).
# Prints nothing while build/lifeline.efi does not exist.
set -uo pipefail
. "$(dirname "$0")/../lib/efi.sh"

NAME=efi-crash-dump
NBP=$EFI_LIFELINE
ELF=$LL_ROOT/build/lifeline.elf
DUMPINFO=$LL_ROOT/build/tools/lifeline-dumpinfo
MEM=512               # the virtio run (ELF dump of all of it)
MEM_BIG=4608          # the e1000 run: 1 GiB of it above 4 GiB
BOOT_TMO=300          # QEMU start to the guest's panic line
DUMP_TMO=180          # panic line to lifeline's last line
[ -f "$NBP" ] || exit 0
efi_require "$NAME"
for f in "$ELF" "$DUMPINFO"; do
	[ -f "$f" ] || { echo "FAIL qemu/$NAME (no $f; run make)"; exit 1; }
done
for t in readelf makedumpfile gcc; do
	command -v "$t" >/dev/null || { echo "FAIL qemu/$NAME (missing $t; make deps)"; exit 1; }
done
ql_net_setup || { echo "FAIL qemu/$NAME (namespace, bridge, tap)"; exit 1; }

check() { # DESC OK [LOG]
	if [ "$2" = 1 ]; then echo "PASS qemu/$NAME: $1"; else
		echo "FAIL qemu/$NAME: $1"; [ -n "${3:-}" ] && ll_show "$3" 30; fi
}

TID=40
# run NIC MEM FORMAT_ARGS: a fresh boot and dump LUN, one boot to the end.
# Sets LOG (text), BIMG, DIMG, H0, T_PANIC, T_DONE, QEMU_RC.
run() {
	local nic=$1 mem=$2 kargs=$3 biqn diqn raw
	TID=$((TID + 2)); biqn=$QL_IQN-efic$TID; diqn=$QL_IQN-efid$TID
	BIMG=$LL_TMP/efi-crash-$nic.img DIMG=$LL_TMP/efi-dump-$nic.img
	DUMP_PATH=$(ql_rootpath 1 "$diqn")
	T_PANIC="" T_DONE="" QEMU_RC=""
	if ! bash "$LL_ROOT/tools/mkdisk-crash.sh" --efi "$BIMG" "$DUMP_PATH" 64M "$kargs" >/dev/null; then
		echo "FAIL qemu/$NAME: $nic: building the EFI crash disk"; return 1
	fi
	H0=$(sha256sum <"$BIMG")
	tgt_backing "$DIMG" $((mem + 64))
	if ! ql_target "$BIMG" "$TID" "$biqn" || ! ql_target "$DIMG" $((TID + 1)) "$diqn" ||
	   ! efi_serve nbp "$NBP" "$(ql_rootpath 1 "$biqn")"; then
		echo "FAIL qemu/$NAME: $nic: tgtd or dnsmasq did not start"; return 1
	fi
	raw=$LL_TMP/$NAME-$nic.serial
	QL_MEM=$mem efi_qemu "$raw" $((BOOT_TMO + DUMP_TMO + 30)) "$nic" -smp 2
	T_PANIC=$(ql_wait_secs "$raw" '^CRASHTEST (panic|FAIL)' "$BOOT_TMO")
	if [ -n "$T_PANIC" ]; then
		T_DONE=$(ql_wait_secs "$raw" '^lifeline: (rebooting|halted|powering off)|^lifeline: exception' "$DUMP_TMO")
		ll_wait_pid "$QL_QEMU_PID" 30
		QEMU_RC=$?
		QL_QEMU_PID=""
	fi
	ql_qemu_stop
	LOG=$raw.txt
	efi_text "$raw" >"$LOG"
}

# verdict_common NIC DRIVER: booted by lifeline.efi, armed, kexec entry,
# native driver, dump done, reboot.
verdict_common() {
	local nic=$1 drv=$2 L=$LOG
	check "$nic: lifeline.efi SAN-booted GRUB EFI Linux, armed from the ACPI iBFT, marker, panic (${T_PANIC:-?} s)" \
		"$(grep -qE '^lifeline: iBFT installed as an ACPI table' "$L" &&
		   grep -qF 'lifeline: starting \EFI\BOOT\BOOTX64.EFI' "$L" &&
		   grep -qE '^lifeline-arm: iBFT: initiator .*boot target '"$QL_IQN"'-efic' "$L" &&
		   grep -qx 'CRASHTEST armed kexec_crash_loaded=1' "$L" &&
		   grep -qE '^CRASHTEST MARKER [0-9a-f]{32} PADDR 0x[0-9a-f]+$' "$L" &&
		   grep -qx 'CRASHTEST panic' "$L" && echo 1)" "$L"
	check "$nic: kexec entry, elfcorehdr with 2 CPUs and VMCOREINFO, native NIC ($drv)" \
		"$(grep -qE '^lifeline: kexec entry, boot_params at 0x[0-9a-f]+, image at 0x' "$L" &&
		   grep -qE '^lifeline: elfcorehdr at 0x[0-9a-f]+: 2 CPUs, [0-9]+ RAM ranges, [0-9]+ MiB, VMCOREINFO present$' "$L" &&
		   grep -qE "^lifeline: NIC [0-9a-f]{2}:[0-9a-f]{2}\.[0-7] [0-9a-f]{4}:[0-9a-f]{4} $drv, MAC $QL_MAC" "$L" && echo 1)" "$L"
	check "$nic: dump LUN login, complete, logout, reboot ends QEMU (done ${T_DONE:-?} s after QEMU start)" \
		"$(grep -qE "^lifeline: logged in to $QL_IQN-efid[0-9]+, [0-9]+ blocks of 512 bytes$" "$L" &&
		   grep -qE '^dump: complete, ' "$L" && grep -qx 'lifeline: logged out' "$L" &&
		   grep -qx 'lifeline: rebooting' "$L" && [ "$QEMU_RC" = 0 ] && echo 1)" "$L"
	check "$nic: boot LUN backing file unchanged (sha256)" \
		"$([ "$(sha256sum <"$BIMG")" = "$H0" ] && echo 1)"
}

# ram_covered CORE LOG: every 'CRASHTEST iomem A-B : System RAM' range,
# less the crashkernel region, lies in the vmcore's PT_LOADs; prints a
# summary. 0 or 1.
ram_covered() {
	/usr/bin/python3 - "$@" <<'PY'
import re, struct, sys
core, log = sys.argv[1], sys.argv[2]
ram = [(int(a, 16), int(b, 16) + 1) for a, b in
       re.findall(r'^CRASHTEST iomem ([0-9a-f]+)-([0-9a-f]+) : System RAM$', open(log).read(), re.M)]
with open(core, "rb") as f:
    eh = f.read(64)
    phoff, = struct.unpack_from("<Q", eh, 32)
    phentsize, phnum = struct.unpack_from("<HH", eh, 54)
    f.seek(phoff)
    ph = f.read(phentsize * phnum)
loads = []
for i in range(phnum):
    ty, _, _, _, pa, filesz, _, _ = struct.unpack_from("<IIQQQQQQ", ph, i * phentsize)
    if ty == 1:
        loads.append((pa, pa + filesz))
def covered(lo, hi):
    for a, b in sorted(loads):
        if a <= lo < b:
            lo = b
    return lo >= hi
# the crashkernel region: System RAM in /proc/iomem but not in the
# elfcorehdr; the one gap allowed, at most 64 MiB + 1 MiB slack
gaps = [(lo, hi) for lo, hi in ram if not covered(lo, hi)]
missing = 0
for lo, hi in ram:
    x = lo
    while x < hi:
        if not covered(x, x + 4096):
            missing += 4096
        x += 4096
high = sum(1 for lo, hi in ram if hi > (1 << 32))
print("%d System RAM ranges (%d above 4 GiB), %d PT_LOADs, %d KiB of RAM not dumped" %
      (len(ram), high, len(loads), missing // 1024))
sys.exit(0 if ram and loads and missing <= (65 << 20) else 1)
PY
}

verdict_elf() {
	local nic=$1 L=$LOG core=$LL_TMP/$NAME-$1.vmcore info hex paddr where ok bar
	verdict_common "$nic" virtio-net
	bar=$(sed -nE 's/^CRASHTEST nic-bar [^ ]+ (0x[0-9a-f]+)-.*/\1/p' "$L" | sort | tail -n 1)
	check "$nic: the guest's NIC has a memory BAR above 4 GiB (${bar:-none}) and lifeline.elf drove it" \
		"$([ -n "$bar" ] && (( bar >= (1 << 32) )) && grep -qE '^dump: complete, ' "$L" && echo 1)" "$L"
	info=$LL_TMP/$NAME-$nic.info
	"$DUMPINFO" --extract "$core" "$DIMG" >"$info" 2>&1
	check "$nic: lifeline-dumpinfo: complete, 2 CPUs, VMCOREINFO" \
		"$(grep -qx 'vmcore: complete' "$info" && grep -qx 'cpus: 2' "$info" &&
		   grep -qx 'vmcoreinfo: yes' "$info" && echo 1)" "$info"
	readelf -h -l -n "$core" >"$core.readelf" 2>&1
	check "$nic: readelf: CORE, exactly 2 NT_PRSTATUS, VMCOREINFO" \
		"$(grep -qE 'Type:[[:space:]]+CORE' "$core.readelf" && ! grep -qi 'warning\|error' "$core.readelf" &&
		   [ "$(grep -cE 'NT_PRSTATUS' "$core.readelf")" -eq 2 ] &&
		   grep -qE 'VMCOREINFO' "$core.readelf" && echo 1)" "$core.readelf"
	where=$([ -s "$core" ] && ram_covered "$core" "$L") && ok=1 || ok=0
	check "$nic: the UEFI kernel's System RAM is in the vmcore but the crashkernel region: $where" "$ok"
	read -r hex paddr < <(sed -nE 's/^CRASHTEST MARKER ([0-9a-f]{32}) PADDR 0x([0-9a-f]+)$/\1 \2/p' "$L")
	where=$([ -n "${paddr:-}" ] && [ -s "$core" ] && ql_marker_at "$core" "$paddr" "$hex") && ok=1 || ok=0
	check "$nic: marker page at paddr 0x${paddr:-?}: $where" "$ok"
	rm -f "$core.d31"
	makedumpfile -l -d 31 "$core" "$core.d31" >"$core.mdf" 2>&1 && [ -s "$core.d31" ] && ok=1 || ok=0
	check "$nic: makedumpfile -l -d 31 converts it without a vmlinux" "$ok" "$core.mdf"
	echo "  $nic: $(grep -E '^dump: complete' "$L"); panic ${T_PANIC:-?} s, done ${T_DONE:-?} s after QEMU start"
	rm -f "$core" "$core.d31"
}

verdict_kdump() {
	local nic=$1 L=$LOG core=$LL_TMP/$NAME-$1.kdump info=$LL_TMP/$NAME-$1.kinfo
	verdict_common "$nic" e1000
	local high want got ok
	# the first page of every System RAM range above 4 GiB
	high=$(sed -nE 's/^CRASHTEST iomem ([0-9a-f]+)-[0-9a-f]+ : System RAM$/\1/p' "$L" |
		awk '{ if (length($1) > 8) printf "--paddr %s ", $1 }')
	# shellcheck disable=SC2086 # high is words on purpose
	python3 "$LL_ROOT/tests/lib/kdump_inspect.py" "$DIMG" $high --extract "$core" >"$info" 2>&1
	check "$nic: kdump-compressed: header complete, lzo, 2 CPUs, level 31" \
		"$(grep -qx 'complete: yes' "$info" && grep -qx 'codec: lzo' "$info" &&
		   grep -qx 'cpus: 2' "$info" && grep -qx 'dump_level: 31' "$info" && echo 1)" "$info"
	# RAM pages in the dump's bitmap = the guest's System RAM less the
	# 64 MiB crashkernel region (16384 pages; 16 pages of slack for
	# ranges that are not page-aligned)
	want=$(sed -nE 's/^CRASHTEST iomem ([0-9a-f]+)-([0-9a-f]+) : System RAM$/\1 \2/p' "$L" |
		/usr/bin/python3 -c 'import sys
print(sum((int(b, 16) + 1 - int(a, 16)) // 4096 for a, b in (l.split() for l in sys.stdin)) - 16384)')
	got=$(sed -n 's/^pages_ram: //p' "$info")
	ok=$([ -n "$high" ] && [ -n "$got" ] && [ "$want" -gt 0 ] &&
	     [ $((got - want)) -le 16 ] && [ $((want - got)) -le 16 ] &&
	     ! grep -q 'ram 0' "$info" && echo 1)
	check "$nic: ${MEM_BIG} MiB guest: RAM above 4 GiB ($(grep -c '^paddr ' "$info") range(s)) in the dump's RAM bitmap; ${got:-?} RAM pages, the guest's System RAM less the crashkernel region: $want" \
		"$ok" "$info"
	rm -f "$core.dmesg"
	makedumpfile --dump-dmesg "$core" "$core.dmesg" >"$core.mdf" 2>&1
	check "$nic: makedumpfile --dump-dmesg: the kernel log holds the sysrq panic" \
		"$(grep -q 'sysrq: Trigger a crash' "$core.dmesg" 2>/dev/null &&
		   grep -q 'Kernel panic' "$core.dmesg" && echo 1)" "$core.mdf"
	echo "  $nic: $(grep -E '^dump: complete' "$L"); panic ${T_PANIC:-?} s, done ${T_DONE:-?} s after QEMU start"
	rm -f "$core" "$core.dmesg"
}

for nic in ${EFI_CRASH_NICS:-virtio}; do
	case $nic in
	virtio) run virtio "$MEM" lifeline.extra=dump-format=elf && verdict_elf virtio ;;
	e1000) run e1000 "$MEM_BIG" "" && verdict_kdump e1000 ;;
	*) echo "FAIL qemu/$NAME: unknown NIC $nic" ;;
	esac
	rm -f "$BIMG" "$DIMG"
done
exit 0
