"""The types QMetaType knows from the start, read from the real qmetatype.h the file reaches (its
QT_FOR_EACH_STATIC_* lists: `F(QImage, 0x1006, QImage)`, `F(ULong, -1, ulong, "unsigned long")`), never from a
copy: a type listed there needs no Q_DECLARE_METATYPE and no qRegisterMetaType."""

from __future__ import annotations

import functools
import re

_MACRO = re.compile(r"^\s*#\s*define\s+QT_FOR_EACH_STATIC_\w+\s*\(F\)\s*\\\s*\n((?:.*\\\s*\n)*.*)", re.M)
_ENTRY = re.compile(r"\bF\(\s*\w+\s*,\s*-?\w+\s*,\s*([^,()\"]+?)\s*(?:,\s*\"([^\"]+)\"\s*)?\)")


@functools.lru_cache(maxsize=8)
def _read(path: str) -> frozenset[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read(1 << 20)
    except OSError:
        return frozenset()
    names = set()
    for block in _MACRO.finditer(text):
        for entry in _ENTRY.finditer(block.group(1)):
            names.add(re.sub(r"\s+", " ", entry.group(1)).strip())
            if entry.group(2):
                names.add(entry.group(2))
    return frozenset(names)


def builtin_types(facts) -> set[str]:
    """The built-in meta types of the Qt whose qmetatype.h the file reaches (empty when it reaches none)."""
    for node in sorted(getattr(facts, "include_graph", None).nodes if getattr(facts, "include_graph", None) is not None
                       else []):
        if str(node).endswith("/qmetatype.h"):
            return set(_read(str(node)))
    return set()
