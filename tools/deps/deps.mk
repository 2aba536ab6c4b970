# Third-party dependencies: Debian packages, and what is built from Debian's
# sources into $(DEPS). Nothing third-party is committed; `make deps` fetches
# and builds it. Each step leaves a stamp, so a second run does nothing.
#
# Per arch (ARCH, from arch/<arch>/arch.mk), into $(DEPS)/<arch>/, each with
# its own stamp; the Debian packages and the font are shared.
#
# Exported for the other fragments:
#   NEWLIB_INC   newlib headers (-isystem $(NEWLIB_INC))
#   NEWLIB_LIB   path of newlib's libc.a (this arch, freestanding, no syscalls)
#   NEWLIB_PIC_LIB the same libc built -fpic, for the UEFI front end
#   GNUEFI_INC   gnu-efi headers (-I$(GNUEFI_INC) -I$(GNUEFI_INC)/$(ARCH_EFI_GNUEFI)
#                -I$(GNUEFI_INC)/protocol)
#   GNUEFI_LIB   directory holding libefi.a and libgnuefi.a
#   GNUEFI_LDS   gnu-efi's ELF linker script for this arch's EFI applications
#   GNUEFI_CRT0  gnu-efi's crt0 for this arch
#   LIBFDT_INC   libfdt's headers, LIBFDT_LIB its libfdt.a (this arch, freestanding)
#   FONT_PSF     8x16 PSF1 console font (console-data's default8x16)
#   DEPS_APT_STAMP DEPS_NEWLIB_STAMP DEPS_GNUEFI_STAMP DEPS_FONT_STAMP

DEPS_DIR      := tools/deps
DEPS_SRC      := $(DEPS)/src
DEPS_ARCH     := $(DEPS)/$(ARCH)

NEWLIB_TARBALL := /usr/src/newlib/newlib-3.3.0.tar.xz
NEWLIB_DIR    := $(DEPS_ARCH)/newlib
NEWLIB_INC    := $(NEWLIB_DIR)/include
NEWLIB_LIB    := $(NEWLIB_DIR)/lib/libc.a
# The same libc built position-independent, for the UEFI front end.
NEWLIB_PIC_DIR := $(DEPS_ARCH)/newlib-pic
NEWLIB_PIC_LIB := $(NEWLIB_PIC_DIR)/lib/libc.a

GNUEFI_DIR    := $(DEPS_ARCH)/gnu-efi
GNUEFI_INC    := $(GNUEFI_DIR)/include/efi
GNUEFI_LIB    := $(GNUEFI_DIR)/lib
GNUEFI_LDS    := $(GNUEFI_LIB)/elf_$(ARCH_EFI_GNUEFI)_efi.lds
GNUEFI_CRT0   := $(GNUEFI_LIB)/crt0-efi-$(ARCH_EFI_GNUEFI).o

LIBFDT_DIR    := $(DEPS_ARCH)/libfdt
LIBFDT_INC    := $(LIBFDT_DIR)/include
LIBFDT_LIB    := $(LIBFDT_DIR)/lib/libfdt.a

FONT_SRC      := /usr/share/consolefonts/default8x16.psf.gz
FONT_PSF      := $(DEPS)/font/console.psf

DEPS_APT_STAMP    := $(DEPS)/.apt-stamp
DEPS_NEWLIB_STAMP := $(DEPS_ARCH)/.newlib-stamp
DEPS_NEWLIB_PIC_STAMP := $(DEPS_ARCH)/.newlib-pic-stamp
DEPS_GNUEFI_STAMP := $(DEPS_ARCH)/.gnuefi-stamp
DEPS_FONT_STAMP   := $(DEPS)/.font-stamp
DEPS_LIBFDT_STAMP := $(DEPS_ARCH)/.libfdt-stamp

deps: $(DEPS_APT_STAMP) $(DEPS_NEWLIB_STAMP) $(DEPS_NEWLIB_PIC_STAMP) $(DEPS_GNUEFI_STAMP) $(DEPS_FONT_STAMP) \
	$(DEPS_LIBFDT_STAMP)

# Every step runs under a lock (several makes may share this tree); see
# locked.sh. Each step depends on its own scripts, so editing one reruns it.
DEPS_LOCKED = sh $(DEPS_DIR)/locked.sh $@ $^ --

# Re-checked whenever the package or required-files list changes; the builds below only need
# the packages to exist (order-only), so adding a package rebuilds nothing.
$(DEPS_APT_STAMP): $(DEPS_DIR)/packages.txt $(DEPS_DIR)/required-files.txt $(DEPS_DIR)/apt.sh
	$(DEPS_LOCKED) sh $(DEPS_DIR)/apt.sh $(DEPS_DIR)/packages.txt

$(DEPS_GNUEFI_STAMP): $(DEPS_DIR)/gnuefi.sh $(DEPS_DIR)/debsrc.sh $(DEPS_DIR)/apt-sources.sh | $(DEPS_APT_STAMP)
	$(DEPS_LOCKED) sh $(DEPS_DIR)/gnuefi.sh $(DEPS_SRC) $(GNUEFI_DIR) $(CLANG) $(LD) $(AR) $(ARCH_EFI_GNUEFI)

$(DEPS_NEWLIB_STAMP): $(DEPS_DIR)/newlib.sh $(DEPS_DIR)/newlib-check.c | $(DEPS_APT_STAMP)
	$(DEPS_LOCKED) sh $(DEPS_DIR)/newlib.sh $(NEWLIB_TARBALL) $(DEPS_SRC)/$(ARCH) $(NEWLIB_DIR) $(CLANG) $(LD) $(AR) -fno-pic $(ARCH)

$(DEPS_NEWLIB_PIC_STAMP): $(DEPS_DIR)/newlib.sh $(DEPS_DIR)/newlib-check.c | $(DEPS_APT_STAMP)
	$(DEPS_LOCKED) sh $(DEPS_DIR)/newlib.sh $(NEWLIB_TARBALL) $(DEPS_SRC)/$(ARCH)-pic $(NEWLIB_PIC_DIR) $(CLANG) $(LD) $(AR) -fpic $(ARCH)

# libfdt from Debian's device-tree-compiler source, against this arch's newlib headers.
$(DEPS_LIBFDT_STAMP): $(DEPS_DIR)/libfdt.sh $(DEPS_DIR)/debsrc.sh $(DEPS_DIR)/apt-sources.sh | $(DEPS_NEWLIB_STAMP)
	$(DEPS_LOCKED) sh $(DEPS_DIR)/libfdt.sh $(DEPS_SRC) $(LIBFDT_DIR) $(CLANG) $(ARCH_TRIPLE) $(NEWLIB_INC) $(AR)

$(DEPS_FONT_STAMP): | $(DEPS_APT_STAMP)
	$(DEPS_LOCKED) sh -c 'mkdir -p $(dir $(FONT_PSF)) && \
		gzip -dc $(FONT_SRC) > $(FONT_PSF).tmp && mv $(FONT_PSF).tmp $(FONT_PSF)'

# The files themselves, for rules that name them rather than the stamps
# (order-only: a rebuilt stamp must not make every user look out of date).
$(NEWLIB_LIB): | $(DEPS_NEWLIB_STAMP)
$(NEWLIB_PIC_LIB): | $(DEPS_NEWLIB_PIC_STAMP)
$(GNUEFI_LDS) $(GNUEFI_CRT0): | $(DEPS_GNUEFI_STAMP)
$(FONT_PSF): | $(DEPS_FONT_STAMP)
$(LIBFDT_LIB): | $(DEPS_LIBFDT_STAMP)
