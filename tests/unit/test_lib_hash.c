/* tests/unit/test_lib_hash.c - the one hash (lib/hash.h): fixed vectors
 * (worked out with an independent reference of the same rounds), the
 * mixer undone by its inverse (so it is a bijection), avalanche, and the
 * byte hash's length, order, chaining and alignment properties. */
#include <stdint.h>
#include "tests/lib/check.h"
#include "lib/hash.h"

static void test_hash32_vectors(void)
{
	CHECK_EQ(ll_hash32(0), 0);
	CHECK_EQ(ll_hash32(1), 0x688990c0u);
	CHECK_EQ(ll_hash32(2), 0xd1132181u);
	CHECK_EQ(ll_hash32(0x80000000u), 0xcc4b4124u);
	CHECK_EQ(ll_hash32(0xffffffffu), 0x6768824au);
	CHECK_EQ(ll_hash32(0xdeadbeefu), 0xe628c683u);
	CHECK_EQ(ll_hash32(0x12345678u), 0xf5e71c96u);
}

/* x ^= x >> s undone: s >= 16 needs one step, smaller shifts more. */
static uint32_t unshift(uint32_t y, unsigned s)
{
	uint32_t x = y;

	for (unsigned k = s; k < 32; k += s)
		x = y ^ (x >> s);
	return x;
}

/* The inverse of the mixer: the inverse multipliers mod 2^32 are
 * 0x1d69e2a5 (of 0x7feb352d) and 0x43021123 (of 0x846ca68b). */
static uint32_t unmix(uint32_t h)
{
	CHECK_EQ((uint32_t)(0x7feb352du * 0x1d69e2a5u), 1);
	CHECK_EQ((uint32_t)(0x846ca68bu * 0x43021123u), 1);
	h = unshift(h, 16);
	h *= 0x43021123u;
	h = unshift(h, 15);
	h *= 0x1d69e2a5u;
	return unshift(h, 16);
}

static void test_hash32_bijection(void)
{
	uint32_t x = 1, bad = 0;

	for (int i = 0; i < 200000; i++) {
		if (unmix(ll_hash32(x)) != x)
			bad++;
		x = x * 2654435761u + 12345u;   /* walk the 32-bit space */
	}
	for (uint32_t v = 0; v < 70000; v++)    /* and the small values */
		if (unmix(ll_hash32(v)) != v)
			bad++;
	CHECK_EQ(bad, 0);
}

/* One input bit flipped changes about half the output bits. */
static void test_hash32_avalanche(void)
{
	uint64_t flips = 0, n = 0;
	uint32_t x = 7;

	for (int i = 0; i < 2000; i++, x = x * 2654435761u + 1u)
		for (int b = 0; b < 32; b++, n++)
			flips += (uint64_t)__builtin_popcount(ll_hash32(x) ^
							      ll_hash32(x ^ (1u << b)));
	CHECK(flips * 100 > n * 1500);          /* mean above 15 of 32 bits */
	CHECK(flips * 100 < n * 1700);          /* and below 17 */
}

static void test_bytes_vectors(void)
{
	CHECK_EQ(ll_hash_bytes(0, "", 0), 0);
	CHECK_EQ(ll_hash_bytes(0x12345678u, "", 0), 0xf5e71c96u);
	CHECK_EQ(ll_hash_bytes(0, "a", 1), 0x81342847u);
	CHECK_EQ(ll_hash_bytes(0, "a\0", 2), 0x600d9807u);
	CHECK_EQ(ll_hash_bytes(0, "abcd", 4), 0xe58e4f0cu);
	CHECK_EQ(ll_hash_bytes(0, "abcde", 5), 0xe8cf8937u);
	CHECK_EQ(ll_hash_bytes(0, "lifeline", 8), 0xd3eab9e4u);
	CHECK_EQ(ll_hash_bytes(0x12345678u, "lifeline", 8), 0x07c2aa02u);
	CHECK_EQ(ll_hash_bytes(0, "iqn.2026-01.org.example:disk", 28),
		 0x4c097f19u);
}

/* Every single-byte change in any position and of any length is seen;
 * reading stays within n bytes at any alignment. */
static void test_bytes_properties(void)
{
	static uint8_t buf[64 + 3];
	uint32_t h, bad = 0;

	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 1);
	for (size_t n = 1; n <= 64; n++) {
		for (unsigned off = 0; off < 4; off++) {
			h = ll_hash_bytes(0, buf + off, n);
			if (off == 0 && h == ll_hash_bytes(0, buf, n - 1))
				bad++;                  /* length counts */
			for (size_t i = 0; i < n; i++) {
				buf[off + i] ^= 0x10;
				if (ll_hash_bytes(0, buf + off, n) == h)
					bad++;
				buf[off + i] ^= 0x10;
			}
		}
	}
	CHECK_EQ(bad, 0);
	CHECK(ll_hash_bytes(0, "ab", 2) != ll_hash_bytes(0, "ba", 2));
	/* chaining: the earlier result is the seed, fields stay apart */
	h = ll_hash_bytes(ll_hash_bytes(0, "ab", 2), "c", 1);
	CHECK(h != ll_hash_bytes(ll_hash_bytes(0, "a", 1), "bc", 2));
	CHECK(h != ll_hash_bytes(0, "abc", 3));
	CHECK_EQ(h, ll_hash_bytes(ll_hash_bytes(0, "ab", 2), "c", 1));
}

int main(void)
{
	check_suite = "lib_hash";
	RUN(test_hash32_vectors);
	RUN(test_hash32_bijection);
	RUN(test_hash32_avalanche);
	RUN(test_bytes_vectors);
	RUN(test_bytes_properties);
	return CHECK_DONE();
}
