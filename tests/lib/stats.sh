#!/bin/bash
# tests/lib/stats.sh - the figures the benches print from their runs: the
# median and the spread (max/min) of a list of numbers. Sourced.

# stat_median VALUES...: the middle one (the lower middle for an even count).
stat_median() {
	printf '%s\n' "$@" | sort -g | sed -n "$((($# + 1) / 2))p"
}

# stat_spread VALUES...: max/min to two places (0 when the least is not > 0).
stat_spread() {
	printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 }
		END { printf "%.2f", (lo > 0 ? hi / lo : 0) }'
}
