"""Switches domain of the facts: every switch statement of the main file's functions, its case groups and how
each group's body ends.

Collected during the single walk (facts.py calls `on_switch` at each SWITCH_STMT). clang nests stacked labels
(`case A: case B: body`) and puts only a label's first statement under it; the statements up to the next label
are the body's rest, siblings in the switch's compound statement. A group is one run of labels with its body.
"""

from __future__ import annotations

from . import cursors
from .records import CaseGroupFact, SwitchFact

TERMINATORS = {"BREAK_STMT": "break", "RETURN_STMT": "return", "CONTINUE_STMT": "continue", "GOTO_STMT": "goto",
               "CXX_THROW_EXPR": "throw"}


def _unwrap(c):
    """An expression without clang's implicit-conversion wrappers."""
    while c.kind.name == "UNEXPOSED_EXPR":
        kids = cursors.children(c)
        if len(kids) != 1:
            break
        c = kids[0]
    return c


def _label(collector, expr) -> str:
    """What a case label names: the enumerator or constant it refers to, or its text (`3`, `'a'`)."""
    e = _unwrap(expr)
    if e.kind.name == "DECL_REF_EXPR" and e.spelling:
        return e.spelling
    return " ".join(t.spelling for t in expr.get_tokens()) or "?"


def _ending(collector, stmt) -> str:
    """How control leaves a group's last statement."""
    kind = stmt.kind.name
    if kind in TERMINATORS:
        return TERMINATORS[kind]
    if kind == "COMPOUND_STMT":
        kids = [k for k in cursors.children(stmt) if k.kind.name != "NULL_STMT"]
        return _ending(collector, kids[-1]) if kids else "none"
    if kind == "UNEXPOSED_STMT":  # an attributed statement: [[fallthrough]]; (what Q_FALLTHROUGH() expands to)
        words = " ".join(t.spelling for t in stmt.get_tokens())  # empty when a macro wrote it: read the line
        line = collector.facts.lines[stmt.location.line - 1] if 0 < stmt.location.line <= len(
            collector.facts.lines) else ""
        if "fallthrough" in (words or line).lower():
            return "fallthrough"
        return "unknown"
    if kind in ("IF_STMT", "WHILE_STMT", "DO_STMT", "FOR_STMT", "CXX_FOR_RANGE_STMT", "SWITCH_STMT",
                "CXX_TRY_STMT", "LABEL_STMT"):
        return "unknown"  # the paths through it are the control-flow graph's business, not followed here
    call = _unwrap(stmt)
    if call.kind.name == "CXX_THROW_EXPR":
        return "throw"
    if call.kind.name == "CALL_EXPR" and call.referenced is not None:
        from .facts import NORETURN
        if collector.qualified(call.referenced) in NORETURN:
            return "noreturn"
    return "none"


def _groups(collector, body) -> list[CaseGroupFact]:
    groups: list[CaseGroupFact] = []
    stmts: list = []  # the current group's body

    def close():
        if not groups:
            return
        real = [s for s in stmts if s.kind.name != "NULL_STMT"]
        group = groups[-1]
        group.acts = any(s.kind.name != "BREAK_STMT" for s in real)
        group.ends = _ending(collector, real[-1]) if real else "none"
        group.end_line = real[-1].extent.end.line if real else group.line

    for child in cursors.children(body):
        kind = child.kind.name
        if kind not in ("CASE_STMT", "DEFAULT_STMT"):
            stmts.append(child)
            continue
        close()
        stmts = []
        labels, node = [], child
        while node is not None and node.kind.name in ("CASE_STMT", "DEFAULT_STMT"):
            kids = cursors.children(node)
            if node.kind.name == "DEFAULT_STMT":
                labels.append("default")
                node = kids[-1] if kids else None
            else:
                labels.append(_label(collector, kids[0]) if kids else "?")
                node = kids[-1] if len(kids) > 1 else None
        if node is not None:
            stmts.append(node)
        groups.append(CaseGroupFact(labels, child.location.line, child.location.line, False, "none"))
    close()
    return groups


def _enum(cond) -> tuple[str | None, list[str]]:
    """The condition's enumeration type and its enumerators (from the headers, Qt's included)."""
    node = cond
    while node.kind.name == "UNEXPOSED_EXPR":  # the switch promotes an unscoped enum to int: look beneath
        kids = cursors.children(node)
        if len(kids) != 1:
            break
        node = kids[0]
    decl = node.type.get_canonical().get_declaration()
    if decl is None or decl.kind.name != "ENUM_DECL":
        return None, []
    names = [k.spelling for k in cursors.children(decl) if k.kind.name == "ENUM_CONSTANT_DECL"]
    return decl.type.spelling or decl.spelling, names


def on_switch(collector, c, function: str | None, lambda_id: int | None) -> None:
    kids = cursors.children(c)
    if len(kids) < 2 or kids[-1].kind.name != "COMPOUND_STMT":
        return  # `switch (x) case 1: ...;` without braces: rare, not modelled
    cond = kids[-2]
    enum, enumerators = _enum(cond)
    subject = " ".join(t.spelling for t in cond.get_tokens())
    collector.facts.switches.append(SwitchFact(c.location.line, c.extent.end.line, function, lambda_id, subject,
                                               enum, enumerators, _groups(collector, kids[-1])))
