/* lib/crc32c.h - CRC32C (Castagnoli, reflected 0x82F63B78) for iSCSI
 * digests: table-driven fallback and the SSE4.2 crc32 instruction, chosen at
 * run time by CPUID. "123456789" -> 0xE3069283. */
#ifndef LIB_CRC32C_H
#define LIB_CRC32C_H
#include <stddef.h>
#include <stdint.h>

/* Running update: start with crc = 0, feed pieces, result is final CRC
 * (init ~0 and final xor handled inside, so pieces chain). */
uint32_t crc32c(uint32_t crc, const void *data, size_t len);
/* The two implementations, for tests and benchmarks. */
uint32_t crc32c_table(uint32_t crc, const void *data, size_t len);
uint32_t crc32c_hw(uint32_t crc, const void *data, size_t len);
/* 1 when the CPU has SSE4.2 (crc32c uses crc32c_hw then). */
int crc32c_hw_available(void);

#endif
