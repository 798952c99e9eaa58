# Host unit tests (x86_64 GoogleTest) for the kernel code that needs no running kernel:
# kernel/lib, the VFS, ext2, tmpfs and sockfs logic. Always built with AddressSanitizer and
# UBSan, so the corrupt-image fuzz and every other test run under them.
# tests/unit/support/ supplies what the architecture provides in the kernel (interrupt
# masking, user copies, panic, sleeping), for a single-threaded host process.
UNIT_BIN      := $(BUILD)/host/unit_tests
HOBJ          := $(BUILD)/host/obj
HCXX          := g++
HCXXFLAGS     := -std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
                 -fno-sanitize-recover=undefined -MMD -MP -Ikernel -Itests/unit \
                 -DSOCKEYE_HOST=1 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
                 $(if $(WERROR),-Werror)
HLDFLAGS      := -fsanitize=address,undefined -lgtest_main -lgtest -pthread

# Kernel sources that build on the host. Subsystems add their portable files here.
HOST_KERNEL_SRCS := $(wildcard kernel/lib/*.cpp kernel/vfs/*.cpp kernel/fs/*.cpp \
                      kernel/fs/ext2/*.cpp kernel/fs/tmpfs/*.cpp kernel/fs/devfs/*.cpp kernel/sockfs/logic/*.cpp) \
                    kernel/proc/Mutex.cpp kernel/drivers/TtyLineDiscipline.cpp kernel/drivers/MemoryDevices.cpp
UNIT_SRCS     := $(HOST_KERNEL_SRCS) $(wildcard tests/unit/*.cpp tests/unit/support/*.cpp)
UNIT_OBJS     := $(patsubst %.cpp,$(HOBJ)/%.o,$(UNIT_SRCS))

$(HOBJ)/%.o: %.cpp $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  HOSTCXX $<"
	$(Q)$(HCXX) $(HCXXFLAGS) -c $< -o $@

$(UNIT_BIN): $(UNIT_OBJS)
	@echo "  HOSTLD  $@"
	$(Q)$(HCXX) $(UNIT_OBJS) $(HLDFLAGS) -o $@

-include $(UNIT_OBJS:.o=.d)

.PHONY: unit-tests
unit-tests: $(UNIT_BIN)
