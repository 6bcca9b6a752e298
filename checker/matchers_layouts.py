"""Matchers over layouts: the cells of a QGridLayout the code fills (`addWidget(w, row, column[, rowSpan,
columnSpan])`, `addLayout`, `addItem`), read from the calls' constant arguments. For claims such as "row 1 of the
grid stays empty" or "statusLabel spans both columns"."""

from __future__ import annotations

import re

from .facts import Facts
from .matchers import Site, _merge, _scope, _where, matcher

ADDS = ("addWidget", "addLayout", "addItem")
_INT = re.compile(r"\d+")


def _number(arg) -> int | None:
    """A constant int argument as written (`2`), the default of a span (1), or None (a variable, an expression)."""
    if arg.kind == "default":
        return None
    text = arg.text.strip()
    return int(text) if _INT.fullmatch(text) else None


def _placement(call):
    """(row, column, row span, column span) of an add call with constant arguments, or None when the call does
    not say (a variable row, the one-argument QLayout::addWidget that puts the widget in the next free row)."""
    args = call.args
    given = [a for a in args if a.kind != "default"]
    if len(args) < 3 or len(given) < 3:
        return None
    row, col = _number(args[1]), _number(args[2])
    if row is None or col is None:
        return None
    spans = [1, 1]
    # addWidget(w, row, column, rowSpan, columnSpan, alignment) vs addWidget(w, row, column, alignment): the spans
    # are the two int arguments after the column (addItem's default to 1)
    if len(args) >= 5 and "int" in (args[3].param or "int") and "Alignment" not in args[3].param:
        for i in (3, 4):
            if args[i].kind == "default":
                continue
            value = _number(args[i])
            if value is None:
                return None
            spans[i - 3] = value
    if spans[0] < 0 or spans[1] < 0:
        return None  # -1: "to the last row or column", which depends on what the grid holds
    return row, col, spans[0], spans[1]


def _grids(facts: Facts) -> dict[tuple, list]:
    grids: dict[tuple, list] = {}
    for c in facts.calls:
        if c.name in ADDS and "QGridLayout" in (c.receiver_type or "") and c.receiver:
            grids.setdefault((c.function, c.lambda_id, c.receiver), []).append(c)
    return grids


BRANCHES = ("IF_STMT", "SWITCH_STMT", "WHILE_STMT", "FOR_STMT", "DO_STMT", "CXX_FOR_RANGE_STMT", "CXX_TRY_STMT")


def _sometimes(facts: Facts, call) -> bool:
    """Whether the call may not run when its function does: under a branch or a loop, right of && / ?:, or
    after an exit (a return, a throw) of its function."""
    if call.conditional:
        return True
    by_id = {s.id: s for s in facts.stmts if s.function == call.function}
    at = by_id.get(call.stmt) if call.stmt is not None else None
    while at is not None:
        if at.kind in BRANCHES and at.role != "root":
            return True
        at = by_id.get(at.parent) if at.parent is not None else None
    return any(e.function == call.function and e.lambda_id == call.lambda_id and e.line < call.line
               for e in facts.exits)


def _empty(used: set[int], last: int) -> list[str]:
    return [str(i) for i in range(last + 1) if i not in used]


def _hold(word: str, numbers: list[str]) -> str:
    if len(numbers) == 1:
        return f"{word} {numbers[0]} holds nothing"
    return f"{word}s {', '.join(numbers[:-1])} and {numbers[-1]} hold nothing"


def _grid_site(facts: Facts, key, calls) -> Site:
    function, lambda_id, layout = key
    placed = [(c, _placement(c)) for c in calls]
    lines = [c.line for c in calls]
    items = [(c.args[0].text.strip() if c.args else "?") for c in calls]
    local = any(v.name == layout and v.function == function for v in facts.variables)
    # a local handed to other code (a helper that fills it) may get cells these calls do not show
    others = [c for c in facts.calls if c.function == function and c.name not in ("addLayout", "setLayout")
              and any(a.name == layout and a.kind == "var" for a in c.args)]
    subjects = _merge({"variable": [layout, *items], "callee": [f"{c.qualified}" for c in calls] + list(ADDS),
                       "type": ["QGridLayout"]}, _where(facts, function, lambda_id))
    unknown = [c for c, p in placed if p is None]
    sometimes = [c for c in calls if _sometimes(facts, c)]
    if unknown or sometimes or not local or others:
        if sometimes and not unknown:
            why = (f"{sometimes[0].text} at line {sometimes[0].line} runs only on some paths (under a branch, a loop "
                   f"or after an early exit), so which cells of {layout} are filled is decided at run time")
        elif unknown:
            why = (f"{unknown[0].text} at line {unknown[0].line} does not give its row and column as constants, so "
                   f"which cells of {layout} are filled is decided at run time")
        else:
            why = (f"{layout} is not a local of {function or 'one function'}, or is handed to other code: other code "
                   f"may add to it, so which of its cells stay empty is not decided by these calls")
        attrs = {"empty_rows": None, "empty_columns": None, "cells": None}
        return Site(lines[0], calls[0].col, False, why, subjects, attrs, evidence=lines,
                    scope=_scope(facts, function), reported=False)
    rows, cols, cells = set(), set(), []
    for (c, (row, col, rs, cs)), item in zip(placed, items):
        rows.update(range(row, row + max(rs, 1)))
        cols.update(range(col, col + max(cs, 1)))
        span = "" if (rs, cs) == (1, 1) else f" spanning {rs} row(s) and {cs} column(s)"
        cells.append(f"{item} in row {row}, column {col}{span} (line {c.line})")
    empty_rows, empty_cols = _empty(rows, max(rows)), _empty(cols, max(cols))
    gaps = []
    if empty_rows:
        gaps.append(_hold("row", empty_rows))
    if empty_cols:
        gaps.append(_hold("column", empty_cols))
    message = (f"{layout} (QGridLayout) is filled with constant positions: {'; '.join(cells)}; it uses rows "
               f"0..{max(rows)} and columns 0..{max(cols)}, and " + (" and ".join(gaps) if gaps else
                                                                       "every row and column holds something"))
    return Site(lines[0], calls[0].col, bool(gaps), message, subjects,
                # per row and column asked: empty or not; one past the last used is not the grid's to answer
                {"empty_rows": {str(i): str(i) in empty_rows for i in range(max(rows) + 1)},
                 "empty_columns": {str(i): str(i) in empty_cols for i in range(max(cols) + 1)}, "cells": cells,
                 "empty_row": bool(empty_rows)},
                evidence=lines, scope=_scope(facts, function), reported=False)


@matcher("grid-cells")
def grid_cells(facts: Facts, params: dict) -> list[Site]:
    """One site per QGridLayout a function fills: the cells each add call takes, and the rows and columns left
    empty between them."""
    return [_grid_site(facts, key, calls) for key, calls in _grids(facts).items()]
