#!/bin/bash
# tools/mkdisk-diskless.sh - build the diskless Linux disk: MBR (syslinux),
# partition 1 FAT16 with syslinux, the host's Debian kernel and an initramfs
# made by Debian's own mkinitramfs (initramfs-tools + open-iscsi's hooks,
# logging in from the iBFT: `iscsi_auto`), partition 2 an ext4 root
# (mke2fs -d, no loop device, no mount) holding busybox, kexec, lifeline-arm,
# lifeline.elf, the marker program and /sbin/init (the guest, see below).
# The base image is cached as build/qemu/diskless-<kver>-<hash of inputs>.img.
# Usage: tools/mkdisk-diskless.sh [--append TEXT] [--out FILE] [KERNEL_VERSION]
#  (no --out)     print the cached base image's path (built when missing)
#  --out FILE     a copy of the base image at FILE whose syslinux.cfg has
#                 TEXT added to the kernel command line (e.g. ll.nonce=...)
# Env: LL_DISKLESS_REBUILD=1 rebuilds the base image. Prints the path.
#
# The guest's /sbin/init prints "DISKLESS ..." lines on COM1. Its command
# line words: ll.nonce=HEX (written to /nonce on the root fs), ll.mode=
#  write (default)  write /nonce, sync, remount / read-only, power off
#  crash            the same, then lifeline-arm (lifeline.* words give its
#                   settings, e.g. lifeline.dump-path=), start the marker,
#                   panic through sysrq (needs crashkernel= too)
#  shell            write /nonce, then a shell on the console
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUTDIR=$ROOT/build/qemu
DISK_MIB=80
BOOT_LBA=2048           # partition 1: FAT16, syslinux, kernel, initramfs
BOOT_MIB=36
ROOT_UUID=4c4c0016-d15c-4e55-8000-6c6966656c69   # fixed: root=UUID= below
CMDLINE="root=UUID=$ROOT_UUID rw iscsi_auto console=ttyS0,115200 panic=-1 loglevel=4"

die() { echo "mkdisk-diskless: $*" >&2; exit 1; }

opt_append="" opt_out=""
while [ $# -gt 0 ]; do
	case $1 in
	--append) opt_append=$2; shift ;;
	--out) opt_out=$2; shift ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
	shift
done
kver=${1:-}
if [ -z "$kver" ]; then
	kver=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
fi
[ -n "$kver" ] && [ -r "/boot/vmlinuz-$kver" ] || die "no /boot/vmlinuz-* (install linux-image-amd64)"
[ -d "/lib/modules/$kver" ] || die "no /lib/modules/$kver"
for t in mkinitramfs mke2fs busybox mformat mcopy syslinux mkfs.fat gcc ldd sha256sum /usr/bin/python3; do
	command -v "$t" >/dev/null || die "missing $t (make deps)"
done
[ -x /sbin/iscsistart ] || [ -x /usr/sbin/iscsistart ] || die "missing iscsistart (open-iscsi)"
elf=$ROOT/build/lifeline.elf
[ -r "$elf" ] || die "no $elf (run make)"
mbr=/usr/lib/syslinux/mbr/mbr.bin
[ -r "$mbr" ] || die "missing $mbr (syslinux-common)"
bb=/bin/busybox
[ -x "$bb" ] && ! ldd "$bb" >/dev/null 2>&1 || die "$bb missing or not static (busybox-static)"
kexec=$(command -v kexec || echo /usr/sbin/kexec)
[ -x "$kexec" ] || die "missing kexec (kexec-tools)"
arm=$ROOT/tools/lifeline-arm
marker=$ROOT/tests/qemu/guest/marker.c
export MTOOLS_SKIP_CHECK=1

# the cache key: every input's content and the packages that shape the initramfs
key=$( { cat "$0" "/boot/vmlinuz-$kver" "$bb" "$kexec" "$arm" "$marker" "$elf";
	 dpkg-query -W initramfs-tools initramfs-tools-core open-iscsi udev klibc-utils 2>/dev/null;
	 echo "$kver"; } | sha256sum | cut -c1-12)
base=$OUTDIR/diskless-$kver-$key.img

# with_cmdline OUT: copy the base image to OUT with opt_append on the command line
with_cmdline() {
	local out=$1 cfg
	cp --sparse=always "$base" "$out.tmp"
	cfg=$(mktemp)
	syslinux_cfg "$opt_append" >"$cfg"
	mcopy -o -i "$out.tmp@@$((BOOT_LBA * 512))" "$cfg" ::/syslinux.cfg
	rm -f "$cfg"
	mv "$out.tmp" "$out"
	echo "$out"
}

# syslinux_cfg EXTRA: the boot loader's configuration
syslinux_cfg() {
	cat <<EOF
SERIAL 0 115200
DEFAULT linux
PROMPT 0
TIMEOUT 0
LABEL linux
  LINUX /vmlinuz
  INITRD /initrd.img
  APPEND $CMDLINE${1:+ $1}
EOF
}

if [ -s "$base" ] && [ -z "${LL_DISKLESS_REBUILD:-}" ]; then
	if [ -n "$opt_out" ]; then with_cmdline "$opt_out"; else echo "$base"; fi
	exit 0
fi

mkdir -p "$OUTDIR"
work=$(mktemp -d "$OUTDIR/diskless-work.XXXXXX")
trap 'rm -rf "$work"' EXIT
t0=$(date +%s.%N)

# --- the initramfs: Debian's mkinitramfs with a private configuration
# directory (the host's /etc/initramfs-tools is neither read nor changed).
# open-iscsi's hook adds iscsistart and the iSCSI/iBFT modules; its
# local-top script logs in from the iBFT when the command line says
# `iscsi_auto`; the root is then found by UUID through udev.
conf=$work/initramfs-tools
mkdir -p "$conf"/{conf.d,hooks,scripts}
cat >"$conf/initramfs.conf" <<'EOF'
MODULES=list
BUSYBOX=y
KEYMAP=n
COMPRESS=gzip
DEVICE=
NFSROOT=auto
RUNSIZE=10%
FSTYPE=ext4
EOF
echo "RESUME=none" >"$conf/conf.d/resume"
# the NICs QEMU offers, the root fs, the disk (iscsi_tcp, iscsi_ibft and
# their dependencies come from open-iscsi's hook)
printf '%s\n' e1000 e1000e virtio_net virtio_pci ext4 sd_mod crc32c_generic >"$conf/modules"
mkinitramfs -d "$conf" -o "$work/initrd.img" "$kver" >"$work/mkinitramfs.log" 2>&1 ||
	{ cat "$work/mkinitramfs.log" >&2; die "mkinitramfs failed"; }
t_rd=$(date +%s.%N)

# --- the root file system's tree
rt=$work/rootfs
mkdir -p "$rt"/{bin,sbin,dev,proc,sys,run,tmp,etc,boot,root,lib64,usr/bin}
cp "$bb" "$rt/bin/busybox"
for a in $("$bb" --list); do
	[ "$a" = busybox ] || ln -sf busybox "$rt/bin/$a"
done
cp "$kexec" "$rt/sbin/kexec"
for lib in $(ldd "$kexec" | grep -o '/[^ ]*'); do
	mkdir -p "$rt$(dirname "$lib")"
	cp -L "$lib" "$rt$lib"
done
cp "$arm" "$rt/sbin/lifeline-arm"
chmod 755 "$rt/sbin/lifeline-arm"
cp "$elf" "$rt/boot/lifeline.elf"
gcc -static -O2 -Wall -Wextra -Werror -o "$rt/sbin/marker" "$marker" ||
	die "building the marker (static glibc: libc6-dev)"
: >"$rt/etc/lifeline.conf"
echo "diskless" >"$rt/etc/hostname"
cat >"$rt/sbin/init" <<'INIT'
#!/bin/sh
# /sbin/init of the diskless disk (tools/mkdisk-diskless.sh): runs from the
# ext4 root on the iSCSI LUN that the initramfs logged in to from the iBFT.
export PATH=/bin:/sbin
mount -t proc proc /proc 2>/dev/null
mount -t sysfs sys /sys 2>/dev/null
mount -t devtmpfs dev /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
say() { echo "DISKLESS $*"; }
arg() {   # arg NAME DEFAULT: value of NAME= on the command line
	for w in $(cat /proc/cmdline); do
		case $w in "$1"=*) echo "${w#*=}"; return ;; esac
	done
	echo "$2"
}
off() { sync; say "poweroff"; poweroff -f; }
fail() { say "FAIL $*"; off; }

mode=$(arg ll.mode write)
say "init kernel=$(uname -r) mode=$mode"
say "cmdline $(cat /proc/cmdline)"
say "root $(awk '$2 == "/" && $1 != "rootfs" { print $1, $3, $4 }' /proc/mounts | tail -n 1 | cut -d, -f1)"
for s in /sys/class/iscsi_session/session*; do
	[ -d "$s" ] || continue
	u=$(cat "$s/username" 2>/dev/null) ui=$(cat "$s/username_in" 2>/dev/null)
	case $u in ''|'(null)') u=none ;; esac
	case $ui in ''|'(null)') ui=none ;; esac
	say "session $(basename "$s") target=$(cat "$s/targetname") user=$u user_in=$ui"
done
for d in /sys/block/sd*; do
	[ -d "$d" ] || continue
	say "disk $(basename "$d") $(readlink -f "$d/device" | grep -o 'session[0-9]*' | head -n 1)"
done
nonce=$(arg ll.nonce "")
[ -n "$nonce" ] || fail "no ll.nonce on the command line"
echo "$nonce" >/nonce || fail "writing /nonce"
sync
say "nonce $(cat /nonce) written"
case $mode in
write)
	mount -o remount,ro / || fail "remount read-only"
	say "root read-only"
	off ;;
crash)
	mount -o remount,ro / || fail "remount read-only"
	say "root read-only"
	dmesg -n 1
	lifeline-arm || fail "lifeline-arm"
	say "armed kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
	mount -t tmpfs tmpfs /tmp
	marker >/tmp/marker.out 2>&1 &
	i=0
	while ! grep -q '^MARKER ' /tmp/marker.out 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "marker: $(cat /tmp/marker.out 2>/dev/null)"
		sleep 0.1
	done
	say "$(cat /tmp/marker.out)"
	say "panic"
	sleep 1   # let the console drain first
	echo c >/proc/sysrq-trigger
	fail "still alive after sysrq c" ;;
shell)
	setsid sh -c 'exec sh </dev/ttyS0 >/dev/ttyS0 2>&1'
	off ;;
*)
	fail "unknown ll.mode=$mode" ;;
esac
INIT
chmod 755 "$rt/sbin/init"

# --- the disk: partition 1 FAT16 (LBA, active) for syslinux, partition 2
# Linux (ext4 built from the tree with mke2fs -d, then copied in)
img=$work/disk.img
sectors=$((DISK_MIB * 2048))
boot_sectors=$((BOOT_MIB * 2048))
root_lba=$((BOOT_LBA + boot_sectors))
root_sectors=$((sectors - root_lba))
truncate -s "${DISK_MIB}M" "$img"
mkfs.fat -F 16 -n LLDISKLESS --offset "$BOOT_LBA" -h "$BOOT_LBA" "$img" \
	$((boot_sectors / 2)) 2>&1 | grep -v 'block count mismatch\|^mkfs.fat' >&2 || true
mke2fs -q -t ext4 -L llroot -U "$ROOT_UUID" -d "$rt" -E root_owner=0:0 \
	"$work/root.ext4" $((root_sectors / 2))k >/dev/null
dd if="$work/root.ext4" of="$img" bs=1M seek=$((root_lba / 2048)) conv=notrunc,sparse status=none
dd if="$mbr" of="$img" bs=440 count=1 conv=notrunc status=none
/usr/bin/python3 - "$img" "$BOOT_LBA" "$boot_sectors" "$root_lba" "$root_sectors" <<'EOF'
import struct, sys
path = sys.argv[1]
p = [int(x) for x in sys.argv[2:6]]
def chs(lba, heads=255, spt=63):
    c, r = divmod(lba, heads * spt)
    h, s = divmod(r, spt)
    c = min(c, 1023)
    return bytes([h, ((c >> 2) & 0xc0) | (s + 1), c & 0xff])
def entry(boot, kind, start, count):
    return bytes([boot]) + chs(start) + bytes([kind]) + chs(start + count - 1) + \
        struct.pack("<II", start, count)
with open(path, "r+b") as f:
    f.seek(440)
    f.write(struct.pack("<I", 0x4c4c0016) + b"\0\0")   # disk signature
    f.write(entry(0x80, 0x0e, p[0], p[1]) + entry(0, 0x83, p[2], p[3]) +
            bytes(32) + b"\x55\xaa")
EOF
syslinux --offset $((BOOT_LBA * 512)) --install "$img"
syslinux_cfg "" >"$work/syslinux.cfg"
mcopy -i "$img@@$((BOOT_LBA * 512))" "/boot/vmlinuz-$kver" ::/vmlinuz
mcopy -i "$img@@$((BOOT_LBA * 512))" "$work/initrd.img" ::/initrd.img
mcopy -i "$img@@$((BOOT_LBA * 512))" "$work/syslinux.cfg" ::/syslinux.cfg
rm -f "$OUTDIR"/diskless-"$kver"-*.img
mv "$img" "$base"
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t_rd" -v c="$t1" -v s="$(stat -c %s "$work/initrd.img")" 'BEGIN {
	printf "mkdisk-diskless: built in %.1f s (mkinitramfs %.1f s, initramfs %d KiB)\n", c - a, b - a, s / 1024 }' >&2
if [ -n "$opt_out" ]; then with_cmdline "$opt_out"; else echo "$base"; fi
