/* platform/efi/efi.h - the one way lifeline includes the UEFI types: GNU-EFI's
 * headers (Debian gnu-efi) with EFIAPI as __attribute__((ms_abi)), so every
 * firmware call is a plain call through a function pointer (no libefi). */
#ifndef PLATFORM_EFI_EFI_H
#define PLATFORM_EFI_EFI_H
#ifndef GNU_EFI_USE_MS_ABI
#define GNU_EFI_USE_MS_ABI 1
#endif
#include <efi.h>
#include <efiapi.h>
#include <efinet.h>
#include <efipxebc.h>
#include <efidevp.h>

#endif
