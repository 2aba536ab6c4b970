#!/usr/bin/env python3
"""A stand-in emulator for the runner's tests: replays a script of serial output.

  fake_emulator.py SCRIPT [--serial-file PATH]

Each script line is printed as a serial line, except these directives:
  @sleep S        pause S seconds
  @hang           sleep forever (the runner must time out and kill us)
  @exit N         exit with status N
  @child FILE     start a grandchild that sleeps forever and write its pid to FILE
  @raw TEXT       write TEXT without a newline
  @stderr TEXT    write TEXT to stderr (emulator chatter)
Serial goes to stdout, or appended to PATH with --serial-file (like Bochs com1).
"""

import subprocess
import sys
import time


def _open_serial(argv):
    if "--serial-file" in argv:
        return open(argv[argv.index("--serial-file") + 1], "a", encoding="utf-8")
    return sys.stdout


def _directive(line: str, serial) -> None:
    word, _, arg = line.partition(" ")
    if word == "@sleep":
        time.sleep(float(arg))
    elif word == "@hang":
        while True:
            time.sleep(3600)
    elif word == "@exit":
        serial.flush()
        sys.exit(int(arg))
    elif word == "@child":
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
        with open(arg, "w") as f:
            f.write(str(child.pid))
    elif word == "@raw":
        serial.write(arg)
        serial.flush()
    elif word == "@stderr":
        sys.stderr.write(arg + "\n")
        sys.stderr.flush()
    else:
        raise SystemExit(f"fake_emulator: unknown directive {word}")


def main(argv) -> int:
    serial = _open_serial(argv)
    with open(argv[1], encoding="utf-8") as f:
        script = f.read().splitlines()
    for line in script:
        if line.startswith("@"):
            _directive(line, serial)
        else:
            serial.write(line + "\r\n")
            serial.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
