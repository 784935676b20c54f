/* tests/unit/test_lib_md5.c - MD5 against the RFC 1321 appendix A.5 test
 * suite, padding-boundary lengths (expected values from an independent
 * implementation), and incremental updates split at every point. */
#include <stdint.h>
#include "tests/lib/check.h"
#include "lib/md5.h"

static void hex(const uint8_t d[16], char out[33])
{
	for (int i = 0; i < 16; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static int md5_is(const void *data, size_t len, const char *want)
{
	uint8_t d[16];
	char h[33];
	md5(data, len, d);
	hex(d, h);
	if (strcmp(h, want) != 0) {
		printf("  md5 of %zu bytes: %s, want %s\n", len, h, want);
		return 0;
	}
	return 1;
}

static void test_rfc1321_suite(void)
{
	static const struct { const char *msg, *digest; } v[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz",
		  "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  "d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "1234567890123456789012345678901234567890"
		  "1234567890123456789012345678901234567890",
		  "57edf4a22be3c955ac49da2e2107b67a" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		CHECK(md5_is(v[i].msg, strlen(v[i].msg), v[i].digest));
}

static void test_padding_boundaries(void)
{
	static const struct { size_t n; const char *digest; } v[] = {
		{ 55, "52c0e574e1198de5fe3f8f11440dcb1b" },
		{ 56, "46c9907fc908ee68b1e7b8e71286a518" },
		{ 57, "1c805dd236c35cab25fcb1bc73802c51" },
		{ 63, "a62f6d59e837867693f042f5b8f5a236" },
		{ 64, "7160b8fb5e9e4023d549c3971fbaeead" },
		{ 65, "70bd662e7aefbda85a0f7244167b7897" },
		{ 119, "e84905d4214f4d1ca56c2cdcc152b143" },
		{ 120, "e3eb5a6c8669ea01a8c185b8abc8a5dc" },
		{ 128, "10b2da1a82f16d99a81a7203fe9f02cb" },
	};
	uint8_t buf[128];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		CHECK(md5_is(buf, v[i].n, v[i].digest));
}

static void test_incremental(void)
{
	const char *msg = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t len = strlen(msg);
	uint8_t whole[16], parts[16];
	md5(msg, len, whole);
	for (size_t a = 0; a <= len; a += 3)
		for (size_t b = a; b <= len; b += 11) {
			struct md5_ctx c;
			md5_init(&c);
			md5_update(&c, msg, a);
			md5_update(&c, msg + a, b - a);
			md5_update(&c, msg + b, len - b);
			md5_final(&c, parts);
			CHECK(memcmp(whole, parts, 16) == 0);
		}
}

static void test_million_a(void)
{
	static uint8_t chunk[1000];
	struct md5_ctx c;
	uint8_t d[16];
	char h[33];
	memset(chunk, 'a', sizeof(chunk));
	md5_init(&c);
	for (int i = 0; i < 1000; i++)
		md5_update(&c, chunk, sizeof(chunk));
	md5_final(&c, d);
	hex(d, h);
	CHECK(strcmp(h, "7707d6ae4e027c70eea2a935c2296f21") == 0);
}

int main(void)
{
	check_suite = "lib_md5";
	RUN(test_rfc1321_suite);
	RUN(test_padding_boundaries);
	RUN(test_incremental);
	RUN(test_million_a);
	return CHECK_DONE();
}
