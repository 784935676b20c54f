/* dump/elf_proto.h - ELF64 layouts and constants an x86-64 core file uses
 * (System V gABI and the x86-64 psABI): spec facts only, no logic. */
#ifndef DUMP_ELF_PROTO_H
#define DUMP_ELF_PROTO_H
#include <stdint.h>

/* e_ident */
#define ELF_NIDENT       16
#define ELF_EI_MAG0      0    /* 0x7f 'E' 'L' 'F' */
#define ELF_EI_CLASS     4
#define ELF_EI_DATA      5
#define ELF_EI_VERSION   6
#define ELF_EI_OSABI     7
#define ELF_MAG          "\177ELF"
#define ELF_MAG_LEN      4
#define ELF_CLASS64      2
#define ELF_DATA2LSB     1    /* little-endian */
#define ELF_EV_CURRENT   1
#define ELF_OSABI_SYSV   0

/* e_type, e_machine */
#define ELF_ET_CORE      4
#define ELF_EM_X86_64    62

/* p_type */
#define ELF_PT_NULL      0
#define ELF_PT_LOAD      1
#define ELF_PT_NOTE      4

/* p_flags */
#define ELF_PF_X         1
#define ELF_PF_W         2
#define ELF_PF_R         4

/* e_phnum value meaning "the real count is in section 0" (PN_XNUM) */
#define ELF_PN_XNUM      0xffff

/* n_type of a "CORE" note holding one thread's registers (struct prstatus) */
#define ELF_NT_PRSTATUS  1
/* Note names and descriptors are padded to 4 bytes in ELF64 core notes. */
#define ELF_NOTE_ALIGN   4

struct elf64_ehdr {
	uint8_t  e_ident[ELF_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

struct elf64_nhdr {
	uint32_t n_namesz;        /* includes the terminating NUL */
	uint32_t n_descsz;
	uint32_t n_type;
};

#define ELF64_EHDR_SIZE  64
#define ELF64_PHDR_SIZE  56
#define ELF64_NHDR_SIZE  12

_Static_assert(sizeof(struct elf64_ehdr) == ELF64_EHDR_SIZE, "ehdr layout");
_Static_assert(sizeof(struct elf64_phdr) == ELF64_PHDR_SIZE, "phdr layout");
_Static_assert(sizeof(struct elf64_nhdr) == ELF64_NHDR_SIZE, "nhdr layout");

#endif
