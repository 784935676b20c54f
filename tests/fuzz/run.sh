#!/bin/bash
# tests/fuzz/run.sh - run every built libFuzzer target (build/fuzz/fuzz_*) for
# a bounded time or execution count, one "PASS fuzz/<name>" or
# "FAIL fuzz/<name>" line each, then "fuzz: <name> <execs> execs, <n> findings".
# Usage: tests/fuzz/run.sh [smoke|long]   (smoke: 15 s each; long: -runs=10^7
# each, one target at a time, with a 3 h time cap per target)
# Seeds come from tests/fuzz/corpus/<name>/ (name without "fuzz_"), copied to
# a temp dir so the repo corpus is never modified; a missing dir is fine.
# Crash inputs are kept in build/fuzz-artifacts/<name>/.
# Env: FUZZ_TIME overrides the seconds per target, FUZZ_RUNS the long run's
# execution count, FUZZ_BIN_DIR the binaries, FUZZ_ONLY one target name,
# FUZZ_CORPUS_OUT a directory that receives each target's grown corpus
# (for a later `-merge=1` into tests/fuzz/corpus/).
set -uo pipefail
cd "$(dirname "$0")/../.."

MODE=${1:-smoke}
case $MODE in
smoke) SECS=${FUZZ_TIME:-15} RUNS=-1 ;;
long)  SECS=${FUZZ_TIME:-10800} RUNS=${FUZZ_RUNS:-10000000} ;;
*)     echo "usage: $0 [smoke|long]" >&2; exit 2 ;;
esac
BIN_DIR=${FUZZ_BIN_DIR:-build/fuzz}
ART_ROOT=build/fuzz-artifacts
failed=0

shopt -s nullglob
bins=()
for b in "$BIN_DIR"/fuzz_*; do [[ $b == *.d ]] || bins+=("$b"); done
[ ${#bins[@]} -eq 0 ] && exit 0

WORK=$(mktemp -d /tmp/lifeline-fuzz.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# run_target BIN: fuzz one binary, print its PASS/FAIL line.
run_target() {
	local bin=$1 base name corpus log art dict=()
	base=${bin##*/}
	name=${base#fuzz_}
	corpus="$WORK/$name/corpus"
	log="$WORK/$name/log"
	art="$WORK/$name/artifacts/"
	mkdir -p "$corpus" "$art"
	for seeds in "tests/fuzz/corpus/$name" "tests/fuzz/corpus/$base"; do
		[ -d "$seeds" ] && cp -r "$seeds"/. "$corpus"/
	done
	for d in "tests/fuzz/$name.dict" "tests/fuzz/$base.dict"; do
		[ -f "$d" ] && dict=("-dict=$d") && break
	done

	timeout -k 10 $((SECS + 120)) "$bin" "${dict[@]}" \
		-max_total_time="$SECS" -runs="$RUNS" -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$art" "$corpus" \
		>"$log" 2>&1
	local rc=$?
	local execs secs findings
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
	findings=$(find "$art" -type f | wc -l)
	if [ -n "${FUZZ_CORPUS_OUT:-}" ]; then
		mkdir -p "$FUZZ_CORPUS_OUT/$name" && cp -r "$corpus"/. "$FUZZ_CORPUS_OUT/$name"/
	fi

	if [ "$rc" -eq 0 ]; then
		echo "PASS fuzz/$name (${execs:-?} runs in ${secs:-$SECS} s)"
		echo "fuzz: $name ${execs:-0} execs, $findings findings"
		return 0
	fi
	echo "fuzz: $name ${execs:-0} execs, $((findings > 0 ? findings : 1)) findings"
	echo "FAIL fuzz/$name (exit $rc)"
	local keep="$ART_ROOT/$name"
	if compgen -G "$art*" >/dev/null; then
		mkdir -p "$keep" && cp "$art"* "$keep"/
		echo "  artifacts kept in $keep/"
	fi
	tail -n 40 "$log" | sed 's/^/  | /'
	return 1
}

for bin in "${bins[@]}"; do
	[ -x "$bin" ] || continue
	[ -n "${FUZZ_ONLY:-}" ] && [ "${bin##*/fuzz_}" != "$FUZZ_ONLY" ] && continue
	run_target "$bin" || failed=$((failed + 1))
done
[ "$failed" -eq 0 ]
