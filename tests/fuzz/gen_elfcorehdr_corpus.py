#!/usr/bin/env python3
# tests/fuzz/gen_elfcorehdr_corpus.py - writes the seeds of fuzz_elfcorehdr
# into tests/fuzz/corpus/elfcorehdr/: a small "physical memory" with an
# elfcorehdr at 0 (2 CPU notes with zero terminators, VMCOREINFO, 3
# PT_LOADs, one a backup copy), a variant without the header size, command
# lines, and a vmcore header as lifeline writes it (for vmcore_read).
# Layout: one mode byte (see fuzz_elfcorehdr.c), then the data.
import os, struct, sys

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "elfcorehdr")
os.makedirs(out, exist_ok=True)

def note(name, ntype, desc):
    n = name.encode() + b"\0"
    pad = lambda b: b + bytes(-len(b) % 4)
    return struct.pack("<III", len(n), len(desc), ntype) + pad(n) + pad(desc)

def phdr(ptype, off, paddr, vaddr, size):
    return struct.pack("<IIQQQQQQ", ptype, 7, off, vaddr, paddr, size, size, 0)

mem = bytearray(0xc00)
cpu = [note("CORE", 1, bytes(range(256)) + bytes(80)) + bytes(12) for _ in (0, 1)]
vmci = note("VMCOREINFO", 0, b"OSRELEASE=6.1.0\nPAGESIZE=4096\n")
mem[0x400:0x400 + len(cpu[0])] = cpu[0]
mem[0x600:0x600 + len(cpu[1])] = cpu[1]
mem[0x800:0x800 + len(vmci)] = vmci
ph = [phdr(4, 0x400, 0x400, 0, 0x200), phdr(4, 0x600, 0x600, 0, 0x200),
      phdr(4, 0x800, 0x800, 0, len(vmci)),
      phdr(1, 0x200000, 0, 0xffff888000000000, 0x9fc00),
      phdr(1, 0x100000, 0x100000, 0xffff888000100000, 0x100000),
      phdr(1, 0x300000, 0x300000, 0xffff888000300000, 0x80123)]
eh = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
eh += struct.pack("<HHIQQQIHHHHHH", 4, 62, 1, 0, 64, 0, 0, 64, 56, len(ph), 0, 0, 0)
mem[0:64] = eh
mem[64:64 + 56 * len(ph)] = b"".join(ph)
notes = cpu[0][:-12] + cpu[1][:-12] + vmci
core = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
core += struct.pack("<HHIQQQIHHHHHH", 4, 62, 1, 0, 64, 0, 1, 64, 56, 2, 0, 0, 0)
core += struct.pack("<IIQQQQQQ", 4, 0, 64 + 112, 0, 0, len(notes), len(notes), 0)
core += phdr(1, 0x1000, 0, 0xffff888000000000, 0x9fc00)
core += notes
seeds = {
    "vmcore": b"\x04" + core + bytes(-len(core) % 4096),
    "sized": b"\x01" + bytes(mem),
    "unsized": b"\x00" + bytes(mem),
    "cmdline": b"\x02ro console=ttyS0 elfcorehdr=0x1000@2088960K quiet",
    "cmdline_addr": b"\x02elfcorehdr=0x7f000000",
}
for name, data in seeds.items():
    open(os.path.join(out, name), "wb").write(data)
print("wrote", len(seeds), "seeds to", out, file=sys.stderr)
