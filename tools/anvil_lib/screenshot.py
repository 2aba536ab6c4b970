"""`--screenshot`: the emulator's display at the end of a run, and a check
that it shows the kernel's summary screen.

QEMU: a QMP socket (-qmp unix:...), `screendump` into a PPM once the kernel
has printed its closing line and `# summary-screen: crc32=<hex> rows=<n>
top=<t> scale=<s> banner=<word>` (kernel/summary_screen.c), then the PPM as
PNG under build/reports/<platform>.png (written here with zlib: no imaging
package needed).

The check reads the text back from the pixels: every cell of the grid is
matched exactly against the kernel's own console font (build/deps/font/
console.psf), the banner's glyphs at their scale, and the CRC-32 of the
banner word and the grid lines (each + '\\n', as lib/summary.c computes it)
must equal the one the kernel printed. No OCR: the font is the same bitmap.
"""

import json
import os
import re
import socket
import struct
import time
import zlib
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

QMP_SOCKET = "qmp.sock"
PPM_NAME = "screen.ppm"
QMP_TIMEOUT_S = 10.0
SUMMARY_LINE = re.compile(r"^#\s*summary-screen:\s*crc32=([0-9a-fA-F]{8})\s+rows=(\d+)"
                          r"\s+top=(\d+)\s+scale=(\d+)\s+banner=(\S+)")
BANNER_LEN = 4
PSF1_MAGIC = b"\x36\x04"
PSF1_MODE512, PSF1_MODEHASTAB = 0x01, 0x02
PSF1_SEPARATOR, PSF1_STARTSEQ = 0xFFFF, 0xFFFE


class ScreenshotError(Exception):
    pass


@dataclass
class SummaryClaim:
    """What the kernel said it drew."""
    crc32: int
    rows: int
    top: int
    scale: int
    banner: str


def parse_summary_line(line: str) -> Optional[SummaryClaim]:
    m = SUMMARY_LINE.match(line)
    if not m:
        return None
    return SummaryClaim(int(m.group(1), 16), int(m.group(2)), int(m.group(3)),
                        int(m.group(4)), m.group(5))


# -- QMP ----------------------------------------------------------------------
def qmp_argv(run_dir: str) -> List[str]:
    return ["-qmp", f"unix:{os.path.join(run_dir, QMP_SOCKET)},server=on,wait=off"]


def _qmp_read(f, timeout_s: float) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = f.readline()
        if not line:
            raise ScreenshotError("QMP connection closed")
        msg = json.loads(line)
        if "event" in msg:
            continue
        return msg
    raise ScreenshotError("no QMP answer")


def qmp_screendump(run_dir: str, out_ppm: str, timeout_s: float = QMP_TIMEOUT_S) -> None:
    path = os.path.join(run_dir, QMP_SOCKET)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout_s)
    try:
        s.connect(path)
        f = s.makefile("rw", encoding="utf-8", newline="\n")
        _qmp_read(f, timeout_s)  # greeting
        for cmd in ({"execute": "qmp_capabilities"},
                    {"execute": "screendump", "arguments": {"filename": out_ppm}}):
            f.write(json.dumps(cmd) + "\n")
            f.flush()
            reply = _qmp_read(f, timeout_s)
            if "error" in reply:
                raise ScreenshotError(f"QMP {cmd['execute']}: {reply['error'].get('desc', reply)}")
    except (OSError, ValueError) as e:
        raise ScreenshotError(f"QMP on {path}: {e}") from e
    finally:
        s.close()


# -- images -------------------------------------------------------------------
@dataclass
class Image:
    width: int
    height: int
    rgb: bytes          # width * height * 3

    def px(self, x: int, y: int) -> Tuple[int, int, int]:
        i = (y * self.width + x) * 3
        return self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]


def read_ppm(path: str) -> Image:
    """Binary PPM (P6, maxval 255), as QEMU's screendump writes it."""
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        while pos < len(data) and data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while end < len(data) and not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    if fields[0] != b"P6" or int(fields[3]) != 255:
        raise ScreenshotError(f"{path}: not a P6 PPM with maxval 255")
    w, h = int(fields[1]), int(fields[2])
    rgb = data[pos + 1:pos + 1 + w * h * 3]
    if len(rgb) != w * h * 3:
        raise ScreenshotError(f"{path}: {len(rgb)} bytes of pixels, want {w * h * 3}")
    return Image(w, h, rgb)


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def write_png(path: str, img: Image) -> None:
    """8-bit RGB PNG, no filtering (PNG spec: IHDR, IDAT, IEND)."""
    stride = img.width * 3
    raw = b"".join(b"\x00" + img.rgb[y * stride:(y + 1) * stride] for y in range(img.height))
    ihdr = struct.pack(">IIBBBBB", img.width, img.height, 8, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) +
                _png_chunk(b"IDAT", zlib.compress(raw, 9)) + _png_chunk(b"IEND", b""))


def read_png(path: str) -> Image:
    """Reads back what write_png writes (RGB, 8 bit, filter 0 on every row)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ScreenshotError(f"{path}: not a PNG")
    pos, idat, w, h = 8, b"", 0, 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, colour = struct.unpack(">IIBB", body[:10])
            if (depth, colour) != (8, 2):
                raise ScreenshotError(f"{path}: only 8-bit RGB is read here")
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * 3
    rows = []
    for y in range(h):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        if line[0] != 0:
            raise ScreenshotError(f"{path}: row {y} uses PNG filter {line[0]}")
        rows.append(line[1:])
    return Image(w, h, b"".join(rows))


# -- the font -----------------------------------------------------------------
@dataclass
class Font:
    width: int
    height: int
    glyphs: List[bytes]          # height bytes each (PSF1: 8 pixels wide)
    ascii: Dict[int, int]        # printable codepoint -> glyph index

    def by_bitmap(self) -> Dict[bytes, str]:
        """Bitmap -> character for printable ASCII (the first one, if two share)."""
        out: Dict[bytes, str] = {}
        for cp in range(0x20, 0x7F):
            out.setdefault(self.glyphs[self.ascii[cp]], chr(cp))
        return out


def read_psf1(path: str) -> Font:
    """PSF1 as lib/psf.c reads it: the unicode table's first glyph for each
    ASCII codepoint wins; without a table, glyph index = codepoint."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] != PSF1_MAGIC:
        raise ScreenshotError(f"{path}: not a PSF1 font")
    mode, height = data[2], data[3]
    count = 512 if mode & PSF1_MODE512 else 256
    glyphs = [data[4 + i * height:4 + (i + 1) * height] for i in range(count)]
    ascii_map: Dict[int, int] = {}
    if mode & PSF1_MODEHASTAB:
        pos, glyph, in_seq = 4 + count * height, 0, False
        while pos + 1 < len(data) and glyph < count:
            v = struct.unpack("<H", data[pos:pos + 2])[0]
            pos += 2
            if v == PSF1_SEPARATOR:
                glyph, in_seq = glyph + 1, False
            elif v == PSF1_STARTSEQ:
                in_seq = True
            elif not in_seq and v < 0x80:
                ascii_map.setdefault(v, glyph)
    else:
        ascii_map = {c: c for c in range(0x80)}
    fallback = ascii_map.get(ord("?"), 0)
    for c in range(0x80):
        ascii_map.setdefault(c, fallback)
    return Font(8, height, glyphs, ascii_map)


# -- reading the screen back --------------------------------------------------
def _cell(img: Image, font: Font, x0: int, y0: int, scale: int, bg) -> bytes:
    rows = []
    for y in range(font.height):
        bits = 0
        for x in range(font.width):
            if img.px(x0 + x * scale, y0 + y * scale) != bg:
                bits |= 0x80 >> x
        rows.append(bits)
    return bytes(rows)


def read_summary(img: Image, font: Font, claim: SummaryClaim) -> Tuple[str, List[str]]:
    """(banner, grid lines) as displayed, at the positions the kernel's
    layout puts them (lib/summary.c); '\\x00' for a cell that is no glyph."""
    chars = font.by_bitmap()
    cols, screen_rows = img.width // font.width, img.height // font.height
    if claim.top + claim.rows > screen_rows:
        raise ScreenshotError(f"the claimed grid ({claim.top}+{claim.rows} rows) is taller "
                              f"than the {img.width}x{img.height} screen")
    black = (0, 0, 0)
    banner = ""
    if claim.scale:
        band = img.px(0, 0)
        col0 = (cols - BANNER_LEN * claim.scale) // 2 if cols > BANNER_LEN * claim.scale else 0
        for i in range(BANNER_LEN):
            x0 = (col0 + i * claim.scale) * font.width
            banner += chars.get(_cell(img, font, x0, 0, claim.scale, band), "\0")
    lines = []
    for r in range(claim.rows):
        y0 = (claim.top + r) * font.height
        text = "".join(chars.get(_cell(img, font, c * font.width, y0, 1, black), "\0")
                       for c in range(cols))
        lines.append(text.rstrip(" "))
    if not claim.scale and lines:
        banner = lines[0]
    return banner, lines


def grid_crc32(banner: str, lines: List[str]) -> int:
    text = banner + "\n" + "".join(line + "\n" for line in lines)
    return zlib.crc32(text.encode("latin-1", "replace"))


def check(img: Image, font: Font, claim: SummaryClaim) -> Tuple[bool, str, List[str]]:
    """(matches, one-line description, the lines read)."""
    banner, lines = read_summary(img, font, claim)
    crc = grid_crc32(banner, lines)
    if banner != claim.banner:
        return False, f"banner reads '{banner}', the kernel drew '{claim.banner}'", lines
    if crc != claim.crc32:
        return False, (f"the displayed text has crc32={crc:08x}, the kernel's summary "
                       f"crc32={claim.crc32:08x}"), lines
    return True, f"summary screen displayed: {banner}, {claim.rows} lines, crc32={crc:08x}", lines
