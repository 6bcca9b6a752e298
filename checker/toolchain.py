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
    return ci


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
