"""Rename the import package `checker` to `qtcheck` everywhere code or docs name it as a module.

The source folder stays `checker/` (pyproject.toml maps the import name `qtcheck` onto it with setuptools'
package-dir); only the import name changes:

    from checker import x / from checker.y import z   ->  from qtcheck ...
    import checker / import checker.y                 ->  import qtcheck ...
    checker.<module> (`python -m checker.cli`, "checker.report", monkeypatch strings)  ->  qtcheck.<module>

where <module> is one of the modules or sub-packages found in checker/ when the script runs (plus rules_data).
Paths (`checker/cli.py`, `ROOT / "checker"`) and the word "checker" in prose are left alone.

Mechanical and idempotent: run it again on a merged tree to rename what other branches added since.

    python tools/rename_import_package.py [ROOT]     # rewrites files in place, lists the ones it changed
    python tools/rename_import_package.py --check    # lists files still naming `checker` as a module; exit 1 if any

pyproject.toml is not touched (its package mapping is written by hand)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

OLD, NEW = "checker", "qtcheck"
SKIP_DIRS = {".git", ".venv", "venv", "build", "dist", "__pycache__", ".pytest_cache", ".hypothesis", "node_modules"}
SUFFIXES = {".py", ".md", ".rst", ".txt", ".yaml", ".yml", ".cfg", ".ini", ".sh", ".toml"}
NAMES = {"Makefile", "run"}  # .ci/run
SKIP_FILES = {"pyproject.toml"}


def modules(root: Path) -> list[str]:
    source = root / OLD
    found = {p.stem for p in source.glob("*.py") if p.stem != "__init__"}
    found |= {p.name for p in source.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    return sorted(found | {"rules_data"})


def patterns(root: Path) -> list[tuple[re.Pattern, str]]:
    names = "|".join(map(re.escape, modules(root)))
    return [
        (re.compile(rf"\bfrom {OLD}(?=[ \t]+import\b|\.\w)"), f"from {NEW}"),
        (re.compile(rf"\bimport {OLD}(?=\.\w|[ \t]*(?:$|,|\bas\b|;))", re.M), f"import {NEW}"),
        (re.compile(rf"(?<![\w/.\\-]){OLD}\.(?=(?:{names})\b)"), f"{NEW}."),
    ]


def candidates(root: Path):
    me = Path(__file__).resolve()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part in SKIP_DIRS or part.endswith(".egg-info") for part in rel.parts[:-1]):
            continue
        if not path.is_file() or path.resolve() == me or path.name in SKIP_FILES:
            continue
        if path.suffix in SUFFIXES or path.name in NAMES:
            yield path


def rename(text: str, subs: list[tuple[re.Pattern, str]]) -> str:
    for pattern, replacement in subs:
        text = pattern.sub(replacement, text)
    return text


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    root = Path(args[0] if args else Path(__file__).resolve().parent.parent).resolve()
    if not (root / OLD).is_dir():
        print(f"{root}: no {OLD}/ folder here: give the repository root", file=sys.stderr)
        return 2
    subs = patterns(root)
    changed = []
    for path in candidates(root):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        new = rename(text, subs)
        if new != text:
            changed.append(path.relative_to(root))
            if not check:
                path.write_text(new, encoding="utf-8")
    for rel in changed:
        print(rel)
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
