/* tests/unit/test_attach.c - the one attach path over the fakes: a native
 * e1000 model (fake_e1000.h), a firmware NIC (fakenet.h) with a DHCPACK,
 * the scripted target (iscsi_fake.h) through the transport seam. Success
 * and each failure: no NIC, DHCP timeout, no / bad root path, login refused
 * then retried, a LUN that never gets ready; the "logged in" step. */
#include "tests/lib/check.h"
#include "tests/lib/dhcp_pkt.h"
#include "tests/lib/fake_e1000.h"
#include "tests/lib/fakenet.h"
#include "tests/lib/iscsi_fake.h"
#include "attach/attach.h"
#include "lib/print.h"

#define NBLK 4096
#define TARGET "iqn.x:disk"
#define PATH "iscsi:10.0.0.1::3260:1:" TARGET

static struct fake_e1000 fe;
static struct fakenet fw_net;
static struct attach_fw_nic fw;
static struct attach_env env;
static struct attach at;
static struct attach_sources src;
static struct ll_clock clk;
static uint8_t arena[4u << 20];
static uint8_t ack[400];
static unsigned identifies, refuse_connects;
static char out[16384];
static size_t out_len;

static const struct nic_candidate e1000_nic = { 0x8086, 0x100e, 0, 3, 0 };
static const uint8_t e1000_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* One clock for the stack, the attach deadlines and the fake target; it
 * moves on every read so that every wait ends. */
static uint64_t tick(void *ctx)
{
	(void)ctx;
	return fk.now += 50;
}

static void capture(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	if (n > sizeof(out) - 1 - out_len)
		n = sizeof(out) - 1 - out_len;
	memcpy(out + out_len, p, n);
	out_len += n;
	out[out_len] = 0;
}

static int make(void *ctx, const struct nic_candidate *c, struct pcidev *o)
{
	(void)ctx;
	*o = fe.pci;
	o->bus = c->bus; o->dev = c->dev; o->fn = c->fn;
	return 0;
}

static int fw_identify(void *ctx)
{
	(void)ctx;
	identifies++;
	return 0;
}

static void fw_wait(struct netdev *nd, uint32_t us)
{
	(void)nd;
	fk.now += us;
}

static struct netdev_ops fw_ops;

/* The target refuses the first refuse_connects connections. Each
 * connection here is a new session (attach never reconnects one): the
 * target's CmdSN window starts where a new session's CmdSN does. */
static int t_connect(struct iscsi_session *s, uint32_t ip, uint16_t port,
		     uint64_t dl)
{
	int rc = fk_connect(s, ip, port, dl);

	fk.expcmdsn = 1;
	if (refuse_connects) {
		refuse_connects--;
		return LL_ECONNREFUSED;
	}
	return rc;
}

static struct iscsi_xport_ops t_ops;

/* A firmware DHCPACK for 10.0.0.5 from 10.0.0.1, with option 17 when
 * path is not NULL. */
static size_t build_ack(const char *path)
{
	size_t n = bootreply(ack, 0x11223344, IP4(10, 0, 0, 5), 0);

	ack[n++] = 53; ack[n++] = 1; ack[n++] = 5;
	ack[n++] = 54; ack[n++] = 4; n += put32(ack + n, IP4(10, 0, 0, 1));
	ack[n++] = 1; ack[n++] = 4; n += put32(ack + n, IP4(255, 255, 0, 0));
	ack[n++] = 3; ack[n++] = 4; n += put32(ack + n, IP4(10, 0, 0, 1));
	if (path) {
		ack[n++] = 17; ack[n++] = (uint8_t)strlen(path);
		memcpy(ack + n, path, strlen(path));
		n += strlen(path);
	}
	ack[n++] = 255;
	return n;
}

static void setup(const char *cmdline, enum attach_path path)
{
	static uint8_t store[NBLK * 512];

	fk_reset();
	fk.op_text = "InitialR2T=Yes\0MaxBurstLength=262144\0";
	fk.disk = 1;
	fk.blocks = store;
	fk.nblocks = NBLK;
	fk.bsize = 512;
	fk.cap_last = NBLK - 1;
	t_ops = fk_ops;
	t_ops.connect = t_connect;
	refuse_connects = 0;
	identifies = 0;
	fake_e1000_init(&fe, 0x100e, E1000_DMA_SIZE);
	clk.now_us = tick;
	clk.ctx = NULL;
	src.cmdline = cmdline;
	src.block = 0;
	memset(&env, 0, sizeof(env));
	env.clock = &clk;
	env.settings = attach_settings_std;
	env.settings_ctx = &src;
	env.nics = &e1000_nic;
	env.n_nics = 1;
	env.nic_make = make;
	env.path = path;
	env.arena = arena;
	env.arena_size = sizeof(arena);
	env.xport = &t_ops;
	env.xport_ctx = &fk;
	out_len = 0;
	out[0] = 0;
	ll_console_set(capture, NULL);
}

/* The firmware NIC: a fakenet that idles by moving the clock on. */
static void setup_fw(const char *cmdline, const char *ack_path, const uint8_t *mac)
{
	setup(cmdline, ATTACH_ROOT_PATH);
	fake_init(&fw_net);
	memcpy(fw_net.nd.mac, mac, 6);
	fw_ops = *fw_net.nd.ops;
	fw_ops.wait = fw_wait;
	fw_net.nd.ops = &fw_ops;
	memset(&fw, 0, sizeof(fw));
	fw.nd = &fw_net.nd;
	fw.name = "FWNIC";
	fw.identify = fw_identify;
	fw.identify_what = "FWNIC identify";
	fw.ack = ack;
	fw.ack_len = build_ack(ack_path);
	fw.ack_name = "FW";
	env.fw = &fw;
}

static void teardown(void)
{
	if (getenv("ATTACH_DEBUG"))
		fprintf(stderr, "%s", out);
	attach_release(&at);
	fake_e1000_free(&fe);
	ll_console_set(NULL, NULL);
}

static int has(const char *s)
{
	return strstr(out, s) != NULL;
}

static int count(const char *s)
{
	int n = 0;
	for (const char *p = out; (p = strstr(p, s)) != NULL; p++)
		n++;
	return n;
}

/* Crash-style: first native NIC, ip= (no DHCP), dump-path, default IQN
 * from the NIC's MAC, one login, the LUN ready; then logout. */
static void test_native_static(void)
{
	setup("ip=10.0.0.5 root-path=iscsi:10.0.0.9::3260:1:iqn.x:boot dump-path=" PATH,
	      ATTACH_DUMP_PATH);
	CHECK_EQ(attach_run(&at, &env), 0);
	CHECK(at.sess != NULL);
	CHECK(at.np.nd != NULL);
	CHECK_EQ(at.bd.blocks, NBLK);
	CHECK_EQ(at.bd.block_size, 512);
	CHECK_EQ(fk.last_ip, IP4(10, 0, 0, 1));      /* dump-path, not root-path */
	CHECK_EQ(fk.last_port, 3260);
	CHECK_EQ(fk.connects, 1);
	CHECK_EQ(at.ns.ip.addr, IP4(10, 0, 0, 5));
	CHECK_EQ(at.ns.ip.netmask, IP4(255, 255, 255, 0));
	CHECK_EQ(strcmp(at.set.initiator_iqn, "iqn.2026-01.org.lifeline:525400123456"), 0);
	CHECK(has("lifeline: NIC 00:03.0 8086:100e e1000, MAC 52:54:00:12:34:56\n"));
	CHECK(has("lifeline: address 10.0.0.5 gateway 0.0.0.0 (static)\n"));
	CHECK(has("lifeline: dump target " TARGET ", login try 1 of 3\n"));
	CHECK(has("lifeline: logged in to " TARGET ", 4096 blocks of 512 bytes\n"));
	CHECK(!has("lifeline: E"));
	struct fk_pdu *l = fk_find(ISCSI_OP_LOGIN_REQ, 0);
	CHECK(l && memmem(fk_data(l), l->p.data_len,
			  "InitiatorName=iqn.2026-01.org.lifeline:525400123456", 51));
	/* the stack lives on the native NIC: it answers ARP for its address */
	static const uint8_t arp[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 7, 0x08, 0x06,
		0, 1, 0x08, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 7, 10, 0, 0, 7,
		0, 0, 0, 0, 0, 0, 10, 0, 0, 5,
	};
	unsigned tx0 = fe.tx_n;
	CHECK_EQ(fake_e1000_rx(&fe, arp, sizeof(arp), E1000_RXD_STAT_EOP, 0), 0);
	net_poll(&at.ns);
	CHECK_EQ(fe.tx_n, tx0 + 1);
	CHECK_EQ(fe.tx[tx0].data[21], 2);             /* ARP reply */
	attach_logout(&at);
	CHECK(at.sess == NULL);
	CHECK_EQ(fk_count(ISCSI_OP_LOGOUT_REQ), 1);
	/* the fake target never answers a logout: reported, bounded */
	CHECK(has("lifeline: E3 timed out: logout\n"));
	teardown();
}

/* dump-path naming the boot LUN (same target and LUN, any portal, any
 * case) is refused before any login; another LUN of it is fine. */
static void test_dump_path_is_boot_lun(void)
{
	setup("ip=10.0.0.5 root-path=iscsi:10.0.0.9::3260:1:IQN.X:DISK dump-path=" PATH,
	      ATTACH_DUMP_PATH);
	CHECK_EQ(attach_run(&at, &env), LL_EDUMPBOOT);
	CHECK(has("lifeline: E71 dump-path is the boot LUN: dump-path names root-path's target and LUN\n"));
	CHECK_EQ(fk.connects, 0);
	teardown();
	setup("ip=10.0.0.5 root-path=iscsi:10.0.0.1::3260:2:" TARGET " dump-path=" PATH,
	      ATTACH_DUMP_PATH);
	CHECK_EQ(attach_run(&at, &env), 0);
	attach_logout(&at);
	teardown();
}

static void test_no_nic(void)
{
	setup("ip=10.0.0.5 dump-path=" PATH, ATTACH_DUMP_PATH);
	env.n_nics = 0;
	CHECK_EQ(attach_run(&at, &env), LL_ENODEV);
	CHECK(has("lifeline: E"));
	CHECK(has(": no usable NIC (e1000 family, virtio-net)\n"));
	CHECK_EQ(fk.connects, 0);
	teardown();
}

/* No ip=: DHCP, bounded by ATTACH_DHCP_US when nobody answers. */
static void test_dhcp_timeout(void)
{
	setup("dump-path=" PATH, ATTACH_DUMP_PATH);
	uint64_t t0 = fk.now;
	CHECK_EQ(attach_run(&at, &env), LL_ETIMEDOUT);
	CHECK(fk.now - t0 >= ATTACH_DHCP_US);
	CHECK(fk.now - t0 < ATTACH_DHCP_US + 2 * SEC);
	CHECK(fe.tx_n >= 2);                          /* DISCOVERs went out */
	const uint8_t *v = NULL;
	CHECK_EQ(find_opt(fe.tx[0].data + 42, fe.tx[0].len - 42, 53, &v), 1);
	CHECK(v && v[0] == 1);                        /* DHCPDISCOVER */
	CHECK(has(": DHCP\n"));
	CHECK_EQ(fk.connects, 0);
	teardown();
}

/* The path is required unless the entry says it is optional. */
static void test_no_root_path(void)
{
	setup("ip=10.0.0.5 dump-path=" PATH, ATTACH_ROOT_PATH);
	CHECK_EQ(attach_run(&at, &env), LL_ESETTING);
	CHECK(has(": root-path (none from DHCP option 17 or settings)\n"));
	teardown();
	setup("ip=10.0.0.5 root-path=" PATH, ATTACH_DUMP_PATH);
	CHECK_EQ(attach_run(&at, &env), LL_ESETTING);
	CHECK(has(": dump-path (none given)\n"));
	teardown();
	setup("ip=10.0.0.5", ATTACH_ROOT_PATH);
	env.path_optional = 1;
	CHECK_EQ(attach_run(&at, &env), 0);
	CHECK(at.sess == NULL);
	CHECK(has("lifeline: no root-path set; nothing to log in to\n"));
	CHECK_EQ(fk.connects, 0);
	attach_logout(&at);                           /* nothing to do */
	CHECK(!has("logged out"));
	teardown();
}

/* A source that hands a path the RFC 4173 parser refuses. */
static int bad_path_settings(void *ctx, const struct dhcp_lease *lease,
			     struct settings *o, struct settings_err *err)
{
	(void)ctx; (void)lease; (void)err;
	settings_init(o);
	o->set |= 1u << SET_IP;
	o->ip = IP4(10, 0, 0, 5);
	memcpy(o->root_path, "iscsi:nohost", sizeof("iscsi:nohost"));
	return 0;
}

static void test_bad_root_path(void)
{
	setup("ip=10.0.0.5 root-path=iscsi:10.0.0.1::3260:1:", ATTACH_ROOT_PATH);
	CHECK_EQ(attach_run(&at, &env), LL_ESETTING);  /* the parser's check */
	CHECK(has(": root-path\n"));
	CHECK(!has("lifeline: NIC"));                  /* before the NIC */
	teardown();
	setup("", ATTACH_ROOT_PATH);
	env.settings = bad_path_settings;
	CHECK_EQ(attach_run(&at, &env), LL_EROOTPATH);
	CHECK(has(": iscsi:nohost\n"));
	CHECK_EQ(fk.connects, 0);
	teardown();
}

/* Refused twice: two reports, the pause, the third try logs in. Refused
 * always: ATTACH_LOGIN_TRIES tries, then one "giving up". */
static void test_login_retried(void)
{
	setup("ip=10.0.0.5 root-path=" PATH, ATTACH_ROOT_PATH);
	refuse_connects = 2;
	uint64_t t0 = fk.now;
	CHECK_EQ(attach_run(&at, &env), 0);
	CHECK_EQ(fk.connects, 3);
	CHECK(fk.now - t0 >= 2 * ATTACH_RETRY_PAUSE_US);
	CHECK_EQ(count(": login to " TARGET "\n"), 2);
	CHECK(has("lifeline: E22 "));
	CHECK(has("lifeline: boot target " TARGET ", login try 3 of 3\n"));
	CHECK(has("lifeline: logged in to " TARGET ", 4096 blocks of 512 bytes\n"));
	CHECK(!has("giving up"));
	teardown();
	setup("ip=10.0.0.5 root-path=" PATH, ATTACH_ROOT_PATH);
	refuse_connects = 100;
	CHECK_EQ(attach_run(&at, &env), LL_ECONNREFUSED);
	CHECK_EQ(fk.connects, ATTACH_LOGIN_TRIES);
	CHECK(at.sess == NULL);
	CHECK_EQ(count(": login to " TARGET "\n"), ATTACH_LOGIN_TRIES);
	CHECK(has("lifeline: E22 connection refused (RST on SYN): giving up on the target\n"));
	CHECK(!has("lifeline: logged in to"));
	teardown();
}

/* TEST UNIT READY never passes: each try logs out, then gives up. */
static void test_lun_never_ready(void)
{
	setup("ip=10.0.0.5 root-path=" PATH, ATTACH_ROOT_PATH);
	fk.ua_pending = 1000;
	CHECK_EQ(attach_run(&at, &env), LL_ESCSI);
	CHECK_EQ(fk.connects, ATTACH_LOGIN_TRIES);
	CHECK_EQ(fk_count(ISCSI_OP_LOGOUT_REQ), ATTACH_LOGIN_TRIES);
	CHECK(at.sess == NULL);
	CHECK(!has("lifeline: logged in to"));
	CHECK(has(": giving up on the target\n"));
	teardown();
}

/* PXE-style: the firmware's DHCPACK gives address and root path; the
 * native driver for the firmware's MAC takes the NIC, the address stays. */
static void test_fw_native_takeover(void)
{
	setup_fw("", PATH, e1000_mac);
	CHECK_EQ(attach_run(&at, &env), 0);
	CHECK_EQ(identifies, 1);
	CHECK(at.np.nd != NULL);
	CHECK(at.ns.dev == at.np.nd);
	CHECK_EQ(at.ns.ip.addr, IP4(10, 0, 0, 5));
	CHECK_EQ(at.ns.ip.netmask, IP4(255, 255, 0, 0));
	CHECK(at.have_lease);
	CHECK(has("lifeline: address 10.0.0.5 from the FW DHCPACK\n"));
	CHECK(has("8086:100e e1000 (native driver, "));
	CHECK(!has("FWNIC open"));
	CHECK(!has("(static)"));
	CHECK(has("lifeline: logged in to " TARGET ", 4096 blocks of 512 bytes\n"));
	teardown();
}

/* nic=undi, or no native NIC with the firmware's MAC: the firmware NIC.
 * ip= still overrides the lease's address. */
static void test_fw_nic(void)
{
	static const uint8_t other[6] = { 2, 0, 0, 0, 0, 9 };

	setup_fw("nic=undi", PATH, e1000_mac);
	CHECK_EQ(attach_run(&at, &env), 0);
	CHECK_EQ(identifies, 0);
	CHECK(at.np.nd == NULL);
	CHECK(at.ns.dev == &fw_net.nd);
	CHECK(has("lifeline: FWNIC open, MAC 52:54:00:12:34:56\n"));
	teardown();
	setup_fw("ip=10.0.0.77", PATH, other);
	CHECK_EQ(attach_run(&at, &env), 0);
	CHECK_EQ(identifies, 1);
	CHECK(at.ns.dev == &fw_net.nd);
	CHECK_EQ(at.ns.ip.addr, IP4(10, 0, 0, 77));
	CHECK_EQ(at.ns.ip.netmask, IP4(255, 255, 0, 0));
	CHECK(has("no native driver for MAC 02:00:00:00:00:09, using FWNIC\n"));
	CHECK(has("lifeline: FWNIC open, MAC 02:00:00:00:00:09\n"));
	teardown();
}

static int fw_restores;
static int fw_restore(void *ctx)
{
	(void)ctx;
	fw_restores++;
	return 0;
}

/* UEFI's rules: nic=auto where the entry prefers its firmware NIC keeps
 * it (no identify, no probe); nic=snp is nic=undi; nic=native takes the
 * native driver even then; a native probe that fails calls
 * native_failed before the firmware NIC opens, and its failure ends the
 * attach. */
static void test_fw_auto_and_restore(void)
{
	static const uint8_t other[6] = { 2, 0, 0, 0, 0, 9 };

	setup_fw("", PATH, e1000_mac);
	fw.auto_fw = 1;
	CHECK_EQ(attach_run(&at, &env), 0);
	CHECK_EQ(identifies, 0);
	CHECK(at.ns.dev == &fw_net.nd);
	teardown();
	setup_fw("nic=snp", PATH, e1000_mac);
	CHECK_EQ(attach_run(&at, &env), 0);
	CHECK_EQ(identifies, 0);
	CHECK(at.np.nd == NULL);
	teardown();
	setup_fw("nic=native", PATH, e1000_mac);
	fw.auto_fw = 1;
	CHECK_EQ(attach_run(&at, &env), 0);
	CHECK(at.np.nd != NULL);
	CHECK(has("(native driver, "));
	teardown();
	fw_restores = 0;
	setup_fw("nic=native", PATH, other);
	fw.native_failed = fw_restore;
	CHECK_EQ(attach_run(&at, &env), 0);
	CHECK_EQ(fw_restores, 1);
	CHECK(at.ns.dev == &fw_net.nd);
	CHECK(has("lifeline: FWNIC open, MAC 02:00:00:00:00:09\n"));
	teardown();
}

/* The firmware's DHCPACK names no root path: our own DHCP, bounded. */
static void test_fw_ack_without_path(void)
{
	static const uint8_t other[6] = { 2, 0, 0, 0, 0, 9 };

	setup_fw("nic=undi", NULL, other);
	uint64_t t0 = fk.now;
	CHECK_EQ(attach_run(&at, &env), LL_ETIMEDOUT);
	CHECK(fk.now - t0 >= ATTACH_DHCP_US);
	CHECK(has("lifeline: no root path from the FW DHCPACK, asking DHCP\n"));
	CHECK(has(": DHCP over FWNIC\n"));
	CHECK(fw_net.tx_n >= 2);
	CHECK_EQ(fk.connects, 0);
	teardown();
}

/* A partial firmware DHCPACK (UEFI PXE: no option 203 asked for) and no
 * initiator-iqn anywhere: one bounded DHCP exchange of our own; no answer
 * keeps the firmware's address and the default name. With the name from
 * another source, no exchange. */
static void test_fw_ack_partial(void)
{
	static const uint8_t other[6] = { 2, 0, 0, 0, 0, 9 };

	setup_fw("nic=undi", PATH, other);
	fw.ack_partial = 1;
	uint64_t t0 = fk.now;
	CHECK_EQ(attach_run(&at, &env), 0);
	CHECK(fk.now - t0 >= ATTACH_DHCP_IQN_US);
	CHECK(fk.now - t0 < ATTACH_DHCP_US);
	CHECK(has("lifeline: no initiator-iqn in the FW DHCPACK, asking DHCP\n"));
	CHECK(has("DHCP for the initiator name, keeping 10.0.0.5\n"));
	CHECK(fw_net.tx_n >= 2);
	CHECK_EQ(at.ns.ip.addr, IP4(10, 0, 0, 5));
	CHECK(!strcmp(at.set.initiator_iqn, "iqn.2026-01.org.lifeline:020000000009"));
	CHECK(at.sess != NULL);
	teardown();
	setup_fw("nic=undi initiator-iqn=iqn.2026-01.org.example:me", PATH, other);
	fw.ack_partial = 1;
	CHECK_EQ(attach_run(&at, &env), 0);
	CHECK(!has("asking DHCP"));
	CHECK_EQ(fw_net.tx_n, 0);
	teardown();
}

/* A firmware DHCPACK whose option 224 holds a bad setting: reported by
 * key, before any NIC is opened. */
static void test_fw_ack_bad_setting(void)
{
	setup_fw("", PATH, e1000_mac);
	fw.ack_len = build_full_offer(ack);
	ack[242] = 5;                                 /* an ACK, not an OFFER */
	CHECK_EQ(attach_run(&at, &env), LL_ESETTING);
	CHECK(has("lifeline: address 10.0.0.5 from the FW DHCPACK\n"));
	CHECK(has(": dump-path\n"));
	CHECK_EQ(identifies, 0);
	CHECK(!has("open, MAC"));
	teardown();
}

/* No settings source: refused before anything else. */
static void test_no_settings(void)
{
	setup("", ATTACH_ROOT_PATH);
	env.settings = NULL;
	CHECK_EQ(attach_run(&at, &env), LL_ENOTSUP);
	CHECK(has(": settings\n"));
	CHECK(!has("lifeline: NIC"));
	teardown();
}

/* The LUN step alone (moved from blk_open_logged): the one "logged in"
 * line; when the LUN never gets ready the session is logged out. */
static void test_open_lun(void)
{
	struct blockdev b;
	struct iscsi_session *s;

	setup("", ATTACH_ROOT_PATH);
	s = fk_open(ISCSI_DIGEST_NONE);
	CHECK_EQ(attach_open_lun(&b, s, "iqn.x:disk", fk.now + 100000000), 0);
	CHECK(has("lifeline: logged in to iqn.x:disk, 4096 blocks of 512 bytes\n"));
	CHECK_EQ(fk_count(ISCSI_OP_LOGOUT_REQ), 0);
	teardown();
	setup("", ATTACH_ROOT_PATH);
	s = fk_open(ISCSI_DIGEST_NONE);
	fk.ua_pending = 100;                          /* never ready */
	CHECK_EQ(attach_open_lun(&b, s, "iqn.x:disk", fk.now + 100000000), LL_ESCSI);
	CHECK_EQ(fk_count(ISCSI_OP_LOGOUT_REQ), 1);
	CHECK(!has("lifeline: logged in to"));
	teardown();
}

int main(void)
{
	check_suite = "attach";
	RUN(test_native_static);
	RUN(test_dump_path_is_boot_lun);
	RUN(test_no_nic);
	RUN(test_dhcp_timeout);
	RUN(test_no_root_path);
	RUN(test_bad_root_path);
	RUN(test_login_retried);
	RUN(test_lun_never_ready);
	RUN(test_fw_native_takeover);
	RUN(test_fw_nic);
	RUN(test_fw_auto_and_restore);
	RUN(test_fw_ack_without_path);
	RUN(test_fw_ack_partial);
	RUN(test_fw_ack_bad_setting);
	RUN(test_no_settings);
	RUN(test_open_lun);
	return CHECK_DONE();
}
