#!/bin/bash
# tests/hosted/efi_disk.sh - the UEFI test disk tool (tools/mkdisk-efi.py):
# gdisk's verifier accepts its GPT (and rejects it once a header CRC is
# broken), the partitions are where the probe expects them, the ESP's FAT
# holds the file put there, and two builds are identical byte for byte.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TOOL=$ROOT/tools/mkdisk-efi.py
tmp=$(mktemp -d /tmp/ll-efidisk.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export MTOOLS_SKIP_CHECK=1

for t in sgdisk mdir mformat /usr/bin/python3; do
	command -v "$t" >/dev/null || { echo "FAIL hosted/efi-disk (missing $t; make deps)"; exit 1; }
done
head -c 3000 /dev/urandom >"$tmp/app.efi"
# the second build in another FAT time slot (2 s): times must not leak in
if ! /usr/bin/python3 "$TOOL" "$tmp/a.img" --put "$tmp/app.efi=EFI/BOOT/BOOTX64.EFI" ||
   ! sleep 2.1 ||
   ! /usr/bin/python3 "$TOOL" "$tmp/b.img" --put "$tmp/app.efi=EFI/BOOT/BOOTX64.EFI"; then
	echo "FAIL hosted/efi-disk (the tool failed)"
	exit 1
fi

# GPT: gdisk's verifier, the partition table, and a broken header CRC found
out=$(sgdisk -v "$tmp/a.img" 2>&1)
# gdisk_clean IMG: sgdisk -v finds no problem and warns of nothing
gdisk_clean() {
	local o
	o=$(sgdisk -v "$1" 2>&1)
	echo "$o" | grep '^No problems found' >/dev/null && ! echo "$o" | grep -iE 'caution|warning|error|corrupt' >/dev/null
}
if gdisk_clean "$tmp/a.img"; then
	echo "PASS hosted/efi-disk-gpt-verify"
else
	echo "FAIL hosted/efi-disk-gpt-verify"; echo "$out" | sed 's/^/  /'
fi
tbl=$(sgdisk -p "$tmp/a.img" 2>&1 | awk '$1 ~ /^[0-9]+$/ { print $1, $2, $3, $6, $7 }')
want=$'1 2048 69631 EF00 EFI\n2 69632 102399 8300 ll-data\n3 102400 104447 8300 ll-scratch'
if [ "$tbl" = "$want" ]; then
	echo "PASS hosted/efi-disk-gpt-layout"
else
	echo "FAIL hosted/efi-disk-gpt-layout"; echo "$tbl" | sed 's/^/  got: /'
fi
cp "$tmp/a.img" "$tmp/bad.img"
printf '\xff' | dd of="$tmp/bad.img" bs=1 seek=$((512 + 16)) conv=notrunc status=none
if gdisk_clean "$tmp/bad.img"; then
	echo "FAIL hosted/efi-disk-gpt-crc (a broken primary header CRC went unnoticed)"
else
	echo "PASS hosted/efi-disk-gpt-crc"
fi

# FAT: mtools reads the ESP and the file is there, same bytes
if mdir -i "$tmp/a.img@@1048576" ::/EFI/BOOT 2>/dev/null | grep '^BOOTX64  EFI *3000' >/dev/null &&
   mcopy -i "$tmp/a.img@@1048576" ::/EFI/BOOT/BOOTX64.EFI "$tmp/back.efi" &&
   cmp -s "$tmp/app.efi" "$tmp/back.efi"; then
	echo "PASS hosted/efi-disk-fat"
else
	echo "FAIL hosted/efi-disk-fat"; mdir -i "$tmp/a.img@@1048576" ::/EFI/BOOT 2>&1 | sed 's/^/  /'
fi

# data pattern and determinism: the expected probe lines, two builds equal
exp=$(/usr/bin/python3 "$TOOL" --expect "$tmp/a.img")
if cmp -s "$tmp/a.img" "$tmp/b.img" && [ "$(echo "$exp" | grep -c '^probe: ')" = 5 ] &&
   echo "$exp" | grep '^probe: bulk lba=69632 count=16384 crc=' >/dev/null; then
	echo "PASS hosted/efi-disk-expect"
else
	echo "FAIL hosted/efi-disk-expect (builds differ or bad expectations)"; echo "$exp" | sed 's/^/  /'
fi
exit 0
