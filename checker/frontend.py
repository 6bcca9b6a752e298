"""Front end: compile arguments (defaults or compile_commands.json), and the libclang parse."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from . import compdb, files, preamble, qt_discovery, toolchain
from .errors import QtcheckError

# signals:/slots:/Q_INVOKABLE become annotate attributes the facts layer can see (clazy uses the same hook).
ANNOTATE_DEFINES = [
    "-DQT_ANNOTATE_ACCESS_SPECIFIER(a)=__attribute__((annotate(#a)))",
    "-DQT_ANNOTATE_FUNCTION(a)=__attribute__((annotate(#a)))",
]
GENERATED_INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"([^"]+\.moc|moc_[^"]+\.cpp)"', re.MULTILINE)
NO_QT_VERSION = "none (--no-qt)"
HEADER_SUFFIXES = {".h", ".hh", ".hpp", ".hxx", ".h++", ".ipp", ".inl", ".tpp"}


LINE_BREAK_RE = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """The lines as clang numbers them: only CR, LF and CRLF end a line (str.splitlines also breaks at form feeds,
    vertical tabs, U+2028 ..., which would shift every line after one against clang's line numbers)."""
    lines = LINE_BREAK_RE.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def char_column(line: str, byte_column: int) -> int:
    """clang's column (1-based, counted in UTF-8 bytes) as a 1-based column in characters (code points) of line.

    Every column qtcheck keeps, slices source text with or reports is in characters; SARIF says so
    (run.columnKind "unicodeCodePoints")."""
    if line.isascii() or byte_column <= 1:
        return byte_column
    encoded = line.encode("utf-8")
    before = byte_column - 1
    # a column past the end of the line (clang's end of a token that closes it) stays past it by as many
    return len(encoded[:before].decode("utf-8", "replace")) + 1 + max(0, before - len(encoded))


@dataclass
class Diagnostic:
    """A clang diagnostic: severity is 'warning', 'error' or 'fatal'."""

    severity: str
    file: str
    line: int
    column: int
    message: str
    option: str = ""  # the warning flag that reports it (-Wshorten-64-to-32), when clang names one


@dataclass
class Options:
    """What the user said about how to parse."""

    qt_include: str | None = None
    build_dir: str | None = None
    resource_dir: str | None = None
    no_qt: bool = False  # degraded mode: parse without any Qt include dir
    extra_args: list[str] = field(default_factory=list)
    cache_dir: str | None = None  # precompiled preambles are kept here; None parses without them


@dataclass
class Parsed:
    """One parsed translation unit and what the later stages need from it."""

    path: Path
    text: str
    tu: object
    args: list[str]
    qt_include: Path | None
    qt_version: str
    diagnostics: list[Diagnostic]
    degraded: bool = False  # parsed without Qt headers (--no-qt)
    preamble_includes: list = field(default_factory=list)  # include edges inside the precompiled preamble
    notices: list[str] = field(default_factory=list)  # for the report: e.g. a cache folder that could not be used

    @property
    def lines(self) -> list[str]:
        return self.source_lines(self.text)

    @staticmethod
    def source_lines(text: str) -> list[str]:
        return source_lines(text)


def compile_command(path: Path, options: Options) -> compdb.Command | None:
    """The compile database's command for path (its own entry, or the closest one's); None without a database."""
    if not options.build_dir:
        return None
    return compdb.command_for(compdb.load(options.build_dir), path)


def qt_in(args: list[str]) -> Path | None:
    """The Qt include folder a compile database's arguments name (the folder holding QtCore/, or found
    above a module folder such as .../qt6/QtCore), for the Qt version the report and the rules use."""
    quote, both = _include_dirs(args)
    for folder in both + quote:
        for root in (folder, folder.parent):
            if (root / "QtCore" / "qglobal.h").is_file():
                return root
    return None


# Warnings qtcheck turns on to answer claims (narrowing, a stray semicolon); the report does not list them, they are
# facts for questions (rules/narrowing-conversion.yaml, rules/extra-semicolon.yaml)
FACT_WARNINGS = ["-Wextra-semi", "-Wshorten-64-to-32", "-Wimplicit-int-conversion", "-Wformat", "-Wformat-security",
                 "-Wformat-nonliteral"]


def compile_args(path: Path, text: str, options: Options) -> tuple[list[str], Path | None]:
    """The arguments for libclang, and the Qt include dir they use (None from a compile database)."""
    resource = toolchain.resource_dir(options.resource_dir)
    # a header is parsed as one (clang's interpolation gives headers -x c++-header): no "#pragma once in main file"
    language = "c++-header" if path.suffix.lower() in HEADER_SUFFIXES else "c++"
    base = ["-x", language, "-resource-dir", str(resource), *ANNOTATE_DEFINES]
    command = compile_command(path, options)
    if command is not None:
        # CMake's precompiled header is GCC's .gch beside an -include'd header: clang skips it, and says so
        return base + list(command.args) + ["-Wno-ignored-gch"] + FACT_WARNINGS + options.extra_args, None
    if options.no_qt:
        return base + ["-std=c++17", "-fPIC"] + FACT_WARNINGS + options.extra_args, None
    qt = qt_discovery.find_qt_include(options.qt_include)
    args = base + ["-std=c++17", "-fPIC", f"-I{qt}"]
    used = qt_discovery.modules_for(text, qt, path)
    for module in used:
        args.append(f"-I{qt / module}")
        define = qt_discovery.MODULE_DEFINES.get(module)
        if define:
            args.append(f"-D{define}")
    # every other installed module's folder too, as a build linking it passes: "qlocalserver.h" is found
    args += [f"-I{qt / module}" for module in qt_discovery.installed_modules(qt) if module not in used]
    return args + FACT_WARNINGS + options.extra_args, qt


def generated_includes(path: Path, text: str) -> list[tuple[str, str]]:
    """Empty stand-ins for moc output the file includes (tst_foo.moc, moc_foo.cpp)."""
    folder = os.path.dirname(str(path)) or "."  # as clang spells the includer's folder: "." for a name in the current one
    return [(os.path.join(folder, name), "") for name in GENERATED_INCLUDE_RE.findall(text)]


INCLUDE_LINE_RE = re.compile(r'^[ \t]*#[ \t]*(?:include|include_next|import)[ \t]*([<"])([^>"\n]+)[>"]', re.MULTILINE)
INCLUDE_DIR_FLAGS = {"-I": "both", "-iquote": "quote", "-isystem": "both", "-idirafter": "both",
                     "--include-directory": "both"}
MAX_SCANNED_HEADERS = 500


def _include_dirs(args: list[str]) -> tuple[list[Path], list[Path]]:
    """(folders for "quoted" includes only, folders for both kinds) named by the compile arguments, in order."""
    quote: list[Path] = []
    both: list[Path] = []
    pending = None
    for arg in args:
        if pending:
            (quote if pending == "quote" else both).append(Path(arg))
            pending = None
            continue
        for flag, kind in INCLUDE_DIR_FLAGS.items():
            if arg == flag:
                pending = kind
            elif arg.startswith(flag + "=") and flag.startswith("--"):
                both.append(Path(arg[len(flag) + 1:]))
            elif arg.startswith(flag) and len(arg) > len(flag) and not flag.startswith("--"):
                (quote if kind == "quote" else both).append(Path(arg[len(flag):]))
            else:
                continue
            break
    return quote, both


def _is_qt_folder(folder: Path) -> bool:
    """Qt's include folder or one of its module folders: installed headers, not scanned further."""
    return any((root / "QtCore" / "qglobal.h").is_file() for root in (folder, folder.parent))


def include_folders(name: str, quoted: bool, includer_folder: Path, quote_dirs: list[Path],
                    dirs: list[Path]) -> list[Path | None]:
    """The folders clang looks in for `#include "name"` (quoted) or `<name>` in a file of includer_folder, in its
    order; [None] for an absolute name (the candidate is the name itself)."""
    if os.path.isabs(name):
        return [None]
    return ([includer_folder, *quote_dirs] if quoted else []) + dirs


def check_includes(path: Path, text: str, args: list[str], max_bytes: int) -> None:
    """Refuse a file when an #include of it, or of a local header it includes, names a FIFO, a device or a socket.

    clang would wait on a FIFO for ever and read /dev/zero until memory runs out. Each include is resolved as
    clang does (a "quoted" name beside its includer first, then the -iquote and -I folders; an absolute name as
    it is), and the local headers found (not Qt's) are scanned in turn, each read to at most max_bytes.
    """
    quote_dirs, dirs = _include_dirs(args)
    not_scanned = {folder for folder in quote_dirs + dirs if _is_qt_folder(folder)}
    generated = {name for name in GENERATED_INCLUDE_RE.findall(text)}
    todo: list[tuple[Path, str]] = [(path, text)]
    seen = {os.path.abspath(path)}
    while todo:
        includer, body = todo.pop()
        for match in INCLUDE_LINE_RE.finditer(body):
            delimiter, name = match.groups()
            if includer == path and name in generated:
                continue  # moc output: qtcheck gives clang an empty stand-in
            for folder in include_folders(name, delimiter == '"', includer.parent, quote_dirs, dirs):
                candidate = Path(name) if folder is None else folder / name
                try:
                    mode = os.stat(candidate).st_mode
                except (OSError, ValueError):
                    continue
                if stat.S_ISDIR(mode):
                    continue
                if not stat.S_ISREG(mode):
                    line = body.count("\n", 0, match.start()) + 1
                    where = "" if includer == path else f"{includer}, "
                    close = '"' if delimiter == '"' else ">"
                    raise QtcheckError(f"{path}: {where}line {line}: #include {delimiter}{name}{close} names "
                                       f"{files.kind(mode)}, not a regular file ({candidate}); refusing to parse it")
                key = os.path.abspath(candidate)
                if (key not in seen and len(seen) < MAX_SCANNED_HEADERS and folder not in not_scanned
                        and not (folder is None and _is_qt_folder(candidate.parent))):
                    seen.add(key)
                    try:
                        data = files.read_bounded(candidate, max_bytes)
                    except OSError:
                        data = b""
                    todo.append((candidate, data[:max_bytes].decode("utf-8", errors="replace")))
                break


def parse(path: Path, text: str, options: Options) -> Parsed:
    ci = toolchain.cindex()
    args, qt = compile_args(path, text, options)
    notices: list[str] = []
    pre = preamble.prepare(Path(options.cache_dir), text, args, str(path), notices) if options.cache_dir else None
    tu = preamble.parse_main(path, text, args, generated_includes(path, text), pre)
    diagnostics = []
    lines = source_lines(text)
    for diag in tu.diagnostics:
        if diag.severity < ci.Diagnostic.Warning:
            continue
        loc = diag.location
        severity = {ci.Diagnostic.Warning: "warning", ci.Diagnostic.Error: "error"}.get(diag.severity, "fatal")
        name = loc.file.name if loc.file else ""
        column = loc.column
        if name == str(path) and 1 <= loc.line <= len(lines):
            column = char_column(lines[loc.line - 1], column)
        diagnostics.append(Diagnostic(severity, name, loc.line, column, diag.spelling, diag.option or ""))
    if options.no_qt and not options.build_dir:
        version = NO_QT_VERSION
    elif qt:
        version = qt_discovery.qt_version(qt)
    else:
        named = qt_in(args)
        source = compdb.load(options.build_dir).kind if options.build_dir else "compile database"
        version = f"{qt_discovery.qt_version(named)} (from {source})" if named else f"from {source}"
    return Parsed(path, text, tu, args, qt, version, diagnostics, degraded=options.no_qt and not options.build_dir,
                  preamble_includes=pre.include_edges if pre else [], notices=notices)
