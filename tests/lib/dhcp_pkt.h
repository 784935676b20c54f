/* tests/lib/dhcp_pkt.h - helpers shared by the DHCP unit tests: a
 * BOOTREPLY header and a full OFFER written byte by byte, and an option
 * finder for the requests the client sends. Header-only (static). */
#ifndef TESTS_DHCP_PKT_H
#define TESTS_DHCP_PKT_H
#include <stdint.h>
#include <string.h>

#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))
#define SEC 1000000ull

static const uint8_t our_mac[6] = {0x02, 0, 0, 0, 0, 0x01};

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


#endif
