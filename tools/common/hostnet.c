/* tools/common/hostnet.c - the TAP + fault wrapper + net stack setup, the
 * shared options and the report lines of the host tools (hostnet.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/err.h"
#include "lib/hostenv.h"
#include "lib/mem.h"
#include "lib/print.h"
#include "tools/common/hostnet.h"

/* ---- options ---- */

/* "A.B.C.D/N" into address and netmask (no /N: 24). */
static int parse_cidr(const char *s, uint32_t *ip, uint32_t *mask)
{
	const char *slash = strchr(s, '/');
	uint64_t prefix = 24;

	if (ll_parse_ipv4(s, slash ? (size_t)(slash - s) : strlen(s), ip) < 0)
		return LL_EINVAL;
	if (slash && (ll_strtou64(slash + 1, NULL, 10, &prefix) < 0 || prefix > 32))
		return LL_EINVAL;
	*mask = prefix ? ~0u << (32 - prefix) : 0;
	return 0;
}

/* A percentage with at most one decimal ("3", "0.5") to per mille. */
static int parse_percent(const char *s, uint16_t *permille)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v < 0 || v > 100)
		return LL_EINVAL;
	*permille = (uint16_t)(v * 10 + 0.5);
	return 0;
}

/* Set one fault rate (0 drop, 1 dup, 2 reorder, 3 corrupt) both ways. */
static int set_fault(struct hostnet_opts *o, int which, const char *arg)
{
	uint16_t pm;

	if (parse_percent(arg, &pm) < 0)
		return LL_EINVAL;
	uint16_t *rx[] = { &o->fault.rx.drop, &o->fault.rx.dup,
			   &o->fault.rx.reorder, &o->fault.rx.corrupt };
	uint16_t *tx[] = { &o->fault.tx.drop, &o->fault.tx.dup,
			   &o->fault.tx.reorder, &o->fault.tx.corrupt };
	*rx[which] = pm;
	*tx[which] = pm;
	o->faulty = 1;
	return 0;
}

static int parse_shared(struct hostnet_opts *o, int c, const char *arg)
{
	switch (c) {
	case HOSTNET_OPT_TAP: o->tap = arg; return 0;
	case HOSTNET_OPT_MAC: o->have_mac = 1; return tap_parse_mac(arg, o->mac);
	case HOSTNET_OPT_IP: o->have_ip = 1; return parse_cidr(arg, &o->ip, &o->mask);
	case HOSTNET_OPT_GW: return ll_parse_ipv4(arg, strlen(arg), &o->gw);
	case HOSTNET_OPT_DHCP: o->dhcp = 1; return 0;
	case HOSTNET_OPT_LOSS: return set_fault(o, 0, arg);
	case HOSTNET_OPT_DUP: return set_fault(o, 1, arg);
	case HOSTNET_OPT_REORDER: return set_fault(o, 2, arg);
	case HOSTNET_OPT_CORRUPT: return set_fault(o, 3, arg);
	case HOSTNET_OPT_SEED: return ll_strtou64(arg, NULL, 0, &o->fault.seed);
	}
	return LL_EINVAL;
}

int hostnet_parse_args(struct hostnet_opts *o, int argc, char **argv,
		       const char *prog, const struct option *long_opts,
		       hostnet_tool_opt_fn tool_opt, void *ctx)
{
	int c, rc;

	o->fault.seed = 1;
	while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		if (c == '?')
			return LL_EINVAL;
		rc = c < HOSTNET_OPT_END ? parse_shared(o, c, optarg)
					 : tool_opt(ctx, c, optarg);
		if (rc < 0) {
			fprintf(stderr, "%s: bad value '%s'\n", prog, optarg);
			return LL_EINVAL;
		}
	}
	if (!o->tap || optind >= argc)
		return LL_EINVAL;
	return 0;
}

int hostnet_parse_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *v)
{
	if (ll_strtou64(s, NULL, 0, v) < 0 || *v < lo || *v > hi)
		return LL_EINVAL;
	return 0;
}

/* ---- device and stack ---- */

int hostnet_up(struct hostnet *h, const struct hostnet_opts *o)
{
	struct ll_clock clk = ll_host_clock();
	int rc;

	rc = tap_netdev_create(&h->tap_nd, &h->tap, o->tap, o->have_mac ? o->mac : NULL);
	if (rc < 0)
		return hostnet_fail(rc, "tap");
	h->dev = &h->tap_nd;
	if (o->faulty) {
		rc = fault_netdev_create(&h->fault_nd, &h->fault, &h->tap_nd, &o->fault);
		if (rc < 0)
			return hostnet_fail(rc, "fault wrapper");
		h->dev = &h->fault_nd;
		h->faulty = 1;
	}
	rc = h->dev->ops->open(h->dev);
	if (rc < 0)
		return hostnet_fail(rc, "open tap (does it exist? are we root?)");
	net_init(&h->ns, h->dev, &clk);
	if (o->have_ip) {
		h->ns.ip.addr = o->ip;
		h->ns.ip.netmask = o->mask;
		h->ns.ip.gateway = o->gw;
	}
	return 0;
}

void hostnet_down(struct hostnet *h)
{
	h->dev->ops->close(h->dev);
}

uint64_t hostnet_deadline(const struct hostnet *h, unsigned secs)
{
	return net_now(&h->ns) + (uint64_t)secs * HOSTNET_US;
}

double hostnet_secs_since(const struct hostnet *h, uint64_t t0)
{
	double s = (double)(net_now(&h->ns) - t0) / 1e6;

	return s > 0 ? s : 1e-6;
}

/* ---- report lines ---- */

int hostnet_fail(int err, const char *what)
{
	printf("error: E%d %s (%s)\n", -err, ll_strerror(err), what);
	fflush(stdout);
	return err;
}

void hostnet_print_md5(const char *label, uint64_t bytes, struct md5_ctx *m,
		       double secs)
{
	uint8_t d[16];

	md5_final(m, d);
	printf("%s bytes=%llu md5=", label, (unsigned long long)bytes);
	for (int i = 0; i < 16; i++)
		printf("%02x", d[i]);
	if (secs <= 0)
		secs = 1e-6;
	printf(" secs=%.3f mibps=%.2f\n", secs, (double)bytes / 1048576.0 / secs);
	fflush(stdout);
}

void hostnet_print_counters(const struct hostnet *h)
{
	const struct net_stack *ns = &h->ns;

	printf("counters: rx_frames=%llu tx_frames=%llu eth_short=%u eth_not_us=%u "
	       "eth_type=%u tx_err=%u arp_bad=%u arp_req=%u arp_rep=%u "
	       "ip_short=%u ip_csum=%u ip_len=%u ip_frag=%u ip_not_us=%u "
	       "ip_proto=%u icmp_echo=%u udp_csum=%u udp_noport=%u "
	       "tcp_noconn=%u tcp_csum=%u tcp_short=%u tcp_rst=%u "
	       "tap_oversize=%u\n",
	       (unsigned long long)h->dev->rx_frames,
	       (unsigned long long)h->dev->tx_frames, ns->cnt.rx_short,
	       ns->cnt.rx_not_us, ns->cnt.rx_ethertype, ns->cnt.tx_errors,
	       ns->arp.rx_bad, ns->arp.requests_sent, ns->arp.replies_sent,
	       ns->ipv4.rx_short, ns->ipv4.rx_bad_csum, ns->ipv4.rx_bad_len,
	       ns->ipv4.rx_fragment, ns->ipv4.rx_not_us, ns->ipv4.rx_proto,
	       ns->ipv4.icmp_echo_replied, ns->udp.rx_bad_csum, ns->udp.rx_no_port,
	       ns->tcp.rx_no_conn, ns->tcp.rx_bad_csum, ns->tcp.rx_short,
	       ns->tcp.rsts_sent, h->tap.rx_oversize);
}

void hostnet_print_faults(const struct hostnet *h, enum hostnet_faults_style style)
{
	const struct fault_counts *r = &h->fault.rx_cnt, *x = &h->fault.tx_cnt;

	if (!h->faulty)
		return;
	if (style == HOSTNET_FAULTS_FRAMES)
		printf("faults: rx frames=%u drop=%u dup=%u reorder=%u corrupt=%u; "
		       "tx frames=%u drop=%u dup=%u reorder=%u corrupt=%u\n",
		       r->frames, r->dropped, r->duplicated, r->reordered, r->corrupted,
		       x->frames, x->dropped, x->duplicated, x->reordered, x->corrupted);
	else
		printf("faults: rx drop=%u dup=%u reorder=%u corrupt=%u; "
		       "tx drop=%u dup=%u reorder=%u corrupt=%u\n",
		       r->dropped, r->duplicated, r->reordered, r->corrupted,
		       x->dropped, x->duplicated, x->reordered, x->corrupted);
}
