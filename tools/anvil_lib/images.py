"""Boot images: the kernel build, and the per-run images under build/run/<platform>/.

esp: a directory served to the UEFI firmware as a FAT disk (QEMU vvfat):
       esp/EFI/BOOT/BOOTX64.EFI (BOOTAA64.EFI on arm64)   the UEFI front end carrying the kernel
       esp/anvil/cmdline.txt      the kernel command line, read by that loader
           (plain ASCII, no trailing newline)
iso: anvil.iso from tools/mkiso.sh with the command line in grub.cfg.
kernel: the kernel image itself (QEMU -kernel, the command line with -append).
"""

import os
import shutil
import subprocess
from typing import Optional, Tuple

KERNEL_ELF = "anvil.elf"
EFI_APP = "BOOTX64.EFI"
ISO_NAME = "anvil.iso"
# Per arch, as arch/<arch>/arch.mk names them (ARCH_KERNEL_IMAGE, ARCH_EFI_APP).
KERNEL_IMAGES = {"x86_64": "anvil.elf", "arm64": "anvil.bin"}
EFI_APPS = {"x86_64": "BOOTX64.EFI", "arm64": "BOOTAA64.EFI"}
ESP_DIR = "esp"


class ImageError(Exception):
    pass


def kernel_path(repo: str, build: str, arch: str) -> str:
    """The kernel ELF (what GRUB's ISO and the UEFI front end carry)."""
    return os.path.join(repo, build, arch, KERNEL_ELF)


def kernel_image_path(repo: str, build: str, arch: str) -> str:
    """What a direct-kernel boot starts (the ELF on x86, the Image binary on arm64)."""
    return os.path.join(repo, build, arch, KERNEL_IMAGES.get(arch, KERNEL_ELF))


def efi_path(repo: str, build: str, arch: str) -> str:
    return os.path.join(repo, build, arch, EFI_APPS.get(arch, EFI_APP))


def _make_env() -> dict:
    """Our environment minus the parent make's jobserver descriptors, which
    do not survive into this child and would only produce warnings."""
    env = dict(os.environ)
    flags = env.get("MAKEFLAGS", "").split()
    keep = [f for f in flags if not f.startswith(("--jobserver", "-j"))]
    env["MAKEFLAGS"] = " ".join(keep)
    env.pop("MFLAGS", None)
    return env


def build_kernel(repo: str, targets=("kernel", "efi"), arch: Optional[str] = None) -> Tuple[bool, str]:
    """Runs `make [ARCH=arch] -s kernel efi`; returns (ok, combined output)."""
    arch_arg = [f"ARCH={arch}"] if arch else []
    try:
        r = subprocess.run(["make", *arch_arg, "-s", *targets], cwd=repo, env=_make_env(),
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, errors="replace")
    except OSError as e:
        return False, f"cannot run make: {e}"
    return r.returncode == 0, r.stdout


def fresh_dir(path: str) -> str:
    if os.path.isdir(path):
        shutil.rmtree(path)
    os.makedirs(path)
    return path


def prepare_esp(run_dir: str, efi_app: str, cmdline: str) -> str:
    if not os.path.isfile(efi_app):
        raise ImageError(f"{efi_app} does not exist (did `make efi` build it?)")
    esp = fresh_dir(os.path.join(run_dir, ESP_DIR))
    boot = os.path.join(esp, "EFI", "BOOT")
    os.makedirs(boot)
    shutil.copyfile(efi_app, os.path.join(boot, os.path.basename(efi_app)))
    os.makedirs(os.path.join(esp, "anvil"))
    with open(os.path.join(esp, "anvil", "cmdline.txt"), "w", encoding="ascii") as f:
        f.write(cmdline)
    return esp


def prepare_iso(run_dir: str, kernel: str, cmdline: str, mkiso: str) -> str:
    if not os.path.isfile(kernel):
        raise ImageError(f"{kernel} does not exist (did `make kernel` build it?)")
    iso = os.path.join(run_dir, ISO_NAME)
    r = subprocess.run([mkiso, kernel, iso, cmdline], stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, errors="replace")
    if r.returncode != 0:
        raise ImageError(f"{os.path.basename(mkiso)} failed: {r.stdout.strip()}")
    return iso


def prepare(boot: str, run_dir: str, kernel: str, efi_app: str, cmdline: str,
            mkiso: str, kernel_image: Optional[str] = None) -> Optional[str]:
    """Makes the image for a boot kind; returns its path (None for 'none')."""
    os.makedirs(run_dir, exist_ok=True)
    if boot == "esp":
        return prepare_esp(run_dir, efi_app, cmdline)
    if boot == "iso":
        return prepare_iso(run_dir, kernel, cmdline, mkiso)
    if boot == "kernel":
        image = kernel_image or kernel
        if not os.path.isfile(image):
            raise ImageError(f"{image} does not exist (did `make kernel` build it?)")
        return image
    return None
