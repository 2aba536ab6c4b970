"""JUnit XML for one platform run: a testsuite per platform, a testcase per TAP
result line, <failure>/<skipped> with the reason, and one extra testcase
'(run)' carrying an <error> when the run itself failed (timeout, crash,
inconsistent TAP) so CI shows it even when no test line failed."""

import re
import xml.etree.ElementTree as ET
from collections import Counter

from .result import SKIPPED, RunResult
from .tap import FAIL, SKIP, TODO, TestResult

# Characters XML 1.0 cannot carry at all, even escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
RUN_CASE = "(run)"


def _text(s: str) -> str:
    return _XML_INVALID.sub("\ufffd", s)


def _seconds(value) -> str:
    return f"{value:.3f}" if value is not None else "0"


def _case_name(t: TestResult, duplicated: bool) -> str:
    """The test name alone keeps CI history stable when tests are added;
    the number only disambiguates a name that occurs twice."""
    name = t.name or "(unnamed)"
    return f"{name} (#{t.number})" if duplicated else name


def _case(suite: ET.Element, platform: str, t: TestResult, duplicated: bool) -> None:
    case = ET.SubElement(suite, "testcase", classname=f"anvil.{platform}",
                         name=_text(_case_name(t, duplicated)), time=_seconds(t.duration))
    body = _text("\n".join([t.line] + t.details))
    if t.outcome == FAIL:
        el = ET.SubElement(case, "failure", type="failure",
                           message=_text(t.reason or "not ok"))
        el.text = body
    elif t.outcome == SKIP:
        ET.SubElement(case, "skipped", message=_text(t.reason or "skipped"))
    elif t.outcome == TODO:
        note = "TODO (emulator quirk, docs/emulator-quirks.md)"
        if t.bonus:
            note += "; passed although the quirk was expected"
        ET.SubElement(case, "skipped", message=_text(f"{note}: {t.reason}"))


def build(r: RunResult) -> ET.Element:
    passed, failed, skipped, todo = r.counts()
    tests = r.parser.tests
    errors = 1 if r.problems else 0
    suite = ET.Element("testsuite", name=r.platform,
                       tests=str(len(tests) + errors + (1 if r.verdict == SKIPPED else 0)),
                       failures=str(failed), errors=str(errors),
                       skipped=str(skipped + todo + (1 if r.verdict == SKIPPED else 0)),
                       time=_seconds(r.elapsed))
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="cmdline", value=_text(r.cmdline))
    if r.outcome is not None and r.outcome.rc is not None:
        ET.SubElement(props, "property", name="emulator_rc", value=str(r.outcome.rc))
    if r.verdict == SKIPPED:
        case = ET.SubElement(suite, "testcase", classname=f"anvil.{r.platform}", name=RUN_CASE)
        ET.SubElement(case, "skipped", message=_text(r.skip_reason))
    seen = Counter(t.name for t in tests)
    for t in tests:
        _case(suite, r.platform, t, seen[t.name] > 1)
    if r.problems:
        case = ET.SubElement(suite, "testcase", classname=f"anvil.{r.platform}", name=RUN_CASE)
        el = ET.SubElement(case, "error", type="run", message=_text(r.problems[0]))
        el.text = _text("\n".join(r.problems))
    out = ET.SubElement(suite, "system-out")
    out.text = _text("\n".join(r.parser.tap_lines))
    return suite


def write(path: str, r: RunResult) -> None:
    root = ET.Element("testsuites", name="anvil")
    root.append(build(r))
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
