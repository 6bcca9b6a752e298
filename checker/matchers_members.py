"""Matchers over the members domain: whether the constructors initialize each data member."""

from __future__ import annotations

from . import cfg
from .facts import Facts
from .matchers import Site, _short, constructors, function_names, matcher, member_anchor


def _set_before_start(f, flows, accesses_of: dict, starts: list) -> tuple[str, list[int]] | None:
    """Why member f is never read before it is set, when its class is a QThread whose run() alone reads it and
    every start() of the thread in this file follows an assignment of f on every path of the same function: the
    new thread runs run() after start(), which orders the earlier writes before it. (why, the start() lines), or
    None when that does not hold."""
    field = f"{f.cls}::{f.name}"
    run = f"{f.cls}::run"
    accesses = accesses_of.get(field, [])
    reads = [m for m in accesses if not m.write]
    if not reads or any(m.function != run or m.lambda_id is not None for m in reads):
        return None
    if not starts or any(c.receiver not in (None, "", "this") or not (c.function or "").startswith(f.cls + "::")
                         or c.lambda_id is not None or c.stmt is None or c.function == run for c in starts):
        return None  # a start() on another object, or in code whose order this does not follow
    told = []
    for start in starts:
        flow = flows.of(start.function, None)
        writes = [m.line for m in accesses if m.write and m.function == start.function and m.lambda_id is None
                  and m.line < start.line]
        if flow is None or not writes:
            return None
        nodes = [n for n, st in flow.stmts.items() if st.line in writes and n in flow.graph]
        if not nodes or flow.path({cfg.ENTRY}, {start.stmt}, nodes) is not None:
            return None  # a path reaches start() without the assignment
        told.append(f"start() at line {start.line} follows its assignment at line {min(writes)} in "
                    f"{_short(start.function)}()")
    return (f"only {_short(run)}() reads it, in the thread start() begins, and " + "; ".join(told)
            + " on every path: it is set before the thread can read it"), [c.line for c in starts]


def _where_declared(f) -> str:
    return f"{f.file}:{f.line}" if f.file else f"line {f.line}"


def _ctor_sets(ctor, f, calls_by_fn, writes_by_fn, defs) -> tuple[bool | None, int | None, str]:
    """Whether one constructor definition sets member f: (set, line, how)."""
    for member, line in ctor.member_inits:
        if member == f.name:
            return True, line, "in its initializer list"
    if ctor.delegates:
        return None, ctor.line, "it delegates to another constructor"
    field = f"{f.cls}::{f.name}"
    written = writes_by_fn.get((ctor.qualified, field))
    if written:
        return True, written, "in its body"
    unknown = None
    for call in calls_by_fn.get(ctor.qualified, []):
        if call.qualified not in defs:
            unknown = unknown or call
            continue
        line = writes_by_fn.get((call.qualified, field))
        if line:
            return True, call.line, f"through {_short(call.qualified)}() (line {line})"
    if unknown is not None:
        return None, unknown.line, f"it calls {_short(unknown.qualified)}(), whose body this file does not show"
    return False, None, ""


@matcher("member-init")
def member_init(facts: Facts, params: dict) -> list[Site]:
    writes_by_fn: dict[tuple[str, str], int] = {}
    first_write: dict[str, tuple[int, str]] = {}
    for m in sorted(facts.members, key=lambda m: m.line):
        if not m.write:
            continue
        first_write.setdefault(m.field, (m.line, m.function or ""))
        if m.lambda_id is None and m.function:
            writes_by_fn.setdefault((m.function, m.field), m.line)
    defs = {fn.qualified for fn in facts.functions if fn.is_definition}
    ctors = constructors(facts)
    by_name = {c.qualified: c for cs in ctors.values() for c in cs}
    calls_by_fn: dict[str, list] = {}  # calls a constructor makes to its own class's non-const methods
    for call in facts.calls:
        fn = by_name.get(call.function)
        if fn is not None and call.lambda_id is None and call.mutates \
                and call.qualified.startswith(fn.class_name + "::") and call.receiver in (None, "", "this"):
            calls_by_fn.setdefault(fn.qualified, []).append(call)
    declared_by_class: dict[str, list] = {}
    for c in facts.ctors:
        if not c.copies and not c.deleted:
            declared_by_class.setdefault(c.cls, []).append(c)
    sites = []
    flows = cfg.flows_of(facts)
    accesses_of: dict[str, list] = {}  # grouped once: asked for every member no constructor sets
    for m in facts.members:
        accesses_of.setdefault(m.field, []).append(m)
    starts = [c for c in facts.calls if c.name == "start" and c.qualified == "QThread::start"]
    for f in facts.fields:
        own = ctors.get(f.cls, [])
        early = None
        declared = declared_by_class.get(f.cls, [])
        anchor = member_anchor(f, own)
        if anchor is None:
            continue
        name = f"`{f.name}` ({f.type}, {_where_declared(f)})"
        evidence: list[int] = [] if f.file else [f.line]
        if f.default_init:
            state, text = True, f"{name} has a default member initializer"
        elif f.kind == "class":
            state, text = True, f"{name} is of a class type whose constructor runs in every constructor of {f.cls}"
        elif f.kind == "reference":
            state, text = True, f"{name} is a reference: every constructor must bind it, or the code does not compile"
        elif not declared and not own:
            state, text = False, (f"{name} has no default member initializer and {f.cls} declares no constructor: "
                                  f"a default-initialized {f.cls} leaves it indeterminate")
        else:
            said, unknown, missing = [], [], []
            for c in own:
                state_c, line, how = _ctor_sets(c, f, calls_by_fn, writes_by_fn, defs)
                where = f"{_short(c.qualified)}() at line {c.line}"
                if state_c:
                    said.append(f"{where} sets it {how}")
                    evidence.append(line)
                elif state_c is None:
                    unknown.append(f"{where}: {how}")
                    evidence.append(line)
                else:
                    missing.append(where)
                    evidence += [c.line, c.end_line]
            for c in declared:
                if c.defaulted and not any(o.line == c.line for o in own if not c.file):
                    missing.append(f"the defaulted constructor at {_where_declared(c)}")
            not_here = len([c for c in declared if not c.defaulted]) > len(own)
            if missing:
                state = False
                early = _set_before_start(f, flows, accesses_of, starts)
                write = first_write.get(f"{f.cls}::{f.name}")
                tail = f"; its first write is at line {write[0]} in {_short(write[1])}()" if write else ""
                if write:
                    evidence.append(write[0])
                text = (f"{name} has no default member initializer and {', '.join(missing)} neither names it in "
                        f"its initializer list nor assigns it{tail}")
                if early:
                    text += f"; but {early[0]}"
                    evidence += early[1]
            elif unknown or not_here:
                state = None
                text = f"{name}: not decided: " + "; ".join(
                    unknown + ([f"{f.cls} declares a constructor this file does not define"] if not_here else []))
            else:
                state = True
                text = f"{name} is set by every constructor: " + "; ".join(said)
        site = Site(anchor, 1, state is False, text,
                    {"variable": [f.name, f"{f.cls}::{f.name}"], "class": [f.cls], "type": [f.type],
                     "function": [n for c in own for n in function_names(c.qualified)]},
                    {"initialized": state, "read_early": False if state or (state is False and early) else None},
                    evidence=[ln for ln in dict.fromkeys(evidence) if ln and ln != anchor])
        if f.file and own:  # a header's member answers at the constructor that should set it
            site.end_line = own[0].end_line
        site.reported = False
        sites.append(site)
    return sites
