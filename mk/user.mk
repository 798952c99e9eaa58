# Sockeye's own riscv64 programs: every user/<name>.cpp, or every user/<name>/*.cpp together,
# becomes the static glibc program build/user/<name>. mkimage installs them as /usr/bin/<name>.
UCXX       := $(CROSS)g++
UWARN      := -Wall -Wextra $(if $(WERROR),-Werror)
UCXXFLAGS  := -std=c++20 -O2 -MMD -MP $(UWARN)
ULDFLAGS   := -static -O2
UOBJ       := $(BUILD)/user/obj

USER_SINGLE := $(basename $(notdir $(wildcard user/*.cpp)))
USER_MULTI  := $(patsubst user/%/,%,$(sort $(dir $(wildcard user/*/*.cpp))))
USER_NAMES  := $(sort $(USER_SINGLE) $(USER_MULTI))
USER_BINS   := $(addprefix $(BUILD)/user/,$(USER_NAMES))

$(UOBJ)/%.o: user/%.cpp $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  UCXX    $<"
	$(Q)$(UCXX) $(UCXXFLAGS) -c $< -o $@

# One link rule per program: its objects are user/<name>.cpp or user/<name>/*.cpp.
define USER_PROGRAM
$(BUILD)/user/$(1): $(patsubst user/%.cpp,$(UOBJ)/%.o,$(wildcard user/$(1).cpp user/$(1)/*.cpp))
	@echo "  ULD     $$@"
	$(Q)$(UCXX) $(ULDFLAGS) $$^ -o $$@
endef
$(foreach p,$(USER_NAMES),$(eval $(call USER_PROGRAM,$(p))))

-include $(wildcard $(UOBJ)/*.d $(UOBJ)/*/*.d)

.PHONY: user
user: $(USER_BINS)
