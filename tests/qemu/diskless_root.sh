#!/bin/bash
# tests/qemu/diskless_root.sh - a diskless machine in the full sense: QEMU's
# PXE ROM chainloads lifeline.pxe, which SAN-boots the diskless disk
# (tools/mkdisk-diskless.sh: syslinux, the Debian kernel, a Debian
# mkinitramfs initramfs with open-iscsi's hooks, an ext4 root) from tgtd.
# The OS's initramfs logs in by itself from lifeline's iBFT (iscsi_auto,
# iscsistart -b), mounts its root from the LUN and runs its /sbin/init,
# which writes the boot's nonce to /nonce and powers off. The host then
# finds the nonce in the LUN's backing file (debugfs) and e2fsck -fn finds
# the file system clean. Runs:
#  plain  no authentication
#  chap   CHAP on the target; lifeline.pxe carries username/password (its
#         embedded settings), its iBFT hands them to the OS's initiator
#  mutual the same with mutual CHAP (reverse-username/reverse-password: the
#         target's name and secret, which both initiators check)
#  crash  root on the LUN, the guest arms lifeline.elf from the iBFT, starts
#         the marker and panics; lifeline dumps to a second target; the
#         vmcore (dump-format=elf) verifies (lifeline-dumpinfo, readelf, the marker page,
#         makedumpfile -d 31) and the boot LUN is unchanged by the dump.
# Env: DISKLESS_RUNS (default "plain chap mutual crash").
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"

NAME=diskless_root
PXE=$LL_ROOT/build/lifeline.pxe
SETTINGS=$LL_ROOT/build/tools/lifeline-settings
DUMPINFO=$LL_ROOT/build/tools/lifeline-dumpinfo
MEM=512
BOOT_TMO=200          # QEMU start to the guest's last line
DUMP_TMO=180          # panic line to lifeline's last line
CHAP_USER=diskless-user
CHAP_PASS=diskless-secret-16
RCHAP_USER=diskless-target
RCHAP_PASS=diskless-rsecret-17

check() { # DESC OK [LOG]
	if [ "$2" = 1 ]; then echo "PASS qemu/$NAME: $1"; else
		echo "FAIL qemu/$NAME: $1"; [ -n "${3:-}" ] && ll_show "$3" 40; fi
}
ql_require "$NAME"
for f in "$PXE" "$SETTINGS" "$DUMPINFO" "$LL_ROOT/build/lifeline.elf"; do
	[ -f "$f" ] || { echo "FAIL qemu/$NAME (no $f; run make)"; exit 1; }
done
for t in debugfs e2fsck readelf makedumpfile; do
	command -v "$t" >/dev/null || { echo "FAIL qemu/$NAME (missing $t; make deps)"; exit 1; }
done
ql_net_setup || { echo "FAIL qemu/$NAME (namespace, bridge, tap)"; exit 1; }
t0=$EPOCHREALTIME
bash "$LL_ROOT/tools/mkdisk-diskless.sh" >"$LL_TMP/mkdisk.log" 2>&1 ||
	{ echo "FAIL qemu/$NAME (building the diskless disk)"; ll_show "$LL_TMP/mkdisk.log" 20; exit 1; }
echo "  $NAME: disk ready in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s $(grep -o 'built in.*' "$LL_TMP/mkdisk.log" || echo '(cached)')"

# fs_verdict TAG IMG NONCE: the nonce file in the root fs of IMG, fsck clean
fs_verdict() {
	local tag=$1 img=$2 nonce=$3 part=$LL_TMP/$1.root got
	ql_part "$img" 2 "$part" || { check "$tag: partition 2 of the backing file" 0; return; }
	got=$(debugfs -R 'cat /nonce' "$part" 2>/dev/null)
	check "$tag: host finds /nonce = the boot's nonce in the LUN's backing file (debugfs)" \
		"$([ "$got" = "$nonce" ] && echo 1)"
	e2fsck -fn "$part" >"$part.fsck" 2>&1 && ok=1 || ok=0
	check "$tag: e2fsck -fn of the root partition: clean ($(tail -n 1 "$part.fsck"))" "$ok" "$part.fsck"
	rm -f "$part"
}

# boot TAG TIMEOUT ARGS...: QEMU PXE-boots through lifeline.pxe; waits for
# the guest's last line (poweroff / panic / FAIL), then for QEMU's end
# (lifeline's end after a panic). Sets T_LAST, T_END, QEMU_RC, LOG.
boot() {
	local tag=$1 tmo=$2; shift 2
	LOG=$LL_TMP/$tag.serial
	T_LAST="" T_END="" QEMU_RC=""
	QL_MEM=$MEM ql_qemu "$LOG" $((BOOT_TMO + tmo + 30)) "$@"
	T_LAST=$(ql_wait_secs "$LOG" '^DISKLESS (poweroff|panic|FAIL)' "$BOOT_TMO")
	if [ -n "$T_LAST" ]; then
		[ "$tag" = crash ] && H_PANIC=$(sha256sum <"$LL_TMP/crash.img")
		ll_wait_pid "$QL_QEMU_PID" "$tmo"
		QEMU_RC=$?
		QL_QEMU_PID=""
		T_END=$(awk -v a="$QL_QEMU_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	fi
	ql_qemu_stop
	tr -d '\r' <"$LOG" >"$LOG.txt"
}

# boot_verdict TAG TARGET [USER [USER_IN]]: lifeline booted the disk, the OS
# logged in by itself (as USER; checking the target as USER_IN), root on
# the LUN, nonce written
boot_verdict() {
	local tag=$1 target=$2 user=${3:-none} user_in=${4:-none} L=$LOG.txt
	check "$tag: lifeline.pxe: own DHCP, logged in to the boot LUN, iBFT, MBR boot" \
		"$(grep -q '^lifeline: address .* from our own DHCP' "$L" &&
		   grep -qE "^lifeline: logged in to $target, " "$L" &&
		   grep -qE '^lifeline: iBFT at 0x' "$L" &&
		   grep -qx 'lifeline: booting the MBR from drive 0x80' "$L" && echo 1)" "$L"
	check "$tag: initramfs: iscsistart logged in to the iBFT's target (no target on the command line)" \
		"$(grep -qx "iscsistart: Logging into $target $QL_IP:3260,1" "$L" &&
		   grep -qE "^iscsistart: Connection[0-9:]+ to \[target: $target, portal: $QL_IP,3260\] .* is operational now" "$L" &&
		   grep -q '^DISKLESS cmdline .* iscsi_auto ' "$L" &&
		   ! grep '^DISKLESS cmdline ' "$L" | grep "$target" >/dev/null && echo 1)" "$L"
	check "$tag: the OS's initramfs logged in from the iBFT and /sbin/init runs from the LUN (${T_LAST:-?} s)" \
		"$(grep -qE '^DISKLESS init kernel=' "$L" &&
		   grep -qE '^DISKLESS root /dev/sd[a-z]2 ext4 rw$' "$L" &&
		   grep -qxE "DISKLESS session session[0-9]+ target=$target user=$user user_in=$user_in" "$L" &&
		   grep -qE '^DISKLESS disk sd[a-z] session[0-9]+$' "$L" && echo 1)" "$L"
	check "$tag: nonce written, root read-only, no FAIL" \
		"$(grep -qx "DISKLESS nonce $NONCE written" "$L" && grep -qx 'DISKLESS root read-only' "$L" &&
		   ! grep -q '^DISKLESS FAIL' "$L" && echo 1)" "$L"
}

# serve IMG TID TARGET: a fresh target TID serving IMG
serve() {
	tgtadm_c "$QL_TGT_CTL" --mode target --op delete --force --tid "$2" >/dev/null 2>&1
	ql_target "$1" "$2" "$3"
}

# ---- plain and chap: boot, write the nonce, power off
mkdir -p "$LL_TMP/tftp"
dnsmasq_on=0
for run in ${DISKLESS_RUNS:-plain chap mutual crash}; do
	[ "$run" = crash ] && continue
	target=$QL_IQN-diskless-$run
	tid=1 user="" user_in=""
	case $run in chap) tid=2 user=$CHAP_USER ;; mutual) tid=5 user=$CHAP_USER user_in=$RCHAP_USER ;; esac
	NONCE=$(od -An -N 16 -t x1 /dev/urandom | tr -d ' \n')
	img=$LL_TMP/$run.img
	bash "$LL_ROOT/tools/mkdisk-diskless.sh" --out "$img" --append "ll.nonce=$NONCE" >/dev/null ||
		{ echo "FAIL qemu/$NAME ($run: disk)"; continue; }
	cp "$PXE" "$LL_TMP/tftp/lifeline.pxe"
	serve "$img" "$tid" "$target" || { echo "FAIL qemu/$NAME ($run: tgtd)"; continue; }
	if [ "$run" != plain ]; then
		tgt_chap "$QL_TGT_CTL" "$tid" "$CHAP_USER" "$CHAP_PASS" >/dev/null &&
		"$SETTINGS" "$LL_TMP/tftp/lifeline.pxe" username="$CHAP_USER" password="$CHAP_PASS" >/dev/null ||
			{ echo "FAIL qemu/$NAME ($run: CHAP account or settings)"; continue; }
	fi
	if [ "$run" = mutual ]; then
		tgt_chap "$QL_TGT_CTL" "$tid" "$RCHAP_USER" "$RCHAP_PASS" --outgoing >/dev/null &&
		"$SETTINGS" "$LL_TMP/tftp/lifeline.pxe" reverse-username="$RCHAP_USER" \
			reverse-password="$RCHAP_PASS" >/dev/null ||
			{ echo "FAIL qemu/$NAME ($run: mutual CHAP account or settings)"; continue; }
	fi
	ql_dnsmasq "$(ql_rootpath 1 "$target")" "$LL_TMP/tftp" lifeline.pxe ||
		{ echo "FAIL qemu/$NAME ($run: dnsmasq)"; continue; }
	boot "$run" 30
	boot_verdict "$run" "$target" "$user" "$user_in"
	check "$run: the guest powered off, QEMU ended by itself (${T_END:-?} s)" \
		"$(grep -qx 'DISKLESS poweroff' "$LOG.txt" && [ "$QEMU_RC" = 0 ] && echo 1)" "$LOG.txt"
	[ "$run" != plain ] && check "$run: the CHAP secrets never show on the console" \
		"$(! grep -aq -e "$CHAP_PASS" -e "$RCHAP_PASS" "$LOG" && echo 1)"
	fs_verdict "$run" "$img" "$NONCE"
	tgtadm_c "$QL_TGT_CTL" --mode target --op delete --force --tid "$tid" >/dev/null 2>&1
	for u in $user $user_in; do   # the next run makes its own accounts
		tgtadm_c "$QL_TGT_CTL" --mode account --op delete --user "$u" >/dev/null 2>&1
	done
	rm -f "$img"
done

# ---- crash: root on the LUN, arm lifeline.elf from the iBFT, panic, dump
case " ${DISKLESS_RUNS:-crash} " in *" crash "*) ;; *) exit 0 ;; esac
run=crash
target=$QL_IQN-diskless-crash
dump_target=$QL_IQN-diskless-dump
NONCE=$(od -An -N 16 -t x1 /dev/urandom | tr -d ' \n')
img=$LL_TMP/crash.img
dimg=$LL_TMP/crash-dump.img
bash "$LL_ROOT/tools/mkdisk-diskless.sh" --out "$img" --append \
	"ll.nonce=$NONCE ll.mode=crash crashkernel=64M lifeline.extra=dump-format=elf lifeline.dump-path=$(ql_rootpath 1 "$dump_target")" >/dev/null ||
	{ echo "FAIL qemu/$NAME (crash: disk)"; exit 1; }
cp "$PXE" "$LL_TMP/tftp/lifeline.pxe"
tgt_backing "$dimg" $((MEM + 64))
serve "$img" 3 "$target" && serve "$dimg" 4 "$dump_target" ||
	{ echo "FAIL qemu/$NAME (crash: tgtd)"; exit 1; }
ql_dnsmasq "$(ql_rootpath 1 "$target")" "$LL_TMP/tftp" lifeline.pxe ||
	{ echo "FAIL qemu/$NAME (crash: dnsmasq)"; exit 1; }
H_PANIC=""
boot crash "$DUMP_TMO" -smp 2
L=$LOG.txt
boot_verdict crash "$target"
check "crash: lifeline-arm from the iBFT, armed, marker, panic" \
	"$(grep -qE "^lifeline-arm: iBFT: initiator .*boot target $target at " "$L" &&
	   grep -qx 'DISKLESS armed kexec_crash_loaded=1' "$L" &&
	   grep -qE '^DISKLESS MARKER [0-9a-f]{32} PADDR 0x[0-9a-f]+$' "$L" &&
	   grep -qx 'DISKLESS panic' "$L" && echo 1)" "$L"
check "crash: kexec entry, 2 CPUs, dump LUN login, complete, logout, reboot ends QEMU (${T_END:-?} s)" \
	"$(grep -qE '^lifeline: kexec entry, boot_params at 0x' "$L" &&
	   grep -qE '^lifeline: elfcorehdr at 0x[0-9a-f]+: 2 CPUs, [0-9]+ RAM ranges, [0-9]+ MiB, VMCOREINFO present$' "$L" &&
	   grep -qE "^lifeline: logged in to $dump_target, [0-9]+ blocks of 512 bytes$" "$L" &&
	   grep -qE '^dump: complete, ' "$L" && grep -qx 'lifeline: logged out' "$L" &&
	   grep -qx 'lifeline: rebooting' "$L" && [ "$QEMU_RC" = 0 ] && echo 1)" "$L"
core=$LL_TMP/crash.vmcore
"$DUMPINFO" --extract "$core" "$dimg" >"$core.info" 2>&1
check "crash: lifeline-dumpinfo: complete, 2 CPUs, VMCOREINFO" \
	"$(grep -qx 'vmcore: complete' "$core.info" && grep -qx 'cpus: 2' "$core.info" &&
	   grep -qx 'vmcoreinfo: yes' "$core.info" && echo 1)" "$core.info"
readelf -h -l -n "$core" >"$core.readelf" 2>&1
check "crash: readelf -h -l -n: CORE, NOTE first, 2 NT_PRSTATUS, VMCOREINFO" \
	"$(grep -qE 'Type:[[:space:]]+CORE' "$core.readelf" &&
	   ! grep -qi 'warning\|error' "$core.readelf" &&
	   [ "$(grep -cE 'NT_PRSTATUS' "$core.readelf")" -eq 2 ] &&
	   grep -qE 'VMCOREINFO' "$core.readelf" &&
	   [ "$(sed -n '/Program Headers/,$p' "$core.readelf" | grep -m 1 -E '^  (NOTE|LOAD)' | awk '{print $1}')" = NOTE ] &&
	   echo 1)" "$core.readelf"
read -r hex paddr < <(sed -nE 's/^DISKLESS MARKER ([0-9a-f]{32}) PADDR 0x([0-9a-f]+)$/\1 \2/p' "$L")
where=$( [ -n "${paddr:-}" ] && ql_marker_at "$core" "$paddr" "$hex") && ok=1 || ok=0
check "crash: marker page at paddr 0x${paddr:-?} in the vmcore: $where" "$ok"
makedumpfile -d 31 "$core" "$core.d31" >"$core.mdf" 2>&1 && [ -s "$core.d31" ] && ok=1 || ok=0
check "crash: makedumpfile -d 31 reads it ($(stat -c %s "$core" 2>/dev/null || echo 0) -> $(stat -c %s "$core.d31" 2>/dev/null || echo 0) bytes)" \
	"$ok" "$core.mdf"
rm -f "$core" "$core.d31"
check "crash: boot LUN backing file unchanged from the panic line to the end of the dump (sha256)" \
	"$([ -n "$H_PANIC" ] && [ "$(sha256sum <"$img")" = "$H_PANIC" ] && echo 1)"
fs_verdict crash "$img" "$NONCE"
echo "  $NAME: crash: $(grep -E '^dump: complete' "$L"); panic line ${T_LAST:-?} s, QEMU end ${T_END:-?} s"
echo "  $NAME: all runs in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s"
exit 0
