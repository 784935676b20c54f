/* boot/regs.h - 8- and 16-bit views of struct rm_regs for the interrupt
 * handlers (AH, AL, BX, ... and CF), so handlers read like the spec. */
#ifndef BOOT_REGS_H
#define BOOT_REGS_H
#include <stdint.h>
#include "platform/realmode.h"

static inline uint8_t reg_hi(uint32_t v) { return (uint8_t)(v >> 8); }
static inline uint8_t reg_lo(uint32_t v) { return (uint8_t)v; }
static inline void reg_set_hi(uint32_t *v, uint8_t b)
{
	*v = (*v & ~0xff00u) | ((uint32_t)b << 8);
}
static inline void reg_set_lo(uint32_t *v, uint8_t b)
{
	*v = (*v & ~0xffu) | b;
}
static inline void reg_set16(uint32_t *v, uint16_t w)
{
	*v = (*v & 0xffff0000u) | w;
}
static inline void reg_set_cf(struct rm_regs *r, int on)
{
	if (on)
		r->flags |= RM_CF;
	else
		r->flags &= (uint16_t)~RM_CF;
}

#endif
