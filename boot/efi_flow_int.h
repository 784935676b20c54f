/* boot/efi_flow_int.h - what the pieces of the UEFI flow share: its one
 * context and the steps each file provides (efi_flow.c: NIC, settings,
 * attach, TPL; efi_flow_disk.c: BlockIo handle, connect, loader;
 * efi_flow_hand.c: iBFT ACPI table, ExitBootServices). */
#ifndef BOOT_EFI_FLOW_INT_H
#define BOOT_EFI_FLOW_INT_H
#include "boot/efi_flow.h"
#include "boot/efi_disk.h"
#include "attach/attach.h"
#include "drivers/net/snp.h"
#include "boot/ibft.h"

struct ll_efi_acpi_table;

#define EFI_CMDLINE_MAX 1024
#define EFI_DP_MAX      1024

struct efi_boot {
	const struct boot_efi_env *env;
	EFI_BOOT_SERVICES *bs;
	EFI_LOADED_IMAGE *li;
	EFI_HANDLE nic;                  /* the handle carrying the SNP */
	EFI_TPL old_tpl;
	uint8_t tpl_raised;
	struct snp snp;
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
