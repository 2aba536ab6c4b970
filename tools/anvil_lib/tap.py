"""Streaming parser for the TAP version 13 stream the kernel prints on serial.

Anvil conventions on top of TAP 13 (https://testanything.org/tap-version-13-specification.html):
  ok N - name                      passed
  not ok N - name # reason         failed
  ok N - name # SKIP reason        skipped
  not ok N - name # TODO quirk-id  known emulator quirk (docs/emulator-quirks.md):
                                   counted with the skipped, never a failure
  N passed, N failed, N skipped    the kernel's closing line (skipped includes TODO)
  BENCH name=<id> value=<n> unit=<u>
  # boot: handoff_to_tap_us=<n>    firmware hand-off to "TAP version 13", in us
  # summary-screen: crc32=<hex> rows=<n> ...
                                   what the kernel drew on the framebuffer at the
                                   end (after the closing line; see screenshot.py)
  # quirk no longer seen: <quirk-id> in <case>
                                   a case an active quirk covers passed: the
                                   emulator may have been fixed
Everything before the "TAP version 13" line is firmware/loader noise.
"""

import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

TAP_HEADER = "TAP version 13"

PASS, FAIL, SKIP, TODO = "pass", "fail", "skip", "todo"

# CSI / charset / single-character escapes that firmware consoles emit.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>cDEHM78]")
_HEADER = re.compile(r"TAP version 13\s*$")
_TEST = re.compile(r"^(not ok|ok)(?=\s|$)\s*(\d+)?\s*(?:-\s+|-$)?(.*)$")
_PLAN = re.compile(r"^1\.\.(\d+)\s*(?:#\s*(.*))?$")
_CLOSING = re.compile(r"^(?:#\s*)?(\d+) passed, (\d+) failed, (\d+) skipped\s*$")
_BENCH = re.compile(r"^(?:#\s*)?BENCH\s+name=(\S+)\s+value=(\S+)\s+unit=(\S+)\s*$")
_HANDOFF = re.compile(r"^#\s*boot:.*\bhandoff_to_tap_us=(\d+)")
_BAIL = re.compile(r"^Bail out!\s*(.*)$")
_SUMMARY_SCREEN = re.compile(r"^#\s*summary-screen:")
_UNSEEN = re.compile(r"^#\s*quirk no longer seen:\s*(\S+)\s+in\s+(\S.*?)\s*$")
_DIRECTIVE = re.compile(r"^(skip\w*|todo)\b:?\s*(.*)$", re.IGNORECASE | re.DOTALL)
_YAML_START = re.compile(r"^\s+---\s*$")
_YAML_END = re.compile(r"^\s+\.\.\.\s*$")


def clean_line(raw: str) -> str:
    """Drops terminal escapes, carriage returns and trailing blanks."""
    return _ANSI.sub("", raw).replace("\r", "").rstrip()


@dataclass
class TestResult:
    number: int
    name: str
    outcome: str            # PASS, FAIL, SKIP or TODO
    reason: str = ""        # failure comment, skip reason, or TODO text
    quirk: str = ""         # TODO only: the quirk id
    bonus: bool = False     # TODO only: the test passed although a quirk was expected
    line: str = ""
    at: Optional[float] = None         # seconds since emulator start
    duration: Optional[float] = None   # since the previous result (or TAP start)
    details: List[str] = field(default_factory=list)  # diagnostics/YAML around it


@dataclass
class Bench:
    name: str
    value: float
    unit: str
    text: str               # the value as printed


@dataclass
class UnseenQuirk:
    """A case an active quirk covers passed ('# quirk no longer seen: ...')."""
    quirk: str
    case: str
    number: int = 0         # the test line it follows, when that is the case (0: unknown)


@dataclass
class Event:
    """What feed() recognised; the runner uses it for progress output."""
    kind: str               # start, test, plan, closing, bench, bail, diag, other
    line: str
    test: Optional[TestResult] = None


def _unescape(text: str) -> str:
    return text.replace("\\#", "#").replace("\\\\", "\\")


def _split_comment(rest: str) -> Tuple[str, Optional[str]]:
    """Splits 'name # comment' at the first '#' not escaped as '\\#'."""
    i = 0
    while i < len(rest):
        if rest[i] == "\\":
            i += 2
            continue
        if rest[i] == "#":
            return rest[:i].strip(), rest[i + 1:].strip()
        i += 1
    return rest.strip(), None


def parse_test_line(line: str) -> Optional[TestResult]:
    """Parses one 'ok'/'not ok' line; None if the line is something else."""
    m = _TEST.match(line)
    if not m:
        return None
    passed = m.group(1) == "ok"
    number = int(m.group(2)) if m.group(2) else 0
    name, comment = _split_comment(m.group(3))
    result = TestResult(number=number, name=_unescape(name), line=line,
                        outcome=PASS if passed else FAIL)
    directive = _DIRECTIVE.match(comment) if comment is not None else None
    if directive and directive.group(1).lower() == "todo":
        result.outcome = TODO
        result.reason = directive.group(2).strip()
        result.quirk = (result.reason.split() or ["(unnamed)"])[0].rstrip(":,;")
        result.bonus = passed
    elif directive:
        result.outcome = SKIP
        result.reason = directive.group(2).strip()
    elif comment is not None:
        # The kernel writes "# \TODO ..." for a reason that merely starts with a
        # directive word, so it is not read as one.
        result.reason = comment[1:] if re.match(r"\\(skip|todo)", comment, re.I) else comment
    return result


class TapParser:
    """Feed it serial lines one at a time; it keeps the TAP state and checks it."""

    def __init__(self):
        self.started = False
        self.start_at: Optional[float] = None
        self.tests: List[TestResult] = []
        self.plan: Optional[int] = None
        self.plan_comment = ""
        self.closing: Optional[Tuple[int, int, int]] = None
        self.bail: Optional[str] = None
        self.benches: List[Bench] = []
        self.handoff_us: Optional[int] = None
        self.unseen_quirks: List[UnseenQuirk] = []
        self.summary_screen: Optional[str] = None   # '# summary-screen: ...' (after the closing line)
        self.tap_lines: List[str] = []
        self.errors: List[str] = []     # consistency problems found while streaming
        self._pending: List[str] = []   # diagnostics not yet attached to a result
        self._in_yaml = False

    # -- state ---------------------------------------------------------------
    @property
    def done(self) -> bool:
        """The kernel said its last word (closing line or Bail out!)."""
        return self.closing is not None or self.bail is not None

    @property
    def last_test(self) -> Optional[TestResult]:
        return self.tests[-1] if self.tests else None

    def count(self, outcome: str) -> int:
        return sum(1 for t in self.tests if t.outcome == outcome)

    def counts(self) -> Tuple[int, int, int, int]:
        """(passed, failed, skipped without TODO, todo)."""
        return self.count(PASS), self.count(FAIL), self.count(SKIP), self.count(TODO)

    # -- input ---------------------------------------------------------------
    def feed(self, raw: str, at: Optional[float] = None) -> Event:
        line = clean_line(raw)
        handoff = _HANDOFF.match(line)
        if handoff and self.handoff_us is None:
            self.handoff_us = int(handoff.group(1))
        if not self.started:
            return self._feed_before_start(line, at)
        if _SUMMARY_SCREEN.match(line) and self.summary_screen is None:
            self.summary_screen = line   # the kernel prints it after the closing line
        if self.done:
            return Event("other", line)
        if _HEADER.search(line):
            self.errors.append("TAP stream restarted (second 'TAP version 13': did the machine reset?)")
            self.tap_lines.append(line)
            return Event("other", line)
        self.tap_lines.append(line)
        return self._feed_tap(line, at)

    def _feed_before_start(self, line: str, at: Optional[float]) -> Event:
        bail = _BAIL.match(line)
        if bail:  # a boot front end giving up before the kernel's TAP stream
            return self._add_bail(bail, line)
        if not _HEADER.search(line):
            return Event("other", line)
        self.started = True
        self.start_at = at
        self.tap_lines.append(TAP_HEADER)
        return Event("start", TAP_HEADER)

    def _feed_tap(self, line: str, at: Optional[float]) -> Event:
        if self._in_yaml and not line[:1].isspace():
            self._in_yaml = False   # unterminated YAML block: never swallow real lines
        if self._in_yaml or (_YAML_START.match(line) and self.tests):
            self._in_yaml = not _YAML_END.match(line)
            self.tests[-1].details.append(line)
            return Event("diag", line)
        result = parse_test_line(line)
        if result is not None:
            return self._add_test(result, at)
        for matcher, handler in ((_PLAN, self._add_plan), (_CLOSING, self._add_closing),
                                 (_BENCH, self._add_bench), (_BAIL, self._add_bail)):
            m = matcher.match(line)
            if m:
                return handler(m, line)
        if line.startswith("#"):
            self._note_unseen(line)
            self._pending.append(line)
            if self.tests:
                self.tests[-1].details.append(line)
            return Event("diag", line)
        return Event("other", line)

    def _note_unseen(self, line: str) -> None:
        m = _UNSEEN.match(line)
        if not m:
            return
        last = self.last_test
        number = last.number if last is not None and last.name == m.group(2) else 0
        self.unseen_quirks.append(UnseenQuirk(m.group(1), m.group(2), number))

    def _add_test(self, result: TestResult, at: Optional[float]) -> Event:
        expected = len(self.tests) + 1
        if result.number == 0:
            result.number = expected
        elif result.number != expected:
            self.errors.append(f"test numbering: expected {expected}, got {result.number} "
                               f"({result.name or 'unnamed'})")
        if self.plan is not None and len(self.tests) >= self.plan:
            self.errors.append(f"test {result.number} ({result.name}) is beyond the plan 1..{self.plan}")
        result.at = at
        previous = self.tests[-1].at if self.tests else self.start_at
        if at is not None and previous is not None:
            result.duration = max(0.0, at - previous)
        result.details = self._pending
        self._pending = []
        self.tests.append(result)
        return Event("test", result.line, result)

    def _add_plan(self, m, line: str) -> Event:
        if self.plan is not None:
            self.errors.append(f"second plan line '{line}' (first was 1..{self.plan})")
        else:
            self.plan = int(m.group(1))
            self.plan_comment = (m.group(2) or "").strip()
        return Event("plan", line)

    def _add_closing(self, m, line: str) -> Event:
        self.closing = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return Event("closing", line)

    def _add_bench(self, m, line: str) -> Event:
        try:
            value = float(m.group(2))
        except ValueError:
            self.errors.append(f"BENCH line with a non-numeric value: '{line}'")
            return Event("other", line)
        self.benches.append(Bench(m.group(1), value, m.group(3), m.group(2)))
        return Event("bench", line)

    def _add_bail(self, m, line: str) -> Event:
        self.bail = m.group(1).strip() or "(no reason given)"
        return Event("bail", line)

    # -- verdict -------------------------------------------------------------
    def consistency_errors(self) -> List[str]:
        """Everything that makes the stream untrustworthy, as sentences."""
        errors = list(self.errors)
        if self.bail is not None:
            errors.append(f"Bail out! {self.bail}")
        if not self.started:
            if self.bail is None:
                errors.append("no 'TAP version 13' line")
            return errors
        if self.plan is None:
            errors.append("no plan line (1..N)")
        elif self.plan != len(self.tests) and self.bail is None:
            errors.append(f"plan 1..{self.plan} but {len(self.tests)} test lines")
        if self.closing is not None:
            errors.extend(self._closing_mismatch())
        return errors

    def _closing_mismatch(self) -> List[str]:
        passed, failed, skipped, todo = self.counts()
        seen = (passed, failed, skipped + todo)
        if self.closing == seen:
            return []
        said = "{} passed, {} failed, {} skipped".format(*self.closing)
        got = "{} passed, {} failed, {} skipped".format(*seen)
        return [f"closing line says '{said}' but the TAP lines give '{got}'"]
