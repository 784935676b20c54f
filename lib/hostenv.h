/* lib/hostenv.h - host-only glue (implemented in lib/hostenv_host.c): a
 * console sink on stderr and a CLOCK_MONOTONIC clock, for tools and tests. */
#ifndef LIB_HOSTENV_H
#define LIB_HOSTENV_H
#include "lib/clock.h"

void ll_host_console_init(void);
/* A clock reading CLOCK_MONOTONIC in microseconds. */
struct ll_clock ll_host_clock(void);

#endif
