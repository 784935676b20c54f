/* net/tcp_timer.c - TCP timers: RFC 6298 RTT estimation and retransmission
 * timeout with Karn's rule and exponential backoff, the zero-window persist
 * timer, delayed ACKs, and the per-poll flush of queued data. */
#include "net/tcp_int.h"
#include "lib/err.h"

#define TCP_CLOCK_G 1000u   /* clock granularity term G of RFC 6298 (us) */

static uint32_t tcp_rto_clamp(uint64_t rto)
{
	if (rto < TCP_RTO_MIN)
		return TCP_RTO_MIN;
	return rto > TCP_RTO_MAX ? TCP_RTO_MAX : (uint32_t)rto;
}

/* RFC 6298 2.2/2.3 with srtt kept x8 and rttvar x4. */
void tcp_rtt_sample(struct tcp_conn *c, uint32_t r)
{
	if (!c->srtt) {
		c->srtt = (r ? r : 1) << 3;
		c->rttvar = r << 1;
	} else {
		int64_t delta = (int64_t)r - (c->srtt >> 3);
		int64_t mag = delta < 0 ? -delta : delta;

		c->srtt = (uint32_t)((int64_t)c->srtt + delta);
		if (!c->srtt)
			c->srtt = 1;
		c->rttvar = (uint32_t)((int64_t)c->rttvar + mag -
				       (c->rttvar >> 2));
	}
	c->rto = tcp_rto_clamp((uint64_t)(c->srtt >> 3) +
			       tcp_max32(TCP_CLOCK_G, c->rttvar));
}

/* RFC 6298 5.2/5.3: stop when all is acked, else restart on new data. */
void tcp_rto_restart(struct tcp_conn *c)
{
	if (c->snd_una == c->snd_max)
		c->rto_deadline = 0;
	else
		c->rto_deadline = net_now(c->ns) + c->rto;
}

static uint64_t tcp_persist_interval(const struct tcp_conn *c)
{
	uint64_t t = tcp_max32(c->rto, TCP_PERSIST_MIN);
	int i;

	for (i = 0; i < c->persist_backoff && t < TCP_RTO_MAX; i++)
		t <<= 1;
	return t > TCP_RTO_MAX ? TCP_RTO_MAX : t;
}

void tcp_arm_persist(struct tcp_conn *c)
{
	c->persist_deadline = net_now(c->ns) + tcp_persist_interval(c);
}

/* RFC 8985 7.2: probe after 2 SRTT of silence (not below TCP_PTO_MIN),
 * once per episode, and only when that comes before the RTO and more than
 * one segment is out (a lone one may be sitting in a delayed ACK). */
void tcp_arm_tlp(struct tcp_conn *c)
{
	uint64_t t;

	c->tlp_deadline = 0;
	if (!c->srtt || c->tlp_done || c->state == TCP_SYN_SENT ||
	    c->snd_max - c->snd_una <= c->mss)
		return;
	t = net_now(c->ns) + tcp_max32(c->srtt >> 2, TCP_PTO_MIN);
	if (!c->rto_deadline || t < c->rto_deadline)
		c->tlp_deadline = t;
}

static void tcp_tlp_fire(struct tcp_conn *c)
{
	c->tlp_deadline = 0;
	if (c->snd_una == c->snd_max || c->snd_wnd == 0)
		return;
	c->tlp_done = 1;
	tcp_send_tlp(c);
}

static void tcp_persist_fire(struct tcp_conn *c)
{
	tcp_send_probe(c);
	if (c->persist_backoff < 16)
		c->persist_backoff++;
	tcp_arm_persist(c);
}

/* RFC 6298 5.4-5.7 and RFC 5681 3.1: resend the oldest segment, back off,
 * collapse cwnd to one segment; give up after the retry bound or the
 * user's deadline. */
static void tcp_rto_fire(struct tcp_conn *c, uint64_t now)
{
	int limit = c->state == TCP_SYN_SENT ? TCP_SYN_RETRIES : TCP_DATA_RETRIES;

	c->rto_deadline = 0;
	c->tlp_deadline = 0;
	if (c->snd_una == c->snd_max)
		return;
	c->st.timeouts++;
	if (c->backoff >= limit || (c->user_deadline && now >= c->user_deadline)) {
		tcp_fail(c, LL_ECONNABORTED);
		return;
	}
	if (c->snd_wnd == 0 && c->state != TCP_SYN_SENT) {
		/* the window closed under data in flight: the peer is alive
		 * and holding it; probe instead of counting toward giving up */
		c->snd_nxt = c->snd_una;
		c->rtt_timing = 0;
		if (!c->persist_deadline)
			tcp_arm_persist(c);
		return;
	}
	c->backoff++;
	c->rto = (uint32_t)tcp_min32(c->rto * 2u, TCP_RTO_MAX);
	c->rtt_timing = 0;
	if (c->state == TCP_SYN_SENT) {
		tcp_send_syn(c);
		return;
	}
	if (c->backoff == 1)
		c->ssthresh = tcp_max32((c->snd_max - c->snd_una) / 2, 2u * c->mss);
	c->cwnd = c->mss;
	c->ca_acked = 0;
	c->in_recovery = 0;
	c->dupacks = 0;
	c->recover = c->snd_max;
	c->sacked_n = 0;              /* RFC 2018 8: forget SACKs at an RTO */
	c->snd_nxt = c->snd_una;
	tcp_retransmit_head(c);
	c->rto_deadline = now + c->rto;
}

static void tcp_conn_timers(struct tcp_conn *c, uint64_t now)
{
	if (c->rto_deadline && now >= c->rto_deadline)
		tcp_rto_fire(c, now);
	if (c->state == TCP_CLOSED)
		return;
	if (c->tlp_deadline && now >= c->tlp_deadline)
		tcp_tlp_fire(c);
	if (c->persist_deadline && now >= c->persist_deadline) {
		if (c->snd_wnd == 0 && SEQ_LT(c->snd_nxt, tcp_data_end(c)))
			tcp_persist_fire(c);
		else
			c->persist_deadline = 0;
	}
	if (c->delack_deadline && now >= c->delack_deadline)
		c->ack_now = 1;
	if (c->state != TCP_SYN_SENT)
		tcp_output(c, 1);
	if (c->ack_now)
		tcp_send_ack(c);
}

void tcp_timers(struct net_stack *ns)
{
	uint64_t now = net_now(ns);
	int i;

	for (i = 0; i < TCP_MAX_CONNS; i++) {
		struct tcp_conn *c = ns->tcp.conns[i];

		if (c)
			tcp_conn_timers(c, now);
	}
}

static uint64_t tcp_earliest(uint64_t a, uint64_t b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a < b ? a : b;
}

uint64_t tcp_next_timer(const struct net_stack *ns)
{
	uint64_t t = 0;
	int i;

	for (i = 0; i < TCP_MAX_CONNS; i++) {
		const struct tcp_conn *c = ns->tcp.conns[i];

		if (!c)
			continue;
		t = tcp_earliest(t, c->rto_deadline);
		t = tcp_earliest(t, c->tlp_deadline);
		t = tcp_earliest(t, c->persist_deadline);
		t = tcp_earliest(t, c->delack_deadline);
		t = tcp_earliest(t, c->timewait_deadline);
	}
	return t;
}
