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
};

struct net_stack;
/* Parse a BOOTP/DHCP packet (UDP payload). 0 or LL_EPROTO; long or
 * overrunning options are rejected, never read past len. */
int dhcp_parse(const uint8_t *pkt, size_t len, struct dhcp_lease *out);
/* Take a DHCPACK from firmware (PXE cached info): parse it and configure
 * ns->ip from it without sending anything. */
int dhcp_use_ack(struct net_stack *ns, const uint8_t *pkt, size_t len,
		 struct dhcp_lease *out);
/* Full exchange on ns->dev; configures ns->ip on success. Retries with
 * backoff until deadline; LL_ENOLEASE / LL_EDHCPNAK / LL_ETIMEDOUT. */
int dhcp_run(struct net_stack *ns, struct dhcp_lease *out, uint64_t deadline);

#endif
