"""Where reports go: never onto an input, never two formats into one file, and nothing written unless the run succeeded.

Every --output is checked before any work starts, against every input the run reads (source files, reviews,
claims, rule files, the compile database), by resolved path and by device and inode, so a symlink or a hard
link to an input is refused too. The reports are rendered first and written last, each to a temporary file
beside its target and renamed over it, so a refused or interrupted run leaves every file as it was.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .errors import QtcheckError


def _identity(path: Path) -> tuple[str, tuple[int, int] | None]:
    try:
        resolved = str(path.resolve())
    except (OSError, RuntimeError):  # a symlink loop: compare the spelling
        resolved = os.path.abspath(path)
    try:
        st = os.stat(path)
        inode = (st.st_dev, st.st_ino)
    except OSError:
        inode = None
    return resolved, inode


def input_paths(files: list[Path], reviews: list[str], claims: list[str], rule_dirs: list[str],
                build_dir: str | None) -> list[Path]:
    """Every file the run reads from the user's side (folders give the files in them)."""
    out: list[Path] = list(files)
    out += [Path(r) for r in reviews if r != "-"]
    for location in claims:
        path = Path(location)
        out += sorted(path.glob("*.y*ml")) if path.is_dir() else [path]
    for directory in rule_dirs:
        out += sorted(Path(directory).glob("*.y*ml"))
    if build_dir:
        out.append(Path(build_dir) / "compile_commands.json")
    return out


def check_targets(targets: list[str], inputs: list[Path]) -> None:
    """Refuse any --output that is an input, a folder, a device or FIFO, or named twice."""
    seen: dict[str, str] = {}
    known = [(p, *_identity(p)) for p in inputs]
    for target in targets:
        path = Path(target)
        resolved, inode = _identity(path)
        for original, other_resolved, other_inode in known:
            if resolved == other_resolved or (inode is not None and inode == other_inode):
                raise QtcheckError(f"--output {target}: that is an input of this run ({original}); "
                                   f"refusing to overwrite it")
        if resolved in seen:
            raise QtcheckError(f"--output {target}: named twice (also as {seen[resolved]}); "
                               f"give each format its own file")
        seen[resolved] = target
        try:
            mode = os.stat(path).st_mode
        except OSError:
            mode = None
        if mode is not None and not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
            raise QtcheckError(f"--output {target}: {kind}; give a file name")
        parent = path.parent if str(path.parent) else Path(".")
        if not parent.is_dir():
            raise QtcheckError(f"{target}: cannot write the report (folder {parent} does not exist)")


def write_all(rendered: list[tuple[str, str]]) -> None:
    """Write each (target, text) through a temporary file renamed over the target; all or nothing."""
    staged: list[tuple[str, str]] = []
    try:
        for target, text in rendered:
            parent = Path(target).parent if str(Path(target).parent) else Path(".")
            fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{Path(target).name}.", suffix=".tmp")
            staged.append((tmp, target))
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            try:
                os.chmod(tmp, 0o666 & ~_umask())
            except OSError:
                pass
        for tmp, target in staged:
            os.replace(tmp, target)
    except OSError as exc:
        failed = staged[-1][1] if staged else rendered[0][0]
        raise QtcheckError(f"{failed}: cannot write the report ({exc.strerror})") from None
    finally:
        for tmp, _ in staged:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
