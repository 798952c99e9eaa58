#!/usr/bin/env python3
"""run_tests.py — everything `make test` runs, with one PASS/FAIL line per item and, as the
very last line, `N passed, M failed` (exit status 1 when M > 0).

Items:
  unit     each host GoogleTest case in build/host/unit_tests
  mkimage  two fresh builds are byte-identical (and equal build/rootfs.img); e2fsck -fn clean
  boot     each tests/boot/*.toml (see tests/boot/README.md)
  linux    each case of each build/tests/system/*_test under qemu-riscv64 (the Linux reference;
           run one binary at a time)
  shell    each case of each tests/shell/*.t console transcript (one VM per file, driven
           expect-style through the console: tests/shell/README.md), plus one `vm` item per file
           (poweroff ends QEMU with 0, e2fsck -fn clean)
  sockeye  each case of each build/tests/system/*_test on Sockeye: a fresh VM per binary with
           init=/tests/<name> -- --gtest_color=no; a crash or hang fails every case not reported;
           plus one `vm` item per binary (exit status consistent with the cases, e2fsck clean,
           no leaks)

tests/system/known-failures lists gaps Sockeye does not cover yet, one a line:
    sockeye <Suite.Name> <reason...>
Such a case that fails is XFAIL (not a pass, not a failure); one that passes is XPASS (a pass,
with a note to remove the line). A system test declares itself leak-exempt with a line
    // sockeye-harness: leak-exempt <reason>
in its source. Work folders and console logs: build/test-runs/. Two jobs run at a time
(SOCKEYE_TEST_JOBS); SOCKEYE_VM_TIMEOUT (60 s) bounds each system-test VM.
"""
import argparse
import concurrent.futures
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shelltest  # noqa: E402
import vm  # noqa: E402

REPO = vm.REPO
BUILD = os.path.join(REPO, "build")
RUNS = os.path.join(BUILD, "test-runs")
SYSTEST_SRC = os.path.join(REPO, "tests", "system")
SYSTEST_BIN = os.path.join(BUILD, "tests", "system")
KNOWN_FAILURES = os.path.join(SYSTEST_SRC, "known-failures")
KERNEL = [os.path.join(BUILD, "kernel.elf")]  # --kernel replaces it

OK_RE = re.compile(r"^\[       OK \] (\S+)", re.M)
FAILED_RE = re.compile(r"^\[  FAILED  \] (\S+)", re.M)
SKIPPED_RE = re.compile(r"^\[  SKIPPED \] (\S+)", re.M)


# ---------------------------------------------------------------------------------- results

class Results:
    """Items reported so far. A job's lines are printed together when the job ends."""

    def __init__(self):
        self.lock = threading.Lock()
        self.passed = self.failed = self.xfail = self.skipped = 0
        self.xpass_notes = []
        self.sockeye_cases = set()

    def report(self, lines):
        with self.lock:
            for status, what, detail in lines:
                if status in ("PASS", "XPASS"):
                    self.passed += 1
                elif status == "FAIL":
                    self.failed += 1
                elif status == "XFAIL":
                    self.xfail += 1
                elif status == "SKIP":
                    self.skipped += 1
                if what.startswith("sockeye ") and len(what.split()) == 3:
                    self.sockeye_cases.add(what.split()[2])
                if status == "XPASS":
                    self.xpass_notes.append(what)
                print(f"{status:<6}{what}" + (f"  -- {detail}" if detail else ""), flush=True)


def gtest_parse(output):
    """{case: 'OK'|'FAILED'|'SKIPPED'} in the order gtest reported them (first word wins)."""
    found = {}
    for rx, verdict in ((OK_RE, "OK"), (FAILED_RE, "FAILED"), (SKIPPED_RE, "SKIPPED")):
        for m in rx.finditer(output):
            name = m.group(1).rstrip(",")
            if "." in name:
                found.setdefault(name, (m.start(), verdict))
    return {k: v for k, (_, v) in sorted(found.items(), key=lambda kv: kv[1][0])}


def gtest_list(cmd, timeout=60):
    """The case names a gtest binary would run (--gtest_list_tests), or None."""
    try:
        r = subprocess.run(cmd + ["--gtest_list_tests"], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if r.returncode != 0:
        return None
    names, suite = [], None
    for line in r.stdout.splitlines():
        if not line.strip() or line.startswith("Running main()"):
            continue
        if not line.startswith(" "):
            suite = line.split("#")[0].strip()
        elif suite:
            names.append(suite + line.split("#")[0].strip())
    return names


def gtest_items(prefix, listed, found, end_reason, known=None):
    """Lines for every case: reported ones by verdict, unreported ones fail with end_reason."""
    known = known or {}
    lines = []
    for name in listed + [n for n in found if n not in listed]:
        verdict = found.get(name)
        what = f"{prefix} {name}"
        if verdict == "SKIPPED":
            lines.append(("SKIP", what, ""))
            continue
        passed = verdict == "OK"
        reason = "" if passed else ("failed" if verdict == "FAILED" else f"not reported ({end_reason})")
        if name in known:
            lines.append(("XPASS", what, f"known failure passes: remove it from tests/system/known-failures")
                          if passed else ("XFAIL", what, f"{known[name]} [{reason}]"))
        else:
            lines.append(("PASS", what, "") if passed else ("FAIL", what, reason))
    return lines


def read_known_failures():
    known = {}
    if not os.path.exists(KNOWN_FAILURES):
        return known
    with open(KNOWN_FAILURES) as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            cols = line.split(None, 2)
            if len(cols) < 3 or cols[0] != "sockeye":
                sys.exit(f"{KNOWN_FAILURES}:{number}: expected 'sockeye <Suite.Name> <reason>'")
            known[cols[1]] = cols[2]
    return known


# ---------------------------------------------------------------------------------- jobs

def job_unit(built):
    binary = os.path.join(BUILD, "host", "unit_tests")
    if not built or not os.path.exists(binary):
        return [("FAIL", "unit build", "build/host/unit_tests did not build")]
    listed = gtest_list([binary]) or []
    log = os.path.join(RUNS, "unit", "unit_tests.log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    try:
        r = subprocess.run([binary, "--gtest_color=no"], capture_output=True, timeout=600)
        out, code, end = (r.stdout + r.stderr).decode(errors="replace"), r.returncode, f"exit code {r.returncode}"
    except subprocess.TimeoutExpired as e:
        out, code, end = (e.stdout or b"").decode(errors="replace"), None, "timed out after 600 s"
    with open(log, "w") as f:
        f.write(out)
    found = gtest_parse(out)
    lines = gtest_items("unit", listed, found, f"unit_tests {end}; log {os.path.relpath(log, REPO)}")
    if code != 0 and all(v == "OK" for v in found.values()):
        lines.append(("FAIL", "unit unit_tests", f"{end} though no case failed; log {os.path.relpath(log, REPO)}"))
    return lines


def job_mkimage(mkimage_args, image_built):
    lines = []
    tmp = tempfile.mkdtemp(prefix="mkimage-check-", dir=BUILD)
    try:
        sums = []
        for n in (1, 2):
            out = os.path.join(tmp, f"rootfs{n}.img")
            start = time.monotonic()
            r = subprocess.run([sys.executable, os.path.join(REPO, "mkimage", "mkimage.py"), "--out", out]
                               + mkimage_args, capture_output=True, text=True, cwd=REPO)
            if r.returncode != 0:
                return [("FAIL", "mkimage build", last_line(r.stderr or r.stdout))]
            sums.append(sha256(out))
            seconds = time.monotonic() - start
        same = sums[0] == sums[1]
        lines.append(("PASS" if same else "FAIL", "mkimage reproducible",
                      f"sha256 {sums[0][:16]}, {seconds:.1f} s a build" if same else "two builds differ"))
        if image_built:
            pristine = os.path.join(BUILD, "rootfs.img")
            equal = sha256(pristine) == sums[0]
            lines.append(("PASS" if equal else "FAIL", "mkimage build/rootfs.img matches a fresh build",
                          "" if equal else "stale or modified build/rootfs.img"))
            r = subprocess.run(["e2fsck", "-fn", pristine], capture_output=True, text=True)
            lines.append(("PASS" if r.returncode == 0 else "FAIL", "mkimage e2fsck -fn build/rootfs.img",
                          "" if r.returncode == 0 else last_line(r.stdout)))
        else:
            lines.append(("FAIL", "mkimage build/rootfs.img", "did not build"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return lines


def last_line(text):
    lines = text.strip().splitlines()
    return lines[-1] if lines else ""


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def job_boot(spec_path, kernel_ok, keep):
    name = os.path.splitext(os.path.basename(spec_path))[0]
    what = f"boot {name}"
    try:
        with open(spec_path, "rb") as f:
            spec = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        return [("FAIL", what, f"bad spec: {e}")]
    if not kernel_ok:
        return [("FAIL", what, "build/kernel.elf did not build")]
    exit_code = spec.get("exit_code", 0)
    if exit_code == "any":
        exit_code = None
    run = vm.boot(KERNEL[0], os.path.join(BUILD, "rootfs.img"), spec["bootargs"],
                  spec.get("timeout", 60), os.path.join(RUNS, "boot", name), name,
                  spec.get("qemu_args", []))
    vm.judge(run, exit_code, spec.get("expect", []), spec.get("forbid", []), spec.get("leak_exempt", False))
    vm.check_fsck(run)
    vm.check_debugfs(run, os.path.join(BUILD, "rootfs.img"), spec.get("debugfs", []))
    vm.finish(run, keep)
    return [run_line(what, run)]


def job_shell(path, kernel_ok, image_ok):
    name = os.path.splitext(os.path.basename(path))[0]
    if not (kernel_ok and image_ok):
        why = "build/kernel.elf did not build" if not kernel_ok else "build/rootfs.img did not build"
        return [("FAIL", f"shell {name}", why)]
    try:
        return shelltest.run_transcript(path, os.path.join(RUNS, "shell", name), KERNEL[0],
                                        os.path.join(BUILD, "rootfs.img"))
    except SystemExit as e:  # a malformed transcript
        return [("FAIL", f"shell {name}", str(e))]


def run_line(what, run):
    log = os.path.relpath(run.log, REPO)
    if run.ok:
        notes = "; ".join([f"{run.seconds:.1f} s"] + run.notes)
        return ("PASS", what, notes)
    return ("FAIL", what, "; ".join(run.problems + run.notes) + f" (log: {log})")


def system_tests():
    """(name, binary, built) for every tests/system/*_test.cpp."""
    out = []
    for src in sorted(f for f in os.listdir(SYSTEST_SRC) if f.endswith("_test.cpp")):
        name = src[:-4]
        binary = os.path.join(SYSTEST_BIN, name)
        built = os.path.exists(binary) and os.path.getmtime(binary) >= os.path.getmtime(os.path.join(SYSTEST_SRC, src))
        out.append((name, binary, built))
    return out


def job_linux_reference(tests, timeout):
    lines = []
    for name, binary, built in tests:
        if not built:
            lines.append(("FAIL", f"linux {name}", "did not build"))
            continue
        listed = gtest_list(["qemu-riscv64", binary]) or []
        log = os.path.join(RUNS, "linux", f"{name}.log")
        os.makedirs(os.path.dirname(log), exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="sockeye-ref-") as cwd:
            try:
                # Tests skip the cases where qemu-user's translation is known to differ from
                # Linux (DESIGN.md); those are proven with linux-ref/run.sh instead.
                env = dict(os.environ, SOCKEYE_REFERENCE="qemu-user")
                r = subprocess.run(["qemu-riscv64", binary, "--gtest_color=no"], capture_output=True,
                                   cwd=cwd, timeout=timeout, stdin=subprocess.DEVNULL, env=env)
                out, end, code = r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace"), \
                    f"exit code {r.returncode}", r.returncode
            except subprocess.TimeoutExpired as e:
                out, end, code = (e.stdout or b"").decode(errors="replace"), f"timed out after {timeout} s", None
        with open(log, "w") as f:
            f.write(out)
        found = gtest_parse(out)
        lines += gtest_items(f"linux {name}", listed, found, f"{end}; log {os.path.relpath(log, REPO)}")
        if code != 0 and found and all(v != "FAILED" for v in found.values()):
            lines.append(("FAIL", f"linux {name}", f"{end} though no case failed; log {os.path.relpath(log, REPO)}"))
    return lines


def leak_exempt(name):
    with open(os.path.join(SYSTEST_SRC, name + ".cpp"), errors="replace") as f:
        return "sockeye-harness: leak-exempt" in f.read()


def job_sockeye(name, binary, built, kernel_ok, image_ok, known, timeout, keep):
    if not built:
        return [("FAIL", f"sockeye {name}", "did not build")]
    listed = gtest_list(["qemu-riscv64", binary]) or []
    if not (kernel_ok and image_ok):
        why = "build/kernel.elf did not build" if not kernel_ok else "build/rootfs.img did not build"
        return gtest_items(f"sockeye {name}", listed, {}, why, known) + [("FAIL", f"sockeye {name} vm", why)]
    run = vm.boot(KERNEL[0], os.path.join(BUILD, "rootfs.img"),
                  f"init=/tests/{name} -- --gtest_color=no", timeout,
                  os.path.join(RUNS, "sockeye", name), name)
    found = gtest_parse(run.output)
    lines = gtest_items(f"sockeye {name}", listed, found,
                        f"VM {run.describe_end()}; log {os.path.relpath(run.log, REPO)}", known)
    # The VM item: init's exit status agrees with the cases, the disk is clean, nothing leaked.
    any_failed = any(v == "FAILED" for v in found.values())
    vm.judge(run, 1 if any_failed else 0, leak_exempt=leak_exempt(name))
    missing = [n for n in listed if n not in found]
    if not found:
        run.problems.append("no gtest output")
    elif missing:
        run.problems.append(f"gtest output incomplete: {len(listed) - len(missing)} of {len(listed)} cases reported")
    vm.check_fsck(run)
    vm.finish(run, keep)
    lines.append(run_line(f"sockeye {name} vm", run))
    return lines


# ---------------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", default=KERNEL[0], help="the kernel to boot (default build/kernel.elf)")
    ap.add_argument("--kernel-built", default="yes")
    ap.add_argument("--unit-built", default="yes")
    ap.add_argument("--image-built", default="yes")
    ap.add_argument("--mkimage-args", default=None, help="mkimage.py arguments (default: make mkimage-args)")
    ap.add_argument("--jobs", type=int, default=int(os.environ.get("SOCKEYE_TEST_JOBS", min(2, os.cpu_count() or 1))))
    ap.add_argument("--vm-timeout", type=float, default=float(os.environ.get("SOCKEYE_VM_TIMEOUT", 60)))
    ap.add_argument("--ref-timeout", type=float, default=float(os.environ.get("SOCKEYE_REF_TIMEOUT", 120)))
    ap.add_argument("--keep", action="store_true", default=os.environ.get("KEEP") == "1",
                    help="keep the disk copies of passing runs too")
    ap.add_argument("--only", default="", help="comma-separated: unit,mkimage,boot,shell,linux,sockeye")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    want = lambda kind: not only or kind in only  # noqa: E731

    if args.mkimage_args is None:
        args.mkimage_args = subprocess.run(["make", "--no-print-directory", "-s", "mkimage-args"], cwd=REPO,
                                           capture_output=True, text=True).stdout.strip()
    KERNEL[0] = os.path.abspath(args.kernel)
    kernel_ok = args.kernel_built == "yes" and os.path.exists(KERNEL[0])
    image_ok = args.image_built == "yes" and os.path.exists(os.path.join(BUILD, "rootfs.img"))
    known = read_known_failures()
    tests = system_tests()
    shutil.rmtree(RUNS, ignore_errors=True)
    os.makedirs(RUNS)

    results = Results()
    start = time.monotonic()
    if args.kernel_built != "yes":
        results.report([("FAIL", "build build/kernel.elf", "the kernel did not build: every VM item fails")])
    # Longest first, so the two workers finish together: VMs may run to their timeout.
    jobs = []
    if want("shell"):
        shell_dir = os.path.join(REPO, "tests", "shell")
        jobs += [(job_shell, (os.path.join(shell_dir, t), kernel_ok, image_ok))
                 for t in sorted(os.listdir(shell_dir)) if t.endswith(".t")]
    if want("sockeye"):
        jobs += [(job_sockeye, (n, b, ok, kernel_ok, image_ok, known, args.vm_timeout, args.keep))
                 for n, b, ok in tests]
    if want("unit"):
        jobs.append((job_unit, (args.unit_built == "yes",)))
    if want("linux"):
        jobs.append((job_linux_reference, (tests, args.ref_timeout)))
    if want("boot"):
        boot_dir = os.path.join(REPO, "tests", "boot")
        jobs += [(job_boot, (os.path.join(boot_dir, s), kernel_ok, args.keep))
                 for s in sorted(os.listdir(boot_dir)) if s.endswith(".toml")]
    if want("mkimage"):
        jobs.append((job_mkimage, (args.mkimage_args.split(), image_ok)))

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(fn, *a): fn.__name__ for fn, a in jobs}
        for fut in concurrent.futures.as_completed(futures):
            try:
                results.report(fut.result())
            except Exception as e:  # a harness bug must not hide the summary line
                results.report([("FAIL", f"harness {futures[fut]}", f"{type(e).__name__}: {e}")])

    extra = []
    if results.xfail:
        extra.append(f"{results.xfail} known failures (XFAIL)")
    if results.xpass_notes:
        extra.append(f"{len(results.xpass_notes)} XPASS: remove their known-failure marks "
                     "(tests/system/known-failures, % xfail in tests/shell)")
    if want("sockeye"):
        for name in sorted(set(known) - results.sockeye_cases):
            extra.append(f"known-failures entry {name} matches no test case")
    if results.skipped:
        extra.append(f"{results.skipped} skipped")
    extra.append(f"{time.monotonic() - start:.0f} s; logs in {os.path.relpath(RUNS, REPO)}/")
    print("# " + "; ".join(extra))
    print(f"{results.passed} passed, {results.failed} failed")
    sys.exit(1 if results.failed else 0)


if __name__ == "__main__":
    main()
