/* net/tcp_int.h - what the TCP files (tcp.c, tcp_in.c, tcp_rx.c,
 * tcp_out.c, tcp_sack.c, tcp_timer.c) share internally: header layout, sequence arithmetic, limits. */
#ifndef NET_TCP_INT_H
#define NET_TCP_INT_H
#include <stdint.h>
#include "net/net.h"

/* Header (RFC 9293 section 3.1) offsets and flags. */
#define TCP_HLEN       20
#define TCP_OFF_SPORT  0
#define TCP_OFF_DPORT  2
#define TCP_OFF_SEQ    4
#define TCP_OFF_ACK    8
#define TCP_OFF_DOFF   12
#define TCP_OFF_FLAGS  13
#define TCP_OFF_WIN    14
#define TCP_OFF_CSUM   16
#define TCP_OFF_URG    18

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

#define TCP_OPT_END   0
#define TCP_OPT_NOP   1
#define TCP_OPT_MSS   2
#define TCP_OPT_WS    3
#define TCP_OPT_SACKP 4
#define TCP_OPT_SACK  5
#define TCP_SACK_BLOCKS 4       /* most that fit without timestamps */

/* Limits and timers (microseconds). */
#define TCP_RTO_INIT      1000000u
#define TCP_RTO_MIN        200000u
#define TCP_RTO_MAX      60000000u
#define TCP_DELACK_US       40000u
#define TCP_PERSIST_MIN    200000u
#define TCP_PTO_MIN         10000u   /* floor of the tail loss probe timer */
#define TCP_SYN_RETRIES   6
#define TCP_DATA_RETRIES  12
#define TCP_MSS_DEFAULT   536        /* RFC 9293 when the peer sends none */
#define TCP_WS_MAX        14         /* RFC 7323 */
#define TCP_CWND_MAX      0x40000000u
#define TCP_PORT_FIRST    49152
#define TCP_PORT_COUNT    16384

/* Sequence-space comparisons modulo 2^32. */
#define SEQ_LT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b)  SEQ_LT(b, a)
#define SEQ_GEQ(a, b) SEQ_LEQ(b, a)

static inline uint32_t tcp_min32(uint32_t a, uint32_t b) { return a < b ? a : b; }
static inline uint32_t tcp_max32(uint32_t a, uint32_t b) { return a > b ? a : b; }

/* One parsed incoming segment. */
struct tcp_seg {
	uint32_t src, dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;            /* raw field, not yet scaled */
	uint16_t opt_mss;        /* 0: absent */
	int opt_ws;              /* -1: absent */
	int opt_sackp;           /* SACK-permitted seen */
	int sack_n;              /* SACK blocks carried */
	struct tcp_range sack[TCP_SACK_BLOCKS];
	const uint8_t *data;
	uint32_t len;            /* payload bytes */
};

/* tcp.c */
void tcp_release(struct tcp_conn *c);
void tcp_fail(struct tcp_conn *c, int err);
static inline uint32_t tcp_data_end(const struct tcp_conn *c)
{
	return c->snd_buf_seq + c->tx_len;
}
static inline uint32_t tcp_rcv_wnd(const struct tcp_conn *c)
{
	uint32_t w = c->rx_size - c->rx_len;
	uint32_t hold = c->ns ? c->ns->dev->rx_hold : 0;
	return hold && w > hold ? hold : w;
}

/* tcp_out.c */
int tcp_send_syn(struct tcp_conn *c);
void tcp_output(struct tcp_conn *c, int flush);
void tcp_send_ack(struct tcp_conn *c);
void tcp_send_probe(struct tcp_conn *c);
void tcp_send_tlp(struct tcp_conn *c);
void tcp_send_rst_conn(struct tcp_conn *c);
uint32_t tcp_retransmit_head(struct tcp_conn *c);
void tcp_resend_range(struct tcp_conn *c, uint32_t seq, uint32_t len);
void tcp_reply_rst(struct net_stack *ns, const struct tcp_seg *s);

/* tcp_rx.c */
void tcp_deliver(struct tcp_conn *c, const struct tcp_seg *s);
void tcp_rx_window_update(struct tcp_conn *c);

/* tcp_sack.c */
int tcp_range_add(struct tcp_range *r, int *n, int max, uint32_t start,
		  uint32_t end);
uint32_t tcp_range_cut(struct tcp_range *r, int *n, uint32_t seq);
void tcp_sack_update(struct tcp_conn *c, const struct tcp_seg *s);
uint32_t tcp_sack_high(const struct tcp_conn *c);
uint32_t tcp_sack_bytes(const struct tcp_conn *c);
int tcp_sack_next_hole(const struct tcp_conn *c, uint32_t from,
		       uint32_t *seq, uint32_t *len);

/* tcp_timer.c */
void tcp_rtt_sample(struct tcp_conn *c, uint32_t rtt_us);
void tcp_rto_restart(struct tcp_conn *c);
void tcp_arm_persist(struct tcp_conn *c);
void tcp_arm_tlp(struct tcp_conn *c);

#endif
