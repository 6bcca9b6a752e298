"""Polarity: does a sentence say the code has a weakness, or that it is fine?

The cue words are data (prose.yaml: fine_cues, defect_cues, negators). A cue with a negator shortly before it
counts the other way ("no memory leaks", "is not checked"). A sentence whose cues point both ways at once
("X is fine ownership-wise, but Y ...") or that only asks a question is not decided: the claim's part is then
unverifiable and says what could not be read.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

DEFECT, FINE, UNSURE = "defect", "fine", "unsure"


@dataclass(frozen=True)
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


CLAUSE_SPLIT = re.compile(r"[,;:.!?()]|\b(?:but|so|and|because|which|while|although)\b")


def _negator_before(text: str, start: int, negator: re.Pattern, ends: list[int] | None = None) -> str | None:
    """The negator among the three words before the cue, in the same clause, or None.

    ends: where the CLAUSE_SPLIT matches of the whole text end, sorted (for many cues in one long text: the
    clause is found by bisection, and only its last three words are looked at, not all of text[:start])."""
    if ends is None:
        before = CLAUSE_SPLIT.split(text[:start])[-1]
        words = before.split()[-3:]
    else:
        i = bisect.bisect_right(ends, start)
        begin = ends[i - 1] if i else 0
        words = _last_words(text, begin, start, 3)
        before = " ".join(_last_words(text, begin, start, 7))
    m = negator.search(" ".join(words))
    if m:
        return m.group(0)
    # a negated subject opening the clause negates its verb a few words on: "nothing in the constructor leaks"
    m = SUBJECT_NEGATOR.match(before)
    return m.group(1) if m else None


SUBJECT_NEGATOR = re.compile(r"\s*(nothing|none|nobody|no one)\b(?:\s+(?:in|inside|within|of|from|here|there|else|"
                             r"the|this|that|these|those|its|their|[\w-]+)){0,5}\s*$", re.I)


def _last_words(text: str, begin: int, end: int, count: int) -> list[str]:
    """text[begin:end].split()[-count:], reading back from end only as far as it needs."""
    width = 64
    while True:
        a = max(begin, end - width)
        parts = text[a:end].rsplit(None, count)
        if len(parts) > count:  # the last count words are each preceded by a space inside the window: whole
            return parts[1:]
        if a == begin:
            return parts
        width *= 4


def negated(before: str) -> bool:
    """Whether the text ends in a negation of what follows it ("is not ", "does not ", "never "): a plain
    negator among the last two words of the clause ("without an argument blocks forever" is no negation)."""
    clause_text = re.split(r"[,;:.!?()]|\b(?:but|so|and|because|which|while|although)\b", before)[-1]
    return bool(re.search(r"\b(?:not|never|no|isn't|aren't|doesn't|don't|won't|cannot|can't)\s+(?:\w+\s+)?$",
                          clause_text + " ", re.I))


def _cues(text: str) -> tuple[list[str], list[str]]:
    fine_cues, defect_cues, negator = _lexicon()
    fine, defect = [], []
    found = []
    for kind, patterns in ((FINE, fine_cues), (DEFECT, defect_cues)):
        for p in patterns:
            for m in p.finditer(text):
                found.append((m.end() - m.start(), m.start(), m.end(), kind, m.group(0)))
    ends = [m.end() for m in CLAUSE_SPLIT.finditer(text)] if len(found) > 8 else None
    starts: list[tuple[int, int]] = []  # the taken spans, disjoint, sorted by start (bisection, not a scan of all)
    for _, a, b, kind, word in sorted(found, key=lambda f: (-f[0], f[1])):  # a longer cue wins its span
        i = bisect.bisect_left(starts, (a, -1))
        if (i < len(starts) and starts[i][0] < b) or (i and starts[i - 1][1] > a):
            continue
        starts.insert(i, (a, b))
        neg = _negator_before(text, a, negator, ends)
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
    return list(_break_table(text, ands)[0])


@functools.lru_cache(maxsize=32)
def _break_table(text: str, ands: bool) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...]]:
    """_breaks of a text, and their starts: computed once per text, however many phrases ask about its clauses."""
    out = [(m.start(), m.end()) for m in CLAUSE_BREAK.finditer(text)]
    if ands:
        clause_ends = [b for _, b in out]  # CLAUSE_BREAK matches do not overlap: their ends are sorted
        last_and = 0  # the end of the last ", and" taken as a break: before any later one
        for m in AND_BREAK.finditer(text):
            i = bisect.bisect_right(clause_ends, m.start())
            last = max(clause_ends[i - 1] if i else 0, last_and)
            if FINITE.search(text, last, m.start()):
                out.append((m.start(), m.end()))
                last_and = m.end()
    out.sort()
    return tuple(out), tuple(a for a, _ in out)


def clause_span(text: str, start: int, end: int, ands: bool = False) -> tuple[int, int]:
    """Where the clause of the text that holds [start, end) begins and ends (ands: see _breaks)."""
    breaks, starts = _break_table(text, ands)
    # the first break starting at or after end closes the clause; before it, the last one (in order) ending
    # at or before start opens it
    i = bisect.bisect_left(starts, end)
    stop = breaks[i][0] if i < len(breaks) else len(text)
    a = 0
    for j in range(min(i, bisect.bisect_left(starts, start)) - 1, -1, -1):
        if breaks[j][1] <= start:
            a = breaks[j][1]
            break
    return a, stop


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


@functools.lru_cache(maxsize=256)
def read(text: str) -> Reading:
    """The polarity of one sentence or clause (kept: every phrase of a long clause asks about the same text)."""
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
