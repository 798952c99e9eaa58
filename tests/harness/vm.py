#!/usr/bin/env python3
"""vm.py — boot Sockeye once in QEMU and judge the run. Used by run_tests.py and by hand:

    tests/harness/vm.py [--timeout 60] [--expect-exit 0] [--expect RE]... [--forbid RE]...
                        [--leak-exempt] [--keep] BOOTARGS

Every run boots the project's one QEMU command line (tools/qemu-cmd, = mk/qemu.mk) on a
private sparse COPY of build/rootfs.img, so runs can go in parallel and the pristine image
is never written. The run is judged by:
  - QEMU's exit code: the kernel powers off through the sifive test device, so QEMU exits
    0 for status 0 and N for status N; a run that outlives its timeout is killed (a hang);
  - the console output: regexes that must / must not match (Python re, MULTILINE);
  - the kernel's leak report after init exits, one line
        sockeye: leakcheck heap=<before>/<after> sockets=<b>/<a> files=<b>/<a>
    (any key=before/after pairs; a pair that differs fails the run unless it is leak-exempt;
    no such line is only a note for now);
  - e2fsck -fn on the copy afterwards: a filesystem that is not clean fails the run;
  - optional debugfs -R checks on the copy afterwards.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
QEMU_CMD = os.path.join(REPO, "tools", "qemu-cmd")

LEAKCHECK_RE = re.compile(r"^sockeye: leakcheck (.*)$", re.M)
LEAK_PAIR_RE = re.compile(r"(\w+)=(\d+)/(\d+)")


class Run:
    """The outcome of one boot: console text, exit code (None on timeout) and verdicts."""

    def __init__(self, name):
        self.name = name
        self.output = ""
        self.exit_code = None
        self.timed_out = False
        self.seconds = 0.0
        self.problems = []   # reasons the run fails
        self.notes = []      # worth saying, not failures
        self.log = None
        self.image = None

    @property
    def ok(self):
        return not self.problems

    def describe_end(self):
        if self.timed_out:
            return f"timed out after {self.seconds:.0f} s"
        return f"exit code {self.exit_code}"


def copy_image(pristine, dest):
    subprocess.run(["cp", "--sparse=always", pristine, dest], check=True)


def boot(kernel, pristine, bootargs, timeout, workdir, name, qemu_args=()):
    """Boot once on a copy of `pristine` under `workdir`; fills a Run (no judging).
    qemu_args are appended to the one QEMU command line (e.g. modern virtio-mmio)."""
    run = Run(name)
    os.makedirs(workdir, exist_ok=True)
    run.image = os.path.join(workdir, "disk.img")
    run.log = os.path.join(workdir, "console.log")
    copy_image(pristine, run.image)
    start = time.monotonic()
    proc = subprocess.Popen([QEMU_CMD, kernel, run.image, bootargs, *qemu_args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        raw, _ = proc.communicate(timeout=timeout)
        run.exit_code = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raw, _ = proc.communicate()
        run.timed_out = True
    run.seconds = time.monotonic() - start
    run.output = raw.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "")
    with open(run.log, "w") as f:
        f.write(f"# bootargs: {bootargs}\n# {run.describe_end()} ({run.seconds:.1f} s)\n")
        f.write(run.output)
    return run


def parse_leakcheck(output):
    """{key: (before, after)} from the kernel's leakcheck line, or None if there is none."""
    m = None
    for m in LEAKCHECK_RE.finditer(output):
        pass
    if m is None:
        return None
    return {k: (int(b), int(a)) for k, b, a in LEAK_PAIR_RE.findall(m.group(1))}


def check_leaks(run, leak_exempt):
    pairs = parse_leakcheck(run.output)
    if pairs is None:
        run.notes.append("no leakcheck line")
        return
    leaks = {k: v for k, v in pairs.items() if v[0] != v[1]}
    if not leaks:
        return
    text = " ".join(f"{k}={b}/{a}" for k, (b, a) in sorted(leaks.items()))
    if leak_exempt:
        run.notes.append(f"leaks (exempt): {text}")
    else:
        run.problems.append(f"leakcheck: {text}")


def check_fsck(run):
    r = subprocess.run(["e2fsck", "-fn", run.image], capture_output=True, text=True)
    if r.returncode != 0:
        with open(run.log, "a") as f:
            f.write("\n# e2fsck -fn on the disk copy:\n" + r.stdout + r.stderr)
        first = next((l for l in r.stdout.splitlines()[1:] if l.strip()), "")
        run.problems.append(f"e2fsck -fn: not clean ({first.strip()})")


def debugfs(image, command):
    r = subprocess.run(["debugfs", "-R", command, image], capture_output=True)
    return r.stdout.decode("utf-8", errors="replace")


def check_debugfs(run, pristine, checks):
    """checks: [{command, expect: [re], forbid: [re], same_as_pristine: bool}]"""
    for c in checks:
        out = debugfs(run.image, c["command"])
        for rx in c.get("expect", []):
            if not re.search(rx, out, re.M):
                run.problems.append(f"debugfs -R '{c['command']}': no match for /{rx}/")
        for rx in c.get("forbid", []):
            if re.search(rx, out, re.M):
                run.problems.append(f"debugfs -R '{c['command']}': forbidden /{rx}/ matched")
        if c.get("same_as_pristine") and out != debugfs(pristine, c["command"]):
            run.problems.append(f"debugfs -R '{c['command']}': differs from the pristine image")
        with open(run.log, "a") as f:
            f.write(f"\n# debugfs -R '{c['command']}':\n{out}")


def judge(run, expect_exit=0, expect=(), forbid=(), leak_exempt=False):
    """expect_exit: an int, 'nonzero', or None (any exit, but not a hang)."""
    if run.timed_out:
        run.problems.append(f"hang: {run.describe_end()}")
    elif expect_exit == "nonzero":
        if run.exit_code == 0:
            run.problems.append("exit code 0, expected non-zero")
    elif expect_exit is not None and run.exit_code != expect_exit:
        run.problems.append(f"exit code {run.exit_code}, expected {expect_exit}")
    for rx in expect:
        if not re.search(rx, run.output, re.M):
            run.problems.append(f"output has no match for /{rx}/")
    for rx in forbid:
        m = re.search(rx, run.output, re.M)
        if m:
            run.problems.append(f"output has forbidden /{rx}/: {m.group(0)[:80]!r}")
    check_leaks(run, leak_exempt)


def finish(run, keep):
    """Drop the disk copy of a run that passed (keep it for a failure, or with keep)."""
    if run.ok and not keep and run.image and os.path.exists(run.image):
        os.unlink(run.image)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("bootargs")
    ap.add_argument("--kernel", default=os.path.join(REPO, "build", "kernel.elf"))
    ap.add_argument("--image", default=os.path.join(REPO, "build", "rootfs.img"))
    ap.add_argument("--timeout", type=float, default=float(os.environ.get("SOCKEYE_VM_TIMEOUT", 60)))
    ap.add_argument("--expect-exit", default="0", help="an exit code, 'nonzero' or 'any'")
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--forbid", action="append", default=[])
    ap.add_argument("--debugfs", action="append", default=[], help="a debugfs -R command to show afterwards")
    ap.add_argument("--leak-exempt", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--quiet", action="store_true", help="do not echo the console")
    ap.add_argument("--qemu-arg", action="append", default=[],
                    help="one more QEMU argument (repeatable), e.g. --qemu-arg=-icount --qemu-arg=shift=0")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="sockeye-vm-")
    run = boot(args.kernel, args.image, args.bootargs, args.timeout, work, "vm", args.qemu_arg)
    if not args.quiet:
        sys.stdout.write(run.output)
    expect_exit = {"any": None, "nonzero": "nonzero"}.get(args.expect_exit, None)
    if args.expect_exit not in ("any", "nonzero"):
        expect_exit = int(args.expect_exit)
    judge(run, expect_exit, args.expect, args.forbid, args.leak_exempt)
    check_fsck(run)
    check_debugfs(run, args.image, [{"command": c} for c in args.debugfs])
    for c in args.debugfs:
        print(f"--- debugfs -R '{c}'\n{debugfs(run.image, c)}", end="")
    print(f"--- {run.describe_end()} in {run.seconds:.1f} s; {'PASS' if run.ok else 'FAIL'}")
    for p in run.problems:
        print(f"    problem: {p}")
    for n in run.notes:
        print(f"    note: {n}")
    if args.keep:
        print(f"    kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if run.ok else 1)


if __name__ == "__main__":
    main()
