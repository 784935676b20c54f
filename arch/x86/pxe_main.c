/* arch/x86/pxe_main.c - the C entry of lifeline.pxe: the core runs high in
 * long mode; set up paging, IDT, console and clock, report what the PXE
 * ROM and the BIOS left us, then run the boot flow (boot_pxe). */
#include <stdint.h>
#include "arch/x86/arch.h"
#include "arch/x86/elf_entry.h"
#include "arch/x86/io.h"
#include "arch/x86/pci.h"
#include "platform/realmode.h"
#include "arch/x86/stub.h"
#include "boot/boot.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

#define SMAP 0x534d4150u
#define E820_MAX_PRINT 64

static const char *const a20_how[] = {
	"not enabled", "already on", "INT 15h AX=2401h", "port 92h",
};

static const char *e820_type_name(uint32_t t)
{
	switch (t) {
	case 1: return "RAM";
	case 2: return "reserved";
	case 3: return "ACPI data";
	case 4: return "ACPI NVS";
	case 5: return "bad";
	default: return "other";
	}
}

/* Print the E820 map through INT 15h (the real-mode door); entry count. */
static int e820_print(void)
{
	struct e820_entry *e = rm_ptr(rm_bounce_seg(), 0);
	struct rm_regs r;
	uint32_t cont = 0;
	int n = 0;
	do {
		memset(&r, 0, sizeof(r));
		memset(e, 0, sizeof(*e));
		e->attr = 1;
		r.eax = 0xe820;
		r.ebx = cont;
		r.ecx = sizeof(*e);
		r.edx = SMAP;
		r.es = rm_bounce_seg();
		r.edi = 0;
		rm_int(0x15, &r);
		if ((r.flags & RM_CF) || r.eax != SMAP)
			break;
		ll_printf("lifeline: E820 %016llx-%016llx %s\n",
			  (unsigned long long)e->base,
			  (unsigned long long)(e->base + e->len - 1),
			  e820_type_name(e->type));
		cont = r.ebx;
	} while (cont && ++n < E820_MAX_PRINT);
	return n;
}

struct pci_census {
	unsigned functions, nics;
};

static int pci_count(void *ctx, struct pci_addr a, uint32_t id)
{
	struct pci_census *c = ctx;
	c->functions++;
	if ((pci_read32(a, 0x08) >> 24) == 0x02) { /* class: network */
		c->nics++;
		ll_printf("lifeline: PCI %02x:%02x.%u %04x:%04x network\n",
			  a.bus, a.dev, a.fn, id & 0xffff, id >> 16);
	}
	return 0;
}

static void pci_report(void)
{
	struct pci_census c = { 0, 0 };
	pci_each(pci_count, &c);
	ll_printf("lifeline: PCI %u functions, %u network\n", c.functions,
		  c.nics);
}

static uint16_t int12_kib(void)
{
	struct rm_regs r;
	memset(&r, 0, sizeof(r));
	rm_int(0x12, &r);
	return (uint16_t)r.eax;
}

static void entry_report(const struct stub_header *h)
{
	ll_printf("lifeline: PXE entry, PXENV+ at %04x:%04x, !PXE at %04x:%04x\n",
		  h->pxenv >> 16, h->pxenv & 0xffff, h->bangpxe >> 16,
		  h->bangpxe & 0xffff);
	ll_printf("lifeline: image loaded at 0x%x, A20 %s\n", h->image,
		  a20_how[h->a20 & 3]);
	ll_printf("lifeline: base memory %u KiB, stub %u KiB at 0x%x, 40:13 now %u KiB, INT 12h %u KiB\n",
		  h->basemem0, h->size / 1024, h->linear,
		  x86_peek16(0x413), int12_kib());
}

/* The NICs on the bus and the DMA memory a native driver gets: the first
 * part of the hidden heap (the iSCSI session takes the rest). */
static void nics_fill(struct boot_bios_env *env)
{
	static struct nic_candidate nics[X86_NIC_MAX];
	static struct x86_pcidev_ctx pci;
	size_t dma = NICPROBE_DMA_SIZE;

	pci.clock = &env->clock;
	pci.dma = env->arena;
	pci.dma_size = dma;
	env->arena = (uint8_t *)env->arena + dma;
	env->arena_size -= dma;
	env->nics = nics;
	env->n_nics = x86_nic_candidates(nics, X86_NIC_MAX);
	env->nic_make = x86_pcidev_make;
	env->nic_ctx = &pci;
}

void pxe_main(uint64_t stub_linear);
void pxe_main(uint64_t stub_linear)
{
	struct stub_header *h = (struct stub_header *)(uintptr_t)stub_linear;
	static struct boot_pxe_env pxe;
	struct boot_bios_env *env = &pxe.bios;
	uint16_t idt_limit;
	uint64_t tsc_hz;

	rm_init(stub_linear);
	h->cr3 = (uint32_t)x86_paging_init();
	h->idt_base = x86_idt_init(&idt_limit);
	h->idt_limit = idt_limit;
	h->lm_top = (uint64_t)(uintptr_t)__stack_top;
	h->lm_rsp = h->lm_top;
	x86_console_init();
	entry_report(h);

	int rc = x86_tsc_init(&env->clock, &tsc_hz);
	ll_printf("lifeline: TSC %llu kHz (PIT channel 2%s)\n",
		  (unsigned long long)(tsc_hz / 1000),
		  rc ? ", timed out: assumed" : "");
	x86_idle_init(&env->clock);
	e820_print();
	pci_report();

	uint64_t base = (uint64_t)(uintptr_t)__image_start;
	uint64_t image_end = (uint64_t)(uintptr_t)_end;
	env->hide_base[0] = base;
	env->hide_len[0] = image_end + LX_HEAP_SIZE - base;
	env->n_hide = 1;
	env->arena = _end;
	env->arena_size = LX_HEAP_SIZE;
	nics_fill(env);
	ll_printf("lifeline: core at 0x%llx-0x%llx (%llu KiB image, %u KiB heap)\n",
		  (unsigned long long)base,
		  (unsigned long long)(base + env->hide_len[0] - 1),
		  (unsigned long long)((image_end - base) / 1024),
		  LX_HEAP_SIZE / 1024);
	if (__core_flags[0] & LX_FLAG_TEST_HOOK)
		x86_selftest_hook();
	if (__core_flags[0] & LX_FLAG_TEST_JUMP)
		x86_selftest_jump();
	if (__core_flags[0] & LX_FLAG_BENCH)
		x86_bench((uint8_t *)_end, tsc_hz);
	if (__core_flags[0] & LX_FLAG_TEST_UD)
		__asm__ volatile("ud2");

	env->settings_block = 1;
	pxe.pxenv_seg = (uint16_t)(h->pxenv >> 16);
	pxe.pxenv_off = (uint16_t)h->pxenv;
	pxe.bang_seg = (uint16_t)(h->bangpxe >> 16);
	pxe.bang_off = (uint16_t)h->bangpxe;
	x86_bios_give_up(boot_pxe(&pxe));
}
