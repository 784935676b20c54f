/* tests/unit/test_iscsi_negotiate.c - operational key negotiation: our
 * offer text, tgtd-like answers that omit default keys, result functions,
 * target-initiated offers, digests required but refused, bad values. */
#include "tests/lib/check.h"
#include "iscsi/negotiate.h"
#include "lib/err.h"

static char rbuf[1024];
static struct text_buf reply;

/* Feed a NUL-separated text (sizeof-1 length) through neg_consume. */
static int feed(struct iscsi_neg *n, const char *t, size_t len)
{
	size_t pos = 0;
	struct text_pair kv;
	int rc;
	text_buf_init(&reply, rbuf, sizeof(rbuf));
	while ((rc = text_next(t, len, &pos, &kv)) == 1) {
		rc = neg_consume(n, &kv, &reply);
		if (rc)
			return rc;
	}
	return rc;
}
#define FEED(n, lit) feed(n, lit, sizeof(lit) - 1)

static void test_offer_text(void)
{
	struct neg_settings s;
	struct iscsi_neg n;
	char buf[1024];
	struct text_buf tb;
	neg_settings_default(&s);
	s.ns_header_digest = NEG_DIGEST_PREFER;
	s.ns_data_digest = NEG_DIGEST_REQUIRE;
	neg_init(&n, &s);
	text_buf_init(&tb, buf, sizeof(buf));
	CHECK_EQ(neg_offer(&n, &tb), 0);
	static const char want[] =
		"HeaderDigest=CRC32C,None\0DataDigest=CRC32C\0"
		"MaxRecvDataSegmentLength=262144\0MaxBurstLength=16776192\0"
		"FirstBurstLength=262144\0InitialR2T=No\0ImmediateData=Yes\0"
		"MaxConnections=1\0MaxOutstandingR2T=1\0DataPDUInOrder=Yes\0"
		"DataSequenceInOrder=Yes\0DefaultTime2Wait=0\0DefaultTime2Retain=0\0"
		"ErrorRecoveryLevel=0\0";
	CHECK_EQ(tb.tb_len, sizeof(want) - 1);
	CHECK(memcmp(buf, want, sizeof(want) - 1) == 0);
	/* offered keys are not offered again */
	text_buf_init(&tb, buf, sizeof(buf));
	CHECK_EQ(neg_offer(&n, &tb), 0);
	CHECK_EQ(tb.tb_len, 0);
	/* discovery offers digests and MRDSL only */
	s.ns_discovery = true;
	neg_init(&n, &s);
	text_buf_init(&tb, buf, sizeof(buf));
	CHECK_EQ(neg_offer(&n, &tb), 0);
	CHECK_EQ(tb.tb_len, strlen("HeaderDigest=CRC32C,None") + 1 + strlen("DataDigest=CRC32C") + 1 +
		 strlen("MaxRecvDataSegmentLength=262144") + 1);
}

/* tgtd answers only keys whose value differs from the RFC default, and
 * never states its MaxRecvDataSegmentLength of 8192. */
static void test_tgtd_like(void)
{
	struct neg_settings s;
	struct iscsi_neg n;
	struct iscsi_params p;
	char buf[1024];
	struct text_buf tb;
	neg_settings_default(&s);
	neg_init(&n, &s);
	text_buf_init(&tb, buf, sizeof(buf));
	neg_offer(&n, &tb);
	CHECK_EQ(FEED(&n, "HeaderDigest=None\0DataDigest=None\0InitialR2T=Yes\0"
		     "MaxBurstLength=262144\0DefaultTime2Wait=2\0"), 0);
	CHECK_EQ(reply.tb_len, 0);                 /* answers need no reply */
	CHECK_EQ(neg_finish(&n, &p), 0);
	CHECK_EQ(p.header_digest, 0);
	CHECK_EQ(p.max_send_dsl, 8192);            /* unstated: RFC default */
	CHECK_EQ(p.max_recv_dsl, 262144);
	CHECK_EQ(p.max_burst, 262144);
	CHECK_EQ(p.first_burst, 65536);            /* min(262144, default 65536) */
	CHECK_EQ(p.initial_r2t, 1);                /* OR(No, Yes) */
	CHECK_EQ(p.immediate_data, 1);             /* AND(Yes, default Yes) */
	CHECK_EQ(p.max_connections, 1);
	CHECK_EQ(p.max_outstanding_r2t, 1);
	CHECK_EQ(p.data_pdu_in_order, 1);
	CHECK_EQ(p.default_time2wait, 2);          /* max(0, 2) */
	CHECK_EQ(p.default_time2retain, 0);        /* min(0, default 20) */
	CHECK_EQ(p.error_recovery_level, 0);
}

static void test_result_functions(void)
{
	struct neg_settings s;
	struct iscsi_neg n;
	struct iscsi_params p;
	char buf[1024];
	struct text_buf tb;
	neg_settings_default(&s);
	s.ns_header_digest = NEG_DIGEST_PREFER;
	s.ns_max_outstanding_r2t = 8;
	neg_init(&n, &s);
	text_buf_init(&tb, buf, sizeof(buf));
	neg_offer(&n, &tb);
	CHECK_EQ(FEED(&n, "HeaderDigest=CRC32C\0MaxRecvDataSegmentLength=65536\0"
		     "MaxBurstLength=1048576\0FirstBurstLength=2097152\0"
		     "ImmediateData=No\0InitialR2T=No\0MaxOutstandingR2T=4\0"
		     "DataPDUInOrder=No\0DefaultTime2Wait=5\0DefaultTime2Retain=0\0"
		     "ErrorRecoveryLevel=0\0TargetAlias=disk one\0"
		     "TargetPortalGroupTag=7\0"), 0);
	CHECK_EQ(neg_finish(&n, &p), 0);
	CHECK_EQ(p.header_digest, 1);
	CHECK_EQ(p.max_send_dsl, 65536);
	CHECK_EQ(p.max_burst, 1048576);
	CHECK_EQ(p.first_burst, 262144);           /* min(ours 262144, 2M) */
	CHECK_EQ(p.immediate_data, 0);
	CHECK_EQ(p.initial_r2t, 0);
	CHECK_EQ(p.max_outstanding_r2t, 4);
	CHECK_EQ(p.data_pdu_in_order, 1);          /* OR(Yes, No) */
	CHECK_EQ(p.default_time2wait, 5);
	CHECK_EQ(p.target_portal_group_tag, 7);
	CHECK(strcmp(p.target_alias, "disk one") == 0);
}

static void test_first_burst_capped(void)
{
	struct neg_settings s;
	struct iscsi_neg n;
	struct iscsi_params p;
	char buf[1024];
	struct text_buf tb;
	neg_settings_default(&s);
	neg_init(&n, &s);
	text_buf_init(&tb, buf, sizeof(buf));
	neg_offer(&n, &tb);
	CHECK_EQ(FEED(&n, "MaxBurstLength=4096\0FirstBurstLength=65536\0"), 0);
	CHECK_EQ(neg_finish(&n, &p), 0);
	CHECK_EQ(p.first_burst, 4096);
}

static void test_target_initiated(void)
{
	struct neg_settings s;
	struct iscsi_neg n;
	struct iscsi_params p;
	neg_settings_default(&s);
	s.ns_data_digest = NEG_DIGEST_PREFER;
	neg_init(&n, &s);                          /* nothing offered yet */
	static const char t[] = "DataDigest=None,CRC32C\0MaxBurstLength=65536\0"
				"InitialR2T=Yes\0X-com.example.Foo=1\0IFMarker=No\0";
	CHECK_EQ(feed(&n, t, sizeof(t) - 1), 0);
	static const char want[] = "DataDigest=None\0MaxBurstLength=65536\0"
				   "InitialR2T=Yes\0X-com.example.Foo=NotUnderstood\0"
				   "IFMarker=NotUnderstood\0";
	CHECK_EQ(reply.tb_len, sizeof(want) - 1);
	CHECK(memcmp(rbuf, want, sizeof(want) - 1) == 0);
	/* settled keys are left out of our offer afterwards */
	char buf[1024];
	struct text_buf tb;
	text_buf_init(&tb, buf, sizeof(buf));
	CHECK_EQ(neg_offer(&n, &tb), 0);
	CHECK(memmem(buf, tb.tb_len, "MaxBurstLength", 14) == NULL);
	CHECK(memmem(buf, tb.tb_len, "DataDigest", 10) == NULL);
	CHECK(memmem(buf, tb.tb_len, "HeaderDigest=None", 17) != NULL);
	CHECK_EQ(neg_finish(&n, &p), 0);
	CHECK_EQ(p.data_digest, 0);
	CHECK_EQ(p.max_burst, 65536);
	/* a key negotiated twice is an error */
	CHECK_EQ(FEED(&n, "MaxBurstLength=65536\0"), LL_ENEGOTIATE);
}

static void test_crc_required_but_refused(void)
{
	struct neg_settings s;
	struct iscsi_neg n;
	struct iscsi_params p;
	char buf[1024];
	struct text_buf tb;
	neg_settings_default(&s);
	s.ns_header_digest = NEG_DIGEST_REQUIRE;
	/* answer None to an offer of CRC32C only: not a value we offered */
	neg_init(&n, &s);
	text_buf_init(&tb, buf, sizeof(buf));
	neg_offer(&n, &tb);
	CHECK_EQ(FEED(&n, "HeaderDigest=None\0"), LL_ENEGOTIATE);
	/* target offers only None: we Reject, and finishing fails */
	neg_init(&n, &s);
	CHECK_EQ(FEED(&n, "HeaderDigest=None\0"), 0);
	CHECK(memcmp(rbuf, "HeaderDigest=Reject\0", 20) == 0);
	CHECK_EQ(neg_finish(&n, &p), LL_ENEGOTIATE);
	/* target answers Reject: default None, required -> fail */
	neg_init(&n, &s);
	text_buf_init(&tb, buf, sizeof(buf));
	neg_offer(&n, &tb);
	CHECK_EQ(FEED(&n, "HeaderDigest=Reject\0"), 0);
	CHECK_EQ(neg_finish(&n, &p), LL_ENEGOTIATE);
	/* target silent about the digest: default None -> fail */
	neg_init(&n, &s);
	CHECK_EQ(neg_finish(&n, &p), LL_ENEGOTIATE);
	/* and the happy case */
	neg_init(&n, &s);
	CHECK_EQ(FEED(&n, "HeaderDigest=None,CRC32C\0"), 0);
	CHECK(memcmp(rbuf, "HeaderDigest=CRC32C\0", 20) == 0);
	CHECK_EQ(neg_finish(&n, &p), 0);
	CHECK_EQ(p.header_digest, 1);
}

static void test_bad_values(void)
{
	struct neg_settings s;
	struct iscsi_neg n;
	neg_settings_default(&s);
	neg_init(&n, &s);
	CHECK_EQ(FEED(&n, "MaxRecvDataSegmentLength=511\0"), LL_ENEGOTIATE);
	neg_init(&n, &s);
	CHECK_EQ(FEED(&n, "MaxRecvDataSegmentLength=16777216\0"), LL_ENEGOTIATE);
	neg_init(&n, &s);
	CHECK_EQ(FEED(&n, "ErrorRecoveryLevel=3\0"), LL_ENEGOTIATE);
	neg_init(&n, &s);
	CHECK_EQ(FEED(&n, "InitialR2T=maybe\0"), LL_ENEGOTIATE);
	neg_init(&n, &s);
	CHECK_EQ(FEED(&n, "MaxConnections=0\0"), LL_ENEGOTIATE);
	neg_init(&n, &s);
	CHECK_EQ(FEED(&n, "DefaultTime2Wait=abc\0"), LL_ENEGOTIATE);
	neg_init(&n, &s);
	CHECK_EQ(FEED(&n, "HeaderDigest=MD5\0"), 0);     /* offer: we Reject it */
	CHECK(memcmp(rbuf, "HeaderDigest=Reject\0", 20) == 0);
	neg_init(&n, &s);
	CHECK_EQ(FEED(&n, "TargetPortalGroupTag=65536\0"), LL_ENEGOTIATE);
	/* ERL answered 2 when we offered 0: min keeps 0 */
	struct iscsi_params p;
	char buf[1024];
	struct text_buf tb;
	neg_init(&n, &s);
	text_buf_init(&tb, buf, sizeof(buf));
	neg_offer(&n, &tb);
	CHECK_EQ(FEED(&n, "ErrorRecoveryLevel=2\0"), 0);
	CHECK_EQ(neg_finish(&n, &p), 0);
	CHECK_EQ(p.error_recovery_level, 0);
}

int main(void)
{
	check_suite = "iscsi_negotiate";
	RUN(test_offer_text);
	RUN(test_tgtd_like);
	RUN(test_result_functions);
	RUN(test_first_burst_capped);
	RUN(test_target_initiated);
	RUN(test_crc_required_but_refused);
	RUN(test_bad_values);
	return CHECK_DONE();
}
