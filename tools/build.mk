# Host runner targets (tools/anvil). Included by the top Makefile, which
# defines BUILD, ARCHBUILD, PYTHON and PLATFORM.
#
#   make run [PLATFORM=name] [TESTS=a,b] [TEST_TIMEOUT=s] [TIMEOUT=s] [CMDLINE="words"]
#     TESTS, TEST_TIMEOUT: the kernel's tests= and timeout= (per test, seconds)
#     TIMEOUT: the runner's wall-clock limit for the whole emulator run
#   make bench [PLATFORM=name]   (+ build/reports/bench.png, bench-<platform>.png)
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

# Then build/reports/bench.png and bench-<platform>.png from every bench log
# there (docs/bench-plots.md); a missing gnuplot only skips the plots.
bench: deps
	$(PYTHON) $(ANVIL) bench $(PLATFORM) $(ANVIL_OPTS)
	$(PYTHON) $(ANVIL) --build-dir $(BUILD) bench-plot

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

# ---- LAVA (docs/lava.md) ---------------------------------------------------
#   make lava-check   install Debian 12's lava-dispatcher, unpack lava-server's
#                     device types (apt-get download + dpkg-deb -x, no install),
#                     render a qemu device (TCG, -cpu max), run the job
#                     `tools/anvil lava qemu-x86-grub` writes with lava-run and
#                     compare LAVA's results with the runner's TAP reading of
#                     the same serial stream, case by case. Ends with
#                     "lava-check: N of N cases agree, 0 problems".
# lava-run and the modules it brings are Debian's: run them with Debian's
# python3 even where another python3 comes first in PATH.
LAVA_BUILD      := $(BUILD)/lava
LAVA_SERVER_DIR := $(LAVA_BUILD)/lava-server
LAVA_TEMPLATES  := $(LAVA_SERVER_DIR)/usr/share/lava-server/device-types
LAVA_APT_STAMP  := $(LAVA_BUILD)/.apt-stamp
LAVA_PYTHON     := /usr/bin/python3
LAVA_PLATFORM   ?= qemu-x86-grub
EMU_LOCK        := /tmp/anvil-emu.lock

.PHONY: lava-check lava-deps

$(LAVA_APT_STAMP): tools/deps/packages-lava.txt tools/deps/required-files-lava.txt tools/deps/apt.sh
	sh tools/deps/locked.sh $@ -- sh tools/deps/apt.sh tools/deps/packages-lava.txt tools/deps/required-files-lava.txt

$(LAVA_TEMPLATES)/qemu.jinja2: | $(LAVA_APT_STAMP)
	rm -rf $(LAVA_SERVER_DIR)
	mkdir -p $(LAVA_SERVER_DIR)
	cd $(LAVA_SERVER_DIR) && apt-get download -q lava-server
	dpkg-deb -x $(LAVA_SERVER_DIR)/lava-server_*.deb $(LAVA_SERVER_DIR)
	test -f $@ && test -f $(LAVA_TEMPLATES)/base.jinja2

lava-deps: $(LAVA_APT_STAMP) $(LAVA_TEMPLATES)/qemu.jinja2

# The emulator lock is held for the whole lava-run, as the runner holds it
# for its own emulators.
lava-check: kernel lava-deps
	flock $(EMU_LOCK) $(LAVA_PYTHON) $(ANVIL) --build-dir $(BUILD) lava-check $(LAVA_PLATFORM) \
		--templates $(LAVA_TEMPLATES) --no-build $(if $(CMDLINE),--cmdline '$(CMDLINE)')

# ---- screenshot check ------------------------------------------------------
#   make screenshot-check   boot qemu-x86-grub with on_finish=halt, take a QEMU
#                           screendump at the end (build/reports/qemu-x86-grub.png)
#                           and check it shows the kernel's summary screen (the
#                           text read back from the pixels has the CRC-32 the
#                           kernel printed). The lock is taken by flock(1) here
#                           and the runner is told not to take it again.
SCREENSHOT_PLATFORM ?= qemu-x86-grub

.PHONY: screenshot-check
screenshot-check: kernel
	flock $(EMU_LOCK) $(PYTHON) $(ANVIL) --build-dir $(BUILD) --lock '' run $(SCREENSHOT_PLATFORM) \
		--screenshot --no-build $(ANVIL_OPTS)
