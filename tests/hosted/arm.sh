#!/bin/bash
# tests/hosted/arm.sh - lifeline-arm against a fake /sys, /proc, /etc and
# /run in a temp dir (no VM, no root), under dash and under busybox sh: the
# kexec command it prints, the clear message + non-zero exit for each thing
# that can be missing, --status in each state, --unload.
# Env: LIFELINE_ARM (default tools/lifeline-arm; tests/hosted/deb.sh points it
# at the packaged one), ARM_SHELLS (default "dash busybox").
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ARM=${LIFELINE_ARM:-$ROOT/tools/lifeline-arm}
T=$(mktemp -d /tmp/ll-arm.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
SH=dash

# le8 N: N as 8 little-endian bytes (printf escapes).
le8() { local i; for i in 0 1 2 3 4 5 6 7; do printf '\\x%02x' $(( ($1 >> (8 * i)) & 255 )); done; }
# mkelf FILE MEMSZ: an ELF64 header and one PT_LOAD at 16 MiB of MEMSZ bytes.
mkelf() {
	{ printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00'
	  printf '\x03\x00\x3e\x00\x01\x00\x00\x00'; printf "$(le8 0x1000000)"
	  printf "$(le8 64)$(le8 0)"; printf '\x00\x00\x00\x00\x40\x00\x38\x00\x01\x00\x00\x00\x00\x00\x00\x00'
	  printf '\x01\x00\x00\x00\x07\x00\x00\x00'; printf "$(le8 0)$(le8 0x1000000)$(le8 0x1000000)"
	  printf "$(le8 120)$(le8 "$2")$(le8 4096)"; } >"$1"
}

# fake_sys DIR: an iBFT as iscsi_ibft shows lifeline's (LUN 1 on
# 10.79.0.1:3260), a 256 MiB crash region, a command line, an image of
# 10.5 MiB (needs 11 + 3 heap + 1 = 15 MiB), empty settings files.
fake_sys() {
	local d=$1
	rm -rf "$d"
	mkdir -p "$d/sys/firmware/ibft/initiator" "$d/sys/firmware/ibft/target0" \
		"$d/sys/firmware/ibft/ethernet0" "$d/sys/kernel" "$d/proc" "$d/boot" \
		"$d/etc/default" "$d/run"
	local i=$d/sys/firmware/ibft
	echo iqn.2026-01.org.lifeline.test:client >"$i/initiator/initiator-name"
	echo 10.79.0.1 >"$i/target0/ip-addr"
	echo 3260 >"$i/target0/port"
	echo 01000000 >"$i/target0/lun"
	echo iqn.2026-01.org.lifeline.test:disk >"$i/target0/target-name"
	echo 10.79.0.120 >"$i/ethernet0/ip-addr"
	echo 255.255.255.0 >"$i/ethernet0/subnet-mask"
	echo 10.79.0.254 >"$i/ethernet0/gateway"
	echo 52:54:00:79:00:10 >"$i/ethernet0/mac"
	echo 268435456 >"$d/sys/kernel/kexec_crash_size"
	echo 0 >"$d/sys/kernel/kexec_crash_loaded"
	echo "BOOT_IMAGE=/vmlinuz console=ttyS0 crashkernel=256M quiet" >"$d/proc/cmdline"
	mkelf "$d/boot/lifeline.elf" $((0xa80000))
	: >"$d/etc/lifeline.conf"
	: >"$d/etc/default/lifeline"
}

# arm DIR ARGS...: run lifeline-arm under $SH on DIR's fake tree; output in
# $OUT, exit code in $RC.
arm() {
	local d=$1; shift
	OUT=$($SH "$ARM" --sysfs "$d/sys" --proc "$d/proc" --conf "$d/etc/lifeline.conf" \
		--default "$d/etc/default/lifeline" --run "$d/run" \
		--image "$d/boot/lifeline.elf" "$@" 2>&1)
	RC=$?
}

check() {   # check NAME CONDITION-RESULT DETAIL
	if [ "$2" = 0 ]; then echo "PASS hosted/arm[$SHN] $1"; else
		echo "FAIL hosted/arm[$SHN] $1"; echo "  $3" | head -n 12; fails=$((fails + 1)); fi
}

D=$T/a
IMG=$D/boot/lifeline.elf
APPEND="console=ttyS0,115200 dump-path=iscsi:10.79.0.1::3260:2:iqn.2026-01.org.lifeline.test:disk initiator-iqn=iqn.2026-01.org.lifeline.test:client ip=10.79.0.120 netmask=255.255.255.0 gateway=10.79.0.254 mac=52:54:00:79:00:10"
cat >"$T/kexec" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$T/kexec.args"
[ -n "\${FAKE_LOAD:-}" ] && echo 1 >"$D/sys/kernel/kexec_crash_loaded"
exit 0
EOF
chmod +x "$T/kexec"

cases() {
# 1. dump-lun in the conf file: same target, LUN 2
fake_sys "$D"; echo "dump-lun=2" >"$D/etc/lifeline.conf"
arm "$D" --dry-run
want="kexec -p $IMG --type elf-x86_64 --args-linux --append \"$APPEND\""
[ "$RC" = 0 ] && grep -qxF -- "$want" <<<"$OUT"; check "dump-lun from conf" $? "rc=$RC out=$OUT"

# 1b. /etc/default/lifeline alone; /etc/lifeline.conf overrides it
fake_sys "$D"; printf '# comment\ndump-lun=2\nconsole=ttyS1\n' >"$D/etc/default/lifeline"
arm "$D" --dry-run
[ "$RC" = 0 ] && grep -qF -- "--append \"console=ttyS1 dump-path=iscsi:10.79.0.1::3260:2:" <<<"$OUT"
check "settings from /etc/default/lifeline" $? "rc=$RC out=$OUT"
echo "dump-lun=3" >"$D/etc/lifeline.conf"
arm "$D" --dry-run
[ "$RC" = 0 ] && grep -qF -- "--append \"console=ttyS1 dump-path=iscsi:10.79.0.1::3260:3:" <<<"$OUT"
check "/etc/lifeline.conf overrides /etc/default/lifeline" $? "rc=$RC out=$OUT"

# 2. dump-path on the kernel command line wins over the conf's dump-lun;
#    no gateway in the iBFT (0.0.0.0) -> no gateway=
fake_sys "$D"; echo "dump-lun=2" >"$D/etc/lifeline.conf"
echo "BOOT_IMAGE=/vmlinuz lifeline.dump-path=iscsi:10.79.0.9::3261:0:iqn.x:dumps crashkernel=256M" \
	>"$D/proc/cmdline"
echo 0.0.0.0 >"$D/sys/firmware/ibft/ethernet0/gateway"
arm "$D" --dry-run
want="kexec -p $IMG --type elf-x86_64 --args-linux --append \"console=ttyS0,115200 dump-path=iscsi:10.79.0.9::3261:0:iqn.x:dumps initiator-iqn=iqn.2026-01.org.lifeline.test:client ip=10.79.0.120 netmask=255.255.255.0 mac=52:54:00:79:00:10\""
[ "$RC" = 0 ] && grep -qxF -- "$want" <<<"$OUT"; check "dump-path from cmdline, no gateway" $? "rc=$RC out=$OUT"

# 3. conf: dump-path, console, extra, comments; the password never printed
fake_sys "$D"
printf '# dump LUN\ndump-path=iscsi:10.79.0.1::3260:3:iqn.y:d\nconsole=ttyS1,9600\n\nextra=action=poweroff\npassword=s3cr3t-Pw\n' \
	>"$D/etc/lifeline.conf"
arm "$D" --dry-run
grep -qF -- '--append "console=ttyS1,9600 dump-path=iscsi:10.79.0.1::3260:3:iqn.y:d initiator-iqn=' <<<"$OUT" &&
	grep -qF -- 'mac=52:54:00:79:00:10 password=(hidden) action=poweroff"' <<<"$OUT" &&
	! grep -q 's3cr3t-Pw' <<<"$OUT" && [ "$RC" = 0 ]
check "conf dump-path, console, extra, password hidden" $? "rc=$RC out=$OUT"

# 4. no dump-path and no dump-lun -> says so, exit 1
fake_sys "$D"
arm "$D" --dry-run
[ "$RC" = 1 ] && grep -q 'error: no dump-path' <<<"$OUT" && ! grep -q '^kexec' <<<"$OUT"
check "missing dump-path" $? "rc=$RC out=$OUT"

# 5. no iBFT -> says so, exit 1
fake_sys "$D"; echo "dump-lun=2" >"$D/etc/lifeline.conf"; rm -rf "$D/sys/firmware/ibft"
arm "$D" --dry-run
[ "$RC" = 1 ] && grep -q 'error: no iBFT' <<<"$OUT"; check "missing iBFT" $? "rc=$RC out=$OUT"

# 5b. no iBFT, but every value from settings (a -kernel boot): works
fake_sys "$D"; rm -rf "$D/sys/firmware/ibft"
echo "console=ttyS0 lifeline.dump-path=iscsi:10.0.2.2::3260:1:iqn.z:dump lifeline.initiator-iqn=iqn.z:guest lifeline.ip=10.0.2.15 lifeline.netmask=255.255.255.0 lifeline.gateway=10.0.2.2 crashkernel=64M" >"$D/proc/cmdline"
echo "mac=52:54:00:12:34:56" >"$D/etc/lifeline.conf"
arm "$D" --dry-run
want="kexec -p $IMG --type elf-x86_64 --args-linux --append \"console=ttyS0,115200 dump-path=iscsi:10.0.2.2::3260:1:iqn.z:dump initiator-iqn=iqn.z:guest ip=10.0.2.15 netmask=255.255.255.0 gateway=10.0.2.2 mac=52:54:00:12:34:56\""
[ "$RC" = 0 ] && grep -qxF -- "$want" <<<"$OUT"; check "no iBFT, all from settings" $? "rc=$RC out=$OUT"
echo "dump-lun=2" >"$D/etc/lifeline.conf"; echo "console=ttyS0 lifeline.initiator-iqn=iqn.z:guest lifeline.ip=10.0.2.15 lifeline.netmask=255.255.255.0 lifeline.mac=52:54:00:12:34:56" >"$D/proc/cmdline"
arm "$D" --dry-run
[ "$RC" = 1 ] && grep -q "dump-lun needs the iBFT's boot target" <<<"$OUT"; check "no iBFT, dump-lun" $? "rc=$RC out=$OUT"

# 6. iBFT without a NIC address -> names the attribute
fake_sys "$D"; echo "dump-lun=2" >"$D/etc/lifeline.conf"
rm "$D/sys/firmware/ibft/ethernet0/ip-addr" "$D/sys/firmware/ibft/initiator/initiator-name"
arm "$D" --dry-run
[ "$RC" = 1 ] && grep -q 'iBFT lacks: initiator/initiator-name ethernet0/ip-addr' <<<"$OUT"
check "incomplete iBFT" $? "rc=$RC out=$OUT"

# 7. no crash region: no crashkernel= at all, and one that reserved nothing
fake_sys "$D"; echo "dump-lun=2" >"$D/etc/lifeline.conf"; echo 0 >"$D/sys/kernel/kexec_crash_size"
echo "BOOT_IMAGE=/vmlinuz console=ttyS0 quiet" >"$D/proc/cmdline"
arm "$D" --dry-run
[ "$RC" = 1 ] && grep -qx 'lifeline-arm: error: no crash kernel region reserved: boot with crashkernel=15M (kexec_crash_size is 0)' <<<"$OUT"
check "no crashkernel=" $? "rc=$RC out=$OUT"
echo "BOOT_IMAGE=/vmlinuz crashkernel=8G" >"$D/proc/cmdline"
arm "$D" --dry-run
[ "$RC" = 1 ] && grep -q "no crash kernel region reserved: .*the command line's crashkernel=8G reserved nothing" <<<"$OUT"
check "crashkernel= that reserved nothing" $? "rc=$RC out=$OUT"

# 7b. a region smaller than the image's span + heap + 1 MiB (10.5 MiB -> 15
#     MiB)
fake_sys "$D"; echo "dump-lun=2" >"$D/etc/lifeline.conf"; echo $((14 << 20)) >"$D/sys/kernel/kexec_crash_size"
echo "BOOT_IMAGE=/vmlinuz crashkernel=14M" >"$D/proc/cmdline"
arm "$D" --dry-run
[ "$RC" = 1 ] && grep -q "error: crash kernel region too small: 14 MiB (crashkernel=14M), $IMG needs 15 MiB: boot with crashkernel=15M" <<<"$OUT"
check "crashkernel= too small" $? "rc=$RC out=$OUT"
echo $((15 << 20)) >"$D/sys/kernel/kexec_crash_size"
arm "$D" --dry-run
[ "$RC" = 0 ] && grep -q 'crash region: 15 MiB (the image needs 15 MiB)' <<<"$OUT"
check "crashkernel= just large enough" $? "rc=$RC out=$OUT"
# 7c. an image of lifeline.elf's size today (1.3 MiB: 2 + 3 + 1 MiB) is
#     told to reserve 8M; the heap figure is dump/crash_mem.h's; the built
#     lifeline.elf fits 8 MiB
fake_sys "$D"; echo "dump-lun=2" >"$D/etc/lifeline.conf"; mkelf "$IMG" $((0x157000))
echo $((5 << 20)) >"$D/sys/kernel/kexec_crash_size"
echo "BOOT_IMAGE=/vmlinuz crashkernel=5M" >"$D/proc/cmdline"
arm "$D" --dry-run
[ "$RC" = 1 ] && grep -q "error: crash kernel region too small: 5 MiB (crashkernel=5M), $IMG needs 6 MiB: boot with crashkernel=8M" <<<"$OUT"
check "1.3 MiB image: needs 6 MiB, reserve 8M" $? "rc=$RC out=$OUT"
hc=$(sed -n 's/^#define CRASH_HEAP_MIB \([0-9]*\)$/\1/p' "$ROOT/dump/crash_mem.h")
ha=$(sed -n 's/^HEAP_MIB=\([0-9]*\).*/\1/p' "$ARM")
[ -n "$hc" ] && [ "$hc" = "$ha" ]
check "heap figure: lifeline-arm HEAP_MIB=$ha, dump/crash_mem.h CRASH_HEAP_MIB $hc" $? ""
if [ -r "$ROOT/build/lifeline.elf" ]; then
	cp "$ROOT/build/lifeline.elf" "$IMG"; echo $((8 << 20)) >"$D/sys/kernel/kexec_crash_size"
	echo "BOOT_IMAGE=/vmlinuz crashkernel=8M" >"$D/proc/cmdline"
	arm "$D" --dry-run
	[ "$RC" = 0 ] && grep -qE 'crash region: 8 MiB \(the image needs [1-8] MiB\)' <<<"$OUT"
	check "build/lifeline.elf fits crashkernel=8M: $(grep -o 'the image needs [0-9]* MiB' <<<"$OUT")" $? "rc=$RC out=$OUT"
fi

# 8. no image; not an ELF64
fake_sys "$D"; echo "dump-lun=2" >"$D/etc/lifeline.conf"; rm "$IMG"
arm "$D" --dry-run
[ "$RC" = 1 ] && grep -q "no lifeline image $IMG" <<<"$OUT"; check "missing image" $? "rc=$RC out=$OUT"
printf '\177ELF' >"$IMG"
arm "$D" --dry-run
[ "$RC" = 1 ] && grep -q "$IMG is not an ELF64 image" <<<"$OUT"; check "truncated image" $? "rc=$RC out=$OUT"

# 9. dump-path naming the boot LUN is refused
fake_sys "$D"; echo "dump-lun=1" >"$D/etc/lifeline.conf"
arm "$D" --dry-run
[ "$RC" = 1 ] && grep -q 'is the boot LUN' <<<"$OUT"; check "boot LUN refused" $? "rc=$RC out=$OUT"

# 10. a real run through a fake kexec: arguments passed as one --append
#     word, kexec_crash_loaded checked (1 -> armed; stays 0 -> error);
#     --status then says armed; --unload; no kexec program -> says so
fake_sys "$D"; echo "dump-lun=2" >"$D/etc/lifeline.conf"; rm -f "$T/kexec.args"
FAKE_LOAD=1 arm "$D" --kexec "$T/kexec"
printf -- '-p\n%s\n--type\nelf-x86_64\n--args-linux\n--append\n%s\n' "$IMG" "$APPEND" >"$T/want.args"
[ "$RC" = 0 ] && cmp -s "$T/want.args" "$T/kexec.args" && grep -q 'armed: kexec_crash_loaded=1' <<<"$OUT"
check "arms through kexec" $? "rc=$RC out=$OUT args=$(tr '\n' '|' <"$T/kexec.args" 2>/dev/null)"
arm "$D" --status --kexec "$T/kexec"
[ "$RC" = 0 ] && grep -qE '^  armed: +yes, dump to iscsi:10.79.0.1::3260:2:iqn.2026-01.org.lifeline.test:disk, image ' <<<"$OUT" &&
	! grep -q 'missing' <<<"$OUT"
check "--status: armed" $? "rc=$RC out=$OUT"
arm "$D" --unload --kexec "$T/kexec"
[ "$RC" = 0 ] && [ "$(tr '\n' ' ' <"$T/kexec.args")" = "-p -u " ] && [ ! -e "$D/run/lifeline-arm.state" ]
check "--unload" $? "rc=$RC out=$OUT args=$(tr '\n' ' ' <"$T/kexec.args" 2>/dev/null)"
fake_sys "$D"; echo "dump-lun=2" >"$D/etc/lifeline.conf"
arm "$D" --kexec "$T/kexec"
[ "$RC" = 1 ] && grep -q "kexec_crash_loaded is '0', not 1" <<<"$OUT"
check "not loaded after kexec" $? "rc=$RC out=$OUT"
arm "$D" --kexec "$T/no-such-kexec"
[ "$RC" = 1 ] && grep -q "error: no kexec program '$T/no-such-kexec' (install kexec-tools)" <<<"$OUT"
check "no kexec program" $? "rc=$RC out=$OUT"

# 11. --status, not armed: ready (nothing missing); loaded by someone else;
#     everything missing at once, each named
fake_sys "$D"; echo "dump-lun=2" >"$D/etc/lifeline.conf"
arm "$D" --status --kexec "$T/kexec"
[ "$RC" = 1 ] && grep -qE '^  armed: +no \(kexec_crash_loaded=0\)' <<<"$OUT" &&
	grep -qE '^  dump path: +iscsi:10.79.0.1::3260:2:' <<<"$OUT" &&
	grep -qE '^  crash region: +256 MiB \(crashkernel=256M\)' <<<"$OUT" &&
	grep -qE "^  image: +$IMG \(needs 15 MiB\)" <<<"$OUT" &&
	grep -qE '^  iBFT: initiator iqn.2026-01.org.lifeline.test:client, boot target ' <<<"$OUT" &&
	grep -qE '^  missing: +nothing' <<<"$OUT"
check "--status: ready, not armed" $? "rc=$RC out=$OUT"
echo 1 >"$D/sys/kernel/kexec_crash_loaded"
arm "$D" --status --kexec "$T/kexec"
[ "$RC" = 1 ] && grep -q 'armed: .*no: a crash image is loaded, but not by lifeline-arm' <<<"$OUT"
check "--status: someone else's crash image" $? "rc=$RC out=$OUT"
fake_sys "$D"; echo 0 >"$D/sys/kernel/kexec_crash_size"; rm -rf "$D/sys/firmware/ibft"
echo "BOOT_IMAGE=/vmlinuz" >"$D/proc/cmdline"
arm "$D" --status --kexec "$T/no-such-kexec"
[ "$RC" = 1 ] && grep -qx '  - no kexec program .*(install kexec-tools)' <<<"$OUT" &&
	grep -qx '  - no iBFT at .*' <<<"$OUT" && grep -qx '  - no dump-path: .*' <<<"$OUT" &&
	grep -qx '  - no crash kernel region reserved: boot with crashkernel=15M (kexec_crash_size is 0)' <<<"$OUT" &&
	grep -qE '^  dump path: +none' <<<"$OUT" && grep -qE '^  kexec: +missing' <<<"$OUT"
check "--status: everything missing, each named" $? "rc=$RC out=$OUT"

# 12. an iBFT second target (lifeline's alt-portals): passed on as
#     alt-portals=IP:PORT; an extra= alt-portals wins
fake_sys "$D"; echo "dump-lun=2" >"$D/etc/lifeline.conf"
mkdir -p "$D/sys/firmware/ibft/target1"
echo 10.79.0.2 >"$D/sys/firmware/ibft/target1/ip-addr"
echo 3261 >"$D/sys/firmware/ibft/target1/port"
arm "$D" --dry-run
[ "$RC" = 0 ] && grep -qxF -- "kexec -p $IMG --type elf-x86_64 --args-linux --append \"$APPEND alt-portals=10.79.0.2:3261\"" <<<"$OUT" &&
	grep -q ', second portal 10.79.0.2:3261$' <<<"$OUT"
check "iBFT target1 -> alt-portals" $? "rc=$RC out=$OUT"
echo "extra=alt-portals=10.79.0.3" >>"$D/etc/lifeline.conf"
arm "$D" --dry-run
[ "$RC" = 0 ] && grep -qF -- "$APPEND alt-portals=10.79.0.3\"" <<<"$OUT"
check "extra alt-portals wins over target1" $? "rc=$RC out=$OUT"

# 13. extra adds up: the conf's and two lifeline.extra= words on the kernel
#     command line all reach lifeline, in that order (a later key wins there)
fake_sys "$D"; printf 'dump-lun=2\nextra=dump-level=17\n' >"$D/etc/lifeline.conf"
echo "BOOT_IMAGE=/vmlinuz lifeline.extra=dump-format=elf lifeline.extra=outage-limit=60 crashkernel=256M" \
	>"$D/proc/cmdline"
arm "$D" --dry-run
[ "$RC" = 0 ] && grep -qF -- ' dump-level=17 dump-format=elf outage-limit=60"' <<<"$OUT"
check "extra: conf and several cmdline words add up" $? "rc=$RC out=$OUT"
}

for s in ${ARM_SHELLS:-dash busybox}; do
	case $s in
	busybox)   # only busybox's applets on PATH, as in the test guest
		bb=$(command -v busybox) || { echo "FAIL hosted/arm[busybox] (no busybox)"; fails=$((fails + 1)); continue; }
		mkdir -p "$T/bb"
		for a in $("$bb" --list); do ln -sf "$bb" "$T/bb/$a"; done
		SH="env PATH=$T/bb $bb sh" SHN=busybox ;;
	*) SH=$s SHN=$s ;;
	esac
	if ! command -v "${SH%% *}" >/dev/null; then
		echo "FAIL hosted/arm[$SHN] (no $SH)"; fails=$((fails + 1)); continue
	fi
	cases
done
exit $((fails > 0))
