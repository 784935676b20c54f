#!/bin/bash
# tests/lib/iscsi_lib.sh - helpers sourced by the hosted iSCSI tests
# (after lib.sh and tgt.sh): run lifeline-iscsi on tap0, judge its output.
# Running this file does nothing.

LL_ISCSI=${LL_ISCSI:-"$LL_ROOT/build/tools/lifeline-iscsi"}   # env: another build
LL_PATGEN="$LL_ROOT/build/tests/patgen"
ISCSI_MAC=02:00:00:77:00:02
ISCSI_PORTAL=10.77.0.1:3260

# iscsi_require NAME: root, the tools, tgtd and tgtadm.
iscsi_require() {
	ll_require_root "$1"
	local t
	for t in "$LL_ISCSI" "$LL_PATGEN" tgtd tgtadm; do
		if ! command -v "$t" >/dev/null; then
			echo "FAIL $1 (missing $t; run make host / make deps)"
			exit 1
		fi
	done
}

# rootpath TARGET [PORT]: an RFC 4173 root path to LUN 1 of TARGET.
rootpath() {
	echo "iscsi:${LL_HOST_IP}::${2:-3260}:1:$1"
}

# lli LOG SECS ARGS...: lifeline-iscsi on tap0 (foreground, bounded by SECS),
# output to LOG; returns its exit status.
lli() {
	local log=$1 secs=$2; shift 2
	ll_ns timeout -k 5 "$secs" "$LL_ISCSI" --tap tap0 --mac "$ISCSI_MAC" \
		--ip "$LL_STACK_IP/24" "$@" >"$log" 2>&1
}

# lli_bg LOG ARGS...: the same in the background; PID in LL_LAST_PID.
lli_bg() {
	local log=$1; shift
	ll_bg "$log" "$LL_ISCSI" --tap tap0 --mac "$ISCSI_MAC" --ip "$LL_STACK_IP/24" "$@"
}

# pattern_md5 BYTES SEED: md5 of the pattern, made on the host.
pattern_md5() {
	"$LL_PATGEN" "$1" "$2" | md5sum | cut -d' ' -f1
}

file_md5() {
	md5sum "$1" | cut -d' ' -f1
}

# pass NAME DETAIL / fail NAME REASON LOG: one verdict line (+ log tail).
pass() {
	echo "PASS hosted/$1"
	[ -n "${2:-}" ] && echo "  $1: $2"
	return 0
}
fail() {
	echo "FAIL hosted/$1 ($2)"
	[ -n "${3:-}" ] && ll_show "$3" 20
	return 0
}

# expect_error NAME LOG RC CODE: the tool failed (RC != 0) saying E<CODE>.
expect_error() {
	local name=$1 log=$2 rc=$3 code=$4
	if [ "$rc" -ne 0 ] && grep -q "^error: E$code " "$log"; then
		pass "$name" "$(grep -m1 '^error:' "$log")"
	else
		fail "$name" "wanted exit != 0 and error E$code, got exit $rc" "$log"
	fi
}

# fill_verify NAME BACKING SEED ARGS...: fill the LUN with the pattern, read
# it back with verify; pass when the tool's two md5s, the backing file's
# and the host-made pattern's all agree.
fill_verify() {
	local name=$1 file=$2 seed=$3; shift 3
	local flog="$LL_TMP/$name.fill" vlog="$LL_TMP/$name.verify" bytes want
	bytes=$(stat -c %s "$file")
	if ! lli "$flog" 300 "$@" fill "$seed"; then
		fail "$name" "fill failed" "$flog"; return
	fi
	if ! lli "$vlog" 300 "$@" verify "$seed"; then
		fail "$name" "verify failed" "$vlog"; return
	fi
	want=$(pattern_md5 "$bytes" "$seed")
	local fm vm bm
	fm=$(ll_field "$flog" "result:" md5); vm=$(ll_field "$vlog" "result:" md5)
	bm=$(file_md5 "$file")
	if [ "$fm" = "$want" ] && [ "$vm" = "$want" ] && [ "$bm" = "$want" ]; then
		pass "$name" "$((bytes >> 20)) MiB md5 $want; write $(ll_field "$flog" result: mibps) MiB/s, read $(ll_field "$vlog" result: mibps) MiB/s"
		grep -E '^(session|stats|faults):' "$vlog" | sed 's/^/    /'
	else
		fail "$name" "md5 fill=$fm verify=$vm file=$bm pattern=$want" "$vlog"
	fi
}
