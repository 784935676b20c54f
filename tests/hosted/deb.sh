#!/bin/bash
# tests/hosted/deb.sh - packaging: `make deb` builds (time printed) and
# leaves the tree clean; the packages unpacked (dpkg -x) into a scratch root
# hold the files where `make install` puts them, with the right modes,
# dependencies and conffile; lifeline.elf packaged with the same program
# headers and loaded bytes; lintian reports no error; systemd-analyze verify
# accepts the unit; the packaged lifeline-arm passes tests/hosted/arm.sh
# under dash; make install DESTDIR= PREFIX=/usr/local. Leaves the .debs in
# build/deb/ (tests/qemu/crash_dump.sh uses them).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/ll-deb.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
check() {   # check NAME RESULT DETAIL
	if [ "$2" = 0 ]; then echo "PASS hosted/deb $1"; else
		echo "FAIL hosted/deb $1"; printf '%s\n' "$3" | head -n 15 | sed 's/^/  /'; fails=$((fails + 1)); fi
}
for t in dpkg-buildpackage dh lintian systemd-analyze dash objcopy readelf; do
	command -v "$t" >/dev/null || { echo "FAIL hosted/deb (missing $t; make deps)"; exit 1; }
done
cd "$ROOT"
before=$(git status --porcelain 2>/dev/null)
t0=$(date +%s)
out=$(bash tools/mkdeb.sh 2>&1); rc=$?
secs=$(( $(date +%s) - t0 ))
[ $rc = 0 ]; check "make deb builds ($secs s)" $? "$out"
[ "$(git status --porcelain 2>/dev/null)" = "$before" ]
check "make deb leaves the tree as it was" $? "$(git status --porcelain)"
DEB=$ROOT/build/deb
V=$(sed -n '1s/^lifeline (\([^)]*\)).*/\1/p' debian/changelog)
main=$DEB/lifeline_${V}_amd64.deb arm=$DEB/lifeline-arm_${V}_amd64.deb
[ -f "$main" ] && [ -f "$arm" ] || { check "both packages built ($V)" 1 "$(ls "$DEB")"; exit 1; }

# the files, where item 1 of issue 17 says, and their modes
R=$T/root
dpkg -x "$main" "$R" && dpkg -x "$arm" "$R"
want_main="usr/lib/lifeline/lifeline.pxe 644
usr/lib/lifeline/lifeline.elf 644
usr/bin/lifeline-settings 755
usr/bin/lifeline-dumpinfo 755
usr/bin/lifeline-iscsi 755
usr/share/doc/lifeline/copyright 644
usr/share/man/man1/lifeline-settings.1.gz 644
usr/share/man/man1/lifeline-dumpinfo.1.gz 644
usr/share/man/man1/lifeline-iscsi.1.gz 644
usr/share/man/man5/lifeline-settings.5.gz 644"
[ -f build/lifeline.efi ] && want_main="$want_main
usr/lib/lifeline/lifeline.efi 644"
want_arm="usr/sbin/lifeline-arm 755
lib/systemd/system/lifeline-arm.service 644
etc/default/lifeline 644
usr/share/man/man8/lifeline-arm.8.gz 644"
bad=""
ls "$R"/usr/share/doc/lifeline/README.md* >/dev/null 2>&1 || bad=" README.md"   # .gz when > 4 KiB
while read -r f m; do
	[ "$(stat -c %a "$R/$f" 2>/dev/null)" = "$m" ] || bad="$bad $f"
done <<<"$want_main
$want_arm"
[ -z "$bad" ]; check "dpkg -x: images, tools, lifeline-arm, unit, default file, docs, man pages in place" $? "missing or wrong mode:$bad"
n=$(ls "$R/usr/share/doc/lifeline/" | grep -cE '^[A-Za-z]+\.md(\.gz)?$')
[ "$n" -ge 8 ]; check "docs/*.md in /usr/share/doc/lifeline ($n)" $? "$(ls "$R/usr/share/doc/lifeline/")"
dpkg -c "$main" | awk '{print $6}' | grep 'lifeline-arm' >/dev/null && ok=1 || ok=0
dpkg -c "$arm" | awk '{print $6}' | grep -E 'usr/bin|usr/lib/lifeline/' >/dev/null && ok=1
[ $ok = 0 ]; check "lifeline-arm only in lifeline-arm, images and tools only in lifeline" $? ""
bad=""
for p in settings dumpinfo iscsi; do "$R/usr/bin/lifeline-$p" >/dev/null 2>&1; [ $? -le 2 ] || bad="$bad $p"; done
[ -z "$bad" ]; check "packaged tools run" $? "$bad"

# metadata: dependencies, conffile
dep=$(dpkg-deb -f "$arm" Depends)
grep -q 'kexec-tools' <<<"$dep" && grep -q "lifeline (= $V)" <<<"$dep"
check "lifeline-arm Depends: $dep" $? "$dep"
dpkg-deb -e "$arm" "$T/ctl"
grep -qx /etc/default/lifeline "$T/ctl/conffiles"; check "/etc/default/lifeline is a conffile" $? "$(cat "$T/ctl/conffiles" 2>&1)"
# dh_installsystemd --no-enable --no-start: enabled again only if it was
! grep -q 'deb-systemd-invoke' "$T/ctl/postinst" && grep -q "was-enabled 'lifeline-arm.service'" "$T/ctl/postinst"
check "installing neither starts nor enables lifeline-arm.service" $? "$(cat "$T/ctl/postinst" 2>&1)"

# lifeline.elf: stripped of its symbol table only
E0=$DEB/src/build/lifeline.elf E1=$R/usr/lib/lifeline/lifeline.elf
objcopy -O binary "$E0" "$T/e0.bin" && objcopy -O binary "$E1" "$T/e1.bin" &&
	cmp -s "$T/e0.bin" "$T/e1.bin" &&
	cmp -s <(readelf -lW "$E0") <(readelf -lW "$E1") &&
	cmp -s <(head -c 64 "$E0") <(head -c 64 "$E1" | head -c 40; tail -c +41 <(head -c 64 "$E0") ) &&
	cmp -s "$DEB/src/build/lifeline.pxe" "$R/usr/lib/lifeline/lifeline.pxe"
check "packaged lifeline.elf: same program headers and loaded bytes as built; lifeline.pxe identical" $? ""

# lintian: no errors (warnings shown)
lintian --no-cfg "$DEB"/lifeline_"${V}"_amd64.changes >"$T/lintian" 2>&1
grep -v 'root privileges' "$T/lintian" | sed 's/^/  lintian: /'
! grep -q '^E: ' "$T/lintian"; check "lintian: no errors ($(grep -c '^W: ' "$T/lintian") warnings)" $? "$(grep '^E: ' "$T/lintian")"

# the unit: what issue 17 asks, and systemd-analyze verify in the scratch
# root (with the host's units, for the targets it names)
U=$R/lib/systemd/system/lifeline-arm.service
bad=""
for kv in After=local-fs.target Conflicts=kdump-tools.service Type=oneshot \
	RemainAfterExit=yes ExecStart=/usr/sbin/lifeline-arm "ExecStop=/usr/sbin/lifeline-arm --unload" \
	WantedBy=multi-user.target; do
	grep -qxF "$kv" "$U" || bad="$bad $kv"
done
[ -z "$bad" ]; check "unit: After=local-fs.target, Conflicts=kdump-tools.service, oneshot, RemainAfterExit" $? "lacks:$bad"
cp -an /lib/systemd/system/. "$R/lib/systemd/system/"
v=$(systemd-analyze verify --man=no --root="$R" /lib/systemd/system/lifeline-arm.service 2>&1); rc=$?
[ $rc = 0 ] && [ -z "$v" ]; check "systemd-analyze verify accepts lifeline-arm.service" $? "rc=$rc $v"
sed 's/^Type=oneshot/Type=oneshoot/; s/^After=/Aftr=/' "$U" >"$R/lib/systemd/system/lifeline-bad.service"
v=$(systemd-analyze verify --man=no --root="$R" /lib/systemd/system/lifeline-bad.service 2>&1)
[ -n "$v" ]; check "systemd-analyze verify catches a broken copy" $? "no output"

# the packaged lifeline-arm under dash
a=$(LIFELINE_ARM=$R/usr/sbin/lifeline-arm ARM_SHELLS=dash bash tests/hosted/arm.sh 2>&1); rc=$?
p=$(grep -c '^PASS' <<<"$a"); f=$(grep -c '^FAIL' <<<"$a")
[ $rc = 0 ] && [ "$p" -ge 20 ] && [ "$f" = 0 ]
check "packaged lifeline-arm passes tests/hosted/arm.sh under dash ($p cases)" $? "$(grep -A3 '^FAIL' <<<"$a")"

# make install with another PREFIX, from the package build's tree
I=$T/inst
m=$(make -s -C "$DEB/src" install DESTDIR="$I" PREFIX=/usr/local 2>&1)
[ -x "$I/usr/local/sbin/lifeline-arm" ] && [ -f "$I/usr/local/lib/lifeline/lifeline.elf" ] &&
	[ -x "$I/usr/local/bin/lifeline-settings" ] && [ -f "$I/usr/local/share/man/man8/lifeline-arm.8" ] &&
	grep -qx 'ExecStart=/usr/local/sbin/lifeline-arm' "$I/usr/local/lib/systemd/system/lifeline-arm.service" &&
	[ -f "$I/etc/default/lifeline" ] && [ -f "$I/usr/local/share/doc/lifeline/settings.md" ]
check "make install DESTDIR=... PREFIX=/usr/local" $? "$m $(cd "$I" 2>/dev/null && find . -type f)"
exit $((fails > 0))
