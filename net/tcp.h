/* net/tcp.h - polled TCP client (RFC 9293): active open with MSS, window
 * scaling and SACK-permitted, many segments in flight within cwnd and the
 * peer's window, RFC 6298 RTO with backoff, fast retransmit/recovery
 * (RFC 5681/6582, or RFC 6675-style when the peer SACKs), tail loss probe,
 * out-of-order reassembly with SACK blocks, delayed ACKs, zero-window
 * probes, FIN/RST. Buffers are rings the caller hands in; nothing is
 * allocated per packet. Files: tcp.c (API), tcp_in.c (input, ACKs,
 * congestion), tcp_rx.c (receive ring), tcp_out.c (output), tcp_sack.c
 * (range sets), tcp_timer.c (timers). */
#ifndef NET_TCP_H
#define NET_TCP_H
#include <stddef.h>
#include <stdint.h>

enum tcp_st {
	TCP_CLOSED = 0, TCP_SYN_SENT, TCP_ESTABLISHED, TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2, TCP_CLOSING, TCP_TIME_WAIT, TCP_CLOSE_WAIT, TCP_LAST_ACK,
};

#define TCP_MAX_CONNS 4
#define TCP_OOO_MAX 16         /* out-of-order intervals kept */

struct net_stack;

/* A sequence range [start, end). */
struct tcp_range {
	uint32_t start, end;
};

struct tcp_conn {
	struct net_stack *ns;
	enum tcp_st state;
	int error;                 /* sticky LL_E* once the connection died */
	uint32_t local_ip, remote_ip;
	uint16_t local_port, remote_port;
	uint8_t remote_mac[6];

	/* send side (RFC names): ring holds [snd_una, snd_una + tx_len) */
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2;
	uint8_t snd_wscale, rcv_wscale;
	uint16_t mss;              /* effective send MSS */
	uint8_t *tx_buf;
	uint32_t tx_size, tx_len;  /* tx_len: bytes queued not yet acked */
	uint32_t tx_head;          /* ring index of the byte at snd_buf_seq */
	uint32_t snd_buf_seq;      /* sequence number of the ring's first byte */
	uint32_t max_sndwnd;       /* largest window the peer offered */
	int fin_queued;
	uint32_t iss_fixed;        /* tests: nonzero forces the ISS */

	/* receive side: ring holds in-order bytes not yet read by the user,
	 * plus out-of-order data placed at its offset past them */
	uint32_t irs, rcv_nxt;
	uint8_t *rx_buf;
	uint32_t rx_size, rx_head, rx_len;
	struct tcp_range ooo[TCP_OOO_MAX]; /* held out-of-order seq ranges */
	int ooo_n;
	uint32_t ooo_last;         /* start of the latest out-of-order segment */
	int sack_ok;               /* peer sent SACK-permitted: we SACK (RFC 2018) */
	int fin_rcvd;
	uint32_t rcv_adv;          /* right edge of the window last advertised */
	int ack_now;               /* an ACK is owed at once */
	/* optional in-order reader (iscsi: Data-In payload straight into the
	 * task's buffer): offered payload that would land on an empty ring
	 * with nothing held out of order, it returns the bytes it took; the
	 * rest goes to the ring. It must not call back into this connection. */
	size_t (*rx_direct)(void *ctx, const uint8_t *d, size_t n);
	void *rx_direct_ctx;

	/* congestion control and timers (all times absolute us) */
	uint32_t cwnd, ssthresh, dupacks, recover;
	int in_recovery;
	/* the peer's SACK blocks (RFC 2018), pruned below snd_una; dropped at
	 * an RTO. In recovery, holes below the highest SACKed byte are resent
	 * from rexmit_nxt on while the pipe (unSACKed bytes out) is below
	 * cwnd (RFC 6675, simplified). */
	struct tcp_range sacked[TCP_OOO_MAX];
	int sacked_n;
	int sack_seen;             /* the peer sends SACK blocks: RFC 6675 mode */
	uint32_t rexmit_nxt;
	uint32_t rexmit_mark;      /* snd_max when we last resent a hole */
	uint32_t srtt, rttvar, rto; /* us; srtt scaled x8, rttvar x4 */
	uint32_t rtt_seq; uint64_t rtt_start; int rtt_timing;
	uint64_t rto_deadline;      /* 0: not armed */
	uint64_t tlp_deadline;      /* tail loss probe (RFC 8985 7), 0: off */
	int tlp_done;               /* one probe until new data is acked */
	int backoff;
	uint64_t delack_deadline;   /* 0: no ACK owed */
	uint32_t segs_unacked;      /* in-order segments since our last ACK */
	uint64_t persist_deadline;  /* zero-window probe timer */
	int persist_backoff;
	uint32_t ca_acked;          /* bytes acked in congestion avoidance */
	uint64_t user_deadline;     /* 0: none; retransmission gives up after */
	uint64_t timewait_deadline;

	struct tcp_stats {
		uint32_t segs_out, segs_in, retrans, fast_retrans, timeouts,
			 dup_acks, ooo_segs, bad_csum, bad_seg, probes,
			 bad_ack, ooo_dropped, challenge_acks,
			 sack_rexmits, tlp_probes,
			 dup_data;     /* segments with data we already had */
		uint64_t direct_bytes; /* in-order bytes rx_direct took */
	} st;
};

struct tcp_state {
	struct tcp_conn *conns[TCP_MAX_CONNS];
	uint16_t next_port;
	uint32_t rx_no_conn, rx_bad_csum, rx_short, rsts_sent;
	uint32_t isn_seed;
};

/* Prepare c with caller-owned rings (sizes powers of two, rx <= 1 GiB). */
int tcp_conn_init(struct tcp_conn *c, void *tx_buf, uint32_t tx_size,
		  void *rx_buf, uint32_t rx_size);
/* Send SYN and return at once (state SYN_SENT); net_poll completes it. */
int tcp_connect_start(struct net_stack *ns, struct tcp_conn *c,
		      uint32_t ip, uint16_t port);
/* Active open, polling until ESTABLISHED or error or deadline. */
int tcp_connect(struct net_stack *ns, struct tcp_conn *c, uint32_t ip,
		uint16_t port, uint64_t deadline);
/* Copy up to len bytes into the send ring and start sending.
 * Returns bytes taken (0 when the ring is full) or the sticky error. */
long tcp_write(struct tcp_conn *c, const void *data, size_t len);
/* Blocking write of all len bytes, polling, bounded by deadline. */
int tcp_write_all(struct tcp_conn *c, const void *data, size_t len, uint64_t deadline);
/* Copy up to len in-order bytes out. Returns bytes (0: none yet), or
 * LL_ESHUTDOWN once the peer's FIN has been read past, or the error. */
long tcp_read(struct tcp_conn *c, void *buf, size_t len);
/* Blocking read of exactly len bytes, bounded by deadline. */
int tcp_read_all(struct tcp_conn *c, void *buf, size_t len, uint64_t deadline);
/* Zero-copy receive: the first contiguous readable run, then consume. */
size_t tcp_rx_peek(struct tcp_conn *c, const uint8_t **data);
void tcp_rx_consume(struct tcp_conn *c, size_t n);
size_t tcp_rx_avail(const struct tcp_conn *c);
size_t tcp_tx_free(const struct tcp_conn *c);
/* Bytes written but not yet acknowledged by the peer. */
size_t tcp_tx_pending(const struct tcp_conn *c);
/* Orderly close: FIN after queued data, wait (bounded) for it to be acked
 * and for the peer's FIN; then the connection slot is released. */
int tcp_close(struct tcp_conn *c, uint64_t deadline);
/* Send RST and release at once. */
void tcp_abort(struct tcp_conn *c);
/* Give up (LL_ECONNABORTED) when retransmission is still needed after the
 * absolute time deadline (0: only the retry bound applies). */
void tcp_set_user_deadline(struct tcp_conn *c, uint64_t deadline);
/* Send queued data now, including a last partial segment (tcp_write sends
 * only full segments; net_poll flushes the rest). */
void tcp_flush(struct tcp_conn *c);

/* One console line per open connection: segments in and out, and what
 * was lost or resent each way (net_poll, every ns->stats_every frames). */
void tcp_stats_print(const struct net_stack *ns);

/* Called by ipv4_input (after IP validation) and net_poll. */
void tcp_input(struct net_stack *ns, uint32_t src, uint32_t dst,
	       const uint8_t *seg, size_t len);
void tcp_timers(struct net_stack *ns);
/* Earliest armed timer of all connections (absolute us), 0 if none. */
uint64_t tcp_next_timer(const struct net_stack *ns);

#endif
