"""Matcher over classes and signals the file defines: is any object of the class made, is the signal emitted?
For claims such as "the Producer class is never instantiated" or "stringConsumed is never emitted"."""

from __future__ import annotations

import re

from .facts import Facts
from .matchers import Site, matcher

TEST_MAIN = ("QTEST_MAIN", "QTEST_APPLESS_MAIN", "QTEST_GUILESS_MAIN")


def _base(type_: str) -> str | None:
    """The class an object of this declared type is, or None for a pointer or a reference."""
    if "*" in type_ or "&" in type_:
        return None
    return re.sub(r"\b(?:const|volatile|class|struct)\b", " ", type_).strip().split("::")[-1] or None


def _made_by_class(facts: Facts) -> dict[str, set[int]]:
    """The lines making an object of each class name: variables, allocations, by-value members (one pass)."""
    out: dict[str, set[int]] = {}
    for v in facts.variables:
        if not v.is_param and _base(v.type):
            out.setdefault(_base(v.type), set()).add(v.line)
    for a in facts.allocations:
        out.setdefault(a.type.split("::")[-1].strip(), set()).add(a.line)
    for f in facts.fields:
        if _base(f.type or ""):
            out.setdefault(_base(f.type), set()).add(f.line)
    return out


def _derived_by_short_base(facts: Facts) -> dict[str, list[int]]:
    """The positions in facts.classes of the classes naming each base by its short name (one pass over the
    classes, where a scan of every class per class grew with the square of their number)."""
    out: dict[str, list[int]] = {}
    for i, c in enumerate(facts.classes):
        for b in c.bases:
            places = out.setdefault(b.split("::")[-1], [])
            if not places or places[-1] != i:
                places.append(i)
    return out


def _instances(facts: Facts, cls, made_by: dict[str, set[int]], test_mains: list, derived_by: dict[str, list[int]],
               at: int) -> tuple[bool | None, list[int], str]:
    """test_mains: the file's QTEST_MAIN-like macro uses; derived_by: _derived_by_short_base; at: cls's position."""
    name = cls.name.split("::")[-1]
    made = sorted(made_by.get(name, ()))
    if made:
        return True, made, f"an object of {name} is made at line(s) {', '.join(map(str, made[:6]))}"
    mains = [m.line for m in test_mains if name in facts.source(m.line)]
    if mains:
        return True, mains, f"{mains[0] and facts.source(mains[0]).strip()} at line {mains[0]} makes the test object"
    derived = [facts.classes[i].name for i in derived_by.get(name, []) if i != at]
    if derived:
        return None, [], f"{derived[0]} derives from {name}: whether an object of it is made is not followed here"
    other = [ln for ln in facts.identifiers.get(name, []) if not cls.line <= ln <= cls.end_line
             and re.search(rf"\b{re.escape(name)}\b(?!\s*::)", facts.source(ln))]
    if other:
        return None, other[:1], (f"{name} is named at line {other[0]} in a way this question does not follow "
                                 f"(a temporary, a template argument ...)")
    return False, [], f"no object of {name} is made in the file: no variable, member or new of it, and its name " \
                      f"appears nowhere outside its own definition"


@matcher("instances")
def instances(facts: Facts, params: dict) -> list[Site]:
    """One site per class the file defines (instantiated?) and per signal its classes declare (emitted?)."""
    sites = []
    made_by = _made_by_class(facts)
    emitted_at: dict[str, set[int]] = {}
    for c in facts.calls:
        if c.signal:
            emitted_at.setdefault(c.name, set()).add(c.line)
    test_mains = [m for m in facts.macros if m.name in TEST_MAIN]
    derived_by = _derived_by_short_base(facts)
    for at, cls in enumerate(facts.classes):
        name = cls.name.split("::")[-1]
        made, lines, message = _instances(facts, cls, made_by, test_mains, derived_by, at)
        sites.append(Site(cls.line, 1, False, message, {"class": [name, cls.name], "type": [name, cls.name]},
                          {"instantiated": made, "emitted": None, "not_asked": ["emitted"]}, evidence=lines[:6],
                          reported=False))
        for signal, line in cls.signals:
            emits = sorted(emitted_at.get(signal, ()))
            by_string = [m.line for m in facts.string_members if m.name == signal]
            if emits:
                emitted, message = True, f"{signal}() is emitted at line(s) {', '.join(map(str, emits[:6]))}"
            elif by_string:
                emitted, message = None, (f"{signal}() is named by a string at line {by_string[0]}: whether that "
                                          f"emits it is decided at run time")
            else:
                emitted, message = False, (f"{signal}() (line {line}) is emitted nowhere in the file: no line calls "
                                           f"it, and {name} is defined here, so no other file can")
            sites.append(Site(line, 1, False, message, {"signal": [signal], "symbol": [signal]},
                              {"emitted": emitted, "instantiated": None, "not_asked": ["instantiated"]},
                              evidence=emits[:6], reported=False))
    return sites
