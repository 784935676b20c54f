/* tests/unit/test_iscsi_login.c - scripted login conversations against
 * responses crafted here: no auth with a T=0 round (tgtd), one-way and
 * mutual CHAP (right and wrong target answers), status codes, redirect,
 * C-bit continuation both ways, unknown keys, malformed responses. */
#include "tests/lib/check.h"
#include <stdlib.h>
#include "iscsi/login.h"
#include "lib/err.h"

static struct iscsi_login L;
static struct login_settings S;
static uint8_t bhs[48], data[LOGIN_PDU_DATA_MAX];
static uint32_t dlen;
static struct iscsi_pdu req;
static uint32_t statsn;

static void settings(const char *user, const char *pass, const char *ruser,
		     const char *rpass)
{
	static const uint8_t isid[6] = { 0x80, 0x12, 0x34, 0x56, 0x78, 0x9a };
	memset(&S, 0, sizeof(S));
	S.ls_initiator_name = "iqn.2026-01.org.example:host1";
	S.ls_target_name = "iqn.2026-01.org.example:disk";
	memcpy(S.ls_isid, isid, 6);
	S.ls_itt = 0x77;
	S.ls_cmdsn = 1;
	S.ls_username = user;
	S.ls_password = pass;
	S.ls_reverse_username = ruser;
	S.ls_reverse_password = rpass;
	S.ls_chap_seed = 99;
	neg_settings_default(&S.ls_neg);
	statsn = 100;
}

/* Take the next request from the state machine and decode it. */
static void tx(void)
{
	CHECK_EQ(login_tx(&L, bhs, data, sizeof(data), &dlen), 0);
	CHECK_EQ(iscsi_pdu_decode(bhs, 48, LOGIN_PDU_DATA_MAX, 0, &req), 0);
	CHECK_EQ(req.opcode, ISCSI_OP_LOGIN_REQ);
	CHECK(req.immediate);
	CHECK_EQ(req.data_len, dlen);
	CHECK_EQ(req.itt, 0x77);
	CHECK_EQ(req.cmdsn, 1);
}

/* "key=value" present as a whole pair in the last request's text? */
static int has(const char *pair)
{
	size_t n = strlen(pair) + 1;
	if (dlen >= n && memcmp(data, pair, n) == 0)
		return 1;
	for (uint32_t i = 0; i + n <= dlen; i++)
		if (data[i] == 0 && i + 1 + n <= dlen && memcmp(data + i + 1, pair, n) == 0)
			return 1;
	return 0;
}

/* Find the value of key in the last request (copied to out). */
static int value_of(const char *key, char *out, size_t cap)
{
	size_t kl = strlen(key);
	for (uint32_t i = 0; i < dlen; ) {
		const char *pr = (const char *)data + i;
		size_t l = strnlen(pr, dlen - i);
		if (l > kl && memcmp(pr, key, kl) == 0 && pr[kl] == '=') {
			snprintf(out, cap, "%.*s", (int)(l - kl - 1), pr + kl + 1);
			return 1;
		}
		i += (uint32_t)l + 1;
	}
	return 0;
}

static int rx_full(uint8_t flags, uint16_t status, uint16_t tsih,
		   const char *text, size_t len)
{
	struct iscsi_pdu p = { .opcode = ISCSI_OP_LOGIN_RSP, .flags = flags,
			       .data_len = (uint32_t)len, .itt = 0x77,
			       .statsn = statsn++, .expcmdsn = 1, .maxcmdsn = 32,
			       .tsih = tsih, .status_class = (uint8_t)(status >> 8),
			       .status_detail = (uint8_t)status };
	uint8_t b[48];
	memcpy(p.isid, S.ls_isid, 6);
	CHECK_EQ(iscsi_pdu_encode(&p, b), 0);
	return login_rx(&L, b, (const uint8_t *)text, (uint32_t)len);
}
#define RX(flags, text) rx_full(flags, 0, 0, text, sizeof(text) - 1)

/* Response flag bytes: T CSG NSG */
#define SEC_T_OP   0x81
#define SEC_STAY   0x00
#define OP_STAY    0x04
#define OP_T_FFP   0x87

static void test_no_auth_tgtd_like(void)
{
	settings(NULL, NULL, NULL, NULL);
	CHECK_EQ(login_init(&L, &S), 0);
	tx();
	CHECK_EQ(req.flags, 0x81);                  /* T, CSG 0, NSG 1 */
	CHECK(memcmp(req.isid, S.ls_isid, 6) == 0);
	CHECK_EQ(req.tsih, 0);
	CHECK(has("InitiatorName=iqn.2026-01.org.example:host1"));
	CHECK(has("TargetName=iqn.2026-01.org.example:disk"));
	CHECK(has("SessionType=Normal"));
	CHECK(has("AuthMethod=None"));
	CHECK_EQ(RX(SEC_T_OP, "AuthMethod=None\0TargetPortalGroupTag=1\0"), LOGIN_SEND);
	tx();
	CHECK_EQ(req.flags, 0x87);                  /* T, CSG 1, NSG 3 */
	CHECK_EQ(req.expstatsn, 101);
	CHECK(has("HeaderDigest=None"));
	CHECK(has("MaxRecvDataSegmentLength=262144"));
	CHECK(has("ErrorRecoveryLevel=0"));
	/* tgtd: answers only non-default values, and withholds transit */
	CHECK_EQ(RX(OP_STAY, "InitialR2T=Yes\0MaxBurstLength=262144\0"), LOGIN_SEND);
	tx();
	CHECK_EQ(req.flags, 0x87);
	CHECK_EQ(dlen, 0);                          /* nothing owed, ask again */
	CHECK_EQ(req.expstatsn, 102);
	CHECK_EQ(rx_full(OP_T_FFP, 0, 0x1234, "", 0), LOGIN_DONE);
	CHECK_EQ(L.lg_step, LOGIN_FULL_FEATURE);
	CHECK_EQ(L.lg_tsih, 0x1234);
	CHECK_EQ(L.lg_expstatsn, 103);
	CHECK_EQ(L.lg_maxcmdsn, 32);
	CHECK_EQ(L.lg_params.max_send_dsl, 8192);
	CHECK_EQ(L.lg_params.initial_r2t, 1);
	CHECK_EQ(L.lg_params.immediate_data, 1);
	CHECK_EQ(L.lg_params.max_burst, 262144);
	CHECK_EQ(L.lg_params.target_portal_group_tag, 1);
	CHECK_EQ(login_tx(&L, bhs, data, sizeof(data), &dlen), LL_EINVAL);
}

/* A target that declares its TargetPortalGroupTag only in the last
 * login response (transit to full feature): the value is kept. */
static void test_tpgt_in_last_response(void)
{
	settings(NULL, NULL, NULL, NULL);
	CHECK_EQ(login_init(&L, &S), 0);
	tx();
	CHECK_EQ(RX(SEC_T_OP, "AuthMethod=None\0"), LOGIN_SEND);
	tx();
	CHECK_EQ(rx_full(OP_T_FFP, 0, 0x99, "TargetPortalGroupTag=4097\0",
			 sizeof("TargetPortalGroupTag=4097\0") - 1), LOGIN_DONE);
	CHECK_EQ(L.lg_params.target_portal_group_tag, 4097);
}

/* Run the CHAP exchange up to our CHAP_R (id 0x2a, challenge 01..10). */
static void chap_until_response(void)
{
	tx();
	CHECK_EQ(req.flags, 0x00);                  /* no T until authenticated */
	CHECK_EQ(RX(SEC_STAY, "AuthMethod=CHAP\0"), LOGIN_SEND);
	tx();
	CHECK(has("CHAP_A=5"));
	CHECK_EQ(req.flags, 0x00);
	CHECK_EQ(RX(SEC_STAY, "CHAP_A=5\0CHAP_I=42\0"
		    "CHAP_C=0x0102030405060708090a0b0c0d0e0f10\0"), LOGIN_SEND);
	tx();
	CHECK_EQ(req.flags, 0x81);
	CHECK(has("CHAP_N=user"));
	/* printf '\x2asecretsecret\x01..\x10' | md5sum */
	CHECK(has("CHAP_R=0xf1e0f843607477a0605c5a874f334c82"));
}

static void test_chap_one_way(void)
{
	settings("user", "secretsecret", NULL, NULL);
	CHECK_EQ(login_init(&L, &S), 0);
	tx();
	CHECK(has("AuthMethod=CHAP,None"));
	L.lg_tx_off = 0;                            /* resend the first request */
	chap_until_response();
	CHECK(!has("CHAP_C=0x0102030405060708090a0b0c0d0e0f10"));
	CHECK_EQ(RX(SEC_T_OP, ""), LOGIN_SEND);
	tx();
	CHECK_EQ(req.flags, 0x87);
	CHECK(has("DataDigest=None"));
	CHECK_EQ(RX(OP_T_FFP, ""), LOGIN_DONE);
}

static void test_chap_base64_challenge(void)
{
	settings("user", "secretsecret", NULL, NULL);
	CHECK_EQ(login_init(&L, &S), 0);
	tx();
	CHECK_EQ(RX(SEC_STAY, "AuthMethod=CHAP\0"), LOGIN_SEND);
	tx();
	CHECK_EQ(RX(SEC_STAY, "CHAP_A=5\0CHAP_I=0x2a\0CHAP_C=0bAQIDBAUGBwgJCgsMDQ4PEA==\0"),
		 LOGIN_SEND);
	tx();
	CHECK(has("CHAP_R=0xf1e0f843607477a0605c5a874f334c82"));
}

static void test_chap_failures(void)
{
	settings("user", "wrong-secret", NULL, NULL);
	CHECK_EQ(login_init(&L, &S), 0);
	tx();
	CHECK_EQ(RX(SEC_STAY, "AuthMethod=CHAP\0"), LOGIN_SEND);
	tx();
	CHECK_EQ(RX(SEC_STAY, "CHAP_A=5\0CHAP_I=1\0CHAP_C=0x01\0"), LOGIN_SEND);
	tx();
	/* the target refuses our CHAP_R: status 0x0201 */
	CHECK_EQ(rx_full(SEC_STAY, 0x0201, 0, "", 0), LL_EAUTH);
	CHECK_EQ(login_tx(&L, bhs, data, sizeof(data), &dlen), LL_EAUTH);
	/* CHAP_A other than MD5 */
	settings("user", "secretsecret", NULL, NULL);
	login_init(&L, &S);
	tx();
	RX(SEC_STAY, "AuthMethod=CHAP\0");
	tx();
	CHECK_EQ(RX(SEC_STAY, "CHAP_A=7\0CHAP_I=1\0CHAP_C=0x01\0"), LL_EAUTH);
	/* no challenge */
	login_init(&L, &S);
	tx();
	RX(SEC_STAY, "AuthMethod=CHAP\0");
	tx();
	CHECK_EQ(RX(SEC_STAY, "CHAP_A=5\0CHAP_I=1\0"), LL_EAUTH);
	/* malformed challenge, over-long challenge */
	login_init(&L, &S);
	tx();
	RX(SEC_STAY, "AuthMethod=CHAP\0");
	tx();
	CHECK_EQ(RX(SEC_STAY, "CHAP_A=5\0CHAP_I=1\0CHAP_C=0xZZ\0"), LL_EAUTH);
	login_init(&L, &S);
	tx();
	RX(SEC_STAY, "AuthMethod=CHAP\0");
	tx();
	static char big[8 + 2 + 2050 + 1 + 20];
	size_t n = 0;
	n += (size_t)sprintf(big, "CHAP_C=0x");
	memset(big + n, 'a', 2050);                 /* 1025 bytes */
	n += 2050;
	big[n++] = 0;
	CHECK_EQ(rx_full(SEC_STAY, 0, 0, big, n), LL_EAUTH);
	/* target picks a method we did not offer */
	login_init(&L, &S);
	tx();
	CHECK_EQ(RX(SEC_STAY, "AuthMethod=SRP\0"), LL_EAUTH);
	/* no AuthMethod in the answer at all */
	login_init(&L, &S);
	tx();
	CHECK_EQ(RX(SEC_STAY, "TargetAlias=x\0"), LL_EAUTH);
}

/* Mutual CHAP: answer our CHAP_I/CHAP_C with the given reverse secret. */
static int mutual_with_target_secret(const char *tsecret, const char *tname)
{
	char ci[8], cc[64], text[128];
	uint8_t chal[16], r[16];
	size_t cl;
	settings("user", "secretsecret", "target", "target-secret");
	CHECK_EQ(login_init(&L, &S), 0);
	tx();
	CHECK(has("AuthMethod=CHAP"));              /* None not acceptable */
	L.lg_tx_off = 0;
	chap_until_response();
	CHECK(value_of("CHAP_I", ci, sizeof(ci)));
	CHECK(value_of("CHAP_C", cc, sizeof(cc)));
	CHECK_EQ(strlen(cc), 34);
	CHECK_EQ(chap_decode_binary(cc, strlen(cc), chal, sizeof(chal), &cl), 0);
	chap_response((uint8_t)atoi(ci), tsecret, strlen(tsecret), chal, cl, r);
	int n = snprintf(text, sizeof(text), "CHAP_N=%s", tname);
	n++;
	memcpy(text + n, "CHAP_R=", 7);
	chap_encode_hex(r, 16, text + n + 7, sizeof(text) - (size_t)n - 7);
	n += 7 + 34 + 1;
	return rx_full(SEC_T_OP, 0, 0, text, (size_t)n);
}

static void test_mutual_chap(void)
{
	CHECK_EQ(mutual_with_target_secret("target-secret", "target"), LOGIN_SEND);
	tx();
	CHECK_EQ(req.flags, 0x87);
	CHECK_EQ(RX(OP_T_FFP, ""), LOGIN_DONE);
	/* wrong target secret */
	CHECK_EQ(mutual_with_target_secret("target-secreT", "target"), LL_EAUTH);
	CHECK_EQ(L.lg_step, LOGIN_FAILED);
	/* wrong target name */
	CHECK_EQ(mutual_with_target_secret("target-secret", "intruder"), LL_EAUTH);
	/* target grants transit without proving itself */
	settings("user", "secretsecret", "target", "target-secret");
	login_init(&L, &S);
	chap_until_response();
	CHECK_EQ(RX(SEC_T_OP, ""), LL_EAUTH);
	/* target stays in the security stage and never sends CHAP_N/CHAP_R */
	login_init(&L, &S);
	chap_until_response();
	CHECK_EQ(RX(SEC_STAY, ""), LL_EAUTH);
	CHECK_EQ(L.lg_step, LOGIN_FAILED);
	login_init(&L, &S);
	chap_until_response();
	CHECK_EQ(RX(SEC_STAY, "CHAP_N=target\0"), LL_EAUTH);
	/* target declines to authenticate at all */
	login_init(&L, &S);
	tx();
	CHECK_EQ(RX(SEC_STAY, "AuthMethod=None\0"), LL_EAUTH);
	/* a target reflecting our own challenge: same seed -> same challenge */
	struct chap_prng pr;
	uint8_t id, ours[16];
	char hex[40], text[128];
	chap_prng_seed(&pr, 99);
	chap_make_challenge(&pr, &id, ours);
	chap_encode_hex(ours, 16, hex, sizeof(hex));
	login_init(&L, &S);
	tx();
	RX(SEC_STAY, "AuthMethod=CHAP\0");
	tx();
	int n = snprintf(text, sizeof(text), "CHAP_A=5%cCHAP_I=1%cCHAP_C=%s", 0, 0, hex) + 1;
	CHECK_EQ(rx_full(SEC_STAY, 0, 0, text, (size_t)n), LL_EAUTH);
}

static void test_status_codes(void)
{
	settings(NULL, NULL, NULL, NULL);
	login_init(&L, &S);
	tx();
	CHECK_EQ(rx_full(SEC_STAY, 0x0203, 0, "", 0), LL_ENOTARGET);
	CHECK_EQ(L.lg_status, 0x0203);
	login_init(&L, &S);
	tx();
	CHECK_EQ(rx_full(SEC_STAY, 0x0204, 0, "", 0), LL_ENOTARGET);
	login_init(&L, &S);
	tx();
	CHECK_EQ(rx_full(SEC_STAY, 0x0201, 0, "", 0), LL_EAUTH);
	login_init(&L, &S);
	tx();
	CHECK_EQ(rx_full(SEC_STAY, 0x0202, 0, "", 0), LL_ELOGIN);
	login_init(&L, &S);
	tx();
	CHECK_EQ(rx_full(SEC_STAY, 0x0301, 0, "", 0), LL_ELOGIN);
	CHECK_EQ(login_status_error(0, 0), 0);
	CHECK_EQ(login_status_error(3, 2), LL_ELOGIN);
}

static void test_redirect(void)
{
	settings(NULL, NULL, NULL, NULL);
	login_init(&L, &S);
	tx();
	static const char t[] = "TargetAddress=10.0.0.9:3261,1\0";
	CHECK_EQ(rx_full(SEC_STAY, 0x0101, 0, t, sizeof(t) - 1), LOGIN_REDIRECTED);
	CHECK_EQ(L.lg_redirect_ip, 0x0a000009);
	CHECK_EQ(L.lg_redirect_port, 3261);
	login_init(&L, &S);
	tx();
	static const char t2[] = "TargetAddress=192.168.7.1\0";
	CHECK_EQ(rx_full(SEC_STAY, 0x0102, 0, t2, sizeof(t2) - 1), LOGIN_REDIRECTED);
	CHECK_EQ(L.lg_redirect_ip, 0xc0a80701);
	CHECK_EQ(L.lg_redirect_port, 3260);
	login_init(&L, &S);
	tx();
	CHECK_EQ(rx_full(SEC_STAY, 0x0101, 0, "", 0), LL_EREDIRECT);
	login_init(&L, &S);
	tx();
	static const char t3[] = "TargetAddress=storage.example.com:3260\0";
	CHECK_EQ(rx_full(SEC_STAY, 0x0101, 0, t3, sizeof(t3) - 1), LL_EREDIRECT);
	uint32_t ip;
	uint16_t port;
	CHECK_EQ(login_parse_target_address("1.2.3.4:0", 9, &ip, &port), LL_EINVAL);
	CHECK_EQ(login_parse_target_address("1.2.3.4:", 8, &ip, &port), LL_EINVAL);
	CHECK_EQ(login_parse_target_address("1.2.3.4:65536", 13, &ip, &port), LL_EINVAL);
	CHECK_EQ(login_parse_target_address("[::1]:3260", 10, &ip, &port), LL_EINVAL);
}

static void test_continuation_from_target(void)
{
	settings(NULL, NULL, NULL, NULL);
	login_init(&L, &S);
	tx();
	CHECK_EQ(rx_full(0x40, 0, 0, "TargetAl", 8), LOGIN_SEND);   /* C=1 */
	tx();
	CHECK_EQ(dlen, 0);
	CHECK_EQ(req.flags, 0x00);                  /* T=0 while receiving */
	static const char rest[] = "ias=boot disk\0AuthMethod=None\0";
	CHECK_EQ(rx_full(SEC_T_OP, 0, 0, rest, sizeof(rest) - 1), LOGIN_SEND);
	tx();
	CHECK_EQ(req.flags, 0x87);
	CHECK_EQ(RX(OP_T_FFP, ""), LOGIN_DONE);
	CHECK(strcmp(L.lg_params.target_alias, "boot disk") == 0);
}

/* 500 unknown keys: our NotUnderstood answers pass 8192 bytes and go out
 * in two PDUs, the first with C=1. */
static void test_continuation_to_target(void)
{
	static char t[6000];
	size_t n = 0;
	settings(NULL, NULL, NULL, NULL);
	login_init(&L, &S);
	tx();
	RX(SEC_T_OP, "AuthMethod=None\0");
	tx();
	for (int i = 0; i < 500; i++)
		n += (size_t)sprintf(t + n, "X-k%03d=1", i) + 1;
	CHECK_EQ(rx_full(OP_STAY, 0, 0, t, n), LOGIN_SEND);
	tx();
	CHECK_EQ(dlen, 8192);
	CHECK_EQ(req.flags, 0x44);                  /* C=1, T=0, CSG 1 */
	CHECK(has("X-k000=NotUnderstood"));
	CHECK_EQ(RX(OP_STAY, ""), LOGIN_SEND);
	tx();
	CHECK_EQ(dlen, 500 * 21 - 8192);
	CHECK_EQ(req.flags, 0x87);
	CHECK(has("X-k499=NotUnderstood"));
	CHECK_EQ(RX(OP_T_FFP, ""), LOGIN_DONE);
}

static void test_unknown_key_answered(void)
{
	settings(NULL, NULL, NULL, NULL);
	login_init(&L, &S);
	tx();
	/* the target offers a key of its own before we offered ours */
	CHECK_EQ(RX(SEC_T_OP, "AuthMethod=None\0X-vendor.Thing=on\0"
		    "DataDigest=CRC32C,None\0"), LOGIN_SEND);
	tx();
	CHECK(has("X-vendor.Thing=NotUnderstood"));
	CHECK(has("DataDigest=None"));               /* our answer, once */
	CHECK(memmem(data, dlen, "DataDigest", 10) == memmem(data, dlen, "DataDigest=None", 15));
	CHECK(has("ImmediateData=Yes"));
	CHECK_EQ(RX(OP_STAY, "MaxOutstandingR2T=4\0"), LOGIN_SEND);
	tx();
	CHECK(!has("MaxOutstandingR2T=4"));         /* an answer needs no reply */
	CHECK_EQ(dlen, 0);
	/* a list as an answer to our single-value offer is wrong */
	CHECK_EQ(RX(OP_STAY, "HeaderDigest=CRC32C,None\0"), LL_ENEGOTIATE);
	CHECK_EQ(L.lg_params.max_outstanding_r2t, 0);
	settings(NULL, NULL, NULL, NULL);
	login_init(&L, &S);
	tx();
	RX(SEC_T_OP, "AuthMethod=None\0");
	tx();
	CHECK_EQ(RX(OP_STAY, "MaxOutstandingR2T=4\0"), LOGIN_SEND);
	tx();
	CHECK_EQ(RX(OP_T_FFP, ""), LOGIN_DONE);
	CHECK_EQ(L.lg_params.max_outstanding_r2t, 1);
}

static void test_digest_required(void)
{
	settings(NULL, NULL, NULL, NULL);
	S.ls_neg.ns_header_digest = NEG_DIGEST_REQUIRE;
	login_init(&L, &S);
	tx();
	RX(SEC_T_OP, "AuthMethod=None\0");
	tx();
	CHECK(has("HeaderDigest=CRC32C"));
	CHECK_EQ(RX(OP_T_FFP, "HeaderDigest=None\0"), LL_ENEGOTIATE);
	login_init(&L, &S);
	tx();
	RX(SEC_T_OP, "AuthMethod=None\0");
	tx();
	CHECK_EQ(RX(OP_T_FFP, "HeaderDigest=CRC32C\0"), LOGIN_DONE);
	CHECK_EQ(L.lg_params.header_digest, 1);
}

/* tgtd's refusals as captured: version bytes and ISID zero, only the ITT
 * echoed; the status must still decide (not "malformed"). */
static void test_refusal_zero_isid_tgtd(void)
{
	uint8_t b[48] = { 0x23 };
	static const char reject[] = "TargetPortalGroupTag=1\0AuthMethod=Reject\0";

	b[19] = 0x77;                 /* ITT */
	b[36] = 0x02;
	b[37] = 0x03;                 /* not found */
	settings(NULL, NULL, NULL, NULL);
	login_init(&L, &S);
	tx();
	CHECK_EQ(login_rx(&L, b, NULL, 0), LL_ENOTARGET);
	b[37] = 0x01;                 /* authentication failure */
	b[7] = sizeof(reject) - 1;
	login_init(&L, &S);
	tx();
	CHECK_EQ(login_rx(&L, b, (const uint8_t *)reject, sizeof(reject) - 1), LL_EAUTH);
	/* a success response must still carry our ISID */
	b[36] = b[37] = 0;
	b[7] = 0;
	b[1] = 0x81;
	login_init(&L, &S);
	tx();
	CHECK_EQ(login_rx(&L, b, NULL, 0), LL_EPDU);
}

static void test_malformed_responses(void)
{
	settings(NULL, NULL, NULL, NULL);
	login_init(&L, &S);
	tx();
	/* wrong ITT */
	struct iscsi_pdu p = { .opcode = ISCSI_OP_LOGIN_RSP, .itt = 0x78 };
	uint8_t b[48];
	memcpy(p.isid, S.ls_isid, 6);
	iscsi_pdu_encode(&p, b);
	CHECK_EQ(login_rx(&L, b, NULL, 0), LL_EPDU);
	/* wrong opcode */
	login_init(&L, &S);
	tx();
	p.itt = 0x77;
	p.opcode = ISCSI_OP_TEXT_RSP;
	iscsi_pdu_encode(&p, b);
	CHECK_EQ(login_rx(&L, b, NULL, 0), LL_EPDU);
	/* data_len disagreeing with the BHS */
	login_init(&L, &S);
	tx();
	p.opcode = ISCSI_OP_LOGIN_RSP;
	iscsi_pdu_encode(&p, b);
	CHECK_EQ(login_rx(&L, b, (const uint8_t *)"A=1", 4), LL_EPDU);
	/* text without final NUL */
	login_init(&L, &S);
	tx();
	CHECK_EQ(rx_full(SEC_T_OP, 0, 0, "AuthMethod=None", 15), LL_EPDU);
	/* transit to FFP when we asked for operational */
	login_init(&L, &S);
	tx();
	CHECK_EQ(RX(0x83, "AuthMethod=None\0"), LL_ELOGIN);
	/* CSG that is not ours */
	login_init(&L, &S);
	tx();
	CHECK_EQ(RX(0x04, "AuthMethod=None\0"), LL_ELOGIN);
	/* transit while we did not ask (CHAP pending) */
	settings("user", "secretsecret", NULL, NULL);
	login_init(&L, &S);
	tx();
	CHECK_EQ(RX(SEC_T_OP, "AuthMethod=CHAP\0"), LL_ELOGIN);
	/* a target that never grants transit runs out of rounds */
	settings(NULL, NULL, NULL, NULL);
	login_init(&L, &S);
	int rc = 0, i;
	for (i = 0; i < 100; i++) {
		tx();
		rc = i == 0 ? RX(SEC_STAY, "AuthMethod=None\0") : RX(SEC_STAY, "");
		if (rc != LOGIN_SEND)
			break;
	}
	CHECK_EQ(rc, LL_ELOGIN);
	CHECK_EQ(i, LOGIN_MAX_ROUNDS);
}

static void test_settings_checked(void)
{
	settings(NULL, NULL, NULL, NULL);
	S.ls_initiator_name = "";
	CHECK_EQ(login_init(&L, &S), LL_ESETTING);
	settings(NULL, NULL, NULL, NULL);
	S.ls_target_name = NULL;
	CHECK_EQ(login_init(&L, &S), LL_ESETTING);
	S.ls_neg.ns_discovery = true;               /* discovery needs none */
	CHECK_EQ(login_init(&L, &S), 0);
	tx();
	CHECK(has("SessionType=Discovery"));
	CHECK(memmem(data, dlen, "TargetName", 10) == NULL);
	settings("user", NULL, NULL, NULL);
	CHECK_EQ(login_init(&L, &S), LL_ESETTING);
	settings(NULL, NULL, "t", "tsecret");
	CHECK_EQ(login_init(&L, &S), LL_ESETTING);
	CHECK_EQ(login_tx(&L, bhs, data, sizeof(data), &dlen), LL_ESETTING);
}

int main(void)
{
	check_suite = "iscsi_login";
	RUN(test_no_auth_tgtd_like);
	RUN(test_tpgt_in_last_response);
	RUN(test_chap_one_way);
	RUN(test_chap_base64_challenge);
	RUN(test_chap_failures);
	RUN(test_mutual_chap);
	RUN(test_status_codes);
	RUN(test_redirect);
	RUN(test_continuation_from_target);
	RUN(test_continuation_to_target);
	RUN(test_unknown_key_answered);
	RUN(test_digest_required);
	RUN(test_refusal_zero_isid_tgtd);
	RUN(test_malformed_responses);
	RUN(test_settings_checked);
	return CHECK_DONE();
}
