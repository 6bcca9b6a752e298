"""The compile database (compile_commands.json), read the way clang-tidy and clangd read it.

- A file with an entry of its own gets that entry's arguments.
- A file with none (a header, a file the build does not compile, a new file) gets the arguments of the
  closest entry, scored as clang's InterpolatingCompilationDatabase scores candidates: the same stem
  (server.h -> server.cpp), the same last folders, the same path above them, then the longest common
  prefix; a .cpp prefers a C++ entry. The report says whose flags a file got.
- `@file` response files are expanded (GNU quoting, relative to the entry's `directory`, nested ones too),
  as clang-tidy's database does before it interpolates.
- Relative paths in include and sysroot flags are resolved against the entry's `directory`.
- Without -p, a database is looked for as clangd does: in the file's folder and each folder above it,
  compile_commands.json, then build/compile_commands.json, then compile_flags.txt (the nearest folder wins).
- compile_flags.txt (clang's "fixed" database): one argument a line, the same for every file; relative paths
  are taken from its folder. `-p DIR` and the config's compile-database may name a folder holding one.
- An entry of clang-cl or MSVC's cl (`cl.exe`, `clang-cl`, `--driver-mode=cl`, `/I`, `/D`, `/std:c++17`) has its
  include folders, defines, forced includes and standard translated to clang's GNU spelling, with
  -fms-extensions: parsed for this machine's target, as a Windows target has no C++ library here.

Bad input (not JSON, an entry of the wrong shape, a response file that is not there) is one line, exit 2.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from . import files
from .errors import QtcheckError

DB_NAME = "compile_commands.json"
FLAGS_NAME = "compile_flags.txt"
MAX_FLAGS_BYTES = 1024 * 1024
DROP_WITH_VALUE = {"-o", "-MF", "-MT", "-MQ", "--output", "-x"}
DROP_FLAGS = {"-c", "-MD", "-MMD", "-M", "-MM", "-MG", "-MP", "-Winvalid-pch", "--"}
# flags whose value is a path, resolved against the entry's directory when relative (longest spellings first)
PATH_FLAGS = ("--include-directory-after", "--include-directory", "-cxx-isystem", "-idirafter",
              "-iframework", "-isysroot", "-isystem", "-imacros", "-include", "-iquote", "--sysroot", "-I", "-F")
C_SUFFIXES = {".c"}
CXX_SUFFIXES = {".cpp", ".cc", ".cxx", ".c++", ".cp", ".hpp", ".hh", ".hxx", ".h++", ".ipp", ".inl", ".tpp"}
MAX_RESPONSE_DEPTH = 16
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
# generated code a folder argument never yields: CMake's own files, moc/rcc/uic output
GENERATED_DIR_RE = re.compile(r"^(CMakeFiles|.*_autogen)$")
GENERATED_NAME_RE = re.compile(r"^(moc_.*|qrc_.*|ui_.*|mocs_compilation.*|.*\.moc)$")


@dataclass(frozen=True)
class Entry:
    number: int      # 1-based, as the refusals name it
    file: str        # absolute and normalised
    directory: str   # absolute and normalised
    raw: dict        # the entry itself: its command is checked only when it is used


@dataclass
class Database:
    path: Path                 # the compile_commands.json, or the compile_flags.txt
    entries: list[Entry]
    by_file: dict[str, Entry]  # first entry of each file
    fixed: tuple[str, ...] | None = None  # compile_flags.txt: the arguments of every file

    @property
    def kind(self) -> str:
        """How reports name where flags came from."""
        return FLAGS_NAME if self.fixed is not None else "compile database"

    @property
    def folder(self) -> Path:
        return self.path.parent


@dataclass(frozen=True)
class Command:
    """The arguments for one file and where they came from."""

    args: tuple[str, ...]
    database: Path
    entry_file: str   # the file whose entry gave the arguments
    inferred: bool    # the closest entry's, the file having none of its own
    responses: tuple[str, ...] = ()  # the response files read for them (inputs no --output may overwrite)
    msvc: bool = False  # translated from clang-cl / cl.exe spelling

    def notice(self, path) -> str | None:
        if not self.inferred:
            return None
        return (f"{path}: no entry of its own in {shown(self.database)}: parsed with the flags of the closest "
                f"entry {shown(self.entry_file)}")

    def msvc_notice(self) -> str | None:
        """Said once per database: what a clang-cl / cl.exe command line became."""
        if not self.msvc:
            return None
        return (f"{shown(self.database)}: clang-cl / cl.exe flags (/I, /D, /std:) read as clang's -I, -D, -std= with "
                f"-fms-extensions and this machine's target: code under _MSC_VER or Q_OS_WIN is not parsed, as "
                f"MSVC's headers are not here")


def shown(path) -> str:
    """A path as a report shows it: relative to the current folder when under it, else absolute."""
    text = str(path)
    try:
        rel = os.path.relpath(text)
    except ValueError:
        return text
    return text if rel.startswith("..") else rel


def _norm(path: str) -> str:
    return os.path.normpath(os.path.abspath(path))


_LOADED: dict[tuple, Database] = {}


def _exists(path: Path) -> bool:
    try:
        return os.path.lexists(path)
    except (OSError, ValueError):
        return False


def load(build_dir: str | Path, given_with: str = "-p") -> Database:
    """The database in build_dir: its compile_commands.json, else its compile_flags.txt (as clang's
    loadFromDirectory tries the JSON database first, then the fixed one); read once per process while the file
    is unchanged."""
    db_file = Path(build_dir) / DB_NAME
    if not _exists(db_file) and _exists(Path(build_dir) / FLAGS_NAME):
        return load_flags(Path(build_dir) / FLAGS_NAME)
    if db_file.is_dir():
        raise QtcheckError(f"{db_file}: a folder, not a compile database")
    try:
        info = db_file.stat()
    except (OSError, ValueError):
        info = None
    if info is None or not db_file.is_file():
        raise QtcheckError(f"{db_file}: no {DB_NAME} (nor {FLAGS_NAME}) in the build dir given with {given_with}")
    key = (_norm(str(db_file)), info.st_mtime_ns, info.st_size)
    if key in _LOADED:
        return _LOADED[key]
    try:
        raw = db_file.read_bytes()
    except OSError as exc:
        raise QtcheckError(f"{db_file}: cannot read ({exc.strerror or exc})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, list):
            raise ValueError("top level is not a list")
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise QtcheckError(f"{db_file}: not a valid compile database ({exc})") from None
    base = _norm(str(db_file.parent))
    entries: list[Entry] = []
    by_file: dict[str, Entry] = {}
    for number, item in enumerate(data, 1):
        where = f"{db_file}: entry {number}"
        if not isinstance(item, dict):
            raise QtcheckError(f"{where} is not an object")
        if "file" not in item:
            raise QtcheckError(f"{where} has no 'file' key")
        for name in ("file", "directory"):
            if name in item and not isinstance(item[name], str):
                raise QtcheckError(f"{where}: '{name}' is not a string")
        for name in ("file", "directory"):
            if "\0" in item.get(name, ""):
                raise QtcheckError(f"{where}: '{name}' cannot be resolved (embedded null byte)")
        # a relative directory is taken from the database's own folder, wherever qtcheck runs
        directory = os.path.normpath(os.path.join(base, item.get("directory", ".")))
        entry = Entry(number, os.path.normpath(os.path.join(directory, item["file"])), directory, item)
        entries.append(entry)
        by_file.setdefault(entry.file, entry)
    database = Database(db_file, entries, by_file)
    _LOADED.clear()  # one database at a time is the common case; keep memory bounded
    _LOADED[key] = database
    return database


def load_flags(flags_file: Path) -> Database:
    """A compile_flags.txt as clang's FixedCompilationDatabase reads it: each line one argument, blanks around it
    trimmed, empty lines skipped; no quoting, so a line may hold spaces. Refused in one line when it is not a
    regular file, cannot be read, is over 1 MiB, holds a NUL byte or is not UTF-8."""
    try:
        data = files.read_bounded(flags_file, MAX_FLAGS_BYTES)
    except files.NotRegular as exc:
        raise QtcheckError(f"{flags_file}: {exc.kind}, not a regular file") from None
    except OSError as exc:
        raise QtcheckError(f"{flags_file}: cannot read ({exc.strerror or exc})") from None
    if len(data) > MAX_FLAGS_BYTES:
        raise QtcheckError(f"{flags_file}: over {MAX_FLAGS_BYTES} bytes; a compile_flags.txt holds one flag a line")
    if b"\0" in data:
        raise QtcheckError(f"{flags_file}: holds a NUL byte; a compile_flags.txt is text, one flag a line")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QtcheckError(f"{flags_file}: not UTF-8 (byte {exc.start})") from None
    args = tuple(line.strip() for line in text.split("\n") if line.strip())
    return Database(flags_file, [], {}, fixed=args)


# ---------- finding a database without -p ----------

_FOUND: dict[str, Path | None] = {}


def reset() -> None:
    """Forget the folders searched (a run in the same process may follow one that created a database)."""
    _FOUND.clear()


def find_for(path: Path) -> Path | None:
    """The folder whose database clangd would use for path: the file's folder and each one above it, in each
    first its compile_commands.json, then build/compile_commands.json, then its compile_flags.txt (load() of
    the folder returned reads the right one). None when there is none."""
    folder = _norm(str(path if path.is_dir() else path.parent))
    visited = []
    found = None
    while True:
        if folder in _FOUND:
            found = _FOUND[folder]
            break
        visited.append(folder)
        for candidate, name in ((folder, DB_NAME), (os.path.join(folder, "build"), DB_NAME), (folder, FLAGS_NAME)):
            if os.path.isfile(os.path.join(candidate, name)):
                found = Path(candidate)
                break
        if found is not None:
            break
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    for name in visited:
        _FOUND[name] = found
    return found


# ---------- the command of one file ----------

def _language(name: str) -> str | None:
    """'c' or 'c++' when the name's extension says so for certain; None for .h and unknown names."""
    suffix = os.path.splitext(name)[1].lower()
    if suffix in C_SUFFIXES and not name.endswith(".C"):
        return "c"
    if suffix in CXX_SUFFIXES or name.endswith(".C"):
        return "c++"
    return None


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


def closest(database: Database, target: str) -> Entry:
    """The entry whose flags a file with none of its own gets (clang's interpolation, reimplemented): points
    for the stem (one when the entry's stem starts with the file's, one more when it is the same), one for
    each of the file's last two folder names among the entry's last four, one when the entry lies under the
    path above those two folders; an entry of the file's language (when its extension says) first, then
    the points, then the longest common prefix, then the first in path order. When nothing scores, the
    entry with the longest common prefix."""
    name = target.lower()
    parts = name.split(os.sep)
    stem = os.path.splitext(parts[-1])[0]
    near_folders = [p for p in parts[-3:-1] if len(p) > 1]
    prefix = os.sep.join(parts[:-3]) + os.sep if len(parts) > 3 else ""
    wanted = _language(target)
    ordered = sorted(database.entries, key=lambda e: e.file.lower())
    best_key, best = None, None
    for entry in ordered:
        other = entry.file.lower()
        other_parts = other.split(os.sep)
        other_stem = os.path.splitext(other_parts[-1])[0]
        points = int(other_stem.startswith(stem)) + int(other_stem == stem)
        other_folders = {p for p in other_parts[-5:-1] if len(p) > 1}
        points += sum(folder in other_folders for folder in near_folders)
        if prefix and prefix != os.sep and other.startswith(prefix):
            points += 1
        if points == 0:
            continue
        preferred = wanted is None or _language(entry.file) == wanted
        key = (preferred, points, _common_prefix(name, other))
        if best_key is None or key > best_key:  # strictly better: ties keep the first in path order
            best_key, best = key, entry
    if best is None:
        best = max(ordered, key=lambda e: _common_prefix(name, e.file.lower()))  # max keeps the first of equals
    return best


def command_for(database: Database, path: Path) -> Command:
    """The arguments for path: its own entry's, else the closest entry's; a compile_flags.txt's for any file."""
    target = _norm(str(path))
    if database.fixed is not None:  # compile_flags.txt: relative paths are taken from its folder
        folder = _norm(str(database.folder))
        entry = Entry(0, target, folder, {})
        read: list[str] = []
        argv = list(database.fixed)
        msvc = _cl_by_name(["clang-tool", *argv])
        argv = expand_response_files(argv, folder, str(database.path), read=read, windows=msvc)
        msvc = msvc or cl_style(argv)
        if msvc:
            argv = from_cl(argv, entry)
        return Command(tuple(clean(argv, entry)), database.path, str(database.path), False, tuple(read), msvc)
    if not database.entries:
        raise QtcheckError(f"{database.path}: no entry for {path} (the database is empty)")
    entry = database.by_file.get(target)
    if entry is None:
        real = os.path.realpath(target)
        entry = database.by_file.get(real)
        if entry is None:  # the database may name the file through a symlinked folder
            base = os.path.basename(target)
            entry = next((e for e in database.entries
                          if os.path.basename(e.file) == base and os.path.realpath(e.file) == real), None)
    inferred = entry is None
    if inferred:
        entry = closest(database, target)
    read = []
    argv, msvc = _arguments(database, entry, read)
    if msvc:
        argv = argv[:1] + from_cl(argv[1:], entry)
    args = clean(argv[1:], entry, language_changes=inferred and _language(entry.file) == "c"
                 and _language(target) != "c")
    return Command(tuple(args), database.path, entry.file, inferred, tuple(read), msvc)


def _arguments(database: Database, entry: Entry, read: list[str] | None = None) -> tuple[list[str], bool]:
    """The entry's arguments with response files expanded, and whether they are clang-cl / cl.exe's."""
    where = f"{database.path}: entry {entry.number}"
    item = entry.raw
    if "arguments" in item:
        argv = item["arguments"]
        if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
            raise QtcheckError(f"{where}: 'arguments' is not a list of strings")
    elif "command" in item:
        if not isinstance(item["command"], str):
            raise QtcheckError(f"{where}: 'command' is not a string")
        try:
            argv = shlex.split(item["command"])
        except ValueError as exc:  # "No closing quotation"
            raise QtcheckError(f"{where}: 'command' cannot be split into arguments ({exc})") from None
    else:
        raise QtcheckError(f"{database.path}: the entry for {entry.file} has neither 'arguments' nor 'command'")
    if any("\0" in a for a in argv):
        raise QtcheckError(f"{where}: an argument holds a NUL character")
    msvc = _cl_by_name(argv)  # cl's response files are split by Windows rules, as clang-cl splits them
    argv = expand_response_files(argv, entry.directory, where, read=read, windows=msvc)
    return argv, msvc or cl_style(argv[1:])


# ---------- response files ----------

def tokenize_gnu(text: str) -> list[str]:
    """Arguments of a response file as GCC and clang split them: blanks separate, '...' quotes literally,
    "..." quotes with backslash escapes, a backslash outside quotes escapes the next character."""
    out: list[str] = []
    token: list[str] = []
    in_token = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n\f\v":
            if in_token:
                out.append("".join(token))
                token, in_token = [], False
            i += 1
            continue
        in_token = True
        if c == "\\" and i + 1 < n:
            if text[i + 1] == "\n":  # a line continuation
                i += 2
                continue
            token.append(text[i + 1])
            i += 2
        elif c in "'\"":
            j = i + 1
            while j < n and text[j] != c:
                if c == '"' and text[j] == "\\" and j + 1 < n:
                    j += 1
                token.append(text[j])
                j += 1
            i = j + 1
        else:
            token.append(c)
            i += 1
    if in_token:
        out.append("".join(token))
    return out


def tokenize_windows(text: str) -> list[str]:
    """Arguments of a response file as cl.exe and clang-cl split them (the Windows C runtime's rules): blanks
    separate outside double quotes; 2n backslashes before a quote are n backslashes and the quote opens or closes,
    2n+1 are n backslashes and a literal quote; other backslashes are literal (C:\\dir\\file)."""
    out: list[str] = []
    token: list[str] = []
    in_token = quoted = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n" and not quoted:
            if in_token:
                out.append("".join(token))
                token, in_token = [], False
            i += 1
            continue
        in_token = True
        if c == "\\":
            j = i
            while j < n and text[j] == "\\":
                j += 1
            count = j - i
            if j < n and text[j] == '"':
                token.append("\\" * (count // 2))
                if count % 2:
                    token.append('"')
                    j += 1
                i = j
            else:
                token.append("\\" * count)
                i = j
        elif c == '"':
            if quoted and i + 1 < n and text[i + 1] == '"':  # "" inside quotes: a literal quote
                token.append('"')
                i += 2
                continue
            quoted = not quoted
            i += 1
        else:
            token.append(c)
            i += 1
    if in_token:
        out.append("".join(token))
    return out


def expand_response_files(argv: list[str], directory: str, where: str, depth: int = 0,
                          chain: tuple[str, ...] = (), read: list[str] | None = None,
                          windows: bool = False) -> list[str]:
    """argv with each @file replaced by the arguments it holds (relative names from the entry's directory);
    each file read is added to read."""
    out: list[str] = []
    for arg in argv:
        if not arg.startswith("@") or len(arg) == 1:
            out.append(arg)
            continue
        name = os.path.normpath(os.path.join(directory, arg[1:]))
        if read is not None and name not in read:
            read.append(name)
        if name in chain or depth >= MAX_RESPONSE_DEPTH:
            raise QtcheckError(f"{where}: response file {arg} includes itself (through {len(chain)} response file(s))")
        try:
            data = files.read_bounded(name, MAX_RESPONSE_BYTES)
        except files.NotRegular as exc:
            raise QtcheckError(f"{where}: response file {arg} is {exc.kind}, not a regular file ({name})") from None
        except FileNotFoundError:
            raise QtcheckError(f"{where}: response file {arg} not found ({name}): build the project "
                               f"first, the build writes it") from None
        except OSError as exc:
            raise QtcheckError(f"{where}: response file {arg} cannot be read ({exc.strerror or exc})") from None
        if len(data) > MAX_RESPONSE_BYTES:
            raise QtcheckError(f"{where}: response file {arg} is over {MAX_RESPONSE_BYTES} bytes")
        if b"\0" in data:
            raise QtcheckError(f"{where}: response file {arg} holds a NUL byte")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise QtcheckError(f"{where}: response file {arg} is not UTF-8 (byte {exc.start})") from None
        tokens = tokenize_windows(text) if windows else tokenize_gnu(text)
        out += expand_response_files(tokens, directory, where, depth + 1, chain + (name,), read, windows)
    return out


# ---------- clang-cl and cl.exe ----------

CL_NAME_RE = re.compile(r"^(clang-cl|cl)(-[\d.]+)?(\.exe)?$", re.IGNORECASE)
# spellings only cl.exe and clang-cl use (with / or -): one of them makes an entry cl's whatever its compiler
CL_ONLY_RE = re.compile(r"^[/-](std:|Zc:|EH[a-z-]|nologo$|T[PC]$|Fo|Fd|Fp|FI|Yu|Yc|external:|permissive-?$|GR-?$"
                        r"|Zi$|Z7$|RTC|bigobj$|showIncludes$|utf-8$|diagnostics:|imsvc)")
# with / only: /I, /D, /U, /W4, /MD ... (with - they are GCC's too; -MD, -MT, -O2, -W mean other things there)
CL_SLASH_RE = re.compile(r"^/(I|D|U|W[0-4]$|Wall$|WX-?$|M[DT]d?$|O[12bdgistxy]|wd\d|we\d|MP\d*$|FS$|c$)")
CL_STD = {"c++14": "c++14", "c++17": "c++17", "c++20": "c++20", "c++latest": "c++23", "c++23preview": "c++23"}
IDENTIFIER_RE = re.compile(r"^[A-Za-z_]\w*")


def _cl_by_name(argv: list[str]) -> bool:
    """The compiler is clang-cl or cl.exe (any folder, any version suffix), or --driver-mode=cl is given."""
    if not argv:
        return False
    name = re.split(r"[\\/]", argv[0])[-1]
    return bool(CL_NAME_RE.match(name)) or "--driver-mode=cl" in argv


def cl_style(args: list[str]) -> bool:
    """Arguments spelled for cl.exe: a flag only cl has (/std:c++17, /Zc:, /EHsc, /nologo ...), or /I, /D, /U
    and cl's slash-only flags where the argument is no file or folder (an absolute path /Include/x would be)."""
    for arg in args:
        if CL_ONLY_RE.match(arg):
            return True
        if CL_SLASH_RE.match(arg) and not os.path.lexists(arg):
            return True
    return False


def from_cl(args: list[str], entry: Entry) -> list[str]:
    """cl.exe / clang-cl arguments in clang's GNU spelling, for a parse on this machine: /I, -I, /external:I and
    /imsvc as -I / -isystem, /D and /U as -D and -U, /FI as -include, /std:c++17 as -std=c++17, /clang:X as X;
    -fms-extensions (__int64, __declspec), which clang-cl turns on too. Everything else (optimisation, warnings,
    outputs, /link and what follows, --target, -fmsc-version, which would make Qt's headers take MSVC's paths)
    is dropped, and so are the input files. The target stays this machine's: a Windows target needs MSVC's C++
    library, which is not here, so `#ifdef _MSC_VER` and `Q_OS_WIN` code is left out as in any Linux parse."""
    out = ["-fms-extensions"]
    i = 0
    with_value = {"I": "-I", "D": "-D", "U": "-U", "FI": "-include", "external:I": "-isystem", "imsvc": "-isystem"}
    while i < len(args):
        arg = args[i]
        i += 1
        if arg in ("/link", "-link"):
            break  # the rest goes to the linker
        if arg.startswith("/clang:"):
            out.append(arg[len("/clang:"):])
            continue
        if arg.startswith("--driver-mode=") or not arg.startswith(("/", "-")):
            continue  # an input file (the entry's own, an object, a library)
        if arg in ("-Xclang", "/Xclang", "-target", "--target") and i < len(args):
            i += 1  # -Xclang X: cc1 flags for clang-cl's own target (a plugin too): not ours
            continue
        if arg.startswith("-std="):
            out.append(arg)  # GNU's spelling of the standard, as /clang:-std= gives it
            continue
        if arg.startswith(("-isystem", "-iquote", "-idirafter", "-include", "-imacros")):  # GNU's, taken as they are
            out.append(arg)
            if arg in ("-isystem", "-iquote", "-idirafter", "-include", "-imacros") and i < len(args):
                out.append(args[i])
                i += 1
            continue
        if arg.startswith("/") and (_norm(arg) == entry.file or os.path.lexists(arg)):
            continue  # an input named by its absolute path (/Users/me/a.cpp is no /U)
        option = arg[1:]
        if option.startswith("std:"):
            if option[4:] in CL_STD:
                out.append(f"-std={CL_STD[option[4:]]}")
            continue  # /std:c11, /std:c17: a C standard, not for the C++ qtcheck parses
        for name in ("external:I", "imsvc", "FI", "I", "D", "U"):
            if not option.startswith(name):
                continue
            value = option[len(name):]
            if not value and i < len(args):
                value = args[i]
                i += 1
            if name in ("D", "U") and not IDENTIFIER_RE.match(value):
                break  # not a macro name
            flag = with_value[name]
            if value:
                out += [flag + value] if flag in ("-I", "-D", "-U") else [flag, value]
            break
    return out


# ---------- arguments for libclang ----------

PLUGIN_PREFIXES = ("-fplugin=", "-fplugin-arg-", "-fpass-plugin=")
PLUGIN_CC1 = ("-load", "-plugin", "-add-plugin", "-plugin-arg-")


def without_plugins(argv: list[str]) -> list[str]:
    """The arguments without the ones that make clang load code: `-fplugin=lib.so`, `-fpass-plugin=`,
    `-Xclang -load -Xclang lib.so`, `-Xclang -plugin ...`. A compile database comes with the code being checked
    (a pull request's); parsing it must never run a library it names."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg.startswith(PLUGIN_PREFIXES) or arg.startswith(PLUGIN_CC1):
            i += 1
            if arg in ("-load", "-plugin", "-add-plugin") and i < len(argv):
                i += 1  # its value
            continue
        if arg == "-Xclang" and i + 1 < len(argv) and argv[i + 1].startswith(PLUGIN_CC1):
            i += 2
            takes = argv[i - 1] in ("-load", "-plugin", "-add-plugin") or argv[i - 1].startswith("-plugin-arg-")
            if takes and i + 1 < len(argv) and argv[i] == "-Xclang":
                i += 2  # -Xclang VALUE
            continue
        out.append(arg)
        i += 1
    return out


def clean(argv: list[str], entry: Entry, language_changes: bool = False) -> list[str]:
    """The compiler arguments without the input, the output and dependency files, and -x (qtcheck says
    the language), and without anything that loads a plugin; relative paths of include flags made absolute
    from the entry's directory."""
    out: list[str] = []
    skip = False
    directory = entry.directory
    argv = without_plugins(argv)
    for index, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg in DROP_WITH_VALUE:
            skip = True
            continue
        if arg in DROP_FLAGS or (arg.startswith("-o") and not arg.startswith("-objc")) or arg.startswith("-x"):
            continue
        if language_changes and arg.startswith("-std="):
            continue  # a C file's -std=c11 means nothing to C++ (clang's interpolation drops it too)
        if not arg.startswith("-") and _norm(os.path.join(directory, arg)) == entry.file:
            continue  # the entry's own input file
        out.append(arg)
    return resolve_paths(out, directory)


def resolve_paths(args: list[str], directory: str) -> list[str]:
    """Relative paths of -I, -isystem, -iquote, -idirafter, -include, --sysroot ... made absolute from directory."""
    out: list[str] = []
    pending = False
    for arg in args:
        if pending:
            out.append(_absolute(arg, directory))
            pending = False
            continue
        for flag in PATH_FLAGS:
            if arg == flag:
                out.append(arg)
                pending = True
                break
            if arg.startswith(flag + "=") and flag.startswith("--"):
                out.append(flag + "=" + _absolute(arg[len(flag) + 1:], directory))
                break
            if arg.startswith(flag) and not flag.startswith("--") and len(arg) > len(flag):
                out.append(flag + _absolute(arg[len(flag):], directory))
                break
        else:
            out.append(arg)
    return out


def _absolute(value: str, directory: str) -> str:
    if not value or value == "-" or os.path.isabs(value) or value.startswith(("=", "$SYSROOT")):  # =dir: sysroot
        return value
    return os.path.normpath(os.path.join(directory, value))


# ---------- folder arguments ----------

def generated(path: str) -> bool:
    """A file a build generates: under CMakeFiles/ or a *_autogen/ folder, or moc, rcc and uic output."""
    parts = path.split(os.sep)
    return any(GENERATED_DIR_RE.match(p) for p in parts[:-1]) or bool(GENERATED_NAME_RE.match(parts[-1]))


def files_under(database: Database, folder: Path, suffixes: set[str]) -> tuple[list[Path], list[str]]:
    """(the database's own C++ files under folder, in the database's order without duplicates, generated
    code left out; the listed files that no longer exist). A build folder inside folder holds only
    generated code, so its files are left out unless folder is itself inside the build folder."""
    root = _norm(str(folder))
    build = _norm(str(database.folder))
    inside_build = (root + os.sep).startswith(build + os.sep)
    found: list[Path] = []
    missing: list[str] = []
    seen = set()
    for entry in database.entries:
        name = entry.file
        if name in seen or not (name + os.sep).startswith(root + os.sep) or name == root:
            continue
        seen.add(name)
        if os.path.splitext(name)[1].lower() not in suffixes or generated(name):
            continue
        if not inside_build and (name + os.sep).startswith(build + os.sep):
            continue
        if not os.path.isfile(name):
            missing.append(name)
            continue
        found.append(folder / os.path.relpath(name, root))  # spelled from the folder as given, as a search would
    return found, missing
