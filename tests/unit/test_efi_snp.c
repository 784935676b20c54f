/* tests/unit/test_efi_snp.c - the SNP netdev (drivers/net/snp.c) against a
 * fake EFI_SIMPLE_NETWORK_PROTOCOL: a stopped NIC is started and
 * initialised, filters unicast + broadcast set (and taken back at close),
 * frames go out from owned slots that only GetStatus returns, a full ring
 * says LL_EAGAIN, frames come in within the budget, odd answers counted,
 * and the quiesce wait is bounded. */
#include "tests/lib/check.h"
#include "drivers/net/snp.h"
#include "lib/err.h"

#define FQ 32
struct fake_snp {
	EFI_SIMPLE_NETWORK_PROTOCOL p;     /* first: This is the fake */
	EFI_SIMPLE_NETWORK_MODE mode;
	unsigned starts, inits, filter_calls;
	uint32_t last_enable, last_disable;
	void *sent[FQ];                    /* transmitted, not yet recycled */
	size_t sent_len[FQ];
	unsigned nsent, ntx;
	int recycle;                       /* GetStatus hands buffers back */
	void *foreign;                     /* GetStatus returns it once */
	int tx_not_ready;
	uint8_t rx[FQ][2048];
	size_t rx_len[FQ];
	unsigned rx_head, rx_tail;
};
static struct fake_snp f;
static uint64_t clk;

static struct fake_snp *fk(EFI_SIMPLE_NETWORK_PROTOCOL *p) { return (struct fake_snp *)p; }

static EFI_STATUS EFIAPI f_start(EFI_SIMPLE_NETWORK_PROTOCOL *p)
{
	fk(p)->starts++;
	p->Mode->State = EfiSimpleNetworkStarted;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI f_init(EFI_SIMPLE_NETWORK_PROTOCOL *p, UINTN rx, UINTN tx)
{
	(void)rx; (void)tx;
	fk(p)->inits++;
	p->Mode->State = EfiSimpleNetworkInitialized;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI f_filters(EFI_SIMPLE_NETWORK_PROTOCOL *p, UINT32 en,
				   UINT32 dis, BOOLEAN reset, UINTN n,
				   EFI_MAC_ADDRESS *m)
{
	(void)reset; (void)n; (void)m;
	fk(p)->filter_calls++;
	fk(p)->last_enable = en;
	fk(p)->last_disable = dis;
	p->Mode->ReceiveFilterSetting = (p->Mode->ReceiveFilterSetting | en) & ~dis;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI f_status(EFI_SIMPLE_NETWORK_PROTOCOL *p, UINT32 *irq,
				  VOID **txbuf)
{
	struct fake_snp *x = fk(p);

	if (irq)
		*irq = 0;
	*txbuf = NULL;
	if (x->foreign) {
		*txbuf = x->foreign;
		x->foreign = NULL;
	} else if (x->recycle && x->nsent) {
		*txbuf = x->sent[0];
		memmove(x->sent, x->sent + 1, --x->nsent * sizeof(x->sent[0]));
	}
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI f_tx(EFI_SIMPLE_NETWORK_PROTOCOL *p, UINTN hdr, UINTN len,
			      VOID *buf, EFI_MAC_ADDRESS *src, EFI_MAC_ADDRESS *dst,
			      UINT16 *proto)
{
	struct fake_snp *x = fk(p);

	(void)src; (void)dst; (void)proto;
	if (hdr != 0)
		return EFI_INVALID_PARAMETER;
	if (x->tx_not_ready || x->nsent == FQ)
		return EFI_NOT_READY;
	x->sent_len[x->nsent] = len;
	x->sent[x->nsent++] = buf;
	x->ntx++;
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI f_rx(EFI_SIMPLE_NETWORK_PROTOCOL *p, UINTN *hdr,
			      UINTN *len, VOID *buf, EFI_MAC_ADDRESS *src,
			      EFI_MAC_ADDRESS *dst, UINT16 *proto)
{
	struct fake_snp *x = fk(p);
	size_t n;

	(void)hdr; (void)src; (void)dst; (void)proto;
	if (x->rx_head == x->rx_tail)
		return EFI_NOT_READY;
	n = x->rx_len[x->rx_head % FQ];
	if (n > *len) {
		*len = n;
		return EFI_BUFFER_TOO_SMALL;
	}
	memcpy(buf, x->rx[x->rx_head % FQ], n);
	*len = n;
	x->rx_head++;
	return EFI_SUCCESS;
}

static void f_queue(size_t len, uint8_t tag)
{
	memset(f.rx[f.rx_tail % FQ], tag, len);
	f.rx_len[f.rx_tail % FQ] = len;
	f.rx_tail++;
}

static uint64_t clk_now(void *ctx) { (void)ctx; return clk += 100; }
static const struct ll_clock clock = { .now_us = clk_now, .ctx = NULL };
static struct snp s;

static struct netdev *setup(uint32_t state, uint32_t filters)
{
	memset(&f, 0, sizeof(f));
	f.p.Start = f_start;
	f.p.Initialize = f_init;
	f.p.ReceiveFilters = f_filters;
	f.p.GetStatus = f_status;
	f.p.Transmit = f_tx;
	f.p.Receive = f_rx;
	f.p.Mode = &f.mode;
	f.mode.State = state;
	f.mode.HwAddressSize = 6;
	f.mode.MediaHeaderSize = 14;
	f.mode.MaxPacketSize = 1500;
	f.mode.ReceiveFilterMask = 0x1f;
	f.mode.ReceiveFilterSetting = filters;
	memcpy(f.mode.CurrentAddress.Addr, "\x52\x54\x00\x12\x34\x56", 6);
	f.recycle = 1;
	snp_init(&s, &f.p, &clock);
	return &s.nd;
}

static void test_open_stopped(void)
{
	struct netdev *nd = setup(EfiSimpleNetworkStopped, 0);

	CHECK_EQ(nd->ops->open(nd), 0);
	CHECK_EQ(f.starts, 1);
	CHECK_EQ(f.inits, 1);
	CHECK_EQ(f.mode.State, EfiSimpleNetworkInitialized);
	CHECK_EQ(f.last_enable, EFI_SIMPLE_NETWORK_RECEIVE_UNICAST |
				EFI_SIMPLE_NETWORK_RECEIVE_BROADCAST);
	CHECK(!memcmp(nd->mac, "\x52\x54\x00\x12\x34\x56", 6));
	CHECK_EQ(nd->mtu, 1500);
	nd->ops->close(nd);                   /* the filters we added go */
	CHECK_EQ(f.last_disable, 0x05);
	CHECK_EQ(f.mode.ReceiveFilterSetting, 0);
}

static void test_open_running(void)
{
	struct netdev *nd = setup(EfiSimpleNetworkInitialized, 0x07);

	CHECK_EQ(nd->ops->open(nd), 0);
	CHECK_EQ(f.starts + f.inits + f.filter_calls, 0);
	nd->ops->close(nd);
	CHECK_EQ(f.filter_calls, 0);          /* the firmware's filters stay */
	CHECK_EQ(f.mode.ReceiveFilterSetting, 0x07);
	nd = setup(EfiSimpleNetworkInitialized, 0);
	f.mode.ReceiveFilterMask = EFI_SIMPLE_NETWORK_RECEIVE_UNICAST;
	CHECK_EQ(nd->ops->open(nd), LL_ENOTSUP);
	nd = setup(EfiSimpleNetworkInitialized, 0);
	f.mode.HwAddressSize = 8;
	CHECK_EQ(nd->ops->open(nd), LL_ENOTSUP);
}

static void test_transmit_slots(void)
{
	struct netdev *nd = setup(EfiSimpleNetworkInitialized, 0);
	uint8_t frame[60];

	CHECK_EQ(nd->ops->transmit(nd, frame, sizeof(frame)), LL_ENETDOWN);
	CHECK_EQ(nd->ops->open(nd), 0);
	f.recycle = 0;
	for (unsigned i = 0; i < SNP_TX_SLOTS; i++) {
		frame[0] = (uint8_t)i;
		CHECK_EQ(nd->ops->transmit(nd, frame, sizeof(frame)), 0);
	}
	CHECK_EQ(f.nsent, SNP_TX_SLOTS);
	CHECK(f.sent[0] != f.sent[1]);        /* each frame its own slot */
	CHECK_EQ(((uint8_t *)f.sent[5])[0], 5);
	CHECK_EQ(nd->ops->transmit(nd, frame, sizeof(frame)), LL_EAGAIN);
	f.recycle = 1;                        /* GetStatus gives them back */
	CHECK_EQ(nd->ops->transmit(nd, frame, sizeof(frame)), 0);
	CHECK_EQ(s.cnt.tx_recycled, SNP_TX_SLOTS);
	f.tx_not_ready = 1;
	CHECK_EQ(nd->ops->transmit(nd, frame, sizeof(frame)), LL_EAGAIN);
	CHECK_EQ(nd->ops->transmit(nd, frame, 10), LL_EMSGSIZE);
	CHECK_EQ(f.ntx, SNP_TX_SLOTS + 1);
	f.tx_not_ready = 0;
	f.recycle = 0;
	CHECK_EQ(nd->ops->transmit(nd, frame, sizeof(frame)), 0);
	f.foreign = (void *)&f;               /* not ours: counted, ignored */
	CHECK_EQ(nd->ops->poll(nd, NULL, NULL, 0), 0);
	CHECK_EQ(s.tx_inflight, 1);
	CHECK_EQ(s.cnt.tx_unknown, 1);
}

static unsigned got;
static uint8_t got_tag[FQ];
static void on_rx(void *ctx, const uint8_t *fr, size_t len)
{
	(void)ctx; (void)len;
	got_tag[got++ % FQ] = fr[0];
}

static void test_receive(void)
{
	struct netdev *nd = setup(EfiSimpleNetworkInitialized, 0);

	CHECK_EQ(nd->ops->poll(nd, on_rx, NULL, 8), LL_ENETDOWN);
	CHECK_EQ(nd->ops->open(nd), 0);
	got = 0;
	f_queue(60, 1);
	f_queue(8, 2);                        /* runt: dropped */
	f_queue(1514, 3);
	f_queue(60, 4);
	CHECK_EQ(nd->ops->poll(nd, on_rx, NULL, 2), 2);
	CHECK_EQ(got, 1);
	CHECK_EQ(nd->ops->poll(nd, on_rx, NULL, 8), 2);
	CHECK_EQ(got, 3);
	CHECK_EQ(got_tag[1], 3);
	CHECK_EQ(got_tag[2], 4);
	CHECK_EQ(s.cnt.rx_oversize, 1);
	f_queue(2000, 5);                     /* larger than any frame */
	CHECK_EQ(nd->ops->poll(nd, on_rx, NULL, 8), 1);
	CHECK_EQ(got, 3);
	CHECK_EQ(nd->ops->poll(nd, on_rx, NULL, 8), 0);
}

static void test_quiesce_bounded(void)
{
	struct netdev *nd = setup(EfiSimpleNetworkInitialized, 0);
	uint8_t frame[60] = { 0 };
	uint64_t t0;

	CHECK_EQ(nd->ops->open(nd), 0);
	f.recycle = 0;
	CHECK_EQ(nd->ops->transmit(nd, frame, sizeof(frame)), 0);
	CHECK_EQ(nd->ops->transmit(nd, frame, sizeof(frame)), 0);
	t0 = clk;
	snp_quiesce(&s);                      /* never handed back */
	CHECK(clk - t0 >= SNP_QUIESCE_US);
	CHECK(clk - t0 < SNP_QUIESCE_US + 1000);
	CHECK_EQ(s.cnt.tx_lost, 2);
	CHECK_EQ(s.tx_inflight, 0);
	f.recycle = 1;
	CHECK_EQ(nd->ops->transmit(nd, frame, sizeof(frame)), 0);
	snp_quiesce(&s);
	CHECK_EQ(s.tx_inflight, 0);
	CHECK_EQ(s.cnt.tx_lost, 2);
}

int main(void)
{
	check_suite = "efi_snp";
	RUN(test_open_stopped);
	RUN(test_open_running);
	RUN(test_transmit_slots);
	RUN(test_receive);
	RUN(test_quiesce_bounded);
	return CHECK_DONE();
}
