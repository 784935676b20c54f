/* boot/ibft.h - build the iBFT that tells the OS which target, LUN,
 * addresses and CHAP names lifeline booted with. */
#ifndef BOOT_IBFT_H
#define BOOT_IBFT_H
#include <stddef.h>
#include <stdint.h>

/* What goes into the table. IPv4 addresses are host order; 0 = absent.
 * NULL or empty strings are left out (offset and length 0). */
struct ibft_info {
	const char *initiator_iqn;
	uint32_t ip, netmask, gateway, dns1, dns2, dhcp_server;
	int from_dhcp;                /* NIC origin DHCP, else manual */
	uint8_t mac[6];
	uint16_t vlan;
	int pci_known;
	uint8_t pci_bus, pci_dev, pci_fn;
	const char *hostname;
	uint32_t target_ip;
	uint16_t target_port;         /* 0: 3260 */
	uint8_t lun[8];
	const char *target_name;
	const char *chap_user, *chap_secret;   /* CHAP when both set */
	const char *rchap_user, *rchap_secret; /* mutual when also set */
	/* A second portal of the same target and LUN (alt-portals), for the
	 * second target structure; 0: none (target1 left out). */
	uint32_t alt_ip;
	uint16_t alt_port;            /* 0: 3260 */
};

struct attach;
/* in from an attached LUN (attach/attach.h): everything but the NIC's PCI
 * location (pci_known 0). */
void ibft_info_from_attach(struct ibft_info *in, const struct attach *a);

/* Fixed layout offsets inside the table (each 16-byte aligned). */
#define IBFT_OFF_CONTROL     0x30
#define IBFT_OFF_INITIATOR   0x50
#define IBFT_OFF_NIC         0xa0
#define IBFT_OFF_TARGET      0x110
#define IBFT_OFF_TARGET1     0x150
#define IBFT_OFF_HEAP        0x190
#define IBFT_MAX_SIZE        4096  /* room the flow reserves for it */

/* Build the table into buf (16-byte aligned, cap bytes); returns its
 * length, or LL_EINVAL (no target name / initiator), LL_EMSGSIZE. */
int ibft_build(void *buf, size_t cap, const struct ibft_info *in);
/* 8-bit sum of len bytes (0 for a valid table). */
uint8_t ibft_sum(const void *buf, size_t len);
/* The first valid iBFT (signature, length inside the window, checksum) at
 * a 16-byte boundary of mem[0..len): its offset, or LL_ENOENT. The flow scans the
 * 512 KiB - 1 MiB window the OS scans, for a table the ROM left. */
long ibft_find(const void *mem, size_t len);
/* 1 when a valid target structure of the table (len bytes, as found by
 * ibft_find) names target and lun (8 bytes, wire order); 0 otherwise,
 * also for any offset or length outside the table. */
int ibft_has_target(const void *tbl, size_t len, const char *target,
		    const uint8_t lun[8]);

#endif
