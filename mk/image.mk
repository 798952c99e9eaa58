# build/rootfs.img — filled in by mkimage work.
ROOTFS_IMG := $(BUILD)/rootfs.img
