/* tests/fuzz/fuzz_tcp.c - libFuzzer target for the TCP engine past the
 * handshake: the input is a script of peer segments (with checksums the
 * harness computes, so they reach the state machine), clock steps and user
 * calls; after every step the connection's invariants are checked.
 * Record: [op][a][b][c][d][len] then len payload bytes for segments. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "net/net.h"
#include "net/tcp_int.h"
#include "lib/byteorder.h"

#define US    0x0a000001u
#define PEER  0x0a000002u
#define IRS   0xfffff000u     /* the peer's sequence wraps early */
#define RING  4096

static uint64_t now_us;
static struct netdev dev;
static struct net_stack ns;
static struct tcp_conn conn;
static uint8_t txr[RING], rxr[RING], scratch[RING];
static uint32_t peer_seq;     /* the peer's idea of its next byte */

static uint64_t fz_now(void *ctx) { (void)ctx; return now_us; }
static int fz_open(struct netdev *nd) { (void)nd; return 0; }
static void fz_close(struct netdev *nd) { (void)nd; }
static int fz_poll(struct netdev *nd, netdev_rx_fn rx, void *ctx, unsigned b)
{ (void)nd; (void)rx; (void)ctx; (void)b; return 0; }

/* Every segment we send must be a well-formed, correctly summed frame. */
static int fz_transmit(struct netdev *nd, const void *frame, size_t len)
{
	const uint8_t *f = frame, *t = f + 34;
	size_t tl;

	(void)nd;
	if (len < 54 || len > NETDEV_FRAME_MAX || get_be16(f + 12) != 0x0800)
		abort();
	tl = get_be16(f + 16) - 20u;
	if (34 + tl > len || (size_t)(t[12] >> 4) * 4 > tl ||
	    inet_fold(inet_sum(t, tl, inet_pseudo_sum(US, PEER, 6, (uint16_t)tl))))
		abort();
	return 0;
}

static const struct netdev_ops fz_ops = {
	.open = fz_open, .close = fz_close, .transmit = fz_transmit, .poll = fz_poll,
};

static void fz_segment(uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win,
		       const uint8_t *opt, size_t olen, const uint8_t *d, size_t n)
{
	static uint8_t seg[20 + 40 + 1500];
	size_t tl = 20 + olen + n;

	put_be16(seg, 3260);
	put_be16(seg + 2, conn.local_port);
	put_be32(seg + 4, seq);
	put_be32(seg + 8, ack);
	seg[12] = (uint8_t)(((20 + olen) / 4) << 4);
	seg[13] = flags;
	put_be16(seg + 14, win);
	put_be32(seg + 16, 0);
	memcpy(seg + 20, opt, olen);
	if (n)
		memcpy(seg + 20 + olen, d, n);
	put_be16(seg + 16, inet_fold(inet_sum(seg, tl,
			 inet_pseudo_sum(PEER, US, 6, (uint16_t)tl))));
	tcp_input(&ns, PEER, US, seg, tl);
}

static void fz_setup(void)
{
	static const uint8_t syn_opt[12] = {2, 4, 5, 0xb4, 1, 3, 3, 2, 1, 1, 4, 2};
	struct ll_clock clk = { .now_us = fz_now, .ctx = 0 };

	now_us = 1000000;
	memset(&dev, 0, sizeof(dev));
	dev.ops = &fz_ops;
	dev.mtu = 1500;
	dev.mac[0] = 2;
	net_init(&ns, &dev, &clk);
	ns.ip.addr = US;
	ns.ip.netmask = 0xffffff00u;
	ns.arp.cache[0].ip = PEER;
	ns.arp.cache[0].resolved = 1;
	ns.arp.cache[0].mac[0] = 2;
	ns.arp.cache[0].mac[5] = 2;
	ns.arp.cache[0].expires = ~0ull;
	tcp_conn_init(&conn, txr, RING, rxr, RING);
	conn.iss_fixed = 0xffffff00u;
	tcp_connect_start(&ns, &conn, PEER, 3260);
	fz_segment(IRS, conn.iss + 1, TCP_SYN | TCP_ACK, 8192, syn_opt, 12, 0, 0);
	peer_seq = IRS + 1;
}

static void fz_check(void)
{
	int i;

	if (conn.rx_len > conn.rx_size || conn.tx_len > conn.tx_size ||
	    conn.ooo_n > TCP_OOO_MAX || conn.sacked_n > TCP_OOO_MAX)
		abort();
	if (conn.state == TCP_CLOSED)
		return;
	if (SEQ_GT(conn.snd_una, conn.snd_nxt) || SEQ_GT(conn.snd_nxt, conn.snd_max) ||
	    SEQ_GT(conn.snd_max, tcp_data_end(&conn) + 1))
		abort();
	for (i = 0; i < conn.ooo_n; i++)
		if (!SEQ_GT(conn.ooo[i].start, conn.rcv_nxt) ||
		    !SEQ_LT(conn.ooo[i].start, conn.ooo[i].end) ||
		    SEQ_GT(conn.ooo[i].end, conn.rcv_nxt + tcp_rcv_wnd(&conn)))
			abort();
	for (i = 0; i < conn.sacked_n; i++)
		if (!SEQ_GT(conn.sacked[i].start, conn.snd_una) ||
		    SEQ_GT(conn.sacked[i].end, conn.snd_max))
			abort();
}

/* One scripted step; returns the bytes of input it used. */
static size_t fz_step(const uint8_t *p, size_t n)
{
	static uint8_t opt[40];
	uint8_t op = p[0];
	size_t len = p[5], olen = 0;
	int32_t dseq = (int8_t)p[1] * 97, dack = (int8_t)p[2] * 131;

	if (len > n - 6)
		len = n - 6;
	switch (op & 7) {
	case 0: case 1: case 2:               /* a segment from the peer */
		if (op & 0x80) {              /* with SACK blocks around snd_una */
			opt[0] = 1; opt[1] = 1; opt[2] = 5; opt[3] = 18;
			put_be32(opt + 4, conn.snd_una + p[3] * 64u);
			put_be32(opt + 8, conn.snd_una + p[3] * 64u + p[4] * 32u);
			put_be32(opt + 12, conn.snd_una + p[4] * 128u);
			put_be32(opt + 16, conn.snd_una + p[4] * 128u + 700);
			olen = 20;
		}
		fz_segment(peer_seq + (uint32_t)dseq * (op & 1), conn.snd_una + (uint32_t)dack,
			   (uint8_t)(p[3] & 0x1f) | TCP_ACK, (uint16_t)(p[4] << 4),
			   opt, olen, p + 6, len);
		if ((op & 3) == 0 && !(p[3] & 4))
			peer_seq += (uint32_t)len;
		return 6 + len;
	case 3:
		now_us += (uint64_t)p[1] * 1000 * (1u + p[2] % 64);
		net_poll(&ns);
		break;
	case 4:
		tcp_write(&conn, scratch, (size_t)p[1] * 37);
		break;
	case 5:
		tcp_read(&conn, scratch, (size_t)p[1] * 41);
		break;
	case 6:
		tcp_flush(&conn);
		break;
	case 7:
		if (p[1] == 0xa5)
			tcp_abort(&conn);
		break;
	}
	return 6;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_setup();
	while (size >= 6) {
		size_t used = fz_step(data, size);

		fz_check();
		data += used;
		size -= used;
	}
	tcp_abort(&conn);
	return 0;
}
