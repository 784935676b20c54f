/* lib/clock.h - the one clock: microseconds from an injectable source, so
 * firmware reads the TSC, the host reads CLOCK_MONOTONIC and tests drive it. */
#ifndef LIB_CLOCK_H
#define LIB_CLOCK_H
#include <stdint.h>

struct ll_clock {
	uint64_t (*now_us)(void *ctx); /* monotonic microseconds */
	void *ctx;
	/* Optional: give the CPU away for at most us microseconds (firmware:
	 * halt until a timer fires), so a waiting loop does not spin a
	 * (virtual) CPU. NULL: none; waiting loops poll. */
	void (*idle)(void *ctx, uint32_t us);
};

static inline uint64_t ll_now(const struct ll_clock *c)
{
	return c->now_us(c->ctx);
}

/* True once the absolute deadline (in now_us units) has passed. */
static inline int ll_expired(const struct ll_clock *c, uint64_t deadline)
{
	return ll_now(c) >= deadline;
}

#endif
