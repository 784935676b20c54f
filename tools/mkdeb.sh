#!/bin/bash
# tools/mkdeb.sh - `make deb`: the Debian packages (debian/) built by
# dpkg-buildpackage -b -us -uc from a copy of the tree in build/deb/src, so
# the tree stays clean; the .debs and .buildinfo/.changes land in build/deb/.
# Env: DEB_BUILD_OPTIONS as for dpkg-buildpackage (nocheck, parallel=N).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/build/deb
die() { echo "mkdeb: $*" >&2; exit 1; }
command -v dpkg-buildpackage >/dev/null || die "missing dpkg-buildpackage (dpkg-dev; make deps)"
command -v dh >/dev/null || die "missing dh (debhelper; make deps)"
rm -rf "$OUT"
mkdir -p "$OUT/src"
# the tracked and the new (not ignored) files; a tree without git: all but build/
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		tar --null -T - -cf -) | tar -C "$OUT/src" -xf -
else
	tar -C "$ROOT" --exclude=./build --exclude=./.git -cf - . | tar -C "$OUT/src" -xf -
fi
export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-parallel=$(nproc)}
t0=$(date +%s)
(cd "$OUT/src" && dpkg-buildpackage -b -us -uc) >"$OUT/build.log" 2>&1 ||
	{ tail -n 30 "$OUT/build.log" >&2; die "dpkg-buildpackage failed (log $OUT/build.log)"; }
echo "mkdeb: built in $(( $(date +%s) - t0 )) s:"
ls -1 "$OUT"/*.deb
