/* net/tcp.c - placeholder until the TCP engine lands: every entry point
 * reports LL_ENOTSUP so the rest of net/ links. */
#include "net/net.h"
#include "lib/err.h"

int tcp_conn_init(struct tcp_conn *c, void *t, uint32_t ts, void *r, uint32_t rs)
{ (void)c; (void)t; (void)ts; (void)r; (void)rs; return LL_ENOTSUP; }
int tcp_connect_start(struct net_stack *ns, struct tcp_conn *c, uint32_t ip, uint16_t port)
{ (void)ns; (void)c; (void)ip; (void)port; return LL_ENOTSUP; }
int tcp_connect(struct net_stack *ns, struct tcp_conn *c, uint32_t ip, uint16_t port, uint64_t d)
{ (void)ns; (void)c; (void)ip; (void)port; (void)d; return LL_ENOTSUP; }
long tcp_write(struct tcp_conn *c, const void *d, size_t l) { (void)c; (void)d; (void)l; return LL_ENOTSUP; }
int tcp_write_all(struct tcp_conn *c, const void *d, size_t l, uint64_t dl) { (void)c; (void)d; (void)l; (void)dl; return LL_ENOTSUP; }
long tcp_read(struct tcp_conn *c, void *b, size_t l) { (void)c; (void)b; (void)l; return LL_ENOTSUP; }
int tcp_read_all(struct tcp_conn *c, void *b, size_t l, uint64_t d) { (void)c; (void)b; (void)l; (void)d; return LL_ENOTSUP; }
size_t tcp_rx_peek(struct tcp_conn *c, const uint8_t **d) { (void)c; *d = 0; return 0; }
void tcp_rx_consume(struct tcp_conn *c, size_t n) { (void)c; (void)n; }
size_t tcp_rx_avail(const struct tcp_conn *c) { (void)c; return 0; }
size_t tcp_tx_free(const struct tcp_conn *c) { (void)c; return 0; }
size_t tcp_tx_pending(const struct tcp_conn *c) { (void)c; return 0; }
int tcp_close(struct tcp_conn *c, uint64_t d) { (void)c; (void)d; return LL_ENOTSUP; }
void tcp_abort(struct tcp_conn *c) { (void)c; }
void tcp_input(struct net_stack *ns, uint32_t s, uint32_t d, const uint8_t *g, size_t l)
{ (void)ns; (void)s; (void)d; (void)g; (void)l; }
void tcp_timers(struct net_stack *ns) { (void)ns; }
uint64_t tcp_next_timer(const struct net_stack *ns) { (void)ns; return 0; }
