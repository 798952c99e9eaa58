# build/rootfs.img — the root filesystem (ext2 rev 1, 4 KiB blocks), built reproducibly by
# mkimage/mkimage.py from mkimage/manifest: the rootfs/ skeleton, busybox, the user programs
# (/usr/bin/<name>) and the guest tests (/tests/<name>_test).
ROOTFS_IMG    := $(BUILD)/rootfs.img
IMAGE_SIZE_MB ?= 128
CACHE_DIR     := $(BUILD)/cache
BUSYBOX_VER   := $(shell sed -n 's/^version=\([0-9]*:\)\{0,1\}//p' mkimage/busybox.pin)
BUSYBOX       := $(CACHE_DIR)/busybox-$(BUSYBOX_VER)/busybox
ROOTFS_FILES  := $(shell find rootfs -type f | LC_ALL=C sort)
MKIMAGE_ARGS   = --busybox $(BUSYBOX) --size-mb $(IMAGE_SIZE_MB) $(addprefix --user ,$(USER_BINS)) \
                 $(addprefix --test ,$(SYSTEST_BINS))

$(BUSYBOX): mkimage/busybox.pin mkimage/fetch-busybox.sh $(DEPS_STAMP)
	@echo "  FETCH   $@"
	$(Q)mkimage/fetch-busybox.sh $(CACHE_DIR) >/dev/null
	$(Q)touch $@

# (mk/system.mk, included later, adds the guest tests to the prerequisites.)
$(ROOTFS_IMG): mkimage/mkimage.py mkimage/manifest $(ROOTFS_FILES) $(BUSYBOX) $(USER_BINS)
	@echo "  MKIMAGE $@"
	$(Q)python3 mkimage/mkimage.py --out $@ $(MKIMAGE_ARGS) >/dev/null

.PHONY: image mkimage-args
image: $(ROOTFS_IMG)

# For scripts (the harness's reproducibility check): mkimage.py's arguments as make passes them.
mkimage-args:
	@echo $(MKIMAGE_ARGS)
