/* tests/hosted/patgen.c - write BYTES bytes of the hosted test pattern
 * (pattern.h) for SEED to stdout, so scripts can md5 it independently of
 * the lifeline tools: `patgen BYTES SEED | md5sum`. */
#include <stdio.h>
#include <stdlib.h>
#include "tools/common/pattern.h"

static unsigned char chunk[1 << 16];

int main(int argc, char **argv)
{
	struct pattern p;
	unsigned long long left;

	if (argc != 3) {
		fprintf(stderr, "usage: patgen BYTES SEED\n");
		return 2;
	}
	left = strtoull(argv[1], NULL, 0);
	pattern_init(&p, strtoull(argv[2], NULL, 0));
	while (left) {
		size_t n = left < sizeof(chunk) ? (size_t)left : sizeof(chunk);
		pattern_fill(&p, chunk, n);
		if (fwrite(chunk, 1, n, stdout) != n)
			return 1;
		left -= n;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
