#!/bin/bash
# tests/hosted/bench_stats.sh - the benches' median and spread
# (tests/lib/stats.sh) on lists whose answers are worked out by hand:
# numeric (not text) order, odd and even counts, a zero least value.
set -uo pipefail
. "$(dirname "$0")/../lib/stats.sh"
fails=0

# check NAME GOT WANT
check() {
	if [ "$2" = "$3" ]; then
		echo "PASS hosted/bench-stats $1"
	else
		echo "FAIL hosted/bench-stats $1: got '$2', want '$3'"; fails=1
	fi
}

check "median odd count, numeric order" "$(stat_median 10 9 100)" 10
check "median even count: the lower middle" "$(stat_median 4 1 3 2)" 2
check "median of one" "$(stat_median 7.5)" 7.5
check "spread max/min" "$(stat_spread 40.5 81 60)" 2.00
check "spread numeric order" "$(stat_spread 9 10 100)" 11.11
check "spread with a zero least value" "$(stat_spread 0 5)" 0.00
exit $fails
