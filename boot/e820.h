/* boot/e820.h - hide lifeline's memory (core, buffers, iBFT) from the OS:
 * INT 15h E820 answers with the BIOS map with our ranges carved out as
 * reserved; E801 and AH=88h stop below the lowest hidden range. */
#ifndef BOOT_E820_H
#define BOOT_E820_H
#include <stdint.h>
#include "platform/realmode.h"
#include "boot/rmmem.h"

#define E820_MAX_ENTRIES 128
#define E820_MAX_HIDE    8   /* everything we hide, the iBFT included */
/* The filtered map: each hidden range adds at most two entries (the RAM
 * before it and its reserved part; the RAM after is the entry's own). */
#define E820_MAP_MAX     (E820_MAX_ENTRIES + 2 * E820_MAX_HIDE)

struct e820_map_entry {
	uint64_t base, len;
	uint32_t type, attr;
};

struct e820_range {
	uint64_t base, len;
};

/* The pure core: copy in[] to out[], splitting every RAM entry around the
 * hidden ranges, whose parts become E820_RESERVED. Other types pass
 * unchanged; zero-length RAM entries are dropped. Returns the number of
 * entries written or LL_EMSGSIZE when out[] (cap) is too small. */
int e820_carve(const struct e820_map_entry *in, unsigned n_in,
	       const struct e820_range *hide, unsigned n_hide,
	       struct e820_map_entry *out, unsigned cap);
/* E801 / AH=88h values clipped at the lowest hidden byte above 1 MiB. */
void e820_e801_adjust(const struct e820_range *hide, unsigned n_hide,
		      uint16_t *kb_1m_16m, uint16_t *blocks_above_16m);
uint16_t e820_88_adjust(const struct e820_range *hide, unsigned n_hide,
			uint16_t kb_above_1m);

struct e820_stats {
	uint32_t e820_calls, e801_calls, ah88_calls, chained, bad_calls;
	uint32_t bios_entries, ignored_entries;
};

/* The INT 15h layer's one context. */
struct e820_ctx {
	struct rm_mem mem;
	struct e820_range hide[E820_MAX_HIDE];
	unsigned n_hide;
	struct e820_map_entry map[E820_MAP_MAX]; /* the filtered map */
	unsigned n_map;
	int loaded;
	uint32_t old_vector;
	void (*chain)(uint32_t old_vector, struct rm_regs *r); /* rm_chain */
	struct e820_stats st;
};

/* Add a range to hide (before the map is loaded). LL_ENOMEM when full. */
int e820_hide(struct e820_ctx *c, uint64_t base, uint64_t len);
/* Read the BIOS map through the previous handler, using the buffer at
 * seg:off (24 bytes) for each call, and build the filtered map. */
int e820_load(struct e820_ctx *c, uint16_t seg, uint16_t off);
void e820_dispatch(struct e820_ctx *c, struct rm_regs *r);
void e820_activate(struct e820_ctx *c);
void e820_handler(struct rm_regs *r);   /* rm_hook_fn for INT 15h */

#endif
