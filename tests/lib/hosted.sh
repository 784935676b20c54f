#!/bin/bash
# tests/lib/hosted.sh - helpers sourced by the hosted tests: a private
# network namespace with a TAP (kernel side 10.77.0.1/24), background
# processes that are always reaped, and waiting for a log line with a limit.
# Sourcing it does nothing by itself; it lives in tests/lib/, which tests/run.sh never runs.

LL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LL_NET="$LL_ROOT/build/tools/lifeline-net"
LL_PEER="$LL_ROOT/build/tests/peer"
LL_NS=""            # our namespace, once made
LL_PIDS=()          # background processes we started
LL_TMP=""           # scratch directory for logs
LL_NS_SEQ=0
LL_HOST_IP=10.77.0.1
LL_STACK_IP=10.77.0.2

# ll_require_root TESTNAME: the hosted tier needs root (netns, tap); not
# being root is a failure, not a skip.
ll_require_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "FAIL $1 (hosted tests need root for ip netns and /dev/net/tun)"
		exit 1
	fi
	local tool
	for tool in ip "$LL_NET" "$LL_PEER"; do
		if ! command -v "$tool" >/dev/null; then
			echo "FAIL $1 (missing $tool; run make host / make deps)"
			exit 1
		fi
	done
}

# ll_cleanup: kill exactly the PIDs we started, delete exactly our namespace.
ll_cleanup() {
	local pid
	for pid in "${LL_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in "${LL_PIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	LL_PIDS=()
	if [ -n "$LL_NS" ]; then
		ip -n "$LL_NS" link del tap0 2>/dev/null
		ip netns del "$LL_NS" 2>/dev/null
		LL_NS=""
	fi
	if [ -n "$LL_TMP" ] && [ -z "${LL_KEEP_LOGS:-}" ]; then
		rm -rf "$LL_TMP"
	fi
}

# ll_setup: make namespace ll-<pid>-<n> holding tap0 (10.77.0.1/24, up) and
# lo (up), a scratch dir in $LL_TMP, and the cleanup trap. 0 or 1.
ll_setup() {
	LL_NS_SEQ=$((LL_NS_SEQ + 1))
	local ns="ll-$$-$LL_NS_SEQ"
	trap ll_cleanup EXIT
	trap 'exit 130' INT TERM
	[ -n "$LL_TMP" ] || LL_TMP=$(mktemp -d /tmp/ll-hosted.XXXXXX)
	ip netns add "$ns" || return 1
	LL_NS=$ns
	ip -n "$ns" link set lo up &&
	ip -n "$ns" tuntap add dev tap0 mode tap &&
	ip -n "$ns" addr add "$LL_HOST_IP/24" dev tap0 &&
	ip -n "$ns" link set tap0 up || return 1
	# quieter link: no IPv6 chatter on the tap
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.tap0.disable_ipv6=1 2>/dev/null
	return 0
}

# ll_ns CMD...: run CMD inside our namespace (foreground).
ll_ns() {
	ip netns exec "$LL_NS" "$@"
}

# ll_bg LOG CMD...: start CMD inside our namespace in the background with
# stdout+stderr to LOG; its PID is recorded (ip netns exec execs CMD, so
# the PID is CMD's own) and printed in $LL_LAST_PID.
ll_bg() {
	local log=$1; shift
	ip netns exec "$LL_NS" "$@" >"$log" 2>&1 &
	LL_LAST_PID=$!
	LL_PIDS+=("$LL_LAST_PID")
}

# ll_wait_line LOG REGEX SECS: wait until a line of LOG matches REGEX.
ll_wait_line() {
	local log=$1 re=$2 secs=$3 i
	for ((i = 0; i < secs * 10; i++)); do
		grep -Eq -- "$re" "$log" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# ll_wait_pid PID SECS: wait for a background process to end; its exit
# status, or 124 (and it is killed) when it outlives SECS.
ll_wait_pid() {
	local pid=$1 secs=$2 i
	for ((i = 0; i < secs * 10; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			return $?
		fi
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 124
}

# ll_field LOG PREFIX KEY: value of KEY=... on the last line of LOG that
# starts with PREFIX (e.g. ll_field out.log result: md5).
ll_field() {
	grep -E "^$2" "$1" 2>/dev/null | tail -n 1 | tr ' ' '\n' |
		sed -n "s/^$3=//p" | head -n 1
}

# ll_show LOG: the log, indented (run.sh shows indented lines on failure).
ll_show() {
	sed 's/^/  | /' "$1" | tail -n "${2:-15}"
}
