"""LAVA job definitions generated from the platform files (`tools/anvil lava`).

LAVA (Linaro's board-farm dispatcher) runs a job: deploy an image, boot it,
then a test action. Anvil has no shell on the target, so the test action is
a `monitors` one: LAVA watches the serial output from `start` to `end` and
turns every match of `pattern` into one test case (docs/lava.md).

  emulator platforms (emulator = qemu): deploy to tmpfs the platform's image
      (GRUB ISO, ESP as a FAT disk image, or the kernel image), boot with the
      `qemu` method, and a job context asking for TCG and the platform's CPU
      (the device type's default is -enable-kvm -cpu host, which has no
      SVM/VMX here)
  real boards: templates (x86 GRUB, arm64 UEFI) whose device-specific parts
      are {{ VARIABLES }} to fill in, listed in BOARD_VARIABLES

The YAML is written by a small emitter here (block style, every string
JSON-quoted, which YAML reads back as the same string), so generating a job
needs nothing outside the standard library.
"""

import json
import os
import re
import shutil
import subprocess
from typing import Dict, List, Optional

from .platforms import Platform

# What LAVA's monitors action does to a test case id (lava_dispatcher
# actions/test/monitor.py); lib/lava.c does the same for lava=1's signals.
LAVA_ID_MAX = 100
START = "TAP version 13"
END = r"[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped"
# One TAP test point, at the start of a line (not a diagnostic quoting one,
# "# not ok 1 - inner/faulty", which the runner's parser ignores too). `result` captures what follows the name, which decides
# the outcome: " # SKIP"/" # TODO" -> skip; " # " (a reason, only after
# "not ok": the conditional (?(neg)...)) -> fail; nothing, at the end of the
# line, after "ok" -> pass. A line outside these ("ok N - x # remark",
# "not ok N - x" without a reason) matches nothing, so the case-by-case
# comparison in `make lava-check` sees it missing instead of misfiled. The
# match ends with the line's newline, so a line that has arrived only in part
# ("not ok 4 - x # TO") is never taken for a failure before its TODO arrives.
PATTERN = (r"(?<![^\r\n])(?P<neg>not )?ok [0-9]+ - (?P<test_case_id>[^\s#]+)"
           r"(?P<result> # SKIP| # TODO|(?(neg) # |(?=[\r\n])))[^\r\n]*[\r\n]")
FIXUPDICT = {" # SKIP": "skip", " # TODO": "skip", " # ": "fail", "": "pass"}
JOB_PRIORITY = "medium"
VISIBILITY = "public"

# Image names inside the job, per boot kind, and the QEMU argument LAVA
# substitutes the downloaded file into.
IMAGE_ARGS = {
    "iso": ("iso", "-cdrom {iso} -boot d"),
    "esp": ("esp", "-drive file={esp},format=raw,if=ide"),
    "kernel": ("kernel", "-kernel {kernel}"),
}
LAVA_ARCH = {"x86_64": "amd64", "arm64": "arm64"}
ESP_IMAGE_MB = 64


class LavaError(Exception):
    pass


def lava_id(name: str) -> str:
    """The test case id LAVA records for a TAP name ("payload/case")."""
    case_id = re.sub(r"\W+", "_", name.strip().lower())[:LAVA_ID_MAX]
    return case_id or "unnamed"


def suite_name(platform: str) -> str:
    return f"anvil-{platform}"


# -- job pieces ---------------------------------------------------------------
def monitors_action(platform: str, minutes: int) -> dict:
    return {"test": {
        "timeout": {"minutes": minutes},
        "monitors": [{
            "name": suite_name(platform),
            "start": START,
            "end": END,
            "pattern": PATTERN,
            "fixupdict": dict(FIXUPDICT),
        }],
    }}


def qemu_options(p: Platform, cmdline: str = "") -> List[str]:
    """What the job context passes as extra QEMU options: the platform's
    accelerator, CPU, machine and firmware (the device type adds -m, -nographic,
    a network card and the monitor). For arm64 the template takes cpu and
    machine as variables instead (qemu_context)."""
    opts = []
    if p.arch == "x86_64":
        if p.machine:
            opts.append(f"-machine {p.machine}")
        opts.append(f"-accel {p.accel}")
        if p.cpu:
            opts.append(f"-cpu {p.cpu}")
    else:
        opts.append(f"-accel {p.accel}")
    opts.append("-smp 1")
    opts.append("-no-reboot")
    if p.firmware:
        opts.append(f"-bios {p.firmware}")
    if p.boot == "kernel" and cmdline:
        opts.append(f"-append '{cmdline}'")
    opts += [a for a in p.extra_args]
    return opts


def qemu_context(p: Platform, cmdline: str = "") -> dict:
    """Job context for the `qemu` device type (lava-server's qemu.jinja2):
    no_kvm drops its -cpu host -enable-kvm; arm64 reads cpu and machine."""
    ctx = {"arch": LAVA_ARCH[p.arch], "no_kvm": True, "memory": p.memory_mb,
           "extra_options": qemu_options(p, cmdline)}
    if p.arch != "x86_64":
        ctx["cpu"] = p.cpu or "max"
        ctx["machine"] = p.machine or "virt"
    return ctx


def emulator_job(p: Platform, image_url: str, cmdline: str = "",
                 minutes: Optional[int] = None) -> dict:
    """The LAVA job for a QEMU platform, its image at image_url."""
    if p.emulator != "qemu":
        raise LavaError(f"{p.name}: LAVA's qemu boot method needs a qemu platform "
                        f"(this one runs {p.emulator}); use a board template")
    if p.boot not in IMAGE_ARGS:
        raise LavaError(f"{p.name}: boot kind {p.boot} has no image to deploy")
    minutes = minutes or max(2, int(p.timeout // 60) + 1)
    name, arg = IMAGE_ARGS[p.boot]
    return {
        "device_type": "qemu",
        "job_name": f"anvil {p.name}: {p.description}",
        "priority": JOB_PRIORITY,
        "visibility": VISIBILITY,
        "timeouts": {"job": {"minutes": minutes + 4}, "action": {"minutes": minutes},
                     "connection": {"minutes": 2}},
        "context": qemu_context(p, cmdline),
        "actions": [
            {"deploy": {"timeout": {"minutes": 2}, "to": "tmpfs",
                        "images": {name: {"image_arg": arg, "url": image_url}}}},
            {"boot": {"timeout": {"minutes": 2}, "method": "qemu", "media": "tmpfs"}},
            monitors_action(p.name, minutes),
        ],
    }


# Real boards: what the person submitting must fill in.
BOARD_VARIABLES = {
    "DEVICE_TYPE": "the LAVA device type of the board (as the lab names it)",
    "KERNEL_URL": "where the lab's dispatcher downloads the image (http://, file://)",
    "CMDLINE": "the Anvil kernel command line (on_finish=halt keeps the summary on screen)",
    "TAGS": "lab tags that pick the board (a list; [] for none)",
}
BOARDS = ("x86-grub", "arm64-uefi")


def board_template(kind: str, minutes: int = 10) -> dict:
    """A job for a real board. x86-grub: the lab TFTP-deploys anvil.elf and
    GRUB loads it with multiboot2; arm64-uefi: the lab TFTP-deploys
    BOOTAA64.EFI (the kernel is inside it) and GRUB's EFI build chain-loads it."""
    if kind == "x86-grub":
        deploy = {"to": "tftp", "kernel": {"url": "{{ KERNEL_URL }}", "type": "image"}}
        commands = ["insmod all_video", "set gfxpayload=auto",
                    "multiboot2 (tftp,{SERVER_IP})/{KERNEL} {{ CMDLINE }}", "boot"]
        method = "grub"
    elif kind == "arm64-uefi":
        deploy = {"to": "tftp", "kernel": {"url": "{{ KERNEL_URL }}", "type": "image"}}
        commands = ["chainloader (tftp,{SERVER_IP})/{KERNEL} {{ CMDLINE }}", "boot"]
        method = "grub-efi"
    else:
        raise LavaError(f"unknown board template '{kind}' (known: {', '.join(BOARDS)})")
    return {
        "device_type": "{{ DEVICE_TYPE }}",
        "job_name": f"anvil on a real board ({kind})",
        "priority": JOB_PRIORITY,
        "visibility": VISIBILITY,
        "tags": "{{ TAGS }}",
        "timeouts": {"job": {"minutes": minutes + 10}, "action": {"minutes": minutes},
                     "connection": {"minutes": 2}},
        "actions": [
            {"deploy": {"timeout": {"minutes": 4}, **deploy}},
            {"boot": {"timeout": {"minutes": 5}, "method": method, "commands": commands}},
            monitors_action(kind, minutes),
        ],
    }


# -- YAML ---------------------------------------------------------------------
def _scalar(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if v is None:
        return "null"
    return json.dumps(str(v))


def _emit(v, indent: int, out: List[str]) -> None:
    pad = " " * indent
    if isinstance(v, dict):
        for k, item in v.items():
            key = _scalar(str(k))
            if isinstance(item, (dict, list)) and item:
                out.append(f"{pad}{key}:")
                _emit(item, indent + 2, out)
            else:
                out.append(f"{pad}{key}: {_empty(item) if isinstance(item, (dict, list)) else _scalar(item)}")
    elif isinstance(v, list):
        for item in v:
            if isinstance(item, (dict, list)) and item:
                sub: List[str] = []
                _emit(item, indent + 2, sub)
                out.append(f"{pad}- {sub[0].lstrip()}")
                out.extend(sub[1:])
            else:
                out.append(f"{pad}- {_empty(item) if isinstance(item, (dict, list)) else _scalar(item)}")
    else:
        out.append(pad + _scalar(v))


def _empty(v) -> str:
    return "{}" if isinstance(v, dict) else "[]"


def to_yaml(doc, header: str = "") -> str:
    out: List[str] = [f"# {line}" if line else "#" for line in header.splitlines()]
    _emit(doc, 0, out)
    return "\n".join(out) + "\n"


def board_yaml(kind: str) -> str:
    """The template as text, with the placeholders unquoted where they stand
    for a list, so filling them in (sed, jinja2) gives a valid job."""
    text = to_yaml(board_template(kind), _board_header(kind))
    return text.replace('"{{ TAGS }}"', "{{ TAGS }}")


def _board_header(kind: str) -> str:
    lines = [f"LAVA job template for Anvil on a real board ({kind}), from tools/anvil lava --board {kind}.",
             "Fill in every {{ VARIABLE }} (docs/lava.md):"]
    lines += [f"  {k}: {v}" for k, v in BOARD_VARIABLES.items()]
    lines.append("{SERVER_IP} and {KERNEL} are LAVA's own substitutions: leave them.")
    return "\n".join(lines)


# -- images -------------------------------------------------------------------
def fat_image(esp_dir: str, out: str, size_mb: int = ESP_IMAGE_MB) -> str:
    """The ESP directory as a FAT disk image (mtools), for deploys that need a file."""
    for tool in ("mformat", "mcopy", "mmd"):
        if shutil.which(tool) is None:
            raise LavaError(f"{tool} is not installed (apt-get install mtools)")
    if os.path.exists(out):
        os.unlink(out)
    with open(out, "wb") as f:
        f.truncate(size_mb << 20)
    _run(["mformat", "-i", out, "-F", "::"])
    for root, dirs, files in os.walk(esp_dir):
        rel = os.path.relpath(root, esp_dir)
        target = "::" if rel == "." else "::/" + rel.replace(os.sep, "/")
        for d in sorted(dirs):
            _run(["mmd", "-i", out, f"{target.rstrip('/')}/{d}"])
        for name in sorted(files):
            _run(["mcopy", "-i", out, os.path.join(root, name), f"{target.rstrip('/')}/{name}"])
    return out


def _run(argv: List[str]) -> None:
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, errors="replace")
    if r.returncode != 0:
        raise LavaError(f"{' '.join(argv)}: {r.stdout.strip()}")


# -- results ------------------------------------------------------------------
def results_from_yaml_docs(docs: List[dict], suite: str) -> List[Dict[str, str]]:
    """LAVA's recorded results (results.yaml of lava-run's output directory:
    a list of {suite, name, result, ...}) for one monitors suite, in order."""
    found = []
    for d in docs or []:
        if not isinstance(d, dict):
            continue
        s = str(d.get("suite", ""))
        if s == suite or s.endswith("_" + suite):
            found.append({"name": str(d.get("name", "")), "result": str(d.get("result", ""))})
    return found


def expected_from_tap(tests) -> List[Dict[str, str]]:
    """What LAVA should record for the runner's parsed TAP tests (tap.TestResult)."""
    mapping = {"pass": "pass", "fail": "fail", "skip": "skip", "todo": "skip"}
    return [{"name": lava_id(t.name), "result": mapping[t.outcome]} for t in tests]


def compare(expected: List[Dict[str, str]], recorded: List[Dict[str, str]]) -> List[str]:
    """Differences case by case (in TAP order); empty when they agree."""
    problems = []
    for i in range(max(len(expected), len(recorded))):
        e = expected[i] if i < len(expected) else None
        r = recorded[i] if i < len(recorded) else None
        if e == r:
            continue
        if e is None:
            problems.append(f"LAVA recorded {r['name']}={r['result']} that the TAP report does not have")
        elif r is None:
            problems.append(f"case {i + 1} {e['name']}={e['result']}: LAVA recorded nothing")
        else:
            problems.append(f"case {i + 1}: TAP {e['name']}={e['result']}, LAVA {r['name']}={r['result']}")
    return problems
