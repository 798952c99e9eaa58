# Sockeye — top-level build. One entry point:
#   make            kernel, user programs, root image
#   make run        boot to a shell on this terminal
#   make test       host unit tests + guest system tests + the Linux reference
#   make bench      benchmarks in the guest
#   make gdb        QEMU halted, waiting for gdb-multiarch (see README)
#   make format     clang-format every source file
# Each concern lives in its own fragment under mk/.

BUILD   := build
CROSS   ?= riscv64-linux-gnu-
WERROR  ?=
V       ?= 0
Q       := $(if $(filter 1,$(V)),,@)

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

include mk/deps.mk
include mk/qemu.mk
include mk/kernel.mk
include mk/unit.mk
include mk/user.mk
include mk/image.mk
include mk/system.mk
include mk/test.mk

.PHONY: all clean format
all: $(KERNEL_ELF) $(ROOTFS_IMG)

clean:
	rm -rf $(BUILD)/kernel $(BUILD)/host $(BUILD)/user $(BUILD)/tests $(BUILD)/kernel.elf $(BUILD)/rootfs.img $(BUILD)/image

format:
	find kernel user tests mkimage -name '*.cpp' -o -name '*.h' | xargs clang-format -i
