#!/usr/bin/env python3
"""Tests of the host runner (tools/anvil) that need no emulator.

  python3 tools/test_anvil.py [-v]

A fake emulator (tools/anvil_lib/fake_emulator.py) replays canned serial
output, sleeps, hangs or leaves a grandchild behind.
"""

import contextlib
import fcntl
import io
import json
import os
import re
import sys
import tempfile
import textwrap
import time
import unittest
import xml.etree.ElementTree as ET

TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS)

from anvil_lib import cli, cmdline, emulators, junit, platforms, process, report, versions  # noqa: E402
from anvil_lib.progress import Progress  # noqa: E402
from anvil_lib.result import FAILED, PASSED, SKIPPED, RunResult, decide  # noqa: E402
from anvil_lib.tap import FAIL, PASS, SKIP, TODO, TapParser, clean_line, parse_test_line  # noqa: E402

FAKE = os.path.join(TOOLS, "anvil_lib", "fake_emulator.py")

GOOD = """\
\x1b[2J\x1b[01;01H\x1b[=3hBdsDxe: loading Boot0001
  Booting `Anvil'
TAP version 13
# boot: handoff_to_tap_us=12345
1..4
ok 1 - boot_info is sane
not ok 2 - svm_nrips # TODO qemu-tcg-no-nrips: nRIP stays 0
ok 3 - vmx_basic # SKIP no VMX on this CPU
ok 4 - pmm alloc\\#free
BENCH name=vmrun_roundtrip value=7512.5 unit=ns
2 passed, 0 failed, 2 skipped
"""


# What the kernel prints when cases an active quirk covers pass (kernel/quirks.c).
UNSEEN = """\
TAP version 13
# boot: handoff_to_tap_us=1
# emulator: qemu-tcg version 7.2.22
ok 1 - cpu/gp_unknown_msr
# quirk no longer seen: qemu-tcg-unknown-msr-no-gp in cpu/gp_unknown_msr
not ok 2 - svm_intercepts/io_string_rep_addr64 # TODO qemu-tcg-ioio-no-address-size
ok 3 - clean_bits/touch_cr2
# quirk no longer seen: bochs-svm-vmrun-no-cr2-load in clean_bits/touch_cr2
# quirk no longer seen: some-quirk in a case with spaces
ok 4 - b
1..4
3 passed, 0 failed, 1 skipped
"""


def feed(text: str) -> TapParser:
    p = TapParser()
    for i, line in enumerate(text.splitlines()):
        p.feed(line, at=float(i))
    return p


def outcome(rc=None, timed_out=False, error="", killed_after_done=False):
    return process.Outcome(rc=rc, elapsed=1.0, timed_out=timed_out, error=error,
                           killed_after_done=killed_after_done)


def decided(text: str, rc=1, timed_out=False, exit_pass=1, exit_fail=3) -> RunResult:
    r = RunResult(platform="p", parser=feed(text), timeout_s=30)
    r.outcome = outcome(rc=rc, timed_out=timed_out)
    return decide(r, exit_pass, exit_fail)


class TapLineTests(unittest.TestCase):
    def test_ok(self):
        t = parse_test_line("ok 7 - cmdline parses")
        self.assertEqual((t.number, t.name, t.outcome, t.reason), (7, "cmdline parses", PASS, ""))

    def test_not_ok_with_reason(self):
        t = parse_test_line("not ok 3 - ept remap # read 0x0, expected 0x1234")
        self.assertEqual((t.outcome, t.name, t.reason), (FAIL, "ept remap", "read 0x0, expected 0x1234"))

    def test_escaped_directive_in_reason(self):
        t = parse_test_line("not ok 3 - x # \\TODO list was empty")
        self.assertEqual((t.outcome, t.reason), (FAIL, "TODO list was empty"))

    def test_skip(self):
        t = parse_test_line("ok 4 - spp # SKIP no SPP on this model")
        self.assertEqual((t.outcome, t.reason), (SKIP, "no SPP on this model"))
        self.assertEqual(parse_test_line("ok 5 - x # skipped: later").outcome, SKIP)

    def test_todo_is_a_quirk(self):
        t = parse_test_line("not ok 9 - nrips # TODO qemu-tcg-no-nrips: QEMU leaves nRIP 0")
        self.assertEqual((t.outcome, t.quirk, t.bonus), (TODO, "qemu-tcg-no-nrips", False))
        t = parse_test_line("ok 9 - nrips # TODO qemu-tcg-no-nrips")
        self.assertEqual((t.outcome, t.bonus), (TODO, True))

    def test_escaped_hash_and_missing_parts(self):
        self.assertEqual(parse_test_line("ok 1 - a \\# b").name, "a # b")
        t = parse_test_line("ok - unnumbered")
        self.assertEqual((t.number, t.name), (0, "unnumbered"))
        self.assertEqual(parse_test_line("not ok 2").name, "")
        self.assertIsNone(parse_test_line("okay 1 - no"))
        self.assertIsNone(parse_test_line("# ok 1 - comment"))

    def test_clean_line_drops_escapes(self):
        self.assertEqual(clean_line("\x1b[0m\x1b[=3hok 1 - x\r"), "ok 1 - x")


class TapStreamTests(unittest.TestCase):
    def test_good_stream(self):
        p = feed(GOOD)
        self.assertTrue(p.started and p.done)
        self.assertEqual(p.counts(), (2, 0, 1, 1))
        self.assertEqual(p.consistency_errors(), [])
        self.assertEqual(p.handoff_us, 12345)
        self.assertEqual(p.start_at, 2.0)
        self.assertEqual(p.tests[3].name, "pmm alloc#free")
        self.assertEqual([(b.name, b.value, b.unit) for b in p.benches],
                         [("vmrun_roundtrip", 7512.5, "ns")])
        self.assertEqual(p.tap_lines[0], "TAP version 13")
        self.assertNotIn("BdsDxe", "\n".join(p.tap_lines))

    def test_noise_before_header_is_ignored(self):
        p = feed("ok 1 - firmware says ok\n1..9\nTAP version 13\n1..1\nok 1 - x\n1 passed, 0 failed, 0 skipped")
        self.assertEqual((p.plan, len(p.tests), p.consistency_errors()), (1, 1, []))

    def test_header_with_noise_prefix_on_same_line(self):
        self.assertTrue(feed("\x1b[2J garbage TAP version 13").started)

    def test_numbering(self):
        p = feed("TAP version 13\n1..3\nok 1 - a\nok 3 - c\nok 4 - d\n3 passed, 0 failed, 0 skipped")
        self.assertIn("test numbering: expected 2, got 3 (c)", p.consistency_errors())

    def test_plan_count_and_plan_at_end(self):
        p = feed("TAP version 13\nok 1 - a\nok 2 - b\n1..3\n2 passed, 0 failed, 0 skipped")
        self.assertEqual(p.consistency_errors(), ["plan 1..3 but 2 test lines"])
        p = feed("TAP version 13\nok 1 - a\n1..1\n1 passed, 0 failed, 0 skipped")
        self.assertEqual(p.consistency_errors(), [])

    def test_beyond_plan_and_second_plan(self):
        p = feed("TAP version 13\n1..1\nok 1 - a\nok 2 - b\n1..2\n2 passed, 0 failed, 0 skipped")
        errors = p.consistency_errors()
        self.assertTrue(any("beyond the plan" in e for e in errors), errors)
        self.assertTrue(any("second plan line" in e for e in errors), errors)

    def test_closing_line_mismatch(self):
        p = feed("TAP version 13\n1..2\nok 1 - a\nnot ok 2 - b # TODO q\n2 passed, 0 failed, 0 skipped")
        self.assertEqual(p.consistency_errors(),
                         ["closing line says '2 passed, 0 failed, 0 skipped' but the TAP lines "
                          "give '1 passed, 0 failed, 1 skipped'"])

    def test_no_plan(self):
        p = feed("TAP version 13\nok 1 - a\n1 passed, 0 failed, 0 skipped")
        self.assertEqual(p.consistency_errors(), ["no plan line (1..N)"])

    def test_restart_is_reported(self):
        p = feed("TAP version 13\n1..2\nok 1 - a\nTAP version 13\n")
        self.assertTrue(any("restarted" in e for e in p.consistency_errors()))

    def test_bail_out(self):
        p = feed("TAP version 13\n1..3\nok 1 - a\nBail out! page fault at 0xdead")
        self.assertTrue(p.done)
        self.assertEqual(p.consistency_errors(), ["Bail out! page fault at 0xdead"])

    def test_lines_after_closing_are_ignored(self):
        p = feed("TAP version 13\n1..1\nok 1 - a\n1 passed, 0 failed, 0 skipped\nnot ok 2 - late")
        self.assertEqual((len(p.tests), p.consistency_errors()), (1, []))

    def test_diagnostics_and_yaml_attach_to_results(self):
        p = feed(textwrap.dedent("""\
            TAP version 13
            1..2
            # checking exit code
            not ok 1 - exit reason
              ---
              got: 0x400
              ...
            # after
            ok 2 - b
            1 passed, 1 failed, 0 skipped"""))
        self.assertEqual(p.consistency_errors(), [])
        self.assertEqual(p.tests[0].details,
                         ["# checking exit code", "  ---", "  got: 0x400", "  ...", "# after"])

    def test_unterminated_yaml_does_not_swallow_lines(self):
        p = feed("TAP version 13\n1..2\nnot ok 1 - a\n  ---\n  x: 1\nok 2 - b\n1 passed, 1 failed, 0 skipped")
        self.assertEqual((len(p.tests), p.done, p.consistency_errors()), (2, True, []))

    def test_bad_bench_value(self):
        p = feed("TAP version 13\nBENCH name=x value=fast unit=ns")
        self.assertTrue(any("non-numeric" in e for e in p.errors))

    def test_durations(self):
        p = feed(GOOD)
        self.assertEqual([t.duration for t in p.tests], [3.0, 1.0, 1.0, 1.0])

    def test_quirk_no_longer_seen(self):
        p = feed(UNSEEN)
        self.assertEqual(p.consistency_errors(), [])
        self.assertEqual([(u.quirk, u.case, u.number) for u in p.unseen_quirks],
                         [("qemu-tcg-unknown-msr-no-gp", "cpu/gp_unknown_msr", 1),
                          ("bochs-svm-vmrun-no-cr2-load", "clean_bits/touch_cr2", 3),
                          ("some-quirk", "a case with spaces", 0)])
        self.assertEqual(p.counts(), (3, 0, 0, 1))     # the lines change no verdict
        self.assertIn("# quirk no longer seen: qemu-tcg-unknown-msr-no-gp in cpu/gp_unknown_msr",
                      p.tests[0].details)               # still a diagnostic of its test

    def test_other_diagnostics_are_not_unseen_quirks(self):
        p = feed("TAP version 13\n1..1\nok 1 - a\n# quirk no longer seen:\n"
                 "# quirk no longer seen: x\n# quirk seen: q in a\nquirk no longer seen: q in a\n"
                 "1 passed, 0 failed, 0 skipped")
        self.assertEqual(p.unseen_quirks, [])

    def test_unseen_before_tap_is_ignored(self):
        p = feed("# quirk no longer seen: q in a\nTAP version 13\n1..0\n0 passed, 0 failed, 0 skipped")
        self.assertEqual(p.unseen_quirks, [])


class VerdictTests(unittest.TestCase):
    def test_pass(self):
        r = decided(GOOD, rc=1)
        self.assertEqual((r.verdict, r.problems, r.warnings), (PASSED, [], []))
        self.assertEqual([t.quirk for t in r.todo_tests()], ["qemu-tcg-no-nrips"])

    def test_failed_test_fails_the_run(self):
        r = decided("TAP version 13\n# boot: handoff_to_tap_us=1\n1..1\nnot ok 1 - a # boom\n"
                    "0 passed, 1 failed, 0 skipped", rc=3)
        self.assertEqual((r.verdict, r.problems, r.warnings, r.failure_count()), (FAILED, [], [], 1))

    def test_rc_is_only_a_cross_check(self):
        r = decided(GOOD, rc=3)
        self.assertEqual(r.verdict, PASSED)
        self.assertEqual(len(r.warnings), 1)
        self.assertIn("rc=3", r.warnings[0])

    def test_exit_before_tap(self):
        r = decided("BdsDxe: failed to load Boot0001", rc=1)
        self.assertEqual(r.problems, ["emulator exited rc=1 before 'TAP version 13'"])

    def test_front_end_bail_out_before_tap_fails_the_run(self):
        r = decided("BdsDxe: loading\nBail out! anvil-efi: cannot boot the kernel (EFI_NOT_FOUND)", rc=None,
                    timed_out=True)
        self.assertEqual(r.verdict, FAILED)
        self.assertIn("Bail out! anvil-efi: cannot boot the kernel (EFI_NOT_FOUND)", r.problems)

    def test_exit_before_plan(self):
        r = decided("TAP version 13\nok 1 - a", rc=-11)
        self.assertEqual(r.problems, ["emulator exited rc=-11 before the plan line, "
                                      "in test 2 (after 1 - a)"])
        self.assertEqual(r.verdict, FAILED)

    def test_exit_before_closing_line(self):
        r = decided("TAP version 13\n1..3\nok 1 - a\nok 2 - b", rc=0)
        self.assertEqual(r.problems, ["emulator exited rc=0 before the closing line, "
                                      "in test 3 (after 2 - b)"])
        self.assertEqual(r.failure_count(), 1)

    def test_timeout_names_the_test(self):
        r = decided("TAP version 13\n1..3\nok 1 - vmx_on", rc=None, timed_out=True)
        self.assertEqual(r.problems, ["timeout after 30 s in test 2 (after 1 - vmx_on)"])
        r = decided("BdsDxe", rc=None, timed_out=True)
        self.assertTrue(r.problems[0].startswith("timeout after 30 s before 'TAP version 13'"))

    def test_inconsistency_fails_the_run(self):
        r = decided("TAP version 13\n# boot: handoff_to_tap_us=1\n1..2\nok 1 - a\n"
                    "1 passed, 0 failed, 0 skipped", rc=1)
        self.assertEqual((r.verdict, r.problems), (FAILED, ["plan 1..2 but 1 test lines"]))

    def test_missing_handoff_is_a_warning(self):
        r = decided("TAP version 13\n1..1\nok 1 - a\n1 passed, 0 failed, 0 skipped", rc=1)
        self.assertEqual(r.verdict, PASSED)
        self.assertTrue(any("handoff_to_tap_us" in w for w in r.warnings))


class JunitTests(unittest.TestCase):
    def xml(self, r: RunResult) -> ET.Element:
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "x.xml")
            junit.write(path, r)
            return ET.parse(path).getroot()

    def test_cases_and_counts(self):
        r = decided(GOOD.replace("ok 4 - pmm", "not ok 4 - pmm").replace("2 passed, 0 failed",
                                                                         "1 passed, 1 failed") + "", rc=3)
        suite = self.xml(r).find("testsuite")
        self.assertEqual((suite.get("name"), suite.get("tests"), suite.get("failures"),
                          suite.get("skipped"), suite.get("errors")), ("p", "4", "1", "2", "0"))
        cases = suite.findall("testcase")
        self.assertEqual([c.get("name") for c in cases],
                         ["boot_info is sane", "svm_nrips", "vmx_basic", "pmm alloc#free"])
        self.assertIn("TODO", cases[1].find("skipped").get("message"))
        self.assertEqual(cases[2].find("skipped").get("message"), "no VMX on this CPU")
        self.assertIsNotNone(cases[3].find("failure"))
        self.assertIn("TAP version 13", suite.find("system-out").text)

    def test_run_error_case(self):
        r = decided("TAP version 13\n1..2\nok 1 - a", rc=None, timed_out=True)
        suite = self.xml(r).find("testsuite")
        self.assertEqual(suite.get("errors"), "1")
        err = suite.find("testcase[@name='(run)']/error")
        self.assertTrue(err.get("message").startswith("timeout after"))

    def test_invalid_xml_characters_are_replaced(self):
        r = decided("TAP version 13\n1..1\nnot ok 1 - bad\x01name # \x07bell\n"
                    "0 passed, 1 failed, 0 skipped", rc=3)
        case = self.xml(r).find("testsuite/testcase")
        self.assertEqual(case.get("name"), "bad\ufffdname")

    def test_duplicate_names_get_numbers(self):
        r = decided("TAP version 13\n1..3\nok 1 - a\nok 2 - a\nok 3 - b\n"
                    "3 passed, 0 failed, 0 skipped", rc=1)
        names = [c.get("name") for c in self.xml(r).findall("testsuite/testcase")]
        self.assertEqual(names, ["a (#1)", "a (#2)", "b"])

    def test_skipped_platform(self):
        from anvil_lib.result import skipped
        suite = self.xml(skipped("bochs-x86-vmx", "missing bochs")).find("testsuite")
        self.assertEqual(suite.get("skipped"), "1")
        self.assertEqual(suite.find("testcase/skipped").get("message"), "missing bochs")


class CmdlineTests(unittest.TestCase):
    def test_defaults(self):
        self.assertEqual(cmdline.build(), "on_finish=exit")
        self.assertEqual(cmdline.build(tests="svm_*,cmdline", test_timeout="5"),
                         "on_finish=exit tests=svm_*,cmdline timeout=5")
        self.assertEqual(cmdline.build(bench=True), "on_finish=exit bench=1 audit=0")
        self.assertEqual(cmdline.build("audit=1", bench=True), "on_finish=exit bench=1 audit=1")

    def test_user_words_override_defaults(self):
        self.assertEqual(cmdline.build("on_finish=halt verbose"), "on_finish=halt verbose")
        self.assertEqual(cmdline.build("tests=a", tests="b"), "on_finish=exit tests=a")

    def test_emulator_version(self):
        self.assertEqual(cmdline.build(emulator_version="7.2.19"), "on_finish=exit emulator_version=7.2.19")
        self.assertEqual(cmdline.build(tests="a", emulator_version="2.7"),
                         "on_finish=exit tests=a emulator_version=2.7")
        self.assertEqual(cmdline.build("emulator_version=2.8", emulator_version="2.7"),
                         "on_finish=exit emulator_version=2.8")
        # What the kernel would reject is not passed at all: unknown is better than wrong.
        for bad in ("", None, "1:7.2", "7.2 beta", "x" * 32, "7.2;reboot"):
            self.assertEqual(cmdline.build(emulator_version=bad), "on_finish=exit", bad)
        self.assertTrue(cmdline.version_ok("2.7+dfsg-4~bpo12.1"))
        self.assertTrue(cmdline.version_ok("x" * 31))

    def test_check(self):
        self.assertIsNone(cmdline.check("on_finish=exit tests=a,b"))
        self.assertIsNotNone(cmdline.check('x="y"'))
        self.assertIsNotNone(cmdline.check("a;reboot"))
        self.assertIsNotNone(cmdline.check("x" * 1024))


def _fake_binary(d: str, name: str, body: str) -> str:
    """An executable shell script standing in for an emulator binary."""
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body)
    os.chmod(path, 0o755)
    return path


class VersionTests(unittest.TestCase):
    def test_qemu_version_line(self):
        self.assertEqual(versions.qemu_version_from_output(
            "QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)\n"
            "Copyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers\n"), "7.2.19")
        self.assertEqual(versions.qemu_version_from_output("QEMU emulator version 8.2.2\n"), "8.2.2")
        self.assertEqual(versions.qemu_version_from_output("QEMU emulator version 9.0.50 (v9.0.0-1-g0)"),
                         "9.0.50")
        for text in ("", "qemu-system-x86_64: unknown option\n", "Copyright\nQEMU emulator version 7.2.0\n",
                     "QEMU emulator version unknown\n"):
            self.assertIsNone(versions.qemu_version_from_output(text), text)

    def test_debian_upstream_version(self):
        for deb, upstream in (("2.7+dfsg-4+deb12u1", "2.7"), ("2.7+dfsg-4", "2.7"),
                              ("1:7.2+dfsg-7+deb12u18+b3", "7.2"), ("2.8-1", "2.8"),
                              ("3.0~pre1-2", "3.0"), ("2.7.1", "2.7.1")):
            self.assertEqual(versions.debian_upstream_version(deb), upstream, deb)
        self.assertIsNone(versions.debian_upstream_version(""))
        self.assertIsNone(versions.debian_upstream_version("dfsg"))

    def test_dpkg_owner(self):
        self.assertEqual(versions.dpkg_owner_from_output("bochs: /usr/bin/bochs\n"), "bochs")
        self.assertEqual(versions.dpkg_owner_from_output(
            "diversion by x from: /usr/bin/q\nqemu-system-x86:amd64, other: /usr/bin/q\n"), "qemu-system-x86")
        self.assertIsNone(versions.dpkg_owner_from_output(""))
        self.assertIsNone(versions.dpkg_owner_from_output("dpkg-query: no path found matching pattern\n"))

    def platform(self, emulator, binary):
        return platforms.Platform(name="x", description="", emulator=emulator, binary=binary,
                                  boot="none", timeout=1)

    def test_qemu_binary_is_asked_once(self):
        with tempfile.TemporaryDirectory() as d:
            calls = os.path.join(d, "calls")
            qemu = _fake_binary(d, "qemu-fake", f'echo "$@" >> {calls}\n'
                                'echo "QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)"\n'
                                'echo "Copyright (c) 2003-2022 Fabrice Bellard"\n')
            p = self.platform("qemu", qemu)
            self.assertEqual(versions.emulator_version(p), "7.2.19")
            self.assertEqual(versions.emulator_version(p), "7.2.19")
            with open(calls) as f:
                self.assertEqual(f.read(), "--version\n")   # cached, and never started a VM

    def test_unknown_versions(self):
        with tempfile.TemporaryDirectory() as d:
            failing = _fake_binary(d, "qemu-broken", "echo 'QEMU emulator version 7.2.19'; exit 1\n")
            self.assertIsNone(versions.emulator_version(self.platform("qemu", failing)))
            silent = _fake_binary(d, "qemu-silent", "exit 0\n")
            self.assertIsNone(versions.emulator_version(self.platform("qemu", silent)))
            # A binary no package owns has no package version.
            bochs = _fake_binary(d, "bochs-fake", "echo never run; exit 1\n")
            self.assertIsNone(versions.emulator_version(self.platform("bochs", bochs)))
        self.assertIsNone(versions.emulator_version(self.platform("qemu", "/no/such/qemu-anvil")))
        self.assertIsNone(versions.emulator_version(self.platform("command", sys.executable)))
        self.assertIsNone(versions.emulator_version(self.platform("command", "")))

    def test_installed_bochs(self):
        import shutil
        if not shutil.which("bochs") or not shutil.which("dpkg-query"):
            self.skipTest("no Debian bochs on this machine")
        version = versions.emulator_version(self.platform("bochs", "bochs"))
        self.assertRegex(version or "", r"^\d+(\.\d+)+$")
        self.assertTrue(cmdline.version_ok(version))

    def test_command_line_per_platform(self):
        with tempfile.TemporaryDirectory() as d:
            qemu = _fake_binary(d, "qemu-fake", 'echo "QEMU emulator version 8.1.3"\n')
            args = cli.parser().parse_args(["run", "--tests", "cpu/*"])
            self.assertEqual(cli._cmdline_for(args, self.platform("qemu", qemu), bench=False),
                             "on_finish=exit tests=cpu/* emulator_version=8.1.3")
            self.assertEqual(cli._cmdline_for(args, self.platform("command", qemu), bench=True),
                             "on_finish=exit tests=cpu/* bench=1 audit=0")
            missing = self.platform("qemu", qemu)
            missing.requires_bin = ["no-such-emulator-anvil"]
            self.assertEqual(cli._cmdline_for(args, missing, bench=False), "on_finish=exit tests=cpu/*")


class NeutralCoreTests(unittest.TestCase):
    """kernel/, lib/ and drivers/ build for every arch unchanged: no conditional
    compilation (include guards aside) and no instruction of any arch (inline
    assembly other than the empty compiler barrier)."""

    def sources(self):
        repo = os.path.dirname(TOOLS)
        for top in ("kernel", "lib", "drivers"):
            for d, _, files in os.walk(os.path.join(repo, top)):
                for f in files:
                    if f.endswith((".c", ".h")):
                        yield os.path.join(d, f)

    def test_no_arch_conditionals_or_instructions(self):
        cond = re.compile(r"^\s*#\s*(if|ifdef|elif)\b")
        asm = re.compile(r"\b(__asm__|asm)\b")
        barrier = re.compile(r'__asm__ volatile\(""\s*:::\s*"memory"\)')
        found = []
        for path in self.sources():
            with open(path, encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    if cond.match(line) or (asm.search(line) and not barrier.search(line)):
                        found.append(f"{os.path.relpath(path, os.path.dirname(TOOLS))}:{n}: {line.strip()}")
        self.assertEqual(found, [])


class PlatformFileTests(unittest.TestCase):
    def test_shipped_platforms_load(self):
        ps = platforms.load_platforms(os.path.join(TOOLS, "platforms"))
        self.assertEqual(list(ps), ["qemu-x86-uefi", "qemu-x86-grub", "qemu-x86-uefi-grub",
                                    "bochs-x86-vmx", "bochs-x86-nospp", "bochs-x86-svm",
                                    "qemu-arm64-uefi", "qemu-arm64-gicv3", "qemu-arm64-gicv2"])
        self.assertEqual(platforms.default_platform(ps), "qemu-x86-uefi")
        self.assertEqual((ps["qemu-x86-uefi"].boot, ps["bochs-x86-svm"].cpu), ("esp", "ryzen"))

    def test_arm64_command_lines(self):
        ps = platforms.load_platforms(os.path.join(TOOLS, "platforms"))
        uefi = emulators.qemu_argv(ps["qemu-arm64-uefi"], "/b/esp")
        for words in (["-bios", "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd"], ["-boot", "menu=on,splash-time=0"],
                      ["-drive", "file=fat:rw:/b/esp,format=raw"]):
            self.assertTrue(any(uefi[i:i + len(words)] == words for i in range(len(uefi))), words)
        direct = emulators.qemu_argv(ps["qemu-arm64-gicv2"], "/b/anvil.bin", "on_finish=exit")
        self.assertIn("virt,virtualization=on,gic-version=2", direct)
        self.assertEqual(direct[direct.index("-kernel") + 1:direct.index("-kernel") + 4],
                         ["/b/anvil.bin", "-append", "on_finish=exit"])
        for argv in (uefi, direct):  # virt has no ISA bus and no VGA
            self.assertNotIn("-device", argv)
            self.assertIn("-semihosting", argv)

    def test_qemu_command_lines(self):
        ps = platforms.load_platforms(os.path.join(TOOLS, "platforms"))
        uefi = emulators.qemu_argv(ps["qemu-x86-uefi"], "/b/esp")
        for words in (["-cpu", "max"], ["-accel", "tcg"], ["-bios", "/usr/share/OVMF/OVMF_CODE.fd"],
                      ["-drive", "file=fat:rw:/b/esp,format=raw"], ["-device", "VGA"],
                      ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"], ["-serial", "stdio"],
                      ["-display", "none"], ["-nodefaults"], ["-no-reboot"]):
            self.assertTrue(any(uefi[i:i + len(words)] == words for i in range(len(uefi))), words)
        grub = emulators.qemu_argv(ps["qemu-x86-grub"], "/b/anvil.iso")
        self.assertIn("/b/anvil.iso", grub)
        self.assertNotIn("-bios", grub)

    def test_bochsrc(self):
        ps = platforms.load_platforms(os.path.join(TOOLS, "platforms"))
        rc = emulators.bochsrc(ps["bochs-x86-vmx"], "anvil.iso")
        for line in ("cpu: model=tigerlake,", 'display_library: rfb, options="timeout=0"',
                     "vgaromimage: file=/usr/share/seabios/vgabios-stdvga.bin",
                     "magic_break: enabled=1", "port_e9_hack: enabled=1", "com1: enabled=1, mode=file, dev=serial.txt",
                     "ata0-slave: type=cdrom, path=anvil.iso"):
            self.assertIn(line, rc)
        self.assertIn("cpu: model=ryzen,", emulators.bochsrc(ps["bochs-x86-svm"], "a.iso"))
        self.assertIn("cpu: model=corei7_skylake_x,", emulators.bochsrc(ps["bochs-x86-nospp"], "a.iso"))

    def test_validation(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bad.conf")
            with open(path, "w") as f:
                f.write("[platform]\nemulator = vbox\nboot = floppy\n")
            with self.assertRaises(platforms.PlatformError) as e:
                platforms.load_platform(path)
            self.assertIn("emulator must be one of", str(e.exception))

    def test_requirements(self):
        p = platforms.Platform(name="x", description="", emulator="qemu", binary="q", boot="esp",
                               timeout=1, requires_bin=["no-such-binary-anvil"],
                               requires_files=["/no/such/file"], requires_hint="apt-get install x")
        self.assertEqual(p.skip_reason(),
                         "missing no-such-binary-anvil, /no/such/file (apt-get install x)")


DEPS = os.path.join(TOOLS, "deps")


def _package_list():
    words = []
    with open(os.path.join(DEPS, "packages.txt")) as f:
        for line in f:
            words += line.split("#", 1)[0].split()
    return words


def _required_files():
    """[(path, package, why)] from required-files.txt."""
    rows = []
    with open(os.path.join(DEPS, "required-files.txt")) as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split(None, 2)
            if len(parts) < 3:
                raise AssertionError(f"required-files.txt:{n}: want 'PATH PACKAGE WHAT-NEEDS-IT': {line!r}")
            rows.append((parts[0], parts[1], parts[2].strip()))
    return rows


def _run_sh(*argv, env=None):
    import subprocess
    return subprocess.run(["sh", *argv], capture_output=True, text=True, env=env)


class DependencyListTests(unittest.TestCase):
    """tools/deps/packages.txt and required-files.txt agree with each other,
    with the platform files and with dpkg's own file lists."""

    def test_every_required_file_names_a_listed_package(self):
        listed = set(_package_list())
        rows = _required_files()
        self.assertGreater(len(rows), 20)
        for path, pkg, _ in rows:
            self.assertTrue(path.startswith("/"), path)
            self.assertIn(pkg, listed, f"{path}: package {pkg} is not in packages.txt")

    def test_no_duplicates(self):
        pkgs = _package_list()
        self.assertEqual(len(pkgs), len(set(pkgs)))
        paths = [r[0] for r in _required_files()]
        self.assertEqual(len(paths), len(set(paths)))

    def test_platform_requirements_are_required_files(self):
        required = {r[0] for r in _required_files()}
        for name, p in platforms.load_platforms(os.path.join(TOOLS, "platforms")).items():
            for f in p.requires_files + ([p.firmware] if p.firmware else []) + \
                    ([p.vgabios] if getattr(p, "vgabios", "") else []):
                self.assertIn(f, required, f"{name} needs {f}, which required-files.txt does not list")
            for b in p.requires_bin + [p.binary]:
                self.assertTrue({"/usr/bin/" + b, "/bin/" + b} & required,
                                f"{name} runs {b}, which required-files.txt does not list")

    def test_named_package_owns_the_file(self):
        import shutil
        import subprocess
        if shutil.which("dpkg") is None:
            self.skipTest("no dpkg on this machine")
        present = [r for r in _required_files() if os.path.exists(r[0])]
        if not present:
            self.skipTest("none of the required files is installed here")
        out = subprocess.run(["dpkg", "-S"] + [r[0] for r in present], capture_output=True, text=True).stdout
        owners = {}
        for line in out.splitlines():
            if ": " in line and not line.startswith("diversion"):
                pkgs, path = line.split(": ", 1)
                owners.setdefault(path, set()).update(p.split(":")[0] for p in pkgs.split(", "))
        for path, pkg, _ in present:
            self.assertIn(pkg, owners.get(path, set()), f"dpkg says {path} belongs to {owners.get(path)}, not {pkg}")

    def test_apt_sh_names_missing_file_and_package(self):
        import shutil
        if shutil.which("dpkg-query") is None:
            self.skipTest("no dpkg-query on this machine")
        with tempfile.TemporaryDirectory() as d:
            pk, rf = os.path.join(d, "packages.txt"), os.path.join(d, "required-files.txt")
            with open(pk, "w") as f:
                f.write("# nothing to install\n")
            with open(rf, "w") as f:
                f.write("# comment\n/no/such/anvil-font.psf.gz  anvil-no-such-package  the console font\n"
                        f"{os.path.abspath(__file__)} anvil-no-such-package  present files pass\n")
            r = _run_sh(os.path.join(DEPS, "apt.sh"), pk, rf)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("missing /no/such/anvil-font.psf.gz (the console font)", r.stderr)
            self.assertIn("package anvil-no-such-package, which is not installed", r.stderr)
            self.assertIn("anvil-no-such-package is not in " + pk, r.stderr)
            self.assertIn("1 required file(s) missing", r.stderr)
            with open(rf, "w") as f:
                f.write(f"{os.path.abspath(__file__)} anvil-no-such-package  present files pass\n")
            r = _run_sh(os.path.join(DEPS, "apt.sh"), pk, rf)
            self.assertEqual((r.returncode, r.stderr), (0, ""))


class AptSourcesTests(unittest.TestCase):
    """tools/deps/apt-sources.sh: the machine's deb entries, retyped and filtered by release."""

    def run_on(self, files, *args):
        with tempfile.TemporaryDirectory() as etc:
            os.makedirs(os.path.join(etc, "sources.list.d"))
            for name, text in files.items():
                with open(os.path.join(etc, name), "w") as f:
                    f.write(textwrap.dedent(text))
            return _run_sh(os.path.join(DEPS, "apt-sources.sh"), *args, etc)

    def test_deb822_and_one_line(self):
        r = self.run_on({
            "sources.list.d/debian.sources": """\
                # a comment
                Types: deb deb-src
                URIs: http://m.example/debian
                Suites: bookworm bookworm-updates trixie
                Components: main contrib
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

                Types: deb
                URIs: http://off.example/debian
                Suites: bookworm
                Enabled: no
                """,
            "sources.list": """\
                deb [arch=amd64 signed-by=/k.gpg] http://s.example/debian-security bookworm-security main
                deb http://u.example/ubuntu jammy main
                deb-src http://m.example/debian bookworm main
                """,
            "sources.list.d/other.list.disabled": "deb http://x.example/ bookworm main\n",
        }, "--type", "deb-src", "--suite", "bookworm")
        self.assertEqual(r.returncode, 0, r.stderr)
        stanzas = [s.strip() for s in r.stdout.strip().split("\n\n")]
        self.assertEqual(stanzas, [
            "Types: deb-src\nURIs: http://s.example/debian-security\nSuites: bookworm-security\n"
            "Components: main\nSigned-By: /k.gpg",
            "Types: deb-src\nURIs: http://m.example/debian\nSuites: bookworm bookworm-updates\n"
            "Components: main contrib\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg",
        ])

    def test_nothing_left_is_an_error(self):
        r = self.run_on({"sources.list": "deb http://u.example/ubuntu jammy main\n"}, "--suite", "bookworm")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no enabled deb entry for bookworm", r.stderr)


class FakeEmulatorMixin:
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.d = self.dir.name

    def tearDown(self):
        self.dir.cleanup()

    def script(self, text: str, name: str = "script.txt") -> str:
        path = os.path.join(self.d, name)
        with open(path, "w") as f:
            f.write(text)
        return path


class ProcessTests(FakeEmulatorMixin, unittest.TestCase):
    def run_fake(self, text, timeout=10.0, serial_file=None, lock=None, **kw):
        argv = [sys.executable, FAKE, self.script(text)]
        if serial_file:
            argv += ["--serial-file", serial_file]
        lines = []
        launch = process.Launch(argv, self.d, serial_file, lock)
        out = process.run(launch, timeout, lambda s, l, t: lines.append((s, l)), **kw)
        return out, lines

    def test_streams_stdout_and_rc(self):
        out, lines = self.run_fake("hello\n@stderr qemu: warning\n@raw partial\n@exit 3\n")
        self.assertEqual(out.rc, 3)
        self.assertFalse(out.timed_out)
        self.assertIn(("serial", "hello\r"), lines)
        self.assertIn(("serial", "partial"), lines)
        self.assertIn(("stderr", "qemu: warning"), lines)

    def test_serial_file_is_tailed(self):
        out, lines = self.run_fake("one\n@sleep 0.2\ntwo\n@stderr chatter\n@exit 0\n",
                                   serial_file="serial.txt")
        self.assertEqual(out.rc, 0)
        self.assertEqual([l for s, l in lines if s == "serial"], ["one\r", "two\r"])
        self.assertIn(("stderr", "chatter"), lines)

    def test_stale_serial_file_is_not_replayed(self):
        with open(os.path.join(self.d, "serial.txt"), "w") as f:
            f.write("TAP version 13\nold run\n")
        out, lines = self.run_fake("new run\n@exit 0\n", serial_file="serial.txt")
        self.assertEqual([l for s, l in lines if s == "serial"], ["new run\r"])

    def test_timeout_kills_the_whole_group(self):
        pidfile = os.path.join(self.d, "child.pid")
        t0 = time.monotonic()
        out, lines = self.run_fake(f"TAP version 13\n@child {pidfile}\n@hang\n", timeout=1.0)
        self.assertTrue(out.timed_out)
        self.assertIsNone(out.rc)
        self.assertLess(time.monotonic() - t0, 6)
        with open(pidfile) as f:
            child = int(f.read())
        self.assertFalse(_alive(child), "the grandchild survived")

    def test_lingering_after_done_is_killed(self):
        out, _ = self.run_fake("done\n@hang\n", is_done=lambda: True, done_grace_s=0.3)
        self.assertTrue(out.killed_after_done)
        self.assertFalse(out.timed_out)

    def test_lock_is_held_while_running(self):
        lock = os.path.join(self.d, "emu.lock")
        seen = []

        def probe(stream, line, at):
            fd = os.open(lock, os.O_RDWR)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                seen.append("free")
            except BlockingIOError:
                seen.append("held")
            finally:
                os.close(fd)

        launch = process.Launch([sys.executable, FAKE, self.script("x\n")], self.d, None, lock)
        process.run(launch, 10, probe)
        self.assertEqual(seen, ["held"])
        fd = os.open(lock, os.O_RDWR)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released afterwards
        os.close(fd)

    def test_missing_binary(self):
        launch = process.Launch(["/no/such/emulator"], self.d, None, None)
        out = process.run(launch, 5, lambda *a: None)
        self.assertIsNotNone(out.rc)   # timeout(1) reports 127: cannot execute
        self.assertNotEqual(out.rc, 0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:   # a zombie waiting for init is gone too
        return f.read().split()[2] != "Z"


class CliTests(FakeEmulatorMixin, unittest.TestCase):
    def platform(self, name, script_text, serial="stdout", extra="", boot="none"):
        script = self.script(script_text, name + ".txt")
        serial_arg = " --serial-file {serial}" if serial == "file" else ""
        os.makedirs(os.path.join(self.d, "platforms"), exist_ok=True)
        with open(os.path.join(self.d, "platforms", name + ".conf"), "w") as f:
            f.write(textwrap.dedent(f"""\
                [platform]
                description = fake {name}
                emulator = command
                command = {sys.executable} {FAKE} {script}{serial_arg}
                serial = {serial}
                boot = {boot}
                timeout = 5
                exit_pass = 1
                exit_fail = 3
                exclusive = no
                """) + extra)

    def anvil(self, *args):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            rc = cli.main(["--platforms-dir", os.path.join(self.d, "platforms"),
                           "--repo", self.d, "--build-dir", "build", *args])
        return rc, out.getvalue()

    def reports(self, name):
        return os.path.join(self.d, "build", "reports", name)

    def test_test_command_aggregates_and_fails(self):
        self.platform("a-good", GOOD + "@exit 1\n", extra="order = 1\n")
        self.platform("b-bad", "TAP version 13\n# boot: handoff_to_tap_us=900\n1..2\nok 1 - x\n"
                      "not ok 2 - y # wrong value\n1 passed, 1 failed, 0 skipped\n@exit 3\n",
                      serial="file", extra="order = 2\n")
        self.platform("c-missing", GOOD, extra="requires_bin = no-such-emulator-anvil\n"
                      "requires_hint = apt-get install it\n")
        rc, out = self.anvil("test")
        self.assertEqual(rc, 1)
        lines = out.splitlines()
        self.assertEqual(lines[-1], "3 passed, 1 failed, 2 skipped")
        self.assertIn("a-good: ok 1 - boot_info is sane", out)         # live result lines
        self.assertIn("b-bad: not ok 2 - y # wrong value", out)
        self.assertIn("b-bad 2 - y: wrong value", out)                 # failure list
        self.assertIn("qemu-tcg-no-nrips:", out)                       # TODO by quirk
        self.assertIn("SKIPPED: missing no-such-emulator-anvil (apt-get install it)", out)
        self.assertIn("a-good: hand-off to first TAP line: 12.3 ms; emulator start to first TAP line:", out)
        self.assertLess(out.index("a-good: fake"), out.index("b-bad: fake"))  # run order
        for name in ("a-good", "b-bad", "c-missing"):
            for ext in (".tap", ".xml", ".log"):
                self.assertTrue(os.path.exists(self.reports(name + ext)), name + ext)
        with open(self.reports("summary.json")) as f:
            summary = json.load(f)
        self.assertEqual((summary["passed"], summary["failed"], summary["skipped"]), (3, 1, 2))
        with open(self.reports("c-missing.tap")) as f:
            self.assertIn("1..0 # SKIP missing", f.read())
        with open(self.reports("b-bad.log")) as f:
            log = f.read()
        self.assertIn("not ok 2 - y # wrong value", log)
        self.assertIn("verdict FAIL", log)

    def test_quirks_no_longer_seen_in_the_summary(self):
        self.platform("a-unseen", UNSEEN + "@exit 1\n")
        rc, out = self.anvil("run", "a-unseen")
        self.assertEqual(rc, 0, out)
        self.assertIn("Quirks no longer seen (the emulator may have been fixed: re-check, then "
                      "version-gate or remove the quirk):\n  qemu-tcg-unknown-msr-no-gp:\n"
                      "    a-unseen 1 - cpu/gp_unknown_msr\n", out)
        self.assertEqual(out.splitlines()[-1], "3 passed, 0 failed, 1 skipped")
        with open(self.reports("a-unseen.log")) as f:
            log = f.read()
        self.assertIn("kernel command line: on_finish=exit\n", log)   # a command emulator has no version
        with open(self.reports("run-summary.json")) as f:
            unseen = json.load(f)["platforms"][0]["quirks_no_longer_seen"]
        self.assertEqual([u["quirk"] for u in unseen],
                         ["qemu-tcg-unknown-msr-no-gp", "bochs-svm-vmrun-no-cr2-load", "some-quirk"])

    def test_selected_platforms_pass(self):
        self.platform("a-good", GOOD + "@exit 1\n")
        self.platform("b-hang", "TAP version 13\n@hang\n")
        rc, out = self.anvil("test", "--platforms", "a-good")
        self.assertEqual(rc, 0, out)
        self.assertEqual(out.splitlines()[-1], "2 passed, 0 failed, 2 skipped")
        self.assertNotIn("b-hang", out)

    def test_require_all(self):
        self.platform("a-good", GOOD + "@exit 1\n")
        self.platform("c-missing", GOOD, extra="requires_files = /no/such/firmware.fd\n")
        self.assertEqual(self.anvil("test")[0], 0)
        self.assertEqual(self.anvil("test", "--require-all")[0], 1)

    def test_run_timeout(self):
        self.platform("a-hang", "TAP version 13\n1..3\nok 1 - first\n@hang\n")
        rc, out = self.anvil("run", "a-hang", "--timeout", "1")
        self.assertEqual(rc, 1)
        self.assertIn("timeout after 1 s in test 2 (after 1 - first)", out)
        self.assertEqual(out.splitlines()[-1], "1 passed, 1 failed, 0 skipped")

    def test_run_crash_before_plan(self):
        self.platform("a-crash", "BdsDxe: loading\nTAP version 13\nok 1 - a\n@exit 0\n")
        rc, out = self.anvil("run", "a-crash")
        self.assertEqual(rc, 1)
        self.assertIn("emulator exited rc=0 before the plan line", out)

    def test_run_default_and_missing(self):
        self.platform("a-good", GOOD + "@exit 1\n", extra="default = yes\n")
        self.platform("c-missing", GOOD, extra="requires_bin = no-such-emulator-anvil\n")
        rc, out = self.anvil("run")
        self.assertEqual(rc, 0, out)
        self.assertIn("a-good", out)
        rc, out = self.anvil("run", "c-missing")
        self.assertEqual(rc, 1)
        self.assertIn("SKIPPED: missing no-such-emulator-anvil", out)
        self.assertEqual(self.anvil("run", "nope")[0], 2)

    def test_bench(self):
        self.platform("a-good", GOOD + "@exit 1\n")
        rc, out = self.anvil("bench", "a-good")
        self.assertEqual(rc, 0, out)
        self.assertRegex(out, r"vmrun_roundtrip\s+7512.5\s+ns")
        with open(self.reports("a-good-bench.tsv")) as f:
            self.assertEqual(f.read(), "name\tvalue\tunit\nvmrun_roundtrip\t7512.5\tns\n")
        with open(self.reports("a-good-bench.log")) as f:
            self.assertIn("on_finish=exit tests=bench_* bench=1 audit=0", f.read())
        self.assertIn("a-good: auditor off (audit=0)", out)
        rc, out = self.anvil("bench", "a-good", "--cmdline", "audit=1")
        self.assertIn("a-good: auditor on (audit=1)", out)

    def test_build_failure_is_one_failure(self):
        self.platform("a-image", GOOD, boot="iso")
        with open(os.path.join(self.d, "Makefile"), "w") as f:
            f.write("kernel efi:\n\t@echo 'kernel/x.c:1: error: broken' && false\n")
        rc, out = self.anvil("test")
        self.assertEqual(rc, 1)
        self.assertIn("kernel/x.c:1: error: broken", out)
        self.assertEqual(out.splitlines()[-1], "0 passed, 1 failed, 0 skipped")

    def test_list(self):
        self.platform("a-good", GOOD, extra="default = yes\n")
        self.platform("c-missing", GOOD, extra="requires_bin = no-such-emulator-anvil\n")
        rc, out = self.anvil("list")
        self.assertEqual(rc, 0)
        self.assertRegex(out, r"a-good \(default\)\s+none\s+command\s+ready")
        self.assertIn("missing no-such-emulator-anvil", out)


class ProgressTests(unittest.TestCase):
    def test_non_tty_prints_result_lines(self):
        out = io.StringIO()
        prog = Progress(out=out, tty=False)
        parser = TapParser()
        prog.begin("p", parser)
        for line in GOOD.splitlines():
            prog.serial(line, parser.feed(line))
        prog.end()
        self.assertEqual(out.getvalue().splitlines()[0], "p: 1..4")
        self.assertIn("p: not ok 2 - svm_nrips # TODO qemu-tcg-no-nrips: nRIP stays 0", out.getvalue())
        self.assertNotIn("BdsDxe", out.getvalue())

    def test_tty_status_line(self):
        out = io.StringIO()
        prog = Progress(out=out, tty=True)
        parser = feed("TAP version 13\n1..3\nok 1 - alpha")
        prog.begin("p", parser)
        prog.started()
        prog.tick(2.5)
        self.assertIn("1 ok, 0 failed", out.getvalue())
        self.assertIn("test 2 (last: alpha)", out.getvalue())
        prog.serial("not ok 2 - beta", parser.feed("not ok 2 - beta"))
        self.assertIn("p: not ok 2 - beta\n", out.getvalue())
        prog.end()
        self.assertTrue(out.getvalue().endswith("\r\x1b[K"))


class ReportTests(unittest.TestCase):
    def test_quirks_no_longer_seen_section(self):
        from anvil_lib.result import skipped
        seen = decided(UNSEEN, rc=1)
        other = RunResult(platform="bochs-x86-svm", parser=feed(
            "TAP version 13\n# boot: handoff_to_tap_us=1\n1..1\nok 1 - clean_bits/touch_cr2\n"
            "# quirk no longer seen: bochs-svm-vmrun-no-cr2-load in clean_bits/touch_cr2\n"
            "1 passed, 0 failed, 0 skipped"), timeout_s=30)
        other.outcome = outcome(rc=0)
        decide(other, 0, 1)
        clean = decided(GOOD, rc=1)
        self.assertEqual((seen.verdict, other.verdict), (PASSED, PASSED))   # no verdict changes
        text = report.summary([seen, other, clean, skipped("x", "missing x")], "build/reports")
        lines = text.splitlines()
        start = lines.index("Quirks no longer seen (the emulator may have been fixed: re-check, "
                            "then version-gate or remove the quirk):")
        self.assertEqual(lines[start + 1:start + 7], [
            "  qemu-tcg-unknown-msr-no-gp:",
            "    p 1 - cpu/gp_unknown_msr",
            "  bochs-svm-vmrun-no-cr2-load:",
            "    p 3 - clean_bits/touch_cr2",
            "    bochs-x86-svm 1 - clean_bits/touch_cr2",
            "  some-quirk:",
        ])
        self.assertEqual(lines[start + 7], "    p a case with spaces")
        self.assertLess(lines.index(f"TODO (known emulator quirks, see {report.QUIRKS_DOC}):"), start)
        self.assertNotIn("Quirks no longer seen", report.summary([clean], "build/reports"))

    def test_quirks_no_longer_seen_in_json(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "summary.json")
            report.write_summary_json(path, [decided(UNSEEN, rc=1)])
            with open(path) as f:
                doc = json.load(f)
        self.assertEqual(doc["platforms"][0]["quirks_no_longer_seen"][0],
                         {"quirk": "qemu-tcg-unknown-msr-no-gp", "case": "cpu/gp_unknown_msr", "number": 1})

    def test_table_and_totals(self):
        from anvil_lib.result import skipped
        good = decided(GOOD, rc=1)
        hung = decided("TAP version 13\n1..2\nok 1 - a", rc=None, timed_out=True)
        gone = skipped("bochs", "missing bochs")
        text = report.table([good, hung, gone])
        self.assertIn("SKIPPED: missing bochs", text)
        self.assertIn("FAIL: timeout after 30 s", text)
        self.assertEqual(report.closing_line([good, hung, gone]), "3 passed, 1 failed, 2 skipped")
        self.assertEqual(gone.verdict, SKIPPED)


def _yaml_load(text):
    """PyYAML when the machine has it (python3-yaml), else None."""
    try:
        import yaml
    except ImportError:
        return None
    return yaml.safe_load(text)


class LavaTests(unittest.TestCase):
    """tools/anvil lava: jobs generated from the platform files (no LAVA needed;
    the job is parsed with PyYAML and checked with LAVA's own schema when
    those are installed)."""

    def setUp(self):
        from anvil_lib import lava
        self.lava = lava
        self.platforms = platforms.load_platforms(os.path.join(TOOLS, "platforms"))

    def job(self, name):
        return self.lava.emulator_job(self.platforms[name], "file:///x/image", "on_finish=halt")

    def parsed(self, doc, header=""):
        text = self.lava.to_yaml(doc, header)
        back = _yaml_load(text)
        if back is not None:
            self.assertEqual(back, doc)   # the emitter round-trips exactly
        return text

    def actions(self, job):
        return {next(iter(a)): a[next(iter(a))] for a in job["actions"]}

    def test_every_qemu_platform_deploys_boots_and_monitors(self):
        kinds = {"iso": ("iso", "-cdrom {iso}"), "esp": ("esp", "-drive file={esp}"),
                 "kernel": ("kernel", "-kernel {kernel}")}
        seen = set()
        for name, p in self.platforms.items():
            if p.emulator != "qemu":
                with self.assertRaises(self.lava.LavaError):
                    self.lava.emulator_job(p, "file:///x", "")
                continue
            job = self.job(name)
            self.parsed(job)
            acts = self.actions(job)
            self.assertEqual([next(iter(a)) for a in job["actions"]], ["deploy", "boot", "test"])
            self.assertEqual(acts["deploy"]["to"], "tmpfs")
            image, arg = kinds[p.boot]
            self.assertEqual(list(acts["deploy"]["images"]), [image])
            self.assertTrue(acts["deploy"]["images"][image]["image_arg"].startswith(arg))
            self.assertEqual((acts["boot"]["method"], acts["boot"]["media"]), ("qemu", "tmpfs"))
            mon = acts["test"]["monitors"][0]
            self.assertEqual(mon["start"], "TAP version 13")
            self.assertRegex("3 passed, 1 failed, 2 skipped", mon["end"])
            ctx = job["context"]
            self.assertTrue(ctx["no_kvm"])
            opts = " ".join(ctx["extra_options"])
            self.assertNotIn("-enable-kvm", opts)
            self.assertIn("-accel tcg", opts)
            if p.arch == "x86_64":
                self.assertIn("-cpu max", opts)
            else:
                self.assertEqual(ctx["cpu"], "max")
            if p.firmware:
                self.assertIn(f"-bios {p.firmware}", opts)
            seen.add(p.boot)
        self.assertEqual(seen, {"iso", "esp", "kernel"})

    def test_pattern_turns_tap_lines_into_cases(self):
        import re
        mon = self.actions(self.job("qemu-x86-grub"))["test"]["monitors"][0]
        pat, fix = re.compile(mon["pattern"]), mon["fixupdict"]
        lines = {
            "ok 1 - cpu/invalid_opcode\r\n": ("cpu/invalid_opcode", "pass"),
            "not ok 2 - timer/tick_rate # the periodic timer did not start\r\n": ("timer/tick_rate", "fail"),
            "ok 3 - spp/run # SKIP needs vmx,spp\r\n": ("spp/run", "skip"),
            "not ok 4 - inject/soft_int # TODO bochs-svm-exitintinfo-stale\r\n": ("inject/soft_int", "skip"),
            "ok 5 - x/y # remark\r\n": None,          # not an Anvil line: no case
            "not ok 6 - x/y\r\n": None,               # a failure without a reason
            "not ok 7 - inject/soft_int # TO": None,   # the line has not all arrived
            "# boot: handoff_to_tap_us=1\r\n": None,
            "# not ok 1 - inner/faulty # quoted in a diagnostic\r\n": None,
            "\r\nok 8 - a/b\r\n": ("a/b", "pass"),
            "3 passed, 1 failed, 2 skipped\r\n": None,
        }
        for line, want in lines.items():
            m = pat.search(line)
            got = (m.group("test_case_id"), fix[m.group("result")]) if m else None
            self.assertEqual(got, want, line)

    def test_ids_match_lava_and_the_kernel(self):
        # LAVA: re.sub(r"\W+", "_", id.strip().lower()); lib/lava.c does the same (test_lava.c).
        self.assertEqual(self.lava.lava_id("Inject/NMI-window"), "inject_nmi_window")
        self.assertEqual(self.lava.lava_id("  a//b c "), "a_b_c")
        self.assertEqual(self.lava.lava_id(""), "unnamed")
        self.assertEqual(len(self.lava.lava_id("a" * 300)), 100)

    def test_compare_case_by_case(self):
        from anvil_lib.tap import TapParser
        parser = TapParser()
        for line in GOOD.splitlines():
            parser.feed(line)
        expected = self.lava.expected_from_tap(parser.tests)
        self.assertEqual([e["result"] for e in expected], ["pass", "skip", "skip", "pass"])
        docs = [{"suite": "0_anvil-p", "name": e["name"], "result": e["result"]} for e in expected]
        docs.append({"suite": "lava", "name": "job", "result": "pass"})
        recorded = self.lava.results_from_yaml_docs(docs, "anvil-p")
        self.assertEqual(self.lava.compare(expected, recorded), [])
        recorded[1]["result"] = "fail"
        del recorded[3]
        problems = self.lava.compare(expected, recorded)
        self.assertEqual(len(problems), 2)
        self.assertIn("TAP svm_nrips=skip, LAVA svm_nrips=fail", problems[0])
        self.assertIn("LAVA recorded nothing", problems[1])

    def test_board_templates_mark_the_device_parts(self):
        for kind in self.lava.BOARDS:
            text = self.lava.board_yaml(kind)
            for var in self.lava.BOARD_VARIABLES:
                self.assertIn("{{ " + var + " }}", text, kind)
            filled = text.replace("{{ TAGS }}", "[]")
            for var in self.lava.BOARD_VARIABLES:
                filled = filled.replace("{{ " + var + " }}", "x")
            job = _yaml_load(filled)
            if job is None:
                continue
            acts = self.actions(job)
            self.assertEqual(acts["deploy"]["to"], "tftp")
            self.assertEqual(acts["boot"]["method"], {"x86-grub": "grub", "arm64-uefi": "grub-efi"}[kind])
            self.assertIn("monitors", acts["test"])
        with self.assertRaises(self.lava.LavaError):
            self.lava.board_template("ppc-openfirmware")

    def test_jobs_pass_lavas_own_schema(self):
        try:
            from lava_common.schemas import validate
        except ImportError:
            self.skipTest("lava-dispatcher (lava_common) is not installed here")
        for name, p in self.platforms.items():
            if p.emulator == "qemu":
                validate(_yaml_load(self.lava.to_yaml(self.job(name))))
        for kind in self.lava.BOARDS:
            text = self.lava.board_yaml(kind).replace("{{ TAGS }}", "[]")
            for var in self.lava.BOARD_VARIABLES:
                text = text.replace("{{ " + var + " }}", "x")
            validate(_yaml_load(text))

    def test_device_dictionary_asks_for_tcg(self):
        from anvil_lib import lava_cli
        d = lava_cli.device_dictionary(self.platforms["qemu-x86-grub"])
        self.assertTrue(d.startswith("{% extends 'qemu.jinja2' %}"))
        self.assertIn("{% set no_kvm = True %}", d)
        self.assertIn("'-cpu max'", d)
        self.assertIn("'-accel tcg'", d)
        templates = os.environ.get("ANVIL_LAVA_TEMPLATES", "")
        if not os.path.isfile(os.path.join(templates, "qemu.jinja2")):
            return
        rendered = _yaml_load(lava_cli.render_device(templates, self.platforms["qemu-x86-grub"]))
        qemu = rendered["actions"]["boot"]["methods"]["qemu"]["parameters"]
        opts = " ".join(str(o) for o in qemu["options"]) + " " + " ".join(qemu.get("extra", []))
        self.assertNotIn("-enable-kvm", opts)
        self.assertIn("-cpu max", opts)


class ScreenshotTests(unittest.TestCase):
    """--screenshot's pieces: PNG round trip, PSF1 reading and the summary
    screen read back from pixels drawn with the kernel's font."""

    FONT = os.path.join(os.path.dirname(TOOLS), "build", "deps", "font", "console.psf")

    def setUp(self):
        from anvil_lib import screenshot
        self.shot = screenshot

    def draw(self, font, cols, rows, claim_scale, banner, lines, band=(0, 0x80, 0)):
        """What lib/summary.c paints, drawn here for the test."""
        w, h = cols * font.width, rows * font.height
        px = bytearray(w * h * 3)

        def put(x, y, rgb):
            i = (y * w + x) * 3
            px[i:i + 3] = bytes(rgb)

        def glyph(ch, x0, y0, scale, fg, bg):
            g = font.glyphs[font.ascii[ord(ch)]]
            for y in range(font.height * scale):
                for x in range(font.width * scale):
                    on = g[y // scale] & (0x80 >> (x // scale))
                    put(x0 + x, y0 + y, fg if on else bg)
        top = 0
        if claim_scale:
            for y in range(claim_scale * font.height):
                for x in range(w):
                    put(x, y, band)
            col0 = (cols - 4 * claim_scale) // 2
            for i, ch in enumerate(banner):
                glyph(ch, (col0 + i * claim_scale) * font.width, 0, claim_scale, (255, 255, 255), band)
            top = claim_scale + 1
        for r, line in enumerate(lines):
            for c, ch in enumerate(line):
                glyph(ch, c * font.width, (top + r) * font.height, 1, (0x40, 0xe0, 0x40), (0, 0, 0))
        return self.shot.Image(w, h, bytes(px)), top

    def test_png_round_trip(self):
        img = self.shot.Image(3, 2, bytes(range(18)))
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "x.png")
            self.shot.write_png(path, img)
            self.assertEqual(self.shot.read_png(path), img)

    def test_summary_line(self):
        c = self.shot.parse_summary_line("# summary-screen: crc32=8c5b141a rows=9 top=9 scale=8 banner=PASS")
        self.assertEqual((c.crc32, c.rows, c.top, c.scale, c.banner), (0x8c5b141a, 9, 9, 8, "PASS"))
        self.assertIsNone(self.shot.parse_summary_line("# summary: nothing"))
        p = TapParser()
        for line in ("TAP version 13", "ok 1 - a", "1..1", "1 passed, 0 failed, 0 skipped",
                     "# summary-screen: crc32=00000001 rows=1 top=0 scale=0 banner=PASS"):
            p.feed(line)
        self.assertTrue(p.summary_screen.startswith("# summary-screen: crc32=00000001"))
        self.assertEqual(p.tap_lines[-1], "1 passed, 0 failed, 0 skipped")

    def test_reads_the_screen_back(self):
        if not os.path.isfile(self.FONT):
            self.skipTest("no build/deps/font/console.psf (make deps)")
        font = self.shot.read_psf1(self.FONT)
        lines = ["PASS: 3 passed, 0 failed, 1 skipped (0 todo) of 4", "cpu: x  y",
                 "", "  PASS  cpu                    3 passed"]
        img, top = self.draw(font, 60, 20, 3, "PASS", lines)
        crc = self.shot.grid_crc32("PASS", lines)
        self.assertEqual(crc, zlib_crc("PASS\n" + "".join(x + "\n" for x in lines)))
        claim = self.shot.SummaryClaim(crc, len(lines), top, 3, "PASS")
        ok, what, read = self.shot.check(img, font, claim)
        self.assertTrue(ok, what)
        self.assertEqual(read, lines)
        claim.crc32 ^= 1
        ok, what, _ = self.shot.check(img, font, claim)
        self.assertFalse(ok)
        self.assertIn("the kernel's summary crc32=", what)
        claim.banner = "FAIL"
        self.assertIn("banner reads 'PASS'", self.shot.check(img, font, claim)[1])


class BenchPlotTests(unittest.TestCase):
    """make bench's plots: bench logs read back per platform, emulator and auditor state."""

    LOG = """anvil: platform qemu-x86-grub: QEMU TCG, -cpu max (SVM+NPT), SeaBIOS -> GRUB ISO
anvil: kernel command line: on_finish=exit tests=bench_* bench=1 audit=0 emulator_version=7.2.22
TAP version 13
BENCH name=svm.vmmcall.roundtrip.min value=53286 unit=tsc_cycles
BENCH name=svm.vmmcall.roundtrip.median value=90822 unit=tsc_cycles
BENCH name=svm.vmmcall.minimal.min value=31590 unit=tsc_cycles
BENCH name=svm.cpuid.median value=95868 unit=tsc_cycles
BENCH name=svm.unknown.median value=1 unit=tsc_cycles
ok 1 - bench_vmexit/run
1..1
1 passed, 0 failed, 0 skipped
"""

    def test_reads_a_bench_log(self):
        from anvil_lib import plot
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "qemu-x86-grub-bench.log"), "w") as f:
                f.write(self.LOG)
            with open(os.path.join(d, "bochs-x86-vmx-bench-audit.log"), "w") as f:
                f.write(self.LOG.replace("audit=0", "audit=1").replace("qemu-x86-grub: QEMU", "bochs-x86-vmx: Bochs")
                        .replace("7.2.22", "2.7").replace("svm.vmmcall", "vmx.hypercall"))
            runs = plot.collect(d)
        self.assertEqual([r.label for r in runs], ["bochs-x86-vmx, auditor on", "qemu-x86-grub, auditor off"])
        self.assertEqual(runs[1].emulator, "QEMU 7.2.22")
        self.assertEqual(runs[0].emulator, "Bochs 2.7")
        self.assertEqual(runs[1].values[("hypercall (full path)", "min")], 53286)
        self.assertEqual(runs[0].values[("hypercall (minimal path)", "min")], 31590)
        self.assertEqual(len(runs[1].values), 4)   # the unknown exit is not plotted
        table = plot.data_table(runs).splitlines()
        self.assertEqual(table[1].split("\t"), ['"hypercall (full path)"', "min", "53286", "53286"])
        self.assertIn("NaN", table[4])   # no minimal-path median in the log


def zlib_crc(text):
    import zlib
    return zlib.crc32(text.encode())


if __name__ == "__main__":
    unittest.main()
