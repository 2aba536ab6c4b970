"""The outcome of one platform run, and how its verdict is decided.

The verdict comes from the TAP stream; the emulator's exit status is only a
cross-check (a mismatch is a warning). A run that ends or times out before the
kernel's closing line is a failure with the reason, and so is any inconsistency
in the stream (numbering, plan, closing-line counts).
"""

from dataclasses import dataclass, field
from typing import List, Optional

from .process import Outcome
from .tap import FAIL, PASS, SKIP, TODO, TapParser

PASSED, FAILED, SKIPPED = "PASS", "FAIL", "SKIPPED"


@dataclass
class RunResult:
    platform: str
    verdict: str = FAILED
    parser: TapParser = field(default_factory=TapParser)
    outcome: Optional[Outcome] = None
    cmdline: str = ""
    problems: List[str] = field(default_factory=list)   # run-level failures
    warnings: List[str] = field(default_factory=list)
    skip_reason: str = ""
    timeout_s: float = 0.0
    reports: List[str] = field(default_factory=list)

    @property
    def elapsed(self) -> Optional[float]:
        return self.outcome.elapsed if self.outcome else None

    @property
    def first_tap_s(self) -> Optional[float]:
        """Wall time from emulator start to the 'TAP version 13' line."""
        return self.parser.start_at

    def counts(self):
        return self.parser.counts()

    def failed_tests(self):
        return [t for t in self.parser.tests if t.outcome == FAIL]

    def todo_tests(self):
        return [t for t in self.parser.tests if t.outcome == TODO]

    def skipped_tests(self):
        return [t for t in self.parser.tests if t.outcome == SKIP]

    def passed_tests(self):
        return [t for t in self.parser.tests if t.outcome == PASS]

    def unseen_quirks(self):
        """Cases an active quirk covers that passed: the emulator may have been fixed."""
        return self.parser.unseen_quirks

    def failure_count(self) -> int:
        """Failed tests plus one for a run that failed as a whole."""
        return len(self.failed_tests()) + (1 if self.problems else 0)


def skipped(platform: str, reason: str) -> RunResult:
    return RunResult(platform=platform, verdict=SKIPPED, skip_reason=reason)


def _where(parser: TapParser) -> str:
    last = parser.last_test
    if last is None:
        return "test 1 (no result yet)"
    return f"test {last.number + 1} (after {last.number} - {last.name})"


def _incomplete_reason(r: RunResult) -> Optional[str]:
    p, o = r.parser, r.outcome
    if p.done:
        return None
    if o.timed_out:
        if not p.started:
            return f"timeout after {r.timeout_s:g} s before 'TAP version 13' (firmware or loader stuck?)"
        return f"timeout after {r.timeout_s:g} s in {_where(p)}"
    rc = "unknown" if o.rc is None else o.rc
    if not p.started:
        return f"emulator exited rc={rc} before 'TAP version 13'"
    if p.plan is None:
        return f"emulator exited rc={rc} before the plan line, in {_where(p)}"
    return f"emulator exited rc={rc} before the closing line, in {_where(p)}"


def _rc_warning(r: RunResult, exit_pass: Optional[int], exit_fail: Optional[int]) -> Optional[str]:
    rc = r.outcome.rc
    if rc is None or not r.parser.done or exit_pass is None:
        return None
    tap_ok = not r.failed_tests() and r.parser.bail is None
    expected = exit_pass if tap_ok else exit_fail
    if expected is None or rc == expected:
        return None
    said = "success" if rc == exit_pass else "failures" if rc == exit_fail else "neither"
    return (f"emulator rc={rc} ({said}) disagrees with the TAP result "
            f"({'no failures' if tap_ok else 'failures'}; expected rc={expected})")


def decide(r: RunResult, exit_pass: Optional[int] = None, exit_fail: Optional[int] = None) -> RunResult:
    """Fills problems, warnings and the verdict once the emulator is gone."""
    o = r.outcome
    if o.error:
        r.problems.append(o.error)
    else:
        reason = _incomplete_reason(r)
        if reason:
            r.problems.append(reason)
            r.problems.extend(r.parser.errors)   # plan/closing checks make no sense here
        else:
            r.problems.extend(r.parser.consistency_errors())
        warning = _rc_warning(r, exit_pass, exit_fail)
        if warning:
            r.warnings.append(warning)
        if o.killed_after_done or (o.timed_out and r.parser.done):
            r.warnings.append("emulator still running after the kernel's last line; killed it")
    if r.parser.started and r.parser.handoff_us is None:
        r.warnings.append("no '# boot: handoff_to_tap_us=' diagnostic")
    r.verdict = PASSED if not r.problems and not r.failed_tests() else FAILED
    return r
