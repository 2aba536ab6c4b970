"""One platform, start to finish: image, emulator, TAP, verdict, report files."""

import os
import shlex
import time
from dataclasses import dataclass
from typing import Optional

from . import cmdline as cmdline_mod
from . import emulators, images, process, report, screenshot as shot
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


# How long to wait after the closing line for '# summary-screen:' before the
# screenshot is taken anyway, and how long QEMU may linger after it.
SUMMARY_WAIT_S = 5.0
SCREENSHOT_GRACE_S = 0.5


def run_platform(ctx: Context, p: Platform, cmdline: str, progress: Progress,
                 timeout_s: Optional[float] = None, stem: Optional[str] = None,
                 screenshot: bool = False) -> RunResult:
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
    shooter = None
    if screenshot and p.emulator == "qemu":
        launch.argv += shot.qmp_argv(run_dir)
        shooter = _Shooter(run_dir)
    elif screenshot:
        r.warnings.append(f"--screenshot: only QEMU platforms ({p.name} runs {p.emulator})")
    log.note("command: " + " ".join(shlex.quote(a) for a in launch.argv))
    log.note(f"wall-clock timeout {r.timeout_s:g} s; started {time.strftime('%Y-%m-%d %H:%M:%S')}")
    _stream(ctx, p, r, launch, log, progress, shooter)
    decide(r, p.exit_pass, p.exit_fail)
    if shooter:
        _check_screenshot(ctx, r, stem, shooter, log)
    _log_end(log, r)
    report.write_run_reports(ctx.reports_dir, stem, r)
    return r


class _Shooter:
    """Takes the screenshot once the kernel is done (closing line, then its
    summary-screen line or SUMMARY_WAIT_S), while QEMU still runs."""

    def __init__(self, run_dir: str):
        self.run_dir = run_dir
        self.ppm = os.path.join(run_dir, shot.PPM_NAME)
        self.done_at: Optional[float] = None
        self.taken = False
        self.error = ""

    def ready(self, parser) -> bool:
        if not parser.done:
            return False
        if self.taken or self.error:
            return True
        now = time.monotonic()
        self.done_at = self.done_at or now
        if parser.summary_screen is None and parser.bail is None and now - self.done_at < SUMMARY_WAIT_S:
            return False
        try:
            if os.path.exists(self.ppm):
                os.unlink(self.ppm)
            shot.qmp_screendump(self.run_dir, self.ppm)
            self.taken = True
        except shot.ScreenshotError as e:
            self.error = str(e)
        return True


def _check_screenshot(ctx: Context, r: RunResult, stem: str, shooter: _Shooter, log: _Log) -> None:
    """PNG under reports/, then the summary screen read back against the
    kernel's checksum line; a mismatch fails the run."""
    # The runner ended QEMU itself: that is the point of on_finish=halt here.
    r.warnings = [w for w in r.warnings if not w.startswith("emulator still running after")]
    if shooter.error or not shooter.taken:
        r.problems.append(f"screenshot: {shooter.error or 'not taken (the kernel did not finish)'}")
        return
    try:
        img = shot.read_ppm(shooter.ppm)
        png = os.path.join(ctx.reports_dir, stem + ".png")
        shot.write_png(png, img)
        r.reports.append(png)
        claim = shot.parse_summary_line(r.parser.summary_screen or "")
        if claim is None:
            r.problems.append("screenshot: the kernel printed no '# summary-screen:' line "
                              "(no framebuffer console?)")
            return
        font = shot.read_psf1(ctx.path("deps", "font", "console.psf"))
        ok, what, lines = shot.check(shot.read_png(png), font, claim)
    except (shot.ScreenshotError, OSError, ValueError) as e:
        r.problems.append(f"screenshot: {e}")
        return
    log.note(f"screenshot {png} ({img.width}x{img.height}): {what}")
    for line in lines:
        log.note(f"  screen| {line}")
    shown = os.path.relpath(png)
    print(f"anvil: {r.platform}: screenshot {png if shown.startswith('..') else shown}: {what}",
          flush=True)
    if not ok:
        r.problems.append(f"screenshot: {what}")


def _stream(ctx: Context, p: Platform, r: RunResult, launch, log: _Log, progress: Progress,
            shooter: Optional[_Shooter] = None) -> None:
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
        is_done = (lambda: shooter.ready(r.parser)) if shooter else (lambda: r.parser.done)
        r.outcome = process.run(launch, r.timeout_s, on_line, is_done=is_done,
                                on_tick=on_started_tick,
                                on_lock_wait=lambda: progress.waiting_for_lock(launch.lock_path),
                                done_grace_s=SCREENSHOT_GRACE_S if shooter else ctx.done_grace_s)
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
