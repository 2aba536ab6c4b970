# The UEFI front end: BOOTX64.EFI, a gnu-efi application carrying the kernel
# ELF. Built the gnu-efi way: position-independent objects linked into an ELF
# shared object with gnu-efi's crt0 and linker script (crt0 relocates the
# image itself at start), then converted to PE32+ by GNU objcopy, because
# llvm-objcopy cannot write PE.
#
#   make efi   -> $(EFI_APP)  (build/<arch>/$(ARCH_EFI_APP): BOOTX64.EFI, BOOTAA64.EFI)
#   make esp   -> $(ESP_DIR)/EFI/BOOT/$(ARCH_EFI_APP), a directory QEMU can
#                 serve as a FAT drive (-drive file=fat:rw:$(ESP_DIR))
# EFI_KERNEL (default $(KERNEL_ELF)) selects the ELF to embed.

EFI_DIR      := boot/efi
EFI_OBJDIR   := $(ARCHBUILD)/efi
EFI_SO       := $(EFI_OBJDIR)/boot.so
EFI_APP      := $(ARCHBUILD)/$(ARCH_EFI_APP)
ESP_DIR      := $(ARCHBUILD)/esp
ESP_APP      := $(ESP_DIR)/EFI/BOOT/$(ARCH_EFI_APP)
EFI_KERNEL   ?= $(KERNEL_ELF)
EFI_PE_COPY   = $(ARCH_EFI_OBJCOPY)
EFI_READELF  := llvm-readelf-19

# lib/ code the front end shares with the kernel (pure, freestanding), and
# the kernel's newlib stubs for what neither has (files, processes).
EFI_LIB_SRCS := lib/elf64.c lib/boot_map.c lib/efi_boot.c kernel/newlib_nosys.c
EFI_SRCS     := $(wildcard $(EFI_DIR)/*.c $(EFI_DIR)/$(ARCH)/*.c)
EFI_OBJS     := $(patsubst %.c,$(EFI_OBJDIR)/%.o,$(EFI_SRCS) $(EFI_LIB_SRCS)) \
	$(EFI_OBJDIR)/kernel_blob.o

# gnu-efi apps are PIC with 16-bit wchar_t (L"" strings are CHAR16).
EFI_CFLAGS := --target=$(ARCH_TRIPLE) -std=gnu11 -O2 -g \
	-Wall -Wextra -Werror -ffreestanding -fpic -fshort-wchar \
	$(ARCH_CFLAGS) -fno-stack-protector \
	-fno-strict-aliasing -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-I$(EFI_DIR) -Ilib/include -Ikernel/include \
	-I$(GNUEFI_INC) -I$(GNUEFI_INC)/$(ARCH_EFI_GNUEFI) -I$(GNUEFI_INC)/protocol \
	-isystem $(NEWLIB_INC) -MMD -MP
# libc for the front end: newlib built position-independent (deps.mk).
EFI_LIBC := $(NEWLIB_PIC_LIB)
# --apply-dynamic-relocs: gnu-efi's _relocate adds the load address to what
# is stored at each R_X86_64_RELATIVE site (it ignores r_addend), so the
# addend must be stored there too, as GNU ld does; lld stores 0 by default.
# newlib's impure.o refers weakly to the reent-small fake stdio files; in a
# shared object an unresolved weak reference becomes a dynamic relocation
# crt0 cannot apply, so the member defining them (findfp.o) is pulled in.
EFI_LDFLAGS := -shared -Bsymbolic -nostdlib -znocombreloc --no-undefined \
	--apply-dynamic-relocs -T $(GNUEFI_LDS) $(ARCH_EFI_LDFLAGS) \
	-u __sf_fake_stdin -u __sf_fake_stdout -u __sf_fake_stderr
# Sections that make up the PE image (as in gnu-efi's Make.rules).
EFI_PE_SECTIONS := -j .text -j .sdata -j .data -j .dynamic -j .dynsym \
	-j .rel -j .rela -j '.rel.*' -j '.rela.*' -j .reloc

.PHONY: esp
efi: $(EFI_APP)
esp: $(ESP_APP)

$(EFI_OBJDIR)/%.o: %.c $(EFI_DIR)/build.mk | $(DEPS_GNUEFI_STAMP) $(DEPS_NEWLIB_PIC_STAMP)
	@mkdir -p $(@D)
	$(CLANG) $(EFI_CFLAGS) -c $< -o $@

$(EFI_OBJDIR)/kernel_blob.o: $(EFI_DIR)/kernel_blob.S $(EFI_KERNEL)
	@mkdir -p $(@D)
	$(CLANG) --target=$(ARCH_TRIPLE) -c $< -o $@ \
		-DEFIBOOT_KERNEL_PATH='"$(abspath $(EFI_KERNEL))"'

# crt0's _relocate applies only the arch's RELATIVE relocations: refuse anything else.
$(EFI_SO): $(EFI_OBJS) $(EFI_LIBC) $(EFI_DIR)/build.mk | $(DEPS_GNUEFI_STAMP)
	$(LD) $(EFI_LDFLAGS) $(GNUEFI_CRT0) $(EFI_OBJS) -L$(GNUEFI_LIB) \
		-lefi -lgnuefi $(EFI_LIBC) -o $@
	@if $(EFI_READELF) -r $@ | grep -E '^[0-9a-f]+ +[0-9a-f]+ +R_' | \
		grep -v $(ARCH_EFI_RELOC); then \
		echo "efi: relocations crt0 cannot apply (above)"; rm -f $@; exit 1; fi

$(EFI_APP): $(EFI_SO)
	$(EFI_PE_COPY) $(EFI_PE_SECTIONS) $(ARCH_EFI_PE_FLAGS) $< $@

$(ESP_APP): $(EFI_APP)
	@mkdir -p $(@D)
	cp $< $@

-include $(EFI_OBJS:.o=.d)
