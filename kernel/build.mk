# The hypervisor kernel ELF: kernel core, arch, drivers, boot trampolines and
# the freestanding build of lib/. Linked twice so backtraces have names.

KERNEL_ELF   := $(ARCHBUILD)/anvil.elf
NEWLIB_STAMP ?= $(DEPS_NEWLIB_STAMP)
FONT_STAMP   ?= $(DEPS_FONT_STAMP)
KOBJ         := $(ARCHBUILD)/obj
KERNEL_LDS   := linker/$(ARCH)-kernel.ld

KERNEL_CFLAGS := -target $(ARCH_TRIPLE) -std=gnu11 -O2 -g \
	-Wall -Wextra -Werror -Wno-unused-parameter -Wundef -Wstrict-prototypes -Wmissing-prototypes \
	-ffreestanding -fno-builtin-malloc -fno-pic -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer \
	$(ARCH_CFLAGS) -fno-asynchronous-unwind-tables \
	-ffunction-sections -fdata-sections \
	-Ikernel/include -Ilib/include -Iarch/$(ARCH)/include -Idrivers/include -Iguests/include -Iarch/$(ARCH)/lib -iquote arch/$(ARCH) \
	-isystem $(NEWLIB_INC) -isystem $(LIBFDT_INC) -MMD -MP
KERNEL_ASFLAGS := -target $(ARCH_TRIPLE) -g -Ikernel/include -Iarch/$(ARCH)/include \
	-DANVIL_FONT_PATH='"$(abspath $(FONT_PSF))"' -MMD -MP

# The arch names its backends and the boot front ends linked into the kernel
# (arch/<arch>/arch.mk: ARCH_BACKENDS, ARCH_KERNEL_BOOT, one directory each).
KERNEL_SRCS := $(wildcard kernel/*.c kernel/selftest/*.c) \
	$(wildcard arch/$(ARCH)/*.c arch/$(ARCH)/selftest/*.c arch/$(ARCH)/*.S) \
	$(wildcard arch/$(ARCH)/lib/*.c) \
	$(foreach b,$(ARCH_BACKENDS),$(wildcard arch/$(ARCH)/$(b)/*.c arch/$(ARCH)/$(b)/*.S)) \
	$(wildcard drivers/*.c drivers/*.S) \
	$(foreach b,$(ARCH_KERNEL_BOOT),$(wildcard boot/$(b)/*.c boot/$(b)/*.S)) \
	$(wildcard lib/*.c)
KERNEL_OBJS := $(patsubst %,$(KOBJ)/%.o,$(KERNEL_SRCS)) $(GUEST_BLOB_OBJ)

KERNEL_LDFLAGS := -T $(KERNEL_LDS) -nostdlib -static --no-pie -z max-page-size=4096 \
	--gc-sections --no-undefined

$(KOBJ)/%.c.o: %.c | $(NEWLIB_STAMP) $(DEPS_LIBFDT_STAMP)
	@mkdir -p $(dir $@)
	$(CLANG) $(KERNEL_CFLAGS) -c $< -o $@

$(KOBJ)/%.S.o: %.S | $(NEWLIB_STAMP) $(FONT_STAMP)
	@mkdir -p $(dir $@)
	$(CLANG) $(KERNEL_ASFLAGS) -c $< -o $@

# Pass 1: no symbol table. Pass 2: the table goes after .rodata, so .text is
# laid out identically; the check below proves it.
$(ARCHBUILD)/anvil.pass1.elf: $(KERNEL_OBJS) $(KERNEL_LDS) $(NEWLIB_LIB) $(LIBFDT_LIB)
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(LIBFDT_LIB) $(NEWLIB_LIB)

$(ARCHBUILD)/ksyms.S: $(ARCHBUILD)/anvil.pass1.elf tools/gensyms.py
	$(NM) -n --defined-only $< | $(PYTHON) tools/gensyms.py > $@

$(ARCHBUILD)/ksyms.o: $(ARCHBUILD)/ksyms.S
	$(CLANG) -target $(ARCH_TRIPLE) -c $< -o $@

$(KERNEL_ELF): $(ARCHBUILD)/anvil.pass1.elf $(ARCHBUILD)/ksyms.o
	$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(ARCHBUILD)/ksyms.o $(LIBFDT_LIB) $(NEWLIB_LIB)
	@$(NM) -n --defined-only $(ARCHBUILD)/anvil.pass1.elf | grep ' [tT] ' > $@.syms1
	@$(NM) -n --defined-only $@ | grep ' [tT] ' > $@.syms2
	@cmp -s $@.syms1 $@.syms2 || { echo "kernel: .text moved between link passes"; rm -f $@; exit 1; }

# The image the arch's loaders start (anvil.elf itself on x86; on arm64 the
# raw binary, which begins with the Image header).
$(ARCHBUILD)/anvil.bin: $(KERNEL_ELF)
	$(OBJCOPY) -O binary $< $@

kernel: deps $(KERNEL_ELF) $(ARCHBUILD)/$(ARCH_KERNEL_IMAGE)

-include $(KERNEL_OBJS:.o=.d)
