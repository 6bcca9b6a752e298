"""Find the Qt 6 header directory and the modules a source file needs from it.

Order: --qt-include, QTCHECK_QT_INCLUDE, qmake6/qtpaths6 -query, pkg-config Qt6Core.
Run as `python -m qtcheck.qt_discovery` it prints the directory (exit 0) or
says nothing was found (exit 3); `make` uses that to decide whether to install
qt6-base-dev.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from . import files
from .errors import QtcheckError

INSTALL_HINT = "install Qt 6 headers (Debian: apt-get install qt6-base-dev) or pass --qt-include DIR (or --no-qt to run degraded)"

# Module directory -> the define qmake/CMake add when the module is linked.
MODULE_DEFINES = {
    "QtCore": "QT_CORE_LIB",
    "QtGui": "QT_GUI_LIB",
    "QtWidgets": "QT_WIDGETS_LIB",
    "QtNetwork": "QT_NETWORK_LIB",
    "QtTest": "QT_TESTLIB_LIB",
    "QtConcurrent": "QT_CONCURRENT_LIB",
    "QtDBus": "QT_DBUS_LIB",
    "QtSql": "QT_SQL_LIB",
    "QtXml": "QT_XML_LIB",
    "QtOpenGL": "QT_OPENGL_LIB",
    "QtPrintSupport": "QT_PRINTSUPPORT_LIB",
}
# Modules whose headers pull in others' headers.
MODULE_DEPENDS = {
    "QtGui": ["QtCore"],
    "QtWidgets": ["QtGui", "QtCore"],
    "QtNetwork": ["QtCore"],
    "QtTest": ["QtCore"],
    "QtOpenGL": ["QtGui", "QtCore"],
    "QtPrintSupport": ["QtWidgets", "QtGui", "QtCore"],
}

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.MULTILINE)


def is_qt_include_dir(path: Path) -> bool:
    return (path / "QtCore" / "qglobal.h").is_file()


def _query(cmd: list[str]) -> str | None:
    if not shutil.which(cmd[0]):
        return None
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    value = out.stdout.strip()
    return value if out.returncode == 0 and value else None


def find_qt_include(explicit: str | None = None) -> Path:
    """The Qt 6 include directory, or QtcheckError with the fix."""
    for origin, value in (("--qt-include", explicit), ("QTCHECK_QT_INCLUDE", os.environ.get("QTCHECK_QT_INCLUDE"))):
        if value:
            path = Path(value)
            if not is_qt_include_dir(path):
                raise QtcheckError(f"{origin} {path} holds no QtCore/qglobal.h: {INSTALL_HINT}")
            return path
    for cmd in (
        ["qmake6", "-query", "QT_INSTALL_HEADERS"],
        ["qtpaths6", "--query", "QT_INSTALL_HEADERS"],
        ["pkg-config", "--variable=includedir", "Qt6Core"],
    ):
        value = _query(cmd)
        if value and is_qt_include_dir(Path(value)):
            return Path(value)
    raise QtcheckError(f"no Qt 6 headers found: {INSTALL_HINT}")


def qt_version(include_dir: Path) -> str:
    text = (include_dir / "QtCore" / "qtcore-config.h").read_text(errors="replace") if (
        include_dir / "QtCore" / "qtcore-config.h"
    ).is_file() else ""
    match = re.search(r'#define QT_VERSION_STR "([\d.]+)"', text)
    if not match and (include_dir / "QtCore" / "qtversion.h").is_file():
        match = re.search(r'QT_VERSION_STR "([\d.]+)"', (include_dir / "QtCore" / "qtversion.h").read_text())
    if not match and (include_dir / "QtCore" / "qconfig.h").is_file():
        match = re.search(r'QT_VERSION_STR "([\d.]+)"', (include_dir / "QtCore" / "qconfig.h").read_text())
    return match.group(1) if match else "unknown"


LOCAL_INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.MULTILINE)
MAX_LOCAL_HEADERS = 64


def _local_headers(path: Path | None, text: str) -> list[str]:
    """The texts of the local headers the file includes ("client.h"), and theirs, found beside each includer."""
    if path is None:
        return []
    out: list[str] = []
    seen: set[Path] = set()
    todo = [(path.parent, text)]
    while todo and len(seen) < MAX_LOCAL_HEADERS:
        folder, body = todo.pop()
        for name in LOCAL_INCLUDE_RE.findall(body):
            candidate = folder / name
            try:
                resolved = candidate.resolve()
                if resolved in seen or not candidate.is_file() or candidate.stat().st_size > 1024 * 1024:
                    continue
                seen.add(resolved)
                header = files.read_bounded(candidate, 1024 * 1024).decode("utf-8", errors="replace")
            except OSError:  # a FIFO or a device is not read (files.NotRegular)
                continue
            out.append(header)
            todo.append((candidate.parent, header))
    return out


def _module_of(spelling: str, include_dir: Path) -> str | None:
    head = spelling.split("/", 1)[0]
    if "/" in spelling:
        return head if head.startswith("Qt") and (include_dir / head).is_dir() else None
    if spelling[:1] in ("Q", "q"):  # <QLocalSocket>, <qlocalsocket.h>, "qlocalserver.h": a module header by name
        for module in [*MODULE_DEFINES, *installed_modules(include_dir)]:
            if (include_dir / module / spelling).is_file():
                return module
    return None


def installed_modules(include_dir: Path) -> list[str]:
    """Every Qt module folder of the installation (QtCore, QtNetwork, ...)."""
    try:
        return sorted(p.name for p in include_dir.iterdir() if p.name.startswith("Qt") and p.is_dir())
    except OSError:
        return []


def modules_for(source_text: str, include_dir: Path, path: Path | None = None) -> list[str]:
    """Qt modules named by the file's own #include lines and by the local headers it includes (QtCore always)."""
    modules = {"QtCore"}
    for text in [source_text, *_local_headers(path, source_text)]:
        for spelling in INCLUDE_RE.findall(text):
            module = _module_of(spelling, include_dir)
            if module:
                modules.add(module)
    for module in list(modules):
        modules.update(MODULE_DEPENDS.get(module, []))
    return sorted(modules)


def main() -> int:
    try:
        print(find_qt_include())
    except QtcheckError as exc:
        print(f"qtcheck: {exc}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
