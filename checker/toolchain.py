"""Find libclang and the builtin headers of the same clang major version."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from pathlib import Path

from .errors import QtcheckError

FIX_HINT = "install them with: pip install clang-tidy==18.1.8 (or pass --resource-dir / set QTCHECK_RESOURCE_DIR)"


@functools.lru_cache(maxsize=None)
def cindex():
    """The clang.cindex module, with a clear error when libclang is missing."""
    try:
        import clang.cindex as ci
    except ImportError:
        raise QtcheckError("libclang's Python bindings are missing: pip install libclang==18.1.1") from None
    try:
        ci.conf.lib  # loads libclang.so
    except Exception as exc:  # libclang raises its own LibclangError
        raise QtcheckError(f"libclang could not be loaded: {exc}") from None
    _tolerate_unresolved_includes(ci)
    keep_answers(ci)
    return ci


class _Kept:
    """A property of the bindings whose answer is kept on the object it was asked of: the first read runs the
    bindings' own getter and stores the answer in the object's __dict__ under the property's name, so every later
    read is a plain attribute (a non-data descriptor: the instance's __dict__ comes first)."""

    def __init__(self, getter, name: str):
        self.getter = getter
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.getter(obj)
        return value


# Answers that never change for the object asked: a cursor's kind, spelling, location, extent, type and the cursors
# it points to (the bindings already keep all but the kind, behind a hasattr() test and a property call per read),
# a type's spelling and kind, an enumeration value's name. The facts pass reads them about two million times at 20k
# lines (Cursor.kind alone 700,000 times): a read of a kept answer costs a tenth of the property's.
KEPT = {
    "Cursor": ("kind", "spelling", "displayname", "location", "extent", "type", "canonical", "result_type",
               "semantic_parent", "lexical_parent", "referenced", "underlying_typedef_type", "enum_type"),
    "Type": ("kind", "spelling"),
    "BaseEnumeration": ("name",),
}


def keep_answers(ci) -> None:
    """Put _Kept in place of the properties in KEPT (once per process; the bindings' getters are kept in
    KEPT_ORIGINALS, so restore_answers() can put them back)."""
    if KEPT_ORIGINALS:
        return
    for cls_name, names in KEPT.items():
        cls = getattr(ci, cls_name)
        for name in names:
            prop = cls.__dict__.get(name)
            if isinstance(prop, property):
                KEPT_ORIGINALS.append((cls, name, prop))
                setattr(cls, name, _Kept(prop.fget, name))
    _null_test_in_python(ci)
    _strings_read_directly(ci)


def _strings_read_directly(ci) -> None:
    """The bindings read every string libclang returns (a spelling, a file name, a USR) through clang_getCString
    typed as their own c_char_p subclass, whose value property asks ctypes for the bytes twice and decodes them:
    the same bytes are read here through a second handle on clang_getCString that returns them as plain bytes,
    decoded as UTF-8 as the bindings do (None for a null string, as theirs). The CXString is still disposed of by
    the bindings' own _CXString.__del__."""
    import ctypes

    raw = ctypes.CDLL(ci.conf.lib._name).clang_getCString  # its own function object: the bindings' is untouched
    raw.argtypes = [ci._CXString]
    raw.restype = ctypes.c_char_p
    original = ci._CXString.from_result

    def from_result(res, fn=None, args=None):
        value = raw(res)
        return None if value is None else value.decode("utf8")

    for item in ci.functionList:
        if len(item) == 4 and item[3] is original:
            func = getattr(ci.conf.lib, item[0], None)
            if func is not None and func.errcheck is original:
                KEPT_ORIGINALS.append((func, "errcheck", original))
                func.errcheck = from_result


def _null_test_in_python(ci) -> None:
    """The bindings turn a null cursor into None by comparing every cursor a function returns with
    clang_getNullCursor() through clang_equalCursors: two more calls into libclang per cursor (100,000 at 20k lines).
    libclang's null cursor is a fixed value (kind CXCursor_InvalidFile, no data) and clang_equalCursors compares
    the kind and the three data words (a declaration's second word is cleared first, and the null cursor is none):
    the same test is made here on the cursor's own fields."""
    null = ci.conf.lib.clang_getNullCursor()
    null_kind, null_data = null._kind_id, tuple(null.data)
    originals = {"from_result": ci.Cursor.from_result, "from_cursor_result": ci.Cursor.from_cursor_result}

    def from_result(res, fn, args):
        if res._kind_id == null_kind and tuple(res.data) == null_data:
            return None
        tu = None
        for arg in args:
            if isinstance(arg, ci.TranslationUnit):
                tu = arg
                break
            if hasattr(arg, "translation_unit"):
                tu = arg.translation_unit
                break
        assert tu is not None
        res._tu = tu
        return res

    def from_cursor_result(res, fn, args):
        if res._kind_id == null_kind and tuple(res.data) == null_data:
            return None
        res._tu = args[0]._tu
        return res

    replacements = {originals["from_result"]: from_result, originals["from_cursor_result"]: from_cursor_result}
    for item in ci.functionList:
        if len(item) == 4 and item[3] in replacements:
            func = getattr(ci.conf.lib, item[0], None)
            if func is not None and func.errcheck is item[3]:
                KEPT_ORIGINALS.append((func, "errcheck", item[3]))
                func.errcheck = replacements[item[3]]


def restore_answers() -> None:
    """The bindings' own properties again (for a benchmark that compares; the answers are the same)."""
    for owner, name, original in reversed(KEPT_ORIGINALS):
        setattr(owner, name, original)
    KEPT_ORIGINALS.clear()


KEPT_ORIGINALS: list = []  # (class or function, attribute, the bindings' own value)


def _tolerate_unresolved_includes(ci) -> None:
    """The 18.1 bindings assert on an #include clang could not find (a null file); make it return None."""
    original = ci.Cursor.get_included_file
    if getattr(original, "_qtcheck_tolerant", False):
        return

    def get_included_file(cursor):
        try:
            return original(cursor)
        except AssertionError:
            return None

    get_included_file._qtcheck_tolerant = True
    ci.Cursor.get_included_file = get_included_file


@functools.lru_cache(maxsize=None)
def libclang_version() -> str:
    """The version string of the loaded libclang, e.g. 'clang version 18.1.1'."""
    ci = cindex()
    getter = ci.conf.lib.clang_getClangVersion
    getter.restype = ci._CXString
    getter.errcheck = ci._CXString.from_result
    return getter()


def libclang_major() -> int:
    match = re.search(r"version (\d+)", libclang_version())
    if not match:
        raise QtcheckError(f"cannot read libclang's version from {libclang_version()!r}")
    return int(match.group(1))


def _has_builtins(path: Path) -> bool:
    return (path / "include" / "stddef.h").is_file()


def _candidates() -> list[tuple[str, Path]]:
    found: list[tuple[str, Path]] = []
    try:
        import clang_tidy  # PyPI clang-tidy ships clang's builtin headers

        base = Path(clang_tidy.__file__).parent / "data" / "lib" / "clang"
        if base.is_dir():
            found += [("pip clang-tidy", p) for p in sorted(base.iterdir())]
    except ImportError:
        pass
    major = libclang_major()
    for exe in (f"clang-{major}", "clang"):
        if shutil.which(exe):
            try:
                out = subprocess.run([exe, "-print-resource-dir"], capture_output=True, text=True, timeout=20)
                if out.returncode == 0 and out.stdout.strip():
                    found.append((exe, Path(out.stdout.strip())))
            except (OSError, subprocess.SubprocessError):
                pass
    found.append(("/usr/lib/llvm", Path(f"/usr/lib/llvm-{major}/lib/clang/{major}")))
    return found


def _major_of(path: Path) -> int | None:
    match = re.match(r"(\d+)", path.name)
    return int(match.group(1)) if match else None


# A builtin header each clang major version was the first to ship: the headers themselves say which clang they are
# of, whatever their folder is called (a clang 14 tree copied into a folder named 18 lacks stdckdint.h).
FIRST_SHIPPED_IN = {18: "stdckdint.h", 19: "ptrauth.h"}


def _content_mismatch(path: Path, major: int) -> str | None:
    """Why the headers in path are not clang major's, judged by which headers they hold; None when they fit."""
    include = path / "include"
    for version, header in sorted(FIRST_SHIPPED_IN.items()):
        present = (include / header).is_file()
        if version <= major and not present:
            return f"it lacks include/{header}, which clang {version} and later ship: the headers of an older clang"
        if version > major and present:
            return f"it has include/{header}, which only clang {version} and later ship: the headers of a newer clang"
    return None


@functools.lru_cache(maxsize=None)
def resource_dir(explicit: str | None = None) -> Path:
    """The -resource-dir to parse with: builtin headers matching libclang's major version."""
    major = libclang_major()
    chosen = explicit or os.environ.get("QTCHECK_RESOURCE_DIR")
    if chosen:
        path = Path(chosen)
        if not _has_builtins(path):
            raise QtcheckError(f"resource dir {path} has no include/stddef.h: {FIX_HINT}")
        if _major_of(path) not in (None, major):
            raise QtcheckError(
                f"resource dir {path} is for clang {_major_of(path)} but libclang is {major}: {FIX_HINT}"
            )
        why = _content_mismatch(path, major)
        if why:
            raise QtcheckError(f"resource dir {path} does not hold clang {major}'s builtin headers ({why}): {FIX_HINT}")
        return path
    for _origin, path in _candidates():
        if _has_builtins(path) and _major_of(path) == major and _content_mismatch(path, major) is None:
            return path
    raise QtcheckError(f"no builtin headers of clang {major} (stddef.h) found: {FIX_HINT}")
