# Host runner targets (tools/anvil). Included by the top Makefile, which
# defines BUILD, ARCHBUILD, PYTHON and PLATFORM.
#
#   make run [PLATFORM=name] [TESTS=a,b] [TEST_TIMEOUT=s] [TIMEOUT=s] [CMDLINE="words"]
#     TESTS, TEST_TIMEOUT: the kernel's tests= and timeout= (per test, seconds)
#     TIMEOUT: the runner's wall-clock limit for the whole emulator run
#   make bench [PLATFORM=name]
#   make iso                    build/x86_64/anvil.iso (boots with on_finish=halt)
#   make chaos [PLATFORM=name] [N=iterations] [SEED=s]   a long seeded run of the chaos payload alone
#   make platforms-test [PLATFORMS=a,b]   every platform this machine can run
#   make runner-test            the runner's own tests (no emulator needed)
#
# tools/anvil runs `make -s kernel efi` itself before booting anything.

ANVIL       := tools/anvil
MKISO       := tools/mkiso.sh
KERNEL_ELF  ?= $(ARCHBUILD)/anvil.elf
USER_ISO    := $(ARCHBUILD)/anvil.iso
ANVIL_OPTS   = $(if $(TESTS),--tests '$(TESTS)') $(if $(TEST_TIMEOUT),--test-timeout $(TEST_TIMEOUT)) \
               $(if $(TIMEOUT),--timeout $(TIMEOUT)) \
               $(if $(CMDLINE),--cmdline '$(CMDLINE)')

.PHONY: run bench chaos iso platforms-test runner-test

run: deps
	$(PYTHON) $(ANVIL) run $(PLATFORM) $(ANVIL_OPTS)

bench: deps
	$(PYTHON) $(ANVIL) bench $(PLATFORM) $(ANVIL_OPTS)

# The chaos payload with N steps (default 200000) from SEED (default: the
# time); the kernel's per-test timeout grows with N, the closing line says
# how it ended, and a failure's detail names the replay (chaos=SEED:N).
N    ?= 200000
SEED ?= $(shell date +%s)
chaos: deps
	$(PYTHON) $(ANVIL) run $(PLATFORM) --tests chaos --cmdline 'chaos=$(SEED):$(N)' \
		--test-timeout $(shell echo $$(( $(N) / 200 + 30 ))) --timeout $(shell echo $$(( $(N) / 100 + 300 )))

# Rebuilt every time: it takes well under a second and depends on the kernel
# only through the `kernel` target.
iso: kernel
	$(MKISO) $(KERNEL_ELF) $(USER_ISO) on_finish=halt
	@echo "$(USER_ISO): boot it with -cdrom (BIOS) or as a USB/EFI image"

# Ends with the line "N passed, N failed, N skipped" over all platforms and
# writes build/reports/summary.json; exit status 0 only if nothing failed.
platforms-test:
	$(PYTHON) $(ANVIL) test $(if $(PLATFORMS),--platforms $(PLATFORMS)) $(ANVIL_OPTS)

runner-test:
	$(PYTHON) tools/test_anvil.py
