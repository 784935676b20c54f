/* tests/fuzz/fuzz_login_text.c - libFuzzer target for login text and the
 * login state machine. Byte 0 picks the settings (auth none / CHAP /
 * mutual CHAP, digests required); then records, one Login Response each:
 *   [ctl][flags][status class][status detail][len hi][len lo][text...]
 * ctl bit 0: take 48 raw input bytes as the BHS instead of building one.
 * The whole input is also run through the text parser and negotiation. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "iscsi/login.h"
#include "lib/err.h"

static struct iscsi_login L;
static uint8_t req_data[LOGIN_PDU_DATA_MAX];

static void settings(uint8_t sel, struct login_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->ls_initiator_name = "iqn.2026-01.org.example:fuzz";
	s->ls_target_name = "iqn.2026-01.org.example:disk";
	s->ls_itt = 1;
	s->ls_chap_seed = sel;
	neg_settings_default(&s->ls_neg);
	if (sel & 1) {
		s->ls_username = "user";
		s->ls_password = "secretsecret";
	}
	if ((sel & 3) == 3) {
		s->ls_reverse_username = "target";
		s->ls_reverse_password = "target-secret";
	}
	if (sel & 4)
		s->ls_neg.ns_header_digest = NEG_DIGEST_REQUIRE;
	if (sel & 8)
		s->ls_neg.ns_data_digest = NEG_DIGEST_PREFER;
	s->ls_neg.ns_discovery = (sel & 16) != 0;
}

static void text_and_negotiation(const uint8_t *in, size_t len)
{
	static struct iscsi_neg n;
	static char out[4096];
	struct neg_settings ns;
	struct text_buf tb;
	struct text_pair kv;
	struct iscsi_params p;
	size_t pos = 0;

	neg_settings_default(&ns);
	neg_init(&n, &ns);
	text_buf_init(&tb, out, sizeof(out));
	while (text_next((const char *)in, len, &pos, &kv) == 1) {
		if (kv.key_len > ISCSI_KEY_MAX || kv.val + kv.val_len > (const char *)in + len)
			abort();
		if (neg_consume(&n, &kv, &tb) < 0)
			break;
	}
	if (tb.tb_len > tb.tb_cap)
		abort();
	(void)neg_finish(&n, &p);
}

static void conversation(const uint8_t *in, size_t len)
{
	struct login_settings s;
	uint32_t dlen;
	uint8_t bhs[ISCSI_BHS_LEN];
	size_t off = 1;

	settings(in[0], &s);
	if (login_init(&L, &s))
		return;
	while (off + 6 <= len) {
		const uint8_t *r = in + off;
		struct iscsi_pdu p = { .opcode = ISCSI_OP_LOGIN_RSP, .itt = 1,
				       .flags = r[1], .status_class = r[2],
				       .status_detail = r[3] };
		size_t tl = (size_t)r[4] << 8 | r[5];
		off += 6;
		if (login_tx(&L, bhs, req_data, sizeof(req_data), &dlen) < 0)
			return;
		if (dlen > LOGIN_PDU_DATA_MAX)
			abort();
		if (r[0] & 1) {
			if (off + ISCSI_BHS_LEN > len)
				return;
			memcpy(bhs, in + off, ISCSI_BHS_LEN);
			off += ISCSI_BHS_LEN;
		}
		if (tl > len - off)
			tl = len - off;
		if (!(r[0] & 1)) {
			p.data_len = (uint32_t)tl;
			if (iscsi_pdu_encode(&p, bhs))
				return;
		}
		int rc = login_rx(&L, bhs, in + off, (uint32_t)tl);
		off += tl;
		if (rc != LOGIN_SEND)
			return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	if (len == 0)
		return 0;
	text_and_negotiation(in, len);
	conversation(in, len);
	return 0;
}
