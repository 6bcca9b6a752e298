"""Documents read from YAML kept in the cache folder as JSON: the built-in rules (rules/KEY.json) and the claims
files given with --claims (claims/KEY.json, once their schema check passed), so that a run reads neither the
YAML nor, for claims, jsonschema again while their files are unchanged.

A key holds everything the document depends on (qtcheck's version, the format, the files' stamps or text); an
entry is trusted only when it says it is that key's. JSON is data: a planted entry can at worst be rejected,
never run. A cache folder that does not take an entry is no error: the files are read again next time."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import __version__, cachesize

FORMAT = 1


def key(kind: str, material) -> str:
    text = json.dumps({"format": FORMAT, "qtcheck": __version__, "kind": kind, "material": material}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def load(cache_dir: Path, folder: str, entry: str):
    """The document stored under entry, or None (missing, unreadable, or not an entry for this key)."""
    path = cache_dir / folder / f"{entry}.json"
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read().decode("utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != entry \
                or "document" not in data:
            return None
    except (OSError, ValueError):
        return None
    cachesize.touch(path)  # used now: the size bound removes the least recently used entries first
    return data["document"]


def store(cache_dir: Path, folder: str, entry: str, document) -> None:
    from . import preamble

    where = cache_dir / folder
    try:
        where.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"format": FORMAT, "key": entry, "document": document}, separators=(",", ":"))
        if preamble.free_bytes(where) >= len(text) + preamble.HEADROOM_BYTES:
            preamble._atomic_write(where / f"{entry}.json", lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        pass
