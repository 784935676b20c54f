#!/bin/bash
# tests/qemu/kexec_entry.sh - lifeline.elf's kexec entry end to end, without
# the PXE path: a Linux guest (QEMU TCG, -smp 2, booted with -kernel and a
# busybox + kexec-tools initramfs) loads lifeline.elf with kexec -p, writes
# a marker into a tmpfs file and panics through sysrq; lifeline must dump all
# RAM over slirp to tgtd (10.0.2.2 = the namespace's loopback) and reboot
# (dump-format=elf on its command line; crash_dump.sh tests the default).
# Run with an e1000, then with virtio-net-pci. Host side: lifeline-dumpinfo
# says complete with 2 CPUs, readelf accepts the extracted vmcore, the marker
# is in it, makedumpfile -d 31 converts it without a vmlinux.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/hosted.sh
. tests/lib/tgt.sh
NAME=kexec_entry
ELF=build/lifeline.elf
DUMPINFO=build/tools/lifeline-dumpinfo
QEMU=${QEMU:-qemu-system-x86_64}
MEM=${KEXEC_ENTRY_MEM:-512}
TMO=${KEXEC_ENTRY_TIMEOUT:-400}
IQN=$TGT_IQN_BASE:dump

if [ "$(id -u)" != 0 ]; then echo "FAIL $NAME (needs root for ip netns)"; exit 1; fi
for t in "$QEMU" kexec busybox cpio tgtd tgtadm readelf "$DUMPINFO" python3; do
	command -v "$t" >/dev/null || { echo "FAIL $NAME (missing $t; run make deps / make)"; exit 1; }
done
[ -f "$ELF" ] || { echo "FAIL $NAME (no $ELF; run make)"; exit 1; }
KERNEL=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
[ -r "$KERNEL" ] || { echo "FAIL $NAME (no /boot/vmlinuz-*)"; exit 1; }

tgt_setup || { echo "FAIL $NAME (namespace)"; exit 1; }
MARKER="LLMARK-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

# make_initrd PORT OUT: initramfs with static busybox, kexec with its
# libraries and loader, the image; /init arms it for the target at PORT
make_initrd() {
	local port=$1 out=$2 rd=$LL_TMP/rd bb f
	rm -rf "$rd"
	mkdir -p "$rd"/{bin,dev,proc,sys,tmp,usr/sbin}
	bb=$(command -v busybox)
	file -L "$bb" 2>/dev/null | grep 'statically linked' >/dev/null || bb=/bin/busybox
	cp "$bb" "$rd/bin/busybox"
	for f in sh mount echo cat sleep grep; do ln -sf busybox "$rd/bin/$f"; done
	cp /usr/sbin/kexec "$rd/usr/sbin/kexec"
	for f in $(ldd /usr/sbin/kexec | grep -oE '/[^ ]+'); do
		mkdir -p "$rd$(dirname "$f")"
		cp -L "$f" "$rd$f"
	done
	cp "$ELF" "$rd/lifeline.elf"
	mknod -m 600 "$rd/dev/console" c 5 1 2>/dev/null || true
	cat >"$rd/init" <<EOF
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmpfs /tmp
mount -t devtmpfs dev /dev 2>/dev/null
echo "KEXECTEST userspace"
i=0
while [ \$i -lt 4096 ]; do echo "$MARKER" ; i=\$((i + 1)); done >/tmp/marker
if /usr/sbin/kexec -p /lifeline.elf --type elf-x86_64 --args-linux \
	--append "console=ttyS0 dump-path=iscsi:10.0.2.2::$port:1:$IQN ip=10.0.2.15 netmask=255.255.255.0 gateway=10.0.2.2 dump-action=reboot dump-format=elf"; then
	echo "KEXECTEST loaded \$(cat /sys/kernel/kexec_crash_loaded)"
else
	echo "KEXECTEST kexec failed"
fi
echo 1 >/proc/sys/kernel/sysrq
echo c >/proc/sysrq-trigger
sleep 30
EOF
	chmod +x "$rd/init"
	(cd "$rd" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$out"
}

# gone PID: the process has ended (a zombie not yet reaped counts)
gone() {
	! kill -0 "$1" 2>/dev/null || [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" = Z ]
}

# run NIC LOG INITRD: boot the guest with that NIC; wait for lifeline's
# last line (or QEMU's end: -no-reboot makes the reset end it)
run() {
	local nic=$1 log=$2 initrd=$3 i
	: >"$log"
	ll_bg "$log.qemu" "$QEMU" -accel tcg -smp 2 -m "$MEM" -display none \
		-monitor none -no-reboot -serial "file:$log" \
		-kernel "$KERNEL" -initrd "$initrd" \
		-append "console=ttyS0 crashkernel=64M panic=0 quiet" \
		-netdev user,id=n0,net=10.0.2.0/24 -device "$nic,netdev=n0"
	local pid=$LL_LAST_PID
	for ((i = 0; i < TMO * 2; i++)); do
		grep -aqE '^lifeline: (rebooting|halted)|^lifeline: exception' "$log" && break
		gone "$pid" && break
		sleep 0.5
	done
	QEMU_EXITED=0  # the reset ended QEMU (-no-reboot) by itself
	for ((i = 0; i < 20; i++)); do
		gone "$pid" && { QEMU_EXITED=1; break; }
		sleep 0.5
	done
	kill -TERM "$pid" 2>/dev/null
	ll_wait_pid "$pid" 5 >/dev/null 2>&1
	tr -d '\r' <"$log" >"$log.txt"
}

check() { # DESC OK [LOG]
	if [ "$2" = 1 ]; then echo "PASS qemu/$NAME: $1"; else
		echo "FAIL qemu/$NAME: $1"; [ -n "${3:-}" ] && ll_show "$3" 30; fi
}

# verdict TAG DRIVER LOG IMG
verdict() {
	local tag=$1 drv=$2 L=$3.txt img=$4 info=$LL_TMP/$tag.info core=$LL_TMP/$tag.vmcore
	check "$tag: kexec entry line" \
		"$(grep -qE '^lifeline: kexec entry, boot_params at 0x[0-9a-f]+, image at 0x[0-9a-f]+-' "$L" && echo 1)" "$L"
	check "$tag: elfcorehdr: 2 CPUs, RAM ranges, VMCOREINFO" \
		"$(grep -qE '^lifeline: elfcorehdr at 0x[0-9a-f]+: 2 CPUs, [0-9]+ RAM ranges, [0-9]+ MiB, VMCOREINFO present$' "$L" &&
		   grep -qE '^lifeline: RAM 0000000000100000-' "$L" && echo 1)"
	check "$tag: NIC found ($drv)" \
		"$(grep -qE "^lifeline: NIC [0-9a-f]{2}:[0-9a-f]{2}\.[0-7] [0-9a-f]{4}:[0-9a-f]{4} $drv, MAC " "$L" && echo 1)"
	check "$tag: logged in to the dump LUN" \
		"$(grep -qE "^lifeline: logged in to $IQN, [0-9]+ blocks of 512 bytes$" "$L" && echo 1)"
	check "$tag: progress and completion lines, logout, reboot" \
		"$(grep -qE '^dump: [0-9]+/[0-9]+ MiB' "$L" && grep -qE '^dump: complete, ' "$L" &&
		   grep -qE '^lifeline: logged out$' "$L" && grep -qE '^lifeline: rebooting$' "$L" &&
		   [ "$QEMU_EXITED" = 1 ] && echo 1)" "$L"
	"$DUMPINFO" --extract "$core" "$img" >"$info" 2>&1
	check "$tag: lifeline-dumpinfo: complete, 2 CPUs, VMCOREINFO" \
		"$(grep -qx 'vmcore: complete' "$info" && grep -qx 'cpus: 2' "$info" &&
		   grep -qx 'vmcoreinfo: yes' "$info" && echo 1)" "$info"
	check "$tag: readelf -h -l -n accepts the vmcore (CORE, NOTE first, 2 NT_PRSTATUS)" \
		"$(readelf -h -l -n "$core" >"$core.readelf" 2>&1 &&
		   grep -qE 'Type:[[:space:]]+CORE' "$core.readelf" &&
		   [ "$(grep -cE 'NT_PRSTATUS' "$core.readelf")" -eq 2 ] &&
		   [ "$(sed -n '/Program Headers/,$p' "$core.readelf" | grep -m 1 -E '^  (NOTE|LOAD)' | awk '{print $1}')" = NOTE ] && echo 1)" "$core.readelf"
	check "$tag: the tmpfs marker is in the dump" \
		"$(grep -aqF "$MARKER" "$core" && echo 1)"
	local rate
	rate=$(sed -nE 's/^dump: complete, ([0-9]+) MiB in ([0-9.]+) s, ([0-9.]+) MiB\/s$/\1 MiB in \2 s, \3 MiB\/s/p' "$L")
	echo "  $tag: ${rate:-no rate}"
	if command -v makedumpfile >/dev/null && [ "$tag" = e1000 ]; then
		rm -f "$core.d31"
		check "$tag: makedumpfile -d 31 converts it without a vmlinux" \
			"$(makedumpfile -d 31 "$core" "$core.d31" >"$core.mdf" 2>&1 && [ -s "$core.d31" ] && echo 1)" "$core.mdf"
	fi
	rm -f "$core" "$core.d31"
}

# The image itself: ET_DYN x86-64, no PT_INTERP, a Multiboot2 header in the
# first 32 KiB, 8-aligned, checksum zero, entry tag inside the image
check "image: ET_DYN, Multiboot2 header valid" "$(python3 - "$ELF" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
ok = d[:4] == b'\x7fELF' and struct.unpack_from('<HH', d, 16) == (3, 62)
phoff, = struct.unpack_from('<Q', d, 32)
phnum, = struct.unpack_from('<H', d, 56)
types = [struct.unpack_from('<I', d, phoff + 56 * i)[0] for i in range(phnum)]
ok = ok and 3 not in types
i = d.find(struct.pack('<I', 0xe85250d6))
if ok and 0 <= i < 32768 and i % 8 == 0:
    magic, arch, hlen, csum = struct.unpack_from('<4I', d, i)
    ok = (magic + arch + hlen + csum) & 0xffffffff == 0 and arch == 0
    t, ok2 = i + 16, False
    while ok and t < i + hlen:
        ty, fl, sz = struct.unpack_from('<HHI', d, t)
        if ty == 0 and sz == 8:
            ok2 = True
        t += (sz + 7) & ~7
    ok = ok and ok2
else:
    ok = False
print(1 if ok else 0)
PY
)"
make_initrd 3260 "$LL_TMP/initrd.gz"
tgt_start "$(tgt_ctl_base)" 127.0.0.1:3260 "$LL_TMP/tgtd.log" || { echo "FAIL $NAME (tgtd)"; exit 1; }
CTL=$(tgt_ctl_base)
TID=0
for pair in ${KEXEC_ENTRY_NICS:-e1000:e1000 virtio-net-pci:virtio-net}; do
	dev=${pair%%:*} drv=${pair#*:} tag=${dev%%-*}
	TID=$((TID + 1))
	img=$LL_TMP/dump-$tag.img
	tgt_backing "$img" $((MEM + 64))
	tgtadm_c "$CTL" --mode target --op delete --force --tid $((TID - 1)) >/dev/null 2>&1
	tgt_target "$CTL" "$TID" "$IQN" "$img" || { echo "FAIL $NAME (target)"; exit 1; }
	run "$dev" "$LL_TMP/$tag.log" "$LL_TMP/initrd.gz"
	verdict "$tag" "$drv" "$LL_TMP/$tag.log" "$img"
	rm -f "$img"
done

# The target down (nothing listens on 3261): three refused logins, a clear
# error, then the configured action (reboot: QEMU ends), no hang.
make_initrd 3261 "$LL_TMP/initrd-down.gz"
T0=$SECONDS
run e1000 "$LL_TMP/down.log" "$LL_TMP/initrd-down.gz"
L=$LL_TMP/down.log.txt
check "down: 3 login tries refused, error, reboot ($((SECONDS - T0)) s)" \
	"$([ "$(grep -cE '^lifeline: E22 connection refused.*: login to ' "$L")" -eq 3 ] &&
	   grep -qE '^lifeline: dump target .*, login try 3 of 3$' "$L" &&
	   grep -qE '^lifeline: E22 .*giving up on the target$' "$L" &&
	   grep -qE '^lifeline: crash flow failed$' "$L" &&
	   grep -qE '^lifeline: rebooting$' "$L" && [ "$QEMU_EXITED" = 1 ] && echo 1)" "$L"
