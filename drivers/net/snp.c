/* drivers/net/snp.c - the netdev over EFI_SIMPLE_NETWORK_PROTOCOL: frames go
 * out from our own slots (the firmware keeps a slot until GetStatus hands
 * it back) and come in through Receive, all polled. */
#include "drivers/net/snp.h"
#include "lib/err.h"
#include "lib/mem.h"

#define SNP_WANT_FILTERS (EFI_SIMPLE_NETWORK_RECEIVE_UNICAST | \
			  EFI_SIMPLE_NETWORK_RECEIVE_BROADCAST)

static struct snp *snp_of(struct netdev *nd)
{
	return nd->priv;
}

/* Started and initialised, whatever state the firmware left it in. */
static int snp_bring_up(struct snp *s)
{
	EFI_SIMPLE_NETWORK_PROTOCOL *p = s->proto;

	if (p->Mode->State == EfiSimpleNetworkStopped) {
		if (p->Start(p) != EFI_SUCCESS)
			return LL_ENETDOWN;
		s->started_by_us = 1;
	}
	if (p->Mode->State == EfiSimpleNetworkStarted) {
		if (p->Initialize(p, 0, 0) != EFI_SUCCESS)
			return LL_ENETDOWN;
		s->started_by_us = 1;
	}
	return p->Mode->State == EfiSimpleNetworkInitialized ? 0 : LL_ENETDOWN;
}

static int snp_open(struct netdev *nd)
{
	struct snp *s = snp_of(nd);
	EFI_SIMPLE_NETWORK_MODE *m;
	uint32_t want;
	int rc = snp_bring_up(s);

	if (rc < 0)
		return rc;
	m = s->proto->Mode;
	if (m->HwAddressSize != ETH_ALEN || m->MediaHeaderSize != 14)
		return LL_ENOTSUP;                  /* not Ethernet */
	want = SNP_WANT_FILTERS & m->ReceiveFilterMask;
	if (want != SNP_WANT_FILTERS)
		return LL_ENOTSUP;
	s->old_filters = m->ReceiveFilterSetting;
	if ((m->ReceiveFilterSetting & want) != want &&
	    s->proto->ReceiveFilters(s->proto, want, 0, 0, 0, NULL) != EFI_SUCCESS)
		return LL_EIO;
	memcpy(nd->mac, m->CurrentAddress.Addr, ETH_ALEN);
	nd->mtu = m->MaxPacketSize >= 1500 ? 1500 : (uint16_t)m->MaxPacketSize;
	s->opened = 1;
	return 0;
}

/* Leave the NIC running for the firmware (its PXE and network stack
 * still own it): only the filters we added go. */
static void snp_close(struct netdev *nd)
{
	struct snp *s = snp_of(nd);
	uint32_t added;

	if (!s->opened)
		return;
	snp_quiesce(s);
	added = SNP_WANT_FILTERS & ~s->old_filters;
	if (added)
		(void)s->proto->ReceiveFilters(s->proto, 0, added, 0, 0, NULL);
	s->opened = 0;
}

/* Which slot a recycled buffer is; -1 when it is not ours. */
static int snp_slot_of(const struct snp *s, const void *buf)
{
	for (unsigned i = 0; i < SNP_TX_SLOTS; i++)
		if (buf == s->tx_buf[i])
			return (int)i;
	return -1;
}

/* Take back every transmit buffer the firmware has finished with. */
static void snp_reap(struct snp *s)
{
	for (unsigned n = 0; n < 2 * SNP_TX_SLOTS; n++) {
		void *buf = NULL;
		UINT32 irq = 0;
		int i;

		if (s->proto->GetStatus(s->proto, &irq, &buf) != EFI_SUCCESS ||
		    !buf)
			return;
		i = snp_slot_of(s, buf);
		if (i < 0 || !s->tx_busy[i]) {
			s->cnt.tx_unknown++;
			continue;
		}
		s->tx_busy[i] = 0;
		s->tx_inflight--;
		s->cnt.tx_recycled++;
	}
}

static int snp_free_slot(struct snp *s)
{
	for (unsigned n = 0; n < SNP_TX_SLOTS; n++) {
		unsigned i = (s->tx_next + n) % SNP_TX_SLOTS;
		if (!s->tx_busy[i])
			return (int)i;
	}
	return -1;
}

static int snp_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct snp *s = snp_of(nd);
	EFI_STATUS st;
	int i;

	if (!s->opened)
		return LL_ENETDOWN;
	if (len < 14 || len > NETDEV_FRAME_MAX)
		return LL_EMSGSIZE;
	if ((i = snp_free_slot(s)) < 0) {
		snp_reap(s);
		if ((i = snp_free_slot(s)) < 0) {
			s->cnt.tx_busy++;
			return LL_EAGAIN;
		}
	}
	memcpy(s->tx_buf[i], frame, len);
	st = s->proto->Transmit(s->proto, 0, len, s->tx_buf[i], NULL, NULL, NULL);
	if (st == EFI_NOT_READY) {
		s->cnt.tx_busy++;
		snp_reap(s);
		return LL_EAGAIN;
	}
	if (st != EFI_SUCCESS) {
		s->cnt.tx_errors++;
		nd->tx_errors++;
		return LL_EIO;
	}
	s->tx_busy[i] = 1;
	s->tx_inflight++;
	s->tx_next = (unsigned)(i + 1) % SNP_TX_SLOTS;
	s->cnt.tx_frames++;
	nd->tx_frames++;
	return 0;
}

/* One Receive: 1 frame handed up, 0 none waiting, or an error. */
static int snp_rx_one(struct snp *s, netdev_rx_fn rx, void *ctx)
{
	UINTN size = sizeof(s->rx_buf);
	EFI_STATUS st = s->proto->Receive(s->proto, NULL, &size, s->rx_buf,
					  NULL, NULL, NULL);

	if (st == EFI_NOT_READY)
		return 0;
	if (st == EFI_BUFFER_TOO_SMALL) {
		s->cnt.rx_oversize++;
		return LL_EMSGSIZE;
	}
	if (st != EFI_SUCCESS) {
		s->cnt.rx_errors++;
		return LL_EIO;
	}
	if (size < 14 || size > NETDEV_FRAME_MAX) {
		s->cnt.rx_oversize++;
		return 1;                    /* dropped, but the queue moved */
	}
	s->cnt.rx_frames++;
	s->nd.rx_frames++;
	rx(ctx, s->rx_buf, size);
	return 1;
}

static int snp_poll(struct netdev *nd, netdev_rx_fn rx, void *ctx,
		    unsigned budget)
{
	struct snp *s = snp_of(nd);
	int got = 0;

	if (!s->opened)
		return LL_ENETDOWN;
	if (s->tx_inflight)
		snp_reap(s);
	while ((unsigned)got < budget) {
		int rc = snp_rx_one(s, rx, ctx);
		if (rc == LL_EMSGSIZE)
			break;     /* the firmware keeps it: nothing more now */
		if (rc < 0)
			return got ? got : rc;
		if (rc == 0)
			break;
		got++;
	}
	return got;
}

void snp_quiesce(struct snp *s)
{
	uint64_t end = ll_now(s->clock) + SNP_QUIESCE_US;

	while (s->tx_inflight && ll_now(s->clock) < end)
		snp_reap(s);
	if (!s->tx_inflight)
		return;
	s->cnt.tx_lost += s->tx_inflight;
	memset(s->tx_busy, 0, sizeof(s->tx_busy));
	s->tx_inflight = 0;
}

static const struct netdev_ops snp_ops = {
	.open = snp_open,
	.close = snp_close,
	.transmit = snp_transmit,
	.poll = snp_poll,
};

void snp_init(struct snp *s, EFI_SIMPLE_NETWORK_PROTOCOL *proto,
	      const struct ll_clock *clock)
{
	memset(s, 0, sizeof(*s));
	s->proto = proto;
	s->clock = clock;
	s->nd.ops = &snp_ops;
	s->nd.priv = s;
	s->nd.name = "snp";
}
