"""The generic matchers rules name. Each reads facts and returns Sites.

A Site is one construct a rule examined: flagged when it is a finding, with
subjects (what it is about: class, function, callee, macro, variable, type,
header, symbol) that claims are resolved by, and attrs that claims can assert.
Each matcher declares the JSON schema of its params; rules are checked against it.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Callable

from . import cfg, qt_metatypes
from .facts import Facts
from .saferegex import compile_rule_regex
from .spans import ByLine, Spans, per_check

STR_LIST = {"type": "array", "items": {"type": "string"}}
# A list of regexes: rules.py compiles each with compile_rule_regex (RE2) when the rule file is loaded.
REGEX_LIST = {**STR_LIST, "x-regex": True}


@dataclass
class Site:
    line: int
    col: int
    flagged: bool
    message: str
    subjects: dict[str, list[str]]
    attrs: dict = field(default_factory=dict)
    end_line: int = 0
    evidence: list[int] = field(default_factory=list)  # further lines that show the fact
    scope: tuple[int, int] | None = None  # the enclosing function's lines
    rule: str = ""
    reported: bool = True  # False: answers claims only, never a finding (a call outside a rule's list)
    unparsed: str | None = None  # why clang could not fully parse the code it depends on: then never a finding

    def __post_init__(self):
        self.end_line = max(self.end_line, self.line)

    def covers(self, line: int) -> bool:
        return self.line <= line <= self.end_line or line in self.evidence


@dataclass
class Matcher:
    name: str
    params: dict  # JSON schema properties
    fn: Callable[[Facts, dict], list[Site]]
    required: tuple[str, ...] = ()  # params the matcher cannot do without: a rule lacking one is refused


MATCHERS: dict[str, Matcher] = {}


def matcher(name: str, required: tuple[str, ...] = (), **params):
    def register(fn):
        MATCHERS[name] = Matcher(name, params, fn, required)
        return fn

    return register


# ---- shared helpers ----
def grouped(items, key: Callable) -> dict:
    """key -> the items with that key, in their order: one pass, where a scan per question would cost the file
    over again."""
    out: dict = {}
    for item in items:
        out.setdefault(key(item), []).append(item)
    return out


def code_of(record) -> tuple:
    """The code a record stands in: (function, lambda id)."""
    return record.function, record.lambda_id


def _short(qualified: str | None) -> str:
    return (qualified or "").split("::")[-1]


def function_names(qualified: str) -> list[str]:
    """The names a claim may call a function by: qualified, short, and for a constructor or destructor its role
    ("the destructor sets `abort` under the lock")."""
    parts = qualified.split("::")
    role = ["the destructor"] if parts[-1].startswith("~") else (
        ["the constructor"] if len(parts) > 1 and parts[-1] == parts[-2] else [])
    return [qualified, _short(qualified), *role]


def _where(facts: Facts, function: str | None, lambda_id: int | None = None) -> dict[str, list[str]]:
    """Subjects every site carries: the enclosing function and class (and 'lambda')."""
    out: dict[str, list[str]] = {}
    if function:
        out["function"] = function_names(function)
        fn = facts.function_named(function)
        if fn is not None and fn.is_thread_run and lambda_id is None:  # "the worker reads `restart` ..."
            out["function"] += ["the worker", "the worker thread"]
        if "::" in function:
            out["class"] = [function.rsplit("::", 1)[0]]
    if lambda_id is not None:
        out["context"] = ["lambda"]
    return out


def _scope(facts: Facts, function: str | None) -> tuple[int, int] | None:
    fn = facts.function_named(function)
    return (fn.line, fn.end_line) if fn else None


def _merge(*dicts: dict[str, list[str]]) -> dict[str, list[str]]:
    """The subjects of several dicts: each value once per key, in order (a list repeating a value it brings keeps
    it twice). A symbol used in every function merges thousands of function names: kept in a set, not looked
    up in the list."""
    out: dict[str, list[str]] = {}
    known: dict[str, set[str]] = {}
    for d in dicts:
        for key, values in d.items():
            have = known.setdefault(key, set())
            new = [v for v in values if v and v not in have]
            out.setdefault(key, []).extend(new)
            have.update(new)
    return out


def _context_of(facts: Facts, function: str | None, lambda_id: int | None) -> str:
    if lambda_id is not None:
        return "lambda"
    fn = facts.function_named(function)
    if fn is None:
        return "file-scope"
    if fn.kind == "constructor":
        return "constructor"
    if fn.is_thread_run:
        return "thread-run"
    if fn.is_test_function:
        return "test-function"
    if fn.is_data_function:
        return "data-function"
    return "helper"


# ---- matchers ----
def _unread_path(flows: cfg.Flows, call, var) -> tuple[str, list[int]]:
    """Whether a result stored in a local is read on every path from the call to a normal exit (a return or the
    end) or to the next store into it. Failure exits (a QTest macro, a throw, qFatal) are not asked about: the
    run has already failed there. Returns (every, some, never or undecided; the path that misses the read)."""
    flow = flows.of(call.function, call.lambda_id)
    if flow is None or call.stmt is None or var.lambda_id != call.lambda_id:
        return "undecided", []
    reads = {s for s in var.read_stmts if s is not None and s != call.stmt}
    stores = {s for s, _clamps, _grows in var.write_stmts if s is not None and s != call.stmt}
    exits = [n for n in flow.exits() if flow.exit_kind(n) in ("return", "end")]
    path = flow.path([call.stmt], exits + sorted(stores), reads)
    if path is None:
        return "every", []
    lines = flow.lines(path)
    if flow.loose_on(lines):
        return "undecided", lines
    if flow.path([call.stmt], reads, stores) is None:
        return "never", lines  # every read comes after another store: this result is never looked at
    return "some", lines


def _state_tested(facts: Facts, flows: cfg.Flows, call, queries: set[str], on_receiver: dict) -> tuple[str, list[int]]:
    """Whether every path from the call to a return or the end tests the object's state with one of the
    queries (server.isListening() after server.listen()). on_receiver: the calls by (function, lambda, receiver).
    Returns (every, some or none; the query lines)."""
    if not queries or not call.receiver or call.stmt is None:
        return "none", []
    tests = [c for c in on_receiver.get((call.function, call.lambda_id, call.receiver), [])
             if c.name in queries and c.stmt is not None
             and c.result in ("tested", "qtest", "argument") and c.stmt != call.stmt]
    sure = {c.stmt for c in tests if not c.conditional}
    flow = flows.of(call.function, call.lambda_id)
    if flow is None or not tests:
        return "none", []
    exits = [n for n in flow.exits() if flow.exit_kind(n) in ("return", "end")]
    lines = sorted({c.line for c in tests})
    path = flow.path([call.stmt], exits, sure)
    if path is None:
        return "every", lines
    if flow.path([call.stmt], {c.stmt for c in tests}) is None:
        return "none", []
    return "some", lines


def _tests_by_body(facts: Facts) -> dict:
    """(function, lambda) -> the tests in that body: (line, the variables a condition or assertion reads, or
    None and the text of a QTest macro or Q_ASSERT)."""
    out: dict = {}
    for c in facts.comparisons:
        if c.context in ("condition", "assert"):
            out.setdefault((c.function, c.lambda_id), []).append((c.line, set(c.names), ""))
    for m in facts.macros:
        if m.name.startswith(("QVERIFY", "QCOMPARE", "QTRY", "Q_ASSERT")):
            out.setdefault((m.function, m.lambda_id), []).append((m.line, None, m.text))
    return out


def _tested_later(tests: dict, call, var) -> list[int]:
    """Lines after the call where the local its result was stored in is tested: a condition, an assertion,
    a QTest macro."""
    word = re.compile(rf"\b{re.escape(var)}\b")
    return sorted({line for line, names, text in tests.get((call.function, call.lambda_id), []) if line > call.line
                   and (var in names if names is not None else word.search(text))})


def _flag_tested_first(facts: Facts, tests: dict, call) -> tuple[str | None, list[int]]:
    """A `bool` the call reports success through (`toInt(&ok)`) that a condition tests after the call and before
    the first use of the stored result: (its name, the test lines), or (None, [])."""
    # the file's variables and conditions, grouped once per check (a scan of the whole file per call was quadratic)
    named = per_check(facts, "variables by function and name",
                      lambda: grouped(facts.variables, lambda v: (v.function, v.name)))
    uses = [r for v in named.get((call.function, call.assigned_to), []) for r in v.reads if r > call.line]
    first_use = min(uses) if uses else None
    for arg in call.args:
        if not arg.text.startswith("&") or arg.param.replace(" ", "") != "bool*":
            continue
        flag = arg.text[1:].strip()
        if not re.fullmatch(r"[A-Za-z_]\w*", flag):
            continue
        conds = per_check(facts, "conditions by code",
                          lambda: grouped([st for st in facts.stmts if st.role == "cond"], code_of))
        spans = [(st.line, st.end_line) for st in conds.get(code_of(call), [])]
        reads = [r for v in named.get((call.function, flag), [])
                 for r in v.reads if r > call.line and any(a <= r <= b for a, b in spans)]
        lines = sorted(set(_tested_later(tests, call, flag)) | set(reads))  # `if (!ok)` is no comparison
        if lines and (first_use is None or lines[0] < first_use):
            return flag, lines
    return None, []


def _other_result(facts: Facts, tests: dict, call) -> Site:
    """What happens to the result of a call outside the rule's list: a claim about any call is answered,
    but only the listed calls, whose result reports failure, are findings."""
    callee = call.qualified or call.name
    checked: bool | None = True
    evidence: list[int] = []
    if call.result == "discarded":
        checked, how = False, "discarded"
    elif call.result == "voided":
        checked, how = False, "discarded on purpose with a (void) cast"
    elif call.result in ("tested", "qtest"):
        how = f"checked by {call.macro}" if call.macro else "tested where it is called"
    elif call.result == "assigned" and call.assigned_to:
        evidence = _tested_later(tests, call, call.assigned_to)
        flag, flag_tests = _flag_tested_first(facts, tests, call)
        if evidence:
            how = f"stored in {call.assigned_to} and tested at line {', '.join(map(str, evidence))}"
        elif flag:
            evidence = flag_tests
            how = (f"stored in {call.assigned_to}, and its success is reported through {flag} (a bool passed by "
                   f"address), tested at line {flag_tests[0]} before {call.assigned_to} is used")
        else:
            checked = None
            how = (f"stored in {call.assigned_to}, which is used but never tested in a condition; whether that "
                   f"use checks it is not decided")
    else:
        checked = None
        how = {"returned": "returned to the caller, which this file may or may not check",
               "argument": "passed on to another call"}.get(call.result, "used in an expression")
    message = (f"the result of {callee}() is discarded" if how == "discarded"
               else f"the result of {callee}() is {how}")
    return Site(call.line, call.col, checked is False, message,
                _merge({"callee": [call.qualified, call.name, *call.candidates], "variable": [call.receiver or ""]},
                       _where(facts, call.function, call.lambda_id)),
                {"checked": checked, "result": how, "callee": callee, "partial": False,
                 "undecided": checked is None},
                end_line=call.end_line, evidence=evidence, scope=_scope(facts, call.function), reported=False)


@matcher("discarded-result", required=("callees",), callees=STR_LIST, all_calls={"type": "boolean"},
         state_queries={"type": "object", "additionalProperties": STR_LIST},
         exempt_receivers={"type": "object", "additionalProperties": STR_LIST},
         with_arguments=STR_LIST, not_security=STR_LIST)
def discarded_result(facts: Facts, params: dict) -> list[Site]:
    wanted = set(params["callees"])
    not_security = set(params.get("not_security", []))
    state_queries = params.get("state_queries", {})
    exempt_receivers = params.get("exempt_receivers", {})
    with_arguments = set(params.get("with_arguments", []))
    reads = {(v.function, v.name): v for v in facts.variables}
    flows = cfg.flows_of(facts)
    sites = []
    tests = None  # built when first needed
    on_receiver = None
    for call in facts.calls:
        listed = wanted.intersection(call.candidates)
        receiver = _bare_type(call.receiver_type).split("::")[-1] if call.receiver_type else ""
        if listed and any(receiver in exempt_receivers.get(c, []) for c in listed):
            listed = set()  # a call that cannot fail on this receiver (write() to an in-memory QBuffer)
        if listed & with_arguments and not any(a.kind != "default" for a in call.args):
            listed = set()  # QThread::wait() with no time limit returns when the thread has finished
        if not listed:
            if params.get("all_calls") and call.returns_value and call.name and not call.name.startswith("operator"):
                tests = tests if tests is not None else _tests_by_body(facts)
                sites.append(_other_result(facts, tests, call))
            continue
        checked = call.result not in ("discarded",)
        how = call.result
        path: list[int] = []
        partial = False
        if call.result == "assigned" and call.assigned_to:
            var = reads.get((call.function, call.assigned_to))
            if var is not None and not [r for r in var.reads if r >= call.line]:
                checked, how = False, f"stored in {call.assigned_to} and never read"
            elif var is not None:
                every, path = _unread_path(flows, call, var)
                route = " -> ".join(map(str, path))
                if every == "never":
                    checked = False
                    how = f"stored in {call.assigned_to} and overwritten before any read (path {route})"
                elif every == "some":
                    checked, partial = False, True
                    how = (f"stored in {call.assigned_to} and read on some paths only: the path {route} "
                           f"{'overwrites it at line ' + str(path[-1]) if path[-1] in var.writes else 'leaves ' + _short(call.function) + '() without reading it'}")
                elif every == "undecided":
                    checked = None
                    how = (f"stored in {call.assigned_to}; whether every path reads it is not decided (the control "
                           f"flow of {_short(call.function)}() is modelled loosely)")
                else:
                    how = f"stored in {call.assigned_to} and read on every path"
                    path = [r for r in sorted(set(var.reads)) if r > call.line][:1]  # the first read, as evidence
        if call.macro and call.result in ("tested", "qtest", "argument"):
            how = f"checked by {call.macro}"
        queried: list[int] = []
        if checked is False and not partial:
            queries = {q for c in call.candidates for q in state_queries.get(c, [])}
            if on_receiver is None:
                on_receiver = grouped(facts.calls, lambda c: (c.function, c.lambda_id, c.receiver))
            tested, queried = _state_tested(facts, flows, call, queries, on_receiver)
            state = f"{call.receiver}.{'/'.join(sorted(queries))}()"
            if tested == "every":
                checked = True
                how = f"checked by testing {state} on every path after it (line {', '.join(map(str, queried))})"
            elif tested == "some":
                partial = True
                how += f"; {state} is tested on some paths only (line {', '.join(map(str, queried))})"
        sites.append(Site(
            call.line, call.col, checked is False,
            f"the result of {call.qualified}() is discarded: a failure goes unnoticed" if how == "discarded"
            else f"the result of {call.qualified}() is {how}" if how.startswith("discarded")
            else f"the result of {call.qualified}() is {how}" if not checked
            else f"the result of {call.qualified}() is {how if how.startswith(('checked', 'stored')) else 'used (' + how + ')'}",
            _merge({"callee": [call.qualified, call.name, *call.candidates], "variable": [call.receiver or ""]},
                   _where(facts, call.function, call.lambda_id)),
            {"checked": checked, "result": how, "callee": call.qualified, "partial": partial,
             "undecided": checked is None, **({"security": False} if listed & not_security else {})},
            end_line=call.end_line, evidence=[ln for ln in path + queried if ln != call.line],
            scope=_scope(facts, call.function)))
    return sites


def _where_code(alloc) -> str:
    return _short(alloc.function) + "()" if alloc.lambda_id is None else f"the lambda at line {alloc.line}"


def _leak_paths(facts: Facts, flows: cfg.Flows, alloc, exits_of: dict) -> dict:
    """Can control leave the function with the object alive? Asked of the function's control-flow graph:
    a path from the new to an exit that passes no delete of it. Returns the site's attrs and a message tail."""
    where = _where_code(alloc)
    flow = flows.of(alloc.function, alloc.lambda_id)
    if flow is None or alloc.stmt is None or None in alloc.delete_stmts:
        return {"early_exit": None, "exits_between": [], "leak_path": [],
                "text": f"; whether {where} can leave with it alive is not decided: its control flow is not known"}
    last = max(alloc.deletes)
    leaks = []
    for node in flow.exits():
        path = flow.path([alloc.stmt], [node], alloc.delete_stmts)
        if path is not None:
            leaks.append((node, flow.exit_kind(node), path))
    early = [(n, k, p) for n, k, p in leaks if k != "end" and flow.line(n) < last]
    inner = sorted({e.line for e in exits_of.get(alloc.function, []) if e.lambda_id != alloc.lambda_id
                    and alloc.line < e.line < last})
    lambda_note = f" (the exits at line(s) {', '.join(map(str, inner))} leave a nested lambda only)" if inner else ""
    if not leaks:
        return {"early_exit": False, "exits_between": [], "leak_path": [],
                "text": f"; every path from line {alloc.line} out of {where} passes a delete" + lambda_note}
    shown = early or leaks
    node, kind, path = shown[0]
    lines = flow.lines(path)
    loose = flow.loose_on(lines)
    if loose:
        return {"early_exit": None, "exits_between": [], "leak_path": lines,
                "text": f"; a path out of {where} that skips the delete runs through line {loose[0]}, whose "
                        f"control flow qtcheck models only loosely: not decided"}
    route = flow.describe(path + ([cfg.EXIT] if kind == "end" else []))
    if early:
        exits = [f"{k} at line {flow.line(n)}" for n, k, _ in early]
        text = f"; {where} can leave between them: {', '.join(exits)} (path {route})"
    else:
        exits = []
        text = f"; the delete is skipped on the path {route}, which leaves {where} with it alive"
    return {"early_exit": bool(early), "exits_between": exits, "leak_path": lines, "text": text + lambda_note}


def _factory(alloc, factories: dict) -> str | None:
    """How the call that handed out this object leaves it, from the rule's table: `parent` (Qt made it a child
    of the object that handed it out) or `caller` (the caller owns it); None: not a call that makes objects."""
    return next((how for name, how in factories.items()
                 if alloc.factory == name or alloc.factory.endswith("::" + name)), None)


def constructors(facts: Facts) -> dict[str, list]:
    """The constructors the file defines, by class, in the file's order."""
    out: dict[str, list] = {}
    for fn in facts.functions:
        if fn.kind == "constructor" and fn.is_definition and fn.class_name:
            out.setdefault(fn.class_name, []).append(fn)
    return out


def member_anchor(f, ctors: list) -> int | None:
    """The line a data member answers claims at: its declaration in the main file; for a member of a project
    header, the first constructor the file defines for its class (None: the file defines none)."""
    if not f.file:
        return f.line
    return ctors[0].line if ctors else None


def _a(noun: str) -> str:
    """'a QTimer', 'an InvokeCounter'."""
    return f"{'an' if noun[:1] in 'AEIOUaeiou' else 'a'} {noun}"


def _needs_no_owner(line: int, col: int, text: str, subjects: dict, owner: str, parent, deleted_at: str, type_: str,
                    name: str, evidence: list[int], scope) -> Site:
    """A QObject that needs no owner. It answers only what a claim states of it ("never deleted"), not whether
    it is the rule's finding: a claim that brings the rule up with other words ("captures a raw pointer to `x`")
    is not about how x was made."""
    return Site(line, col, False, text, subjects,
                {"owner": owner, "parent": parent, "deleted_at": [deleted_at], "type": type_, "text": name,
                 "owner_text": text, "early_exit": False, "exits_between": [], "leak_path": [],
                 "statements_only": True}, evidence=evidence, scope=scope, reported=False)


def _lifetime_sites(facts: Facts) -> list[Site]:
    """QObjects on the stack, and data members held by value."""
    sites = []
    for v in facts.variables:
        if not v.qobject:
            continue
        where = "a lambda" if v.lambda_id is not None else f"{_short(v.function)}()"
        text = f"`{v.name}` is {_a(v.type)} on the stack of {where}: it is destroyed when its block ends at line " \
               f"{v.block_end}"
        sites.append(_needs_no_owner(
            v.line, v.col, text, _merge({"type": [v.type], "variable": [v.name]}, _where(facts, v.function, v.lambda_id)),
            "stack", None, f"at the end of its block (line {v.block_end})", v.type, v.name, [v.block_end],
            _scope(facts, v.function)))
    ctors = constructors(facts)
    for f in facts.fields:
        anchor = member_anchor(f, ctors.get(f.cls, []))
        if not f.qobject or f.kind != "class" or anchor is None:
            continue
        where = f"{f.file}:{f.line}" if f.file else f"line {f.line}"
        text = f"`{f.name}` is {_a(f.type)} held by value in {f.cls} ({where}): it is destroyed with its {f.cls}"
        sites.append(_needs_no_owner(
            anchor, 1, text, {"type": [f.type], "variable": [f.name, f"{f.cls}::{f.name}"], "class": [f.cls]},
            "member", f.cls, f"with its {f.cls}", f.type, f.name, [], None))
    return sites


@matcher("allocation", owners=STR_LIST, qobject={"type": "boolean"}, deleted_in_function={"type": "boolean"},
         all_objects={"type": "boolean"},
         factories={"type": "object", "additionalProperties": {"enum": ["parent", "caller"]}})
def allocation(facts: Facts, params: dict) -> list[Site]:
    owners = set(params.get("owners", ["raw"]))
    factories = params.get("factories", {})
    every = params.get("all_objects", False)
    flows = cfg.flows_of(facts)
    exits_of = grouped(facts.exits, lambda e: e.function)
    sites = _lifetime_sites(facts) if every else []
    for alloc in facts.allocations:
        if params.get("qobject") is not None and alloc.qobject != params["qobject"]:
            continue
        how = _factory(alloc, factories) if alloc.factory else None
        if alloc.factory and (not every or how is None):
            continue  # a call that returns an object it does not make (sender(), findChild())
        if how == "parent":
            server = "this object" if alloc.source in ("", "this") else alloc.source
            alloc = dataclasses.replace(alloc, owner="parent", parent_arg=(
                f"{server}, which handed it out: Qt creates what {_short(alloc.factory)}() returns as its child"))
        if params.get("deleted_in_function") and not alloc.deletes:
            continue
        flagged = alloc.owner in owners
        owner_text = {"parent": f"owned by its parent ({alloc.parent_arg})",
                      "smart": "owned by a smart pointer",
                      "transferred": f"handed to another owner{f' ({alloc.parent_arg})' if alloc.parent_arg else ''}",
                      "raw": "owned by a raw pointer"}[alloc.owner]
        paths = {"early_exit": False, "exits_between": [], "leak_path": [], "text": ""}
        if alloc.later_deletes and not alloc.deletes:
            owner_text += f", deleted by a lambda at line {', '.join(map(str, alloc.later_deletes))}"
        if alloc.deletes:
            owner_text += f", deleted at line {', '.join(map(str, alloc.deletes))}"
            paths = _leak_paths(facts, flows, alloc, exits_of)
            owner_text += paths["text"]
        message = params.get("message_hint", "")
        sites.append(Site(
            alloc.line, alloc.col, flagged,
            message or f"{alloc.text}: {owner_text}",
            _merge({"type": [alloc.type], "variable": [alloc.var or ""],
                    "callee": [alloc.factory, _short(alloc.factory)] if alloc.factory else ["new", alloc.type]},
                   _where(facts, alloc.function, alloc.lambda_id)),
            # an owned object is deleted by its owner: "never deleted" does not hold for it
            {"owner": alloc.owner, "parent": alloc.parent_arg,
             "deleted_at": alloc.deletes or alloc.later_deletes
             or ([] if alloc.owner == "raw" else [f"with its owner ({owner_text})"]),
             "type": alloc.type, "text": alloc.text, "owner_text": owner_text,
             "early_exit": paths["early_exit"], "exits_between": paths["exits_between"],
             "leak_path": paths["leak_path"]},
            evidence=list(dict.fromkeys([ln for ln in paths["leak_path"] if ln != alloc.line] + list(alloc.deletes)
                                        + list(alloc.later_deletes))),
            scope=_scope(facts, alloc.function), reported=not alloc.factory))
    return sites


@matcher("macro-context", required=("macros", "allowed"), macros=STR_LIST, allowed=STR_LIST)
def macro_context(facts: Facts, params: dict) -> list[Site]:
    names = set(params["macros"])
    allowed = set(params["allowed"])
    exits_in = ByLine(facts.exits, lambda e: e.macro, lambda e: e.line)
    calls_in = ByLine(facts.calls, lambda c: c.macro, lambda c: c.line)
    sites = []
    for m in facts.macros:
        if m.name not in names:
            continue
        context = _context_of(facts, m.function, m.lambda_id)
        exits = exits_in.between(m.name, m.line, m.end_line)
        exits_by = "throw" if any(e.kind == "throw" for e in exits) else ("return" if exits else "none")
        callees = [c.name for c in calls_in.between(m.name, m.line, m.end_line) if not c.name.startswith("q")]
        lam = facts.lambda_by_id(m.lambda_id)
        where = {"lambda": f"the lambda at line {lam.line}" if lam else "a lambda",
                 "constructor": "a constructor", "thread-run": "QThread::run()",
                 "helper": "a helper function", "data-function": "a _data function",
                 "test-function": "a test function", "file-scope": "file scope"}[context]
        message = (f"{m.name} in {where}: a failure is recorded and returns from the test function; the rest of "
                   f"it (a loop's remaining rounds too) does not run" if context == "test-function" and exits_by != "throw"
                   else f"{m.name} in {where}: a failure returns from {'that lambda' if lam else 'that function'} "
                   f"only, and the test goes on")
        sites.append(Site(
            m.line, m.col, context not in allowed, message,
            _merge({"macro": [m.name], "callee": callees, "context": [context]},
                   _where(facts, m.function, m.lambda_id)),
            {"context": context, "exits_by": exits_by, "macro": m.name},
            end_line=m.end_line, evidence=[lam.line] if lam else [], scope=_scope(facts, m.function)))
    return sites


@matcher("connect-context", required=("functors",), functors=STR_LIST)
def connect_context(facts: Facts, params: dict) -> list[Site]:
    functors = set(params["functors"])
    sites = []
    for conn in facts.connects:
        if conn.functor not in functors:
            continue
        sites.append(Site(
            conn.line, conn.col, conn.context is None,
            f"connect({conn.sender}, {conn.signal or '?'}, lambda) has no context object: the connection lasts as "
            f"long as {conn.sender.lstrip('&')}, not as long as what the lambda uses, and the lambda runs in the thread that "
            f"emits the signal" if conn.context is None else
            f"connect({conn.sender}, {conn.signal or '?'}, {conn.context}, lambda) has a context object: the "
            f"connection ends when {conn.context} is destroyed",
            _merge({"signal": [conn.signal or "", _short(conn.signal)], "variable": [conn.sender],
                    "callee": ["QObject::connect", "connect"]},
                   _where(facts, conn.function, conn.lambda_id)),
            {"context": conn.context, "connection_type": conn.connection_type},
            end_line=facts.calls[conn.call_id].end_line, scope=_scope(facts, conn.function)))
    # QTimer::singleShot(ms, [context,] functor), as clazy's connect-3arg-lambda: the context object, or none
    for call in facts.calls:
        if call.qualified != "QTimer::singleShot":
            continue
        at = next((i for i, a in enumerate(call.args) if a.kind == "lambda" or "::*)" in a.type), None)
        if at is None or at == 0:
            continue
        before = call.args[at - 1]
        context = before.text if at >= 2 and "TimerType" not in before.type and before.kind != "null" else None
        functor = "lambda" if call.args[at].kind == "lambda" else call.args[at].text
        if call.args[at].kind != "lambda" and context is None:
            continue  # singleShot(ms, &function): a free function, no object to outlive
        sites.append(Site(
            call.line, call.col, call.args[at].kind == "lambda" and context is None and "lambda" in functors,
            f"QTimer::singleShot({call.args[0].text}, {functor}) has no context object: the lambda runs when the "
            f"timer fires even if what it uses is gone, in the thread that called singleShot()" if context is None
            else f"QTimer::singleShot({call.args[0].text}, {context}, {'lambda' if functor == 'lambda' else functor}) "
            f"has {context} as its context object: the call is dropped if {context} is destroyed first, and runs "
            f"in the thread {context} lives in",
            _merge({"callee": ["QTimer::singleShot", "singleShot"], "variable": [context or ""]},
                   _where(facts, call.function, call.lambda_id)),
            {"context": context, "connection_type": None},
            end_line=call.end_line, scope=_scope(facts, call.function)))
    return sites


def _bound(facts: Facts, flows: cfg.Flows, call, count: str, buffer: str, var, resize_methods,
           comparisons_in: dict, calls_in: dict) -> tuple[str, list, str]:
    """Is the count bounded by the buffer's size on every path to the read? Asked of the control-flow graph:
    a path from where the count gets its value (its declaration, a store that can grow it, or the entry when it
    comes from outside) to the read that passes no bound. A bound is a store clamped to the size, a resize of the
    buffer to the count, or the branch of a condition on which count <= size holds.
    Returns (checked, some-paths, unguarded, assert, none or undecided; the lines that show it; the path as text)."""
    same = lambda x: x.function == call.function and x.lambda_id == call.lambda_id  # noqa: E731
    flow = flows.of(call.function, call.lambda_id)
    comps = [c for c in comparisons_in.get(code_of(call), []) if count in c.names and buffer in c.sizes]
    asserts = [c.line for c in comps if c.context == "assert"]
    comps = [c for c in comps if c.context != "assert"]
    if flow is None or call.stmt is None:
        return "undecided", [], ""
    own = var is not None and same(var)
    sources = [cfg.ENTRY] if not own else ([] if buffer in var.bounded_by else [var.stmt])
    clamps, origins = [], []
    for stmt, clamped_by, grows in (var.write_stmts if var is not None else []):
        if stmt is not None and buffer in clamped_by:
            clamps.append(stmt)
        elif stmt is not None and grows:
            origins.append(stmt)
    sources += origins
    resizes = [c.stmt for c in calls_in.get(code_of(call), []) if c.name in resize_methods and c.receiver == buffer
               and c.stmt is not None and c.args and c.args[0].name == count]
    guards = [c for c in comps if c.readable and c.in_bound_when is not None and c.stmt is not None]
    safe = [(c.stmt, c.in_bound_when) for c in guards]  # the outcome nodes on which count <= size holds
    clamped_at_declaration = {var.line} if own and buffer in var.bounded_by else set()
    bounds = sorted({flow.line(n) for n in clamps + resizes} | {c.line for c in guards} | clamped_at_declaration)
    if None in sources:
        return "undecided", [], ""
    path = flow.path(sources, [call.stmt], set(clamps) | set(resizes) | set(safe))
    if path is None:
        return "checked", bounds, ""
    lines, route = flow.lines(path), flow.describe(path)
    unread = [c.line for c in comps if not c.readable and c.stmt not in clamps]
    if flow.loose_on(lines) or unread:
        return "undecided", unread or flow.loose_on(lines), route
    if bounds:
        return "some-paths", bounds, route
    if comps:
        return "unguarded", [c.line for c in comps], route
    if asserts:
        return "assert", asserts, route
    return "none", [], route


@matcher("buffer-read", required=("callees", "buffer_methods"), callees=STR_LIST, buffer_methods=STR_LIST,
         resize_methods=STR_LIST)
def buffer_read(facts: Facts, params: dict) -> list[Site]:
    wanted = set(params["callees"])
    buffer_methods = set(params["buffer_methods"])
    resize_methods = set(params.get("resize_methods", []))
    flows = cfg.flows_of(facts)
    comparisons_in = grouped(facts.comparisons, code_of)
    calls_in = grouped(facts.calls, code_of)
    variables_named = grouped(facts.variables, lambda v: (v.name, v.function))
    sites = []
    for call in facts.calls:
        if not wanted.intersection(call.candidates) or len(call.args) < 2:
            continue
        buf_arg, count_arg = call.args[0], call.args[1]
        if buf_arg.kind != "call" or buf_arg.name not in buffer_methods or not buf_arg.receiver:
            continue
        buffer = buf_arg.receiver
        route = ""
        if count_arg.kind == "call" and count_arg.receiver == buffer:
            bound, where = "checked", [call.line]
        elif count_arg.kind != "var":
            continue  # a literal or an expression we do not reason about
        else:
            count = count_arg.name
            var = next((v for v in variables_named.get((count, call.function), []) if v.line <= call.line), None)
            bound, where, route = _bound(facts, flows, call, count, buffer, var, resize_methods, comparisons_in,
                                         calls_in)
        shown = ", ".join(map(str, where))
        on_path = [int(w) for w in route.split(" -> ") if w.isdigit()]
        where = list(dict.fromkeys(w for w in where + on_path if w != call.line))
        head = f"reads {count_arg.text} bytes into {buffer}.{buf_arg.name}()"
        message = {
            "none": f"{head} with no bound by {buffer}.size() on the path {route}",
            "some-paths": f"{head}; the bound by {buffer}.size() at line {shown} holds on some paths only: "
                          f"on the path {route} the count is not bounded",
            "unguarded": f"{head}; the check against {buffer}.size() at line {shown} bounds neither branch that "
                         f"reaches the read (path {route})",
            "assert": f"{head}; the only bound by {buffer}.size() is a Q_ASSERT (line {shown}), gone in release "
                      f"builds",
            "checked": f"reads into {buffer} with a bound by its size on every path" + (
                f" (line {shown})" if where else ""),
            "undecided": f"{head}; whether every path bounds the count is not decided" + (
                f": qtcheck cannot read the check at line {shown}" if where else ""),
        }[bound]
        sites.append(Site(
            call.line, call.col, bound not in ("checked", "undecided"), message,
            _merge({"callee": [call.qualified, call.name, *call.candidates],
                    "variable": [count_arg.name or "", buffer]},
                   _where(facts, call.function, call.lambda_id)),
            {"bound": bound, "debug_only": bound == "assert", "buffer": buffer, "count": count_arg.text,
             "path": route, "undecided": bound == "undecided"},
            end_line=call.end_line, evidence=where,
            scope=_scope(facts, call.function)))
    return sites


@matcher("qobject-macro")
def qobject_macro(facts: Facts, params: dict) -> list[Site]:
    sites = []
    defined_at = {}  # a header class's first member function the main file defines: where its claims are answered
    for fn in facts.functions:
        if fn.is_definition and fn.class_name:
            defined_at.setdefault(fn.class_name, fn.line)
    for cls in facts.classes + facts.header_classes:
        if not cls.is_qobject or cls.file and cls.name not in defined_at:
            continue
        at = f"{cls.file}:" if cls.file else "line "
        reasons = []
        if cls.signals:
            reasons.append(f"signals ({', '.join(n for n, _ in cls.signals)}) at {at}{cls.signals[0][1]}")
        if cls.slots:
            reasons.append(f"slots ({', '.join(n for n, _ in cls.slots)}) at {at}{cls.slots[0][1]}")
        if cls.properties:
            reasons.append(f"Q_PROPERTY at {at}{cls.properties[0]}")
        if cls.invokables:
            reasons.append(f"Q_INVOKABLE {cls.invokables[0][0]} at {at}{cls.invokables[0][1]}")
        needs = bool(reasons)
        has = cls.q_object_line is not None
        if needs and has:
            message = f"{cls.name} needs its Q_OBJECT: it declares {'; '.join(reasons)}"
        elif needs:
            message = f"{cls.name} declares {'; '.join(reasons)} but has no Q_OBJECT: moc will not see them"
        elif has:
            message = (f"{cls.name} has Q_OBJECT and declares no signals, slots or properties; Qt still "
                       f"recommends it for every QObject subclass (qobject_cast, tr, metaObject)")
        else:
            message = (f"{cls.name} derives from QObject without Q_OBJECT: qobject_cast and metaObject() "
                       f"see its base class")
        if cls.file:  # a class of the project's header: answered at the main file's code of the class, never reported
            message += f" (the class is defined in {cls.file}" + (
                f", Q_OBJECT at {cls.file}:{cls.q_object_line})" if has else ")")
            line = defined_at[cls.name]
            sites.append(Site(line, 1, needs and not has, message,
                              {"class": [cls.name], "macro": ["Q_OBJECT"] if has else []},
                              {"has_q_object": has, "needs_q_object": needs, "reasons": reasons,
                               "base": cls.bases[0] if cls.bases else ""}, reported=False))
            continue
        evidence = [line for _, line in cls.signals + cls.slots + cls.invokables][:3] + cls.properties[:1]
        if has:
            evidence.append(cls.q_object_line)
        sites.append(Site(
            cls.line, 1, needs and not has, message,
            {"class": [cls.name], "macro": ["Q_OBJECT"] if has else []},
            {"has_q_object": has, "needs_q_object": needs, "reasons": reasons,
             "base": cls.bases[0] if cls.bases else ""},
            evidence=evidence, scope=(cls.line, cls.end_line)))
    return sites


@matcher("unused-variable", exempt_types=STR_LIST)
def unused_variable(facts: Facts, params: dict) -> list[Site]:
    exempt = tuple(params.get("exempt_types", []))
    sites = []
    for var in facts.variables:
        base_type = var.type.replace("const ", "").strip()
        if any(base_type.startswith(t) for t in exempt):
            continue
        if var.qobject and not var.reads:  # a QObject on the stack lives for its block: an application object,
            continue                       # a server listening through exec(); its life is its use
        if var.writes and var.type.rstrip().endswith("&") and not var.type.startswith("const "):
            continue  # a reference written through (`for (T *&t : list) t = new T`) changes what it refers to
        read = bool(var.reads)
        sites.append(Site(
            var.line, var.col, not read and not var.marked_unused,
            f"{var.name} ({var.type}) is never read: it is marked unused on purpose" if not read and var.marked_unused
            else f"{var.name} ({var.type}) is declared and never read" if not read
            else f"{var.name} ({var.type}) is used at line {', '.join(map(str, sorted(set(var.reads))[:4]))}",
            _merge({"variable": [var.name], "type": [base_type, base_type.rstrip(' *&')]},
                   _where(facts, var.function, var.lambda_id)),
            {"read": read, "used": read, "uses": sorted(set(var.reads))},
            evidence=sorted(set(var.reads))[:6], scope=_scope(facts, var.function)))
    return sites


@matcher("call-presence")
def call_presence(facts: Facts, params: dict) -> list[Site]:
    """One site per function the file's code calls (by name), with every line that calls it and the objects it is
    called on: decides "X() is never called / never checked with X()" both ways."""
    grouped: dict[str, list] = {}
    for call in facts.calls:
        grouped.setdefault(call.name, []).append(call)
    sites = []
    for name, calls in grouped.items():
        lines = sorted({c.line for c in calls})
        receivers = list(dict.fromkeys(c.receiver for c in calls if c.receiver))
        on = f" on {', '.join(receivers[:3])}" if receivers else ""
        first = calls[0]
        sites.append(Site(first.line, first.col, False,
                          f"{first.qualified or name}() is called at line(s) {', '.join(map(str, lines[:6]))}{on}",
                          {"callee": list(dict.fromkeys([name] + [c.qualified for c in calls if c.qualified]))},
                          {"called": True}, evidence=lines[1:6], reported=False))
    return sites


@matcher("string-member")
def string_member(facts: Facts, params: dict) -> list[Site]:
    """Every signal, slot or method named by a string: SIGNAL()/SLOT() and invokeMethod(obj, "name"). moc's
    tables resolve them at run time, so the compiler checks neither the name nor the arguments; each site says
    what the receiver's class declares under that name."""
    sites = []
    for m in facts.string_members:
        meta = [k for k in m.found if k != "method"]
        what = {"SIGNAL": "the signal", "SLOT": "the slot", "string": "the method"}[m.form]
        fails = "call fails" if m.form == "string" else "connection fails"
        message = f"{m.text} names {what} {m.name}() by a string: it is looked up at run time, the compiler " \
                  f"checks neither the name nor the arguments"
        if not m.receiver_class:
            found = None
            message += f"; the type of {m.receiver} does not say which class it is looked up in"
        elif meta:
            found = True
            message += (f"; {m.receiver_class} declares {m.name}() as a {' and '.join(meta)} "
                        f"({m.declared_at})" + ("" if m.class_has_meta else ", but has no Q_OBJECT"))
        elif m.found:
            found = False
            message += (f"; {m.receiver_class} declares {m.name}() ({m.declared_at}) but not as a signal, slot or "
                        f"Q_INVOKABLE: the {fails} at run time")
        else:
            found = False
            message += f"; {m.receiver_class} declares no {m.name}(): the {fails} at run time"
        sites.append(Site(
            m.line, m.col, True, message,
            {"macro": [m.form] if m.form != "string" else [], "callee": [m.form, m.name] if m.form != "string"
             else [m.name], "function": [m.name], "class": [m.receiver_class] if m.receiver_class else []},
            {"string_based": True, "member_found": found}))
    # every SIGNAL()/SLOT() of the file is a site, also where the call around it was not understood
    known = {(m.line, m.form) for m in facts.string_members}
    for use in facts.macros:
        sig = signature_macro(use.text) if use.name in ("SIGNAL", "SLOT") else None
        if sig and (use.line, sig[0]) not in known:
            sites.append(Site(use.line, use.col, True, f"{use.text} names a {sig[0].lower()} by a string: it is "
                              f"looked up at run time, the compiler checks neither the name nor the arguments; the "
                              f"object it is looked up on is not known here",
                              {"macro": [sig[0]], "callee": [sig[0], sig[1]], "function": [sig[1]]},
                              {"string_based": True, "member_found": None}))
    return sites


NUMBER_EXPR = re.compile(r"\(?\s*-?\d[\d'.]*[uUlLfF]*\s*(?:[*+/-]\s*\d[\d'.]*[uUlLfF]*\s*)*\)?")


@matcher("literal-numbers")
def literal_numbers(facts: Facts, params: dict) -> list[Site]:
    """Numbers written into the code where they are used: a call's argument or a comparison's operand that is a
    numeric literal (0 and 1 aside), and, for contrast, a call's argument that is a constant named where it is
    declared with a literal value."""
    trivial = {"0", "1", "-1", "0.0", "1.0"}
    by_name = {}
    for var in facts.variables:
        by_name.setdefault((var.function, var.name), var)
    sites = []
    for call in facts.calls:
        where = None  # built for a call that has a site, not for every argument of every call
        for arg in call.args:
            text = arg.text.strip()
            if where is None and (arg.kind in ("var", "member") or NUMBER_EXPR.fullmatch(text)):
                # "the timeout passed to waitForReadyRead()" and "the numbers in rgbFromWaveLength()" both ask here
                where = _merge({"callee": [call.qualified, call.name], "function": [call.name]},
                               _where(facts, call.function, call.lambda_id))
            if NUMBER_EXPR.fullmatch(text) and text not in trivial:
                sites.append(Site(call.line, call.col, True, f"{call.name}() is given the bare number {text}",
                                  where, {"literal": True, "value": text}))
            elif arg.kind in ("var", "member") and arg.name:
                var = by_name.get((call.function, arg.name)) or by_name.get((None, arg.name))
                declared = facts.source(var.line) if var is not None else ""
                m = re.search(rf"\b(?:const|constexpr)\b[^;=]*\b{re.escape(arg.name)}\s*=\s*(.+?);", declared)
                if m and NUMBER_EXPR.fullmatch(m.group(1).strip()):  # a constant, not a loop counter's start
                    sites.append(Site(call.line, call.col, False, f"{call.name}() is given {arg.name}, a named "
                                      f"constant (line {var.line}: {declared.strip()})",
                                      _merge(where, {"variable": [arg.name]}),
                                      {"literal": False, "value": m.group(1).strip()}, evidence=[var.line],
                                      reported=False))  # answers a claim that names the call, not "magic numbers"
    for comp in facts.comparisons:
        for text, _, _ in comp.operands:
            if NUMBER_EXPR.fullmatch(text.strip()) and text.strip() not in trivial:
                sites.append(Site(comp.line, 1, True, f"the comparison at line {comp.line} uses the bare number "
                                  f"{text.strip()}", _where(facts, comp.function, comp.lambda_id),
                                  {"literal": True, "value": text.strip()}))
    return sites


@matcher("literal-address-compare")
def literal_address_compare(facts: Facts, params: dict) -> list[Site]:
    """A built-in comparison of a string literal with a char pointer or array: it compares addresses. Every
    comparison with a string literal operand is a site, the ones that compare characters (an operator of a string
    class is not a built-in comparison and is not listed) unflagged."""
    sites = []
    for comp in facts.comparisons:
        texts = [t.strip() for t, _, _ in comp.operands]
        literal = ('"', 'u8"', 'L"', 'u"')
        if len(texts) != 2 or not any(t.startswith(literal) for t in texts):
            continue
        lit, other = (0, 1) if texts[0].startswith(literal) else (1, 0)
        otype = comp.operands[other][2]
        chars = bool(re.search(r"\bchar\b.*(?:\*|\[)", otype)) or "char16_t" in otype
        message = (f"{texts[0]} {comp.op} {texts[1]} compares the address of the literal {texts[lit]} with "
                   f"{texts[other]} ({comp.operands[other][1]}), not their characters: it is not true even when "
                   f"they spell the same text; use strcmp(), qstrcmp() or compare as QByteArrayView/QLatin1StringView"
                   if chars else f"{texts[0]} {comp.op} {texts[1]}: {texts[other]} is a "
                   f"{comp.operands[other][1]}, not a character pointer")
        sites.append(Site(comp.line, 1, chars, message,
                          _merge({"variable": [texts[other]]}, _where(facts, comp.function, comp.lambda_id)),
                          {"compares_addresses": chars}))
    return sites


@matcher("shadowing")
def shadowing(facts: Facts, params: dict) -> list[Site]:
    """Parameters and locals of a member function named like a data member of its class: inside the function
    the name means the local one, and the member is reached only as this->name (g++'s -Wshadow)."""
    fields: dict[str, dict[str, object]] = {}
    for f in facts.fields:
        fields.setdefault(f.cls, {}).setdefault(f.name, f)
    sites = []
    for var in facts.parameters + facts.variables:
        if not var.function or "::" not in var.function:
            continue
        cls, short = var.function.rsplit("::", 1)
        member = fields.get(cls, {}).get(var.name)
        if member is None:
            continue
        what = "parameter" if var.is_param else "local variable"
        where = _merge({"variable": [var.name], "function": [short, var.function]}, {"class": [cls]})
        at = f"{member.file}:{member.line}" if member.file else f"line {member.line}"
        sites.append(Site(var.line, var.col, True, f"the {what} {var.name} of {short}() has the name of the member "
                          f"{cls}::{var.name} ({at}): inside {short}() {var.name} is the {what}, the member only "
                          f"this->{var.name}", where, {"shadows": True}, evidence=[],
                          scope=_scope(facts, var.function)))
    return sites


@matcher("symbol-use")
def symbol_use(facts: Facts, params: dict) -> list[Site]:
    grouped: dict[str, list] = {}
    for use in facts.symbols:
        grouped.setdefault(use.qualified or use.name, []).append(use)
    sites = []
    for qualified, all_uses in grouped.items():
        # One use per place: a call is also a reference, and one macro expansion may call a function twice.
        uses = list({(u.line, u.col): u for u in reversed(all_uses)}.values())[::-1]
        first = uses[0]
        lines = sorted({u.line for u in uses})
        functions = sorted({u.function for u in uses if u.function})
        names = sorted({u.name for u in uses} | {qualified})
        sites.append(Site(
            first.line, first.col, False,
            f"{qualified} is used {len(uses)} time(s), first at line {lines[0]}",
            _merge({"symbol": names, "macro": names if first.kind == "macro" else [],
                    "type": names if first.kind == "type" else [],
                    "signal": names if first.kind == "signal" else []},
                   *[_where(facts, f) for f in functions]),
            {"used": True, "uses": len(uses), "kind": first.kind},
            evidence=lines[1:8]))
    # Every other name the file declares: used when its code spells it on a line that does not declare it.
    covered = {n for site in sites for n in site.subjects.get("symbol", [])}
    bodies = {(fn.line, fn.end_line): fn.qualified for fn in facts.functions if fn.is_definition}
    # the innermost function body holding each line: one walk per body, not one per declaration
    body_of: dict[int, tuple[int, int]] = {}
    for span in sorted(bodies, key=lambda b: b[0] - b[1]):  # widest first, inner bodies overwrite
        for line in range(span[0] + 1, span[1] + 1):
            body_of[line] = span
    elsewhere = set(facts.declared_elsewhere)
    called_by_qt = _called_by_qt(facts, elsewhere)
    signals = {n for c in facts.classes for n, _ in c.signals}
    classes = Spans(facts.classes, lambda c: c.line, lambda c: c.end_line, True)
    for name, declared in facts.declarations.items():
        if name in covered or name not in facts.identifiers:
            continue
        # a name declared inside a function body (a local, a parameter) is used where that body spells it
        scopes: dict = {}
        for line in declared:
            scopes.setdefault(body_of.get(line), []).append(line)
        all_lines = facts.identifiers[name]
        ordered = all(a < b for a, b in zip(all_lines, all_lines[1:]))  # as the tokens come: one look per name
        declared_at = set(declared)
        for body, here in scopes.items():
            if body is None:
                spelled = all_lines
            elif ordered:
                spelled = all_lines[bisect_left(all_lines, body[0]):bisect_right(all_lines, body[1])]
            else:
                spelled = [ln for ln in all_lines if body[0] <= ln <= body[1]]
            owner = [c.name for c in classes.holding(here[0])]  # a member: its class too
            sites.append(_declared_site(facts, name, sorted(here), [ln for ln in spelled if ln not in declared_at],
                                        _merge(_where(facts, bodies.get(body)), {"class": owner[-1:]},
                                               {"signal": [name] if name in signals else []}),
                                        called_by_qt.get(name, ""), elsewhere))
    return sites


def _called_by_qt(facts: Facts, elsewhere: set[str]) -> dict[str, str]:
    """Names of code that no line of the file calls but that still runs, with why: Qt or the runtime calls it."""
    out: dict[str, str] = {}
    for cls in facts.classes:
        for name, _ in cls.invokables:
            out.setdefault(name, "it is Q_INVOKABLE: the meta-object system calls it")
    for fn in reversed(facts.functions):  # the first declaration's reason wins, as a scan in order would give
        if fn.is_slot or fn.is_test_function or fn.is_data_function:
            why = "it is a slot: Qt calls it through the meta-object system (QTest runs test slots)"
        elif fn.is_signal and fn.name in elsewhere:
            why = "it is a signal declared in a header: other files may emit or connect it"
        elif fn.is_signal:  # its class is declared in this file only: no other file can emit or connect it
            continue
        elif fn.is_override or fn.is_thread_run:
            why = "it overrides a virtual function: the base class calls it"
        elif fn.kind in ("constructor", "destructor") or fn.name == "main":
            why = "constructors, destructors and main() run without being named"
        else:
            continue
        out[fn.name] = why
    return out


def _declared_site(facts: Facts, name: str, declared: list[int], uses: list[int], where: dict,
                   called_by_qt: str, elsewhere: set[str]) -> Site:
    """Whether a name the file declares is used: its code spells it on a line that does not declare it."""
    first = declared[0]
    if uses:
        message, used = f"{name} is used at line(s) {', '.join(map(str, uses[:6]))}", True
    elif called_by_qt:
        message, used = f"{name} is not called in this file, but {called_by_qt}", None
    elif name in elsewhere:
        message, used = (f"{name} is used nowhere in this file, but it is declared in a header, so other files "
                         f"may use it"), None
    else:
        message, used = f"{name} is declared at line {first} and used nowhere else in the file", False
    return Site(first, 1, False, message, _merge({"symbol": [name]}, where),
                {"used": used, "uses": len(uses), "kind": "declared"}, evidence=uses[:7])


def _header_key(name: str) -> str:
    key = name.strip().strip('<>"').lower()
    return key[:-2] if key.endswith(".h") else key


def header_matches(claimed: str, actual: str) -> bool:
    a, b = _header_key(claimed), _header_key(actual)
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


def _through(graph, includes, inc, via: list[str]) -> list[str]:
    """The headers between each include that reaches inc and inc's file ("renderthread.h pulls QElapsedTimer in
    through <QThread>"): the nodes of a shortest path in the include graph, and each include of the reaching
    header that leads there."""
    from . import digraph as nx

    out: dict[str, None] = {}
    for other in includes:
        if other.spelling not in via or not other.file or other.file not in graph:
            continue
        for target in dict.fromkeys((inc.file, _forwarded(graph, inc.file))):  # QElapsedTimer or qelapsedtimer.h
            if target not in graph or not nx.has_path(graph, other.file, target):
                continue
            path = nx.shortest_path(graph, other.file, target)
            # the includes of the reaching header that lead there (the shortest path takes only one of them)
            leading = [child for child in graph.successors(other.file)
                       if child != target and nx.has_path(graph, child, target)]
            out.update(dict.fromkeys(path[1:-1] + leading))
            break
    return list(out)


def _moc_include(facts: Facts, inc, marks: list[tuple[int, str]]) -> tuple[str, dict, dict, list[int]]:
    """An #include of the file's own .moc: needed exactly when the file declares something moc generates code for
    (the build writes it; qtcheck parses an empty stand-in, so the use map cannot tell)."""
    if marks:
        shown = ", ".join(f"{name} (line {line})" for line, name in marks[:3])
        lines = [line for line, _ in marks]
        return (f"{inc.spelling} holds what moc generates for the Q_OBJECT classes and namespaces this file "
                f"declares: {shown}; it is needed (without it, their meta-objects, signals and "
                f"qt_metacall are never compiled)", {inc.spelling: lines}, {inc.spelling: lines}, lines[:3])
    return (f"{inc.spelling}: no class or namespace of this file has Q_OBJECT, Q_GADGET or Q_NAMESPACE, so moc "
            f"generates nothing for it", {}, {}, [])


def _chain(graph, includes, first: str, inc) -> str:
    """" (renderthread.h -> QThread -> qthread.h -> qelapsedtimer.h)": how the first reaching include gets there,
    when it goes through other headers."""
    from . import digraph as nx

    source = next((o.file for o in includes if o.spelling == first and o.file and o.file in graph), None)
    for target in dict.fromkeys((inc.file, _forwarded(graph, inc.file))):
        if source and target in graph and nx.has_path(graph, source, target):
            path = nx.shortest_path(graph, source, target)
            return f" ({' -> '.join(p.rsplit('/', 1)[-1] for p in path)})" if len(path) > 2 else ""
    return ""


def _chain_to(graph, includes, first: str, target: str) -> str:
    """The same chain, to any header the first include reaches."""
    from . import digraph as nx

    source = next((o.file for o in includes if o.spelling == first and o.file and o.file in graph), None)
    if source and target in graph and nx.has_path(graph, source, target):
        path = nx.shortest_path(graph, source, target)
        return f" ({' -> '.join(p.rsplit('/', 1)[-1] for p in path)})" if len(path) > 2 else ""
    return ""


def _forwarded(graph, file: str | None) -> str | None:
    """The header a Qt CamelCase header (QtCore/QObject) only forwards to (qobject.h), else the file itself."""
    if file is None or file not in graph or "." in file.rsplit("/", 1)[-1]:
        return file
    targets = list(graph.successors(file))
    return targets[0] if len(targets) == 1 else file


@matcher("class-methods")
def class_methods(facts: Facts, params: dict) -> list[Site]:
    """Every method and destructor of the file's classes: virtual or not (a destructor of a QObject subclass is,
    through ~QObject), the base function it overrides, or the base virtual of its name it hides instead."""
    sites = []
    seen = set()
    declared_at: dict[str, list[int]] = {}
    for fn in facts.functions:
        declared_at.setdefault(fn.qualified, []).append(fn.line)
    ancestry_of = {c.name: c.ancestry for c in facts.classes}
    for fn in facts.functions:
        if not fn.class_name or fn.kind not in ("method", "destructor") or fn.qualified in seen:
            continue
        seen.add(fn.qualified)
        signature = f"{fn.qualified}({', '.join(t for _, t in fn.params)})"
        if fn.hides:
            message = (f"{signature} does not override {fn.hides}: the parameter types differ, so it hides it and "
                       f"the base class never calls it")
        elif fn.overrides:
            message = f"{signature} overrides {fn.overrides}"
        elif fn.kind == "destructor":
            message = (f"{signature} is virtual" + (" (through its base's virtual destructor)" if fn.is_virtual
                                                    else "") if fn.is_virtual else f"{signature} is not virtual")
        else:
            message = f"{signature} is {'virtual' if fn.is_virtual else 'not virtual'}"
        lines = sorted(set(declared_at[fn.qualified]))
        ancestry = ancestry_of.get(fn.class_name, [])
        sites.append(Site(lines[0], 1, bool(fn.hides), message,
                          {"function": [fn.name, fn.qualified, f"~{fn.class_name.split('::')[-1]}"
                                        if fn.kind == "destructor" else fn.name],
                           # "the QLocalServer's incomingConnection" speaks of a subclass's too
                           "class": [fn.class_name, fn.class_name.split("::")[-1], *ancestry]},
                          {"virtual": fn.is_virtual, "overrides": bool(fn.overrides), "hides": bool(fn.hides)},
                          evidence=lines[1:]))
    return sites


INTEGER_RANKS = {"bool": 0, "char": 1, "signed char": 1, "unsigned char": 1, "short": 2, "unsigned short": 2,
                 "int": 3, "unsigned int": 3, "long": 4, "unsigned long": 4, "long long": 5, "unsigned long long": 5}


def _integer(canonical: str) -> tuple[int, bool] | None:
    """(rank, unsigned) of an integer type's canonical spelling, or None for anything else."""
    name = canonical.replace("const ", "").replace("volatile ", "").strip()
    if name not in INTEGER_RANKS:
        return None
    rank = max(INTEGER_RANKS[name], 3)  # integral promotion: what is smaller than int compares as int
    unsigned = name.startswith("unsigned") and INTEGER_RANKS[name] >= 3
    return rank, unsigned


@matcher("sign-compare")
def sign_compare(facts: Facts, params: dict) -> list[Site]:
    """Every comparison of two integers, with the C++ usual arithmetic conversions applied to the operand types
    as written: whether a signed operand converts to unsigned (a negative value then compares as a huge one)."""
    sites = []
    for cmp in facts.comparisons:
        if len(cmp.operands) != 2:
            continue
        (ltext, ltype, lcanon), (rtext, rtype, rcanon) = cmp.operands
        left, right = _integer(lcanon), _integer(rcanon)
        if left is None or right is None:
            continue
        if left[1] == right[1]:
            converts, how = False, "both sides have the same signedness"
        else:
            (srank, _), (urank, _) = (left, right) if not left[1] else (right, left)
            converts = urank >= srank
            signed_text, unsigned_text = (ltext, rtext) if not left[1] else (rtext, ltext)
            signed_type, unsigned_type = (ltype, rtype) if not left[1] else (rtype, ltype)
            how = (f"the signed {signed_type} {signed_text} converts to unsigned: a negative value compares as a "
                   f"huge one" if converts else
                   f"the unsigned {unsigned_type} {unsigned_text} converts to the wider signed {signed_type}: no "
                   f"value changes sign")
        names = sorted(set(re.findall(r"[A-Za-z_]\w*", ltext + " " + rtext)))
        sites.append(Site(cmp.line, 1, converts,
                          f"line {cmp.line} compares {ltype} {ltext} {cmp.op} {rtype} {rtext}: {how}",
                          _merge({"variable": names, "callee": names, "symbol": names},
                                 _where(facts, cmp.function, cmp.lambda_id)),
                          {"sign_conversion": converts, "types": [ltype, rtype]},
                          scope=_scope(facts, cmp.function)))
    return sites


FOREVER = re.compile(r"Forever|ULONG_MAX|numeric_limits<\s*unsigned long\s*>::max|^-\s*1$")
TIMEOUT_TYPES = ("int", "unsigned long", "QDeadlineTimer", "qint64", "std::chrono")


@matcher("wait-timeout", callees=STR_LIST)
def wait_timeout(facts: Facts, params: dict) -> list[Site]:
    """For each blocking wait (waitFor...(), QThread::wait, QWaitCondition::wait ...): the time limit it waits
    with, passed or the declaration's default, and whether that is no limit at all."""
    wanted = set(params.get("callees", []))
    sites = []
    for call in facts.calls:
        if not (set(call.candidates) | {call.qualified}) & wanted:
            continue
        limit = next((a for a in call.args if a.param.replace("const ", "").strip().startswith(TIMEOUT_TYPES)), None)
        if limit is None:
            continue
        value = limit.text.strip()
        forever = bool(FOREVER.search(value)) if value else None
        given = limit.kind != "default"
        if forever is None:
            message = f"{call.qualified}() at line {call.line}: qtcheck could not read its time limit"
        elif forever:
            message = (f"{call.qualified}() at line {call.line} waits with no time limit "
                       f"({'passed' if given else 'the default'}: {value})")
        else:
            message = (f"{call.qualified}() at line {call.line} waits at most {value} "
                       f"({'passed' if given else 'its default'}), then returns false")
        sites.append(Site(call.line, call.col, bool(forever), message,
                          _merge({"callee": [call.qualified, call.name, *call.candidates]},
                                 _where(facts, call.function, call.lambda_id)),
                          {"forever": forever, "timeout": value, "default": not given,
                           "undecided": forever is None},
                          scope=_scope(facts, call.function)))
    return sites


@matcher("include-reachability")
def include_reachability(facts: Facts, params: dict) -> list[Site]:
    """For each #include: which other includes reach it, whether the file uses anything declared in what it
    brings (the use map), and whether removing it would lose such a declaration (needed)."""
    from . import digraph as nx

    graph = facts.include_graph
    reach: dict[str, set[str]] = {}
    for inc in facts.includes:
        if inc.file and inc.file in graph:
            reach[inc.spelling] = nx.descendants(graph, inc.file) | {inc.file}
    used = {f: sorted(set(lines)) for f, lines in facts.used_files.items()}
    # what moc writes into the file's own .moc: the meta-objects of its Q_OBJECT / Q_GADGET classes and namespaces
    moc_marks = sorted([(c.q_object_line, c.name) for c in facts.classes if c.q_object_line] + [
        (u.line, u.name) for u in facts.macros if u.name in ("Q_NAMESPACE", "Q_NAMESPACE_EXPORT")])
    sites = []
    for inc in facts.includes:
        content = _forwarded(graph, inc.file)
        via = [other.spelling for other in facts.includes
               if other is not inc and inc.file
               and (inc.file in reach.get(other.spelling, set()) or content in reach.get(other.spelling, set())
                    or (content != inc.file and other.file == content))]
        n = len(reach.get(inc.spelling, ())) - (1 if inc.spelling in reach else 0)
        mine = reach.get(inc.spelling, set())
        elsewhere = set().union(*(reach.get(o.spelling, set()) for o in facts.includes if o is not inc))
        # what it brings: the header itself (and the one a CamelCase header forwards to), and what only it brings
        own = {f for f in (inc.file, content) if f} | (mine - elsewhere)
        uses = {f: lines for f, lines in used.items() if f in own}
        only_here = {f: lines for f, lines in used.items() if f in mine and f not in elsewhere}
        use_lines = sorted({ln for lines in uses.values() for ln in lines})
        if inc.file is None:
            message = f"#include <{inc.spelling}> was not found"
        elif via:
            message = f"{inc.spelling} is already reached through {', '.join(via)}" + _chain(graph, facts.includes, via[0], inc)
        else:
            others = [o.spelling for o in facts.includes if o is not inc and o.file]
            message = (f"{inc.spelling} is not reached by any other include of this file"
                       + (f" ({', '.join(others[:2])}{' ...' if len(others) > 2 else ''} do not bring it)"
                          if others else ""))
        if inc.file is not None:
            if only_here:
                first = sorted(only_here)[0]
                message += (f"; it is needed: line {only_here[first][0]} uses what {first.rsplit('/', 1)[-1]} "
                            f"declares, which no other include brings")
            elif uses:
                message += (f"; the file uses what it brings (line(s) {', '.join(map(str, use_lines[:4]))}), "
                            f"but other includes bring that too, so it is not needed")
            else:
                message += "; nothing the file uses is declared in what it brings"
        if inc.spelling.endswith(".moc") and inc.file is not None:  # moc's output: qtcheck parses an empty stand-in
            message, only_here, uses, use_lines = _moc_include(facts, inc, moc_marks)
        sites.append(Site(
            inc.line, 1, bool(via), message,
            {"header": [inc.spelling, inc.spelling.split("/")[-1]]},
            {"reached_from": via, "through": _through(graph, facts.includes, inc, via), "found": inc.file is not None,
             "reaches": n,
             "used": (bool(uses) if inc.file is not None and not facts.parse_errors() else None),
             "needed": (bool(only_here) if inc.file is not None and not facts.parse_errors() else None),
             # the lines a claim about use or need is shown (verdicts adds them for a claim that asks)
             "evidence_for": {"used": use_lines[:3],
                              "needed": sorted({ln for lines in only_here.values() for ln in lines})[:3]},
             "included": True}))
    sites += _used_not_included(facts, graph, reach)
    return sites


# C library headers and their C++ names: "printf without including <cstdio>" means stdio.h
C_HEADERS = {"assert", "ctype", "errno", "float", "limits", "locale", "math", "setjmp", "signal", "stdarg", "stddef",
             "stdint", "stdio", "stdlib", "string", "time", "wchar", "wctype", "inttypes", "fenv", "uchar"}


def _used_not_included(facts: Facts, graph, reach: dict[str, set[str]]) -> list[Site]:
    """A header the file uses (something it declares is used) but never names in an #include: reached only through
    other headers. One site each, claims only: "strcmp is used without including <cstring>"."""
    direct = {f for inc in facts.includes for f in (inc.file, _forwarded(graph, inc.file)) if f}
    main = str(facts.path)
    sites = []
    for path, lines in sorted(facts.used_files.items()):
        if path in direct or path == main or not lines:
            continue
        base = path.rsplit("/", 1)[-1]
        names = [base]
        if base.endswith(".h") and base[:-2] in C_HEADERS and "/" in path and "/bits/" not in path:
            names.append("c" + base[:-2])  # <cstdio> is the C++ name of stdio.h
            if any(inc.spelling.rsplit("/", 1)[-1] in names for inc in facts.includes):
                continue  # `#include <cstdio>` includes it
        via = [inc.spelling for inc in facts.includes if path in reach.get(inc.spelling, set())]
        if not via:
            continue
        lines = sorted(set(lines))
        used_at = ", ".join(map(str, lines[:4]))
        sites.append(Site(lines[0], 1, False,
                          f"{base} is not included by the file: it comes through {via[0]}"
                          + _chain_to(graph, facts.includes, via[0], path)
                          + f"; line(s) {used_at} use what it declares",
                          {"header": names}, {"included": False, "used": True, "reached_from": via},
                          evidence=lines[1:3], reported=False))
    return sites


@matcher("doc-comment", kinds=STR_LIST)
def doc_comment(facts: Facts, params: dict) -> list[Site]:
    kinds = set(params.get("kinds", ["class", "function"]))
    sites = []
    if "class" in kinds:
        for cls in facts.classes:
            sites.append(Site(cls.line, 1, not cls.doc, f"class {cls.name} has no documentation comment"
                              if not cls.doc else f"class {cls.name} is documented",
                              {"class": [cls.name]}, {"documented": bool(cls.doc),
                                                      "explained": None if cls.doc else False}))
    if "function" in kinds:
        documented = {f.qualified for f in facts.functions if f.doc}
        seen = set()
        for fn in facts.functions:
            if not fn.is_definition or fn.qualified in seen or fn.is_signal:
                continue
            seen.add(fn.qualified)
            doc = fn.qualified in documented
            sites.append(Site(fn.line, fn.col, not doc,
                              f"{fn.qualified}() has no documentation comment" if not doc
                              else f"{fn.qualified}() is documented",
                              _where(facts, fn.qualified), {"documented": doc, "explained": None if doc else False},
                              end_line=fn.line))
    return sites


@matcher("suppressions")
def suppressions(facts: Facts, params: dict) -> list[Site]:
    """No sites of its own: a NOLINT that silenced nothing is known only once every other rule has reported, so
    checker/suppressions.py makes the `unused-suppression` findings after the rules ran."""
    return []


def _style(name: str) -> str:
    core = name.strip("_")
    if not core:
        return "other"
    if core.isupper() and "_" in core:
        return "UPPER_CASE"
    if "_" in core:
        return "snake_case" if core == core.lower() else "mixed_underscore"
    if core[0].isupper():
        return "PascalCase"
    return "camelCase"


@matcher("naming", exempt=REGEX_LIST)
def naming(facts: Facts, params: dict) -> list[Site]:
    exempt = [compile_rule_regex(p) for p in params.get("exempt", [])]
    names: dict[str, tuple[int, int, str]] = {}
    tests: dict[str, str] = {}  # names QtTest shows in its output, as their authors chose them: not a style slip
    for cls in facts.classes:
        names.setdefault(cls.name.split("::")[-1], (cls.line, 1, "class"))
        if cls.is_test_class:
            tests.setdefault(cls.name.split("::")[-1], "a test class")
    for fn in facts.functions:
        if fn.kind == "function" or fn.kind == "method":
            names.setdefault(fn.name, (fn.line, fn.col, "function"))
            if fn.is_test_function or fn.is_data_function:
                tests.setdefault(fn.name, "a test function")
    for var in facts.variables:
        names.setdefault(var.name, (var.line, var.col, "variable"))
    styles: dict[str, list[str]] = {}
    for name in names:
        styles.setdefault(_style(name), []).append(name)
    has_camel = bool(styles.get("camelCase"))
    sites = []
    for name, (line, col, kind) in sorted(names.items(), key=lambda kv: kv[1]):
        if "_" not in name.strip("_"):
            continue
        rule = next((p.pattern for p in exempt if p.fullmatch(name)), None)
        by_test = rule is None and name in tests
        if by_test:
            rule = tests[name]
        flagged = rule is None and has_camel
        message = (f"{kind} {name} is {_style(name)} while the file names others in camelCase"
                   if flagged else f"{kind} {name} is exempt (it is {rule}, named for the test output)"
                   if by_test else f"{kind} {name} follows a naming convention the rule accepts (the pattern "
                                   f"`{rule}` of its exempt list)"
                   if rule else f"{kind} {name} is {_style(name)}")
        # a test class or function does mix the styles, named for QtTest's output: a claim that it does is left
        # undecided rather than refuted. A name the rule's own patterns exempt (tst_QProcess, pingPong_data) does
        # mix them too, by convention: a claim naming it is undecided; one about the file's names in general is
        # answered by the convention (refuted when every underscore name follows one)
        sites.append(Site(line, col, flagged, message, {"symbol": [name]},
                          {"style": _style(name), "exempt": rule,
                           **({"undecided": True} if by_test else {"undecided_if_named": True} if rule else {})}))
    if not sites:
        total = len(names)
        sites.append(Site(1, 1, False, f"all {total} names declared in the file follow one convention "
                          f"({', '.join(sorted(styles))})", {}, {"styles": sorted(styles)}))
    return sites


@matcher("metatype", builtin=STR_LIST, registered_by_qt_since={"type": "integer"}, by_name_macros=STR_LIST,
         queued_connections=STR_LIST)
def metatype(facts: Facts, params: dict) -> list[Site]:
    """Custom types used where QMetaType needs them. Since Qt 6, QMetaType::fromType<T>() registers a type
    on use (signals, QVariant, QTest data); only a lookup by name (Q_ARG in a queued invokeMethod)
    still needs Q_DECLARE_METATYPE."""
    # qmetatype.h's own lists, read from the headers the file reaches, and the rule's spellings of those types
    builtin = set(params.get("builtin", [])) | qt_metatypes.builtin_types(facts)
    builtin |= {t.replace(",", ", ") for t in builtin}
    since = params.get("registered_by_qt_since")
    version = re.match(r"\d+", facts.qt_version or "")
    automatic = since is not None and version is not None and int(version.group(0)) >= since
    declared_macro = {re.sub(r"^Q_DECLARE_METATYPE\s*\(\s*(.*?)\s*\)$", r"\1", m.text, flags=re.S)
                      for m in facts.macros if m.name == "Q_DECLARE_METATYPE"}
    registered_calls = set()
    local_types = {c.name for c in facts.classes} | {c.name.split("::")[-1] for c in facts.classes}
    uses: list[tuple[str, int, str | None, str, bool]] = []  # type, line, function, where, looked up by name
    for cls in facts.classes:
        for signal, type_name, line in cls.signal_params:
            uses.append((type_name, line, f"{cls.name}::{signal}", f"an argument of signal {signal}", False))
    for call in facts.calls:
        if call.qualified in ("QTest::addColumn", "QVariant::fromValue", "QVariant::value", "qvariant_cast",
                              "QVariant::setValue", "qRegisterMetaType"):
            match = re.search(r"<\s*(.+?)\s*>\s*\(", call.text)
            if match and call.qualified == "qRegisterMetaType":
                registered_calls.add(match.group(1))
            elif match:
                uses.append((match.group(1), call.line, call.function, f"{call.qualified}<{match.group(1)}>", False))
    queued = tuple(params.get("queued_connections", []))
    invokes = Spans([c for c in facts.calls if c.name == "invokeMethod"], lambda c: c.line, lambda c: c.end_line, True)
    for m in facts.macros:
        if m.name not in params.get("by_name_macros", []):
            continue
        match = re.match(r"\w+\s*\(\s*([^,]+?)\s*,", m.text)
        invoke = invokes.holding(m.line)
        # Inside another macro (QVERIFY) a call has no text of its own: read its source lines.
        text = (invoke[-1].text or "\n".join(facts.source(n) for n in range(invoke[-1].line, invoke[-1].end_line + 1))
                if invoke else "")
        if match and queued and any(q in text for q in queued):
            uses.append((match.group(1), m.line, m.function, f"{m.name}({match.group(1)}, ...) of a queued "
                         f"invokeMethod (looked up by name)", True))
    sites = _signal_deliveries(facts, builtin, automatic)
    for type_name, line, function, where, by_name in uses:
        bare = _bare_type(type_name)
        custom = bare in local_types and bare not in builtin
        registered = bare in declared_macro or bare in registered_calls
        required = custom and not registered and (by_name or not automatic)
        if required:
            message = f"{bare} is used in {where} without Q_DECLARE_METATYPE({bare})"
        elif custom and not registered:
            message = (f"{bare} in {where} needs no Q_DECLARE_METATYPE: Qt {facts.qt_version} registers it "
                       f"on use (QMetaType::fromType)")
        else:
            message = f"{bare} in {where} is {'registered' if registered else 'a type QMetaType knows'}"
        sites.append(Site(line, 1, required, message,
                          _merge({"type": [bare], "symbol": [bare]}, _where(facts, function)),
                          {"custom": custom, "registered": registered or not custom, "required": required,
                           "declared": bare in declared_macro},
                          scope=_scope(facts, function)))
    return sites


def _bare_type(spelling: str) -> str:
    """`const QString &` -> QString: the type without qualifiers, pointer or reference marks."""
    return re.sub(r"\b(const|volatile)\b|[&*]", "", spelling).strip()


SIGNATURE_MACRO = re.compile(r"(SIGNAL|SLOT)\s*\(\s*(\w+)\s*\((.*)\)\s*\)", re.S)


def signature_macro(text: str) -> tuple[str, str, list[str]] | None:
    """`SIGNAL(renamed(const QString &))` -> ("SIGNAL", "renamed", ["const QString &"]); None for other text."""
    m = SIGNATURE_MACRO.fullmatch(text.strip())
    if not m:
        return None
    params, depth, cur = [], 0, ""  # split at the commas outside <> and ()
    for ch in m.group(3):
        depth += {"<": 1, "(": 1, ">": -1, ")": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            params.append(cur)
            cur = ""
        else:
            cur += ch
    params.append(cur)
    return m.group(1), m.group(2), [p.strip() for p in params if p.strip()]


def _signal_deliveries(facts: Facts, builtin: set[str], automatic: bool) -> list[Site]:
    """What a queued delivery of a signal would copy: every signal the file connects, emits or names in
    SIGNAL()/SLOT(), with its argument types; and queued invokeMethod calls that pass no argument. Never
    findings: whether a connection is queued is decided at run time; these sites answer "X must be registered
    as a metatype" claims."""
    def known(line, col, message, subjects, function, lambda_id=None) -> Site:
        return Site(line, col, False, message, _merge(subjects, _where(facts, function, lambda_id)),
                    {"custom": False, "registered": True, "required": False, "declared": False},
                    scope=_scope(facts, function), reported=False)

    deliveries: list[tuple[str, list[str], int, str | None, str]] = []  # signal, types, line, function, how
    sites = []
    for conn in facts.connects:
        if conn.signal and conn.signal_params is not None:
            deliveries.append((conn.signal.split("::")[-1], conn.signal_params, conn.line, conn.function,
                               "connected here"))
    for call in facts.calls:
        if call.signal:
            deliveries.append((call.name, [a.param or a.type for a in call.args], call.line, call.function,
                               "emitted here"))
        elif call.qualified == "QMetaObject::invokeMethod" and len(call.args) >= 2:
            carried = [a for a in call.args[2:] if a.kind != "default" and a.type != "Qt::ConnectionType"]
            target = _bare_type(call.args[0].type)
            if target and not carried:
                sites.append(known(call.line, call.col, f"invokeMethod() at line {call.line} passes no arguments: "
                                   f"{call.args[0].text} ({call.args[0].type}) is the object it calls, which is not "
                                   f"copied through the event queue, so no type needs registering",
                                   {"type": [target], "symbol": [target], "callee": ["invokeMethod"]},
                                   call.function, call.lambda_id))
    for m in facts.macros:
        sig = signature_macro(m.text)
        if sig:
            deliveries.append((sig[1], sig[2], m.line, m.function, f"named by {sig[0]}() here"))
    for signal, types, line, function, how in deliveries:
        if not types:
            sites.append(known(line, 1, f"{signal}() has no arguments ({how}): a queued delivery copies nothing, so "
                               f"no type needs registering",
                               {"signal": [signal], "symbol": [signal], "callee": [signal]}, function))
            continue
        for type_name in types:
            bare = _bare_type(type_name)
            short = bare.split("::")[-1]
            if bare in builtin or short in builtin:
                why = f"{bare} is one of the types QMetaType knows from the start (qmetatype.h)"
            elif "*" in type_name and bare.startswith("Q"):
                why = f"{type_name.strip()} is a pointer to a Qt class, which QMetaType knows"
            elif automatic:
                why = (f"Qt {facts.qt_version}'s moc records the argument types of every signal it declares, so a "
                       f"queued connection copies {bare} without qRegisterMetaType")
            else:
                continue  # before Qt 6 a queued delivery of another type needs registering: only run time tells
            sites.append(known(line, 1, f"{signal}({', '.join(types)}) {how}: {why}",
                               {"type": [bare, short] if short != bare else [bare], "symbol": [bare, signal],
                                "signal": [signal], "callee": [signal]}, function))
    return sites


@matcher("debug-output", required=("macros",), macros=STR_LIST)
def debug_output(facts: Facts, params: dict) -> list[Site]:
    names = set(params["macros"])
    sites = []
    for m in facts.macros:
        if m.name not in names:
            continue
        sites.append(Site(m.line, m.col, True, f"{m.name}() output in {_short(m.function) or 'file scope'}",
                          _merge({"macro": [m.name], "symbol": [m.name]}, _where(facts, m.function, m.lambda_id)),
                          {"macro": m.name}, end_line=m.end_line, scope=_scope(facts, m.function)))
    return sites
