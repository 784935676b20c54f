/* tests/hosted/inject.c - sends crafted malformed Ethernet frames out of an
 * interface (the kernel side of the stack's TAP) through AF_PACKET, addressed
 * to the stack's MAC and IP, to check that bad input is dropped and counted.
 * Usage: inject --if IF --dst-mac MAC --dst-ip IP --src-ip IP
 *               [--rounds N] [--seed N] [--tcp-port P] [--burst N --gap-us U]
 * Prints one "inject: CATEGORY sent=N rejected=N" line per category and an
 * "inject: total ..." line; "rejected" counts frames the kernel refused. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define INJ_FRAME_MAX 9100
#define INJ_ETH 14
#define INJ_IP 20

struct inj {
	int fd;
	struct sockaddr_ll sll;
	uint8_t dmac[6], smac[6];
	uint32_t sip, dip;      /* host order */
	uint16_t tcp_port;      /* a port the stack may listen on, 0: random */
	int mtu;
	uint64_t rng;
};

/* ---- helpers ---------------------------------------------------------- */

static uint32_t inj_rand(struct inj *in)
{
	uint64_t x = in->rng;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	in->rng = x;
	return (uint32_t)(x >> 16);
}

/* Uniform-ish in [lo, hi]. */
static uint32_t inj_range(struct inj *in, uint32_t lo, uint32_t hi)
{
	return lo + inj_rand(in) % (hi - lo + 1);
}

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t csum_add(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
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

/* ---- valid frames (every checksum right) ------------------------------- */

static void eth_hdr(struct inj *in, uint8_t *f, uint16_t type)
{
	memcpy(f, in->dmac, 6);
	memcpy(f + 6, in->smac, 6);
	put16(f + 12, type);
}

/* Fill the IPv4 header at ip (IHL 5) for l4len bytes of payload. */
static void ip_hdr(struct inj *in, uint8_t *ip, uint8_t proto, size_t l4len)
{
	memset(ip, 0, INJ_IP);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(INJ_IP + l4len));
	put16(ip + 4, (uint16_t)inj_rand(in));
	ip[6] = 0x40; /* DF */
	ip[8] = 64;
	ip[9] = proto;
	put32(ip + 12, in->sip);
	put32(ip + 16, in->dip);
}

static void ip_fix_csum(uint8_t *ip, size_t hlen)
{
	ip[10] = ip[11] = 0;
	put16(ip + 10, csum_fold(csum_add(ip, hlen, 0)));
}

/* Checksum of a TCP/UDP segment at l4 of len bytes; len_field is what the
 * pseudo header claims (normally len). */
static uint16_t l4_csum(struct inj *in, uint8_t proto, const uint8_t *l4,
			size_t len, uint16_t len_field)
{
	uint8_t ph[12];

	put32(ph, in->sip);
	put32(ph + 4, in->dip);
	ph[8] = 0;
	ph[9] = proto;
	put16(ph + 10, len_field);
	return csum_fold(csum_add(l4, len, csum_add(ph, 12, 0)));
}

static void fill_random(struct inj *in, uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)inj_rand(in);
}

static size_t base_udp(struct inj *in, uint8_t *f, uint16_t sport,
		       uint16_t dport, size_t plen)
{
	uint8_t *ip = f + INJ_ETH, *u = ip + INJ_IP;
	size_t ulen = 8 + plen;

	eth_hdr(in, f, ETHERTYPE_IP);
	ip_hdr(in, ip, 17, ulen);
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)ulen);
	put16(u + 6, 0);
	fill_random(in, u + 8, plen);
	put16(u + 6, l4_csum(in, 17, u, ulen, (uint16_t)ulen));
	ip_fix_csum(ip, INJ_IP);
	return INJ_ETH + INJ_IP + ulen;
}

static uint16_t pick_tcp_port(struct inj *in)
{
	if (in->tcp_port && (inj_rand(in) & 1))
		return in->tcp_port;
	return (uint16_t)inj_range(in, 1, 65535);
}

/* A TCP segment with the given header option bytes (padded to 4) and
 * plen payload bytes. Returns the frame length. */
static size_t base_tcp(struct inj *in, uint8_t *f, uint8_t flags,
		       const uint8_t *opt, size_t optlen, size_t plen)
{
	uint8_t *ip = f + INJ_ETH, *t = ip + INJ_IP;
	size_t hlen = 20 + ((optlen + 3) & ~(size_t)3), tlen = hlen + plen;

	eth_hdr(in, f, ETHERTYPE_IP);
	ip_hdr(in, ip, 6, tlen);
	memset(t, 0, hlen);
	put16(t, (uint16_t)inj_range(in, 1024, 65535));
	put16(t + 2, pick_tcp_port(in));
	put32(t + 4, inj_rand(in));
	put32(t + 8, flags & 0x10 ? inj_rand(in) : 0);
	t[12] = (uint8_t)((hlen / 4) << 4);
	t[13] = flags;
	put16(t + 14, 65535);
	if (optlen)
		memcpy(t + 20, opt, optlen);
	fill_random(in, t + hlen, plen);
	put16(t + 16, l4_csum(in, 6, t, tlen, (uint16_t)tlen));
	ip_fix_csum(ip, INJ_IP);
	return INJ_ETH + INJ_IP + tlen;
}

static size_t base_icmp(struct inj *in, uint8_t *f, size_t plen)
{
	uint8_t *ip = f + INJ_ETH, *c = ip + INJ_IP;
	size_t clen = 8 + plen;

	eth_hdr(in, f, ETHERTYPE_IP);
	ip_hdr(in, ip, 1, clen);
	c[0] = 8; /* echo request */
	c[1] = 0;
	put16(c + 2, 0);
	put16(c + 4, (uint16_t)inj_rand(in));
	put16(c + 6, (uint16_t)inj_rand(in));
	fill_random(in, c + 8, plen);
	put16(c + 2, csum_fold(csum_add(c, clen, 0)));
	ip_fix_csum(ip, INJ_IP);
	return INJ_ETH + INJ_IP + clen;
}

/* ARP request for our address from the kernel side's real MAC and IP, so a
 * stack that (wrongly) accepts it learns only a correct mapping. */
static size_t base_arp(struct inj *in, uint8_t *f)
{
	uint8_t *a = f + INJ_ETH;

	eth_hdr(in, f, ETHERTYPE_ARP);
	put16(a, 1);
	put16(a + 2, ETHERTYPE_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, 1);
	memcpy(a + 8, in->smac, 6);
	put32(a + 14, in->sip);
	memset(a + 18, 0, 6);
	put32(a + 24, in->dip);
	return INJ_ETH + 28;
}

/* One valid IP frame: UDP, TCP SYN or ICMP echo. */
static size_t base_ip_any(struct inj *in, uint8_t *f)
{
	static const uint8_t mss[4] = { 2, 4, 0x05, 0xb4 };

	switch (inj_rand(in) % 3) {
	case 0:
		return base_udp(in, f, (uint16_t)inj_range(in, 1024, 65535),
				(uint16_t)inj_range(in, 1, 65535), inj_range(in, 0, 64));
	case 1:
		return base_tcp(in, f, 0x02, mss, 4, 0);
	default:
		return base_icmp(in, f, inj_range(in, 0, 64));
	}
}

/* ---- malformed categories: each writes one frame, returns its length --- */

static size_t cat_trunc(struct inj *in, uint8_t *f)
{
	size_t n = inj_rand(in) % 4 == 0 ? base_arp(in, f) : base_ip_any(in, f);
	size_t cut = inj_range(in, 0, 60);

	return cut < n ? cut : n;
}

static size_t cat_ip_csum(struct inj *in, uint8_t *f)
{
	size_t n = base_ip_any(in, f);

	f[INJ_ETH + 10] ^= (uint8_t)inj_range(in, 1, 255);
	return n;
}

static size_t cat_ip_version(struct inj *in, uint8_t *f)
{
	size_t n = base_ip_any(in, f);
	uint8_t v = (uint8_t)inj_range(in, 0, 14);

	f[INJ_ETH] = (uint8_t)((v >= 4 ? v + 1 : v) << 4 | 5);
	ip_fix_csum(f + INJ_ETH, INJ_IP);
	return n;
}

static size_t cat_ihl_small(struct inj *in, uint8_t *f)
{
	size_t n = base_ip_any(in, f);

	f[INJ_ETH] = (uint8_t)(0x40 | inj_range(in, 0, 4));
	ip_fix_csum(f + INJ_ETH, INJ_IP);
	return n;
}

/* IHL claims more header than the packet holds. */
static size_t cat_ihl_big(struct inj *in, uint8_t *f)
{
	uint8_t *ip = f + INJ_ETH;
	unsigned ihl = inj_range(in, 6, 15);
	size_t have = INJ_IP + inj_range(in, 0, ihl * 4 - INJ_IP - 1);

	base_icmp(in, f, 0);
	fill_random(in, ip + INJ_IP, have - INJ_IP);
	ip[0] = (uint8_t)(0x40 | ihl);
	put16(ip + 2, (uint16_t)(inj_rand(in) & 1 ? have : ihl * 4));
	ip_fix_csum(ip, have);
	return INJ_ETH + have;
}

static size_t cat_totlen_big(struct inj *in, uint8_t *f)
{
	size_t n = base_ip_any(in, f);
	uint32_t claim = (uint32_t)(n - INJ_ETH) + inj_range(in, 1, 2000);

	if (inj_rand(in) % 8 == 0)
		claim = 65535;
	put16(f + INJ_ETH + 2, (uint16_t)(claim > 65535 ? 65535 : claim));
	ip_fix_csum(f + INJ_ETH, INJ_IP);
	return n;
}

static size_t cat_totlen_small(struct inj *in, uint8_t *f)
{
	size_t n = base_ip_any(in, f);

	put16(f + INJ_ETH + 2, (uint16_t)inj_range(in, 0, INJ_IP - 1));
	ip_fix_csum(f + INJ_ETH, INJ_IP);
	return n;
}

/* A fragment: more-fragments set and/or a nonzero offset, checksums right. */
static size_t cat_fragment(struct inj *in, uint8_t *f)
{
	size_t n = inj_rand(in) & 1 ? base_icmp(in, f, inj_range(in, 8, 64))
				    : base_udp(in, f, 5000, 68, inj_range(in, 8, 64));
	uint16_t fo = (uint16_t)(inj_rand(in) % 3 == 0 ? 0 : inj_range(in, 1, 0x1fff));
	uint16_t mf = (fo == 0 || (inj_rand(in) & 1)) ? 0x2000 : 0;

	put16(f + INJ_ETH + 6, (uint16_t)(mf | fo));
	ip_fix_csum(f + INJ_ETH, INJ_IP);
	return n;
}

static size_t cat_udp_csum(struct inj *in, uint8_t *f)
{
	size_t n = base_udp(in, f, 67, inj_rand(in) & 1 ? 68 : (uint16_t)inj_rand(in),
			    inj_range(in, 0, 64));
	uint8_t *u = f + INJ_ETH + INJ_IP;
	uint16_t bad = (uint16_t)((u[6] << 8 | u[7]) ^ inj_range(in, 1, 0xfffe));

	put16(u + 6, bad ? bad : 1);
	return n;
}

/* UDP length field shorter than its header or longer than the IP payload. */
static size_t cat_udp_len(struct inj *in, uint8_t *f)
{
	size_t plen = inj_range(in, 0, 64);
	size_t n = base_udp(in, f, 67, 68, plen);
	uint8_t *u = f + INJ_ETH + INJ_IP;
	uint16_t ulen = (uint16_t)(inj_rand(in) & 1 ? inj_range(in, 0, 7)
				   : 8 + plen + inj_range(in, 1, 1400));

	put16(u + 4, ulen);
	put16(u + 6, 0);
	put16(u + 6, l4_csum(in, 17, u, 8 + plen, ulen));
	return n;
}

static size_t cat_tcp_csum(struct inj *in, uint8_t *f)
{
	static const uint8_t mss[4] = { 2, 4, 0x05, 0xb4 };
	size_t n = base_tcp(in, f, inj_rand(in) & 1 ? 0x02 : 0x18, mss, 4,
			    inj_range(in, 0, 64));

	f[INJ_ETH + INJ_IP + 16] ^= (uint8_t)inj_range(in, 1, 255);
	return n;
}

/* Data offset below 5 words or past the end of the segment. */
static size_t cat_tcp_doff(struct inj *in, uint8_t *f)
{
	size_t plen = inj_range(in, 0, 36); /* leaves room for doff 15 past it */
	size_t n = base_tcp(in, f, inj_rand(in) & 1 ? 0x02 : 0x10, NULL, 0, plen);
	uint8_t *t = f + INJ_ETH + INJ_IP;
	unsigned doff = inj_rand(in) & 1 ? inj_range(in, 0, 4)
					 : inj_range(in, (unsigned)(20 + plen) / 4 + 1, 15);

	t[12] = (uint8_t)(doff << 4);
	t[16] = t[17] = 0;
	put16(t + 16, l4_csum(in, 6, t, 20 + plen, (uint16_t)(20 + plen)));
	return n;
}

/* Options that overrun: length 0 or 1, length past the header, a kind with
 * no room for its length byte; checksums right so parsing is reached. */
static size_t cat_tcp_opts(struct inj *in, uint8_t *f)
{
	uint8_t opt[40];
	size_t optlen = 4 * inj_range(in, 1, 10), at = 0;
	static const uint8_t kinds[] = { 2, 3, 4, 5, 8, 30, 99, 254 };

	memset(opt, 1, sizeof(opt)); /* NOPs */
	if (inj_rand(in) & 1) /* start with a valid MSS sometimes */
		at = 4, opt[0] = 2, opt[1] = 4, opt[2] = 0x05, opt[3] = 0xb4;
	switch (inj_rand(in) % 4) {
	case 0: /* zero or one length: a naive parser loops forever */
		opt[at] = kinds[inj_rand(in) % sizeof(kinds)];
		opt[at + 1] = (uint8_t)(inj_rand(in) & 1);
		break;
	case 1: /* length past the end of the header */
		opt[at] = kinds[inj_rand(in) % sizeof(kinds)];
		opt[at + 1] = (uint8_t)inj_range(in, (unsigned)(optlen - at) + 1, 255);
		break;
	case 2: /* kind as the very last byte, no length byte */
		opt[optlen - 1] = kinds[inj_rand(in) % sizeof(kinds)];
		break;
	default: /* right kind, wrong fixed length (MSS len 3, WS len 9) */
		opt[at] = kinds[inj_rand(in) % 4];
		opt[at + 1] = (uint8_t)inj_range(in, 2, 12);
		break;
	}
	return base_tcp(in, f, inj_rand(in) & 1 ? 0x02 : 0x10, opt, optlen,
			inj_range(in, 0, 32));
}

static size_t cat_icmp_csum(struct inj *in, uint8_t *f)
{
	size_t n = base_icmp(in, f, inj_range(in, 0, 64));

	f[INJ_ETH + INJ_IP + 2] ^= (uint8_t)inj_range(in, 1, 255);
	return n;
}

/* A DHCP-shaped BOOTREPLY to port 68 whose options overrun the packet. */
static size_t cat_dhcp(struct inj *in, uint8_t *f)
{
	static uint8_t d[600];
	size_t dlen = 240 + inj_range(in, 0, 40), at = 240;
	uint8_t *u;
	size_t n;

	memset(d, 0, sizeof(d));
	d[0] = 2, d[1] = 1, d[2] = 6;
	put32(d + 4, inj_rand(in));
	put32(d + 16, in->dip);
	memcpy(d + 28, in->dmac, 6);
	put32(d + 236, 0x63825363u);
	if (at + 3 <= dlen && (inj_rand(in) & 1))
		d[at++] = 53, d[at++] = 1, d[at++] = (uint8_t)inj_range(in, 1, 8);
	if (inj_rand(in) % 4 == 0 && at + 3 <= dlen) /* overload into sname/file */
		d[at++] = 52, d[at++] = 1, d[at++] = 3, fill_random(in, d + 44, 192);
	while (at + 1 < dlen) { /* random options, the last one overrunning */
		d[at] = (uint8_t)inj_rand(in);
		d[at + 1] = (uint8_t)inj_rand(in);
		at += 2u + d[at + 1];
	}
	if (at == dlen - 1)
		d[at] = (uint8_t)inj_range(in, 1, 254); /* code without a length */
	n = base_udp(in, f, 67, 68, dlen);
	u = f + INJ_ETH + INJ_IP;
	memcpy(u + 8, d, dlen);
	if (inj_rand(in) & 1) { /* broadcast, as a server may answer */
		memset(f, 0xff, 6);
		put32(f + INJ_ETH + 16, 0xffffffffu);
		ip_fix_csum(f + INJ_ETH, INJ_IP);
	}
	put16(u + 6, 0);
	put16(u + 6, l4_csum(in, 17, u, 8 + dlen, (uint16_t)(8 + dlen)));
	if (inj_rand(in) % 8 == 0)
		put16(u + 6, 0); /* checksum not used */
	return n;
}

/* ARP with wrong hardware/protocol type or address lengths, or short. */
static size_t cat_arp(struct inj *in, uint8_t *f)
{
	size_t n = base_arp(in, f);
	uint8_t *a = f + INJ_ETH;

	switch (inj_rand(in) % 5) {
	case 0: a[4] = (uint8_t)(inj_rand(in) % 2 ? 0 : inj_range(in, 7, 255)); break;
	case 1: a[5] = (uint8_t)(inj_rand(in) % 2 ? 0 : inj_range(in, 5, 255)); break;
	case 2: put16(a, (uint16_t)inj_range(in, 2, 65535)); break;
	case 3: put16(a + 2, (uint16_t)inj_range(in, 0x0801, 0xffff)); break;
	default: n = INJ_ETH + inj_range(in, 0, 27); break;
	}
	if (inj_rand(in) % 4 == 0)
		memset(f, 0xff, 6);
	return n;
}

/* Longer than the stack's largest frame (needs the interface MTU raised;
 * sizes the interface cannot carry are skipped). */
static size_t cat_oversize(struct inj *in, uint8_t *f)
{
	size_t max = (size_t)in->mtu + INJ_ETH, len;

	if (max > INJ_FRAME_MAX)
		max = INJ_FRAME_MAX;
	if (max <= 1518)
		return 0;
	len = inj_range(in, 1519, (uint32_t)max);
	if (inj_rand(in) & 1)
		return base_icmp(in, f, len - INJ_ETH - INJ_IP - 8);
	return base_udp(in, f, 67, 68, len - INJ_ETH - INJ_IP - 8);
}

/* Random bytes behind a header addressed to us. */
static size_t cat_random(struct inj *in, uint8_t *f)
{
	static const uint16_t types[] = { ETHERTYPE_IP, ETHERTYPE_IP, ETHERTYPE_ARP,
					  0x86dd, 0x8100, 0 };
	size_t len = inj_range(in, INJ_ETH, 1514);
	uint16_t type = types[inj_rand(in) % 6];

	fill_random(in, f, len);
	eth_hdr(in, f, type ? type : (uint16_t)inj_rand(in));
	if (type == ETHERTYPE_IP && (inj_rand(in) & 1)) { /* plausible IP */
		f[INJ_ETH] = 0x45;
		put32(f + INJ_ETH + 16, in->dip);
	}
	return len;
}

/* A valid IP frame with a few bytes flipped; the IP checksum sometimes
 * fixed up so the flip reaches the upper layers. */
static size_t cat_mutate(struct inj *in, uint8_t *f)
{
	size_t n = base_ip_any(in, f);
	unsigned flips = inj_range(in, 1, 8);

	for (unsigned i = 0; i < flips; i++)
		f[inj_range(in, INJ_ETH, (uint32_t)n - 1)] ^= (uint8_t)inj_range(in, 1, 255);
	if (inj_rand(in) & 1) {
		put32(f + INJ_ETH + 16, in->dip);
		ip_fix_csum(f + INJ_ETH, INJ_IP);
	}
	return n;
}

/* ---- driver ------------------------------------------------------------ */

struct inj_cat {
	const char *name;
	size_t (*build)(struct inj *in, uint8_t *f);
	unsigned per_round;
	uint64_t sent, rejected;
};

static struct inj_cat inj_cats[] = {
	{ "truncated", cat_trunc, 12, 0, 0 },
	{ "ip-csum", cat_ip_csum, 2, 0, 0 },
	{ "ip-version", cat_ip_version, 1, 0, 0 },
	{ "ip-ihl-small", cat_ihl_small, 2, 0, 0 },
	{ "ip-ihl-big", cat_ihl_big, 2, 0, 0 },
	{ "ip-totlen-big", cat_totlen_big, 2, 0, 0 },
	{ "ip-totlen-small", cat_totlen_small, 2, 0, 0 },
	{ "ip-fragment", cat_fragment, 2, 0, 0 },
	{ "udp-csum", cat_udp_csum, 2, 0, 0 },
	{ "udp-len", cat_udp_len, 2, 0, 0 },
	{ "tcp-csum", cat_tcp_csum, 2, 0, 0 },
	{ "tcp-doff", cat_tcp_doff, 2, 0, 0 },
	{ "tcp-opts", cat_tcp_opts, 3, 0, 0 },
	{ "icmp-csum", cat_icmp_csum, 2, 0, 0 },
	{ "dhcp-opts", cat_dhcp, 2, 0, 0 },
	{ "arp-bad", cat_arp, 2, 0, 0 },
	{ "oversize", cat_oversize, 1, 0, 0 },
	{ "random", cat_random, 3, 0, 0 },
	{ "mutate", cat_mutate, 4, 0, 0 },
};
#define INJ_NCATS (sizeof(inj_cats) / sizeof(inj_cats[0]))

static int inj_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (v[i] > 255)
			return -1;
		mac[i] = (uint8_t)v[i];
	}
	return 0;
}

static int inj_parse_ip(const char *s, uint32_t *ip)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*ip = ntohl(a.s_addr);
	return 0;
}

/* Bind an AF_PACKET socket to ifname; learn its MAC and MTU. */
static int inj_open(struct inj *in, const char *ifname)
{
	struct ifreq ifr;

	in->fd = socket(AF_PACKET, SOCK_RAW, 0); /* send only: no protocol */
	if (in->fd < 0) {
		perror("inject: socket(AF_PACKET)");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	if (ioctl(in->fd, SIOCGIFINDEX, &ifr) < 0) {
		fprintf(stderr, "inject: no interface %s\n", ifname);
		return -1;
	}
	memset(&in->sll, 0, sizeof(in->sll));
	in->sll.sll_family = AF_PACKET;
	in->sll.sll_ifindex = ifr.ifr_ifindex;
	in->sll.sll_halen = 6;
	if (ioctl(in->fd, SIOCGIFHWADDR, &ifr) < 0)
		return -1;
	memcpy(in->smac, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(in->fd, SIOCGIFMTU, &ifr) < 0)
		return -1;
	in->mtu = ifr.ifr_mtu;
	return 0;
}

static void inj_send(struct inj *in, struct inj_cat *c, const uint8_t *f, size_t len)
{
	ssize_t n = sendto(in->fd, f, len, 0, (const struct sockaddr *)&in->sll,
			   sizeof(in->sll));
	if (n == (ssize_t)len)
		c->sent++;
	else
		c->rejected++;
}

static void inj_run(struct inj *in, unsigned rounds, unsigned burst, unsigned gap_us)
{
	static uint8_t frame[INJ_FRAME_MAX + 64];
	unsigned since_gap = 0;

	for (unsigned r = 0; r < rounds; r++) {
		for (size_t k = 0; k < INJ_NCATS; k++) {
			struct inj_cat *c = &inj_cats[k];
			for (unsigned i = 0; i < c->per_round; i++) {
				size_t len = c->build(in, frame);
				if (len == 0)
					continue; /* not possible on this interface */
				inj_send(in, c, frame, len);
				if (++since_gap >= burst) {
					usleep(gap_us);
					since_gap = 0;
				}
			}
		}
	}
}

static void inj_report(void)
{
	uint64_t sent = 0, rej = 0;

	for (size_t k = 0; k < INJ_NCATS; k++) {
		printf("inject: %s sent=%llu rejected=%llu\n", inj_cats[k].name,
		       (unsigned long long)inj_cats[k].sent,
		       (unsigned long long)inj_cats[k].rejected);
		sent += inj_cats[k].sent;
		rej += inj_cats[k].rejected;
	}
	printf("inject: total sent=%llu rejected=%llu\n", (unsigned long long)sent,
	       (unsigned long long)rej);
}

static int inj_usage(void)
{
	fprintf(stderr, "usage: inject --if IF --dst-mac MAC --dst-ip IP --src-ip IP"
			" [--rounds N] [--seed N] [--tcp-port P] [--burst N] [--gap-us U]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct inj in;
	const char *ifname = NULL;
	unsigned rounds = 100, burst = 32, gap_us = 2000;
	int have = 0;

	memset(&in, 0, sizeof(in));
	in.rng = 1;
	for (int i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];
		if (!strcmp(k, "--if"))
			ifname = v;
		else if (!strcmp(k, "--dst-mac") && !inj_parse_mac(v, in.dmac))
			have |= 1;
		else if (!strcmp(k, "--dst-ip") && !inj_parse_ip(v, &in.dip))
			have |= 2;
		else if (!strcmp(k, "--src-ip") && !inj_parse_ip(v, &in.sip))
			have |= 4;
		else if (!strcmp(k, "--rounds"))
			rounds = (unsigned)strtoul(v, NULL, 0);
		else if (!strcmp(k, "--seed"))
			in.rng = strtoull(v, NULL, 0) * 0x9e3779b97f4a7c15ull | 1;
		else if (!strcmp(k, "--tcp-port"))
			in.tcp_port = (uint16_t)strtoul(v, NULL, 0);
		else if (!strcmp(k, "--burst"))
			burst = (unsigned)strtoul(v, NULL, 0);
		else if (!strcmp(k, "--gap-us"))
			gap_us = (unsigned)strtoul(v, NULL, 0);
		else
			return inj_usage();
	}
	if (!ifname || have != 7 || burst == 0 || (argc % 2) != 1)
		return inj_usage();
	if (inj_open(&in, ifname) < 0)
		return 1;
	inj_run(&in, rounds, burst, gap_us);
	inj_report();
	close(in.fd);
	return 0;
}
