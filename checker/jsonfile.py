"""Reading a JSON report someone hands qtcheck (a baseline, a shard's report): bounded, read only, and every
problem one QtcheckError line naming the file. The callers say what the file should have been."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import QtcheckError


def read_json_report(path: Path, name: str, limit: int, wanted: str, not_json_hint: str | None = None):
    """The JSON value in `path` (UTF-8, a BOM allowed). `name` starts every message; `wanted` says what the file
    should be ("not a qtcheck report", ...); `not_json_hint` replaces `give {wanted}` after a JSON syntax error."""
    if not path.is_file():
        raise QtcheckError(f"{name}: {'not a regular file' if path.exists() else 'no such file'}")
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise QtcheckError(f"{name}: cannot read ({exc.strerror})") from None
    if len(data) > limit:
        raise QtcheckError(f"{name}: over {limit // (1024 * 1024)} MiB; {wanted}")
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise QtcheckError(f"{name}: not UTF-8 (byte {exc.start}); {wanted}") from None
    except json.JSONDecodeError as exc:
        raise QtcheckError(f"{name}: not JSON (line {exc.lineno} column {exc.colno}: {exc.msg}); "
                           f"{not_json_hint or wanted}") from None
    except RecursionError:
        raise QtcheckError(f"{name}: JSON nested too deeply; {wanted}") from None
