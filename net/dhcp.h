/* net/dhcp.h - DHCP client (RFC 2131/2132): DISCOVER/OFFER/REQUEST/ACK with
 * retries and a deadline, or a DHCPACK handed over by firmware. Options
 * kept: 1, 3, 6, 12, 17, 43, 51, 54, 203 and the site-specific option
 * DHCP_OPT_LIFELINE carrying "key=value" settings separated by spaces. */
#ifndef NET_DHCP_H
#define NET_DHCP_H
#include <stddef.h>
#include <stdint.h>

#define DHCP_OPT_ROOT_PATH    17
#define DHCP_OPT_INITIATOR    203
#define DHCP_OPT_LIFELINE     224   /* site-specific: key=value settings */
#define DHCP_STR_MAX 256

/* Wire layout (RFC 2131 section 2): fixed BOOTP header, then the cookie. */
#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define BOOTREQUEST 1
#define BOOTREPLY   2
#define DHCP_OFF_XID     4
#define DHCP_OFF_SECS    8
#define DHCP_OFF_FLAGS   10
#define DHCP_OFF_CIADDR  12
#define DHCP_OFF_YIADDR  16
#define DHCP_OFF_SIADDR  20
#define DHCP_OFF_CHADDR  28
#define DHCP_OFF_SNAME   44   /* 64 bytes */
#define DHCP_OFF_FILE    108  /* 128 bytes */
#define DHCP_OFF_COOKIE  236
#define DHCP_OFF_OPTIONS 240
#define DHCP_COOKIE      0x63825363u
#define DHCP_FLAG_BROADCAST 0x8000
#define DHCP_MIN_SEND    300  /* BOOTP minimum; some relays drop shorter */

/* Option codes (RFC 2132) used here. */
#define DHCP_OPT_PAD          0
#define DHCP_OPT_NETMASK      1
#define DHCP_OPT_ROUTER       3
#define DHCP_OPT_DNS          6
#define DHCP_OPT_HOSTNAME     12
#define DHCP_OPT_VENDOR       43
#define DHCP_OPT_REQ_IP       50
#define DHCP_OPT_LEASE_TIME   51
#define DHCP_OPT_OVERLOAD     52
#define DHCP_OPT_MSG_TYPE     53
#define DHCP_OPT_SERVER_ID    54
#define DHCP_OPT_PARAM_REQ    55
#define DHCP_OPT_MAX_SIZE     57
#define DHCP_OPT_CLIENT_ID    61
#define DHCP_OPT_END          255

/* Message types (option 53). */
enum dhcp_msg {
	DHCPDISCOVER = 1, DHCPOFFER, DHCPREQUEST, DHCPDECLINE, DHCPACK,
	DHCPNAK, DHCPRELEASE, DHCPINFORM,
};

/* What one dhcp_run saw: sent messages and dropped replies by reason. */
struct dhcp_counters {
	uint32_t discovers_sent, requests_sent, send_errors;
	uint32_t offers, acks, naks;
	uint32_t rx_bad;          /* dhcp_parse rejected it */
	uint32_t rx_bad_port;     /* not from port 67 */
	uint32_t rx_wrong_xid, rx_wrong_chaddr;
	uint32_t rx_unexpected;   /* right xid but wrong type, state or server */
};

struct dhcp_lease {
	uint32_t yiaddr, netmask, router, dns, server_id, lease_secs;
	uint32_t siaddr;                      /* next server (TFTP) */
	char hostname[64];                    /* option 12 */
	char root_path[DHCP_STR_MAX];         /* option 17 */
	char initiator_iqn[DHCP_STR_MAX];     /* option 203 */
	char settings[DHCP_STR_MAX];          /* option DHCP_OPT_LIFELINE */
	uint8_t vendor[DHCP_STR_MAX];         /* option 43, raw */
	uint16_t vendor_len;
	uint8_t msg_type;                     /* option 53 of the parsed packet */
	uint8_t chaddr[6];                    /* header fields of the packet */
	uint32_t xid;
	struct dhcp_counters cnt;             /* filled by dhcp_run only */
};

/* A message for dhcp_build: type, our MAC, xid, secs; req_ip and
 * server_id (0: left out) go in as options 50 and 54. */
struct dhcp_build_req {
	uint8_t type;
	uint8_t mac[6];
	uint32_t xid;
	uint16_t secs;
	uint32_t req_ip, server_id;
};

struct net_stack;
/* Parse a BOOTREPLY (UDP payload; op 2, Ethernet, cookie) into out.
 * 0 or LL_EPROTO (out zeroed then); never reads past len. Overrunning or
 * wrongly sized options are rejected; so are root path, initiator IQN and
 * settings too long for their buffers (a hostname is truncated instead).
 * Option overload (52) is honoured and split options are concatenated
 * (RFC 3396). Does not check xid or chaddr: that is the caller's job. */
int dhcp_parse(const uint8_t *pkt, size_t len, struct dhcp_lease *out);
/* Build a BOOTREQUEST with the broadcast flag, client id (61), parameter
 * request list (55) and max size (57) into buf; returns its length
 * (>= DHCP_MIN_SEND) or LL_EMSGSIZE. */
int dhcp_build(uint8_t *buf, size_t cap, const struct dhcp_build_req *r);
/* Take a DHCPACK from firmware (PXE cached info): parse it and configure
 * ns->ip from it without sending anything. */
int dhcp_use_ack(struct net_stack *ns, const uint8_t *pkt, size_t len,
		 struct dhcp_lease *out);
/* Full exchange on ns->dev (binds UDP port 68 for its duration);
 * configures ns->ip on success. Retransmits after 4, 8, 16, 32, 64, 64...
 * s (each +/- 1 s) until deadline (absolute, net_now units): LL_ETIMEDOUT
 * if nothing came, LL_ENOLEASE if offers came but no ACK, LL_EDHCPNAK
 * after 3 NAKs. out->cnt says what was sent and dropped, in all cases. */
int dhcp_run(struct net_stack *ns, struct dhcp_lease *out, uint64_t deadline);

#endif
