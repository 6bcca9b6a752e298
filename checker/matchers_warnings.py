"""Matchers over clang's own warnings that qtcheck turns on as facts (frontend.FACT_WARNINGS): a narrowing
conversion, a stray semicolon. clang decides them; the matchers place them for claims."""

from __future__ import annotations

import re

from .facts import Facts
from .matchers import STR_LIST, Site, _where, matcher

# an explicit conversion to an integer type: clang never warns about it, so its silence decides nothing
EXPLICIT = re.compile(r"\b(?:static_cast|reinterpret_cast|qsizetype|size_t|u?int\d+_t|q?u?int\d*|u?short|u?char|"
                      r"u?long|unsigned|signed)\s*[(<]|\(\s*(?:(?:unsigned|signed|const)\s+)*(?:int|short|char|long|"
                      r"q?u?int\d+|u?int\d+_t|qsizetype|size_t|uint|ushort|uchar|ulong)\s*\)")
INTEGERS = ("char", "short", "int", "long", "qint", "quint", "qsizetype", "size_t", "uint", "ushort", "uchar",
            "ulong", "qlonglong", "qulonglong", "qintptr", "quintptr", "int8_t", "int16_t", "int32_t", "int64_t",
            "uint8_t", "uint16_t", "uint32_t", "uint64_t", "unsigned", "signed")


def _warnings(facts: Facts, options: list[str]) -> list:
    main = str(facts.path)
    return [d for d in facts.diagnostics if d.severity == "warning" and d.option in options and d.file == main]


@matcher("clang-warning", options=STR_LIST, per={"enum": ["variable", "warning"]})
def clang_warning(facts: Facts, params: dict) -> list[Site]:
    """One site per warning clang gave under the listed options (flagged; the rules that use this matcher answer
    claims only: clang's warnings are the compiler's to report); with per: variable, also one per integer local variable the file initializes,
    warned about or not, so a claim about a variable is answered both ways. With no warning, one site says so:
    "there is no format-string problem" is confirmed by it."""
    options = params.get("options", [])
    undecided = not facts.fact_warnings  # built with -w: clang said nothing, which proves nothing
    warned = _warnings(facts, options)
    by_line: dict[int, list] = {}
    for d in warned:
        by_line.setdefault(d.line, []).append(d)
    sites = []
    taken: set[int] = set()
    if params.get("per") == "variable":
        for var in facts.variables:
            if var.is_param or not var.type or not any(w in var.type for w in INTEGERS):
                continue
            on = by_line.get(var.line, [])
            source = facts.source(var.line)
            cast = not on and EXPLICIT.search(source.split("=", 1)[1] if "=" in source else source)
            if on:
                taken.add(var.line)
                message = f"clang warns at line {var.line}: {on[0].message} ({on[0].option})"
            elif cast:
                message = (f"`{var.type} {var.name}` at line {var.line} is initialized through an explicit "
                           f"conversion: clang does not report those, and whether the value fits is not decided here")
            else:
                message = (f"`{var.type} {var.name}` at line {var.line}: clang reports no narrowing conversion "
                           f"there ({', '.join(options)})")
            sites.append(Site(var.line, var.col, bool(on), message, {"variable": [var.name], **_where(
                facts, var.function, var.lambda_id)}, {"warned": None if (undecided or cast) and not on else bool(on)},
                reported=bool(on)))  # a variable clang says nothing of answers only claims that name it
    for line, diags in sorted(by_line.items()):
        if line in taken:
            continue
        d = diags[0]
        sites.append(Site(line, d.column, True, f"clang warns at line {line}: {d.message} ({d.option})", {},
                          {"warned": True}))
    if not sites:
        sites.append(Site(1, 1, False, "clang reports nothing of this kind anywhere in the file ("
                          + ", ".join(options) + ")" if not undecided else
                          "the build turns clang's warnings off (-w): whether clang would report this is not known",
                          {}, {"warned": None if undecided else False}))
    return sites
