"""Emulator command lines, one function per emulator kind.

qemu:    serial on stdio; exit status through isa-debug-exit (rc = value<<1 | 1).
bochs:   bochsrc generated per run; serial to a file we tail; magic_break plus
         an -rc file ('c', then 'quit') so `xchg %bx,%bx` ends the run with rc 0.
command: an arbitrary argv from the platform file ({placeholders} filled in);
         the runner's own tests use it with a fake emulator.
See /work/shared/docs/platforms.md sections 1, 2, 5 and 7 for the facts these follow.
"""

import os
from typing import List, Optional

from .platforms import Platform
from .process import EMU_LOCK, Launch

SERIAL_FILE = "serial.txt"
BOCHSRC = "bochsrc.txt"
BOCHS_RC = "bochs-debugger.rc"
BOCHS_LOG = "bochs.log"
# Port 0xf4, 4 bytes wide: the kernel's outb(0xf4, v) makes QEMU exit with (v << 1) | 1.
QEMU_DEBUG_EXIT = "isa-debug-exit,iobase=0xf4,iosize=0x04"


def qemu_devices(p: Platform) -> List[str]:
    """The -device values: the platform's, else the arch's default. x86: a VGA
    (firmware and GRUB need it to offer a framebuffer) and the exit port;
    arm64 (virt): none (no ISA bus; the exit is semihosting)."""
    if p.devices is not None:
        return p.devices
    return ["VGA", QEMU_DEBUG_EXIT] if p.arch == "x86_64" else []


def qemu_argv(p: Platform, image: str, cmdline: str = "") -> List[str]:
    argv = [p.binary]
    if p.machine:
        argv += ["-machine", p.machine]
    argv += ["-accel", p.accel]
    if p.cpu:
        argv += ["-cpu", p.cpu]
    argv += ["-m", str(p.memory_mb), "-smp", "1",
             "-display", "none", "-nodefaults", "-no-reboot",
             "-serial", "stdio"]
    for d in qemu_devices(p):
        argv += ["-device", d]
    if p.firmware:
        argv += ["-bios", p.firmware]
    if p.boot == "esp":
        argv += ["-drive", f"file=fat:rw:{image},format=raw"]
    elif p.boot == "iso":
        argv += ["-cdrom", image, "-boot", "d"]
    elif p.boot == "kernel":
        argv += ["-kernel", image, "-append", cmdline]
    return argv + p.extra_args


def bochsrc(p: Platform, iso: str) -> str:
    """Configuration for Debian's Bochs 2.7 (no 'nogui': rfb without waiting
    for a client; the vgabios symlink is dangling, so SeaBIOS's stdvga ROM)."""
    lines = [
        f"megs: {p.memory_mb}",
        f"romimage: file={p.firmware}",
        f"vgaromimage: file={p.vgabios}",
        'display_library: rfb, options="timeout=0"',
        # A PCI VGA (1234:1111) so the stdvga ROM offers VBE and GRUB can set
        # the kernel's framebuffer mode.
        "vga: extension=vbe",
        "pci: enabled=1, chipset=i440fx, slot1=pcivga",
        # A triple fault must end the run, not reboot into GRUB again.
        # Bochs ignores unknown MSRs by default; a real CPU raises #GP(0),
        # and that is what the tests check.
        f"cpu: model={p.cpu}, count=1, ips={p.ips or 200000000}, reset_on_triple_fault=0, "
        "ignore_bad_msrs=0",
        "ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14",
        f"ata0-slave: type=cdrom, path={iso}, status=inserted",
        "boot: cdrom",
        f"com1: enabled=1, mode=file, dev={SERIAL_FILE}",
        "magic_break: enabled=1",
        # The kernel recognises Bochs by port 0xe9 reading back 0xe9.
        "port_e9_hack: enabled=1",
        f"log: {BOCHS_LOG}",
        # rfb cannot draw 32-bpp modes and says so with a panic; the guest's
        # framebuffer still works, so that one must not end the run.
        "panic: action=fatal, rfb=report",
        "error: action=report",
        "info: action=report",
        "debug: action=ignore",
        "clock: sync=none, time0=local",
        "mouse: enabled=0",
    ]
    return "\n".join(lines + p.extra_config) + "\n"


def bochs_argv(p: Platform, run_dir: str, iso: str) -> List[str]:
    with open(os.path.join(run_dir, BOCHSRC), "w") as f:
        f.write(bochsrc(p, os.path.relpath(iso, run_dir)))
    # The Debian build includes the debugger and stops at t=0: continue, and
    # quit when the kernel's magic break drops back into it.
    with open(os.path.join(run_dir, BOCHS_RC), "w") as f:
        f.write("c\nquit\n")
    return [p.binary, "-q", "-f", BOCHSRC, "-rc", BOCHS_RC]


def command_argv(p: Platform, run_dir: str, image: Optional[str], cmdline: str,
                 repo: str) -> List[str]:
    fields = {"rundir": run_dir, "image": image or "", "cmdline": cmdline,
              "serial": SERIAL_FILE, "repo": repo}
    return [word.format(**fields) for word in p.command]


def launch(p: Platform, run_dir: str, image: Optional[str], cmdline: str,
           repo: str, lock_path: Optional[str] = EMU_LOCK) -> Launch:
    lock = lock_path if p.exclusive else None
    if p.emulator == "qemu":
        return Launch(qemu_argv(p, image, cmdline), run_dir, None, lock)
    if p.emulator == "bochs":
        return Launch(bochs_argv(p, run_dir, image), run_dir, SERIAL_FILE, lock)
    serial = SERIAL_FILE if p.serial == "file" else None
    return Launch(command_argv(p, run_dir, image, cmdline, repo), run_dir, serial, lock)
