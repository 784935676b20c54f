#!/bin/bash
# tests/hosted/iscsi.sh - lifeline-iscsi against tgtd in a private namespace:
# login without auth, CHAP, mutual CHAP, a wrong secret (E51), an unknown
# target (E52), a whole 64 MiB LUN written and read back (md5 against the
# backing file and the host-made pattern), the same with digests required.
set -u
source "$(dirname "$0")/../lib/hosted.sh"
source "$(dirname "$0")/../lib/tgt.sh"
source "$(dirname "$0")/../lib/iscsi_lib.sh"

IQN=$TGT_IQN_BASE
iscsi_require hosted/iscsi
tgt_setup || { echo "FAIL hosted/iscsi (namespace setup)"; exit 1; }
CTL=$(tgt_ctl_base)
DISK=$LL_TMP/disk.img
tgt_backing "$DISK" 64
tgt_backing "$LL_TMP/chap.img" 4
tgt_backing "$LL_TMP/mutual.img" 4
if ! tgt_start "$CTL" "$ISCSI_PORTAL" "$LL_TMP/tgtd.log" ||
   ! tgt_target "$CTL" 1 "$IQN:disk" "$DISK" ||
   ! tgt_target "$CTL" 2 "$IQN:chap" "$LL_TMP/chap.img" ||
   ! tgt_target "$CTL" 3 "$IQN:mutual" "$LL_TMP/mutual.img" ||
   ! tgt_chap "$CTL" 2 lluser llsecret-0123456 ||
   ! tgt_chap "$CTL" 3 llmutual llsecret-6543210 ||
   ! tgt_chap "$CTL" 3 lltarget tgsecret-0123456 --outgoing; then
	echo "FAIL hosted/iscsi (tgtd setup)"; ll_show "$LL_TMP/tgtd.log"; exit 1
fi
CHAP=(--username lluser --password llsecret-0123456)
MUTUAL=(--username llmutual --password llsecret-6543210
	--reverse-username lltarget --reverse-password tgsecret-0123456)

# show NAME BLOCKS ARGS...: login, INQUIRY, capacity, REPORT LUNS.
show() {
	local name=$1 blocks=$2; shift 2
	local log="$LL_TMP/$name.log"
	if lli "$log" 60 "$@" show &&
	   grep -q '^inquiry: vendor="IET' "$log" &&
	   grep -q "^capacity: blocks=$blocks block_size=512" "$log" &&
	   grep -Eq '^luns: count=2 0 1$' "$log"; then
		pass "$name" "$(grep -E '^(inquiry|capacity|luns):' "$log" | tr '\n' ' ')"
	else
		fail "$name" "exit or output not as expected" "$log"
	fi
}

show iscsi-login-none 131072 --root-path "$(rootpath "$IQN:disk")"
show iscsi-login-chap 8192 --root-path "$(rootpath "$IQN:chap")" "${CHAP[@]}"
show iscsi-login-mutual-chap 8192 --root-path "$(rootpath "$IQN:mutual")" "${MUTUAL[@]}"

# DHCP: the root path from option 17, the initiator name from option 203.
dlog=$LL_TMP/dnsmasq.log
ll_bg "$dlog" dnsmasq --no-daemon --conf-file=/dev/null --interface=tap0 \
	--bind-interfaces --except-interface=lo --dhcp-range=10.77.0.100,10.77.0.150,1h \
	--dhcp-option=17,"$(rootpath "$IQN:disk")" \
	--dhcp-option=203,iqn.2026-01.org.lifeline:dhcp-client --pid-file= \
	--leasefile-ro --port=0 --log-dhcp --log-facility=-
dpid=$LL_LAST_PID
log=$LL_TMP/dhcp.log
if ll_wait_line "$dlog" 'DHCP, IP range' 10 &&
   ll_ns timeout -k 5 90 "$LL_ISCSI" --tap tap0 --mac "$ISCSI_MAC" --dhcp show >"$log" 2>&1 &&
   grep -q "^lease: ip=10.77.0.1[0-5][0-9] root-path=$(rootpath "$IQN:disk") initiator=iqn.2026-01.org.lifeline:dhcp-client" "$log" &&
   grep -q '^capacity: blocks=131072 ' "$log"; then
	pass iscsi-dhcp-root-path "$(grep '^lease:' "$log")"
else
	fail iscsi-dhcp-root-path "no lease, or the LUN of option 17 not reached" "$log"
fi
kill "$dpid" 2>/dev/null

log=$LL_TMP/wrong-secret.log
lli "$log" 60 --root-path "$(rootpath "$IQN:chap")" --username lluser \
	--password wrong-secret-000 show
expect_error iscsi-chap-wrong-secret "$log" $? 51

log=$LL_TMP/wrong-reverse.log
lli "$log" 60 --root-path "$(rootpath "$IQN:mutual")" "${MUTUAL[@]:0:6}" \
	--reverse-password wrong-secret-000 show
expect_error iscsi-mutual-chap-wrong-target-secret "$log" $? 51

# mutual CHAP asked for, but the target has no outgoing account (target 2
# is one-way only): it can never prove itself, so the login must fail E51
log=$LL_TMP/mutual-no-outgoing.log
lli "$log" 60 --root-path "$(rootpath "$IQN:chap")" "${CHAP[@]}" \
	--reverse-username lltarget --reverse-password tgsecret-0123456 show
expect_error iscsi-mutual-chap-target-without-outgoing "$log" $? 51

log=$LL_TMP/no-chap.log
lli "$log" 60 --root-path "$(rootpath "$IQN:chap")" show
expect_error iscsi-chap-missing "$log" $? 51

log=$LL_TMP/unknown.log
lli "$log" 60 --root-path "$(rootpath "$IQN:nosuchtarget")" show
expect_error iscsi-unknown-target "$log" $? 52

log=$LL_TMP/refused.log
lli "$log" 60 --root-path "$(rootpath "$IQN:disk" 3299)" show
expect_error iscsi-connection-refused "$log" $? 22

fill_verify iscsi-fill-verify-64mib "$DISK" 11 --root-path "$(rootpath "$IQN:disk")"
# tgtd answers HeaderDigest=None to a CRC32C-only offer unless the target
# allows CRC32C: requiring digests must then fail the negotiation (E54).
log=$LL_TMP/digest-refused.log
lli "$log" 60 --root-path "$(rootpath "$IQN:disk")" --digest require show
expect_error iscsi-digest-required-but-refused "$log" $? 54
tgt_param "$CTL" 1 HeaderDigest CRC32C,None
tgt_param "$CTL" 1 DataDigest CRC32C,None
fill_verify iscsi-fill-verify-digests "$DISK" 12 --root-path "$(rootpath "$IQN:disk")" \
	--digest require
if grep -q 'header_digest=CRC32C data_digest=CRC32C' "$LL_TMP/iscsi-fill-verify-digests.verify" 2>/dev/null; then
	pass iscsi-digests-negotiated "HeaderDigest=DataDigest=CRC32C"
else
	fail iscsi-digests-negotiated "session line lacks CRC32C digests" \
		"$LL_TMP/iscsi-fill-verify-digests.verify"
fi

# read/write subcommands: a 1 MiB file written at LBA 100, read back.
head -c 1048576 /dev/urandom >"$LL_TMP/in.bin"
if lli "$LL_TMP/write.log" 60 --root-path "$(rootpath "$IQN:disk")" write 100 "$LL_TMP/in.bin" &&
   lli "$LL_TMP/read.log" 60 --root-path "$(rootpath "$IQN:disk")" read 100 2048 "$LL_TMP/out.bin" &&
   cmp -s "$LL_TMP/in.bin" "$LL_TMP/out.bin" &&
   cmp -s "$LL_TMP/in.bin" <(tail -c +$((100 * 512 + 1)) "$DISK" | head -c 1048576); then
	pass iscsi-read-write-file "1 MiB at LBA 100 round trip, backing file agrees"
else
	fail iscsi-read-write-file "files differ or a command failed" "$LL_TMP/read.log"
fi
log=$LL_TMP/beyond.log
lli "$log" 60 --root-path "$(rootpath "$IQN:disk")" read 131071 2 "$LL_TMP/x.bin"
expect_error iscsi-read-beyond-end "$log" $? 5

# No CHAP secret (right or wrong, ours or the target's) in anything
# lifeline-iscsi printed in the runs above (tgtd's and dnsmasq's own logs
# are not ours and are left out).
leaks=$(find "$LL_TMP" -maxdepth 1 -type f \( -name '*.log' -o -name '*.fill' -o -name '*.verify' \) \
	! -name 'tgtd*' ! -name 'dnsmasq*' -print0 |
	xargs -0 grep -l -a -F -e llsecret-0123456 -e llsecret-6543210 \
		-e tgsecret-0123456 -e wrong-secret-000 2>/dev/null)
nlogs=$(find "$LL_TMP" -maxdepth 1 -type f -name '*.log' ! -name 'tgtd*' ! -name 'dnsmasq*' | wc -l)
if [ -z "$leaks" ] && [ "$nlogs" -ge 8 ]; then
	pass iscsi-chap-secrets-never-printed "4 secrets searched in $nlogs outputs of lifeline-iscsi"
else
	fail iscsi-chap-secrets-never-printed "secret found in: ${leaks:-none} (outputs: $nlogs)"
fi
