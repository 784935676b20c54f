/* boot/ibft_proto.h - iSCSI Boot Firmware Table 1.03 layouts: the
 * ACPI-style table header and the control, initiator, NIC and target
 * structures (all little-endian, byte-packed, each placed 16-byte
 * aligned; strings live in a heap after them, by offset from the table
 * start, NUL-terminated, length without the NUL). No logic here. */
#ifndef BOOT_IBFT_PROTO_H
#define BOOT_IBFT_PROTO_H
#include <stdint.h>

#define IBFT_SIGNATURE       "iBFT"
#define IBFT_REVISION        1
#define IBFT_ALIGN           16

struct ibft_table_hdr {
	char sig[4];
	uint32_t length;          /* whole table, heap included */
	uint8_t revision;
	uint8_t checksum;         /* all bytes of the table sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint8_t reserved[24];
} __attribute__((packed));
_Static_assert(sizeof(struct ibft_table_hdr) == 48, "iBFT header");

/* Every structure starts with this. */
struct ibft_struct_hdr {
	uint8_t id;
	uint8_t version;          /* 1 */
	uint16_t length;
	uint8_t index;
	uint8_t flags;
} __attribute__((packed));
_Static_assert(sizeof(struct ibft_struct_hdr) == 6, "iBFT structure header");

enum ibft_struct_id {
	IBFT_ID_CONTROL = 1, IBFT_ID_INITIATOR = 2, IBFT_ID_NIC = 3,
	IBFT_ID_TARGET = 4, IBFT_ID_EXTENSIONS = 5,
};

/* flags of the initiator, NIC and target structures */
#define IBFT_FL_VALID        0x01 /* block valid */
#define IBFT_FL_BOOT         0x02 /* firmware boot selected */
#define IBFT_FL_NIC_GLOBAL   0x04 /* NIC: global (not link-local) address */
/* control flags */
#define IBFT_CTL_SINGLE_LOGIN 0x01

struct ibft_control {
	struct ibft_struct_hdr hdr;   /* id 1, length 18 */
	uint16_t extensions;
	uint16_t initiator_off;
	uint16_t nic0_off;
	uint16_t target0_off;
	uint16_t nic1_off;
	uint16_t target1_off;
} __attribute__((packed));
_Static_assert(sizeof(struct ibft_control) == 18, "iBFT control");

struct ibft_initiator {
	struct ibft_struct_hdr hdr;   /* id 2, length 74 */
	uint8_t isns_server[16];
	uint8_t slp_server[16];
	uint8_t radius1[16];
	uint8_t radius2[16];
	uint16_t name_len;
	uint16_t name_off;
} __attribute__((packed));
_Static_assert(sizeof(struct ibft_initiator) == 74, "iBFT initiator");

/* NIC origin: the IpPrefixOrigin values */
enum ibft_origin {
	IBFT_ORIGIN_OTHER = 0, IBFT_ORIGIN_MANUAL = 1, IBFT_ORIGIN_WELLKNOWN = 2,
	IBFT_ORIGIN_DHCP = 3, IBFT_ORIGIN_RA = 4,
};

struct ibft_nic {
	struct ibft_struct_hdr hdr;   /* id 3, length 102 */
	uint8_t ip[16];               /* IPv4 as ::ffff:a.b.c.d */
	uint8_t prefix_len;           /* subnet mask prefix */
	uint8_t origin;
	uint8_t gateway[16];
	uint8_t dns1[16];
	uint8_t dns2[16];
	uint8_t dhcp[16];
	uint16_t vlan;
	uint8_t mac[6];
	uint16_t pci_bdf;             /* bus << 8 | dev << 3 | fn */
	uint16_t hostname_len;
	uint16_t hostname_off;
} __attribute__((packed));
_Static_assert(sizeof(struct ibft_nic) == 102, "iBFT NIC");

enum ibft_chap { IBFT_CHAP_NONE = 0, IBFT_CHAP_ONEWAY = 1, IBFT_CHAP_MUTUAL = 2 };

struct ibft_target {
	struct ibft_struct_hdr hdr;   /* id 4, length 54 */
	uint8_t ip[16];
	uint16_t port;
	uint8_t lun[8];               /* SAM LUN, wire order */
	uint8_t chap_type;
	uint8_t nic_assoc;            /* index of the NIC structure */
	uint16_t name_len;
	uint16_t name_off;
	uint16_t chap_name_len;
	uint16_t chap_name_off;
	uint16_t chap_secret_len;
	uint16_t chap_secret_off;
	uint16_t rchap_name_len;
	uint16_t rchap_name_off;
	uint16_t rchap_secret_len;
	uint16_t rchap_secret_off;
} __attribute__((packed));
_Static_assert(sizeof(struct ibft_target) == 54, "iBFT target");

/* Where a BIOS may place it: 16-byte aligned in 0x80000..0xFFFFF outside
 * the video hole 0xA0000..0xBFFFF (reserved in E820). */
#define IBFT_BIOS_LOW        0x80000u
#define IBFT_BIOS_HIGH       0x100000u

#endif
