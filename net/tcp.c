/* net/tcp.c - the TCP client's user API: connection setup (port, ISS,
 * window scale), connect, ring-based read/write, peek/consume, close and
 * abort; blocking calls poll the stack up to their deadline. */
#include "net/tcp_int.h"
#include "lib/err.h"
#include "lib/hash.h"
#include "lib/mem.h"
#include "lib/print.h"

#define TCP_POLL_MAX_US 10000u   /* longest idle in one blocking-loop step */

static int tcp_pow2(uint32_t n)
{
	return n && !(n & (n - 1));
}

int tcp_conn_init(struct tcp_conn *c, void *tx_buf, uint32_t tx_size,
		  void *rx_buf, uint32_t rx_size)
{
	if (!c || !tx_buf || !rx_buf || !tcp_pow2(tx_size) || !tcp_pow2(rx_size) ||
	    tx_size > (1u << 30) || rx_size > (1u << 30) || rx_size < 1024)
		return LL_EINVAL;
	memset(c, 0, sizeof(*c));
	c->tx_buf = tx_buf;
	c->tx_size = tx_size;
	c->rx_buf = rx_buf;
	c->rx_size = rx_size;
	return 0;
}

/* Drop c from the stack's table; it stays readable for its error/data. */
void tcp_release(struct tcp_conn *c)
{
	struct net_stack *ns = c->ns;
	int i;

	c->state = TCP_CLOSED;
	c->rto_deadline = 0;
	c->tlp_deadline = 0;
	c->persist_deadline = 0;
	c->delack_deadline = 0;
	c->timewait_deadline = 0;
	c->ack_now = 0;
	if (!ns)
		return;
	for (i = 0; i < TCP_MAX_CONNS; i++)
		if (ns->tcp.conns[i] == c)
			ns->tcp.conns[i] = 0;
}

void tcp_fail(struct tcp_conn *c, int err)
{
	if (!c->error)
		c->error = err;
	tcp_release(c);
}

static int tcp_port_used(const struct net_stack *ns, uint16_t port)
{
	int i;

	for (i = 0; i < TCP_MAX_CONNS; i++)
		if (ns->tcp.conns[i] && ns->tcp.conns[i]->local_port == port)
			return 1;
	return 0;
}

/* Ephemeral ports walk the RFC 6335 dynamic range from a clock seed. */
static uint16_t tcp_pick_port(struct net_stack *ns)
{
	struct tcp_state *t = &ns->tcp;
	int tries;

	if (!t->next_port)
		t->next_port = (uint16_t)(TCP_PORT_FIRST +
			ll_hash32((uint32_t)net_now(ns) ^ t->isn_seed) % TCP_PORT_COUNT);
	for (tries = 0; tries < TCP_MAX_CONNS + 1; tries++) {
		uint16_t p = t->next_port;

		t->next_port = (uint16_t)(p + 1 < TCP_PORT_FIRST + TCP_PORT_COUNT ?
					  p + 1 : TCP_PORT_FIRST);
		if (!tcp_port_used(ns, p))
			return p;
	}
	return t->next_port;
}

/* ISS: a 4-microsecond clock (RFC 9293 3.4.1) plus a hash of the 4-tuple. */
static uint32_t tcp_pick_iss(struct net_stack *ns, const struct tcp_conn *c)
{
	uint64_t now = net_now(ns);
	uint32_t h;

	if (c->iss_fixed)
		return c->iss_fixed;
	if (!ns->tcp.isn_seed)
		ns->tcp.isn_seed = ll_hash32((uint32_t)now ^ (uint32_t)(now >> 32)) | 1;
	h = ll_hash32(c->local_ip ^ ns->tcp.isn_seed);
	h = ll_hash32(h ^ c->remote_ip);
	h = ll_hash32(h ^ ((uint32_t)c->local_port << 16 | c->remote_port));
	return (uint32_t)(now >> 2) + h;
}

static int tcp_register(struct net_stack *ns, struct tcp_conn *c)
{
	int i, free_slot = -1;

	for (i = 0; i < TCP_MAX_CONNS; i++) {
		if (ns->tcp.conns[i] == c)
			return LL_EBUSY;
		if (!ns->tcp.conns[i] && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		return LL_EADDRINUSE;
	ns->tcp.conns[free_slot] = c;
	return 0;
}

/* Smallest shift that lets the 16-bit field express the whole rx ring. */
static uint8_t tcp_pick_wscale(uint32_t rx_size)
{
	uint8_t s = 0;

	while ((rx_size >> s) > 65535 && s < TCP_WS_MAX)
		s++;
	return s;
}

static void tcp_setup_seq(struct tcp_conn *c)
{
	c->iss = tcp_pick_iss(c->ns, c);
	c->snd_una = c->iss;
	c->snd_nxt = c->iss;
	c->snd_max = c->iss;
	c->snd_buf_seq = c->iss + 1;
	c->recover = c->iss;
	c->tx_head = 0;
	c->tx_len = 0;
	c->rx_head = 0;
	c->rx_len = 0;
	c->ooo_n = 0;
}

int tcp_connect_start(struct net_stack *ns, struct tcp_conn *c,
		      uint32_t ip, uint16_t port)
{
	int err;

	if (!ns || !c || !c->tx_buf || !ip || !port)
		return LL_EINVAL;
	if (c->state != TCP_CLOSED)
		return LL_EBUSY;
	if (!ns->ip.addr)
		return LL_ENETDOWN;
	err = tcp_register(ns, c);
	if (err)
		return err;
	c->ns = ns;
	c->error = 0;
	c->fin_queued = 0;
	c->fin_rcvd = 0;
	c->local_ip = ns->ip.addr;
	c->remote_ip = ip;
	c->remote_port = port;
	c->local_port = tcp_pick_port(ns);
	c->mss = (uint16_t)(ns->dev->mtu - 40);
	c->rcv_wscale = tcp_pick_wscale(c->rx_size);
	c->rto = TCP_RTO_INIT;
	c->srtt = 0;
	c->rttvar = 0;
	c->backoff = 0;
	c->cwnd = c->mss;
	c->ssthresh = TCP_CWND_MAX;
	tcp_setup_seq(c);
	c->state = TCP_SYN_SENT;
	tcp_send_syn(c);     /* LL_EAGAIN (ARP pending): the RTO resends */
	return 0;
}

int tcp_connect(struct net_stack *ns, struct tcp_conn *c, uint32_t ip,
		uint16_t port, uint64_t deadline)
{
	uint8_t mac[6];
	uint64_t saved = c->user_deadline;
	uint32_t hop = ipv4_next_hop(ns, ip);
	int err;

	if (!hop)
		return LL_EHOSTUNREACH;
	err = arp_resolve(ns, hop, mac, deadline);
	if (err)
		return err;
	err = tcp_connect_start(ns, c, ip, port);
	if (err)
		return err;
	c->user_deadline = deadline;
	while (c->state == TCP_SYN_SENT) {
		uint64_t now = net_now(ns);

		if (now >= deadline) {
			tcp_abort(c);
			c->error = LL_ETIMEDOUT;
			return LL_ETIMEDOUT;
		}
		net_poll_wait(ns, (uint32_t)(deadline - now < TCP_POLL_MAX_US ?
					     deadline - now : TCP_POLL_MAX_US));
	}
	c->user_deadline = saved;
	return c->state == TCP_CLOSED ? (c->error ? c->error : LL_ENOTCONN) : 0;
}

void tcp_set_user_deadline(struct tcp_conn *c, uint64_t deadline)
{
	c->user_deadline = deadline;
}

long tcp_write(struct tcp_conn *c, const void *data, size_t len)
{
	uint32_t n, tail, first;

	if (c->error)
		return c->error;
	if (c->state == TCP_SYN_SENT)
		return 0;
	if (c->state != TCP_ESTABLISHED && c->state != TCP_CLOSE_WAIT)
		return LL_ENOTCONN;
	if (c->fin_queued)
		return LL_ESHUTDOWN;
	n = (uint32_t)(len < c->tx_size - c->tx_len ? len : c->tx_size - c->tx_len);
	tail = (c->tx_head + c->tx_len) & (c->tx_size - 1);
	first = tcp_min32(n, c->tx_size - tail);
	memcpy(c->tx_buf + tail, data, first);
	memcpy(c->tx_buf, (const uint8_t *)data + first, n - first);
	c->tx_len += n;
	tcp_output(c, 0);
	return n;
}

void tcp_flush(struct tcp_conn *c)
{
	tcp_output(c, 1);
}

/* One step of a blocking loop: LL_ETIMEDOUT once deadline has passed. */
static int tcp_wait_step(struct tcp_conn *c, uint64_t deadline)
{
	uint64_t now = net_now(c->ns);
	uint64_t left = deadline > now ? deadline - now : 0;
	int err;

	if (!left)
		return LL_ETIMEDOUT;
	err = net_poll_wait(c->ns, (uint32_t)(left < TCP_POLL_MAX_US ?
					     left : TCP_POLL_MAX_US));
	return err < 0 ? err : 0;
}

int tcp_write_all(struct tcp_conn *c, const void *data, size_t len,
		  uint64_t deadline)
{
	const uint8_t *p = data;
	int err;

	while (len) {
		long n = tcp_write(c, p, len);

		if (n < 0)
			return (int)n;
		p += n;
		len -= (size_t)n;
		if (!len)
			break;
		tcp_flush(c);
		err = tcp_wait_step(c, deadline);
		if (err)
			return err;
	}
	tcp_flush(c);
	return 0;
}

size_t tcp_rx_avail(const struct tcp_conn *c)
{
	return c->rx_len;
}

size_t tcp_tx_free(const struct tcp_conn *c)
{
	return c->tx_size - c->tx_len;
}

size_t tcp_tx_pending(const struct tcp_conn *c)
{
	return c->tx_len;
}

size_t tcp_rx_peek(struct tcp_conn *c, const uint8_t **data)
{
	uint32_t run = tcp_min32(c->rx_len, c->rx_size - c->rx_head);

	*data = c->rx_buf + c->rx_head;
	return run;
}

void tcp_rx_consume(struct tcp_conn *c, size_t n)
{
	if (n > c->rx_len)
		n = c->rx_len;
	c->rx_head = (c->rx_head + (uint32_t)n) & (c->rx_size - 1);
	c->rx_len -= (uint32_t)n;
	if (n && c->ns)
		tcp_rx_window_update(c);
}

long tcp_read(struct tcp_conn *c, void *buf, size_t len)
{
	uint8_t *out = buf;
	size_t done = 0;

	while (done < len && c->rx_len) {
		const uint8_t *p;
		size_t run = tcp_rx_peek(c, &p);

		if (run > len - done)
			run = len - done;
		memcpy(out + done, p, run);
		done += run;
		c->rx_head = (c->rx_head + (uint32_t)run) & (c->rx_size - 1);
		c->rx_len -= (uint32_t)run;
	}
	if (done) {
		tcp_rx_window_update(c);
		return (long)done;
	}
	if (c->error)
		return c->error;
	if (c->fin_rcvd)
		return LL_ESHUTDOWN;
	if (c->state == TCP_CLOSED)
		return LL_ENOTCONN;
	return 0;
}

int tcp_read_all(struct tcp_conn *c, void *buf, size_t len, uint64_t deadline)
{
	uint8_t *p = buf;
	int err;

	while (len) {
		long n = tcp_read(c, p, len);

		if (n < 0)
			return (int)n;
		p += n;
		len -= (size_t)n;
		if (!len)
			break;
		err = tcp_wait_step(c, deadline);
		if (err)
			return err;
	}
	return 0;
}

/* Queue our FIN after the data (RFC 9293 3.10.4). */
static void tcp_queue_fin(struct tcp_conn *c)
{
	if (c->fin_queued)
		return;
	c->fin_queued = 1;
	if (c->state == TCP_ESTABLISHED)
		c->state = TCP_FIN_WAIT_1;
	else if (c->state == TCP_CLOSE_WAIT)
		c->state = TCP_LAST_ACK;
	tcp_output(c, 1);
}

int tcp_close(struct tcp_conn *c, uint64_t deadline)
{
	int err = 0;

	if (c->state == TCP_CLOSED)
		return c->error == LL_ECONNABORTED ? 0 : c->error;
	if (c->state == TCP_SYN_SENT) {
		tcp_abort(c);
		return 0;
	}
	tcp_queue_fin(c);
	while (c->state != TCP_CLOSED && c->state != TCP_TIME_WAIT) {
		tcp_rx_consume(c, c->rx_len);   /* nobody reads any more */
		err = tcp_wait_step(c, deadline);
		if (err) {
			tcp_abort(c);
			return err;
		}
	}
	err = c->error;
	/* a RST after the peer took all our data and FIN loses nothing */
	if (err == LL_ECONNRESET && c->snd_una == tcp_data_end(c) + 1)
		err = 0;
	tcp_release(c);   /* TIME_WAIT is not kept: the ephemeral port moves on */
	return err;
}

void tcp_abort(struct tcp_conn *c)
{
	if (c->state == TCP_CLOSED)
		return;
	if (c->state != TCP_SYN_SENT)
		tcp_send_rst_conn(c);
	tcp_fail(c, LL_ECONNABORTED);
}

void tcp_stats_print(const struct net_stack *ns)
{
	int i;

	for (i = 0; i < TCP_MAX_CONNS; i++) {
		const struct tcp_conn *c = ns->tcp.conns[i];
		if (!c)
			continue;
		ll_logf("tcp: port %u: %u segs in (%u out of order, %u resent by "
			  "the peer, %llu KiB read in place), %u out (%u resent: %u "
			  "fast, %u sack, %u rto, %u tlp)\n", c->local_port,
			  c->st.segs_in, c->st.ooo_segs, c->st.dup_data,
			  (unsigned long long)(c->st.direct_bytes >> 10), c->st.segs_out,
			  c->st.retrans, c->st.fast_retrans, c->st.sack_rexmits,
			  c->st.timeouts, c->st.tlp_probes);
	}
}
