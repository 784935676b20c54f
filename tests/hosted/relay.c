/* tests/hosted/relay.c - user-space Ethernet frame relay between two TAP
 * devices: the benchmark anchor path, where Linux TCP pays one read and one
 * write per frame in user space, as our stack does over its own TAP; and,
 * with rates given, a lossy link: each frame dropped, sent twice or held
 * back behind the next one (at most RELAY_HOLD_MS), per direction, seeded.
 * Usage: relay [--loss P] [--dup P] [--reorder P] [--seed N] IFA IFB
 * (P in per cent; creates both taps in the current namespace, prints
 * "ready", then relays until SIGTERM/SIGINT; prints "relay: a2b=N b2a=N"
 * and with rates "relay: dropped=N duplicated=N reordered=N"). */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define RELAY_FRAME_MAX 65536
#define RELAY_BURST 64 /* frames moved per direction per poll round */
#define RELAY_HOLD_MS 20 /* a frame held back for reordering waits at most this */

/* Fault rates (per cent) and what they did. */
static double relay_loss, relay_dup, relay_reorder;
static uint64_t relay_dropped, relay_duplicated, relay_reordered;
static uint64_t relay_rng = 0x9e3779b97f4a7c15ull;

/* One direction's frame held back for reordering. */
struct relay_hold {
	uint8_t buf[RELAY_FRAME_MAX];
	ssize_t len;               /* 0: none */
	uint64_t since_ms;
};
static struct relay_hold relay_held[2];

static double relay_rand_pct(void)
{
	relay_rng ^= relay_rng << 13;
	relay_rng ^= relay_rng >> 7;
	relay_rng ^= relay_rng << 17;
	return (double)(relay_rng >> 11) * (100.0 / 9007199254740992.0);
}

static uint64_t relay_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Send a held frame (after the one that overtook it, or when it waited
 * RELAY_HOLD_MS). */
static void relay_release(struct relay_hold *h, int to, uint64_t *count)
{
	if (h->len > 0 && write(to, h->buf, (size_t)h->len) == h->len)
		(*count)++;
	h->len = 0;
}

/* One frame through the faults: dropped, held back, sent once or twice. */
static void relay_send(struct relay_hold *h, int to, const uint8_t *buf, ssize_t n,
		       uint64_t *count)
{
	if (relay_loss > 0 && relay_rand_pct() < relay_loss) {
		relay_dropped++;
		return;
	}
	if (h->len == 0 && relay_reorder > 0 && relay_rand_pct() < relay_reorder) {
		memcpy(h->buf, buf, (size_t)n);
		h->len = n;
		h->since_ms = relay_now_ms();
		relay_reordered++;
		return;
	}
	if (write(to, buf, (size_t)n) == n)
		(*count)++;
	if (relay_dup > 0 && relay_rand_pct() < relay_dup && write(to, buf, (size_t)n) == n)
		relay_duplicated++;
	relay_release(h, to, count);
}

static volatile sig_atomic_t relay_stop;

static void relay_on_signal(int sig)
{
	(void)sig;
	relay_stop = 1;
}

/* Create (attach to) TAP device `name`, no packet-info header, non-blocking. */
static int relay_tap_open(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		perror("relay: open /dev/net/tun");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "relay: TUNSETIFF %s: %s\n", name, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Move up to RELAY_BURST frames from fd `from` to fd `to`. A frame the
 * other side cannot take (its queue full) is dropped, like a wire would.
 * Returns the number of frames moved, or -1 on a hard read error. */
static int relay_pump(int from, int to, uint8_t *buf, uint64_t *count,
		      struct relay_hold *h)
{
	int moved = 0;

	while (moved < RELAY_BURST) {
		ssize_t n = read(from, buf, RELAY_FRAME_MAX);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			perror("relay: read");
			return -1;
		}
		if (n == 0)
			break;
		relay_send(h, to, buf, n, count);
		moved++;
	}
	return moved;
}

static int relay_loop(int fa, int fb)
{
	static uint8_t buf[RELAY_FRAME_MAX];
	uint64_t a2b = 0, b2a = 0;
	struct pollfd pfd[2] = { { .fd = fa, .events = POLLIN },
				 { .fd = fb, .events = POLLIN } };
	int rc = 0;

	while (!relay_stop) {
		int holding = relay_held[0].len || relay_held[1].len;
		int n = poll(pfd, 2, holding ? 5 : 500);

		if (relay_held[0].len && relay_now_ms() - relay_held[0].since_ms >= RELAY_HOLD_MS)
			relay_release(&relay_held[0], fb, &a2b);
		if (relay_held[1].len && relay_now_ms() - relay_held[1].since_ms >= RELAY_HOLD_MS)
			relay_release(&relay_held[1], fa, &b2a);
		if (n < 0 && errno != EINTR) {
			perror("relay: poll");
			rc = 1;
			break;
		}
		if (n <= 0)
			continue;
		if ((pfd[0].revents & POLLIN) &&
		    relay_pump(fa, fb, buf, &a2b, &relay_held[0]) < 0)
			rc = 1;
		if ((pfd[1].revents & POLLIN) &&
		    relay_pump(fb, fa, buf, &b2a, &relay_held[1]) < 0)
			rc = 1;
		if (rc)
			break;
	}
	printf("relay: a2b=%llu b2a=%llu\n", (unsigned long long)a2b,
	       (unsigned long long)b2a);
	if (relay_loss > 0 || relay_dup > 0 || relay_reorder > 0)
		printf("relay: dropped=%llu duplicated=%llu reordered=%llu\n",
		       (unsigned long long)relay_dropped,
		       (unsigned long long)relay_duplicated,
		       (unsigned long long)relay_reordered);
	return rc;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	int fa, fb, rc;

	while (argc > 3 && argv[1][0] == '-' && argv[1][1] == '-') {
		char *end;
		double v = strtod(argv[2], &end);

		if (*end || v < 0 || v > 100)
			break;
		if (!strcmp(argv[1], "--loss"))
			relay_loss = v;
		else if (!strcmp(argv[1], "--dup"))
			relay_dup = v;
		else if (!strcmp(argv[1], "--reorder"))
			relay_reorder = v;
		else if (!strcmp(argv[1], "--seed"))
			relay_rng ^= (uint64_t)v * 0x2545f4914f6cdd1dull;
		else
			break;
		argc -= 2;
		argv += 2;
	}
	if (argc != 3 || argv[1][0] == '-') {
		fprintf(stderr, "usage: relay [--loss P] [--dup P] [--reorder P] [--seed N] IFA IFB\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = relay_on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	fa = relay_tap_open(argv[1]);
	if (fa < 0)
		return 1;
	fb = relay_tap_open(argv[2]);
	if (fb < 0) {
		close(fa);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	rc = relay_loop(fa, fb);
	close(fb);
	close(fa);
	return rc;
}
