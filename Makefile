# lifeline - top-level build. `make` builds the host programs and checks that
# the core compiles freestanding; `make check` runs every test tier.
BUILD    := build
CC       ?= gcc
CLANG    ?= clang
WARN     := -Wall -Wextra -Werror
CSTD     := -std=gnu11
# GNU-EFI's headers (Debian gnu-efi): only files that include
# platform/efi/efi.h use them; they build for the host too (unit tests).
EFI_INC  := /usr/include/efi
INCS     := -I. -I$(EFI_INC) -I$(EFI_INC)/x86_64

HOST_CFLAGS := $(CSTD) $(WARN) $(INCS) -O2 -g -D_GNU_SOURCE
FW_CFLAGS   := $(CSTD) $(WARN) $(INCS) -O2 -ffreestanding -nostdlib \
	       -mno-red-zone -fno-stack-protector -mno-mmx -mno-sse -mno-sse2 \
	       -mno-avx -fno-builtin -fpie -mcmodel=small -fvisibility=hidden \
	       -fno-asynchronous-unwind-tables -ffunction-sections \
	       -fdata-sections -fno-delete-null-pointer-checks
FUZZ_CFLAGS := $(CSTD) $(WARN) $(INCS) -O1 -g -D_GNU_SOURCE \
	       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
# The unit tests a second time under ASan + UBSan (build/asan/): any report
# aborts the test, so tests/run.sh counts it as a failure.
ASAN_CFLAGS := $(CSTD) $(WARN) $(INCS) -O1 -g -D_GNU_SOURCE \
	       -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	       -fno-omit-frame-pointer

# Core sources build for both the host and the firmware. Files named
# *_host.c are host-only (TAP driver, host console); lib/builtins.c is
# firmware-only (libc symbols for freestanding code).
CORE_DIRS  := lib net block drivers/net drivers/pxe iscsi attach dump boot
CORE_ALL   := $(foreach d,$(CORE_DIRS),$(wildcard $(d)/*.c))
HOST_SRCS  := $(filter-out lib/builtins.c,$(CORE_ALL))
FW_SRCS    := $(filter-out %_host.c,$(CORE_ALL))
FUZZ_SRCS  := $(HOST_SRCS)

HOST_OBJS  := $(HOST_SRCS:%.c=$(BUILD)/host/%.o)
FW_OBJS    := $(FW_SRCS:%.c=$(BUILD)/fw/%.o)
FUZZ_OBJS  := $(FUZZ_SRCS:%.c=$(BUILD)/fuzzobj/%.o)
ASAN_OBJS  := $(HOST_SRCS:%.c=$(BUILD)/asan/%.o)

# arch/x86: firmware only. The stub (real-mode entry, thunk, hooks) links
# at 0 on its own; the core (arch + FW_OBJS) links position-independent;
# lifeline.pxe is the two flat binaries back to back.
ARCH_SRCS  := $(filter-out arch/x86/efi_%.c,$(wildcard arch/x86/*.c)) \
	      arch/x86/head.S arch/x86/isr.S
ARCH_OBJS  := $(patsubst %.S,$(BUILD)/fw/%.o,$(ARCH_SRCS:%.c=$(BUILD)/fw/%.o))
PXE        := $(BUILD)/lifeline.pxe
FW_LDFLAGS := -m elf_x86_64 -nostdlib -z noexecstack -z norelro \
	      --no-warn-rwx-segments
HOST_LIB   := $(BUILD)/host/libcore.a
# The page codec of the kdump-compressed dump: Debian's static liblzo2
# (liblzo2-dev), linked into the host programs and the firmware image
# alike (only lzo1x_1.o is pulled in: memcpy/memset, no malloc).
LZO_LIB    := /usr/lib/x86_64-linux-gnu/liblzo2.a
# tools/common: host-only code the tools (and hosted test programs) share.
TLIB_SRCS  := $(wildcard tools/common/*.c)
TLIB_OBJS  := $(TLIB_SRCS:%.c=$(BUILD)/host/%.o)
TOOLS_LIB  := $(BUILD)/host/libtools.a
FUZZ_LIB   := $(BUILD)/fuzzobj/libcore.a
ASAN_LIB   := $(BUILD)/asan/libcore.a
# lifeline-iscsi once more under ASan + UBSan: the hostile-target tests
# (tests/hosted/hostile.sh) run it so a write outside a buffer aborts.
ASAN_TLIB  := $(BUILD)/asan/libtools.a
ASAN_TOOLS := $(BUILD)/asan/tools/lifeline-iscsi

UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
ASAN_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/asan/tests/%)
TOOL_SRCS  := $(wildcard tools/*.c)
TOOL_BINS  := $(TOOL_SRCS:tools/%.c=$(BUILD)/tools/%)
HTEST_SRCS := $(wildcard tests/hosted/*.c)
HTEST_BINS := $(HTEST_SRCS:tests/hosted/%.c=$(BUILD)/tests/%)
FUZZ_TSRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS  := $(FUZZ_TSRCS:tests/fuzz/%.c=$(BUILD)/fuzz/%)

all: elf
.PHONY: elf efi all host asan fw pxe check unit bench fuzz demo demo-efi deps clean \
	dist install deb man
all: host asan fw pxe efi

host: $(HOST_LIB) $(TOOLS_LIB) $(UNIT_BINS) $(TOOL_BINS) $(HTEST_BINS)
asan: $(ASAN_BINS) $(ASAN_TOOLS)
fw: $(FW_OBJS) $(ARCH_OBJS)
pxe: $(PXE)
# FW_CFLAGS decide how these link (PIE): rebuild when they change.
$(FW_OBJS) $(ARCH_OBJS) $(BUILD)/fw/arch/x86/stub.o: Makefile

deps:
	@bash tools/deps.sh

$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/fw/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(FW_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/fw/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(FW_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/fuzzobj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(HOST_LIB): $(HOST_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(TOOLS_LIB): $(TLIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(FUZZ_LIB): $(FUZZ_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(ASAN_LIB): $(ASAN_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^
$(ASAN_TLIB): $(TLIB_SRCS:%.c=$(BUILD)/asan/%.o)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c tests/lib/check.h $(HOST_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -MMD -MP -MF $@.d $< $(HOST_LIB) $(LZO_LIB) -o $@
$(BUILD)/asan/tests/%: tests/unit/%.c tests/lib/check.h $(ASAN_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -MMD -MP -MF $@.d $< $(ASAN_LIB) $(LZO_LIB) -o $@
$(BUILD)/tests/%: tests/hosted/%.c $(TOOLS_LIB) $(HOST_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -MMD -MP -MF $@.d $< $(TOOLS_LIB) $(HOST_LIB) $(LZO_LIB) -o $@
$(BUILD)/tools/%: tools/%.c $(TOOLS_LIB) $(HOST_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -MMD -MP -MF $@.d $< $(TOOLS_LIB) $(HOST_LIB) $(LZO_LIB) -o $@
$(BUILD)/asan/tools/%: tools/%.c $(ASAN_TLIB) $(ASAN_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -MMD -MP -MF $@.d $< $(ASAN_TLIB) $(ASAN_LIB) $(LZO_LIB) -o $@
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -MMD -MP -MF $@.d $< $(FUZZ_LIB) $(LZO_LIB) -o $@

$(BUILD)/stub.elf: $(BUILD)/fw/arch/x86/stub.o arch/x86/stub.ld
	ld $(FW_LDFLAGS) -T arch/x86/stub.ld -o $@ $<
# stub_install.c places the embedded stub: lifeline.elf only.
PXE_ARCH_OBJS := $(filter-out $(BUILD)/fw/arch/x86/stub_install.o,$(ARCH_OBJS))
$(BUILD)/core.elf: $(PXE_ARCH_OBJS) $(FW_OBJS) arch/x86/lifeline.ld
	ld $(FW_LDFLAGS) -pie --no-dynamic-linker --gc-sections \
		-T arch/x86/lifeline.ld -o $@ $(PXE_ARCH_OBJS) $(FW_OBJS) $(LZO_LIB)
$(BUILD)/stub.bin: $(BUILD)/stub.elf
	objcopy -O binary $< $@
$(BUILD)/core.bin: $(BUILD)/core.elf
	objcopy -O binary $< $@
$(PXE): $(BUILD)/stub.bin $(BUILD)/core.bin
	cat $^ > $@
	@echo "lifeline.pxe: $$(stat -c %s $@) bytes"

# lifeline.elf: the same core plus the kexec and Multiboot2 entries
# (elf_head.S, elf_main.c), linked ET_DYN; the PXE-only pieces left out.
ELF        := $(BUILD)/lifeline.elf
# The arch/x86/efi_*.c pieces serve the Multiboot2 EFI entry (UEFI GRUB).
ELF_OBJS   := $(BUILD)/fw/arch/x86/elf_head.o $(BUILD)/fw/arch/x86/stub_blob.o \
	      $(patsubst arch/x86/%.c,$(BUILD)/fw/arch/x86/%.o,\
		   $(wildcard arch/x86/efi_*.c)) \
	      $(filter-out $(BUILD)/fw/arch/x86/head.o \
			   $(BUILD)/fw/arch/x86/pxe_main.o \
			   $(BUILD)/fw/arch/x86/selftest.o,$(ARCH_OBJS))
elf: $(ELF)
$(BUILD)/fw/arch/x86/elf_head.o: Makefile
# the real-mode stub inside lifeline.elf (Multiboot2 entry: stub_install.c)
$(BUILD)/fw/arch/x86/stub_blob.o: arch/x86/stub_blob.S $(BUILD)/stub.bin
	@mkdir -p $(dir $@)
	$(CC) $(FW_CFLAGS) -DSTUB_BIN='"$(BUILD)/stub.bin"' -c $< -o $@
$(ELF): $(ELF_OBJS) $(FW_OBJS) arch/x86/lifeline_elf.ld
	ld $(FW_LDFLAGS) -pie --no-dynamic-linker --gc-sections \
		-z max-page-size=4096 -T arch/x86/lifeline_elf.ld -o $@ \
		$(ELF_OBJS) $(FW_OBJS) $(LZO_LIB)
	@# ld marks a PIE with a non-zero base ET_EXEC; it is position-
	@# independent (self-relocating): say ET_DYN so kexec may place it.
	printf '\003' | dd of=$@ bs=1 seek=16 count=1 conv=notrunc status=none
	@echo "lifeline.elf: $$(stat -c %s $@) bytes"

# lifeline.efi: GNU-EFI's crt0 (self-relocation, then efi_main) and
# libgnuefi (_relocate) around the same FW_OBJS and the
# arch/x86/efi_*.c entry, laid out by our own arch/x86/lifeline_efi.ld
# (GNU-EFI's drops the -fdata-sections .bss.* sections) (docs/uefi.md); no libefi: firmware calls go
# through ms_abi function pointers. The .so is a PIE-like shared object
# whose R_X86_64_RELATIVE relocations crt0 applies; objcopy makes it PE32+.
EFI        := $(BUILD)/lifeline.efi
GNUEFI_DIR := /usr/lib
EFI_ARCH_OBJS := $(patsubst arch/x86/%.c,$(BUILD)/fw/arch/x86/%.o,\
		   $(wildcard arch/x86/efi_*.c)) $(BUILD)/fw/arch/x86/tsc.o
EFI_SECTIONS := .text .sdata .data .dynamic .dynsym .rel .rela .rel.* \
		.rela.* .reloc
EFI_OBJS   := $(EFI_ARCH_OBJS) $(FW_OBJS)
efi: $(EFI)
$(EFI_ARCH_OBJS): Makefile
$(BUILD)/lifeline_efi.so: $(EFI_OBJS) arch/x86/lifeline_efi.ld
	ld -m elf_x86_64 -nostdlib -shared -Bsymbolic -znocombreloc \
		--no-undefined --gc-sections -z noexecstack \
		-T arch/x86/lifeline_efi.ld -o $@ \
		$(GNUEFI_DIR)/crt0-efi-x86_64.o $(EFI_OBJS) \
		$(GNUEFI_DIR)/libgnuefi.a $(LZO_LIB)
$(EFI): $(BUILD)/lifeline_efi.so
	objcopy $(foreach s,$(EFI_SECTIONS),-j $(s)) \
		--target efi-app-x86_64 --subsystem=10 $< $@
	@echo "lifeline.efi: $$(stat -c %s $@) bytes"

# --- installing (docs/install.md). `make dist` builds only what `make
# install` copies: the images, the installed tools and the man pages.
PREFIX     ?= /usr/local
DESTDIR    ?=
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
LIBDIR     := $(PREFIX)/lib/lifeline
DOCDIR     := $(PREFIX)/share/doc/lifeline
MANDIR     := $(PREFIX)/share/man
INST_TOOLS := lifeline-settings lifeline-dumpinfo lifeline-iscsi
INST_DOCS  := README.md $(wildcard docs/*.md)
MAN_SRCS   := $(wildcard docs/man/*.[0-9].txt)
MAN_PAGES  := $(MAN_SRCS:docs/man/%.txt=$(BUILD)/man/%)
INSTALL    ?= install

dist: $(PXE) $(ELF) $(EFI) $(INST_TOOLS:%=$(BUILD)/tools/%) man
man: $(MAN_PAGES)
$(BUILD)/man/%: docs/man/%.txt tools/mkman.sh
	@mkdir -p $(dir $@)
	sh tools/mkman.sh $< >$@

# lifeline.efi (EFI, when the UEFI entry's rules define it): copied when
# build/ has it, looked for when the recipe runs (after dist built it).
install: dist
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/default
	$(INSTALL) -m 644 $(PXE) $(ELF) $$(ls $(BUILD)/lifeline.efi 2>/dev/null) \
		$(DESTDIR)$(LIBDIR)/
	$(INSTALL) -m 755 $(INST_TOOLS:%=$(BUILD)/tools/%) $(DESTDIR)$(PREFIX)/bin/
	$(INSTALL) -m 755 tools/lifeline-arm $(DESTDIR)$(PREFIX)/sbin/lifeline-arm
	$(INSTALL) -m 644 $(INST_DOCS) $(DESTDIR)$(DOCDIR)/
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' tools/lifeline-arm.service.in \
		>$(DESTDIR)$(UNITDIR)/lifeline-arm.service
	chmod 644 $(DESTDIR)$(UNITDIR)/lifeline-arm.service
	$(INSTALL) -m 644 tools/lifeline.default \
		$(DESTDIR)$(SYSCONFDIR)/default/lifeline
	@for m in $(MAN_PAGES); do s=$${m##*.}; \
		$(INSTALL) -d $(DESTDIR)$(MANDIR)/man$$s && \
		$(INSTALL) -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; done

# The Debian packages (debian/), built from a copy of the tree in
# build/deb/src so the tree stays clean; the .debs land in build/deb/.
deb:
	@bash tools/mkdeb.sh

fuzz: deps $(FUZZ_BINS)
	@bash tests/fuzz/run.sh long

check: deps all $(FUZZ_BINS)
	@bash tests/run.sh

unit: all
	@bash tests/run.sh unit

bench: deps all
	@bash tests/bench/run.sh

demo: deps all
	@bash tools/demo.sh

# the UEFI boot (OVMF, lifeline.efi) and a crash dump by lifeline.elf
demo-efi: deps all
	@bash tools/demo-efi.sh

clean:
	rm -rf $(BUILD)

# the UEFI test bed's probe (tests/qemu/efi_*.sh build it on demand)
include tests/efi/probe.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
