"""The cache's size bound: after each run the least recently used entries are removed until the cache folder holds
at most `--cache-max` (or the config's `cache-max`, else DEFAULT_MAX) bytes.

An entry is what is used and rebuilt as one: a precompiled preamble (KEY.pch, its metadata KEY.json, the header
it was built from KEY.*.h, its lock KEY.lock), a file's facts (facts/KEY.json), the built-in rules' documents
(rules/KEY.json) or a claims file's (claims/KEY.json). Its last use is the newest modification time of its files:
a read touches the entry (preamble.load, factcache.load, doccache.load), so an entry read every run stays however
old it is. Only files named as qtcheck names them are counted or removed: a --cache-dir that holds anything else
keeps it. A preamble whose builder holds its lock is never removed; a temporary file is removed
only when a killed writer left it (an hour old)."""

from __future__ import annotations

import fcntl
import os
import re
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import short

DEFAULT_MAX = 2 * 1024 ** 3  # about sixty preambles of Qt Core, Network and Test (33 MB each)
DEFAULT_TEXT = "2G"
UNITS = {"": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3, "T": 1024 ** 4}
SIZE_RE = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*(?:([KMGT])(?:i?B)?|B)?", re.IGNORECASE)
PREAMBLE_RE = re.compile(r"([0-9a-f]{32})\.(?:pch|json|lock|[A-Za-z0-9_]+\.h)")
FACTS_RE = re.compile(r"([0-9a-f]{32})\.json")
TEMPORARY_RE = re.compile(r"\.[0-9a-f]{32}\..*\.tmp")
STALE_TEMPORARY_SECONDS = 3600


def parse_size(value) -> int:
    """Bytes from `500M`, `2G`, `1.5G`, `750K`, `2GiB`, `10MB` or a number of bytes; K, M, G and T are powers of
    1024. ValueError, in words, for anything else or for zero."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError("expected a size like 500M or 2G")
    text = str(value).strip()
    match = SIZE_RE.fullmatch(text)
    if not match:
        raise ValueError(f"'{short(text, 40)}' is not a size: give a number with K, M, G or T (powers of 1024), "
                         f"like 500M or 2G")
    size = int(float(match[1]) * UNITS[(match[2] or "").upper()])
    if size <= 0:
        raise ValueError(f"'{short(text, 40)}' keeps nothing: give a size like 500M or 2G (--no-cache keeps no cache)")
    return size


def shown(size: int) -> str:
    for unit in ("T", "G", "M", "K"):
        if size >= UNITS[unit]:
            return f"{size / UNITS[unit]:.1f}{unit}"
    return f"{size}B"


def touch(path: Path) -> None:
    """Mark an entry used now (a read-only cache folder keeps its old times: no error)."""
    try:
        os.utime(path)
    except OSError:
        pass


@dataclass
class Entry:
    files: list[Path] = field(default_factory=list)
    size: int = 0
    last_use: int = 0  # ns
    lock: Path | None = None


def _regular(path: Path):
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st if stat.S_ISREG(st.st_mode) else None


def scan(cache_dir: Path) -> tuple[dict[str, Entry], list[tuple[Path, os.stat_result]]]:
    """The entries of the cache folder by name, and its temporary files."""
    entries: dict[str, Entry] = {}
    temporary: list[tuple[Path, os.stat_result]] = []
    folders = [(cache_dir, PREAMBLE_RE, "preamble")] + [(cache_dir / kind, FACTS_RE, kind)
                                                         for kind in ("facts", "rules", "claims")]
    for folder, pattern, kind in folders:
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            match = pattern.fullmatch(name)
            if not match and not TEMPORARY_RE.fullmatch(name):
                continue
            path = folder / name
            st = _regular(path)
            if st is None:
                continue
            if not match:
                temporary.append((path, st))
                continue
            entry = entries.setdefault(f"{kind}:{match[1]}", Entry())
            entry.files.append(path)
            entry.size += st.st_size
            entry.last_use = max(entry.last_use, st.st_mtime_ns)
            if name.endswith(".lock"):
                entry.lock = path
    return entries, temporary


def total_size(cache_dir: Path) -> int:
    entries, temporary = scan(cache_dir)
    return sum(e.size for e in entries.values()) + sum(st.st_size for _, st in temporary)


def _unlink(path: Path) -> bool:
    try:
        os.unlink(path)
        return True
    except OSError:
        return False


def _metadata_first(path: Path) -> tuple[int, str]:
    """The order an entry's files go in: its metadata first (without it the entry is never used), its lock last."""
    return ({".json": 0, ".lock": 2}.get(path.suffix, 1), path.name)


def _remove(entry: Entry) -> bool:
    """Remove an entry's files; False (nothing removed) while another process builds it (holds its lock)."""
    handle = None
    if entry.lock is not None:
        try:
            handle = open(entry.lock, "rb")
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held: being built now (or gone already)
            if handle is not None:
                handle.close()
            return False
    try:
        for path in sorted(entry.files, key=_metadata_first):
            _unlink(path)
    finally:
        if handle is not None:
            handle.close()
    return True


def prune(cache_dir: Path, bound: int) -> int:
    """Remove the least recently used entries until the cache folder holds at most bound bytes; the bytes freed.
    One pruner at a time: when another process is pruning this folder, nothing is done."""
    if total_size(cache_dir) <= bound:  # the common case: nothing to remove, nothing written
        return 0
    try:
        guard = open(cache_dir / ".prune.lock", "a+b")
    except OSError:  # no cache folder (nothing was cached) or not writable: nothing to remove
        return 0
    with guard:
        try:
            fcntl.flock(guard.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return 0
        entries, temporary = scan(cache_dir)
        total = sum(e.size for e in entries.values()) + sum(st.st_size for _, st in temporary)
        freed = 0
        stale = time.time() - STALE_TEMPORARY_SECONDS
        for path, st in temporary:
            if total > bound and st.st_mtime < stale and _unlink(path):
                total -= st.st_size
                freed += st.st_size
        for entry in sorted(entries.values(), key=lambda e: e.last_use):
            if total <= bound:
                break
            if _remove(entry):
                total -= entry.size
                freed += entry.size
        return freed
