/* drivers/pxe/pxe_proto.h - PXE 2.1 (Intel, Sept. 1999) structures and numbers used
 * by drivers/net/undi.c: PXENV+ and !PXE, opcodes, status words, parameter blocks.
 * Layouts only, no logic; field names as the specification spells them. */
#ifndef DRIVERS_PXE_PROTO_H
#define DRIVERS_PXE_PROTO_H
#include <stdint.h>

#define PXE_PACKED __attribute__((packed))

/* A real-mode far pointer as PXE stores it: offset first, then segment. */
struct pxe_segoff {
	uint16_t offset;
	uint16_t segment;
} PXE_PACKED;

/* A segment descriptor of the !PXE structure. */
struct pxe_segdesc {
	uint16_t Seg_Addr;
	uint32_t Phy_Addr;
	uint16_t Seg_Size;
} PXE_PACKED;

/* "PXENV+": handed over in ES:BX. Length covers the whole structure;
 * the byte sum over Length bytes is 0. PXEPtr exists from Version 0x0201. */
struct pxe_pxenv {
	uint8_t Signature[6];          /* "PXENV+" */
	uint16_t Version;              /* MSB major, LSB minor: 0x0201 */
	uint8_t Length;
	uint8_t Checksum;
	struct pxe_segoff RMEntry;     /* entry: BX = opcode, ES:DI = param */
	uint32_t PMOffset;             /* do not use */
	uint16_t PMSelector;           /* do not use */
	uint16_t StackSeg, StackSize;
	uint16_t BC_CodeSeg, BC_CodeSize;
	uint16_t BC_DataSeg, BC_DataSize;
	uint16_t UNDIDataSeg, UNDIDataSize;
	uint16_t UNDICodeSeg, UNDICodeSize;
	struct pxe_segoff PXEPtr;      /* the !PXE structure (2.1 and later) */
} PXE_PACKED;

#define PXENV_SIGNATURE "PXENV+"
#define PXENV_VERSION_2_1 0x0201
#define PXENV_LEN_NO_PXEPTR 0x28   /* offset of PXEPtr: shorter = pre-2.1 */

/* "!PXE": found through PXENV+.PXEPtr or on the NBP's stack at entry
 * (far pointer at SS:SP+4); 16-byte aligned; byte sum over StructLength
 * is 0. EntryPointSP is called far with the stack holding, from the top,
 * opcode, param offset, param segment (the caller removes them). */
struct pxe_bang_pxe {
	uint8_t Signature[4];          /* "!PXE" */
	uint8_t StructLength;
	uint8_t StructCksum;
	uint8_t StructRev;             /* 0 */
	uint8_t reserved_1;
	struct pxe_segoff UNDIROMID;
	struct pxe_segoff BaseROMID;
	struct pxe_segoff EntryPointSP;   /* real mode / 16-bit stack entry */
	struct pxe_segoff EntryPointESP;  /* 32-bit stack entry (not used) */
	struct pxe_segoff StatusCallout;
	uint8_t reserved_2;
	uint8_t SegDescCnt;
	uint16_t FirstSelector;
	struct pxe_segdesc Stack;
	struct pxe_segdesc UNDIData;
	struct pxe_segdesc UNDICode;
	struct pxe_segdesc UNDICodeWrite;
	struct pxe_segdesc BC_Data;
	struct pxe_segdesc BC_Code;
	struct pxe_segdesc BC_CodeWrite;
} PXE_PACKED;

#define PXE_BANG_SIGNATURE "!PXE"

_Static_assert(sizeof(struct pxe_segoff) == 4, "SEGOFF16 is 4 bytes");
_Static_assert(sizeof(struct pxe_segdesc) == 8, "SEGDESC is 8 bytes");
_Static_assert(sizeof(struct pxe_pxenv) == 0x2c, "PXENV+ is 44 bytes");
_Static_assert(sizeof(struct pxe_bang_pxe) == 0x58, "!PXE is 88 bytes");

/* Opcodes (BX for PXENV+, first stack word for !PXE). */
#define PXENV_START_UNDI               0x0000
#define PXENV_UNDI_STARTUP             0x0001
#define PXENV_UNDI_CLEANUP             0x0002
#define PXENV_UNDI_INITIALIZE          0x0003
#define PXENV_UNDI_RESET_ADAPTER       0x0004
#define PXENV_UNDI_SHUTDOWN            0x0005
#define PXENV_UNDI_OPEN                0x0006
#define PXENV_UNDI_CLOSE               0x0007
#define PXENV_UNDI_TRANSMIT            0x0008
#define PXENV_UNDI_SET_MCAST_ADDRESS   0x0009
#define PXENV_UNDI_SET_STATION_ADDRESS 0x000A
#define PXENV_UNDI_SET_PACKET_FILTER   0x000B
#define PXENV_UNDI_GET_INFORMATION     0x000C
#define PXENV_UNDI_GET_STATISTICS      0x000D
#define PXENV_UNDI_CLEAR_STATISTICS    0x000E
#define PXENV_UNDI_INITIATE_DIAGS      0x000F
#define PXENV_UNDI_FORCE_INTERRUPT     0x0010
#define PXENV_UNDI_GET_MCAST_ADDRESS   0x0011
#define PXENV_UNDI_GET_NIC_TYPE        0x0012
#define PXENV_UNDI_GET_IFACE_INFO      0x0013
#define PXENV_UNDI_ISR                 0x0014
#define PXENV_STOP_UNDI                0x0015
#define PXENV_UNDI_GET_STATE           0x0016
#define PXENV_TFTP_OPEN                0x0020
#define PXENV_TFTP_CLOSE               0x0021
#define PXENV_TFTP_READ                0x0022
#define PXENV_TFTP_READ_FILE           0x0023
#define PXENV_TFTP_GET_FSIZE           0x0025
#define PXENV_UDP_OPEN                 0x0030
#define PXENV_UDP_CLOSE                0x0031
#define PXENV_UDP_READ                 0x0032
#define PXENV_UDP_WRITE                0x0033
#define PXENV_UNLOAD_STACK             0x0070
#define PXENV_GET_CACHED_INFO          0x0071
#define PXENV_START_BASE               0x0075
#define PXENV_STOP_BASE                0x0076

/* AX after a call. */
#define PXENV_EXIT_SUCCESS 0x0000
#define PXENV_EXIT_FAILURE 0x0001

/* The Status word that starts every parameter block (a few of them). */
#define PXENV_STATUS_SUCCESS          0x00
#define PXENV_STATUS_FAILURE          0x01
#define PXENV_STATUS_BAD_FUNC         0x02
#define PXENV_STATUS_UNSUPPORTED      0x03
#define PXENV_STATUS_OUT_OF_RESOURCES 0x06
#define PXENV_STATUS_UNDI_INVALID_STATE     0x6A
#define PXENV_STATUS_UNDI_TRANSMIT_ERROR    0x6B
#define PXENV_STATUS_UNDI_INVALID_PARAMETER 0x6C

/* Parameter blocks with nothing but the status: UNDI_CLOSE, TFTP_CLOSE,
 * UDP_CLOSE, UNDI_SHUTDOWN, STOP_UNDI, ... */
struct pxenv_status_only {
	uint16_t Status;
} PXE_PACKED;

/* PXENV_GET_CACHED_INFO. BufferSize 0 and Buffer 0:0 ask for a pointer to
 * the base code's own copy (returned in Buffer, its length in
 * BufferSize); otherwise the packet is copied into Buffer. */
struct pxenv_get_cached_info {
	uint16_t Status;
	uint16_t PacketType;
	uint16_t BufferSize;
	struct pxe_segoff Buffer;
	uint16_t BufferLimit;
} PXE_PACKED;

#define PXENV_PACKET_TYPE_DHCP_DISCOVER 1
#define PXENV_PACKET_TYPE_DHCP_ACK      2
#define PXENV_PACKET_TYPE_CACHED_REPLY  3

/* Multicast list inside OPEN / RESET_ADAPTER: addresses are ADDR_LEN
 * (16) bytes each, for any media. */
#define PXE_ADDR_LEN     16
#define PXE_MAXNUM_MCADDR 8
struct pxenv_undi_mcast_address {
	uint16_t MCastAddrCount;
	uint8_t McastAddr[PXE_MAXNUM_MCADDR][PXE_ADDR_LEN];
} PXE_PACKED;

/* PXENV_UNDI_OPEN */
struct pxenv_undi_open {
	uint16_t Status;
	uint16_t OpenFlag;
	uint16_t PktFilter;
	struct pxenv_undi_mcast_address R_Mcast_Buf;
} PXE_PACKED;

#define FLTR_DIRECTED 0x0001
#define FLTR_BRDCST   0x0002
#define FLTR_PRMSCS   0x0004
#define FLTR_SRC_RTG  0x0008

/* PXENV_UNDI_TRANSMIT. Protocol P_UNKNOWN: the caller's buffer already
 * holds the media header; otherwise the UNDI builds it from DestAddr (or
 * broadcast with XMT_BROADCAST) and the protocol. */
struct pxenv_undi_transmit {
	uint16_t Status;
	uint8_t Protocol;
	uint8_t XmitFlag;
	struct pxe_segoff DestAddr;
	struct pxe_segoff TBD;
	uint32_t Reserved[2];
} PXE_PACKED;

#define P_UNKNOWN 0
#define P_IP      1
#define P_ARP     2
#define P_RARP    3
#define XMT_DESTADDR  0x00
#define XMT_BROADCAST 0x01

/* The transmit buffer descriptor: an immediate block (Xmit, ImmedLength)
 * and up to MAX_DATA_BLKS more blocks. TDPtrType 1 = segment:offset. */
#define PXE_MAX_DATA_BLKS 8
struct pxenv_undi_tbd_blk {
	uint8_t TDPtrType;
	uint8_t TDRsvdByte;
	uint16_t TDDataLen;
	struct pxe_segoff TDDataPtr;
} PXE_PACKED;

struct pxenv_undi_tbd {
	uint16_t ImmedLength;
	struct pxe_segoff Xmit;
	uint16_t DataBlkCount;
	struct pxenv_undi_tbd_blk DataBlock[PXE_MAX_DATA_BLKS];
} PXE_PACKED;

/* PXENV_UNDI_GET_INFORMATION */
struct pxenv_undi_get_information {
	uint16_t Status;
	uint16_t BaseIo;
	uint16_t IntNumber;
	uint16_t MaxTranUnit;
	uint16_t HwType;               /* 1: Ethernet */
	uint16_t HwAddrLen;
	uint8_t CurrentNodeAddress[PXE_ADDR_LEN];
	uint8_t PermNodeAddress[PXE_ADDR_LEN];
	uint16_t ROMAddress;
	uint16_t RxBufCt;
	uint16_t TxBufCt;
} PXE_PACKED;

#define PXE_HWTYPE_ETHER 1

/* PXENV_UNDI_ISR. In: FuncFlag START, PROCESS or GET_NEXT. Out of START:
 * OURS / NOT_OURS; out of PROCESS and GET_NEXT: DONE, TRANSMIT (a send
 * finished), RECEIVE (BufferLength bytes of a FrameLength-byte frame at
 * Frame, media header included) or BUSY. */
struct pxenv_undi_isr {
	uint16_t Status;
	uint16_t FuncFlag;
	uint16_t BufferLength;
	uint16_t FrameLength;
	uint16_t FrameHeaderLength;
	struct pxe_segoff Frame;
	uint8_t ProtType;
	uint8_t PktType;
} PXE_PACKED;

#define PXENV_UNDI_ISR_IN_START     1
#define PXENV_UNDI_ISR_IN_PROCESS   2
#define PXENV_UNDI_ISR_IN_GET_NEXT  3
#define PXENV_UNDI_ISR_OUT_OURS     0
#define PXENV_UNDI_ISR_OUT_NOT_OURS 1
#define PXENV_UNDI_ISR_OUT_DONE     0
#define PXENV_UNDI_ISR_OUT_TRANSMIT 2
#define PXENV_UNDI_ISR_OUT_RECEIVE  3
#define PXENV_UNDI_ISR_OUT_BUSY     4

_Static_assert(sizeof(struct pxenv_get_cached_info) == 12, "GET_CACHED_INFO");
_Static_assert(sizeof(struct pxenv_undi_mcast_address) == 130, "MCAST list");
_Static_assert(sizeof(struct pxenv_undi_open) == 136, "UNDI_OPEN");
_Static_assert(sizeof(struct pxenv_undi_transmit) == 20, "UNDI_TRANSMIT");
_Static_assert(sizeof(struct pxenv_undi_tbd_blk) == 8, "TBD data block");
_Static_assert(sizeof(struct pxenv_undi_tbd) == 72, "UNDI TBD");
_Static_assert(sizeof(struct pxenv_undi_get_information) == 50,
	       "UNDI_GET_INFORMATION");
_Static_assert(sizeof(struct pxenv_undi_isr) == 16, "UNDI_ISR");

/* The cached packets are BOOTP/DHCP messages (the spec's BOOTPLAYER):
 * op 2 is a reply, the vendor area opens with the DHCP magic cookie. */
#define PXE_BOOTP_REPLY      2
#define PXE_BOOTP_COOKIE_OFF 236
#define PXE_BOOTP_COOKIE     0x63825363u
#define PXE_BOOTP_MIN        240   /* fixed header and cookie */

#endif
