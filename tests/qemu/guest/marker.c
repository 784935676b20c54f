/* tests/qemu/guest/marker.c - runs in the crash test guest (static, as root):
 * fills page-aligned, mlock'ed pages with a random marker, prints where the
 * first page lies in physical memory (from /proc/self/pagemap) and sleeps,
 * so the host can find the marker at that address in the vmcore. With an
 * argument N it also keeps N MiB of anonymous memory filled with non-zero
 * bytes (memory load for the page filter); with a second one F it fills F
 * MiB with the marker's digits reversed and frees them (free pages holding
 * a marker that never went to the console). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MARKER_PAGES 4
#define MARKER_HEX 32   /* 16 random bytes as hex: divides a page */

/* marker_make: MARKER_HEX hex digits from /dev/urandom into hex. 0 or -1. */
static int marker_make(char hex[MARKER_HEX + 1])
{
	unsigned char raw[MARKER_HEX / 2];
	int fd = open("/dev/urandom", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, raw, sizeof(raw));
	close(fd);
	if (n != (ssize_t)sizeof(raw))
		return -1;
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

/* page_paddr: physical address of the page holding va, or 0 when the
 * pagemap entry is absent, not present, or its PFN hidden (not root). */
static uint64_t page_paddr(const void *va, long page)
{
	uint64_t ent = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);
	off_t off = (off_t)((uintptr_t)va / (uintptr_t)page) * 8;

	if (fd < 0)
		return 0;
	if (pread(fd, &ent, sizeof(ent), off) != (ssize_t)sizeof(ent))
		ent = 0;
	close(fd);
	if (!(ent >> 63) || (ent & ((1ULL << 55) - 1)) == 0)
		return 0;
	return (ent & ((1ULL << 55) - 1)) * (uint64_t)page;
}

/* anon_load: mib MiB of anonymous pages, every byte non-zero. */
static int anon_load(size_t mib)
{
	size_t len = mib << 20;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	uint64_t *p;

	if (!len)
		return 0;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	for (size_t i = 0; i < len / 8; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = x | 0x0101010101010101ull;
	}
	return 0;
}

/* free_marked: mib MiB filled with hex reversed, then given back. */
static int free_marked(size_t mib, const char hex[MARKER_HEX + 1])
{
	size_t len = mib << 20;
	char rev[MARKER_HEX], *p;

	if (!len)
		return 0;
	for (size_t i = 0; i < MARKER_HEX; i++)
		rev[i] = hex[MARKER_HEX - 1 - i];
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	for (size_t i = 0; i < len; i += MARKER_HEX)
		memcpy(p + i, rev, MARKER_HEX);
	return munmap(p, len);
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)page * MARKER_PAGES;
	char hex[MARKER_HEX + 1];
	char *buf;
	uint64_t pa;

	if (marker_make(hex) != 0) {
		fprintf(stderr, "marker: no random bytes\n");
		return 1;
	}
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED || mlock(buf, len) != 0) {
		perror("marker: mmap/mlock");
		return 1;
	}
	for (size_t i = 0; i < len; i += MARKER_HEX)
		memcpy(buf + i, hex, MARKER_HEX);
	pa = page_paddr(buf, page);
	if (pa == 0) {
		fprintf(stderr, "marker: no physical address in pagemap\n");
		return 1;
	}
	if (argc > 1 && anon_load((size_t)strtoul(argv[1], NULL, 10)) != 0) {
		perror("marker: anonymous load");
		return 1;
	}
	if (argc > 2 && free_marked((size_t)strtoul(argv[2], NULL, 10), hex) != 0) {
		perror("marker: free pages");
		return 1;
	}
	printf("MARKER %s PADDR 0x%llx\n", hex, (unsigned long long)pa);
	fflush(stdout);
	for (;;)
		pause();
}
