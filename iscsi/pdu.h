/* iscsi/pdu.h - iSCSI PDU codec: one decoded-header struct, encode/decode of
 * the 48-byte BHS for every opcode, digests, PDU lengths, sense data, and
 * RFC 1982 serial number arithmetic for CmdSN/StatSN/DataSN. */
#ifndef ISCSI_PDU_H
#define ISCSI_PDU_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "iscsi/iscsi_proto.h"

/* A decoded BHS. Fields not used by an opcode are zero after decode and
 * ignored by encode. Which fields an opcode uses is written beside them. */
struct iscsi_pdu {
	uint8_t opcode;          /* ISCSI_OP_*, without the I bit */
	bool immediate;          /* I bit (initiator PDUs) */
	uint8_t flags;           /* byte 1 as on the wire (F, R/W, T/C, S...) */
	uint8_t ahs_words;       /* TotalAHSLength, in 4-byte words */
	uint32_t data_len;       /* DataSegmentLength (24 bits) */
	uint8_t lun[8];          /* SCSI cmd, Data, R2T, NOP, text, async */
	uint32_t itt;
	uint32_t ttt;            /* Data, R2T, NOP, Text; SNACK Tag in SCSI rsp */
	uint32_t cmdsn;          /* initiator PDUs */
	uint32_t expstatsn;      /* initiator PDUs */
	uint32_t statsn;         /* target PDUs */
	uint32_t expcmdsn;       /* target PDUs */
	uint32_t maxcmdsn;       /* target PDUs */
	uint32_t datasn;         /* DataSN, R2TSN, ExpDataSN (SCSI rsp), Reject */
	uint32_t buffer_offset;  /* Data-Out/In, R2T */
	uint32_t xfer_len;       /* SCSI cmd EDTL; R2T Desired Data Transfer Len */
	uint32_t residual;       /* SCSI rsp, Data-In (with U/O flag) */
	uint32_t bidi_residual;  /* SCSI rsp */
	uint8_t response;        /* SCSI rsp; Logout rsp; Reject reason */
	uint8_t status;          /* SCSI rsp; Data-In with S */
	uint8_t cdb[ISCSI_CDB_LEN];
	/* login */
	uint8_t version_max, version_min; /* min (req) or active (rsp) */
	uint8_t isid[ISCSI_ISID_LEN];
	uint16_t tsih;
	uint16_t cid;            /* Login and Logout requests */
	uint8_t status_class, status_detail;
	/* async message */
	uint8_t async_event, async_vcode;
	uint16_t async_param[3];
	/* logout response */
	uint16_t time2wait, time2retain;
};

/* Login stage helpers over iscsi_pdu.flags. */
static inline unsigned iscsi_login_csg(uint8_t flags)
{
	return (flags & ISCSI_LOGIN_CSG_MASK) >> ISCSI_LOGIN_CSG_SHIFT;
}
static inline unsigned iscsi_login_nsg(uint8_t flags)
{
	return flags & ISCSI_LOGIN_NSG_MASK;
}
static inline uint8_t iscsi_login_flags(bool transit, bool cont,
					unsigned csg, unsigned nsg)
{
	return (uint8_t)((transit ? ISCSI_LOGIN_TRANSIT : 0) |
			 (cont ? ISCSI_LOGIN_CONTINUE : 0) |
			 ((csg << ISCSI_LOGIN_CSG_SHIFT) & ISCSI_LOGIN_CSG_MASK) |
			 (nsg & ISCSI_LOGIN_NSG_MASK));
}

/* 1 for opcodes this codec knows, 0 otherwise. */
int iscsi_opcode_known(uint8_t opcode);
/* 1 for the opcodes a target sends (0x20..0x3f). */
int iscsi_opcode_from_target(uint8_t opcode);
/* Printable name of an opcode ("SCSI-Rsp"), or "unknown". */
const char *iscsi_opcode_name(uint8_t opcode);

/* Write the 48-byte BHS for p. LL_EPDU for an unknown opcode or a
 * data_len that does not fit 24 bits. Reserved bytes are written zero. */
int iscsi_pdu_encode(const struct iscsi_pdu *p, uint8_t bhs[ISCSI_BHS_LEN]);

/* Decode a BHS. Strict: LL_EPDU for an unknown opcode, a DataSegmentLength
 * above max_data, an AHS above max_ahs bytes, or flags the RFC forbids
 * (S without F on Data-In, U with O, a SCSI/R2T/NOP-In PDU without F).
 * len is how many bytes are available (must be >= 48). */
int iscsi_pdu_decode(const uint8_t *bhs, size_t len, uint32_t max_data,
		     uint32_t max_ahs, struct iscsi_pdu *p);

/* Bytes on the wire for the PDU: BHS + AHS + [header digest] + data padded
 * to 4 + [data digest, only when data_len > 0]. */
size_t iscsi_pdu_wire_len(uint8_t ahs_words, uint32_t data_len,
			  bool header_digest, bool data_digest);
/* Bytes padded data occupies (data_len rounded up to 4). */
static inline uint32_t iscsi_pad4(uint32_t n) { return (n + 3u) & ~3u; }

/* CRC32C over BHS + AHS (hdr_len bytes). */
uint32_t iscsi_header_digest(const uint8_t *hdr, size_t hdr_len);
/* CRC32C over data followed by zero padding up to a multiple of 4. */
uint32_t iscsi_data_digest(const void *data, size_t len);
/* Digests travel least significant byte first (RFC 7143 B.4 vectors). */
void iscsi_digest_put(uint8_t out[ISCSI_DIGEST_LEN], uint32_t crc);
uint32_t iscsi_digest_get(const uint8_t in[ISCSI_DIGEST_LEN]);

/* SCSI Response data segment: SenseLength (2 bytes), sense, response data.
 * Sets *sense and *sense_len (0 length when none). LL_EPDU when SenseLength
 * runs past the segment. */
int iscsi_rsp_sense(const uint8_t *data, uint32_t data_len,
		    const uint8_t **sense, uint32_t *sense_len);

/* Key fields of SCSI sense data (fixed 0x70-0x71, descriptor 0x72-0x73). */
struct scsi_sense {
	uint8_t key, asc, ascq;
};
/* LL_EPDU when too short or of an unknown response code. */
int scsi_sense_parse(const uint8_t *sense, uint32_t len, struct scsi_sense *s);

/* Residual reported by a SCSI Response or a final Data-In: positive for
 * underflow (fewer bytes than expected), negative for overflow. */
int64_t iscsi_pdu_residual(const struct iscsi_pdu *p);

/* ---- RFC 1982 serial number arithmetic, SERIAL_BITS = 32 ----
 * a < b when b is ahead of a by 1..2^31-1; distance exactly 2^31 is
 * undefined in the RFC and is treated here as neither less nor greater. */
static inline bool sna_lt(uint32_t a, uint32_t b)
{
	uint32_t d = b - a;
	return d != 0 && d < 0x80000000u;
}
static inline bool sna_gt(uint32_t a, uint32_t b) { return sna_lt(b, a); }
static inline bool sna_le(uint32_t a, uint32_t b) { return a == b || sna_lt(a, b); }
static inline bool sna_ge(uint32_t a, uint32_t b) { return a == b || sna_gt(a, b); }
/* 1 when lo <= x <= hi in serial order (e.g. ExpCmdSN <= CmdSN <= MaxCmdSN). */
static inline bool sna_in_window(uint32_t x, uint32_t lo, uint32_t hi)
{
	return sna_le(lo, x) && sna_le(x, hi);
}

#endif
