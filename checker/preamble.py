"""Precompiled Qt preambles: a file's leading #include block built once into a PCH and reused from the cache."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import __version__, cachesize, toolchain
from .errors import QtcheckError

ANGLE_INCLUDE_RE = re.compile(r"^\s*#\s*include\s*<[^>]+>\s*(//.*|/\*.*\*/\s*)?$")
QUOTED_INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"([^"]+)"\s*(//.*|/\*.*\*/\s*)?$')
FORMAT = 3  # bump when the entry layout changes; 2: function bodies of the headers skipped; 3: own headers, failures
# libclang aborts the process (no report, a temporary file left) when a PCH does not fit on the disk, so the room is
# checked first. A PCH is 3.2 to 3.7 times the size of the headers it holds (Qt 6.4's Core, Network, Test); four
# times, plus headroom for other writers, is asked for.
PCH_BYTES_PER_HEADER_BYTE = 4
HEADROOM_BYTES = 64 * 1024 * 1024


def full_notice(cache_dir) -> str:
    return f"{cache_dir}: cache folder too full; files were parsed without the cache (slower, same results)"


def unusable_notice(cache_dir, why: str) -> str:
    return f"{cache_dir}: cache folder not usable ({why}); files were parsed without the cache (slower, same results)"


class CacheUnusable(Exception):
    """The cache folder cannot take this entry: the message is the report's notice."""


def free_bytes(folder: Path) -> int:
    """Free space where folder lives (the tests replace this probe: a full disk cannot be made in CI)."""
    return shutil.disk_usage(folder).free


def _check_room(cache_dir: Path, headers: dict[str, list[int] | None]) -> None:
    needed = PCH_BYTES_PER_HEADER_BYTE * sum(stamp[1] for stamp in headers.values() if stamp) + HEADROOM_BYTES
    if free_bytes(cache_dir) < needed:
        raise CacheUnusable(full_notice(cache_dir))


FAILED = object()  # the block's headers do not compile: no preamble of it (the file is parsed without this one)


@dataclass
class Preamble:
    """A usable PCH for one parse: the args that load it, and the include edges it hides from get_includes()."""

    pch: Path
    extra_args: list[str]
    include_edges: list[tuple[str, str, int]]  # (includer, included, line), the main file named by its path
    built: bool  # True when this run built it (a cache miss)


def include_block(text: str, main: str | None = None, args: list[str] = (),
                  origins: dict[int, tuple[str, int]] | None = None) -> list[str]:
    """The file's leading lines up to the first one that is not blank, a comment, an include guard or an
    `#include <...>` (`_leading`); given the main file's path and compile arguments, a first `#include "..."`
    there adds the leading includes of the header it opens (`_lead`), and the block ends after them.

    The file's own lines keep their numbers: every other line is blanked, so the header built from them has the
    main file's line numbers. The lines a quoted include brings follow; origins (when given) is told, for each
    of them, the header and line it comes from, so the include edges hidden in the preamble name their includer.
    """
    out: list[str] = []
    for number, kind, stripped in _leading(text):
        if kind == "blank":
            out.append("")
        elif kind == "angle":
            out.append(stripped)
        else:
            if main is not None:
                found = _resolve(stripped, os.path.dirname(main) or ".", main, args)
                brought: list[tuple[str, str, int]] = []
                if found is not None:
                    _lead(found, args, brought, {os.path.abspath(main)})
                for line, header, at in brought:
                    out.append(line)
                    if origins is not None:
                        origins[len(out)] = (header, at)
            break
    while out and not out[-1]:
        out.pop()
    return out if any(out) else []


def _lines(text: str):
    """(line number, kind, stripped text) of the leading lines: kind is "blank" (blank or a comment), "angle" (an
    `#include <...>`), "quoted" (an `#include "..."`) or "code" (anything else: the caller stops there)."""
    from .frontend import source_lines  # frontend imports this module

    in_comment = False
    for number, line in enumerate(source_lines(text), 1):
        stripped = line.strip()
        if in_comment or stripped.startswith("/*"):
            end = stripped.find("*/", 0 if in_comment else 2)
            in_comment = end < 0
            after = "" if in_comment else stripped[end + 2:].strip()
            yield number, ("blank" if not after or after.startswith("//") else "code"), after
        elif not stripped or stripped.startswith("//"):
            yield number, "blank", ""
        elif "\\" in line:
            yield number, "code", stripped
        elif ANGLE_INCLUDE_RE.match(line):
            yield number, "angle", stripped
        elif QUOTED_INCLUDE_RE.match(line):
            yield number, "quoted", stripped
        else:
            yield number, "code", stripped


def _resolve(line: str, folder: str, main: str, args: list[str]) -> str | None:
    """The header an `#include "name"` line opens when written in a file of folder: beside it, then in the -iquote
    and -I folders, as clang looks; None for moc output qtcheck stands in for, a name no folder has, or the main
    file itself."""
    from .frontend import GENERATED_INCLUDE_RE, _include_dirs, include_folders

    if GENERATED_INCLUDE_RE.match(line):
        return None
    name = QUOTED_INCLUDE_RE.match(line).group(1)
    for place in include_folders(name, True, Path(folder), *_include_dirs(list(args))):
        candidate = Path(name) if place is None else place / name
        try:
            if candidate.is_file():
                found = os.path.abspath(candidate)
                return None if found == os.path.abspath(main) else found
        except (OSError, ValueError):
            continue
    return None


LEAD_BYTES = 4 * 1024 * 1024
LEAD_DEPTH = 8
GUARD_OPEN_RE = re.compile(r"^#\s*(?:ifndef\s+(\w+)|if\s+!\s*defined\s*\(\s*(\w+)\s*\)|if\s+!\s*defined\s+(\w+))$")
GUARD_DEFINE_RE = re.compile(r"^#\s*define\s+(\w+)(?:\s.*)?$")
PRAGMA_ONCE_RE = re.compile(r"^#\s*pragma\s+once$")


def _lead(header: str, args: list[str], out: list[tuple[str, str, int]], seen: set[str], depth: int = 0) -> None:
    """The `#include <...>` lines a header starts with (`_leading`): whatever else it says comes after them, so in
    the preamble they are parsed before the header exactly as they are when the file includes it. A first
    `#include "..."` among them adds that header's own leading includes, and the lead ends there (the rest of
    that header, then of this one, comes before anything after it). Appends (line, header, line number) to out."""
    if header in seen or depth >= LEAD_DEPTH:
        return
    seen.add(header)
    try:
        with open(header, "rb") as handle:
            raw = handle.read(LEAD_BYTES)
    except OSError:
        return
    for number, kind, stripped in _leading(raw.decode("utf-8", "replace")):
        if kind == "angle":
            out.append((stripped, header, number))
        elif kind == "quoted":
            found = _resolve(stripped, os.path.dirname(header), header, args)
            if found is not None:
                _lead(found, args, out, seen, depth + 1)
            return


def _leading(text: str):
    """(line number, kind, stripped text) of the lines a file starts with that a preamble may take ahead of it:
    "blank" (blank, a comment, `#pragma once`, or the `#ifndef X` / `#define X` of an include guard wrapping the
    whole file), "angle" (an `#include <...>`), and a last "quoted" (an `#include "..."`), where it stops; it stops
    before anything else. An `#ifndef X` / `#define X` whose #endif is not the file's last line of code is no
    include guard (`#ifndef QT_NO_CAST_FROM_ASCII` / `#define QT_NO_CAST_FROM_ASCII` / `#endif` sets what the Qt
    headers after it see): it ends the lead."""
    state = "start"  # then "define" (a guard's #ifndef read), "open" (no guard, or a complete one, or includes)
    guard = None
    for number, kind, stripped in _lines(text):
        if kind == "blank":
            yield number, kind, stripped
        elif kind in ("angle", "quoted") and state != "define":
            yield number, kind, stripped
            if kind == "quoted":
                return
            state = "open"
        elif state == "start" and PRAGMA_ONCE_RE.match(stripped):
            state = "open"
            yield number, "blank", ""
        elif state == "start" and (opening := GUARD_OPEN_RE.match(stripped)) and _wrapped(text):
            guard = next(g for g in opening.groups() if g)
            state = "define"
            yield number, "blank", ""
        elif state == "define" and (GUARD_DEFINE_RE.match(stripped) or [None, None])[1] == guard:
            state = "open"
            yield number, "blank", ""
        else:
            return


COMMENT_RE = re.compile(r"/\*.*?\*/|//[^\n]*", re.DOTALL)
DIRECTIVE_RE = re.compile(r"^\s*#\s*(\w+)")


def _wrapped(text: str) -> bool:
    """The conditional the file's first line of code opens is closed by its last line of code."""
    code = [line for line in COMMENT_RE.sub(" ", text.replace("\\\r\n", "").replace("\\\n", "")).splitlines()
            if line.strip()]
    depth = 0
    for i, line in enumerate(code):
        directive = DIRECTIVE_RE.match(line)
        if not directive:
            continue
        word = directive.group(1)
        if word in ("if", "ifdef", "ifndef"):
            depth += 1
        elif word == "endif":
            depth -= 1
            if depth <= 0:
                return i == len(code) - 1
        elif word in ("else", "elif", "elifdef", "elifndef") and depth == 1:
            return False
    return False


def default_cache_dir() -> Path:
    """$QTCHECK_CACHE_DIR, else $XDG_CACHE_HOME/qtcheck, else ~/.cache/qtcheck."""
    if os.environ.get("QTCHECK_CACHE_DIR"):
        return Path(os.environ["QTCHECK_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "qtcheck"


def entry_key(block: list[str], args: list[str]) -> str:
    material = json.dumps({"format": FORMAT, "block": block, "args": args, "qtcheck": __version__,
                           "libclang": toolchain.libclang_version()}, sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def _digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _stamp(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


def _pch_stamp(st: os.stat_result) -> list[int]:
    """What changes whenever the PCH's bytes may have: a write or a utime() sets its change time to now (no call
    sets it back), so a PCH with the stamp its metadata recorded is the one whose digest was taken; any other is
    hashed again (30 ms for 25 MB on every run otherwise)."""
    return [st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino]


def load(cache_dir: Path, key: str, main: str, origins: dict[int, tuple[str, int]] | None = None):
    """The entry for key when it is complete and still true to the headers; FAILED when it records that the block
    does not compile and nothing it looked at has changed; None otherwise (never trusted)."""
    pch, meta_path = cache_dir / f"{key}.pch", cache_dir / f"{key}.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT or meta.get("key") != key:
            return None
        for header, stamp in meta["headers"].items():
            if _stamp(header) != stamp:
                return None  # a header changed since the build: stale
        if meta.get("failed") is True:  # and nothing it opened, nor a folder it looked in, has changed since
            cachesize.touch(meta_path)
            return FAILED
        st = pch.stat()
        if st.st_size != meta["pch_size"]:
            return None  # truncated
        if _pch_stamp(st) != meta.get("pch_stamp") and _digest(pch) != meta["pch_sha256"]:
            return None  # corrupt
        edges = _named(meta["edges"], meta["header"], main, origins or {})
    except (OSError, ValueError, KeyError, TypeError):
        return None
    cachesize.touch(meta_path)  # used now: the size bound removes the least recently used entries first
    return Preamble(pch, ["-include-pch", str(pch)], edges, built=False)


def _atomic_write(target: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def build(cache_dir: Path, key: str, block: list[str], args: list[str], main: str,
          origins: dict[int, tuple[str, int]] | None = None):
    """Compile the block into a PCH and store it with its metadata; FAILED when it does not compile cleanly.
    CacheUnusable when the cache folder has no room for it; nothing of the entry is left behind then."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    if free_bytes(cache_dir) < HEADROOM_BYTES:  # no room whatever the headers: spare the header parse
        raise CacheUnusable(full_notice(cache_dir))
    # A header of its own per build: clang checks the PCH's inputs, so no other builder may rewrite it.
    fd, name = tempfile.mkstemp(dir=cache_dir, prefix=f"{key}.", suffix=".h")
    header = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("\n".join(block) + "\n")
        built = _build_from(cache_dir, key, header, args, main, origins or {})
    except BaseException:
        _unlink(header)
        raise
    if built is FAILED:
        _unlink(header)
    return built


def _unlink(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def preamble_flags(ci) -> int:
    """How the preamble is parsed: without the bodies of the headers' functions (SKIP_FUNCTION_BODIES, as Qt
    Creator's code model builds its preambles: CXTranslationUnit_LimitSkipFunctionBodiesToPreamble). A parse of
    the main file on it then instantiates no template body of Qt's headers: 0.14 s of CPU instead of 0.85 s for
    the example, and the PCH is built in two thirds of the time (25 MB instead of 33). The main file's own bodies
    are parsed in full; what is lost is only what clang finds inside the headers' template bodies when the file
    instantiates them (an error there; see README, Limits)."""
    return (ci.TranslationUnit.PARSE_DETAILED_PROCESSING_RECORD | ci.TranslationUnit.PARSE_INCOMPLETE
            | ci.TranslationUnit.PARSE_SKIP_FUNCTION_BODIES)


def _build_from(cache_dir: Path, key: str, header: Path, args: list[str], main: str,
                origins: dict[int, tuple[str, int]]):
    ci = toolchain.cindex()
    header_args = ["c++-header" if a == "c++" else a for a in args]
    index = ci.Index.create()
    try:
        tu = index.parse(str(header), args=header_args, options=preamble_flags(ci))
    except ci.TranslationUnitLoadError:
        return FAILED
    if any(d.severity >= ci.Diagnostic.Error for d in tu.diagnostics):  # the plain parse reports them, at their lines
        _record_failure(cache_dir, key, header, tu, args, main)
        return FAILED
    edges: list[tuple[str, str, int]] = []
    seen: set[tuple[str, str]] = set()
    for inc in tu.get_includes():
        if inc.source is None:  # a file named by -include on the command line (a compile database's): no includer
            continue
        edges.append((inc.source.name, inc.include.name, inc.location.line))
        seen.add((inc.source.name, inc.include.name))
    for c in _inclusion_directives(tu, ci):  # the directives an include guard skipped
        if c.location.file is not None:
            target = c.get_included_file()
            if target is not None and (c.location.file.name, target.name) not in seen:
                seen.add((c.location.file.name, target.name))
                edges.append((c.location.file.name, target.name, c.location.line))
    files = {b for _, b, _ in edges} | {a for a, _, _ in edges}
    files.discard(str(header))
    headers = {f: _stamp(f) for f in sorted(files)}
    pch = cache_dir / f"{key}.pch"
    _check_room(cache_dir, headers)
    try:
        _atomic_write(pch, tu.save)
    except ci.TranslationUnitSaveError as exc:
        raise CacheUnusable(unusable_notice(cache_dir, str(exc))) from None
    try:
        st = pch.stat()
        meta = {"format": FORMAT, "key": key, "header": str(header), "edges": edges, "headers": headers,
                "pch_size": st.st_size, "pch_sha256": _digest(pch), "pch_stamp": _pch_stamp(st)}
        meta_path = cache_dir / f"{key}.json"
        _atomic_write(meta_path, lambda tmp: Path(tmp).write_text(json.dumps(meta), encoding="utf-8"))
    except BaseException:  # a PCH without its metadata is never used: do not leave it taking the room
        _unlink(pch)
        raise
    named = _named(edges, str(header), main, origins)
    return Preamble(pch, ["-include-pch", str(pch)], named, built=True)


def _named(edges, header: str, main: str, origins: dict[int, tuple[str, int]]) -> list[tuple[str, str, int]]:
    """The preamble's include edges with the includer the file sees: a line of the built header is the main file's
    line of that number, or the header and line a quoted include brought it from."""
    out = []
    for a, b, line in edges:
        line = int(line)
        if a == header:
            a, line = origins.get(line, (main, line))
        out.append((a, b, line))
    return out


NOT_FOUND_RE = re.compile(r"^'(.+)' file not found")


def _record_failure(cache_dir: Path, key: str, header: Path, tu, args: list[str], main: str) -> None:
    """Remember that this block does not compile, with the times and sizes of the files its parse opened and of
    the folders a missing header would appear in (beside the main file, the -iquote and -I folders, and for a
    header not found the folder its name points to under each of them and beside its includer): the next run
    parses it again only when one of them changed (a header clang finds only in its own system folders and
    installed later is not noticed: that block stays unused, which is slower, never different)."""
    from .frontend import _include_dirs

    quote_dirs, dirs = _include_dirs(args)
    looked = {str(inc.include.name) for inc in tu.get_includes()}
    folders = [os.path.dirname(main) or ".", *quote_dirs, *dirs]
    for d in tu.diagnostics:  # a header not found: the folders it would appear in, under each place clang looked
        missing = NOT_FOUND_RE.match(d.spelling)
        if missing:
            here = [os.path.dirname(d.location.file.name)] if d.location.file is not None else []
            folders += [os.path.join(place, os.path.dirname(missing.group(1))) for place in here + quote_dirs + dirs]
    looked |= {os.path.abspath(folder) for folder in folders}
    looked.discard(str(header))
    meta = {"format": FORMAT, "key": key, "failed": True, "headers": {f: _stamp(f) for f in sorted(looked)}}
    try:
        _check_room(cache_dir, {})
        _atomic_write(cache_dir / f"{key}.json", lambda tmp: Path(tmp).write_text(json.dumps(meta), encoding="utf-8"))
    except (OSError, CacheUnusable):  # not remembered: the next run tries again
        pass


def _inclusion_directives(tu, ci) -> list:
    """The #include directives among the translation unit's top-level cursors, in their order. The headers' unit
    has about 40,000 top-level cursors (Qt's declarations); get_children() makes each a cursor object asked twice
    more of libclang: here the kind is read from the cursor's own field and only the directives are kept (0.20 ->
    about 0.06 s of CPU of a cold check)."""
    wanted = ci.CursorKind.INCLUSION_DIRECTIVE.value
    out: list = []

    def visit(child, _parent, _data):
        if child._kind_id == wanted:
            child._tu = tu  # as the bindings do: the translation unit outlives the cursor
            out.append(child)
        return 1  # CXChildVisit_Continue

    ci.conf.lib.clang_visitChildren(tu.cursor, ci.callbacks["cursor_visit"](visit), None)
    return out


def _remove_leftovers(cache_dir: Path, key: str) -> None:
    """Temporary files of this entry that a killed builder left (the caller holds the entry's lock)."""
    for leftover in cache_dir.glob(f".{key}.*.tmp"):
        _unlink(leftover)


NEWER_THAN_17 = re.compile(r"^-std=(?:c|gnu)\+\+(?:2a|20|2b|23|2c|26)$")


def pch_breaks(args: list[str]) -> bool:
    """C++20 and later: clang 18 reports two false errors ("multiple overloads of '__va_list_tag' instantiate to
    the same signature") in every file parsed with a precompiled header (llvm/llvm-project#61931, fixed in
    clang 19); putting <stdarg.h> into the PCH does not avoid it here. Such files are parsed without one."""
    std = [a for a in args if a.startswith("-std=")]
    return bool(std) and bool(NEWER_THAN_17.match(std[-1]))


def prepare(cache_dir: Path, text: str, args: list[str], main: str, notices: list[str] | None = None) -> Preamble | None:
    """A valid preamble for this file from the cache, built when missing, stale or corrupt; None without one.
    When the block with what the file's first quoted include brings does not compile (a header missing, or
    not generated yet), the file's own lines before it are used. A cache folder that cannot take the entry
    (full, unwritable) adds a notice to notices."""
    if pch_breaks(args):
        return None
    origins: dict[int, tuple[str, int]] = {}
    block = include_block(text, main, args, origins)
    own = block[:min(origins) - 1] if origins else []  # the file's own lines, before what a header brought
    while own and not own[-1]:
        own = own[:-1]
    for candidate, where in ([(block, origins), (own, {})] if origins else [(block, {})]):
        if any(candidate):
            found = _prepare_block(cache_dir, candidate, where, args, main, notices)
            if found is not FAILED:
                return found
    return None


def _prepare_block(cache_dir: Path, block: list[str], origins: dict[int, tuple[str, int]], args: list[str], main: str,
                   notices: list[str] | None):
    """The preamble of this block; FAILED when its headers do not compile (recorded, so the next run does not
    parse them again until one of them changes); None when the cache folder cannot take it."""
    key = entry_key(block, args)
    try:
        found = load(cache_dir, key, main, origins)
        if found is not None:
            return found
        cache_dir.mkdir(parents=True, exist_ok=True)
        # One builder per entry at a time: the PCH and its metadata are two files, and two builders writing both
        # could leave one's PCH beside the other's metadata. The next one in finds the entry built.
        with open(cache_dir / f"{key}.lock", "a+b") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            found = load(cache_dir, key, main, origins)
            if found is not None:
                return found
            _remove_leftovers(cache_dir, key)
            return build(cache_dir, key, block, args, main, origins)
    except CacheUnusable as exc:  # a full cache folder: parse without a preamble, and say so
        if notices is not None:
            notices.append(str(exc))
        return None
    except OSError as exc:  # an unwritable cache folder: the same
        if notices is not None:
            notices.append(unusable_notice(cache_dir, exc.strerror or str(exc)))
        return None


def discard(preamble: Preamble) -> None:
    """Remove an entry clang refused, so the next run rebuilds it."""
    for path in (preamble.pch.with_suffix(".json"), preamble.pch):
        try:
            os.unlink(path)
        except OSError:
            pass


def _refused(tu, ci) -> bool:
    return any(d.severity >= ci.Diagnostic.Error and ("precompiled header" in d.spelling or "AST file" in d.spelling
                                                      or ".pch" in d.spelling)
               for d in tu.diagnostics)


def parse_main(path: Path, text: str, args: list[str], generated: list, pre: Preamble | None):
    """The main file's translation unit, on the preamble when there is one (its declarations then stay out
    of the cursor walk); a preamble clang refuses is discarded and the file parsed without it."""
    ci = toolchain.cindex()
    unsaved = [(str(path), text), *generated]
    flags = ci.TranslationUnit.PARSE_DETAILED_PROCESSING_RECORD
    if pre is not None:
        try:
            tu = ci.Index.create(excludeDecls=True).parse(str(path), args=args + pre.extra_args,
                                                          unsaved_files=unsaved, options=flags)
            if not _refused(tu, ci):
                return tu
        except ci.TranslationUnitLoadError:
            pass
        discard(pre)
        pre.include_edges.clear()
    try:
        return ci.Index.create().parse(str(path), args=args, unsaved_files=unsaved, options=flags)
    except ci.TranslationUnitLoadError as exc:
        raise QtcheckError(f"{path}: libclang could not parse the file ({exc})") from None
