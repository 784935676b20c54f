/* dump/elfcorehdr.h - the ELF core header the crashed kernel leaves for its
 * capture image (elfcorehdr=): parsed strictly into a bounded table of CPU
 * register notes, the VMCOREINFO note and the RAM ranges to dump. */
#ifndef DUMP_ELFCOREHDR_H
#define DUMP_ELFCOREHDR_H
#include <stdint.h>
#include "dump/physmem.h"

#define ECH_MAX_CPUS    64    /* NT_PRSTATUS notes kept; more are counted */
#define ECH_MAX_LOADS   256   /* PT_LOAD ranges; more is LL_ERANGE */
#define ECH_MAX_PHDRS   1024  /* e_phnum bound */
#define ECH_MAX_NOTESEG 65536 /* bytes of one PT_NOTE segment */
#define ECH_MAX_NOTE    16384 /* bytes of one note (header, name, desc) */
/* x86-64 physical addresses have at most 52 bits (MAXPHYADDR); ranges
 * ending above are malformed, which also keeps every sum and file offset
 * derived from them far from overflow. */
#define ECH_PHYS_LIMIT  (1ull << 52)

/* One note as it lies in memory: header, padded name, padded desc. */
struct ech_note {
	uint64_t paddr;
	uint32_t len;
};

/* One RAM range: data for [paddr, paddr + size) lies at src (p_offset;
 * differs from paddr for the low-memory backup copy). */
struct ech_load {
	uint64_t paddr;
	uint64_t vaddr;
	uint64_t src;
	uint64_t size;
};

struct ech_table {
	struct ech_note prstatus[ECH_MAX_CPUS];
	unsigned n_prstatus;
	struct ech_note vmcoreinfo;       /* len 0: none found */
	struct ech_load load[ECH_MAX_LOADS];
	unsigned n_load;
	unsigned n_noteseg;               /* PT_NOTE segments walked */
	/* counted reasons for what was left out */
	unsigned drop_prstatus;           /* beyond ECH_MAX_CPUS */
	unsigned drop_othernote;          /* other names/types, duplicates */
	unsigned drop_phdr;               /* PT_NULL and other types */
	unsigned drop_emptyload;          /* PT_LOAD of size 0 */
	uint64_t ram_bytes;               /* sum of load sizes */
};

/* Parse the header at physical addr. size is the header's length from the
 * command line, 0 when it was not given. Returns 0; LL_EPROTO on
 * malformed input (bad ident/type/sizes, overflow, a note running past
 * its segment); LL_ERANGE past ECH_MAX_LOADS; LL_EINVAL when memory the
 * header points to cannot be mapped. */
int ech_parse(struct ech_table *t, const struct physmem *mem, uint64_t addr,
	      uint64_t size);

/* Parse an elfcorehdr= value, "[size[KMGTPE]@]offset[KMGTPE]" with each
 * number decimal, 0x-hex or 0-octal (as Linux's memparse). *size is 0
 * when absent. 0 or LL_EINVAL / LL_ERANGE. */
int ech_parse_arg(const char *val, uint64_t *addr, uint64_t *size);

/* Find the last "elfcorehdr=" word in a kernel command line and parse it.
 * LL_ENOENT when there is none. */
int ech_from_cmdline(const char *cmdline, uint64_t *addr, uint64_t *size);

#endif
