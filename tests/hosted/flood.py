#!/usr/bin/env python3
# tests/hosted/flood.py - floods a boot segment (an interface, through
# AF_PACKET) with broadcast DHCP OFFER/ACK/NAK for other clients' xids and
# ARP requests/replies for other hosts, to check that a booting lifeline
# still gets its own lease and logs in. Prints "flood: started" and, every
# second and at the end, "flood: sent=N dhcp=N arp=N pps=N".
import argparse
import os
import random
import signal
import socket
import struct
import sys
import time

BCAST = b"\xff" * 6


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return (~s) & 0xFFFF


def ipv4_udp(src, dst, sport, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), random.getrandbits(16),
                     0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + udp


def dhcp_frame(src_mac, server):
    mtype = random.choice((2, 5, 6))                     # OFFER, ACK, NAK
    chaddr = bytes([2, random.getrandbits(8)]) + os.urandom(4)
    yiaddr = bytes([10, 77, 0, random.randint(2, 250)])
    bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 2, 1, 6, 0,
                        random.getrandbits(32), 0, 0x8000, b"\0" * 4,
                        yiaddr if mtype != 6 else b"\0" * 4, b"\0" * 4, b"\0" * 4,
                        chaddr + b"\0" * 10, b"", b"")
    opts = b"\x63\x82\x53\x63" + bytes([53, 1, mtype, 54, 4]) + server
    if mtype != 6:
        opts += bytes([51, 4, 0, 0, 0x0E, 0x10, 1, 4, 255, 255, 255, 0])
    opts += b"\xff"
    ip = ipv4_udp(server, b"\xff" * 4, 67, 68, bootp + opts)
    return BCAST + src_mac + b"\x08\x00" + ip


def arp_frame():
    mac = bytes([2, 0x66]) + os.urandom(4)
    sip = bytes([10, 77, 0, random.randint(160, 250)])
    tip = bytes([10, 77, 0, random.randint(2, 250)])
    op = random.choice((1, 2))
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, mac, sip,
                      b"\0" * 6 if op == 1 else os.urandom(6), tip)
    return BCAST + mac + b"\x08\x06" + arp + b"\0" * 18


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--if", dest="ifname", required=True)
    ap.add_argument("--secs", type=float, default=20)
    ap.add_argument("--pps", type=int, default=10000, help="frames per second")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    random.seed(a.seed)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.ifname, 0))
    rogue_mac = bytes([2, 0x66, 0, 0, 0, 1])
    rogue_ip = bytes([10, 77, 0, 254])           # a second, bogus "server"
    n = {"dhcp": 0, "arp": 0, "err": 0}
    t0 = time.monotonic()
    last = t0

    def report(*_):
        el = max(time.monotonic() - t0, 0.001)
        tot = n["dhcp"] + n["arp"]
        print("flood: sent=%d dhcp=%d arp=%d pps=%d" % (tot, n["dhcp"], n["arp"], tot / el),
              flush=True)

    signal.signal(signal.SIGTERM, lambda *_: (report(), os._exit(0)))
    print("flood: started", flush=True)
    while time.monotonic() - t0 < a.secs:
        for _ in range(50):
            kind = "dhcp" if random.random() < 0.5 else "arp"
            f = dhcp_frame(rogue_mac, rogue_ip) if kind == "dhcp" else arp_frame()
            try:
                s.send(f)
                n[kind] += 1
            except OSError:
                n["err"] += 1
        # pace to --pps
        want = (n["dhcp"] + n["arp"]) / a.pps
        el = time.monotonic() - t0
        if want > el:
            time.sleep(want - el)
        if time.monotonic() - last >= 1:
            last = time.monotonic()
            report()
    report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
