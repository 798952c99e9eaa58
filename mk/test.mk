# make test — host unit tests, mkimage checks, boot tests, and the guest system tests on the
# Linux reference (qemu-riscv64) and on Sockeye; one PASS/FAIL line per item, and the last
# line `N passed, M failed` (tests/harness/run_tests.py). Everything is built first; a part
# that does not build is reported as failed items instead of stopping the run.
# Settings: SOCKEYE_VM_TIMEOUT (s, per system-test VM), SOCKEYE_TEST_JOBS, KEEP=1, ONLY=boot,...
TEST_DTBS  := $(BUILD)/dtb/no-memory.dtb
TEST_PARTS := $(KERNEL_ELF) $(UNIT_BIN) $(USER_BINS) $(SYSTEST_BINS) $(ROOTFS_IMG) $(TEST_DTBS)

# Incomplete device trees for the bad-input boot tests (tests/boot/bad-dtb-*.toml).
$(TEST_DTBS): tools/make-test-dtbs.py $(DEPS_STAMP)
	$(Q)python3 tools/make-test-dtbs.py $(BUILD)/dtb
built = $$($(MAKE) --no-print-directory -q $(1) >/dev/null 2>&1 && echo yes || echo no)

.PHONY: test
test: $(DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory -k $(if $(filter -j%,$(MAKEFLAGS)),,-j$(shell nproc)) $(TEST_PARTS) || echo "make test: some parts did not build (see above); testing the rest"
	$(Q)python3 tests/harness/run_tests.py --kernel-built $(call built,$(KERNEL_ELF)) \
	    --unit-built $(call built,$(UNIT_BIN)) --image-built $(call built,$(ROOTFS_IMG)) \
	    --mkimage-args "$(MKIMAGE_ARGS)" $(if $(ONLY),--only $(ONLY))

# make run — boot init=/sbin/init (busybox) with the console on this terminal, on a fresh
# copy of the image (build/run.img; RUN_IMG=path keeps using your own). Quit QEMU: Ctrl-A x.
RUN_IMG ?= $(BUILD)/run.img
.PHONY: run gdb bench
run: $(KERNEL_ELF) $(ROOTFS_IMG)
	$(Q)$(if $(filter $(BUILD)/run.img,$(RUN_IMG)),cp --sparse=always $(ROOTFS_IMG) $(RUN_IMG))
	$(QEMU_BASE) $(QEMU_KERNEL) -append "init=/sbin/init $(BOOTARGS)" $(call QEMU_DISK,$(RUN_IMG))

# make gdb — the same machine, halted at reset with a gdb stub on :1234.
gdb: $(KERNEL_ELF) $(ROOTFS_IMG)
	$(Q)$(if $(filter $(BUILD)/run.img,$(RUN_IMG)),cp --sparse=always $(ROOTFS_IMG) $(RUN_IMG))
	@echo "QEMU waits for gdb. In another terminal:  gdb-multiarch -x tools/gdbinit"
	@echo "  (= gdb-multiarch $(KERNEL_ELF) -ex 'set arch riscv:rv64' -ex 'target remote :1234')"
	$(QEMU_BASE) $(QEMU_KERNEL) -append "init=/sbin/init $(BOOTARGS)" $(call QEMU_DISK,$(RUN_IMG)) -S -gdb tcp::1234

# make bench — run build/user/sockbench in the guest (when it exists) and show its output.
# BENCH_ARGS go to sockbench (e.g. --rounds 5 --time 1); BENCH_TIMEOUT (600 s) bounds the run.
# BENCH_ICOUNT=1 runs QEMU with -icount shift=0 (1 ns per guest instruction): numbers that
# count the kernel's instructions and do not move with the host's load, for comparing changes.
bench: $(USER_BINS)
	$(Q)if [ -x $(BUILD)/user/sockbench ]; then \
	    $(MAKE) --no-print-directory $(KERNEL_ELF) $(ROOTFS_IMG) && \
	    python3 tests/harness/vm.py --timeout $${BENCH_TIMEOUT:-600} --expect-exit any \
	        $(if $(filter 1,$(BENCH_ICOUNT)),--qemu-arg=-icount --qemu-arg=shift=0) \
	        "init=/usr/bin/sockbench$(if $(BENCH_ARGS), -- $(BENCH_ARGS))"; \
	else echo "make bench: build/user/sockbench does not exist yet (add user/sockbench.cpp)"; fi
