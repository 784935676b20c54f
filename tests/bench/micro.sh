#!/bin/bash
# tests/bench/micro.sh - the data-path helpers timed inside a QEMU TCG guest:
# build/lifeline.pxe with the LX_FLAG_BENCH test flag (0x8) over slirp TFTP
# prints "lifeline: bench <what> <MiB/s>" for ll_memcpy and inet_sum.
set -uo pipefail
cd "$(dirname "$0")/../.."
PXE=${1:-build/lifeline.pxe}
[ -f "$PXE" ] || { echo "bench: micro: no $PXE"; exit 1; }
D=$(mktemp -d /tmp/ll-micro.XXXXXX)
Q=""
trap '[ -n "$Q" ] && kill "$Q" 2>/dev/null; rm -rf "$D"' EXIT
mkdir -p "$D/tftp"
python3 - "$PXE" "$D/tftp/lifeline.pxe" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
i = b.find(b'LLCORE01')
assert i > 0
b[i + 16] |= 8
open(sys.argv[2], 'wb').write(b)
PY
: >"$D/log"
qemu-system-x86_64 -accel tcg -m 512 -display none -serial "file:$D/log" \
	-netdev "user,id=n,tftp=$D/tftp,bootfile=lifeline.pxe" \
	-device e1000,netdev=n -boot n -no-reboot -monitor none >/dev/null 2>&1 &
Q=$!
for ((i = 0; i < 600; i++)); do
	grep -qa '^lifeline: bench sum [0-9a-f]*' "$D/log" && break
	kill -0 "$Q" 2>/dev/null || break
	sleep 0.2
done
sleep 0.5
tr -d '\r' <"$D/log" | grep -a '^lifeline: bench '
