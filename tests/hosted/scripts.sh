#!/bin/bash
# tests/hosted/scripts.sh - the project's shell scripts keep clear of a flake
# seen in CI: under `set -o pipefail`, `producer | grep -q` fails when grep
# exits at its first match and the producer, still writing, dies of SIGPIPE.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
fails=0
# A pipe into grep with -q among its flags (not `||`, which is no pipe).
hits=$(grep -rnE --include='*.sh' --exclude=scripts.sh '(^|[^|])\|[[:space:]]*grep[[:space:]]+-[a-zA-Z]*q' \
	"$ROOT/tests" "$ROOT/tools" "$ROOT/.ci" 2>/dev/null)
if [ -z "$hits" ]; then
	echo "PASS hosted/scripts no 'producer | grep -q' under pipefail"
else
	echo "FAIL hosted/scripts 'producer | grep -q' (SIGPIPE flake; use grep ... >/dev/null):"
	echo "$hits" | sed 's/^/  /' | head -n 20
	fails=1
fi
# the check itself: it finds such a line, and passes the fixed form
probe=$(printf 'x | grep -q y\nx || grep -q y\nx | grep y >/dev/null\n' |
	grep -cE '(^|[^|])\|[[:space:]]*grep[[:space:]]+-[a-zA-Z]*q')
if [ "$probe" = 1 ]; then
	echo "PASS hosted/scripts the check finds exactly the piped grep -q"
else
	echo "FAIL hosted/scripts the check found $probe of 1 piped grep -q"; fails=1
fi
exit $fails
