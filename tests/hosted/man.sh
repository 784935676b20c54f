#!/bin/bash
# tests/hosted/man.sh - the man pages (docs/man/*.txt -> tools/mkman.sh): one
# for each installed program, each renders without a groff warning, and
# lifeline-settings(5) lists exactly the keys of docs/settings.md and of
# attach/settings.c's key table.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/ll-man.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
check() {   # check NAME RESULT DETAIL
	if [ "$2" = 0 ]; then echo "PASS hosted/man $1"; else
		echo "FAIL hosted/man $1"; echo "  $3" | head -n 12; fails=$((fails + 1)); fi
}

# every program make install puts in bin/ and sbin/ has a page
progs="$(sed -n 's/^INST_TOOLS *:= *//p' "$ROOT/Makefile") lifeline-arm"
miss=""
for p in $progs; do
	ls "$ROOT"/docs/man/"$p".[18].txt >/dev/null 2>&1 || miss="$miss $p"
done
[ -n "$progs" ] && [ -z "$miss" ]; check "a page for each of:$(printf ' %s' $progs)" $? "no page for:$miss"
[ -f "$ROOT/docs/man/lifeline-settings.5.txt" ]; check "lifeline-settings(5) exists" $? ""

# each page generates and renders with no warning
for src in "$ROOT"/docs/man/*.txt; do
	n=$(basename "$src" .txt)
	out=$T/$n
	if ! sh "$ROOT/tools/mkman.sh" "$src" >"$out" 2>"$T/err"; then
		check "$n generates" 1 "$(cat "$T/err")"; continue
	fi
	w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$out" 2>&1 >"$T/$n.txt")
	[ -z "$w" ] && grep -q "^NAME" "$T/$n.txt" && grep -q "^SEE ALSO" "$T/$n.txt"
	check "$n renders without warnings" $? "$w"
done

# keys_md FILE: the first column of the first table (`a`, `b` entries)
keys_md() {
	awk '/^\| name \|/ { t = 1; next } t && /^\| ---/ { next }
	     t && /^\|/ { print $2 } t && !/^\|/ { exit }' FS='|' "$1" |
		grep -o '`[a-z0-9-]*`' | tr -d '`' | sort
}
# keys_c FILE: SDEF("key", ...) of the settings table
keys_c() { grep -o 'SDEF("[a-z0-9-]*"' "$1" | sed 's/SDEF("//; s/"//' | sort; }
# keys_man FILE: the "+ key" terms of the KEYS section
keys_man() {
	awk '/^= KEYS/ { k = 1; next } /^= / { k = 0 } k && /^\+ / { sub(/^\+ /, ""); print }' "$1" |
		tr ',' '\n' | tr -d ' ' | sort
}
# same A B: the two key lists equal; prints the difference
same() { diff <(echo "$1") <(echo "$2") | grep '^[<>]' | tr '\n' ' '; [ "$1" = "$2" ]; }

md=$(keys_md "$ROOT/docs/settings.md")
c=$(keys_c "$ROOT/attach/settings.c")
man=$(keys_man "$ROOT/docs/man/lifeline-settings.5.txt")
[ "$(echo "$c" | wc -l)" -ge 10 ]; check "attach/settings.c: $(echo "$c" | wc -l) keys found" $? "$c"
d=$(same "$c" "$md"); check "docs/settings.md lists the keys of attach/settings.c" $? "$d"
d=$(same "$c" "$man"); check "lifeline-settings(5) lists the keys of attach/settings.c" $? "$d"

# the check can fail: a key added to a copy of the page is caught
cp "$ROOT/docs/man/lifeline-settings.5.txt" "$T/extra.txt"
sed -i 's/^+ dns$/+ dns\nx\n+ no-such-key/' "$T/extra.txt"
d=$(same "$c" "$(keys_man "$T/extra.txt")"); [ $? != 0 ] && grep -q 'no-such-key' <<<"$d"
check "an extra key in the page is caught" $? "$d"
exit $((fails > 0))
