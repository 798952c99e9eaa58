# Host packages. The first build on a fresh Debian 12 machine installs what is missing
# (as root, with apt-get); otherwise it stops naming the missing packages.
DEPS_PACKAGES := qemu-system-misc qemu-user gcc-riscv64-linux-gnu g++-riscv64-linux-gnu \
                 e2fsprogs libgtest-dev device-tree-compiler gdb-multiarch python3 cmake \
                 dpkg-dev ca-certificates debian-archive-keyring clang-format
DEPS_STAMP := $(BUILD)/.deps-ok

$(DEPS_STAMP): mk/deps.mk
	$(Q)mkdir -p $(BUILD)
	$(Q)tools/ensure-deps.sh $(DEPS_PACKAGES)
	$(Q)touch $@
