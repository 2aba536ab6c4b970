"""Benchmark plots (`tools/anvil bench-plot`, run by `make bench`): the
BENCH lines of every build/reports/*-bench*.log drawn with gnuplot into
build/reports/bench.png (all platforms) and bench-<platform>.png.

A log names its platform (file name), its emulator (the runner's
"platform ...:" note and emulator_version= on the kernel command line) and
whether the auditor was on (audit= on that line). BENCH names are
<backend>.<exit>[.<path>].<stat>, stat min or median; see docs/bench-plots.md.
"""

import glob
import os
import re
import shutil
import subprocess
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from .tap import TapParser

_CMDLINE = re.compile(r"^anvil: kernel command line: (.*)$")
_PLATFORM = re.compile(r"^anvil: platform (\S+): (.*)$")
# Exit types in plot order: (label, BENCH name without backend and stat).
EXITS = [("hypercall (full path)", ("vmmcall.roundtrip", "hypercall.roundtrip")),
         ("hypercall (minimal path)", ("vmmcall.minimal", "hypercall.minimal")),
         ("CPUID", ("cpuid",)),
         ("RDMSR", ("rdmsr",)),
         ("port I/O in", ("io.in",)),
         ("TSC read pair (timer cost)", ("tsc.pair",))]
STATS = ("min", "median")


@dataclass
class BenchRun:
    platform: str
    emulator: str
    audit: bool
    unit: str = ""
    values: Dict[Tuple[str, str], float] = field(default_factory=dict)  # (exit label, stat)

    @property
    def label(self) -> str:
        return f"{self.platform}, auditor {'on' if self.audit else 'off'}"


def _audit_on(cmdline: str) -> bool:
    words = [w for w in cmdline.split() if w.split("=", 1)[0] == "audit"]
    return not (words and words[-1] == "audit=0")


def _emulator(description: str, cmdline: str) -> str:
    version = next((w.split("=", 1)[1] for w in cmdline.split() if w.startswith("emulator_version=")), "")
    name = description.split(",")[0].split(" ")[0] if description else "?"
    return f"{name} {version}".strip()


def read_log(path: str) -> Optional[BenchRun]:
    cmdline, description, platform = "", "", ""
    parser = TapParser()
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = _CMDLINE.match(line)
            if m:
                cmdline = m.group(1)
                continue
            m = _PLATFORM.match(line)
            if m:
                platform, description = m.group(1), m.group(2)
                continue
            if not line.startswith("anvil: ") and not line.startswith("[emulator "):
                parser.feed(line)
    if not parser.benches:
        return None
    run = BenchRun(platform or os.path.basename(path).split("-bench")[0],
                   _emulator(description, cmdline), _audit_on(cmdline))
    for b in parser.benches:
        parts = b.name.split(".")
        if len(parts) < 3 or parts[-1] not in STATS:
            continue
        key = ".".join(parts[1:-1])
        for label, names in EXITS:
            if key in names:
                run.values[(label, parts[-1])] = b.value
                run.unit = b.unit
    return run if run.values else None


def collect(reports_dir: str) -> List[BenchRun]:
    runs = [read_log(p) for p in sorted(glob.glob(os.path.join(reports_dir, "*-bench*.log")))]
    return [r for r in runs if r is not None]


def data_table(runs: List[BenchRun]) -> str:
    """gnuplot data: one row per (exit, stat), one column per run."""
    head = ["exit", "stat"] + [f'"{r.label}"' for r in runs]
    rows = ["\t".join(head)]
    for label, _ in EXITS:
        for stat in STATS:
            cells = [f'"{label}"', stat]
            cells += [f"{r.values[(label, stat)]:g}" if (label, stat) in r.values else "NaN" for r in runs]
            rows.append("\t".join(cells))
    return "\n".join(rows) + "\n"


def gnuplot_script(data: str, png: str, runs: List[BenchRun], title: str) -> str:
    units = sorted({r.unit for r in runs if r.unit}) or ["?"]
    emulators = ", ".join(OrderedDict.fromkeys(f"{r.platform}: {r.emulator}" for r in runs))
    lines = [
        "set terminal png size 1200,900 font ',10' noenhanced",
        f"set output '{png}'",
        "set datafile separator '\\t'",
        "set style data histograms",
        "set style histogram clustered gap 1",
        "set style fill solid 0.8 border -1",
        "set key outside right top vertical",
        "set grid ytics",
        # Bochs' virtual TSC and QEMU's real one differ by ~50x: log scale.
        "set logscale y",
        "set yrange [1:*]",
        "set xtics rotate by -20",
        f"set ylabel 'cost per exit, {', '.join(units)}, log scale (lower is better)'",
        'set multiplot layout 2,1 title "' + title.replace('"', "") + "\\n" +
        emulators.replace('"', "") + '"',
    ]
    ncols = len(runs)
    for i, stat in enumerate(STATS):
        # rows 1,3,5.. are min (every 2nd row starting at 0), median at 1
        lines.append(f"set title '{stat} over the run (each exit measured many times)'")
        using = ", ".join(
            f"'{data}' every 2::{i} using {3 + k}:xtic(1) title columnheader({3 + k})"
            for k in range(ncols))
        lines.append("plot " + using)
    lines.append("unset multiplot")
    return "\n".join(lines) + "\n"


def plot(runs: List[BenchRun], out_dir: str, stem: str, title: str) -> str:
    data = os.path.join(out_dir, stem + ".dat")
    png = os.path.join(out_dir, stem + ".png")
    with open(data, "w", encoding="utf-8") as f:
        f.write(data_table(runs))
    script = os.path.join(out_dir, stem + ".gp")
    with open(script, "w", encoding="utf-8") as f:
        f.write(gnuplot_script(data, png, runs, title))
    r = subprocess.run(["gnuplot", script], stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"gnuplot {script}: {r.stderr.strip()}")
    return png


def plot_all(reports_dir: str) -> List[str]:
    """Writes bench.png and bench-<platform>.png; the lines to print."""
    if shutil.which("gnuplot") is None:
        return ["bench-plot: gnuplot is not installed (apt-get install gnuplot-nox); no plots"]
    runs = collect(reports_dir)
    if not runs:
        return [f"bench-plot: no BENCH lines in {reports_dir}/*-bench*.log; no plots"]
    out = [f"bench-plot: {plot(runs, reports_dir, 'bench', 'Anvil exit costs, all platforms')} "
           f"({len(runs)} runs)"]
    by_platform: Dict[str, List[BenchRun]] = OrderedDict()
    for r in runs:
        by_platform.setdefault(r.platform, []).append(r)
    for name, rs in by_platform.items():
        out.append(f"bench-plot: {plot(rs, reports_dir, 'bench-' + name, 'Anvil exit costs on ' + name)}")
    return out
