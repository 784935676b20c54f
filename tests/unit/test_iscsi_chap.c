/* tests/unit/test_iscsi_chap.c - CHAP-MD5 responses against digests made
 * with `printf ... | md5sum`, and against MD5 of one concatenated buffer;
 * hex and base64 binary values; mutual CHAP verification; bounds. */
#include "tests/lib/check.h"
#include "iscsi/chap.h"
#include "lib/err.h"
#include "lib/md5.h"

static const uint8_t chal16[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
				    13, 14, 15, 16 };

static void test_response_vector(void)
{
	/* printf '\x2asecretsecret\x01...\x10' | md5sum */
	uint8_t r[16];
	char hex[CHAP_HEX_LEN(16)];
	chap_response(0x2a, "secretsecret", 12, chal16, 16, r);
	CHECK_EQ(chap_encode_hex(r, 16, hex, sizeof(hex)), 34);
	CHECK(strcmp(hex, "0xf1e0f843607477a0605c5a874f334c82") == 0);
	/* second path: MD5 of the concatenation in one buffer */
	uint8_t cat[1 + 12 + 16], r2[16];
	cat[0] = 0x2a;
	memcpy(cat + 1, "secretsecret", 12);
	memcpy(cat + 13, chal16, 16);
	md5(cat, sizeof(cat), r2);
	CHECK(memcmp(r, r2, 16) == 0);
	/* printf '\x00target-secret\xde\xad\xbe\xef' | md5sum */
	chap_response(0, "target-secret", 13, (const uint8_t *)"\xde\xad\xbe\xef", 4, r);
	chap_encode_hex(r, 16, hex, sizeof(hex));
	CHECK(strcmp(hex, "0x4b53946bff6ae5881c62b84f34179cd1") == 0);
	CHECK_EQ(chap_encode_hex(r, 16, hex, 34), LL_EMSGSIZE);
}

static void test_decode_hex(void)
{
	uint8_t b[32];
	size_t n;
	const char *h = "0x0102030405060708090A0b0c0d0e0f10";
	CHECK_EQ(chap_decode_binary(h, strlen(h), b, sizeof(b), &n), 0);
	CHECK_EQ(n, 16);
	CHECK(memcmp(b, chal16, 16) == 0);
	CHECK_EQ(chap_decode_binary("0X1", 3, b, sizeof(b), &n), 0); /* odd */
	CHECK_EQ(n, 1);
	CHECK_EQ(b[0], 1);
	CHECK_EQ(chap_decode_binary("0xabc", 5, b, sizeof(b), &n), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(b[0], 0x0a);
	CHECK_EQ(b[1], 0xbc);
	CHECK_EQ(chap_decode_binary("0x", 2, b, sizeof(b), &n), LL_EINVAL);
	CHECK_EQ(chap_decode_binary("0xzz", 4, b, sizeof(b), &n), LL_EINVAL);
	CHECK_EQ(chap_decode_binary("1234", 4, b, sizeof(b), &n), LL_EINVAL);
	CHECK_EQ(chap_decode_binary(h, strlen(h), b, 15, &n), LL_EMSGSIZE);
}

static void test_decode_base64(void)
{
	uint8_t b[32];
	size_t n;
	/* printf '\x01..\x10' | base64 */
	CHECK_EQ(chap_decode_binary("0bAQIDBAUGBwgJCgsMDQ4PEA==", 26, b, sizeof(b), &n), 0);
	CHECK_EQ(n, 16);
	CHECK(memcmp(b, chal16, 16) == 0);
	CHECK_EQ(chap_decode_binary("0bAQIDBAUGBwgJCgsMDQ4PEA", 24, b, sizeof(b), &n), 0);
	CHECK_EQ(n, 16);
	CHECK_EQ(chap_decode_binary("0B//4=", 6, b, sizeof(b), &n), 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(b[0], 0xff);
	CHECK_EQ(b[1], 0xfe);
	CHECK_EQ(chap_decode_binary("0b/w==", 6, b, sizeof(b), &n), 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(b[0], 0xff);
	CHECK_EQ(chap_decode_binary("0b/x==", 6, b, sizeof(b), &n), LL_EINVAL); /* stray bits */
	CHECK_EQ(chap_decode_binary("0b/w=", 5, b, sizeof(b), &n), LL_EINVAL);  /* bad pad */
	CHECK_EQ(chap_decode_binary("0bA", 3, b, sizeof(b), &n), LL_EINVAL);    /* 1 char */
	CHECK_EQ(chap_decode_binary("0bA*==", 6, b, sizeof(b), &n), LL_EINVAL);
	CHECK_EQ(chap_decode_binary("0b====", 6, b, sizeof(b), &n), LL_EINVAL);
	CHECK_EQ(chap_decode_binary("0bAQIDBAUGBwgJCgsMDQ4PEA==", 26, b, 15, &n), LL_EMSGSIZE);
}

static void test_mutual(void)
{
	struct chap_prng r1, r2;
	uint8_t id1, id2, c1[16], c2[16], resp[16];
	char hex[CHAP_HEX_LEN(16)];
	chap_prng_seed(&r1, 1234);
	chap_prng_seed(&r2, 1234);
	chap_make_challenge(&r1, &id1, c1);
	chap_make_challenge(&r2, &id2, c2);
	CHECK_EQ(id1, id2);
	CHECK(memcmp(c1, c2, 16) == 0);              /* deterministic per seed */
	chap_make_challenge(&r1, &id2, c2);
	CHECK(memcmp(c1, c2, 16) != 0);              /* advances */
	/* a target answering correctly */
	chap_response(id1, "tgt-secret12", 12, c1, 16, resp);
	chap_encode_hex(resp, 16, hex, sizeof(hex));
	CHECK_EQ(chap_verify(id1, "tgt-secret12", 12, c1, 16, hex, 34), 0);
	CHECK_EQ(chap_verify(id1, "tgt-secret13", 12, c1, 16, hex, 34), LL_EAUTH);
	CHECK_EQ(chap_verify((uint8_t)(id1 + 1), "tgt-secret12", 12, c1, 16, hex, 34), LL_EAUTH);
	CHECK_EQ(chap_verify(id1, "tgt-secret12", 12, c1, 16, hex, 32), LL_EAUTH); /* short */
	CHECK_EQ(chap_verify(id1, "tgt-secret12", 12, c1, 16, "garbage", 7), LL_EAUTH);
}

int main(void)
{
	check_suite = "iscsi_chap";
	RUN(test_response_vector);
	RUN(test_decode_hex);
	RUN(test_decode_base64);
	RUN(test_mutual);
	return CHECK_DONE();
}
