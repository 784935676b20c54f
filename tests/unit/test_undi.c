/* tests/unit/test_undi.c - drivers/net/undi over the fake PXE ROM of pxe_fake.h:
 * API discovery, the cached DHCPACK, open, the TBD of a transmit and ISR
 * polling (fragments, budget, errors). */
#include <stdint.h>
#include <string.h>
#include "tests/lib/check.h"
#include "tests/lib/pxe_fake.h"
#include "drivers/net/undi.h"
#include "drivers/pxe/pxe_proto.h"
#include "net/dhcp.h"
#include "lib/byteorder.h"
#include "lib/err.h"
#include "lib/print.h"

/* ---- discovery ---- */

static void test_checksum_vectors(void)
{
	CHECK(pxe_checksum_ok((const uint8_t[]){0x01, 0x02, 0xfd}, 3));
	CHECK(!pxe_checksum_ok((const uint8_t[]){0x01, 0x02, 0x03}, 3));
	CHECK(pxe_checksum_ok("", 0));
}

static void test_find_bang_from_stack(void)
{
	struct pxe_api api;
	reset();
	CHECK_EQ(find_default(&api), 0);
	CHECK_EQ(api.via_bang_pxe, 1);
	CHECK_EQ(api.entry_seg, BANG_ENTRY_SEG);
	CHECK_EQ(api.entry_off, BANG_ENTRY_OFF);
	CHECK_EQ(api.pxenv_version, 0x0201);
	CHECK_EQ(api.area_seg, BOUNCE_SEG);
	CHECK_EQ(api.area_size, 0x4000);
	/* a call goes to EntryPointSP */
	CHECK_EQ(pxe_call(&api, PXENV_UNDI_CLOSE, BOUNCE_SEG, 0), 0);
	CHECK_EQ(rom.calls_bang, 1);
	CHECK_EQ(rom.calls_rm, 0);
}

static void test_call_needs_ax_and_status(void)
{
	struct pxe_api api;
	reset();
	CHECK_EQ(find_default(&api), 0);
	rom.fail_opcode = PXENV_UNDI_CLOSE;
	rom.fail_status = PXENV_STATUS_UNDI_INVALID_STATE;
	rom.fail_status_only = 1;               /* AX says fine, Status not */
	CHECK_EQ(pxe_call(&api, PXENV_UNDI_CLOSE, BOUNCE_SEG, 0), LL_EIO);
	CHECK_EQ(api.last_status, 0x6A);
	rom.fail_status_only = 0;
	rom.fail_ax_only = 1;                   /* AX failure, Status 0 */
	CHECK_EQ(pxe_call(&api, PXENV_UNDI_CLOSE, BOUNCE_SEG, 0), LL_EIO);
	CHECK_EQ(api.failures, 2);
	CHECK_EQ(console_lines, 1);             /* one line per opcode */
	CHECK_EQ(pxe_call(&api, PXENV_UNDI_OPEN, BOUNCE_SEG, 0), 0);
	CHECK_EQ(api.calls, 3);
}

static void test_find_bad_bang_uses_pxeptr(void)
{
	struct pxe_api api;
	reset();
	/* stack points to a second !PXE with a broken checksum */
	put_bang(0x9E000);
	mem[0x9E000 + 30] ^= 0x55;
	CHECK_EQ(pxe_find_api(&api, (uint16_t)(PXENV_LIN >> 4), PXENV_LIN & 15,
			      0x9E00, 0, fake_ptr), 0);
	CHECK_EQ(api.via_bang_pxe, 1);          /* via PXENV+.PXEPtr */
	CHECK_EQ(api.found_by_scan, 0);
	CHECK_EQ(api.entry_seg, BANG_ENTRY_SEG);
}

static void test_find_pxenv_fallback(void)
{
	struct pxe_api api;
	reset();
	/* pre-2.1 PXENV+ (no PXEPtr) and no !PXE pointer: RMEntry */
	put_pxenv(PXENV_LIN, 0x0200, PXENV_LEN_NO_PXEPTR, 0);
	CHECK_EQ(pxe_find_api(&api, (uint16_t)(PXENV_LIN >> 4), PXENV_LIN & 15,
			      0, 0, fake_ptr), 0);
	CHECK_EQ(api.via_bang_pxe, 0);
	CHECK_EQ(api.entry_seg, RM_ENTRY_SEG);
	CHECK_EQ(api.entry_off, RM_ENTRY_OFF);
	CHECK_EQ(pxe_call(&api, PXENV_UNDI_CLOSE, BOUNCE_SEG, 0), 0);
	CHECK_EQ(rom.calls_rm, 1);
	/* 2.1 PXENV+ whose PXEPtr points at a bad !PXE: still RMEntry */
	reset();
	mem[BANG_LIN + 10] ^= 1;
	CHECK_EQ(find_default(&api), 0);
	CHECK_EQ(api.via_bang_pxe, 0);
	CHECK_EQ(api.entry_seg, RM_ENTRY_SEG);
}

static void test_find_by_scan(void)
{
	struct pxe_api api;
	reset();
	memset(mem + BANG_LIN, 0, 0x100);          /* drop both */
	mem[0x413] = 0x7a;                          /* 634 KiB = 0x9E800 */
	put_bang(0x9E900);
	mem[0x9E900 + 20] ^= 0xff;                  /* decoy: bad checksum */
	put_bang(0x9EA00);
	put_bang_entry(0x9E000, 0x1111, 0x2222);    /* below 40:13: not scanned */
	CHECK_EQ(pxe_find_api(&api, 0x1234, 0, 0x2345, 0, fake_ptr), 0);
	CHECK_EQ(api.found_by_scan, 1);
	CHECK_EQ(api.via_bang_pxe, 1);
	CHECK_EQ(api.pxenv_version, 0);
	CHECK_EQ(pxe_call(&api, PXENV_UNDI_CLOSE, BOUNCE_SEG, 0), 0);
	CHECK_EQ(rom.calls_bang, 1);       /* the one at 0x9EA00 */
	CHECK_EQ(rom.calls_bad_entry, 0);
	/* with 40:13 unusable, the scan starts at 64 KiB and finds 0x9E000 */
	mem[0x413] = 0; mem[0x414] = 0;
	CHECK_EQ(pxe_find_api(&api, 0, 0, 0, 0, fake_ptr), 0);
	CHECK_EQ(api.entry_seg, 0x1111);
	CHECK_EQ(api.entry_off, 0x2222);
}

static void test_find_none(void)
{
	struct pxe_api api;
	reset();
	memset(mem + 0x90000, 0, 0x10000);
	CHECK_EQ(pxe_find_api(&api, 0, 0, 0, 0, fake_ptr), LL_ENODEV);
	/* a PXENV+ with a bad checksum is not used */
	put_pxenv(PXENV_LIN, 0x0200, PXENV_LEN_NO_PXEPTR, 0);
	mem[PXENV_LIN + 9] ^= 0x40;
	CHECK_EQ(pxe_find_api(&api, (uint16_t)(PXENV_LIN >> 4), PXENV_LIN & 15,
			      0, 0, fake_ptr), LL_ENODEV);
}

static void test_find_small_bounce(void)
{
	struct pxe_api api;
	reset();
	rom.bounce_size = PXE_AREA_MIN - 1;
	CHECK_EQ(find_default(&api), LL_ENOMEM);
	CHECK_EQ(pxe_set_area(&api, 0x6000, 0xff00, 0x1000), LL_EINVAL);
	CHECK_EQ(pxe_set_area(&api, 0x6000, 0x1000, 0x1000), 0);
	CHECK_EQ(api.area_size, 0x1000);
}

/* ---- cached DHCPACK ---- */

static uint16_t put_ack(uint16_t type, uint16_t len, uint8_t tag)
{
	uint8_t *p = mem + rm_linear(ACK_SEG, (uint16_t)(type * 0x800));
	memset(p, 0, len);
	p[0] = BOOTREPLY;
	p[1] = 1;
	p[2] = 6;
	p[16] = 10; p[17] = 0; p[18] = 2; p[19] = tag;   /* yiaddr */
	put_be32(p + DHCP_OFF_COOKIE, DHCP_COOKIE);
	p[240] = DHCP_OPT_MSG_TYPE; p[241] = 1; p[242] = DHCPACK;
	p[243] = DHCP_OPT_END;
	rom.ack_len[type] = len;
	return len;
}

static void test_cached_pointer_mode(void)
{
	struct pxe_api api;
	uint8_t buf[1500];
	reset();
	put_ack(2, 300, 15);
	CHECK_EQ(find_default(&api), 0);
	CHECK_EQ(pxe_get_cached_dhcpack(&api, buf, sizeof(buf)), 300);
	CHECK_EQ(buf[19], 15);
	CHECK_EQ(get_be32(buf + DHCP_OFF_COOKIE), DHCP_COOKIE);
	CHECK_EQ(buf[242], DHCPACK);
	CHECK_EQ(rom.nlog, 1);
	CHECK_EQ(rom.log[0], PXENV_GET_CACHED_INFO);
	/* capped at the caller's buffer */
	CHECK_EQ(pxe_get_cached_dhcpack(&api, buf, 260), 260);
	CHECK_EQ(pxe_get_cached_dhcpack(&api, buf, 100), LL_EINVAL);
	CHECK_EQ(rom.param_outside, 0);
}

static void test_cached_copy_mode(void)
{
	struct pxe_api api;
	uint8_t buf[1500];
	reset();
	rom.no_pointer_mode = 1;
	put_ack(2, 548, 21);
	CHECK_EQ(find_default(&api), 0);
	CHECK_EQ(pxe_get_cached_dhcpack(&api, buf, sizeof(buf)), 548);
	CHECK_EQ(buf[19], 21);
	CHECK_EQ(rom.nlog, 2);
	/* the ROM was asked to copy into the bounce area */
	CHECK_EQ(rom.copy_buf_lin, (BOUNCE_SEG << 4) + PXE_SCRATCH_OFF);
}

static void test_cached_fallback_and_none(void)
{
	struct pxe_api api;
	uint8_t buf[1500];
	reset();
	put_ack(3, 400, 33);        /* only the cached reply exists */
	CHECK_EQ(find_default(&api), 0);
	CHECK_EQ(pxe_get_cached_dhcpack(&api, buf, sizeof(buf)), 400);
	CHECK_EQ(buf[19], 33);
	/* a type-2 packet without the cookie is skipped for type 3 */
	put_ack(2, 300, 1);
	put_be32(mem + rm_linear(ACK_SEG, 0x1000) + DHCP_OFF_COOKIE, 0);
	CHECK_EQ(pxe_get_cached_dhcpack(&api, buf, sizeof(buf)), 400);
	CHECK_EQ(buf[19], 33);
	/* nothing at all */
	reset();
	CHECK_EQ(find_default(&api), 0);
	CHECK(pxe_get_cached_dhcpack(&api, buf, sizeof(buf)) < 0);
	CHECK(console_lines >= 1);
}

/* ---- the netdev ---- */

static struct undi und;

static int open_default(struct pxe_api *api, unsigned flags)
{
	if (find_default(api) < 0)
		return -1000;
	undi_init(&und, api, flags);
	return und.nd.ops->open(&und.nd);
}

static void rx_ignore(void *ctx, const uint8_t *frame, size_t len)
{
	(void)ctx; (void)frame; (void)len;
}

/* Frames are queued until the next poll's trip: one with budget 0. */
static int tx_flush(void)
{
	return und.nd.ops->poll(&und.nd, rx_ignore, NULL, 0);
}

static void test_open_sequence(void)
{
	struct pxe_api api;
	reset();
	rom.fail_opcode = PXENV_TFTP_CLOSE;      /* "not open": ignored */
	rom.fail_status = 0x3B;
	CHECK_EQ(open_default(&api, 0), 0);
	const uint16_t want[] = {PXENV_TFTP_CLOSE, PXENV_UDP_CLOSE,
				 PXENV_UNDI_GET_INFORMATION, PXENV_UNDI_CLOSE,
				 PXENV_UNDI_OPEN};
	CHECK_EQ(rom.nlog, 5);
	for (unsigned i = 0; i < 5 && i < rom.nlog; i++)
		CHECK_EQ(rom.log[i], want[i]);
	CHECK_EQ(rom.filter, FLTR_DIRECTED | FLTR_BRDCST);
	CHECK_EQ(rom.opened, 1);
	CHECK(memcmp(und.nd.mac, "\x52\x54\x00\x12\x34\x56", 6) == 0);
	CHECK_EQ(und.nd.mtu, 1500);
	CHECK_EQ(und.tx_slots, UNDI_TX_SLOTS);
	CHECK_EQ(rom.param_outside, 0);
	CHECK_EQ(api.printed[0], 0);              /* quiet about TFTP_CLOSE */
	/* MTU as the ROM says, or 1500 when it counts the header */
	reset();
	rom.mtu = 1400;
	CHECK_EQ(open_default(&api, 0), 0);
	CHECK_EQ(und.nd.mtu, 1400);
	reset();
	rom.mtu = 1514;
	CHECK_EQ(open_default(&api, 0), 0);
	CHECK_EQ(und.nd.mtu, 1500);
	/* not Ethernet */
	reset();
	rom.hwaddrlen = 16;
	CHECK_EQ(open_default(&api, 0), LL_ENOTSUP);
}

static void test_open_failure_eio_printed_once(void)
{
	struct pxe_api api;
	reset();
	rom.fail_opcode = PXENV_UNDI_OPEN;
	rom.fail_status = PXENV_STATUS_UNDI_INVALID_STATE;
	CHECK_EQ(open_default(&api, 0), LL_EIO);
	CHECK_EQ(console_lines, 1);
	CHECK(strstr(console_last, "0x0006") != NULL);
	CHECK(strstr(console_last, "0x006a") != NULL);
	CHECK_EQ(api.last_status, 0x6A);
	CHECK_EQ(und.nd.ops->open(&und.nd), LL_EIO);
	CHECK_EQ(console_lines, 1);               /* printed once */
	CHECK_EQ(und.nd.ops->transmit(&und.nd, "0123456789abcdef", 16),
		 LL_ENETDOWN);
	/* GET_INFORMATION failing is LL_EIO too, before any OPEN */
	reset();
	rom.fail_opcode = PXENV_UNDI_GET_INFORMATION;
	rom.fail_status = PXENV_STATUS_FAILURE;
	CHECK_EQ(open_default(&api, 0), LL_EIO);
	CHECK_EQ(rom.log[rom.nlog - 1], PXENV_UNDI_GET_INFORMATION);
}

static void make_frame(uint8_t *f, size_t len, const uint8_t *dst,
		       uint16_t type, uint8_t seed)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, "\x52\x54\x00\x12\x34\x56", 6);
	put_be16(f + 12, type);
	for (size_t i = 14; i < len; i++)
		f[i] = (uint8_t)(seed + i * 7);
}

static const uint8_t PEER[6] = {0x02, 0, 0, 0, 0, 0x99};
static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static void test_transmit_tbd(void)
{
	struct pxe_api api;
	uint8_t f[60];
	reset();
	CHECK_EQ(open_default(&api, 0), 0);
	make_frame(f, sizeof(f), PEER, 0x0800, 3);
	rom.nlog = 0;
	CHECK_EQ(und.nd.ops->transmit(&und.nd, f, sizeof(f)), 0);
	CHECK_EQ(rom.nlog, 0);                    /* queued for the trip */
	CHECK_EQ(und.nd.tx_frames, 0);
	CHECK_EQ(tx_flush(), 0);
	CHECK_EQ(fake_batches, 1);
	CHECK_EQ(rom.log[0], PXENV_UNDI_TRANSMIT);
	CHECK_EQ(rom.log[1], PXENV_UNDI_ISR);      /* the same trip */
	struct tx_rec *r = &rom.tx[0];
	CHECK_EQ(r->proto, P_UNKNOWN);
	CHECK_EQ(r->flag, XMT_DESTADDR);
	CHECK(memcmp(r->dest, PEER, 6) == 0);
	CHECK_EQ(r->tbd.ImmedLength, 60);
	CHECK_EQ(r->tbd.DataBlkCount, 0);
	CHECK_EQ(r->len, 60);
	CHECK(memcmp(r->data, f, 60) == 0);
	uint32_t b = BOUNCE_SEG << 4;
	CHECK_EQ(r->tbd_lin, b + UNDI_TBD_OFF);
	CHECK_EQ(r->data_lin, b + UNDI_TXBUF_OFF);
	CHECK_EQ(und.nd.tx_frames, 1);
	/* next frame goes to the next slot */
	CHECK_EQ(und.nd.ops->transmit(&und.nd, f, sizeof(f)), 0);
	CHECK_EQ(tx_flush(), 0);
	CHECK_EQ(rom.tx[1].tbd_lin, b + UNDI_TBD_OFF + UNDI_TBD_STRIDE);
	CHECK_EQ(rom.tx[1].data_lin, b + UNDI_TXBUF_OFF + UNDI_TXBUF_STRIDE);
	/* bad lengths */
	CHECK_EQ(und.nd.ops->transmit(&und.nd, f, 13), LL_EINVAL);
	CHECK_EQ(und.nd.ops->transmit(&und.nd, f, NETDEV_FRAME_MAX + 1), LL_EINVAL);
	/* failure: LL_EIO and counted */
	rom.fail_opcode = PXENV_UNDI_TRANSMIT;
	rom.fail_status = PXENV_STATUS_UNDI_TRANSMIT_ERROR;
	CHECK_EQ(und.nd.ops->transmit(&und.nd, f, sizeof(f)), 0);
	CHECK_EQ(tx_flush(), 0);
	CHECK_EQ(und.nd.tx_errors, 1);
	CHECK_EQ(und.cnt.tx_errors, 1);
	CHECK_EQ(rom.param_outside, 0);
}

static void test_transmit_by_protocol(void)
{
	struct pxe_api api;
	uint8_t f[100];
	reset();
	CHECK_EQ(open_default(&api, UNDI_TX_BY_PROTOCOL), 0);
	make_frame(f, sizeof(f), BCAST, 0x0800, 1);
	CHECK_EQ(und.nd.ops->transmit(&und.nd, f, sizeof(f)), 0);
	CHECK_EQ(tx_flush(), 0);
	CHECK_EQ(rom.tx[0].proto, P_IP);
	CHECK_EQ(rom.tx[0].flag, XMT_BROADCAST);
	CHECK_EQ(rom.tx[0].len, 86);
	CHECK(memcmp(rom.tx[0].data, f + 14, 86) == 0);
	make_frame(f, 60, PEER, 0x0806, 2);
	CHECK_EQ(und.nd.ops->transmit(&und.nd, f, 60), 0);
	CHECK_EQ(tx_flush(), 0);
	CHECK_EQ(rom.tx[1].proto, P_ARP);
	CHECK_EQ(rom.tx[1].flag, XMT_DESTADDR);
	CHECK(memcmp(rom.tx[1].dest, PEER, 6) == 0);
	CHECK_EQ(rom.tx[1].len, 46);
	make_frame(f, 60, PEER, 0x88cc, 3);        /* LLDP: sent whole */
	CHECK_EQ(und.nd.ops->transmit(&und.nd, f, 60), 0);
	CHECK_EQ(tx_flush(), 0);
	CHECK_EQ(rom.tx[2].proto, P_UNKNOWN);
	CHECK_EQ(rom.tx[2].len, 60);
	CHECK(memcmp(rom.tx[2].data, f, 60) == 0);
}

struct rx_log {
	unsigned n;
	size_t len[16];
	uint8_t data[16][1600];
};

static void rx_record(void *ctx, const uint8_t *frame, size_t len)
{
	struct rx_log *l = ctx;
	if (l->n < 16) {
		l->len[l->n] = len;
		memcpy(l->data[l->n], frame, len < 1600 ? len : 1600);
	}
	l->n++;
}

static struct rx_log rxl;

/* A frame built in a lent slot at an offset: the TBD and DestAddr point
 * at it where it lies in the work area; slots go round as for transmit. */
static void test_tx_lend(void)
{
	struct pxe_api api;
	uint8_t *buf, f[100];
	size_t room;
	uint32_t b = BOUNCE_SEG << 4;

	reset();
	CHECK_EQ(open_default(&api, 0), 0);
	CHECK_EQ(und.nd.ops->tx_slot(&und.nd, &buf, &room), 0);
	CHECK(buf == fake_ptr(BOUNCE_SEG, UNDI_TXBUF_OFF));
	CHECK_EQ(room, UNDI_TXBUF_STRIDE);
	CHECK(room >= NETDEV_TX_SLOT_MIN);
	make_frame(f, sizeof(f), PEER, 0x0800, 4);
	memcpy(buf + 42, f, sizeof(f));
	rom.nlog = 0;
	CHECK_EQ(und.nd.ops->tx_commit(&und.nd, buf + 42, sizeof(f)), 0);
	CHECK_EQ(rom.nlog, 0);
	CHECK_EQ(tx_flush(), 0);
	CHECK_EQ(rom.log[0], PXENV_UNDI_TRANSMIT);
	struct tx_rec *r = &rom.tx[0];
	CHECK_EQ(r->data_lin, b + UNDI_TXBUF_OFF + 42);
	CHECK_EQ(r->len, sizeof(f));
	CHECK(memcmp(r->data, f, sizeof(f)) == 0);
	CHECK(memcmp(r->dest, PEER, 6) == 0);
	CHECK_EQ(r->tbd_lin, b + UNDI_TBD_OFF);
	CHECK_EQ(und.nd.tx_frames, 1);
	/* the next loan is the next slot; a loan ends at poll */
	CHECK_EQ(und.nd.ops->tx_slot(&und.nd, &buf, &room), 0);
	CHECK(buf == fake_ptr(BOUNCE_SEG, UNDI_TXBUF_OFF + UNDI_TXBUF_STRIDE));
	CHECK_EQ(und.nd.ops->tx_commit(&und.nd, buf + room - 59, 60), LL_EINVAL);
	CHECK_EQ(und.nd.ops->tx_slot(&und.nd, &buf, &room), 0);
	CHECK_EQ(und.nd.ops->tx_commit(&und.nd, buf, 13), LL_EMSGSIZE);
	CHECK_EQ(und.nd.ops->tx_slot(&und.nd, &buf, &room), 0);
	memset(&rxl, 0, sizeof(rxl));
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 8), 0);
	CHECK_EQ(und.nd.ops->tx_commit(&und.nd, buf, 60), LL_EINVAL);
	/* by protocol: the ROM gets the frame past its header, in place */
	reset();
	CHECK_EQ(open_default(&api, UNDI_TX_BY_PROTOCOL), 0);
	CHECK_EQ(und.nd.ops->tx_slot(&und.nd, &buf, &room), 0);
	make_frame(buf + 40, 100, BCAST, 0x0800, 1);
	CHECK_EQ(und.nd.ops->tx_commit(&und.nd, buf + 40, 100), 0);
	CHECK_EQ(tx_flush(), 0);
	CHECK_EQ(rom.tx[0].proto, P_IP);
	CHECK_EQ(rom.tx[0].flag, XMT_BROADCAST);
	CHECK_EQ(rom.tx[0].len, 86);
	CHECK_EQ(rom.tx[0].data_lin, b + UNDI_TXBUF_OFF + 40 + 14);
	CHECK_EQ(rom.param_outside, 0);
}

/* All slots in flight: no loan (LL_EAGAIN) until the ROM reports a
 * finished send; a work area too small for a lendable slot lends none
 * (LL_ENOTSUP) and still transmits copies. */
static void test_tx_lend_busy_and_small(void)
{
	struct pxe_api api;
	uint8_t *buf, f[60];
	size_t room;

	reset();
	rom.tx_auto_complete = 0;
	CHECK_EQ(open_default(&api, 0), 0);
	for (int i = 0; i < UNDI_TX_SLOTS; i++) {
		CHECK_EQ(und.nd.ops->tx_slot(&und.nd, &buf, &room), 0);
		make_frame(buf, 60, PEER, 0x0800, (uint8_t)i);
		CHECK_EQ(und.nd.ops->tx_commit(&und.nd, buf, 60), 0);
	}
	CHECK_EQ(und.nd.ops->tx_slot(&und.nd, &buf, &room), LL_EAGAIN);
	CHECK_EQ(und.cnt.tx_busy, 1);
	CHECK_EQ(rom.ntx, 0);
	CHECK_EQ(tx_flush(), 0);                  /* all four in one trip */
	CHECK_EQ(rom.ntx, UNDI_TX_SLOTS);
	CHECK_EQ(fake_batches, 1);
	push_ev(EV_TX, 0, 0, 0);
	memset(&rxl, 0, sizeof(rxl));
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 8), 0);
	CHECK_EQ(und.nd.ops->tx_slot(&und.nd, &buf, &room), 0);
	CHECK(buf == fake_ptr(BOUNCE_SEG, UNDI_TXBUF_OFF));   /* wrapped */
	reset();
	rom.bounce_size = UNDI_AREA_MIN;
	CHECK_EQ(open_default(&api, 0), 0);
	CHECK_EQ(und.tx_slots, 1);
	CHECK_EQ(und.nd.ops->tx_slot(&und.nd, &buf, &room), LL_ENOTSUP);
	make_frame(f, sizeof(f), PEER, 0x0800, 9);
	CHECK_EQ(und.nd.ops->transmit(&und.nd, f, sizeof(f)), 0);
	CHECK_EQ(tx_flush(), 0);
	CHECK(memcmp(rom.tx[0].data, f, sizeof(f)) == 0);
	CHECK_EQ(rom.param_outside, 0);
}

/* A frame of len bytes in the ROM's buffer at off. */
static uint8_t *rom_frame(uint16_t off, size_t len, uint8_t seed)
{
	uint8_t *p = fake_ptr(ROMBUF_SEG, off);
	make_frame(p, len, PEER, 0x0800, seed);
	return p;
}

static void test_tx_ring_gating(void)
{
	struct pxe_api api;
	uint8_t f[60];
	reset();
	rom.tx_auto_complete = 0;
	CHECK_EQ(open_default(&api, 0), 0);
	make_frame(f, sizeof(f), PEER, 0x0800, 3);
	for (int i = 0; i < UNDI_TX_SLOTS; i++)
		CHECK_EQ(und.nd.ops->transmit(&und.nd, f, sizeof(f)), 0);
	CHECK_EQ(und.nd.ops->transmit(&und.nd, f, sizeof(f)), LL_EAGAIN);
	CHECK_EQ(und.cnt.tx_busy, 1);
	push_ev(EV_TX, 0, 0, 0);
	push_ev(EV_TX, 0, 0, 0);
	memset(&rxl, 0, sizeof(rxl));
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 8), 0);
	CHECK_EQ(und.cnt.tx_done, 2);
	CHECK_EQ(und.tx_inflight, UNDI_TX_SLOTS - 2);
	CHECK_EQ(und.nd.ops->transmit(&und.nd, f, sizeof(f)), 0);
	CHECK_EQ(und.nd.ops->transmit(&und.nd, f, sizeof(f)), 0);
	CHECK_EQ(und.nd.ops->transmit(&und.nd, f, sizeof(f)), LL_EAGAIN);
	CHECK_EQ(und.cnt.tx_ungated, 0);
}

static void test_tx_ungated_when_rom_never_completes(void)
{
	struct pxe_api api;
	uint8_t f[60];
	reset();
	rom.tx_auto_complete = 0;
	CHECK_EQ(open_default(&api, 0), 0);
	make_frame(f, sizeof(f), PEER, 0x0800, 3);
	for (int i = 0; i < UNDI_TX_SLOTS; i++)
		CHECK_EQ(und.nd.ops->transmit(&und.nd, f, sizeof(f)), 0);
	CHECK_EQ(und.nd.ops->transmit(&und.nd, f, sizeof(f)), LL_EAGAIN);
	memset(&rxl, 0, sizeof(rxl));
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 8), 0);
	CHECK_EQ(und.cnt.tx_ungated, 1);
	for (int i = 0; i < 10; i++) {
		CHECK_EQ(und.nd.ops->transmit(&und.nd, f, sizeof(f)), 0);
		CHECK_EQ(tx_flush(), 0);
	}
	CHECK_EQ(rom.ntx, UNDI_TX_SLOTS + 10);
}

static void test_poll_receive(void)
{
	struct pxe_api api;
	reset();
	CHECK_EQ(open_default(&api, 0), 0);
	uint8_t *a = rom_frame(0x0000, 60, 1);
	uint8_t *b = rom_frame(0x0800, 1514, 2);
	push_ev(EV_RX, 60, 60, 0x0000);
	push_ev(EV_TX, 0, 0, 0);
	push_ev(EV_RX, 1514, 1514, 0x0800);
	memset(&rxl, 0, sizeof(rxl));
	unsigned start_calls = und.cnt.isr_calls;
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 8), 2);
	CHECK_EQ(rxl.n, 2);
	CHECK_EQ(rxl.len[0], 60);
	CHECK(memcmp(rxl.data[0], a, 60) == 0);
	CHECK_EQ(rxl.len[1], 1514);
	CHECK(memcmp(rxl.data[1], b, 1514) == 0);
	/* START, PROCESS, 2 x GET_NEXT, GET_NEXT -> DONE */
	CHECK_EQ(und.cnt.isr_calls - start_calls, 5);
	CHECK_EQ(rom.isr_start, 1);
	CHECK_EQ(rom.isr_process, 1);
	CHECK_EQ(rom.isr_getnext, 3);
	CHECK_EQ(und.nd.rx_frames, 2);
	CHECK_EQ(und.cnt.tx_done, 1);
	CHECK_EQ(und.isr_active, 0);
	/* nothing pending: START, PROCESS -> DONE */
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 8), 0);
	CHECK_EQ(rom.isr_process, 2);
}

static void test_poll_multifragment(void)
{
	struct pxe_api api;
	reset();
	CHECK_EQ(open_default(&api, 0), 0);
	uint8_t whole[1000];
	make_frame(whole, sizeof(whole), PEER, 0x0800, 9);
	memcpy(fake_ptr(ROMBUF_SEG, 0x3000), whole, 400);
	memcpy(fake_ptr(ROMBUF_SEG, 0x1000), whole + 400, 400);
	memcpy(fake_ptr(ROMBUF_SEG, 0x5000), whole + 800, 200);
	push_ev(EV_RX, 400, 1000, 0x3000);
	push_ev(EV_RX, 400, 1000, 0x1000);
	push_ev(EV_RX, 200, 1000, 0x5000);
	memset(&rxl, 0, sizeof(rxl));
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 8), 1);
	CHECK_EQ(rxl.n, 1);
	CHECK_EQ(rxl.len[0], 1000);
	CHECK(memcmp(rxl.data[0], whole, 1000) == 0);
	CHECK_EQ(und.cnt.rx_fragments, 3);
}

static void test_poll_bad_fragments(void)
{
	struct pxe_api api;
	reset();
	CHECK_EQ(open_default(&api, 0), 0);
	uint8_t *good = rom_frame(0x0000, 64, 5);
	/* overrun: 300 bytes claimed for a 200-byte frame */
	push_ev(EV_RX, 300, 200, 0x0000);
	/* oversize: 2000-byte frame in two pieces, dropped whole */
	push_ev(EV_RX, 1000, 2000, 0x0000);
	push_ev(EV_RX, 1000, 2000, 0x0000);
	/* a partial frame abandoned for a new one */
	push_ev(EV_RX, 200, 500, 0x0000);
	push_ev(EV_RX, 64, 64, 0x0000);
	/* zero length */
	push_ev(EV_RX, 0, 0, 0x0000);
	memset(&rxl, 0, sizeof(rxl));
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 8), 1);
	CHECK_EQ(rxl.n, 1);
	CHECK_EQ(rxl.len[0], 64);
	CHECK(memcmp(rxl.data[0], good, 64) == 0);
	CHECK_EQ(und.cnt.rx_bad_frag, 2);
	CHECK_EQ(und.cnt.rx_oversize, 1);
	CHECK_EQ(und.cnt.rx_partial, 1);
	/* a run ending mid-frame drops the piece */
	push_ev(EV_RX, 30, 64, 0x0000);
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 8), 0);
	CHECK_EQ(und.cnt.rx_partial, 2);
	CHECK_EQ(und.rx_have, 0);
}

static void test_poll_budget(void)
{
	struct pxe_api api;
	reset();
	CHECK_EQ(open_default(&api, 0), 0);
	for (int i = 0; i < 5; i++) {
		rom_frame((uint16_t)(i * 0x100), 60, (uint8_t)i);
		push_ev(EV_RX, 60, 60, (uint16_t)(i * 0x100));
	}
	memset(&rxl, 0, sizeof(rxl));
	/* one trip takes all five into the ring; polls hand them up */
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 2), 2);
	CHECK_EQ(fake_batches, 1);
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 0), 0);
	CHECK_EQ(fake_batches, 1);                /* ring not empty: no trip */
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 2), 2);
	/* the last one, and the ring empty: a new trip (nothing more) */
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 2), 1);
	CHECK_EQ(fake_batches, 2);
	CHECK_EQ(rom.isr_start, 2);
	CHECK_EQ(und.isr_active, 0);
	CHECK_EQ(rxl.n, 5);
	CHECK_EQ(rxl.data[4][14], (uint8_t)(4 + 14 * 7));
	/* a ROM that never says DONE: bounded calls per trip, the run
	 * goes on next trip with GET_NEXT */
	rom.endless_tx_events = 1;
	unsigned calls = rom.nlog;
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 1), 0);
	CHECK(rom.nlog - calls <= UNDI_TRIPS_PER_POLL * (UNDI_REC_MAX + 2));
	CHECK(rom.nlog - calls >= 2);
	CHECK_EQ(und.isr_active, 1);
	unsigned starts = rom.isr_start;
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 1), 0);
	CHECK_EQ(rom.isr_start, starts);
}

static void test_poll_not_ours_busy_error(void)
{
	struct pxe_api api;
	reset();
	CHECK_EQ(open_default(&api, 0), 0);
	rom_frame(0, 60, 1);
	push_ev(EV_RX, 60, 60, 0);
	memset(&rxl, 0, sizeof(rxl));
	rom.start_not_ours = 1;
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 8), 0);
	CHECK_EQ(rom.isr_process, 0);
	CHECK_EQ(und.cnt.isr_not_ours, 1);
	rom.start_not_ours = 0;
	/* BUSY ends the run; the next poll starts again */
	rom.ev_n = 0;
	push_ev(EV_BUSY, 0, 0, 0);
	push_ev(EV_RX, 60, 60, 0);
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 8), 0);
	CHECK_EQ(und.cnt.isr_busy, 1);
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 8), 1);
	CHECK_EQ(rom.isr_start, 3);
	/* a failing ISR call is LL_EIO */
	rom.fail_opcode = PXENV_UNDI_ISR;
	rom.fail_status = PXENV_STATUS_FAILURE;
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 8), LL_EIO);
	CHECK_EQ(und.isr_active, 0);
}

static void test_poll_without_start(void)
{
	struct pxe_api api;
	reset();
	CHECK_EQ(open_default(&api, UNDI_POLL_NO_START), 0);
	rom.start_not_ours = 1;                  /* would block a START poll */
	rom_frame(0, 60, 1);
	push_ev(EV_RX, 60, 60, 0);
	memset(&rxl, 0, sizeof(rxl));
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 8), 1);
	CHECK_EQ(rom.isr_start, 0);
	CHECK_EQ(rom.isr_process, 1);
	CHECK_EQ(rom.isr_getnext, 1);
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 8), 0);
	CHECK_EQ(rom.isr_process, 2);
	CHECK_EQ(rom.isr_start, 0);
}

/* ---- batched trips: the ring, its edges, TRANSMIT in the same trip ---- */

/* n frames of len bytes (one piece each) from the ROM. */
static void rom_frames(int n, uint16_t len, uint8_t seed)
{
	for (int i = 0; i < n; i++) {
		uint16_t off = (uint16_t)(i * 0x800);
		rom_frame(off, len, (uint8_t)(seed + i));
		push_ev(EV_RX, len, len, off);
	}
}

/* A ring full mid-run: the trip stops with the run open; the same poll
 * drains it and goes on with GET_NEXT in a second trip (no START). */
static void test_batch_ring_full(void)
{
	struct pxe_api api;
	reset();
	CHECK_EQ(open_default(&api, 0), 0);
	CHECK(und.ring_size < 8 * RB_REC_ROOM);   /* 8 cannot fit at once */
	rom_frames(8, 1514, 10);
	memset(&rxl, 0, sizeof(rxl));
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 64), 8);
	CHECK_EQ(fake_batches, 2);
	CHECK_EQ(rom.isr_start, 1);
	CHECK_EQ(rom.isr_process, 1);
	CHECK_EQ(und.isr_active, 0);
	CHECK_EQ(rxl.n, 8);
	for (int i = 0; i < 8; i++) {
		CHECK_EQ(rxl.len[i], 1514);
		CHECK(memcmp(rxl.data[i], fake_ptr(ROMBUF_SEG, (uint16_t)(i * 0x800)),
			     1514) == 0);
	}
	CHECK_EQ(und.cnt.rx_frames, 8);
	CHECK_EQ(und.cnt.trips, 2);
}

/* A frame's first piece ends one trip's ring, its second opens the next. */
static void test_batch_fragment_across_trips(void)
{
	struct pxe_api api;
	reset();
	CHECK_EQ(open_default(&api, 0), 0);
	unsigned big = (und.ring_size - RB_REC_ROOM) / rm_batch_rec_size(1514);
	unsigned left = und.ring_size - big * rm_batch_rec_size(1514);
	uint16_t first = (uint16_t)(left - RB_REC_ROOM + 4 > RR_HDR + 100 ?
				    left - RB_REC_ROOM + 4 : RR_HDR + 100) - RR_HDR;
	rom_frames((int)big, 1514, 30);
	uint8_t *f = rom_frame(0x7000, 1500, 77);
	push_ev(EV_RX, first, 1500, 0x7000);
	push_ev(EV_RX, (uint16_t)(1500 - first), 1500, (uint16_t)(0x7000 + first));
	memset(&rxl, 0, sizeof(rxl));
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 64), (int)big + 1);
	CHECK_EQ(fake_batches, 2);
	CHECK_EQ(rxl.len[big], 1500);
	CHECK(memcmp(rxl.data[big], f, 1500) == 0);
	CHECK_EQ(und.cnt.rx_partial, 0);
	CHECK_EQ(und.cnt.rx_fragments, big + 2);
}

/* START says ours, then the ROM ends the run short of what it announced:
 * the torn frame is counted and dropped, the next one arrives whole. */
static void test_batch_rom_delivers_less(void)
{
	struct pxe_api api;
	reset();
	CHECK_EQ(open_default(&api, 0), 0);
	rom_frame(0, 1000, 5);
	push_ev(EV_RX, 600, 1000, 0);            /* 400 bytes never come */
	memset(&rxl, 0, sizeof(rxl));
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 64), 0);
	CHECK_EQ(und.cnt.rx_partial, 1);
	CHECK_EQ(und.rx_have, 0);
	CHECK_EQ(rom.isr_start, 1);               /* START said ours: ends DONE */
	rom_frames(1, 200, 6);
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 64), 1);
	CHECK_EQ(rxl.len[0], 200);
	CHECK_EQ(und.cnt.rx_frames, 1);
}

/* Three frames queued, the second TRANSMIT fails: the first is sent, the
 * second lost and counted, the third waits for the next trip; the ISR run
 * still happens in the failing trip. */
static void test_batch_transmit_fails_mid_batch(void)
{
	struct pxe_api api;
	uint8_t f[3][60];
	reset();
	CHECK_EQ(open_default(&api, 0), 0);
	rom.fail_tx_nth = 2;
	for (int i = 0; i < 3; i++) {
		make_frame(f[i], 60, PEER, 0x0800, (uint8_t)(40 + i));
		CHECK_EQ(und.nd.ops->transmit(&und.nd, f[i], 60), 0);
	}
	rom_frames(1, 100, 9);
	memset(&rxl, 0, sizeof(rxl));
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 64), 1);
	CHECK_EQ(fake_batches, 1);
	CHECK_EQ(rom.ntx, 1);
	CHECK_EQ(und.cnt.tx_frames, 1);
	CHECK_EQ(und.cnt.tx_errors, 1);
	CHECK_EQ(und.txq_n, 1);
	CHECK_EQ(rxl.n, 1);
	CHECK_EQ(tx_flush(), 0);
	CHECK_EQ(rom.ntx, 2);
	CHECK(memcmp(rom.tx[1].data, f[2], 60) == 0);
	CHECK(memcmp(rom.tx[0].data, f[0], 60) == 0);
	CHECK_EQ(und.cnt.tx_frames, 2);
	CHECK_EQ(und.txq_n, 0);
	CHECK_EQ(und.tx_inflight, 0);             /* completions came */
}

/* Trips per frame: a burst of frames in and ACKs out costs one trip. */
static void test_batch_trips_per_frame(void)
{
	struct pxe_api api;
	uint8_t f[60];
	reset();
	CHECK_EQ(open_default(&api, 0), 0);
	uint32_t t0 = api.trips;
	rom_frames(4, 1000, 1);
	memset(&rxl, 0, sizeof(rxl));
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 64), 4);
	make_frame(f, 60, PEER, 0x0800, 3);
	CHECK_EQ(und.nd.ops->transmit(&und.nd, f, 60), 0);
	rom_frames(4, 1000, 5);
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 64), 4);
	CHECK_EQ(api.trips - t0, 2);              /* 9 frames, 2 trips */
	CHECK_EQ(rom.ntx, 1);
}

static void test_close(void)
{
	struct pxe_api api;
	uint8_t f[60];
	reset();
	CHECK_EQ(open_default(&api, 0), 0);
	rom.nlog = 0;
	und.nd.ops->close(&und.nd);
	CHECK_EQ(rom.nlog, 1);
	CHECK_EQ(rom.log[0], PXENV_UNDI_CLOSE);
	CHECK_EQ(rom.opened, 0);
	make_frame(f, sizeof(f), PEER, 0x0800, 3);
	CHECK_EQ(und.nd.ops->transmit(&und.nd, f, sizeof(f)), LL_ENETDOWN);
	CHECK_EQ(und.nd.ops->poll(&und.nd, rx_record, &rxl, 8), LL_ENETDOWN);
	und.nd.ops->close(&und.nd);                /* twice: no call */
	CHECK_EQ(rom.nlog, 1);
	CHECK_EQ(rom.calls_bad_entry, 0);
}

int main(void)
{
	check_suite = "undi";
	RUN(test_checksum_vectors);
	RUN(test_find_bang_from_stack);
	RUN(test_call_needs_ax_and_status);
	RUN(test_find_bad_bang_uses_pxeptr);
	RUN(test_find_pxenv_fallback);
	RUN(test_find_by_scan);
	RUN(test_find_none);
	RUN(test_find_small_bounce);
	RUN(test_cached_pointer_mode);
	RUN(test_cached_copy_mode);
	RUN(test_cached_fallback_and_none);
	RUN(test_open_sequence);
	RUN(test_open_failure_eio_printed_once);
	RUN(test_transmit_tbd);
	RUN(test_transmit_by_protocol);
	RUN(test_tx_ring_gating);
	RUN(test_tx_lend);
	RUN(test_tx_lend_busy_and_small);
	RUN(test_tx_ungated_when_rom_never_completes);
	RUN(test_poll_receive);
	RUN(test_poll_multifragment);
	RUN(test_poll_bad_fragments);
	RUN(test_poll_budget);
	RUN(test_poll_not_ours_busy_error);
	RUN(test_poll_without_start);
	RUN(test_batch_ring_full);
	RUN(test_batch_fragment_across_trips);
	RUN(test_batch_rom_delivers_less);
	RUN(test_batch_transmit_fails_mid_batch);
	RUN(test_batch_trips_per_frame);
	RUN(test_close);
	return CHECK_DONE();
}
