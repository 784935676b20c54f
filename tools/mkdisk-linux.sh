#!/bin/bash
# tools/mkdisk-linux.sh - build the Linux test disk: MBR (syslinux mbr.bin) and
# one FAT16 partition holding syslinux, the Debian kernel and a busybox
# initramfs whose /init prints /sys/firmware/ibft/* on COM1, then powers off.
# No loop mounts: mtools + syslinux's mtools installer. The image is cached as
# build/qemu/linux-<kernel version>.img; prints its path.
# Usage: tools/mkdisk-linux.sh [--initrd FILE] [--append TEXT] [--out FILE]
#                              [KERNEL_VERSION]   (default: newest in /boot)
#  --initrd FILE  this initramfs instead of the iBFT one built here
#  --append TEXT  added to the kernel command line
#  --out FILE     build into FILE (always rebuilt; no cache)
# Env: LL_LINUX_REBUILD=1 to rebuild. Needs root only for mknod (dev/console).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUTDIR=$ROOT/build/qemu
DISK_MIB=48
PART_LBA=2048

die() { echo "mkdisk-linux: $*" >&2; exit 1; }

opt_initrd="" opt_append="" opt_out=""
while [ $# -gt 0 ]; do
	case $1 in
	--initrd) opt_initrd=$2; shift ;;
	--append) opt_append=$2; shift ;;
	--out) opt_out=$2; shift ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
	shift
done
[ -z "$opt_initrd" ] || [ -r "$opt_initrd" ] || die "no initramfs $opt_initrd"
kver=${1:-}
if [ -z "$kver" ]; then
	kver=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
fi
[ -n "$kver" ] && [ -r "/boot/vmlinuz-$kver" ] || die "no /boot/vmlinuz-* (install linux-image-amd64)"
out=${opt_out:-$OUTDIR/linux-$kver.img}
if [ -z "$opt_out" ] && [ -s "$out" ] && [ -z "${LL_LINUX_REBUILD:-}" ] && [ "$out" -nt "$0" ]; then
	echo "$out"
	exit 0
fi
for t in busybox cpio gzip mformat mcopy syslinux mkfs.fat /usr/bin/python3; do
	command -v "$t" >/dev/null || die "missing $t (make deps)"
done
mbr=/usr/lib/syslinux/mbr/mbr.bin
[ -r "$mbr" ] || die "missing $mbr (syslinux-common)"
bb=$(command -v busybox)
file -L "$bb" 2>/dev/null | grep 'statically linked' >/dev/null || bb=/bin/busybox

mkdir -p "$OUTDIR" "$(dirname "$out")"
work=$(mktemp -d "$OUTDIR/linux-work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- initramfs: busybox, the iBFT modules (when they are modules), /init
rd=$work/root
mkdir -p "$rd"/{bin,dev,proc,sys,lib/modules}
cp "$bb" "$rd/bin/busybox"
ln -s busybox "$rd/bin/sh"
mknod -m 600 "$rd/dev/console" c 5 1 2>/dev/null || true
cfg=/boot/config-$kver
mods=""
if [ -r "$cfg" ] && grep -q '^CONFIG_ISCSI_IBFT=m' "$cfg"; then
	mods="iscsi_boot_sysfs iscsi_ibft"
fi
for m in $mods; do
	f=$(find "/lib/modules/$kver" -name "$m.ko*" | head -n 1)
	[ -n "$f" ] || die "module $m not found under /lib/modules/$kver"
	case $f in
	*.ko) cp "$f" "$rd/lib/modules/$m.ko" ;;
	*.ko.xz) xz -dc "$f" >"$rd/lib/modules/$m.ko" ;;
	*.ko.zst) zstd -qdc "$f" >"$rd/lib/modules/$m.ko" ;;
	*) die "unknown module format $f" ;;
	esac
done
cat >"$rd/init" <<EOF
#!/bin/sh
# /init of the lifeline iBFT test initramfs: show the iBFT, power off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t devtmpfs dev /dev 2>/dev/null
mount -t proc proc /proc
mount -t sysfs sys /sys
exec </dev/console >/dev/console 2>&1
echo "IBFTTEST userspace kernel=\$(uname -r)"
for m in $mods; do
	insmod /lib/modules/\$m.ko || echo "IBFTTEST insmod \$m failed"
done
if [ -d /sys/firmware/ibft ]; then
	for d in /sys/firmware/ibft/*/; do
		for f in "\$d"*; do
			[ -f "\$f" ] || continue
			v=\$(cat "\$f" 2>/dev/null | tr '\n' ' ')
			echo "IBFT \$(basename "\$d")/\$(basename "\$f")=\${v% }"
		done
	done
else
	echo "IBFTTEST no /sys/firmware/ibft"
fi
echo "IBFTTEST DONE"
sync
poweroff -f
EOF
chmod 755 "$rd/init"
(cd "$rd" && find . | cpio -o -H newc --quiet) | gzip -9 >"$work/initrd.img"
[ -z "$opt_initrd" ] || cp "$opt_initrd" "$work/initrd.img"

# --- the disk: MBR code, one bootable FAT16 (LBA) partition from PART_LBA
img=$work/disk.img
sectors=$((DISK_MIB * 2048))
truncate -s "${DISK_MIB}M" "$img"
mkfs.fat -F 16 -n LLLINUX --offset "$PART_LBA" -h "$PART_LBA" "$img" \
	$(((sectors - PART_LBA) / 2)) >/dev/null
dd if="$mbr" of="$img" bs=440 count=1 conv=notrunc status=none
/usr/bin/python3 - "$img" "$PART_LBA" "$((sectors - PART_LBA))" <<'PY'
import struct, sys
path, start, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def chs(lba, heads=255, spt=63):
    c, r = divmod(lba, heads * spt)
    h, s = divmod(r, spt)
    c = min(c, 1023)
    return bytes([h, ((c >> 2) & 0xc0) | (s + 1), c & 0xff])
entry = bytes([0x80]) + chs(start) + bytes([0x0e]) + chs(start + count - 1) + \
        struct.pack("<II", start, count)
with open(path, "r+b") as f:
    f.seek(440)
    f.write(struct.pack("<I", 0x4c4c3034) + b"\0\0")   # disk signature
    f.write(entry + bytes(48) + b"\x55\xaa")
PY
syslinux --offset $((PART_LBA * 512)) --install "$img"
cat >"$work/syslinux.cfg" <<EOF
SERIAL 0 115200
DEFAULT linux
PROMPT 0
TIMEOUT 0
LABEL linux
  LINUX /vmlinuz
  INITRD /initrd.img
  APPEND console=ttyS0,115200 panic=-1 loglevel=6${opt_append:+ $opt_append}
EOF
export MTOOLS_SKIP_CHECK=1
mcopy -i "$img@@$((PART_LBA * 512))" "/boot/vmlinuz-$kver" ::/vmlinuz
mcopy -i "$img@@$((PART_LBA * 512))" "$work/initrd.img" ::/initrd.img
mcopy -i "$img@@$((PART_LBA * 512))" "$work/syslinux.cfg" ::/syslinux.cfg
mv "$img" "$out"
echo "$out"
