/* tools/lifeline-net.c - the real lifeline stack (net/) on a Linux TAP, in
 * user space: DHCP, TCP send/receive of the test pattern, or just answering
 * ARP and ping, with optional fault injection. Used by tests/hosted. */
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
#include "net/net.h"
#include "tools/common/pattern.h"
#include "tools/common/hostnet.h"

#define CONNECT_SECS   10
#define TRANSFER_SECS  300
#define CLOSE_SECS     30
#define DHCP_SECS      30
#define CHUNK          (64 * 1024)

struct opts {
	struct hostnet_opts net;
	uint32_t rx_ring, tx_ring;
	unsigned timeout_secs;
};

/* Everything the tool holds, in one place. */
struct app {
	struct opts o;
	struct hostnet hn;
	struct tcp_conn conn;
	int conn_used;
	uint8_t chunk[CHUNK];
};

static struct app app;

static int fail(int err, const char *what)
{
	return hostnet_fail(err, what);
}

static uint64_t deadline_in(unsigned secs)
{
	return hostnet_deadline(&app.hn, secs);
}

static void print_result(uint64_t bytes, struct md5_ctx *m, double secs)
{
	hostnet_print_md5("result:", bytes, m, secs);
}

/* ---- option parsing ---- */

static int parse_ring(const char *s, uint32_t *size)
{
	uint64_t v;

	if (ll_strtou64(s, NULL, 0, &v) < 0 || v < 4096 || v > (1u << 30) ||
	    (v & (v - 1)))
		return LL_EINVAL;
	*size = (uint32_t)v;
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

enum { OPT_RXRING = HOSTNET_OPT_END, OPT_TXRING, OPT_TIMEOUT };

static const struct option long_opts[] = {
	HOSTNET_LONG_OPTS,
	{"rx-ring", 1, 0, OPT_RXRING}, {"tx-ring", 1, 0, OPT_TXRING},
	{"timeout", 1, 0, OPT_TIMEOUT}, {0, 0, 0, 0},
};

static int parse_one(void *ctx, int c, const char *arg)
{
	struct opts *o = ctx;
	uint64_t v;

	switch (c) {
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
	o->rx_ring = 1u << 20;
	o->tx_ring = 1u << 20;
	o->timeout_secs = TRANSFER_SECS;
	return hostnet_parse_args(&o->net, argc, argv, "lifeline-net", long_opts,
				  parse_one, o);
}

/* ---- device and stack ---- */

static int bring_up(void)
{
	int rc = hostnet_up(&app.hn, &app.o.net);

	if (rc < 0)
		return rc;
	printf("up: dev=%s mac=" LL_MAC_FMT "\n", app.o.net.tap,
	       LL_MAC_ARGS(app.hn.dev->mac));
	return 0;
}

static void print_ip(const char *key, uint32_t ip)
{
	printf(" %s=" LL_IPV4_FMT, key, LL_IPV4_ARGS(ip));
}

static int do_dhcp(void)
{
	static struct dhcp_lease lease;
	int rc = dhcp_run(&app.hn.ns, &lease, deadline_in(DHCP_SECS));

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
	rc = tcp_connect(&app.hn.ns, &app.conn, ip, port, deadline_in(CONNECT_SECS));
	if (rc < 0)
		return fail(rc, "connect");
	app.conn_used = 1;
	return 0;
}

static int parse_ip(const char *s, uint32_t *ip)
{
	return ll_parse_ipv4(s, strlen(s), ip);
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
	t0 = net_now(&app.hn.ns);
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
	print_result(sent, &m, hostnet_secs_since(&app.hn, t0));
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
	r = net_poll_wait(&app.hn.ns, 20000);
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
	t0 = net_now(&app.hn.ns);
	deadline = deadline_in(app.o.timeout_secs);
	while ((rc = recv_some(&m, &got)) == 0)
		if (ll_expired(&app.hn.ns.clock, deadline))
			return fail(LL_ETIMEDOUT, "recv");
	if (rc < 0)
		return fail(rc, "read");
	rc = tcp_close(&app.conn, deadline_in(CLOSE_SECS));
	if (rc < 0)
		return fail(rc, "close");
	print_result(got, &m, hostnet_secs_since(&app.hn, t0));
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
	while (!ll_expired(&app.hn.ns.clock, deadline))
		if ((rc = net_poll_wait(&app.hn.ns, 50000)) < 0)
			return fail(rc, "poll");
	return 0;
}

/* ---- counters ---- */

static void print_counters(void)
{
	const struct tcp_stats *t = &app.conn.st;

	hostnet_print_counters(&app.hn);
	if (app.conn_used)
		printf("tcp: segs_out=%u segs_in=%u retrans=%u fast_retrans=%u "
		       "timeouts=%u dup_acks=%u ooo=%u bad_csum=%u bad_seg=%u "
		       "probes=%u\n", t->segs_out, t->segs_in, t->retrans,
		       t->fast_retrans, t->timeouts, t->dup_acks, t->ooo_segs,
		       t->bad_csum, t->bad_seg, t->probes);
	hostnet_print_faults(&app.hn, HOSTNET_FAULTS_FRAMES);
	fflush(stdout);
}

/* ---- main ---- */

static int run_cmd(int argc, char **argv)
{
	const char *cmd = argv[0];

	if (strcmp(cmd, "dhcp") == 0 && argc == 1)
		return app.o.net.dhcp ? 0 : do_dhcp();
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
	if (app.o.net.dhcp && (rc = do_dhcp()) < 0)
		goto out;
	if (!app.o.net.dhcp && !app.o.net.have_ip && strcmp(argv[optind], "dhcp") != 0) {
		rc = fail(LL_ESETTING, "no address: give --ip or --dhcp");
		goto out;
	}
	rc = run_cmd(argc - optind, argv + optind);
out:
	if (rc < 0 && app.conn_used && app.conn.state != TCP_CLOSED)
		tcp_abort(&app.conn);
	print_counters();
	hostnet_down(&app.hn);
	return rc < 0 ? 1 : 0;
}
