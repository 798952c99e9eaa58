# build/kernel.elf: every .cpp and .S under kernel/, freestanding C++20 for rv64 S-mode.
# The kernel uses no floating point (-mabi=lp64): user FP state stays in the FP registers
# while in the kernel and is saved only on a context switch or signal delivery.
KERNEL_ELF  := $(BUILD)/kernel.elf
KOBJ        := $(BUILD)/kernel
KCXX        := $(CROSS)g++
KARCH       := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
KWARN       := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers $(if $(WERROR),-Werror)
KCXXFLAGS   := -std=c++20 $(KARCH) -O2 -g -ffreestanding -fno-exceptions -fno-rtti \
               -fno-threadsafe-statics -fno-use-cxa-atexit -fno-stack-protector -fno-pic -fno-pie \
               -fno-omit-frame-pointer -fno-strict-aliasing \
               -mno-relax -MMD -MP -Ikernel -DSOCKEYE_KERNEL=1 $(KWARN)
KLDFLAGS    := -nostdlib -static -no-pie -Wl,-T,kernel/arch/riscv64/kernel.ld -Wl,--no-relax \
               -Wl,-z,max-page-size=4096 -Wl,--build-id=none

KSRCS := $(shell find kernel -name '*.cpp' -o -name '*.S' | LC_ALL=C sort)
KOBJS := $(patsubst kernel/%,$(KOBJ)/%.o,$(KSRCS))

$(KOBJ)/%.cpp.o: kernel/%.cpp $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CXX     $<"
	$(Q)$(KCXX) $(KCXXFLAGS) -c $< -o $@

$(KOBJ)/%.S.o: kernel/%.S $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(KCXX) $(KCXXFLAGS) -D__ASSEMBLY__ -c $< -o $@

# Two link passes: the first image gives the addresses for the symbol table that the
# second links in (after .data, so no code address moves) for symbolized backtraces.
$(KERNEL_ELF): $(KOBJS) kernel/arch/riscv64/kernel.ld tools/gen-ksyms.sh
	@echo "  LD      $@"
	$(Q)$(KCXX) $(KARCH) $(KLDFLAGS) $(KOBJS) -o $(KOBJ)/pass1.elf
	$(Q)tools/gen-ksyms.sh $(KOBJ)/pass1.elf $(KOBJ)/ksyms.S
	$(Q)$(KCXX) $(KCXXFLAGS) -c $(KOBJ)/ksyms.S -o $(KOBJ)/ksyms.o
	$(Q)$(KCXX) $(KARCH) $(KLDFLAGS) $(KOBJS) $(KOBJ)/ksyms.o -o $@

-include $(KOBJS:.o=.d)

.PHONY: kernel
kernel: $(KERNEL_ELF)
