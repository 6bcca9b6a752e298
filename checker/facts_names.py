"""Names domain of the facts: every identifier the main file's code spells, with its lines.

A claim's names are looked up here (verdicts.Names): a name the review uses exists when the file's code
spells it, whatever rule did or did not look at it. Comments and string literals are not code: a name
that only stands in a comment is not in the file's code.
"""

from __future__ import annotations

from ctypes import POINTER, byref, c_uint, cast


def identifiers(tu, main: str, text_bytes: int) -> dict[str, list[int]]:
    """Identifier and keyword tokens of the main file -> the lines each stands on (in order, unique).

    The file's tokens come from clang_tokenize, read through libclang's C functions directly: the bindings'
    Token objects (a wrapper, a kind object, a location object and a file object per token) made this a tenth
    of the facts pass."""
    from clang import cindex

    out: dict[str, list[int]] = {}
    if text_bytes <= 0:
        return out
    try:
        extent = tu.get_extent(main, (0, text_bytes))
    except Exception:  # no extent for the file (empty, unreadable): no names
        return out
    lib = cindex.conf.lib
    memory, count = POINTER(cindex.Token)(), c_uint()
    lib.clang_tokenize(tu, extent, byref(memory), byref(count))
    if count.value < 1:
        return out
    try:
        wanted = (cindex.TokenKind.IDENTIFIER.value, cindex.TokenKind.KEYWORD.value)
        line = c_uint()
        for token in cast(memory, POINTER(cindex.Token * count.value)).contents:
            if lib.clang_getTokenKind(token) not in wanted:
                continue
            lib.clang_getInstantiationLocation(lib.clang_getTokenLocation(tu, token), None, byref(line), None, None)
            lines = out.setdefault(lib.clang_getTokenSpelling(tu, token), [])
            if not lines or lines[-1] != line.value:
                lines.append(line.value)
    finally:
        lib.clang_disposeTokens(tu, memory, count)
    return out
