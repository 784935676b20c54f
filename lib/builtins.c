/* lib/builtins.c - firmware-only: the libc memory/string symbols that gcc
 * may emit calls to (struct copies, large zeroing) and that core code uses
 * through lib/mem.h, forwarded to the ll_ versions in lib/mem.c. */
#include "lib/mem.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	return ll_memcpy(dst, src, n);
}

void *memmove(void *dst, const void *src, size_t n)
{
	return ll_memmove(dst, src, n);
}

void *memset(void *dst, int c, size_t n)
{
	return ll_memset(dst, c, n);
}

int memcmp(const void *a, const void *b, size_t n)
{
	return ll_memcmp(a, b, n);
}

size_t strlen(const char *s)
{
	return ll_strlen(s);
}
