/* tests/unit/test_dhcp.c - DHCP: the parser on hand-built OFFER/ACK packets
 * and malformed ones, the message builder, and whole exchanges against a
 * scripted server on the fake NIC with a simulated clock. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "tests/unit/check.h"
#include "tests/unit/fakenet.h"
#include "net/dhcp.h"
#include "net/net.h"
#include "lib/err.h"
#include "lib/print.h"

#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))
#define SEC 1000000ull

static const uint8_t our_mac[6] = {0x02, 0, 0, 0, 0, 0x01};

/* ---- packets built byte by byte ---------------------------------------- */

static size_t put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

/* The fixed 240 bytes of a BOOTREPLY to our_mac with the magic cookie. */
static size_t bootreply(uint8_t *b, uint32_t xid, uint32_t yiaddr, uint32_t siaddr)
{
	memset(b, 0, 240);
	b[0] = 2;      /* op BOOTREPLY */
	b[1] = 1;      /* htype Ethernet */
	b[2] = 6;      /* hlen */
	put32(b + 4, xid);
	b[10] = 0x80;  /* broadcast flag */
	put32(b + 16, yiaddr);
	put32(b + 20, siaddr);
	memcpy(b + 28, our_mac, 6);
	b[236] = 99; b[237] = 130; b[238] = 83; b[239] = 99;
	return 240;
}

/* An OFFER with every option the client keeps; returns its length. */
static size_t build_full_offer(uint8_t *b)
{
	static const uint8_t opts[] = {
		53, 1, 2,                              /* OFFER */
		54, 4, 10, 0, 0, 1,                    /* server id */
		51, 4, 0x00, 0x01, 0x51, 0x80,         /* 86400 s */
		1, 4, 255, 255, 255, 0,                /* netmask */
		0, 0,                                  /* pads */
		3, 8, 10, 0, 0, 1, 10, 0, 0, 2,        /* routers */
		6, 4, 10, 0, 0, 53,                    /* dns */
		12, 5, 'n', 'o', 'd', 'e', '7',
		17, 26, 'i', 's', 'c', 's', 'i', ':', '1', '0', '.', '0', '.',
		'0', '.', '1', ':', ':', ':', '1', ':', 'i', 'q', 'n', '.',
		'x', ':', 'd',
		203, 9, 'i', 'q', 'n', '.', 'x', ':', 'i', 'n', 'i',
		224, 11, 'd', 'u', 'm', 'p', '-', 'p', 'a', 't', 'h', '=', 'x',
		43, 3, 0xde, 0xad, 0x00,
		99, 2, 7, 7,                           /* unknown: skipped */
		255,
	};
	size_t n = bootreply(b, 0x11223344, IP4(10, 0, 0, 5), IP4(10, 0, 0, 9));
	memcpy(b + n, opts, sizeof(opts));
	return n + sizeof(opts);
}

static void test_parse_offer(void)
{
	uint8_t b[600];
	struct dhcp_lease l;
	size_t n = build_full_offer(b);

	CHECK_EQ(dhcp_parse(b, n, &l), 0);
	CHECK_EQ(l.msg_type, DHCPOFFER);
	CHECK_EQ(l.xid, 0x11223344);
	CHECK(memcmp(l.chaddr, our_mac, 6) == 0);
	CHECK_EQ(l.yiaddr, IP4(10, 0, 0, 5));
	CHECK_EQ(l.siaddr, IP4(10, 0, 0, 9));
	CHECK_EQ(l.server_id, IP4(10, 0, 0, 1));
	CHECK_EQ(l.lease_secs, 86400);
	CHECK_EQ(l.netmask, IP4(255, 255, 255, 0));
	CHECK_EQ(l.router, IP4(10, 0, 0, 1));
	CHECK_EQ(l.dns, IP4(10, 0, 0, 53));
	CHECK(strcmp(l.hostname, "node7") == 0);
	CHECK(strcmp(l.root_path, "iscsi:10.0.0.1:::1:iqn.x:d") == 0);
	CHECK(strcmp(l.initiator_iqn, "iqn.x:ini") == 0);
	CHECK(strcmp(l.settings, "dump-path=x") == 0);
	CHECK_EQ(l.vendor_len, 3);
	CHECK(l.vendor[0] == 0xde && l.vendor[1] == 0xad && l.vendor[2] == 0);
	/* Without the END option the same packet is accepted too. */
	CHECK_EQ(dhcp_parse(b, n - 1, &l), 0);
	CHECK_EQ(l.dns, IP4(10, 0, 0, 53));
}

/* Options overloaded into file (part 2 of the root path, RFC 3396) and
 * sname (hostname); an overload option inside file is ignored. */
static void test_parse_ack_overload(void)
{
	uint8_t b[600];
	size_t n = bootreply(b, 7, IP4(192, 168, 1, 20), 0);
	struct dhcp_lease l;
	uint8_t *file = b + 108, *sname = b + 44;

	b[n++] = 53; b[n++] = 1; b[n++] = 5;
	b[n++] = 52; b[n++] = 1; b[n++] = 3;
	b[n++] = 17; b[n++] = 4; memcpy(b + n, "iscs", 4); n += 4;
	b[n++] = 255;
	file[0] = 17; file[1] = 3; memcpy(file + 2, "i:x", 3);
	file[5] = 52; file[6] = 1; file[7] = 1;   /* ignored here */
	file[8] = 255;
	sname[0] = 12; sname[1] = 2; sname[2] = 'h'; sname[3] = '1';
	sname[4] = 54; sname[5] = 4; put32(sname + 6, IP4(192, 168, 1, 1));
	/* sname has no END: it is followed by zeros (pads) to its end */
	CHECK_EQ(dhcp_parse(b, n, &l), 0);
	CHECK_EQ(l.msg_type, DHCPACK);
	CHECK(strcmp(l.root_path, "iscsi:x") == 0);
	CHECK(strcmp(l.hostname, "h1") == 0);
	CHECK_EQ(l.server_id, IP4(192, 168, 1, 1));
	CHECK_EQ(l.yiaddr, IP4(192, 168, 1, 20));

	/* Overload 1 (file only): sname is not read as options. */
	b[245] = 1;
	CHECK_EQ(dhcp_parse(b, n, &l), 0);
	CHECK(strcmp(l.root_path, "iscsi:x") == 0);
	CHECK_EQ(l.hostname[0], 0);
	CHECK_EQ(l.server_id, 0);

	/* An option in file that overruns file's 128 bytes is rejected. */
	b[245] = 3;
	file[8] = 43; file[9] = 200;
	CHECK_EQ(dhcp_parse(b, n, &l), LL_EPROTO);
	/* An option in sname whose length byte would be beyond sname. */
	file[8] = 255;
	memset(sname, 0, 64);
	sname[63] = 12;
	CHECK_EQ(dhcp_parse(b, n, &l), LL_EPROTO);
}

static void test_parse_nul_in_strings(void)
{
	uint8_t b[600];
	size_t n = bootreply(b, 1, 0, 0);
	struct dhcp_lease l;

	b[n++] = 17; b[n++] = 4; b[n++] = 'a'; b[n++] = 'b';
	b[n++] = 0; b[n++] = 0;          /* trailing NULs: dropped */
	CHECK_EQ(dhcp_parse(b, n, &l), 0);
	CHECK(strcmp(l.root_path, "ab") == 0);
	b[n - 3] = 0; b[n - 2] = 'c';    /* "a\0c\0": embedded NUL */
	CHECK_EQ(dhcp_parse(b, n, &l), LL_EPROTO);
	CHECK_EQ(l.root_path[0], 0);     /* nothing half-parsed left */
}

static void expect_reject(const uint8_t *b, size_t n, int line)
{
	struct dhcp_lease l;
	int rc = dhcp_parse(b, n, &l);

	if (rc != LL_EPROTO)
		printf("  (from line %d: rc %d)\n", line, rc);
	CHECK_EQ(rc, LL_EPROTO);
	CHECK_EQ(l.yiaddr, 0);
}
#define REJECT(b, n) expect_reject(b, n, __LINE__)

static void test_parse_rejects_bad_header(void)
{
	uint8_t b[600];
	size_t n = build_full_offer(b);

	b[0] = 1;   REJECT(b, n); b[0] = 2;       /* BOOTREQUEST */
	b[0] = 3;   REJECT(b, n); b[0] = 2;
	b[1] = 6;   REJECT(b, n); b[1] = 1;       /* htype IEEE 802 */
	b[2] = 16;  REJECT(b, n); b[2] = 6;       /* hlen */
	b[239] = 98; REJECT(b, n); b[239] = 99;   /* cookie */
	b[236] = 0;  REJECT(b, n); b[236] = 99;
	REJECT(b, 239);                           /* shorter than cookie */
	REJECT(b, 0);
	CHECK_EQ(dhcp_parse(b, n, &(struct dhcp_lease){0}), 0); /* restored */
}

static void test_parse_rejects_bad_options(void)
{
	uint8_t b[600];
	size_t n = bootreply(b, 1, 0, 0);
	size_t base = n;

	b[n++] = 17; b[n++] = 10; b[n++] = 'x';   /* value runs past end */
	REJECT(b, n);
	n = base;
	b[n++] = 0; b[n++] = 17;                  /* length byte missing */
	REJECT(b, n);
	n = base;
	b[n++] = 1; b[n++] = 3; b[n++] = 255; b[n++] = 255; b[n++] = 0;
	REJECT(b, n);                             /* netmask of 3 bytes */
	n = base;
	b[n++] = 3; b[n++] = 6; memset(b + n, 1, 6); n += 6;
	REJECT(b, n);                             /* router list not 4*k */
	n = base;
	b[n++] = 53; b[n++] = 2; b[n++] = 5; b[n++] = 5;
	REJECT(b, n);                             /* message type of 2 bytes */
	n = base;
	b[n++] = 52; b[n++] = 1; b[n++] = 4;
	REJECT(b, n);                             /* overload value 4 */
	n = base;
	b[n++] = 51; b[n++] = 0;
	REJECT(b, n);                             /* empty lease time */
}

/* Every truncation of a valid OFFER either ends on an option boundary
 * (accepted) or cuts an option (rejected); none reads past the end. */
static void test_parse_truncations(void)
{
	uint8_t full[600];
	size_t n = build_full_offer(full);
	size_t cut, ok = 0, bad = 0;
	struct dhcp_lease l;

	for (cut = 0; cut <= n; cut++) {
		uint8_t b[600];
		int rc;

		memcpy(b, full, cut);   /* exact-size copy for ASan builds */
		rc = dhcp_parse(b, cut, &l);
		CHECK(rc == 0 || rc == LL_EPROTO);
		rc == 0 ? ok++ : bad++;
	}
	/* Boundaries: 240 (no options), after each of the 12 options, after
	 * each of the two pads, and the full packet with END = 16 cuts. */
	CHECK_EQ(ok, 16);
	CHECK_EQ(bad, n + 1 - 16);
}

static void test_parse_long_strings(void)
{
	uint8_t b[1200];
	size_t n = bootreply(b, 1, 0, 0), base = n;
	struct dhcp_lease l;
	static const uint8_t codes[] = {17, 203, 224};
	unsigned i;

	for (i = 0; i < sizeof(codes); i++) {
		/* 255 characters in two instances: fits exactly. */
		n = base;
		b[n++] = codes[i]; b[n++] = 200; memset(b + n, 'a', 200); n += 200;
		b[n++] = codes[i]; b[n++] = 55; memset(b + n, 'b', 55); n += 55;
		CHECK_EQ(dhcp_parse(b, n, &l), 0);
		CHECK_EQ(strlen(codes[i] == 17 ? l.root_path : codes[i] == 203 ?
				l.initiator_iqn : l.settings), 255);
		/* One more: 256 characters do not fit -> rejected. */
		b[n - 56] = 56; b[n++] = 'c';
		CHECK_EQ(dhcp_parse(b, n, &l), LL_EPROTO);
		CHECK_EQ(l.root_path[0], 0);
	}
	/* Hostname is truncated to 63 characters instead. */
	n = base;
	b[n++] = 12; b[n++] = 100; memset(b + n, 'h', 100); n += 100;
	CHECK_EQ(dhcp_parse(b, n, &l), 0);
	CHECK_EQ(strlen(l.hostname), 63);
	/* Vendor options over 256 bytes in total: rejected. */
	n = base;
	b[n++] = 43; b[n++] = 255; memset(b + n, 1, 255); n += 255;
	b[n++] = 43; b[n++] = 1; b[n++] = 2;
	CHECK_EQ(dhcp_parse(b, n, &l), 0);
	CHECK_EQ(l.vendor_len, 256);
	CHECK_EQ(l.vendor[255], 2);
	b[n - 2] = 2; b[n++] = 3;
	CHECK_EQ(dhcp_parse(b, n, &l), LL_EPROTO);
}

/* Find option code in a BOOTREQUEST's options; its length or -1. */
static int find_opt(const uint8_t *d, size_t len, uint8_t code, const uint8_t **val)
{
	size_t i = 240;

	while (i < len && d[i] != 255) {
		if (d[i] == 0) {
			i++;
			continue;
		}
		if (i + 1 >= len || i + 2 + d[i + 1] > len)
			return -1;
		if (d[i] == code) {
			*val = d + i + 2;
			return d[i + 1];
		}
		i += 2 + d[i + 1];
	}
	return -1;
}

static const uint8_t want_params[] = {1, 3, 6, 12, 17, 43, 51, 54, 203, 224};

static void test_build(void)
{
	uint8_t d[400];
	struct dhcp_build_req r = {
		.type = DHCPREQUEST, .mac = {2, 0, 0, 0, 0, 1}, .xid = 0xa1b2c3d4,
		.secs = 3, .req_ip = IP4(10, 0, 0, 5), .server_id = IP4(10, 0, 0, 1),
	};
	const uint8_t *v;
	int len = dhcp_build(d, sizeof(d), &r);

	CHECK_EQ(len, 300);
	CHECK(d[0] == 1 && d[1] == 1 && d[2] == 6 && d[3] == 0);
	CHECK(d[4] == 0xa1 && d[5] == 0xb2 && d[6] == 0xc3 && d[7] == 0xd4);
	CHECK(d[8] == 0 && d[9] == 3);             /* secs */
	CHECK(d[10] == 0x80 && d[11] == 0);        /* broadcast flag */
	CHECK(d[12] == 0 && d[16] == 0);           /* ciaddr, yiaddr */
	CHECK(memcmp(d + 28, our_mac, 6) == 0);
	CHECK(d[236] == 99 && d[237] == 130 && d[238] == 83 && d[239] == 99);
	CHECK_EQ(find_opt(d, 300, 53, &v), 1);
	CHECK_EQ(v[0], 3);
	CHECK_EQ(find_opt(d, 300, 61, &v), 7);
	CHECK(v[0] == 1 && memcmp(v + 1, our_mac, 6) == 0);
	CHECK_EQ(find_opt(d, 300, 55, &v), (int)sizeof(want_params));
	CHECK(memcmp(v, want_params, sizeof(want_params)) == 0);
	CHECK_EQ(find_opt(d, 300, 50, &v), 4);
	CHECK(v[0] == 10 && v[1] == 0 && v[2] == 0 && v[3] == 5);
	CHECK_EQ(find_opt(d, 300, 54, &v), 4);
	CHECK(v[0] == 10 && v[3] == 1);
	CHECK_EQ(find_opt(d, 300, 57, &v), 2);
	CHECK(v[0] == 0x05 && v[1] == 0xc0);       /* 1472 */
	r.req_ip = r.server_id = 0;
	r.type = DHCPDISCOVER;
	CHECK_EQ(dhcp_build(d, sizeof(d), &r), 300);
	CHECK_EQ(find_opt(d, 300, 50, &v), -1);
	CHECK_EQ(find_opt(d, 300, 54, &v), -1);
	CHECK_EQ(dhcp_build(d, 299, &r), LL_EMSGSIZE);
}

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
	s->tx_xid[s->n] = (uint32_t)(d[4] << 24 | d[5] << 16 | d[6] << 8 | d[7]);
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
	RUN(test_parse_offer);
	RUN(test_parse_ack_overload);
	RUN(test_parse_nul_in_strings);
	RUN(test_parse_rejects_bad_header);
	RUN(test_parse_rejects_bad_options);
	RUN(test_parse_truncations);
	RUN(test_parse_long_strings);
	RUN(test_build);
	RUN(test_exchange);
	RUN(test_timeout_backoff);
	RUN(test_no_ack);
	RUN(test_nak_then_ack);
	RUN(test_nak_always);
	RUN(test_use_ack);
	return CHECK_DONE();
}
