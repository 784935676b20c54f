/* iscsi/chap.h - CHAP for iSCSI login (RFC 1994 with MD5, RFC 7143
 * section 12.1.3): responses, binary values in 0x-hex or 0b-base64, and our
 * own challenge for mutual CHAP from a caller-seeded generator. */
#ifndef ISCSI_CHAP_H
#define ISCSI_CHAP_H
#include <stddef.h>
#include <stdint.h>

#define CHAP_DIGEST_LEN    16      /* MD5 */
#define CHAP_OUR_CHAL_LEN  16      /* challenge we send for mutual CHAP */
#define CHAP_SECRET_MAX    255
#define CHAP_NAME_MAX      255
/* hex text of a binary value: "0x" + 2 digits per byte + NUL */
#define CHAP_HEX_LEN(n)    (2 + 2 * (n) + 1)

/* Deterministic generator the caller seeds (from the TSC, a MAC...). */
struct chap_prng {
	uint64_t cp_state;
};
void chap_prng_seed(struct chap_prng *r, uint64_t seed);
uint32_t chap_prng_next(struct chap_prng *r);

/* Decode a binary value: "0x"/"0X" hex (odd digit count: leading 0
 * implied) or "0b"/"0B" base64 (RFC 4648, padding optional). Returns 0
 * and *out_len; LL_EINVAL when malformed, LL_EMSGSIZE when over cap. */
int chap_decode_binary(const char *val, size_t vlen, uint8_t *out, size_t cap,
		       size_t *out_len);
/* Encode as "0x" lower-case hex with a NUL; returns the length without
 * NUL, or LL_EMSGSIZE. */
int chap_encode_hex(const uint8_t *bin, size_t n, char *out, size_t cap);

/* CHAP_R = MD5(id || secret || challenge). */
void chap_response(uint8_t id, const void *secret, size_t secret_len,
		   const uint8_t *chal, size_t chal_len,
		   uint8_t out[CHAP_DIGEST_LEN]);

/* Our side of mutual CHAP: pick CHAP_I and CHAP_C. */
void chap_make_challenge(struct chap_prng *r, uint8_t *id,
			 uint8_t chal[CHAP_OUR_CHAL_LEN]);

/* Check the target's CHAP_R text against MD5(id || secret || chal).
 * 0 on match; LL_EAUTH on mismatch or malformed value. Constant time in
 * the digest comparison. */
int chap_verify(uint8_t id, const void *secret, size_t secret_len,
		const uint8_t *chal, size_t chal_len,
		const char *resp, size_t resp_len);

#endif
