/* arch/x86/stub_install.h - placing the embedded real-mode stub in base
 * memory from lifeline.elf's long-mode entry (Multiboot2). */
#ifndef ARCH_X86_STUB_INSTALL_H
#define ARCH_X86_STUB_INSTALL_H
#include <stdint.h>

/* Copy the stub there, fill its header (our CR3 below 4 GiB, this IDT,
 * our stack), lower 40:13, load its GDT, bind rm_* to it. 0, LL_EINVAL
 * (blob damaged), LL_ERANGE (page tables above 4 GiB) or LL_ENOMEM. */
int stub_install(uint64_t idt, uint16_t idt_limit, uint64_t *stub_linear);

#endif
