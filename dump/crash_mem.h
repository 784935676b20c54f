/* dump/crash_mem.h - where the kexec entry's heap goes: the largest piece of
 * the RAM it was handed (the crashkernel= region) that nothing loaded there
 * still needs (the image, boot_params, the elfcorehdr, the backup copy). */
#ifndef DUMP_CRASH_MEM_H
#define DUMP_CRASH_MEM_H
#include <stdint.h>
#include "drivers/net/nicprobe.h"
#include "dump/physmem.h"

/* What the crash path takes from the heap: the NIC's DMA memory, then the
 * session arena (a 1 MiB send ring, a 1 MiB receive ring, the session and
 * login state). tools/lifeline-arm adds CRASH_HEAP_MIB to the image's span
 * when it sizes crashkernel= (tests/hosted/arm.sh checks both agree). */
#define CRASH_HEAP_MIB 3
#define CRASH_HEAP_MIN ((uint64_t)CRASH_HEAP_MIB << 20)
#define CRASH_SESSION_NEED ((2u << 20) + (128u << 10))
_Static_assert(NICPROBE_DMA_SIZE + CRASH_SESSION_NEED <= CRASH_HEAP_MIN,
	       "CRASH_HEAP_MIB too small for the NIC and the session");

#define CRASH_SPAN_MAX 32     /* busy ranges the search takes, at most */

struct crash_span {
	uint64_t base, len;
};

/* The largest page-aligned piece of the ram ranges below limit that
 * overlaps none of busy[] nor what the elfcorehdr named on cmdline covers
 * (the header itself, each PT_LOAD whose data lies elsewhere: the backup
 * copy). A header that cannot be read adds nothing (the crash flow reports
 * it). 0 with *out set, or LL_ECRASHMEM when the piece is under
 * CRASH_HEAP_MIN (*out still says the largest found). */
int crash_heap_find(const struct crash_span *ram, unsigned n_ram,
		    const struct crash_span *busy, unsigned n_busy,
		    const char *cmdline, const struct physmem *mem,
		    uint64_t limit, struct crash_span *out);

#endif
