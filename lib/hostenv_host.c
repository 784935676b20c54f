/* lib/hostenv_host.c - host-only glue for tools and tests: the console sink
 * writes to stderr, the clock reads CLOCK_MONOTONIC. */
#include <errno.h>
#include <time.h>
#include <unistd.h>
#include "lib/hostenv.h"
#include "lib/print.h"

static void stderr_sink(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	while (len) {
		ssize_t n = write(STDERR_FILENO, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* stderr gone: drop the rest */
		s += n;
		len -= (size_t)n;
	}
}

void ll_host_console_init(void)
{
	ll_console_set(stderr_sink, NULL);
}

static uint64_t monotonic_us(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

struct ll_clock ll_host_clock(void)
{
	struct ll_clock c = { .now_us = monotonic_us, .ctx = NULL };
	return c;
}
