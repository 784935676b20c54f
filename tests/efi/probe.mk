# tests/efi/probe.mk - build/efi/probe.efi, the UEFI test bed's BlockIo
# probe (tests/efi/probe.c), a GNU-EFI application; included by the Makefile.
GNUEFI_LIB := /usr/lib
EFI_PROBE  := $(BUILD)/efi/probe.efi
EFI_APP_CFLAGS := $(CSTD) $(WARN) -O2 -I/usr/include/efi -I/usr/include/efi/x86_64 \
	-fpic -ffreestanding -fno-stack-protector -fshort-wchar -mno-red-zone \
	-maccumulate-outgoing-args -DEFI_FUNCTION_WRAPPER -Wno-unused-parameter
.PHONY: efi-probe
efi-probe: $(EFI_PROBE)
$(BUILD)/efi/probe.o: tests/efi/probe.c tests/efi/probe.mk
	@mkdir -p $(dir $@)
	$(CC) $(EFI_APP_CFLAGS) -c -o $@ $<
$(BUILD)/efi/probe.so: $(BUILD)/efi/probe.o
	ld -shared -Bsymbolic -nostdlib -znocombreloc -T $(GNUEFI_LIB)/elf_x86_64_efi.lds \
		$(GNUEFI_LIB)/crt0-efi-x86_64.o $< -o $@ -L$(GNUEFI_LIB) -lefi -lgnuefi
$(EFI_PROBE): $(BUILD)/efi/probe.so
	objcopy -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel \
		-j .rela -j .rel.* -j .rela.* -j .reloc --target efi-app-x86_64 \
		--subsystem=10 $< $@
