"""Checks of a converted value: a number read with a conversion that reports success through a `bool *`
(`QByteArray(argv[2]).toInt(&ok)`, `QString::toUInt(&ok)`, `QLocale::toDouble(text, &ok)`) may be tested for the
conversion (`if (!ok)`) and for its range (`if (n <= 0)`, `qBound(...)`). For claims such as "the count from
argv[2] is only checked for conversion success; zero or negative values are accepted"."""

from __future__ import annotations

import re

from .facts import Facts
from .matchers import Site, _flag_tested_first, _merge, _scope, _tests_by_body, _where, matcher

CLAMPS = {"qBound", "qMin", "qMax", "clamp", "min", "max"}
# calls that only show or format a value: passing it there checks nothing and decides nothing
SHOWS = {"printf", "fprintf", "sprintf", "snprintf", "qDebug", "qWarning", "qInfo", "qCritical", "number", "arg",
         "setNum", "operator<<"}
RELATIONAL = {"<", "<=", ">", ">="}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_]\w*", text))


def _range_checks(facts: Facts, function: str | None, lambda_id, name: str, after: int):
    """(lines of if/ternary comparisons of name, lines of assertions of it, lines clamping it) after a line."""
    stmts = {s.id: s for s in facts.stmts if s.function == function}
    checks, asserts = [], []
    for cmp in facts.comparisons:
        if cmp.function != function or cmp.lambda_id != lambda_id or cmp.line <= after or cmp.op not in RELATIONAL | {
                "==", "!="}:
            continue
        if not any(name in _words(text) for text, _, _ in cmp.operands):
            continue
        if cmp.context == "assert":
            asserts.append(cmp.line)
            continue
        cond = stmts.get(cmp.stmt) if cmp.stmt is not None else None
        parent = stmts.get(cond.parent) if cond is not None and cond.parent is not None else None
        if cmp.context == "ternary" or (parent is not None and parent.kind == "IF_STMT"):
            checks.append(cmp.line)
    clamps = [c.line for c in facts.calls if c.function == function and c.lambda_id == lambda_id and c.line > after
              and c.name in CLAMPS and any(a.name == name for a in c.args)]
    return sorted(set(checks)), sorted(set(asserts)), clamps


def _passed_on(facts: Facts, function, lambda_id, name: str, after: int):
    """Calls after the line that pass the value on: (call, the parameter's name in a function the file defines or
    None)."""
    out = []
    for c in facts.calls:
        if c.function != function or c.lambda_id != lambda_id or c.line <= after or c.name in SHOWS | CLAMPS:
            continue
        for i, a in enumerate(c.args):
            if a.kind == "var" and a.name == name:
                fn = next((f for f in facts.functions if f.is_definition and f.qualified == c.qualified), None)
                param = fn.params[i][0] if fn is not None and i < len(fn.params) else None
                out.append((c, fn, param))
    return out


def _site(facts: Facts, call, tests: dict) -> Site | None:
    value = call.assigned_to
    flag, flag_lines = _flag_tested_first(facts, tests, call)
    if not flag:
        flags = [a.text[1:].strip() for a in call.args if a.text.startswith("&") and a.param.replace(" ", "") == "bool*"]
        if not flags or not re.fullmatch(r"[A-Za-z_]\w*", flags[0]):
            return None
        flag = flags[0]
        # `if (!ok || n > 65535)`: the flag tested in the condition that first uses the value
        uses = [r for v in facts.variables if v.function == call.function and v.name == value for r in v.reads
                if r > call.line]
        conds = [(st.line, st.end_line) for st in facts.stmts if st.role == "cond" and st.function == call.function
                 and st.lambda_id == call.lambda_id]
        flag_lines = sorted({r for v in facts.variables if v.function == call.function and v.name == flag
                             for r in v.reads if call.line < r <= min(uses, default=r)
                             and any(a <= r <= b for a, b in conds)})
    checks, asserts, clamps = _range_checks(facts, call.function, call.lambda_id, value, call.line)
    passed = _passed_on(facts, call.function, call.lambda_id, value, call.line)
    elsewhere, unknown = [], []
    for c, fn, param in passed:
        if fn is None or not param:
            unknown.append(c)
            continue
        more, more_asserts, more_clamps = _range_checks(facts, fn.qualified, None, param, fn.line - 1)
        if more or more_clamps:
            elsewhere.append((c, fn, param, (more + more_clamps)[0]))
        elif more_asserts:
            asserts += more_asserts
    source = call.text
    inputs = re.findall(r"[A-Za-z_]\w*\s*\[[^\]]*\]", source)  # argv[2]
    subjects = _merge({"variable": [value, flag, *inputs, *sorted(_words(source) - {call.name})],
                       "callee": [call.name, call.qualified, *(c.name for c, _, _ in passed),
                                  *(c.name for c in facts.calls if c.line in clamps and c.name in CLAMPS)]}, _where(facts, call.function, call.lambda_id))
    conversion = bool(flag_lines)
    head = f"{value} = {source} at line {call.line}"
    tested = (f"its conversion is checked through {flag} at line {flag_lines[0]}" if conversion else
              f"{flag}, which reports whether the conversion succeeded, is not tested before {value} is used")
    lines = [call.line, *flag_lines]
    if checks or clamps or elsewhere:
        checked = True
        if checks or clamps:
            at = sorted(checks + clamps)
            how = f"its range is checked: {value} is compared or clamped at line {', '.join(map(str, at))}"
            lines += at
        else:
            c, fn, param, at = elsewhere[0]
            how = (f"its range is checked in {fn.name}(), which gets it as {param} at line {c.line} and tests it at "
                   f"line {at}")
            lines += [c.line, at]
    elif asserts:
        checked = None
        how = (f"its range is only asserted (line {', '.join(map(str, asserts))}): Q_ASSERT is compiled out of release "
               f"builds, so whether that counts as a check is not decided")
    elif unknown:
        checked = None
        how = (f"no comparison of {value} follows in this function, but it is passed to {unknown[0].name}() at line "
               f"{unknown[0].line}, which this file does not define: whether that checks its range is not decided")
        lines.append(unknown[0].line)
    else:
        checked = False
        uses = [c.line for c, _, _ in passed]
        how = (f"nothing compares {value} with a limit or clamps it afterwards"
               + (f" (nor in {', '.join(dict.fromkeys(fn.name + '()' for _, fn, _ in passed))}, where it is passed at "
                  f"line {', '.join(map(str, uses))})" if passed else "")
               + ": any value the conversion yields (zero, a negative number) is used as it is")
        lines += uses
    message = f"{head}: {tested}; {how}"
    return Site(call.line, call.col, checked is False, message, subjects,
                {"conversion_checked": conversion, "range_checked": checked,
                 # "only checked for a successful conversion": the flag tested and the range not; a value tested for
                 # neither is half of that claim, not decided either way
                 "only_conversion_checked": False if checked else (True if conversion else None)
                 if checked is False else None},
                evidence=sorted(set(lines)), scope=_scope(facts, call.function), reported=False)


@matcher("value-checks")
def value_checks(facts: Facts, params: dict) -> list[Site]:
    """One site per value converted with a success flag (`toInt(&ok)`) and stored in a local: whether the flag is
    tested, and whether the value's range is."""
    tests = _tests_by_body(facts)
    sites = []
    for call in facts.calls:
        if call.result != "assigned" or not call.assigned_to or not any(
                a.text.startswith("&") and a.param.replace(" ", "") == "bool*" for a in call.args):
            continue
        site = _site(facts, call, tests)
        if site is not None:
            sites.append(site)
    return sites
