"""Which rules report findings: clang-tidy's `-checks=` globs, and the --fail-on kinds with a severity threshold.

Selection governs findings only. Every rule runs on every file and answers claims whatever is selected: a rule
that is off (by default or by `--checks`) reports no finding, but a claim about what it examines is still decided.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field

from .errors import short

SEVERITY_RANK = {"note": 0, "warning": 1, "error": 2}
VERDICT_KINDS = ("confirmed", "refuted", "partly", "unverifiable")
PARSE_ERROR = "parse-error"  # a --fail-on kind: clang reported an error in a file or in a header it includes


@functools.lru_cache(maxsize=None)
def glob_regex(glob: str) -> re.Pattern:
    """A clang-tidy check glob: `*` matches any run of characters (dashes too); everything else is literal."""
    return re.compile("".join(".*" if part == "*" else re.escape(part) for part in re.split(r"(\*)", glob)) + r"\Z")


def suggest(name: str, known: list[str]) -> str:
    """' (did you mean a, b?)' for names close to name, or a pointer to the list."""
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    return f" (did you mean {', '.join(close)}?)" if close else " (qtcheck --list-rules shows them all)"


def parse_checks(text: str) -> list[tuple[bool, str]]:
    """'-*,unchecked-result, unowned-*' -> [(False, '*'), (True, 'unchecked-result'), (True, 'unowned-*')].

    Commas or newlines separate items (a YAML block string may put one per line), blanks are ignored."""
    items = []
    for raw in re.split(r"[,\n]", text):
        item = raw.strip()
        if not item:
            continue
        positive = not item.startswith("-")
        glob = item if positive else item[1:].strip()
        if not glob:
            raise ValueError("a lone '-' names no rule")
        if not re.fullmatch(r"[A-Za-z0-9_.*-]+", glob):
            raise ValueError(f"'{short(item, 60)}' is not a rule name or glob (letters, digits, '-', '*')")
        items.append((positive, glob))
    return items


def check_names(items: list[tuple[bool, str]], known: list[str]) -> None:
    """A name without '*' must be a rule: a typo would otherwise select nothing and go unnoticed."""
    for _positive, glob in items:
        if "*" not in glob and glob not in known:
            raise ValueError(f"no rule '{glob}'{suggest(glob, known)}")


def select(defaults: set[str], available: list[str], items: list[tuple[bool, str]]) -> set[str]:
    """clang-tidy's order: start from the rules on by default, apply each item left to right."""
    selected = set(defaults)
    for positive, glob in items:
        pattern = glob_regex(glob)
        matched = {rid for rid in available if pattern.match(rid)}
        selected = selected | matched if positive else selected - matched
    return selected


@dataclass(frozen=True)
class FailOn:
    """What turns into exit status 1: findings at or above a severity, claims with given verdicts."""

    finding: str | None = None               # the lowest severity that fails, or None: findings never fail
    verdicts: frozenset[str] = field(default_factory=frozenset)
    parse_errors: bool = False  # clang could not parse something in a file (its headers included)

    def finding_fails(self, severity: str) -> bool:
        return self.finding is not None and SEVERITY_RANK.get(severity, 1) >= SEVERITY_RANK[self.finding]


def parse_fail_on(text: str) -> FailOn:
    """'finding:warning,refuted' -> FailOn('warning', {'refuted'}); 'finding' alone means any severity."""
    finding, verdicts, parse_errors = None, set(), False
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        kind, _, level = item.partition(":")
        kind, level = kind.strip(), level.strip()
        if kind == "finding":
            level = level or "note"
            if level not in SEVERITY_RANK:
                raise ValueError(f"unknown severity '{short(level, 40)}' in '{short(item, 60)}' "
                                 f"(choose from {', '.join(SEVERITY_RANK)})")
            if finding is None or SEVERITY_RANK[level] < SEVERITY_RANK[finding]:
                finding = level
        elif kind in VERDICT_KINDS and not level:
            verdicts.add(kind)
        elif kind == PARSE_ERROR and not level:
            parse_errors = True
        else:
            raise ValueError(f"unknown kind '{short(item, 60)}' (choose from finding, finding:SEVERITY, "
                             f"{', '.join(VERDICT_KINDS)}, {PARSE_ERROR})")
    return FailOn(finding, frozenset(verdicts), parse_errors)
