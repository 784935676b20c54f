#!/bin/bash
# tests/bench/ab.sh - A/B of two builds in one run: the bench scripts named
# (default iscsi.sh pxe.sh dump.sh) run alternately in a reference tree (A,
# an older checkout with its own `make all` done) and in this tree (B),
# ROUNDS times, so both see the same machine. Each figure then prints as
# "bench: ab-<name> <B> <unit> anchor=<A> ratio=<B/A>" from the medians of
# the rounds. Usage: tests/bench/ab.sh REF_TREE [SCRIPT...]
# Env: LL_BENCH_AB_ROUNDS (default 2), LL_BENCH_AB_KEEP=1 (add to the
# figures of the last run instead of starting afresh).
set -uo pipefail
cd "$(dirname "$0")/../.."
REF=${1:?usage: tests/bench/ab.sh REF_TREE [SCRIPT...]}
shift
SCRIPTS=("$@"); [ ${#SCRIPTS[@]} -eq 0 ] && SCRIPTS=(iscsi.sh pxe.sh dump.sh)
ROUNDS=${LL_BENCH_AB_ROUNDS:-2}
OUT=build/bench-ab; mkdir -p "$OUT"
[ "${LL_BENCH_AB_KEEP:-0}" = 1 ] || { : > "$OUT/A.lines"; : > "$OUT/B.lines"; }

[ -d "$REF/tests/bench" ] || { echo "bench: ab: $REF is not a lifeline tree" >&2; exit 1; }

# run_in TREE SIDE SCRIPT ROUND: the script's "bench:" figure lines (not
# notes) go to $OUT/SIDE.lines; the rest to a log.
run_in() {
	local tree=$1 side=$2 s=$3 r=$4 log="$OUT/$2.${3%.sh}.$4.log"
	(cd "$tree" && bash "tests/bench/$s") >"$log" 2>&1
	grep -E '^bench: [a-z0-9-]+ [0-9.]+ [A-Za-z/%]+( |$)' "$log" >>"$OUT/$side.lines"
	echo "bench: note: ab round $r $side $s: $(grep -cE '^bench: [a-z0-9-]+ [0-9.]+ [A-Za-z/%]+( |$)' "$log") figures" >&2
}

for ((r = 1; r <= ROUNDS; r++)); do
	for s in "${SCRIPTS[@]}"; do
		if ((r % 2)); then
			run_in "$REF" A "$s" "$r"; run_in . B "$s" "$r"
		else
			run_in . B "$s" "$r"; run_in "$REF" A "$s" "$r"
		fi
	done
done

# median NAME SIDE: the median value of NAME's lines on SIDE (the mean of
# the middle two for an even count; empty if none)
median() {
	awk -v n="$1" '$2 == n { print $3 }' "$OUT/$2.lines" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
			else if (NR) printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

rc=0
for name in $(awk '{ print $2 }' "$OUT/B.lines" "$OUT/A.lines" | sort -u); do
	a=$(median "$name" A); b=$(median "$name" B)
	unit=$(awk -v n="$name" '$2 == n { print $4; exit }' "$OUT/B.lines" "$OUT/A.lines")
	if [ -z "$a" ] || [ -z "$b" ]; then
		echo "bench: note: ab $name: no figure from side ${a:+B}${b:+A}" >&2
		rc=1
		continue
	fi
	awk -v n="$name" -v a="$a" -v b="$b" -v u="$unit" 'BEGIN {
		printf "bench: ab-%s %s %s anchor=%s ratio=%.2f\n", n, b, u, a,
		       (a > 0 ? b / a : 0) }'
done
exit "$rc"
