# Guest system tests: GoogleTest programs that run on Sockeye (init=/tests/<name>) and, as the
# Linux reference, under qemu-riscv64 on the host. Every tests/system/<name>_test.cpp becomes
# the static riscv64 program build/tests/system/<name>_test.
#
# GoogleTest itself is cross-built here from Debian's sources (/usr/src/googletest, package
# googletest) into build/gtest-riscv64/: libgtest.a, libgmock.a, libgtest_main.a.
GTEST_SRC   := /usr/src/googletest
GTEST_OUT   := $(BUILD)/gtest-riscv64
GTEST_INC   := -isystem $(GTEST_SRC)/googletest/include -isystem $(GTEST_SRC)/googlemock/include
GTEST_LIBS  := $(GTEST_OUT)/libgmock.a $(GTEST_OUT)/libgtest_main.a $(GTEST_OUT)/libgtest.a
GTEST_CXXFLAGS := -std=c++17 -O2 -w $(GTEST_INC) -I$(GTEST_SRC)/googletest -I$(GTEST_SRC)/googlemock

$(GTEST_OUT)/gtest-all.o: $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  GTEST   $@"
	$(Q)$(UCXX) $(GTEST_CXXFLAGS) -c $(GTEST_SRC)/googletest/src/gtest-all.cc -o $@
$(GTEST_OUT)/gtest_main.o: $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  GTEST   $@"
	$(Q)$(UCXX) $(GTEST_CXXFLAGS) -c $(GTEST_SRC)/googletest/src/gtest_main.cc -o $@
$(GTEST_OUT)/gmock-all.o: $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  GTEST   $@"
	$(Q)$(UCXX) $(GTEST_CXXFLAGS) -c $(GTEST_SRC)/googlemock/src/gmock-all.cc -o $@
$(GTEST_OUT)/libgtest.a: $(GTEST_OUT)/gtest-all.o
$(GTEST_OUT)/libgtest_main.a: $(GTEST_OUT)/gtest_main.o
$(GTEST_OUT)/libgmock.a: $(GTEST_OUT)/gmock-all.o
$(GTEST_OUT)/%.a:
	$(Q)rm -f $@ && $(CROSS)ar rcsD $@ $^

SYSTEST_SRCS := $(wildcard tests/system/*_test.cpp)
SYSTEST_BINS := $(patsubst tests/system/%.cpp,$(BUILD)/tests/system/%,$(SYSTEST_SRCS))
SYSTEST_OBJ  := $(BUILD)/tests/system/obj
# Warnings stay on but never become errors here: the guest tests fault, overflow and recurse
# on purpose, and GCC's static checks rightly object to exactly that code.
SYSTEST_CXXFLAGS := -std=c++20 -O2 -MMD -MP $(GTEST_INC) -Itests/system -Wall -Wextra

$(SYSTEST_OBJ)/%.o: tests/system/%.cpp $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  UCXX    $<"
	$(Q)$(UCXX) $(SYSTEST_CXXFLAGS) -c $< -o $@

$(BUILD)/tests/system/%_test: $(SYSTEST_OBJ)/%_test.o $(GTEST_LIBS)
	@echo "  ULD     $@"
	$(Q)$(UCXX) $(ULDFLAGS) $< $(GTEST_LIBS) -pthread -o $@

.PRECIOUS: $(SYSTEST_OBJ)/%.o
-include $(wildcard $(SYSTEST_OBJ)/*.d)

# The image holds every guest test as /tests/<name>_test.
$(ROOTFS_IMG): $(SYSTEST_BINS)

.PHONY: system-tests
system-tests: $(SYSTEST_BINS)
