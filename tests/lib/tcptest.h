/* tests/lib/tcptest.h - TCP test fixtures over nettest.h: build segments
 * from the peer (10.0.0.2:3260) with independently computed checksums,
 * parse what the stack sent, and complete a scripted handshake. */
#ifndef TESTS_TCPTEST_H
#define TESTS_TCPTEST_H
#include "tests/lib/nettest.h"
#include "net/tcp.h"
#include "lib/err.h"

#define PEER_PORT 3260
#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

static uint8_t txring[1 << 18];
static uint8_t rxring[1 << 20];
static struct tcp_conn conn;

/* TCP checksum over pseudo-header + segment with nettest's RFC 1071 sum. */
static uint16_t tt_csum(uint32_t src, uint32_t dst, const uint8_t *seg, size_t len)
{
	static uint8_t buf[12 + 2000];
	put_be32(buf, src);
	put_be32(buf + 4, dst);
	buf[8] = 0;
	buf[9] = 6;
	put_be16(buf + 10, (uint16_t)len);
	memcpy(buf + 12, seg, len);
	return nt_csum(buf, 12 + len);
}

/* Ethernet + IPv4 + TCP frame from the peer to our connection's port. */
static size_t tt_build(uint8_t *f, uint32_t seq, uint32_t ack, uint8_t flags,
		       uint16_t win, const uint8_t *opt, size_t optlen,
		       const void *data, size_t len)
{
	uint8_t *ip = f + 14, *t = f + 34;
	size_t tl = 20 + optlen + len;
	uint16_t c;

	if (optlen > 40 || len > 1500) {
		fprintf(stderr, "tt_build: segment too large\n");
		exit(2);
	}
	memcpy(f, us_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	put_be16(f + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)(20 + tl));
	ip[8] = 64;
	ip[9] = 6;
	put_be32(ip + 12, PEER_IP);
	put_be32(ip + 16, US_IP);
	nt_fix_ip_csum(f);
	put_be16(t, PEER_PORT);
	put_be16(t + 2, conn.local_port);
	put_be32(t + 4, seq);
	put_be32(t + 8, ack);
	t[12] = (uint8_t)(((20 + optlen) / 4) << 4);
	t[13] = flags;
	put_be16(t + 14, win);
	put_be32(t + 16, 0);
	if (optlen)
		memcpy(t + 20, opt, optlen);
	if (len)
		memcpy(t + 20 + optlen, data, len);
	c = tt_csum(PEER_IP, US_IP, t, tl);
	put_be16(t + 16, c);
	return 34 + tl;
}

static uint8_t tt_frame[2048];

/* Deliver one segment from the peer straight into the stack. */
static void tt_rx(uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win,
		  const void *data, size_t len)
{
	size_t n = tt_build(tt_frame, seq, ack, flags, win, 0, 0, data, len);
	nt_rx(tt_frame, n);
}

struct tt_seg {
	uint16_t sport, dport, win, mss;
	uint32_t seq, ack;
	uint8_t flags;
	int ws;                 /* -1: no window-scale option */
	int sackp, sack_n;      /* SACK-permitted seen; SACK blocks */
	uint32_t sack[4][2];
	const uint8_t *data;
	size_t len, hlen;
};

/* Parse transmitted frame i; -1 unless it is a well-formed TCP segment to
 * the peer with a correct checksum. */
static int tt_parse(unsigned i, struct tt_seg *s)
{
	const uint8_t *f = fk.tx[i].data, *t = f + 34;
	size_t flen = fk.tx[i].len, tl, j;

	if (i >= fk.tx_n || flen < 54 || get_be16(f + 12) != 0x0800 || f[23] != 6 ||
	    get_be32(f + 30) != PEER_IP || get_be32(f + 26) != US_IP)
		return -1;
	tl = get_be16(f + 16) - 20u;
	if (34 + tl > flen || tt_csum(US_IP, PEER_IP, t, tl) != 0)
		return -1;
	memset(s, 0, sizeof(*s));
	s->sport = get_be16(t);
	s->dport = get_be16(t + 2);
	s->seq = get_be32(t + 4);
	s->ack = get_be32(t + 8);
	s->hlen = (size_t)(t[12] >> 4) * 4;
	s->flags = t[13];
	s->win = get_be16(t + 14);
	s->data = t + s->hlen;
	s->len = tl - s->hlen;
	s->ws = -1;
	for (j = 20; j + 1 < s->hlen;) {
		if (t[j] == 1) { j++; continue; }
		if (t[j] == 0) break;
		if (t[j] == 2) s->mss = get_be16(t + j + 2);
		if (t[j] == 3) s->ws = t[j + 2];
		if (t[j] == 4) s->sackp = 1;
		if (t[j] == 5)
			for (s->sack_n = 0; s->sack_n < (t[j + 1] - 2) / 8 && s->sack_n < 4; s->sack_n++) {
				s->sack[s->sack_n][0] = get_be32(t + j + 2 + 8 * s->sack_n);
				s->sack[s->sack_n][1] = get_be32(t + j + 6 + 8 * s->sack_n);
			}
		j += t[j + 1];
	}
	return 0;
}

/* The last transmitted segment (asserts there is one). */
static struct tt_seg tt_last(void)
{
	struct tt_seg s;
	memset(&s, 0, sizeof(s));
	if (!fk.tx_n || tt_parse(fk.tx_n - 1, &s) != 0)
		s.flags = 0xff;          /* marks "nothing valid" */
	return s;
}

static int tt_sackp;   /* the scripted SYN-ACK offers SACK-permitted */

/* Connect with a fixed ISS; answer the SYN with a SYN-ACK from irs
 * carrying mss and (ws >= 0) a window scale. The RTT is rtt_us. */
static void tt_connect(uint32_t iss, uint32_t irs, uint16_t win, int ws,
		       uint16_t mss, uint32_t rx_size, uint64_t rtt_us)
{
	uint8_t opt[12] = {2, 4, (uint8_t)(mss >> 8), (uint8_t)mss, 1, 3, 3, 0,
			   1, 1, 4, 2};
	size_t n, olen = ws < 0 ? 4 : 8;

	nt_setup();
	nt_learn_peer();
	tcp_conn_init(&conn, txring, sizeof(txring), rxring, rx_size);
	conn.iss_fixed = iss;
	tcp_connect_start(&ns, &conn, PEER_IP, PEER_PORT);
	fk.now_us += rtt_us;
	opt[7] = (uint8_t)(ws < 0 ? 0 : ws);
	if (tt_sackp) {
		memcpy(opt + olen, "\x01\x01\x04\x02", 4);
		olen += 4;
	}
	n = tt_build(tt_frame, irs, iss + 1, F_SYN | F_ACK, win, opt, olen, 0, 0);
	nt_rx(tt_frame, n);
	fake_tx_clear(&fk);
}

/* Advance the fake clock and run one poll (timers + flush). */
static void tt_tick(uint64_t us)
{
	fk.now_us += us;
	net_poll(&ns);
}

static void tt_fill(uint8_t *p, size_t n, uint32_t seed)
{
	size_t i;
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)((i + seed) * 131u >> 3);
}

#endif
