/* boot/efi_flow_int.h - what the pieces of the UEFI flow share: its one
 * context and the steps each file provides (efi_flow.c: NIC, settings,
 * attach, TPL; efi_flow_nic.c: the native drivers' PCI function;
 * efi_flow_disk.c: BlockIo handle, connect, loader; efi_flow_hand.c: iBFT
 * ACPI table, ExitBootServices). */
#ifndef BOOT_EFI_FLOW_INT_H
#define BOOT_EFI_FLOW_INT_H
#include "boot/efi_flow.h"
#include "boot/efi_disk.h"
#include "attach/attach.h"
#include "drivers/net/snp.h"
#include "drivers/net/efi_pci.h"
#include "drivers/net/nicprobe.h"
#include "boot/ibft.h"

struct ll_efi_acpi_table;

#define EFI_CMDLINE_MAX 1024
#define EFI_DP_MAX      1024

/* The PCI function behind the SNP, for the native drivers. */
struct efi_native {
	EFI_HANDLE pci_handle;           /* NULL: none found */
	EFI_PCI_IO *io;
	struct nic_candidate cand;
	struct efi_pci pci;
	uint8_t taken;                   /* the firmware's driver let go */
	uint8_t opened;                  /* PciIo open BY_DRIVER|EXCLUSIVE */
	uint8_t attrs_set;
	UINT64 attrs_old;
	void *dma_host, *map;
	size_t nic_dp_len;               /* 0: the SNP handle's path unknown */
	uint8_t nic_dp[EFI_DP_MAX];
};

struct efi_boot {
	const struct boot_efi_env *env;
	EFI_BOOT_SERVICES *bs;
	EFI_LOADED_IMAGE *li;
	EFI_HANDLE nic;                  /* the handle carrying the SNP */
	EFI_TPL old_tpl;
	uint8_t tpl_raised;
	struct snp snp;
	struct efi_native native;
	struct attach_sources src;
	struct attach_fw_nic fw;
	struct attach_env aenv;
	struct attach at;
	struct efi_disk disk;
	EFI_HANDLE disk_handle;          /* NULL: not installed */
	EFI_HANDLE loader;               /* loaded, not yet started */
	struct ll_efi_acpi_table *acpi;  /* NULL: no iBFT installed */
	UINTN ibft_key;
	EFI_EVENT ebs_event;             /* NULL: not armed */
	volatile uint8_t exited;         /* ExitBootServices happened */
	char cmdline[EFI_CMDLINE_MAX];
	uint8_t ack[sizeof(EFI_PXE_BASE_CODE_PACKET)];
	uint8_t disk_dp[EFI_DP_MAX];
	uint8_t file_dp[EFI_DP_MAX];
	uint8_t ibft[IBFT_MAX_SIZE] __attribute__((aligned(16)));
};
extern struct efi_boot efi_boot_ctx;
extern EFI_GUID efi_guid_device_path;

void efi_tpl_raise(struct efi_boot *b);
void efi_tpl_restore(struct efi_boot *b);
void *efi_proto_near(struct efi_boot *b, EFI_HANDLE dev, EFI_GUID *g,
		     EFI_HANDLE *where);

/* efi_flow_nic.c */
void efi_nic_find_pci(struct efi_boot *b);
void efi_nic_env(struct efi_boot *b, struct attach_env *ae);
void efi_nic_give_back(struct efi_boot *b);
void efi_nic_halt(struct efi_boot *b);

/* efi_flow_disk.c */
int efi_disk_install(struct efi_boot *b);
int efi_disk_connect(struct efi_boot *b);
int efi_loader_load(struct efi_boot *b);
int efi_loader_start(struct efi_boot *b);
void efi_disk_remove(struct efi_boot *b);

/* efi_flow_hand.c */
int efi_ibft_install(struct efi_boot *b);
void efi_ibft_remove(struct efi_boot *b);
int efi_exit_bs_arm(struct efi_boot *b);
void efi_exit_bs_disarm(struct efi_boot *b);

#endif
