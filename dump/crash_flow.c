/* dump/crash_flow.c - the crash flow: command line -> elfcorehdr -> attach
 * (native NIC, static or DHCP, login to dump-path with the bounded tries
 * of attach/attach.h) -> dump_run -> logout. One step per function; every
 * failure is printed with its stable code and returned, the arch entry
 * then does dump-action. */
#include "dump/crash_flow.h"
#include "dump/elfcorehdr.h"
#include "dump/kdump_write.h"
#include "dump/writer.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

#define NUM_BUF 24
#define MIB (1024ull * 1024)

/* The dump layer's one context for the crash path: everything reserved
 * before anything runs (the crash path allocates nothing else). */
struct crash_ctx {
	const struct crash_env *env;
	struct attach_env aenv;
	struct attach at;                    /* NIC, network, session, LUN */
	struct ech_table ech;
	struct dump_work work;
	struct kdump_work kwork;             /* dump-format=kdump buffers */
	struct dump_opts opts;
};
static struct crash_ctx crash_ctx;

/* Start of the last word "key=..." in cl, or NULL. */
static const char *cmdline_find(const char *cl, const char *key)
{
	size_t kl = ll_strlen(key);
	const char *hit = NULL;
	for (const char *p = cl; *p; p++) {
		if ((p == cl || p[-1] == ' ') && !ll_strncmp(p, key, kl) &&
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

static int crash_elfcorehdr(struct crash_ctx *c)
{
	uint64_t addr, size;
	int rc = ech_from_cmdline(c->env->cmdline, &addr, &size);
	if (rc < 0)
		return attach_fail(rc, "elfcorehdr= on the command line");
	rc = ech_parse(&c->ech, c->env->mem, addr, size);
	if (rc < 0)
		return attach_fail(rc, "elfcorehdr");
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

/* attach_env from the entry's: native NICs only, the given LUN. */
static void crash_attach_env(struct crash_ctx *c, enum attach_path path)
{
	const struct crash_env *e = c->env;
	struct attach_env *ae = &c->aenv;

	memset(ae, 0, sizeof(*ae));
	ae->clock = e->clock;
	ae->settings = e->settings;
	ae->settings_ctx = e->settings_ctx;
	ae->nics = e->nics;
	ae->n_nics = e->n_nics;
	ae->nic_make = e->nic_make;
	ae->nic_ctx = e->nic_ctx;
	/* The dead OS's NIC: reset, but where its rings can simply move to
	 * ours (QEMU's e1000) continued, saving the model's 1 s receive
	 * pause after an RCTL write. */
	ae->nic_keep = NETDEV_KEEP_MOVABLE;
	ae->path = path;
	ae->path_optional = path == ATTACH_ROOT_PATH;
	ae->arena = e->arena;
	ae->arena_size = e->arena_size;
	ae->xport = e->xport;
	ae->xport_ctx = e->xport_ctx;
}

static int crash_dump(struct crash_ctx *c)
{
	struct dump_ctx d;
	dump_opts_init(&c->opts);
	c->opts.max_bytes = cmdline_max_mib(c->env->cmdline) * MIB;
	memset(&d, 0, sizeof(d));
	d.ech = &c->ech;
	d.dev = &c->at.bd.dev;
	d.mem = c->env->mem;
	d.clock = c->env->clock;
	d.opts = c->opts;
	d.work = &c->work;
	const struct settings *s = &c->at.set;
	int rc;
	if (s->dump_format == SETTINGS_DUMP_ELF)
		rc = dump_run(&d);
	else
		rc = kdump_run(&d, s->dump_level, &c->kwork);
	return rc < 0 ? attach_fail(rc, "dump not complete") : 0;
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
	crash_attach_env(c, ATTACH_DUMP_PATH);
	if ((rc = attach_run(&c->at, &c->aenv)) < 0)
		return rc;
	rc = crash_dump(c);
	attach_logout(&c->at);
	return rc;
}

int crash_flow_bootcheck(const struct crash_env *env)
{
	struct crash_ctx *c = &crash_ctx;
	int rc;

	memset(c, 0, sizeof(*c));
	c->env = env;
	crash_attach_env(c, ATTACH_ROOT_PATH);
	if ((rc = attach_run(&c->at, &c->aenv)) < 0)
		return rc;
	attach_logout(&c->at);
	return 0;
}
