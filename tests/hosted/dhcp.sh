#!/bin/bash
# tests/hosted/dhcp.sh - the lifeline DHCP client against dnsmasq in a
# private namespace: an address from the pool, and the root path (17),
# initiator IQN (203) and settings (224) strings delivered exactly.
set -u
source "$(dirname "$0")/../lib/hosted.sh"
ROOT_PATH="iscsi:10.77.0.1::3260:1:iqn.2026-01.org.example:disk"
INITIATOR="iqn.2026-01.org.example:client-7"
SETTINGS="dump-path=iscsi:10.77.0.1::3260:2:iqn.2026-01.org.example:dumps username=alice"

ll_require_root hosted/dhcp
command -v dnsmasq >/dev/null || { echo "FAIL hosted/dhcp (no dnsmasq; make deps)"; exit 1; }
ll_setup || { echo "FAIL hosted/dhcp (namespace setup)"; exit 1; }

dlog="$LL_TMP/dnsmasq.log" slog="$LL_TMP/dhcp.log"
ll_bg "$dlog" dnsmasq --no-daemon --conf-file=/dev/null --interface=tap0 \
	--bind-interfaces --except-interface=lo --dhcp-range=10.77.0.100,10.77.0.150,1h \
	--dhcp-option=3,10.77.0.1 \
	--dhcp-option=17,"$ROOT_PATH" --dhcp-option=203,"$INITIATOR" \
	--dhcp-option=224,"$SETTINGS" --pid-file= --leasefile-ro --port=0 \
	--log-dhcp --log-facility=-
if ! ll_wait_line "$dlog" 'DHCP, IP range' 10; then
	echo "FAIL hosted/dhcp (dnsmasq did not start)"; ll_show "$dlog"; exit 1
fi
ll_ns timeout -k 5 60 "$LL_NET" --tap tap0 dhcp >"$slog" 2>&1
rc=$?

lease=$(grep '^lease:' "$slog" | tail -n 1)
ip=$(ll_field "$slog" lease: ip)
gw=$(ll_field "$slog" lease: gw)
last=${ip##*.}
ok=1
[ $rc -eq 0 ] && [ -n "$lease" ] || ok=0
case $ip in 10.77.0.*) ;; *) ok=0 ;; esac
[ "${last:-0}" -ge 100 ] 2>/dev/null && [ "$last" -le 150 ] || ok=0
[ "$gw" = 10.77.0.1 ] || ok=0
[ "$(ll_field "$slog" lease: root-path)" = "$ROOT_PATH" ] || ok=0
[ "$(ll_field "$slog" lease: initiator)" = "$INITIATOR" ] || ok=0
# settings holds spaces: it is the rest of the line
[ "${lease#* settings=}" = "$SETTINGS" ] || ok=0
if [ $ok -eq 1 ]; then
	echo "PASS hosted/dhcp (lease $ip)"
	echo "  $lease"
else
	echo "FAIL hosted/dhcp (exit $rc)"
	echo "  want root-path=$ROOT_PATH initiator=$INITIATOR settings=$SETTINGS"
	ll_show "$slog"
	echo "  dnsmasq:"; ll_show "$dlog" 10
fi
