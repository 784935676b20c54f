#!/bin/bash
# tests/lib/ceph.sh - helpers sourced after qemu.sh (or hosted.sh + tgt.sh):
# a one-node Ceph cluster (one mon, one mgr, one BlueStore OSD on a sparse
# file) in a directory of the test, RBD images in it, and tgtd gateways
# exporting them through tgt-rbd's `rbd` backing store. Every daemon runs in
# the test's namespace ($LL_NS, else the root namespace on loopback), is
# tracked by PID and stopped by PID. Sourcing it does nothing by itself.
#
#   ceph_start DIR               cluster up (mon, mgr, osd, pool "rbd")
#   ceph_image NAME MIB [FILE]   image rbd/NAME, filled from FILE if given
#   ceph_export NAME OUT         image contents to the file OUT
#   ceph_gateway NAME ADDR       a tgtd listening on ADDR (IP:PORT)
#   ceph_lun NAME TID IQN IMAGE  gateway NAME exports rbd/IMAGE as LUN 1
#   ceph_gateway_kill NAME       SIGKILL that gateway (a crash)
#   ceph_stop                    gateways, then osd, mgr, mon, by PID
#   ceph_trap                    ceph_stop before qemu.sh's cleanup at exit
#
# Consistency (docs/ceph.md): the gateways' librbd runs with rbd cache off,
# so a write is acknowledged to the initiator only once the OSD has it; a
# gateway SIGKILLed after the acknowledgement loses nothing and the other
# gateway reads it back. Images are made with the layering feature only (no
# exclusive-lock): two gateways open the same image and the one lifeline
# moves to writes at once, without waiting for the dead one's lock.

CEPH_DIR=""          # the cluster's directory (ceph.conf, data, logs)
CEPH_CONF=""
CEPH_MON=""          # the mon's address (IP:PORT, msgr2)
CEPH_PIDS=()         # "name:pid" of mon, mgr, osd
CEPH_GW=()           # "name:ctl:pid" of every gateway
CEPH_GW_CTL=""       # the last gateway's control number
CEPH_GW_SEQ=0        # gateways started so far (each a new control number)
CEPH_START_SECS=""   # how long the last ceph_start took
CEPH_TIMEOUT=${CEPH_TIMEOUT:-120}   # bound of ceph_start, seconds
CEPH_POOL=rbd

# ceph_nsx: the prefix that runs a command in the test's namespace.
ceph_nsx() {
	[ -n "${LL_NS:-}" ] && echo "ip netns exec $LL_NS"
}

# ceph_cli ARGS...: the ceph command on our cluster (bounded).
ceph_cli() {
	$(ceph_nsx) timeout 60 ceph -c "$CEPH_CONF" --connect-timeout 30 "$@"
}

# ceph_rbd ARGS...: the rbd command on our cluster (bounded).
ceph_rbd() {
	$(ceph_nsx) timeout 300 rbd -c "$CEPH_CONF" "$@"
}

# ceph_mon_addr: 127.0.0.1:3300 inside a namespace of our own; in the root
# namespace a free loopback port derived from our PID.
ceph_mon_addr() {
	local p i
	if [ -n "${LL_NS:-}" ]; then
		echo 127.0.0.1:3300
		return 0
	fi
	for ((i = 0; i < 50; i++)); do
		p=$((20000 + ($$ * 11 + i * 137) % 30000))
		ss -Hltn "sport = :$p" | grep LISTEN >/dev/null || { echo "127.0.0.1:$p"; return 0; }
	done
	return 1
}

# ceph_conf FSID: DIR/ceph.conf for a one-node cluster kept small: no
# cephx, one replica, CRUSH by OSD, a small BlueStore cache, no mgr modules
# beyond the always-on ones, all state and sockets under DIR.
ceph_conf() {
	local d=$CEPH_DIR
	cat >"$CEPH_CONF" <<CONF
[global]
fsid = $1
mon host = v2:$CEPH_MON
mon initial members = a
auth cluster required = none
auth service required = none
auth client required = none
run dir = $d/run
admin socket = $d/run/\$name.asok
log file = $d/log/\$name.log
pid file = $d/run/\$name.pid
keyring = $d/keyring
ms bind ipv6 = false
osd pool default size = 1
osd pool default min size = 1
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon data avail warn = 1
mon data avail crit = 0
osd crush chooseleaf type = 0
mon data = $d/mon.\$id
mgr data = $d/mgr.\$id
osd data = $d/osd.\$id
osd objectstore = bluestore
bluestore block path = $d/osd.\$id/block.file
bluestore block create = true
bluestore block size = ${CEPH_OSD_BYTES:-8589934592}
bluestore fsck on mkfs = false
bluestore cache autotune = false
bluestore cache size = 134217728
osd memory target = 939524096
osd op num shards = 1
osd op num threads per shard = 2
mgr initial modules =
auth allow insecure global id reclaim = false
[client]
rbd cache = false
rbd default features = 1
CONF
}

# ceph_daemon NAME CMD...: start a daemon in the foreground (in our
# namespace), output to DIR/log/NAME.out, PID recorded.
ceph_daemon() {
	local name=$1; shift
	$(ceph_nsx) "$@" >"$CEPH_DIR/log/$name.out" 2>&1 &
	CEPH_PIDS+=("$name:$!")
}

# ceph_alive NAME: 0 while the daemon NAME we started runs.
ceph_alive() {
	local e
	for e in "${CEPH_PIDS[@]}"; do
		[ "${e%%:*}" = "$1" ] && kill -0 "${e#*:}" 2>/dev/null && return 0
	done
	return 1
}

# ceph_until DEADLINE DAEMON CMD...: retry CMD (quiet) until it succeeds,
# DAEMON dies or $SECONDS passes DEADLINE. 0 or 1.
ceph_until() {
	local end=$1 daemon=$2; shift 2
	while [ "$SECONDS" -lt "$end" ]; do
		"$@" >/dev/null 2>&1 && return 0
		ceph_alive "$daemon" || return 1
		sleep 0.5
	done
	return 1
}

# ceph_osd_up: 0 when osd.0 is up and in.
ceph_osd_up() {
	ceph_cli osd dump 2>/dev/null | grep '^osd\.0 up *in ' >/dev/null
}

# ceph_pool_clean: 0 when every PG is active+clean.
ceph_pool_clean() {
	local s
	s=$(ceph_cli pg stat 2>/dev/null) || return 1
	echo "$s" | grep -E '^[0-9]+ pgs: [0-9]+ active\+clean;' >/dev/null &&
	! echo "$s" | grep -E '(peering|creating|unknown|inactive)' >/dev/null
}

# ceph_start DIR: make and start the cluster in DIR (created; must not hold
# an old cluster), then pool "rbd". Sets CEPH_START_SECS. Bounded by
# CEPH_TIMEOUT. On failure prints why (the log's tail) and returns 1.
ceph_start() {
	local t0=$SECONDS fsid uuid end
	end=$((SECONDS + CEPH_TIMEOUT))
	CEPH_DIR=$1
	CEPH_CONF=$CEPH_DIR/ceph.conf
	mkdir -p "$CEPH_DIR"/{mon.a,mgr.x,osd.0,run,log} || return 1
	CEPH_MON=$(ceph_mon_addr) || { echo "ceph: no free port"; return 1; }
	fsid=$(cat /proc/sys/kernel/random/uuid)
	uuid=$(cat /proc/sys/kernel/random/uuid)
	ceph_conf "$fsid"
	ceph-authtool --create-keyring "$CEPH_DIR/keyring" --gen-key -n mon. \
		--cap mon 'allow *' >/dev/null &&
	monmaptool --create --fsid "$fsid" --addv a "[v2:$CEPH_MON]" \
		"$CEPH_DIR/monmap" >/dev/null &&
	$(ceph_nsx) ceph-mon -c "$CEPH_CONF" -i a --mkfs --monmap "$CEPH_DIR/monmap" \
		--keyring "$CEPH_DIR/keyring" >"$CEPH_DIR/log/mkfs.out" 2>&1 ||
		{ ceph_why mkfs.out "ceph-mon --mkfs failed"; return 1; }
	ceph_daemon mon ceph-mon -c "$CEPH_CONF" -i a -f
	ceph_until "$end" mon ceph_cli mon stat ||
		{ ceph_why mon.log "the mon did not answer"; return 1; }
	ceph_daemon mgr ceph-mgr -c "$CEPH_CONF" -i x -f
	ceph_cli osd new "$uuid" >/dev/null 2>&1 &&
	$(ceph_nsx) ceph-osd -c "$CEPH_CONF" -i 0 --mkfs --osd-uuid "$uuid" \
		>"$CEPH_DIR/log/osd-mkfs.out" 2>&1 ||
		{ ceph_why osd-mkfs.out "ceph-osd --mkfs failed"; return 1; }
	ceph_daemon osd ceph-osd -c "$CEPH_CONF" -i 0 -f
	ceph_until "$end" osd ceph_osd_up ||
		{ ceph_why osd.0.log "osd.0 did not come up"; return 1; }
	ceph_cli osd pool create "$CEPH_POOL" 8 8 >/dev/null 2>&1 &&
	ceph_rbd pool init "$CEPH_POOL" >/dev/null 2>&1 ||
		{ ceph_why osd.0.log "pool $CEPH_POOL"; return 1; }
	ceph_until "$end" osd ceph_pool_clean ||
		{ ceph_why osd.0.log "the pool's PGs did not become active+clean"; return 1; }
	CEPH_START_SECS=$((SECONDS - t0))
	return 0
}

# ceph_why LOG REASON: one line why ceph_start failed, then LOG's tail.
ceph_why() {
	echo "ceph: $2 (see $CEPH_DIR/log/$1)"
	[ -f "$CEPH_DIR/log/$1" ] && tail -n 8 "$CEPH_DIR/log/$1" | sed 's/^/  | /'
	return 0
}

# ceph_image NAME MIB [FILE]: image rbd/NAME of MIB MiB (layering only),
# with FILE's bytes at its start when given (FILE may be smaller). 0 or 1.
ceph_image() {
	local name=$1 mib=$2 file=${3:-}
	if [ -n "$file" ]; then
		ceph_rbd import --no-progress --image-feature layering "$file" \
			"$CEPH_POOL/$name" >/dev/null 2>&1 || return 1
		[ "$(stat -c %s "$file")" -ge $((mib << 20)) ] && return 0
		ceph_rbd resize --no-progress --size "${mib}M" "$CEPH_POOL/$name" >/dev/null 2>&1
	else
		ceph_rbd create --image-feature layering --size "${mib}M" \
			"$CEPH_POOL/$name" >/dev/null 2>&1
	fi
}

# ceph_export NAME OUT: the image's contents to the file OUT. 0 or 1.
ceph_export() {
	rm -f "$2"
	ceph_rbd export --no-progress "$CEPH_POOL/$1" "$2" >/dev/null 2>&1
}

# ceph_gateway NAME ADDR: a tgtd of its own (control number derived from our
# PID and how many gateways were started, see tgt.sh) listening on ADDR (IP:PORT) in our
# namespace, log DIR/log/gw-NAME.log. Sets CEPH_GW_CTL. 0 or 1.
ceph_gateway() {
	local name=$1 addr=$2
	CEPH_GW_SEQ=$((CEPH_GW_SEQ + 1))
	CEPH_GW_CTL=$(( $(tgt_ctl_base) + 1 + CEPH_GW_SEQ ))
	tgt_start "$CEPH_GW_CTL" "$addr" "$CEPH_DIR/log/gw-$name.log" || return 1
	CEPH_GW+=("$name:$CEPH_GW_CTL:$TGT_LAST_PID")
}

# ceph_gw_field NAME N: field N (2 ctl, 3 pid) of gateway NAME.
ceph_gw_field() {
	local e
	for e in "${CEPH_GW[@]}"; do
		[ "${e%%:*}" = "$1" ] && { echo "$e" | cut -d: -f"$2"; return 0; }
	done
	return 1
}

# ceph_lun NAME TID IQN IMAGE: gateway NAME serves rbd/IMAGE as LUN 1 of
# target TID named IQN (open to every initiator). 0 or 1.
ceph_lun() {
	local ctl
	ctl=$(ceph_gw_field "$1" 2) || return 1
	tgtadm_c "$ctl" --mode target --op new --tid "$2" -T "$3" &&
	tgtadm_c "$ctl" --mode logicalunit --op new --tid "$2" --lun 1 \
		--bstype rbd --bsopts "conf=$CEPH_CONF;id=admin" -b "$CEPH_POOL/$4" &&
	tgtadm_c "$ctl" --mode target --op bind --tid "$2" -I ALL
}

# ceph_gateway_kill NAME: SIGKILL gateway NAME at once and forget it.
ceph_gateway_kill() {
	local ctl pid e keep=()
	ctl=$(ceph_gw_field "$1" 2) && pid=$(ceph_gw_field "$1" 3) || return 1
	tgt_kill "$ctl" "$pid"
	for e in "${CEPH_GW[@]}"; do
		[ "${e%%:*}" = "$1" ] || keep+=("$e")
	done
	CEPH_GW=("${keep[@]}")
}

# ceph_stop: the gateways (while the cluster still answers their close),
# then osd, mgr and mon: SIGTERM, up to 10 s, SIGKILL, each by its PID.
ceph_stop() {
	local e i pid
	for e in "${CEPH_GW[@]}"; do
		tgt_stop "$(echo "$e" | cut -d: -f2)" "${e##*:}"
	done
	CEPH_GW=()
	for ((i = ${#CEPH_PIDS[@]} - 1; i >= 0; i--)); do
		pid=${CEPH_PIDS[i]#*:}
		kill -TERM "$pid" 2>/dev/null
		ll_wait_pid "$pid" 10 >/dev/null 2>&1
	done
	CEPH_PIDS=()
	return 0
}

# ceph_trap: at exit, ceph_stop before qemu.sh's ql_cleanup (call after
# ql_net_setup, which sets the trap this replaces).
ceph_trap() {
	trap 'ceph_stop; ql_cleanup' EXIT
}
