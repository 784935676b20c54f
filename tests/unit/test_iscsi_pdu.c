/* tests/unit/test_iscsi_pdu.c - iSCSI BHS codec against hand-written byte
 * vectors (RFC 7143 layouts), strict decode checks, digests with the RFC
 * 7143 appendix B.4 CRC32C vectors, sense data, serial arithmetic. */
#include "tests/lib/check.h"
#include "iscsi/pdu.h"
#include "lib/err.h"

/* Decode v, check it re-encodes to the same 48 bytes. */
static void roundtrip(const uint8_t *v, struct iscsi_pdu *p)
{
	uint8_t out[48];
	CHECK_EQ(iscsi_pdu_decode(v, 48, 65536, 0, p), 0);
	CHECK_EQ(iscsi_pdu_encode(p, out), 0);
	CHECK(memcmp(out, v, 48) == 0);
}

static void test_login_request(void)
{
	static const uint8_t v[48] = {
		0x43, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, /* I|Login, T CSG0 NSG1, DSL 32 */
		0x80, 0x12, 0x34, 0x56, 0x78, 0x9a, 0x00, 0x00, /* ISID, TSIH 0 */
		0x00, 0x00, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, /* ITT 1, CID 2 */
		0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, /* CmdSN 5, ExpStatSN 0 */
	};
	struct iscsi_pdu p;
	roundtrip(v, &p);
	CHECK_EQ(p.opcode, ISCSI_OP_LOGIN_REQ);
	CHECK(p.immediate);
	CHECK_EQ(p.data_len, 32);
	CHECK_EQ(iscsi_login_csg(p.flags), 0);
	CHECK_EQ(iscsi_login_nsg(p.flags), 1);
	CHECK(p.flags & ISCSI_LOGIN_TRANSIT);
	CHECK_EQ(p.isid[0], 0x80);
	CHECK_EQ(p.isid[5], 0x9a);
	CHECK_EQ(p.itt, 1);
	CHECK_EQ(p.cid, 2);
	CHECK_EQ(p.cmdsn, 5);
	CHECK_EQ(iscsi_login_flags(true, false, 0, 1), 0x81);
	CHECK_EQ(iscsi_login_flags(false, true, 1, 3), 0x47);
}

static void test_scsi_read10(void)
{
	static const uint8_t v[48] = {
		0x01, 0xc1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* F R SIMPLE */
		0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* LUN 1 */
		0x12, 0x34, 0x56, 0x78, 0x00, 0x00, 0x10, 0x00, /* ITT, EDTL 4096 */
		0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x03, /* CmdSN 7, ExpStatSN 3 */
		0x28, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, /* READ(10) LBA 0x1000 */
		0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 8 blocks */
	};
	struct iscsi_pdu p;
	roundtrip(v, &p);
	CHECK_EQ(p.opcode, ISCSI_OP_SCSI_CMD);
	CHECK(!p.immediate);
	CHECK_EQ(p.flags, ISCSI_FLAG_FINAL | ISCSI_CMD_READ | ISCSI_ATTR_SIMPLE);
	CHECK_EQ(p.lun[1], 1);
	CHECK_EQ(p.itt, 0x12345678);
	CHECK_EQ(p.xfer_len, 4096);
	CHECK_EQ(p.cmdsn, 7);
	CHECK_EQ(p.expstatsn, 3);
	CHECK_EQ(p.cdb[0], 0x28);
	CHECK_EQ(p.cdb[4], 0x10);
	CHECK_EQ(p.cdb[8], 8);
}

static void test_data_in_with_status(void)
{
	static const uint8_t v[48] = {
		0x25, 0x83, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, /* F U S, status 0, DSL 512 */
		0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x12, 0x34, 0x56, 0x78, 0xff, 0xff, 0xff, 0xff, /* ITT, TTT reserved */
		0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x08, /* StatSN 3, ExpCmdSN 8 */
		0x00, 0x00, 0x00, 0x27, 0x00, 0x00, 0x00, 0x02, /* MaxCmdSN 39, DataSN 2 */
		0x00, 0x00, 0x0e, 0x00, 0x00, 0x00, 0x02, 0x00, /* offset 3584, residual 512 */
	};
	struct iscsi_pdu p;
	roundtrip(v, &p);
	CHECK_EQ(p.opcode, ISCSI_OP_DATA_IN);
	CHECK(p.flags & ISCSI_DATA_STATUS);
	CHECK_EQ(p.status, SAM_STAT_GOOD);
	CHECK_EQ(p.data_len, 512);
	CHECK_EQ(p.ttt, ISCSI_RESERVED_TAG);
	CHECK_EQ(p.statsn, 3);
	CHECK_EQ(p.expcmdsn, 8);
	CHECK_EQ(p.maxcmdsn, 39);
	CHECK_EQ(p.datasn, 2);
	CHECK_EQ(p.buffer_offset, 3584);
	CHECK_EQ(iscsi_pdu_residual(&p), 512);
	CHECK_EQ(iscsi_pdu_wire_len(0, 512, true, true), 48 + 4 + 512 + 4);
}

static void test_r2t(void)
{
	static const uint8_t v[48] = {
		0x31, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x0a, 0xab, 0xcd, 0x00, 0x01, /* ITT 10, TTT */
		0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x09,
		0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x01, /* MaxCmdSN 40, R2TSN 1 */
		0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, /* offset 64K, DDTL 64K */
	};
	struct iscsi_pdu p;
	roundtrip(v, &p);
	CHECK_EQ(p.opcode, ISCSI_OP_R2T);
	CHECK_EQ(p.itt, 10);
	CHECK_EQ(p.ttt, 0xabcd0001u);
	CHECK_EQ(p.statsn, 4);
	CHECK_EQ(p.datasn, 1);
	CHECK_EQ(p.buffer_offset, 65536);
	CHECK_EQ(p.xfer_len, 65536);
}

static void test_nop_in(void)
{
	static const uint8_t v[48] = {
		0x20, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x42, /* ITT none, TTT 0x42 */
		0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x0a,
		0x00, 0x00, 0x00, 0x29,
	};
	struct iscsi_pdu p;
	roundtrip(v, &p);
	CHECK_EQ(p.opcode, ISCSI_OP_NOP_IN);
	CHECK_EQ(p.itt, ISCSI_RESERVED_TAG);
	CHECK_EQ(p.ttt, 0x42);
	CHECK_EQ(p.statsn, 5);
	CHECK_EQ(p.expcmdsn, 10);
	CHECK_EQ(p.maxcmdsn, 41);
}

static void test_scsi_response_and_sense(void)
{
	static const uint8_t v[48] = {
		0x21, 0x80, 0x00, 0x02, 0x00, 0x00, 0x00, 0x14, /* CHECK CONDITION, DSL 20 */
		0, 0, 0, 0, 0, 0, 0, 0,
		0x00, 0x00, 0x00, 0x07, 0, 0, 0, 0,
		0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x0b,
		0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x00,
	};
	/* SenseLength 18, fixed sense: ILLEGAL REQUEST, LBA out of range 21/00 */
	static const uint8_t data[20] = {
		0x00, 0x12, 0x70, 0x00, 0x05, 0, 0, 0, 0, 0x0a,
		0, 0, 0, 0, 0x21, 0x00, 0, 0, 0, 0,
	};
	struct iscsi_pdu p;
	const uint8_t *sense;
	uint32_t sl;
	struct scsi_sense s;
	roundtrip(v, &p);
	CHECK_EQ(p.status, SAM_STAT_CHECK_CONDITION);
	CHECK_EQ(p.response, ISCSI_RESPONSE_COMPLETED);
	CHECK_EQ(iscsi_rsp_sense(data, p.data_len, &sense, &sl), 0);
	CHECK_EQ(sl, 18);
	CHECK(sense == data + 2);
	CHECK_EQ(scsi_sense_parse(sense, sl, &s), 0);
	CHECK_EQ(s.key, 5);
	CHECK_EQ(s.asc, 0x21);
	CHECK_EQ(s.ascq, 0);
	/* SenseLength past the segment */
	CHECK_EQ(iscsi_rsp_sense(data, 19, &sense, &sl), LL_EPDU);
	CHECK_EQ(iscsi_rsp_sense(data, 1, &sense, &sl), LL_EPDU);
	CHECK_EQ(iscsi_rsp_sense(data, 0, &sense, &sl), 0);
	CHECK_EQ(sl, 0);
	/* descriptor format: NOT READY 04/01 */
	static const uint8_t desc[8] = { 0x72, 0x02, 0x04, 0x01 };
	CHECK_EQ(scsi_sense_parse(desc, 8, &s), 0);
	CHECK_EQ(s.key, 2);
	CHECK_EQ(s.asc, 4);
	CHECK_EQ(s.ascq, 1);
	CHECK_EQ(scsi_sense_parse(desc, 3, &s), LL_EPDU);
	CHECK_EQ(scsi_sense_parse((const uint8_t *)"\x10\0\0\0", 4, &s), LL_EPDU);
}

static void test_overflow_residual(void)
{
	struct iscsi_pdu p = { .opcode = ISCSI_OP_SCSI_RSP,
			       .flags = ISCSI_FLAG_FINAL | ISCSI_RSP_OVERFLOW,
			       .residual = 100 };
	uint8_t b[48];
	CHECK_EQ(iscsi_pdu_encode(&p, b), 0);
	CHECK_EQ(b[1], 0x84);
	CHECK_EQ(b[47], 100);
	CHECK_EQ(iscsi_pdu_decode(b, 48, 0, 0, &p), 0);
	CHECK_EQ(iscsi_pdu_residual(&p), -100);
}

static void test_other_opcodes_encode(void)
{
	struct iscsi_pdu p = { .opcode = ISCSI_OP_LOGOUT_REQ, .immediate = true,
			       .flags = 0x80 | ISCSI_LOGOUT_CLOSE_SESSION,
			       .itt = 9, .cid = 1, .cmdsn = 0x11, .expstatsn = 0x22 };
	uint8_t b[48];
	CHECK_EQ(iscsi_pdu_encode(&p, b), 0);
	CHECK_EQ(b[0], 0x46);
	CHECK_EQ(b[1], 0x80);
	CHECK_EQ(b[21], 1);
	CHECK_EQ(b[27], 0x11);
	CHECK_EQ(b[31], 0x22);
	/* Data-Out: ExpStatSN at 28, DataSN at 36, offset at 40 */
	struct iscsi_pdu d = { .opcode = ISCSI_OP_DATA_OUT, .flags = 0x80,
			       .data_len = 0x010203, .itt = 1, .ttt = 2,
			       .expstatsn = 3, .datasn = 4, .buffer_offset = 5 };
	CHECK_EQ(iscsi_pdu_encode(&d, b), 0);
	CHECK_EQ(b[5], 1);
	CHECK_EQ(b[6], 2);
	CHECK_EQ(b[7], 3);
	CHECK_EQ(b[23], 2);
	CHECK_EQ(b[27], 0);
	CHECK_EQ(b[31], 3);
	CHECK_EQ(b[39], 4);
	CHECK_EQ(b[43], 5);
	/* logout response times, async params */
	static const uint8_t lr[48] = {
		0x26, 0x80, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2,
		0, 0, 0, 3, 0, 0, 0, 0, 0x00, 0x02, 0x00, 0x14,
	};
	CHECK_EQ(iscsi_pdu_decode(lr, 48, 0, 0, &p), 0);
	CHECK_EQ(p.time2wait, 2);
	CHECK_EQ(p.time2retain, 20);
	static const uint8_t am[48] = {
		0x32, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2,
		0, 0, 0, 3, 0x01, 0x00, 0x00, 0x05, 0x00, 0x06, 0x00, 0x07,
	};
	CHECK_EQ(iscsi_pdu_decode(am, 48, 0, 0, &p), 0);
	CHECK_EQ(p.async_event, ISCSI_ASYNC_LOGOUT_REQUEST);
	CHECK_EQ(p.async_param[0], 5);
	CHECK_EQ(p.async_param[2], 7);
	CHECK_EQ(strcmp(iscsi_opcode_name(ISCSI_OP_R2T), "R2T"), 0);
	CHECK_EQ(strcmp(iscsi_opcode_name(0x07), "unknown"), 0);
}

static void test_strict_decode(void)
{
	uint8_t b[48] = { 0x25, 0x81 };
	struct iscsi_pdu p;
	CHECK_EQ(iscsi_pdu_decode(b, 48, 0, 0, &p), 0);
	CHECK_EQ(iscsi_pdu_decode(b, 47, 0, 0, &p), LL_EPDU);   /* short */
	b[1] = 0x01;                                            /* S without F */
	CHECK_EQ(iscsi_pdu_decode(b, 48, 0, 0, &p), LL_EPDU);
	b[1] = 0x86;                                            /* U and O */
	CHECK_EQ(iscsi_pdu_decode(b, 48, 0, 0, &p), LL_EPDU);
	b[1] = 0x80;
	b[0] = 0x07;                                            /* unknown opcode */
	CHECK_EQ(iscsi_pdu_decode(b, 48, 0, 0, &p), LL_EPDU);
	b[0] = 0xa5;                                            /* reserved bit 7 */
	CHECK_EQ(iscsi_pdu_decode(b, 48, 0, 0, &p), LL_EPDU);
	b[0] = 0x25;
	b[6] = 0x20;                                            /* DSL 8192 */
	CHECK_EQ(iscsi_pdu_decode(b, 48, 8192, 0, &p), 0);
	CHECK_EQ(iscsi_pdu_decode(b, 48, 8191, 0, &p), LL_EPDU);
	b[4] = 1;                                               /* 4 bytes AHS */
	CHECK_EQ(iscsi_pdu_decode(b, 48, 8192, 0, &p), LL_EPDU);
	CHECK_EQ(iscsi_pdu_decode(b, 48, 8192, 4, &p), 0);
	/* R2T and SCSI Response must carry bit 7 */
	uint8_t r[48] = { 0x31, 0x00 };
	CHECK_EQ(iscsi_pdu_decode(r, 48, 0, 0, &p), LL_EPDU);
	/* login: T with C, CSG 3, NSG 2, NSG not after CSG */
	uint8_t l[48] = { 0x23, 0xc1 };
	CHECK_EQ(iscsi_pdu_decode(l, 48, 0, 0, &p), LL_EPDU);
	l[1] = 0x0c;
	CHECK_EQ(iscsi_pdu_decode(l, 48, 0, 0, &p), LL_EPDU);
	l[1] = 0x86;
	CHECK_EQ(iscsi_pdu_decode(l, 48, 0, 0, &p), LL_EPDU);
	l[1] = 0x84;
	CHECK_EQ(iscsi_pdu_decode(l, 48, 0, 0, &p), LL_EPDU);
	l[1] = 0x87;
	CHECK_EQ(iscsi_pdu_decode(l, 48, 0, 0, &p), 0);
	/* Reject needs the rejected header in its data */
	uint8_t j[48] = { 0x3f, 0x80, 0x04, 0, 0, 0, 0, 0x2f };
	CHECK_EQ(iscsi_pdu_decode(j, 48, 8192, 0, &p), LL_EPDU);
	j[7] = 0x30;
	CHECK_EQ(iscsi_pdu_decode(j, 48, 8192, 0, &p), 0);
	CHECK_EQ(p.response, ISCSI_REJECT_PROTOCOL_ERROR);
	/* encode refuses unknown opcodes and 25-bit lengths */
	struct iscsi_pdu e = { .opcode = 0x11 };
	CHECK_EQ(iscsi_pdu_encode(&e, b), LL_EPDU);
	e.opcode = ISCSI_OP_NOP_OUT;
	e.data_len = 0x1000000;
	CHECK_EQ(iscsi_pdu_encode(&e, b), LL_EPDU);
}

static void test_digests(void)
{
	uint8_t buf[48], out[4];
	/* RFC 7143 B.4 */
	memset(buf, 0, 32);
	iscsi_digest_put(out, iscsi_data_digest(buf, 32));
	CHECK(memcmp(out, "\xaa\x36\x91\x8a", 4) == 0);
	memset(buf, 0xff, 32);
	iscsi_digest_put(out, iscsi_data_digest(buf, 32));
	CHECK(memcmp(out, "\x43\xab\xa8\x62", 4) == 0);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)i;
	CHECK_EQ(iscsi_data_digest(buf, 32), 0x46dd794e);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)(31 - i);
	CHECK_EQ(iscsi_data_digest(buf, 32), 0x113fdb5c);
	static const uint8_t rd[48] = {
		0x01, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x14, 0, 0, 0, 0, 0, 0x04, 0, 0, 0, 0, 0x14, 0, 0, 0, 0x18,
		0x28, 0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0,
	};
	iscsi_digest_put(out, iscsi_header_digest(rd, 48));
	CHECK(memcmp(out, "\x56\x3a\x96\xd9", 4) == 0);
	CHECK_EQ(iscsi_digest_get(out), 0xd9963a56);
	/* padding: "abcde" digests as "abcde\0\0\0" */
	CHECK_EQ(iscsi_data_digest("abcde", 5), 0xecea8b83);
	CHECK_EQ(iscsi_data_digest("123456789", 9), iscsi_data_digest("123456789\0\0", 12));
}

static void test_wire_len(void)
{
	CHECK_EQ(iscsi_pdu_wire_len(0, 0, false, false), 48);
	CHECK_EQ(iscsi_pdu_wire_len(0, 0, true, true), 52);  /* no data digest */
	CHECK_EQ(iscsi_pdu_wire_len(2, 1, false, false), 48 + 8 + 4);
	CHECK_EQ(iscsi_pdu_wire_len(1, 5, true, true), 48 + 4 + 4 + 8 + 4);
	CHECK_EQ(iscsi_pdu_wire_len(255, 0xffffff, true, true),
		 48 + 1020 + 4 + 0x1000000 + 4);
	CHECK_EQ(iscsi_pad4(0), 0);
	CHECK_EQ(iscsi_pad4(1), 4);
	CHECK_EQ(iscsi_pad4(8), 8);
}

static void test_serial_arithmetic(void)
{
	CHECK(sna_lt(1, 2));
	CHECK(!sna_lt(2, 1));
	CHECK(!sna_lt(5, 5));
	CHECK(sna_le(5, 5));
	CHECK(sna_lt(0xffffffffu, 0));          /* across the wrap */
	CHECK(sna_lt(0xfffffff0u, 0x10));
	CHECK(sna_gt(0x10, 0xfffffff0u));
	CHECK(!sna_gt(0xfffffff0u, 0x10));
	CHECK(sna_lt(0, 0x7fffffffu));
	CHECK(!sna_lt(0, 0x80000000u));         /* undefined distance */
	CHECK(!sna_gt(0, 0x80000000u));
	CHECK(sna_gt(0, 0x80000001u));
	CHECK(sna_ge(0, 0xffffffffu));
	CHECK(sna_in_window(0, 0xfffffffeu, 3));
	CHECK(sna_in_window(3, 0xfffffffeu, 3));
	CHECK(!sna_in_window(4, 0xfffffffeu, 3));
	CHECK(!sna_in_window(0xfffffffdu, 0xfffffffeu, 3));
	/* MaxCmdSN = ExpCmdSN - 1 means an empty window */
	CHECK(!sna_in_window(10, 10, 9));
}

int main(void)
{
	check_suite = "iscsi_pdu";
	RUN(test_login_request);
	RUN(test_scsi_read10);
	RUN(test_data_in_with_status);
	RUN(test_r2t);
	RUN(test_nop_in);
	RUN(test_scsi_response_and_sense);
	RUN(test_overflow_residual);
	RUN(test_other_opcodes_encode);
	RUN(test_strict_decode);
	RUN(test_digests);
	RUN(test_wire_len);
	RUN(test_serial_arithmetic);
	return CHECK_DONE();
}
