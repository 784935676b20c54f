#!/bin/bash
# tests/hosted/dumpinfo.sh - tools/lifeline-dumpinfo on dump images written
# by the real dump writer (build/tests/mkdump): a complete dump (CPUs,
# VMCOREINFO lines, ranges, --extract byte-exact against the fake memory,
# readelf accepts it: one NOTE first, 2 NT_PRSTATUS, VMCOREINFO), an
# incomplete one (exit 2), no vmcore and a truncated image (exit 1).
# makedumpfile -d 31 needs a real kernel's VMCOREINFO: the qemu tier checks
# it. Needs no root.
set -u
cd "$(dirname "$0")/../.."
T=build/tools/lifeline-dumpinfo
MK=build/tests/mkdump
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass() { echo "PASS hosted/dumpinfo/$1"; }
fail() { echo "FAIL hosted/dumpinfo/$1"; }
check() { if eval "$2"; then pass "$1"; else fail "$1"; echo "  | $3" | head -c 2000; echo; fi; }

$MK "$tmp/img" 2>"$tmp/mk.log" >/dev/null
check mkdump '[ $? -eq 0 ] && grep -q "^dump: complete, 2 MiB" "$tmp/mk.log"' "$(cat "$tmp/mk.log")"

out=$($T --extract "$tmp/core" "$tmp/img"); rc=$?
want="vmcore: complete
cpus: 2
vmcoreinfo: yes
  OSRELEASE=6.1.0-lifeline-test
  PAGESIZE=4096
range 0: paddr 0x0 vaddr 0xffff888000000000 size 0x9fc00 offset 0x1000
range 1: paddr 0x100000 vaddr 0xffff888000100000 size 0x100000 offset 0xa1000
range 2: paddr 0x300000 vaddr 0xffff888000300000 size 0x80123 offset 0x1a1000
total: 3 ranges, 2227491 bytes (2 MiB) of memory, vmcore 2232611 bytes
extracted: 2232611 bytes to $tmp/core"
check complete '[ $rc -eq 0 ] && [ "$out" = "$want" ]' "rc=$rc out=$out"
check extract_size '[ "$(stat -c %s "$tmp/core")" = 2232611 ]' "$(stat -c %s "$tmp/core")"

# every range's bytes equal the fake memory at its source (range 0: the
# backup copy at 0x200000), and the extract is the image's prefix
python3 - "$tmp/core" "$tmp/img.mem" >"$tmp/cmp.log" 2>&1 <<'PY'
import sys
core = open(sys.argv[1], "rb").read(); mem = open(sys.argv[2], "rb").read()
ranges = [(0x1000, 0x200000, 0x9fc00), (0xa1000, 0x100000, 0x100000),
          (0x1a1000, 0x300000, 0x80123)]
for off, src, n in ranges:
    assert core[off:off + n] == mem[src:src + n], hex(src)
assert core[0x1000:0x2000] != mem[0:0x1000]
print("ok")
PY
check data '[ "$(cat "$tmp/cmp.log")" = ok ] && cmp -s -n 2232611 "$tmp/core" "$tmp/img"' "$(cat "$tmp/cmp.log")"

if command -v readelf >/dev/null; then
	re=$(readelf -h -l -n "$tmp/core" 2>&1); rc=$?
	check readelf_ok '[ $rc -eq 0 ] && ! grep -qi "warning\|error" <<<"$re"' "$re"
	check readelf_core 'grep -q "Type: *CORE" <<<"$re" && grep -q "Machine: *Advanced Micro Devices X86-64" <<<"$re"' "$re"
	phs=$(sed -n "/^Program Headers/,/^$/p" <<<"$re" | grep -E "^  [A-Z]+ +0x" | awk '{print $1}' | tr "\n" " ")
	check readelf_note_first '[ "$phs" = "NOTE LOAD LOAD LOAD " ]' "$phs"
	check readelf_notes '[ "$(grep -c "NT_PRSTATUS" <<<"$re")" = 2 ] && grep -q "^  VMCOREINFO " <<<"$re"' "$re"
else
	fail readelf_missing
fi

# a write fails half way: header stays incomplete, exit 2
$MK "$tmp/inc" --fail-write 7 2>"$tmp/mk2.log" >/dev/null
out=$($T "$tmp/inc"); rc=$?
check incomplete '[ $rc -eq 2 ] && [ "$(head -n1 <<<"$out")" = "vmcore: incomplete" ] && grep -q "E9" "$tmp/mk2.log"' "rc=$rc out=$out"

# dump-max-mib: 1 MiB kept, complete
$MK "$tmp/cut" --max-bytes 1048576 2>/dev/null >/dev/null
out=$($T "$tmp/cut"); rc=$?
check max_bytes '[ $rc -eq 0 ] && grep -q "^total: 2 ranges, 1048576 bytes" <<<"$out"' "rc=$rc out=$out"

head -c 1048576 /dev/zero >"$tmp/zero"
err=$($T "$tmp/zero" 2>&1); rc=$?
check no_vmcore '[ $rc -eq 1 ] && [[ "$err" == "error: E12 not found: "*"no vmcore" ]]' "rc=$rc err=$err"
head -c 1000000 "$tmp/img" >"$tmp/short"
err=$($T "$tmp/short" 2>&1); rc=$?
check truncated '[ $rc -eq 1 ] && [[ "$err" == *"error: E5 "*"shorter than the vmcore"* ]]' "rc=$rc err=$err"
err=$($T "$tmp/missing" 2>&1); rc=$?
check missing_file '[ $rc -eq 1 ] && [[ "$err" == "error: E12 "* ]]' "rc=$rc err=$err"
$T >/dev/null 2>&1
check usage '[ $? -eq 1 ]' ""
