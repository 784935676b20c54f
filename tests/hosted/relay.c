/* tests/hosted/relay.c - user-space Ethernet frame relay between two TAP
 * devices: the benchmark anchor path, where Linux TCP pays one read and one
 * write per frame in user space, as our stack does over its own TAP.
 * Usage: relay IFA IFB   (creates both taps in the current namespace, prints
 * "ready", then relays until SIGTERM/SIGINT; prints "relay: a2b=N b2a=N"). */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define RELAY_FRAME_MAX 65536
#define RELAY_BURST 64 /* frames moved per direction per poll round */

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
static int relay_pump(int from, int to, uint8_t *buf, uint64_t *count)
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
		if (write(to, buf, (size_t)n) == n)
			(*count)++;
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
		int n = poll(pfd, 2, 500);
		if (n < 0 && errno != EINTR) {
			perror("relay: poll");
			rc = 1;
			break;
		}
		if (n <= 0)
			continue;
		if ((pfd[0].revents & POLLIN) && relay_pump(fa, fb, buf, &a2b) < 0)
			rc = 1;
		if ((pfd[1].revents & POLLIN) && relay_pump(fb, fa, buf, &b2a) < 0)
			rc = 1;
		if (rc)
			break;
	}
	printf("relay: a2b=%llu b2a=%llu\n", (unsigned long long)a2b,
	       (unsigned long long)b2a);
	return rc;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	int fa, fb, rc;

	if (argc != 3) {
		fprintf(stderr, "usage: relay IFA IFB\n");
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
