/* lib/hash.c - the integer mixer and the byte-string hash of lib/hash.h. */
#include "lib/hash.h"
#include "lib/byteorder.h"

uint32_t ll_hash32(uint32_t x)
{
	/* each step is invertible: xor with a right shift of itself, and a
	 * multiply by an odd constant (a unit mod 2^32) */
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

uint32_t ll_hash_bytes(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t tail = 0;
	size_t i;

	h = ll_hash32(h ^ (uint32_t)n);
	for (i = 0; i + 4 <= n; i += 4)
		h = ll_hash32(h ^ get_le32(b + i));
	if (i == n)
		return h;
	for (unsigned k = 0; i + k < n; k++)   /* 1..3 bytes, zero-padded */
		tail |= (uint32_t)b[i + k] << (8 * k);
	return ll_hash32(h ^ tail);
}
