/* tools/common/hostnet.h - what the host tools share: the TAP (optionally
 * behind the fault wrapper) under a net stack, its command-line options,
 * and the `error:`, `result:`, `counters:` and `faults:` lines. Host only. */
#ifndef TOOLS_COMMON_HOSTNET_H
#define TOOLS_COMMON_HOSTNET_H
#include <getopt.h>
#include <stdint.h>
#include "lib/md5.h"
#include "drivers/net/fault.h"
#include "net/net.h"
#include "drivers/net/tap.h"

#define HOSTNET_US 1000000ull

/* The link and address options every tool takes. */
struct hostnet_opts {
	const char *tap;
	uint8_t mac[ETH_ALEN];
	int have_mac, dhcp, have_ip;
	uint32_t ip, mask, gw;
	struct fault_cfg fault;
	int faulty;
};

/* getopt_long values of the shared options; a tool numbers its own from
 * HOSTNET_OPT_END and lists HOSTNET_LONG_OPTS in its option table. */
enum { HOSTNET_OPT_TAP = 256, HOSTNET_OPT_MAC, HOSTNET_OPT_IP, HOSTNET_OPT_GW,
       HOSTNET_OPT_DHCP, HOSTNET_OPT_LOSS, HOSTNET_OPT_DUP,
       HOSTNET_OPT_REORDER, HOSTNET_OPT_CORRUPT, HOSTNET_OPT_SEED,
       HOSTNET_OPT_END };

#define HOSTNET_LONG_OPTS \
	{"tap", 1, 0, HOSTNET_OPT_TAP}, {"mac", 1, 0, HOSTNET_OPT_MAC}, \
	{"ip", 1, 0, HOSTNET_OPT_IP}, {"gw", 1, 0, HOSTNET_OPT_GW}, \
	{"dhcp", 0, 0, HOSTNET_OPT_DHCP}, {"loss", 1, 0, HOSTNET_OPT_LOSS}, \
	{"dup", 1, 0, HOSTNET_OPT_DUP}, {"reorder", 1, 0, HOSTNET_OPT_REORDER}, \
	{"corrupt", 1, 0, HOSTNET_OPT_CORRUPT}, {"seed", 1, 0, HOSTNET_OPT_SEED}

/* A tool's own option c (>= HOSTNET_OPT_END) with its argument: 0 or < 0. */
typedef int (*hostnet_tool_opt_fn)(void *ctx, int c, const char *arg);

/* Parse argv: shared options into o, the tool's into tool_opt. A bad value
 * is named on stderr after prog. 0 when --tap and a command were given
 * (the command starts at optind), else LL_EINVAL. */
int hostnet_parse_args(struct hostnet_opts *o, int argc, char **argv,
		       const char *prog, const struct option *long_opts,
		       hostnet_tool_opt_fn tool_opt, void *ctx);
/* An unsigned number (any base strtoull takes) within lo..hi. */
int hostnet_parse_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *v);

/* The TAP, the optional fault wrapper and the stack on top. */
struct hostnet {
	struct tap_dev tap;
	struct netdev tap_nd;
	struct fault_dev fault;
	struct netdev fault_nd;
	struct netdev *dev;        /* the fault wrapper when faulty, else the TAP */
	struct net_stack ns;
	int faulty;
};

/* Create and open the devices and start the stack, with the static
 * address of o if it has one. Prints `error:` and returns < 0 on failure. */
int hostnet_up(struct hostnet *h, const struct hostnet_opts *o);
void hostnet_down(struct hostnet *h);

uint64_t hostnet_deadline(const struct hostnet *h, unsigned secs);
/* Seconds since t0, at least a microsecond (rates divide by it). */
double hostnet_secs_since(const struct hostnet *h, uint64_t t0);

/* Print `error: E<code> <text> (what)`; returns err. */
int hostnet_fail(int err, const char *what);
/* Finish m and print `LABEL bytes=N md5=HEX secs=S mibps=R`. */
void hostnet_print_md5(const char *label, uint64_t bytes, struct md5_ctx *m,
		       double secs);
/* The `counters:` line: device and stack drop reasons. */
void hostnet_print_counters(const struct hostnet *h);

/* How hostnet_print_faults words its line. */
enum hostnet_faults_style {
	HOSTNET_FAULTS_SHORT,      /* drop, dup, reorder, corrupt each way */
	HOSTNET_FAULTS_FRAMES,     /* the same after the frames seen each way */
};
/* The `faults:` line when the fault wrapper is in use, else nothing. */
void hostnet_print_faults(const struct hostnet *h, enum hostnet_faults_style style);

#endif
