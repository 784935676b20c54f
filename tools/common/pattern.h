/* tools/common/pattern.h - the deterministic byte stream both ends of a
 * hosted transfer agree on: xorshift64 from a seed, 8 bytes per step,
 * little-endian, so any chunking of the stream gives the same bytes. */
#ifndef TESTS_HOSTED_PATTERN_H
#define TESTS_HOSTED_PATTERN_H
#include <stddef.h>
#include <stdint.h>

struct pattern {
	uint64_t state;
	uint8_t word[8];   /* current step's bytes */
	unsigned used;     /* bytes of word already handed out */
};

static inline void pattern_init(struct pattern *p, uint64_t seed)
{
	/* mix the seed so small seeds do not start with small words */
	p->state = seed * 0x9e3779b97f4a7c15ull + 0x2545f4914f6cdd1dull;
	if (p->state == 0)
		p->state = 1;
	p->used = 8;
}

static inline uint64_t pattern_step(struct pattern *p)
{
	uint64_t x = p->state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	p->state = x;
	return x;
}

static inline void pattern_put_word(uint8_t *out, uint64_t w)
{
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(w >> (8 * i));
}

/* Write the next n bytes of the stream to buf. */
static inline void pattern_fill(struct pattern *p, uint8_t *buf, size_t n)
{
	while (n && p->used < 8) {
		*buf++ = p->word[p->used++];
		n--;
	}
	while (n >= 8) {
		pattern_put_word(buf, pattern_step(p));
		buf += 8;
		n -= 8;
	}
	if (n) {
		pattern_put_word(p->word, pattern_step(p));
		for (p->used = 0; p->used < n; p->used++)
			buf[p->used] = p->word[p->used];
	}
}

#endif
