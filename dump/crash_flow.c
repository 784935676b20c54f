/* dump/crash_flow.c - the crash flow: command line -> elfcorehdr -> native
 * NIC -> network (static or DHCP) -> login to dump-path (bounded retries)
 * -> dump_run -> logout. One step per function; every failure is printed
 * with its stable code and returned, the arch entry then does dump-action. */
#include "dump/crash_flow.h"
#include "dump/elfcorehdr.h"
#include "dump/writer.h"
#include "iscsi/blockdev.h"
#include "iscsi/iscsi_proto.h"
#include "iscsi/rootpath.h"
#include "iscsi/session.h"
#include "lib/alloc.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"
#include "net/dhcp.h"
#include "net/net.h"
#include "drivers/net/nicprobe.h"

#define DEFAULT_IQN_FMT "iqn.2026-01.org.lifeline:%02x%02x%02x%02x%02x%02x"
#define LOGOUT_TIMEOUT_US (5ull * 1000000)
#define BLK_OPEN_TIMEOUT_US (10ull * 1000000)
#define NUM_BUF 24
#define MIB (1024ull * 1024)

/* The dump layer's one context for the crash path: everything reserved
 * before anything runs (the crash path allocates nothing else). */
struct crash_ctx {
	const struct crash_env *env;
	struct crash_settings set;
	char iqn[ISCSI_NAME_MAX + 1];        /* the default initiator name */
	struct ech_table ech;
	struct nic_probe np;
	struct net_stack ns;
	struct dhcp_lease lease;
	struct iscsi_rootpath rp;
	struct ll_arena arena;
	struct iscsi_session *sess;
	struct blockdev bd;
	struct dump_work work;
	struct dump_opts opts;
};
static struct crash_ctx crash_ctx;

static int crash_fail(int rc, const char *what)
{
	ll_printf("lifeline: E%d %s: %s\n", -rc, ll_strerror(rc), what);
	return rc;
}

/* Start of the last word "key=..." in cl, or NULL. */
static const char *cmdline_find(const char *cl, const char *key)
{
	size_t kl = ll_strlen(key);
	const char *hit = NULL;
	for (const char *p = cl; *p; p++) {
		if ((p == cl || p[-1] == ' ') && !memcmp(p, key, kl) &&
		    p[kl] == '=')
			hit = p + kl + 1;
		if (!p[1])
			break;
	}
	return hit;
}

int crash_cmdline_value(const char *cmdline, const char *key, char *buf,
			size_t cap)
{
	const char *v = cmdline && *cmdline ? cmdline_find(cmdline, key) : NULL;
	size_t n = 0;
	if (!v)
		return LL_ENOENT;
	while (v[n] && v[n] != ' ')
		n++;
	if (n + 1 > cap)
		return LL_EMSGSIZE;
	memcpy(buf, v, n);
	buf[n] = 0;
	return (int)n;
}

enum crash_action crash_action_from_cmdline(const char *cmdline)
{
	char v[16];
	if (crash_cmdline_value(cmdline, "dump-action", v, sizeof(v)) < 0)
		return CRASH_REBOOT;
	if (!memcmp(v, "poweroff", 9))
		return CRASH_POWEROFF;
	if (!memcmp(v, "halt", 5))
		return CRASH_HALT;
	return CRASH_REBOOT;
}

/* Decimal value of dump-max-mib (0: absent or bad). */
static uint64_t cmdline_max_mib(const char *cl)
{
	char v[NUM_BUF];
	uint64_t n = 0;
	if (crash_cmdline_value(cl, "dump-max-mib", v, sizeof(v)) <= 0)
		return 0;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9' || n > (1ull << 40))
			return 0;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	return n;
}

/* The settings from the command line (lease NULL) or from the lease's
 * options under it. */
static int crash_settings(struct crash_ctx *c, const struct dhcp_lease *lease)
{
	const char *what = "settings";
	int rc = LL_ENOTSUP;

	if (c->env->settings)
		rc = c->env->settings(c->env->settings_ctx, lease, &c->set, &what);
	return rc < 0 ? crash_fail(rc, what) : 0;
}

static int crash_elfcorehdr(struct crash_ctx *c)
{
	uint64_t addr, size;
	int rc = ech_from_cmdline(c->env->cmdline, &addr, &size);
	if (rc < 0)
		return crash_fail(rc, "elfcorehdr= on the command line");
	rc = ech_parse(&c->ech, c->env->mem, addr, size);
	if (rc < 0)
		return crash_fail(rc, "elfcorehdr");
	ll_printf("lifeline: elfcorehdr at 0x%llx: %u CPUs, %u RAM ranges, %llu MiB, VMCOREINFO %s\n",
		  (unsigned long long)addr, c->ech.n_prstatus, c->ech.n_load,
		  (unsigned long long)(c->ech.ram_bytes / MIB),
		  c->ech.vmcoreinfo.len ? "present" : "missing");
	for (unsigned i = 0; i < c->ech.n_load; i++) {
		const struct ech_load *l = &c->ech.load[i];
		ll_printf("lifeline: RAM %016llx-%016llx%s\n",
			  (unsigned long long)l->paddr,
			  (unsigned long long)(l->paddr + l->size - 1),
			  l->src != l->paddr ? " (backup copy)" : "");
	}
	return 0;
}

static int crash_nic(struct crash_ctx *c)
{
	const struct crash_env *e = c->env;
	struct nicprobe_want want;
	memset(&want, 0, sizeof(want));
	int rc = nicprobe(&c->np, e->nics, e->n_nics, e->nic_make, e->nic_ctx,
			  &want);
	if (rc < 0) {
		if (c->np.last_error)
			rc = c->np.last_error;
		return crash_fail(rc, "no usable NIC (e1000 family, virtio-net)");
	}
	ll_printf("lifeline: NIC %02x:%02x.%u %04x:%04x %s, MAC " LL_MAC_FMT "\n",
		  c->np.pci.bus, c->np.pci.dev, c->np.pci.fn, c->np.pci.vendor,
		  c->np.pci.device, c->np.driver, LL_MAC_ARGS(c->np.nd->mac));
	net_init(&c->ns, c->np.nd, e->clock);
	return 0;
}

/* Static addresses when ip= is given, else DHCP (its options may then
 * supply settings the command line lacks; the command line still wins). */
static int crash_net(struct crash_ctx *c)
{
	const struct crash_settings *s = &c->set;
	if (s->static_ip) {
		c->ns.ip.addr = s->ip;
		c->ns.ip.netmask = s->netmask ? s->netmask : 0xffffff00u;
		c->ns.ip.gateway = s->gateway;
		c->ns.ip.dns = s->dns;
		ll_printf("lifeline: address " LL_IPV4_FMT " gateway " LL_IPV4_FMT " (static)\n",
			  LL_IPV4_ARGS(c->ns.ip.addr),
			  LL_IPV4_ARGS(c->ns.ip.gateway));
		return 0;
	}
	uint64_t deadline = ll_now(c->env->clock) + CRASH_DHCP_TIMEOUT_US;
	int rc = dhcp_run(&c->ns, &c->lease, deadline);
	if (rc < 0)
		return crash_fail(rc, "DHCP");
	ll_printf("lifeline: address " LL_IPV4_FMT " gateway " LL_IPV4_FMT " (DHCP from " LL_IPV4_FMT ")\n",
		  LL_IPV4_ARGS(c->ns.ip.addr), LL_IPV4_ARGS(c->ns.ip.gateway),
		  LL_IPV4_ARGS(c->lease.server_id));
	return crash_settings(c, &c->lease);
}

static const char *set_or_null(const char *v)
{
	return v && v[0] ? v : NULL;
}

static void session_cfg(const struct crash_ctx *c, struct iscsi_session_cfg *cfg)
{
	const struct crash_settings *s = &c->set;
	memset(cfg, 0, sizeof(*cfg));
	cfg->target_ip = c->rp.rp_server;
	cfg->target_port = c->rp.rp_port;
	cfg->target_name = c->rp.rp_target;
	cfg->initiator_name = s->initiator_iqn;
	cfg->username = set_or_null(s->username);
	cfg->password = set_or_null(s->password);
	cfg->reverse_username = set_or_null(s->reverse_username);
	cfg->reverse_password = set_or_null(s->reverse_password);
	memcpy(cfg->lun, c->rp.rp_lun, 8);
}

/* Wait without a session, still answering ARP. */
static void crash_pause(struct crash_ctx *c, uint64_t us)
{
	uint64_t end = ll_now(c->env->clock) + us;
	while (ll_now(c->env->clock) < end)
		net_poll_wait(&c->ns, 10000);
}

/* One login try: session, then the LUN's capacity. */
static int login_once(struct crash_ctx *c)
{
	struct iscsi_session_cfg cfg;
	uint64_t now = ll_now(c->env->clock);

	session_cfg(c, &cfg);
	return blk_login_open(&c->bd, &c->sess, &c->ns, &cfg, &c->arena,
			      c->env->arena, c->env->arena_size,
			      now + CRASH_LOGIN_TIMEOUT_US,
			      now + CRASH_LOGIN_TIMEOUT_US + BLK_OPEN_TIMEOUT_US);
}

/* Log in to path with CRASH_LOGIN_TRIES tries; what names the setting. */
static int crash_login(struct crash_ctx *c, const char *path, const char *what)
{
	int rc = LL_ELOGIN;
	if (iscsi_rootpath_parse(path, &c->rp) < 0)
		return crash_fail(LL_EROOTPATH, path);
	if (!set_or_null(c->set.initiator_iqn)) {
		ll_snprintf(c->iqn, sizeof(c->iqn), DEFAULT_IQN_FMT,
			    LL_MAC_ARGS(c->np.nd->mac));
		c->set.initiator_iqn = c->iqn;
	}
	for (unsigned t = 1; t <= CRASH_LOGIN_TRIES; t++) {
		ll_printf("lifeline: %s %s, login try %u of %u\n", what,
			  c->rp.rp_target, t, CRASH_LOGIN_TRIES);
		rc = login_once(c);
		if (!rc)
			break;
		ll_printf("lifeline: E%d %s: login to %s\n", -rc,
			  ll_strerror(rc), c->rp.rp_target);
		if (t < CRASH_LOGIN_TRIES)
			crash_pause(c, CRASH_RETRY_PAUSE_US);
	}
	if (rc < 0)
		return crash_fail(rc, "giving up on the target");
	return 0;
}

static void crash_logout(struct crash_ctx *c)
{
	int rc = iscsi_session_close(c->sess, ll_now(c->env->clock) +
					      LOGOUT_TIMEOUT_US);
	c->sess = NULL;
	if (rc < 0)
		ll_printf("lifeline: E%d %s: logout\n", -rc, ll_strerror(rc));
	else
		ll_printf("lifeline: logged out\n");
}

static int crash_dump(struct crash_ctx *c)
{
	struct dump_ctx d;
	dump_opts_init(&c->opts);
	c->opts.max_bytes = cmdline_max_mib(c->env->cmdline) * MIB;
	memset(&d, 0, sizeof(d));
	d.ech = &c->ech;
	d.dev = &c->bd.dev;
	d.mem = c->env->mem;
	d.clock = c->env->clock;
	d.opts = c->opts;
	d.work = &c->work;
	int rc = dump_run(&d);
	return rc < 0 ? crash_fail(rc, "dump not complete") : 0;
}

/* Settings, NIC and network: the part both entries share. */
static int crash_common(struct crash_ctx *c, const struct crash_env *env)
{
	int rc;
	memset(c, 0, sizeof(*c));
	c->env = env;
	if ((rc = crash_settings(c, NULL)) < 0 || (rc = crash_nic(c)) < 0)
		return rc;
	return crash_net(c);
}

int crash_flow_run(const struct crash_env *env, enum crash_action *action)
{
	struct crash_ctx *c = &crash_ctx;
	int rc;
	*action = crash_action_from_cmdline(env->cmdline);
	memset(c, 0, sizeof(*c));
	c->env = env;
	if ((rc = crash_elfcorehdr(c)) < 0)
		return rc;
	if ((rc = crash_settings(c, NULL)) < 0 || (rc = crash_nic(c)) < 0 ||
	    (rc = crash_net(c)) < 0)
		return rc;
	if (!set_or_null(c->set.dump_path))
		return crash_fail(LL_ESETTING, "dump-path (none given)");
	if ((rc = crash_login(c, c->set.dump_path, "dump target")) < 0)
		return rc;
	rc = crash_dump(c);
	crash_logout(c);
	return rc;
}

int crash_flow_bootcheck(const struct crash_env *env)
{
	struct crash_ctx *c = &crash_ctx;
	int rc = crash_common(c, env);
	if (rc < 0)
		return rc;
	if (!set_or_null(c->set.root_path)) {
		ll_printf("lifeline: no root-path set; nothing to log in to\n");
		return 0;
	}
	if ((rc = crash_login(c, c->set.root_path, "boot target")) < 0)
		return rc;
	crash_logout(c);
	return 0;
}
