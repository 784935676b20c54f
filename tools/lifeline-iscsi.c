/* tools/lifeline-iscsi.c - the lifeline iSCSI initiator (net/ + iscsi/) on
 * a Linux TAP in user space: log in to a LUN and inspect, read, write,
 * fill, verify or benchmark it. Used by tests/hosted and tests/bench. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "iscsi/blockdev.h"
#include "iscsi/rootpath.h"
#include "iscsi/session.h"
#include "lib/alloc.h"
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

#define US             1000000ull
#define DHCP_SECS      30
#define LOGIN_SECS     30
#define CLOSE_SECS     10
#define ARENA_BYTES    (96u << 20)
#define MAX_DEPTH      ISCSI_MAX_TASKS
#define DEFAULT_REQ    (128u * 1024)
#define PROGRESS_BYTES (8ull << 20)
#define DEFAULT_INITIATOR "iqn.2026-01.org.lifeline:initiator"

struct opts {
	const char *tap;
	uint8_t mac[ETH_ALEN];
	int have_mac, dhcp, have_ip;
	uint32_t ip, mask, gw;
	struct fault_cfg fault;
	int faulty;
	const char *root_path, *initiator;
	const char *user, *pass, *ruser, *rpass;
	enum iscsi_digest_pref digest;
	unsigned depth;
	unsigned timeout_secs;
	uint32_t io_timeout_us;
};

/* One queued request of a transfer and its buffer. */
struct slot {
	struct blk_req req;
	uint8_t *buf;
	uint32_t blocks;
	int done;
};

/* A sequential transfer kept depth requests deep; produce fills a write
 * buffer before it is sent, consume takes a read buffer in LBA order. */
struct xfer {
	enum blk_op op;
	uint64_t lba, blocks, next_lba;
	uint32_t req_blocks;
	unsigned depth;
	int (*produce)(struct xfer *x, uint8_t *buf, size_t len);
	int (*consume)(struct xfer *x, uint64_t lba, const uint8_t *buf, size_t len);
	struct pattern pat, vpat;
	struct md5_ctx md5;
	FILE *file;
	uint64_t mismatch_lba;
	int mismatch;
	int progress;              /* print a line every PROGRESS_BYTES */
	uint64_t done_bytes;
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
	struct dhcp_lease lease;
	struct iscsi_rootpath rp;
	struct ll_arena arena;
	struct iscsi_session *sess;
	struct blockdev bd;
	struct slot slots[MAX_DEPTH];
	uint8_t *scratch;          /* one request's worth, for verify */
};

static struct app app;

static int fail(int err, const char *what)
{
	printf("error: E%d %s (%s)\n", -err, ll_strerror(err), what);
	fflush(stdout);
	return err;
}

static uint64_t deadline_in(unsigned secs)
{
	return net_now(&app.ns) + (uint64_t)secs * US;
}

static double secs_since(uint64_t t0)
{
	double s = (double)(net_now(&app.ns) - t0) / 1e6;
	return s > 0 ? s : 1e-6;
}

static void print_md5(const char *label, uint64_t bytes, struct md5_ctx *m, double secs)
{
	uint8_t d[16];

	md5_final(m, d);
	printf("%s bytes=%llu md5=", label, (unsigned long long)bytes);
	for (int i = 0; i < 16; i++)
		printf("%02x", d[i]);
	printf(" secs=%.3f mibps=%.2f\n", secs, (double)bytes / 1048576.0 / secs);
}

/* ---- option parsing ---- */

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

static int parse_digest(const char *s, enum iscsi_digest_pref *d)
{
	if (strcmp(s, "none") == 0)
		*d = ISCSI_DIGEST_NONE;
	else if (strcmp(s, "prefer") == 0)
		*d = ISCSI_DIGEST_PREFER;
	else if (strcmp(s, "require") == 0)
		*d = ISCSI_DIGEST_REQUIRE;
	else
		return LL_EINVAL;
	return 0;
}

static int parse_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *v)
{
	if (ll_strtou64(s, NULL, 0, v) < 0 || *v < lo || *v > hi)
		return LL_EINVAL;
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: lifeline-iscsi --tap IFNAME [--mac M] (--ip A/PREFIX [--gw G] | --dhcp)\n"
		"         [--root-path iscsi:SERVER::PORT:LUN:TARGET] [--initiator IQN]\n"
		"         [--username U --password P [--reverse-username U --reverse-password P]]\n"
		"         [--digest none|prefer|require] [--depth N] [--timeout SECS]\n"
		"         [--io-timeout SECS] [--loss P --dup P --reorder P --corrupt P --seed N] CMD\n"
		"  CMD: show | read LBA COUNT FILE | write LBA FILE | fill SEED |\n"
		"       verify SEED | md5 | soak SECS | bench read|write SIZE_MIB REQ_KIB DEPTH\n");
}

enum { OPT_TAP = 256, OPT_MAC, OPT_IP, OPT_GW, OPT_DHCP, OPT_LOSS, OPT_DUP,
       OPT_REORDER, OPT_CORRUPT, OPT_SEED, OPT_ROOT, OPT_INIT, OPT_USER,
       OPT_PASS, OPT_RUSER, OPT_RPASS, OPT_DIGEST, OPT_DEPTH, OPT_TIMEOUT,
       OPT_IOTMO };

static const struct option long_opts[] = {
	{"tap", 1, 0, OPT_TAP}, {"mac", 1, 0, OPT_MAC}, {"ip", 1, 0, OPT_IP},
	{"gw", 1, 0, OPT_GW}, {"dhcp", 0, 0, OPT_DHCP}, {"loss", 1, 0, OPT_LOSS},
	{"dup", 1, 0, OPT_DUP}, {"reorder", 1, 0, OPT_REORDER},
	{"corrupt", 1, 0, OPT_CORRUPT}, {"seed", 1, 0, OPT_SEED},
	{"root-path", 1, 0, OPT_ROOT}, {"initiator", 1, 0, OPT_INIT},
	{"username", 1, 0, OPT_USER}, {"password", 1, 0, OPT_PASS},
	{"reverse-username", 1, 0, OPT_RUSER},
	{"reverse-password", 1, 0, OPT_RPASS}, {"digest", 1, 0, OPT_DIGEST},
	{"depth", 1, 0, OPT_DEPTH}, {"timeout", 1, 0, OPT_TIMEOUT},
	{"io-timeout", 1, 0, OPT_IOTMO}, {0, 0, 0, 0},
};

static int parse_one(struct opts *o, int c, const char *arg)
{
	uint64_t v;

	switch (c) {
	case OPT_TAP: o->tap = arg; return 0;
	case OPT_MAC: o->have_mac = 1; return tap_parse_mac(arg, o->mac);
	case OPT_IP: o->have_ip = 1; return parse_cidr(arg, &o->ip, &o->mask);
	case OPT_GW: return ll_parse_ipv4(arg, strlen(arg), &o->gw);
	case OPT_DHCP: o->dhcp = 1; return 0;
	case OPT_LOSS: return set_fault(o, 0, arg);
	case OPT_DUP: return set_fault(o, 1, arg);
	case OPT_REORDER: return set_fault(o, 2, arg);
	case OPT_CORRUPT: return set_fault(o, 3, arg);
	case OPT_SEED: return ll_strtou64(arg, NULL, 0, &o->fault.seed);
	case OPT_ROOT: o->root_path = arg; return 0;
	case OPT_INIT: o->initiator = arg; return 0;
	case OPT_USER: o->user = arg; return 0;
	case OPT_PASS: o->pass = arg; return 0;
	case OPT_RUSER: o->ruser = arg; return 0;
	case OPT_RPASS: o->rpass = arg; return 0;
	case OPT_DIGEST: return parse_digest(arg, &o->digest);
	case OPT_DEPTH:
		if (parse_uint(arg, 1, MAX_DEPTH, &v) < 0)
			return LL_EINVAL;
		o->depth = (unsigned)v;
		return 0;
	case OPT_TIMEOUT:
		if (parse_uint(arg, 1, 3600, &v) < 0)
			return LL_EINVAL;
		o->timeout_secs = (unsigned)v;
		return 0;
	case OPT_IOTMO:
		if (parse_uint(arg, 1, 600, &v) < 0)
			return LL_EINVAL;
		o->io_timeout_us = (uint32_t)(v * US);
		return 0;
	}
	return LL_EINVAL;
}

static int parse_opts(struct opts *o, int argc, char **argv)
{
	int c;

	o->depth = 16;
	o->timeout_secs = 600;
	o->fault.seed = 1;
	while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		if (c == '?' || parse_one(o, c, optarg) < 0) {
			if (c != '?')
				fprintf(stderr, "lifeline-iscsi: bad value '%s'\n", optarg);
			return LL_EINVAL;
		}
	}
	if (!o->tap || optind >= argc)
		return LL_EINVAL;
	return 0;
}

/* ---- network, settings, login ---- */

static int bring_up(void)
{
	struct opts *o = &app.o;
	struct ll_clock clk = ll_host_clock();
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
	net_init(&app.ns, app.dev, &clk);
	if (o->have_ip) {
		app.ns.ip.addr = o->ip;
		app.ns.ip.netmask = o->mask;
		app.ns.ip.gateway = o->gw;
	}
	return 0;
}

static int get_address(void)
{
	int rc;

	if (!app.o.dhcp) {
		if (!app.o.have_ip)
			return fail(LL_ESETTING, "no address: give --ip or --dhcp");
		return 0;
	}
	rc = dhcp_run(&app.ns, &app.lease, deadline_in(DHCP_SECS));
	if (rc < 0)
		return fail(rc, "dhcp");
	printf("lease: ip=" LL_IPV4_FMT " root-path=%s initiator=%s\n",
	       LL_IPV4_ARGS(app.lease.yiaddr), app.lease.root_path,
	       app.lease.initiator_iqn);
	return 0;
}

/* The root path and initiator name: options first, then DHCP 17 / 203. */
static int resolve_target(const char **initiator)
{
	const char *rp = app.o.root_path;
	int rc;

	if (!rp && app.o.dhcp && app.lease.root_path[0])
		rp = app.lease.root_path;
	if (!rp)
		return fail(LL_ESETTING, "no root path: give --root-path or DHCP option 17");
	rc = iscsi_rootpath_parse(rp, &app.rp);
	if (rc < 0)
		return fail(rc, rp);
	*initiator = app.o.initiator;
	if (!*initiator && app.o.dhcp && app.lease.initiator_iqn[0])
		*initiator = app.lease.initiator_iqn;
	if (!*initiator)
		*initiator = DEFAULT_INITIATOR;
	return 0;
}

static void print_params(void)
{
	const struct iscsi_params *p = iscsi_session_params(app.sess);

	printf("session: target=%s portal=" LL_IPV4_FMT ":%u header_digest=%s "
	       "data_digest=%s max_send_dsl=%u max_recv_dsl=%u max_burst=%u "
	       "first_burst=%u initial_r2t=%u immediate_data=%u\n",
	       app.rp.rp_target, LL_IPV4_ARGS(app.rp.rp_server), app.rp.rp_port,
	       p->header_digest ? "CRC32C" : "None",
	       p->data_digest ? "CRC32C" : "None", p->max_send_dsl,
	       p->max_recv_dsl, p->max_burst, p->first_burst, p->initial_r2t,
	       p->immediate_data);
}

static int login(void)
{
	struct iscsi_session_cfg cfg;
	const char *initiator = NULL;
	void *mem;
	int rc;

	if ((rc = resolve_target(&initiator)) < 0)
		return rc;
	mem = malloc(ARENA_BYTES);
	if (!mem || ll_arena_init(&app.arena, mem, ARENA_BYTES) < 0)
		return fail(LL_ENOMEM, "arena");
	memset(&cfg, 0, sizeof(cfg));
	cfg.target_ip = app.rp.rp_server;
	cfg.target_port = app.rp.rp_port;
	cfg.target_name = app.rp.rp_target;
	cfg.initiator_name = initiator;
	cfg.username = app.o.user;
	cfg.password = app.o.pass;
	cfg.reverse_username = app.o.ruser;
	cfg.reverse_password = app.o.rpass;
	memcpy(cfg.lun, app.rp.rp_lun, sizeof(cfg.lun));
	cfg.digest = app.o.digest;
	cfg.io_timeout_us = app.o.io_timeout_us;
	rc = iscsi_session_open(&app.sess, &app.ns, &cfg, &app.arena,
				deadline_in(LOGIN_SECS));
	if (rc < 0)
		return fail(rc, "login");
	print_params();
	rc = blk_open(&app.bd, app.sess, deadline_in(LOGIN_SECS));
	if (rc < 0)
		return fail(rc, "open LUN");
	return 0;
}

/* ---- the pipelined transfer ---- */

static void slot_done(void *ctx, struct blk_req *r)
{
	(void)r;
	((struct slot *)ctx)->done = 1;
}

/* Report a failed request, with its sense when the target sent one. */
static int req_error(struct slot *s)
{
	char sense[128], what[192];

	if (s->req.result == LL_ESCSI &&
	    blk_describe_error(&s->req.task, sense, sizeof(sense)) >= 0)
		snprintf(what, sizeof(what), "%s LBA %llu: %s",
			 s->req.op == BLK_READ ? "read" : "write",
			 (unsigned long long)s->req.lba, sense);
	else
		snprintf(what, sizeof(what), "%s LBA %llu",
			 s->req.op == BLK_READ ? "read" : "write",
			 (unsigned long long)s->req.lba);
	return fail(s->req.result, what);
}

/* Give slot s the next piece of the transfer and queue it. */
static int slot_submit(struct xfer *x, struct slot *s)
{
	uint64_t left = x->lba + x->blocks - x->next_lba;
	int rc;

	s->blocks = left < x->req_blocks ? (uint32_t)left : x->req_blocks;
	memset(&s->req, 0, sizeof(s->req));
	s->req.op = x->op;
	s->req.lba = x->next_lba;
	s->req.count = s->blocks;
	s->req.buf = s->buf;
	s->req.done = slot_done;
	s->req.ctx = s;
	s->done = 0;
	if (x->op == BLK_WRITE && x->produce &&
	    (rc = x->produce(x, s->buf, (size_t)s->blocks * app.bd.block_size)) < 0)
		return rc;
	rc = blk_submit(&app.bd, &s->req);
	if (rc < 0)
		return fail(rc, "submit");
	x->next_lba += s->blocks;
	return 0;
}

/* Poll until slot s completed (its result may be an error). */
static int slot_wait(struct slot *s, uint64_t deadline)
{
	int rc;

	while (!s->done) {
		if (ll_expired(&app.ns.clock, deadline))
			return fail(LL_ETIMEDOUT, "waiting for a request");
		rc = iscsi_wait(app.sess, &s->req.task, net_now(&app.ns) + 200000);
		if (rc < 0 && rc != LL_ETIMEDOUT && !s->done &&
		    s->req.task.state != ISCSI_TASK_DONE)
			return fail(rc, "session");
	}
	return 0;
}

static int alloc_slots(unsigned depth, uint32_t req_blocks)
{
	size_t len = (size_t)req_blocks * app.bd.block_size;

	for (unsigned i = 0; i < depth; i++) {
		if (app.slots[i].buf)
			continue;
		app.slots[i].buf = ll_alloc_aligned(&app.arena, len, 4096);
		if (!app.slots[i].buf)
			return fail(LL_ENOMEM, "request buffers (lower --depth)");
	}
	if (!app.scratch && !(app.scratch = ll_alloc_aligned(&app.arena, len, 4096)))
		return fail(LL_ENOMEM, "scratch buffer");
	return 0;
}

static void note_progress(struct xfer *x, uint64_t bytes)
{
	uint64_t before = x->done_bytes / PROGRESS_BYTES;

	x->done_bytes += bytes;
	if (x->progress && x->done_bytes / PROGRESS_BYTES != before)
		printf("progress: mib=%llu of=%llu\n",
		       (unsigned long long)(x->done_bytes >> 20),
		       (unsigned long long)((x->blocks * app.bd.block_size) >> 20));
}

/* Run x to its end: requests complete in any order, are taken in LBA
 * order (head of the ring), and each taken slot is refilled at once. */
static int xfer_run(struct xfer *x, uint64_t deadline)
{
	unsigned head = 0, queued = 0, depth = x->depth;
	int rc;

	if ((rc = alloc_slots(depth, x->req_blocks)) < 0)
		return rc;
	x->next_lba = x->lba;
	while (queued < depth && x->next_lba < x->lba + x->blocks)
		if ((rc = slot_submit(x, &app.slots[queued++])) < 0)
			return rc;
	while (queued) {
		struct slot *s = &app.slots[head];
		if ((rc = slot_wait(s, deadline)) < 0)
			return rc;
		if (s->req.result < 0)   /* after blk's own UNIT ATTENTION retries */
			return req_error(s);
		if (x->op == BLK_READ && x->consume &&
		    (rc = x->consume(x, s->req.lba, s->buf,
				     (size_t)s->blocks * app.bd.block_size)) < 0)
			return rc;
		queued--;
		note_progress(x, (uint64_t)s->blocks * app.bd.block_size);
		if (x->next_lba < x->lba + x->blocks) {
			if ((rc = slot_submit(x, s)) < 0)
				return rc;
			queued++;
		}
		head = (head + 1) % depth;
	}
	return 0;
}

static void xfer_init(struct xfer *x, enum blk_op op, uint64_t lba, uint64_t blocks)
{
	uint32_t max = app.bd.max_blocks_per_cmd ? app.bd.max_blocks_per_cmd : 256;

	memset(x, 0, sizeof(*x));
	x->op = op;
	x->lba = lba;
	x->blocks = blocks;
	x->req_blocks = DEFAULT_REQ / app.bd.block_size;
	if (x->req_blocks == 0)
		x->req_blocks = 1;
	if (x->req_blocks > max)
		x->req_blocks = max;
	x->depth = app.o.depth;
	x->progress = 1;
	md5_init(&x->md5);
}

/* ---- producers and consumers ---- */

static int produce_pattern(struct xfer *x, uint8_t *buf, size_t len)
{
	pattern_fill(&x->pat, buf, len);
	md5_update(&x->md5, buf, len);
	return 0;
}

static int produce_file(struct xfer *x, uint8_t *buf, size_t len)
{
	if (fread(buf, 1, len, x->file) != len)
		return fail(LL_EIO, "reading the input file");
	md5_update(&x->md5, buf, len);
	return 0;
}

static int consume_md5(struct xfer *x, uint64_t lba, const uint8_t *buf, size_t len)
{
	(void)lba;
	md5_update(&x->md5, buf, len);
	return 0;
}

static int consume_verify(struct xfer *x, uint64_t lba, const uint8_t *buf, size_t len)
{
	md5_update(&x->md5, buf, len);
	pattern_fill(&x->vpat, app.scratch, len);
	if (!x->mismatch && memcmp(buf, app.scratch, len) != 0) {
		size_t i = 0;
		while (buf[i] == app.scratch[i])
			i++;
		x->mismatch = 1;
		x->mismatch_lba = lba + i / app.bd.block_size;
	}
	return 0;
}

static int consume_file(struct xfer *x, uint64_t lba, const uint8_t *buf, size_t len)
{
	(void)lba;
	md5_update(&x->md5, buf, len);
	if (fwrite(buf, 1, len, x->file) != len)
		return fail(LL_EIO, "writing the output file");
	return 0;
}

/* ---- commands ---- */

static int do_show(void)
{
	uint8_t luns[16][8];
	unsigned n = 16;
	int rc;

	printf("inquiry: vendor=\"%s\" product=\"%s\" revision=\"%s\" type=%u\n",
	       app.bd.vendor, app.bd.product, app.bd.revision, app.bd.peripheral_type);
	printf("capacity: blocks=%llu block_size=%u bytes=%llu\n",
	       (unsigned long long)app.bd.blocks, app.bd.block_size,
	       (unsigned long long)(app.bd.blocks * app.bd.block_size));
	rc = blk_report_luns(&app.bd, luns, &n, deadline_in(LOGIN_SECS));
	if (rc < 0)
		return fail(rc, "REPORT LUNS");
	printf("luns: count=%u", n);
	for (unsigned i = 0; i < n && i < 16; i++)
		printf(" %u", (unsigned)((luns[i][0] & 0x3f) << 8 | luns[i][1]));
	printf("\n");
	return 0;
}

static int finish_write(struct xfer *x, uint64_t t0, const char *label)
{
	int rc = blk_sync(&app.bd, deadline_in(app.o.timeout_secs));

	if (rc < 0)
		return fail(rc, "SYNCHRONIZE CACHE");
	print_md5(label, x->blocks * app.bd.block_size, &x->md5, secs_since(t0));
	return 0;
}

static int do_fill(const char *arg)
{
	struct xfer x;
	uint64_t seed, t0 = net_now(&app.ns);
	int rc;

	if (ll_strtou64(arg, NULL, 0, &seed) < 0)
		return fail(LL_EINVAL, "fill SEED");
	xfer_init(&x, BLK_WRITE, 0, app.bd.blocks);
	pattern_init(&x.pat, seed);
	x.produce = produce_pattern;
	if ((rc = xfer_run(&x, deadline_in(app.o.timeout_secs))) < 0)
		return rc;
	return finish_write(&x, t0, "result: op=fill");
}

/* verify SEED (seed != NULL) or md5 (seed == NULL) of the whole LUN. */
static int do_check(const char *arg)
{
	struct xfer x;
	uint64_t seed, t0 = net_now(&app.ns);
	int rc;

	if (arg && ll_strtou64(arg, NULL, 0, &seed) < 0)
		return fail(LL_EINVAL, "verify SEED");
	xfer_init(&x, BLK_READ, 0, app.bd.blocks);
	x.consume = consume_md5;
	if (arg) {
		pattern_init(&x.vpat, seed);
		x.consume = consume_verify;
	}
	if ((rc = xfer_run(&x, deadline_in(app.o.timeout_secs))) < 0)
		return rc;
	print_md5(arg ? "result: op=verify" : "result: op=md5",
		  x.blocks * app.bd.block_size, &x.md5, secs_since(t0));
	if (x.mismatch) {
		char what[96];
		snprintf(what, sizeof(what), "LUN differs from pattern at LBA %llu",
			 (unsigned long long)x.mismatch_lba);
		return fail(LL_ECHECKSUM, what);
	}
	if (arg)
		printf("verify: ok\n");
	return 0;
}

/* soak SECS: read the whole LUN again and again for SECS seconds (the
 * session must stay up, answering pings); every pass must give the same md5. */
static int do_soak(const char *arg)
{
	uint8_t first[16], d[16];
	uint64_t secs, t0 = net_now(&app.ns), end;
	unsigned passes = 0;
	struct xfer x;
	int rc;

	if (parse_uint(arg, 1, 3600, &secs) < 0)
		return fail(LL_EINVAL, "soak SECS");
	end = t0 + secs * US;
	do {
		xfer_init(&x, BLK_READ, 0, app.bd.blocks);
		x.consume = consume_md5;
		x.progress = 0;
		if ((rc = xfer_run(&x, deadline_in(app.o.timeout_secs))) < 0)
			return rc;
		md5_final(&x.md5, passes ? d : first);
		if (passes && memcmp(d, first, 16) != 0)
			return fail(LL_ECHECKSUM, "a soak pass read different data");
		passes++;
	} while (!ll_expired(&app.ns.clock, end));
	printf("result: op=soak passes=%u bytes=%llu secs=%.3f\n", passes,
	       (unsigned long long)(passes * app.bd.blocks * app.bd.block_size),
	       secs_since(t0));
	return 0;
}

static int parse_range(const char *slba, const char *scount, uint64_t *lba, uint64_t *count)
{
	if (ll_strtou64(slba, NULL, 0, lba) < 0 || *lba >= app.bd.blocks)
		return LL_ERANGE;
	if (ll_strtou64(scount, NULL, 0, count) < 0 || *count == 0 ||
	    *count > app.bd.blocks - *lba)
		return LL_ERANGE;
	return 0;
}

static int do_read(char **argv)
{
	struct xfer x;
	uint64_t lba, count, t0 = net_now(&app.ns);
	int rc;

	if (parse_range(argv[0], argv[1], &lba, &count) < 0)
		return fail(LL_ERANGE, "read LBA COUNT FILE: beyond the LUN");
	xfer_init(&x, BLK_READ, lba, count);
	x.consume = consume_file;
	if (!(x.file = fopen(argv[2], "wb")))
		return fail(LL_EIO, argv[2]);
	rc = xfer_run(&x, deadline_in(app.o.timeout_secs));
	if (fclose(x.file) != 0 && rc == 0)
		rc = fail(LL_EIO, argv[2]);
	if (rc == 0)
		print_md5("result: op=read", count * app.bd.block_size, &x.md5,
			  secs_since(t0));
	return rc;
}

static int do_write(char **argv)
{
	struct xfer x;
	uint64_t lba, size, t0 = net_now(&app.ns);
	FILE *f;
	long end;
	int rc;

	if (!(f = fopen(argv[1], "rb")))
		return fail(LL_EIO, argv[1]);
	if (fseek(f, 0, SEEK_END) != 0 || (end = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return fail(LL_EIO, "input file empty or unreadable");
	}
	size = (uint64_t)end;
	if (size % app.bd.block_size) {
		fclose(f);
		return fail(LL_EINVAL, "file size is not a multiple of the block size");
	}
	if (ll_strtou64(argv[0], NULL, 0, &lba) < 0 || lba >= app.bd.blocks ||
	    size / app.bd.block_size > app.bd.blocks - lba) {
		fclose(f);
		return fail(LL_ERANGE, "write LBA FILE: beyond the LUN");
	}
	xfer_init(&x, BLK_WRITE, lba, size / app.bd.block_size);
	x.produce = produce_file;
	x.file = f;
	rc = xfer_run(&x, deadline_in(app.o.timeout_secs));
	fclose(f);
	if (rc < 0)
		return rc;
	return finish_write(&x, t0, "result: op=write");
}

/* bench read|write SIZE_MIB REQ_KIB DEPTH: no data work, buffers filled once. */
static int do_bench(char **argv)
{
	struct xfer x;
	uint64_t mib, kib, depth, t0;
	enum blk_op op;
	int rc;

	op = strcmp(argv[0], "read") == 0 ? BLK_READ :
	     strcmp(argv[0], "write") == 0 ? BLK_WRITE : 0;
	if (!op || parse_uint(argv[1], 1, 1u << 20, &mib) < 0 ||
	    parse_uint(argv[2], 1, 16384, &kib) < 0 ||
	    parse_uint(argv[3], 1, MAX_DEPTH, &depth) < 0)
		return fail(LL_EINVAL, "bench read|write SIZE_MIB REQ_KIB DEPTH");
	if ((mib << 20) / app.bd.block_size > app.bd.blocks ||
	    (kib << 10) % app.bd.block_size)
		return fail(LL_ERANGE, "bench size beyond the LUN or request not whole blocks");
	xfer_init(&x, op, 0, (mib << 20) / app.bd.block_size);
	x.req_blocks = (uint32_t)((kib << 10) / app.bd.block_size);
	if (app.bd.max_blocks_per_cmd && x.req_blocks > app.bd.max_blocks_per_cmd)
		return fail(LL_ERANGE, "request larger than the LUN's limit");
	x.depth = (unsigned)depth;
	x.progress = 0;
	if ((rc = alloc_slots(x.depth, x.req_blocks)) < 0)
		return rc;
	for (unsigned i = 0; i < x.depth; i++) {
		pattern_init(&x.pat, i + 1);
		pattern_fill(&x.pat, app.slots[i].buf, (size_t)kib << 10);
	}
	t0 = net_now(&app.ns);
	if ((rc = xfer_run(&x, deadline_in(app.o.timeout_secs))) < 0)
		return rc;
	if (op == BLK_WRITE && (rc = blk_sync(&app.bd, deadline_in(app.o.timeout_secs))) < 0)
		return fail(rc, "SYNCHRONIZE CACHE");
	double secs = secs_since(t0);
	printf("result: op=bench-%s bytes=%llu req_kib=%llu depth=%llu secs=%.3f mibps=%.2f\n",
	       argv[0], (unsigned long long)(mib << 20), (unsigned long long)kib,
	       (unsigned long long)depth, secs, (double)mib / secs);
	return 0;
}

static void print_stats(void)
{
	const struct iscsi_stats *st;

	if (!app.sess)
		return;
	st = iscsi_session_stats(app.sess);
	printf("stats: cmds=%llu bytes_in=%llu bytes_out=%llu nops_answered=%llu "
	       "nops_sent=%llu async=%llu rejects=%llu reconnects=%llu reissued=%llu "
	       "digest_errors=%llu redirects=%llu bad_pdus=%llu\n",
	       (unsigned long long)st->cmds, (unsigned long long)st->bytes_in,
	       (unsigned long long)st->bytes_out, (unsigned long long)st->nops_answered,
	       (unsigned long long)st->nops_sent, (unsigned long long)st->async_msgs,
	       (unsigned long long)st->rejects, (unsigned long long)st->reconnects,
	       (unsigned long long)st->reissued, (unsigned long long)st->digest_errors,
	       (unsigned long long)st->redirects, (unsigned long long)st->bad_pdus);
	if (app.o.faulty)
		printf("faults: rx drop=%u dup=%u reorder=%u corrupt=%u; "
		       "tx drop=%u dup=%u reorder=%u corrupt=%u\n",
		       app.fault.rx_cnt.dropped, app.fault.rx_cnt.duplicated,
		       app.fault.rx_cnt.reordered, app.fault.rx_cnt.corrupted,
		       app.fault.tx_cnt.dropped, app.fault.tx_cnt.duplicated,
		       app.fault.tx_cnt.reordered, app.fault.tx_cnt.corrupted);
}

/* Check the command's shape before any network work. */
static int cmd_args_ok(int argc, char **argv)
{
	const char *c = argv[0];

	return (strcmp(c, "show") == 0 && argc == 1) ||
	       (strcmp(c, "md5") == 0 && argc == 1) ||
	       (strcmp(c, "fill") == 0 && argc == 2) ||
	       (strcmp(c, "verify") == 0 && argc == 2) ||
	       (strcmp(c, "soak") == 0 && argc == 2) ||
	       (strcmp(c, "read") == 0 && argc == 4) ||
	       (strcmp(c, "write") == 0 && argc == 3) ||
	       (strcmp(c, "bench") == 0 && argc == 5);
}

static int run_cmd(char **argv)
{
	const char *c = argv[0];

	if (strcmp(c, "show") == 0)
		return do_show();
	if (strcmp(c, "md5") == 0)
		return do_check(NULL);
	if (strcmp(c, "fill") == 0)
		return do_fill(argv[1]);
	if (strcmp(c, "verify") == 0)
		return do_check(argv[1]);
	if (strcmp(c, "soak") == 0)
		return do_soak(argv[1]);
	if (strcmp(c, "read") == 0)
		return do_read(argv + 1);
	if (strcmp(c, "write") == 0)
		return do_write(argv + 1);
	return do_bench(argv + 1);
}

int main(int argc, char **argv)
{
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ll_host_console_init();
	if (parse_opts(&app.o, argc, argv) < 0 ||
	    !cmd_args_ok(argc - optind, argv + optind)) {
		usage();
		return 2;
	}
	if ((rc = bring_up()) < 0)
		return 1;
	if ((rc = get_address()) < 0 || (rc = login()) < 0)
		goto out;
	rc = run_cmd(argv + optind);
	int crc = iscsi_session_close(app.sess, deadline_in(CLOSE_SECS));
	if (crc < 0)
		printf("note: logout: E%d %s\n", -crc, ll_strerror(crc));
out:
	print_stats();
	app.dev->ops->close(app.dev);
	return rc < 0 ? 1 : 0;
}
