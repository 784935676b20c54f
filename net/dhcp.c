/* net/dhcp.c - DHCP client exchange (RFC 2131 section 4.4): SELECTING
 * (DISCOVER until an OFFER) then REQUESTING (REQUEST until ACK or NAK), with
 * exponential backoff and deterministic jitter, bounded by the caller's
 * deadline; and taking over a DHCPACK the firmware already holds. */
#include <stdarg.h>
#include "net/dhcp.h"
#include "net/net.h"
#include "lib/byteorder.h"
#include "lib/err.h"
#include "lib/hash.h"
#include "lib/mem.h"
#include "lib/print.h"

#define DHCP_RTO_FIRST_US  (4ull * 1000000)
#define DHCP_RTO_MAX_US    (64ull * 1000000)  /* RFC 2131 4.1 cap */
#define DHCP_JITTER_US     1000000u           /* +/- 1 s, RFC 2131 4.1 */
#define DHCP_REQUEST_TRIES 4                  /* REQUESTs, then start over */
#define DHCP_MAX_NAKS      3                  /* NAKs before giving up */

enum dhcp_state { DHCP_SELECTING, DHCP_REQUESTING };

/* The client of one dhcp_run, on its stack. The UDP callback only looks
 * at replies and records events; dhcp_loop acts on them. */
struct dhcp_client {
	struct net_stack *ns;
	enum dhcp_state state;
	uint32_t xid;
	uint64_t started;        /* first DISCOVER, for 'secs' */
	unsigned tries;          /* transmissions in this state so far */
	uint64_t next_tx;        /* when to (re)transmit, absolute us */
	unsigned naks;
	int got_offer, got_ack, got_nak;
	struct dhcp_lease lease; /* chosen OFFER, then the ACK */
	struct dhcp_lease rx;    /* scratch for the reply being looked at */
	struct dhcp_counters cnt;
};

/* Console line; not format-checked so %I (IPv4) and %M (MAC) of
 * lib/print.h can be used. */
static void dhcp_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ll_vprintf(fmt, ap);
	va_end(ap);
}

static uint32_t dhcp_new_xid(const struct dhcp_client *c, uint64_t now)
{
	const uint8_t *mac = c->ns->dev->mac;
	uint32_t h = get_be32(mac) ^ ((uint32_t)get_be16(mac + 4) << 8);

	h = ll_hash32(h ^ (uint32_t)(now >> 32));
	return ll_hash32(h ^ (uint32_t)now ^ c->xid);
}

/* Time to wait after transmission number `tries` (0-based): 4 s doubling
 * to 64 s, plus a jitter in [-1 s, +1 s] fixed by the xid and the try. */
static uint64_t dhcp_backoff_us(uint32_t xid, unsigned tries)
{
	uint64_t base = DHCP_RTO_FIRST_US << (tries < 4 ? tries : 4);
	uint32_t r = ll_hash32(xid ^ (0x9e3779b9u * (tries + 1)));

	if (base > DHCP_RTO_MAX_US)
		base = DHCP_RTO_MAX_US;
	return base - DHCP_JITTER_US + r % (2 * DHCP_JITTER_US + 1);
}

static unsigned prefix_len(uint32_t mask)
{
	unsigned n = 0;

	while (mask & 0x80000000u) {
		n++;
		mask <<= 1;
	}
	return n;
}

/* Netmask when the server sent none: the class of the address. */
static uint32_t default_netmask(uint32_t addr)
{
	if ((addr >> 31) == 0)
		return 0xff000000u;
	if ((addr >> 30) == 2)
		return 0xffff0000u;
	return 0xffffff00u;
}

static void dhcp_configure(struct net_stack *ns, const struct dhcp_lease *l,
			   const char *how)
{
	ns->ip.addr = l->yiaddr;
	ns->ip.netmask = l->netmask ? l->netmask : default_netmask(l->yiaddr);
	ns->ip.gateway = l->router;
	ns->ip.dns = l->dns;
	dhcp_log("dhcp: lease %I/%u gw %I from %I (%u s)%s\n", l->yiaddr,
		  prefix_len(ns->ip.netmask), l->router, l->server_id,
		  l->lease_secs, how);
}

/* Restart in SELECTING with a fresh xid; transmit at once. */
static void dhcp_restart(struct dhcp_client *c, uint64_t now)
{
	c->xid = dhcp_new_xid(c, now);
	c->state = DHCP_SELECTING;
	c->tries = 0;
	c->next_tx = now;
	c->got_offer = c->got_ack = c->got_nak = 0;
}

static int dhcp_send(struct dhcp_client *c, uint8_t type, uint64_t now)
{
	struct dhcp_build_req r;
	uint8_t msg[DHCP_MIN_SEND];
	uint64_t secs = (now - c->started) / 1000000;
	int len, rc;

	memset(&r, 0, sizeof(r));
	r.type = type;
	memcpy(r.mac, c->ns->dev->mac, 6);
	r.xid = c->xid;
	r.secs = (uint16_t)(secs > 0xffff ? 0xffff : secs);
	if (type == DHCPREQUEST) {
		r.req_ip = c->lease.yiaddr;
		r.server_id = c->lease.server_id;
	}
	len = dhcp_build(msg, sizeof(msg), &r);
	if (len < 0)
		return len;
	rc = udp_send(c->ns, DHCP_CLIENT_PORT, IPV4_BROADCAST, DHCP_SERVER_PORT,
		      msg, (size_t)len);
	if (rc < 0)
		c->cnt.send_errors++;
	return rc;
}

/* (Re)transmit what the state calls for and schedule the next one. */
static void dhcp_transmit(struct dhcp_client *c, uint64_t now)
{
	uint64_t wait;

	if (c->state == DHCP_REQUESTING && c->tries >= DHCP_REQUEST_TRIES) {
		dhcp_log("dhcp: no answer to request, starting over\n");
		dhcp_restart(c, now);
	}
	wait = dhcp_backoff_us(c->xid, c->tries);
	if (c->state == DHCP_SELECTING) {
		dhcp_log("dhcp: discover on %s (%M) xid 0x%08x try %u, "
			  "next in %u ms\n", c->ns->dev->name, c->ns->dev->mac,
			  c->xid, c->tries + 1, (unsigned)(wait / 1000));
		dhcp_send(c, DHCPDISCOVER, now);
		c->cnt.discovers_sent++;
	} else {
		dhcp_log("dhcp: request %I from %I try %u\n", c->lease.yiaddr,
			  c->lease.server_id, c->tries + 1);
		dhcp_send(c, DHCPREQUEST, now);
		c->cnt.requests_sent++;
	}
	c->tries++;
	c->next_tx = now + wait;
}

static void dhcp_rx_offer(struct dhcp_client *c, uint32_t src_ip)
{
	struct dhcp_lease *rx = &c->rx;

	if (!rx->server_id)
		rx->server_id = src_ip;  /* 54 is a MUST; be lenient */
	if (c->state != DHCP_SELECTING || c->got_offer || !rx->yiaddr ||
	    !rx->server_id) {
		c->cnt.rx_unexpected++;
		return;
	}
	c->cnt.offers++;
	c->lease = *rx;
	c->got_offer = 1;
}

/* ACK or NAK: only while REQUESTING and only from the chosen server. */
static void dhcp_rx_answer(struct dhcp_client *c)
{
	struct dhcp_lease *rx = &c->rx;

	if (c->state != DHCP_REQUESTING || c->got_ack || c->got_nak ||
	    (rx->server_id && rx->server_id != c->lease.server_id)) {
		c->cnt.rx_unexpected++;
		return;
	}
	if (rx->msg_type == DHCPNAK) {
		c->cnt.naks++;
		c->got_nak = 1;
		return;
	}
	if (!rx->yiaddr) {
		c->cnt.rx_unexpected++;
		return;
	}
	c->cnt.acks++;
	if (!rx->server_id)
		rx->server_id = c->lease.server_id;
	c->lease = *rx;
	c->got_ack = 1;
}

static void dhcp_rx(void *ctx, uint32_t src_ip, uint16_t src_port,
		    const uint8_t *data, size_t len)
{
	struct dhcp_client *c = ctx;

	if (src_port != DHCP_SERVER_PORT) {
		c->cnt.rx_bad_port++;
		return;
	}
	if (dhcp_parse(data, len, &c->rx) < 0) {
		c->cnt.rx_bad++;
		return;
	}
	if (c->rx.xid != c->xid) {
		c->cnt.rx_wrong_xid++;
		return;
	}
	if (memcmp(c->rx.chaddr, c->ns->dev->mac, 6) != 0) {
		c->cnt.rx_wrong_chaddr++;
		return;
	}
	if (c->rx.msg_type == DHCPOFFER)
		dhcp_rx_offer(c, src_ip);
	else if (c->rx.msg_type == DHCPACK || c->rx.msg_type == DHCPNAK)
		dhcp_rx_answer(c);
	else
		c->cnt.rx_unexpected++;
}

/* Act on what the callback recorded. 1: bound, 0: go on, <0: give up. */
static int dhcp_events(struct dhcp_client *c, uint64_t now)
{
	if (c->got_ack)
		return 1;
	if (c->got_nak) {
		c->naks++;
		dhcp_log("dhcp: NAK from %I for %I (%u of %u)\n",
			  c->lease.server_id, c->lease.yiaddr, c->naks,
			  DHCP_MAX_NAKS);
		if (c->naks >= DHCP_MAX_NAKS)
			return LL_EDHCPNAK;
		dhcp_restart(c, now);
		return 0;
	}
	if (c->got_offer && c->state == DHCP_SELECTING) {
		dhcp_log("dhcp: offer %I from %I\n", c->lease.yiaddr,
			  c->lease.server_id);
		c->state = DHCP_REQUESTING;
		c->tries = 0;
		c->next_tx = now;
	}
	return 0;
}

static int dhcp_loop(struct dhcp_client *c, uint64_t deadline)
{
	struct net_stack *ns = c->ns;
	uint64_t now = net_now(ns);
	int rc;

	c->started = now;
	dhcp_restart(c, now);
	for (;;) {
		now = net_now(ns);
		rc = dhcp_events(c, now);
		if (rc)
			return rc < 0 ? rc : 0;
		if (now >= deadline)
			return c->cnt.offers ? LL_ENOLEASE : LL_ETIMEDOUT;
		if (now >= c->next_tx)
			dhcp_transmit(c, now);
		rc = net_poll_wait(ns, (uint32_t)((c->next_tx < deadline ?
				   c->next_tx : deadline) - now));
		if (rc < 0 && rc != LL_EAGAIN)
			return rc;
	}
}

int dhcp_run(struct net_stack *ns, struct dhcp_lease *out, uint64_t deadline)
{
	struct dhcp_client c;
	int rc;

	if (!ns || !out || !ns->dev)
		return LL_EINVAL;
	memset(&c, 0, sizeof(c));
	c.ns = ns;
	rc = udp_bind(ns, DHCP_CLIENT_PORT, dhcp_rx, &c);
	if (rc < 0) {
		dhcp_log("dhcp: cannot bind port 68: %s\n", ll_strerror(rc));
		return rc;
	}
	rc = dhcp_loop(&c, deadline);
	udp_unbind(ns, DHCP_CLIENT_PORT);
	if (rc == 0) {
		*out = c.lease;
		dhcp_configure(ns, out, "");
	} else {
		memset(out, 0, sizeof(*out));
		dhcp_log("dhcp: failed after %u discover, %u request, %u offer"
			  ": %s (error %d)\n", c.cnt.discovers_sent,
			  c.cnt.requests_sent, c.cnt.offers, ll_strerror(rc),
			  -rc);
	}
	out->cnt = c.cnt;
	return rc;
}

int dhcp_use_ack(struct net_stack *ns, const uint8_t *pkt, size_t len,
		 struct dhcp_lease *out)
{
	int rc;

	if (!ns || !out)
		return LL_EINVAL;
	rc = dhcp_parse(pkt, len, out);
	if (rc < 0) {
		dhcp_log("dhcp: firmware reply malformed: %s\n", ll_strerror(rc));
		return rc;
	}
	/* A BOOTP reply (no option 53) from an old ROM counts as an ACK. */
	if ((out->msg_type != DHCPACK && out->msg_type != 0) || !out->yiaddr) {
		dhcp_log("dhcp: firmware reply holds no lease (type %u)\n",
			  out->msg_type);
		return LL_ENOLEASE;
	}
	dhcp_configure(ns, out, " (from firmware)");
	return 0;
}
