"""The generic matchers rules name. Each reads facts and returns Sites.

A Site is one construct a rule examined: flagged when it is a finding, with
subjects (what it is about: class, function, callee, macro, variable, type,
header, symbol) that claims are resolved by, and attrs that claims can assert.
Each matcher declares the JSON schema of its params; rules are checked against it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from .facts import Facts

STR_LIST = {"type": "array", "items": {"type": "string"}}


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

    def __post_init__(self):
        self.end_line = max(self.end_line, self.line)

    def covers(self, line: int) -> bool:
        return self.line <= line <= self.end_line or line in self.evidence


@dataclass
class Matcher:
    name: str
    params: dict  # JSON schema properties
    fn: Callable[[Facts, dict], list[Site]]


MATCHERS: dict[str, Matcher] = {}


def matcher(name: str, **params):
    def register(fn):
        MATCHERS[name] = Matcher(name, params, fn)
        return fn

    return register


# ---- shared helpers ----
def _short(qualified: str | None) -> str:
    return (qualified or "").split("::")[-1]


def _where(facts: Facts, function: str | None, lambda_id: int | None = None) -> dict[str, list[str]]:
    """Subjects every site carries: the enclosing function and class (and 'lambda')."""
    out: dict[str, list[str]] = {}
    if function:
        out["function"] = [function, _short(function)]
        if "::" in function:
            out["class"] = [function.rsplit("::", 1)[0]]
    if lambda_id is not None:
        out["context"] = ["lambda"]
    return out


def _scope(facts: Facts, function: str | None) -> tuple[int, int] | None:
    fn = facts.function_named(function)
    return (fn.line, fn.end_line) if fn else None


def _merge(*dicts: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in dicts:
        for key, values in d.items():
            out.setdefault(key, [])
            out[key] += [v for v in values if v and v not in out[key]]
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
@matcher("discarded-result", callees=STR_LIST)
def discarded_result(facts: Facts, params: dict) -> list[Site]:
    wanted = set(params["callees"])
    reads = {(v.function, v.name): v for v in facts.variables}
    sites = []
    for call in facts.calls:
        if not wanted.intersection(call.candidates):
            continue
        checked = call.result not in ("discarded",)
        how = call.result
        if call.result == "assigned" and call.assigned_to:
            var = reads.get((call.function, call.assigned_to))
            if var is not None and not [r for r in var.reads if r >= call.line]:
                checked, how = False, f"stored in {call.assigned_to} and never read"
        if call.macro and call.result in ("tested", "qtest", "argument"):
            how = f"checked by {call.macro}"
        sites.append(Site(
            call.line, call.col, not checked,
            f"the result of {call.qualified}() is discarded: a failure goes unnoticed" if how == "discarded"
            else f"the result of {call.qualified}() is {how}" if not checked
            else f"the result of {call.qualified}() is {how if how.startswith('checked') else 'used (' + how + ')'}",
            _merge({"callee": [call.qualified, call.name, *call.candidates], "variable": [call.receiver or ""]},
                   _where(facts, call.function, call.lambda_id)),
            {"checked": checked, "result": how, "callee": call.qualified},
            end_line=call.end_line, scope=_scope(facts, call.function)))
    return sites


def _exit_path(facts: Facts, alloc, exits) -> str:
    """What lies on the way from the new to the delete: the function's own exits, and exits that leave lambdas only."""
    last = max(alloc.deletes)
    where = _short(alloc.function) + "()" if alloc.lambda_id is None else f"the lambda at line {alloc.line}"
    if exits and all(any(alloc.line < d < e.line for d in alloc.deletes) for e in exits):
        return (f"; {where} can leave between them ({', '.join(f'{e.kind} at line {e.line}' for e in exits)}), "
                f"each after a delete: whether a path leaves with the object alive needs a control-flow graph")
    if exits:
        return f"; {where} can leave between them: " + ", ".join(f"{e.kind} at line {e.line}" for e in exits)
    inner = sorted({e.line for e in facts.exits if e.function == alloc.function and e.lambda_id != alloc.lambda_id
                    and alloc.line < e.line < last})
    text = f"; no return, throw, goto or QTest macro of {where} stands between lines {alloc.line} and {last}"
    if inner:
        text += f" (the exits at line(s) {', '.join(map(str, inner))} leave a nested lambda only)"
    return text


@matcher("allocation", owners=STR_LIST, qobject={"type": "boolean"}, deleted_in_function={"type": "boolean"})
def allocation(facts: Facts, params: dict) -> list[Site]:
    owners = set(params.get("owners", ["raw"]))
    sites = []
    for alloc in facts.allocations:
        if params.get("qobject") is not None and alloc.qobject != params["qobject"]:
            continue
        if params.get("deleted_in_function") and not alloc.deletes:
            continue
        exits = []
        if alloc.deletes:
            last = max(alloc.deletes)
            exits = [e for e in facts.exits
                     if e.function == alloc.function and e.lambda_id == alloc.lambda_id and alloc.line < e.line < last]
        # An exit with no delete written before it (after the new) leaves with the object alive on every path
        # to it. An exit after some delete may sit on a path that already deleted: without a CFG, undecided.
        leaking = [e for e in exits if not any(alloc.line < d < e.line for d in alloc.deletes)]
        early_exit = True if leaking else (None if exits else False)
        exits = leaking or exits
        flagged = alloc.owner in owners
        owner_text = {"parent": f"owned by its parent ({alloc.parent_arg})",
                      "smart": "owned by a smart pointer",
                      "transferred": "handed to another owner",
                      "raw": "owned by a raw pointer"}[alloc.owner]
        if alloc.deletes:
            owner_text += f", deleted at line {', '.join(map(str, alloc.deletes))}"
            owner_text += _exit_path(facts, alloc, exits)
        message = params.get("message_hint", "")
        sites.append(Site(
            alloc.line, alloc.col, flagged,
            message or f"{alloc.text}: {owner_text}",
            _merge({"type": [alloc.type], "variable": [alloc.var or ""], "callee": ["new", alloc.type]},
                   _where(facts, alloc.function, alloc.lambda_id)),
            {"owner": alloc.owner, "parent": alloc.parent_arg, "deleted_at": alloc.deletes,
             "type": alloc.type, "text": alloc.text, "owner_text": owner_text,
             "early_exit": early_exit, "exits_between": [f"{e.kind} at line {e.line}" for e in exits]},
            evidence=list(alloc.deletes) + [e.line for e in exits], scope=_scope(facts, alloc.function)))
    return sites


@matcher("macro-context", macros=STR_LIST, allowed=STR_LIST)
def macro_context(facts: Facts, params: dict) -> list[Site]:
    names = set(params["macros"])
    allowed = set(params["allowed"])
    sites = []
    for m in facts.macros:
        if m.name not in names:
            continue
        context = _context_of(facts, m.function, m.lambda_id)
        exits = [e for e in facts.exits if e.macro == m.name and m.line <= e.line <= m.end_line]
        exits_by = "throw" if any(e.kind == "throw" for e in exits) else ("return" if exits else "none")
        callees = [c.name for c in facts.calls
                   if m.line <= c.line <= m.end_line and c.macro == m.name and not c.name.startswith("q")]
        lam = facts.lambda_by_id(m.lambda_id)
        where = {"lambda": f"the lambda at line {lam.line}" if lam else "a lambda",
                 "constructor": "a constructor", "thread-run": "QThread::run()",
                 "helper": "a helper function", "data-function": "a _data function",
                 "test-function": "a test function", "file-scope": "file scope"}[context]
        sites.append(Site(
            m.line, m.col, context not in allowed,
            f"{m.name} in {where}: a failure returns from {'that lambda' if lam else 'that function'} "
            f"only, and the test goes on",
            _merge({"macro": [m.name], "callee": callees, "context": [context]},
                   _where(facts, m.function, m.lambda_id)),
            {"context": context, "exits_by": exits_by, "macro": m.name},
            end_line=m.end_line, evidence=[lam.line] if lam else [], scope=_scope(facts, m.function)))
    return sites


@matcher("connect-context", functors=STR_LIST)
def connect_context(facts: Facts, params: dict) -> list[Site]:
    functors = set(params["functors"])
    sites = []
    for conn in facts.connects:
        if conn.functor not in functors:
            continue
        sites.append(Site(
            conn.line, conn.col, conn.context is None,
            f"connect({conn.sender}, {conn.signal or '?'}, lambda) has no context object: the lambda "
            f"runs in the emitting thread and outlives the objects it captures",
            _merge({"signal": [conn.signal or "", _short(conn.signal)], "variable": [conn.sender],
                    "callee": ["QObject::connect", "connect"]},
                   _where(facts, conn.function, conn.lambda_id)),
            {"context": conn.context, "connection_type": conn.connection_type},
            end_line=facts.calls[conn.call_id].end_line, scope=_scope(facts, conn.function)))
    return sites


def _guards(comparison, line: int, var, resizes: list[int]) -> bool:
    """Whether an if-condition comparing the count with the buffer's size bounds a read at line."""
    if comparison.if_lines is None:
        return True  # a loop condition, a ?: or a stored comparison: taken as a bound, as before
    if comparison.if_lines[0] <= line <= comparison.if_lines[1] or comparison.then_exits:
        return True
    then = comparison.then_lines or (0, -1)
    writes = var.writes if var is not None else []
    return any(then[0] <= w <= then[1] for w in list(writes) + resizes)


@matcher("buffer-read", callees=STR_LIST, buffer_methods=STR_LIST, resize_methods=STR_LIST)
def buffer_read(facts: Facts, params: dict) -> list[Site]:
    wanted = set(params["callees"])
    buffer_methods = set(params["buffer_methods"])
    resize_methods = set(params.get("resize_methods", []))
    sites = []
    for call in facts.calls:
        if not wanted.intersection(call.candidates) or len(call.args) < 2:
            continue
        buf_arg, count_arg = call.args[0], call.args[1]
        if buf_arg.kind != "call" or buf_arg.name not in buffer_methods or not buf_arg.receiver:
            continue
        buffer = buf_arg.receiver
        if count_arg.kind == "call" and count_arg.receiver == buffer:
            bound, where = "checked", [call.line]
        elif count_arg.kind != "var":
            continue  # a literal or an expression we do not reason about
        else:
            count = count_arg.name
            var = next((v for v in facts.variables if v.name == count and v.function == call.function
                        and v.line <= call.line), None)
            comps = [c for c in facts.comparisons
                     if c.function == call.function and c.line <= call.line and count in c.names
                     and (buffer in c.sizes) and c.lambda_id == call.lambda_id]
            resizes = [c.line for c in facts.calls
                       if c.name in resize_methods and c.receiver == buffer and c.function == call.function
                       and c.lambda_id == call.lambda_id and c.line <= call.line and c.args
                       and c.args[0].name == count]
            guarding = [c for c in comps if c.context != "assert" and _guards(c, call.line, var, resizes)]
            if var is not None and buffer in var.bounded_by:
                bound, where = "checked", [var.line]
            elif guarding:
                bound, where = "checked", [c.line for c in guarding]
            elif resizes:
                bound, where = "checked", resizes
            elif [c for c in comps if c.context != "assert"]:
                bound, where = "unguarded", [c.line for c in comps if c.context != "assert"]
            elif comps:
                bound, where = "assert", [c.line for c in comps]
            else:
                bound, where = "none", [var.line] if var else []
        message = {
            "none": f"reads {count_arg.text} bytes into {buffer}.{buf_arg.name}() with no bound by "
                    f"{buffer}.size() before the call",
            "unguarded": f"reads {count_arg.text} bytes into {buffer}.{buf_arg.name}(); the check against "
                         f"{buffer}.size() at line {', '.join(map(str, where))} neither leaves, clamps the count "
                         f"nor encloses the read",
            "assert": f"reads {count_arg.text} bytes into {buffer}.{buf_arg.name}(); the only bound by "
                      f"{buffer}.size() is a Q_ASSERT (line {', '.join(map(str, where))}), gone in release builds",
            "checked": f"reads into {buffer} with a bound by its size",
        }[bound]
        sites.append(Site(
            call.line, call.col, bound != "checked", message,
            _merge({"callee": [call.qualified, call.name, *call.candidates],
                    "variable": [count_arg.name or "", buffer]},
                   _where(facts, call.function, call.lambda_id)),
            {"bound": bound, "debug_only": bound == "assert", "buffer": buffer, "count": count_arg.text},
            end_line=call.end_line, evidence=[w for w in where if w != call.line],
            scope=_scope(facts, call.function)))
    return sites


@matcher("qobject-macro")
def qobject_macro(facts: Facts, params: dict) -> list[Site]:
    sites = []
    for cls in facts.classes:
        if not cls.is_qobject:
            continue
        reasons = []
        if cls.signals:
            reasons.append(f"signals ({', '.join(n for n, _ in cls.signals)}) at line {cls.signals[0][1]}")
        if cls.slots:
            reasons.append(f"slots ({', '.join(n for n, _ in cls.slots)}) at line {cls.slots[0][1]}")
        if cls.properties:
            reasons.append(f"Q_PROPERTY at line {cls.properties[0]}")
        if cls.invokables:
            reasons.append(f"Q_INVOKABLE {cls.invokables[0][0]} at line {cls.invokables[0][1]}")
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
    return sites


def _header_key(name: str) -> str:
    key = name.strip().strip('<>"').lower()
    return key[:-2] if key.endswith(".h") else key


def header_matches(claimed: str, actual: str) -> bool:
    a, b = _header_key(claimed), _header_key(actual)
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


def _forwarded(graph, file: str | None) -> str | None:
    """The header a Qt CamelCase header (QtCore/QObject) only forwards to (qobject.h), else the file itself."""
    if file is None or file not in graph or "." in file.rsplit("/", 1)[-1]:
        return file
    targets = list(graph.successors(file))
    return targets[0] if len(targets) == 1 else file


@matcher("include-reachability")
def include_reachability(facts: Facts, params: dict) -> list[Site]:
    import networkx as nx

    graph = facts.include_graph
    reach: dict[str, set[str]] = {}
    for inc in facts.includes:
        if inc.file and inc.file in graph:
            reach[inc.spelling] = nx.descendants(graph, inc.file)
    sites = []
    for inc in facts.includes:
        content = _forwarded(graph, inc.file)
        via = [other.spelling for other in facts.includes
               if other is not inc and inc.file
               and (inc.file in reach.get(other.spelling, set()) or content in reach.get(other.spelling, set())
                    or (content != inc.file and other.file == content))]
        n = len(reach.get(inc.spelling, ()))
        if inc.file is None:
            message = f"#include <{inc.spelling}> was not found"
        elif via:
            message = f"{inc.spelling} is already reached through {', '.join(via)}"
        else:
            others = [o.spelling for o in facts.includes if o is not inc and o.file]
            message = (f"{inc.spelling} is not reached by any other include of this file"
                       + (f" ({', '.join(others[:2])}{' ...' if len(others) > 2 else ''} do not bring it)"
                          if others else ""))
        sites.append(Site(
            inc.line, 1, bool(via), message,
            {"header": [inc.spelling, inc.spelling.split("/")[-1]]},
            {"reached_from": via, "found": inc.file is not None, "reaches": n}))
    return sites


@matcher("doc-comment", kinds=STR_LIST)
def doc_comment(facts: Facts, params: dict) -> list[Site]:
    kinds = set(params.get("kinds", ["class", "function"]))
    sites = []
    if "class" in kinds:
        for cls in facts.classes:
            sites.append(Site(cls.line, 1, not cls.doc, f"class {cls.name} has no documentation comment"
                              if not cls.doc else f"class {cls.name} is documented",
                              {"class": [cls.name]}, {"documented": bool(cls.doc)}))
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
                              _where(facts, fn.qualified), {"documented": doc}, end_line=fn.line))
    return sites


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


@matcher("naming", exempt=STR_LIST)
def naming(facts: Facts, params: dict) -> list[Site]:
    exempt = [re.compile(p) for p in params.get("exempt", [])]
    names: dict[str, tuple[int, int, str]] = {}
    for cls in facts.classes:
        names.setdefault(cls.name.split("::")[-1], (cls.line, 1, "class"))
    for fn in facts.functions:
        if fn.kind == "function" or fn.kind == "method":
            names.setdefault(fn.name, (fn.line, fn.col, "function"))
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
        flagged = rule is None and has_camel
        message = (f"{kind} {name} is {_style(name)} while the file names others in camelCase"
                   if flagged else f"{kind} {name} is exempt (it matches {rule})"
                   if rule else f"{kind} {name} is {_style(name)}")
        sites.append(Site(line, col, flagged, message, {"symbol": [name]},
                          {"style": _style(name), "exempt": rule}))
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
    builtin = set(params.get("builtin", []))
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
    for m in facts.macros:
        if m.name not in params.get("by_name_macros", []):
            continue
        match = re.match(r"\w+\s*\(\s*([^,]+?)\s*,", m.text)
        invoke = [c for c in facts.calls if c.name == "invokeMethod" and c.line <= m.line <= c.end_line]
        # Inside another macro (QVERIFY) a call has no text of its own: read its source lines.
        text = (invoke[-1].text or "\n".join(facts.source(n) for n in range(invoke[-1].line, invoke[-1].end_line + 1))
                if invoke else "")
        if match and queued and any(q in text for q in queued):
            uses.append((match.group(1), m.line, m.function, f"{m.name}({match.group(1)}, ...) of a queued "
                         f"invokeMethod (looked up by name)", True))
    sites = []
    for type_name, line, function, where, by_name in uses:
        bare = re.sub(r"\b(const|volatile)\b|[&*]", "", type_name).strip()
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


@matcher("debug-output", macros=STR_LIST)
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
