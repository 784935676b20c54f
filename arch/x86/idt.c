/* arch/x86/idt.c - the long-mode IDT: every exception prints a register
 * dump and a stable error line, then tries INT 18h (next boot device);
 * every interrupt vector ends its interrupt (idle.c's timer wakes a hlt). */
#include <stdint.h>
#include "arch/x86/arch.h"
#include "arch/x86/io.h"
#include "platform/realmode.h"
#include "arch/x86/stub.h"
#include "lib/mem.h"
#include "lib/print.h"

#define IDT_VECTORS 256
#define EXC_VECTORS 32 /* the CPU's exceptions; the rest are interrupts */
#define ISR_STRIDE 16
#define GATE_INT64 0x8e
#define LX_E_EXCEPTION 90 /* error code printed for a CPU exception */

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __attribute__((packed));

/* Pushed by isr.S, lowest address first. */
struct x86_trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

#pragma GCC visibility push(hidden)
extern const uint8_t x86_isr_table[], x86_irq_entry[];
#pragma GCC visibility pop

/* The layer's one context: the table and a guard against a fault while
 * reporting a fault. */
static struct x86_idt {
	struct idt_gate gate[IDT_VECTORS];
	int in_trap;
	void (*fatal)(void); /* instead of INT 18h (no BIOS: lifeline.elf) */
} idt __attribute__((aligned(16)));

static const char *const vector_name[EXC_VECTORS] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault", "coprocessor overrun",
	"#TS invalid TSS", "#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved 15",
	"#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE virtualization", "#CP control protection",
	"reserved 22", "reserved 23", "reserved 24", "reserved 25",
	"reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security", "reserved 31",
};

uint64_t x86_idt_init(uint16_t *limit)
{
	for (unsigned v = 0; v < IDT_VECTORS; v++) {
		uint64_t a = v < EXC_VECTORS ?
			(uint64_t)(uintptr_t)(x86_isr_table + v * ISR_STRIDE) :
			(uint64_t)(uintptr_t)x86_irq_entry;
		struct idt_gate *g = &idt.gate[v];
		g->off_lo = (uint16_t)a;
		g->sel = SEL_CODE64;
		g->ist = 0;
		g->type = GATE_INT64;
		g->off_mid = (uint16_t)(a >> 16);
		g->off_hi = (uint32_t)(a >> 32);
		g->zero = 0;
	}
	struct __attribute__((packed)) {
		uint16_t limit;
		uint64_t base;
	} idtr = { sizeof(idt.gate) - 1, (uint64_t)(uintptr_t)idt.gate };
	__asm__ volatile("lidt %0" : : "m"(idtr));
	*limit = idtr.limit;
	return idtr.base;
}

static void trap_dump(const struct x86_trap_frame *f)
{
	ll_printf("lifeline: exception %u %s, error code 0x%llx\n",
		  (unsigned)f->vector, vector_name[f->vector & 31],
		  (unsigned long long)f->error);
	ll_printf("  rip %016llx  cs %04llx  rflags %016llx  cr2 %016llx\n",
		  (unsigned long long)f->rip, (unsigned long long)f->cs,
		  (unsigned long long)f->rflags,
		  (unsigned long long)read_cr2());
	ll_printf("  rax %016llx  rbx %016llx  rcx %016llx  rdx %016llx\n",
		  (unsigned long long)f->rax, (unsigned long long)f->rbx,
		  (unsigned long long)f->rcx, (unsigned long long)f->rdx);
	ll_printf("  rsi %016llx  rdi %016llx  rbp %016llx  rsp %016llx\n",
		  (unsigned long long)f->rsi, (unsigned long long)f->rdi,
		  (unsigned long long)f->rbp, (unsigned long long)f->rsp);
	ll_printf("  r8  %016llx  r9  %016llx  r10 %016llx  r11 %016llx\n",
		  (unsigned long long)f->r8, (unsigned long long)f->r9,
		  (unsigned long long)f->r10, (unsigned long long)f->r11);
	ll_printf("  r12 %016llx  r13 %016llx  r14 %016llx  r15 %016llx\n",
		  (unsigned long long)f->r12, (unsigned long long)f->r13,
		  (unsigned long long)f->r14, (unsigned long long)f->r15);
	ll_printf("  image at %p\n", (void *)__image_start);
}

void x86_idt_set_fatal(void (*fn)(void))
{
	idt.fatal = fn;
}

void x86_trap(struct x86_trap_frame *f);
void x86_trap(struct x86_trap_frame *f)
{
	if (idt.in_trap++) {
		ll_printf("lifeline: exception %u while reporting one\n",
			  (unsigned)f->vector);
		cpu_halt_forever();
	}
	trap_dump(f);
	if (idt.fatal) {
		ll_printf("lifeline: E%d CPU exception %u\n", LX_E_EXCEPTION,
			  (unsigned)f->vector);
		idt.fatal();
	}
	ll_printf("lifeline: E%d CPU exception %u, back to the BIOS (INT 18h)\n",
		  LX_E_EXCEPTION, (unsigned)f->vector);
	struct rm_regs r;
	memset(&r, 0, sizeof(r));
	rm_int(0x18, &r);
	ll_printf("lifeline: INT 18h returned; halted\n");
	cpu_halt_forever();
}
