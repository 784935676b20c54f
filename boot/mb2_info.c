/* boot/mb2_info.c - the Multiboot2 boot information parser: every tag checked
 * against total_size and its own size before a field of it is read. Pure
 * code, no data relocations: lifeline.elf calls it before relocating. */
#include "boot/mb2_info.h"
#include "lib/byteorder.h"
#include "lib/err.h"

#define MB2_HDR    8   /* total_size, reserved */
#define MB2_TAG    8   /* type, size */
#define MB2_MMAP_HDR 16

static int mb2_cmdline(const uint8_t *t, uint32_t size, struct mb2_info *m)
{
	for (uint32_t i = MB2_TAG; i < size; i++)
		if (!t[i]) {
			m->cmdline = (const char *)t + MB2_TAG;
			return 0;
		}
	return LL_EMB2INFO;
}

/* entry_size at least the spec's 24 bytes and a multiple of 8. */
static int mb2_mmap(const uint8_t *t, uint32_t size, struct mb2_info *m)
{
	uint32_t es;

	if (size < MB2_MMAP_HDR)
		return LL_EMB2INFO;
	es = get_le32(t + 8);
	if (es < 24 || es % 8)
		return LL_EMB2INFO;
	m->mmap = t + MB2_MMAP_HDR;
	m->mmap_esize = es;
	m->mmap_n = (size - MB2_MMAP_HDR) / es;
	return 0;
}

/* Tag 14 holds an RSDP 1.0 copy (20 bytes), tag 15 a 2.0 one (36); the
 * newer wins whatever the order. */
static int mb2_acpi(const uint8_t *t, uint32_t type, uint32_t size,
		    struct mb2_info *m)
{
	uint32_t need = type == MB2_TAG_ACPI2 ? MB2_RSDP2_LEN : MB2_RSDP1_LEN;

	if (size - MB2_TAG < need)
		return LL_EMB2INFO;
	if (m->rsdp_rev == 2 && type == MB2_TAG_ACPI1)
		return 0;
	m->rsdp = t + MB2_TAG;
	m->rsdp_len = size - MB2_TAG;
	m->rsdp_rev = type == MB2_TAG_ACPI2 ? 2 : 1;
	return 0;
}

/* A 64-bit pointer tag (12, 20): the field after the header. */
static int mb2_u64(const uint8_t *t, uint32_t size, uint64_t *out)
{
	if (size < MB2_TAG + 8)
		return LL_EMB2INFO;
	*out = get_le64(t + MB2_TAG);
	return 0;
}

static int mb2_tag(const uint8_t *t, uint32_t type, uint32_t size,
		   struct mb2_info *m)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
		return mb2_cmdline(t, size, m);
	case MB2_TAG_MMAP:
		return mb2_mmap(t, size, m);
	case MB2_TAG_ACPI1:
	case MB2_TAG_ACPI2:
		return mb2_acpi(t, type, size, m);
	case MB2_TAG_NETWORK:           /* one per interface: the first */
		if (size == MB2_TAG)
			return LL_EMB2INFO;
		if (!m->n_ack++) {
			m->ack = t + MB2_TAG;
			m->ack_len = size - MB2_TAG;
		}
		return 0;
	case MB2_TAG_EFI64_ST:
		return mb2_u64(t, size, &m->efi_st);
	case MB2_TAG_EFI64_IH:
		return mb2_u64(t, size, &m->efi_ih);
	case MB2_TAG_LOADBASE:
		if (size < MB2_TAG + 4)
			return LL_EMB2INFO;
		m->load_base = get_le32(t + MB2_TAG);
		m->has_load_base = 1;
		return 0;
	}
	return 0;                       /* a tag we do not use */
}

int mb2_info_parse(const void *info, size_t avail, struct mb2_info *m)
{
	const uint8_t *p = info;
	uint32_t total, off = MB2_HDR;

	*m = (struct mb2_info){ 0 };
	if (!p || avail < MB2_HDR + MB2_TAG)
		return LL_EMB2INFO;
	total = get_le32(p);
	m->total = total;
	if (total < MB2_HDR + MB2_TAG || total > avail)
		return LL_EMB2INFO;
	while (total - off >= MB2_TAG) {
		uint32_t type = get_le32(p + off), size = get_le32(p + off + 4);
		int rc;

		if (size < MB2_TAG || size > total - off)
			return LL_EMB2INFO;
		if (type == MB2_TAG_END)
			return size == MB2_TAG ? 0 : LL_EMB2INFO;
		rc = mb2_tag(p + off, type, size, m);
		if (rc < 0)
			return rc;
		if (size > total - off - 7)     /* no room to align: no end tag */
			return LL_EMB2INFO;
		off += (size + 7) & ~7u;
	}
	return LL_EMB2INFO;                 /* no end tag */
}

void mb2_mmap_entry(const struct mb2_info *m, uint32_t i, uint64_t *base,
		    uint64_t *len, uint32_t *type)
{
	const uint8_t *e = m->mmap + (size_t)i * m->mmap_esize;

	*base = get_le64(e);
	*len = get_le64(e + 8);
	*type = get_le32(e + 16);
}
