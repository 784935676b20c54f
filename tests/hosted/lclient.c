/* tests/hosted/lclient.c - Linux TCP client for the benchmark anchor: connects
 * and sends the pattern stream (tools/common/pattern.h) or receives one,
 * printing the same result line as peer.
 * Usage: lclient send HOST PORT BYTES SEED | lclient recv HOST PORT */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "lib/md5.h"
#include "tools/common/pattern.h"

#define LCLIENT_CHUNK 65536

static double lclient_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int lclient_connect(const char *host, const char *port)
{
	struct sockaddr_in sin;
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(port));
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		fprintf(stderr, "lclient: bad address %s\n", host);
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	for (int tries = 0; tries < 50; tries++) {
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
			return fd;
		if (errno != ECONNREFUSED)
			break;
		usleep(100000);
		close(fd);
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			return -1;
	}
	perror("lclient: connect");
	close(fd);
	return -1;
}

static void lclient_report(uint64_t bytes, struct md5_ctx *mc, double secs)
{
	uint8_t dg[16];
	char hex[33];

	md5_final(mc, dg);
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", dg[i]);
	if (secs <= 0)
		secs = 1e-6;
	printf("result: bytes=%llu md5=%s secs=%.3f mibps=%.1f\n",
	       (unsigned long long)bytes, hex, secs,
	       (double)bytes / 1048576.0 / secs);
}

static int lclient_send(int fd, uint64_t total, uint64_t seed)
{
	static uint8_t buf[LCLIENT_CHUNK];
	struct pattern pat;
	uint64_t done = 0;
	struct md5_ctx mc;
	double t0 = lclient_secs();

	pattern_init(&pat, seed);
	md5_init(&mc);
	while (done < total) {
		size_t n = total - done < sizeof(buf) ? (size_t)(total - done) : sizeof(buf);
		pattern_fill(&pat, buf, n);
		md5_update(&mc, buf, n);
		for (size_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, n - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				perror("lclient: write");
				return 1;
			}
			off += (size_t)w;
		}
		done += n;
	}
	shutdown(fd, SHUT_WR);
	/* Wait for the peer to close so the time covers delivery, not buffering. */
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	lclient_report(done, &mc, lclient_secs() - t0);
	return 0;
}

static int lclient_recv(int fd)
{
	static uint8_t buf[LCLIENT_CHUNK];
	uint64_t done = 0;
	struct md5_ctx mc;
	double t0 = lclient_secs();

	md5_init(&mc);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("lclient: read");
			return 1;
		}
		if (n == 0)
			break;
		md5_update(&mc, buf, (size_t)n);
		done += (uint64_t)n;
	}
	lclient_report(done, &mc, lclient_secs() - t0);
	return 0;
}

int main(int argc, char **argv)
{
	int fd, rc;

	if (argc == 6 && strcmp(argv[1], "send") == 0) {
		fd = lclient_connect(argv[2], argv[3]);
		if (fd < 0)
			return 1;
		rc = lclient_send(fd, strtoull(argv[4], NULL, 0),
				  strtoull(argv[5], NULL, 0));
	} else if (argc == 4 && strcmp(argv[1], "recv") == 0) {
		fd = lclient_connect(argv[2], argv[3]);
		if (fd < 0)
			return 1;
		rc = lclient_recv(fd);
	} else {
		fprintf(stderr, "usage: lclient send HOST PORT BYTES SEED | lclient recv HOST PORT\n");
		return 2;
	}
	close(fd);
	return rc;
}
