#!/usr/bin/python3
# tools/mkdisk-efi.py - build the UEFI test disk: a GPT (protective MBR,
# primary and backup headers and entry arrays with their CRC32s, per the UEFI
# spec) holding an ESP (FAT made by mtools' mformat at an offset, no loop
# device), a data partition of a known per-block pattern and a zeroed scratch
# partition; files are copied onto the ESP with mcopy. Also prints the host's
# side of the probe's checksums (--expect).
#
# Usage: mkdisk-efi.py OUT [--esp MIB] [--data MIB] [--put SRC=ESP/PATH]...
#        mkdisk-efi.py --expect IMG    (lines the EFI probe must print)
#        mkdisk-efi.py --scratch IMG   (checksum of the scratch the probe wrote)
import os
import struct
import subprocess
import sys
import uuid
import zlib

SECTOR = 512
ALIGN = 2048                      # 1 MiB in sectors
ENTRIES = 128
ENTRY_SIZE = 128
ENTRY_SECTORS = ENTRIES * ENTRY_SIZE // SECTOR
ESP_TYPE = uuid.UUID("c12a7328-f81f-11d2-ba4b-00a0c93ec93b")
DATA_TYPE = uuid.UUID("0fc63daf-8483-4772-8e79-3d69d8477de4")
# fixed GUIDs: the same inputs give the same image, byte for byte
DISK_GUID = uuid.UUID("6c6c6966-6c65-4700-8000-000000000001")
BULK_BYTES = 8 << 20              # the probe's large read (from data start)
SCRATCH_BYTES = 64 << 10          # the probe's write-and-read-back area
SCRATCH_SEED = 0x4c4c5752         # must match tests/efi/probe.c


def die(msg):
    sys.stderr.write("mkdisk-efi: %s\n" % msg)
    sys.exit(1)


def pattern_block(lba):
    """One data block: 64 little-endian u64s derived from the LBA."""
    base = (lba * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    return struct.pack("<64Q", *(((base + i) ^ (i << 56)) & 0xFFFFFFFFFFFFFFFF
                                 for i in range(64)))


def scratch_pattern(nbytes):
    """What the probe writes: u32 words seed + i * 0x01000193."""
    return struct.pack("<%dI" % (nbytes // 4),
                       *(((SCRATCH_SEED + i * 0x01000193) & 0xFFFFFFFF)
                         for i in range(nbytes // 4)))


def gpt_entry(type_guid, index, first, last, name):
    part_guid = uuid.UUID(int=DISK_GUID.int + 0x100 + index)
    nm = name.encode("utf-16-le").ljust(72, b"\0")
    return (type_guid.bytes_le + part_guid.bytes_le +
            struct.pack("<QQQ", first, last, 0) + nm)


def gpt_header(my_lba, alt_lba, first_use, last_use, entries_lba, entries_crc):
    def pack(crc):
        return struct.pack("<8sIIIIQQQQ16sQIII", b"EFI PART", 0x00010000, 92,
                           crc, 0, my_lba, alt_lba, first_use, last_use,
                           DISK_GUID.bytes_le, entries_lba, ENTRIES,
                           ENTRY_SIZE, entries_crc)
    hdr = pack(0)
    return pack(zlib.crc32(hdr)).ljust(SECTOR, b"\0")


def protective_mbr(total):
    size = min(total - 1, 0xFFFFFFFF)
    part = struct.pack("<B3sB3sII", 0, b"\x00\x02\x00", 0xEE, b"\xff\xff\xff",
                       1, size)
    return bytes(446) + part + bytes(48) + b"\x55\xaa"


def layout(esp_mib, data_mib):
    esp = (ALIGN, ALIGN + esp_mib * ALIGN - 1)
    data = (esp[1] + 1, esp[1] + data_mib * ALIGN)
    scratch = (data[1] + 1, data[1] + ALIGN)
    total = scratch[1] + 1 + ALIGN          # 1 MiB tail for the backup GPT
    return esp, data, scratch, total


def run(cmd):
    # a fixed time for the FAT's entries (mtools honours SOURCE_DATE_EPOCH):
    # two builds 2 s apart were not identical (file and directory times)
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    env.setdefault("SOURCE_DATE_EPOCH", "1767225600")   # 2026-01-01
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        die("%s: %s" % (" ".join(cmd), r.stderr.strip()))


def make_fat(out, esp, puts):
    sectors = esp[1] - esp[0] + 1
    img = "%s@@%d" % (out, esp[0] * SECTOR)
    fat = ["-F"] if sectors >= 66600 else []      # FAT32 when big enough
    run(["mformat", "-i", img, "-T", str(sectors), "-h", "64", "-s", "32",
         "-H", str(esp[0]), "-N", "4c4c4553", "-v", "LLESP"] + fat + ["::"])
    made = set()
    for src, dst in puts:
        parts = dst.strip("/").split("/")
        for i in range(1, len(parts)):
            d = "::/" + "/".join(parts[:i])
            if d not in made:
                run(["mmd", "-i", img, d])
                made.add(d)
        run(["mcopy", "-i", img, src, "::/" + "/".join(parts)])


def build(out, esp_mib, data_mib, puts):
    esp, data, scratch, total = layout(esp_mib, data_mib)
    entries = (gpt_entry(ESP_TYPE, 1, esp[0], esp[1], "EFI system") +
               gpt_entry(DATA_TYPE, 2, data[0], data[1], "ll-data") +
               gpt_entry(DATA_TYPE, 3, scratch[0], scratch[1], "ll-scratch"))
    entries = entries.ljust(ENTRIES * ENTRY_SIZE, b"\0")
    ecrc = zlib.crc32(entries)
    last = total - 1
    first_use, last_use = 2 + ENTRY_SECTORS, last - 1 - ENTRY_SECTORS
    with open(out, "wb") as f:
        f.truncate(total * SECTOR)
        f.write(protective_mbr(total))
        f.write(gpt_header(1, last, first_use, last_use, 2, ecrc))
        f.write(entries)
        f.seek(data[0] * SECTOR)
        for lba in range(data[0], data[1] + 1):
            f.write(pattern_block(lba))
        f.seek((last - ENTRY_SECTORS) * SECTOR)
        f.write(entries)
        f.write(gpt_header(last, 1, first_use, last_use,
                           last - ENTRY_SECTORS, ecrc))
    make_fat(out, esp, puts)


def gpt_parts(img):
    """(first, last) LBAs of the entries of the primary GPT."""
    with open(img, "rb") as f:
        f.seek(SECTOR)
        h = f.read(92)
        elba, n, esz = struct.unpack_from("<QII", h, 72)
        f.seek(elba * SECTOR)
        raw = f.read(n * esz)
    parts = []
    for i in range(n):
        e = raw[i * esz:(i + 1) * esz]
        if e[:16] != bytes(16):
            parts.append(struct.unpack_from("<QQ", e, 32))
    return parts


def crc_at(f, lba, count):
    f.seek(lba * SECTOR)
    return zlib.crc32(f.read(count * SECTOR))


def expect(img):
    """The probe's read lines as the image holds them (block size 512)."""
    last = os.path.getsize(img) // SECTOR - 1
    parts = gpt_parts(img)
    if len(parts) < 3:
        die("%s: fewer than 3 GPT partitions" % img)
    data, scratch = parts[1], parts[2]
    bulk = BULK_BYTES // SECTOR
    with open(img, "rb") as f:
        for lba in (0, last // 2, last):
            print("probe: read lba=%d count=1 crc=%08X" % (lba, crc_at(f, lba, 1)))
        print("probe: bulk lba=%d count=%d crc=%08X"
              % (data[0], bulk, crc_at(f, data[0], bulk)))
    print("probe: write lba=%d count=%d crc=%08X ok" %
          (scratch[0], SCRATCH_BYTES // SECTOR,
           zlib.crc32(scratch_pattern(SCRATCH_BYTES))))


def scratch_now(img):
    """CRC32 of the scratch area in IMG now (after the probe wrote it)."""
    scratch = gpt_parts(img)[2]
    with open(img, "rb") as f:
        print("%08X" % crc_at(f, scratch[0], SCRATCH_BYTES // SECTOR))


def main(argv):
    if len(argv) == 2 and argv[0] in ("--expect", "--scratch"):
        (expect if argv[0] == "--expect" else scratch_now)(argv[1])
        return
    if not argv or argv[0].startswith("-"):
        die("usage: mkdisk-efi.py OUT [--esp MIB] [--data MIB] [--put SRC=DST]...")
    out, esp_mib, data_mib, puts = argv[0], 33, 16, []
    args = argv[1:]
    while args:
        opt = args.pop(0)
        if not args:
            die("%s needs a value" % opt)
        val = args.pop(0)
        if opt == "--esp":
            esp_mib = int(val)
        elif opt == "--data":
            data_mib = int(val)
        elif opt == "--put" and "=" in val:
            src, dst = val.split("=", 1)
            if not os.path.isfile(src):
                die("no file %s" % src)
            puts.append((src, dst))
        else:
            die("bad option %s %s" % (opt, val))
    if data_mib * (1 << 20) < BULK_BYTES or esp_mib < 2:
        die("data partition must hold the 8 MiB bulk read, ESP >= 2 MiB")
    build(out, esp_mib, data_mib, puts)


if __name__ == "__main__":
    main(sys.argv[1:])
