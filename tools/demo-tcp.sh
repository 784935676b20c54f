#!/bin/bash
# tools/demo-tcp.sh - the hosted demo (was `make demo`): the lifeline stack, in user space on a TAP in
# a throw-away network namespace, gets a lease from dnsmasq (with iSCSI
# root path and settings) and sends 64 MiB over TCP to a Linux peer.
set -u
source "$(dirname "$0")/../tests/lib/hosted.sh"
BYTES=$((64 * 1024 * 1024))
SEED=$RANDOM
ROOT_PATH="iscsi:10.77.0.1::3260:1:iqn.2026-01.org.example:disk"
INITIATOR="iqn.2026-01.org.example:demo"
SETTINGS="dump-path=iscsi:10.77.0.1::3260:2:iqn.2026-01.org.example:dumps"

say() { printf '\n== %s\n' "$*"; }
die() { printf '\ndemo failed: %s\n' "$*"; exit 1; }

if [ "$(id -u)" != 0 ]; then
	die "needs root (it creates a network namespace and a TAP device)"
fi
[ -x "$LL_NET" ] && [ -x "$LL_PEER" ] || die "build first: make host"
command -v dnsmasq >/dev/null || die "dnsmasq missing: make deps"

say "Setting up a private network namespace with a TAP (Linux side 10.77.0.1)"
ll_setup || die "could not create the namespace"
echo "namespace $LL_NS, logs in $LL_TMP"

ll_bg "$LL_TMP/dnsmasq.log" dnsmasq --no-daemon --conf-file=/dev/null \
	--interface=tap0 --bind-interfaces --except-interface=lo \
	--dhcp-range=10.77.0.100,10.77.0.150,1h --dhcp-option=3,10.77.0.1 \
	--dhcp-option=17,"$ROOT_PATH" --dhcp-option=203,"$INITIATOR" \
	--dhcp-option=224,"$SETTINGS" --pid-file= --leasefile-ro --port=0 \
	--log-facility=-
ll_wait_line "$LL_TMP/dnsmasq.log" 'DHCP, IP range' 10 || die "dnsmasq did not start"
ll_bg "$LL_TMP/peer.log" "$LL_PEER" sink 5001
peer_pid=$LL_LAST_PID
ll_wait_line "$LL_TMP/peer.log" '^listening' 10 || die "peer did not start"
echo "dnsmasq and a TCP sink (port 5001) are running"

say "lifeline: DHCP, then 64 MiB to the sink"
out="$LL_TMP/lifeline.log"
ll_ns timeout -k 5 240 "$LL_NET" --tap tap0 --dhcp --timeout 200 \
	send 10.77.0.1 5001 "$BYTES" "$SEED" >"$out" 2>&1
rc=$?
ll_wait_pid "$peer_pid" 30 >/dev/null

lease=$(grep '^lease:' "$out" | tail -n 1)
[ -n "$lease" ] || { sed 's/^/  /' "$out"; die "no lease"; }
echo "lease:     address $(ll_field "$out" lease: ip)/$(ll_field "$out" lease: mask)," \
     "gateway $(ll_field "$out" lease: gw)"
echo "root-path: $(ll_field "$out" lease: root-path)"
echo "initiator: $(ll_field "$out" lease: initiator)"
echo "settings:  ${lease#* settings=}"
[ $rc -eq 0 ] || { sed 's/^/  /' "$out"; die "transfer failed (exit $rc)"; }

sent_md5=$(ll_field "$out" result: md5)
got_md5=$(ll_field "$LL_TMP/peer.log" result: md5)
got_bytes=$(ll_field "$LL_TMP/peer.log" result: bytes)
say "Result"
echo "lifeline sent   $(ll_field "$out" result: bytes) bytes, md5 $sent_md5"
echo "Linux received  $got_bytes bytes, md5 $got_md5"
echo "time $(ll_field "$out" result: secs) s, $(ll_field "$out" result: mibps) MiB/s"
grep -E '^(tcp|counters):' "$out" | sed 's/^/  /'
if [ "$sent_md5" = "$got_md5" ] && [ "$got_bytes" = "$BYTES" ]; then
	echo "the bytes agree: demo OK"
else
	die "md5 or byte count differ"
fi
