/* tests/unit/test_tcp_rx_lend.c - every case of test_tcp_rx.c again over a fake
 * NIC that lends TX slots (FAKE_LEND_DEFAULT: a ring of 4 that each poll
 * empties): frames are built in place, and the same assertions hold. */
#define FAKE_LEND_DEFAULT 1
#include "tests/unit/test_tcp_rx.c"
