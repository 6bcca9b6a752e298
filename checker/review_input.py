"""Reading review files: size limit, binary refusal, encoding detection (UTF-8/16 with BOM, Latin-1), line ends."""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

from . import files
from .errors import QtcheckError

DEFAULT_MAX_REVIEW_BYTES = 1024 * 1024
BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
ALLOWED_CONTROLS = set("\t\n\r\f")


def decode(data: bytes, name: str) -> str:
    """Text of a review's bytes; UTF-8 first, then Latin-1 when it holds no control characters."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise QtcheckError(f"{name}: undecodable {encoding.upper()} review (byte {exc.start})") from None
            break
    else:
        if b"\0" in data:
            raise QtcheckError(f"{name}: binary file, not a review (NUL bytes and no UTF-16 byte-order mark)")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:  # Latin-1, as Windows writes it (cp1252: its curly quotes where Latin-1 has control codes)
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise QtcheckError(f"{name}: undecodable review (neither UTF-8 nor Latin-1 text)") from None
    if any(ord(c) < 32 and c not in ALLOWED_CONTROLS for c in text):
        raise QtcheckError(f"{name}: binary file, not a review (control characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_review(location: str, max_bytes: int = DEFAULT_MAX_REVIEW_BYTES) -> tuple[str, str]:
    """(name, text) of a review file, or of standard input for '-'. Never writes the file."""
    if location == "-":
        if sys.stdin is None:
            raise QtcheckError("--review -: standard input is closed")
        try:
            data = sys.stdin.buffer.read(max_bytes + 1)
        except (OSError, ValueError) as exc:
            raise QtcheckError(f"--review -: cannot read standard input ({exc})") from None
        name = "<stdin>"
    else:
        path = Path(location)
        name = path.name
        if not path.exists():
            raise QtcheckError(f"{location}: review file not found")
        try:  # a FIFO or a device (/dev/zero) is refused, never waited on or read without end
            data = files.read_bounded(path, max_bytes)
        except files.NotRegular as exc:
            raise QtcheckError(f"{location}: {exc}; a review must be one") from None
        except OSError as exc:
            raise QtcheckError(f"{location}: cannot read review ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise QtcheckError(f"{location}: review is over the limit of {max_bytes} bytes (--max-review-bytes)")
    return name, decode(data, location)
