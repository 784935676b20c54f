/* arch/x86/elf_entry.h - what lifeline.elf's entries (elf_head.S, the kexec
 * and Multiboot2 paths) share: link base, selectors, entry kinds, and the C
 * pieces only this image uses (all-memory paging, PCI devices, power). */
#ifndef ARCH_X86_ELF_ENTRY_H
#define ARCH_X86_ELF_ENTRY_H

/* Linked (and loaded by GRUB) here; kexec places the ET_DYN anywhere. */
#define ELF_LINK_BASE 0x1000000
/* The Multiboot2 entry's heap (NIC DMA memory, then the session arena):
 * right after _end, reserved by GRUB (bss_end_addr) and hidden with the
 * image. The kexec entry has none here: dump/crash_mem.h finds it. */
#define ELF_MB2_HEAP (10 * 1024 * 1024)
#define ELF_SEL_CODE64 0x08   /* same as the PXE stub's SEL_CODE64 (IDT) */
#define ELF_SEL_DATA 0x10
#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_BOOT_MAGIC 0x36d76289
/* elf_main's how argument. */
#define ELF_HOW_KEXEC 1
#define ELF_HOW_MB2 2
#define ELF_HOW_MB2_BADMAGIC 3

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>
#include "lib/clock.h"
#include "drivers/net/nicprobe.h"

#pragma GCC visibility push(hidden)
extern char elf_boot_tables[];
#pragma GCC visibility pop

/* paging_all.c: identity map [0, top) (top rounded up, at least 4 GiB)
 * with 1 GiB pages when the CPU has them, else 2 MiB; loads CR3.
 * 0, or LL_ERANGE when top is beyond what the tables can hold (the map
 * then stops there); *mapped is the end of the identity map. */
int x86_paging_map_all(uint64_t top, uint64_t *mapped);
/* Add [base, base + len) to the identity map (after x86_paging_map_all):
 * 1 GiB or 2 MiB pages, from a few spare tables. 0, LL_ERANGE (beyond 64
 * TiB) or LL_ENOMEM (spare tables used up). */
int x86_paging_map_more(uint64_t base, uint64_t len);

/* pcidev.c: native NIC candidates by a PCI bus walk (class 02h) and the
 * struct pcidev over port-I/O config space, MMIO and I/O BARs. */
#define X86_NIC_MAX 8
struct x86_pcidev_ctx {
	const struct ll_clock *clock;      /* udelay */
	void *dma;                         /* DMA memory, identity-mapped */
	size_t dma_size;
	uint64_t bar[6];                   /* decoded BARs of the device */
	uint8_t bar_io[6];                 /* 1: I/O port BAR */
	uint8_t bus, dev, fn;
};
size_t x86_nic_candidates(struct nic_candidate *out, size_t max);
int x86_pcidev_make(void *ctx, const struct nic_candidate *c,
		    struct pcidev *out);

/* power.c: never return. */
void x86_reboot(void) __attribute__((noreturn));
void x86_halt(void) __attribute__((noreturn));
#endif

#endif
