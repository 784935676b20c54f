#!/bin/bash
# tests/hosted/kdump_tools.sh - kdump-compressed images written by the real
# writer from the synthetic dead kernel (build/tests/mkkdump,
# tests/lib/kdump_kfake.h) read by tests/lib/kdump_inspect.py and Debian's
# crash: level 31 (complete, lzo, level 31, the user page left out, the
# kernel page with its marker in and byte-exact after LZO decompression),
# level 0 (every RAM page), `crash --osrelease` reads the header,
# lifeline-dumpinfo reports it (complete / incomplete, level, pages) and
# extracts it.
# makedumpfile needs a real kernel's VMCOREINFO: the qemu tier
# (crash_dump.sh) checks it. Needs no root.
set -u
cd "$(dirname "$0")/../.."
MK=build/tests/mkkdump
IN=tests/lib/kdump_inspect.py
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pass() { echo "PASS hosted/kdump_tools/$1"; }
fail() { echo "FAIL hosted/kdump_tools/$1"; }
check() { if eval "$2"; then pass "$1"; else fail "$1"; echo "  | $3" | head -c 2000; echo; fi; }

# page_ok IMG PFN: the page in the dump equals the fake kernel's memory
page_ok() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
src = open("tests/lib/kdump_inspect.py").read().replace("sys.exit(main())", "")
exec(src)
img, pfn = sys.argv[1], int(sys.argv[2], 16)
mem = open(img + ".mem", "rb").read()
with open(img, "rb") as f:
    h = f.read(4096)
    sub, bmb = struct.unpack_from("<iI", h, 432)
    f.seek((1 + sub) * 4096)
    bm2 = f.read(bmb * 4096)[bmb // 2 * 4096:]
    p = page_at(f, bm2, (1 + sub + bmb) * 4096, pfn)
sys.exit(0 if p == mem[pfn * 4096:(pfn + 1) * 4096] else 1)
PY
}

$MK "$tmp/d31" 31 2>"$tmp/mk31.log"; rc=$?
check mkkdump-31 '[ $rc -eq 0 ] && grep -q "^dump: complete, level 31: " "$tmp/mk31.log"' "$(cat "$tmp/mk31.log")"
python3 $IN "$tmp/d31" --paddr 600000 --paddr 700000 >"$tmp/i31" 2>&1
check inspect-31 'grep -qx "complete: yes" "$tmp/i31" && grep -qx "codec: lzo" "$tmp/i31" &&
	grep -qx "dump_level: 31" "$tmp/i31" && grep -qx "cpus: 1" "$tmp/i31" &&
	grep -qx "pages_ram: 3840" "$tmp/i31" &&
	grep -qx "paddr 0x600000: pfn 0x600 ram 1 dumped 0" "$tmp/i31" &&
	grep -qx "paddr 0x700000: pfn 0x700 ram 1 dumped 1" "$tmp/i31"' "$(cat "$tmp/i31")"
check kernel-page-exact 'page_ok "$tmp/d31" 700 && page_ok "$tmp/d31" 630 && page_ok "$tmp/d31" 0'
check user-marker-absent '! grep -q "USERMARK-lifeline" "$tmp/d31"'
build/tools/lifeline-dumpinfo --extract "$tmp/x31" "$tmp/d31" >"$tmp/di31" 2>&1; rc=$?
check dumpinfo-31 '[ $rc -eq 0 ] && grep -qx "format: kdump-compressed (lzo)" "$tmp/di31" &&
	grep -qx "vmcore: complete" "$tmp/di31" && grep -qx "dump level: 31" "$tmp/di31" &&
	grep -qx "release: 6.1.0-kfake" "$tmp/di31" &&
	grep -qE "^pages: [0-9]+ kept of 3840 RAM pages \([0-9]+ zero, " "$tmp/di31" &&
	cmp -s "$tmp/x31" <(head -c "$(stat -c %s "$tmp/x31")" "$tmp/d31")' "$(cat "$tmp/di31")"
# the same image marked incomplete: exit 2
cp "$tmp/d31" "$tmp/inc"
printf '\x0a' | dd of="$tmp/inc" bs=1 seek=424 conv=notrunc status=none
build/tools/lifeline-dumpinfo "$tmp/inc" >"$tmp/diinc" 2>&1; rc=$?
check dumpinfo-incomplete '[ $rc -eq 2 ] && grep -qx "vmcore: incomplete" "$tmp/diinc"' "$(cat "$tmp/diinc")"
out=$(crash --osrelease "$tmp/d31" 2>&1)
check crash-osrelease '[ "$out" = "6.1.0-kfake" ]' "$out"

$MK "$tmp/d0" 0 2>"$tmp/mk0.log"
python3 $IN "$tmp/d0" >"$tmp/i0" 2>&1
check level0-every-page 'grep -qx "dump_level: 0" "$tmp/i0" && grep -qx "pages_in_dump: 3840" "$tmp/i0" &&
	page_ok "$tmp/d0" 600 && grep -q "USERMARK-lifeline" "$tmp/d0"' "$(cat "$tmp/i0")"
exit 0
