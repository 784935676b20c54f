#!/bin/bash
# tests/hosted/ping.sh - the lifeline stack on a TAP answers ARP and ICMP
# echo: Linux pings it 20 times from inside a private namespace.
set -u
source "$(dirname "$0")/../lib/hosted.sh"

ll_require_root hosted/ping
command -v ping >/dev/null || { echo "FAIL hosted/ping (no ping; make deps)"; exit 1; }
ll_setup || { echo "FAIL hosted/ping (namespace setup)"; exit 1; }

slog="$LL_TMP/serve.log"
ll_bg "$slog" "$LL_NET" --tap tap0 --ip "$LL_STACK_IP/24" serve 15
spid=$LL_LAST_PID
if ! ll_wait_line "$slog" '^serving' 10; then
	echo "FAIL hosted/ping (lifeline-net did not start)"; ll_show "$slog"; exit 1
fi
out=$(ll_ns timeout 20 ping -c 20 -i 0.2 -W 1 "$LL_STACK_IP" 2>&1)
got=$(echo "$out" | sed -n 's/.* \([0-9]*\) received.*/\1/p')
ll_wait_pid "$spid" 20 >/dev/null
if [ "${got:-0}" -ge 19 ]; then
	echo "PASS hosted/ping ($got/20 replies)"
	echo "  $(echo "$out" | tail -n 1)"
else
	echo "FAIL hosted/ping (${got:-0}/20 replies)"
	echo "$out" | tail -n 3 | sed 's/^/  | /'
	ll_show "$slog"
fi
grep -E '^counters:' "$slog" | sed 's/^/  /'
