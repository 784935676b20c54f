/* tools/lifeline-iscsi.c - the lifeline iSCSI initiator (net/ + iscsi/) on
 * a Linux TAP in user space: log in to a LUN and inspect, read, write,
 * fill, verify (pattern, or the target's own SCSI VERIFY) or benchmark it. Used by tests/hosted and tests/bench. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "attach/settings.h"  /* alt-portals: the firmware's parser */
#include "block/blk_sync.h"
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
#include "net/net.h"
#include "tools/common/pattern.h"
#include "tools/common/hostnet.h"
#include "tools/common/xfer.h"

#define US             HOSTNET_US
#define DHCP_SECS      30
#define LOGIN_SECS     30
#define CLOSE_SECS     10
#define ARENA_BYTES    (96u << 20)
#define MAX_DEPTH      XFER_MAX_DEPTH
#define DEFAULT_INITIATOR "iqn.2026-01.org.lifeline:initiator"

struct opts {
	struct hostnet_opts net;
	const char *root_path, *initiator;
	const char *user, *pass, *ruser, *rpass;
	enum iscsi_digest_pref digest;
	unsigned depth;
	unsigned timeout_secs;
	uint32_t io_timeout_us;
	uint32_t outage_limit_us;
	struct settings_portals alt;   /* --alt-portals */
};

/* Everything the tool holds, in one place. */
struct app {
	struct opts o;
	struct hostnet hn;
	struct dhcp_lease lease;
	struct iscsi_rootpath rp;
	struct ll_arena arena;
	struct iscsi_session *sess;
	struct blockdev bd;
	struct xfer_pool pool;
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

static double secs_since(uint64_t t0)
{
	return hostnet_secs_since(&app.hn, t0);
}

static void print_md5(const char *label, uint64_t bytes, struct md5_ctx *m, double secs)
{
	hostnet_print_md5(label, bytes, m, secs);
}

/* ---- option parsing ---- */

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

static void usage(void)
{
	fprintf(stderr,
		"usage: lifeline-iscsi --tap IFNAME [--mac M] (--ip A/PREFIX [--gw G] | --dhcp)\n"
		"         [--root-path iscsi:SERVER::PORT:LUN:TARGET] [--initiator IQN]\n"
		"         [--username U --password P [--reverse-username U --reverse-password P]]\n"
		"         [--digest none|prefer|require] [--depth N] [--timeout SECS]\n"
		"         [--io-timeout SECS] [--outage-limit SECS] [--alt-portals IP[:PORT],...]\n"
		"         [--loss P --dup P --reorder P --corrupt P --seed N] CMD\n"
		"  CMD: show | read LBA COUNT FILE | write LBA FILE | fill SEED |\n"
		"       verify SEED | verify-medium LBA COUNT | md5 | soak SECS |\n"
		"       bench read|write SIZE_MIB REQ_KIB DEPTH\n");
}

enum { OPT_ROOT = HOSTNET_OPT_END, OPT_INIT, OPT_USER, OPT_PASS, OPT_RUSER,
       OPT_RPASS, OPT_DIGEST, OPT_DEPTH, OPT_TIMEOUT, OPT_IOTMO, OPT_OUTAGE,
       OPT_ALT };

static const struct option long_opts[] = {
	HOSTNET_LONG_OPTS,
	{"root-path", 1, 0, OPT_ROOT}, {"initiator", 1, 0, OPT_INIT},
	{"username", 1, 0, OPT_USER}, {"password", 1, 0, OPT_PASS},
	{"reverse-username", 1, 0, OPT_RUSER},
	{"reverse-password", 1, 0, OPT_RPASS}, {"digest", 1, 0, OPT_DIGEST},
	{"depth", 1, 0, OPT_DEPTH}, {"timeout", 1, 0, OPT_TIMEOUT},
	{"io-timeout", 1, 0, OPT_IOTMO}, {"outage-limit", 1, 0, OPT_OUTAGE},
	{"alt-portals", 1, 0, OPT_ALT},
	{0, 0, 0, 0},
};

/* --alt-portals: the firmware's alt-portals setting, same parser. */
static int parse_alt(const char *arg, struct settings_portals *out)
{
	struct settings s;
	int rc;

	settings_init(&s);
	rc = settings_set(&s, "alt-portals", 11, arg, strlen(arg), NULL);
	if (rc < 0 || !s.alt_portals.n)
		return LL_EINVAL;
	*out = s.alt_portals;
	return 0;
}

static int parse_one(void *ctx, int c, const char *arg)
{
	struct opts *o = ctx;
	uint64_t v;

	switch (c) {
	case OPT_ROOT: o->root_path = arg; return 0;
	case OPT_INIT: o->initiator = arg; return 0;
	case OPT_USER: o->user = arg; return 0;
	case OPT_PASS: o->pass = arg; return 0;
	case OPT_RUSER: o->ruser = arg; return 0;
	case OPT_RPASS: o->rpass = arg; return 0;
	case OPT_DIGEST: return parse_digest(arg, &o->digest);
	case OPT_DEPTH:
		if (hostnet_parse_uint(arg, 1, MAX_DEPTH, &v) < 0)
			return LL_EINVAL;
		o->depth = (unsigned)v;
		return 0;
	case OPT_TIMEOUT:
		if (hostnet_parse_uint(arg, 1, 3600, &v) < 0)
			return LL_EINVAL;
		o->timeout_secs = (unsigned)v;
		return 0;
	case OPT_IOTMO:
		if (hostnet_parse_uint(arg, 1, 600, &v) < 0)
			return LL_EINVAL;
		o->io_timeout_us = (uint32_t)(v * US);
		return 0;
	case OPT_OUTAGE:   /* the bounds of the outage-limit setting */
		if (hostnet_parse_uint(arg, 10, 3600, &v) < 0)
			return LL_EINVAL;
		o->outage_limit_us = (uint32_t)(v * US);
		return 0;
	case OPT_ALT:
		return parse_alt(arg, &o->alt);
	}
	return LL_EINVAL;
}

static int parse_opts(struct opts *o, int argc, char **argv)
{
	o->depth = 16;
	o->timeout_secs = 600;
	return hostnet_parse_args(&o->net, argc, argv, "lifeline-iscsi", long_opts,
				  parse_one, o);
}

/* ---- network, settings, login ---- */

static int get_address(void)
{
	int rc;

	if (!app.o.net.dhcp) {
		if (!app.o.net.have_ip)
			return fail(LL_ESETTING, "no address: give --ip or --dhcp");
		return 0;
	}
	rc = dhcp_run(&app.hn.ns, &app.lease, deadline_in(DHCP_SECS));
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

	if (!rp && app.o.net.dhcp && app.lease.root_path[0])
		rp = app.lease.root_path;
	if (!rp)
		return fail(LL_ESETTING, "no root path: give --root-path or DHCP option 17");
	rc = iscsi_rootpath_parse(rp, &app.rp);
	if (rc < 0)
		return fail(rc, rp);
	*initiator = app.o.initiator;
	if (!*initiator && app.o.net.dhcp && app.lease.initiator_iqn[0])
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
	cfg.reconnect_limit_us = app.o.outage_limit_us;
	for (unsigned i = 0; i < app.o.alt.n; i++) {
		cfg.alt[i].ip = app.o.alt.ip[i];
		cfg.alt[i].port = app.o.alt.port[i];
	}
	cfg.n_alt = app.o.alt.n;
	rc = iscsi_session_open(&app.sess, &app.hn.ns, &cfg, &app.arena,
				deadline_in(LOGIN_SECS));
	if (rc < 0)
		return fail(rc, "login");
	print_params();
	rc = blk_open(&app.bd, app.sess, deadline_in(LOGIN_SECS));
	if (rc < 0)
		return fail(rc, "open LUN");
	app.pool.bd = &app.bd;
	app.pool.sess = app.sess;
	app.pool.ns = &app.hn.ns;
	app.pool.arena = &app.arena;
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
	int rc = blk_flush(&app.bd.dev, deadline_in(app.o.timeout_secs));

	if (rc < 0)
		return fail(rc, "SYNCHRONIZE CACHE");
	print_md5(label, x->blocks * app.bd.block_size, &x->md5, secs_since(t0));
	return 0;
}

static int do_fill(const char *arg)
{
	struct xfer x;
	uint64_t seed, t0 = net_now(&app.hn.ns);
	int rc;

	if (ll_strtou64(arg, NULL, 0, &seed) < 0)
		return fail(LL_EINVAL, "fill SEED");
	xfer_init(&x, &app.pool, BLK_WRITE, 0, app.bd.blocks, app.o.depth);
	pattern_init(&x.pat, seed);
	x.produce = xfer_produce_pattern;
	if ((rc = xfer_run(&x, deadline_in(app.o.timeout_secs))) < 0)
		return rc;
	return finish_write(&x, t0, "result: op=fill");
}

/* verify SEED (seed != NULL) or md5 (seed == NULL) of the whole LUN. */
static int do_check(const char *arg)
{
	struct xfer x;
	uint64_t seed, t0 = net_now(&app.hn.ns);
	int rc;

	if (arg && ll_strtou64(arg, NULL, 0, &seed) < 0)
		return fail(LL_EINVAL, "verify SEED");
	xfer_init(&x, &app.pool, BLK_READ, 0, app.bd.blocks, app.o.depth);
	x.consume = xfer_consume_md5;
	if (arg) {
		pattern_init(&x.vpat, seed);
		x.consume = xfer_consume_verify;
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
	uint64_t secs, t0 = net_now(&app.hn.ns), end;
	unsigned passes = 0;
	struct xfer x;
	int rc;

	if (hostnet_parse_uint(arg, 1, 3600, &secs) < 0)
		return fail(LL_EINVAL, "soak SECS");
	end = t0 + secs * US;
	do {
		xfer_init(&x, &app.pool, BLK_READ, 0, app.bd.blocks, app.o.depth);
		x.consume = xfer_consume_md5;
		x.progress = 0;
		if ((rc = xfer_run(&x, deadline_in(app.o.timeout_secs))) < 0)
			return rc;
		md5_final(&x.md5, passes ? d : first);
		if (passes && memcmp(d, first, 16) != 0)
			return fail(LL_ECHECKSUM, "a soak pass read different data");
		passes++;
	} while (!ll_expired(&app.hn.ns.clock, end));
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
	uint64_t lba, count, t0 = net_now(&app.hn.ns);
	int rc;

	if (parse_range(argv[0], argv[1], &lba, &count) < 0)
		return fail(LL_ERANGE, "read LBA COUNT FILE: beyond the LUN");
	xfer_init(&x, &app.pool, BLK_READ, lba, count, app.o.depth);
	x.consume = xfer_consume_file;
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

/* verify-medium LBA COUNT: the target checks the blocks itself (SCSI
 * VERIFY, BYTCHK 0: what INT 13h 04h/44h send); no data moves. */
static int do_verify_medium(char **argv)
{
	uint64_t lba, count;
	int rc;

	if (parse_range(argv[0], argv[1], &lba, &count) < 0 || count > UINT32_MAX)
		return fail(LL_ERANGE, "verify-medium LBA COUNT: beyond the LUN");
	rc = blk_verify(&app.bd.dev, lba, (uint32_t)count,
			deadline_in(app.o.timeout_secs));
	if (rc < 0)
		return fail(rc, "VERIFY");
	printf("result: op=verify-medium lba=%llu blocks=%llu commands=%llu\n",
	       (unsigned long long)lba, (unsigned long long)count,
	       (unsigned long long)app.bd.dev.st.verifies);
	return 0;
}

static int do_write(char **argv)
{
	struct xfer x;
	uint64_t lba, size, t0 = net_now(&app.hn.ns);
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
	xfer_init(&x, &app.pool, BLK_WRITE, lba, size / app.bd.block_size,
		  app.o.depth);
	x.produce = xfer_produce_file;
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
	if (!op || hostnet_parse_uint(argv[1], 1, 1u << 20, &mib) < 0 ||
	    hostnet_parse_uint(argv[2], 1, 16384, &kib) < 0 ||
	    hostnet_parse_uint(argv[3], 1, MAX_DEPTH, &depth) < 0)
		return fail(LL_EINVAL, "bench read|write SIZE_MIB REQ_KIB DEPTH");
	if ((mib << 20) / app.bd.block_size > app.bd.blocks ||
	    (kib << 10) % app.bd.block_size)
		return fail(LL_ERANGE, "bench size beyond the LUN or request not whole blocks");
	xfer_init(&x, &app.pool, op, 0, (mib << 20) / app.bd.block_size, app.o.depth);
	x.req_blocks = (uint32_t)((kib << 10) / app.bd.block_size);
	if (app.bd.dev.max_blocks && x.req_blocks > app.bd.dev.max_blocks)
		return fail(LL_ERANGE, "request larger than the LUN's limit");
	x.depth = (unsigned)depth;
	x.progress = 0;
	if ((rc = xfer_alloc_slots(&app.pool, x.depth, x.req_blocks)) < 0)
		return rc;
	for (unsigned i = 0; i < x.depth; i++) {
		pattern_init(&x.pat, i + 1);
		pattern_fill(&x.pat, app.pool.slots[i].buf, (size_t)kib << 10);
	}
	t0 = net_now(&app.hn.ns);
	if ((rc = xfer_run(&x, deadline_in(app.o.timeout_secs))) < 0)
		return rc;
	if (op == BLK_WRITE && (rc = blk_flush(&app.bd.dev, deadline_in(app.o.timeout_secs))) < 0)
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
	       "digest_errors=%llu redirects=%llu bad_pdus=%llu portal_moves=%llu portal=%u\n",
	       (unsigned long long)st->cmds, (unsigned long long)st->bytes_in,
	       (unsigned long long)st->bytes_out, (unsigned long long)st->nops_answered,
	       (unsigned long long)st->nops_sent, (unsigned long long)st->async_msgs,
	       (unsigned long long)st->rejects, (unsigned long long)st->reconnects,
	       (unsigned long long)st->reissued, (unsigned long long)st->digest_errors,
	       (unsigned long long)st->redirects, (unsigned long long)st->bad_pdus,
	       (unsigned long long)st->portal_moves, iscsi_session_portal(app.sess) + 1);
	hostnet_print_faults(&app.hn, HOSTNET_FAULTS_SHORT);
}

/* Check the command's shape before any network work. */
static int cmd_args_ok(int argc, char **argv)
{
	const char *c = argv[0];

	return (strcmp(c, "show") == 0 && argc == 1) ||
	       (strcmp(c, "md5") == 0 && argc == 1) ||
	       (strcmp(c, "fill") == 0 && argc == 2) ||
	       (strcmp(c, "verify") == 0 && argc == 2) ||
	       (strcmp(c, "verify-medium") == 0 && argc == 3) ||
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
	if (strcmp(c, "verify-medium") == 0)
		return do_verify_medium(argv + 1);
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
	if ((rc = hostnet_up(&app.hn, &app.o.net)) < 0)
		return 1;
	if ((rc = get_address()) < 0 || (rc = login()) < 0)
		goto out;
	rc = run_cmd(argv + optind);
	int crc = iscsi_session_close(app.sess, deadline_in(CLOSE_SECS));
	if (crc < 0)
		printf("note: logout: E%d %s\n", -crc, ll_strerror(crc));
out:
	print_stats();
	hostnet_down(&app.hn);
	return rc < 0 ? 1 : 0;
}
