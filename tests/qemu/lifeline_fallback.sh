#!/bin/bash
# tests/qemu/lifeline_fallback.sh - failures fall through to the next boot
# device: over slirp (tgtd on 127.0.0.1, settings patched into the image)
# lifeline is given (1) a target name tgtd does not have, (2) a port nobody
# listens on, (3) an address nobody has. Each must print its error with its
# stable code ("lifeline: E<n> ...") within a bounded time and give the
# machine back to the BIOS, which boots the local disk (boot order n, c)
# whose MBR prints "FALLBACK BOOT" (tests/qemu/fallback.asm).
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"

ql_require lifeline-fallback
[ -f "$LL_ROOT/build/lifeline.pxe" ] && [ -x "$LL_ROOT/build/tools/lifeline-settings" ] ||
	{ echo "FAIL qemu/lifeline-fallback (no build/lifeline.pxe or lifeline-settings; run make)"; exit 1; }
ql_slirp_setup || { echo "FAIL qemu/lifeline-fallback (no free loopback port)"; exit 1; }

iqn=$TGT_IQN_BASE:fallback
disk=$LL_TMP/lun.img
local_disk=$LL_TMP/local.img
if ! mbr_disk "$disk" 64 >/dev/null || ! ql_fallback_disk "$local_disk"; then
	echo "FAIL qemu/lifeline-fallback (building the disks)"
	exit 1
fi
ql_slirp_target "$disk" 1 "$iqn" ||
	{ ql_fail lifeline-fallback "tgtd did not start" "$LL_TMP/tgtd.log"; exit 1; }
closed=$((QL_SLIRP_PORT + 1))
while ss -Hltn "sport = :$closed" | grep LISTEN >/dev/null; do closed=$((closed + 1)); done

ERR_RE='^lifeline: E[0-9]+ [A-Za-z]'   # not the "E820 <range>" lines

# fallback_case NAME ROOTPATH ERROR_RE: boot with ROOTPATH, expect a line
# matching ERROR_RE, then FALLBACK BOOT from the local disk.
fallback_case() {
	local name=$1 rp=$2 want=$3 log=$LL_TMP/$1.serial dir=$LL_TMP/tftp-$1 t te err
	if ! ql_slirp_pxe "$dir" "root-path=$rp"; then
		echo "FAIL qemu/$name (lifeline-settings could not patch the image)"
		return
	fi
	ql_qemu_slirp "$log" 150 "$dir" -boot order=nc \
		-drive "file=$local_disk,format=raw,if=ide"
	if ! te=$(ql_wait_secs "$log" "$ERR_RE" 120); then
		ql_fail "$name" "no error line" "$log"
	elif ! t=$(ql_wait_secs "$log" '^FALLBACK BOOT' 60); then
		ql_fail "$name" "no FALLBACK BOOT after the error" "$log"
	else
		err=$(grep -a -m1 -E "$ERR_RE" "$log" | tr -d '\r')
		if [[ $err =~ $want ]]; then
			ql_pass "$name" "$err (at ${te}s); FALLBACK BOOT at ${t}s"
		else
			ql_fail "$name" "wrong error: $err (want $want)" "$log"
		fi
	fi
	ql_qemu_stop
}

fallback_case lifeline-fallback-notarget \
	"iscsi:10.0.2.2::$QL_SLIRP_PORT:1:$iqn-missing" '^lifeline: E52 '
fallback_case lifeline-fallback-refused \
	"iscsi:10.0.2.2::$closed:1:$iqn" '^lifeline: E(22|24|3) '
fallback_case lifeline-fallback-noaddr \
	"iscsi:10.0.2.99::3260:1:$iqn" '^lifeline: E(21|24|3) '
exit 0
