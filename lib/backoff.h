/* lib/backoff.h - jitter for retry delays: clients that failed together (a
 * boot storm against a gateway not up yet) must not retry together. */
#ifndef LIB_BACKOFF_H
#define LIB_BACKOFF_H
#include <stddef.h>
#include <stdint.h>

/* A per-client seed from its MAC (n bytes) and the clock; never 0. */
uint32_t ll_jitter_seed(const uint8_t *mac, size_t n, uint64_t now_us);

/* The delay before retry number attempt: the nominal d_us (a minimum, e.g.
 * Time2Wait) plus a share in [0, d_us / LL_JITTER_DIV) fixed by seed and
 * attempt (the same inputs give the same delay). */
#define LL_JITTER_DIV 2u
uint64_t ll_jitter_us(uint32_t seed, uint32_t attempt, uint64_t d_us);

#endif
