"""Cached facts: a file's facts kept by its text, compile arguments and versions, trusted only while every file it includes is unchanged.

Entries are JSON read back through the records' declared types (serial.py): a planted or foreign entry can at
worst be rejected and rebuilt, never run. (Pickle was used before; a pickle in the cache folder is ignored.)"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from pathlib import Path

from . import __version__, cachesize, preamble, serial, toolchain

FORMAT = 15  # 2: statement facts for the control-flow graph; 3: JSON instead of pickle; 4: identifiers, parameters; 5: use map, declarations; 6: global accesses, initializer names; 7: classes macros define; 8: members and constructors; 9: not_analysed; 10: calls that emit, connected signals' parameters; 11: unparsed regions; 12: string-named signals and slots; 13: switch statements; 14: left shifts and the range of their count; 15: class scopes (the members of the classes the file names)


@functools.lru_cache(maxsize=None)
def _code_digest() -> str:
    """The facts pass's own source: an entry made by other code (a checkout between commits) is never reused."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    # every facts_*.py: a new domain is covered without being listed
    names = sorted(p.name for p in here.glob("facts*.py")) + ["cursors.py", "records.py", "frontend.py", "serial.py"]
    for name in names:
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()[:16]


def key(path: Path, text: str, args: list[str]) -> str:
    material = json.dumps({"format": FORMAT, "code": _code_digest(), "path": [str(path), str(path.resolve())], "text": text, "args": args, "qtcheck": __version__,
                           "libclang": toolchain.libclang_version()}, sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def _stamps(facts) -> dict[str, list[int] | None]:
    main = str(facts.path)
    return {node: preamble._stamp(node) for node in sorted(facts.include_graph.nodes) if node != main}


def _complete(facts) -> bool:
    """Whether the entry has every field today's Facts has (one written before a field was added has not)."""
    from .facts import Facts

    return isinstance(facts, Facts) and all(hasattr(facts, f.name) for f in dataclasses.fields(Facts))


def load(cache_dir: Path, entry: str):
    """The cached facts, or None when missing, unreadable, malformed or any included file changed since."""
    from .facts import Facts

    path = cache_dir / "facts" / f"{entry}.json"
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read().decode("utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        facts = serial.decode(Facts, data["facts"])
        stamps = serial.decode(dict[str, list[int] | None], data["stamps"])
        if _stamps(facts) != stamps or not _complete(facts):
            return None
        cachesize.touch(path)  # used now: the size bound removes the least recently used entries first
        return facts
    except Exception:  # a corrupt or foreign entry is rebuilt, never trusted
        return None


def store(cache_dir: Path, entry: str, facts) -> str | None:
    """Keep the facts (written to a temporary file and renamed); a notice for the report when the cache folder
    would not take them (no cache then, not an error)."""
    folder = cache_dir / "facts"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"format": FORMAT, "stamps": _stamps(facts), "facts": serial.encode(facts)},
                          separators=(",", ":")).encode("utf-8")
        if preamble.free_bytes(folder) < len(data) + preamble.HEADROOM_BYTES:
            return preamble.full_notice(cache_dir)
        preamble._atomic_write(folder / f"{entry}.json", lambda tmp: Path(tmp).write_bytes(data))
    except OSError as exc:
        return preamble.unusable_notice(cache_dir, exc.strerror or str(exc))
    except ValueError:
        pass  # facts that do not serialise: not cached
    return None
