#!/bin/bash
# tests/qemu/pxe_entry.sh - lifeline.pxe's BIOS entry under QEMU (TCG, slirp
# TFTP, e1000 iPXE ROM): the entry line, 40:13 lowered and INT 12h agreeing
# through the real-mode door, a sane TSC, the E820 map, the hand-back to the
# BIOS; then an image patched to raise #UD must print the register dump.
set -uo pipefail
cd "$(dirname "$0")/../.."
PXE=build/lifeline.pxe
QEMU=${QEMU:-qemu-system-x86_64}
TMO=${PXE_ENTRY_TIMEOUT:-60}
for t in "$QEMU" python3; do
	command -v "$t" >/dev/null || { echo "FAIL pxe_entry (missing $t; run make deps)"; exit 1; }
done
[ -f "$PXE" ] || { echo "FAIL pxe_entry (no $PXE; run make)"; exit 1; }
DIR=$(mktemp -d /tmp/ll-pxe-entry.XXXXXX)
QPID=""
cleanup() { [ -n "$QPID" ] && kill "$QPID" 2>/dev/null; rm -rf "$DIR"; }
trap cleanup EXIT

# boot IMAGE LOG UNTIL: run QEMU until LOG has a line matching UNTIL or
# TMO seconds pass; kill it by PID.
boot() {
	local img=$1 log=$2 until=$3
	mkdir -p "$DIR/tftp"
	cp "$img" "$DIR/tftp/lifeline.pxe"
	: >"$log"
	"$QEMU" -accel tcg -m 512 -display none -serial "file:$log" \
		-netdev "user,id=n,tftp=$DIR/tftp,bootfile=lifeline.pxe" \
		-device e1000,netdev=n -boot n -no-reboot -monitor none &
	QPID=$!
	local t=0
	while [ $t -lt $((TMO * 10)) ]; do
		grep -qaE "$until" "$log" && break
		kill -0 "$QPID" 2>/dev/null || break
		sleep 0.1; t=$((t + 1))
	done
	sleep 0.5
	kill "$QPID" 2>/dev/null; wait "$QPID" 2>/dev/null; QPID=""
	tr -d '\r' <"$log" >"$log.txt"
	sed 's/^/  | /' "$log.txt"
}

check() { # NAME CONDITION-RESULT
	if [ "$2" = 1 ]; then echo "PASS $1"; else echo "FAIL $1"; fi
}

LOG=$DIR/entry.log
boot "$PXE" "$LOG" 'back to the BIOS|exception'
L=$LOG.txt
check "pxe_entry: entry line with PXENV+ and !PXE" \
	"$(grep -qE '^lifeline: PXE entry, PXENV\+ at [0-9a-f]{4}:[0-9a-f]{4}, !PXE at [0-9a-f]{4}:[0-9a-f]{4}$' "$L" && echo 1)"
bm=$(sed -nE 's/^lifeline: base memory ([0-9]+) KiB, stub ([0-9]+) KiB at 0x([0-9a-f]+), 40:13 now ([0-9]+) KiB, INT 12h ([0-9]+) KiB$/\1 \2 \3 \4 \5/p' "$L")
ok=0
if [ -n "$bm" ]; then
	read -r b0 sk sl b1 i12 <<<"$bm"
	# the stub sits on a 4 KiB page boundary: up to 3 KiB more go
	[ "$b1" -le $((b0 - sk)) ] && [ "$b1" -gt $((b0 - sk - 4)) ] &&
		[ $((b1 % 4)) -eq 0 ] && [ "$i12" -eq "$b1" ] &&
		[ $((16#$sl)) -eq $((b1 * 1024)) ] && [ "$b0" -le 640 ] && ok=1
fi
check "pxe_entry: 40:13 lowered by the stub, INT 12h (rm_int) agrees ($bm)" $ok
khz=$(sed -nE 's/^lifeline: TSC ([0-9]+) kHz \(PIT channel 2\)$/\1/p' "$L")
check "pxe_entry: TSC calibrated > 100 MHz (${khz:-none} kHz)" \
	"$([ -n "$khz" ] && [ "$khz" -gt 100000 ] && echo 1)"
nram=$(grep -cE '^lifeline: E820 [0-9a-f]{16}-[0-9a-f]{16} RAM$' "$L")
check "pxe_entry: E820 map via INT 15h ($nram RAM ranges)" \
	"$([ "$nram" -ge 2 ] && grep -qE '^lifeline: E820 0000000000100000-' "$L" && echo 1)"
check "pxe_entry: PCI config walk finds the e1000 (8086:100e)" \
	"$(grep -qE '^lifeline: PCI [0-9a-f]{2}:[0-9a-f]{2}\.[0-7] 8086:100e network$' "$L" &&
	   grep -qE '^lifeline: PCI [0-9]+ functions, 1 network$' "$L" && echo 1)"
check "pxe_entry: core moved above 1 MiB" \
	"$(grep -qE '^lifeline: core at 0x[0-9a-f]{6,}-' "$L" && echo 1)"
check "pxe_entry: failure printed with its code, back to the BIOS" \
	"$(grep -qE '^lifeline: E[0-9]+ .*back to the BIOS \(INT 18h\)$' "$L" && echo 1)"

# Test flags in the core header (16 bytes after "LLCORE01"): the INT 12h
# hook self-test (2), then #UD (1).
flagged() { # IN OUT FLAGS
	python3 - "$1" "$2" "$3" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
i = b.find(b'LLCORE01')
assert i > 0
b[i + 16] |= int(sys.argv[3])
open(sys.argv[2], 'wb').write(b)
PY
}
flagged "$PXE" "$DIR/ud.pxe" 3
LOG=$DIR/ud.log
boot "$DIR/ud.pxe" "$LOG" 'INT 18h'
L=$LOG.txt
hk=$(sed -nE 's/^lifeline: hook self-test: INT 12h hooked, ([0-9]+) call\(s\), chained AX=([0-9]+) KiB, BX=([0-9a-f]+), CF=([0-9]+), unhooked (-?[0-9]+)$/\1 \2 \3 \4 \5/p' "$L")
ok=0
if [ -n "$hk" ]; then
	read -r n ax bx cf un <<<"$hk"
	[ "$n" = 1 ] && [ "$ax" = "$b1" ] && [ "$bx" = 4c4c ] && [ "$cf" = 1 ] &&
		[ "$un" = 0 ] &&
		grep -qE "^lifeline: hook self-test: after unhook 1 call\(s\), AX=$b1 KiB$" "$L" && ok=1
fi
check "pxe_entry: INT 12h hook into C, chained to the BIOS, CF/BX back, unhooked ($hk)" $ok
check "pxe_entry: #UD prints the register dump" \
	"$(grep -q '^lifeline: exception 6 #UD invalid opcode' "$L" &&
	   grep -qE '^  rip [0-9a-f]{16}  cs 0008  rflags [0-9a-f]{16}  cr2 ' "$L" &&
	   grep -qE '^  r12 [0-9a-f]{16}' "$L" &&
	   grep -qE '^lifeline: E90 CPU exception 6, back to the BIOS' "$L" && echo 1)"

# rm_jump to real-mode code (flag 4) that calls the hooked INT 12h twice
# with no long-mode call pending (the state after the MBR hand-off).
flagged "$PXE" "$DIR/jump.pxe" 4
LOG=$DIR/jump.log
boot "$DIR/jump.pxe" "$LOG" 'BX=2,'
L=$LOG.txt
check "pxe_entry: rm_jump, then INT 12h from real mode lands in C and returns (twice)" \
	"$(grep -qE "^lifeline: jump self-test: INT 12h from real mode, BX=1, AX=$b1 KiB$" "$L" &&
	   grep -qE "^lifeline: jump self-test: INT 12h from real mode, BX=2, AX=$b1 KiB$" "$L" && echo 1)"
