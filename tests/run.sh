#!/bin/bash
# tests/run.sh - run every test tier and count the PASS/FAIL lines each test
# prints; ends with "N passed, N failed" and fails on any failure.
# Usage: tests/run.sh [unit|hosted|fuzz|qemu]...  (default: all tiers)
set -uo pipefail
cd "$(dirname "$0")/.."
TIERS=("$@"); [ ${#TIERS[@]} -eq 0 ] && TIERS=(unit hosted fuzz qemu)
LOG=build/test-logs; mkdir -p "$LOG"
pass=0; fail=0

# run NAME TIMEOUT CMD... : run one test program, count its PASS/FAIL lines;
# a crash, timeout or non-zero exit without a FAIL line counts as a failure.
# With TAG set (e.g. "asan"), the PASS/FAIL lines shown read "PASS asan:...".
# A fault test's "fault: <case> ok|FAIL ..." lines are shown too (not
# counted: the PASS/FAIL line beside each is) and summed up at the end.
TAG=
faults_ok=0; faults_bad=0
run() {
	local name=$1 tmo=$2; shift 2
	local out="$LOG/${name//\//_}.log"
	timeout -k 10 "$tmo" "$@" >"$out" 2>&1
	local rc=$?
	local p f
	p=$(grep -c '^PASS ' "$out"); f=$(grep -c '^FAIL ' "$out")
	grep -E '^(PASS|FAIL|fault:) ' "$out" | sed "${TAG:+s/^\(PASS\|FAIL\) /\1 $TAG:/}"
	faults_ok=$((faults_ok + $(grep -cE '^fault: [^ ]+ ok' "$out")))
	faults_bad=$((faults_bad + $(grep -cE '^fault: [^ ]+ FAIL' "$out")))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $name (exit $rc; log $out)"; f=$((f + 1))
		if grep -qE 'ERROR: [A-Za-z]+Sanitizer|runtime error:' "$out"; then
			# a sanitizer report: its first lines name the fault
			grep -m1 -A12 -E 'ERROR: [A-Za-z]+Sanitizer|runtime error:' "$out"
		else
			tail -n 20 "$out"
		fi | sed 's/^/  | /'
	elif [ "$f" -ne 0 ]; then
		grep -E '^  ' "$out" | head -n 20 | sed 's/^/  | /'
	fi
	pass=$((pass + p)); fail=$((fail + f))
}

for tier in "${TIERS[@]}"; do
	case $tier in
	unit)
		# each test twice: plain (-O2) and under ASan + UBSan (build/asan)
		for t in build/tests/test_*; do case $t in *.d) continue ;; esac; run "unit/${t##*/}" 300 "$t"; done
		TAG=asan
		for t in build/asan/tests/test_*; do
			case $t in *.d) continue ;; esac
			run "unit-asan/${t##*/}" 300 env ASAN_OPTIONS=detect_leaks=1 \
				UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$t"
		done
		TAG= ;;
	hosted)
		for t in tests/hosted/*.sh; do [ -e "$t" ] && run "hosted/${t##*/}" 900 bash "$t"; done ;;
	fuzz)
		[ -x tests/fuzz/run.sh ] || [ -e tests/fuzz/run.sh ] && run "fuzz/smoke" 600 bash tests/fuzz/run.sh smoke ;;
	qemu)
		# one QEMU test at a time on this machine: the lock the benches and
		# a developer's own runs take too (LL_QEMU_LOCK)
		exec 9>"${LL_QEMU_LOCK:-/tmp/lifeline-qemu.lock}"
		for t in tests/qemu/*.sh; do
			[ -e "$t" ] || continue
			flock 9; run "qemu/${t##*/}" 1200 bash "$t" 9>&-; flock -u 9
		done
		exec 9>&- ;;
	esac
done
[ $((faults_ok + faults_bad)) -gt 0 ] &&
	echo "fault matrix (docs/testing.md): $faults_ok cases ok, $faults_bad failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
