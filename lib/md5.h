/* lib/md5.h - MD5 (RFC 1321) for iSCSI CHAP. */
#ifndef LIB_MD5_H
#define LIB_MD5_H
#include <stddef.h>
#include <stdint.h>

struct md5_ctx {
	uint32_t state[4];
	uint64_t bytes;
	uint8_t block[64];
};

void md5_init(struct md5_ctx *c);
void md5_update(struct md5_ctx *c, const void *data, size_t len);
void md5_final(struct md5_ctx *c, uint8_t digest[16]);
void md5(const void *data, size_t len, uint8_t digest[16]);

#endif
