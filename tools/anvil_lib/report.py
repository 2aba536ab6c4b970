"""Human-readable summaries and the files under build/reports/.

In the table, 'skipped' counts plain SKIPs and 'todo' the known emulator
quirks; the closing line's 'skipped' is their sum, as in the kernel's own
closing line. A run that failed as a whole (timeout, crash, inconsistent TAP)
adds one to 'failed' in the closing line, so '0 failed' always means success.
Cases an active quirk covers that passed ('# quirk no longer seen') get their
own summary section: they change no verdict, but the quirk needs re-checking.
"""

import json
import os
from collections import OrderedDict
from typing import Iterable, List

from . import junit
from .result import SKIPPED, RunResult

QUIRKS_DOC = "docs/emulator-quirks.md"


def _fmt_time(seconds) -> str:
    return "-" if seconds is None else f"{seconds:.1f}s"


def table(results: List[RunResult]) -> str:
    head = ("platform", "passed", "failed", "skipped", "todo", "time", "verdict")
    rows = []
    for r in results:
        if r.verdict == SKIPPED:
            rows.append((r.platform, "-", "-", "-", "-", "-", f"SKIPPED: {r.skip_reason}"))
            continue
        passed, failed, skipped, todo = r.counts()
        verdict = r.verdict if not r.problems else f"{r.verdict}: {r.problems[0]}"
        rows.append((r.platform, str(passed), str(failed), str(skipped), str(todo),
                     _fmt_time(r.elapsed), verdict))
    widths = [max(len(row[i]) for row in [head] + rows) for i in range(len(head) - 1)]
    lines = []
    for row in [head] + rows:
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:-1], widths[1:])]
        lines.append("  ".join(cells + [row[-1]]))
    return "\n".join(lines)


def timings(results: List[RunResult]) -> List[str]:
    lines = []
    for r in results:
        if r.verdict == SKIPPED or not r.parser.started:
            continue
        handoff = "-" if r.parser.handoff_us is None else f"{r.parser.handoff_us / 1000:.1f} ms"
        lines.append(f"{r.platform}: hand-off to first TAP line: {handoff}; "
                     f"emulator start to first TAP line: {r.first_tap_s:.2f} s")
    return lines


def todos_by_quirk(results: List[RunResult]) -> List[str]:
    quirks = OrderedDict()
    for r in results:
        for t in r.todo_tests():
            note = " (passed: quirk gone?)" if t.bonus else ""
            quirks.setdefault(t.quirk, []).append(f"{r.platform} {t.number} - {t.name}{note}")
    lines = []
    for quirk, tests in quirks.items():
        lines.append(f"  {quirk}:")
        lines.extend(f"    {t}" for t in tests)
    return lines


UNSEEN_HEADING = ("Quirks no longer seen (the emulator may have been fixed: re-check, "
                  "then version-gate or remove the quirk):")


def unseen_by_quirk(results: List[RunResult]) -> List[str]:
    """'# quirk no longer seen' lines, grouped by quirk like the TODO section."""
    quirks = OrderedDict()
    for r in results:
        for u in r.unseen_quirks():
            case = f"{u.number} - {u.case}" if u.number else u.case
            quirks.setdefault(u.quirk, []).append(f"{r.platform} {case}")
    lines = []
    for quirk, cases in quirks.items():
        lines.append(f"  {quirk}:")
        lines.extend(f"    {c}" for c in cases)
    return lines


def failures(results: List[RunResult]) -> List[str]:
    lines = []
    for r in results:
        for t in r.failed_tests():
            reason = f": {t.reason}" if t.reason else ""
            lines.append(f"  {r.platform} {t.number} - {t.name}{reason}")
        lines.extend(f"  {r.platform}: {p}" for p in r.problems)
    return lines


def totals(results: Iterable[RunResult]):
    passed = failed = skipped = 0
    for r in results:
        if r.verdict == SKIPPED:
            continue
        p, _, s, t = r.counts()
        passed += p
        failed += r.failure_count()
        skipped += s + t
    return passed, failed, skipped


def closing_line(results: List[RunResult]) -> str:
    return "{} passed, {} failed, {} skipped".format(*totals(results))


def summary(results: List[RunResult], reports_dir: str) -> str:
    out = ["", table(results)]
    out += timings(results)
    todo = todos_by_quirk(results)
    if todo:
        out += [f"TODO (known emulator quirks, see {QUIRKS_DOC}):"] + todo
    unseen = unseen_by_quirk(results)
    if unseen:
        out += [UNSEEN_HEADING] + unseen
    warnings = [f"  {r.platform}: {w}" for r in results for w in r.warnings]
    if warnings:
        out += ["Warnings:"] + warnings
    failed = failures(results)
    if failed:
        out += ["Failures:"] + failed
    skipped = [r for r in results if r.verdict == SKIPPED]
    if skipped:
        out += ["Not run on this machine:"]
        out += [f"  {r.platform}: {r.skip_reason}" for r in skipped]
    out.append(f"Reports: {reports_dir}/<platform>.tap .xml .log")
    return "\n".join(out)


def auditor_state(kernel_cmdline: str) -> str:
    """What the kernel command line says about the clean-bit auditor (on by default)."""
    words = [w for w in kernel_cmdline.split() if w.split("=", 1)[0] == "audit"]
    value = words[-1].split("=", 1)[1] if words and "=" in words[-1] else "1"
    return "auditor off (audit=0)" if value == "0" else "auditor on (audit=1)"


def bench_table(r: RunResult, kernel_cmdline: str = "") -> str:
    benches = r.parser.benches
    if not benches:
        return f"{r.platform}: no BENCH lines"
    head = ("benchmark", "value", "unit")
    rows = [(b.name, b.text, b.unit) for b in benches]
    w0 = max(len(x[0]) for x in [head] + rows)
    w1 = max(len(x[1]) for x in [head] + rows)
    lines = [f"{r.platform}: {auditor_state(kernel_cmdline)}"]
    lines += [f"  {a.ljust(w0)}  {b.rjust(w1)}  {c}" for a, b, c in [head] + rows]
    return "\n".join(lines)


# -- files --------------------------------------------------------------------
def write_tap(path: str, r: RunResult) -> None:
    lines = r.parser.tap_lines
    if r.verdict == SKIPPED:
        lines = ["TAP version 13", f"1..0 # SKIP {r.skip_reason}"]
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(line + "\n" for line in lines))


def write_bench_tsv(path: str, r: RunResult) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write("name\tvalue\tunit\n")
        for b in r.parser.benches:
            f.write(f"{b.name}\t{b.text}\t{b.unit}\n")


def write_run_reports(reports_dir: str, stem: str, r: RunResult) -> None:
    tap = os.path.join(reports_dir, stem + ".tap")
    xml = os.path.join(reports_dir, stem + ".xml")
    write_tap(tap, r)
    junit.write(xml, r)
    r.reports += [tap, xml]


def _result_json(r: RunResult) -> dict:
    passed, failed, skipped, todo = r.counts()
    return {
        "platform": r.platform, "verdict": r.verdict, "passed": passed, "failed": failed,
        "skipped": skipped, "todo": todo, "seconds": r.elapsed,
        "first_tap_seconds": r.first_tap_s, "handoff_to_tap_us": r.parser.handoff_us,
        "emulator_rc": r.outcome.rc if r.outcome else None, "cmdline": r.cmdline,
        "problems": r.problems, "warnings": r.warnings, "skip_reason": r.skip_reason,
        "failures": [{"number": t.number, "name": t.name, "reason": t.reason}
                     for t in r.failed_tests()],
        "todo_tests": [{"number": t.number, "name": t.name, "quirk": t.quirk}
                       for t in r.todo_tests()],
        "quirks_no_longer_seen": [{"quirk": u.quirk, "case": u.case, "number": u.number}
                                  for u in r.unseen_quirks()],
        "bench": [{"name": b.name, "value": b.value, "unit": b.unit} for b in r.parser.benches],
    }


def write_summary_json(path: str, results: List[RunResult]) -> None:
    passed, failed, skipped = totals(results)
    doc = {"passed": passed, "failed": failed, "skipped": skipped,
           "ok": failed == 0, "platforms": [_result_json(r) for r in results]}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
