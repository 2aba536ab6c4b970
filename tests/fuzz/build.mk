# Coverage-guided fuzzing of every parser of untrusted input (docs/fuzzing.md).
# Included by the top Makefile, which defines BUILD, CLANG, AR and the unit
# test rules this reuses (UNIT_CFLAGS, UNIT_LIB, UNIT_PREREQ).
#
#   make fuzz [FUZZ_S=seconds] [FUZZ_RUNS=n] [FUZZ_TARGETS="a b"]
#       every harness in turn, one process on one core, FUZZ_S seconds each
#       (or until FUZZ_RUNS executions), then a table; crashes are kept in
#       $(FUZZ_DIR)/crashes/<target>/ with the command that replays them
#   make fuzz-smoke     FUZZ_SMOKE_RUNS executions of each harness from its
#                       seeds, and the decoder differential; part of make test
#   make decoder-diff [DIFF_N=n] [DIFF_FUZZ_RUNS=n]   x86_insn against LLVM's
#                       disassembler: fixed and random sets, then a fuzz target
#   make fuzz-build | fuzz-seeds
#
# Seeds are not committed: the unit tests are built a second time with
# tests/fuzz/seed/hook.h, which routes every parser call through a wrapper
# that writes its input, in the harness's format, to $(FUZZ_SEED_DIR)/<target>/.

FUZZ_DIR        := $(BUILD)/fuzz
FUZZ_SEED_DIR   := $(FUZZ_DIR)/seeds
FUZZ_CORPUS_DIR := $(FUZZ_DIR)/corpus
FUZZ_CRASH_DIR  := $(FUZZ_DIR)/crashes
FUZZ_ALL        := mb2 cmdline elf acpi acpi_s5 efi_map efi_cmdline boot_map psf abi \
                   x86_insn x86_gwalk dt esr vgic_mmio nsvm
FUZZ_TARGETS    ?= $(FUZZ_ALL)
# Sixteen harnesses at 15 s: four minutes.
FUZZ_S          ?= 15
FUZZ_RUNS       ?=
FUZZ_SMOKE_RUNS ?= 2000
DIFF_N          ?= 2000000
DIFF_FUZZ_RUNS  ?= 1000000
FUZZ_RUN        := tests/fuzz/run.sh

FUZZ_INC    := -Ilib/include -Ikernel/include -Iguests/include -Iarch/x86_64/lib \
	-Iarch/x86_64 -Iarch/arm64/lib -Itests/fuzz
FUZZ_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O2 -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all $(FUZZ_INC) -MMD -MP
# The code under test gets libFuzzer's coverage instrumentation; the harness
# binaries link its runtime (libclang-rt-19-dev).
FUZZ_LIB_CFLAGS := $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link
FUZZ_PREREQ := $(if $(DEPS_APT_STAMP),$(DEPS_APT_STAMP),deps)

# Both arches' pure pieces, as the unit tests build them (arch/arm64/lib: the
# ESR and SMCCC decoders, the vGIC model).
FUZZ_LIB_SRCS := $(wildcard lib/*.c) $(wildcard arch/x86_64/lib/*.c) $(wildcard arch/arm64/lib/*.c)
FUZZ_LIB_OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(FUZZ_LIB_SRCS))
FUZZ_LIB      := $(FUZZ_DIR)/libanvil_fuzz.a
FUZZ_COMMON   := $(FUZZ_DIR)/obj/tests/fuzz/boot_check.o
FUZZ_BINS     := $(patsubst %,$(FUZZ_DIR)/bin/fuzz_%,$(FUZZ_ALL))

$(FUZZ_DIR)/obj/lib/%.o: lib/%.c | $(FUZZ_PREREQ)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_LIB_CFLAGS) -c $< -o $@

$(FUZZ_DIR)/obj/arch/%.o: arch/%.c | $(FUZZ_PREREQ)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_LIB_CFLAGS) -c $< -o $@

$(FUZZ_DIR)/obj/tests/fuzz/%.o: tests/fuzz/%.c | $(FUZZ_PREREQ)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_DIR)/bin/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_COMMON) $(FUZZ_LIB)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ $(FUZZ_LDLIBS) -o $@

# lib/dt*.c read the blob through the host's libfdt (libfdt-dev), as the unit
# tests do; fuzz_dt places the blob against a guard page, since libfdt's own
# reads are not instrumented.
FUZZ_LDLIBS :=
$(FUZZ_DIR)/bin/fuzz_dt: FUZZ_LDLIBS := -lfdt

# ---- seeds from the unit-test fixtures -----------------------------------

FUZZ_SEED_TESTS := mb2 mb2_fuzz cmdline elf64 manifest guest_images acpi efi_boot \
	efi_boot_fuzz boot_map psf fbcon abi_check x86_passthrough memslot x86_insn x86_insn_diff \
	x86_gwalk dt dt_fuzz esr smccc vgic_dist vgic_input
FUZZ_SEED_BINS  := $(patsubst %,$(FUZZ_DIR)/seedgen/test_%,$(FUZZ_SEED_TESTS))
FUZZ_SEED_HOOK  := tests/fuzz/seed/hook.h
FUZZ_SEED_OBJ   := $(FUZZ_DIR)/seedgen/seed.o
FUZZ_SEED_STAMP := $(FUZZ_SEED_DIR)/.stamp

$(FUZZ_DIR)/seedgen/test_%.o: tests/unit/test_%.c $(FUZZ_SEED_HOOK) | $(UNIT_PREREQ)
	@mkdir -p $(@D)
	$(CLANG) $(UNIT_CFLAGS) -include $(FUZZ_SEED_HOOK) -c $< -o $@

# test_dt reads the compiled tests/unit/dt fixtures (tests/unit/build.mk).
$(FUZZ_DIR)/seedgen/test_dt.o: $(UNIT_DTBS)
$(FUZZ_DIR)/seedgen/test_dt.o: UNIT_CFLAGS += -DDT_FIXTURES='"$(abspath $(UNIT_DTB_DIR))"'

$(FUZZ_SEED_OBJ): tests/fuzz/seed/seed.c | $(UNIT_PREREQ)
	@mkdir -p $(@D)
	$(CLANG) $(UNIT_CFLAGS) -Itests/fuzz -c $< -o $@

$(FUZZ_DIR)/seedgen/test_%: $(FUZZ_DIR)/seedgen/test_%.o $(FUZZ_SEED_OBJ) $(UNIT_LIB)
	$(CLANG) $(UNIT_CFLAGS) $^ $(UNIT_LDLIBS) -o $@

# The tests' own verdicts do not matter here, only the inputs they pass.
# Then each harness keeps (libFuzzer -merge=1) the inputs that add coverage;
# an input that crashes it or breaks an invariant (which the merge leaves out,
# saving it as seeds-raw/<target>-crash-*) is named and put with the seeds,
# so that the next fuzz or fuzz-smoke run fails on it with its replay command.
$(FUZZ_SEED_STAMP): $(FUZZ_SEED_BINS) $(FUZZ_BINS)
	rm -rf $(FUZZ_SEED_DIR) $(FUZZ_DIR)/seeds-raw
	mkdir -p $(FUZZ_SEED_DIR) $(FUZZ_DIR)/seeds-raw
	@for t in $(FUZZ_SEED_BINS); do \
		ANVIL_FUZZ_SEEDS=$(FUZZ_DIR)/seeds-raw $$t >$$t.log 2>&1 || true; \
	done
	@for t in $(FUZZ_ALL); do \
		mkdir -p $(FUZZ_SEED_DIR)/$$t $(FUZZ_DIR)/seeds-raw/$$t; \
		$(FUZZ_DIR)/bin/fuzz_$$t -merge=1 -max_len=65536 \
			-artifact_prefix=$(FUZZ_DIR)/seeds-raw/$$t- $(FUZZ_SEED_DIR)/$$t \
			$(FUZZ_DIR)/seeds-raw/$$t >$(FUZZ_DIR)/seeds-raw/$$t.log 2>&1 || \
			{ echo "fuzz-seeds: merging $$t failed, see $(FUZZ_DIR)/seeds-raw/$$t.log"; exit 1; }; \
		for a in $(FUZZ_DIR)/seeds-raw/$$t-*; do \
			[ -f "$$a" ] || continue; \
			echo "fuzz-seeds: $$t: a unit-test input breaks the harness, kept as a seed: $$a"; \
			cp "$$a" $(FUZZ_SEED_DIR)/$$t/; \
		done; \
		printf 'fuzz-seeds: %-12s %6s from the unit tests, %4s kept\n' $$t \
			"$$(ls $(FUZZ_DIR)/seeds-raw/$$t | wc -l)" "$$(ls $(FUZZ_SEED_DIR)/$$t | wc -l)"; \
	done
	rm -rf $(FUZZ_DIR)/seeds-raw/*/
	touch $@

# ---- the LLVM differential of the instruction decoder ---------------------

# llvm-c headers (llvm-config-19 --includedir) and libLLVM from llvm-19-dev
# (tools/deps/packages.txt).
FUZZ_DIFF       := $(FUZZ_DIR)/bin/decoder_diff
FUZZ_DIFF_FLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O2 -Iarch/x86_64/lib \
	-isystem /usr/lib/llvm-19/include

FUZZ_LLVM_LIBS  := -L/usr/lib/llvm-19/lib -lLLVM -Wl,-rpath,/usr/lib/llvm-19/lib
FUZZ_DIFF_SRCS  := tests/fuzz/decoder_diff.c tests/fuzz/llvm_diff.c arch/x86_64/lib/x86_insn.c

$(FUZZ_DIFF): $(FUZZ_DIFF_SRCS) tests/fuzz/llvm_diff.h arch/x86_64/lib/x86_insn.h | $(FUZZ_PREREQ)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_DIFF_FLAGS) $(FUZZ_DIFF_SRCS) $(FUZZ_LLVM_LIBS) -o $@

# The same comparison as a fuzz target (not in FUZZ_ALL: it needs libLLVM).
FUZZ_LLVM_BIN := $(FUZZ_DIR)/bin/fuzz_x86_insn_llvm
$(FUZZ_DIR)/obj/tests/fuzz/llvm_diff.o: FUZZ_CFLAGS += -isystem /usr/lib/llvm-19/include
$(FUZZ_LLVM_BIN): $(FUZZ_DIR)/obj/tests/fuzz/fuzz_x86_insn_llvm.o $(FUZZ_DIR)/obj/tests/fuzz/llvm_diff.o \
		$(FUZZ_LIB)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ $(FUZZ_LLVM_LIBS) -o $@

# ---- targets ----------------------------------------------------------------

.PHONY: fuzz fuzz-build fuzz-seeds fuzz-smoke decoder-diff
fuzz-build: $(FUZZ_BINS) $(FUZZ_DIFF) $(FUZZ_LLVM_BIN)

fuzz-seeds: $(FUZZ_SEED_STAMP)

fuzz: fuzz-build fuzz-seeds
	@FUZZ_DIR=$(FUZZ_DIR) sh $(FUZZ_RUN) fuzz "$(FUZZ_S)" "$(FUZZ_RUNS)" $(FUZZ_TARGETS)

# One closing line over both: "fuzz-smoke: N passed, N failed" (harnesses +
# diff sets). A command that failed without saying so in its closing line
# (killed, or a crash of decoder_diff itself) still counts as one failure.
fuzz-smoke: fuzz-build fuzz-seeds
	@rc=0; { FUZZ_DIR=$(FUZZ_DIR) sh $(FUZZ_RUN) smoke 0 "$(FUZZ_SMOKE_RUNS)" $(FUZZ_ALL) || rc=1; \
	  $(FUZZ_DIFF) --quick $(FUZZ_SEED_DIR)/x86_insn || rc=1; } >$(FUZZ_DIR)/smoke.log 2>&1; \
	cat $(FUZZ_DIR)/smoke.log; \
	awk -v rc=$$rc '/^[a-z-]+: [0-9]+ passed, [0-9]+ failed$$/ { p += $$2; f += $$4 } \
	     END { f += (p == 0); if (rc && !f) f = 1; \
	           printf "fuzz-smoke: %d passed, %d failed\n", p, f; exit f > 0 }' \
	    $(FUZZ_DIR)/smoke.log

# The fixed sets, then DIFF_FUZZ_RUNS executions of the fuzz target (one
# process, one core), which keeps what it finds in corpus/x86_insn_llvm.
decoder-diff: $(FUZZ_DIFF) $(FUZZ_LLVM_BIN) fuzz-seeds
	@mkdir -p $(FUZZ_CORPUS_DIR)/x86_insn_llvm $(FUZZ_CORPUS_DIR)/x86_insn $(FUZZ_CRASH_DIR)/x86_insn_llvm
	$(FUZZ_DIFF) -n $(DIFF_N) $(FUZZ_SEED_DIR)/x86_insn $(FUZZ_CORPUS_DIR)/x86_insn
	@$(FUZZ_LLVM_BIN) -runs=$(DIFF_FUZZ_RUNS) -max_len=64 -dict=tests/fuzz/dict/x86_insn.dict \
		-print_final_stats=1 -artifact_prefix=$(FUZZ_CRASH_DIR)/x86_insn_llvm/ \
		$(FUZZ_CORPUS_DIR)/x86_insn_llvm $(FUZZ_SEED_DIR)/x86_insn $(FUZZ_CORPUS_DIR)/x86_insn \
		>$(FUZZ_DIR)/x86_insn_llvm.log 2>&1; rc=$$?; \
	grep -E '^x86_insn_llvm |DISAGREE|invariant broken|^stat::(number_of_executed_units|average_exec_per_sec)' \
		$(FUZZ_DIR)/x86_insn_llvm.log; \
	[ $$rc -eq 0 ] || echo "decoder-diff: the fuzz target failed, see $(FUZZ_DIR)/x86_insn_llvm.log"; \
	exit $$rc

.PRECIOUS: $(FUZZ_DIR)/obj/tests/fuzz/%.o $(FUZZ_DIR)/obj/lib/%.o $(FUZZ_DIR)/obj/arch/%.o \
	$(FUZZ_DIR)/seedgen/test_%.o

-include $(FUZZ_LIB_OBJS:.o=.d) $(wildcard $(FUZZ_DIR)/obj/tests/fuzz/*.d $(FUZZ_DIR)/seedgen/*.d)
