/* tests/lib/pxe_fake.h - a fake PXE ROM for unit tests: a host array
 * stands in for the first MiB, and rm_pxe_call / rm_bounce_seg /
 * rm_bounce_size (platform/realmode.h) are implemented on it. Frames sent
 * are recorded, ISR events are scripted. Header-only: one per test binary. */
#ifndef TESTS_PXE_FAKE_H
#define TESTS_PXE_FAKE_H
#include <stdint.h>
#include <string.h>
#include "platform/realmode.h"
#include "platform/rm_batch.h"
#include "drivers/pxe/pxe_proto.h"
#include "drivers/net/undi.h"
#include "net/dhcp.h"
#include "lib/print.h"

/* ---- fake base memory and ROM ---- */

static uint8_t mem[0x110000];

static void *fake_ptr(uint16_t seg, uint16_t off)
{
	return mem + rm_linear(seg, off);
}

#define BOUNCE_SEG   0x7000
#define BANG_LIN     0x9F000u   /* !PXE */
#define PXENV_LIN    0x9F060u   /* PXENV+ */
#define BANG_ENTRY_SEG 0x9F10
#define BANG_ENTRY_OFF 0x0100
#define RM_ENTRY_SEG   0x9F10
#define RM_ENTRY_OFF   0x0200
#define ROMBUF_SEG   0x9000     /* where the fake ROM keeps frames */
#define ACK_SEG      0x9800

enum ev_kind { EV_TX = PXENV_UNDI_ISR_OUT_TRANSMIT,
	       EV_RX = PXENV_UNDI_ISR_OUT_RECEIVE,
	       EV_BUSY = PXENV_UNDI_ISR_OUT_BUSY };

struct ev {
	uint16_t kind, buflen, framelen, off; /* data at ROMBUF_SEG:off */
};

struct tx_rec {
	uint8_t proto, flag;
	uint8_t dest[6];
	struct pxenv_undi_tbd tbd;
	uint8_t data[1600];
	uint16_t len;
	uint32_t tbd_lin, data_lin;
};

static struct fake_rom {
	uint32_t bounce_size;
	unsigned calls_bang, calls_rm, calls_bad_entry, param_outside;
	uint16_t log[512];
	unsigned nlog;
	uint16_t fail_opcode, fail_status;
	uint16_t fail_opcode2;
	int fail_ax_only;             /* failing call: AX 1 but Status 0 */
	int fail_status_only;         /* failing call: AX 0 but Status set */
	int opened;
	uint16_t filter;
	uint8_t mac[6];
	uint16_t mtu, hwaddrlen;
	uint16_t ack_len[4];          /* per packet type; 0: none */
	int no_pointer_mode;
	uint32_t copy_buf_lin;        /* where a copy-mode request pointed */
	struct tx_rec tx[16];
	unsigned ntx;
	int tx_auto_complete;
	struct ev ev[128];
	unsigned ev_head, ev_n;
	int start_not_ours;
	unsigned isr_start, isr_process, isr_getnext;
	int endless_tx_events;
	unsigned tx_calls, fail_tx_nth;  /* fail only the nth TRANSMIT */
} rom;

uint16_t rm_bounce_seg(void) { return BOUNCE_SEG; }
uint32_t rm_bounce_size(void) { return rom.bounce_size; }

static void push_ev(uint16_t kind, uint16_t buflen, uint16_t framelen,
		    uint16_t off)
{
	rom.ev[(rom.ev_head + rom.ev_n) % 128] =
		(struct ev){kind, buflen, framelen, off};
	rom.ev_n++;
}

static void rom_transmit(struct pxenv_undi_transmit *t)
{
	struct tx_rec *r = &rom.tx[rom.ntx++ % 16];
	r->proto = t->Protocol;
	r->flag = t->XmitFlag;
	memcpy(r->dest, fake_ptr(t->DestAddr.segment, t->DestAddr.offset), 6);
	r->tbd_lin = rm_linear(t->TBD.segment, t->TBD.offset);
	memcpy(&r->tbd, mem + r->tbd_lin, sizeof(r->tbd));
	r->data_lin = rm_linear(r->tbd.Xmit.segment, r->tbd.Xmit.offset);
	r->len = r->tbd.ImmedLength;
	memcpy(r->data, mem + r->data_lin, r->len);
	if (rom.tx_auto_complete)
		push_ev(EV_TX, 0, 0, 0);
}

static void rom_isr(struct pxenv_undi_isr *isr)
{
	uint16_t in = isr->FuncFlag;
	if (in == PXENV_UNDI_ISR_IN_START) {
		rom.isr_start++;
		isr->FuncFlag = rom.start_not_ours ? PXENV_UNDI_ISR_OUT_NOT_OURS
						   : PXENV_UNDI_ISR_OUT_OURS;
		return;
	}
	if (in == PXENV_UNDI_ISR_IN_PROCESS)
		rom.isr_process++;
	else
		rom.isr_getnext++;
	if (rom.endless_tx_events) {
		isr->FuncFlag = PXENV_UNDI_ISR_OUT_TRANSMIT;
		return;
	}
	if (rom.ev_n == 0) {
		isr->FuncFlag = PXENV_UNDI_ISR_OUT_DONE;
		return;
	}
	struct ev e = rom.ev[rom.ev_head];
	rom.ev_head = (rom.ev_head + 1) % 128;
	rom.ev_n--;
	isr->FuncFlag = e.kind;
	isr->BufferLength = e.buflen;
	isr->FrameLength = e.framelen;
	isr->FrameHeaderLength = 14;
	isr->Frame.segment = ROMBUF_SEG;
	isr->Frame.offset = e.off;
}

static void rom_cached(struct pxenv_get_cached_info *gc)
{
	uint16_t t = gc->PacketType;
	if (t > 3 || rom.ack_len[t] == 0) {
		gc->Status = PXENV_STATUS_FAILURE;
		return;
	}
	uint16_t off = (uint16_t)(t * 0x800);
	if (gc->BufferSize == 0 && gc->Buffer.segment == 0) {
		if (rom.no_pointer_mode)
			return;   /* says success, gives nothing */
		gc->Buffer.segment = ACK_SEG;
		gc->Buffer.offset = off;
		gc->BufferSize = rom.ack_len[t];
		return;
	}
	rom.copy_buf_lin = rm_linear(gc->Buffer.segment, gc->Buffer.offset);
	uint16_t n = rom.ack_len[t] < gc->BufferSize ? rom.ack_len[t] : gc->BufferSize;
	memcpy(mem + rom.copy_buf_lin, fake_ptr(ACK_SEG, off), n);
	gc->BufferSize = n;
}

static void rom_info(struct pxenv_undi_get_information *gi)
{
	gi->BaseIo = 0xc000;
	gi->IntNumber = 11;
	gi->MaxTranUnit = rom.mtu;
	gi->HwType = PXE_HWTYPE_ETHER;
	gi->HwAddrLen = rom.hwaddrlen;
	memcpy(gi->CurrentNodeAddress, rom.mac, 6);
	memcpy(gi->PermNodeAddress, rom.mac, 6);
}

static void rom_dispatch(uint16_t opcode, void *p)
{
	switch (opcode) {
	case PXENV_GET_CACHED_INFO: rom_cached(p); break;
	case PXENV_UNDI_GET_INFORMATION: rom_info(p); break;
	case PXENV_UNDI_OPEN:
		rom.opened = 1;
		rom.filter = ((struct pxenv_undi_open *)p)->PktFilter;
		break;
	case PXENV_UNDI_CLOSE: rom.opened = 0; break;
	case PXENV_UNDI_TRANSMIT: rom_transmit(p); break;
	case PXENV_UNDI_ISR: rom_isr(p); break;
	default: break;
	}
}

uint16_t rm_pxe_call(uint16_t seg, uint16_t off, uint16_t opcode,
		     uint16_t param_seg, uint16_t param_off)
{
	if (seg == BANG_ENTRY_SEG && off == BANG_ENTRY_OFF)
		rom.calls_bang++;
	else if (seg == RM_ENTRY_SEG && off == RM_ENTRY_OFF)
		rom.calls_rm++;
	else {
		rom.calls_bad_entry++;
		return PXENV_EXIT_FAILURE;
	}
	uint32_t lin = rm_linear(param_seg, param_off);
	uint32_t b = (uint32_t)BOUNCE_SEG << 4;
	if (lin < b || lin + 16 > b + rom.bounce_size)
		rom.param_outside++;
	if (rom.nlog < 512)
		rom.log[rom.nlog++] = opcode;
	uint16_t *status = (uint16_t *)(mem + lin);
	if (opcode == PXENV_UNDI_TRANSMIT && ++rom.tx_calls == rom.fail_tx_nth) {
		*status = PXENV_STATUS_UNDI_TRANSMIT_ERROR;
		return PXENV_EXIT_FAILURE;
	}
	if ((opcode == rom.fail_opcode || opcode == rom.fail_opcode2) &&
	    rom.fail_status) {
		*status = rom.fail_ax_only ? 0 : rom.fail_status;
		return rom.fail_status_only ? PXENV_EXIT_SUCCESS
					    : PXENV_EXIT_FAILURE;
	}
	*status = PXENV_STATUS_SUCCESS;
	rom_dispatch(opcode, mem + lin);
	return *status ? PXENV_EXIT_FAILURE : PXENV_EXIT_SUCCESS;
}

/* The real-mode loop of a batch trip (platform/rm_batch.h), as
 * arch/x86/stub.S runs it, over rm_pxe_call and the fake ROM. */
static unsigned fake_batches;

static int batch_rom(struct rm_batch *b, uint16_t seg, uint16_t op,
		     uint16_t off, uint16_t *ax)
{
	b->calls++;
	*ax = rm_pxe_call(b->entry_seg, b->entry_off, op, seg, off);
	uint16_t status;
	memcpy(&status, fake_ptr(seg, off), 2);
	return *ax == 0 && status == 0;
}

static int batch_isr(struct rm_batch *b, uint16_t seg, uint16_t in,
		     uint16_t *out)
{
	struct pxenv_undi_isr *isr = fake_ptr(seg, b->isr_param);
	uint16_t ax;
	memset(isr, 0, sizeof(*isr));
	isr->FuncFlag = in;
	if (!batch_rom(b, seg, PXENV_UNDI_ISR, b->isr_param, &ax))
		return 0;
	*out = isr->FuncFlag;
	return 1;
}

static void batch_record(struct rm_batch *b, uint16_t seg, uint16_t flag)
{
	const struct pxenv_undi_isr *isr = fake_ptr(seg, b->isr_param);
	struct rm_batch_rec *r = fake_ptr(seg, (uint16_t)(b->ring_off + b->ring_used));
	*r = (struct rm_batch_rec){ flag, isr->BufferLength, isr->FrameLength,
		isr->Frame.offset, isr->Frame.segment,
		(uint16_t)(isr->ProtType | isr->PktType << 8), 0, 0 };
	if (flag == PXENV_UNDI_ISR_OUT_RECEIVE && r->buflen <= RB_COPY_MAX &&
	    (uint32_t)r->foff + r->buflen <= 0x10000u) {
		r->copied = r->buflen;
		memcpy(r + 1, fake_ptr(r->fseg, r->foff), r->buflen);
	}
	b->ring_used = (uint16_t)(b->ring_used + rm_batch_rec_size(r->copied));
	b->nrec++;
}

static uint16_t batch_isr_run(struct rm_batch *b, uint16_t seg)
{
	uint16_t in = b->isr_in, out;
	if (in == 0)
		return 0;
	if (in == PXENV_UNDI_ISR_IN_START) {
		if (!batch_isr(b, seg, in, &out))
			return RB_LAST_FAILED;
		if (out != PXENV_UNDI_ISR_OUT_OURS)
			return out;
		in = PXENV_UNDI_ISR_IN_PROCESS;
	}
	for (;;) {
		if (b->nrec >= b->rec_max ||
		    b->ring_size - b->ring_used < RB_REC_ROOM)
			return RB_LAST_MORE;
		if (!batch_isr(b, seg, in, &out))
			return RB_LAST_FAILED;
		if (out != PXENV_UNDI_ISR_OUT_TRANSMIT &&
		    out != PXENV_UNDI_ISR_OUT_RECEIVE)
			return out;
		batch_record(b, seg, out);
		in = PXENV_UNDI_ISR_IN_GET_NEXT;
	}
}

int rm_undi_batch(uint16_t seg, uint16_t off)
{
	struct rm_batch *b = fake_ptr(seg, off);
	uint16_t ax;
	fake_batches++;
	b->tx_sent = b->tx_fail_ax = b->ring_used = b->nrec = b->calls = 0;
	while (b->tx_sent < b->tx_n) {
		if (!batch_rom(b, seg, PXENV_UNDI_TRANSMIT,
			       (uint16_t)(b->tx_param + b->tx_sent * RB_TX_STRIDE), &ax)) {
			b->tx_fail_ax = ax;
			break;
		}
		b->tx_sent++;
	}
	b->isr_last = batch_isr_run(b, seg);
	return 0;
}

/* ---- building the ROM's structures ---- */

static uint8_t sum8(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *b++);
	return s;
}

static void put_bang_entry(uint32_t lin, uint16_t seg, uint16_t off)
{
	struct pxe_bang_pxe *b = (void *)(mem + lin);
	memset(b, 0, sizeof(*b));
	memcpy(b->Signature, "!PXE", 4);
	b->StructLength = sizeof(*b);
	b->EntryPointSP.segment = seg;
	b->EntryPointSP.offset = off;
	b->StructCksum = (uint8_t)-sum8(b, sizeof(*b));
}

static void put_bang(uint32_t lin)
{
	put_bang_entry(lin, BANG_ENTRY_SEG, BANG_ENTRY_OFF);
}

static void put_pxenv(uint32_t lin, uint16_t version, uint8_t length,
		      uint32_t bang_lin)
{
	struct pxe_pxenv *v = (void *)(mem + lin);
	memset(v, 0, sizeof(*v));
	memcpy(v->Signature, "PXENV+", 6);
	v->Version = version;
	v->Length = length;
	v->RMEntry.segment = RM_ENTRY_SEG;
	v->RMEntry.offset = RM_ENTRY_OFF;
	v->PXEPtr.segment = (uint16_t)(bang_lin >> 4);
	v->PXEPtr.offset = (uint16_t)(bang_lin & 15);
	v->Checksum = (uint8_t)-sum8(v, length);
}

static int console_lines;
static char console_last[256];
static void console_sink(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	if (len && s[len - 1] == '\n')
		console_lines++;
	size_t n = len < sizeof(console_last) - 1 ? len : sizeof(console_last) - 1;
	memcpy(console_last, s, n);
	console_last[n] = 0;
}

static void reset(void)
{
	memset(mem, 0, sizeof(mem));
	memset(&rom, 0, sizeof(rom));
	fake_batches = 0;
	rom.bounce_size = 0x4000;
	rom.mtu = 1500;
	rom.hwaddrlen = 6;
	memcpy(rom.mac, "\x52\x54\x00\x12\x34\x56", 6);
	rom.tx_auto_complete = 1;
	mem[0x413] = 0x7c;    /* 40:13 = 636 KiB = 0x9F000 */
	mem[0x414] = 0x02;
	put_bang(BANG_LIN);
	put_pxenv(PXENV_LIN, PXENV_VERSION_2_1, sizeof(struct pxe_pxenv), BANG_LIN);
	console_lines = 0;
	ll_console_set(console_sink, NULL);
}

static int find_default(struct pxe_api *api)
{
	return pxe_find_api(api, (uint16_t)(PXENV_LIN >> 4), PXENV_LIN & 15,
			    (uint16_t)(BANG_LIN >> 4), 0, fake_ptr);
}

#endif
