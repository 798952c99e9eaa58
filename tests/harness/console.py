#!/usr/bin/env python3
"""console.py — drive Sockeye's console interactively, expect-style.

    c = Console(sockeye_command(kernel, image, "init=/sbin/init"), log_path)
    c.expect(r"sockeye:/# ", timeout=10)     # wait for output (a per-read timeout)
    c.send("echo hi\\n")                      # type into the console (QEMU's stdin)
    c.expect(r"^hi$")
    c.send("poweroff\\n"); code = c.wait_exit(30)

QEMU runs tools/qemu-cmd (the project's one command line) with stdin a pipe: what is written
there arrives at the ns16550 as if typed. QEMU's -nographic console treats ^A as its escape
key, so send() doubles every 0x01 byte (^A ^A types one ^A).

What expect() searches is the console text after the last match, normalised: \\r\\n and lone
\\r become \\n and ANSI escape sequences (busybox's line editor asks for the cursor position
with ESC[6n and redraws with ESC[K ...) are removed. The raw bytes go to the log.
"""
import os
import re
import signal
import subprocess
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
QEMU_CMD = os.path.join(REPO, "tools", "qemu-cmd")

ANSI_RE = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")


class Timeout(Exception):
    """expect() saw no match within its timeout; .tail holds the unmatched text."""

    def __init__(self, pattern, tail, ended):
        self.pattern, self.tail, self.ended = pattern, tail, ended
        what = "the VM ended" if ended else "timed out"
        super().__init__(f"{what} waiting for /{pattern}/; last output: {tail[-300:]!r}")


def normalise(raw):
    text = ANSI_RE.sub(b"", raw).decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sockeye_command(kernel, image, bootargs, qemu_args=()):
    """Sockeye's one QEMU command line (tools/qemu-cmd) on a disk image."""
    return [QEMU_CMD, kernel, image, bootargs, *qemu_args]


class Console:
    def __init__(self, command, log_path):
        self.log_path = log_path
        self.raw = bytearray()
        self.text = ""          # normalised, everything so far
        self.pos = 0            # expect() searches self.text[self.pos:]
        self.exit_code = None
        self.started = time.monotonic()
        self._cond = threading.Condition()
        self._eof = False
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        fd = self.proc.stdout.fileno()
        pending = b""   # an incomplete escape sequence or \r at the end of a chunk
        while True:
            chunk = os.read(fd, 4096)
            with self._cond:
                if not chunk:
                    self.text += normalise(pending)
                    self._eof = True
                    self._cond.notify_all()
                    return
                self.raw += chunk
                self._log.write(chunk)
                self._log.flush()
                data = pending + chunk
                # Hold back a trailing partial escape sequence (or \r, which may be \r\n).
                cut = len(data)
                esc = data.rfind(b"\x1b", max(0, len(data) - 16))
                if esc >= 0 and not ANSI_RE.match(data, esc):
                    cut = esc
                if cut and data[cut - 1:cut] == b"\r":
                    cut -= 1
                pending = data[cut:]
                self.text += normalise(data[:cut])
                self._cond.notify_all()

    @property
    def alive(self):
        return self.proc.poll() is None

    def elapsed(self):
        return time.monotonic() - self.started

    def send(self, data, delay=0.0):
        """Types data (str or bytes). With delay, one byte at a time, delay seconds apart."""
        if isinstance(data, str):
            data = data.encode()
        data = data.replace(b"\x01", b"\x01\x01")
        try:
            if delay:
                for i in range(len(data)):
                    self.proc.stdin.write(data[i:i + 1])
                    self.proc.stdin.flush()
                    time.sleep(delay)
            else:
                self.proc.stdin.write(data)
                self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def expect(self, pattern, timeout=10.0):
        """Waits until pattern (re, MULTILINE) matches the text after the last match; returns the
        match and moves past it. Raises Timeout (the VM ending counts as one)."""
        rx = re.compile(pattern, re.M) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                m = rx.search(self.text, self.pos)
                if m:
                    self.before = self.text[self.pos:m.start()]
                    self.pos = m.end()
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    raise Timeout(rx.pattern, self.text[self.pos:], self._eof)
                self._cond.wait(min(left, 0.5))

    def pending_text(self):
        with self._cond:
            return self.text[self.pos:]

    def skip_pending(self):
        """Forgets the output not matched yet."""
        with self._cond:
            self.pos = len(self.text)

    def wait_exit(self, timeout):
        """QEMU's exit code, or None if it is still running after timeout seconds."""
        try:
            self.exit_code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self._reader.join(5)
        return self.exit_code

    def close(self):
        """Kills QEMU if it still runs. Returns True if it had to be killed."""
        killed = False
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            killed = True
        self.proc.wait()
        self.exit_code = self.proc.returncode
        self._reader.join(5)
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        self._log.close()
        return killed
