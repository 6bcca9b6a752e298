"""Matchers over QtTest's structure: each test function's data function and the columns it adds."""

from __future__ import annotations

from .facts import Facts
from .matchers import Site, _scope, function_names, matcher

def _columns(facts: Facts, function: str, calls_in: dict, seen: set) -> list[tuple[str, int, str | None]]:
    """(column, line, helper) of every QTest::addColumn the data function runs: its own, and those of the file's
    functions it calls (bench_data() called from benchBackgroundThread_data()), followed through the file."""
    if function in seen:
        return []
    seen.add(function)
    out = []
    for c in calls_in.get(function, []):
        if c.qualified == "QTest::addColumn" or (c.name == "addColumn" and "QTest" in (c.qualified or "")):
            name = c.args[0].text.strip().strip('"') if c.args else "?"
            out.append((name, c.line, None))
        elif c.qualified and facts.function_named(c.qualified) is not None and c.lambda_id is None:
            out += [(n, ln, via or c.qualified) for n, ln, via in _columns(facts, c.qualified, calls_in, seen)]
    return out

@matcher("test-data")
def test_data(facts: Facts, params: dict) -> list[Site]:
    """For each test function of the file's test classes: its data function (`name_data()`) if the class has one,
    and the columns that function adds with QTest::addColumn, directly or through the file's functions it calls.
    QtTest runs a test function once per row of its own data function's table: QFETCH finds a column only in the
    table of the test function that is running."""
    calls_in: dict[str, list] = {}
    for c in facts.calls:
        if c.function:
            calls_in.setdefault(c.function, []).append(c)
    defs = {f.qualified: f for f in facts.functions if f.is_definition}
    decls = {}
    for f in facts.functions:  # the definition, else the declaration in the class
        decls.setdefault(f.qualified, f)
    sites = []
    for qualified, fn in decls.items():
        if not fn.is_test_function or fn.is_data_function:
            continue
        fn = defs.get(qualified, fn)
        data_name = f"{qualified}_data"
        data = defs.get(data_name) or decls.get(data_name)
        short = fn.name
        if data is None:
            has, message, evidence, cols = False, (f"{short}() has no data function: the class declares no "
                                                   f"{short}_data(), so {short}() runs once, with no test data"), [], []
        elif data_name not in defs:
            has, message, evidence, cols = True, (f"{short}() has a data function, {short}_data(), declared at "
                                                  f"line {data.line} (its body is not in this file)"), [data.line], []
        else:
            cols = _columns(facts, data_name, calls_in, set())
            shown = ", ".join(f"{n} (line {ln}{', through ' + via.split('::')[-1] + '()' if via else ''})"
                              for n, ln, via in cols[:6])
            has = True
            message = (f"{short}() has a data function, {short}_data() at line {data.line}"
                       + (f", which adds the column(s) {shown}" if cols else ", which adds no column"))
            evidence = sorted({data.line, *(ln for _, ln, _ in cols)} - {fn.line})
        sites.append(Site(fn.line, fn.col, False, message,
                          {"function": function_names(qualified), "callee": [qualified, short],
                           "class": [fn.class_name] if fn.class_name else []},
                          {"has_data": has, "columns": [n for n, _, _ in cols]}, evidence=evidence[:6],
                          scope=_scope(facts, qualified)))
    return sites
