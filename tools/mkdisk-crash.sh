#!/bin/bash
# tools/mkdisk-crash.sh - the Linux disk for the crash tests and the demo: the
# guest initramfs (tools/mkinitramfs-guest.sh with lifeline.elf, kexec,
# lifeline-arm, modules) plus an overlay with the marker program
# (tests/qemu/guest/marker.c, static) and a /init that arms lifeline from the
# iBFT, starts the marker (a user page, freed pages) and a kernel log marker
# (/dev/kmsg) and panics; the kernel command line gets
# crashkernel= and lifeline.dump-path=. Built with tools/mkdisk-linux.sh.
# Usage: tools/mkdisk-crash.sh [--efi] OUT DUMP_PATH [CRASHKERNEL [KERNEL_ARGS]]
# (--efi: the UEFI disk of tools/mkdisk-efi-linux.sh, GRUB EFI on a GPT ESP,
# instead of the BIOS one)
# (CRASHKERNEL default 64M; KERNEL_ARGS more words for the guest kernel,
# e.g. lifeline.extra=dump-format=elf or lifeline.extra=outage-limit=30).
# Env: LL_PKG_ROOT=DIR: lifeline-arm and lifeline.elf from the packages
# unpacked in DIR (mkinitramfs-guest.sh --pkgroot), not from the tree.
# Prints OUT. The guest's lines start with "CRASHTEST ".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUTDIR=$ROOT/build/qemu
die() { echo "mkdisk-crash: $*" >&2; exit 1; }

efi=0
[ "${1:-}" = --efi ] && { efi=1; shift; }
[ $# -ge 2 ] || die "usage: mkdisk-crash.sh [--efi] OUT DUMP_PATH [CRASHKERNEL [KERNEL_ARGS]]"
out=$1 dump_path=$2 ck=${3:-64M} kargs=${4:-}
elf=$ROOT/build/lifeline.elf
[ -r "$elf" ] || die "no $elf (run make)"
src=(--elf "$elf")
[ -n "${LL_PKG_ROOT:-}" ] && src=(--pkgroot "$LL_PKG_ROOT")
command -v gcc >/dev/null || die "missing gcc"
mkdir -p "$OUTDIR"
base=$(bash "$ROOT/tools/mkinitramfs-guest.sh" "${src[@]}") || die "guest initramfs"

work=$(mktemp -d "$OUTDIR/crash-work.XXXXXX")
trap 'rm -rf "$work"' EXIT
ov=$work/overlay
mkdir -p "$ov/bin"
gcc -static -O2 -Wall -Wextra -Werror -o "$ov/bin/marker" \
	"$ROOT/tests/qemu/guest/marker.c" || die "building the marker (static glibc: libc6-dev)"
cat >"$ov/init" <<'INIT'
#!/bin/sh
# /init of the crash test guest (tools/mkdisk-crash.sh): load the modules,
# arm lifeline from the iBFT (lifeline-arm), memory load, the marker, panic.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/sbin
mount -t devtmpfs dev /dev 2>/dev/null
mount -t proc proc /proc
mount -t sysfs sys /sys
exec </dev/console >/dev/console 2>&1
echo "CRASHTEST userspace kernel=$(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo)"
for m in $(cat /lib/modules/load.list); do
	insmod "/lib/modules/$m" 2>/dev/null
done
# the NICs up, as a diskless machine's OS has its own running when it
# crashes (lifeline continues QEMU's e1000 as the OS left it)
for n in /sys/class/net/*; do
	[ "${n##*/}" = lo ] || ifconfig "${n##*/}" up 2>/dev/null
done
dmesg -n 1   # from here only the panic's messages interleave with ours
fail() { echo "CRASHTEST FAIL $*"; sync; poweroff -f; }
arm=$(command -v lifeline-arm)
echo "CRASHTEST arm-with $arm $(sha256sum <"$arm" | cut -c1-64)"
lifeline-arm || fail "lifeline-arm"
echo "CRASHTEST armed kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded)"
lifeline-arm --status | sed 's/^/CRASHTEST status /'
# what the host checks the dump against: every System RAM range, the NICs'
# memory BARs (a UEFI firmware puts 64-bit ones above 4 GiB)
grep 'System RAM' /proc/iomem | sed 's/^ */CRASHTEST iomem /'
for d in /sys/bus/pci/devices/*; do
	[ "$(cut -c1-6 "$d/class")" = 0x0200 ] || continue
	while read -r lo hi fl; do
		[ $((fl & 0x200)) != 0 ] && [ "$lo" != 0x0000000000000000 ] &&
			echo "CRASHTEST nic-bar ${d##*/} $lo-$hi"
	done <"$d/resource"
done
# memory load for the page filter: free pages full of garbage (a file of
# random bytes written and removed), page cache (one kept), anonymous pages
dd if=/dev/urandom of=/tmp/garbage bs=1M count=64 2>/dev/null; rm -f /tmp/garbage
dd if=/dev/urandom of=/tmp/cache bs=1M count=32 2>/dev/null
marker 48 16 >/tmp/marker.out 2>&1 &
i=0
while ! grep -q '^MARKER ' /tmp/marker.out 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "marker: $(cat /tmp/marker.out 2>/dev/null)"
	sleep 0.1
done
echo "CRASHTEST $(cat /tmp/marker.out)"
# the freed pages to the buddy allocator: a 6.1 kernel parks freed pages on
# per-CPU lists (up to "high" pages a CPU: ~27 MiB here, as THP raises
# min_free_kbytes to 44 MiB), unmarked, where no dump filter can tell them
# free (docs/kdump.md). Trying to offline a memory block drains every
# CPU's lists of its zone first (offline_pages: zone_pcp_disable), whether
# the block then goes offline or not; one that did comes back at once. The
# user marker's block is skipped (offlining migrates pages).
pcp() { awk '/^Node/ { z = $4 } /^ +count:/ && z == "DMA32" { n += $2 } END { print n + 0 }' /proc/zoneinfo; }
pcp0=$(pcp)
paddr=$(sed -n 's/.* PADDR //p' /tmp/marker.out)
bsz=$((0x$(cat /sys/devices/system/memory/block_size_bytes)))
for b in /sys/devices/system/memory/memory*; do
	n=${b##*memory}
	[ $n != 0 ] && [ $n != $((paddr / bsz)) ] && grep -qx DMA32 "$b/valid_zones" || continue
	timeout 10 sh -c "echo offline >$b/state" 2>/dev/null
	st=$(cat "$b/state")
	[ "$st" = online ] || echo online >"$b/state"
	echo "CRASHTEST pcp drain: memory$n ($st, now $(cat "$b/state")), DMA32 per-CPU list pages $pcp0 -> $(pcp)"
	break
done
# a marker in kernel memory: a kernel log record (dump level 31 keeps it)
kmark=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
echo "LLKMARK-$kmark" >/dev/kmsg
echo "CRASHTEST KMARK $kmark"
echo "CRASHTEST panic"
sleep 1   # let the console drain: the panic's messages would cut our lines
echo c >/proc/sysrq-trigger
fail "still alive after sysrq c"
INIT
chmod 755 "$ov/init"
cp "$base" "$work/initrd"
(cd "$ov" && find . | cpio -o -H newc --quiet) | gzip -6 >>"$work/initrd"
append="crashkernel=$ck lifeline.dump-path=$dump_path${kargs:+ $kargs}"
if [ $efi = 1 ]; then
	bash "$ROOT/tools/mkdisk-efi-linux.sh" "$out" --initrd "$work/initrd" --append "$append"
else
	bash "$ROOT/tools/mkdisk-linux.sh" --initrd "$work/initrd" --out "$out" --append "$append"
fi
