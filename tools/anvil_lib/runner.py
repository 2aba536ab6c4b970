"""One platform, start to finish: image, emulator, TAP, verdict, report files."""

import os
import shlex
import time
from dataclasses import dataclass
from typing import Optional

from . import cmdline as cmdline_mod
from . import emulators, images, process, report
from .platforms import Platform
from .progress import Progress
from .result import RunResult, decide, skipped


@dataclass
class Context:
    repo: str                      # repository root
    build: str = "build"           # build directory, relative to repo
    mkiso: str = ""                # tools/mkiso.sh
    lock_path: Optional[str] = process.EMU_LOCK
    done_grace_s: float = 10.0

    def path(self, *parts) -> str:
        return os.path.join(self.repo, self.build, *parts)

    @property
    def reports_dir(self) -> str:
        return self.path("reports")


class _Log:
    """build/reports/<stem>.log: runner notes, the raw serial stream, emulator chatter."""

    def __init__(self, path: str):
        self.f = open(path, "w", encoding="utf-8", errors="replace")

    def note(self, text: str) -> None:
        self.f.write(f"anvil: {text}\n")
        self.f.flush()

    def line(self, stream: str, text: str) -> None:
        text = text.rstrip("\r")
        self.f.write(text + "\n" if stream == "serial" else f"[emulator {stream}] {text}\n")

    def close(self) -> None:
        self.f.close()


def _skip(ctx: Context, p: Platform, stem: str, reason: str) -> RunResult:
    r = skipped(p.name, reason)
    log = _Log(os.path.join(ctx.reports_dir, stem + ".log"))
    log.note(f"platform {p.name} skipped: {reason}")
    log.close()
    report.write_run_reports(ctx.reports_dir, stem, r)
    return r


def _fail_early(ctx: Context, r: RunResult, stem: str, log: _Log, reason: str) -> RunResult:
    r.problems.append(reason)
    log.note(f"FAIL: {reason}")
    log.close()
    report.write_run_reports(ctx.reports_dir, stem, r)
    return r


def run_platform(ctx: Context, p: Platform, cmdline: str, progress: Progress,
                 timeout_s: Optional[float] = None, stem: Optional[str] = None) -> RunResult:
    stem = stem or p.name
    os.makedirs(ctx.reports_dir, exist_ok=True)
    missing = p.skip_reason()
    if missing:
        return _skip(ctx, p, stem, missing)
    r = RunResult(platform=p.name, cmdline=cmdline, timeout_s=timeout_s or p.timeout)
    log = _Log(os.path.join(ctx.reports_dir, stem + ".log"))
    log.note(f"platform {p.name}: {p.description}")
    log.note(f"kernel command line: {cmdline}")
    bad = cmdline_mod.check(cmdline)
    if bad:
        return _fail_early(ctx, r, stem, log, bad)
    run_dir = ctx.path("run", p.name)
    try:
        image = images.prepare(p.boot, run_dir, images.kernel_path(ctx.repo, ctx.build, p.arch),
                               images.efi_path(ctx.repo, ctx.build, p.arch), cmdline, ctx.mkiso,
                               images.kernel_image_path(ctx.repo, ctx.build, p.arch))
        launch = emulators.launch(p, run_dir, image, cmdline, ctx.repo, ctx.lock_path)
    except (images.ImageError, OSError) as e:
        return _fail_early(ctx, r, stem, log, f"cannot prepare the boot image: {e}")
    log.note("command: " + " ".join(shlex.quote(a) for a in launch.argv))
    log.note(f"wall-clock timeout {r.timeout_s:g} s; started {time.strftime('%Y-%m-%d %H:%M:%S')}")
    _stream(ctx, p, r, launch, log, progress)
    decide(r, p.exit_pass, p.exit_fail)
    _log_end(log, r)
    report.write_run_reports(ctx.reports_dir, stem, r)
    return r


def _stream(ctx: Context, p: Platform, r: RunResult, launch, log: _Log, progress: Progress) -> None:
    progress.begin(p.name, r.parser)

    def on_line(stream: str, line: str, at: float) -> None:
        log.line(stream, line)
        if stream != "serial":
            if progress.verbose:
                progress.say(f"{p.name}[{stream}]| {line}")
            return
        event = r.parser.feed(line, at)
        if event.kind == "start":
            log.note(f"'TAP version 13' after {at:.2f} s")
        progress.serial(line, event)

    def on_started_tick(elapsed: float) -> None:
        if progress.note:
            progress.started()
        progress.tick(elapsed)

    try:
        r.outcome = process.run(launch, r.timeout_s, on_line, is_done=lambda: r.parser.done,
                                on_tick=on_started_tick,
                                on_lock_wait=lambda: progress.waiting_for_lock(launch.lock_path),
                                done_grace_s=ctx.done_grace_s)
    finally:
        progress.end()


def _log_end(log: _Log, r: RunResult) -> None:
    o = r.outcome
    how = "timed out" if o.timed_out else "killed after the closing line" if o.killed_after_done \
        else f"exited rc={o.rc}"
    log.note(f"emulator {how} after {o.elapsed:.2f} s (waited {o.lock_wait:.1f} s for the lock)")
    for w in r.warnings:
        log.note(f"warning: {w}")
    for problem in r.problems:
        log.note(f"FAIL: {problem}")
    log.note(f"verdict {r.verdict}; " + "{} passed, {} failed, {} skipped, {} todo".format(*r.counts()))
    log.close()
