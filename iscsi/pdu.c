/* iscsi/pdu.c - encode and decode the iSCSI Basic Header Segment. One field
 * list per opcode serves both directions, so encode and decode can't drift
 * apart; decode then applies the RFC's flag rules strictly. */
#include "iscsi/pdu.h"
#include "lib/byteorder.h"
#include "lib/crc32c.h"
#include "lib/err.h"
#include "lib/mem.h"

/* One pass over a BHS: copies fields into (decode) or out of (encode) p. */
struct bhs_pass {
	uint8_t *b;
	struct iscsi_pdu *p;
	bool enc;
};

static void f8(struct bhs_pass *c, unsigned off, uint8_t *v)
{
	if (c->enc)
		c->b[off] = *v;
	else
		*v = c->b[off];
}

static void f16(struct bhs_pass *c, unsigned off, uint16_t *v)
{
	if (c->enc)
		put_be16(c->b + off, *v);
	else
		*v = get_be16(c->b + off);
}

static void f32(struct bhs_pass *c, unsigned off, uint32_t *v)
{
	if (c->enc)
		put_be32(c->b + off, *v);
	else
		*v = get_be32(c->b + off);
}

static void fbytes(struct bhs_pass *c, unsigned off, uint8_t *v, size_t n)
{
	if (c->enc)
		memcpy(c->b + off, v, n);
	else
		memcpy(v, c->b + off, n);
}

/* StatSN, ExpCmdSN, MaxCmdSN at 24/28/32: every target PDU. */
static void target_seq(struct bhs_pass *c)
{
	f32(c, BHS_STATSN, &c->p->statsn);
	f32(c, BHS_EXPCMDSN, &c->p->expcmdsn);
	f32(c, BHS_MAXCMDSN, &c->p->maxcmdsn);
}

/* CmdSN, ExpStatSN at 24/28: initiator PDUs. */
static void initiator_seq(struct bhs_pass *c)
{
	f32(c, BHS_CMDSN, &c->p->cmdsn);
	f32(c, BHS_EXPSTATSN, &c->p->expstatsn);
}

static void lun_ttt(struct bhs_pass *c)
{
	fbytes(c, BHS_LUN, c->p->lun, sizeof(c->p->lun));
	f32(c, BHS_TTT, &c->p->ttt);
}

static void fields_scsi_cmd(struct bhs_pass *c)
{
	fbytes(c, BHS_LUN, c->p->lun, sizeof(c->p->lun));
	f32(c, BHS_CMD_EDTL, &c->p->xfer_len);
	initiator_seq(c);
	fbytes(c, BHS_CMD_CDB, c->p->cdb, ISCSI_CDB_LEN);
}

static void fields_scsi_rsp(struct bhs_pass *c)
{
	f8(c, BHS_RSP_RESPONSE, &c->p->response);
	f8(c, BHS_RSP_STATUS, &c->p->status);
	f32(c, BHS_RSP_SNACK_TAG, &c->p->ttt);
	target_seq(c);
	f32(c, BHS_RSP_EXPDATASN, &c->p->datasn);
	f32(c, BHS_RSP_BIDI_RESIDUAL, &c->p->bidi_residual);
	f32(c, BHS_RSP_RESIDUAL, &c->p->residual);
}

/* Task management: function in flags, Referenced Task Tag in ttt,
 * RefCmdSN in xfer_len, ExpDataSN in datasn. */
static void fields_tmf_req(struct bhs_pass *c)
{
	lun_ttt(c);
	initiator_seq(c);
	f32(c, 32, &c->p->xfer_len);
	f32(c, 36, &c->p->datasn);
}

static void fields_tmf_rsp(struct bhs_pass *c)
{
	f8(c, 2, &c->p->response);
	target_seq(c);
}

static void fields_login_common(struct bhs_pass *c)
{
	f8(c, BHS_LOGIN_VMAX, &c->p->version_max);
	f8(c, BHS_LOGIN_VMIN, &c->p->version_min);
	fbytes(c, BHS_LOGIN_ISID, c->p->isid, ISCSI_ISID_LEN);
	f16(c, BHS_LOGIN_TSIH, &c->p->tsih);
}

static void fields_login_req(struct bhs_pass *c)
{
	fields_login_common(c);
	f16(c, BHS_LOGIN_CID, &c->p->cid);
	initiator_seq(c);
}

static void fields_login_rsp(struct bhs_pass *c)
{
	fields_login_common(c);
	target_seq(c);
	f8(c, BHS_LOGIN_STATUS_CLASS, &c->p->status_class);
	f8(c, BHS_LOGIN_STATUS_DETAIL, &c->p->status_detail);
}

static void fields_nop_or_text_req(struct bhs_pass *c)
{
	lun_ttt(c);
	initiator_seq(c);
}

static void fields_nop_or_text_rsp(struct bhs_pass *c)
{
	lun_ttt(c);
	target_seq(c);
}

static void fields_data_out(struct bhs_pass *c)
{
	lun_ttt(c);
	f32(c, BHS_EXPSTATSN, &c->p->expstatsn);
	f32(c, BHS_DATA_DATASN, &c->p->datasn);
	f32(c, BHS_DATA_OFFSET, &c->p->buffer_offset);
}

static void fields_data_in(struct bhs_pass *c)
{
	f8(c, BHS_DATA_STATUS, &c->p->status);
	lun_ttt(c);
	target_seq(c);
	f32(c, BHS_DATA_DATASN, &c->p->datasn);
	f32(c, BHS_DATA_OFFSET, &c->p->buffer_offset);
	f32(c, BHS_DATA_RESIDUAL, &c->p->residual);
}

static void fields_logout_req(struct bhs_pass *c)
{
	f16(c, BHS_LOGOUT_CID, &c->p->cid);
	initiator_seq(c);
}

static void fields_logout_rsp(struct bhs_pass *c)
{
	f8(c, BHS_LOGOUT_RESPONSE, &c->p->response);
	target_seq(c);
	f16(c, BHS_LOGOUT_TIME2WAIT, &c->p->time2wait);
	f16(c, BHS_LOGOUT_TIME2RETAIN, &c->p->time2retain);
}

/* SNACK: BegRun in buffer_offset, RunLength in xfer_len. */
static void fields_snack(struct bhs_pass *c)
{
	lun_ttt(c);
	f32(c, BHS_EXPSTATSN, &c->p->expstatsn);
	f32(c, 40, &c->p->buffer_offset);
	f32(c, 44, &c->p->xfer_len);
}

static void fields_r2t(struct bhs_pass *c)
{
	lun_ttt(c);
	target_seq(c);
	f32(c, BHS_R2T_R2TSN, &c->p->datasn);
	f32(c, BHS_R2T_OFFSET, &c->p->buffer_offset);
	f32(c, BHS_R2T_DDTL, &c->p->xfer_len);
}

static void fields_async(struct bhs_pass *c)
{
	fbytes(c, BHS_LUN, c->p->lun, sizeof(c->p->lun));
	target_seq(c);
	f8(c, BHS_ASYNC_EVENT, &c->p->async_event);
	f8(c, BHS_ASYNC_VCODE, &c->p->async_vcode);
	f16(c, BHS_ASYNC_PARAM1, &c->p->async_param[0]);
	f16(c, BHS_ASYNC_PARAM2, &c->p->async_param[1]);
	f16(c, BHS_ASYNC_PARAM3, &c->p->async_param[2]);
}

static void fields_reject(struct bhs_pass *c)
{
	f8(c, BHS_REJECT_REASON, &c->p->response);
	target_seq(c);
	f32(c, BHS_REJECT_DATASN, &c->p->datasn);
}

struct opcode_info {
	uint8_t opcode;
	const char *name;
	void (*fields)(struct bhs_pass *c);
};

static const struct opcode_info opcode_table[] = {
	{ ISCSI_OP_NOP_OUT, "NOP-Out", fields_nop_or_text_req },
	{ ISCSI_OP_SCSI_CMD, "SCSI-Cmd", fields_scsi_cmd },
	{ ISCSI_OP_TMF_REQ, "TMF-Req", fields_tmf_req },
	{ ISCSI_OP_LOGIN_REQ, "Login-Req", fields_login_req },
	{ ISCSI_OP_TEXT_REQ, "Text-Req", fields_nop_or_text_req },
	{ ISCSI_OP_DATA_OUT, "Data-Out", fields_data_out },
	{ ISCSI_OP_LOGOUT_REQ, "Logout-Req", fields_logout_req },
	{ ISCSI_OP_SNACK_REQ, "SNACK", fields_snack },
	{ ISCSI_OP_NOP_IN, "NOP-In", fields_nop_or_text_rsp },
	{ ISCSI_OP_SCSI_RSP, "SCSI-Rsp", fields_scsi_rsp },
	{ ISCSI_OP_TMF_RSP, "TMF-Rsp", fields_tmf_rsp },
	{ ISCSI_OP_LOGIN_RSP, "Login-Rsp", fields_login_rsp },
	{ ISCSI_OP_TEXT_RSP, "Text-Rsp", fields_nop_or_text_rsp },
	{ ISCSI_OP_DATA_IN, "Data-In", fields_data_in },
	{ ISCSI_OP_LOGOUT_RSP, "Logout-Rsp", fields_logout_rsp },
	{ ISCSI_OP_R2T, "R2T", fields_r2t },
	{ ISCSI_OP_ASYNC_MSG, "Async", fields_async },
	{ ISCSI_OP_REJECT, "Reject", fields_reject },
};

static const struct opcode_info *opcode_lookup(uint8_t opcode)
{
	for (size_t i = 0; i < sizeof(opcode_table) / sizeof(opcode_table[0]); i++)
		if (opcode_table[i].opcode == opcode)
			return &opcode_table[i];
	return NULL;
}

int iscsi_opcode_known(uint8_t opcode)
{
	return opcode_lookup(opcode) != NULL;
}

int iscsi_opcode_from_target(uint8_t opcode)
{
	return opcode >= 0x20 && opcode <= ISCSI_OPCODE_MASK;
}

const char *iscsi_opcode_name(uint8_t opcode)
{
	const struct opcode_info *oi = opcode_lookup(opcode);
	return oi ? oi->name : "unknown";
}

int iscsi_pdu_encode(const struct iscsi_pdu *p, uint8_t bhs[ISCSI_BHS_LEN])
{
	const struct opcode_info *oi = opcode_lookup(p->opcode);
	struct iscsi_pdu copy = *p;
	struct bhs_pass c = { bhs, &copy, true };

	if (!oi || p->data_len > ISCSI_DSL_MAX)
		return LL_EPDU;
	memset(bhs, 0, ISCSI_BHS_LEN);
	bhs[BHS_OPCODE] = (uint8_t)(p->opcode | (p->immediate ? ISCSI_OP_IMMEDIATE : 0));
	bhs[BHS_FLAGS] = p->flags;
	bhs[BHS_TOTAL_AHS_LEN] = p->ahs_words;
	bhs[BHS_DATA_SEG_LEN] = (uint8_t)(p->data_len >> 16);
	put_be16(bhs + BHS_DATA_SEG_LEN + 1, (uint16_t)p->data_len);
	put_be32(bhs + BHS_ITT, p->itt);
	oi->fields(&c);
	return 0;
}

/* PDUs whose byte 1 bit 7 the RFC fixes at 1. */
static bool final_bit_required(uint8_t opcode)
{
	switch (opcode) {
	case ISCSI_OP_SCSI_RSP: case ISCSI_OP_TMF_RSP: case ISCSI_OP_NOP_IN:
	case ISCSI_OP_NOP_OUT: case ISCSI_OP_LOGOUT_RSP: case ISCSI_OP_R2T: case ISCSI_OP_ASYNC_MSG:
	case ISCSI_OP_REJECT:
		return true;
	default:
		return false;
	}
}

/* Login T/C/CSG/NSG rules (11.12.2, 11.12.3). */
static int check_login_flags(uint8_t flags)
{
	bool transit = flags & ISCSI_LOGIN_TRANSIT;
	unsigned csg = iscsi_login_csg(flags), nsg = iscsi_login_nsg(flags);

	if (transit && (flags & ISCSI_LOGIN_CONTINUE))
		return LL_EPDU;
	if (csg != ISCSI_STAGE_SECURITY && csg != ISCSI_STAGE_OPERATIONAL)
		return LL_EPDU;
	if (transit && (nsg == 2 || nsg <= csg))
		return LL_EPDU;
	return 0;
}

/* Overflow and underflow together are forbidden. */
static int both_set(uint8_t f, uint8_t a, uint8_t b)
{
	return ((f & a) && (f & b)) ? LL_EPDU : 0;
}

/* Flag combinations the RFC forbids, per opcode. */
static int check_flags(const struct iscsi_pdu *p)
{
	uint8_t f = p->flags;

	if (final_bit_required(p->opcode) && !(f & ISCSI_FLAG_FINAL))
		return LL_EPDU;
	switch (p->opcode) {
	case ISCSI_OP_DATA_IN: /* U/O sit where they do in SCSI Response */
		if ((f & ISCSI_DATA_STATUS) && !(f & ISCSI_FLAG_FINAL))
			return LL_EPDU;
		return both_set(f, ISCSI_DATA_OVERFLOW, ISCSI_DATA_UNDERFLOW);
	case ISCSI_OP_SCSI_RSP:
		if (both_set(f, ISCSI_RSP_BIDI_OVERFLOW, ISCSI_RSP_BIDI_UNDERFLOW))
			return LL_EPDU;
		return both_set(f, ISCSI_RSP_OVERFLOW, ISCSI_RSP_UNDERFLOW);
	case ISCSI_OP_LOGIN_REQ:
	case ISCSI_OP_LOGIN_RSP:
		return check_login_flags(f);
	case ISCSI_OP_REJECT:
		/* the data segment carries the rejected PDU's BHS */
		return p->data_len < ISCSI_BHS_LEN ? LL_EPDU : 0;
	default:
		return 0;
	}
}

int iscsi_pdu_decode(const uint8_t *bhs, size_t len, uint32_t max_data,
		     uint32_t max_ahs, struct iscsi_pdu *p)
{
	const struct opcode_info *oi;
	struct bhs_pass c = { (uint8_t *)bhs, p, false };

	memset(p, 0, sizeof(*p));
	if (!bhs || len < ISCSI_BHS_LEN || (bhs[BHS_OPCODE] & 0x80))
		return LL_EPDU;
	p->opcode = bhs[BHS_OPCODE] & ISCSI_OPCODE_MASK;
	oi = opcode_lookup(p->opcode);
	if (!oi)
		return LL_EPDU;
	p->immediate = bhs[BHS_OPCODE] & ISCSI_OP_IMMEDIATE;
	p->flags = bhs[BHS_FLAGS];
	p->ahs_words = bhs[BHS_TOTAL_AHS_LEN];
	p->data_len = ((uint32_t)bhs[BHS_DATA_SEG_LEN] << 16) |
		      get_be16(bhs + BHS_DATA_SEG_LEN + 1);
	p->itt = get_be32(bhs + BHS_ITT);
	if (p->data_len > max_data || (uint32_t)p->ahs_words * ISCSI_AHS_WORD > max_ahs)
		return LL_EPDU;
	oi->fields(&c);
	return check_flags(p);
}

size_t iscsi_pdu_wire_len(uint8_t ahs_words, uint32_t data_len,
			  bool header_digest, bool data_digest)
{
	size_t n = ISCSI_BHS_LEN + (size_t)ahs_words * ISCSI_AHS_WORD;

	if (header_digest)
		n += ISCSI_DIGEST_LEN;
	n += iscsi_pad4(data_len & ISCSI_DSL_MAX);
	if (data_digest && data_len)
		n += ISCSI_DIGEST_LEN;
	return n;
}

uint32_t iscsi_header_digest(const uint8_t *hdr, size_t hdr_len)
{
	return crc32c(0, hdr, hdr_len);
}

uint32_t iscsi_data_digest(const void *data, size_t len)
{
	static const uint8_t zeros[ISCSI_PAD];
	uint32_t crc = crc32c(0, data, len);
	size_t pad = (ISCSI_PAD - (len & (ISCSI_PAD - 1))) & (ISCSI_PAD - 1);

	if (pad)
		crc = crc32c(crc, zeros, pad);
	return crc;
}

void iscsi_digest_put(uint8_t out[ISCSI_DIGEST_LEN], uint32_t crc)
{
	put_le32(out, crc);
}

uint32_t iscsi_digest_get(const uint8_t in[ISCSI_DIGEST_LEN])
{
	return get_le32(in);
}

int iscsi_rsp_sense(const uint8_t *data, uint32_t data_len,
		    const uint8_t **sense, uint32_t *sense_len)
{
	uint32_t sl;

	*sense = NULL;
	*sense_len = 0;
	if (data_len == 0)
		return 0;
	if (data_len < 2)
		return LL_EPDU;
	sl = get_be16(data);
	if (sl > data_len - 2)
		return LL_EPDU;
	*sense = sl ? data + 2 : NULL;
	*sense_len = sl;
	return 0;
}

int scsi_sense_parse(const uint8_t *sense, uint32_t len, struct scsi_sense *s)
{
	memset(s, 0, sizeof(*s));
	if (!sense || len < 1)
		return LL_EPDU;
	switch (sense[0] & 0x7f) {
	case 0x70: case 0x71: /* fixed format */
		if (len < 3)
			return LL_EPDU;
		s->key = sense[2] & 0x0f;
		if (len >= 14) {
			s->asc = sense[12];
			s->ascq = sense[13];
		}
		return 0;
	case 0x72: case 0x73: /* descriptor format */
		if (len < 4)
			return LL_EPDU;
		s->key = sense[1] & 0x0f;
		s->asc = sense[2];
		s->ascq = sense[3];
		return 0;
	default:
		return LL_EPDU;
	}
}

int64_t iscsi_pdu_residual(const struct iscsi_pdu *p)
{
	if (p->opcode != ISCSI_OP_SCSI_RSP && p->opcode != ISCSI_OP_DATA_IN)
		return 0;
	if (p->flags & ISCSI_RSP_UNDERFLOW)
		return (int64_t)p->residual;
	if (p->flags & ISCSI_RSP_OVERFLOW)
		return -(int64_t)p->residual;
	return 0;
}
