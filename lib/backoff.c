/* lib/backoff.c - the per-client seed and the jittered retry delay of
 * lib/backoff.h, built on the one hash (lib/hash.h). */
#include "lib/backoff.h"
#include "lib/hash.h"

uint32_t ll_jitter_seed(const uint8_t *mac, size_t n, uint64_t now_us)
{
	uint32_t h = ll_hash_bytes(0, mac, n);

	h = ll_hash32(h ^ (uint32_t)now_us ^ ll_hash32((uint32_t)(now_us >> 32) + 0x9e3779b9u));
	return h ? h : 1;
}

uint64_t ll_jitter_us(uint32_t seed, uint32_t attempt, uint64_t d_us)
{
	uint64_t span = d_us / LL_JITTER_DIV;
	uint32_t r = ll_hash32(seed ^ ll_hash32(attempt * 0x9e3779b9u + 1));

	/* r / 2^32 of the span: uniform in [0, span) */
	return span ? d_us + ((span * r) >> 32) : d_us;
}
