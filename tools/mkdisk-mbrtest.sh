#!/bin/bash
# tools/mkdisk-mbrtest.sh - build the INT 13h test disk: tests/qemu/mbrtest.asm
# as MBR + stage 2, a seeded byte pattern the host can recompute in the
# checksummed region, 0xEE in the two sectors the guest writes. 64 MiB, sparse.
# Usage: tools/mkdisk-mbrtest.sh OUT.img [BENCH_SECTORS]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: mkdisk-mbrtest.sh OUT.img [BENCH_SECTORS]}
BENCH=${2:-32768}
# keep these in step with tests/qemu/mbrtest.asm
REGION_LBA=1000 REGION_COUNT=2000 WRITE_LBA=5000 PATTERN_SEED=20260104
DISK_MIB=64

command -v nasm >/dev/null || { echo "mkdisk-mbrtest: nasm missing (make deps)" >&2; exit 1; }
[ $((32768 + BENCH)) -le $((DISK_MIB * 2048)) ] || { echo "mkdisk-mbrtest: bench too large" >&2; exit 1; }
bin=$OUT.bin
nasm -f bin -DBENCH_SECTORS="$BENCH" -o "$bin" "$ROOT/tests/qemu/mbrtest.asm"
rm -f "$OUT"
truncate -s "${DISK_MIB}M" "$OUT"
dd if="$bin" of="$OUT" conv=notrunc status=none
rm -f "$bin"
/usr/bin/python3 - "$OUT" "$REGION_LBA" "$REGION_COUNT" "$WRITE_LBA" "$PATTERN_SEED" <<'PY'
import random, sys
path, lba, count, wlba, seed = sys.argv[1], *map(int, sys.argv[2:])
with open(path, "r+b") as f:
    f.seek(lba * 512)
    f.write(random.Random(seed).randbytes(count * 512))
    f.seek(wlba * 512)
    f.write(b"\xee" * 1024)
PY
