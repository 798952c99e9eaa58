"""linuxref.py — the Linux reference for console transcripts (tests/shell/*.t).

Boots Debian's riscv64 Linux kernel (the one /work/shared/tools/linux-ref/run.sh fetches into
~/.cache/sockeye-linux-ref) in the same QEMU machine as Sockeye, with the same disk: a copy of
build/rootfs.img on virtio-blk. A small initramfs loads the modules Debian builds separately
(virtio-mmio, virtio-blk, ext4 for ext2 and what it needs, taken from the cached kernel
package), mounts the disk on / read-write with /proc, /dev (devtmpfs) and /tmp (tmpfs) as
Sockeye's kernel does, and switch_roots to the init the transcript asks for (busybox init).
So a transcript typed at this console shows what Linux does with the same userland and the
same filesystem, and the disk can be checked with e2fsck/debugfs afterwards in the same way.

Differences that are not Sockeye's business: the kernel's own messages and version string,
mount options (Linux adds relatime), and the initial environment (Linux gives init HOME=/
and TERM=linux).
"""
import glob
import os
import stat
import subprocess

CACHE = os.environ.get("SOCKEYE_LINUX_REF_CACHE",
                       os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                                    "sockeye-linux-ref"))
KERNEL = os.path.join(CACHE, "Image")
FETCH = "/work/shared/tools/linux-ref/fetch.sh"
HERE = os.path.dirname(os.path.abspath(__file__))
MODULE_DIR = os.path.join(os.path.dirname(os.path.dirname(HERE)), "build", "linuxref", "modules")
# In load order (each after what it depends on, per the modules' depends= fields).
MODULES = ["drivers/virtio/virtio_mmio", "drivers/block/virtio_blk", "lib/crc16", "fs/mbcache", "fs/jbd2/jbd2",
           "crypto/crc32c_generic", "fs/ext4/ext4"]

INIT = """#!/bin/busybox sh
# linuxref /init: load the disk and ext2 drivers, mount the disk as Sockeye's kernel mounts
# its root, and hand over to the real init.
/bin/busybox mkdir -p /proc /dev /newroot
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs devtmpfs /dev
for m in {modules}; do /bin/busybox insmod /modules/$m.ko || echo "linuxref: insmod $m failed"; done
i=0; while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do /bin/busybox usleep 50000; i=$((i+1)); done
/bin/busybox mount -t ext2 -o rw /dev/vda /newroot || echo "linuxref: cannot mount /dev/vda"
/bin/busybox umount /proc
/bin/busybox mount --move /dev /newroot/dev
/bin/busybox mount -t proc proc /newroot/proc
/bin/busybox mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp
[ $# -gt 0 ] || set -- /sbin/init
# The console the kernel opened for /init is the initramfs's node, which switch_root deletes.
exec 0<>/newroot/dev/console 1>&0 2>&0
exec /bin/busybox switch_root /newroot "$@"
"""


def available():
    return os.path.exists(KERNEL)


def ensure_kernel():
    if not available() and os.path.exists(FETCH):
        subprocess.run([FETCH], check=False, stdout=subprocess.DEVNULL)
    return available()


def ensure_modules():
    """Extracts (once) and decompresses the modules from the cached kernel package."""
    want = [os.path.join(MODULE_DIR, os.path.basename(m) + ".ko") for m in MODULES]
    if all(os.path.exists(w) for w in want):
        return want
    debs = glob.glob(os.path.join(CACHE, "debs", "linux-image-*.deb"))
    if not debs:
        raise RuntimeError(f"no linux-image package in {CACHE}/debs (run {FETCH})")
    os.makedirs(MODULE_DIR, exist_ok=True)
    patterns = [f"*/kernel/{m}.ko.xz" for m in MODULES]
    tar = subprocess.Popen(["tar", "-x", "-C", MODULE_DIR, "--wildcards", "--transform", "s,.*/,,", *patterns],
                           stdin=subprocess.PIPE)
    subprocess.run(["dpkg-deb", "--fsys-tarfile", debs[0]], stdout=tar.stdin, check=True)
    tar.stdin.close()
    if tar.wait() != 0:
        raise RuntimeError("cannot extract the modules from " + debs[0])
    for m in MODULES:
        subprocess.run(["xz", "-df", os.path.join(MODULE_DIR, os.path.basename(m) + ".ko.xz")], check=True)
    return want


class _Newc:
    def __init__(self):
        self.buf = bytearray()
        self.ino = 1

    def add(self, name, mode, data=b"", rdev=(0, 0)):
        name_b = name.encode() + b"\0"
        fields = (self.ino, mode, 0, 0, 2 if stat.S_ISDIR(mode) else 1, 0, len(data), 0, 0, rdev[0], rdev[1],
                  len(name_b), 0)
        self.ino += 1
        self.buf += b"070701" + "".join("%08X" % v for v in fields).encode() + name_b
        self.buf += b"\0" * (-len(self.buf) % 4) + data
        self.buf += b"\0" * (-len(self.buf) % 4)

    def finish(self):
        self.add("TRAILER!!!", 0)
        return bytes(self.buf)


def build_initramfs(image, out):
    """The initramfs: busybox (read from `image`, so it is the very same binary), the modules
    and /init."""
    modules = ensure_modules()
    busybox = subprocess.run(["debugfs", "-R", "cat /bin/busybox", image], capture_output=True, check=True).stdout
    cpio = _Newc()
    cpio.add("dev", stat.S_IFDIR | 0o755)
    cpio.add("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1))  # the kernel opens it for /init
    cpio.add("bin", stat.S_IFDIR | 0o755)
    cpio.add("bin/busybox", stat.S_IFREG | 0o755, busybox)
    cpio.add("modules", stat.S_IFDIR | 0o755)
    for path in modules:
        with open(path, "rb") as f:
            cpio.add("modules/" + os.path.basename(path), stat.S_IFREG | 0o644, f.read())
    names = " ".join(os.path.basename(m) for m in MODULES)
    cpio.add("init", stat.S_IFREG | 0o755, INIT.format(modules=names).encode())
    with open(out, "wb") as f:
        f.write(cpio.finish())


def qemu_command(initramfs, disk, init_argv):
    """Sockeye's machine and disk, with Debian's kernel and the initramfs."""
    append = "console=ttyS0 quiet panic=-1"
    if init_argv:
        append += " -- " + " ".join(init_argv)
    return ["qemu-system-riscv64", "-machine", "virt", "-m", "512M", "-smp", "1", "-bios", "default",
            "-nographic", "-kernel", KERNEL, "-initrd", initramfs, "-append", append,
            "-drive", f"file={disk},if=none,format=raw,id=hd0", "-device", "virtio-blk-device,drive=hd0"]
