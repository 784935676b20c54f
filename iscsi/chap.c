/* iscsi/chap.c - CHAP-MD5 responses, hex/base64 binary values and mutual
 * CHAP challenges for the iSCSI login (RFC 1994, RFC 7143 12.1.3). */
#include "iscsi/chap.h"
#include "lib/err.h"
#include "lib/md5.h"
#include "lib/mem.h"

void chap_prng_seed(struct chap_prng *r, uint64_t seed)
{
	r->cp_state = seed;
}

/* splitmix64: every seed, including 0, gives a full-period stream. */
uint32_t chap_prng_next(struct chap_prng *r)
{
	uint64_t z = (r->cp_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static int decode_hex(const char *s, size_t n, uint8_t *out, size_t cap,
		      size_t *out_len)
{
	size_t bytes = (n + 1) / 2, i = 0, o = 0;

	if (n == 0)
		return LL_EINVAL;
	if (bytes > cap)
		return LL_EMSGSIZE;
	if (n & 1) {                    /* leading 0 implied */
		int v = ll_hexval(s[0]);
		if (v < 0)
			return LL_EINVAL;
		out[o++] = (uint8_t)v;
		i = 1;
	}
	for (; i < n; i += 2) {
		int hi = ll_hexval(s[i]), lo = ll_hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return LL_EINVAL;
		out[o++] = (uint8_t)(hi << 4 | lo);
	}
	*out_len = o;
	return 0;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return LL_EINVAL;
}

static int decode_base64(const char *s, size_t n, uint8_t *out, size_t cap,
			 size_t *out_len)
{
	uint32_t acc = 0;
	size_t bits = 0, o = 0, pad = 0;

	while (pad < 2 && n > 0 && s[n - 1] == '=') {
		n--;
		pad++;
	}
	if (n == 0 || n % 4 == 1 || (pad && (n + pad) % 4))
		return LL_EINVAL;
	for (size_t i = 0; i < n; i++) {
		int v = b64_value(s[i]);
		if (v < 0)
			return LL_EINVAL;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return LL_EMSGSIZE;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (acc & ((1u << bits) - 1))   /* leftover bits must be zero */
		return LL_EINVAL;
	*out_len = o;
	return 0;
}

int chap_decode_binary(const char *val, size_t vlen, uint8_t *out, size_t cap,
		       size_t *out_len)
{
	if (vlen < 3 || val[0] != '0')
		return LL_EINVAL;
	if (val[1] == 'x' || val[1] == 'X')
		return decode_hex(val + 2, vlen - 2, out, cap, out_len);
	if (val[1] == 'b' || val[1] == 'B')
		return decode_base64(val + 2, vlen - 2, out, cap, out_len);
	return LL_EINVAL;
}

int chap_encode_hex(const uint8_t *bin, size_t n, char *out, size_t cap)
{
	static const char digits[] = "0123456789abcdef";

	if (cap < CHAP_HEX_LEN(n))
		return LL_EMSGSIZE;
	out[0] = '0';
	out[1] = 'x';
	for (size_t i = 0; i < n; i++) {
		out[2 + 2 * i] = digits[bin[i] >> 4];
		out[3 + 2 * i] = digits[bin[i] & 15];
	}
	out[2 + 2 * n] = '\0';
	return (int)(2 + 2 * n);
}

void chap_response(uint8_t id, const void *secret, size_t secret_len,
		   const uint8_t *chal, size_t chal_len,
		   uint8_t out[CHAP_DIGEST_LEN])
{
	struct md5_ctx c;

	md5_init(&c);
	md5_update(&c, &id, 1);
	md5_update(&c, secret, secret_len);
	md5_update(&c, chal, chal_len);
	md5_final(&c, out);
}

void chap_make_challenge(struct chap_prng *r, uint8_t *id,
			 uint8_t chal[CHAP_OUR_CHAL_LEN])
{
	for (size_t i = 0; i < CHAP_OUR_CHAL_LEN; i += 4) {
		uint32_t v = chap_prng_next(r);
		memcpy(chal + i, &v, 4);
	}
	*id = (uint8_t)chap_prng_next(r);
}

int chap_verify(uint8_t id, const void *secret, size_t secret_len,
		const uint8_t *chal, size_t chal_len,
		const char *resp, size_t resp_len)
{
	uint8_t want[CHAP_DIGEST_LEN], got[CHAP_DIGEST_LEN + 1];
	size_t got_len;
	uint8_t diff = 0;

	if (chap_decode_binary(resp, resp_len, got, sizeof(got), &got_len) ||
	    got_len != CHAP_DIGEST_LEN)
		return LL_EAUTH;
	chap_response(id, secret, secret_len, chal, chal_len, want);
	for (size_t i = 0; i < CHAP_DIGEST_LEN; i++)
		diff |= (uint8_t)(want[i] ^ got[i]);
	return diff ? LL_EAUTH : 0;
}
