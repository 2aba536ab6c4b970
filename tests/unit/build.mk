# Host unit tests: every lib/*.c built for the host with ASan+UBSan into one
# archive, every tests/unit/test_*.c linked against it as its own cmocka
# executable. `make unit` runs them all (a failing or crashing binary does not
# stop the others) and closes with one line `unit: N passed, N failed` counted
# over all cmocka test cases.

UNIT_DIR    := $(BUILD)/unit
UNIT_CC     := $(CLANG)
UNIT_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -Ilib/include -Ikernel/include -Iguests/include \
	-Iarch/x86_64/lib -Iarch/x86_64 -Iarch/arm64/lib -MMD -MP
UNIT_LDLIBS := -lcmocka -lfdt

# Pure logic: lib/ (arch-neutral) and arch/<arch>/lib/ (one arch's pure
# pieces: instruction decoding, page-table formats, VMCB layout and clean-bit
# auditing), all compiled for the host as well as into the kernel.
UNIT_LIB_SRCS  := $(wildcard lib/*.c) $(wildcard arch/x86_64/lib/*.c) $(wildcard arch/arm64/lib/*.c)
UNIT_LIB_OBJS  := $(patsubst %.c,$(UNIT_DIR)/%.o,$(UNIT_LIB_SRCS))
UNIT_LIB       := $(UNIT_DIR)/libanvil_host.a
UNIT_TEST_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_TESTS     := $(patsubst tests/unit/%.c,$(UNIT_DIR)/%,$(UNIT_TEST_SRCS))
UNIT_RUNNER    := tests/unit/run_unit.sh
# libcmocka-dev comes from the apt step of tools/deps/deps.mk, and the
# kernel's console font (test_psf parses it) from the font step; not the
# newlib/gnu-efi builds the rest of `deps` does.
UNIT_PREREQ    := $(if $(DEPS_APT_STAMP),$(DEPS_APT_STAMP) $(DEPS_FONT_STAMP),deps)

# Order-only on the package step, so re-running it does not force a rebuild.
# A rebuilt library object drops the archive and every test binary first, so a
# failed compile never leaves stale binaries behind for the runner.
$(UNIT_DIR)/lib/%.o: lib/%.c | $(UNIT_PREREQ)
	@mkdir -p $(@D)
	@rm -f $(UNIT_LIB) $(UNIT_TESTS)
	$(UNIT_CC) $(UNIT_CFLAGS) -c $< -o $@

$(UNIT_DIR)/arch/%.o: arch/%.c | $(UNIT_PREREQ)
	@mkdir -p $(@D)
	@rm -f $(UNIT_LIB) $(UNIT_TESTS)
	$(UNIT_CC) $(UNIT_CFLAGS) -c $< -o $@

$(UNIT_LIB): $(UNIT_LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(UNIT_DIR)/test_%.o: tests/unit/test_%.c | $(UNIT_PREREQ)
	@mkdir -p $(@D)
	@rm -f $(UNIT_DIR)/test_$*
	$(UNIT_CC) $(UNIT_CFLAGS) -c $< -o $@

$(UNIT_DIR)/test_%: $(UNIT_DIR)/test_%.o $(UNIT_LIB)
	$(UNIT_CC) $(UNIT_CFLAGS) $< $(UNIT_LIB) $(UNIT_LDLIBS) -o $@

# Device-tree fixtures for test_dt: tests/unit/dt/*.dts compiled by dtc
# (device-tree-compiler) into the build directory; no blob is committed.
UNIT_DTB_DIR := $(UNIT_DIR)/dt
UNIT_DTBS    := $(patsubst tests/unit/dt/%.dts,$(UNIT_DTB_DIR)/%.dtb,$(wildcard tests/unit/dt/*.dts))

$(UNIT_DTB_DIR)/%.dtb: tests/unit/dt/%.dts | $(UNIT_PREREQ)
	@mkdir -p $(@D)
	dtc -q -I dts -O dtb -o $@ $<

$(UNIT_DIR)/test_dt.o: $(UNIT_DTBS)
$(UNIT_DIR)/test_dt.o: UNIT_CFLAGS += -DDT_FIXTURES='"$(abspath $(UNIT_DTB_DIR))"'

# Build what can be built (-k), then run every test binary; the runner counts
# a binary that could not be built, or that crashed, as failed.
# The guest payload images are built first (test_guest_images parses every
# one of them; it needs newlib, so a fresh machine builds that here).
unit:
	@$(MAKE) --no-print-directory guests || echo "unit: the guest payloads did not build; test_guest_images will skip"
	@$(MAKE) --no-print-directory -k unit-build || true
	@sh $(UNIT_RUNNER) $(UNIT_TESTS)

.PHONY: unit-build
unit-build: $(UNIT_TESTS)

# The vGIC property test for longer soaks: `make prop N=10000000 [SEED=s]`
# (`make unit` runs it with 100000 sequences and a fresh seed, printed so a
# failure replays with SEED=; VGIC_PROP_ONLY=<i> reruns one sequence).
PROP_N ?= 1000000
.PHONY: prop
prop: $(UNIT_DIR)/test_vgic_prop
	VGIC_PROP_N=$(or $(N),$(PROP_N)) $(if $(SEED),VGIC_PROP_SEED=$(SEED)) $<

.PRECIOUS: $(UNIT_DIR)/test_%.o $(UNIT_DIR)/lib/%.o $(UNIT_DIR)/arch/%.o

-include $(UNIT_LIB_OBJS:.o=.d) $(UNIT_TESTS:=.d)
