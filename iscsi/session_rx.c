/* iscsi/session_rx.c - the receiving half of a session: PDUs parsed out of
 * the TCP ring (header gathered across the ring's wrap, Data-In copied
 * straight into the task's buffer), digests checked, each opcode handled. */
#include "iscsi/session_int.h"
#include "lib/byteorder.h"
#include "lib/crc32c.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

void sess_rx_reset(struct iscsi_session *s)
{
	s->rx_phase = RX_HDR;
	s->rx_have = 0;
	s->rx_need = ISCSI_BHS_LEN;
	s->rx_sink = SINK_NONE;
	s->rx_task = NULL;
	s->rx_kept = 0;
}

/* RFC 7143 4.2.2.1: MaxCmdSN and ExpCmdSN only move forward, and a pair
 * with MaxCmdSN < ExpCmdSN - 1 is ignored. StatSN advances ExpStatSN only
 * on PDUs that carry a status. */
void sess_note_seq(struct iscsi_session *s, const struct iscsi_pdu *p,
		   bool status_pdu)
{
	if (status_pdu && sna_ge(p->statsn, s->expstatsn))
		s->expstatsn = p->statsn + 1;
	if (sna_lt(p->maxcmdsn, p->expcmdsn - 1))
		return;
	if (sna_gt(p->expcmdsn, s->expcmdsn))
		s->expcmdsn = p->expcmdsn;
	if (sna_gt(p->maxcmdsn, s->maxcmdsn))
		s->maxcmdsn = p->maxcmdsn;
}

static int bad_pdu(struct iscsi_session *s, const char *why)
{
	s->st.bad_pdus++;
	ll_printf("iscsi: bad PDU (%s), dropping the connection E%d\n", why, -LL_EPDU);
	sess_fail_conn(s, LL_EPDU);
	return LL_EPDU;
}

/* A task-level protocol fault: fail that task, keep the connection. */
static void task_fault(struct iscsi_session *s, struct iscsi_task *t, const char *why)
{
	s->st.bad_pdus++;
	ll_printf("iscsi: task %08x: %s E%d\n", t->itt, why, -LL_EPDU);
	sess_task_done(s, t, LL_EPDU);
}

/* ---- per-opcode handlers, after the whole PDU is in ---- */

/* A status for t: recorded; the task's result. */
static int note_status(struct iscsi_task *t, const struct iscsi_pdu *p)
{
	t->scsi_status = p->status;
	if (p->flags & ISCSI_RSP_UNDERFLOW)
		t->residual = p->residual;
	return p->status == SAM_STAT_GOOD ? 0 : LL_ESCSI;
}

static void finish_status(struct iscsi_session *s, struct iscsi_task *t,
			  const struct iscsi_pdu *p)
{
	sess_task_done(s, t, note_status(t, p));
}

static int rx_scsi_rsp(struct iscsi_session *s, const struct iscsi_pdu *p)
{
	struct iscsi_task *t = sess_task_by_itt(s, p->itt);
	const uint8_t *sense;
	uint32_t sl;

	sess_note_seq(s, p, true);
	if (!t || t->state != ISCSI_TASK_ACTIVE) {
		s->st.bad_pdus++;             /* stale: the task was failed */
		return 0;
	}
	if (iscsi_rsp_sense(s->rx_data, s->rx_kept, &sense, &sl)) {
		task_fault(s, t, "bad sense segment");
		return 0;
	}
	if (sl > ISCSI_SENSE_MAX)
		sl = ISCSI_SENSE_MAX;
	if (sl)
		memcpy(t->sense, sense, sl);
	t->sense_len = (uint8_t)sl;
	if (p->response != ISCSI_RESPONSE_COMPLETED) {
		t->scsi_status = p->status;
		sess_task_done(s, t, LL_EIO);
		return 0;
	}
	finish_status(s, t, p);
	return 0;
}

/* A whole Data-In: sequence numbers, bytes, its status noted in the task;
 * 1 when it completes the task (with *result), else 0. */
static int data_in_note(struct iscsi_session *s, const struct iscsi_pdu *p,
			int *result)
{
	struct iscsi_task *t = s->rx_task;
	bool status = p->flags & ISCSI_DATA_STATUS;

	sess_note_seq(s, p, status);
	if (!t)
		return 0;
	t->data_done += p->data_len;
	s->st.bytes_in += p->data_len;
	if (!status)
		return 0;
	t->sense_len = 0;
	*result = note_status(t, p);
	return 1;
}

static int rx_data_in(struct iscsi_session *s, const struct iscsi_pdu *p)
{
	struct iscsi_task *t = s->rx_task;
	int result;

	if (data_in_note(s, p, &result))
		sess_task_done(s, t, result);
	return 0;
}

static int rx_r2t(struct iscsi_session *s, const struct iscsi_pdu *p)
{
	struct iscsi_task *t = sess_task_by_itt(s, p->itt);
	struct sess_r2t *r;
	int slot;

	sess_note_seq(s, p, false);
	if (!t || t->state != ISCSI_TASK_ACTIVE) {
		s->st.bad_pdus++;
		return 0;
	}
	slot = sess_slot_of(t);
	if (t->dir != ISCSI_DIR_WRITE || p->xfer_len == 0 ||
	    p->buffer_offset > t->xfer_len ||
	    p->xfer_len > t->xfer_len - p->buffer_offset) {
		task_fault(s, t, "R2T outside the buffer");
		return 0;
	}
	r = &s->r2t[slot][0];
	if (r->live)
		r = &s->r2t[slot][1];
	if (r->live)
		return bad_pdu(s, "too many R2Ts");
	*r = (struct sess_r2t){ p->buffer_offset, p->xfer_len, p->ttt, 0, true };
	t->r2t_off = p->buffer_offset;
	t->r2t_len = p->xfer_len;
	t->r2t_ttt = p->ttt;
	t->r2t_pending = 1;
	return 0;
}

static int rx_nop_in(struct iscsi_session *s, const struct iscsi_pdu *p)
{
	sess_note_seq(s, p, p->itt != ISCSI_RESERVED_TAG);
	if (p->itt != ISCSI_RESERVED_TAG && (p->itt & 0xe0000000u) == SESS_ITT_NOP)
		s->nop_out_pending = false;   /* answer to our ping */
	if (p->ttt != ISCSI_RESERVED_TAG) {
		uint32_t n = s->rx_kept < SESS_PING_MAX ? s->rx_kept : SESS_PING_MAX;

		memcpy(s->ping, s->rx_data, n);
		s->ping_len = n;
		s->ping_ttt = p->ttt;
		s->ping_owed = true;
	}
	return 0;
}

static int rx_async(struct iscsi_session *s, const struct iscsi_pdu *p)
{
	sess_note_seq(s, p, true);
	s->st.async_msgs++;
	ll_printf("iscsi: async event %u\n", p->async_event);
	switch (p->async_event) {
	case ISCSI_ASYNC_LOGOUT_REQUEST:
		s->logout_wanted = true;
		return 0;
	case ISCSI_ASYNC_DROP_CONNECTION:
	case ISCSI_ASYNC_DROP_ALL:
		s->time2wait_s = p->async_param[1];
		sess_fail_conn(s, LL_ESESSION);
		return 0;
	case ISCSI_ASYNC_NEGOTIATE:
		sess_fail_conn(s, LL_ESESSION);
		return 0;
	default:
		return 0;                     /* SCSI events, vendor: counted */
	}
}

static int rx_reject(struct iscsi_session *s, const struct iscsi_pdu *p)
{
	struct iscsi_task *t;
	uint32_t itt;

	sess_note_seq(s, p, true);
	s->st.rejects++;
	if (s->rx_kept < ISCSI_BHS_LEN)
		return bad_pdu(s, "short reject");
	itt = get_be32(s->rx_data + BHS_ITT);
	ll_printf("iscsi: target rejected %s (reason %u) E%d\n",
		  iscsi_opcode_name(s->rx_data[0] & ISCSI_OPCODE_MASK),
		  p->response, -LL_EREJECT);
	if ((itt & 0xe0000000u) == SESS_ITT_NOP)
		s->nop_out_pending = false;
	t = sess_task_by_itt(s, itt);
	if (t && t->state == ISCSI_TASK_ACTIVE)
		sess_task_done(s, t, LL_EREJECT);
	return 0;
}

static int rx_dispatch(struct iscsi_session *s)
{
	const struct iscsi_pdu *p = &s->rx_pdu;

	switch (p->opcode) {
	case ISCSI_OP_SCSI_RSP:
		return rx_scsi_rsp(s, p);
	case ISCSI_OP_DATA_IN:
		return rx_data_in(s, p);
	case ISCSI_OP_R2T:
		return rx_r2t(s, p);
	case ISCSI_OP_NOP_IN:
		return rx_nop_in(s, p);
	case ISCSI_OP_ASYNC_MSG:
		return rx_async(s, p);
	case ISCSI_OP_REJECT:
		return rx_reject(s, p);
	case ISCSI_OP_LOGOUT_RSP:
		sess_note_seq(s, p, true);
		s->logout_done = true;
		return 0;
	default:
		return bad_pdu(s, iscsi_opcode_name(p->opcode));
	}
}

/* ---- the framing state machine ---- */

/* Data-In: its data goes into the task buffer at BufferOffset, checked.
 * We always negotiate DataPDUInOrder=Yes and DataSequenceInOrder=Yes
 * (RFC 7143 13.19-20), so a non-empty Data-In must start where the last
 * one ended: a gap, duplicate or overlap would make data_done lie about
 * what is in the buffer. Such a target is broken: drop the connection
 * (the task is reissued after the reconnect). */
static int data_in_sink(struct iscsi_session *s, const struct iscsi_pdu *p)
{
	struct iscsi_task *t = sess_task_by_itt(s, p->itt);

	s->rx_sink = SINK_NONE;
	if (!t || t->state != ISCSI_TASK_ACTIVE) {
		s->st.bad_pdus++;             /* stale tag: skip the data */
		return 0;
	}
	if (t->dir != ISCSI_DIR_READ || (p->data_len && !t->buf && !t->hold) ||
	    p->buffer_offset > t->xfer_len ||
	    p->data_len > t->xfer_len - p->buffer_offset) {
		task_fault(s, t, "Data-In outside the buffer");
		return 0;
	}
	if (p->data_len && p->buffer_offset != t->data_done)
		return bad_pdu(s, "Data-In out of order");
	s->rx_task = t;
	/* parked: SINK_TASK with no buffer stops sess_rx_step (rx_parked) */
	s->rx_sink = t->hold == ISCSI_HOLD_DROP ? SINK_NONE : SINK_TASK;
	return 0;
}

static int header_done(struct iscsi_session *s)
{
	uint32_t hlen = s->rx_need;
	struct iscsi_pdu *p = &s->rx_pdu;

	if (s->params.header_digest) {
		hlen -= ISCSI_DIGEST_LEN;
		if (iscsi_header_digest(s->rx_hdr, hlen) !=
		    iscsi_digest_get(s->rx_hdr + hlen)) {
			s->st.digest_errors++;
			ll_printf("iscsi: header digest error E%d\n", -LL_ECHECKSUM);
			sess_fail_conn(s, LL_ECHECKSUM);
			return LL_ECHECKSUM;
		}
	}
	if (iscsi_pdu_decode(s->rx_hdr, ISCSI_BHS_LEN, s->params.max_recv_dsl,
			     SESS_AHS_MAX, p) || !iscsi_opcode_from_target(p->opcode))
		return bad_pdu(s, "header");
	s->rx_task = NULL;
	s->rx_kept = 0;
	s->rx_crc = 0;
	if (p->opcode == ISCSI_OP_DATA_IN) {
		int rc = data_in_sink(s, p);

		if (rc)
			return rc;
	} else {
		s->rx_sink = SINK_BUF;
	}
	s->rx_seg = iscsi_pad4(p->data_len);
	s->rx_have = 0;
	s->rx_phase = RX_DATA;
	return 0;
}

/* Take up to n bytes of the data segment (+ padding). */
static void data_take(struct iscsi_session *s, const uint8_t *d, uint32_t n)
{
	uint32_t dlen = s->rx_pdu.data_len, part = 0;

	if (s->rx_have < dlen)
		part = dlen - s->rx_have < n ? dlen - s->rx_have : n;
	if (s->rx_sink == SINK_TASK && part)
		memcpy(s->rx_task->buf + s->rx_pdu.buffer_offset + s->rx_have, d, part);
	else if (s->rx_sink == SINK_BUF && s->rx_have < SESS_RX_DATA_MAX) {
		uint32_t room = SESS_RX_DATA_MAX - s->rx_have;
		uint32_t k = part < room ? part : room;

		memcpy(s->rx_data + s->rx_have, d, k);
		s->rx_kept += k;
	}
	if (s->params.data_digest)
		s->rx_crc = crc32c(s->rx_crc, d, n);
	s->rx_have += n;
}

static int pdu_done(struct iscsi_session *s)
{
	int rc;

	if (s->params.data_digest && s->rx_seg &&
	    iscsi_digest_get(s->rx_ddig) != s->rx_crc) {
		s->st.digest_errors++;
		ll_printf("iscsi: data digest error E%d\n", -LL_ECHECKSUM);
		sess_fail_conn(s, LL_ECHECKSUM);
		return LL_ECHECKSUM;
	}
	rc = rx_dispatch(s);
	sess_rx_reset(s);
	return rc;
}

/* Gather header bytes; returns 1 once the whole header is in. */
static int header_take(struct iscsi_session *s, const uint8_t *d, uint32_t n)
{
	memcpy(s->rx_hdr + s->rx_have, d, n);
	s->rx_have += n;
	if (s->rx_have == ISCSI_BHS_LEN && s->rx_need == ISCSI_BHS_LEN) {
		uint32_t ahs = (uint32_t)s->rx_hdr[BHS_TOTAL_AHS_LEN] * ISCSI_AHS_WORD;

		if (ahs > SESS_AHS_MAX)
			return bad_pdu(s, "AHS too long");
		s->rx_need += ahs + (s->params.header_digest ? ISCSI_DIGEST_LEN : 0);
	}
	return s->rx_have == s->rx_need;
}

/* One piece of the stream; returns bytes used or an error. */
static long rx_piece(struct iscsi_session *s, const uint8_t *d, uint32_t n)
{
	uint32_t want;
	int rc = 0;

	switch (s->rx_phase) {
	case RX_HDR:
		want = s->rx_need - s->rx_have;
		n = n < want ? n : want;
		rc = header_take(s, d, n);
		if (rc == 1)
			rc = header_done(s);
		break;
	case RX_DATA:
		want = s->rx_seg - s->rx_have;
		n = n < want ? n : want;
		data_take(s, d, n);
		break;
	case RX_DDIGEST:
		want = ISCSI_DIGEST_LEN - s->rx_have;
		n = n < want ? n : want;
		memcpy(s->rx_ddig + s->rx_have, d, n);
		s->rx_have += n;
		break;
	}
	return rc < 0 ? rc : (long)n;
}

/* After a piece: move to the next phase when the current one is full. */
static int rx_advance(struct iscsi_session *s)
{
	if (s->rx_phase == RX_DATA && s->rx_have == s->rx_seg) {
		if (s->params.data_digest && s->rx_seg) {
			s->rx_phase = RX_DDIGEST;
			s->rx_have = 0;
			return 0;
		}
		return pdu_done(s);
	}
	if (s->rx_phase == RX_DDIGEST && s->rx_have == ISCSI_DIGEST_LEN)
		return pdu_done(s);
	return 0;
}

/* ---- Data-In taken inside TCP's receive path (one copy, not two) ---- */

/* Whether a status for t may wait in rx_done: room, and not a second one
 * (a target sending two is served by the slow path). */
static bool done_room(const struct iscsi_session *s, const struct iscsi_task *t)
{
	for (unsigned i = 0; i < s->rx_done_n; i++)
		if (s->rx_done[i].t == t)
			return false;
	return s->rx_done_n < ISCSI_MAX_TASKS;
}

/* Whether the whole header at d is a Data-In that header_done takes with
 * no fault: no AHS, a live READ task with its buffer, in order, inside
 * it. Anything else, errors included, is left to the ring and
 * sess_rx_step (faults end tasks and connections: never from inside TCP). */
static bool direct_hdr_ok(struct iscsi_session *s, const uint8_t *d)
{
	struct iscsi_task *t;
	struct iscsi_pdu p;

	if ((d[0] & ISCSI_OPCODE_MASK) != ISCSI_OP_DATA_IN || d[BHS_TOTAL_AHS_LEN] ||
	    iscsi_pdu_decode(d, ISCSI_BHS_LEN, s->params.max_recv_dsl, SESS_AHS_MAX, &p))
		return false;
	t = sess_task_by_itt(s, p.itt);
	if (!t || t->state != ISCSI_TASK_ACTIVE || t->dir != ISCSI_DIR_READ ||
	    !t->buf || !p.data_len || p.buffer_offset != t->data_done ||
	    p.buffer_offset > t->xfer_len || p.data_len > t->xfer_len - p.buffer_offset)
		return false;
	return !(p.flags & ISCSI_DATA_STATUS) || done_room(s, t);
}

/* A Data-In sess_rx_direct took whole: its bookkeeping now; completing
 * its task (which runs the owner's code) waits for sess_rx_finish_direct. */
static void direct_pdu_done(struct iscsi_session *s)
{
	struct iscsi_task *t = s->rx_task;
	int result;

	if (data_in_note(s, &s->rx_pdu, &result))
		s->rx_done[s->rx_done_n++] = (struct sess_done){ t, t->itt, result };
	sess_rx_reset(s);
}

void sess_rx_finish_direct(struct iscsi_session *s)
{
	for (unsigned i = 0; i < s->rx_done_n; i++) {
		struct sess_done *d = &s->rx_done[i];

		/* not failed or reused since (a poll of another session) */
		if (d->t->state == ISCSI_TASK_ACTIVE && d->t->itt == d->itt)
			sess_task_done(s, d->t, d->result);
	}
	s->rx_done_n = 0;
}

/* A parked read-ahead's data is next: nothing moves until it is bound. */
static bool rx_parked(const struct iscsi_session *s)
{
	return s->rx_phase == RX_DATA && s->rx_sink == SINK_TASK &&
	       !s->rx_task->buf && s->rx_have < s->rx_seg;
}

/* A Data-In whose data is all in: finished here when it may be (else
 * sess_rx_step finishes it); whether the PDU is behind us now. */
static bool direct_end(struct iscsi_session *s)
{
	if (s->rx_phase != RX_DATA || s->rx_have != s->rx_seg)
		return true;
	if (s->rx_sink != SINK_TASK || ((s->rx_pdu.flags & ISCSI_DATA_STATUS) &&
					!done_room(s, s->rx_task)))
		return false;
	direct_pdu_done(s);
	return true;
}

/* One step of sess_rx_direct at d (n bytes): bytes taken, 0 to stop. */
static uint32_t direct_step(struct iscsi_session *s, const uint8_t *d, uint32_t n)
{
	if (rx_parked(s) || !direct_end(s))
		return 0;
	if (s->rx_phase == RX_HDR) {
		uint8_t h[ISCSI_BHS_LEN];
		uint32_t want = ISCSI_BHS_LEN - s->rx_have;

		if (s->rx_need != ISCSI_BHS_LEN)
			return 0;             /* AHS being gathered: the ring's */
		if (n < want) {               /* a header across two segments */
			header_take(s, d, n);
			return n;
		}
		memcpy(h, s->rx_hdr, s->rx_have);
		memcpy(h + s->rx_have, d, want);
		if (!direct_hdr_ok(s, h))
			return 0;
	} else if (s->rx_phase != RX_DATA || s->rx_sink != SINK_TASK) {
		return 0;
	}
	long used = rx_piece(s, d, n);
	if (used <= 0)
		return 0;
	direct_end(s);                /* its last byte taken: done at once */
	return (uint32_t)used;
}

size_t sess_rx_direct(void *ctx, const uint8_t *d, size_t n)
{
	struct iscsi_session *s = ctx;
	size_t done = 0;
	uint32_t k;

	if (!s->connected || s->params.header_digest || s->params.data_digest)
		return 0;
	while (done < n && (k = direct_step(s, d + done, (uint32_t)(n - done))))
		done += k;
	if (done)
		s->last_rx = s->xo->now(s);
	return done;
}

/* Parse everything the ring holds (bounded per call); a PDU is finished
 * before the next read, so one sess_rx_direct left complete is too. */
int sess_rx_step(struct iscsi_session *s)
{
	uint32_t budget = 4u << 20;

	sess_rx_finish_direct(s);
	while (s->connected && budget) {
		const uint8_t *d;
		size_t n;
		long used;
		int rc = rx_advance(s);

		if (rc || !s->connected || rx_parked(s))
			return rc;
		n = s->xo->peek(s, &d);
		if (n == 0)
			return 0;
		if (n > budget)
			n = budget;
		s->last_rx = s->xo->now(s);
		used = rx_piece(s, d, (uint32_t)n);
		if (used < 0)
			return (int)used;
		s->xo->consume(s, (size_t)used);
		budget -= (uint32_t)used;
	}
	return s->connected ? rx_advance(s) : 0;
}
