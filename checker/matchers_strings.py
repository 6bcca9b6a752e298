"""Matchers over the text of the main file: its string literals, so a claim that quotes what a string says
("the status text on line 13 says \"This examples requires ...\"") is looked up in the code's own strings."""

from __future__ import annotations

import re
from bisect import bisect_right

from .facts import Facts
from .matchers import Site, matcher

# a string literal (an encoding prefix allowed), a comment, or a character literal: scanned in one pass so that
# quotes inside comments and '"' characters are not taken for strings
_LEXEMES = re.compile(r'(?P<str>(?:u8|[uUL])?"(?:[^"\\\n]|\\.)*")|(?P<line>//[^\n]*)|(?P<block>/\*.*?\*/)'
                      r"|(?P<chr>'(?:[^'\\\n]|\\.)+')", re.S)
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "'": "'", "\\": "\\", "0": "\0"}


def literals(lines: list[str]) -> list[tuple[int, str]]:
    """(line, text) of every string literal of the code, in order, escapes read; comments skipped."""
    text = "\n".join(lines)
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    out = []
    for m in _LEXEMES.finditer(text):
        if m.group("str") is None:
            continue
        body = m.group("str")[m.group("str").index('"') + 1:-1]
        value = re.sub(r"\\(.)", lambda e: _ESCAPES.get(e.group(1), e.group(1)), body)
        line = bisect_right(starts, m.start())  # the 1-based line holding the literal's start
        out.append((line, value))
    return out


def text_matches(claimed: str, literal: str) -> bool:
    """A quoted phrase is in a literal: the same words in the same order (spaces and case as written)."""
    words = claimed.split()
    return bool(words) and " ".join(words) in " ".join(literal.split())


@matcher("string-literals")
def string_literals(facts: Facts, params: dict) -> list[Site]:
    """One site per string literal: what it says, so a claim quoting it finds its line."""
    sites = []
    for line, value in literals(facts.lines):
        if not value.strip():
            continue
        sites.append(Site(line, 1, False, f'line {line} holds the string "{value}"', {"text": [value]},
                          {"spelled": True}, reported=False))
    return sites
