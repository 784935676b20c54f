/* tests/unit/test_net_csum.c - inet_sum (native-word Internet checksum)
 * against a plain big-endian word-by-word reference (RFC 1071), over random
 * buffers, lengths, start alignments and running sums, and the edge cases. */
#include <stdint.h>
#include <stdlib.h>
#include "tests/lib/check.h"
#include "net/ipv4.h"

/* The reference: one big-endian 16-bit word at a time, an odd last byte
 * padded with zero, end-around carry after every add. */
static uint32_t ref_sum(const uint8_t *p, size_t len, uint32_t sum)
{
	uint64_t acc = sum;

	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	for (size_t i = 0; i < len; i += 2) {
		acc += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
		if (acc > 0xffff)
			acc -= 0xffff;
	}
	return (uint32_t)acc;
}

static uint32_t rnd(void)
{
	return (uint32_t)rand() << 16 ^ (uint32_t)rand();
}

static uint8_t buf[4096 + 16];

static void test_random_buffers(void)
{
	static const uint32_t sums[] = {0, 1, 0xffff, 0x10000, 0xfffe0001u,
					0xffffffffu};
	unsigned bad = 0;

	srand(1071);
	for (int round = 0; round < 4000 && bad < 5; round++) {
		size_t off = (size_t)(rnd() % 16);
		size_t len = round < 600 ? (size_t)round % 300 : rnd() % 4097;
		uint32_t s = round % 3 ? rnd() % 0x10000 : sums[round % 6];

		for (size_t i = 0; i < len; i++)
			buf[off + i] = (uint8_t)rnd();
		if (inet_sum(buf + off, len, s) != ref_sum(buf + off, len, s)) {
			printf("  mismatch off %zu len %zu sum %x: %x != %x\n", off,
			       len, s, inet_sum(buf + off, len, s),
			       ref_sum(buf + off, len, s));
			bad++;
		}
	}
	CHECK_EQ(bad, 0);
}

/* All zero stays 0, an even run of ones is ffff (never 0), with every
 * length and start alignment; chaining over even pieces equals one call. */
static void test_edges(void)
{
	unsigned bad = 0;

	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len < 80; len++) {
			memset(buf, 0, sizeof(buf));
			bad += inet_sum(buf + off, len, 0) != 0;
			bad += inet_sum(buf + off, len, 0xffff) != 0xffff;
			memset(buf, 0xff, sizeof(buf));
			bad += inet_sum(buf + off, len, 0) !=
			       ref_sum(buf + off, len, 0);
			bad += len > 1 && !(len & 1) &&
			       inet_sum(buf + off, len, 0) != 0xffff;
		}
	CHECK_EQ(bad, 0);
	for (size_t i = 0; i < 200; i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	CHECK_EQ(inet_sum(buf + 101, 99, inet_sum(buf + 1, 100, 0)),
		 inet_sum(buf + 1, 199, 0));
	/* hand-checked: 0x8001 + 0x8000 = 0x10001 -> 0x0002; odd byte 0x7f00 */
	static const uint8_t h[5] = {0x80, 0x01, 0x80, 0x00, 0x7f};
	CHECK_EQ(inet_sum(h, 4, 0), 0x0002);
	CHECK_EQ(inet_sum(h, 5, 0), 0x7f02);
	CHECK_EQ(inet_sum(h + 1, 4, 0), 0x0180 + 0x007f);
}

int main(void)
{
	check_suite = "net_csum";
	RUN(test_random_buffers);
	RUN(test_edges);
	return CHECK_DONE();
}
