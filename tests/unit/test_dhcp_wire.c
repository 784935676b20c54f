/* tests/unit/test_dhcp_wire.c - the DHCP wire format: dhcp_parse on
 * hand-built OFFER/ACK packets and on malformed, truncated and overlong
 * ones; dhcp_build's DISCOVER/REQUEST layout. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "tests/lib/check.h"
#include "tests/lib/dhcp_pkt.h"
#include "net/dhcp.h"
#include "lib/err.h"

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

int main(void)
{
	check_suite = "dhcp_wire";
	RUN(test_parse_offer);
	RUN(test_parse_ack_overload);
	RUN(test_parse_nul_in_strings);
	RUN(test_parse_rejects_bad_header);
	RUN(test_parse_rejects_bad_options);
	RUN(test_parse_truncations);
	RUN(test_parse_long_strings);
	RUN(test_build);
	return CHECK_DONE();
}
