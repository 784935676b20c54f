#!/bin/bash
# tests/hosted/dmesg.sh - lifeline-dumpinfo --dmesg on vmcores the real
# writers make from the synthetic kernel with a hand-built printk ring
# (build/tests/mkprintk): ELF, kdump-compressed at levels 31 and 0, exact
# lines after the ring wrapped; a corrupt descriptor (rest printed, exit
# 1), no vmcore, a truncated and byte-flipped image (clear error, never a
# crash); the same runs under an ASan/UBSan build of the tool. Needs no
# root, no QEMU.
set -u
cd "$(dirname "$0")/../.."
T=build/tools/lifeline-dumpinfo
MK=build/tests/mkprintk
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass() { echo "PASS hosted/dmesg/$1"; }
fail() { echo "FAIL hosted/dmesg/$1"; }
check() { if eval "$2"; then pass "$1"; else fail "$1"; echo "  | $3" | head -c 2000; echo; fi; }

last='[  100.000000] Kernel panic - not syncing: sysrq triggered crash'
for c in elf:elf kdump31:"kdump 31" kdump0:"kdump 0"; do
	n=${c%%:*}
	$MK "$tmp/$n" ${c#*:} 2>"$tmp/$n.mk"; rc=$?
	check "$n/mkprintk" '[ $rc -eq 0 ]' "$(tail -3 "$tmp/$n.mk")"
	$T --dmesg "$tmp/$n" >"$tmp/$n.out" 2>"$tmp/$n.err"; rc=$?
	check "$n/exact" '[ $rc -eq 0 ] && cmp -s "$tmp/$n.out" "$tmp/$n.want" && [ ! -s "$tmp/$n.err" ]' \
		"rc=$rc $(diff "$tmp/$n.want" "$tmp/$n.out" | head -5) $(cat "$tmp/$n.err")"
	check "$n/lines" '[ "$(wc -l <"$tmp/$n.out")" -ge 10 ] && [ "$(tail -1 "$tmp/$n.out")" = "$last" ] && ! grep -q "boot message 0 " "$tmp/$n.out"' \
		"$(cat "$tmp/$n.out")"
done
check kdump31/format 'head -c 8 "$tmp/kdump31" | grep "^KDUMP   $" >/dev/null && $T "$tmp/kdump31" | grep "level: 31" >/dev/null' "$($T "$tmp/kdump31" 2>&1)"

$MK "$tmp/bad" kdump 31 --corrupt 2>/dev/null
$T --dmesg "$tmp/bad" >"$tmp/bad.out" 2>"$tmp/bad.err"; rc=$?
check corrupt_desc '[ $rc -eq 1 ] && cmp -s "$tmp/bad.out" "$tmp/bad.want" && grep -q "^error: E7 .*1 corrupt printk records skipped" "$tmp/bad.err"' \
	"rc=$rc $(cat "$tmp/bad.err")"

head -c 100000 /dev/zero >"$tmp/none"
out=$($T --dmesg "$tmp/none" 2>&1); rc=$?
check no_vmcore '[ $rc -eq 1 ] && grep -q "^error: E12 .*no vmcore" <<<"$out"' "rc=$rc $out"

head -c 20000 "$tmp/kdump31" >"$tmp/trunc"
out=$($T --dmesg "$tmp/trunc" 2>&1); rc=$?
check truncated '[ $rc -eq 1 ] && grep -q "^error: E" <<<"$out"' "rc=$rc $out"

# byte flips anywhere in the image (seeded): a clear exit 0 or 1, no crash
flips() {
	python3 - "$1" "$2" "$3" <<'PY'
import random, sys
src, dst, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
b = bytearray(open(src, "rb").read()); r = random.Random(seed)
for _ in range(r.randint(1, 40)):
    i = r.randrange(len(b)) if r.random() < 0.5 else r.randrange(min(len(b), 0x20000))
    b[i] ^= 1 << r.randrange(8)
open(dst, "wb").write(b)
PY
}
bad=0
for s in $(seq 1 60); do
	flips "$tmp/kdump31" "$tmp/flip" "$s"
	timeout 20 $T --dmesg "$tmp/flip" >/dev/null 2>&1; rc=$?
	[ $rc -le 1 ] || { bad=$((bad + 1)); echo "  seed $s rc=$rc"; }
done
check flipped_images '[ $bad -eq 0 ]' "$bad crashed or hung"

# the same tool under ASan/UBSan (the dump is untrusted input)
A=$tmp/dumpinfo-asan
if [ -e build/asan/libcore.a ] && cc -std=gnu11 -Wall -Wextra -Werror -I. -O1 -g -D_GNU_SOURCE \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer \
	tools/lifeline-dumpinfo.c tools/common/dmesg.c tools/common/vmfile.c \
	tools/common/kdump_info.c build/asan/libcore.a /usr/lib/x86_64-linux-gnu/liblzo2.a \
	-o "$A" 2>"$tmp/asan.cc"; then
	bad=0
	for f in elf kdump31 kdump0 bad none trunc; do
		$A --dmesg "$tmp/$f" >/dev/null 2>"$tmp/asan.err"; rc=$?
		[ $rc -le 1 ] && ! grep -q Sanitizer "$tmp/asan.err" || { bad=$((bad + 1)); echo "  $f rc=$rc"; head -5 "$tmp/asan.err"; }
	done
	for s in $(seq 100 130); do
		flips "$tmp/elf" "$tmp/flip" "$s"
		timeout 60 $A --dmesg "$tmp/flip" >/dev/null 2>"$tmp/asan.err"; rc=$?
		[ $rc -le 1 ] && ! grep -q Sanitizer "$tmp/asan.err" || { bad=$((bad + 1)); echo "  seed $s rc=$rc"; head -5 "$tmp/asan.err"; }
	done
	check asan_clean '[ $bad -eq 0 ]' "$bad runs reported"
else
	fail asan_build; cat "$tmp/asan.cc" 2>/dev/null | head -5
fi
