/* tests/unit/test_iscsi_text.c - iSCSI key=value text: parsing edge cases,
 * the bounded builder, special values, and C-bit reassembly. */
#include "tests/lib/check.h"
#include "iscsi/text.h"
#include "lib/err.h"

static void test_parse_pairs(void)
{
	static const char t[] = "HeaderDigest=None\0MaxRecvDataSegmentLength=8192\0\0X=\0";
	size_t pos = 0;
	struct text_pair kv;
	uint32_t n;
	CHECK_EQ(text_next(t, sizeof(t) - 1, &pos, &kv), 1);
	CHECK(text_key_is(&kv, "HeaderDigest"));
	CHECK(text_val_is(&kv, "None"));
	CHECK(!text_key_is(&kv, "HeaderDigestX"));
	CHECK_EQ(text_next(t, sizeof(t) - 1, &pos, &kv), 1);
	CHECK_EQ(text_val_u32(&kv, &n), 0);
	CHECK_EQ(n, 8192);
	CHECK_EQ(text_next(t, sizeof(t) - 1, &pos, &kv), 1); /* empty string skipped */
	CHECK(text_key_is(&kv, "X"));
	CHECK_EQ(kv.val_len, 0);
	CHECK_EQ(text_val_u32(&kv, &n), LL_EINVAL);
	CHECK_EQ(text_next(t, sizeof(t) - 1, &pos, &kv), 0);
	CHECK_EQ(text_next(t, sizeof(t) - 1, &pos, &kv), 0);
}

static int parse_one(const char *t, size_t len)
{
	size_t pos = 0;
	struct text_pair kv;
	return text_next(t, len, &pos, &kv);
}

static void test_parse_malformed(void)
{
	CHECK_EQ(parse_one("A=1", 3), LL_EPDU);             /* no final NUL */
	CHECK_EQ(parse_one("A1\0", 3), LL_EPDU);            /* no '=' */
	CHECK_EQ(parse_one("=1\0", 3), LL_EPDU);            /* empty key */
	CHECK_EQ(parse_one("A B=1\0", 6), LL_EPDU);         /* bad key char */
	CHECK_EQ(parse_one("x.y-z+@_9=a=b\0", 14), 1);      /* '=' in value ok */
	char k[80];
	memset(k, 'K', sizeof(k));
	memcpy(k + 63, "=v", 3);                            /* 63-char key */
	CHECK_EQ(parse_one(k, 67), 1);
	memset(k, 'K', sizeof(k));
	memcpy(k + 64, "=v", 3);                            /* 64-char key */
	CHECK_EQ(parse_one(k, 68), LL_EPDU);
	static char big[TEXT_VALUE_MAX + 8];
	memset(big, 'v', sizeof(big));
	big[0] = 'A';
	big[1] = '=';
	big[2 + TEXT_VALUE_MAX] = '\0';
	CHECK_EQ(parse_one(big, 3 + TEXT_VALUE_MAX), 1);
	big[2 + TEXT_VALUE_MAX] = 'v';
	big[3 + TEXT_VALUE_MAX] = '\0';
	CHECK_EQ(parse_one(big, 4 + TEXT_VALUE_MAX), LL_EPDU);
}

static void test_values(void)
{
	struct text_pair kv = { "K", "NotUnderstood", 1, 13 };
	bool b;
	uint32_t n;
	CHECK_EQ(text_val_special(&kv), TEXT_IS_NOT_UNDERSTOOD);
	kv.val = "Reject"; kv.val_len = 6;
	CHECK_EQ(text_val_special(&kv), TEXT_IS_REJECT);
	kv.val = "Irrelevant"; kv.val_len = 10;
	CHECK_EQ(text_val_special(&kv), TEXT_IS_IRRELEVANT);
	kv.val = "Rejected"; kv.val_len = 8;
	CHECK_EQ(text_val_special(&kv), TEXT_VALUE);
	kv.val = "Yes"; kv.val_len = 3;
	CHECK_EQ(text_val_bool(&kv, &b), 0);
	CHECK(b);
	kv.val = "No"; kv.val_len = 2;
	CHECK_EQ(text_val_bool(&kv, &b), 0);
	CHECK(!b);
	kv.val = "yes"; kv.val_len = 3;
	CHECK_EQ(text_val_bool(&kv, &b), LL_EINVAL);
	kv.val = "0x100"; kv.val_len = 5;
	CHECK_EQ(text_val_u32(&kv, &n), 0);
	CHECK_EQ(n, 256);
	kv.val = "4294967296"; kv.val_len = 10;
	CHECK_EQ(text_val_u32(&kv, &n), LL_ERANGE);
	kv.val = "12a"; kv.val_len = 3;
	CHECK(text_val_u32(&kv, &n) < 0);
}

static void test_build(void)
{
	char buf[32];
	struct text_buf tb;
	text_buf_init(&tb, buf, sizeof(buf));
	CHECK_EQ(text_add(&tb, "A", "b"), 0);
	CHECK_EQ(text_add_u32(&tb, "N", 4294967295u), 0);
	CHECK_EQ(text_add_bool(&tb, "B", false), 0);
	CHECK_EQ(tb.tb_len, 4 + 13 + 5);
	CHECK(memcmp(buf, "A=b\0N=4294967295\0B=No\0", 22) == 0);
	CHECK_EQ(text_add(&tb, "Long", "0123456"), LL_EMSGSIZE);  /* 12 > 10 left */
	CHECK(tb.tb_overflow);
	CHECK_EQ(tb.tb_len, 22);
	CHECK_EQ(text_add(&tb, "Fit", "01234"), 0);               /* exactly 10 */
	CHECK_EQ(tb.tb_len, 32);
	CHECK_EQ(text_add(&tb, "bad key", "x"), LL_EINVAL);
	CHECK_EQ(text_add_n(&tb, "K", "a\0b", 3), LL_EINVAL);
	char num[12];
	CHECK_EQ(text_fmt_u32(num, 0), 1);
	CHECK(strcmp(num, "0") == 0);
	CHECK_EQ(text_fmt_u32(num, 65536), 5);
	CHECK(strcmp(num, "65536") == 0);
}

static void test_reassembly(void)
{
	static struct text_rx rx;
	struct text_pair kv;
	size_t pos = 0;
	text_rx_reset(&rx);
	CHECK_EQ(text_rx_feed(&rx, "TargetAl", 8, true), 0);
	CHECK(!rx.tr_complete);
	CHECK_EQ(text_rx_feed(&rx, "ias=disk", 8, true), 0);
	CHECK_EQ(text_rx_feed(&rx, "\0", 1, false), 0);
	CHECK(rx.tr_complete);
	CHECK_EQ(text_next(rx.tr_data, rx.tr_len, &pos, &kv), 1);
	CHECK(text_key_is(&kv, "TargetAlias"));
	CHECK(text_val_is(&kv, "disk"));
	/* a new text after completion starts afresh */
	CHECK_EQ(text_rx_feed(&rx, "A=1\0", 4, false), 0);
	CHECK_EQ(rx.tr_len, 4);
	/* bounded */
	static char chunk[4096];
	memset(chunk, 'x', sizeof(chunk));
	text_rx_reset(&rx);
	CHECK_EQ(text_rx_feed(&rx, chunk, 4096, true), 0);
	CHECK_EQ(text_rx_feed(&rx, chunk, 4096, true), 0);
	CHECK_EQ(text_rx_feed(&rx, chunk, 1, true), LL_EMSGSIZE);
	CHECK_EQ(rx.tr_len, TEXT_BUF_MAX);
}

int main(void)
{
	check_suite = "iscsi_text";
	RUN(test_parse_pairs);
	RUN(test_parse_malformed);
	RUN(test_values);
	RUN(test_build);
	RUN(test_reassembly);
	return CHECK_DONE();
}
