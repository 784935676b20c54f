/* drivers/net/tap_host.c - host-only netdev over a Linux TAP interface: nonblocking
 * read/write of whole Ethernet frames (written from the caller's buffer, or
 * from a TX buffer lent to the stack), and a wait hook built on ppoll(2). */
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include "drivers/net/tap.h"
#include "lib/mem.h" /* ll_hexval */
#include "lib/err.h"

static const uint8_t tap_default_mac[ETH_ALEN] = {0x02, 0x4c, 0x4c, 0x00, 0x00, 0x02};

static int tap_open(struct netdev *nd)
{
	struct tap_dev *t = nd->priv;
	struct ifreq ifr;
	int fd;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? LL_ENODEV : LL_EIO;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, t->ifname, sizeof(t->ifname));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		close(fd);
		return errno == EBUSY ? LL_EBUSY : LL_ENODEV;
	}
	t->fd = fd;
	memcpy(nd->mac, t->mac, ETH_ALEN);
	nd->mtu = 1500;
	return 0;
}

static void tap_close(struct netdev *nd)
{
	struct tap_dev *t = nd->priv;
	t->tx_lent = 0;
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

/* One write of a whole frame: 0, LL_EAGAIN (queue full) or LL_EIO. */
static int tap_write(struct netdev *nd, const void *frame, size_t len)
{
	struct tap_dev *t = nd->priv;
	ssize_t n = write(t->fd, frame, len);

	if (n == (ssize_t)len) {
		nd->tx_frames++;
		return 0;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		t->tx_eagain++;
		return LL_EAGAIN;
	}
	nd->tx_errors++;
	return LL_EIO;
}

static int tap_transmit(struct netdev *nd, const void *frame, size_t len)
{
	struct tap_dev *t = nd->priv;

	t->tx_lent = 0;
	if (t->fd < 0)
		return LL_ENETDOWN;
	if (len > NETDEV_FRAME_MAX)
		return LL_EMSGSIZE;
	return tap_write(nd, frame, len);
}

/* Lend txbuf: the one slot, free whenever no loan is out. */
static int tap_tx_slot(struct netdev *nd, uint8_t **buf, size_t *room)
{
	struct tap_dev *t = nd->priv;

	t->tx_lent = 0;
	if (t->fd < 0)
		return LL_ENETDOWN;
	*buf = t->txbuf;
	*room = sizeof(t->txbuf);
	t->tx_lent = 1;
	return 0;
}

/* A commit may not answer LL_EAGAIN: when the queue is full, wait a
 * bounded moment for room and write once more. */
static int tap_tx_commit(struct netdev *nd, const uint8_t *frame, size_t len)
{
	struct tap_dev *t = nd->priv;
	struct pollfd pfd = { .fd = t->fd, .events = POLLOUT };
	struct timespec ts = { 0, TAP_TX_WAIT_US * 1000L };
	int rc;

	if (!t->tx_lent || t->fd < 0)
		return LL_EINVAL;
	t->tx_lent = 0;
	if (len == 0 || len > NETDEV_FRAME_MAX)
		return LL_EMSGSIZE;
	if (frame < t->txbuf || frame > t->txbuf + sizeof(t->txbuf) ||
	    len > (size_t)(t->txbuf + sizeof(t->txbuf) - frame))
		return LL_EINVAL;
	rc = tap_write(nd, frame, len);
	if (rc == LL_EAGAIN) {
		(void)ppoll(&pfd, 1, &ts, NULL);
		rc = tap_write(nd, frame, len);
	}
	if (rc == LL_EAGAIN) {
		nd->tx_errors++;
		rc = LL_EIO;
	}
	return rc;
}

static int tap_poll(struct netdev *nd, netdev_rx_fn rx, void *ctx, unsigned budget)
{
	struct tap_dev *t = nd->priv;
	int handed = 0;

	t->tx_lent = 0;
	if (t->fd < 0)
		return LL_ENETDOWN;
	while ((unsigned)handed < budget) {
		ssize_t n = read(t->fd, t->rxbuf, sizeof(t->rxbuf));
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return LL_EIO;
		}
		if (n == 0)
			break;
		if ((size_t)n > NETDEV_FRAME_MAX) {
			t->rx_oversize++;
			continue;
		}
		nd->rx_frames++;
		rx(ctx, t->rxbuf, (size_t)n);
		handed++;
	}
	return handed;
}

static void tap_wait(struct netdev *nd, uint32_t max_us)
{
	struct tap_dev *t = nd->priv;
	struct pollfd pfd = { .fd = t->fd, .events = POLLIN };
	struct timespec ts = { .tv_sec = max_us / 1000000,
			       .tv_nsec = (long)(max_us % 1000000) * 1000 };

	if (t->fd < 0)
		return;
	(void)ppoll(&pfd, 1, &ts, NULL);
}

static const struct netdev_ops tap_ops = {
	.open = tap_open, .close = tap_close, .transmit = tap_transmit,
	.tx_slot = tap_tx_slot, .tx_commit = tap_tx_commit,
	.poll = tap_poll, .wait = tap_wait,
};

int tap_netdev_create(struct netdev *nd, struct tap_dev *t, const char *ifname,
		      const uint8_t *mac)
{
	size_t len = ifname ? strlen(ifname) : 0;

	if (len == 0 || len >= TAP_IFNAME_MAX)
		return LL_EINVAL;
	memset(nd, 0, sizeof(*nd));
	memset(t, 0, offsetof(struct tap_dev, txbuf));
	t->fd = -1;
	memcpy(t->ifname, ifname, len + 1);
	memcpy(t->mac, mac ? mac : tap_default_mac, ETH_ALEN);
	nd->ops = &tap_ops;
	nd->priv = t;
	nd->name = t->ifname;
	return 0;
}

int tap_parse_mac(const char *s, uint8_t mac[ETH_ALEN])
{
	for (int i = 0; i < ETH_ALEN; i++) {
		int hi = ll_hexval(s[0]), lo = hi < 0 ? -1 : ll_hexval(s[1]);
		if (lo < 0)
			return LL_EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (*s != (i == ETH_ALEN - 1 ? '\0' : ':'))
			return LL_EINVAL;
		if (*s)
			s++;
	}
	return 0;
}
