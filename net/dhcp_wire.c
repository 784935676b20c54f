/* net/dhcp_wire.c - DHCP wire format: the bounded parser of BOOTREPLY
 * packets (options, overload, RFC 3396 concatenation) and the builder of
 * our DISCOVER / REQUEST messages. No network state; fuzzed directly. */
#include "net/dhcp.h"
#include "lib/byteorder.h"
#include "lib/err.h"
#include "lib/mem.h"

#define HTYPE_ETHERNET 1

/* Where an option came from: overload (52) is honoured only in the main
 * options field; in sname/file it is ignored. */
enum dhcp_area { AREA_OPTIONS, AREA_FILE, AREA_SNAME };

/* Running state of one parse: lengths so far of the strings that may be
 * split over several instances of their option (RFC 3396). */
struct dhcp_parse_st {
	struct dhcp_lease *l;
	uint8_t overload;
	size_t host_len, root_len, iqn_len, settings_len;
};

/* How a string too long for its buffer is treated. */
enum str_fit { STR_REJECT, STR_TRUNCATE };

/* Append one option instance to a NUL-terminated string of capacity cap.
 * Trailing NULs (some servers send them) are dropped; a NUL inside the
 * value is malformed. */
static int str_append(char *dst, size_t cap, size_t *cur, const uint8_t *v,
		      size_t n, enum str_fit fit)
{
	size_t i;

	while (n && v[n - 1] == 0)
		n--;
	for (i = 0; i < n; i++)
		if (v[i] == 0)
			return LL_EPROTO;
	if (*cur + n > cap - 1) {
		if (fit == STR_REJECT)
			return LL_EPROTO;
		n = cap - 1 - *cur;
	}
	memcpy(dst + *cur, v, n);
	*cur += n;
	dst[*cur] = 0;
	return 0;
}

/* A single address (exactly 4 bytes) or the first of a list (4*k). */
static int take_addr(uint32_t *dst, const uint8_t *v, size_t n, int list)
{
	if (n < 4 || (list ? (n % 4) != 0 : n != 4))
		return LL_EPROTO;
	*dst = get_be32(v);
	return 0;
}

static int take_vendor(struct dhcp_lease *l, const uint8_t *v, size_t n)
{
	if (l->vendor_len + n > sizeof(l->vendor))
		return LL_EPROTO;
	memcpy(l->vendor + l->vendor_len, v, n);
	l->vendor_len = (uint16_t)(l->vendor_len + n);
	return 0;
}

static int take_byte(uint8_t *dst, const uint8_t *v, size_t n)
{
	if (n != 1)
		return LL_EPROTO;
	*dst = v[0];
	return 0;
}

static int take_overload(struct dhcp_parse_st *st, const uint8_t *v,
			 size_t n, enum dhcp_area area)
{
	if (area != AREA_OPTIONS)
		return 0;     /* RFC 2131: only meaningful in 'options' */
	if (n != 1 || v[0] < 1 || v[0] > 3)
		return LL_EPROTO;
	st->overload = v[0];
	return 0;
}

static int take_option(struct dhcp_parse_st *st, uint8_t code,
		       const uint8_t *v, size_t n, enum dhcp_area area)
{
	struct dhcp_lease *l = st->l;

	switch (code) {
	case DHCP_OPT_NETMASK:
		return take_addr(&l->netmask, v, n, 0);
	case DHCP_OPT_ROUTER:
		return take_addr(&l->router, v, n, 1);
	case DHCP_OPT_DNS:
		return take_addr(&l->dns, v, n, 1);
	case DHCP_OPT_LEASE_TIME:
		return take_addr(&l->lease_secs, v, n, 0);
	case DHCP_OPT_SERVER_ID:
		return take_addr(&l->server_id, v, n, 0);
	case DHCP_OPT_HOSTNAME:  /* cosmetic: a cut name is still useful */
		return str_append(l->hostname, sizeof(l->hostname),
				  &st->host_len, v, n, STR_TRUNCATE);
	case DHCP_OPT_ROOT_PATH: /* a cut root path is worse than none */
		return str_append(l->root_path, sizeof(l->root_path),
				  &st->root_len, v, n, STR_REJECT);
	case DHCP_OPT_INITIATOR:
		return str_append(l->initiator_iqn, sizeof(l->initiator_iqn),
				  &st->iqn_len, v, n, STR_REJECT);
	case DHCP_OPT_LIFELINE:
		return str_append(l->settings, sizeof(l->settings),
				  &st->settings_len, v, n, STR_REJECT);
	case DHCP_OPT_VENDOR:
		return take_vendor(l, v, n);
	case DHCP_OPT_MSG_TYPE:
		return take_byte(&l->msg_type, v, n);
	case DHCP_OPT_OVERLOAD:
		return take_overload(st, v, n, area);
	default:
		return 0;     /* options we did not ask for are skipped */
	}
}

/* Walk one options area of len bytes. An option whose length byte or
 * value would run past the area is malformed. A missing END is accepted
 * (full sname/file areas often lack one). */
static int walk_options(struct dhcp_parse_st *st, const uint8_t *p,
			size_t len, enum dhcp_area area)
{
	size_t i = 0;
	int rc;

	while (i < len) {
		uint8_t code = p[i];
		size_t olen;

		if (code == DHCP_OPT_PAD) {
			i++;
			continue;
		}
		if (code == DHCP_OPT_END)
			return 0;
		if (i + 1 >= len)
			return LL_EPROTO;
		olen = p[i + 1];
		if (olen > len - i - 2)
			return LL_EPROTO;
		rc = take_option(st, code, p + i + 2, olen, area);
		if (rc)
			return rc;
		i += 2 + olen;
	}
	return 0;
}

static int check_header(const uint8_t *pkt, size_t len)
{
	if (len < DHCP_OFF_OPTIONS)
		return LL_EPROTO;
	if (pkt[0] != BOOTREPLY || pkt[1] != HTYPE_ETHERNET || pkt[2] != 6)
		return LL_EPROTO;
	if (get_be32(pkt + DHCP_OFF_COOKIE) != DHCP_COOKIE)
		return LL_EPROTO;
	return 0;
}

int dhcp_parse(const uint8_t *pkt, size_t len, struct dhcp_lease *out)
{
	struct dhcp_parse_st st;
	int rc;

	if (!pkt || !out)
		return LL_EINVAL;
	memset(out, 0, sizeof(*out));
	rc = check_header(pkt, len);
	if (rc)
		return rc;
	out->xid = get_be32(pkt + DHCP_OFF_XID);
	out->yiaddr = get_be32(pkt + DHCP_OFF_YIADDR);
	out->siaddr = get_be32(pkt + DHCP_OFF_SIADDR);
	memcpy(out->chaddr, pkt + DHCP_OFF_CHADDR, 6);

	memset(&st, 0, sizeof(st));
	st.l = out;
	rc = walk_options(&st, pkt + DHCP_OFF_OPTIONS, len - DHCP_OFF_OPTIONS,
			  AREA_OPTIONS);
	/* RFC 3396 order: options, then file, then sname. */
	if (!rc && (st.overload & 1))
		rc = walk_options(&st, pkt + DHCP_OFF_FILE, 128, AREA_FILE);
	if (!rc && (st.overload & 2))
		rc = walk_options(&st, pkt + DHCP_OFF_SNAME, 64, AREA_SNAME);
	if (rc) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	return 0;
}

/* The options we ask every server for (option 55). */
static const uint8_t dhcp_param_req[] = {
	DHCP_OPT_NETMASK, DHCP_OPT_ROUTER, DHCP_OPT_DNS, DHCP_OPT_HOSTNAME,
	DHCP_OPT_ROOT_PATH, DHCP_OPT_VENDOR, DHCP_OPT_LEASE_TIME,
	DHCP_OPT_SERVER_ID, DHCP_OPT_INITIATOR, DHCP_OPT_LIFELINE,
};

static uint8_t *put_opt(uint8_t *o, uint8_t code, const void *v, uint8_t n)
{
	o[0] = code;
	o[1] = n;
	memcpy(o + 2, v, n);
	return o + 2 + n;
}

static uint8_t *put_opt_addr(uint8_t *o, uint8_t code, uint32_t addr)
{
	uint8_t v[4];

	put_be32(v, addr);
	return put_opt(o, code, v, 4);
}

int dhcp_build(uint8_t *buf, size_t cap, const struct dhcp_build_req *r)
{
	uint8_t client_id[7], max_size[2];
	uint8_t *o;

	if (cap < DHCP_MIN_SEND)
		return LL_EMSGSIZE;
	memset(buf, 0, DHCP_MIN_SEND);
	buf[0] = BOOTREQUEST;
	buf[1] = HTYPE_ETHERNET;
	buf[2] = 6;
	put_be32(buf + DHCP_OFF_XID, r->xid);
	put_be16(buf + DHCP_OFF_SECS, r->secs);
	put_be16(buf + DHCP_OFF_FLAGS, DHCP_FLAG_BROADCAST);
	memcpy(buf + DHCP_OFF_CHADDR, r->mac, 6);
	put_be32(buf + DHCP_OFF_COOKIE, DHCP_COOKIE);

	o = buf + DHCP_OFF_OPTIONS;
	o = put_opt(o, DHCP_OPT_MSG_TYPE, &r->type, 1);
	client_id[0] = HTYPE_ETHERNET;   /* RFC 2132 9.14: type + MAC */
	memcpy(client_id + 1, r->mac, 6);
	o = put_opt(o, DHCP_OPT_CLIENT_ID, client_id, sizeof(client_id));
	put_be16(max_size, 1500 - 20 - 8);
	o = put_opt(o, DHCP_OPT_MAX_SIZE, max_size, 2);
	if (r->req_ip)
		o = put_opt_addr(o, DHCP_OPT_REQ_IP, r->req_ip);
	if (r->server_id)
		o = put_opt_addr(o, DHCP_OPT_SERVER_ID, r->server_id);
	o = put_opt(o, DHCP_OPT_PARAM_REQ, dhcp_param_req,
		    sizeof(dhcp_param_req));
	*o = DHCP_OPT_END;
	return DHCP_MIN_SEND;
}
