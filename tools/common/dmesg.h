/* tools/common/dmesg.h - the dead kernel's log from its lockless printk
 * ring buffer (Linux >= 5.10), found through VMCOREINFO alone and read
 * through physmem + the kernel's page tables (dump/kvtop). Host only. */
#ifndef TOOLS_COMMON_DMESG_H
#define TOOLS_COMMON_DMESG_H
#include <stddef.h>
#include <stdio.h>
#include "dump/physmem.h"

struct dmesg_stats {
	unsigned long long printed;   /* records written to out */
	unsigned long long corrupt;   /* records skipped as corrupt */
	unsigned long long missing;   /* reserved / reusable: no text */
	char why[160];                /* what stopped it, on an error */
};

/* Write every record from the ring's tail to its head to out as
 * "[    1.234567] text\n". 0 when all records in the ring were whole;
 * LL_ENOENT when VMCOREINFO lacks a fact (why names it); LL_EPROTO when
 * the ring or some records are corrupt (those are skipped, the rest is
 * printed); LL_EINVAL when memory it needs is not in the dump. */
int dmesg_print(const struct physmem *mem, const char *vmci, size_t len,
		FILE *out, struct dmesg_stats *st);

#endif
