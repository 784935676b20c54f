/* tests/unit/test_dhcp.c - the DHCP client exchange against a scripted
 * server on the fake NIC with a simulated clock: DISCOVER/OFFER/REQUEST/
 * ACK, bogus replies, backoff and deadlines, NAKs, firmware ACK takeover. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "tests/lib/check.h"
#include "tests/lib/fakenet.h"
#include "tests/lib/dhcp_pkt.h"
#include "net/dhcp.h"
#include "net/net.h"
#include "lib/err.h"
#include "lib/print.h"

/* ---- a scripted server on the fake NIC ---------------------------------- */

/* Console lines, captured so tests can assert the lease line. */
static char console[8192];
static size_t console_len;

static void console_sink(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	if (console_len + len < sizeof(console)) {
		memcpy(console + console_len, s, len);
		console_len += len;
		console[console_len] = 0;
	}
}

enum srv_mode { SRV_SILENT, SRV_ACK, SRV_NO_ACK, SRV_NAK_ONCE, SRV_NAK_ALWAYS };

struct server {
	struct fakenet f;          /* first: the netdev's priv points here */
	struct netdev_ops ops;
	enum srv_mode mode;
	int decoys;                /* send bad replies before the OFFER */
	int second_offer;          /* a second server answers too */
	int foreign_nak;           /* another server NAKs each REQUEST first */
	unsigned naks_sent;
	uint64_t tx_time[64];      /* when each DHCP message was sent */
	uint8_t tx_type[64];
	uint32_t tx_xid[64];
	unsigned n;
	int frame_errors;          /* sent frames that failed inspection */
};

static uint32_t csum_add(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Wrap a DHCP payload in Ethernet/IPv4/UDP 67->68 from server_ip to the
 * broadcast address with correct checksums, and queue it for the stack. */
static void inject_reply(struct server *s, uint32_t server_ip, uint16_t sport,
			 const uint8_t *dhcp, size_t dlen)
{
	uint8_t fr[1514];
	uint8_t *ip = fr + 14, *udp = fr + 34;
	uint32_t sum;

	memset(fr, 0xff, 6);
	fr[6] = 0x02; fr[7] = 0; fr[8] = 0; fr[9] = 0; fr[10] = 0;
	fr[11] = (uint8_t)server_ip;
	fr[12] = 0x08; fr[13] = 0x00;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + 8 + dlen) >> 8); ip[3] = (uint8_t)(20 + 8 + dlen);
	ip[8] = 64; ip[9] = 17;
	put32(ip + 12, server_ip);
	put32(ip + 16, 0xffffffffu);
	sum = csum_fold(csum_add(ip, 20, 0));
	ip[10] = (uint8_t)(sum >> 8); ip[11] = (uint8_t)sum;
	udp[0] = (uint8_t)(sport >> 8); udp[1] = (uint8_t)sport;
	udp[2] = 0; udp[3] = 68;
	udp[4] = (uint8_t)((8 + dlen) >> 8); udp[5] = (uint8_t)(8 + dlen);
	udp[6] = udp[7] = 0;
	memcpy(udp + 8, dhcp, dlen);
	sum = csum_add(ip + 12, 8, 17 + 8 + (uint32_t)dlen); /* pseudo header */
	sum = csum_fold(csum_add(udp, 8 + dlen, sum));
	if (sum == 0)
		sum = 0xffff;
	udp[6] = (uint8_t)(sum >> 8); udp[7] = (uint8_t)sum;
	fake_inject(&s->f, fr, 14 + 20 + 8 + dlen);
}

/* A reply of the given type to xid offering yiaddr, from server_ip. */
static void reply(struct server *s, uint8_t type, uint32_t xid, uint32_t server_ip,
		  uint32_t yiaddr)
{
	uint8_t b[400];
	size_t n = bootreply(b, xid, type == DHCPNAK ? 0 : yiaddr, 0);

	b[n++] = 53; b[n++] = 1; b[n++] = type;
	b[n++] = 54; b[n++] = 4; n += put32(b + n, server_ip);
	if (type != DHCPNAK) {
		b[n++] = 51; b[n++] = 4; n += put32(b + n, 86400);
		b[n++] = 1; b[n++] = 4; n += put32(b + n, IP4(255, 255, 255, 0));
		b[n++] = 3; b[n++] = 4; n += put32(b + n, server_ip);
		b[n++] = 6; b[n++] = 4; n += put32(b + n, IP4(10, 0, 0, 53));
		if (type == DHCPACK) {
			b[n++] = 17; b[n++] = 9;
			memcpy(b + n, "iscsi:x:y", 9); n += 9;
		}
	}
	b[n++] = 255;
	while (n < 300)
		b[n++] = 0;
	inject_reply(s, server_ip, 67, b, n);
}

/* Check the Ethernet/IPv4/UDP wrapping of a frame the client sent; return
 * its DHCP payload (NULL on any mismatch). */
static const uint8_t *inspect_frame(const uint8_t *fr, size_t len, size_t *dlen)
{
	const uint8_t *ip = fr + 14, *udp = fr + 34;
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	size_t ulen;

	if (len < 42 || memcmp(fr, bcast, 6) || memcmp(fr + 6, our_mac, 6) ||
	    fr[12] != 0x08 || fr[13] != 0)
		return NULL;
	if (ip[0] != 0x45 || ip[9] != 17 || csum_fold(csum_add(ip, 20, 0)) != 0)
		return NULL;
	if (memcmp(ip + 12, "\0\0\0\0\xff\xff\xff\xff", 8) != 0)
		return NULL;   /* 0.0.0.0 -> 255.255.255.255 */
	ulen = (size_t)(udp[4] << 8 | udp[5]);
	if (udp[0] != 0 || udp[1] != 68 || udp[2] != 0 || udp[3] != 67 ||
	    ulen + 34 > len || ulen < 8 + 240)
		return NULL;
	if (csum_fold(csum_add(udp, ulen, csum_add(ip + 12, 8, 17 + (uint32_t)ulen))) != 0)
		return NULL;
	*dlen = ulen - 8;
	return udp + 8;
}

static void send_decoys(struct server *s, uint32_t xid)
{
	uint8_t b[400];
	size_t n = bootreply(b, xid ^ 1, IP4(10, 0, 0, 66), 0);

	b[n++] = 53; b[n++] = 1; b[n++] = DHCPOFFER;
	b[n++] = 54; b[n++] = 4; n += put32(b + n, IP4(10, 0, 0, 66));
	b[n++] = 255;
	inject_reply(s, IP4(10, 0, 0, 66), 67, b, n);  /* wrong xid */
	put32(b + 4, xid);
	b[33] = 0x99;
	inject_reply(s, IP4(10, 0, 0, 66), 67, b, n);  /* wrong chaddr */
	b[33] = 0x01;
	b[0] = 1;
	inject_reply(s, IP4(10, 0, 0, 66), 67, b, n);  /* not BOOTREPLY */
	b[0] = 2;
	inject_reply(s, IP4(10, 0, 0, 66), 6767, b, n); /* wrong port */
}

/* The server's script, run on every frame the client transmits. */
static void server_answer(struct server *s, uint8_t type, uint32_t xid,
			  unsigned discovers)
{
	uint32_t srv = IP4(10, 0, 0, 1);

	if (s->mode == SRV_SILENT)
		return;
	if (type == DHCPDISCOVER) {
		if (s->decoys)
			send_decoys(s, xid);
		reply(s, DHCPOFFER, xid, srv, IP4(10, 0, 0, 4 + discovers));
		if (s->second_offer)
			reply(s, DHCPOFFER, xid, IP4(10, 0, 0, 2), IP4(10, 0, 0, 77));
		return;
	}
	if (s->foreign_nak)
		reply(s, DHCPNAK, xid, IP4(10, 0, 0, 2), 0);
	if (s->mode == SRV_NO_ACK)
		return;
	if (s->mode == SRV_NAK_ALWAYS || (s->mode == SRV_NAK_ONCE && !s->naks_sent)) {
		s->naks_sent++;
		reply(s, DHCPNAK, xid, srv, 0);
		return;
	}
	reply(s, DHCPACK, xid, srv, IP4(10, 0, 0, 4 + discovers));
}

static int srv_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct server *s = nd->priv;
	const uint8_t *d, *v;
	size_t dlen;
	unsigned i, discovers = 0;
	int rc = fake_transmit(nd, frame, len);

	if (rc)
		return rc;
	d = inspect_frame(frame, len, &dlen);
	if (!d || find_opt(d, dlen, 53, &v) != 1 || s->n >= 64) {
		s->frame_errors++;
		return 0;
	}
	s->tx_time[s->n] = s->f.now_us;
	s->tx_type[s->n] = v[0];
	s->tx_xid[s->n] = (uint32_t)d[4] << 24 | (uint32_t)d[5] << 16 |
			  (uint32_t)d[6] << 8 | d[7];
	s->n++;
	for (i = 0; i < s->n; i++)
		discovers += s->tx_type[i] == DHCPDISCOVER;
	server_answer(s, v[0], s->tx_xid[s->n - 1], discovers);
	return 0;
}

/* Idling advances the simulated clock by exactly what was asked. */
static void srv_wait(struct netdev *nd, uint32_t max_us)
{
	struct server *s = nd->priv;
	s->f.now_us += max_us;
}

static struct server srv;
static struct net_stack ns;

static void setup(enum srv_mode mode)
{
	struct ll_clock clk;

	fake_init(&srv.f);
	memset((uint8_t *)&srv + sizeof(srv.f), 0, sizeof(srv) - sizeof(srv.f));
	srv.ops = *srv.f.nd.ops;
	srv.ops.transmit = srv_transmit;
	srv.ops.wait = srv_wait;
	srv.f.nd.ops = &srv.ops;
	srv.mode = mode;
	clk = fake_clock(&srv.f);
	net_init(&ns, &srv.f.nd, &clk);
	console_len = 0;
	console[0] = 0;
}

/* Find the DHCP payload of recorded frame i. */
static const uint8_t *sent_dhcp(unsigned i, size_t *dlen)
{
	return inspect_frame(srv.f.tx[i].data, srv.f.tx[i].len, dlen);
}

static void dummy_rx(void *ctx, uint32_t ip, uint16_t port, const uint8_t *d,
		     size_t len)
{
	(void)ctx; (void)ip; (void)port; (void)d; (void)len;
}

static void test_exchange(void)
{
	struct dhcp_lease l;
	const uint8_t *d, *v;
	size_t dlen;

	setup(SRV_ACK);
	srv.decoys = 1;
	srv.second_offer = 1;
	CHECK_EQ(dhcp_run(&ns, &l, srv.f.now_us + 30 * SEC), 0);
	CHECK_EQ(srv.frame_errors, 0);
	CHECK_EQ(srv.n, 2);
	CHECK_EQ(srv.tx_type[0], DHCPDISCOVER);
	CHECK_EQ(srv.tx_type[1], DHCPREQUEST);
	CHECK_EQ(srv.tx_xid[0], srv.tx_xid[1]);
	/* The DISCOVER: broadcast flag, client id, parameter list, no 50/54. */
	d = sent_dhcp(0, &dlen);
	CHECK(d != NULL);
	if (d) {
		CHECK_EQ(d[0], 1);
		CHECK_EQ(d[10], 0x80);
		CHECK(memcmp(d + 28, our_mac, 6) == 0);
		CHECK_EQ(find_opt(d, dlen, 61, &v), 7);
		CHECK_EQ(find_opt(d, dlen, 55, &v), (int)sizeof(want_params));
		CHECK(memcmp(v, want_params, sizeof(want_params)) == 0);
		CHECK_EQ(find_opt(d, dlen, 50, &v), -1);
	}
	/* The REQUEST names the first offer (10.0.0.5 from 10.0.0.1). */
	d = sent_dhcp(1, &dlen);
	CHECK(d != NULL);
	if (d) {
		CHECK_EQ(find_opt(d, dlen, 50, &v), 4);
		CHECK(memcmp(v, "\x0a\x00\x00\x05", 4) == 0);
		CHECK_EQ(find_opt(d, dlen, 54, &v), 4);
		CHECK(memcmp(v, "\x0a\x00\x00\x01", 4) == 0);
		CHECK_EQ(d[12] | d[13] | d[14] | d[15], 0);   /* ciaddr 0 */
	}
	CHECK_EQ(ns.ip.addr, IP4(10, 0, 0, 5));
	CHECK_EQ(ns.ip.netmask, IP4(255, 255, 255, 0));
	CHECK_EQ(ns.ip.gateway, IP4(10, 0, 0, 1));
	CHECK_EQ(ns.ip.dns, IP4(10, 0, 0, 53));
	CHECK_EQ(l.msg_type, DHCPACK);
	CHECK_EQ(l.lease_secs, 86400);
	CHECK(strcmp(l.root_path, "iscsi:x:y") == 0);
	CHECK_EQ(l.cnt.rx_wrong_xid, 1);
	CHECK_EQ(l.cnt.rx_wrong_chaddr, 1);
	CHECK_EQ(l.cnt.rx_bad, 1);
	CHECK_EQ(l.cnt.rx_bad_port, 1);
	CHECK_EQ(l.cnt.offers, 1);
	CHECK_EQ(l.cnt.rx_unexpected, 1);   /* the second OFFER */
	CHECK(strstr(console, "dhcp: lease 10.0.0.5/24 gw 10.0.0.1 from "
		     "10.0.0.1 (86400 s)\n") != NULL);
	CHECK(strstr(console, "dhcp: offer 10.0.0.5 from 10.0.0.1\n") != NULL);
	CHECK_EQ(udp_bind(&ns, 68, dummy_rx, NULL), 0); /* 68 was released */
}

/* Silence: DISCOVERs after 4, 8, 16, 32 s (each +/- 1 s), then the
 * deadline gives LL_ETIMEDOUT exactly on time. */
static void test_timeout_backoff(void)
{
	static const unsigned nominal[] = {4, 8, 16, 32, 64, 64};
	uint64_t t0, first[8];
	struct dhcp_lease l;
	unsigned i, off_nominal = 0;

	setup(SRV_SILENT);
	t0 = srv.f.now_us;
	CHECK_EQ(dhcp_run(&ns, &l, t0 + 240 * SEC), LL_ETIMEDOUT);
	CHECK_EQ(srv.f.now_us, t0 + 240 * SEC);
	CHECK_EQ(srv.frame_errors, 0);
	/* 0, ~4, ~12, ~28, ~60, ~124, ~188 s (the jitter adds up to at most
	 * +/- 6 s), the next at >= 245 s: 7 sends before 240 s. */
	CHECK_EQ(srv.n, 7);
	CHECK_EQ(l.cnt.discovers_sent, 7);
	CHECK_EQ(srv.tx_time[0], t0);
	for (i = 0; i + 1 < srv.n && i < 6; i++) {
		uint64_t d = srv.tx_time[i + 1] - srv.tx_time[i];
		CHECK(d >= (nominal[i] - 1) * SEC && d <= (nominal[i] + 1) * SEC);
		off_nominal += d != nominal[i] * SEC;
		CHECK_EQ(srv.tx_type[i], DHCPDISCOVER);
		CHECK_EQ(srv.tx_xid[i], srv.tx_xid[0]);
	}
	CHECK(off_nominal >= 5);            /* jitter is really applied */
	CHECK(strstr(console, "timed out") != NULL);
	CHECK_EQ(ns.ip.addr, 0);

	/* Same clock and MAC: the very same schedule (deterministic). */
	for (i = 0; i < 7; i++)
		first[i] = srv.tx_time[i] - t0;
	setup(SRV_SILENT);
	CHECK_EQ(dhcp_run(&ns, &l, srv.f.now_us + 240 * SEC), LL_ETIMEDOUT);
	for (i = 0; i < 7; i++)
		CHECK_EQ(srv.tx_time[i] - t0, first[i]);
}

/* OFFERs but never an ACK: REQUESTs back off, then DISCOVER anew; at the
 * deadline LL_ENOLEASE (offers came), not LL_ETIMEDOUT. */
static void test_no_ack(void)
{
	struct dhcp_lease l;
	uint64_t d;

	/* DISCOVER and REQUEST at 0, REQUESTs at ~4, ~12, ~28; the next step
	 * (at 60 +/- 4 s) is after the 50 s deadline. */
	setup(SRV_NO_ACK);
	CHECK_EQ(dhcp_run(&ns, &l, srv.f.now_us + 50 * SEC), LL_ENOLEASE);
	CHECK_EQ(srv.n, 5);
	CHECK_EQ(srv.tx_type[0], DHCPDISCOVER);
	CHECK_EQ(srv.tx_type[1], DHCPREQUEST);
	CHECK_EQ(srv.tx_type[4], DHCPREQUEST);
	CHECK_EQ(srv.tx_time[1], srv.tx_time[0]);
	d = srv.tx_time[2] - srv.tx_time[1];
	CHECK(d >= 3 * SEC && d <= 5 * SEC);
	d = srv.tx_time[3] - srv.tx_time[2];
	CHECK(d >= 7 * SEC && d <= 9 * SEC);
	d = srv.tx_time[4] - srv.tx_time[3];
	CHECK(d >= 15 * SEC && d <= 17 * SEC);
	CHECK_EQ(l.cnt.requests_sent, 4);
	CHECK_EQ(l.cnt.offers, 1);
	CHECK_EQ(ns.ip.addr, 0);
	CHECK(strstr(console, "no DHCP lease") != NULL);

	/* With more time: after 4 REQUESTs, DISCOVER again with a new xid. */
	setup(SRV_NO_ACK);
	CHECK_EQ(dhcp_run(&ns, &l, srv.f.now_us + 100 * SEC), LL_ENOLEASE);
	CHECK(srv.n >= 7);
	CHECK_EQ(srv.tx_type[5], DHCPDISCOVER);
	CHECK_EQ(srv.tx_type[6], DHCPREQUEST);
	CHECK(srv.tx_xid[5] != srv.tx_xid[0]);
	CHECK_EQ(srv.tx_xid[6], srv.tx_xid[5]);
	d = srv.tx_time[5] - srv.tx_time[4];
	CHECK(d >= 31 * SEC && d <= 33 * SEC);
}

static void test_nak_then_ack(void)
{
	struct dhcp_lease l;

	setup(SRV_NAK_ONCE);
	CHECK_EQ(dhcp_run(&ns, &l, srv.f.now_us + 30 * SEC), 0);
	CHECK_EQ(srv.n, 4);  /* DISCOVER, REQUEST (NAK), DISCOVER, REQUEST */
	CHECK_EQ(srv.tx_type[2], DHCPDISCOVER);
	CHECK(srv.tx_xid[2] != srv.tx_xid[0]);
	CHECK_EQ(l.cnt.naks, 1);
	CHECK_EQ(ns.ip.addr, IP4(10, 0, 0, 6));   /* the second offer */
	CHECK(strstr(console, "NAK from 10.0.0.1") != NULL);
}

/* A NAK from a server we did not choose is not ours to obey. */
static void test_foreign_nak_ignored(void)
{
	struct dhcp_lease l;

	setup(SRV_ACK);
	srv.foreign_nak = 1;
	CHECK_EQ(dhcp_run(&ns, &l, srv.f.now_us + 30 * SEC), 0);
	CHECK_EQ(srv.n, 2);
	CHECK_EQ(l.cnt.naks, 0);
	CHECK_EQ(l.cnt.rx_unexpected, 1);
	CHECK_EQ(ns.ip.addr, IP4(10, 0, 0, 5));
}

static void test_nak_always(void)
{
	struct dhcp_lease l;
	uint64_t t0;

	setup(SRV_NAK_ALWAYS);
	t0 = srv.f.now_us;
	CHECK_EQ(dhcp_run(&ns, &l, t0 + 30 * SEC), LL_EDHCPNAK);
	CHECK_EQ(srv.naks_sent, 3);
	CHECK_EQ(srv.n, 6);
	CHECK_EQ(srv.f.now_us, t0);   /* gave up at once, did not wait out */
	CHECK_EQ(ns.ip.addr, 0);
}

static void test_use_ack(void)
{
	uint8_t b[600];
	size_t n = build_full_offer(b);
	struct dhcp_lease l;

	setup(SRV_SILENT);
	CHECK_EQ(dhcp_use_ack(&ns, b, n, &l), LL_ENOLEASE);  /* an OFFER */
	CHECK_EQ(ns.ip.addr, 0);
	b[242] = DHCPACK;
	CHECK_EQ(dhcp_use_ack(&ns, b, n, &l), 0);
	CHECK_EQ(ns.ip.addr, IP4(10, 0, 0, 5));
	CHECK_EQ(ns.ip.netmask, IP4(255, 255, 255, 0));
	CHECK_EQ(ns.ip.gateway, IP4(10, 0, 0, 1));
	CHECK_EQ(ns.ip.dns, IP4(10, 0, 0, 53));
	CHECK(strcmp(l.initiator_iqn, "iqn.x:ini") == 0);
	CHECK_EQ(srv.f.tx_n, 0);     /* nothing sent */
	/* No netmask option: the address class decides (10/8). */
	memset(b + 255, 0, 6);       /* option 1 at 255..260 -> pads */
	CHECK_EQ(dhcp_use_ack(&ns, b, n, &l), 0);
	CHECK_EQ(ns.ip.netmask, IP4(255, 0, 0, 0));
	b[0] = 1;
	CHECK_EQ(dhcp_use_ack(&ns, b, n, &l), LL_EPROTO);
}

int main(void)
{
	check_suite = "dhcp";
	ll_console_set(console_sink, NULL);
	RUN(test_exchange);
	RUN(test_timeout_backoff);
	RUN(test_no_ack);
	RUN(test_nak_then_ack);
	RUN(test_foreign_nak_ignored);
	RUN(test_nak_always);
	RUN(test_use_ack);
	return CHECK_DONE();
}
