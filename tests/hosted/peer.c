/* tests/hosted/peer.c - the Linux end of hosted TCP tests: `sink PORT`
 * takes one connection and digests it to EOF; `source PORT BYTES SEED`
 * sends the pattern stream. Both print one `result:` line. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "lib/md5.h"
#include "tools/common/pattern.h"
#include "tools/common/hostnet.h"

#define PEER_ALARM_SECS 600
#define PEER_CHUNK (256 * 1024)

static uint8_t chunk[PEER_CHUNK];

static double now_secs(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const char *what)
{
	fprintf(stdout, "error: %s: %s\n", what, strerror(errno));
	return 1;
}

static void print_result(uint64_t bytes, struct md5_ctx *m, double secs)
{
	hostnet_print_md5("result:", bytes, m, secs);
}

/* Listen on 0.0.0.0:port, say so, and accept one connection. */
static int accept_one(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1, ls, cs;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0)
		return -1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 1) < 0) {
		close(ls);
		return -1;
	}
	printf("listening on port %d\n", port);
	fflush(stdout);
	cs = accept(ls, NULL, NULL);
	close(ls);
	return cs;
}

static int run_sink(int port)
{
	struct md5_ctx m;
	uint64_t bytes = 0;
	double t0;
	ssize_t n;
	int s = accept_one(port);

	if (s < 0)
		return die("accept");
	md5_init(&m);
	t0 = now_secs();
	while ((n = read(s, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return die("read");
		}
		md5_update(&m, chunk, (size_t)n);
		bytes += (uint64_t)n;
	}
	print_result(bytes, &m, now_secs() - t0);
	close(s);
	return 0;
}

static int write_full(int s, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(s, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* After our FIN, wait (bounded) for the other side's FIN before closing,
 * so the close is orderly and no RST is provoked. */
static void drain_to_eof(int s)
{
	struct timeval tv = { .tv_sec = 30 };
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (read(s, chunk, sizeof(chunk)) > 0)
		;
}

static int run_source(int port, uint64_t total, uint64_t seed)
{
	struct pattern p;
	struct md5_ctx m;
	uint64_t sent = 0;
	double t0;
	int s = accept_one(port);

	if (s < 0)
		return die("accept");
	pattern_init(&p, seed);
	md5_init(&m);
	t0 = now_secs();
	while (sent < total) {
		size_t n = total - sent < PEER_CHUNK ? (size_t)(total - sent) : PEER_CHUNK;
		pattern_fill(&p, chunk, n);
		md5_update(&m, chunk, n);
		if (write_full(s, chunk, n) < 0)
			return die("write");
		sent += n;
	}
	shutdown(s, SHUT_WR);
	drain_to_eof(s);
	print_result(sent, &m, now_secs() - t0);
	close(s);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: peer sink PORT | peer source PORT BYTES SEED\n");
	return 2;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	alarm(PEER_ALARM_SECS);
	if (argc == 3 && strcmp(argv[1], "sink") == 0)
		return run_sink(atoi(argv[2]));
	if (argc == 5 && strcmp(argv[1], "source") == 0)
		return run_source(atoi(argv[2]), strtoull(argv[3], NULL, 0),
				  strtoull(argv[4], NULL, 0));
	return usage();
}
