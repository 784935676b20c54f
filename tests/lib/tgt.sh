#!/bin/bash
# tests/lib/tgt.sh - helpers sourced after lib.sh: run tgtd (Linux
# user-space iSCSI target) inside the test namespace with its own control
# socket, give it targets backed by a file as LUN 1, CHAP accounts, target
# parameters, and stop it by PID. Running this file does nothing.

TGT_PIDS=()          # "ctl:pid" of every tgtd we started
TGT_LAST_PID=""
TGT_IQN_BASE=iqn.2026-01.org.lifeline.test

# tgt_ctl: a control port number unique to this shell (several test
# scripts may run tgtd at once; -C keeps their sockets apart).
tgt_ctl_base() {
	echo $(( 1000 + ($$ % 5000) * 4 ))
}

# tgtadm_c CTL ARGS...: tgtadm on the control socket of tgtd number CTL.
tgtadm_c() {
	local ctl=$1; shift
	tgtadm -C "$ctl" --lld iscsi "$@"
}

# tgt_start CTL PORTAL LOG: start tgtd -f -C CTL listening on PORTAL
# (IP:PORT) inside our namespace (in the root namespace when LL_NS is
# empty); waits until its control socket answers and the portal listens.
# Sets TGT_LAST_PID. 0 or 1.
tgt_start() {
	local ctl=$1 portal=$2 log=$3 i nsx=()
	[ -n "$LL_NS" ] && nsx=(ip netns exec "$LL_NS")
	"${nsx[@]}" tgtd -f -C "$ctl" --iscsi "portal=$portal" >"$log" 2>&1 &
	TGT_LAST_PID=$!
	TGT_PIDS+=("$ctl:$TGT_LAST_PID")
	for ((i = 0; i < 100; i++)); do
		kill -0 "$TGT_LAST_PID" 2>/dev/null || return 1
		if tgtadm_c "$ctl" --mode target --op show >/dev/null 2>&1 &&
		   "${nsx[@]}" ss -Hltn "sport = :${portal##*:}" | grep LISTEN >/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# tgt_backing FILE MIB: a zero-filled backing file of MIB MiB.
tgt_backing() {
	rm -f "$1"
	truncate -s "$(($2 << 20))" "$1"
}

# tgt_target CTL TID NAME FILE: target TID named NAME with FILE as LUN 1,
# open to every initiator.
tgt_target() {
	local ctl=$1 tid=$2 name=$3 file=$4
	tgtadm_c "$ctl" --mode target --op new --tid "$tid" -T "$name" &&
	tgtadm_c "$ctl" --mode logicalunit --op new --tid "$tid" --lun 1 -b "$file" &&
	tgtadm_c "$ctl" --mode target --op bind --tid "$tid" -I ALL
}

# tgt_chap CTL TID USER PASS [--outgoing]: make a CHAP account and bind it
# to target TID (with --outgoing: the target's own name/secret, mutual).
tgt_chap() {
	local ctl=$1 tid=$2 user=$3 pass=$4 out=${5:-}
	tgtadm_c "$ctl" --mode account --op new --user "$user" --password "$pass" &&
	tgtadm_c "$ctl" --mode account --op bind --tid "$tid" --user "$user" $out
}

# tgt_param CTL TID NAME VALUE: set a target parameter (nop_interval,
# nop_count, RedirectAddress, RedirectPort, HeaderDigest, ...).
tgt_param() {
	tgtadm_c "$1" --mode target --op update --tid "$2" --name "$3" --value "$4"
}

# tgt_stop CTL PID: delete its targets, then SIGKILL exactly that PID
# (tgtd ignores SIGTERM) and reap it.
tgt_stop() {
	local ctl=$1 pid=$2 tid
	for tid in $(tgtadm_c "$ctl" --mode target --op show 2>/dev/null |
		     sed -n 's/^Target \([0-9]*\):.*/\1/p'); do
		tgtadm_c "$ctl" --mode target --op delete --force --tid "$tid" 2>/dev/null
	done
	tgt_kill "$ctl" "$pid"
}

# tgt_kill CTL PID: SIGKILL that tgtd at once (a crash) and forget it.
tgt_kill() {
	local ctl=$1 pid=$2 e keep=()
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	for e in "${TGT_PIDS[@]}"; do
		[ "$e" = "$ctl:$pid" ] || keep+=("$e")
	done
	TGT_PIDS=("${keep[@]}")
	rm -f "/var/run/tgtd/socket.$ctl" "/var/run/tgtd/socket.$ctl.lock"
}

# tgt_cleanup: stop every tgtd we started, then the lib.sh cleanup.
tgt_cleanup() {
	local e
	for e in "${TGT_PIDS[@]}"; do
		tgt_stop "${e%%:*}" "${e#*:}"
	done
	ll_cleanup
}

# tgt_setup: lib.sh's ll_setup with tgt_cleanup as the exit trap.
tgt_setup() {
	ll_setup || return 1
	trap tgt_cleanup EXIT
}
