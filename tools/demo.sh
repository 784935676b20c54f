#!/bin/bash
# tools/demo.sh - `make demo`: a diskless Linux VM in the full sense, under
# QEMU (TCG) with its serial console shown live. The PXE ROM chainloads
# lifeline.pxe, which logs in to the boot LUN and SAN-boots it; the disk
# (tools/mkdisk-diskless.sh) holds syslinux, the host's Debian kernel, an
# initramfs made by Debian's mkinitramfs whose open-iscsi scripts log in by
# themselves from the iBFT lifeline left, and an ext4 root that the OS
# mounts from the LUN. Its /sbin/init writes the boot's nonce to /nonce,
# arms lifeline as its crash image from the iBFT (lifeline-arm, kexec -p)
# and panics through sysrq; lifeline, re-entered with the OS dead, dumps RAM
# (dump level 31, kdump-compressed) to a second iSCSI target with its own NIC driver (progress lines
# live). Finally the host reads /nonce from the boot LUN's backing file and
# runs lifeline-dumpinfo on the dump LUN's. In a throw-away network
# namespace: dnsmasq (TFTP lifeline.pxe, DHCP options 17 and 203 for
# lifeline), tgtd serving the boot LUN and the dump LUN. Bounded; cleans up.
# (The hosted TCP demo without a VM is tools/demo-tcp.sh.)
set -uo pipefail
. "$(dirname "$0")/../tests/lib/qemu.sh"

MEM=512
DUMPINFO=$LL_ROOT/build/tools/lifeline-dumpinfo
say() { printf '\n== %s\n' "$*"; }
die() { printf '\ndemo failed: %s\n' "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (network namespace, tap device)"
ql_require demo || exit 1          # prints what is missing (make deps)
for f in lifeline.pxe lifeline.elf tools/lifeline-dumpinfo; do
	[ -f "$LL_ROOT/build/$f" ] || die "no build/$f: run make"
done

say "Network namespace, bridge 10.79.0.1/24"
ql_net_setup || die "namespace, bridge or tap"
name=$QL_IQN-demo
dump_name=$QL_IQN-demo-dump
rp=$(ql_rootpath 1 "$name")
dp=$(ql_rootpath 1 "$dump_name")

say "Building the diskless disk (root on the LUN; crashkernel=64M, lifeline.dump-path=$dp)"
nonce=$(od -An -N 16 -t x1 /dev/urandom | tr -d ' \n')
bash "$LL_ROOT/tools/mkdisk-diskless.sh" --out "$LL_TMP/linux.img" --append \
	"ll.nonce=$nonce ll.mode=crash crashkernel=64M lifeline.dump-path=$dp" ||
	die "mkdisk-diskless failed"
echo "boot's nonce (kernel command line): $nonce"
mkdir -p "$LL_TMP/tftp"
cp "$LL_ROOT/build/lifeline.pxe" "$LL_TMP/tftp/"
tgt_backing "$LL_TMP/dump.img" $((MEM + 64))

say "tgtd (boot LUN and dump LUN) and dnsmasq"
ql_target "$LL_TMP/linux.img" 1 "$name" || die "tgtd did not start"
ql_target "$LL_TMP/dump.img" 2 "$dump_name" || die "dump target"
ql_dnsmasq "$rp" "$LL_TMP/tftp" lifeline.pxe || die "dnsmasq did not start"
echo "root-path (option 17): $rp"
echo "initiator (option 203): $QL_INITIATOR"
echo "dump-path (guest command line): $dp"
echo "boot file: lifeline.pxe (iPXE clients get no 17/203; see docs/pxe.md)"

say "QEMU (TCG, e1000, -smp 2, ${MEM} MiB, no disk): PXE ROM -> lifeline.pxe -> iSCSI -> Linux, root on the LUN -> panic -> lifeline dump"
log=$LL_TMP/serial.log
QL_MEM=$MEM ql_qemu "$log" 300 -smp 2
tail -n +1 -f --pid="$QL_QEMU_PID" "$log" &
tail_pid=$!
# stage REGEX SECS: wait for the line; 0 or 1
stage() { ql_wait "$log" "$1" "$2"; }
ok=1
stage '^DISKLESS init' 200 || ok=0
t_user=$(awk -v a="$QL_QEMU_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
[ $ok = 1 ] && stage '^DISKLESS (panic|FAIL)' 60 || ok=0
t_panic=$(awk -v a="$QL_QEMU_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
h0=$(sha256sum <"$LL_TMP/linux.img")
[ $ok = 1 ] && stage '^lifeline: (rebooting|halted|powering off)|^lifeline: exception' 180 || ok=0
t_done=$(awk -v a="$QL_QEMU_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
ll_wait_pid "$QL_QEMU_PID" 20 >/dev/null 2>&1
QL_QEMU_PID=""
sleep 0.3
kill "$tail_pid" 2>/dev/null
wait "$tail_pid" 2>/dev/null

say "Result"
tr -d '\r' <"$log" >"$log.txt"
grep -aq '^DISKLESS init' "$log.txt" ||
	die "the guest's /sbin/init did not run from the LUN (log: $log)"
echo "/sbin/init on the LUN ran ${t_user}s after QEMU started; the OS's own initiator logged in from the iBFT:"
grep -a '^iscsistart: Logging into\|^DISKLESS \(root\|session\|nonce\)' "$log.txt" | sed 's/^/  /'
echo "lifeline armed from the iBFT:"
grep -a '^lifeline-arm: \(iBFT\|armed\)' "$log.txt" | sed 's/^/  /'
[ $ok = 1 ] || die "no panic or no end of the dump (log: $log)"
echo "panic at ${t_panic}s; lifeline's crash flow ended at ${t_done}s:"
sed -n '/^lifeline: kexec entry/,$p' "$log.txt" |
	grep -aE '^(lifeline: (kexec entry|elfcorehdr|NIC|logged in)|dump: complete)' | sed 's/^/  /'
if [ "$(sha256sum <"$LL_TMP/linux.img")" = "$h0" ]; then
	echo "boot LUN unchanged by the dump (sha256 of its backing file at the panic line = after the dump)"
else
	echo "WARNING: the boot LUN's backing file changed during the dump"
fi

say "On the host: /nonce in the boot LUN's root file system (debugfs, e2fsck -fn)"
ql_part "$LL_TMP/linux.img" 2 "$LL_TMP/root.ext4" || die "no partition 2 in the boot LUN"
got=$(debugfs -R 'cat /nonce' "$LL_TMP/root.ext4" 2>/dev/null)
echo "  /nonce: $got"
[ "$got" = "$nonce" ] || die "/nonce is not the boot's nonce $nonce"
e2fsck -fn "$LL_TMP/root.ext4" 2>&1 | tail -n 1 | sed 's/^/  /'
rm -f "$LL_TMP/root.ext4"

say "On the host: lifeline-dumpinfo $LL_TMP/dump.img"
"$DUMPINFO" "$LL_TMP/dump.img" | sed 's/^/  /'
"$DUMPINFO" "$LL_TMP/dump.img" | grep -x 'vmcore: complete' >/dev/null || die "the vmcore is not complete"
say "On the host: the kdump-compressed dump read by makedumpfile"
python3 "$LL_ROOT/tests/lib/kdump_inspect.py" "$LL_TMP/dump.img" --extract "$LL_TMP/vmcore" >"$LL_TMP/kinfo.txt"
grep -qx 'complete: yes' "$LL_TMP/kinfo.txt" || die "the vmcore is not complete"
makedumpfile --dump-dmesg "$LL_TMP/vmcore" "$LL_TMP/dmesg.txt" >/dev/null 2>&1 &&
	{ echo "  makedumpfile --dump-dmesg, the last kernel lines:"; tail -n 3 "$LL_TMP/dmesg.txt" | sed 's/^/    /'; }
echo "demo OK"
