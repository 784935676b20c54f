/* iscsi/iscsi_proto.h - iSCSI wire facts from RFC 7143 (section 11 PDU
 * formats, section 13 keys): BHS byte offsets, opcodes, flag bits, login
 * stages and status codes. Spec facts only; no logic lives here. */
#ifndef ISCSI_ISCSI_PROTO_H
#define ISCSI_ISCSI_PROTO_H

/* ---- Basic Header Segment (11.2.1): 48 bytes, big-endian fields ---- */
#define ISCSI_BHS_LEN           48
#define ISCSI_DIGEST_LEN        4      /* CRC32C, sent little-endian */
#define ISCSI_PAD               4      /* segments pad to 4 bytes */
#define ISCSI_DSL_MAX           0xffffffu /* DataSegmentLength is 24 bits */
#define ISCSI_AHS_WORD          4      /* TotalAHSLength counts 4-byte words */
#define ISCSI_DEFAULT_PORT      3260

/* Offsets common to every PDU. */
#define BHS_OPCODE              0      /* bit 6: I (immediate), bits 5-0 */
#define BHS_FLAGS               1      /* F bit and opcode-specific flags */
#define BHS_TOTAL_AHS_LEN       4
#define BHS_DATA_SEG_LEN        5      /* 3 bytes */
#define BHS_LUN                 8      /* 8 bytes (or opcode-specific) */
#define BHS_ITT                 16     /* Initiator Task Tag */

/* Offsets shared by many opcodes (each opcode's use is in its codec). */
#define BHS_TTT                 20     /* Target Transfer Tag */
#define BHS_CMDSN               24     /* initiator PDUs */
#define BHS_EXPSTATSN           28     /* initiator PDUs */
#define BHS_STATSN              24     /* target PDUs */
#define BHS_EXPCMDSN            28     /* target PDUs */
#define BHS_MAXCMDSN            32     /* target PDUs */

/* SCSI Command (11.3) */
#define BHS_CMD_EDTL            20     /* Expected Data Transfer Length */
#define BHS_CMD_CDB             32     /* 16 bytes */
#define ISCSI_CDB_LEN           16
/* SCSI Response (11.4) */
#define BHS_RSP_RESPONSE        2
#define BHS_RSP_STATUS          3
#define BHS_RSP_SNACK_TAG       20
#define BHS_RSP_EXPDATASN       36
#define BHS_RSP_BIDI_RESIDUAL   40
#define BHS_RSP_RESIDUAL        44
/* Data-Out (11.7) / Data-In (11.8) */
#define BHS_DATA_STATUS         3      /* Data-In, valid with S bit */
#define BHS_DATA_DATASN         36
#define BHS_DATA_OFFSET         40
#define BHS_DATA_RESIDUAL       44     /* Data-In */
/* R2T (11.8) */
#define BHS_R2T_R2TSN           36
#define BHS_R2T_OFFSET          40
#define BHS_R2T_DDTL            44     /* Desired Data Transfer Length */
/* Asynchronous Message (11.9) */
#define BHS_ASYNC_EVENT         36
#define BHS_ASYNC_VCODE         37
#define BHS_ASYNC_PARAM1        38
#define BHS_ASYNC_PARAM2        40
#define BHS_ASYNC_PARAM3        42
/* Login Request/Response (11.12, 11.13) */
#define BHS_LOGIN_VMAX          2
#define BHS_LOGIN_VMIN          3      /* request: Version-min; response: Version-active */
#define BHS_LOGIN_ISID          8      /* 6 bytes */
#define BHS_LOGIN_TSIH          14
#define BHS_LOGIN_CID           20     /* request */
#define BHS_LOGIN_STATUS_CLASS  36     /* response */
#define BHS_LOGIN_STATUS_DETAIL 37
#define ISCSI_ISID_LEN          6
/* Logout Request/Response (11.14, 11.15) */
#define BHS_LOGOUT_CID          20
#define BHS_LOGOUT_RESPONSE     2
#define BHS_LOGOUT_TIME2WAIT    40
#define BHS_LOGOUT_TIME2RETAIN  42
/* Reject (11.17) */
#define BHS_REJECT_REASON       2
#define BHS_REJECT_DATASN       36

/* ---- Opcodes (11.2.1.2) ---- */
#define ISCSI_OPCODE_MASK       0x3f
#define ISCSI_OP_IMMEDIATE      0x40   /* I bit in byte 0 */
/* initiator to target */
#define ISCSI_OP_NOP_OUT        0x00
#define ISCSI_OP_SCSI_CMD       0x01
#define ISCSI_OP_TMF_REQ        0x02
#define ISCSI_OP_LOGIN_REQ      0x03
#define ISCSI_OP_TEXT_REQ       0x04
#define ISCSI_OP_DATA_OUT       0x05
#define ISCSI_OP_LOGOUT_REQ     0x06
#define ISCSI_OP_SNACK_REQ      0x10
/* target to initiator */
#define ISCSI_OP_NOP_IN         0x20
#define ISCSI_OP_SCSI_RSP       0x21
#define ISCSI_OP_TMF_RSP        0x22
#define ISCSI_OP_LOGIN_RSP      0x23
#define ISCSI_OP_TEXT_RSP       0x24
#define ISCSI_OP_DATA_IN        0x25
#define ISCSI_OP_LOGOUT_RSP     0x26
#define ISCSI_OP_R2T            0x31
#define ISCSI_OP_ASYNC_MSG      0x32
#define ISCSI_OP_REJECT         0x3f

/* ---- Flags in byte 1 ---- */
#define ISCSI_FLAG_FINAL        0x80   /* F */
/* SCSI Command */
#define ISCSI_CMD_READ          0x40   /* R */
#define ISCSI_CMD_WRITE         0x20   /* W */
#define ISCSI_CMD_ATTR_MASK     0x07
#define ISCSI_ATTR_UNTAGGED     0
#define ISCSI_ATTR_SIMPLE       1
#define ISCSI_ATTR_ORDERED      2
#define ISCSI_ATTR_HEAD_OF_QUEUE 3
#define ISCSI_ATTR_ACA          4
/* SCSI Response */
#define ISCSI_RSP_BIDI_OVERFLOW  0x10  /* o */
#define ISCSI_RSP_BIDI_UNDERFLOW 0x08  /* u */
#define ISCSI_RSP_OVERFLOW       0x04  /* O */
#define ISCSI_RSP_UNDERFLOW      0x02  /* U */
/* Data-In */
#define ISCSI_DATA_ACK          0x40   /* A */
#define ISCSI_DATA_OVERFLOW     0x04   /* O */
#define ISCSI_DATA_UNDERFLOW    0x02   /* U */
#define ISCSI_DATA_STATUS       0x01   /* S */
/* Login Request/Response */
#define ISCSI_LOGIN_TRANSIT     0x80   /* T */
#define ISCSI_LOGIN_CONTINUE    0x40   /* C */
#define ISCSI_LOGIN_CSG_MASK    0x0c
#define ISCSI_LOGIN_CSG_SHIFT   2
#define ISCSI_LOGIN_NSG_MASK    0x03
/* Text Request/Response */
#define ISCSI_TEXT_CONTINUE     0x40   /* C */
/* Logout Request: reason code in bits 6-0 of byte 1 */
#define ISCSI_LOGOUT_REASON_MASK 0x7f

/* ---- Login stages (11.12.3) ---- */
#define ISCSI_STAGE_SECURITY    0
#define ISCSI_STAGE_OPERATIONAL 1
#define ISCSI_STAGE_FULL_FEATURE 3
#define ISCSI_VERSION           0x00

/* ---- Login status classes and details (11.13.5) ---- */
#define ISCSI_STATUS_SUCCESS         0x00
#define ISCSI_STATUS_REDIRECT        0x01
#define ISCSI_STATUS_INITIATOR_ERR   0x02
#define ISCSI_STATUS_TARGET_ERR      0x03
/* details, as (class << 8 | detail) */
#define ISCSI_LOGIN_ACCEPT           0x0000
#define ISCSI_LOGIN_MOVED_TEMP       0x0101
#define ISCSI_LOGIN_MOVED_PERM       0x0102
#define ISCSI_LOGIN_INITIATOR_ERR    0x0200
#define ISCSI_LOGIN_AUTH_FAILED      0x0201
#define ISCSI_LOGIN_FORBIDDEN        0x0202
#define ISCSI_LOGIN_NOT_FOUND        0x0203
#define ISCSI_LOGIN_TARGET_REMOVED   0x0204
#define ISCSI_LOGIN_UNSUPPORTED_VER  0x0205
#define ISCSI_LOGIN_TOO_MANY_CONNS   0x0206
#define ISCSI_LOGIN_MISSING_PARAM    0x0207
#define ISCSI_LOGIN_NO_SESSION_SPAN  0x0208
#define ISCSI_LOGIN_NO_SESSION_TYPE  0x0209
#define ISCSI_LOGIN_NO_SESSION       0x020a
#define ISCSI_LOGIN_INVALID_REQ      0x020b
#define ISCSI_LOGIN_TARGET_ERROR     0x0300
#define ISCSI_LOGIN_SERVICE_UNAVAIL  0x0301
#define ISCSI_LOGIN_OUT_OF_RESOURCES 0x0302

/* ---- SCSI Response "Response" byte (11.4.3) and SAM status ---- */
#define ISCSI_RESPONSE_COMPLETED     0x00
#define ISCSI_RESPONSE_TARGET_FAILURE 0x01
#define SAM_STAT_GOOD                0x00
#define SAM_STAT_CHECK_CONDITION     0x02
#define SAM_STAT_BUSY                0x08
#define SAM_STAT_RESERVATION_CONFLICT 0x18
#define SAM_STAT_TASK_SET_FULL       0x28

/* ---- Asynchronous events (11.9.1) ---- */
#define ISCSI_ASYNC_SCSI_EVENT       0
#define ISCSI_ASYNC_LOGOUT_REQUEST   1
#define ISCSI_ASYNC_DROP_CONNECTION  2
#define ISCSI_ASYNC_DROP_ALL         3
#define ISCSI_ASYNC_NEGOTIATE        4
#define ISCSI_ASYNC_TASK_TERMINATION 5
#define ISCSI_ASYNC_VENDOR           255

/* ---- Logout reasons (11.14.1) and responses (11.15.1) ---- */
#define ISCSI_LOGOUT_CLOSE_SESSION   0
#define ISCSI_LOGOUT_CLOSE_CONN      1
#define ISCSI_LOGOUT_REMOVE_CONN     2
#define ISCSI_LOGOUT_RSP_OK          0
#define ISCSI_LOGOUT_RSP_NO_CID      1
#define ISCSI_LOGOUT_RSP_NO_RECOVERY 2
#define ISCSI_LOGOUT_RSP_FAILED      3

/* ---- Reject reasons (11.17.1) ---- */
#define ISCSI_REJECT_DIGEST_ERROR    0x02
#define ISCSI_REJECT_SNACK_REJECT    0x03
#define ISCSI_REJECT_PROTOCOL_ERROR  0x04
#define ISCSI_REJECT_NOT_SUPPORTED   0x05
#define ISCSI_REJECT_IMMEDIATE_REJ   0x06
#define ISCSI_REJECT_TASK_IN_PROGRESS 0x07
#define ISCSI_REJECT_INVALID_DATA_ACK 0x08
#define ISCSI_REJECT_INVALID_FIELD   0x09
#define ISCSI_REJECT_LONG_OP         0x0a
#define ISCSI_REJECT_DEPRECATED      0x0b
#define ISCSI_REJECT_WAITING_LOGOUT  0x0c

/* ---- Reserved tag value (11.2.1.x) ---- */
#define ISCSI_RESERVED_TAG           0xffffffffu

/* ---- Text keys (section 6, 13) ---- */
#define ISCSI_KEY_MAX                63     /* key names are at most 63 bytes */
#define ISCSI_NAME_MAX               223    /* iSCSI names (RFC 3722) */
#define ISCSI_CHAP_CHALLENGE_MAX     1024   /* binary bytes (12.1.3) */
#define ISCSI_CHAP_MD5               5      /* CHAP_A value for MD5 */
#define ISCSI_MRDSL_DEFAULT          8192   /* when a side declares none */
#define ISCSI_MRDSL_MIN              512
#define ISCSI_LEN_KEY_MAX            16777215u /* 2^24-1 for length keys */

#endif
