#!/bin/bash
# tools/mkdisk-efi-linux.sh - build the UEFI Linux test disk: the GPT disk of
# tools/mkdisk-efi.py whose ESP holds a standalone GRUB EFI (grub-mkstandalone
# -O x86_64-efi) as \EFI\BOOT\BOOTX64.EFI, the Debian kernel and an initramfs
# (by default the iBFT one of tools/mkdisk-linux.sh: prints
# /sys/firmware/ibft/* on ttyS0, powers off). GRUB finds the ESP by a file
# search (no fixed drive name) and boots the kernel with console=ttyS0.
# Usage: tools/mkdisk-efi-linux.sh OUT [--initrd FILE] [--append TEXT]
#                                  [--kver VERSION]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "mkdisk-efi-linux: $*" >&2; exit 1; }

[ $# -ge 1 ] && [ "${1#-}" = "$1" ] || die "usage: mkdisk-efi-linux.sh OUT [--initrd F] [--append T] [--kver V]"
out=$1; shift
initrd="" append="" kver=""
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "$1 needs a value"
	case $1 in
	--initrd) initrd=$2 ;;
	--append) append=$2 ;;
	--kver) kver=$2 ;;
	*) die "unknown option $1" ;;
	esac
	shift 2
done
[ -n "$kver" ] || kver=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
[ -n "$kver" ] && [ -r "/boot/vmlinuz-$kver" ] || die "no /boot/vmlinuz-* (install linux-image-amd64)"
for t in grub-mkstandalone mcopy /usr/bin/python3; do
	command -v "$t" >/dev/null || die "missing $t (make deps)"
done
[ -d /usr/lib/grub/x86_64-efi ] || die "missing /usr/lib/grub/x86_64-efi (grub-efi-amd64-bin)"

work=$(mktemp -d /tmp/ll-efilinux.XXXXXX)
trap 'rm -rf "$work"' EXIT
export MTOOLS_SKIP_CHECK=1
if [ -z "$initrd" ]; then
	# the iBFT initramfs, taken from the BIOS Linux disk's FAT (cached build)
	disk=$(bash "$ROOT/tools/mkdisk-linux.sh" "$kver") || die "tools/mkdisk-linux.sh failed"
	mcopy -i "$disk@@$((2048 * 512))" ::/initrd.img "$work/initrd.img" || die "no initrd.img in $disk"
	initrd=$work/initrd.img
fi
[ -r "$initrd" ] || die "no initramfs $initrd"

cat >"$work/grub.cfg" <<EOF
set timeout=0
echo "GRUB: searching the ESP"
search --no-floppy --file --set=root /EFI/LIFELINE/vmlinuz
echo "GRUB: root=\$root, loading Linux"
linux /EFI/LIFELINE/vmlinuz console=ttyS0,115200 panic=-1 loglevel=6${append:+ $append}
initrd /EFI/LIFELINE/initrd.img
boot
EOF
grub-mkstandalone -O x86_64-efi -o "$work/BOOTX64.EFI" \
	--install-modules="linux normal search search_fs_file part_gpt fat echo boot configfile" \
	--modules="part_gpt fat" --locales= --fonts= --themes= \
	"boot/grub/grub.cfg=$work/grub.cfg" || die "grub-mkstandalone failed"
/usr/bin/python3 "$ROOT/tools/mkdisk-efi.py" "$out" --esp 64 \
	--put "$work/BOOTX64.EFI=EFI/BOOT/BOOTX64.EFI" \
	--put "/boot/vmlinuz-$kver=EFI/LIFELINE/vmlinuz" \
	--put "$initrd=EFI/LIFELINE/initrd.img" || die "mkdisk-efi.py failed"
echo "$out"
