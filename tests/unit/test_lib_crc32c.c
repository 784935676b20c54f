/* tests/unit/test_lib_crc32c.c - CRC32C against the RFC 3720 / RFC 7143
 * appendix vectors and the "123456789" check value, chaining of pieces, and
 * the table and SSE4.2 versions agreeing at every length and alignment. */
#include <stdint.h>
#include "tests/lib/check.h"
#include "lib/crc32c.h"

static uint8_t buf[4096 + 16];

/* Check one vector through all three entry points. */
#define CHECK_CRC(data, len, want)                                        \
	do {                                                              \
		CHECK_EQ(crc32c_table(0, data, len), want);               \
		CHECK_EQ(crc32c(0, data, len), want);                     \
		if (crc32c_hw_available())                                \
			CHECK_EQ(crc32c_hw(0, data, len), want);          \
	} while (0)

static void test_rfc_vectors(void)
{
	uint8_t v[32];
	memset(v, 0, 32);
	CHECK_CRC(v, 32, 0x8A9136AAu);
	memset(v, 0xff, 32);
	CHECK_CRC(v, 32, 0x62A8AB43u);
	for (int i = 0; i < 32; i++)
		v[i] = (uint8_t)i;
	CHECK_CRC(v, 32, 0x46DD794Eu);
	for (int i = 0; i < 32; i++)
		v[i] = (uint8_t)(31 - i);
	CHECK_CRC(v, 32, 0x113FDB5Cu);
	CHECK_CRC("123456789", 9, 0xE3069283u);
	CHECK_CRC("", 0, 0);
	CHECK_CRC("a", 1, 0xC1D04330u);
}

/* RFC 3720 B.4: an iSCSI SCSI Read (10) command PDU header, 48 bytes. */
static void test_rfc_read10_pdu(void)
{
	static const uint8_t pdu[48] = {
		0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
		0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18,
		0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	CHECK_CRC(pdu, sizeof(pdu), 0xD9963A56u);
}

static void test_chaining(void)
{
	for (size_t i = 0; i < 300; i++)
		buf[i] = (uint8_t)(i * 13 + 7);
	uint32_t whole = crc32c_table(0, buf, 300);
	for (size_t cut = 0; cut <= 300; cut += 7) {
		uint32_t part = crc32c(crc32c(0, buf, cut), buf + cut, 300 - cut);
		CHECK_EQ(part, whole);
		part = crc32c_table(crc32c_table(0, buf, cut), buf + cut,
				    300 - cut);
		CHECK_EQ(part, whole);
	}
	/* three pieces of the check string */
	uint32_t c = crc32c(0, "123", 3);
	c = crc32c(c, "4", 1);
	c = crc32c(c, "56789", 5);
	CHECK_EQ(c, 0xE3069283u);
}

static void test_table_matches_hw(void)
{
	uint32_t rnd = 0x9e3779b9;
	int mismatches = 0;
	if (!crc32c_hw_available()) {
		printf("  (no SSE4.2 on this CPU: crc32c_hw falls back)\n");
	}
	for (size_t i = 0; i < sizeof(buf); i++) {
		rnd = rnd * 1664525u + 1013904223u;
		buf[i] = (uint8_t)(rnd >> 24);
	}
	for (int round = 0; round < 2000; round++) {
		rnd = rnd * 1664525u + 1013904223u;
		size_t off = (rnd >> 4) % 16;
		size_t len = (rnd >> 12) % 4096;
		uint32_t seed = round & 1 ? rnd : 0;
		if (crc32c_table(seed, buf + off, len) !=
		    crc32c_hw(seed, buf + off, len))
			mismatches++;
	}
	for (size_t len = 0; len < 40; len++)
		for (size_t off = 0; off < 9; off++)
			if (crc32c_table(0, buf + off, len) !=
			    crc32c_hw(0, buf + off, len))
				mismatches++;
	CHECK_EQ(mismatches, 0);
}

/* The table against the bit-at-a-time definition of the CRC. */
static void test_table_against_bitwise(void)
{
	int mismatches = 0;
	for (unsigned b = 0; b < 256; b++) {
		uint8_t byte = (uint8_t)b;
		uint32_t c = ~0u ^ byte;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		if (crc32c_table(0, &byte, 1) != ~c)
			mismatches++;
	}
	CHECK_EQ(mismatches, 0);
}

int main(void)
{
	check_suite = "lib_crc32c";
	printf("  sse4.2: %s\n", crc32c_hw_available() ? "yes" : "no");
	RUN(test_rfc_vectors);
	RUN(test_rfc_read10_pdu);
	RUN(test_chaining);
	RUN(test_table_matches_hw);
	RUN(test_table_against_bitwise);
	return CHECK_DONE();
}
