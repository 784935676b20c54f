/* lib/hash.h - the one non-cryptographic hash of lifeline: a 32-bit integer
 * mixer and a byte-string hash built on it, to spread seeds (DHCP xid and
 * retry jitter, TCP ISS and ephemeral port, the iSCSI ISID). Not for
 * secrets: anyone who knows the inputs can compute the result. */
#ifndef LIB_HASH_H
#define LIB_HASH_H
#include <stddef.h>
#include <stdint.h>

/* Mix the bits of x: xorshift-multiply rounds, a bijection on 32 bits
 * (0 maps to 0, so callers fold in a non-zero seed where that matters).
 * ll_hash32(1) == 0x688990c0. */
uint32_t ll_hash32(uint32_t x);

/* Hash of n bytes at p, continuing from h: 0 to start, or an earlier
 * result to chain fields. The length takes part ("a" and "a\0" differ);
 * the same value on every host and in firmware (bytes read little-endian
 * four at a time). ll_hash_bytes(0, "lifeline", 8) == 0xd3eab9e4. */
uint32_t ll_hash_bytes(uint32_t h, const void *p, size_t n);

#endif
