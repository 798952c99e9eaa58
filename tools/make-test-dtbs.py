#!/usr/bin/env python3
"""make-test-dtbs.py OUTDIR — device trees with a required node removed, for the boot tests
that check Sockeye's message on a malformed or incomplete device tree. Starts from the tree
QEMU itself generates for the project's machine (dumpdtb), so nothing else differs."""
import os
import subprocess
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
base = os.path.join(out, "virt.dtb")
subprocess.run(["qemu-system-riscv64", "-machine", f"virt,dumpdtb={base}", "-m", "512M", "-smp", "1",
                "-bios", "default", "-nographic"], check=True, capture_output=True)
source = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", base], check=True, capture_output=True,
                        text=True).stdout


def without(text, node):
    """The source with the node whose header starts with `node` (e.g. "memory@") removed."""
    at = text.index(f"\t{node}")
    start = text.rfind("\n", 0, at) + 1
    depth, i = 0, text.index("{", at)
    while True:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            break
        i += 1
    return text[:start] + text[text.index("\n", i) + 1:]


variants = {"no-memory": "memory@", "no-plic": "plic@", "no-uart": "serial@"}
for name, node in variants.items():
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", os.path.join(out, name + ".dtb"), "-"],
                   input=without(source, node), text=True, check=True)
