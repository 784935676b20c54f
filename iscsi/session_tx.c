/* iscsi/session_tx.c - the sending half of a session: PDU framing with
 * digests, SCSI commands within the CmdSN window (immediate data),
 * Data-Out for R2Ts and unsolicited bursts, NOP-Out and Logout. */
#include "iscsi/session_int.h"
#include "lib/err.h"
#include "lib/mem.h"

static const uint8_t zero_pad[ISCSI_PAD];

static bool digests_on(const struct iscsi_session *s, uint32_t which)
{
	return s->connected && which;
}

static int put_all(struct iscsi_session *s, const void *d, size_t n)
{
	long w;

	if (n == 0)
		return 0;
	w = s->xo->write(s, d, n);
	if (w < 0)
		return (int)w;
	return (size_t)w == n ? 0 : LL_EIO;  /* room was checked first */
}

/* Frame one PDU: BHS [+ header digest] + data padded to 4 [+ data digest].
 * All or nothing: LL_EAGAIN when the send ring lacks room. */
int sess_send_pdu(struct iscsi_session *s, const struct iscsi_pdu *p,
		  const uint8_t *data, uint32_t data_len)
{
	uint8_t hdr[ISCSI_BHS_LEN + ISCSI_DIGEST_LEN];
	uint8_t ddig[ISCSI_DIGEST_LEN];
	struct iscsi_pdu q = *p;
	bool hd = digests_on(s, s->params.header_digest);
	bool dd = digests_on(s, s->params.data_digest);
	size_t hlen = ISCSI_BHS_LEN, total;
	uint32_t pad = iscsi_pad4(data_len) - data_len;
	int rc;

	q.data_len = data_len;
	q.ahs_words = 0;
	total = iscsi_pdu_wire_len(0, data_len, hd, dd);
	if (s->xo->tx_free(s) < total)
		return LL_EAGAIN;
	rc = iscsi_pdu_encode(&q, hdr);
	if (rc)
		return rc;
	if (hd) {
		iscsi_digest_put(hdr + ISCSI_BHS_LEN, iscsi_header_digest(hdr, ISCSI_BHS_LEN));
		hlen += ISCSI_DIGEST_LEN;
	}
	rc = put_all(s, hdr, hlen);
	if (!rc)
		rc = put_all(s, data, data_len);
	if (!rc)
		rc = put_all(s, zero_pad, pad);
	if (!rc && dd && data_len) {
		iscsi_digest_put(ddig, iscsi_data_digest(data, data_len));
		rc = put_all(s, ddig, sizeof(ddig));
	}
	if (rc && rc != LL_EAGAIN)
		sess_fail_conn(s, rc);
	return rc;
}

/* Largest data segment we may send (the target's MaxRecvDSL), kept well
 * inside the send ring so one PDU always fits. */
static uint32_t seg_max(const struct iscsi_session *s)
{
	uint32_t m = s->params.max_send_dsl ? s->params.max_send_dsl : ISCSI_MRDSL_DEFAULT;
	uint32_t ring = s->cfg.tx_ring / 2;

	return m < ring ? m : ring;
}

static uint32_t min32(uint32_t a, uint32_t b) { return a < b ? a : b; }

static int send_data_out(struct iscsi_session *s, int slot);

/* The SCSI Command PDU, with immediate data when negotiated. */
static int send_cmd(struct iscsi_session *s, struct iscsi_task *t)
{
	struct iscsi_pdu p;
	uint32_t imm = 0, unsol = 0;
	int slot = sess_slot_of(t), rc;

	if (t->dir == ISCSI_DIR_WRITE) {
		if (s->params.immediate_data)
			imm = min32(min32(t->xfer_len, s->params.first_burst), seg_max(s));
		if (!s->params.initial_r2t)
			unsol = min32(t->xfer_len, s->params.first_burst) - imm;
	}
	memset(&p, 0, sizeof(p));
	p.opcode = ISCSI_OP_SCSI_CMD;
	p.flags = (uint8_t)((unsol ? 0 : ISCSI_FLAG_FINAL) | ISCSI_ATTR_SIMPLE |
			    (t->dir == ISCSI_DIR_READ ? ISCSI_CMD_READ : 0) |
			    (t->dir == ISCSI_DIR_WRITE ? ISCSI_CMD_WRITE : 0));
	memcpy(p.lun, s->cfg.lun, 8);
	p.itt = t->itt;
	p.xfer_len = t->xfer_len;
	p.cmdsn = s->cmdsn;
	p.expstatsn = s->expstatsn;
	memcpy(p.cdb, t->cdb, t->cdb_len < ISCSI_CDB_LEN ? t->cdb_len : ISCSI_CDB_LEN);
	rc = sess_send_pdu(s, &p, t->buf, imm);
	if (rc)
		return rc;
	t->cmdsn = s->cmdsn++;
	t->state = ISCSI_TASK_ACTIVE;
	t->data_done = imm;
	t->deadline = s->xo->now(s) + s->cfg.io_timeout_us;
	s->st.cmds++;
	s->st.bytes_out += imm;
	if (unsol) {
		/* the unsolicited burst follows the command at once */
		s->r2t[slot][0] = (struct sess_r2t){ imm, unsol, ISCSI_RESERVED_TAG, 0, true };
		rc = send_data_out(s, slot);
		if (rc && rc != LL_EAGAIN)
			return rc;
	}
	return 0;
}

/* Send queued commands while the window is open and the ring has room. */
static int send_queued(struct iscsi_session *s)
{
	struct iscsi_task *t;
	int rc;

	while ((t = s->q_head) != NULL) {
		if (!sna_in_window(s->cmdsn, s->expcmdsn, s->maxcmdsn))
			return 0;             /* window closed: wait for MaxCmdSN */
		rc = send_cmd(s, t);
		if (t->state == ISCSI_TASK_ACTIVE) {
			/* the command went out (even if its unsolicited
			 * Data-Out then failed): off the queue, or a requeue
			 * after the drop would link it in twice */
			s->q_head = t->next;
			if (!s->q_head)
				s->q_tail = NULL;
			t->next = NULL;
		}
		if (rc)
			return rc == LL_EAGAIN ? 0 : rc;
	}
	return 0;
}

/* Data-Out PDUs for one task's current R2T (or unsolicited burst). */
static int send_data_out(struct iscsi_session *s, int slot)
{
	struct iscsi_task *t = s->slot[slot];
	struct sess_r2t *r = &s->r2t[slot][0];
	struct iscsi_pdu p;
	int rc;

	while (r->live) {
		uint32_t seg = min32(r->len, seg_max(s));

		memset(&p, 0, sizeof(p));
		p.opcode = ISCSI_OP_DATA_OUT;
		p.flags = seg == r->len ? ISCSI_FLAG_FINAL : 0;
		memcpy(p.lun, s->cfg.lun, 8);
		p.itt = t->itt;
		p.ttt = r->ttt;
		p.expstatsn = s->expstatsn;
		p.datasn = r->datasn;
		p.buffer_offset = r->off;
		rc = sess_send_pdu(s, &p, t->buf + r->off, seg);
		if (rc)
			return rc;
		r->off += seg;
		r->len -= seg;
		r->datasn++;
		t->data_done += seg;
		s->st.bytes_out += seg;
		if (r->len == 0) {
			s->r2t[slot][0] = s->r2t[slot][1];
			s->r2t[slot][1].live = false;
		}
	}
	return 0;
}

static int send_owed_ping(struct iscsi_session *s)
{
	int rc;

	if (!s->ping_owed)
		return 0;
	rc = sess_send_nop_out(s, ISCSI_RESERVED_TAG, s->ping_ttt, s->ping, s->ping_len);
	if (rc == 0) {
		s->ping_owed = false;
		s->st.nops_answered++;
	}
	return rc;
}

/* Everything that can go out now: ping answers first, then Data-Out
 * (it frees target buffers), then new commands. */
int sess_tx_step(struct iscsi_session *s)
{
	int rc;

	if (!s->connected)
		return 0;
	rc = send_owed_ping(s);
	if (rc && rc != LL_EAGAIN)
		return rc;
	for (int i = 0; i < ISCSI_MAX_TASKS; i++) {
		if (!s->slot[i] || s->slot[i]->state != ISCSI_TASK_ACTIVE)
			continue;
		rc = send_data_out(s, i);
		if (rc == LL_EAGAIN)
			break;
		if (rc)
			return rc;
	}
	if (!s->logout_wanted) {
		rc = send_queued(s);
		if (rc)
			return rc;
	}
	s->xo->flush(s);
	return 0;
}

int sess_send_nop_out(struct iscsi_session *s, uint32_t itt, uint32_t ttt,
		      const uint8_t *data, uint32_t len)
{
	struct iscsi_pdu p;

	memset(&p, 0, sizeof(p));
	p.opcode = ISCSI_OP_NOP_OUT;
	p.immediate = true;
	p.flags = ISCSI_FLAG_FINAL;
	p.itt = itt;
	p.ttt = ttt;
	p.cmdsn = s->cmdsn;           /* immediate: not advanced */
	p.expstatsn = s->expstatsn;
	return sess_send_pdu(s, &p, data, len);
}

int sess_send_logout(struct iscsi_session *s)
{
	struct iscsi_pdu p;

	memset(&p, 0, sizeof(p));
	p.opcode = ISCSI_OP_LOGOUT_REQ;
	p.immediate = true;
	p.flags = ISCSI_FLAG_FINAL | ISCSI_LOGOUT_CLOSE_SESSION;
	p.itt = SESS_ITT_LOGOUT;
	p.cid = 0;
	p.cmdsn = s->cmdsn;
	p.expstatsn = s->expstatsn;
	return sess_send_pdu(s, &p, NULL, 0);
}

/* Forget what was sent of a task so it can be issued again whole. */
void sess_task_reset(struct iscsi_session *s, struct iscsi_task *t)
{
	int slot = sess_slot_of(t);

	t->data_done = 0;
	t->r2t_pending = 0;
	t->residual = 0;
	t->sense_len = 0;
	t->scsi_status = 0;
	if (slot >= 0)
		s->r2t[slot][0].live = s->r2t[slot][1].live = false;
}
