"""Names domain of the facts: every identifier the main file's code spells, with its lines.

A claim's names are looked up here (verdicts.Names): a name the review uses exists when the file's code
spells it, whatever rule did or did not look at it. Comments and string literals are not code: a name
that only stands in a comment is not in the file's code.
"""

from __future__ import annotations

import re
from ctypes import POINTER, byref, c_uint, cast

from . import cursors


PLAIN_NAME_RE = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")


def identifiers(tu, main: str, text_bytes: int, data: bytes | None = None) -> dict[str, list[int]]:
    """Identifier and keyword tokens of the main file -> the lines each stands on (in order, unique).

    The file's tokens come from clang_tokenize, read through libclang's C functions directly: the bindings'
    Token objects (a wrapper, a kind object, a location object and a file object per token) made this a tenth
    of the facts pass. A token's kind, place and length are its own fields (CXToken's int_data: kind, raw
    location, length); with the main file's text (data) and cursors' MainFile a token that spells a plain name
    there is read from the text, any other asked of libclang."""
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
    placed = cursors.main_file() if data is not None else None
    try:
        wanted = (cindex.TokenKind.IDENTIFIER.value, cindex.TokenKind.KEYWORD.value)
        line = c_uint()
        plain = PLAIN_NAME_RE.fullmatch
        for token in cast(memory, POINTER(cindex.Token * count.value)).contents:
            fields = token.int_data
            if fields[0] not in wanted:
                continue
            name = None
            offset = fields[1] - placed.start if placed is not None else -1
            if 0 <= offset <= placed.size:
                number = placed.position(offset)[0]
                raw = data[offset:offset + fields[2]]
                if plain(raw):
                    name = raw.decode("ascii")
            else:
                lib.clang_getInstantiationLocation(lib.clang_getTokenLocation(tu, token), None, byref(line), None, None)
                number = line.value
            if name is None:
                name = lib.clang_getTokenSpelling(tu, token)
            lines = out.setdefault(name, [])
            if not lines or lines[-1] != number:
                lines.append(number)
    finally:
        lib.clang_disposeTokens(tu, memory, count)
    return out
