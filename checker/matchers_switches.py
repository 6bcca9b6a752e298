"""Matchers over the switches domain: what each case does, and where control goes when its body ends."""

from __future__ import annotations

from .facts import Facts
from .matchers import Site, _short, _where, matcher

ENDS = {"break": "ends with break", "return": "returns", "continue": "ends with continue", "goto": "ends with goto",
        "throw": "throws", "noreturn": "ends in a call that never returns"}


def _name(labels: list[str]) -> str:
    named = [f"case {x}" if x != "default" else "the default branch" for x in labels]
    return " / ".join(named)


def _lines(a: int, b: int) -> str:
    return f"line {a}" if a == b else f"lines {a}-{b}"


def _in(sw) -> str:
    return f"the switch on {sw.subject} at line {sw.line}" + (f" in {_short(sw.function)}()" if sw.function else "")


def _subjects(facts: Facts, sw, labels: list[str]) -> dict:
    """The labels by every name a review may give them: `PeerClosedError`, `QLocalSocket::PeerClosedError`,
    `QLocalSocket::LocalSocketError::PeerClosedError`; `default` for the default branch."""
    out = _where(facts, sw.function, sw.lambda_id)
    names = []
    for x in labels:
        if x == "default":
            names += ["default", "default:"]
            continue
        names.append(x)
        if sw.enum and x in sw.enumerators:
            names.append(f"{sw.enum}::{x}")
            if "::" in sw.enum:
                names.append(f"{sw.enum.rsplit('::', 1)[0]}::{x}")
    if names:
        out["symbol"] = names
    return out


@matcher("switch-fallthrough")
def switch_fallthrough(facts: Facts, params: dict) -> list[Site]:
    """One site per case group: does control run on from its body into the next label?"""
    sites = []
    for sw in facts.switches:
        for i, g in enumerate(sw.groups):
            who = f"{_name(g.labels)} at line {g.line}"
            nxt = sw.groups[i + 1] if i + 1 < len(sw.groups) else None
            into = f"{_name(nxt.labels)} at line {nxt.line}" if nxt else ""
            flagged, falls = False, False
            if nxt is None:
                message = (f"{who} is the last label of {_in(sw)}: after its body control leaves the switch "
                           f"(line {sw.end_line}); there is no case to fall into")
            elif g.ends in ENDS:
                message = f"{who} {ENDS[g.ends]} ({_lines(g.line, g.end_line)}): it does not fall into {into}"
            elif g.ends == "fallthrough":
                falls = True
                message = f"{who} falls through into {into} on purpose: its body ends in [[fallthrough]] " \
                          f"(line {g.end_line})"
            elif g.ends == "unknown":
                falls = None
                message = (f"whether {who} reaches {into} is decided inside its last statement (line {g.end_line}: "
                           f"an if, a loop or a try), which this question does not follow")
            else:
                falls = True
                flagged = g.acts  # an empty body falling on is a label list in all but name
                message = (f"{who} falls through into {into}: its body ({_lines(g.line, g.end_line)}) ends without "
                           f"break, return or [[fallthrough]]" if g.acts else
                           f"{who} has an empty body: control goes on to {into}, as if the labels were stacked")
            sites.append(Site(g.line, 1, flagged, message, _subjects(facts, sw, g.labels),
                              {"falls_through": falls, "last": nxt is None}, end_line=g.end_line,
                              evidence=[nxt.line] if nxt and falls else [sw.end_line] if nxt is None else []))
    return sites


@matcher("switch-case-handling")
def switch_case_handling(facts: Facts, params: dict) -> list[Site]:
    """One site per case group, and one per enumerator of the switched enum that has no case of its own: does the
    switch do anything for it? Claims only ("PeerClosedError is silently ignored in displayError()")."""
    sites = []
    for sw in facts.switches:
        default = next((g for g in sw.groups if "default" in g.labels), None)
        for g in sw.groups:
            who = f"{_name(g.labels)} at line {g.line}"
            message = (f"{who} acts on it ({_lines(g.line + 1 if g.end_line > g.line else g.line, g.end_line)})"
                       if g.acts else f"{who} does nothing: its body is only break" if g.ends == "break"
                       else f"{who} has an empty body")
            sites.append(Site(g.line, 1, False, message, _subjects(facts, sw, g.labels), {"handled": g.acts},
                              end_line=g.end_line, reported=False))
        labelled = {x for g in sw.groups for x in g.labels}
        for name in sw.enumerators:
            if name in labelled:
                continue
            if default is not None:
                message = (f"{name} has no case of its own in {_in(sw)}: the default branch at line {default.line} "
                           + (f"handles it ({_lines(default.line + 1, default.end_line)})" if default.acts
                              else "does nothing"))
                site = Site(default.line, 1, False, message, _subjects(facts, sw, [name]),
                            {"handled": default.acts}, end_line=default.end_line, reported=False)
            else:
                site = Site(sw.line, 1, False, f"{name} has no case in {_in(sw)} and the switch has no default "
                            f"branch: nothing is done for it", _subjects(facts, sw, [name]), {"handled": False},
                            reported=False)
            sites.append(site)
    return sites
