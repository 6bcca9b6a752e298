"""Inline suppressions in clang-tidy's spelling: NOLINT, NOLINTNEXTLINE, NOLINTBEGIN ... NOLINTEND.

The directives are read from the file's comments (a small scanner that knows string, character and raw string
literals, so `"// NOLINT"` in a string is no directive), and behave as clang-tidy's do:

- `NOLINT` silences the findings on its own line, `NOLINTNEXTLINE` those on the next line, and a
  `NOLINTBEGIN` ... `NOLINTEND` pair those between the two (blocks nest; an END closes the innermost BEGIN and
  must name the same rules, spaces aside);
- with no parentheses (or `(*)`) any rule; `(a, b)` the rules named, globs allowed (`unowned-*`); `()` none;
  a `-` item is ignored, as clang-tidy ignores negative globs there; an unclosed `(` means any rule;
- an unmatched BEGIN or END suppresses nothing.

A suppressed finding leaves the findings (it counts for no --fail-on) but the claims still see its site: a
suppression silences a finding, it does not change what the code is. With the `unused-suppression` rule
selected (`--report-unused-suppressions`), a directive that silenced nothing is a finding of its own; names of
checks that are no qtcheck rule (clang-tidy's `bugprone-*` ...) are left to their tool.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .frontend import LINE_BREAK_RE
from .matchers import Site
from .selection import glob_regex

RULE_ID = "unused-suppression"
KINDS = {"": "NOLINT", "NEXTLINE": "NOLINTNEXTLINE", "BEGIN": "NOLINTBEGIN", "END": "NOLINTEND"}

# Where a comment, a literal or a token that could hide one starts. Identifiers and numbers are matched whole so
# that `fooR"x"` or the digit separator in 1'000 is never read as the start of a literal.
_TOKEN = re.compile(r"""
    (?P<line>//)
  | (?P<block>/\*)
  | (?P<raw>(?:u8|[uUL])?R"(?P<delim>[^()\\\s"]{0,16})\()
  | (?P<str>(?:u8|[uUL])?")
  | (?P<chr>(?:u8|[uUL])?')
  | (?P<num>\.?[0-9](?:[eEpP][+-]|'?[0-9A-Za-z_.])*)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
""", re.VERBOSE)
_LINE_COMMENT = re.compile(r"(?:[^\n\\]|\\[\s\S])*")   # to the end of the line; a backslash splices the next
_STRING_END = {'"': re.compile(r'(?:[^"\\\n]|\\[\s\S])*"?'), "'": re.compile(r"(?:[^'\\\n]|\\[\s\S])*'?")}
_NOLINT = re.compile(r"NOLINT([A-Za-z]*)")


def comments(text: str) -> list[tuple[int, str]]:
    """(offset, text) of every comment of text (line ends already LF), in order."""
    out: list[tuple[int, str]] = []
    pos, end = 0, len(text)
    while pos < end:
        match = _TOKEN.search(text, pos)
        if not match:
            break
        kind, start = match.lastgroup, match.start()
        if kind == "line":
            stop = _LINE_COMMENT.match(text, match.end()).end()
            out.append((start, text[start:stop]))
        elif kind == "block":
            close = text.find("*/", match.end())
            stop = end if close < 0 else close + 2
            out.append((start, text[start:stop]))
        elif kind == "raw":
            close = text.find(")" + match.group("delim") + '"', match.end())
            stop = end if close < 0 else close + len(match.group("delim")) + 2
        elif kind in ("str", "chr"):
            quote = '"' if kind == "str" else "'"
            stop = _STRING_END[quote].match(text, match.end()).end()
        else:
            stop = match.end()
        pos = max(stop, start + 1)
    return out


@dataclass(eq=False)  # identity: two directives alike on two lines are two directives
class Directive:
    kind: str                 # NOLINT, NOLINTNEXTLINE, NOLINTBEGIN or NOLINTEND
    line: int
    col: int                  # 1-based, in characters, of the N of NOLINT
    checks: str | None        # None: every rule; otherwise the list as written, spaces trimmed ('' suppresses none)
    end: tuple[int, int] | None = None  # a BEGIN's matching END (line, col)
    used: set[str] = field(default_factory=set)  # the globs that silenced a finding ('*' for a bare directive)

    @property
    def text(self) -> str:
        return self.kind + ("" if self.checks is None else f"({self.checks})")

    @property
    def globs(self) -> list[str]:
        if self.checks is None:
            return ["*"]
        return [g for g in self.checks.split(",") if g and not g.startswith("-")]

    def matching(self, rule: str) -> list[str]:
        return [g for g in self.globs if glob_regex(g).match(rule)]


def directives(text: str) -> list[Directive]:
    """Every NOLINT directive in the comments of text, in order."""
    if "NOLINT" not in text:
        return []
    text = LINE_BREAK_RE.sub("\n", text)
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    out: list[Directive] = []
    for offset, comment in comments(text):
        for match in _NOLINT.finditer(comment):
            suffix = match.group(1)
            if suffix not in KINDS:
                continue
            checks = None
            after = match.end()
            if comment[after:after + 1] == "(":
                close = re.compile(r"[)\n]").search(comment, after + 1)
                if close and close.group() == ")":
                    checks = ",".join(part.strip() for part in comment[after + 1:close.start()].split(","))
            at = offset + match.start()
            line = bisect.bisect_right(starts, at)  # the last line start at or before it
            out.append(Directive(KINDS[suffix], line, at - starts[line - 1] + 1, checks))
    return out


def blocks(found: list[Directive]) -> tuple[list[Directive], list[Directive]]:
    """(BEGINs matched with their END, unmatched BEGINs and ENDs): an END closes the innermost open BEGIN when
    both name the same rules; otherwise it is unmatched."""
    stack: list[Directive] = []
    matched: list[Directive] = []
    unmatched: list[Directive] = []
    for d in found:
        if d.kind == "NOLINTBEGIN":
            stack.append(d)
        elif d.kind == "NOLINTEND":
            if stack and stack[-1].checks == d.checks:
                begin = stack.pop()
                begin.end = (d.line, d.col)
                matched.append(begin)
            else:
                unmatched.append(d)
    return matched, sorted(unmatched + stack, key=lambda d: (d.line, d.col))


def _by_line(found: list[Directive]) -> dict[int, list[Directive]]:
    """The NOLINT and NOLINTNEXTLINE directives by the line they silence, in the order of the text."""
    out: dict[int, list[Directive]] = {}
    for d in found:
        if d.kind in ("NOLINT", "NOLINTNEXTLINE"):
            out.setdefault(d.line + (d.kind == "NOLINTNEXTLINE"), []).append(d)
    return out


def _silencer(site: Site, on_line: dict[int, list[Directive]], matched: list[Directive]) -> Directive | None:
    """The first directive that silences the finding at site, marking the globs it used."""
    candidates = on_line.get(site.line, []) + [b for b in matched if (b.line, b.col) < (site.line, site.col) < b.end]
    for d in candidates:
        globs = d.matching(site.rule)
        if globs:
            d.used.update(globs)
            return d
    return None


@dataclass
class Outcome:
    kept: list[Site]                               # findings no directive silenced
    suppressed: list[tuple[Site, Directive]]       # findings silenced, with the directive that did it
    unused: list[Site]                             # unused-suppression findings (when that rule is selected)
    unmatched: list[Directive]                     # BEGINs / ENDs without their partner


def apply(text: str, findings: list[Site], selected: set[str], known: list[str],
          unparsed: set[int] | frozenset[int] = frozenset()) -> Outcome:
    """Split findings into kept and suppressed by the directives in text; with `unused-suppression` selected,
    a finding for each directive (or each rule named in one) that silenced nothing.

    selected: the rules that report findings in this file; known: every rule id qtcheck has; unparsed: lines of
    code clang could not fully parse, where a directive may silence a finding qtcheck could not see (never unused)."""
    found = directives(text)
    if not found:
        return Outcome(list(findings), [], [], [])
    matched, unmatched = blocks(found)
    on_line = _by_line(found)
    kept, suppressed = [], []
    for site in findings:
        silencer = _silencer(site, on_line, matched)
        if silencer is None:
            kept.append(site)
        else:
            suppressed.append((site, silencer))
    unused: list[Site] = []
    if RULE_ID in selected:
        for d in unmatched:
            other = "NOLINTEND" if d.kind == "NOLINTBEGIN" else "NOLINTBEGIN"
            where = "after" if d.kind == "NOLINTBEGIN" else "before"
            unused.append(_site(d, f"{d.text} has no matching {other} {where} it (naming the same rules): "
                                   f"it suppresses nothing"))
        for d in found:
            if d.kind == "NOLINTEND" or any(d is u for u in unmatched) or _covers(d, unparsed):
                continue
            message = _unused_message(d, selected, known)
            if message:
                unused.append(_site(d, message))
    return Outcome(kept, suppressed, sorted(unused, key=lambda s: (s.line, s.col)), unmatched)


def _covers(d: Directive, lines) -> bool:
    """Whether d is about a line of code clang could not fully parse."""
    if not lines:
        return False
    if d.kind == "NOLINTBEGIN":
        last = d.end[0] if d.end else d.line
        return any(line in lines for line in range(d.line, last + 1))
    return (d.line + 1 if d.kind == "NOLINTNEXTLINE" else d.line) in lines


def _unused_message(d: Directive, selected: set[str], known: list[str]) -> str:
    """Why d (or part of it) is unused, or '' when every part of it that is about qtcheck silenced a finding."""
    span = {"NOLINT": "on its line", "NOLINTNEXTLINE": "on the next line", "NOLINTBEGIN": "in its block"}[d.kind]
    if d.checks is None or "*" in d.globs:
        return "" if d.used else f"{d.text} suppresses no finding {span}"
    idle = []
    for glob in d.globs:
        rules = [rid for rid in known if glob_regex(glob).match(rid)]
        if not rules or glob in d.used:  # not a qtcheck rule (another tool's check), or it did its work
            continue
        off = [rid for rid in rules if rid not in selected]
        idle.append(glob + (" (off in this file)" if len(off) == len(rules) else ""))
    if not idle:
        return ""
    return f"{d.text}: {', '.join(idle)} suppress{'es' if len(idle) == 1 else ''} no finding {span}"


def _site(d: Directive, message: str) -> Site:
    return Site(d.line, d.col, True, message, {}, attrs={"directive": d.text}, rule=RULE_ID)
