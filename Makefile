# Anvil — top-level build. `make run` and `make test` are the two commands a
# user needs; everything else is reached from them. Fragments live beside what
# they build and are included here.

ARCH       ?= x86_64
PLATFORM   ?= qemu-x86-uefi
ifeq ($(wildcard arch/$(ARCH)/arch.mk),)
$(error ARCH=$(ARCH): no arch/$(ARCH)/arch.mk (arches: $(notdir $(wildcard arch/*))))
endif
BUILD      := build
DEPS       := $(BUILD)/deps
ARCHBUILD  := $(BUILD)/$(ARCH)

CLANG      := clang-19
LD         := ld.lld-19
AR         := llvm-ar-19
NM         := llvm-nm-19
OBJCOPY    := llvm-objcopy-19
PYTHON     := python3

.PHONY: all run test bench unit deps kernel efi iso clean distclean help platforms-test fresh-check
all: kernel efi iso

help:
	@echo "make run [PLATFORM=name]   build, boot PLATFORM (default $(PLATFORM)), run every payload"
	@echo "make test                  host unit tests + every platform this machine can run"
	@echo "make unit                  host unit tests only"
	@echo "make fuzz [FUZZ_S=s]       every parser's libFuzzer harness for FUZZ_S seconds, then a table"
	@echo "make decoder-diff          the x86 instruction-length decoder against LLVM's disassembler"
	@echo "make bench PLATFORM=name   run benchmarks and print a table"
	@echo "make iso | efi | kernel    build images only"
	@echo "make deps                  install/build third-party dependencies into $(DEPS)"
	@echo "make fresh-check           run 'make run' and 'make test' in a bare Debian root (root only)"

include arch/$(ARCH)/arch.mk
include tools/deps/deps.mk
include tests/unit/build.mk
include tests/fuzz/build.mk
include guests/build.mk
include kernel/build.mk
include boot/efi/build.mk
include boot/multiboot2/build.mk
include tools/build.mk

clean:
	rm -rf $(ARCHBUILD) $(BUILD)/unit $(BUILD)/run $(BUILD)/reports

distclean:
	rm -rf --one-file-system $(BUILD)

test:
	@MAKE="$(MAKE)" sh tools/test_all.sh

# Both commands above on a machine where nothing was installed by hand: a
# debootstrap'ed minimal Debian root (docs/dependencies.md). FRESH_OPTS:
# --keep, --rebuild-root, --timeout S.
fresh-check:
	@bash tools/fresh-check.sh $(FRESH_OPTS)
