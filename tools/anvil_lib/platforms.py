"""Platform definitions: one INI file per platform in tools/platforms/<name>.conf.

Each file has a single [platform] section; see tools/platforms/qemu-x86-uefi.conf
for the documented keys. The data decides what the runner does; the code only
knows the emulator kinds (qemu, bochs, command) and boot kinds (esp, iso,
kernel, none).
"""

import configparser
import os
import shlex
import shutil
from dataclasses import dataclass, field
from typing import Dict, List, Optional

EMULATORS = ("qemu", "bochs", "command")
BOOT_KINDS = ("esp", "iso", "kernel", "none")
ARCHES = ("x86_64", "arm64")
SECTION = "platform"


class PlatformError(Exception):
    pass


@dataclass
class Platform:
    name: str
    description: str
    emulator: str
    binary: str
    boot: str
    timeout: float
    arch: str = "x86_64"
    machine: str = ""
    accel: str = "tcg"
    cpu: str = ""
    memory_mb: int = 256
    firmware: str = ""
    vgabios: str = ""
    ips: int = 0
    extra_args: List[str] = field(default_factory=list)
    devices: Optional[List[str]] = None  # qemu -device values; None: the arch's default
    extra_config: List[str] = field(default_factory=list)
    command: List[str] = field(default_factory=list)
    serial: str = "stdout"          # command emulator only: stdout or file
    exit_pass: Optional[int] = None  # emulator rc when the kernel reports success
    exit_fail: Optional[int] = None  # emulator rc when the kernel reports failures
    exclusive: bool = True           # hold /tmp/anvil-emu.lock while it runs
    default: bool = False
    order: int = 100                 # `anvil test` runs platforms by (order, name)
    requires_bin: List[str] = field(default_factory=list)
    requires_files: List[str] = field(default_factory=list)
    requires_hint: str = ""
    source: str = ""

    def missing(self) -> List[str]:
        """Requirements not present on this machine (empty: can run here)."""
        gone = [b for b in self.requires_bin if shutil.which(b) is None]
        gone += [f for f in self.requires_files if not os.path.exists(f)]
        return gone

    def skip_reason(self) -> str:
        gone = self.missing()
        if not gone:
            return ""
        reason = "missing " + ", ".join(gone)
        return f"{reason} ({self.requires_hint})" if self.requires_hint else reason


def _words(value: str) -> List[str]:
    return shlex.split(value) if value else []


def _lines(value: str) -> List[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _optional_int(section, key: str) -> Optional[int]:
    value = section.get(key, "").strip()
    return int(value, 0) if value else None


def load_platform(path: str) -> Platform:
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=None)
    try:
        with open(path, encoding="utf-8") as f:
            parser.read_file(f)
        s = parser[SECTION]
    except (OSError, configparser.Error, KeyError) as e:
        raise PlatformError(f"{path}: {e}") from e
    name = os.path.splitext(os.path.basename(path))[0]
    try:
        p = Platform(
            name=name,
            description=s.get("description", ""),
            emulator=s.get("emulator", ""),
            binary=s.get("binary", ""),
            boot=s.get("boot", ""),
            timeout=s.getfloat("timeout", 120.0),
            arch=s.get("arch", "x86_64"),
            machine=s.get("machine", ""),
            accel=s.get("accel", "tcg"),
            cpu=s.get("cpu", ""),
            memory_mb=s.getint("memory_mb", 256),
            firmware=s.get("firmware", ""),
            vgabios=s.get("vgabios", ""),
            ips=s.getint("ips", 0),
            extra_args=_words(s.get("extra_args", "")),
            devices=_words(s.get("devices")) if s.get("devices") is not None else None,
            extra_config=_lines(s.get("extra_config", "")),
            command=_words(s.get("command", "")),
            serial=s.get("serial", "stdout"),
            exit_pass=_optional_int(s, "exit_pass"),
            exit_fail=_optional_int(s, "exit_fail"),
            exclusive=s.getboolean("exclusive", True),
            default=s.getboolean("default", False),
            order=s.getint("order", 100),
            requires_bin=_words(s.get("requires_bin", "")),
            requires_files=_words(s.get("requires_files", "")),
            requires_hint=s.get("requires_hint", ""),
            source=path,
        )
    except ValueError as e:
        raise PlatformError(f"{path}: {e}") from e
    _validate(p)
    return p


def _validate(p: Platform) -> None:
    problems = []
    if p.emulator not in EMULATORS:
        problems.append(f"emulator must be one of {', '.join(EMULATORS)}")
    if p.boot not in BOOT_KINDS:
        problems.append(f"boot must be one of {', '.join(BOOT_KINDS)}")
    if p.emulator in ("qemu", "bochs") and not p.binary:
        problems.append("binary is required")
    if p.arch not in ARCHES:
        problems.append(f"arch must be one of {', '.join(ARCHES)}")
    if p.emulator == "bochs" and p.boot != "iso":
        problems.append("bochs platforms boot an iso")
    if p.emulator == "command" and not p.command:
        problems.append("command is required")
    if p.serial not in ("stdout", "file"):
        problems.append("serial must be stdout or file")
    if p.timeout <= 0:
        problems.append("timeout must be positive")
    if problems:
        raise PlatformError(f"{p.source}: " + "; ".join(problems))


def load_platforms(directory: str) -> Dict[str, Platform]:
    """All platforms, in run order."""
    try:
        names = sorted(f for f in os.listdir(directory) if f.endswith(".conf"))
    except OSError as e:
        raise PlatformError(f"{directory}: {e}") from e
    loaded = [load_platform(os.path.join(directory, fname)) for fname in names]
    return {p.name: p for p in sorted(loaded, key=lambda p: (p.order, p.name))}


def default_platform(platforms: Dict[str, Platform]) -> Optional[str]:
    for name, p in platforms.items():
        if p.default:
            return name
    return next(iter(platforms), None)


def select(platforms: Dict[str, Platform], names: Optional[str]) -> List[Platform]:
    """Resolves a comma-separated list (None: all) to platforms, in the given order."""
    if not names:
        return list(platforms.values())
    chosen = []
    for name in (n.strip() for n in names.split(",")):
        if not name:
            continue
        if name not in platforms:
            known = ", ".join(platforms) or "none"
            raise PlatformError(f"unknown platform '{name}' (known: {known})")
        chosen.append(platforms[name])
    return chosen
