/* lib/md5.c - MD5 message digest as specified in RFC 1321, used for the
 * CHAP response of iSCSI login. */
#include <stdint.h>
#include "lib/md5.h"
#include "lib/byteorder.h"
#include "lib/mem.h"

/* T[i] = floor(2^32 * |sin(i + 1)|), RFC 1321 section 3.4. */
static const uint32_t md5_t[64] = {
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee,
	0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
	0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
	0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05,
	0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039,
	0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};

/* Left-rotate amounts, four per round. */
static const uint8_t md5_shift[4][4] = {
	{ 7, 12, 17, 22 }, { 5, 9, 14, 20 }, { 4, 11, 16, 23 }, { 6, 10, 15, 21 },
};

static uint32_t rotl(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

/* Round function and message word index of step i (0..63). */
static uint32_t md5_mix(unsigned i, uint32_t b, uint32_t c, uint32_t d,
			unsigned *word)
{
	switch (i / 16) {
	case 0:
		*word = i;
		return (b & c) | (~b & d);            /* F */
	case 1:
		*word = (5 * i + 1) % 16;
		return (b & d) | (c & ~d);            /* G */
	case 2:
		*word = (3 * i + 5) % 16;
		return b ^ c ^ d;                     /* H */
	default:
		*word = (7 * i) % 16;
		return c ^ (b | ~d);                  /* I */
	}
}

static void md5_block(uint32_t state[4], const uint8_t block[64])
{
	uint32_t x[16], a = state[0], b = state[1], c = state[2], d = state[3];

	for (unsigned i = 0; i < 16; i++)
		x[i] = get_le32(block + 4 * i);
	for (unsigned i = 0; i < 64; i++) {
		unsigned w;
		uint32_t f = md5_mix(i, b, c, d, &w);
		uint32_t sum = a + f + x[w] + md5_t[i];
		a = d;
		d = c;
		c = b;
		b = b + rotl(sum, md5_shift[i / 16][i % 4]);
	}
	state[0] += a;
	state[1] += b;
	state[2] += c;
	state[3] += d;
}

void md5_init(struct md5_ctx *c)
{
	c->state[0] = 0x67452301;
	c->state[1] = 0xefcdab89;
	c->state[2] = 0x98badcfe;
	c->state[3] = 0x10325476;
	c->bytes = 0;
}

void md5_update(struct md5_ctx *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t fill = (size_t)(c->bytes % 64);

	c->bytes += len;
	if (fill) {
		size_t take = 64 - fill < len ? 64 - fill : len;
		memcpy(c->block + fill, p, take);
		p += take;
		len -= take;
		if (fill + take < 64)
			return;
		md5_block(c->state, c->block);
	}
	for (; len >= 64; len -= 64, p += 64)
		md5_block(c->state, p);
	if (len)
		memcpy(c->block, p, len);
}

/* Pad with 0x80, zeros to 56 mod 64, then the bit length little-endian. */
void md5_final(struct md5_ctx *c, uint8_t digest[16])
{
	uint8_t pad[72] = { 0x80 };
	uint64_t bits = c->bytes * 8;
	size_t fill = (size_t)(c->bytes % 64);
	size_t padlen = fill < 56 ? 56 - fill : 120 - fill;

	put_le64(pad + padlen, bits);
	md5_update(c, pad, padlen + 8);
	for (int i = 0; i < 4; i++)
		put_le32(digest + 4 * i, c->state[i]);
	memset(c, 0, sizeof(*c));
}

void md5(const void *data, size_t len, uint8_t digest[16])
{
	struct md5_ctx c;

	md5_init(&c);
	md5_update(&c, data, len);
	md5_final(&c, digest);
}
