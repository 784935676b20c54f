#!/usr/bin/env python3
# tests/lib/kdump_inspect.py - reads a kdump-compressed file (or a dump LUN
# image holding one at offset 0) for the tests: header facts as key: value
# lines, whether the page holding a physical address is in the dump, and the
# file cut at its real end (--extract); --marker PADDR HEX: the page at
# PADDR is in the dump and holds HEX repeated (LZO pages decompressed with
# the host's liblzo2), else exit 3; --count TEXT: how many dumped pages
# hold TEXT (every page decompressed; "count TEXT: N pages").
#   kdump_inspect.py IMAGE [--paddr HEX]... [--marker PADDR HEX] [--count TEXT]... [--extract OUT]
import ctypes, struct, sys

LZO = []

def lzo_page(data):
    if not LZO:
        LZO.append(ctypes.CDLL("liblzo2.so.2"))
    lib = LZO[0]
    out = ctypes.create_string_buffer(4096)
    n = ctypes.c_ulong(4096)
    rc = lib.lzo1x_decompress_safe(data, ctypes.c_ulong(len(data)), out,
                                   ctypes.byref(n), None)
    return out.raw[:n.value] if rc == 0 else b""

def page_at(f, bm2, desc_off, pfn):
    if pfn // 8 >= len(bm2) or not (bm2[pfn // 8] >> (pfn % 8)) & 1:
        return None
    idx = sum(bin(b).count("1") for b in bm2[:pfn // 8])
    idx += bin(bm2[pfn // 8] & ((1 << (pfn % 8)) - 1)).count("1")
    f.seek(desc_off + idx * 24)
    off, size, fl, _ = struct.unpack("<QIIQ", f.read(24))
    f.seek(off)
    data = f.read(size)
    return lzo_page(data) if fl & 2 else data

def kept_pfns(bm2):
    """The pfns of the dumped pages, in the order of their descriptors."""
    for i, b in enumerate(bm2):
        for bit in range(8) if b else ():
            if (b >> bit) & 1:
                yield i * 8 + bit

def count_pages(f, descs, bm2, texts):
    """Pages among the kept ones (the shared zero page once) holding each
    of texts; a text split over two dumped pages of consecutive pfns (a
    kernel log record across a page boundary) counts for the second."""
    n, seen, prev, tail = [0] * len(texts), set(), None, b""
    keep = max(len(t) for t in texts) - 1
    for i, pfn in enumerate(kept_pfns(bm2)):
        off, size, fl, _ = struct.unpack_from("<QIIQ", descs, i * 24)
        page = b""
        if off not in seen:
            seen.add(off)
            f.seek(off)
            data = f.read(size)
            page = lzo_page(data) if fl & 2 else data
        joined = (tail if prev == pfn - 1 else b"") + page
        for j, t in enumerate(texts):
            if t in joined:
                n[j] += 1
        tail, prev = (page[-keep:] if keep else b""), pfn
    return n

def main():
    args = sys.argv[1:]
    path = args.pop(0)
    paddrs, out, marker, texts = [], None, None, []
    while args:
        a = args.pop(0)
        if a == "--paddr":
            paddrs.append(int(args.pop(0), 16))
        elif a == "--marker":
            marker = (int(args.pop(0), 16), args.pop(0).encode())
        elif a == "--count":
            texts.append(args.pop(0).encode())
        elif a == "--extract":
            out = args.pop(0)
    with open(path, "rb") as f:
        h = f.read(4096)
        if h[:8] != b"KDUMP   ":
            print("format: not kdump-compressed")
            return 1
        ver, = struct.unpack_from("<i", h, 8)
        status, bs, sub, bmb, mapnr32 = struct.unpack_from("<IiiII", h, 424)
        ncpu, = struct.unpack_from("<i", h, 460)
        f.seek(bs)
        s = f.read(104)
        level, = struct.unpack_from("<i", s, 8)
        max_mapnr, = struct.unpack_from("<Q", s, 96)
        f.seek((1 + sub) * bs)
        bm = f.read(bmb * bs)
        half = bmb // 2 * bs
        bm1, bm2 = bm[:half], bm[half:]
        kept = sum(bin(b).count("1") for b in bm2)
        ram = sum(bin(b).count("1") for b in bm1)
        desc_off = (1 + sub + bmb) * bs
        f.seek(desc_off)
        descs = f.read(kept * 24)
        end, nz, codecs = desc_off + kept * 24, 0, {}
        zero_off = None
        for i in range(kept):
            off, size, fl, _ = struct.unpack_from("<QIIQ", descs, i * 24)
            end = max(end, off + size)
            codecs[fl] = codecs.get(fl, 0) + 1
        offs = [struct.unpack_from("<Q", descs, i * 24)[0] for i in range(kept)]
        if kept:
            first = min(offs)
            nz = offs.count(first) if offs.count(first) > 1 else 0
        mpage = page_at(f, bm2, desc_off, marker[0] // bs) if marker else None
        counts = count_pages(f, descs, bm2, texts) if texts else []
    print("format: kdump-compressed")
    print("version: %d" % ver)
    print("status: 0x%x" % status)
    print("complete: %s" % ("no" if status & 8 else "yes"))
    print("codec: %s" % ({1: "zlib", 2: "lzo", 4: "snappy", 0x20: "zstd"}.get(status & 0x27, "none")))
    print("block_size: %d" % bs)
    print("cpus: %d" % ncpu)
    print("dump_level: %d" % level)
    print("max_mapnr: %d" % max_mapnr)
    print("pages_ram: %d" % ram)
    print("pages_in_dump: %d" % kept)
    print("pages_zero: %d" % nz)
    print("codec_pages: %s" % " ".join("%x=%d" % kv for kv in sorted(codecs.items())))
    print("file_bytes: %d" % end)
    rc = 0
    for pa in paddrs:
        pfn = pa // bs
        inram = (bm1[pfn // 8] >> (pfn % 8)) & 1 if pfn // 8 < len(bm1) else 0
        indump = (bm2[pfn // 8] >> (pfn % 8)) & 1 if pfn // 8 < len(bm2) else 0
        print("paddr 0x%x: pfn 0x%x ram %d dumped %d" % (pa, pfn, inram, indump))
    if marker:
        ok = mpage is not None and mpage == marker[1] * (4096 // len(marker[1]))
        print("marker page 0x%x: %s" % (marker[0], "present" if ok else
              ("not in the dump" if mpage is None else "differs")))
        rc = 0 if ok else 3
    for t, c in zip(texts, counts):
        print("count %s: %d pages" % (t.decode(), c))
    if out:
        with open(path, "rb") as f, open(out, "wb") as o:
            left = end
            while left:
                b = f.read(min(left, 1 << 20))
                if not b:
                    break
                o.write(b)
                left -= len(b)
    return rc

sys.exit(main())
