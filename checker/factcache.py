"""Cached facts: a file's facts kept by its text, compile arguments and versions, trusted only while every file it includes is unchanged."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
from pathlib import Path

from . import __version__, preamble, toolchain

FORMAT = 2  # 2: statement facts for the control-flow graph


def key(path: Path, text: str, args: list[str]) -> str:
    material = json.dumps({"format": FORMAT, "path": [str(path), str(path.resolve())], "text": text, "args": args, "qtcheck": __version__,
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
    """The cached facts, or None when missing, unreadable or any included file changed since."""
    try:
        with open(cache_dir / "facts" / f"{entry}.pickle", "rb") as handle:
            stamps, facts = pickle.load(handle)
        if _stamps(facts) != stamps or not _complete(facts):
            return None
        return facts
    except Exception:  # a corrupt or foreign entry is rebuilt, never trusted
        return None


def store(cache_dir: Path, entry: str, facts) -> None:
    folder = cache_dir / "facts"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        data = pickle.dumps((_stamps(facts), facts), protocol=pickle.HIGHEST_PROTOCOL)
        preamble._atomic_write(folder / f"{entry}.pickle", lambda tmp: Path(tmp).write_bytes(data))
    except (OSError, pickle.PicklingError):
        pass  # no cache, not an error
