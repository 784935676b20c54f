/* lib/print.h - formatted printing without libc: %d %i %u %x %X %p %s %c %%
 * with flags '-', '0', width, precision (.N and .*), and l / ll / z / h
 * length modifiers; plus %I for a host-order IPv4 address (u32) and %M for a
 * 6-byte MAC (pointer). Output goes to a buffer or to the console sink. */
#ifndef LIB_PRINT_H
#define LIB_PRINT_H
#include <stdarg.h>
#include <stddef.h>

/* Like C99 vsnprintf: returns the length the full output would have. */
int ll_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ll_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The console: one sink, set by the entry (serial + screen in firmware,
 * stderr on the host). Without a sink, output is dropped. */
typedef void (*ll_console_fn)(void *ctx, const char *s, size_t len);
void ll_console_set(ll_console_fn fn, void *ctx);
int ll_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ll_vprintf(const char *fmt, va_list ap);
/* The log: counters and other lines for whoever reads the log, not for
 * the user's screen (which belongs to the boot loader once lifeline has
 * handed over). To the log sink when the entry set one (BIOS: the serial
 * port alone), else to the console. */
void ll_log_set(ll_console_fn fn, void *ctx);
int ll_logf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* gcc and clang's format checkers do not know %I and %M and reject them
 * under -Werror in calls to the checked functions above; code can print
 * addresses with these checked spellings instead (same output):
 *   ll_printf("ip " LL_IPV4_FMT "\n", LL_IPV4_ARGS(ip)); */
#define LL_IPV4_FMT "%u.%u.%u.%u"
#define LL_IPV4_ARGS(ip)                                                   \
	(unsigned)(((ip) >> 24) & 0xff), (unsigned)(((ip) >> 16) & 0xff), \
	(unsigned)(((ip) >> 8) & 0xff), (unsigned)((ip) & 0xff)
#define LL_MAC_FMT "%02x:%02x:%02x:%02x:%02x:%02x"
#define LL_MAC_ARGS(m)                                                     \
	(unsigned)(m)[0], (unsigned)(m)[1], (unsigned)(m)[2],              \
	(unsigned)(m)[3], (unsigned)(m)[4], (unsigned)(m)[5]

#endif
