#!/usr/bin/env python3
# tests/hosted/hostile_target.py - a scripted iSCSI target for the hosted
# tier that logs in like a plain target, serves a small RAM LUN, and then
# misbehaves in one chosen way (--case) to test lifeline-iscsi's defences.
# Written from RFC 7143 (PDU layouts) and SPC/SBC (the few CDBs it serves).
import argparse
import os
import signal
import socket
import struct
import sys
import threading
import time

BHS = 48
OP_NOP_OUT, OP_SCSI_CMD, OP_LOGIN_REQ, OP_DATA_OUT, OP_LOGOUT_REQ = 0x00, 0x01, 0x03, 0x05, 0x06
OP_NOP_IN, OP_SCSI_RSP, OP_LOGIN_RSP, OP_DATA_IN, OP_LOGOUT_RSP = 0x20, 0x21, 0x23, 0x25, 0x26
OP_R2T, OP_ASYNC, OP_REJECT = 0x31, 0x32, 0x3F
RSVD = 0xFFFFFFFF
BLOCK = 512

CASES = ("good", "dsl-huge", "dsl-short", "data-in-beyond", "data-in-order",
         "r2t-beyond", "unknown-opcode", "async-logout", "redirect-loop",
         "nop-storm", "login-endless", "login-stall", "reject-storm",
         "mutual-skip", "mutual-stay", "data-in-dup-status")


def log(msg):
    print("target: " + msg, flush=True)


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        part = sock.recv(n - len(buf))
        if not part:
            raise EOFError
        buf += part
    return buf


def pad4(n):
    return (n + 3) & ~3


def bhs(op, flags, itt, b2=0, b3=0, dsl=None, data=b"", lun=b"\0" * 8,
        w20=RSVD, w24=0, w28=0, w32=0, tail=b"\0" * 12):
    dlen = len(data) if dsl is None else dsl
    h = struct.pack(">BBBBB", op, flags, b2, b3, 0) + dlen.to_bytes(3, "big")
    h += lun + struct.pack(">IIIII", itt, w20, w24, w28, w32) + tail
    assert len(h) == BHS
    return h + data + b"\0" * (pad4(len(data)) - len(data))


def parse_text(data):
    out = []
    for pair in data.split(b"\0"):
        if b"=" in pair:
            k, v = pair.split(b"=", 1)
            out.append((k.decode(), v.decode()))
    return out


def text(pairs):
    return b"".join(("%s=%s" % kv).encode() + b"\0" for kv in pairs)


class Conn:
    """One TCP connection: login, then full-feature service."""

    def __init__(self, srv, sock, n):
        self.srv, self.sock, self.n = srv, sock, n
        self.case = srv.case
        self.statsn = 1
        self.expcmdsn = 1
        self.r2t_ttt = 0x100

    def seq(self):
        return self.expcmdsn, self.expcmdsn + 31

    def send(self, pdu):
        self.sock.sendall(pdu)

    def read_pdu(self):
        h = recv_exact(self.sock, BHS)
        ahs = h[4] * 4
        dsl = int.from_bytes(h[5:8], "big")
        if ahs:
            recv_exact(self.sock, ahs)
        data = recv_exact(self.sock, pad4(dsl))[:dsl] if dsl else b""
        return h, data

    # ---- login ----
    def login_rsp(self, req, flags, data, status=0, tsih=0x0102):
        isid = req[8:14]
        itt = struct.unpack(">I", req[16:20])[0]
        cmdsn = struct.unpack(">I", req[24:28])[0]
        self.expcmdsn = cmdsn
        exp, mx = self.seq()
        tail = struct.pack(">BB", status >> 8, status & 0xFF) + b"\0" * 10
        lun = isid + struct.pack(">H", tsih)
        pdu = bhs(OP_LOGIN_RSP, flags, itt, 0, 0, data=data, lun=lun,
                  w20=0, w24=self.statsn, w28=exp, w32=mx, tail=tail)
        self.statsn += 1
        self.send(pdu)

    def op_answers(self, pairs):
        ans = []
        for k, v in pairs:
            if k in ("HeaderDigest", "DataDigest"):
                ans.append((k, "None"))
            elif k == "MaxRecvDataSegmentLength":
                ans.append((k, "8192"))
            elif k == "InitialR2T":
                ans.append((k, "Yes"))
            elif k == "ImmediateData":
                ans.append((k, "No"))
            elif k in ("DataPDUInOrder", "DataSequenceInOrder"):
                ans.append((k, "Yes"))
            else:
                ans.append((k, v))
        return ans

    def login(self):
        """Returns True once in full feature phase."""
        while True:
            h, data = self.read_pdu()
            if h[0] & 0x3F != OP_LOGIN_REQ:
                log("conn %d: not a login request (0x%02x)" % (self.n, h[0]))
                return False
            csg = (h[1] >> 2) & 3
            pairs = parse_text(data)
            if self.case == "login-stall":
                log("conn %d: login request taken, never answered" % self.n)
                while self.sock.recv(4096):
                    pass
                return False
            if self.case == "login-endless" and csg == 1:
                # the operational stage forever: never a transit to full feature
                self.srv.login_rounds += 1
                self.login_rsp(h, 0x04, b"")
                continue
            if self.case == "redirect-loop":
                self.srv.redirects += 1
                self.login_rsp(h, 0, text([("TargetAddress", "%s:%d,1" % self.srv.addr)]),
                               status=0x0101)
                log("conn %d: redirected to ourselves" % self.n)
                return False
            if csg == 0:
                if self.case in ("mutual-skip", "mutual-stay"):
                    if self.mutual_skip(h, pairs):
                        continue
                    return False
                self.login_rsp(h, 0x81, text([("AuthMethod", "None")]))
                continue
            self.login_rsp(h, 0x87, text(self.op_answers(pairs)))
            log("conn %d: full feature phase" % self.n)
            return True

    def mutual_skip(self, h, pairs):
        """CHAP that never proves the target: no CHAP_N/CHAP_R back."""
        keys = dict(pairs)
        if "AuthMethod" in keys:
            self.login_rsp(h, 0x00, text([("AuthMethod", "CHAP")]))
        elif "CHAP_A" in keys:
            self.login_rsp(h, 0x00, text([("CHAP_A", "5"), ("CHAP_I", "7"),
                                          ("CHAP_C", "0x" + "5a" * 16)]))
        elif "CHAP_R" in keys:
            self.srv.chap_r_seen += 1
            log("conn %d: took the initiator's CHAP_R, answering none" % self.n)
            # mutual-skip: grant transit at once without CHAP_N/CHAP_R of
            # our own; mutual-stay: stay in the security stage without them
            self.login_rsp(h, 0x81 if self.case == "mutual-skip" else 0x00, b"")
        else:
            self.login_rsp(h, 0x00, b"")
        return True

    # ---- full feature phase ----
    def serve(self):
        if self.case == "nop-storm":
            threading.Thread(target=self.nop_storm, daemon=True).start()
        while True:
            h, data = self.read_pdu()
            op = h[0] & 0x3F
            itt = struct.unpack(">I", h[16:20])[0]
            if op == OP_SCSI_CMD:
                self.expcmdsn = struct.unpack(">I", h[24:28])[0] + 1
                self.scsi(h, itt)
            elif op == OP_NOP_OUT:
                if itt != RSVD:
                    self.expcmdsn = struct.unpack(">I", h[24:28])[0] + 1
                    exp, mx = self.seq()
                    self.send(bhs(OP_NOP_IN, 0x80, itt, data=data, w24=self.statsn,
                                  w28=exp, w32=mx))
                    self.statsn += 1
            elif op == OP_LOGOUT_REQ:
                self.srv.logouts += 1
                exp, mx = self.seq()
                self.send(bhs(OP_LOGOUT_RSP, 0x80, itt, w20=0, w24=self.statsn,
                              w28=exp + 1, w32=mx + 1))
                log("conn %d: logout answered" % self.n)
                return
            elif op == OP_DATA_OUT:
                self.data_out(h, data)

    def nop_storm(self):
        """NOP-Ins without end, each asking for a ping back (a fresh TTT),
        while the READs it was sent are never answered."""
        ttt = 1
        try:
            while True:
                exp, mx = self.seq()
                self.send(bhs(OP_NOP_IN, 0x80, RSVD, data=b"ping", w20=ttt,
                              w24=self.statsn, w28=exp, w32=mx))
                ttt = ttt % 0x7FFFFFFF + 1
                self.srv.nops += 1
                if self.srv.nops % 64 == 0:
                    time.sleep(0.001)
        except OSError:
            return

    def rsp(self, itt, status=0, sense=b"", resid=0, flags=0x80):
        exp, mx = self.seq()
        data = struct.pack(">H", len(sense)) + sense if sense else b""
        tail = struct.pack(">III", 0, 0, resid)
        self.send(bhs(OP_SCSI_RSP, flags, itt, 0, status, data=data, w20=0,
                      w24=self.statsn, w28=exp, w32=mx, tail=tail))
        self.statsn += 1

    def data_in(self, itt, payload, off=0, final=True, dsl=None, datasn=0):
        exp, mx = self.seq()
        flags = 0x80 | 0x01 if final else 0
        tail = struct.pack(">III", datasn, off, 0)
        w24 = self.statsn if final else 0
        self.send(bhs(OP_DATA_IN, flags, itt, 0, 0, dsl=dsl, data=payload,
                      w24=w24, w28=exp, w32=mx, tail=tail))
        if final:
            self.statsn += 1

    def reject(self, h):
        exp, mx = self.seq()
        self.send(bhs(OP_REJECT, 0x80, RSVD, 0x04, 0, data=h, w24=self.statsn,
                      w28=exp, w32=mx))
        self.statsn += 1
        self.srv.rejects += 1

    def scsi(self, h, itt):
        cdb = h[32:48]
        edtl = struct.unpack(">I", h[20:24])[0]
        op = cdb[0]
        if self.case == "reject-storm":
            for _ in range(50):            # a burst of rejects for one command
                self.reject(h)
            return
        if op == 0x12:                      # INQUIRY
            inq = bytes([0, 0, 5, 2, 31, 0, 0, 0]) + b"HOSTILE " + b"scripted target " + b"0001"
            self.data_in(itt, inq[:edtl])
        elif op == 0x25:                    # READ CAPACITY(10)
            self.data_in(itt, struct.pack(">II", self.srv.blocks - 1, BLOCK)[:edtl])
        elif op == 0x9E:                    # READ CAPACITY(16)
            d = struct.pack(">QI", self.srv.blocks - 1, BLOCK) + b"\0" * 20
            self.data_in(itt, d[:edtl])
        elif op == 0xA0:                    # REPORT LUNS
            d = struct.pack(">II", 8, 0) + b"\0" * 8
            self.data_in(itt, d[:edtl])
        elif op in (0x28, 0x88) and self.case == "nop-storm":
            self.srv.reads += 1             # swallowed: only NOP-Ins come back
        elif op in (0x28, 0x88):
            self.read(h, itt, cdb, edtl)
        elif op in (0x2A, 0x8A):
            self.write(h, itt, cdb, edtl)
        else:                               # TUR, SYNC CACHE, ...
            self.rsp(itt)

    def lba_len(self, cdb):
        if cdb[0] in (0x28, 0x2A):
            return struct.unpack(">I", cdb[2:6])[0], struct.unpack(">H", cdb[7:9])[0]
        return struct.unpack(">Q", cdb[2:10])[0], struct.unpack(">I", cdb[10:14])[0]

    def read(self, h, itt, cdb, edtl):
        lba, n = self.lba_len(cdb)
        d = bytes(self.srv.disk[lba * BLOCK:(lba + n) * BLOCK])
        c = self.case
        self.srv.reads += 1
        if c == "dsl-huge":
            # DataSegmentLength of 16 MiB - 1, far past what we declared
            self.data_in(itt, d[:BLOCK], dsl=0xFFFFFF)
        elif c == "dsl-short":
            # says 100 bytes, sends a whole block: the rest is not a header
            self.data_in(itt, d[:BLOCK], dsl=100)
        elif c == "data-in-beyond":
            self.data_in(itt, d + b"\xee" * BLOCK, off=0)
        elif c == "data-in-order":
            half = len(d) // 2
            self.data_in(itt, d[half:], off=half, final=False, datasn=0)
            self.data_in(itt, d[:half], off=0, final=True, datasn=1)
        elif c == "data-in-dup-status":
            self.data_in(itt, d)
            self.data_in(itt, d)            # a second status for the same task
        elif c == "unknown-opcode":
            exp, mx = self.seq()
            self.send(bhs(0x3A, 0x80, itt, w24=self.statsn, w28=exp, w32=mx))
        elif c == "async-logout" and self.srv.reads == 1:
            # the READ stays unanswered: the initiator must log out, log in
            # again and reissue it
            exp, mx = self.seq()
            tail = struct.pack(">BBHHH", 1, 0, 0, 2, 20) + b"\0" * 4
            self.send(bhs(OP_ASYNC, 0x80, RSVD, w24=self.statsn, w28=exp, w32=mx, tail=tail))
            self.statsn += 1
            log("conn %d: AsyncEvent 1 (logout requested)" % self.n)
        else:
            self.data_in(itt, d)

    def write(self, h, itt, cdb, edtl):
        lba, n = self.lba_len(cdb)
        if self.case == "r2t-beyond":
            ln = edtl + 4 * BLOCK
        else:
            ln = edtl
        self.pending = {"itt": itt, "lba": lba, "left": edtl}
        exp, mx = self.seq()
        tail = struct.pack(">III", 0, 0, ln)
        self.send(bhs(OP_R2T, 0x80, itt, lun=h[8:16], w20=self.r2t_ttt,
                      w24=self.statsn, w28=exp, w32=mx, tail=tail))
        self.r2t_ttt += 1

    def data_out(self, h, data):
        p = getattr(self, "pending", None)
        if not p:
            return
        off = struct.unpack(">I", h[40:44])[0]
        base = p["lba"] * BLOCK + off
        self.srv.disk[base:base + len(data)] = data
        p["left"] -= len(data)
        if h[1] & 0x80 and p["left"] <= 0:
            self.pending = None
            self.rsp(p["itt"])

    def run(self):
        try:
            if self.login():
                self.serve()
        except (EOFError, OSError) as e:
            log("conn %d: closed (%s)" % (self.n, type(e).__name__))
        finally:
            self.sock.close()


class Server:
    def __init__(self, a):
        self.case, self.blocks = a.case, a.blocks
        host, port = a.listen.rsplit(":", 1)
        self.addr = (host, int(port))
        self.disk = bytearray(self.blocks * BLOCK)
        for i in range(self.blocks):        # block i starts with its LBA
            self.disk[i * BLOCK:i * BLOCK + 8] = struct.pack(">Q", i)
        self.conns = self.redirects = self.reads = self.rejects = 0
        self.nops = self.logouts = self.chap_r_seen = self.login_rounds = 0

    def stats(self):
        return ("stats: conns=%d redirects=%d reads=%d rejects=%d nops=%d "
                "logouts=%d chap_r_seen=%d login_rounds=%d" % (
                    self.conns, self.redirects, self.reads, self.rejects, self.nops,
                    self.logouts, self.chap_r_seen, self.login_rounds))

    def run(self, secs):
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(self.addr)
        ls.listen(16)
        ls.settimeout(0.5)
        log("listening on %s:%d case=%s" % (self.addr + (self.case,)))
        end = time.monotonic() + secs
        while time.monotonic() < end:
            try:
                s, _ = ls.accept()
            except socket.timeout:
                continue
            self.conns += 1
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=Conn(self, s, self.conns).run, daemon=True).start()
            print(self.stats(), flush=True)
        print(self.stats(), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--listen", required=True, help="IP:PORT")
    ap.add_argument("--case", required=True, choices=CASES)
    ap.add_argument("--blocks", type=int, default=2048)
    ap.add_argument("--secs", type=int, default=120, help="serve this long, then exit")
    a = ap.parse_args()
    srv = Server(a)
    signal.signal(signal.SIGTERM, lambda *_: (print(srv.stats(), flush=True), os._exit(0)))
    try:
        srv.run(a.secs)
    except KeyboardInterrupt:
        pass
    print(srv.stats(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
