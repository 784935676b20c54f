/* arch/x86/elf_main.c - the C entry of lifeline.elf, reached from the kexec
 * entry (boot_params) or the Multiboot2 entry (MBI): memory map and command
 * line, page tables over all memory, console, IDT, TSC, the PCI NICs; then
 * the crash flow and its final action (kexec), or the BIOS boot flow with
 * the real-mode stub placed in base memory (GRUB; INT 18h on failure). */
#include <stdint.h>
#include "arch/x86/arch.h"
#include "arch/x86/elf_entry.h"
#include "arch/x86/io.h"
#include "arch/x86/stub_install.h"
#include "attach/attach.h"
#include "boot/boot.h"
#include "boot/mb2_info.h"
#include "dump/crash_flow.h"
#include "dump/crash_mem.h"
#include "lib/err.h"
#include "lib/mem.h"
#include "lib/print.h"

/* boot_params (the zero page, Linux x86 boot protocol). */
#define BP_EXT_CMD_LINE_PTR 0x0c8
#define BP_E820_ENTRIES     0x1e8
#define BP_CMD_LINE_PTR     0x228
#define BP_E820_TABLE       0x2d0
#define BP_E820_MAX         128
/* Multiboot2 tag 16: GRUB's DHCPACK, as much as we keep of it. */
#define MB2_ACK_MAX     1500

#define CMDLINE_MAX  4096
#define MORE_MAX     16
#define GIB          (1ull << 30)
#define MAP_MAX      128
#define E820_RAM     1
#define E820_ACPI    3
#define E820_NVS     4
#define PHYS_TOP_MAX (1ull << 46)

struct elf_map_entry {
	uint64_t base, len;
	uint32_t type;
};

/* The entry's one context. */
static struct elf_ctx {
	unsigned how;
	uint64_t info;
	char cmdline[CMDLINE_MAX];
	struct elf_map_entry map[MAP_MAX];
	unsigned n_map;
	uint64_t mapped;          /* end of the identity map */
	uint64_t more_lo[MORE_MAX], more_hi[MORE_MAX]; /* added later, GiBs */
	unsigned n_more;
	struct ll_clock clock;
	struct x86_pcidev_ctx pci;
	struct nic_candidate nics[X86_NIC_MAX];
	size_t n_nics;
	struct physmem mem;
	struct attach_sources src; /* the settings: the command line */
	struct crash_env env;
	uint64_t rsdp;            /* Multiboot2 tag 15 or 14: where the copy is */
	unsigned rsdp_rev;
	uint32_t load_base;       /* tag 21 */
	uint8_t ack[MB2_ACK_MAX]; /* tag 16: GRUB's DHCPACK */
	size_t ack_len;
	unsigned n_ack;           /* tags 16 GRUB wrote (one per interface) */
	int mb2_rc;               /* mb2_info_parse's result */
	uint64_t idt;
	uint16_t idt_limit;
	struct boot_bios_env bios;
} ec;

static void cmdline_copy(uint64_t addr, size_t max)
{
	const char *s = (const char *)(uintptr_t)addr;
	size_t n = 0;
	if (addr)
		while (n + 1 < CMDLINE_MAX && n < max && s[n])
			n++;
	memcpy(ec.cmdline, s, addr ? n : 0);
	ec.cmdline[n] = 0;
}

static void map_add(uint64_t base, uint64_t len, uint32_t type)
{
	if (ec.n_map < MAP_MAX && len)
		ec.map[ec.n_map++] = (struct elf_map_entry){ base, len, type };
}

/* boot_params: before our own page tables (the kexec identity map holds
 * RAM, and boot_params is in RAM). */
static void read_boot_params(uint64_t bp)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)bp;
	uint32_t lo, hi;
	uint8_t n = p[BP_E820_ENTRIES];
	memcpy(&lo, p + BP_CMD_LINE_PTR, 4);
	memcpy(&hi, p + BP_EXT_CMD_LINE_PTR, 4);
	cmdline_copy(((uint64_t)hi << 32) | lo, CMDLINE_MAX);
	for (unsigned i = 0; i < n && i < BP_E820_MAX; i++) {
		const uint8_t *e = p + BP_E820_TABLE + 20 * i;
		uint64_t base, len;
		uint32_t type;
		memcpy(&base, e, 8);
		memcpy(&len, e + 8, 8);
		memcpy(&type, e + 16, 4);
		map_add(base, len, type);
	}
}

/* The Multiboot2 information (boot/mb2_info.c): the command line, the
 * memory map, the ACPI RSDP copy, GRUB's DHCPACK (it booted from the
 * network), the load base. Copied: the information may lie where the stub
 * goes. A damaged one: the tags before the damage, and the code kept for
 * the entry's coded line. */
static void read_mb2_info(uint64_t mbi)
{
	struct mb2_info m;
	uint64_t base, len;
	uint32_t type;

	ec.mb2_rc = mb2_info_parse((const void *)(uintptr_t)mbi, MB2_INFO_MAX, &m);
	if (m.cmdline)
		cmdline_copy((uint64_t)(uintptr_t)m.cmdline, CMDLINE_MAX);
	for (uint32_t i = 0; i < m.mmap_n; i++) {
		mb2_mmap_entry(&m, i, &base, &len, &type);
		map_add(base, len, type);
	}
	ec.rsdp = (uint64_t)(uintptr_t)m.rsdp;
	ec.rsdp_rev = m.rsdp_rev;
	ec.ack_len = m.ack_len < MB2_ACK_MAX ? m.ack_len : MB2_ACK_MAX;
	if (m.ack)
		memcpy(ec.ack, m.ack, ec.ack_len);
	ec.n_ack = m.n_ack;
	ec.load_base = m.load_base;
}

/* End of the highest RAM (or ACPI) range: reserved ranges far up (QEMU's
 * HyperTransport hole at 1 TiB) are not worth page tables. */
static uint64_t map_top(void)
{
	uint64_t top = 0;
	for (unsigned i = 0; i < ec.n_map; i++) {
		if (ec.map[i].type != E820_RAM && ec.map[i].type != E820_ACPI &&
		    ec.map[i].type != E820_NVS)
			continue;
		uint64_t end = ec.map[i].base + ec.map[i].len;
		if (end > ec.map[i].base && end <= PHYS_TOP_MAX && end > top)
			top = end;
	}
	return top;
}

static int more_has(uint64_t paddr, uint64_t end)
{
	for (unsigned i = 0; i < ec.n_more; i++)
		if (paddr >= ec.more_lo[i] && end <= ec.more_hi[i])
			return 1;
	return 0;
}

/* RAM the elfcorehdr names beyond the boot-time map (a memory map the
 * entry did not see in full, e.g. a UEFI kernel's): mapped on first use,
 * whole GiBs at a time. */
static const void *phys_map(void *ctx, uint64_t paddr, uint64_t len)
{
	(void)ctx;
	uint64_t end = paddr + len, lo, hi;
	if (paddr < ec.mapped && len <= ec.mapped - paddr)
		return (const void *)(uintptr_t)paddr;
	if (end < paddr || end > PHYS_TOP_MAX)
		return NULL;
	if (more_has(paddr, end))
		return (const void *)(uintptr_t)paddr;
	lo = paddr & ~(GIB - 1);
	hi = (end + GIB - 1) & ~(GIB - 1);
	if (ec.n_more >= MORE_MAX || x86_paging_map_more(lo, hi - lo) < 0)
		return NULL;
	ec.more_lo[ec.n_more] = lo;
	ec.more_hi[ec.n_more++] = hi;
	return (const void *)(uintptr_t)paddr;
}

static void report_entry(void)
{
	if (ec.how == ELF_HOW_KEXEC)
		ll_printf("lifeline: kexec entry, boot_params at 0x%llx, image at 0x%llx-0x%llx\n",
			  (unsigned long long)ec.info,
			  (unsigned long long)(uintptr_t)__image_start,
			  (unsigned long long)(uintptr_t)_end - 1);
	else
		ll_printf("lifeline: Multiboot2 entry%s, info at 0x%llx, image at 0x%llx-0x%llx\n",
			  ec.how == ELF_HOW_MB2 ? "" : " (bad magic: no info)",
			  (unsigned long long)ec.info,
			  (unsigned long long)(uintptr_t)__image_start,
			  (unsigned long long)(uintptr_t)_end - 1);
	if (ec.how == ELF_HOW_MB2 &&
	    (uintptr_t)__image_start != (uintptr_t)ELF_LINK_BASE)
		ll_printf("lifeline: moved from GRUB's 0x%x to the top of the RAM below 4 GiB\n",
			  (unsigned)ELF_LINK_BASE);
	settings_print_redacted("command line", ec.cmdline);
	for (unsigned i = 0; i < ec.n_map; i++)
		ll_printf("lifeline: E820 %016llx-%016llx %s\n",
			  (unsigned long long)ec.map[i].base,
			  (unsigned long long)(ec.map[i].base + ec.map[i].len - 1),
			  ec.map[i].type == E820_RAM ? "RAM" : "reserved");
	if (ec.how == ELF_HOW_MB2)
		ll_printf("lifeline: from GRUB: ACPI RSDP %s, DHCPACK %s (%u bytes%s), load base 0x%x\n",
			  ec.rsdp ? (ec.rsdp_rev == 2 ? "v2" : "v1") : "none",
			  ec.ack_len ? "yes" : "no", (unsigned)ec.ack_len,
			  ec.n_ack > 1 ? ", the first of its network tags" : "",
			  (unsigned)ec.load_base);
	if (ec.mb2_rc < 0)
		ll_printf("lifeline: E%d %s (tags after the damage not read)\n",
			  -ec.mb2_rc, ll_strerror(ec.mb2_rc));
	ll_printf("lifeline: identity map 0-%llu GiB\n",
		  (unsigned long long)(ec.mapped >> 30));
}

static void report_nics(void)
{
	ec.n_nics = x86_nic_candidates(ec.nics, X86_NIC_MAX);
	for (size_t i = 0; i < ec.n_nics; i++) {
		const struct nic_candidate *c = &ec.nics[i];
		const char *d = nicprobe_driver_for(c->vendor, c->device);
		ll_printf("lifeline: PCI %02x:%02x.%u %04x:%04x network (%s)\n",
			  c->bus, c->dev, c->fn, c->vendor, c->device,
			  d ? d : "no driver");
	}
}

/* The heap: NIC DMA memory first, the session arena after it. */
static void heap_set(uint8_t *heap, size_t size)
{
	size_t dma = NICPROBE_DMA_SIZE;
	ec.pci.dma = heap;
	ec.pci.dma_size = dma;
	ec.env.arena = heap + dma;
	ec.env.arena_size = size - dma;
}

static void env_fill(void)
{
	ec.pci.clock = &ec.clock;
	ec.mem.map = phys_map;
	ec.mem.ctx = &ec;
	ec.env.clock = &ec.clock;
	ec.env.cmdline = ec.cmdline;
	ec.src.cmdline = ec.cmdline;
	ec.env.settings = attach_settings_std;
	ec.env.settings_ctx = &ec.src;
	ec.env.nics = ec.nics;
	ec.env.n_nics = ec.n_nics;
	ec.env.nic_make = x86_pcidev_make;
	ec.env.nic_ctx = &ec.pci;
	ec.env.mem = &ec.mem;
}

/* The kexec entry's heap: the largest free piece of the RAM kexec handed
 * over (the crashkernel= region), outside the image and boot_params; the
 * elfcorehdr and the backup copy are left out by crash_heap_find. */
static int crash_heap(void)
{
	struct crash_span ram[MAP_MAX], got;
	struct crash_span busy[] = {
		{ (uint64_t)(uintptr_t)__image_start,
		  (uint64_t)(uintptr_t)(_end - __image_start) },
		{ ec.info, 4096 },
	};
	unsigned n = 0;

	for (unsigned i = 0; i < ec.n_map; i++)
		if (ec.map[i].type == E820_RAM)
			ram[n++] = (struct crash_span){ ec.map[i].base, ec.map[i].len };
	int rc = crash_heap_find(ram, n, busy, 2, ec.cmdline, &ec.mem,
				 ec.mapped, &got);
	if (rc < 0) {
		ll_printf("lifeline: E%d %s: largest free piece %llu KiB, the crash path needs %llu KiB\n",
			  -rc, ll_strerror(rc), (unsigned long long)(got.len >> 10),
			  (unsigned long long)(CRASH_HEAP_MIN >> 10));
		return rc;
	}
	ll_printf("lifeline: heap 0x%llx-0x%llx (%llu KiB, free in the crash region)\n",
		  (unsigned long long)got.base,
		  (unsigned long long)(got.base + got.len - 1),
		  (unsigned long long)(got.len >> 10));
	heap_set((uint8_t *)(uintptr_t)got.base, (size_t)got.len);
	return 0;
}

static void __attribute__((noreturn)) finish(enum crash_action a)
{
	static const char *const name[] = { "rebooting", "powering off",
					    "halted" };
	if (a == CRASH_POWEROFF) /* no ACPI code here: halt instead */
		ll_printf("lifeline: power off needs ACPI (not here); halted\n");
	else
		ll_printf("lifeline: %s\n", name[a]);
	if (a == CRASH_REBOOT)
		x86_reboot();
	x86_halt();
}

/* GRUB on BIOS: the stub in base memory (the door to real mode), then
 * the shared BIOS flow, natively on PCI (no firmware NIC): attach, iBFT,
 * E820 hiding, INT 13h, the LUN's MBR. On failure INT 18h. */
static void __attribute__((noreturn)) mb2_boot(void)
{
	struct boot_bios_env *b = &ec.bios;
	uint64_t stub;
	int rc = stub_install(ec.idt, ec.idt_limit, &stub);

	if (rc < 0) {                    /* no door: nothing to give back to */
		ll_printf("lifeline: E%d %s: placing the real-mode stub in base memory\n",
			  -rc, ll_strerror(rc));
		finish(CRASH_HALT);
	}
	ll_printf("lifeline: real-mode stub at 0x%llx, 40:13 now %u KiB\n",
		  (unsigned long long)stub, x86_peek16(0x413));
	if (ec.mb2_rc < 0)                /* settings may be missing: give up */
		x86_bios_give_up(ec.mb2_rc);
	b->clock = ec.clock;
	x86_idle_init(&b->clock);
	b->arena = ec.env.arena;
	b->arena_size = ec.env.arena_size;
	b->hide_base[0] = (uint64_t)(uintptr_t)__image_start;
	b->hide_len[0] = (uint64_t)(uintptr_t)(_end - __image_start) + ELF_MB2_HEAP;
	b->n_hide = 1;
	b->cmdline = ec.cmdline;
	b->nics = ec.nics;
	b->n_nics = ec.n_nics;
	b->nic_make = x86_pcidev_make;
	b->nic_ctx = &ec.pci;
	if (ec.ack_len) {
		b->ack = ec.ack;
		b->ack_len = ec.ack_len;
		b->ack_name = "GRUB";
	}
	x86_bios_give_up(boot_bios(b, NULL));
}

void elf_main(uint64_t info, unsigned how);
void elf_main(uint64_t info, unsigned how)
{
	uint16_t idt_limit;
	uint64_t hz;
	ec.how = how;
	ec.info = info;
	if (how == ELF_HOW_KEXEC)
		read_boot_params(info);
	else if (how == ELF_HOW_MB2)
		read_mb2_info(info);
	int prc = x86_paging_map_all(map_top(), &ec.mapped);
	x86_console_init();
	ec.idt = x86_idt_init(&idt_limit);
	ec.idt_limit = idt_limit;
	x86_idt_set_fatal(how == ELF_HOW_KEXEC ? x86_reboot : x86_halt);
	report_entry();
	if (prc < 0)
		ll_printf("lifeline: E%d memory above %llu GiB left unmapped\n",
			  -prc, (unsigned long long)(ec.mapped >> 30));
	int rc = x86_tsc_init(&ec.clock, &hz);
	ll_printf("lifeline: TSC %llu kHz (PIT channel 2%s)\n",
		  (unsigned long long)(hz / 1000), rc ? ", timed out: assumed" : "");
	report_nics();
	env_fill();
	if (how != ELF_HOW_KEXEC) {
		heap_set((uint8_t *)_end, ELF_MB2_HEAP);
		mb2_boot();
	}
	enum crash_action a = crash_action_from_cmdline(ec.cmdline);
	if (crash_heap() < 0) {
		ll_printf("lifeline: crash flow failed\n");
		finish(a);
	}
	rc = crash_flow_run(&ec.env, &a);
	ll_printf("lifeline: crash flow %s\n", rc ? "failed" : "done, dump complete");
	finish(a);
}
