#!/bin/bash
# tools/mkinitramfs-guest.sh - build the test guest's initramfs: busybox,
# kexec (+ its shared libraries), iscsistart (+ libraries) when installed,
# tools/lifeline-arm, the NIC/iSCSI/iBFT modules, optionally lifeline.elf, and
# an /init whose mode comes from the kernel command line (see MODES below).
# With --pkgroot DIR (the lifeline and lifeline-arm packages unpacked by
# dpkg -x): their /usr/sbin/lifeline-arm, /usr/lib/lifeline/lifeline.elf and
# /etc/default/lifeline instead of tools/lifeline-arm and --elf.
# Cached as build/qemu/guest-<kver>-<hash of the inputs>.cpio.gz; prints its path.
# With --kdump: also /boot/vmlinuz (the same kernel) and /boot/kdump.cpio.gz,
# a capture initramfs whose /init prints "KDUMP capture userspace <uptime>"
# and powers off (the kdump-panic mode's crash kernel).
# Usage: tools/mkinitramfs-guest.sh [--elf FILE | --pkgroot DIR] [--kver VERSION] [--kdump]
# Env: LL_GUEST_REBUILD=1 to rebuild.
#
# MODES (llmode=, default ibft), other settings as ll.KEY=VALUE:
#  ibft               print /sys/firmware/ibft/* ("IBFT dir/name=value"), power off
#  arm-panic          tmpfs at /mnt/marker holding "MARKER <hex>" (printed too),
#                     lifeline-arm (settings from lifeline.* on the command
#                     line; ll.ip/ll.mask/ll.gw configure eth0 first), then
#                     sysrq c. ll.load=1 first loads memory: 128 MiB of
#                     random bytes written and removed (free pages of
#                     garbage), 64 MiB kept in tmpfs (shmem page cache)
#  kdump-panic        (--kdump) ll.load as above, kexec -p /boot/vmlinuz with
#                     /boot/kdump.cpio.gz (a Linux kdump's capture kernel),
#                     then sysrq c
#  linux-write-bench  eth0 from ll.ip/ll.mask/ll.gw, iscsistart login to
#                     ll.target at ll.portal (IP:PORT) as ll.iqn, dd ll.mib MiB
#                     to the LUN's disk, with oflag=direct and then buffered
#                     + fsync: "bench: dump-write-linux-{direct,buffered}
#                     <MiB/s> MiB/s ...", "GUEST bench done", power off
#  shell              a shell on the console
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUTDIR=$ROOT/build/qemu
die() { echo "mkinitramfs-guest: $*" >&2; exit 1; }

elf="" kver="" pkg="" kdump=""
while [ $# -gt 0 ]; do
	case $1 in
	--elf) elf=$2; shift ;;
	--kver) kver=$2; shift ;;
	--pkgroot) pkg=$2; shift ;;
	--kdump) kdump=1 ;;
	*) die "unknown argument $1" ;;
	esac
	shift
done
if [ -z "$kver" ]; then
	kver=$(ls /boot/vmlinuz-* 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
fi
[ -n "$kver" ] && [ -d "/lib/modules/$kver" ] || die "no kernel modules for '${kver:-?}' (install linux-image-amd64)"
[ -z "$elf" ] || [ -r "$elf" ] || die "no $elf"
bb=$(command -v busybox) || die "missing busybox (busybox-static)"
file -L "$bb" 2>/dev/null | grep 'statically linked' >/dev/null || bb=/bin/busybox
kexec=$(command -v kexec || echo /usr/sbin/kexec)
[ -x "$kexec" ] || die "missing kexec (kexec-tools)"
iscsistart=$(command -v iscsistart || true)
[ -x /usr/sbin/iscsistart ] && iscsistart=/usr/sbin/iscsistart
arm=$ROOT/tools/lifeline-arm
pkgfiles=""
if [ -n "$pkg" ]; then
	pkgfiles="usr/sbin/lifeline-arm usr/lib/lifeline/lifeline.elf etc/default/lifeline"
	for f in $pkgfiles; do [ -r "$pkg/$f" ] || die "no $pkg/$f (dpkg -x the lifeline and lifeline-arm packages)"; done
	[ -z "$elf" ] || die "--elf and --pkgroot: give one"
fi

# modules in load order (dependencies first), as modprobe would insert them
MODS="iscsi_ibft e1000 e1000e virtio_net virtio_pci crc32c_generic crc32c_intel iscsi_tcp sd_mod"
# (iscsi_tcp allocates a crc32c hash per connection even without digests)
modlist() {
	local m
	for m in $MODS; do
		modprobe -S "$kver" --show-depends "$m" 2>/dev/null |
			sed -n 's/^insmod \([^ ]*\).*/\1/p'
	done | awk '!seen[$0]++'
}
mods=$(modlist)
[ -n "$mods" ] || die "modprobe --show-depends found no modules for $kver"

# the cache key: every input's content
key=$( { cat "$0" "$bb" "$kexec" "$arm" ${iscsistart:+"$iscsistart"} ${elf:+"$elf"}
	 for f in $pkgfiles; do echo "$f"; cat "$pkg/$f"; done
	 echo "$kver $mods kdump=$kdump"; } | sha256sum | cut -c1-12)
out=$OUTDIR/guest-$kver-$key${kdump:+-kdump}.cpio.gz
if [ -s "$out" ] && [ -z "${LL_GUEST_REBUILD:-}" ]; then
	echo "$out"
	exit 0
fi
for t in cpio gzip ldd; do command -v "$t" >/dev/null || die "missing $t"; done
mkdir -p "$OUTDIR"
work=$(mktemp -d "$OUTDIR/guest-work.XXXXXX")
trap 'rm -rf "$work"' EXIT
rd=$work/root
mkdir -p "$rd"/{bin,sbin,dev,proc,sys,mnt,tmp,run,etc/iscsi,boot,lib/modules,var/lock}

cp "$bb" "$rd/bin/busybox"
ln -s busybox "$rd/bin/sh"
mknod -m 600 "$rd/dev/console" c 5 1 2>/dev/null || true

# copy_prog PROG: PROG into /sbin with every library ldd names, at the same
# paths (the dynamic loader included).
copy_prog() {
	local p=$1 lib
	cp "$p" "$rd/sbin/"
	for lib in $(ldd "$p" | grep -o '/[^ ]*'); do
		[ -e "$rd$lib" ] && continue
		mkdir -p "$rd$(dirname "$lib")"
		cp -L "$lib" "$rd$lib"
	done
}
copy_prog "$kexec"
[ -n "$iscsistart" ] && copy_prog "$iscsistart"
if [ -n "$pkg" ]; then
	for f in $pkgfiles; do
		mkdir -p "$rd/$(dirname "$f")"
		cp -p "$pkg/$f" "$rd/$f"
	done
else
	cp "$arm" "$rd/bin/lifeline-arm"
	chmod 755 "$rd/bin/lifeline-arm"
fi
[ -n "$elf" ] && cp "$elf" "$rd/boot/lifeline.elf"
if [ -n "$kdump" ]; then   # a Linux kdump: the same kernel, a capture initramfs
	kr=$work/kdump
	mkdir -p "$kr/bin" "$kr/dev" "$kr/proc"
	cp "$bb" "$kr/bin/busybox"
	ln -s busybox "$kr/bin/sh"
	mknod -m 600 "$kr/dev/console" c 5 1 2>/dev/null || true
	printf '%s\n' '#!/bin/sh' '/bin/busybox mount -t proc proc /proc' \
		'echo "KDUMP capture userspace $(/bin/busybox cut -d" " -f1 /proc/uptime)"' \
		'/bin/busybox poweroff -f' >"$kr/init"
	chmod 755 "$kr/init"
	(cd "$kr" && find . | cpio -o -H newc --quiet) | gzip -6 >"$rd/boot/kdump.cpio.gz"
	cp "/boot/vmlinuz-$kver" "$rd/boot/vmlinuz"
fi

for f in $mods; do
	b=$(basename "$f"); b=${b%.xz}; b=${b%.zst}
	case $f in
	*.ko) cp "$f" "$rd/lib/modules/$b" ;;
	*.ko.xz) xz -dc "$f" >"$rd/lib/modules/$b" ;;
	*.ko.zst) zstd -qdc "$f" >"$rd/lib/modules/$b" ;;
	*) die "unknown module format $f" ;;
	esac
	echo "$b" >>"$rd/lib/modules/load.list"
done

cat >"$rd/init" <<'EOF'
#!/bin/sh
# /init of the lifeline test guest: the mode comes from llmode= on the
# kernel command line (tools/mkinitramfs-guest.sh lists them).
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/sbin
mount -t devtmpfs dev /dev 2>/dev/null
mount -t proc proc /proc
mount -t sysfs sys /sys
exec </dev/console >/dev/console 2>&1

arg() {   # arg NAME DEFAULT: value of NAME= on the command line
	for w in $(cat /proc/cmdline); do
		case $w in "$1"=*) echo "${w#*=}"; return ;; esac
	done
	echo "$2"
}
now() { cut -d' ' -f1 /proc/uptime; }
off() { sync; echo "GUEST poweroff"; poweroff -f; }

mode=$(arg llmode ibft)
echo "GUEST userspace kernel=$(uname -r) mode=$mode"
for m in $(cat /lib/modules/load.list); do
	insmod "/lib/modules/$m" 2>/dev/null
done

netup() {   # eth0 (the first NIC) from ll.ip / ll.mask / ll.gw
	ip=$(arg ll.ip "") mask=$(arg ll.mask 255.255.255.0) gw=$(arg ll.gw "")
	nic=$(ls /sys/class/net | grep -v '^lo$' | head -n 1)
	[ -n "$nic" ] || { echo "GUEST FAIL no NIC"; return 1; }
	ifconfig lo 127.0.0.1 up
	[ -n "$ip" ] || { echo "GUEST FAIL no ll.ip"; return 1; }
	ifconfig "$nic" "$ip" netmask "$mask" up || return 1
	[ -n "$gw" ] && route add default gw "$gw"
	mac=$(cat "/sys/class/net/$nic/address")
	echo "GUEST net $nic $mac $ip/$mask${gw:+ gw $gw}"
}

memload() {   # ll.load=1: free pages of garbage, shmem page cache
	[ "$(arg ll.load 0)" = 1 ] || return 0
	dd if=/dev/urandom of=/tmp/garbage bs=1M count=128 2>/dev/null; rm -f /tmp/garbage
	dd if=/dev/urandom of=/mnt/marker/cache bs=1M count=64 2>/dev/null
	echo "GUEST memory load: $(grep -E '^(MemFree|Cached|Shmem):' /proc/meminfo | tr -s ' ' | tr '\n' ' ')"
}

case $mode in
ibft)
	if [ -d /sys/firmware/ibft ]; then
		for d in /sys/firmware/ibft/*/; do
			for f in "$d"*; do
				[ -f "$f" ] || continue
				echo "IBFT $(basename "$d")/$(basename "$f")=$(tr '\n' ' ' <"$f" | sed 's/ $//')"
			done
		done
	else
		echo "GUEST no /sys/firmware/ibft"
	fi
	off ;;
kdump-panic)
	mkdir -p /mnt/marker && mount -t tmpfs tmpfs /mnt/marker
	memload
	if kexec -p /boot/vmlinuz --initrd=/boot/kdump.cpio.gz \
		--append "console=ttyS0,115200 nr_cpus=1 reset_devices irqpoll panic=-1 loglevel=4"; then
		echo "GUEST kdump loaded kexec_crash_loaded=$(cat /sys/kernel/kexec_crash_loaded); panic"
		sleep 1
		echo c >/proc/sysrq-trigger
	fi
	echo "GUEST FAIL kexec -p"
	off ;;
arm-panic)
	mkdir -p /mnt/marker && mount -t tmpfs tmpfs /mnt/marker
	memload
	hex=$(head -c 16 /dev/urandom | hexdump -v -e '16/1 "%02x"')
	echo "MARKER $hex" >/mnt/marker/marker
	echo "MARKER $hex"
	[ -n "$(arg ll.ip "")" ] && netup
	: >/etc/lifeline.conf
	[ -n "${mac:-}" ] && echo "mac=$mac" >>/etc/lifeline.conf
	if lifeline-arm; then
		echo "GUEST armed; panic"
		sleep 1
		echo c >/proc/sysrq-trigger
	fi
	echo "GUEST FAIL arm"
	off ;;
linux-write-bench)
	netup || off
	iqn=$(arg ll.iqn iqn.2026-01.org.lifeline.test:guest)
	target=$(arg ll.target "") portal=$(arg ll.portal "") mib=$(arg ll.mib 256)
	echo "GUEST iscsistart $target at $portal"
	iscsistart -i "$iqn" -t "$target" -g 1 -a "${portal%:*}" -p "${portal##*:}" ||
		{ echo "GUEST FAIL iscsistart"; off; }
	dev=""
	for i in $(seq 1 100); do
		dev=$(ls /sys/block | grep '^sd' | head -n 1)
		[ -n "$dev" ] && [ -b "/dev/$dev" ] && break
		sleep 0.1
	done
	[ -n "$dev" ] || { echo "GUEST FAIL no disk"; off; }
	echo "GUEST disk /dev/$dev $(( $(cat /sys/block/$dev/size) / 2048 )) MiB"
	# O_DIRECT 1 MiB writes, then through the page cache with a final
	# fsync (as a kdump capture kernel's cp/makedumpfile would)
	for how in direct buffered; do
		flags=oflag=direct
		[ "$how" = buffered ] && flags=conv=fsync
		t0=$(now)
		dd if=/dev/zero of="/dev/$dev" bs=1M count="$mib" $flags 2>/dev/null ||
			{ echo "GUEST FAIL dd $how"; off; }
		t1=$(now)
		awk -v a="$t0" -v b="$t1" -v m="$mib" -v h="$how" 'BEGIN {
			printf "bench: dump-write-linux-%s %.1f MiB/s (%d MiB in %.2f s)\n", h, m / (b - a), m, b - a }'
	done
	echo "GUEST bench done"
	off ;;
shell)
	setsid sh -c 'exec sh </dev/ttyS0 >/dev/ttyS0 2>&1' ;;
*)
	echo "GUEST FAIL unknown llmode=$mode"
	off ;;
esac
off
EOF
chmod 755 "$rd/init"
(cd "$rd" && find . | cpio -o -H newc --quiet) | gzip -6 >"$work/initrd"
rm -f "$OUTDIR"/guest-"$kver"-*.cpio.gz
mv "$work/initrd" "$out"
echo "$out"
