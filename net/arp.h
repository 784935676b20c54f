/* net/arp.h - ARP (RFC 826) for IPv4 over Ethernet: a small cache with
 * expiry, replies to requests for our address, and bounded resolution. */
#ifndef NET_ARP_H
#define NET_ARP_H
#include <stddef.h>
#include <stdint.h>

#define ARP_CACHE_SIZE 8
#define ARP_ENTRY_TTL_US (300ull * 1000000)   /* entries expire after 5 min */
#define ARP_RETRY_US     (250ull * 1000)      /* re-ask while pending */

struct arp_entry {
	uint32_t ip;          /* 0: slot empty */
	uint8_t mac[6];
	uint8_t resolved;
	uint8_t refresh;      /* re-ask due, deferred to arp_timers */
	uint64_t expires;     /* absolute us */
	uint64_t last_request;
	uint64_t last_used;   /* for LRU replacement when the cache is full */
};

struct arp_state {
	struct arp_entry cache[ARP_CACHE_SIZE];
	uint32_t rx_bad;      /* malformed (short, not IPv4-over-Ethernet, bad
			       * sender address) */
	uint32_t rx_not_us;   /* well-formed but neither for us nor cached */
	uint32_t requests_sent, replies_sent;
};

struct net_stack;
void arp_input(struct net_stack *ns, const uint8_t *pkt, size_t len);
/* Look up ip; if unknown, send (or re-send, rate-limited) a request and
 * return LL_EAGAIN. 0 and mac filled when known. */
int arp_lookup(struct net_stack *ns, uint32_t ip, uint8_t mac[6]);
/* Block (polling) until ip resolves or deadline; LL_EHOSTUNREACH then. */
int arp_resolve(struct net_stack *ns, uint32_t ip, uint8_t mac[6], uint64_t deadline);
/* Expire old entries and send deferred refreshes (called from net_poll). */
void arp_timers(struct net_stack *ns);
/* Gratuitous ARP: a broadcast request for our own address, so neighbours
 * update their caches. LL_EINVAL when no address is configured. */
int arp_announce(struct net_stack *ns);

#endif
