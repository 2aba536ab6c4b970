"""Runs one emulator: lock, own process group, line streams, wall-clock timeout.

Only one emulator may run at a time on the project machines. The runner takes
flock(2) on the shared lock file (the same lock `flock /tmp/anvil-emu.lock`
takes) before starting, and hands the locked descriptor to the emulator so the
lock is held exactly as long as the emulator lives, even if the runner dies.
The emulator also runs under timeout(1) as a backstop for that case.

Everything it prints arrives as (stream, line, seconds-since-start) callbacks:
"serial" for the guest's serial port (stdout or a file tailed while it runs),
"stdout"/"stderr" for the emulator's own chatter when serial goes to a file.
"""

import fcntl
import os
import queue
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Callable, List, Optional

EMU_LOCK = "/tmp/anvil-emu.lock"
POLL_S = 0.05            # serial file tail and main loop granularity
TICK_S = 0.5             # how often on_tick runs (status line refresh)
TERM_GRACE_S = 2.0       # SIGTERM -> SIGKILL
DRAIN_S = 1.0            # after exit, how long to wait for pipes to reach EOF
BACKSTOP_EXTRA_S = 30    # timeout(1) fires this long after our own deadline
LOCK_WAIT_S = 3600.0


@dataclass
class Launch:
    argv: List[str]
    cwd: str
    serial_file: Optional[str] = None   # None: the serial port is the emulator's stdout
    lock_path: Optional[str] = EMU_LOCK


@dataclass
class Outcome:
    rc: Optional[int]                    # None if we had to kill it
    elapsed: float                       # emulator start to exit, seconds
    timed_out: bool = False
    killed_after_done: bool = False      # still running after the kernel finished
    lock_wait: float = 0.0
    error: str = ""                      # could not start it at all


class LockTimeout(Exception):
    pass


def acquire_lock(path: str, on_wait: Callable[[], None], wait_s: float = LOCK_WAIT_S) -> int:
    """Blocks until we hold the emulator lock; returns the locked descriptor."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    waited = False
    deadline = time.monotonic() + wait_s
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if not waited:
                on_wait()
                waited = True
            if time.monotonic() > deadline:
                os.close(fd)
                raise LockTimeout(f"{path} still held by another emulator after {wait_s:.0f} s")
            time.sleep(0.2)


class _LineSplitter:
    """Turns byte chunks into decoded lines; keeps the unfinished tail."""

    def __init__(self):
        self.buf = b""

    def push(self, data: bytes) -> List[str]:
        self.buf += data
        *lines, self.buf = self.buf.split(b"\n")
        return [ln.decode("utf-8", "replace") for ln in lines]

    def flush(self) -> List[str]:
        rest, self.buf = self.buf, b""
        return [rest.decode("utf-8", "replace")] if rest.strip() else []


def _pump_pipe(pipe, stream: str, q: queue.Queue) -> None:
    splitter = _LineSplitter()
    fd = pipe.fileno()
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b""
        if not data:
            break
        for line in splitter.push(data):
            q.put((stream, line))
    for line in splitter.flush():
        q.put((stream, line))
    q.put((stream, None))  # EOF marker


def _tail_file(path: str, stream: str, q: queue.Queue, stop: threading.Event) -> None:
    splitter = _LineSplitter()
    f = None
    while True:
        stopping = stop.is_set()  # read once more after stop so nothing is lost
        if f is None and os.path.exists(path):
            f = open(path, "rb")
        if f is not None:
            for line in splitter.push(f.read()):
                q.put((stream, line))
        if stopping:
            break
        time.sleep(POLL_S)
    if f is not None:
        f.close()
    for line in splitter.flush():
        q.put((stream, line))
    q.put((stream, None))


def _exited(pid: int) -> bool:
    """True once the child has exited; leaves it a zombie so its pid (and thus
    our process group id) cannot be reused before we signal the group."""
    try:
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True
    return info is not None


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def kill_group(proc: subprocess.Popen) -> None:
    """Ends the process group we created for proc, and nothing else."""
    pgid = proc.pid  # start_new_session: the child leads its own group
    if not _exited(proc.pid):
        _signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + TERM_GRACE_S
        while time.monotonic() < deadline and not _exited(proc.pid):
            time.sleep(POLL_S)
    _signal_group(pgid, signal.SIGKILL)  # stragglers; the zombie leader pins the pgid
    proc.wait()


def _with_backstop(argv: List[str], timeout_s: float) -> List[str]:
    return ["timeout", "--kill-after=5", str(int(timeout_s + BACKSTOP_EXTRA_S))] + argv


def serial_path(launch: Launch) -> Optional[str]:
    if launch.serial_file is None:
        return None
    return os.path.join(launch.cwd, launch.serial_file)


def _start(launch: Launch, timeout_s: float, lock_fd: Optional[int]):
    stale = serial_path(launch)
    if stale and os.path.exists(stale):
        os.unlink(stale)   # the tail must not replay the previous run
    return subprocess.Popen(
        _with_backstop(launch.argv, timeout_s), cwd=launch.cwd,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True, pass_fds=(lock_fd,) if lock_fd is not None else ())


class _Run:
    """State of one emulator run while its output streams in."""

    def __init__(self, launch, timeout_s, on_line, is_done, on_tick, done_grace_s):
        self.launch = launch
        self.timeout_s = timeout_s
        self.on_line = on_line
        self.is_done = is_done
        self.on_tick = on_tick
        self.done_grace_s = done_grace_s
        self.q: queue.Queue = queue.Queue()
        self.open_streams = set()
        self.stop_tail = threading.Event()
        self.threads: List[threading.Thread] = []

    def _thread(self, target, *args):
        t = threading.Thread(target=target, args=args, daemon=True)
        t.start()
        self.threads.append(t)

    def start_readers(self, proc) -> None:
        to_stdout = self.launch.serial_file is None
        self._thread(_pump_pipe, proc.stdout, "serial" if to_stdout else "stdout", self.q)
        self._thread(_pump_pipe, proc.stderr, "stderr", self.q)
        self.open_streams = {"serial" if to_stdout else "stdout", "stderr"}
        if not to_stdout:
            self._thread(_tail_file, serial_path(self.launch), "serial", self.q, self.stop_tail)
            self.open_streams.add("serial")

    def drain(self, t0: float, wait_s: float) -> None:
        """Delivers queued lines; returns after wait_s or when all streams closed."""
        deadline = time.monotonic() + wait_s
        while self.open_streams:
            remaining = deadline - time.monotonic()
            try:
                stream, line = self.q.get(timeout=max(0.0, min(POLL_S, remaining)))
            except queue.Empty:
                if remaining <= 0:
                    return
                continue
            if line is None:
                self.open_streams.discard(stream)
            else:
                self.on_line(stream, line, time.monotonic() - t0)

    def watch(self, proc, t0: float) -> Outcome:
        deadline = t0 + self.timeout_s
        done_at = None
        next_tick = t0
        while True:
            self.drain(t0, POLL_S)
            now = time.monotonic()
            if now >= next_tick and self.on_tick:
                self.on_tick(now - t0)
                next_tick = now + TICK_S
            if _exited(proc.pid):
                return self.finish(proc, t0, Outcome(rc=None, elapsed=now - t0))
            if done_at is None and self.is_done():
                done_at = now
            if done_at is not None and now - done_at > self.done_grace_s:
                return self.finish(proc, t0, Outcome(None, now - t0, killed_after_done=True))
            if now >= deadline:
                return self.finish(proc, t0, Outcome(None, now - t0, timed_out=True))

    def finish(self, proc, t0: float, outcome: Outcome) -> Outcome:
        exited_by_itself = _exited(proc.pid)
        kill_group(proc)
        if exited_by_itself:
            outcome.rc = proc.returncode
        self.stop_tail.set()
        self.drain(t0, DRAIN_S)
        self.open_streams.clear()  # whatever is still open, a stray process holds
        for t in self.threads:
            t.join(timeout=0.2)
        if not any(t.is_alive() for t in self.threads):
            proc.stdout.close()
            proc.stderr.close()
        return outcome


def run(launch: Launch, timeout_s: float,
        on_line: Callable[[str, str, float], None],
        is_done: Callable[[], bool] = lambda: False,
        on_tick: Optional[Callable[[float], None]] = None,
        on_lock_wait: Callable[[], None] = lambda: None,
        done_grace_s: float = 10.0) -> Outcome:
    """Starts the emulator and streams its output until it exits, the kernel
    is done (is_done) and it lingers past done_grace_s, or timeout_s passes."""
    lock_fd = None
    lock_wait = 0.0
    if launch.lock_path:
        w0 = time.monotonic()
        try:
            lock_fd = acquire_lock(launch.lock_path, on_lock_wait)
        except (LockTimeout, OSError) as e:
            return Outcome(rc=None, elapsed=0.0, error=str(e))
        lock_wait = time.monotonic() - w0
    try:
        state = _Run(launch, timeout_s, on_line, is_done, on_tick, done_grace_s)
        t0 = time.monotonic()
        try:
            proc = _start(launch, timeout_s, lock_fd)
        except OSError as e:
            return Outcome(rc=None, elapsed=0.0, lock_wait=lock_wait,
                           error=f"cannot start {launch.argv[0]}: {e}")
        try:
            state.start_readers(proc)
            outcome = state.watch(proc, t0)
        except BaseException:
            kill_group(proc)   # Ctrl-C or a bug: never leave the emulator behind
            raise
        outcome.lock_wait = lock_wait
        return outcome
    finally:
        if lock_fd is not None:
            os.close(lock_fd)
