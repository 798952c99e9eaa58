# The one QEMU command line used by `make run`, every test and every benchmark.
# tools/qemu-cmd prints it for scripts; keep the two in step.
QEMU_BASE   = qemu-system-riscv64 -machine virt -m 512M -smp 1 -bios default -nographic
QEMU_KERNEL = -kernel $(KERNEL_ELF)
QEMU_DISK   = -drive file=$(1),if=none,format=raw,id=hd0 -device virtio-blk-device,drive=hd0
BOOTARGS   ?=
