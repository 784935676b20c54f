#!/bin/bash
# tests/hosted/settings_tool.sh - tools/lifeline-settings on a dummy image:
# finds the one valid LLSETTINGS block (not a decoy magic), prints, merges
# key=value pairs, quotes spaces, refuses bad and too long values, clears,
# and leaves every byte outside the block alone. Needs no root.
set -u
cd "$(dirname "$0")/../.."
T=build/tools/lifeline-settings
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
img=$tmp/image.bin
python3 - "$img" <<'PY'
import os, struct, sys
pre = os.urandom(3001) + b"LLSETTINGS decoy without a header" + os.urandom(500)
blk = b"LLSETTINGS" + struct.pack("<BBHI", 1, 0, 0, 0) + bytes(1006)
open(sys.argv[1], "wb").write(pre + blk + os.urandom(777))
open(sys.argv[1] + ".off", "w").write(str(len(pre)))
PY
off=$(cat "$img.off")
outside() { { head -c "$off" "$img"; tail -c 777 "$img"; } | md5sum; }
before=$(outside)
pass() { echo "PASS hosted/settings_tool/$1"; }
fail() { echo "FAIL hosted/settings_tool/$1"; }
check() { if eval "$2"; then pass "$1"; else fail "$1"; fi; }

check empty '[ "$($T "$img")" = "(no settings)" ]'
RP="iscsi:10.0.2.100::3260:1:iqn.2026-01.org.example:disk1"
$T "$img" root-path=$RP "password=two words here" username=alice
check set_rc '[ $? -eq 0 ]'
out=$($T "$img")
check printed '[ "$out" = "root-path=$RP
password=two words here
username=alice" ]'
$T "$img" username= initiator-iqn=iqn.2026-01.org.example:c1
out=$($T "$img")
check merged '[ "$out" = "root-path=$RP
password=two words here
initiator-iqn=iqn.2026-01.org.example:c1" ]'
snap=$(md5sum <"$img")
err=$($T "$img" root-path=nfs:1.2.3.4:/x 2>&1); rc=$?
check bad_value '[ $rc -eq 2 ] && [[ "$err" == *"E40 bad setting: root-path"* ]] && [ "$(md5sum <"$img")" = "$snap" ]'
long=$(head -c 250 /dev/zero | tr '\0' 'p')
$T "$img" password=$long reverse-password=$long username=$long reverse-username=$long >/dev/null 2>&1; rc=$?
check too_long '[ $rc -eq 2 ] && [ "$(md5sum <"$img")" = "$snap" ]'
$T "$img" username=$(head -c 300 /dev/zero | tr '\0' 'u') >/dev/null 2>&1; rc=$?
check value_too_long '[ $rc -eq 2 ] && [ "$(md5sum <"$img")" = "$snap" ]'
check outside_unchanged '[ "$(outside)" = "$before" ]'
$T "$img" --clear
check cleared '[ "$($T "$img")" = "(no settings)" ]'
cp "$img" "$tmp/two.bin"; cat "$img" >>"$tmp/two.bin"
$T "$tmp/two.bin" >/dev/null 2>&1; rc=$?
check two_blocks_refused '[ $rc -eq 1 ]'
head -c 2000 /dev/urandom >"$tmp/none.bin"
$T "$tmp/none.bin" >/dev/null 2>&1; rc=$?
check no_block '[ $rc -eq 1 ]'
