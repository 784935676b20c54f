/* attach/attach.c - the one attach path: settings -> NIC (firmware or
 * native) -> address (firmware DHCPACK, our DHCP, static) -> root path ->
 * initiator IQN -> login with bounded tries -> TEST UNIT READY, capacity.
 * Every step prints one line; every failure is reported once. */
#include "attach/attach.h"
#include "iscsi/session_int.h"
#include "lib/backoff.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

#define ATTACH_STATIC_NETMASK 0xffffff00u   /* ip= without netmask= */
#define ATTACH_PAUSE_STEP_US  10000u

_Static_assert(SETTINGS_ALT_PORTALS <= ISCSI_ALT_PORTALS, "alt-portals fit the session");

int attach_fail(int rc, const char *what)
{
	ll_printf("lifeline: E%d %s: %s\n", -rc, ll_strerror(rc), what);
	return rc;
}

int attach_settings_std(void *ctx, const struct dhcp_lease *lease,
			struct settings *out, struct settings_err *err)
{
	const struct attach_sources *src = ctx;
	const char *cl = src->cmdline;
	int rc = 0;

	settings_init(out);
	if (lease)
		rc = settings_from_lease(out, lease, err);
	if (!rc && src->block &&
	    settings_block_check(&lifeline_settings_block,
				 sizeof(lifeline_settings_block)) == 0)
		rc = settings_from_block(out, &lifeline_settings_block, err);
	if (!rc && cl)
		rc = settings_parse_kv(out, cl, ll_strlen(cl),
				       SETTINGS_IGNORE_UNKNOWN, err);
	return rc;
}

static int at_settings(struct attach *a, const struct dhcp_lease *lease)
{
	struct settings_err err;
	int rc = LL_ENOTSUP;

	memset(&err, 0, sizeof(err));
	memcpy(err.key, "settings", sizeof("settings"));
	if (a->env->settings)
		rc = a->env->settings(a->env->settings_ctx, lease, &a->set, &err);
	return rc < 0 ? attach_fail(rc, err.key) : 0;
}

static int at_dump(const struct attach *a)
{
	return a->env->path == ATTACH_DUMP_PATH;
}

static const char *at_path(const struct attach *a)
{
	return at_dump(a) ? a->set.dump_path : a->set.root_path;
}

/* The stack on nd; TCP's counters on the console every 1024 frames. */
static void at_net_init(struct attach *a, struct netdev *nd)
{
	net_init(&a->ns, nd, a->env->clock);
	a->ns.stats_every = 1024;
}

/* The firmware's NIC carries the stack until the NIC step decides; its
 * DHCPACK, when it has one, gives the address and the first settings. */
static int at_fw_lease(struct attach *a)
{
	const struct attach_fw_nic *fw = a->env->fw;
	int rc;

	at_net_init(a, fw->nd);
	if (!fw->ack)
		return 0;
	rc = dhcp_use_ack(&a->ns, fw->ack, fw->ack_len, &a->lease);
	if (rc < 0)
		return attach_fail(rc, "cached DHCPACK unusable");
	a->have_lease = 1;
	ll_printf("lifeline: address " LL_IPV4_FMT " from the %s DHCPACK\n",
		  LL_IPV4_ARGS(a->ns.ip.addr), fw->ack_name);
	return 0;
}

/* Whose DHCPACK the lease is: the firmware's or the loader's. */
static const char *at_ack_name(const struct attach *a)
{
	return a->env->fw ? a->env->fw->ack_name : a->env->ack_name;
}

/* No firmware NIC, but the loader's DHCPACK (GRUB booted from the
 * network): the address and options from it, then the settings again
 * with it under the entry's sources. An unusable one is only reported. */
static int at_loader_lease(struct attach *a)
{
	const struct attach_env *e = a->env;
	int rc;

	if (e->fw || !e->ack)
		return 0;
	rc = dhcp_use_ack(&a->ns, e->ack, e->ack_len, &a->lease);
	if (rc < 0) {
		memset(&a->ns.ip, 0, sizeof(a->ns.ip));
		ll_printf("lifeline: E%d %s: the %s DHCPACK, not used\n", -rc,
			  ll_strerror(rc), e->ack_name);
		return 0;
	}
	a->have_lease = 1;
	ll_printf("lifeline: address " LL_IPV4_FMT " from the %s DHCPACK\n",
		  LL_IPV4_ARGS(a->ns.ip.addr), e->ack_name);
	return at_settings(a, &a->lease);
}

static int at_fw_open(struct attach *a)
{
	const struct attach_fw_nic *fw = a->env->fw;
	char what[40];
	int rc = fw->nd->ops->open(fw->nd);

	if (rc < 0) {
		ll_snprintf(what, sizeof(what), "%s open", fw->name);
		return attach_fail(rc, what);
	}
	ll_printf("lifeline: %s open, MAC " LL_MAC_FMT "\n", fw->name,
		  LL_MAC_ARGS(fw->nd->mac));
	return 0;
}

/* nicprobe over the entry's candidates; the last open failure when
 * nothing opened. */
static int at_probe(struct attach *a, const struct nicprobe_want *want)
{
	const struct attach_env *e = a->env;
	int rc = nicprobe(&a->np, e->nics, e->n_nics, e->nic_make, e->nic_ctx,
			  want);

	if (rc < 0 && a->np.last_error)
		rc = a->np.last_error;
	return rc;
}

static int at_any_native(const struct attach_env *e)
{
	for (size_t i = 0; i < e->n_nics; i++)
		if (nicprobe_driver_for(e->nics[i].vendor, e->nics[i].device))
			return 1;
	return 0;
}

/* No firmware NIC: the first native NIC that opens. */
static int at_native_first(struct attach *a)
{
	struct nicprobe_want want;
	const struct pcidev *p = &a->np.pci;
	int rc;

	memset(&want, 0, sizeof(want));
	want.keep_running = a->env->nic_keep;
	rc = at_probe(a, &want);
	if (rc < 0)
		return attach_fail(rc, "no usable NIC (e1000 family, virtio-net)");
	ll_printf("lifeline: NIC %02x:%02x.%u %04x:%04x %s, MAC " LL_MAC_FMT "\n",
		  p->bus, p->dev, p->fn, p->vendor, p->device, a->np.driver,
		  LL_MAC_ARGS(a->np.nd->mac));
	if (a->np.kept)
		ll_printf("lifeline: NIC continued as its previous owner left it "
			  "(rings moved to ours, no reset)\n");
	else if (want.keep_running)
		ll_printf("lifeline: NIC reset, not continued: E%d %s\n",
			  -a->np.keep_rc, ll_strerror(a->np.keep_rc));
	at_net_init(a, a->np.nd);
	return 0;
}

/* The native driver for the NIC the firmware drives (found by the MAC the
 * firmware reports; a device it left running is continued), else the
 * firmware's own. The address the firmware got stays. */
static int at_native_for_fw(struct attach *a)
{
	const struct attach_fw_nic *fw = a->env->fw;
	const struct pcidev *p = &a->np.pci;
	struct net_ipcfg ip = a->ns.ip;
	struct nicprobe_want want;
	int rc = fw->identify(fw->ctx);

	if (rc < 0)
		return attach_fail(rc, fw->identify_what);
	memset(&want, 0, sizeof(want));
	want.use_mac = 1;
	want.keep_running = 1;
	memcpy(want.mac, fw->nd->mac, ETH_ALEN);
	rc = at_probe(a, &want);
	if (rc < 0) {
		ll_printf("lifeline: E%d %s: no native driver for MAC " LL_MAC_FMT
			  ", using %s\n", -rc, ll_strerror(rc),
			  LL_MAC_ARGS(want.mac), fw->name);
		if (fw->native_failed && (rc = fw->native_failed(fw->ctx)) < 0)
			return attach_fail(rc, "the firmware's NIC driver did not come back");
		return at_fw_open(a);
	}
	at_net_init(a, a->np.nd);
	a->ns.ip = ip;
	ll_printf("lifeline: NIC %02x:%02x.%u %04x:%04x %s (native driver, %s), MAC "
		  LL_MAC_FMT "\n", p->bus, p->dev, p->fn, p->vendor, p->device,
		  a->np.driver, a->np.kept ? "continued from the ROM" : "reset",
		  LL_MAC_ARGS(a->np.nd->mac));
	return 0;
}

static int at_nic(struct attach *a)
{
	const struct attach_env *e = a->env;

	if (!e->fw)
		return at_native_first(a);
	if (a->set.nic == SETTINGS_NIC_UNDI || !e->fw->identify ||
	    !at_any_native(e) ||
	    (a->set.nic == SETTINGS_NIC_AUTO && e->fw->auto_fw))
		return at_fw_open(a);
	return at_native_for_fw(a);
}

/* Our own DHCP exchange (bounded), then the settings again with this
 * lease's options under the explicit ones. after_fw: the firmware's
 * DHCPACK named no path. */
static int at_dhcp(struct attach *a, int after_fw)
{
	const struct attach_fw_nic *fw = a->env->fw;
	uint64_t deadline = ll_now(a->env->clock) + ATTACH_DHCP_US;
	char what[40];
	int rc;

	if (after_fw)
		ll_printf("lifeline: no %s from the %s DHCPACK, asking DHCP\n",
			  at_dump(a) ? "dump path" : "root path", at_ack_name(a));
	memset(&a->ns.ip, 0, sizeof(a->ns.ip));
	rc = dhcp_run(&a->ns, &a->lease, deadline);
	if (rc < 0 && !after_fw)
		return attach_fail(rc, "DHCP");
	if (rc < 0) {
		ll_snprintf(what, sizeof(what), "DHCP over %s",
			    a->np.nd ? a->np.driver : fw ? fw->name : "?");
		return attach_fail(rc, what);
	}
	a->have_lease = 1;
	if (after_fw)
		ll_printf("lifeline: address " LL_IPV4_FMT " from our own DHCP\n",
			  LL_IPV4_ARGS(a->ns.ip.addr));
	else
		ll_printf("lifeline: address " LL_IPV4_FMT " gateway " LL_IPV4_FMT
			  " (DHCP from " LL_IPV4_FMT ")\n",
			  LL_IPV4_ARGS(a->ns.ip.addr), LL_IPV4_ARGS(a->ns.ip.gateway),
			  LL_IPV4_ARGS(a->lease.server_id));
	return at_settings(a, &a->lease);
}

/* A partial firmware DHCPACK and no initiator-iqn anywhere: one bounded
 * DHCP exchange of our own for option 203 (and 17/224 with it). Failing
 * it is not fatal: the firmware's lease and the default name stay. */
static int at_dhcp_for_iqn(struct attach *a)
{
	struct net_ipcfg ip = a->ns.ip;
	struct dhcp_lease keep = a->lease;
	int rc;

	ll_printf("lifeline: no initiator-iqn in the %s DHCPACK, asking DHCP\n",
		  a->env->fw->ack_name);
	memset(&a->ns.ip, 0, sizeof(a->ns.ip));
	rc = dhcp_run(&a->ns, &a->lease, ll_now(a->env->clock) + ATTACH_DHCP_IQN_US);
	if (rc < 0) {
		a->ns.ip = ip;
		a->lease = keep;
		ll_printf("lifeline: E%d %s: DHCP for the initiator name, keeping " LL_IPV4_FMT "\n",
			  -rc, ll_strerror(rc), LL_IPV4_ARGS(ip.addr));
		return 0;
	}
	ll_printf("lifeline: address " LL_IPV4_FMT " from our own DHCP\n",
		  LL_IPV4_ARGS(a->ns.ip.addr));
	return at_settings(a, &a->lease);
}

static int at_want_iqn(const struct attach *a)
{
	const struct attach_fw_nic *fw = a->env->fw;

	return fw && fw->ack && fw->ack_partial && a->have_lease &&
	       !(a->set.set & (1u << SET_INITIATOR_IQN));
}

/* Explicit network settings over whatever a lease gave. */
static void at_static(struct attach *a)
{
	const struct settings *s = &a->set;
	struct net_ipcfg *ip = &a->ns.ip;

	if (s->set & (1u << SET_IP))
		ip->addr = s->ip;
	if (s->set & (1u << SET_NETMASK))
		ip->netmask = s->netmask;
	if (s->set & (1u << SET_GATEWAY))
		ip->gateway = s->gateway;
	if (s->set & (1u << SET_DNS))
		ip->dns = s->dns;
	if (a->have_lease)
		return;
	if (!ip->netmask)
		ip->netmask = ATTACH_STATIC_NETMASK;
	ll_printf("lifeline: address " LL_IPV4_FMT " gateway " LL_IPV4_FMT " (static)\n",
		  LL_IPV4_ARGS(ip->addr), LL_IPV4_ARGS(ip->gateway));
}

/* A firmware lease without our path: ask DHCP ourselves. No lease and no
 * ip=: DHCP. Then the explicit addresses. */
static int at_address(struct attach *a)
{
	int rc = 0;

	if (a->have_lease && !at_path(a)[0])
		rc = at_dhcp(a, 1);
	else if (at_want_iqn(a))
		rc = at_dhcp_for_iqn(a);
	else if (!a->have_lease && !(a->set.set & (1u << SET_IP)))
		rc = at_dhcp(a, 0);
	if (rc < 0)
		return rc;
	at_static(a);
	return 0;
}

/* The path parsed, the initiator named. 1: no path and none needed. */
/* A dump must never write over the disk the OS boots from: dump-path
 * naming root-path's target and LUN (on any portal) is refused before a
 * login. */
static int at_dump_is_boot(const struct attach *a)
{
	struct iscsi_rootpath boot;

	if (!at_dump(a) || !a->set.root_path[0] ||
	    iscsi_rootpath_parse(a->set.root_path, &boot) < 0)
		return 0;
	return !ll_strcasecmp(boot.rp_target, a->rp.rp_target) &&
	       !memcmp(boot.rp_lun, a->rp.rp_lun, sizeof(boot.rp_lun));
}

static int at_target(struct attach *a)
{
	const char *path = at_path(a);
	struct settings *s = &a->set;

	if (!path[0] && a->env->path_optional) {
		ll_printf("lifeline: no %s set; nothing to log in to\n",
			  at_dump(a) ? "dump-path" : "root-path");
		return 1;
	}
	if (!path[0])
		return attach_fail(LL_ESETTING, at_dump(a) ? "dump-path (none given)" :
				   "root-path (none from DHCP option 17 or settings)");
	if (iscsi_rootpath_parse(path, &a->rp) < 0)
		return attach_fail(LL_EROOTPATH, path);
	if (at_dump_is_boot(a))
		return attach_fail(LL_EDUMPBOOT, "dump-path names root-path's target and LUN");
	if (!s->initiator_iqn[0])
		ll_snprintf(s->initiator_iqn, sizeof(s->initiator_iqn),
			    ATTACH_DEFAULT_IQN_FMT, LL_MAC_ARGS(a->ns.dev->mac));
	return 0;
}

static const char *set_or_null(const char *v)
{
	return v[0] ? v : NULL;
}

static void at_cfg(const struct attach *a, struct iscsi_session_cfg *cfg)
{
	const struct settings *s = &a->set;

	memset(cfg, 0, sizeof(*cfg));
	cfg->target_ip = a->rp.rp_server;
	cfg->target_port = a->rp.rp_port;
	cfg->target_name = a->rp.rp_target;
	cfg->initiator_name = s->initiator_iqn;
	cfg->username = set_or_null(s->username);
	cfg->password = set_or_null(s->password);
	cfg->reverse_username = set_or_null(s->reverse_username);
	cfg->reverse_password = set_or_null(s->reverse_password);
	memcpy(cfg->lun, a->rp.rp_lun, 8);
	cfg->reconnect_limit_us = s->outage_limit_s * 1000000u;
	for (unsigned i = 0; i < s->alt_portals.n; i++) {
		cfg->alt[i].ip = s->alt_portals.ip[i];
		cfg->alt[i].port = s->alt_portals.port[i];
	}
	cfg->n_alt = s->alt_portals.n;
	cfg->retry_seed = a->retry_seed;
}

int attach_open_lun(struct blockdev *b, struct iscsi_session *s,
		    const char *target, uint64_t deadline)
{
	int rc = blk_open(b, s, deadline);

	if (rc < 0) {
		iscsi_session_close(s, iscsi_session_now(s) + ATTACH_LOGOUT_US);
		return rc;
	}
	ll_printf("lifeline: logged in to %s, %llu blocks of %u bytes\n", target,
		  (unsigned long long)b->blocks, (unsigned)b->block_size);
	return 0;
}

/* One try: a fresh arena, the session, then the LUN. */
static int at_login_once(struct attach *a)
{
	const struct attach_env *e = a->env;
	struct iscsi_session_cfg cfg;
	uint64_t now = ll_now(e->clock);
	int rc = ll_arena_init(&a->arena, e->arena, e->arena_size);

	at_cfg(a, &cfg);
	if (!rc && e->xport)
		rc = iscsi_session_open_xport(&a->sess, e->xport, e->xport_ctx,
					      &cfg, &a->arena,
					      now + ATTACH_LOGIN_TRY_US);
	else if (!rc)
		rc = iscsi_session_open(&a->sess, &a->ns, &cfg, &a->arena,
					now + ATTACH_LOGIN_TRY_US);
	if (!rc)
		rc = attach_open_lun(&a->bd, a->sess, a->rp.rp_target,
				     now + ATTACH_LOGIN_TRY_US + ATTACH_READY_US);
	if (rc < 0)
		a->sess = NULL;
	return rc;
}

/* Wait without a session, still answering ARP. */
static void at_pause(struct attach *a, uint64_t us)
{
	uint64_t end = ll_now(a->env->clock) + us;

	while (ll_now(a->env->clock) < end)
		net_poll_wait(&a->ns, ATTACH_PAUSE_STEP_US);
}

/* The target's final word: a wrong secret or an unknown target name is
 * not helped by asking again (and repeated CHAP failures may lock the
 * account on some targets). Everything else (no answer, a target error,
 * a LUN not ready yet) gets the next try. */
static int at_login_final(int rc)
{
	return rc == LL_EAUTH || rc == LL_ENOTARGET;
}

/* The pause before try i + 1: ATTACH_RETRY_PAUSE_US plus this client's
 * jitter (lib/backoff.h, the same as the session's reconnect delays). */
static void at_retry_pause(struct attach *a, unsigned i)
{
	uint64_t us = ll_jitter_us(a->retry_seed, i, ATTACH_RETRY_PAUSE_US);

	ll_printf("lifeline: next login try in %u.%u s\n", (unsigned)(us / 1000000u),
		  (unsigned)(us / 100000u % 10));
	at_pause(a, us);
}

static int at_login(struct attach *a)
{
	const char *what = at_dump(a) ? "dump target" : "boot target";
	const char *t = a->rp.rp_target;
	int rc = LL_ELOGIN;

	a->retry_seed = ll_jitter_seed(a->ns.dev->mac, ETH_ALEN, ll_now(a->env->clock));
	for (unsigned i = 1; i <= ATTACH_LOGIN_TRIES; i++) {
		ll_printf("lifeline: %s %s, login try %u of %u\n", what, t, i,
			  ATTACH_LOGIN_TRIES);
		rc = at_login_once(a);
		if (!rc)
			return 0;
		ll_printf("lifeline: E%d %s: login to %s\n", -rc, ll_strerror(rc), t);
		if (at_login_final(rc))
			break;
		if (i < ATTACH_LOGIN_TRIES)
			at_retry_pause(a, i);
	}
	return attach_fail(rc, "giving up on the target");
}

int attach_run(struct attach *a, const struct attach_env *env)
{
	int rc;

	memset(a, 0, sizeof(*a));
	a->env = env;
	if (env->fw && (rc = at_fw_lease(a)) < 0)
		return rc;
	if ((rc = at_settings(a, a->have_lease ? &a->lease : NULL)) < 0 ||
	    (rc = at_nic(a)) < 0 || (rc = at_loader_lease(a)) < 0 ||
	    (rc = at_address(a)) < 0 ||
	    (rc = at_target(a)) != 0)
		return rc < 0 ? rc : 0;
	return at_login(a);
}

void attach_logout(struct attach *a)
{
	int rc;

	if (!a->sess)
		return;
	rc = iscsi_session_close(a->sess, iscsi_session_now(a->sess) +
					  ATTACH_LOGOUT_US);
	a->sess = NULL;
	if (rc < 0)
		ll_printf("lifeline: E%d %s: logout\n", -rc, ll_strerror(rc));
	else
		ll_printf("lifeline: logged out\n");
}

void attach_release(struct attach *a)
{
	if (a->np.nd)
		a->np.nd->ops->close(a->np.nd);
	a->np.nd = NULL;
}
