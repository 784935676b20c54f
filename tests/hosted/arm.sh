#!/bin/bash
# tests/hosted/arm.sh - tools/lifeline-arm against a fake /sys and /proc in a
# temp dir (no VM, no root): the kexec command it prints, and the clear
# message + non-zero exit for each thing that can be missing.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ARM=$ROOT/tools/lifeline-arm
T=$(mktemp -d /tmp/ll-arm.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0

# fake_sys DIR: an iBFT as iscsi_ibft shows lifeline's (LUN 1 on
# 10.79.0.1:3260), a 256 MiB crash region, a command line, an image.
fake_sys() {
	local d=$1
	rm -rf "$d"
	mkdir -p "$d/sys/firmware/ibft/initiator" "$d/sys/firmware/ibft/target0" \
		"$d/sys/firmware/ibft/ethernet0" "$d/sys/kernel" "$d/proc" "$d/boot" "$d/etc"
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
	printf '\177ELF' >"$d/boot/lifeline.elf"
	: >"$d/etc/lifeline.conf"
}

# arm DIR ARGS...: run lifeline-arm on DIR's fake tree; output in $OUT,
# exit code in $RC.
arm() {
	local d=$1; shift
	OUT=$(${ARM_SH:-sh} "$ARM" --sysfs "$d/sys" --proc "$d/proc" --conf "$d/etc/lifeline.conf" \
		--image "$d/boot/lifeline.elf" "$@" 2>&1)
	RC=$?
}

check() {   # check NAME CONDITION-RESULT DETAIL
	if [ "$2" = 0 ]; then echo "PASS hosted/arm $1"; else
		echo "FAIL hosted/arm $1"; echo "  $3" | head -n 5; fails=$((fails + 1)); fi
}

D=$T/a
IMG=$D/boot/lifeline.elf
APPEND="console=ttyS0,115200 dump-path=iscsi:10.79.0.1::3260:2:iqn.2026-01.org.lifeline.test:disk initiator-iqn=iqn.2026-01.org.lifeline.test:client ip=10.79.0.120 netmask=255.255.255.0 gateway=10.79.0.254 mac=52:54:00:79:00:10"

# 1. dump-lun in the conf file: same target, LUN 2
fake_sys "$D"; echo "dump-lun=2" >"$D/etc/lifeline.conf"
arm "$D" --dry-run
want="kexec -p $IMG --type elf-x86_64 --args-linux --append \"$APPEND\""
[ "$RC" = 0 ] && grep -qxF -- "$want" <<<"$OUT"; check "dump-lun from conf" $? "rc=$RC out=$OUT"

# 2. dump-path on the kernel command line wins over the conf's dump-lun;
#    no gateway in the iBFT (0.0.0.0) -> no gateway=
echo "BOOT_IMAGE=/vmlinuz lifeline.dump-path=iscsi:10.79.0.9::3261:0:iqn.x:dumps crashkernel=256M" \
	>"$D/proc/cmdline"
echo 0.0.0.0 >"$D/sys/firmware/ibft/ethernet0/gateway"
arm "$D" --dry-run
want="kexec -p $IMG --type elf-x86_64 --args-linux --append \"console=ttyS0,115200 dump-path=iscsi:10.79.0.9::3261:0:iqn.x:dumps initiator-iqn=iqn.2026-01.org.lifeline.test:client ip=10.79.0.120 netmask=255.255.255.0 mac=52:54:00:79:00:10\""
[ "$RC" = 0 ] && grep -qxF -- "$want" <<<"$OUT"; check "dump-path from cmdline, no gateway" $? "rc=$RC out=$OUT"

# 3. conf: dump-path, console, extra, comments
fake_sys "$D"
printf '# dump LUN\ndump-path=iscsi:10.79.0.1::3260:3:iqn.y:d\nconsole=ttyS1,9600\n\nextra=action=poweroff\n' \
	>"$D/etc/lifeline.conf"
arm "$D" --dry-run
grep -qF -- '--append "console=ttyS1,9600 dump-path=iscsi:10.79.0.1::3260:3:iqn.y:d initiator-iqn=' <<<"$OUT" &&
	grep -qF -- 'mac=52:54:00:79:00:10 action=poweroff"' <<<"$OUT" && [ "$RC" = 0 ]
check "conf dump-path, console, extra" $? "rc=$RC out=$OUT"

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
echo "console=ttyS0 lifeline.dump-path=iscsi:10.0.2.2::3260:1:iqn.z:dump lifeline.initiator-iqn=iqn.z:guest lifeline.ip=10.0.2.15 lifeline.netmask=255.255.255.0 lifeline.gateway=10.0.2.2" >"$D/proc/cmdline"
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

# 7. no crash region
fake_sys "$D"; echo "dump-lun=2" >"$D/etc/lifeline.conf"; echo 0 >"$D/sys/kernel/kexec_crash_size"
arm "$D" --dry-run
[ "$RC" = 1 ] && grep -q 'no crash kernel region reserved: boot with crashkernel=' <<<"$OUT"
check "no crashkernel" $? "rc=$RC out=$OUT"

# 8. no image
fake_sys "$D"; echo "dump-lun=2" >"$D/etc/lifeline.conf"; rm "$IMG"
arm "$D" --dry-run
[ "$RC" = 1 ] && grep -q "no lifeline image $IMG" <<<"$OUT"; check "missing image" $? "rc=$RC out=$OUT"

# 9. dump-path naming the boot LUN is refused
fake_sys "$D"; echo "dump-lun=1" >"$D/etc/lifeline.conf"
arm "$D" --dry-run
[ "$RC" = 1 ] && grep -q 'is the boot LUN' <<<"$OUT"; check "boot LUN refused" $? "rc=$RC out=$OUT"

# 10. a real run through a fake kexec: arguments passed as one --append
#     word, kexec_crash_loaded checked (1 -> armed; stays 0 -> error)
fake_sys "$D"; echo "dump-lun=2" >"$D/etc/lifeline.conf"
cat >"$T/kexec" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$T/kexec.args"
[ -n "\${FAKE_LOAD:-}" ] && echo 1 >"$D/sys/kernel/kexec_crash_loaded"
exit 0
EOF
chmod +x "$T/kexec"
FAKE_LOAD=1 arm "$D" --kexec "$T/kexec"
printf -- '-p\n%s\n--type\nelf-x86_64\n--args-linux\n--append\n%s\n' "$IMG" "$APPEND" >"$T/want.args"
[ "$RC" = 0 ] && cmp -s "$T/want.args" "$T/kexec.args" && grep -q 'armed: kexec_crash_loaded=1' <<<"$OUT"
check "arms through kexec" $? "rc=$RC out=$OUT args=$(cat "$T/kexec.args" 2>/dev/null | tr '\n' '|')"
fake_sys "$D"; echo "dump-lun=2" >"$D/etc/lifeline.conf"
arm "$D" --kexec "$T/kexec"
[ "$RC" = 1 ] && grep -q "kexec_crash_loaded is '0', not 1" <<<"$OUT"
check "not loaded after kexec" $? "rc=$RC out=$OUT"

exit $((fails > 0))
