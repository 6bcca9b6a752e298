"""Names domain of the facts: every identifier the main file's code spells, with its lines.

A claim's names are looked up here (verdicts.Names): a name the review uses exists when the file's code
spells it, whatever rule did or did not look at it. Comments and string literals are not code: a name
that only stands in a comment is not in the file's code.
"""

from __future__ import annotations


def identifiers(tu, main: str, text_bytes: int) -> dict[str, list[int]]:
    """Identifier and keyword tokens of the main file -> the lines each stands on (in order, unique)."""
    from clang import cindex

    out: dict[str, list[int]] = {}
    if text_bytes <= 0:
        return out
    try:
        extent = tu.get_extent(main, (0, text_bytes))
        tokens = tu.get_tokens(extent=extent)
    except Exception:  # no extent for the file (empty, unreadable): no names
        return out
    wanted = (cindex.TokenKind.IDENTIFIER, cindex.TokenKind.KEYWORD)
    for token in tokens:
        if token.kind not in wanted:
            continue
        loc = token.location
        lines = out.setdefault(token.spelling, [])
        if not lines or lines[-1] != loc.line:
            lines.append(loc.line)
    return out
