/* net/tcp_out.c - TCP transmission: header and checksum, the SYN with its
 * MSS and window-scale options, data from the send ring within
 * min(cwnd, peer window), ACKs, zero-window probes, RSTs, and resending the
 * oldest unacknowledged segment. */
#include "net/tcp_int.h"
#include "lib/byteorder.h"
#include "lib/mem.h"
#include "lib/err.h"

/* Everything the wire header needs besides the payload. */
struct tcp_hdr_out {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	uint8_t optlen;          /* options already sit just before the payload */
};

/* The header goes right in front of the payload, which (with any options)
 * the caller placed at NET_TX_HEADROOM in the buffer net_tx_begin gave. */
static int tcp_emit(struct net_stack *ns, const struct tcp_hdr_out *o,
		    uint32_t plen)
{
	uint32_t hlen = TCP_HLEN + o->optlen;
	uint8_t *h = ns->tx.buf + NET_TX_HEADROOM - hlen;
	uint32_t sum;

	put_be16(h + TCP_OFF_SPORT, o->sport);
	put_be16(h + TCP_OFF_DPORT, o->dport);
	put_be32(h + TCP_OFF_SEQ, o->seq);
	put_be32(h + TCP_OFF_ACK, (o->flags & TCP_ACK) ? o->ack : 0);
	h[TCP_OFF_DOFF] = (uint8_t)((hlen / 4) << 4);
	h[TCP_OFF_FLAGS] = o->flags;
	put_be16(h + TCP_OFF_WIN, o->win);
	put_be16(h + TCP_OFF_CSUM, 0);
	put_be16(h + TCP_OFF_URG, 0);
	sum = inet_pseudo_sum(o->src, o->dst, IP_PROTO_TCP,
			      (uint16_t)(hlen + plen));
	sum = inet_sum(h, hlen + plen, sum);
	put_be16(h + TCP_OFF_CSUM, inet_fold(sum));
	return ipv4_output(ns, o->dst, IP_PROTO_TCP, h, hlen + plen);
}

/* Window field to advertise: free ring space, scaled (never in a SYN). */
static uint16_t tcp_wnd_field(const struct tcp_conn *c, uint8_t flags)
{
	uint32_t wnd = tcp_rcv_wnd(c);

	if (!(flags & TCP_SYN))
		wnd >>= c->rcv_wscale;
	return (uint16_t)(wnd > 65535 ? 65535 : wnd);
}

/* Emit one segment of c; any ACK it carries settles what we owed. */
static int tcp_emit_conn(struct tcp_conn *c, uint32_t seq, uint8_t flags,
			 uint8_t optlen, uint32_t plen)
{
	struct tcp_hdr_out o = {
		.src = c->local_ip, .dst = c->remote_ip,
		.sport = c->local_port, .dport = c->remote_port,
		.seq = seq, .ack = c->rcv_nxt, .flags = flags,
		.win = tcp_wnd_field(c, flags), .optlen = optlen,
	};

	if (flags & TCP_ACK) {
		c->rcv_adv = c->rcv_nxt + ((uint32_t)o.win << c->rcv_wscale);
		c->delack_deadline = 0;
		c->segs_unacked = 0;
		c->ack_now = 0;
	}
	c->st.segs_out++;
	return tcp_emit(c->ns, &o, plen);
}

/* SYN options: MSS, window scale, SACK-permitted (we only send SACKs). */
int tcp_send_syn(struct tcp_conn *c)
{
	uint8_t *opt = net_tx_begin(c->ns) + NET_TX_HEADROOM - 12;
	uint32_t mtu_mss = (uint32_t)c->ns->dev->mtu - 40;

	opt[0] = TCP_OPT_MSS;
	opt[1] = 4;
	put_be16(opt + 2, (uint16_t)tcp_min32(mtu_mss, 65535));
	opt[4] = TCP_OPT_NOP;
	opt[5] = TCP_OPT_WS;
	opt[6] = 3;
	opt[7] = c->rcv_wscale;
	opt[8] = TCP_OPT_NOP;
	opt[9] = TCP_OPT_NOP;
	opt[10] = TCP_OPT_SACKP;
	opt[11] = 2;
	c->snd_nxt = c->iss + 1;
	c->snd_max = c->iss + 1;
	if (!c->rtt_timing && !c->backoff) {
		c->rtt_timing = 1;
		c->rtt_seq = c->iss;
		c->rtt_start = net_now(c->ns);
	}
	if (!c->rto_deadline)
		c->rto_deadline = net_now(c->ns) + c->rto;
	return tcp_emit_conn(c, c->iss, TCP_SYN, 12, 0);
}

/* Copy [seq, seq+len) of the send ring to the payload area of the frame
 * (in a TX slot the driver lent: the one copy between ring and NIC) and
 * send. */
static void tcp_send_at(struct tcp_conn *c, uint32_t seq, uint32_t len,
			uint8_t flags)
{
	uint8_t *p = net_tx_begin(c->ns) + NET_TX_HEADROOM;
	uint32_t mask = c->tx_size - 1;
	uint32_t off = (c->tx_head + (seq - c->snd_buf_seq)) & mask;
	uint32_t first = tcp_min32(len, c->tx_size - off);
	uint32_t next = seq + len + ((flags & TCP_FIN) ? 1 : 0);
	uint64_t now = net_now(c->ns);

	memcpy(p, c->tx_buf + off, first);
	memcpy(p + first, c->tx_buf, len - first);
	tcp_emit_conn(c, seq, flags, 0, len); /* LL_EAGAIN: lost, RTO covers */
	if (SEQ_LT(seq, c->snd_max)) {
		c->st.retrans++;
		c->rtt_timing = 0;             /* Karn: no sample across resends */
	} else if (!c->rtt_timing) {
		c->rtt_timing = 1;
		c->rtt_seq = seq;
		c->rtt_start = now;
	}
	if (SEQ_GT(next, c->snd_nxt))
		c->snd_nxt = next;
	if (SEQ_GT(next, c->snd_max))
		c->snd_max = next;
	if (!c->rto_deadline)
		c->rto_deadline = now + c->rto;
	if (!c->tlp_deadline)
		tcp_arm_tlp(c);
}

/* Sender silly-window avoidance (RFC 9293 3.8.6.2.1): full segments go at
 * once; a short one only on a flush and when it is the whole tail, or
 * nothing is in flight, or it fills half the largest window seen. */
static int tcp_may_send(const struct tcp_conn *c, uint32_t len,
			uint32_t queued, int flush)
{
	if (len >= c->mss)
		return 1;
	if (!flush)
		return 0;
	if (len == queued || c->snd_nxt == c->snd_una)
		return 1;
	return len >= c->max_sndwnd / 2;
}

static int tcp_state_sends(enum tcp_st st)
{
	return st == TCP_ESTABLISHED || st == TCP_CLOSE_WAIT ||
	       st == TCP_FIN_WAIT_1 || st == TCP_CLOSING || st == TCP_LAST_ACK;
}

/* Bytes in the network: sent and neither acked nor, during a SACK
 * recovery, SACKed (the pipe of RFC 6675, holes counted as out). */
static uint32_t tcp_pipe(const struct tcp_conn *c)
{
	uint32_t out = c->snd_nxt - c->snd_una, sacked;

	if (!c->in_recovery || !c->sack_seen)
		return out;
	sacked = tcp_sack_bytes(c);
	return out > sacked ? out - sacked : 0;
}

/* SACK recovery: resend the holes first, within cwnd. Once data sent
 * after our latest resend is SACKed, holes still open lost their resend
 * too: scan again from snd_una. Returns the bytes resent. */
static uint32_t tcp_resend_holes(struct tcp_conn *c)
{
	uint32_t seq, len, used = 0;

	if (!c->in_recovery || !c->sack_seen)
		return 0;
	if (SEQ_GT(tcp_sack_high(c), c->rexmit_mark))
		c->rexmit_nxt = c->snd_una;
	while (tcp_pipe(c) + used < c->cwnd &&
	       tcp_sack_next_hole(c, c->rexmit_nxt, &seq, &len)) {
		tcp_resend_range(c, seq, len);
		c->rexmit_nxt = seq + len;
		used += len;
	}
	return used;
}

/* Pick the next segment at snd_nxt: its length and flags, 0 if none.
 * extra: bytes already resent in this round, counted as in flight. */
static int tcp_next_seg(struct tcp_conn *c, int flush, uint32_t extra,
			uint32_t *len, uint8_t *flags)
{
	uint32_t end = tcp_data_end(c);
	/* RFC 3042 limited transmit: a new segment for each of the first
	 * two duplicate ACKs */
	uint32_t lt = !c->in_recovery && c->dupacks < 3 ? c->dupacks * c->mss : 0;
	uint32_t wnd = tcp_min32(c->cwnd + lt, c->snd_wnd);
	uint32_t flight = tcp_pipe(c) + extra;
	uint32_t room = wnd > flight ? wnd - flight : 0;
	uint32_t queued = SEQ_LT(c->snd_nxt, end) ? end - c->snd_nxt : 0;

	*flags = TCP_ACK;
	if (queued) {
		*len = tcp_min32(tcp_min32(queued, c->mss), room);
		if (!*len || !tcp_may_send(c, *len, queued, flush))
			return 0;
		if (*len == queued) {
			*flags |= TCP_PSH;
			if (c->fin_queued)
				*flags |= TCP_FIN;
		}
		return 1;
	}
	*len = 0;
	if (c->fin_queued && c->snd_nxt == end) {
		*flags |= TCP_FIN;
		return 1;
	}
	return 0;
}

void tcp_output(struct tcp_conn *c, int flush)
{
	uint32_t len, extra;
	uint8_t flags;

	if (!tcp_state_sends(c->state))
		return;
	extra = tcp_resend_holes(c);
	while (tcp_next_seg(c, flush, extra, &len, &flags))
		tcp_send_at(c, c->snd_nxt, len, flags);
	if (c->snd_wnd == 0 && SEQ_LT(c->snd_nxt, tcp_data_end(c)) &&
	    c->snd_una == c->snd_max && !c->persist_deadline)
		tcp_arm_persist(c);
}

/* Resend data [seq, seq+len) that lies below the highest SACKed byte. */
void tcp_resend_range(struct tcp_conn *c, uint32_t seq, uint32_t len)
{
	c->st.sack_rexmits++;
	tcp_send_at(c, seq, len, TCP_ACK);
	c->rexmit_mark = c->snd_max;
}

/* Resend the oldest unacknowledged segment; returns the sequence number
 * just past what was sent. */
uint32_t tcp_retransmit_head(struct tcp_conn *c)
{
	uint32_t end = tcp_data_end(c), len = 0;
	int fin_sent = c->fin_queued && SEQ_GT(c->snd_max, end);
	uint8_t flags = TCP_ACK;

	if (SEQ_LT(c->snd_una, end)) {
		len = tcp_min32(end - c->snd_una, c->mss);
		if (c->snd_una + len == end) {
			flags |= TCP_PSH;
			if (fin_sent)
				flags |= TCP_FIN;
		}
	} else if (fin_sent) {
		flags |= TCP_FIN;
	} else {
		return c->snd_una;
	}
	tcp_send_at(c, c->snd_una, len, flags);
	return c->snd_una + len + ((flags & TCP_FIN) ? 1 : 0);
}

/* SACK blocks (RFC 2018 4) for held out-of-order data, written just
 * before the payload area of the frame begun: the block holding the latest
 * segment first. */
static uint8_t tcp_sack_opts(struct tcp_conn *c)
{
	int n = c->ooo_n < TCP_SACK_BLOCKS ? c->ooo_n : TCP_SACK_BLOCKS;
	uint8_t len = (uint8_t)(4 + 8 * n), *o, *b;
	int i, first = 0;

	if (!c->sack_ok || !n)
		return 0;
	for (i = 0; i < c->ooo_n; i++)
		if (SEQ_LEQ(c->ooo[i].start, c->ooo_last) &&
		    SEQ_LT(c->ooo_last, c->ooo[i].end))
			first = i;
	o = c->ns->tx.buf + NET_TX_HEADROOM - len;
	o[0] = TCP_OPT_NOP;
	o[1] = TCP_OPT_NOP;
	o[2] = TCP_OPT_SACK;
	o[3] = (uint8_t)(2 + 8 * n);
	b = o + 4;
	put_be32(b, c->ooo[first].start);
	put_be32(b + 4, c->ooo[first].end);
	b += 8;
	for (i = 0; i < c->ooo_n && b < o + len; i++) {
		if (i == first)
			continue;
		put_be32(b, c->ooo[i].start);
		put_be32(b + 4, c->ooo[i].end);
		b += 8;
	}
	return len;
}

/* Tail loss probe (RFC 8985 7.3): one new segment if the peer's window
 * allows (cwnd does not bind a probe), else the last segment again, so
 * the peer's answer shows (with SACK) what is missing. */
void tcp_send_tlp(struct tcp_conn *c)
{
	uint32_t end = tcp_data_end(c), room, len;
	int fin_sent = c->fin_queued && SEQ_GT(c->snd_max, end);

	room = c->snd_wnd > c->snd_nxt - c->snd_una ?
	       c->snd_wnd - (c->snd_nxt - c->snd_una) : 0;
	c->st.tlp_probes++;
	if (c->snd_nxt == c->snd_max && SEQ_LT(c->snd_nxt, end) && room) {
		len = tcp_min32(tcp_min32(end - c->snd_nxt, c->mss), room);
		tcp_send_at(c, c->snd_nxt, len, TCP_ACK |
			    (c->snd_nxt + len == end ? TCP_PSH : 0));
		return;
	}
	if (SEQ_LT(c->snd_una, end)) {
		len = tcp_min32(end - c->snd_una, c->mss);
		tcp_send_at(c, end - len, len, TCP_ACK | TCP_PSH |
			    (fin_sent ? TCP_FIN : 0));
		return;
	}
	tcp_retransmit_head(c);          /* only the FIN is out */
}

/* A pure ACK, with SACK blocks when data is held out of order. */
void tcp_send_ack(struct tcp_conn *c)
{
	net_tx_begin(c->ns);
	tcp_emit_conn(c, c->snd_nxt, TCP_ACK, tcp_sack_opts(c), 0);
}

/* Zero-window probe: an old sequence number makes the peer answer with an
 * ACK that carries its current window (RFC 9293 3.8.6.1). */
void tcp_send_probe(struct tcp_conn *c)
{
	c->st.probes++;
	net_tx_begin(c->ns);
	tcp_emit_conn(c, c->snd_una - 1, TCP_ACK, 0, 0);
}

void tcp_send_rst_conn(struct tcp_conn *c)
{
	net_tx_begin(c->ns);
	tcp_emit_conn(c, c->snd_nxt, TCP_RST | TCP_ACK, 0, 0);
}

/* RST for a segment no connection wants (RFC 9293 3.10.7.1). */
void tcp_reply_rst(struct net_stack *ns, const struct tcp_seg *s)
{
	struct tcp_hdr_out o = {
		.src = s->dst, .dst = s->src, .sport = s->dport,
		.dport = s->sport, .win = 0, .optlen = 0,
	};

	if (s->flags & TCP_RST)
		return;
	if (s->flags & TCP_ACK) {
		o.seq = s->ack;
		o.flags = TCP_RST;
	} else {
		o.seq = 0;
		o.ack = s->seq + s->len + ((s->flags & TCP_SYN) ? 1 : 0) +
			((s->flags & TCP_FIN) ? 1 : 0);
		o.flags = TCP_RST | TCP_ACK;
	}
	ns->tcp.rsts_sent++;
	net_tx_begin(ns);
	tcp_emit(ns, &o, 0);
}
