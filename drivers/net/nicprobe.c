/* drivers/net/nicprobe.c - the native driver table and the probe: walk arch's list
 * of PCI functions, skip what no driver supports or the settings exclude,
 * open the first that works (checking its MAC when asked). */
#include "drivers/net/nicprobe.h"
#include "lib/err.h"
#include "lib/mem.h"

struct nic_driver {
	const char *name;
	int (*match)(uint16_t vendor, uint16_t device);
	int (*init)(struct nic_probe *np, const struct nicprobe_want *want);
};

static int e1000_ids(uint16_t vendor, uint16_t device)
{
	return e1000_match(vendor, device) != NULL;
}

static int e1000_bind(struct nic_probe *np, const struct nicprobe_want *want)
{
	int rc = e1000_init(&np->drv.e1000, &np->pci);

	np->drv.e1000.keep_running = want->keep_running;
	np->nd = rc ? NULL : &np->drv.e1000.nd;
	np->bound = NICPROBE_E1000;
	return rc;
}

static int virtio_bind(struct nic_probe *np, const struct nicprobe_want *want)
{
	int rc = virtio_net_init(&np->drv.virtio, &np->pci, want->virtio_flags);

	np->nd = rc ? NULL : &np->drv.virtio.nd;
	np->bound = NICPROBE_VIRTIO;
	return rc;
}

static const struct nic_driver nic_drivers[] = {
	{ "e1000", e1000_ids, e1000_bind },
	{ "virtio-net", virtio_net_match, virtio_bind },
};
#define NIC_DRIVERS (sizeof(nic_drivers) / sizeof(nic_drivers[0]))

static const struct nic_driver *driver_for(uint16_t vendor, uint16_t device)
{
	size_t i;

	for (i = 0; i < NIC_DRIVERS; i++)
		if (nic_drivers[i].match(vendor, device))
			return &nic_drivers[i];
	return NULL;
}

const char *nicprobe_driver_for(uint16_t vendor, uint16_t device)
{
	const struct nic_driver *d = driver_for(vendor, device);

	return d ? d->name : NULL;
}

/* Bring up candidate c; 0 with np->nd open, else an error. */
static int try_one(struct nic_probe *np, const struct nic_driver *d,
		   const struct nic_candidate *c, nicprobe_make_fn make,
		   void *ctx, const struct nicprobe_want *want)
{
	int rc;

	memset(&np->pci, 0, sizeof(np->pci));
	rc = make(ctx, c, &np->pci);
	if (rc)
		return rc;
	if (np->pci.vendor != c->vendor || np->pci.device != c->device)
		return LL_EINVAL; /* arch built the wrong function */
	rc = d->init(np, want);
	if (rc)
		return rc;
	np->tried++;
	rc = np->nd->ops->open(np->nd);
	if (rc)
		goto fail;
	if (want->use_mac && memcmp(np->nd->mac, want->mac, ETH_ALEN) != 0) {
		np->nd->ops->close(np->nd);
		rc = LL_ENOENT;
		goto fail;
	}
	np->driver = d->name;
	np->kept = np->bound == NICPROBE_E1000 && np->drv.e1000.kept;
	np->keep_rc = np->bound == NICPROBE_E1000 ? np->drv.e1000.cnt.adopt_rc : LL_ENOTSUP;
	return 0;
fail:
	np->nd = NULL;
	return rc;
}

void nicprobe_halt(struct nic_probe *np)
{
	if (!np->nd)
		return;
	if (np->bound == NICPROBE_E1000)
		e1000_halt(&np->drv.e1000);
	else if (np->bound == NICPROBE_VIRTIO)
		virtio_net_halt(&np->drv.virtio);
}

int nicprobe(struct nic_probe *np, const struct nic_candidate *list, size_t n,
	     nicprobe_make_fn make, void *ctx, const struct nicprobe_want *want)
{
	static const struct nicprobe_want any;
	size_t i;

	memset(np, 0, sizeof(*np));
	if (!want)
		want = &any;
	for (i = 0; i < n; i++) {
		const struct nic_candidate *c = &list[i];
		const struct nic_driver *d = driver_for(c->vendor, c->device);
		if (!d)
			continue;
		if (want->use_bdf && (c->bus != want->bus || c->dev != want->dev ||
				      c->fn != want->fn)) {
			np->skipped++;
			continue;
		}
		np->last_error = try_one(np, d, c, make, ctx, want);
		if (!np->last_error)
			return 0;
	}
	return LL_ENODEV;
}
