#!/bin/bash
# tests/qemu/grub_mb2_efi.sh - UEFI GRUB (Debian grub-efi-amd64-bin, built
# here with grub-mkimage -O x86_64-efi as \EFI\BOOT\BOOTX64.EFI on a QEMU FAT
# directory) starts lifeline.elf with `multiboot2 /lifeline.elf KEY=VALUE...`
# and `boot` under OVMF (issue 11, 4(c)). The Multiboot2 EFI entry (header
# tags 7 + 9) runs the UEFI flow with the settings from the command line
# only (static address, no DHCP server): SNP, login to tgtd in the test
# namespace, BlockIo, iBFT, and the LUN's \EFI\BOOT\BOOTX64.EFI - the BlockIo
# probe, whose checksums and scratch write must match the host's. On e1000
# (iPXE's EFI driver under SNP) and virtio-net (OVMF's driver; its BAR lies
# above 4 GiB). The UEFI Linux disk (tools/mkdisk-efi-linux.sh) to user
# space with lifeline's iBFT (lifeline's own DHCP from dnsmasq). A wrong target name: E52 on the console, then lifeline's
# Exit() of GRUB's image hands control back to the boot manager, which runs
# its next boot option: a local disk (bootindex 2) whose BlockIo probe
# prints "probe: start".
set -uo pipefail
. "$(dirname "$0")/../lib/efi.sh"

NAME=grub-mb2-efi
ELF=$LL_ROOT/build/lifeline.elf
GRUB_EFI_DIR=/usr/lib/grub/x86_64-efi
TMO=${GRUB_MB2_EFI_TIMEOUT:-240}
[ -f "$ELF" ] || { echo "FAIL qemu/$NAME (no build/lifeline.elf; run make)"; exit 1; }
[ -f "$GRUB_EFI_DIR/multiboot2.mod" ] ||
	{ echo "FAIL qemu/$NAME (missing $GRUB_EFI_DIR; run make deps)"; exit 1; }
efi_require "$NAME"
ql_net_setup || { echo "FAIL qemu/$NAME (namespace, bridge, tap)"; exit 1; }

initiator=iqn.2026-01.org.lifeline.test:grub-efi
static=(ip=10.79.0.50 netmask=255.255.255.0 gateway=10.79.0.1
	"initiator-iqn=$initiator")

# grub_efi_dir DIR ARGS...: DIR/esp/EFI/BOOT/BOOTX64.EFI, a GRUB EFI image
# whose memdisk holds lifeline.elf and a grub.cfg running `multiboot2
# /lifeline.elf ARGS` and `boot` (GRUB's console: OVMF's ConOut, the serial
# port). 0 or 1.
grub_efi_dir() {
	local dir=$1; shift
	rm -rf "$dir"
	mkdir -p "$dir/md/boot/grub" "$dir/esp/EFI/BOOT" || return 1
	cp "$ELF" "$dir/md/" || return 1
	cat >"$dir/md/boot/grub/grub.cfg" <<CFG
echo "GRUBTEST multiboot2"
multiboot2 /lifeline.elf $*
echo "GRUBTEST boot"
boot
CFG
	echo 'configfile (memdisk)/boot/grub/grub.cfg' >"$dir/early.cfg"
	tar -C "$dir/md" -cf "$dir/memdisk.tar" . &&
	grub-mkimage -O x86_64-efi -d "$GRUB_EFI_DIR" -c "$dir/early.cfg" \
		-m "$dir/memdisk.tar" -p '(memdisk)/boot/grub' \
		-o "$dir/esp/EFI/BOOT/BOOTX64.EFI" \
		memdisk tar configfile normal echo multiboot2
}

# grub_efi_qemu LOG NIC ESP [ARGS...]: OVMF with the ESP directory first in
# the boot order and NIC (no boot index) on the namespace's tap, and ARGS;
# killed after TMO.
grub_efi_qemu() {
	local log=$1 nic=$2 esp=$3 vars dev
	case $nic in
	e1000) dev="e1000,netdev=n0,mac=$QL_MAC" ;;
	virtio) dev="virtio-net-pci,netdev=n0,mac=$QL_MAC,romfile=" ;;
	*) return 1 ;;
	esac
	shift 3
	ql_qemu_stop
	EFI_RUN=$((EFI_RUN + 1))
	vars=$LL_TMP/vars.$EFI_RUN.fd
	cp "$EFI_VARS" "$vars" || return 1
	: >"$log"
	QL_QEMU_T0=$EPOCHREALTIME
	ip netns exec "$LL_NS" timeout -k 5 "$TMO" "$QL_QEMU" -accel tcg \
		-m "${QL_MEM:-512}" -display none -monitor none -no-reboot \
		-serial "file:$log" \
		-drive "if=pflash,format=raw,unit=0,readonly=on,file=$EFI_CODE" \
		-drive "if=pflash,format=raw,unit=1,file=$vars" \
		-drive "if=none,id=esp,format=raw,readonly=on,file=fat:$esp" \
		-device "virtio-blk-pci,drive=esp,bootindex=1" \
		-netdev "tap,id=n0,ifname=$QL_TAP,script=no,downscript=no" \
		-device "$dev" "$@" >"$log.qemu" 2>&1 &
	QL_QEMU_PID=$!
}

# probe NIC: the probe disk SAN-booted through UEFI GRUB and lifeline.elf.
probe() {
	local nic=$1 tag=probe-$1 disk=$LL_TMP/probe-$1.img iqn log re missing=()
	log=$LL_TMP/$tag.serial
	EFI_TID=$((EFI_TID + 1)); iqn=$QL_IQN-$EFI_TID
	efi_probe_disk "$disk" || { echo "FAIL qemu/$NAME-$tag (building the probe disk)"; return; }
	ql_target "$disk" "$EFI_TID" "$iqn" ||
		{ ql_fail "$NAME-$tag" "tgtd did not start" "$LL_TMP/tgtd.log"; return; }
	grub_efi_dir "$LL_TMP/$tag" "root-path=$(ql_rootpath 1 "$iqn")" "${static[@]}" ||
		{ echo "FAIL qemu/$NAME-$tag (building the GRUB EFI image)"; return; }
	grub_efi_qemu "$log" "$nic" "$LL_TMP/$tag/esp"
	ql_wait "$log" 'probe: (done|failed)|lifeline: E[0-9]+ ' $((TMO - 10))
	sleep 1
	for re in 'lifeline: Multiboot2 EFI entry \(UEFI GRUB\), image handle 0x[0-9a-f]+, UEFI [0-9.]+' \
		'lifeline: command line: root-path=.*' \
		'lifeline: address 10\.79\.0\.50 gateway 10\.79\.0\.1 \(static\)' \
		"lifeline: logged in to $iqn, .*"; do
		efi_text "$log" | grep -xE -- "$re" >/dev/null || missing+=("$re")
	done
	if [ ${#missing[@]} -ne 0 ]; then
		ql_fail "$NAME-$tag" "missing: ${missing[*]}" "$log"
	else
		efi_probe_verdict "$NAME-$tag" "$log" "$disk" 20
	fi
	ql_qemu_stop
}

for nic in ${LL_GRUB_EFI_NICS:-e1000 virtio}; do
	probe "$nic"
done

# the UEFI Linux disk (GRUB EFI on the LUN, Debian kernel, the iBFT
# initramfs) through UEFI GRUB and lifeline.elf on virtio-net, lifeline's
# own DHCP from dnsmasq (17/203): user space must show lifeline's iBFT
tag=linux
if [ "${LL_GRUB_EFI_LINUX:-1}" = 1 ]; then
	disk=$LL_TMP/efi-linux.img
	EFI_TID=$((EFI_TID + 1)); iqn=$QL_IQN-$EFI_TID
	if ! bash "$LL_ROOT/tools/mkdisk-efi-linux.sh" "$disk" >/dev/null; then
		echo "FAIL qemu/$NAME-$tag (building the UEFI Linux disk)"
	elif ! ql_target "$disk" "$EFI_TID" "$iqn" || ! ql_dnsmasq "$(ql_rootpath 1 "$iqn")"; then
		ql_fail "$NAME-$tag" "tgtd or dnsmasq did not start" "$LL_TMP/tgtd.log"
	elif ! grub_efi_dir "$LL_TMP/$tag"; then
		echo "FAIL qemu/$NAME-$tag (building the GRUB EFI image)"
	else
		grub_efi_qemu "$LL_TMP/$tag.serial" virtio "$LL_TMP/$tag/esp"
		ql_ibft_verdict "$NAME-$tag-ibft" "$LL_TMP/$tag.serial" "$iqn" LIFELINE
		echo "  $NAME-$tag: user space after $(ql_wait_secs "$LL_TMP/$tag.serial" '^IBFTTEST DONE' 1) s"
		ql_qemu_stop
		ql_dnsmasq_stop
	fi
fi

# a target tgtd does not have: the coded line on the console, Exit() back
# to the boot manager, and its next boot option (the local disk) runs
tag=notarget
log=$LL_TMP/$tag.serial
fb=$LL_TMP/$tag-local.img
back='lifeline: E52 .*; back to the boot manager \(Exit of GRUB.s image\)'
# tgtd must run (it is started by the first target; the runs above may be
# left out): one more target, so the wrong name is answered with E52
tgt_backing "$LL_TMP/$tag-other.img" 8
if ! efi_probe_disk "$fb"; then
	echo "FAIL qemu/$NAME-$tag (building the local disk)"
elif ! ql_target "$LL_TMP/$tag-other.img" 90 "$QL_IQN-other"; then
	ql_fail "$NAME-$tag" "tgtd did not start" "$LL_TMP/tgtd.log"
elif grub_efi_dir "$LL_TMP/$tag" "root-path=$(ql_rootpath 1 "$QL_IQN-nosuch")" "${static[@]}"; then
	# shellcheck disable=SC2046 # the drive arguments are words on purpose
	grub_efi_qemu "$log" e1000 "$LL_TMP/$tag/esp" $(efi_fallback_args "$fb")
	if ! ql_wait "$log" 'lifeline: E52 ' 150; then
		ql_fail "$NAME-$tag" "no 'lifeline: E52' line" "$log"
	elif efi_text "$log" | grep '^lifeline: logged in' >/dev/null; then
		ql_fail "$NAME-$tag" "logged in to a target that does not exist" "$log"
	elif ! ql_wait "$log" 'probe: (start|done|failed)' 90 ||
	     ! efi_text "$log" | awk -v b="$back" '
		s == 0 && $0 ~ b { s = 1; next }
		s == 1 && /^BdsDxe: failed to start Boot/ { s = 2; next }
		s == 2 && /^probe: start/ { ok = 1; exit }
		END { exit !ok }'; then
		ql_fail "$NAME-$tag" "no '$back' line, then the boot manager's 'failed to start', then the next boot option's 'probe: start'" "$log"
	else
		ql_pass "$NAME-$tag" "$(efi_text "$log" | grep -m1 -E "$back"); then $(efi_text "$log" |
			grep -m1 -oE 'BdsDxe: failed to start Boot[0-9A-F]+.*') ... probe: start"
	fi
	ql_qemu_stop
else
	echo "FAIL qemu/$NAME-$tag (building the GRUB EFI image)"
fi
exit 0
