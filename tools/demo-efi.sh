#!/bin/bash
# tools/demo-efi.sh - `make demo-efi`: the UEFI boot and crash dump under
# QEMU (TCG, OVMF, virtio-net) with the serial console shown live. OVMF's
# PXE loads lifeline.efi, which logs in to the boot LUN, installs it as
# EFI_BLOCK_IO with lifeline's iBFT as an ACPI table and starts the LUN's
# GRUB EFI; GRUB boots the Debian kernel and an initramfs
# (tools/mkdisk-crash.sh --efi) that arms lifeline.elf as the crash image
# from the iBFT (lifeline-arm, kexec -p) and panics. lifeline.elf, re-entered
# with the OS dead, resets the virtio-net (whose 64-bit BAR OVMF put above
# 4 GiB) with its own driver and dumps RAM (kdump-compressed, level 31) to a
# second iSCSI target. The host then reads the dump with lifeline-dumpinfo
# and makedumpfile. In a throw-away network namespace: dnsmasq (DHCP for
# client-arch 7, TFTP lifeline.efi, options 17/203) and tgtd. Bounded;
# cleans up. The BIOS demo is tools/demo.sh.
set -uo pipefail
. "$(dirname "$0")/../tests/lib/efi.sh"

MEM=512
DUMPINFO=$LL_ROOT/build/tools/lifeline-dumpinfo
say() { printf '\n== %s\n' "$*"; }
die() { printf '\ndemo failed: %s\n' "$*"; exit 1; }
since() { awk -v a="$QL_QEMU_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

[ "$(id -u)" = 0 ] || die "needs root (network namespace, tap device)"
efi_require demo-efi || exit 1     # prints what is missing (make deps)
for f in lifeline.efi lifeline.elf tools/lifeline-dumpinfo; do
	[ -f "$LL_ROOT/build/$f" ] || die "no build/$f: run make"
done

say "Network namespace, bridge 10.79.0.1/24"
ql_net_setup || die "namespace, bridge or tap"
name=$QL_IQN-demo-efi
dump_name=$QL_IQN-demo-efi-dump
rp=$(ql_rootpath 1 "$name")
dp=$(ql_rootpath 1 "$dump_name")

say "Building the UEFI crash disk (GPT, ESP: GRUB EFI, Debian kernel, initramfs; crashkernel=64M, lifeline.dump-path=$dp)"
bash "$LL_ROOT/tools/mkdisk-crash.sh" --efi "$LL_TMP/linux.img" "$dp" >/dev/null ||
	die "mkdisk-crash --efi failed"
tgt_backing "$LL_TMP/dump.img" $((MEM + 64))

say "tgtd (boot LUN and dump LUN) and dnsmasq"
ql_target "$LL_TMP/linux.img" 1 "$name" || die "tgtd did not start"
ql_target "$LL_TMP/dump.img" 2 "$dump_name" || die "dump target"
efi_serve nbp "$LL_ROOT/build/lifeline.efi" "$rp" || die "dnsmasq did not start"
echo "client-arch 7 (UEFI x86-64): boot file lifeline.efi (docs/uefi-setup.md)"
echo "root-path (option 17): $rp"
echo "initiator (option 203): $QL_INITIATOR"
echo "dump-path (guest command line): $dp"

say "QEMU (TCG, OVMF, virtio-net, -smp 2, ${MEM} MiB, no disk): UEFI PXE -> lifeline.efi -> iSCSI -> GRUB EFI -> Linux -> panic -> lifeline.elf dump"
log=$LL_TMP/serial.log
QL_MEM=$MEM efi_qemu "$log" 420 virtio -smp 2
tail -n +1 -f --pid="$QL_QEMU_PID" "$log" | sed -uE 's/\x1b\[[0-9;=?]*[A-Za-z]//g; s/\r//g' &
tail_pid=$!
ok=1
ql_wait "$log" '^CRASHTEST userspace' 300 || ok=0
t_user=$(since)
[ $ok = 1 ] && ql_wait "$log" '^CRASHTEST (panic|FAIL)' 60 || ok=0
t_panic=$(since)
h0=$(sha256sum <"$LL_TMP/linux.img")
[ $ok = 1 ] && ql_wait "$log" '^lifeline: (rebooting|halted|powering off)|^lifeline: exception' 180 || ok=0
t_done=$(since)
ll_wait_pid "$QL_QEMU_PID" 20 >/dev/null 2>&1
QL_QEMU_PID=""
sleep 0.3
kill "$tail_pid" 2>/dev/null
wait "$tail_pid" 2>/dev/null

say "Result"
efi_text "$log" >"$log.txt"
grep -aq '^CRASHTEST userspace' "$log.txt" ||
	die "Linux did not reach user space from the LUN (log: $log)"
echo "lifeline.efi on the firmware's SNP:"
grep -aE '^lifeline: (address|logged in|iBFT|starting|loaded)' "$log.txt" | head -n 6 | sed 's/^/  /'
echo "Linux user space ${t_user}s after QEMU started; lifeline armed from the ACPI iBFT:"
grep -a '^lifeline-arm: \(iBFT\|armed\)' "$log.txt" | sed 's/^/  /'
grep -a '^CRASHTEST nic-bar' "$log.txt" | sed 's/^CRASHTEST /  the guest'"'"'s /'
[ $ok = 1 ] || die "no panic or no end of the dump (log: $log)"
echo "panic at ${t_panic}s; lifeline's crash flow ended at ${t_done}s:"
sed -n '/^lifeline: kexec entry/,$p' "$log.txt" |
	grep -aE '^(lifeline: (kexec entry|elfcorehdr|NIC|logged in)|dump: complete)' | sed 's/^/  /'
if [ "$(sha256sum <"$LL_TMP/linux.img")" = "$h0" ]; then
	echo "boot LUN unchanged by the dump (sha256 of its backing file at the panic line = after the dump)"
else
	echo "WARNING: the boot LUN's backing file changed during the dump"
fi

say "On the host: lifeline-dumpinfo $LL_TMP/dump.img"
"$DUMPINFO" "$LL_TMP/dump.img" | sed 's/^/  /'
"$DUMPINFO" "$LL_TMP/dump.img" | grep -x 'vmcore: complete' >/dev/null || die "the vmcore is not complete"
say "On the host: the kdump-compressed dump read by makedumpfile"
python3 "$LL_ROOT/tests/lib/kdump_inspect.py" "$LL_TMP/dump.img" --extract "$LL_TMP/vmcore" >"$LL_TMP/kinfo.txt"
grep -qx 'complete: yes' "$LL_TMP/kinfo.txt" || die "the vmcore is not complete"
makedumpfile --dump-dmesg "$LL_TMP/vmcore" "$LL_TMP/dmesg.txt" >/dev/null 2>&1 &&
	{ echo "  makedumpfile --dump-dmesg, the last kernel lines:"; tail -n 3 "$LL_TMP/dmesg.txt" | sed 's/^/    /'; }
echo "demo OK"
