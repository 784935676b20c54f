/* tests/unit/test_efi_pci.c - struct pcidev over EFI_PCI_IO_PROTOCOL
 * (drivers/net/efi_pci.c) against a fake PciIo: IDs and location read
 * through it, BARs decoded (I/O BARs through Io, memory BARs through Mem,
 * a 64-bit BAR's upper half skipped), widths kept, config accesses
 * bounded, DMA bus addresses from the mapped buffer, no dma_va (a
 * disconnected driver's rings are never continued). */
#include "tests/lib/check.h"
#include "drivers/net/efi_pci.h"
#include "lib/err.h"

struct fake_pci {
	EFI_PCI_IO_PROTOCOL p;             /* first: This is the fake */
	uint32_t cfg[64];
	unsigned cfg_reads, cfg_writes;
	char space;                        /* 'm' or 'i': the last BAR access */
	int width;
	UINT8 bar;
	UINT64 off, val;
	int loc_fails;
};
static struct fake_pci f;
static uint64_t clk;

static uint64_t now(void *ctx) { (void)ctx; return clk += 5; }
static const struct ll_clock clock = { .now_us = now, .ctx = NULL };

static EFI_STATUS EFIAPI f_cfg_read(EFI_PCI_IO_PROTOCOL *p, EFI_PCI_IO_PROTOCOL_WIDTH w,
				    UINT32 off, UINTN n, void *buf)
{
	(void)p;
	f.cfg_reads++;
	if (w != EfiPciIoWidthUint32 || n != 1 || off >= 256)
		return EFI_INVALID_PARAMETER;
	*(UINT32 *)buf = f.cfg[off / 4];
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI f_cfg_write(EFI_PCI_IO_PROTOCOL *p, EFI_PCI_IO_PROTOCOL_WIDTH w,
				     UINT32 off, UINTN n, void *buf)
{
	(void)p;
	f.cfg_writes++;
	if (w != EfiPciIoWidthUint32 || n != 1 || off >= 256)
		return EFI_INVALID_PARAMETER;
	f.cfg[off / 4] = *(UINT32 *)buf;
	return EFI_SUCCESS;
}

static EFI_STATUS bar_access(char space, EFI_PCI_IO_PROTOCOL_WIDTH w, UINT8 bar,
			     UINT64 off, UINTN n, void *buf, int write)
{
	static const int bytes[] = { 1, 2, 4, 8 };

	if (n != 1 || w > EfiPciIoWidthUint64 || bar > 5)
		return EFI_INVALID_PARAMETER;
	f.space = space;
	f.width = bytes[w];
	f.bar = bar;
	f.off = off;
	if (write) {
		f.val = 0;
		memcpy(&f.val, buf, (size_t)f.width);
	} else {
		UINT64 v = 0x1122334455667788ull;
		memcpy(buf, &v, (size_t)f.width);
	}
	return EFI_SUCCESS;
}

static EFI_STATUS EFIAPI f_mem_read(EFI_PCI_IO_PROTOCOL *p, EFI_PCI_IO_PROTOCOL_WIDTH w,
				    UINT8 bar, UINT64 off, UINTN n, void *buf)
{
	(void)p;
	return bar_access('m', w, bar, off, n, buf, 0);
}

static EFI_STATUS EFIAPI f_mem_write(EFI_PCI_IO_PROTOCOL *p, EFI_PCI_IO_PROTOCOL_WIDTH w,
				     UINT8 bar, UINT64 off, UINTN n, void *buf)
{
	(void)p;
	return bar_access('m', w, bar, off, n, buf, 1);
}

static EFI_STATUS EFIAPI f_io_read(EFI_PCI_IO_PROTOCOL *p, EFI_PCI_IO_PROTOCOL_WIDTH w,
				   UINT8 bar, UINT64 off, UINTN n, void *buf)
{
	(void)p;
	return bar_access('i', w, bar, off, n, buf, 0);
}

static EFI_STATUS EFIAPI f_io_write(EFI_PCI_IO_PROTOCOL *p, EFI_PCI_IO_PROTOCOL_WIDTH w,
				    UINT8 bar, UINT64 off, UINTN n, void *buf)
{
	(void)p;
	return bar_access('i', w, bar, off, n, buf, 1);
}

static EFI_STATUS EFIAPI f_location(EFI_PCI_IO_PROTOCOL *p, UINTN *seg, UINTN *bus,
				    UINTN *dev, UINTN *fn)
{
	(void)p;
	if (f.loc_fails)
		return EFI_DEVICE_ERROR;
	*seg = 0;
	*bus = 1;
	*dev = 3;
	*fn = 2;
	return EFI_SUCCESS;
}

static uint8_t dma[8192];

static void setup(struct efi_pci *x, struct pcidev *pd)
{
	memset(&f, 0, sizeof(f));
	f.p.Pci.Read = f_cfg_read;
	f.p.Pci.Write = f_cfg_write;
	f.p.Mem.Read = f_mem_read;
	f.p.Mem.Write = f_mem_write;
	f.p.Io.Read = f_io_read;
	f.p.Io.Write = f_io_write;
	f.p.GetLocation = f_location;
	f.cfg[0] = 0x10008086u;             /* 8086:1000 */
	f.cfg[4] = 0xfebc0000u;             /* BAR0: 32-bit memory */
	f.cfg[5] = 0x0000c001u;             /* BAR1: I/O at 0xc000 */
	f.cfg[6] = 0x0000000cu;             /* BAR2: 64-bit prefetchable */
	f.cfg[7] = 0x00000001u;             /* BAR3: its upper half (looks like I/O) */
	f.cfg[8] = 0x0000c041u;             /* BAR4: I/O */
	memset(x, 0, sizeof(*x));
	x->io = &f.p;
	x->clock = &clock;
	x->dma = dma;
	x->dma_bus = 0x7f000000u;
	x->dma_size = sizeof(dma);
	CHECK_EQ(efi_pci_make(x, pd), 0);
}

static void test_make(void)
{
	struct efi_pci x;
	struct pcidev pd;

	setup(&x, &pd);
	CHECK_EQ(pd.vendor, 0x8086);
	CHECK_EQ(pd.device, 0x1000);
	CHECK_EQ(pd.bus, 1);
	CHECK_EQ(pd.dev, 3);
	CHECK_EQ(pd.fn, 2);
	CHECK(pd.dma_mem == dma);
	CHECK_EQ(pd.dma_size, sizeof(dma));
	CHECK_EQ(x.bar_io[0], 0);
	CHECK_EQ(x.bar_io[1], 1);
	CHECK_EQ(x.bar_io[2], 0);
	CHECK_EQ(x.bar_io[3], 0);           /* upper half, not an I/O BAR */
	CHECK_EQ(x.bar_io[4], 1);
	f.loc_fails = 1;
	CHECK_EQ(efi_pci_make(&x, &pd), LL_EIO);
	f.loc_fails = 0;
	f.cfg[0] = 0xffffffffu;             /* nothing answers */
	CHECK_EQ(efi_pci_make(&x, &pd), LL_EIO);
}

static void test_bars(void)
{
	struct efi_pci x;
	struct pcidev pd;

	setup(&x, &pd);
	pd.ops->bar_write32(&pd, 0, 0x2818, 0xdeadbeef);
	CHECK_EQ(f.space, 'm');
	CHECK_EQ(f.bar, 0);
	CHECK_EQ(f.off, 0x2818);
	CHECK_EQ(f.width, 4);
	CHECK_EQ(f.val, 0xdeadbeef);
	pd.ops->bar_write16(&pd, 1, 0x10, 0xabcd);
	CHECK_EQ(f.space, 'i');
	CHECK_EQ(f.bar, 1);
	CHECK_EQ(f.width, 2);
	CHECK_EQ(f.val, 0xabcd);
	CHECK_EQ(pd.ops->bar_read8(&pd, 1, 0x12), 0x88);
	CHECK_EQ(f.width, 1);
	CHECK_EQ(pd.ops->bar_read16(&pd, 2, 0x3000), 0x7788);
	CHECK_EQ(f.space, 'm');
	CHECK_EQ(f.bar, 2);
	CHECK_EQ(pd.ops->bar_read32(&pd, 4, 0), 0x55667788u);
	CHECK_EQ(f.space, 'i');
	pd.ops->bar_write8(&pd, 9, 1, 0x5a);   /* out of range: BAR0 */
	CHECK_EQ(f.bar, 0);
	CHECK_EQ(f.val, 0x5a);
}

static void test_config(void)
{
	struct efi_pci x;
	struct pcidev pd;

	setup(&x, &pd);
	pd.ops->cfg_write32(&pd, PCI_CFG_COMMAND, 0x0406);
	CHECK_EQ(f.cfg[1], 0x0406);
	CHECK_EQ(pd.ops->cfg_read32(&pd, PCI_CFG_COMMAND), 0x0406);
	unsigned r = f.cfg_reads, w = f.cfg_writes;
	CHECK_EQ(pd.ops->cfg_read32(&pd, 0x102), 0xffffffffu);  /* bounded */
	CHECK_EQ(pd.ops->cfg_read32(&pd, 0x06), 0xffffffffu);   /* unaligned */
	pd.ops->cfg_write32(&pd, 0x100, 1);
	CHECK_EQ(f.cfg_reads, r);
	CHECK_EQ(f.cfg_writes, w);
}

static void test_dma(void)
{
	struct efi_pci x;
	struct pcidev pd;

	setup(&x, &pd);
	CHECK_EQ(pd.ops->dma_addr(&pd, dma), 0x7f000000u);
	CHECK_EQ(pd.ops->dma_addr(&pd, dma + 4100), 0x7f000000u + 4100);
	CHECK(pd.ops->dma_va == NULL);
	uint64_t t0 = clk;
	pd.ops->udelay(&pd, 100);
	CHECK(clk - t0 >= 100);
	pd.ops->mb(&pd);
}

int main(void)
{
	check_suite = "efi_pci";
	RUN(test_make);
	RUN(test_bars);
	RUN(test_config);
	RUN(test_dma);
	return CHECK_DONE();
}
