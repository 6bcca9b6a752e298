"""Polarity: does a sentence say the code has a weakness, or that it is fine?

The cue words are data (prose.yaml: fine_cues, defect_cues, negators). A cue with a negator shortly before it
counts the other way ("no memory leaks", "is not checked"). A sentence whose cues point both ways at once
("X is fine ownership-wise, but Y ...") or that only asks a question is not decided: the claim's part is then
unverifiable and says what could not be read.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

DEFECT, FINE, UNSURE = "defect", "fine", "unsure"


@dataclass
class Reading:
    polarity: str          # defect, fine, unsure
    why: str               # the words it was read from


@functools.lru_cache(maxsize=None)
def _lexicon():
    from .prose import data

    d = data()
    def compile_all(words):
        return [re.compile(r"(?<![\w-])" + w + (r"(?:s|es)?" if w[-1:].isalpha() else "") + r"(?![\w-])", re.I)
                for w in words]

    return compile_all(d["fine_cues"]), compile_all(d["defect_cues"]), re.compile(
        r"(?<![\w-])(?:" + "|".join(d["negators"]) + r")(?![\w-])", re.I)


def _negator_before(text: str, start: int, negator: re.Pattern) -> str | None:
    """The negator among the three words before the cue, in the same clause, or None."""
    before = re.split(r"[,;:.!?()]|\b(?:but|so|and|because|which|while|although)\b", text[:start])[-1]
    m = negator.search(" ".join(before.split()[-3:]))
    return m.group(0) if m else None


def negated(before: str) -> bool:
    """Whether the text ends in a negation of what follows it ("is not ", "does not ", "never "): a plain
    negator among the last two words of the clause ("without an argument blocks forever" is no negation)."""
    clause_text = re.split(r"[,;:.!?()]|\b(?:but|so|and|because|which|while|although)\b", before)[-1]
    return bool(re.search(r"\b(?:not|never|no|isn't|aren't|doesn't|don't|won't|cannot|can't)\s+(?:\w+\s+)?$",
                          clause_text + " ", re.I))


def _cues(text: str) -> tuple[list[str], list[str]]:
    fine_cues, defect_cues, negator = _lexicon()
    fine, defect = [], []
    taken: list[tuple[int, int]] = []
    found = []
    for kind, patterns in ((FINE, fine_cues), (DEFECT, defect_cues)):
        for p in patterns:
            for m in p.finditer(text):
                found.append((m.end() - m.start(), m.start(), m.end(), kind, m.group(0)))
    for _, a, b, kind, word in sorted(found, key=lambda f: (-f[0], f[1])):  # a longer cue wins its span
        if any(a < y and x < b for x, y in taken):
            continue
        taken.append((a, b))
        neg = _negator_before(text, a, negator)
        flip = neg is not None
        said = f"{neg} {word}" if flip else word
        ((defect if flip else fine) if kind == FINE else (fine if flip else defect)).append(said)
    return fine, defect


CLAUSE_BREAK = re.compile(r"\s*(?:;|(?<!:):(?!:)|\s[-\u2013\u2014]\s|,\s*(?:but|so|which|while|whereas|although|since|"
                          r"though|yet)\b|\s(?:but|because|whereas|although)\s|\.\s+)\s*", re.I)


AND_BREAK = re.compile(r"\s*,\s*and\s+", re.I)
FINITE = re.compile(r"\b(?:is|are|was|were|has|have|had|does|do|did|can|cannot|could|will|would|should|must|"
                    r"may|might|isn't|aren't|doesn't|don't|wasn't)\b", re.I)


def _breaks(text: str, ands: bool = False) -> list[tuple[int, int]]:
    """Where the clauses of the text meet. With ands, ", and" joins two clauses when what stands before it since
    the last break already has a verb ("X are copied under the mutex, and Y is emitted"); else it ends a list of
    names ("a, b, and c are created"). Polarity reads without them: "mostly fine, and ... nothing leaks" is one
    judgement."""
    out = [(m.start(), m.end()) for m in CLAUSE_BREAK.finditer(text)]
    for m in AND_BREAK.finditer(text) if ands else ():
        last = max((b for a, b in out if b <= m.start()), default=0)
        if FINITE.search(text, last, m.start()):
            out.append((m.start(), m.end()))
    return sorted(out)


def clause_span(text: str, start: int, end: int, ands: bool = False) -> tuple[int, int]:
    """Where the clause of the text that holds [start, end) begins and ends (ands: see _breaks)."""
    a = 0
    for m_start, m_end in _breaks(text, ands):
        if m_end <= start:
            a = m_end
        elif m_start >= end:
            return a, m_start
    return a, len(text)


def clause(text: str, start: int, end: int) -> str:
    a, b = clause_span(text, start, end)
    return text[a:b]


def clauses(text: str) -> int:
    return 1 + sum(1 for _, b in _breaks(text.strip()) if b < len(text.strip()))


def read_at(text: str, start: int, end: int) -> Reading:
    """The polarity of the clause in which a phrase of the claim stands."""
    if re.sub(r"[`*_]+", "", text).strip().endswith("?"):
        return read(text)  # a question asserts nothing, whichever clause the phrase stands in
    return read(clause(text, start, end))


# a judgement after the problem it names dismisses it: "data races are not a concern"
DISMISSAL = r"\b(?:is|are)\s+(?:not\s+an?\s+(?:concern|issue|problem|risk)|no\s+(?:concern|issue|problem|risk))\b"


def read(text: str) -> Reading:
    """The polarity of one sentence or clause."""
    plain = re.sub(r"[`*_]+", "", text).strip()
    if plain.endswith("?"):
        return Reading(UNSURE, "it is a question: it asserts nothing")
    fine, defect = _cues(plain)
    dismissed = re.search(DISMISSAL, plain, re.I)
    if fine and defect and dismissed and all(plain.lower().find(d.split()[-1].lower()) < dismissed.start()
                                             for d in defect):
        return Reading(FINE, f"'{dismissed.group(0)}' said of '{defect[0]}'")  # "data races are not a concern"
    if fine and defect:
        return Reading(UNSURE, f"it says both '{fine[0]}' and '{defect[0]}'")
    if fine:
        return Reading(FINE, f"'{fine[0]}'")
    if defect:
        return Reading(DEFECT, f"'{defect[0]}'")
    return Reading(DEFECT, "no word says the code is fine: read as a reported problem")
