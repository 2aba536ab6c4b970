"""Command line of tools/anvil.

  anvil run [PLATFORM]        boot one platform (default: the platform marked default)
  anvil test [--platforms a,b]  every platform this machine can run, one after another
  anvil bench [PLATFORM]      run with bench=1 and print the BENCH lines as a table
  anvil list                  the platforms, and whether this machine can run them
  anvil lava [PLATFORM] | --board KIND   write a LAVA job definition (docs/lava.md)
  anvil lava-check [PLATFORM] --templates DIR   run it with lava-run, compare with TAP

Exit status: 0 when every run finished and nothing failed, 1 otherwise,
2 for usage errors.
"""

import argparse
import os
import signal
import sys
from typing import List

from . import cmdline, images, lava_cli, plot, report, versions
from .platforms import PlatformError, default_platform, load_platforms, select
from .progress import Progress
from .result import PASSED, SKIPPED, RunResult
from .runner import Context, run_platform

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
TOOLS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_DIR = os.path.dirname(TOOLS_DIR)


def _add_run_options(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--cmdline", default=None,
                    help="extra kernel command-line words (a key given here replaces the default)")
    sp.add_argument("--tests", default=None, help="pass tests=TESTS to the kernel")
    sp.add_argument("--test-timeout", default=None, metavar="S",
                    help="pass timeout=S to the kernel (its own test watchdog)")
    sp.add_argument("--timeout", type=float, default=None, metavar="S",
                    help="wall-clock limit per emulator run (default: from the platform file)")
    sp.add_argument("--no-build", action="store_true",
                    help="do not run `make -s kernel efi` first")
    sp.add_argument("-v", "--verbose", action="store_true", help="echo the whole serial stream")
    sp.add_argument("--screenshot", action="store_true",
                    help="QEMU: boot with on_finish=halt, take a screenshot at the end "
                         "(build/reports/<platform>.png) and check it shows the summary screen")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="anvil", description="Anvil host runner")
    ap.add_argument("--platforms-dir", default=os.path.join(TOOLS_DIR, "platforms"),
                    help=argparse.SUPPRESS)
    ap.add_argument("--repo", default=REPO_DIR, help=argparse.SUPPRESS)
    ap.add_argument("--build-dir", default="build", help=argparse.SUPPRESS)
    ap.add_argument("--lock", default=None, help=argparse.SUPPRESS)
    sub = ap.add_subparsers(dest="command", required=True)
    sp = sub.add_parser("run", help="boot one platform and run the kernel's tests")
    sp.add_argument("platform", nargs="?")
    _add_run_options(sp)
    sp = sub.add_parser("test", help="run every platform this machine can run, one at a time")
    sp.add_argument("--platforms", default=None, metavar="A,B", help="only these platforms")
    sp.add_argument("--require-all", action="store_true",
                    help="a platform that cannot run here is a failure, not a skip")
    _add_run_options(sp)
    sp = sub.add_parser("bench", help="run with bench=1 and print the BENCH lines")
    sp.add_argument("platform", nargs="?")
    _add_run_options(sp)
    sub.add_parser("list", help="list the platforms and whether they can run here")
    lava_cli.add_parsers(sub)
    sub.add_parser("bench-plot", help="plot the BENCH lines of build/reports/*-bench*.log (gnuplot)")
    return ap


def _context(args) -> Context:
    ctx = Context(repo=os.path.abspath(args.repo), build=args.build_dir,
                  mkiso=os.path.join(TOOLS_DIR, "mkiso.sh"))
    if args.lock is not None:
        ctx.lock_path = args.lock or None
    return ctx


def _build(args, platforms) -> bool:
    """Builds the images once; False (with the output shown) if that fails."""
    needs_images = any(p.boot != "none" and not p.skip_reason() for p in platforms)
    if args.no_build or not needs_images:
        return True
    # Once per arch the chosen platforms need, in the order they first appear.
    arches = []
    for p in platforms:
        if p.boot != "none" and not p.skip_reason() and p.arch not in arches:
            arches.append(p.arch)
    for arch in arches:
        default = arch == "x86_64"
        print("anvil: make -s kernel efi" if default else f"anvil: make ARCH={arch} -s kernel efi", flush=True)
        ok, output = images.build_kernel(os.path.abspath(args.repo), arch=None if default else arch)
        if output.strip():
            print(output.rstrip())
        if not ok:
            print("anvil: the kernel build failed; no platform was run", flush=True)
            print("0 passed, 1 failed, 0 skipped")  # the closing line still adds up
            return False
    return True


def _cmdline_for(args, p, bench: bool) -> str:
    """The kernel command line for one platform: the emulator's version is its own.
    A benchmark run runs only the benchmark payloads unless --tests says otherwise."""
    version = None if p.skip_reason() else versions.emulator_version(p)
    tests = args.tests or ("bench_*" if bench else None)
    extra = args.cmdline
    if getattr(args, "screenshot", False) and p.emulator == "qemu":
        # The machine must stay on with the summary displayed; the runner
        # ends QEMU itself after the screenshot.
        extra = "on_finish=halt" + (f" {extra}" if extra else "")
    return cmdline.build(extra, tests, args.test_timeout, bench=bench,
                         emulator_version=version)


def _run_all(args, ctx: Context, platforms, stem_suffix: str = "", bench: bool = False) -> List[RunResult]:
    progress = Progress(verbose=args.verbose)
    results = []
    for p in platforms:  # never in parallel: one emulator at a time
        if not progress.tty:
            print(f"anvil: {p.name}: {p.description}", flush=True)
        results.append(run_platform(ctx, p, _cmdline_for(args, p, bench), progress, args.timeout,
                                    p.name + stem_suffix,
                                    screenshot=getattr(args, "screenshot", False)))
    return results


def _shown_path(path: str) -> str:
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def _finish(ctx: Context, results: List[RunResult], summary_name: str,
            require_all: bool = False) -> int:
    print(report.summary(results, _shown_path(ctx.reports_dir)))
    os.makedirs(ctx.reports_dir, exist_ok=True)
    report.write_summary_json(os.path.join(ctx.reports_dir, summary_name), results)
    print(report.closing_line(results))
    ran = [r for r in results if r.verdict != SKIPPED]
    if require_all and len(ran) != len(results):
        return EXIT_FAIL
    return EXIT_OK if all(r.verdict == PASSED for r in ran) else EXIT_FAIL


def _one(args, platforms, ctx: Context, bench: bool) -> int:
    name = args.platform or default_platform(platforms)
    chosen = select(platforms, name)
    if not _build(args, chosen):
        return EXIT_FAIL
    suffix = ""
    if bench:
        # Auditor on and off go to separate reports, so both can be plotted.
        audit_on = report.auditor_state(_cmdline_for(args, chosen[0], bench)).endswith("(audit=1)")
        suffix = "-bench-audit" if audit_on else "-bench"
    results = _run_all(args, ctx, chosen, suffix, bench)
    r = results[0]
    if bench and r.verdict != SKIPPED:
        print(report.bench_table(r, _cmdline_for(args, chosen[0], bench)))
        report.write_bench_tsv(os.path.join(ctx.reports_dir, f"{r.platform}-bench.tsv"), r)
    status = _finish(ctx, results, "bench-summary.json" if bench else "run-summary.json")
    # Asking for one platform that cannot run here is an error, not a quiet skip.
    return EXIT_FAIL if r.verdict == SKIPPED else status


def cmd_test(args, platforms, ctx: Context) -> int:
    chosen = select(platforms, args.platforms)
    if not _build(args, chosen):
        return EXIT_FAIL
    results = _run_all(args, ctx, chosen)
    return _finish(ctx, results, "summary.json", args.require_all)


def cmd_list(platforms) -> int:
    default = default_platform(platforms)
    rows = [(name + (" (default)" if name == default else ""), p.boot, p.emulator,
             p.skip_reason() or "ready", p.description) for name, p in platforms.items()]
    head = ("platform", "boot", "emulator", "status")
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(3)]
    print("  ".join(c.ljust(w) for c, w in zip(head, widths)) + "  " + head[3])
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[3])
        if r[4]:
            print("    " + r[4])
    return EXIT_OK


def _terminate(signum, frame):
    """SIGTERM/SIGHUP (CI cancel, a closed terminal): unwind like Ctrl-C so
    the emulator's process group is killed and the lock released."""
    raise KeyboardInterrupt


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    if argv is None:  # a real command line, not a test calling main()
        signal.signal(signal.SIGTERM, _terminate)
        signal.signal(signal.SIGHUP, _terminate)
    try:
        platforms = load_platforms(args.platforms_dir)
        if not platforms:
            raise PlatformError(f"no platform files in {args.platforms_dir}")
        if args.command == "list":
            return cmd_list(platforms)
        ctx = _context(args)
        if args.command == "bench-plot":
            for line in plot.plot_all(ctx.reports_dir):
                print(line)
            return EXIT_OK
        if args.command == "lava":
            return lava_cli.cmd_lava(args, platforms, ctx)
        if args.command == "lava-check":
            return lava_cli.cmd_lava_check(args, platforms, ctx)
        if args.command == "test":
            return cmd_test(args, platforms, ctx)
        return _one(args, platforms, ctx, bench=args.command == "bench")
    except PlatformError as e:
        print(f"anvil: {e}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\nanvil: interrupted (the emulator was stopped)", file=sys.stderr)
        return 130
