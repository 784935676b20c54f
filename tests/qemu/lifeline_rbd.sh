#!/bin/bash
# tests/qemu/lifeline_rbd.sh - lifeline boots from Ceph RBD behind iSCSI
# gateways: one one-node cluster (tests/lib/ceph.sh) for every case; the MBR
# test disk imported as an RBD image; two tgtd gateways (10.79.0.1 and
# 10.79.0.2) export that one image through tgt-rbd under the same target
# name; DHCP gives option 17 (gateway 1) and 224 alt-portals=gateway 2.
# int13: lifeline.pxe boots the disk: CHS/EDD reads give the checksums the
# host computes, and the two sectors the guest writes are in the image
# (read back with rbd export). gateway-gone: the same, gateway 1 SIGKILLed
# (by PID) as the guest starts its 48 MiB bulk read: lifeline moves to
# gateway 2, every check as before. linux: the Debian Linux disk
# (tools/mkdisk-linux.sh) as a second image, exported by a new gateway 1 and
# gateway 2: user space with lifeline's iBFT (both portals) as
# lifeline_linux_ibft.sh checks it. Prints the cluster's start time and the
# script's wall time.
set -uo pipefail
. "$(dirname "$0")/../lib/qemu.sh"
. "$(dirname "$0")/../lib/ceph.sh"

NAME=lifeline-rbd
IP2=10.79.0.2
PXE=$LL_ROOT/build/lifeline.pxe
T0=$SECONDS
ql_require "$NAME"
for t in ceph-mon ceph-mgr ceph-osd ceph rbd; do
	command -v "$t" >/dev/null || { echo "FAIL qemu/$NAME (missing $t; run make deps)"; exit 1; }
done
[ -f /usr/lib/tgt/backing-store/bs_rbd.so ] ||
	{ echo "FAIL qemu/$NAME (no tgt-rbd; run make deps)"; exit 1; }
[ -f "$PXE" ] || { echo "FAIL qemu/$NAME (no build/lifeline.pxe; run make)"; exit 1; }
ql_net_setup && ip -n "$LL_NS" addr add "$IP2/24" dev "$QL_BR" ||
	{ echo "FAIL qemu/$NAME (namespace, bridge, tap)"; exit 1; }
ceph_trap

if ! ceph_start "$LL_TMP/ceph"; then
	echo "FAIL qemu/$NAME (the Ceph cluster did not start)"
	exit 1
fi
echo "  $NAME: cluster up in $CEPH_START_SECS s (mon, mgr, BlueStore osd.0)"

disk=$LL_TMP/int13.img
expect=$LL_TMP/int13.expect
if ! mbr_disk "$disk" 98304 || ! mbr_expect "$disk" >"$expect"; then
	echo "FAIL qemu/$NAME (building the test disk)"
	exit 1
fi
mkdir -p "$LL_TMP/tftp"
cp "$PXE" "$LL_TMP/tftp/lifeline.pxe"
if ! ceph_image int13 1 "$disk"; then
	echo "FAIL qemu/$NAME (rbd import of the test disk)"
	exit 1
fi

# gateways GW1: gateway GW1 on 10.79.0.1 and gw2 on $IP2, both serving
# rbd/int13 as $QL_IQN. 0 or 1.
gateways() {
	ceph_gateway "$1" "$QL_PORTAL" && ceph_lun "$1" 1 "$QL_IQN" int13 &&
	{ ceph_gw_field gw2 3 >/dev/null ||
	  { ceph_gateway gw2 "$IP2:3260" && ceph_lun gw2 1 "$QL_IQN" int13; }; }
}
if ! gateways gw1 ||
   ! QL_DHCP_SETTINGS="alt-portals=$IP2" ql_dnsmasq "$(ql_rootpath)" "$LL_TMP/tftp" lifeline.pxe; then
	ql_fail "$NAME" "gateways or dnsmasq did not start" "$CEPH_DIR/log/gw-gw1.log"
	exit 1
fi

ql_since() {
	awk -v a="$QL_QEMU_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}

# int13_verdict CASE LOG: DONE, no FAIL, the checksums as the host
# computes, and the written sectors in the image as rbd export reads it.
int13_verdict() {
	local case=$1 log=$2 out="" img=$LL_TMP/$1.export
	ql_wait "$log" '^MBRTEST (DONE|FAIL)' 120
	if ! grep -aq '^lifeline: booting the MBR from drive 0x80' "$log"; then
		ql_fail "$NAME: $case" "lifeline did not boot the MBR from 0x80" "$log"
	elif ! ceph_export int13 "$img"; then
		ql_fail "$NAME: $case" "rbd export of the image failed" "$log"
	elif grep -aq '^MBRTEST DONE' "$log" && ! grep -aq '^MBRTEST FAIL' "$log" &&
	     out=$(mbr_check "$log" "$img" "$expect"); then
		ql_pass "$NAME: $case: INT 13h reads and writes on RBD" \
			"$(grep -a '^MBRTEST read42' "$log" | tr -d '\r'); written sectors in rbd export; bulk read $(mbr_bench "$log" | awk '{ print $2 }') MiB/s"
		rm -f "$img"
		return 0
	else
		ql_fail "$NAME: $case" "checksums differ or no DONE: ${out:-}" "$log"
	fi
	rm -f "$img"
	return 1
}

# case int13: plain boot through gateway 1
log=$LL_TMP/int13.serial
ql_qemu "$log" 240
int13_verdict int13 "$log"
ql_qemu_stop

# case gateway-gone: gateway 1 killed as the bulk read starts
log=$LL_TMP/gone.serial
ql_qemu "$log" 300
killed=0
if ql_wait "$log" '^MBRTEST (write03|FAIL)' 150 && ! grep -aq '^MBRTEST FAIL' "$log"; then
	ceph_gateway_kill gw1
	killed=1
	echo "  $NAME: gateway 1 killed at $(ql_since) s after QEMU start"
fi
ok=0
int13_verdict gateway-gone "$log" && ok=1
tr -d '\r' <"$log" >"$log.txt"
L=$log.txt
moved=$(grep -c "^iscsi: login failed E[0-9]*, moving to portal 2 of 2: $IP2:3260" "$L")
back=$(grep -c '^iscsi: reconnected after [0-9]* s (portal 2 of 2)' "$L")
hit=$(awk '/^MBRTEST write03/ { w = 1 } w && /^iscsi: connection lost/ { c = 1 }
	   c && /^MBRTEST bench/ { print "yes"; exit }' "$L")
if [ $killed = 1 ] && [ "$moved" -ge 1 ] && [ "$back" -eq 1 ] && [ "$hit" = yes ] &&
   ! grep -q 'giving up on the session' "$L"; then
	ql_pass "$NAME: gateway-gone: gateway 1 killed mid-read, lifeline moved to gateway 2" \
		"$(grep -m1 '^iscsi: reconnected after ' "$L")"
	[ $ok = 1 ] && echo "fault: int13-rbd-gateway-gone ok checksums, writes in rbd export, 48 MiB bulk read completed through gateway 2 ($(grep -m1 -o 'reconnected after [0-9]* s' "$L"))"
else
	ql_fail "$NAME: gateway-gone" "killed=$killed moved=$moved reconnected-on-2=$back bulk-read-hit=${hit:-no}" "$log"
fi
[ $ok = 1 ] && [ $killed = 1 ] || echo "fault: int13-rbd-gateway-gone FAIL"
grep -E '^(iscsi: (connection lost|login failed|reconnected)|MBRTEST bench)' "$L" | sed 's/^/  /'
ql_qemu_stop

# case linux: the Debian guest to user space from RBD
log=$LL_TMP/linux.serial
lname=$QL_IQN-linux
if ! limg=$(bash "$LL_ROOT/tools/mkdisk-linux.sh") || ! ceph_image linux 1 "$limg" ||
   ! ceph_gateway gw1b "$QL_PORTAL" || ! ceph_lun gw1b 2 "$lname" linux ||
   ! ceph_lun gw2 2 "$lname" linux ||
   ! QL_DHCP_SETTINGS="alt-portals=$IP2" \
	ql_dnsmasq "$(ql_rootpath 1 "$lname")" "$LL_TMP/tftp" lifeline.pxe; then
	ql_fail "$NAME: linux" "Linux disk, image, gateway or dnsmasq" "$CEPH_DIR/log/gw-gw1b.log"
else
	ql_qemu "$log" 180
	QL_V_TARGET1=$IP2:3260 ql_ibft_verdict "$NAME: linux: Debian guest to user space from RBD" \
		"$log" "$lname" LIFELINE
	ql_qemu_stop
fi

echo "  $NAME: wall $((SECONDS - T0)) s (cluster start $CEPH_START_SECS s)"
exit 0
