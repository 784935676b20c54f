/* net/tcp_in.c - TCP input: header and checksum validation, demultiplexing,
 * the SYN_SENT handshake step, RFC 5961 sequence/RST/ACK checks, ACK
 * processing with slow start, congestion avoidance and NewReno recovery. */
#include "net/tcp_int.h"
#include "lib/byteorder.h"
#include "lib/err.h"

static void tcp_parse_sack(struct tcp_seg *s, const uint8_t *b, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n && s->sack_n < TCP_SACK_BLOCKS; i++, s->sack_n++) {
		s->sack[s->sack_n].start = get_be32(b + 8 * i);
		s->sack[s->sack_n].end = get_be32(b + 8 * i + 4);
	}
}

/* MSS, window scale and SACK-permitted (on a SYN), SACK blocks (on ACKs);
 * malformed options end the walk. */
static void tcp_parse_opts(struct tcp_seg *s, const uint8_t *o, uint32_t n)
{
	uint32_t i = 0;

	while (i < n) {
		uint8_t kind = o[i], olen;

		if (kind == TCP_OPT_END)
			break;
		if (kind == TCP_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= n)
			break;
		olen = o[i + 1];
		if (olen < 2 || i + olen > n)
			break;
		if (kind == TCP_OPT_MSS && olen == 4)
			s->opt_mss = get_be16(o + i + 2);
		else if (kind == TCP_OPT_WS && olen == 3)
			s->opt_ws = o[i + 2];
		else if (kind == TCP_OPT_SACKP && olen == 2)
			s->opt_sackp = 1;
		else if (kind == TCP_OPT_SACK && olen >= 10)
			tcp_parse_sack(s, o + i + 2, (uint32_t)(olen - 2) / 8);
		i += olen;
	}
}

/* Length, header and checksum checks; 0 or a negative reason. */
static int tcp_parse(struct tcp_seg *s, uint32_t src, uint32_t dst,
		     const uint8_t *seg, size_t len)
{
	uint32_t doff;

	if (len < TCP_HLEN || len > 0xffff)
		return LL_EPROTO;
	doff = (uint32_t)(seg[TCP_OFF_DOFF] >> 4) * 4;
	if (doff < TCP_HLEN || doff > len)
		return LL_EPROTO;
	s->src = src;
	s->dst = dst;
	s->sport = get_be16(seg + TCP_OFF_SPORT);
	s->dport = get_be16(seg + TCP_OFF_DPORT);
	s->seq = get_be32(seg + TCP_OFF_SEQ);
	s->ack = get_be32(seg + TCP_OFF_ACK);
	s->flags = seg[TCP_OFF_FLAGS];
	s->win = get_be16(seg + TCP_OFF_WIN);
	s->data = seg + doff;
	s->len = (uint32_t)len - doff;
	s->opt_mss = 0;
	s->opt_ws = -1;
	s->opt_sackp = 0;
	s->sack_n = 0;
	if (inet_fold(inet_sum(seg, len, inet_pseudo_sum(src, dst, IP_PROTO_TCP,
							 (uint16_t)len))) != 0)
		return LL_ECHECKSUM;
	if (doff > TCP_HLEN)
		tcp_parse_opts(s, seg + TCP_HLEN, doff - TCP_HLEN);
	return 0;
}

static struct tcp_conn *tcp_lookup(struct net_stack *ns, const struct tcp_seg *s)
{
	int i;

	for (i = 0; i < TCP_MAX_CONNS; i++) {
		struct tcp_conn *c = ns->tcp.conns[i];

		if (c && c->local_port == s->dport && c->remote_port == s->sport &&
		    c->remote_ip == s->src && c->local_ip == s->dst)
			return c;
	}
	return 0;
}

/* SYN-ACK: take the peer's options and become ESTABLISHED. */
static void tcp_established(struct tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t our_mss = (uint32_t)c->ns->dev->mtu - 40;

	c->irs = s->seq;
	c->rcv_nxt = s->seq + 1;
	c->mss = (uint16_t)tcp_min32(s->opt_mss ? s->opt_mss : TCP_MSS_DEFAULT,
				     our_mss);
	if (c->mss < 64)
		c->mss = 64;
	if (s->opt_ws >= 0) {
		c->snd_wscale = (uint8_t)tcp_min32((uint32_t)s->opt_ws, TCP_WS_MAX);
	} else {
		c->snd_wscale = 0;
		c->rcv_wscale = 0;
	}
	c->sack_ok = s->opt_sackp;
	c->snd_una = s->ack;
	c->snd_wnd = s->win;                    /* never scaled in a SYN */
	c->max_sndwnd = c->snd_wnd;
	c->snd_wl1 = s->seq;
	c->snd_wl2 = s->ack;
	/* RFC 6928: min(10*MSS, max(2*MSS, 14600)) */
	c->cwnd = tcp_min32(10u * c->mss, tcp_max32(2u * c->mss, 14600));
	c->ssthresh = TCP_CWND_MAX;
	c->recover = s->ack;
	if (c->rtt_timing) {
		tcp_rtt_sample(c, (uint32_t)(net_now(c->ns) - c->rtt_start));
		c->rtt_timing = 0;
	}
	c->rto_deadline = 0;
	c->backoff = 0;
	c->state = TCP_ESTABLISHED;
	tcp_send_ack(c);
	tcp_output(c, 1);
}

static void tcp_in_syn_sent(struct tcp_conn *c, const struct tcp_seg *s)
{
	if ((s->flags & TCP_ACK) && s->ack != c->iss + 1) {
		c->st.bad_ack++;
		tcp_reply_rst(c->ns, s);
		return;
	}
	if (s->flags & TCP_RST) {
		if (s->flags & TCP_ACK)
			tcp_fail(c, LL_ECONNREFUSED);
		else
			c->st.bad_seg++;
		return;
	}
	/* simultaneous open is not supported: a client only */
	if (!(s->flags & TCP_SYN) || !(s->flags & TCP_ACK)) {
		c->st.bad_seg++;
		return;
	}
	tcp_established(c, s);
}

static int tcp_in_rcv_wnd(const struct tcp_conn *c, uint32_t seq, uint32_t wnd)
{
	return SEQ_GEQ(seq, c->rcv_nxt) && SEQ_LT(seq, c->rcv_nxt + wnd);
}

/* RFC 9293 3.10.7.4 acceptability test. */
static int tcp_seq_ok(const struct tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t wnd = tcp_rcv_wnd(c);
	uint32_t seglen = s->len + ((s->flags & TCP_SYN) ? 1 : 0) +
			  ((s->flags & TCP_FIN) ? 1 : 0);

	if (seglen == 0)
		return wnd == 0 ? s->seq == c->rcv_nxt :
				  tcp_in_rcv_wnd(c, s->seq, wnd);
	if (wnd == 0)
		return 0;
	return tcp_in_rcv_wnd(c, s->seq, wnd) ||
	       tcp_in_rcv_wnd(c, s->seq + seglen - 1, wnd);
}

static void tcp_enter_recovery(struct tcp_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;

	c->ssthresh = tcp_max32(flight / 2, 2u * c->mss);
	c->recover = c->snd_max;
	c->in_recovery = 1;
	c->st.fast_retrans++;
	c->rexmit_nxt = tcp_retransmit_head(c);
	c->rexmit_mark = c->snd_max;
	/* with SACK the pipe governs (RFC 6675); else NewReno inflation */
	c->cwnd = c->sack_seen ? c->ssthresh : c->ssthresh + 3u * c->mss;
}

/* RFC 5681 3.2 / RFC 6582: a duplicate ACK. With SACK, recovery also
 * starts once 3 segments' worth lies SACKed above snd_una (RFC 6675 IsLost:
 * a receiver that coalesces may send fewer duplicate ACKs). */
static void tcp_dupack(struct tcp_conn *c)
{
	int lost;

	c->st.dup_acks++;
	c->dupacks++;
	if (c->in_recovery) {
		if (!c->sack_seen)
			c->cwnd = tcp_min32(c->cwnd + c->mss, TCP_CWND_MAX);
		return;
	}
	lost = c->dupacks >= 3 ||
	       (c->sack_seen && tcp_sack_bytes(c) >= 3u * c->mss);
	if (lost && SEQ_GEQ(c->snd_una, c->recover))
		tcp_enter_recovery(c);
}

/* Congestion window after acked new bytes (RFC 5681, RFC 6582 3.2). */
static void tcp_cc_ack(struct tcp_conn *c, uint32_t ack, uint32_t acked)
{
	if (c->in_recovery) {
		if (SEQ_GEQ(ack, c->recover)) {
			uint32_t flight = c->snd_max - ack;

			c->cwnd = tcp_min32(c->ssthresh,
					    tcp_max32(flight, c->mss) + c->mss);
			c->in_recovery = 0;
		} else {
			if (SEQ_GEQ(ack, c->rexmit_nxt)) {
				c->rexmit_nxt = tcp_retransmit_head(c);
				c->rexmit_mark = c->snd_max;
			}
			if (!c->sack_seen) {     /* NewReno deflation */
				c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
				if (acked >= c->mss)
					c->cwnd += c->mss;
				c->cwnd = tcp_max32(c->cwnd, c->mss);
			}
		}
	} else if (c->cwnd < c->ssthresh) {
		c->cwnd += tcp_min32(acked, 2u * c->mss);   /* RFC 3465 L=2 */
	} else {
		c->ca_acked += acked;
		if (c->ca_acked >= c->cwnd) {
			c->ca_acked -= c->cwnd;
			c->cwnd += c->mss;
		}
	}
	c->cwnd = tcp_min32(c->cwnd, TCP_CWND_MAX);
}

/* Our FIN acknowledged: the closing states move on. */
static void tcp_fin_acked(struct tcp_conn *c)
{
	if (c->state == TCP_FIN_WAIT_1)
		c->state = TCP_FIN_WAIT_2;
	else if (c->state == TCP_CLOSING)
		c->state = TCP_TIME_WAIT;
	else if (c->state == TCP_LAST_ACK)
		tcp_release(c);
}

static void tcp_ack_new(struct tcp_conn *c, uint32_t ack)
{
	uint32_t acked = ack - c->snd_una, end = tcp_data_end(c);

	if (SEQ_GT(ack, c->snd_buf_seq)) {
		uint32_t n = (SEQ_LT(ack, end) ? ack : end) - c->snd_buf_seq;

		c->tx_head = (c->tx_head + n) & (c->tx_size - 1);
		c->tx_len -= n;
		c->snd_buf_seq += n;
	}
	c->snd_una = ack;
	tcp_range_cut(c->sacked, &c->sacked_n, ack);
	if (SEQ_LT(c->snd_nxt, ack))
		c->snd_nxt = ack;
	if (c->rtt_timing && SEQ_GT(ack, c->rtt_seq)) {
		tcp_rtt_sample(c, (uint32_t)(net_now(c->ns) - c->rtt_start));
		c->rtt_timing = 0;
	}
	c->backoff = 0;
	c->dupacks = 0;
	c->tlp_done = 0;
	tcp_cc_ack(c, ack, acked);
	tcp_rto_restart(c);
	if (c->fin_queued && ack == end + 1)
		tcp_fin_acked(c);
}

static void tcp_wnd_update(struct tcp_conn *c, const struct tcp_seg *s)
{
	if (SEQ_LT(c->snd_wl1, s->seq) ||
	    (c->snd_wl1 == s->seq && SEQ_LEQ(c->snd_wl2, s->ack))) {
		c->snd_wnd = (uint32_t)s->win << c->snd_wscale;
		c->snd_wl1 = s->seq;
		c->snd_wl2 = s->ack;
		c->max_sndwnd = tcp_max32(c->max_sndwnd, c->snd_wnd);
		if (c->snd_wnd) {
			c->persist_deadline = 0;
			c->persist_backoff = 0;
		}
	}
}

/* RFC 5961 5.2: an ACK beyond snd_max or older than the largest window is
 * answered with an ACK and dropped. Returns 0 to go on processing, or
 * LL_EPROTO for such an unacceptable ACK. */
static int tcp_ack_in(struct tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t ack = s->ack;
	int dup;

	if (SEQ_GT(ack, c->snd_max) ||
	    SEQ_LT(ack, c->snd_una - c->max_sndwnd - 1)) {
		c->st.bad_ack++;
		tcp_send_ack(c);
		return LL_EPROTO;
	}
	/* a duplicate: same ACK, no data, and the same window (RFC 5681 2)
	 * or SACK blocks telling that data arrived above a hole */
	dup = ack == c->snd_una && s->len == 0 &&
	      !(s->flags & (TCP_SYN | TCP_FIN)) &&
	      (((uint32_t)s->win << c->snd_wscale) == c->snd_wnd || s->sack_n) &&
	      c->snd_max != c->snd_una;
	tcp_sack_update(c, s);
	if (SEQ_GT(ack, c->snd_una))
		tcp_ack_new(c, ack);
	else if (dup)
		tcp_dupack(c);
	if (c->state != TCP_CLOSED) {
		tcp_wnd_update(c, s);
		tcp_arm_tlp(c);
	}
	return 0;
}

static void tcp_in_sync(struct tcp_conn *c, const struct tcp_seg *s)
{
	if (!tcp_seq_ok(c, s)) {
		c->st.bad_seg++;
		if (!(s->flags & TCP_RST))
			tcp_send_ack(c);
		return;
	}
	if (s->flags & TCP_RST) {                  /* RFC 5961 3.2 */
		if (s->seq == c->rcv_nxt) {
			tcp_fail(c, LL_ECONNRESET);
		} else {
			c->st.challenge_acks++;
			tcp_send_ack(c);
		}
		return;
	}
	if (s->flags & TCP_SYN) {                  /* RFC 5961 4.2 */
		c->st.challenge_acks++;
		tcp_send_ack(c);
		return;
	}
	if (!(s->flags & TCP_ACK)) {
		c->st.bad_seg++;
		return;
	}
	if (tcp_ack_in(c, s) < 0 || c->state == TCP_CLOSED)
		return;
	tcp_deliver(c, s);
	tcp_output(c, 0);
	if (c->ack_now)
		tcp_send_ack(c);
}

void tcp_input(struct net_stack *ns, uint32_t src, uint32_t dst,
	       const uint8_t *seg, size_t len)
{
	struct tcp_seg s;
	struct tcp_conn *c;
	int err = tcp_parse(&s, src, dst, seg, len);

	if (err == LL_EPROTO) {
		ns->tcp.rx_short++;
		return;
	}
	c = tcp_lookup(ns, &s);
	if (err == LL_ECHECKSUM) {
		ns->tcp.rx_bad_csum++;
		if (c)
			c->st.bad_csum++;
		return;
	}
	if (!c) {
		ns->tcp.rx_no_conn++;
		tcp_reply_rst(ns, &s);
		return;
	}
	c->st.segs_in++;
	if (c->state == TCP_SYN_SENT)
		tcp_in_syn_sent(c, &s);
	else
		tcp_in_sync(c, &s);
}
