/* tools/lifeline-dumpinfo.c - inspect a dump LUN (image file or device):
 * is there a vmcore (ELF or kdump-compressed), complete or not, CPUs,
 * VMCOREINFO, ranges or dump level and pages, size; and extract it to a
 * file; or print the dead kernel's log (--dmesg). Exit 0 complete, 2
 * incomplete, 1 none or error.
 *   lifeline-dumpinfo [--extract OUT | --dmesg] IMAGE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tools/common/dmesg.h"
#include "tools/common/kdump_info.h"
#include "tools/common/vmfile.h"
#include "dump/kdump_format.h"
#include "dump/vmcore.h"
#include "dump/vmcore_read.h"
#include "lib/err.h"

static int fail(int err, const char *what, const char *detail)
{
	fprintf(stderr, "error: E%d %s: %s%s%s\n", -err, ll_strerror(err), what,
		detail ? ": " : "", detail ? detail : "");
	return 1;
}

static void print_info(const uint8_t *hdr, const struct vmcore_info *vi)
{
	static const char *const keys[] = { "OSRELEASE", "PAGESIZE" };
	char v[128];

	printf("vmcore: %s\n", vi->e_flags ? "incomplete" : "complete");
	printf("cpus: %u\n", vi->n_cpu);
	printf("vmcoreinfo: %s\n", vi->vmcoreinfo_len ? "yes" : "no");
	for (unsigned i = 0; vi->vmcoreinfo_len && i < 2; i++)
		if (!vmcore_info_get(hdr, vi, keys[i], v, sizeof(v)))
			printf("  %s=%s\n", keys[i], v);
	for (unsigned i = 0; i < vi->n_range; i++)
		printf("range %u: paddr 0x%llx vaddr 0x%llx size 0x%llx offset 0x%llx\n",
		       i, (unsigned long long)vi->range[i].paddr,
		       (unsigned long long)vi->range[i].vaddr,
		       (unsigned long long)vi->range[i].size,
		       (unsigned long long)vi->range[i].file_off);
	printf("total: %u ranges, %llu bytes (%llu MiB) of memory, vmcore %llu bytes\n",
	       vi->n_range, (unsigned long long)vi->data_bytes,
	       (unsigned long long)(vi->data_bytes >> 20),
	       (unsigned long long)vi->file_end);
}

/* Copy [0, len) of fd to a new file at path. */
static int extract(int fd, uint64_t len, const char *path)
{
	static uint8_t buf[1 << 20];
	int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	uint64_t off = 0;

	if (out < 0)
		return fail(LL_EIO, path, strerror(errno));
	while (off < len) {
		size_t n = len - off > sizeof(buf) ? sizeof(buf) : (size_t)(len - off);
		ssize_t r = pread(fd, buf, n, (off_t)off);

		if (r <= 0 || write(out, buf, (size_t)r) != r) {
			close(out);
			return fail(LL_EIO, path, r < 0 ? strerror(errno) : "short copy");
		}
		off += (uint64_t)r;
	}
	if (close(out))
		return fail(LL_EIO, path, strerror(errno));
	printf("extracted: %llu bytes to %s\n", (unsigned long long)len, path);
	return 0;
}

static void print_kdump(const struct kdump_info *k)
{
	uint64_t ram = k->pages_ram * k->block_size;

	printf("format: kdump-compressed (%s)\n",
	       k->status & KD_COMPRESSED_LZO ? "lzo" :
	       k->status & KD_COMPRESSED_ZLIB ? "zlib" :
	       k->status & KD_COMPRESSED_ZSTD ? "zstd" :
	       k->status & KD_COMPRESSED_SNAPPY ? "snappy" : "none");
	printf("vmcore: %s\n", k->status & KD_INCOMPLETE ? "incomplete" : "complete");
	printf("cpus: %d\n", k->nr_cpus);
	printf("release: %s\n", k->release);
	printf("dump level: %d\n", k->level);
	printf("vmcoreinfo: %s\n", k->vmci_len ? "yes" : "no");
	printf("pages: %llu kept of %llu RAM pages (%llu zero, %llu lzo, %llu raw)\n",
	       (unsigned long long)(k->pages_dumped - k->pages_zero),
	       (unsigned long long)k->pages_ram, (unsigned long long)k->pages_zero,
	       (unsigned long long)k->pages_lzo, (unsigned long long)k->pages_raw);
	printf("total: vmcore %llu bytes for %llu MiB of RAM, ratio %.3f\n",
	       (unsigned long long)k->file_end, (unsigned long long)(ram >> 20),
	       ram ? (double)k->file_end / (double)ram : 0.0);
}

/* A kdump-compressed vmcore at offset 0: print, extract; exit code. */
static int kdump_main(int fd, off_t size, const struct kdump_info *k,
		      const char *image, const char *out)
{
	int rc = 0;

	print_kdump(k);
	if ((uint64_t)size < k->file_end)
		rc = fail(LL_ERANGE, image, "shorter than the vmcore it holds");
	else if (out && extract(fd, k->file_end, out))
		rc = 1;
	close(fd);
	return rc ? rc : (k->status & KD_INCOMPLETE) ? 2 : 0;
}

/* --dmesg: the kernel log of the vmcore in fd to stdout; exit code. */
static int dmesg_main(int fd, const char *image)
{
	static struct vmfile vf;
	struct dmesg_stats st;
	struct physmem pm;
	int rc = vmfile_open(&vf, fd);

	if (rc) {
		close(fd);
		return fail(rc, image, rc == LL_ENOENT ? "no vmcore" : "not a readable vmcore");
	}
	pm = vmfile_physmem(&vf);
	rc = dmesg_print(&pm, vf.vmci, vf.vmci_len, stdout, &st);
	fflush(stdout);
	vmfile_close(&vf);
	close(fd);
	if (rc)
		return fail(rc, image, st.why);
	return 0;
}

int main(int argc, char **argv)
{
	static struct kdump_info ki;
	static uint8_t hdr[VMCORE_HDR_MAX];
	static struct vmcore_info vi;
	const char *image = NULL, *out = NULL;
	ssize_t got;
	off_t size;
	int fd, rc, dmesg = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--extract") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--dmesg"))
			dmesg = 1;
		else if (argv[i][0] != '-' && !image)
			image = argv[i];
		else
			image = NULL, i = argc;
	}
	if (!image || (dmesg && out)) {
		fprintf(stderr, "usage: lifeline-dumpinfo [--extract OUT | --dmesg] IMAGE\n");
		return 1;
	}
	fd = open(image, O_RDONLY);
	if (fd < 0)
		return fail(LL_ENOENT, image, strerror(errno));
	if (dmesg)
		return dmesg_main(fd, image);
	size = lseek(fd, 0, SEEK_END);
	got = pread(fd, hdr, sizeof(hdr), 0);
	if (size < 0 || got < 0) {
		close(fd);
		return fail(LL_EIO, image, strerror(errno));
	}
	rc = kdump_info_read(fd, &ki);
	if (rc != LL_ENOENT) {
		if (!rc)
			return kdump_main(fd, size, &ki, image, out);
		close(fd);
		return fail(rc, image, "not a readable kdump-compressed vmcore");
	}
	rc = vmcore_read(hdr, (size_t)got, &vi);
	if (rc) {
		close(fd);
		return fail(rc, image, rc == LL_ENOENT ? "no vmcore" : "not a lifeline vmcore");
	}
	print_info(hdr, &vi);
	if ((uint64_t)size < vi.file_end) {
		close(fd);
		return fail(LL_ERANGE, image, "shorter than the vmcore it holds");
	}
	if (out && extract(fd, vi.file_end, out)) {
		close(fd);
		return 1;
	}
	close(fd);
	return vi.e_flags ? 2 : 0;
}
