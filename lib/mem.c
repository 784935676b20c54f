/* lib/mem.c - memory, string and number-parsing helpers written without
 * libc, used by the firmware build (through lib/builtins.c) and tested on
 * the host. */
#include "lib/mem.h"
#include "lib/err.h"

/* Keep gcc from recognising the byte loops below as memcpy/memset and
 * emitting a call to the very function being defined (the firmware build
 * already has -fno-builtin; the host build does not). */
#if defined(__GNUC__) && !defined(__clang__)
#define LL_NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define LL_NO_LIBCALL
#endif

/* A word that may alias any other type, for the 8-byte inner loops, and
 * one that may also sit at any address (x86 loads it in one instruction). */
typedef uint64_t __attribute__((may_alias)) word64;
typedef uint64_t __attribute__((may_alias, aligned(1))) uword64;

/* 8-byte words whatever the alignment of either side, four per round:
 * under QEMU TCG every guest instruction counts, and TCP payloads (frame
 * offset 54) rarely share the alignment of the buffer they go to; byte
 * copies ran at ~35 MiB/s there, these at ~900 ("rep movsb" is no faster
 * than bytes under TCG). Measured by arch/x86/bench.c. */
LL_NO_LIBCALL void *ll_memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	for (; n >= 32; n -= 32, d += 32, s += 32) {
		uint64_t w0 = *(const uword64 *)(const void *)s;
		uint64_t w1 = *(const uword64 *)(const void *)(s + 8);
		uint64_t w2 = *(const uword64 *)(const void *)(s + 16);
		uint64_t w3 = *(const uword64 *)(const void *)(s + 24);

		*(uword64 *)(void *)d = w0;
		*(uword64 *)(void *)(d + 8) = w1;
		*(uword64 *)(void *)(d + 16) = w2;
		*(uword64 *)(void *)(d + 24) = w3;
	}
	for (; n >= 8; n -= 8, d += 8, s += 8)
		*(uword64 *)(void *)d = *(const uword64 *)(const void *)s;
	while (n--)
		*d++ = *s++;
	return dst;
}

LL_NO_LIBCALL void *ll_memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if ((uintptr_t)d < (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n)
		return ll_memcpy(dst, src, n);
	/* Overlap with dst above src: copy from the end. */
	while (n--)
		d[n] = s[n];
	return dst;
}

LL_NO_LIBCALL void *ll_memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t pattern = (unsigned char)c * 0x0101010101010101ull;

	while (n && ((uintptr_t)d & 7)) {
		*d++ = (unsigned char)c;
		n--;
	}
	for (; n >= 8; n -= 8, d += 8)
		*(word64 *)(void *)d = pattern;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

LL_NO_LIBCALL int ll_memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

LL_NO_LIBCALL size_t ll_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

LL_NO_LIBCALL size_t ll_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int ll_strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return (*x > *y) - (*x < *y);
}

int ll_strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x < *y ? -1 : 1;
		if (!*x)
			break;
	}
	return 0;
}

static unsigned char ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

int ll_strcasecmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;
	unsigned char cx, cy;

	do {
		cx = ascii_lower(*x++);
		cy = ascii_lower(*y++);
	} while (cx && cx == cy);
	return (cx > cy) - (cx < cy);
}

char *ll_strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

size_t ll_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = ll_strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		ll_memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/* Value of one digit in the given base, or LL_EINVAL. */
static int digit_value(char c, int base)
{
	int v = ll_hexval(c);

	return v >= 0 && v < base ? v : LL_EINVAL;
}

int ll_strtou64(const char *s, const char **end, int base, uint64_t *out)
{
	uint64_t v = 0;
	int overflow = 0, d;
	const char *p = s;

	if (!s || !out || (base != 0 && base != 10 && base != 16))
		return LL_EINVAL;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && base != 10) {
		base = 16;
		p += 2;
	} else if (base == 0) {
		base = 10;
	}
	if (digit_value(*p, base) < 0)
		return LL_EINVAL; /* no digits (also rejects signs, spaces) */
	for (; (d = digit_value(*p, base)) >= 0; p++) {
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			overflow = 1;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (end)
		*end = p;
	else if (*p)
		return LL_EINVAL;
	if (overflow)
		return LL_ERANGE;
	*out = v;
	return 0;
}

/* One decimal octet 0..255 without leading zeros, starting at s[*i]. */
static int parse_octet(const char *s, size_t len, size_t *i, uint32_t *octet)
{
	size_t start = *i;
	uint32_t v = 0;

	while (*i < len && s[*i] >= '0' && s[*i] <= '9' && *i - start < 3) {
		v = v * 10 + (uint32_t)(s[*i] - '0');
		(*i)++;
	}
	if (*i == start || v > 255 || (s[start] == '0' && *i - start > 1))
		return LL_EINVAL;
	*octet = v;
	return 0;
}

int ll_parse_ipv4(const char *s, size_t len, uint32_t *out)
{
	uint32_t addr = 0, octet;
	size_t i = 0;

	if (!s || !out)
		return LL_EINVAL;
	for (int n = 0; n < 4; n++) {
		if (n > 0) {
			if (i >= len || s[i] != '.')
				return LL_EINVAL;
			i++;
		}
		if (parse_octet(s, len, &i, &octet) < 0)
			return LL_EINVAL;
		addr = (addr << 8) | octet;
	}
	if (i != len)
		return LL_EINVAL;
	*out = addr;
	return 0;
}

int ll_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return LL_EINVAL;
}
