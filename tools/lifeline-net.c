/* tools/lifeline-net.c - the real lifeline stack (net/) on a Linux TAP, in
 * user space: DHCP, TCP send/receive of the test pattern, or just answering
 * ARP and ping, with optional fault injection. Used by tests/hosted. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/err.h"
#include "lib/hostenv.h"
#include "lib/md5.h"
#include "lib/mem.h"
#include "lib/print.h"
#include "net/dhcp.h"
#include "net/fault.h"
#include "net/net.h"
#include "net/tap.h"
#include "tests/hosted/pattern.h"

#define CONNECT_SECS   10
#define TRANSFER_SECS  300
#define CLOSE_SECS     30
#define DHCP_SECS      30
#define CHUNK          (64 * 1024)
#define US             1000000ull

struct opts {
	const char *tap;
	uint8_t mac[ETH_ALEN];
	int have_mac, dhcp, have_ip;
	uint32_t ip, mask, gw;
	struct fault_cfg fault;
	int faulty;
	uint32_t rx_ring, tx_ring;
	unsigned timeout_secs;
};

/* Everything the tool holds, in one place. */
struct app {
	struct opts o;
	struct tap_dev tap;
	struct netdev tap_nd;
	struct fault_dev fault;
	struct netdev fault_nd;
	struct netdev *dev;
	struct net_stack ns;
	struct tcp_conn conn;
	int conn_used;
	uint8_t chunk[CHUNK];
};

static struct app app;

static int fail(int err, const char *what)
{
	printf("error: E%d %s (%s)\n", -err, ll_strerror(err), what);
	return err;
}

static uint64_t deadline_in(unsigned secs)
{
	return net_now(&app.ns) + (uint64_t)secs * US;
}

static double secs_since(uint64_t t0)
{
	return (double)(net_now(&app.ns) - t0) / 1e6;
}

static void print_result(uint64_t bytes, struct md5_ctx *m, double secs)
{
	uint8_t d[16];

	md5_final(m, d);
	printf("result: bytes=%llu md5=", (unsigned long long)bytes);
	for (int i = 0; i < 16; i++)
		printf("%02x", d[i]);
	if (secs <= 0)
		secs = 1e-6;
	printf(" secs=%.3f mibps=%.2f\n", secs, (double)bytes / 1048576.0 / secs);
	fflush(stdout);
}

/* ---- option parsing ---- */

static int parse_ip(const char *s, uint32_t *ip)
{
	return ll_parse_ipv4(s, strlen(s), ip);
}

/* "A.B.C.D/N" into address and netmask. */
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

static int parse_ring(const char *s, uint32_t *size)
{
	uint64_t v;

	if (ll_strtou64(s, NULL, 0, &v) < 0 || v < 4096 || v > (1u << 30) ||
	    (v & (v - 1)))
		return LL_EINVAL;
	*size = (uint32_t)v;
	return 0;
}

/* Set one fault rate in both directions. */
static int set_fault(struct opts *o, int which, const char *arg)
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

static void usage(void)
{
	fprintf(stderr,
		"usage: lifeline-net --tap IFNAME [--mac M] [--ip A/PREFIX [--gw G]]\n"
		"         [--dhcp] [--loss P --dup P --reorder P --corrupt P --seed N]\n"
		"         [--rx-ring BYTES --tx-ring BYTES] [--timeout SECS] CMD ...\n"
		"  CMD: dhcp | send HOST PORT BYTES SEED | recv HOST PORT | serve SECONDS\n");
}

enum { OPT_TAP = 256, OPT_MAC, OPT_IP, OPT_GW, OPT_DHCP, OPT_LOSS, OPT_DUP,
       OPT_REORDER, OPT_CORRUPT, OPT_SEED, OPT_RXRING, OPT_TXRING, OPT_TIMEOUT };

static const struct option long_opts[] = {
	{"tap", 1, 0, OPT_TAP}, {"mac", 1, 0, OPT_MAC}, {"ip", 1, 0, OPT_IP},
	{"gw", 1, 0, OPT_GW}, {"dhcp", 0, 0, OPT_DHCP}, {"loss", 1, 0, OPT_LOSS},
	{"dup", 1, 0, OPT_DUP}, {"reorder", 1, 0, OPT_REORDER},
	{"corrupt", 1, 0, OPT_CORRUPT}, {"seed", 1, 0, OPT_SEED},
	{"rx-ring", 1, 0, OPT_RXRING}, {"tx-ring", 1, 0, OPT_TXRING},
	{"timeout", 1, 0, OPT_TIMEOUT}, {0, 0, 0, 0},
};

static int parse_one(struct opts *o, int c, const char *arg)
{
	uint64_t v;

	switch (c) {
	case OPT_TAP: o->tap = arg; return 0;
	case OPT_MAC: o->have_mac = 1; return tap_parse_mac(arg, o->mac);
	case OPT_IP: o->have_ip = 1; return parse_cidr(arg, &o->ip, &o->mask);
	case OPT_GW: return parse_ip(arg, &o->gw);
	case OPT_DHCP: o->dhcp = 1; return 0;
	case OPT_LOSS: return set_fault(o, 0, arg);
	case OPT_DUP: return set_fault(o, 1, arg);
	case OPT_REORDER: return set_fault(o, 2, arg);
	case OPT_CORRUPT: return set_fault(o, 3, arg);
	case OPT_SEED: return ll_strtou64(arg, NULL, 0, &o->fault.seed);
	case OPT_RXRING: return parse_ring(arg, &o->rx_ring);
	case OPT_TXRING: return parse_ring(arg, &o->tx_ring);
	case OPT_TIMEOUT:
		if (ll_strtou64(arg, NULL, 10, &v) < 0 || v == 0 || v > 3600)
			return LL_EINVAL;
		o->timeout_secs = (unsigned)v;
		return 0;
	}
	return LL_EINVAL;
}

static int parse_opts(struct opts *o, int argc, char **argv)
{
	int c;

	o->rx_ring = 1u << 20;
	o->tx_ring = 1u << 20;
	o->timeout_secs = TRANSFER_SECS;
	o->fault.seed = 1;
	while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		if (c == '?' || parse_one(o, c, optarg) < 0) {
			if (c != '?')
				fprintf(stderr, "lifeline-net: bad value '%s'\n", optarg);
			return LL_EINVAL;
		}
	}
	if (!o->tap || optind >= argc)
		return LL_EINVAL;
	return 0;
}

/* ---- device and stack ---- */

static int bring_up(void)
{
	struct opts *o = &app.o;
	int rc;

	rc = tap_netdev_create(&app.tap_nd, &app.tap, o->tap, o->have_mac ? o->mac : NULL);
	if (rc < 0)
		return fail(rc, "tap");
	app.dev = &app.tap_nd;
	if (o->faulty) {
		rc = fault_netdev_create(&app.fault_nd, &app.fault, &app.tap_nd, &o->fault);
		if (rc < 0)
			return fail(rc, "fault wrapper");
		app.dev = &app.fault_nd;
	}
	rc = app.dev->ops->open(app.dev);
	if (rc < 0)
		return fail(rc, "open tap (does it exist? are we root?)");
	struct ll_clock clk = ll_host_clock();
	net_init(&app.ns, app.dev, &clk);
	if (o->have_ip) {
		app.ns.ip.addr = o->ip;
		app.ns.ip.netmask = o->mask;
		app.ns.ip.gateway = o->gw;
	}
	printf("up: dev=%s mac=" LL_MAC_FMT "\n", o->tap, LL_MAC_ARGS(app.dev->mac));
	return 0;
}

static void print_ip(const char *key, uint32_t ip)
{
	printf(" %s=" LL_IPV4_FMT, key, LL_IPV4_ARGS(ip));
}

static int do_dhcp(void)
{
	static struct dhcp_lease lease;
	int rc = dhcp_run(&app.ns, &lease, deadline_in(DHCP_SECS));

	if (rc < 0)
		return fail(rc, "dhcp");
	printf("lease:");
	print_ip("ip", lease.yiaddr);
	print_ip("mask", lease.netmask);
	print_ip("gw", lease.router);
	print_ip("server", lease.server_id);
	printf(" root-path=%s initiator=%s settings=%s\n", lease.root_path,
	       lease.initiator_iqn, lease.settings);
	fflush(stdout);
	return 0;
}

/* ---- TCP ---- */

static int open_conn(uint32_t ip, uint16_t port)
{
	struct opts *o = &app.o;
	uint8_t *tx = malloc(o->tx_ring), *rx = malloc(o->rx_ring);
	int rc;

	if (!tx || !rx)
		return fail(LL_ENOMEM, "rings");
	rc = tcp_conn_init(&app.conn, tx, o->tx_ring, rx, o->rx_ring);
	if (rc < 0)
		return fail(rc, "tcp_conn_init");
	rc = tcp_connect(&app.ns, &app.conn, ip, port, deadline_in(CONNECT_SECS));
	if (rc < 0)
		return fail(rc, "connect");
	app.conn_used = 1;
	return 0;
}

static int parse_host_port(char **argv, uint32_t *ip, uint16_t *port)
{
	uint64_t p;

	if (parse_ip(argv[0], ip) < 0 || ll_strtou64(argv[1], NULL, 10, &p) < 0 ||
	    p == 0 || p > 65535)
		return LL_EINVAL;
	*port = (uint16_t)p;
	return 0;
}

static int do_send(char **argv)
{
	struct pattern pat;
	struct md5_ctx m;
	uint64_t total, seed, sent = 0, t0, deadline;
	uint32_t ip;
	uint16_t port;
	int rc;

	if (parse_host_port(argv, &ip, &port) < 0 ||
	    ll_strtou64(argv[2], NULL, 0, &total) < 0 ||
	    ll_strtou64(argv[3], NULL, 0, &seed) < 0)
		return fail(LL_EINVAL, "send HOST PORT BYTES SEED");
	if ((rc = open_conn(ip, port)) < 0)
		return rc;
	pattern_init(&pat, seed);
	md5_init(&m);
	t0 = net_now(&app.ns);
	deadline = deadline_in(app.o.timeout_secs);
	while (sent < total) {
		size_t n = total - sent < CHUNK ? (size_t)(total - sent) : CHUNK;
		pattern_fill(&pat, app.chunk, n);
		md5_update(&m, app.chunk, n);
		rc = tcp_write_all(&app.conn, app.chunk, n, deadline);
		if (rc < 0)
			return fail(rc, "write");
		sent += n;
	}
	rc = tcp_close(&app.conn, deadline_in(CLOSE_SECS));
	if (rc < 0)
		return fail(rc, "close");
	print_result(sent, &m, secs_since(t0));
	return 0;
}

/* Take what is readable; 1 at the peer's FIN, 0 to go on, or an error. */
static int recv_some(struct md5_ctx *m, uint64_t *got)
{
	const uint8_t *data;
	size_t n = tcp_rx_peek(&app.conn, &data);
	long r;

	if (n) {
		md5_update(m, data, n);
		tcp_rx_consume(&app.conn, n);
		*got += n;
		return 0;
	}
	r = tcp_read(&app.conn, app.chunk, sizeof(app.chunk));
	if (r == LL_ESHUTDOWN)
		return 1;
	if (r < 0)
		return (int)r;
	if (r > 0) {
		md5_update(m, app.chunk, (size_t)r);
		*got += (uint64_t)r;
		return 0;
	}
	r = net_poll_wait(&app.ns, 20000);
	return r < 0 ? (int)r : 0;
}

static int do_recv(char **argv)
{
	struct md5_ctx m;
	uint64_t got = 0, t0, deadline;
	uint32_t ip;
	uint16_t port;
	int rc;

	if (parse_host_port(argv, &ip, &port) < 0)
		return fail(LL_EINVAL, "recv HOST PORT");
	if ((rc = open_conn(ip, port)) < 0)
		return rc;
	md5_init(&m);
	t0 = net_now(&app.ns);
	deadline = deadline_in(app.o.timeout_secs);
	while ((rc = recv_some(&m, &got)) == 0)
		if (ll_expired(&app.ns.clock, deadline))
			return fail(LL_ETIMEDOUT, "recv");
	if (rc < 0)
		return fail(rc, "read");
	rc = tcp_close(&app.conn, deadline_in(CLOSE_SECS));
	if (rc < 0)
		return fail(rc, "close");
	print_result(got, &m, secs_since(t0));
	return 0;
}

static int do_serve(const char *arg)
{
	uint64_t secs, deadline;
	int rc;

	if (ll_strtou64(arg, NULL, 10, &secs) < 0 || secs > 3600)
		return fail(LL_EINVAL, "serve SECONDS");
	printf("serving for %llu s\n", (unsigned long long)secs);
	fflush(stdout);
	deadline = deadline_in((unsigned)secs);
	while (!ll_expired(&app.ns.clock, deadline))
		if ((rc = net_poll_wait(&app.ns, 50000)) < 0)
			return fail(rc, "poll");
	return 0;
}

/* ---- counters ---- */

static void print_counters(void)
{
	const struct net_stack *ns = &app.ns;
	const struct tcp_stats *t = &app.conn.st;

	printf("counters: rx_frames=%llu tx_frames=%llu eth_short=%u eth_not_us=%u "
	       "eth_type=%u tx_err=%u arp_bad=%u arp_req=%u arp_rep=%u "
	       "ip_short=%u ip_csum=%u ip_len=%u ip_frag=%u ip_not_us=%u "
	       "ip_proto=%u icmp_echo=%u udp_csum=%u udp_noport=%u "
	       "tcp_noconn=%u tcp_csum=%u tcp_short=%u tcp_rst=%u "
	       "tap_oversize=%u\n",
	       (unsigned long long)app.dev->rx_frames,
	       (unsigned long long)app.dev->tx_frames, ns->cnt.rx_short,
	       ns->cnt.rx_not_us, ns->cnt.rx_ethertype, ns->cnt.tx_errors,
	       ns->arp.rx_bad, ns->arp.requests_sent, ns->arp.replies_sent,
	       ns->ipv4.rx_short, ns->ipv4.rx_bad_csum, ns->ipv4.rx_bad_len,
	       ns->ipv4.rx_fragment, ns->ipv4.rx_not_us, ns->ipv4.rx_proto,
	       ns->ipv4.icmp_echo_replied, ns->udp.rx_bad_csum, ns->udp.rx_no_port,
	       ns->tcp.rx_no_conn, ns->tcp.rx_bad_csum, ns->tcp.rx_short,
	       ns->tcp.rsts_sent, app.tap.rx_oversize);
	if (app.conn_used)
		printf("tcp: segs_out=%u segs_in=%u retrans=%u fast_retrans=%u "
		       "timeouts=%u dup_acks=%u ooo=%u bad_csum=%u bad_seg=%u "
		       "probes=%u\n", t->segs_out, t->segs_in, t->retrans,
		       t->fast_retrans, t->timeouts, t->dup_acks, t->ooo_segs,
		       t->bad_csum, t->bad_seg, t->probes);
	if (app.o.faulty) {
		const struct fault_counts *r = &app.fault.rx_cnt, *x = &app.fault.tx_cnt;
		printf("faults: rx frames=%u drop=%u dup=%u reorder=%u corrupt=%u; "
		       "tx frames=%u drop=%u dup=%u reorder=%u corrupt=%u\n",
		       r->frames, r->dropped, r->duplicated, r->reordered, r->corrupted,
		       x->frames, x->dropped, x->duplicated, x->reordered, x->corrupted);
	}
	fflush(stdout);
}

/* ---- main ---- */

static int run_cmd(int argc, char **argv)
{
	const char *cmd = argv[0];

	if (strcmp(cmd, "dhcp") == 0 && argc == 1)
		return app.o.dhcp ? 0 : do_dhcp();
	if (strcmp(cmd, "send") == 0 && argc == 5)
		return do_send(argv + 1);
	if (strcmp(cmd, "recv") == 0 && argc == 3)
		return do_recv(argv + 1);
	if (strcmp(cmd, "serve") == 0 && argc == 2)
		return do_serve(argv[1]);
	usage();
	return fail(LL_EINVAL, "command");
}

int main(int argc, char **argv)
{
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ll_host_console_init();
	if (parse_opts(&app.o, argc, argv) < 0) {
		usage();
		return 2;
	}
	if ((rc = bring_up()) < 0)
		return 1;
	if (app.o.dhcp && (rc = do_dhcp()) < 0)
		goto out;
	if (!app.o.dhcp && !app.o.have_ip && strcmp(argv[optind], "dhcp") != 0) {
		rc = fail(LL_ESETTING, "no address: give --ip or --dhcp");
		goto out;
	}
	rc = run_cmd(argc - optind, argv + optind);
out:
	if (rc < 0 && app.conn_used && app.conn.state != TCP_CLOSED)
		tcp_abort(&app.conn);
	print_counters();
	app.dev->ops->close(app.dev);
	return rc < 0 ? 1 : 0;
}
