"""Live progress while a platform runs.

On a terminal: one status line rewritten in place (platform, elapsed time,
counts, current test); failures are printed above it as they happen.
Otherwise (CI logs, pipes): each TAP result line as it arrives, prefixed with
the platform name. --verbose echoes the whole serial stream in both modes.
"""

import shutil
import sys

from .tap import FAIL, Event, TapParser

_ECHOED = ("test", "plan", "closing", "bail")


class Progress:
    def __init__(self, out=None, tty=None, verbose=False):
        self.out = out or sys.stdout
        self.tty = self.out.isatty() if tty is None else tty
        self.verbose = verbose
        self.platform = ""
        self.parser = None
        self.elapsed = 0.0
        self.note = ""
        self.status_shown = False

    def _write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()

    def _clear_status(self) -> None:
        if self.status_shown:
            self._write("\r\x1b[K")
            self.status_shown = False

    def say(self, text: str) -> None:
        """A permanent line (above the status line on a terminal)."""
        self._clear_status()
        self._write(text + "\n")
        self._draw()

    def begin(self, platform: str, parser: TapParser) -> None:
        self.platform, self.parser, self.elapsed, self.note = platform, parser, 0.0, "starting"
        self._draw()

    def waiting_for_lock(self, path: str) -> None:
        self.note = f"waiting for {path} (another emulator is running)"
        if self.tty:
            self._draw()
        else:
            self.say(f"{self.platform}: {self.note}")

    def _current(self) -> str:
        p = self.parser
        if p is None or not p.started:
            return "booting (firmware/loader)"
        if p.done:
            return "finished"
        last = p.last_test
        if last is None:
            return "test 1"
        return f"test {last.number + 1} (last: {last.name})"

    def _status(self) -> str:
        passed, failed, skipped, todo = self.parser.counts() if self.parser else (0, 0, 0, 0)
        head = f"{self.platform} {self.elapsed:6.1f}s  {passed} ok, {failed} failed, " \
               f"{skipped} skipped, {todo} todo  "
        tail = self.note if self.note else self._current()
        width = shutil.get_terminal_size((100, 20)).columns - 1
        return (head + tail)[:width]

    def _draw(self) -> None:
        if not self.tty or not self.platform:
            return
        self._write("\r\x1b[K" + self._status())
        self.status_shown = True

    def started(self) -> None:
        self.note = ""
        self._draw()

    def tick(self, elapsed: float) -> None:
        self.elapsed = elapsed
        self._draw()

    def serial(self, line: str, event: Event) -> None:
        if self.verbose:
            self.say(f"{self.platform}| {line}")
        elif not self.tty and event.kind in _ECHOED:
            self.say(f"{self.platform}: {event.line}")
        elif self.tty and event.kind == "test" and event.test.outcome == FAIL:
            self.say(f"{self.platform}: {event.line}")
        elif self.tty and event.kind == "bail":
            self.say(f"{self.platform}: {event.line}")
        else:
            self._draw()

    def end(self) -> None:
        self._clear_status()
        self.platform = ""
