/* iscsi/session.c - the session's task table and its polled loop: submit,
 * completion, per-task deadlines, NOP keepalive, logout on request, and
 * the public open/poll/wait/close entry points. */
#include "iscsi/session_int.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

int sess_slot_of(const struct iscsi_task *t)
{
	uint32_t slot = t->itt & 0xff;

	return slot < ISCSI_MAX_TASKS ? (int)slot : LL_ENOENT;
}

struct iscsi_task *sess_task_by_itt(struct iscsi_session *s, uint32_t itt)
{
	uint32_t slot = itt & 0xff;

	if ((itt & 0x80000000u) || slot >= ISCSI_MAX_TASKS)
		return NULL;
	if (!s->slot[slot] || s->slot[slot]->itt != itt)
		return NULL;
	return s->slot[slot];
}

static void queue_unlink(struct iscsi_session *s, struct iscsi_task *t)
{
	struct iscsi_task **pp = &s->q_head, *prev = NULL;

	while (*pp && *pp != t) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return;
	*pp = t->next;
	if (s->q_tail == t)
		s->q_tail = prev;
	t->next = NULL;
}

static void queue_append(struct iscsi_session *s, struct iscsi_task *t)
{
	t->next = NULL;
	if (s->q_tail)
		s->q_tail->next = t;
	else
		s->q_head = t;
	s->q_tail = t;
}

void sess_task_done(struct iscsi_session *s, struct iscsi_task *t, int result)
{
	int slot = sess_slot_of(t);

	if (t->state == ISCSI_TASK_QUEUED)
		queue_unlink(s, t);
	if (s->rx_task == t) {            /* its Data-In is half in: skip the rest */
		s->rx_task = NULL;
		s->rx_sink = SINK_NONE;
	}
	if (slot >= 0 && s->slot[slot] == t) {
		s->slot[slot] = NULL;
		s->r2t[slot][0].live = s->r2t[slot][1].live = false;
		s->ntasks--;
	}
	t->r2t_pending = 0;
	t->result = result;
	t->state = ISCSI_TASK_DONE;
	s->completions++;
	if (t->done)
		t->done(t->ctx, t);
}

void sess_fail_all(struct iscsi_session *s, int result)
{
	for (int i = 0; i < ISCSI_MAX_TASKS; i++)
		if (s->slot[i])
			sess_task_done(s, s->slot[i], result);
}

/* After a new login: every task that was sent goes back to the queue, in
 * CmdSN order and ahead of the never-sent ones, to be issued whole again. */
void sess_requeue_all(struct iscsi_session *s)
{
	struct iscsi_task *old_head = s->q_head, *old_tail = s->q_tail;
	struct iscsi_task *sent[ISCSI_MAX_TASKS];
	unsigned n = 0;

	for (int i = 0; i < ISCSI_MAX_TASKS; i++) {
		struct iscsi_task *t = s->slot[i];

		if (!t || t->state != ISCSI_TASK_ACTIVE)
			continue;
		if (++s->reissues[i] > SESS_MAX_REISSUE) {
			sess_task_done(s, t, LL_ESESSION);
			continue;
		}
		unsigned j = n++;
		for (; j > 0 && sna_lt(t->cmdsn, sent[j - 1]->cmdsn); j--)
			sent[j] = sent[j - 1];
		sent[j] = t;
	}
	s->q_head = s->q_tail = NULL;
	for (unsigned i = 0; i < n; i++) {
		sess_task_reset(s, sent[i]);
		sent[i]->state = ISCSI_TASK_QUEUED;
		queue_append(s, sent[i]);
		s->st.reissued++;
	}
	if (old_head) {
		if (s->q_tail)
			s->q_tail->next = old_head;
		else
			s->q_head = old_head;
		s->q_tail = old_tail;
	}
}

void sess_fail_conn(struct iscsi_session *s, int reason)
{
	if (!s->connected)
		return;
	sess_rx_finish_direct(s);          /* their data and status are in */
	s->xo->abort(s);
	s->connected = false;
	s->drop_reason = reason ? reason : LL_ESESSION;
	s->nop_out_pending = false;
	s->ping_owed = false;
	sess_rx_reset(s);
	ll_printf("iscsi: connection lost E%d (%s)\n", -s->drop_reason,
		  ll_strerror(s->drop_reason));
}

int iscsi_submit(struct iscsi_session *s, struct iscsi_task *t)
{
	int slot = -1;

	if (s->fatal)
		return s->fatal;
	if (!t || t->cdb_len == 0 || t->cdb_len > ISCSI_CDB_LEN ||
	    (t->dir != ISCSI_DIR_NONE && t->xfer_len && !t->buf &&
	     !(t->dir == ISCSI_DIR_READ && t->hold == ISCSI_HOLD_PARK)) ||
	    (t->hold && t->buf))
		return LL_EINVAL;
	for (int i = 0; i < ISCSI_MAX_TASKS && slot < 0; i++)
		if (!s->slot[i])
			slot = i;
	if (slot < 0)
		return LL_EBUSY;
	s->itt_gen = (s->itt_gen + 1) & 0x7fffff;
	t->itt = s->itt_gen << 8 | (uint32_t)slot;
	t->result = 0;
	t->residual = 0;
	t->sense_len = 0;
	t->scsi_status = 0;
	t->data_done = 0;
	t->r2t_pending = 0;
	t->state = ISCSI_TASK_QUEUED;
	s->slot[slot] = t;
	s->reissues[slot] = 0;
	s->r2t[slot][0].live = s->r2t[slot][1].live = false;
	s->ntasks++;
	queue_append(s, t);
	return 0;
}

unsigned iscsi_inflight(const struct iscsi_session *s)
{
	return s->ntasks;
}

void iscsi_task_bind(struct iscsi_session *s, struct iscsi_task *t, uint8_t *buf)
{
	if (t->hold != ISCSI_HOLD_PARK)
		return;
	t->buf = buf;
	t->hold = buf ? ISCSI_HOLD_NONE : ISCSI_HOLD_DROP;
	if (!buf && s->rx_task == t)
		s->rx_sink = SINK_NONE;       /* its Data-In under way: skip it */
	if (t->state == ISCSI_TASK_ACTIVE)
		t->deadline = s->xo->now(s) + s->cfg.io_timeout_us;
}

/* Per-task deadlines and our keepalive ping. */
static void run_timers(struct iscsi_session *s)
{
	uint64_t now = s->xo->now(s);

	for (int i = 0; i < ISCSI_MAX_TASKS && s->connected; i++) {
		struct iscsi_task *t = s->slot[i];

		if (t && t->state == ISCSI_TASK_ACTIVE && now >= t->deadline) {
			ll_printf("iscsi: task %08x timed out E%d\n", t->itt, -LL_ETIMEDOUT);
			sess_fail_conn(s, LL_ETIMEDOUT);
		}
	}
	if (!s->connected)
		return;
	if (s->nop_out_pending && now >= s->nop_deadline) {
		ll_printf("iscsi: no answer to NOP-Out E%d\n", -LL_ETIMEDOUT);
		sess_fail_conn(s, LL_ETIMEDOUT);
	} else if (!s->nop_out_pending && now - s->last_rx >= s->cfg.nop_interval_us) {
		uint32_t itt = SESS_ITT_NOP | (++s->nop_seq & 0xffffff);

		if (sess_send_nop_out(s, itt, ISCSI_RESERVED_TAG, NULL, 0) == 0) {
			s->nop_out_pending = true;
			s->nop_deadline = now + s->cfg.nop_interval_us;
			s->st.nops_sent++;
		}
	}
}

/* Async event 1: log out now (bounded), then log in again later. */
static void logout_on_request(struct iscsi_session *s)
{
	uint64_t end = s->xo->now(s) + SESS_LOGOUT_WAIT_US;

	s->logout_done = false;
	while (s->connected && sess_send_logout(s) == LL_EAGAIN &&
	       s->xo->now(s) < end)
		s->xo->poll(s, SESS_IDLE_STEP_US);
	s->xo->flush(s);
	while (s->connected && !s->logout_done && s->xo->now(s) < end) {
		s->xo->poll(s, SESS_IDLE_STEP_US);
		sess_rx_step(s);
	}
	s->logout_wanted = false;
	sess_fail_conn(s, LL_ESESSION);
}

/* One step of iscsi_poll; a reconnect inside it stops at deadline. */
static int sess_poll(struct iscsi_session *s, uint64_t deadline)
{
	int rc;

	if (s->fatal)
		return s->fatal;
	if (s->connected) {
		s->xo->poll(s, 0);
		rc = s->xo->status(s);
		if (rc)
			sess_fail_conn(s, rc);
	}
	if (s->connected)
		sess_rx_step(s);
	if (s->connected && s->logout_wanted)
		logout_on_request(s);
	if (s->connected)
		run_timers(s);
	if (s->connected)
		sess_tx_step(s);
	if (!s->connected && !s->fatal && sess_reconnect(s, deadline) == 0)
		sess_tx_step(s);              /* reissue at once */
	return s->fatal;
}

int iscsi_poll(struct iscsi_session *s)
{
	return sess_poll(s, UINT64_MAX);
}

/* Idle until the next millisecond, but not past deadline. */
static void idle_until(struct iscsi_session *s, uint64_t deadline)
{
	uint64_t now = s->xo->now(s);

	if (now < deadline)
		s->xo->poll(s, deadline - now < SESS_IDLE_STEP_US ?
			    (uint32_t)(deadline - now) : SESS_IDLE_STEP_US);
}

int iscsi_wait(struct iscsi_session *s, struct iscsi_task *t, uint64_t deadline)
{
	while (t->state != ISCSI_TASK_DONE) {
		if (s->xo->now(s) >= deadline)
			return LL_ETIMEDOUT;
		sess_poll(s, deadline);
		if (t->state == ISCSI_TASK_DONE)
			break;
		if (s->fatal)
			return s->fatal;
		idle_until(s, deadline);
	}
	return t->result;
}

int iscsi_wait_any(struct iscsi_session *s, uint64_t deadline)
{
	while (s->completions == s->completions_seen) {
		if (s->fatal)
			return s->fatal;
		if (s->xo->now(s) >= deadline)
			return LL_ETIMEDOUT;
		sess_poll(s, deadline);
		if (s->completions != s->completions_seen)
			break;
		idle_until(s, deadline);
	}
	s->completions_seen = s->completions;
	return 0;
}

void iscsi_cancel(struct iscsi_session *s, struct iscsi_task *t, int err)
{
	if (t->state == ISCSI_TASK_QUEUED || t->state == ISCSI_TASK_ACTIVE)
		sess_task_done(s, t, err ? err : LL_ETIMEDOUT);
}

const uint8_t *iscsi_session_isid(const struct iscsi_session *s)
{
	return s->isid;
}

uint64_t iscsi_session_now(struct iscsi_session *s)
{
	return s->xo->now(s);
}

int iscsi_session_close(struct iscsi_session *s, uint64_t deadline)
{
	int rc = 0;

	if (s->connected) {
		s->logout_done = false;
		while (s->connected && (rc = sess_send_logout(s)) == LL_EAGAIN &&
		       s->xo->now(s) < deadline)
			s->xo->poll(s, SESS_IDLE_STEP_US);
		s->xo->flush(s);
		while (s->connected && !s->logout_done && s->xo->now(s) < deadline) {
			s->xo->poll(s, SESS_IDLE_STEP_US);
			sess_rx_step(s);
		}
		rc = s->logout_done ? 0 : (s->connected ? LL_ETIMEDOUT : s->drop_reason);
		if (s->connected)
			s->xo->close(s, deadline);
		s->connected = false;
		ll_printf("iscsi: logged out%s\n", rc ? " (no answer)" : "");
	}
	if (!s->fatal)
		s->fatal = LL_ESESSION;
	sess_fail_all(s, LL_ESESSION);
	return rc;
}

const struct iscsi_stats *iscsi_session_stats(const struct iscsi_session *s)
{
	return &s->st;
}

const struct iscsi_params *iscsi_session_params(const struct iscsi_session *s)
{
	return &s->params;
}

/* Set up from the arena (nothing is allocated later), then log in. */
static int open_common(struct iscsi_session **out, const struct iscsi_xport_ops *xo,
		       void *xctx, struct net_stack *ns,
		       const struct iscsi_session_cfg *cfg,
		       struct ll_arena *arena, uint64_t deadline)
{
	struct iscsi_session *s;
	int rc = LL_ENOMEM;

	*out = NULL;
	s = ll_zalloc(arena, sizeof(*s));
	if (!s)
		return LL_ENOMEM;
	s->xo = xo;
	s->xctx = xctx;
	s->ns = ns;
	s->login = ll_zalloc(arena, sizeof(*s->login));
	if (!s->login)
		goto free_s;
	s->rx_data = ll_alloc(arena, SESS_RX_DATA_MAX);
	if (!s->rx_data)
		goto free_login;
	rc = sess_setup(s, cfg);
	if (rc)
		goto free_data;
	rc = LL_ENOMEM;
	if (ns) {
		s->tx_ring = ll_alloc_aligned(arena, s->cfg.tx_ring, 64);
		if (!s->tx_ring)
			goto free_data;
		s->rx_ring = ll_alloc_aligned(arena, s->cfg.rx_ring, 64);
		if (!s->rx_ring)
			goto free_tx;
	}
	rc = sess_login_first(s, deadline);
	if (rc)
		goto free_rx;
	*out = s;
	return 0;
free_rx:
	s->xo->abort(s);
	if (s->rx_ring)
		ll_free(arena, s->rx_ring);
free_tx:
	if (s->tx_ring)
		ll_free(arena, s->tx_ring);
free_data:
	ll_free(arena, s->rx_data);
free_login:
	ll_free(arena, s->login);
free_s:
	ll_free(arena, s);
	return rc;
}

int iscsi_session_open(struct iscsi_session **out, struct net_stack *ns,
		       const struct iscsi_session_cfg *cfg,
		       struct ll_arena *arena, uint64_t deadline)
{
	if (!ns)
		return LL_EINVAL;
	return open_common(out, &sess_tcp_ops, NULL, ns, cfg, arena, deadline);
}

int iscsi_session_open_xport(struct iscsi_session **out,
			     const struct iscsi_xport_ops *xo, void *xctx,
			     const struct iscsi_session_cfg *cfg,
			     struct ll_arena *arena, uint64_t deadline)
{
	return open_common(out, xo, xctx, NULL, cfg, arena, deadline);
}

unsigned iscsi_session_portal(const struct iscsi_session *s)
{
	return s->portal_idx;
}
