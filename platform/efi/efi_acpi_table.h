/* platform/efi/efi_acpi_table.h - EFI_ACPI_TABLE_PROTOCOL (UEFI spec 2.x,
 * "ACPI Table Protocol"), which GNU-EFI 3.0.15 lacks: install a table the
 * firmware links into the RSDT/XSDT, and uninstall it by its key. */
#ifndef PLATFORM_EFI_EFI_ACPI_TABLE_H
#define PLATFORM_EFI_EFI_ACPI_TABLE_H
#include "platform/efi/efi.h"

#define LL_EFI_ACPI_TABLE_GUID \
	{ 0xffe06bdd, 0x6107, 0x46a6, \
	  { 0x7b, 0xb2, 0x5a, 0x9c, 0x7e, 0xc5, 0x27, 0x5c } }

struct ll_efi_acpi_table;
typedef EFI_STATUS (EFIAPI *ll_efi_acpi_install_fn)(
	struct ll_efi_acpi_table *self, VOID *table, UINTN size, UINTN *key);
typedef EFI_STATUS (EFIAPI *ll_efi_acpi_uninstall_fn)(
	struct ll_efi_acpi_table *self, UINTN key);

struct ll_efi_acpi_table {
	ll_efi_acpi_install_fn InstallAcpiTable;
	ll_efi_acpi_uninstall_fn UninstallAcpiTable;
};

#endif
