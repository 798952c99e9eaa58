#!/usr/bin/env python3
"""shell_timing.py — issue 5's two measurements, on Sockeye or (--linux) on the Linux reference:

  1. QEMU wall time from launch to busybox sh's first prompt (init=/sbin/init: busybox init,
     rcS, a login shell on the console), over --boots boots;
  2. the wall time of `time sh -c 'i=0; while [ $i -lt N ]; do /bin/true; i=$((i+1)); done'`
     at that prompt (N = --iterations, 1000 by default), as busybox's time reports it.

    tests/harness/shell_timing.py [--linux] [--boots 5] [--iterations 1000]

Each boot runs on a fresh copy of build/rootfs.img and ends with poweroff. Other load on the
machine slows QEMU down (one host core per VM): compare runs made in the same conditions.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console  # noqa: E402
import linuxref  # noqa: E402
import shelltest  # noqa: E402


def boot(args, work, n):
    disk = os.path.join(work, f"disk{n}.img")
    subprocess.run(["cp", "--sparse=always", args.image, disk], check=True)
    if args.linux:
        initramfs = os.path.join(work, "initramfs.cpio")
        if not os.path.exists(initramfs):
            linuxref.build_initramfs(args.image, initramfs)
        cmd = linuxref.qemu_command(initramfs, disk, ["/sbin/init"])
    else:
        cmd = console.sockeye_command(args.kernel, disk, "init=/sbin/init")
    return console.Console(cmd, os.path.join(work, f"console{n}.log"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--linux", action="store_true")
    ap.add_argument("--kernel", default=os.path.join(console.REPO, "build", "kernel.elf"))
    ap.add_argument("--image", default=os.path.join(console.REPO, "build", "rootfs.img"))
    ap.add_argument("--boots", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=1000)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="shell-timing-")
    try:
        times = []
        loop = None
        for n in range(args.boots):
            c = boot(args, work, n)
            try:
                c.expect(shelltest.LOGIN_PROMPT_RE, 60)
                times.append(c.elapsed())
                if n == 0 and args.iterations:
                    c.send(shelltest.SETUP_LINE)
                    c.expect(shelltest.PROMPT_RE, 10)
                    c.send(f"time sh -c 'i=0; while [ $i -lt {args.iterations} ]; do /bin/true; i=$((i+1)); done'\n")
                    m = c.expect(r"real\s+(\d+)m\s*([\d.]+)s", 60 + args.iterations * 0.5)
                    loop = int(m.group(1)) * 60 + float(m.group(2))
                    c.expect(shelltest.PROMPT_RE, 10)
                c.send("poweroff\n")
                c.wait_exit(30)
            finally:
                c.close()
        where = "Linux (Debian's kernel, same disk)" if args.linux else "Sockeye"
        print(f"{where}: launch to the first shell prompt: median {statistics.median(times):.2f} s, "
              f"min {min(times):.2f} s, max {max(times):.2f} s over {len(times)} boots")
        if loop is not None:
            print(f"{where}: {args.iterations} iterations of /bin/true in sh: {loop:.2f} s "
                  f"({loop / args.iterations * 1000:.1f} ms each)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
