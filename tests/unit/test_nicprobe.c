/* tests/unit/test_nicprobe.c - picking the native NIC from arch's list:
 * first supported, by PCI address, by MAC (others opened then closed), an
 * open failure falling through to the next, nothing suitable. */
#include "tests/lib/check.h"
#include "tests/lib/fake_e1000.h"
#include "tests/lib/fake_virtio.h"
#include "drivers/net/nicprobe.h"
#include "lib/err.h"

static struct fake_e1000 fe;
static struct fake_virtio fv;
static struct nic_probe np;
static unsigned makes;

static const struct nic_candidate list[] = {
	{ 0x10ec, 0x8139, 0, 2, 0 },  /* not supported */
	{ 0x8086, 0x100e, 0, 3, 0 },  /* e1000 */
	{ 0x1af4, 0x1000, 0, 4, 0 },  /* virtio-net, transitional */
};

static int make(void *ctx, const struct nic_candidate *c, struct pcidev *out)
{
	(void)ctx;
	makes++;
	if (c->dev == 3)
		*out = fe.pci;
	else if (c->dev == 4)
		*out = fv.pci;
	else
		return LL_ENODEV;
	out->bus = c->bus; out->dev = c->dev; out->fn = c->fn;
	return 0;
}

static void setup(void)
{
	fake_e1000_init(&fe, 0x100e, E1000_DMA_SIZE);
	fake_virtio_init(&fv, 0x1000, 1, 256, VIRTIO_NET_DMA_SIZE);
	makes = 0;
}

static void teardown(void)
{
	if (np.nd)
		np.nd->ops->close(np.nd);
	fake_e1000_free(&fe);
	fake_virtio_free(&fv);
}

static void test_driver_table(void)
{
	CHECK(nicprobe_driver_for(0x8086, 0x10d3) != NULL);
	CHECK_EQ(strcmp(nicprobe_driver_for(0x8086, 0x100e), "e1000"), 0);
	CHECK_EQ(strcmp(nicprobe_driver_for(0x1af4, 0x1041), "virtio-net"), 0);
	CHECK(nicprobe_driver_for(0x1af4, 0x1001) == NULL); /* virtio-blk */
	CHECK(nicprobe_driver_for(0x10ec, 0x8139) == NULL);
}

static void test_first_supported(void)
{
	static const uint8_t f[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	setup();
	CHECK_EQ(nicprobe(&np, list, 3, make, NULL, NULL), 0);
	CHECK_EQ(strcmp(np.driver, "e1000"), 0);
	CHECK(np.nd == &np.drv.e1000.nd);
	CHECK_EQ(np.tried, 1);
	CHECK_EQ(makes, 1); /* the unsupported one is never built */
	CHECK_EQ(np.nd->ops->transmit(np.nd, f, sizeof(f)), 0);
	CHECK_EQ(fe.tx_n, 1);
	CHECK_EQ(fake_e1000_rx(&fe, f, sizeof(f), E1000_RXD_STAT_EOP, 0), 0);
	teardown();
}

static void test_by_bdf(void)
{
	struct nicprobe_want w = {0};
	static const uint8_t f[60] = {1};

	setup();
	w.use_bdf = 1; w.bus = 0; w.dev = 4; w.fn = 0;
	CHECK_EQ(nicprobe(&np, list, 3, make, NULL, &w), 0);
	CHECK_EQ(strcmp(np.driver, "virtio-net"), 0);
	CHECK_EQ(np.skipped, 1);
	CHECK_EQ(fe.resets, 1); /* e1000 never touched */
	CHECK_EQ(fake_virtio_rx(&fv, f, sizeof(f)), 0);
	fake_virtio_rx_raw(&fv, 999, 70);
	CHECK_EQ(np.nd->ops->poll(np.nd, NULL, NULL, 0), 0);
	/* The driver union's netdevs share an address: halt and kept go by
	 * the driver bound, never by that address (virtio halted, e1000 not
	 * touched, nothing read as "kept" out of virtio's state). */
	CHECK_EQ(np.kept, 0);
	unsigned vr = fv.resets, er = fe.resets;
	nicprobe_halt(&np);
	CHECK_EQ(fv.resets, vr + 1);
	CHECK_EQ(fv.status, 0);
	CHECK_EQ(fe.resets, er);
	teardown();
}

static void test_by_mac(void)
{
	struct nicprobe_want w = {0};
	static const uint8_t vmac[6] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};

	setup();
	w.use_mac = 1;
	memcpy(w.mac, vmac, 6);
	CHECK_EQ(nicprobe(&np, list, 3, make, NULL, &w), 0);
	CHECK_EQ(strcmp(np.driver, "virtio-net"), 0);
	CHECK_EQ(np.tried, 2);
	CHECK_EQ(fe.resets, 3);                     /* opened, then closed */
	CHECK_EQ(fe.cfg[1] & PCI_CMD_MASTER, 0);
	CHECK(memcmp(np.nd->mac, vmac, 6) == 0);
	teardown();

	setup();
	w.mac[5] = 0;                               /* nobody has it */
	CHECK_EQ(nicprobe(&np, list, 3, make, NULL, &w), LL_ENODEV);
	CHECK(np.nd == NULL);
	CHECK_EQ(np.last_error, LL_ENOENT);
	CHECK_EQ(fv.status, 0);                     /* closed again */
	teardown();
}

static void test_open_failure_falls_through(void)
{
	setup();
	fe.rst_stuck = 1;
	CHECK_EQ(nicprobe(&np, list, 3, make, NULL, NULL), 0);
	CHECK_EQ(strcmp(np.driver, "virtio-net"), 0);
	CHECK_EQ(np.tried, 2);
	teardown();
	setup();
	CHECK_EQ(nicprobe(&np, list, 1, make, NULL, NULL), LL_ENODEV);
	CHECK_EQ(np.last_error, 0);
	CHECK_EQ(makes, 0);
	teardown();
}

int main(void)
{
	check_suite = "nicprobe";
	RUN(test_driver_table);
	RUN(test_first_supported);
	RUN(test_by_bdf);
	RUN(test_by_mac);
	RUN(test_open_failure_falls_through);
	return CHECK_DONE();
}
