/* tests/fuzz/fuzz_pdu.c - libFuzzer target for the iSCSI PDU codec: the
 * input is decoded as a BHS (+ data); what decodes must re-encode and
 * decode to the same fields. Sense, digests, CHAP values and root paths
 * are fed the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "iscsi/chap.h"
#include "iscsi/pdu.h"
#include "iscsi/rootpath.h"
#include "lib/err.h"

static void check_roundtrip(const struct iscsi_pdu *p)
{
	struct iscsi_pdu again;
	uint8_t b[ISCSI_BHS_LEN];

	if (iscsi_pdu_encode(p, b) != 0)
		abort();
	if (iscsi_pdu_decode(b, sizeof(b), ISCSI_DSL_MAX, 255 * 4, &again) != 0)
		abort();
	if (memcmp(p, &again, sizeof(again)) != 0)
		abort();
}

static void feed_data(const struct iscsi_pdu *p, const uint8_t *data, size_t len)
{
	const uint8_t *sense;
	uint32_t sl;
	struct scsi_sense s;

	if (p->data_len < len)
		len = p->data_len;
	(void)iscsi_data_digest(data, len);
	if (p->opcode == ISCSI_OP_SCSI_RSP &&
	    iscsi_rsp_sense(data, (uint32_t)len, &sense, &sl) == 0 && sl) {
		if (sense + sl > data + len)
			abort();
		(void)scsi_sense_parse(sense, sl, &s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t len)
{
	struct iscsi_pdu p;
	uint8_t bin[ISCSI_CHAP_CHALLENGE_MAX];
	size_t blen;
	char str[512];
	struct iscsi_rootpath rp;

	if (iscsi_pdu_decode(in, len, 65536, 64, &p) == 0) {
		size_t wire = iscsi_pdu_wire_len(p.ahs_words, p.data_len, true, true);
		if (wire < ISCSI_BHS_LEN + p.data_len)
			abort();
		check_roundtrip(&p);
		(void)iscsi_header_digest(in, ISCSI_BHS_LEN);
		feed_data(&p, in + ISCSI_BHS_LEN, len - ISCSI_BHS_LEN);
		(void)iscsi_pdu_residual(&p);
	}
	if (chap_decode_binary((const char *)in, len, bin, sizeof(bin), &blen) == 0 &&
	    blen > sizeof(bin))
		abort();
	if (len < sizeof(str)) {
		memcpy(str, in, len);
		str[len] = '\0';
		if (iscsi_rootpath_parse(str, &rp) == 0 &&
		    strnlen(rp.rp_target, sizeof(rp.rp_target)) > ISCSI_NAME_MAX)
			abort();
	}
	return 0;
}
