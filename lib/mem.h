/* lib/mem.h - memory and string functions. Code calls the standard names;
 * the host build links libc's, the firmware build links lib/builtins.c,
 * which forwards to the ll_ versions below (tested on the host). */
#ifndef LIB_MEM_H
#define LIB_MEM_H
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

void *ll_memcpy(void *dst, const void *src, size_t n);
void *ll_memmove(void *dst, const void *src, size_t n);
void *ll_memset(void *dst, int c, size_t n);
int ll_memcmp(const void *a, const void *b, size_t n);
size_t ll_strlen(const char *s);
size_t ll_strnlen(const char *s, size_t max);
int ll_strcmp(const char *a, const char *b);
int ll_strncmp(const char *a, const char *b, size_t n);
int ll_strcasecmp(const char *a, const char *b);
char *ll_strchr(const char *s, int c);
/* Copy at most size-1 bytes and always terminate; returns strlen(src). */
size_t ll_strlcpy(char *dst, const char *src, size_t size);
/* Parse an unsigned number in base 10, or 16 with "0x"; base 0 = auto.
 * Returns 0 and sets *out, or LL_EINVAL / LL_ERANGE. Whole string must be
 * consumed when end is NULL. */
int ll_strtou64(const char *s, const char **end, int base, uint64_t *out);
/* Value of one hex digit (0-9, a-f, A-F), or LL_EINVAL. */
int ll_hexval(int c);
/* Dotted-quad IPv4 to host-order u32; 0 or LL_EINVAL. */
int ll_parse_ipv4(const char *s, size_t len, uint32_t *out);

#endif
