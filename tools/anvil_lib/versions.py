"""The version of a platform's emulator, for emulator_version= on the kernel
command line: the kernel applies a quirk only to the versions it is not fixed
in (docs/emulator-quirks.md).

qemu:    `<binary> --version`, whose first line is
         "QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)" -> "7.2.19".
bochs:   the version of the Debian package that installed the binary
         (dpkg-query -S, then -W): "2.7+dfsg-4+deb12u1" -> "2.7". Bochs has no
         option that only prints its version, and starting it (even with
         --help) may enter its configuration menu or debugger, so it is never
         run to ask.
command: none (the fake emulators of the runner's own tests).
Each (kind, binary) is looked up once per runner process. Anything that goes
wrong gives None, and the runner then passes no emulator_version= (the kernel
takes the version as unknown and applies every quirk of that emulator).
"""

import functools
import os
import re
import shutil
import subprocess
from typing import List, Optional

from .platforms import Platform

LOOKUP_TIMEOUT_S = 10
_QEMU = re.compile(r"^QEMU emulator version (\d+(?:\.\d+)*)")
# Debian: [epoch:]upstream[-revision]; the upstream part's leading dotted number.
_DEBIAN = re.compile(r"^(?:\d+:)?(\d+(?:\.\d+)*)")


def qemu_version_from_output(text: str) -> Optional[str]:
    """'7.2.19' from `qemu-system-* --version` output, or None."""
    lines = text.splitlines()
    m = _QEMU.match(lines[0].strip()) if lines else None
    return m.group(1) if m else None


def debian_upstream_version(version: str) -> Optional[str]:
    """'2.7' from a Debian package version such as '2.7+dfsg-4+deb12u1', or None."""
    m = _DEBIAN.match(version.strip())
    return m.group(1) if m else None


def dpkg_owner_from_output(text: str) -> Optional[str]:
    """The package in `dpkg-query -S <path>` output ('bochs: /usr/bin/bochs')."""
    for line in text.splitlines():
        packages, sep, path = line.partition(": ")
        if not sep or not path.startswith("/") or line.startswith("diversion "):
            continue
        return packages.split(", ")[0].split(":")[0].strip() or None
    return None


def _output(argv: List[str]) -> Optional[str]:
    """stdout of a short, non-interactive command, or None if it failed."""
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=LOOKUP_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError):
        return None
    return r.stdout if r.returncode == 0 else None


def _resolve(binary: str) -> Optional[str]:
    found = shutil.which(binary)
    return os.path.realpath(found) if found else None


def qemu_version(binary: str) -> Optional[str]:
    path = _resolve(binary)
    out = _output([path, "--version"]) if path else None
    return qemu_version_from_output(out) if out else None


def package_version(binary: str) -> Optional[str]:
    """Upstream version of the Debian package that owns the binary."""
    path = _resolve(binary)
    if not path or not shutil.which("dpkg-query"):
        return None
    owner = dpkg_owner_from_output(_output(["dpkg-query", "-S", path]) or "")
    if not owner:
        return None
    version = _output(["dpkg-query", "-W", "-f", "${Version}", owner])
    return debian_upstream_version(version) if version else None


_LOOKUPS = {"qemu": qemu_version, "bochs": package_version}


@functools.lru_cache(maxsize=None)
def _cached(kind: str, binary: str) -> Optional[str]:
    lookup = _LOOKUPS.get(kind)
    return lookup(binary) if lookup else None


def emulator_version(p: Platform) -> Optional[str]:
    """The version of p's emulator binary, or None (unknown, or a command emulator)."""
    if not p.binary:
        return None
    return _cached(p.emulator, p.binary)
