#!/usr/bin/env python3
"""shelltest.py — run console transcripts (tests/shell/*.t) on Sockeye or on Linux.

    tests/harness/shelltest.py tests/shell/files.t            # on Sockeye (build/kernel.elf)
    tests/harness/shelltest.py --linux tests/shell/files.t    # on Debian's Linux kernel
    tests/harness/shelltest.py --case 'ls -l' tests/shell/files.t

A transcript is one boot (init=/sbin/init: busybox init, rcS, a login shell on the console)
driven expect-style through QEMU's stdin, with a timeout on every wait. The format is
tests/shell/README.md; in short (cram-like: indented lines are the test, the rest is prose):

    ## a case name                  one PASS/FAIL item
      $ echo hi | wc -c             typed at the prompt; waits for the next prompt
      3                             expected output, literally
      \\d+ (re)                      ... or a regular expression (whole line)
      [1]                           expected exit status when it is not 0
      % send sleep 100\\n            a directive (send, expect, prompt, sleep, exit, ...)

The harness first types `stty -echo; PS1='@@P:$?@@ '; PS2=` at the login prompt, so
what follows a command is exactly its output, then the prompt with $?. After the last case
it types `poweroff` (unless the VM has ended) and expects QEMU to exit 0; the disk copy must
then pass `e2fsck -fn`. Logs: build/shelltest/[linux-]<name>/ (make test: build/test-runs/
shell/<name>/): console.log, and <name>.t.out, the transcript with the actual output in
place of the expected (diff it against the .t file).
"""
import argparse
import codecs
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console  # noqa: E402
import linuxref  # noqa: E402

REPO = console.REPO
PROMPT_RE = re.compile(r"@@P:(\d+)@@ ")
LOGIN_PROMPT_RE = re.compile(r"# \Z")
SETUP_LINE = "stty -echo; PS1='@@P:$?@@ '; PS2=\n"
DEFAULT_TIMEOUT = 10.0
UNKNOWN_SYSCALL_RE = re.compile(r"^sockeye: unknown syscall (\d+)", re.M)


# ---------------------------------------------------------------------------------- parsing

class Step:
    def __init__(self, kind, arg, line):
        self.kind = kind          # "cmd" or a directive name
        self.arg = arg
        self.line = line          # line number in the file
        self.expected = []        # expected output lines (for cmd, prompt, debugfs)
        self.status = 0           # expected exit status ([N])
        self.has_status = False


class Case:
    def __init__(self, name, line):
        self.name = name
        self.line = line
        self.steps = []
        self.xfail = None         # "% xfail REASON": known not to pass on Sockeye
        self.linux_differs = None  # "% linux-differs REASON": Linux's output differs for a known reason


class Transcript:
    def __init__(self, path):
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        self.bootargs = "init=/sbin/init"
        self.qemu_args = []
        self.timeout = DEFAULT_TIMEOUT
        self.setup = True
        self.cases = []
        self.lines = []


def parse(path):
    t = Transcript(path)
    with open(path) as f:
        t.lines = f.read().split("\n")
    if t.lines and t.lines[-1] == "":
        t.lines.pop()
    case, step = None, None
    for number, raw in enumerate(t.lines, 1):
        where = f"{path}:{number}"
        if raw.startswith("## "):
            case, step = Case(raw[3:].strip(), number), None
            t.cases.append(case)
            continue
        if not raw.startswith("  "):
            step = None  # prose ends a step's expected output
            continue
        body = raw[2:]
        if body.startswith("$ "):
            if case is None:
                raise SystemExit(f"{where}: a command before the first '## case'")
            step = Step("cmd", body[2:], number)
            case.steps.append(step)
        elif body.startswith("> ") or body == ">":
            if step is None or step.kind != "cmd" or step.expected:
                raise SystemExit(f"{where}: '>' continues a command")
            step.arg += "\n" + body[2:]
        elif body.startswith("% "):
            name, _, arg = body[2:].partition(" ")
            arg = arg.strip()
            if case is None:
                if name == "bootargs":
                    t.bootargs = arg
                elif name == "qemu-args":
                    t.qemu_args = shlex.split(arg)
                elif name == "timeout":
                    t.timeout = float(arg)
                elif name == "no-setup":
                    t.setup = False
                else:
                    raise SystemExit(f"{where}: unknown header directive {name!r}")
                continue
            if name == "xfail":
                case.xfail = arg or "known failure"
                continue
            if name == "linux-differs":
                case.linux_differs = arg or "differs on Linux"
                continue
            if name not in ("send", "expect", "raw", "prompt", "sleep", "silent", "exit", "debugfs", "timeout", "setup"):
                raise SystemExit(f"{where}: unknown directive {name!r}")
            step = Step(name, arg, number)
            case.steps.append(step)
        elif step is not None and step.kind in ("cmd", "prompt", "debugfs"):
            m = re.fullmatch(r"\[(\d+)\]", body)
            if m:
                step.status, step.has_status = int(m.group(1)), True
            else:
                step.expected.append(body)
        else:
            raise SystemExit(f"{where}: expected output with no command before it")
    return t


def unescape(text):
    """A directive's argument as bytes: Python escapes (\\n, \\x03 ... \\xff: one byte each,
    \\\\), the rest as UTF-8."""
    return codecs.escape_decode(text.encode("utf-8"))[0]


# ---------------------------------------------------------------------------------- judging

def output_lines(text):
    if text == "":
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    else:
        lines[-1] += " (no-eol)"
    return lines


def line_matches(expected, actual):
    if expected.endswith(" (re)"):
        try:
            return re.fullmatch(expected[:-5], actual) is not None
        except re.error:
            return False
    return expected == actual


def compare(expected, actual):
    """None if the lines agree, else a short description of the first difference."""
    for i in range(max(len(expected), len(actual))):
        e = expected[i] if i < len(expected) else None
        a = actual[i] if i < len(actual) else None
        if e is None:
            return f"unexpected output line {i + 1}: {a!r}"
        if a is None:
            return f"missing output line {i + 1}: expected {e!r}"
        if not line_matches(e, a):
            return f"line {i + 1}: expected {e!r}, got {a!r}"
    return None


def merged_expectation(expected, actual):
    """The actual lines, keeping the expected form of each line that matched (for .t.out)."""
    out = []
    for i, a in enumerate(actual):
        e = expected[i] if i < len(expected) else None
        out.append(e if e is not None and line_matches(e, a) else a)
    return out


class StepFailed(Exception):
    pass


class ConsoleDead(Exception):
    pass


# ---------------------------------------------------------------------------------- running

class Runner:
    def __init__(self, transcript, workdir, kernel=None, image=None, linux=False):
        self.t = transcript
        self.workdir = workdir
        self.linux = linux
        self.kernel = kernel
        self.pristine = image
        self.disk = os.path.join(workdir, "disk.img")
        self.c = None
        self.mark = 0             # where the output since the last prompt starts
        self.actual = {}          # step line -> (actual lines, status) for the .t.out file
        self.dead = None
        self.boot_seconds = None
        self.record = False       # go on after a mismatch (to write the whole .t.out)
        self.raw_mark = 0         # where the console's raw bytes since the last command start

    # -- the VM
    def start(self):
        os.makedirs(self.workdir, exist_ok=True)
        log = os.path.join(self.workdir, "console.log")
        subprocess.run(["cp", "--sparse=always", self.pristine, self.disk], check=True)
        if self.linux:
            initramfs = os.path.join(self.workdir, "initramfs.cpio")
            linuxref.build_initramfs(self.pristine, initramfs)
            init_argv = []
            m = re.match(r"init=(\S+)(?:.* -- (.*))?", self.t.bootargs)
            if m:
                init_argv = [m.group(1)] + (shlex.split(m.group(2)) if m.group(2) else [])
            cmd = linuxref.qemu_command(initramfs, self.disk, init_argv) + self.t.qemu_args
        else:
            cmd = console.sockeye_command(self.kernel, self.disk, self.t.bootargs, self.t.qemu_args)
        self.c = console.Console(cmd, log)

    def setup(self, timeout):
        """Waits for the login shell's prompt and switches to the harness prompt."""
        self.c.expect(LOGIN_PROMPT_RE, timeout)
        if self.boot_seconds is None:
            self.boot_seconds = self.c.elapsed()
        self.c.send(SETUP_LINE)
        m = self.c.expect(PROMPT_RE, timeout)
        self.mark = self.c.pos
        if m.group(1) != "0":
            raise StepFailed(f"setup line failed with status {m.group(1)}")

    def wait_prompt(self, timeout):
        try:
            m = self.c.expect(PROMPT_RE, timeout)
        except console.Timeout as e:
            raise StepFailed(f"no prompt: {e}")
        out = self.c.text[self.mark:m.start()]
        self.mark = self.c.pos
        return out, int(m.group(1))

    def check_output(self, step, out, status):
        actual = output_lines(out)
        self.actual[step.line] = (actual, status)
        problem = compare(step.expected, actual)
        if problem:
            raise StepFailed(problem)
        if status != step.status:
            raise StepFailed(f"exit status {status}, expected {step.status}")

    def run_step(self, step, timeout):
        c = self.c
        if step.kind == "cmd":
            if not c.alive:
                raise ConsoleDead("the VM has ended")
            self.raw_mark = len(c.raw)
            c.send(step.arg + "\n")
            out, status = self.wait_prompt(timeout)
            self.check_output(step, out, status)
        elif step.kind == "send":
            self.raw_mark = len(c.raw)
            c.send(unescape(step.arg))
        elif step.kind == "raw":
            raw = bytes(c.raw[self.raw_mark:]).decode("latin-1")
            if not re.search(unescape(step.arg).decode("latin-1"), raw):
                raise StepFailed(f"the console's bytes since the last command do not match: {raw[-120:]!r}")
        elif step.kind == "expect":
            try:
                c.expect(step.arg, timeout)
            except console.Timeout as e:
                raise StepFailed(str(e))
            self.mark = c.pos  # what it matched (and all before) is consumed
        elif step.kind == "prompt":
            out, status = self.wait_prompt(timeout)
            self.check_output(step, out, status)
        elif step.kind == "sleep":
            time.sleep(float(step.arg))
        elif step.kind == "silent":
            before = len(c.pending_text())
            time.sleep(float(step.arg))
            extra = c.pending_text()[before:]
            if extra:
                raise StepFailed(f"output within {step.arg} s: {extra[:80]!r}")
        elif step.kind == "setup":
            try:
                self.setup(timeout)
            except console.Timeout as e:
                raise StepFailed(f"setup: {e}")
        elif step.kind == "exit":
            want = int(step.arg.split()[0]) if step.arg else 0
            code = c.wait_exit(max(timeout, 20))
            if code is None:
                raise StepFailed(f"QEMU still runs {max(timeout, 20):.0f} s later")
            if code != want:
                raise StepFailed(f"QEMU exit code {code}, expected {want}")
        elif step.kind == "debugfs":
            if c.alive:
                raise StepFailed("debugfs needs the VM to have ended (% exit first)")
            command, bar, host_filter = step.arg.partition(" | ")
            r = subprocess.run(["debugfs", "-R", command, self.disk], capture_output=True)
            out = r.stdout
            if bar:  # "% debugfs stat /f | grep ..." filters the output through the host's sh
                out = subprocess.run(["sh", "-c", host_filter], input=out, capture_output=True).stdout
            self.check_output(step, out.decode("utf-8", errors="replace"), 0)
        elif step.kind == "timeout":
            pass

    def resync(self, timeout):
        """After a failed step: find the prompt again — first by typing a marker command, then,
        if the shell does not answer, after a ^C for whatever runs. (A ^C at an idle prompt
        is avoided when it can be: it interrupts ash's read of its input, which leaves the
        error flag of its stdin FILE set, and an applet ash then runs without exec inherits it:
        busybox head reading stdin then fails with EIO, on Linux as well.)"""
        c = self.c
        for attempt, interrupt in enumerate((False, True)):
            if not c.alive:
                raise ConsoleDead("the VM has ended")
            if interrupt:
                c.send("\x03")
                time.sleep(0.3)
            token = f"@@SYNC{time.monotonic_ns() % 1000000}@@"
            c.send(f"\nstty -echo; echo {token}\n")
            try:
                c.expect(re.escape(token) + r"\n" + PROMPT_RE.pattern, 2 if attempt == 0 else timeout)
                self.mark = c.pos
                return
            except console.Timeout as e:
                last = e
        raise ConsoleDead(f"console unresponsive after a failure ({last})")

    def run_case(self, case):
        timeout = self.t.timeout
        what = f"shell {self.t.name}: {case.name}"
        if self.dead:
            return self.judge_case(case, what, f"not run ({self.dead})")
        first_problem = None
        for step in case.steps:
            if step.kind == "timeout":
                timeout = float(step.arg)
                continue
            try:
                self.run_step(step, timeout)
            except StepFailed as e:
                detail = f"line {step.line} ({step.kind} {step.arg[:40]!r}): {e}"
                if self.record and step.line in self.actual:
                    first_problem = first_problem or detail
                    continue  # keep going, to record what every step prints
                try:
                    self.resync(timeout)
                except ConsoleDead as dead:
                    self.dead = str(dead)
                return self.judge_case(case, what, detail)
            except ConsoleDead as e:
                self.dead = str(e)
                return self.judge_case(case, what, f"line {step.line}: {e}")
        return self.judge_case(case, what, first_problem)

    def judge_case(self, case, what, problem):
        if self.linux and case.linux_differs:
            note = f"differs on Linux as expected ({case.linux_differs})"
            return ("PASS", what, note) if problem else ("PASS", what, f"{note}, but it matched")
        if case.xfail and not self.linux:
            return ("XFAIL", what, f"{case.xfail} [{problem}]") if problem else \
                ("XPASS", what, "known failure passes: remove its % xfail")
        return ("FAIL", what, problem) if problem else ("PASS", what, "")

    def run(self):
        lines = []
        self.start()
        try:
            if self.t.setup:
                try:
                    self.setup(max(self.t.timeout, 30 if self.linux else 15))
                except (console.Timeout, StepFailed) as e:
                    self.dead = f"no shell prompt after boot: {e}"
            for case in self.t.cases:
                lines.append(self.run_case(case))
            lines.append(self.finish())
        finally:
            self.c.close()
        self.write_actual()
        return lines

    def finish(self):
        """Powers off (if the transcript did not end the VM) and judges the VM as a whole."""
        what = f"shell {self.t.name} vm"
        problems, notes = [], []
        c = self.c
        if c.alive:
            if self.dead:
                c.close()
                problems.append(self.dead)
            else:
                c.send("poweroff\n")
                start = time.monotonic()
                code = c.wait_exit(30)
                if code is None:
                    problems.append("poweroff: QEMU still runs 30 s later")
                elif code != 0:
                    problems.append(f"poweroff: QEMU exit code {code}")
                else:
                    notes.append(f"poweroff {time.monotonic() - start:.1f} s")
        c.close()
        text = c.text
        if re.search(r"(?i)\bpanic\b|scause", text) and not self.linux:
            problems.append("kernel panic or fault on the console")
        unknown = sorted(set(UNKNOWN_SYSCALL_RE.findall(text)), key=int)
        if unknown:
            notes.append("unknown syscalls " + ",".join(unknown))
        if os.path.exists(self.disk):
            r = subprocess.run(["e2fsck", "-fn", self.disk], capture_output=True, text=True)
            if r.returncode != 0:
                with open(os.path.join(self.workdir, "console.log"), "a") as f:
                    f.write("\n# e2fsck -fn on the disk copy:\n" + r.stdout + r.stderr)
                first = next((l for l in r.stdout.splitlines()[1:] if l.strip()), "")
                problems.append(f"e2fsck -fn: not clean ({first.strip()})")
        if self.boot_seconds is not None:
            notes.insert(0, f"prompt {self.boot_seconds:.2f} s after launch")
        notes.append(f"{c.elapsed():.1f} s")
        log = os.path.relpath(os.path.join(self.workdir, "console.log"), REPO)
        if problems:
            return ("FAIL", what, "; ".join(problems + notes) + f" (log: {log})")
        return ("PASS", what, "; ".join(notes))

    def write_actual(self):
        """<name>.t.out: the transcript with each step's expectation replaced by what it got."""
        steps = {s.line: s for case in self.t.cases for s in case.steps if s.line in self.actual}
        out, pending = [], None
        for number, raw in enumerate(self.t.lines, 1):
            body = raw[2:] if raw.startswith("  ") else None
            continuation = body is not None and (body.startswith("> ") or body == ">")
            expected = body is not None and not continuation and not body.startswith(("$ ", "% "))
            if pending is not None and not expected and not continuation:
                out += self._actual_block(pending)
                pending = None
            if pending is not None and expected:
                continue
            out.append(raw)
            if number in steps:
                pending = steps[number]
        if pending is not None:
            out += self._actual_block(pending)
        path = os.path.join(self.workdir, self.t.name + ".t.out")
        os.makedirs(self.workdir, exist_ok=True)
        with open(path, "w") as f:
            f.write("\n".join(out) + "\n")

    def _actual_block(self, step):
        actual, status = self.actual[step.line]
        lines = ["  " + l for l in merged_expectation(step.expected, actual)]
        if status:
            lines.append(f"  [{status}]")
        return lines


def run_transcript(path, workdir, kernel, image, linux=False, only=None, record=False):
    t = parse(path)
    if only:
        t.cases = [c for c in t.cases if only in c.name]
    shutil.rmtree(workdir, ignore_errors=True)
    runner = Runner(t, workdir, kernel, image, linux)
    runner.record = record
    return runner.run()


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `shelltest.py ... | head` ends quietly
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("transcripts", nargs="+")
    ap.add_argument("--linux", action="store_true", help="run on Debian's Linux kernel (the reference)")
    ap.add_argument("--kernel", default=os.path.join(REPO, "build", "kernel.elf"))
    ap.add_argument("--image", default=os.path.join(REPO, "build", "rootfs.img"))
    ap.add_argument("--case", default=None, help="only the cases whose name contains this")
    ap.add_argument("--record", action="store_true",
                    help="do not stop a case at an output mismatch: record every step's output in the .t.out")
    ap.add_argument("--workdir", default=None, help="default build/shelltest/[linux-]<name>")
    args = ap.parse_args()
    if args.linux and not linuxref.ensure_kernel():
        sys.exit(f"shelltest: no Linux kernel at {linuxref.KERNEL} (see /work/shared/tools/linux-ref)")
    failed = 0
    for path in args.transcripts:
        name = os.path.splitext(os.path.basename(path))[0]
        workdir = args.workdir or os.path.join(REPO, "build", "shelltest", ("linux-" if args.linux else "") + name)
        for status, what, detail in run_transcript(path, workdir, args.kernel, args.image, args.linux, args.case, args.record):
            failed += status == "FAIL"
            print(f"{status:<6}{what}" + (f"  -- {detail}" if detail else ""), flush=True)
        print(f"# actual transcript: {os.path.relpath(os.path.join(workdir, name + '.t.out'))}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
