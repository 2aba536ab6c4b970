"""The kernel command line the runner boots with.

Defaults: on_finish=exit (so the emulator ends with a status), plus tests= and
timeout= when the user gave them, and emulator_version= when the runner knows
the version of the platform's emulator (the kernel gates quirks on it). Words
from --cmdline are appended; a word that sets a key the defaults also set
(on_finish=halt) replaces the default.
"""

import re
import shlex
from typing import List, Optional

# kernel/include/anvil/boot_info.h: BOOT_CMDLINE_MAX includes the NUL.
CMDLINE_MAX = 1023
# lib/include/anvil/cmdline.h: CMDLINE_VERSION_MAX (NUL included) and the
# characters lib/cmdline.c accepts in emulator_version=.
VERSION_MAX = 31
_VERSION = re.compile(r"[0-9A-Za-z.+~-]+")


def _key(word: str) -> str:
    return word.split("=", 1)[0]


def version_ok(version: str) -> bool:
    """Whether the kernel would accept this as emulator_version=."""
    return len(version) <= VERSION_MAX and _VERSION.fullmatch(version) is not None


def build(extra: Optional[str] = None, tests: Optional[str] = None,
          test_timeout: Optional[str] = None, bench: bool = False,
          emulator_version: Optional[str] = None) -> str:
    defaults: List[str] = ["on_finish=exit"]
    if tests:
        defaults.append(f"tests={tests}")
    if test_timeout:
        defaults.append(f"timeout={test_timeout}")
    if bench:
        # Benchmarks measure the exit path, not the auditor that checks it:
        # off unless the user asks (audit=1 in --cmdline wins).
        defaults += ["bench=1", "audit=0"]
    if emulator_version and version_ok(emulator_version):
        defaults.append(f"emulator_version={emulator_version}")
    user = shlex.split(extra) if extra else []
    overridden = {_key(w) for w in user}
    words = [w for w in defaults if _key(w) not in overridden] + user
    return " ".join(words)


def check(cmdline: str) -> Optional[str]:
    """A reason the line cannot go into grub.cfg / cmdline.txt safely, or None."""
    if any(c in cmdline for c in "\n\r\"'`$\\;{}"):
        return "quotes, newlines, '$', '\\', ';' and braces are not allowed on the kernel command line"
    if not cmdline.isascii():
        return "the kernel command line must be ASCII"
    if len(cmdline) > CMDLINE_MAX:
        return f"the kernel command line is longer than {CMDLINE_MAX} characters"
    return None
