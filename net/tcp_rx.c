/* net/tcp_rx.c - TCP receive path: payload copied straight into the rx ring
 * at its sequence offset, out-of-order intervals kept and merged when the
 * gap fills, the peer's FIN, delayed ACKs and window updates. */
#include "net/tcp_int.h"
#include "lib/mem.h"

/* Copy len bytes of sequence seq (at or past rcv_nxt) to their ring slot. */
static void tcp_rx_place(struct tcp_conn *c, uint32_t seq, const uint8_t *d,
			 uint32_t len)
{
	uint32_t mask = c->rx_size - 1;
	uint32_t idx = (c->rx_head + c->rx_len + (seq - c->rcv_nxt)) & mask;
	uint32_t first = tcp_min32(len, c->rx_size - idx);

	memcpy(c->rx_buf + idx, d, first);
	memcpy(c->rx_buf, d + first, len - first);
}

/* Record [start, end) as held out of order (merged with neighbours). */
static void tcp_ooo_add(struct tcp_conn *c, uint32_t start, uint32_t end)
{
	if (tcp_range_add(c->ooo, &c->ooo_n, TCP_OOO_MAX, start, end) < 0)
		c->st.ooo_dropped++;            /* the peer will resend it */
}

/* After rcv_nxt advanced: absorb held ranges it reached. */
static void tcp_ooo_drain(struct tcp_conn *c)
{
	uint32_t top;

	while (SEQ_GT(top = tcp_range_cut(c->ooo, &c->ooo_n, c->rcv_nxt),
		      c->rcv_nxt)) {
		c->rx_len += top - c->rcv_nxt;
		c->rcv_nxt = top;
	}
}

/* In-order bytes: from the second unacknowledged segment on, an ACK is
 * due now, and the poll step's timers send it once the frames of its
 * receive burst are in (one ACK for up to a burst of segments, not one per
 * two: each ACK costs the peer and the link a frame); a lone segment is
 * ACKed within TCP_DELACK_US; a segment that filled a gap, at once. */
static void tcp_rx_in_order(struct tcp_conn *c, const uint8_t *d, uint32_t len)
{
	int had_gap = c->ooo_n > 0;
	uint32_t took = 0;

	if (c->rx_direct && !had_gap && c->rx_len == 0) {
		took = (uint32_t)c->rx_direct(c->rx_direct_ctx, d, len);
		took = tcp_min32(took, len);
		c->st.direct_bytes += took;
	}
	tcp_rx_place(c, c->rcv_nxt, d + took, len - took);
	c->rcv_nxt += len;
	c->rx_len += len - took;
	if (had_gap) {
		tcp_ooo_drain(c);
		c->ack_now = 1;
		return;
	}
	if (++c->segs_unacked >= 2)
		c->delack_deadline = net_now(c->ns);   /* due: sent after this burst */
	else if (!c->delack_deadline)
		c->delack_deadline = net_now(c->ns) + TCP_DELACK_US;
}

static void tcp_rx_fin(struct tcp_conn *c)
{
	c->rcv_nxt++;
	c->fin_rcvd = 1;
	c->ooo_n = 0;                   /* nothing lies past a FIN */
	c->ack_now = 1;
	if (c->state == TCP_ESTABLISHED)
		c->state = TCP_CLOSE_WAIT;
	else if (c->state == TCP_FIN_WAIT_1)
		c->state = TCP_CLOSING;
	else if (c->state == TCP_FIN_WAIT_2)
		c->state = TCP_TIME_WAIT;
}

/* Payload and FIN of an acceptable segment (RFC 9293 3.10.7.4, steps 7-8). */
void tcp_deliver(struct tcp_conn *c, const struct tcp_seg *s)
{
	uint32_t seq = s->seq, len = s->len, wnd = tcp_rcv_wnd(c), off;
	const uint8_t *d = s->data;
	int fin = (s->flags & TCP_FIN) != 0;

	if (c->fin_rcvd) {                      /* nothing more may come */
		if (len || fin)
			c->ack_now = 1;
		return;
	}
	if (SEQ_LT(seq, c->rcv_nxt)) {          /* trim what we already have */
		uint32_t old = c->rcv_nxt - seq;

		c->ack_now = 1;
		if (len)
			c->st.dup_data++;
		if (old > len) {
			return;                 /* only an old FIN */
		}
		d += old;
		len -= old;
		seq = c->rcv_nxt;
	}
	off = seq - c->rcv_nxt;
	if (off + len > wnd) {                  /* trim past the window */
		len = wnd > off ? wnd - off : 0;
		fin = 0;
	}
	if (len && off == 0) {
		tcp_rx_in_order(c, d, len);
	} else if (len) {
		tcp_rx_place(c, seq, d, len);
		tcp_ooo_add(c, seq, seq + len);
		c->ooo_last = seq;
		c->st.ooo_segs++;
		c->ack_now = 1;
	}
	if (fin && seq + len == c->rcv_nxt)
		tcp_rx_fin(c);
}

/* After the user freed ring space: tell the peer when the window grew
 * enough to matter (receiver silly-window avoidance, RFC 9293 3.8.6.2.2). */
void tcp_rx_window_update(struct tcp_conn *c)
{
	uint32_t edge = c->rcv_nxt + tcp_rcv_wnd(c);
	uint32_t grow = edge - c->rcv_adv, left = c->rcv_adv - c->rcv_nxt;
	uint32_t step = tcp_min32(c->rx_size / 2, 2u * c->mss);

	if (c->state != TCP_ESTABLISHED && c->state != TCP_FIN_WAIT_1 &&
	    c->state != TCP_FIN_WAIT_2)
		return;
	if (SEQ_LEQ(edge, c->rcv_adv))
		return;
	if (grow >= c->rx_size / 4 || (left < c->rx_size / 2 && grow >= step))
		tcp_send_ack(c);
}
