"""Matchers over loops and the flow of values through them: does a loop block or spin, what bounds it, which calls
run on every pass of a loop, and does a setter build the new value from the property's current one.

For claims such as "the while (!socket->canReadLine()) loop burns CPU", "the forever loop has no upper bound on
its attempts", "the array is reallocated on every iteration" or "each datagram is appended to the label's text"."""

from __future__ import annotations

import re

from .cfg import LOOPS
from .facts import Facts
from .matchers import STR_LIST, Site, _merge, _scope, _where, grouped, matcher
from .spans import per_check

# how a loop is named in a reason
_KIND_WORDS = {"WHILE_STMT": "while", "DO_STMT": "do-while", "FOR_STMT": "for", "CXX_FOR_RANGE_STMT": "range-for"}
_EVERY_PASS = {"item", "body", "cond", "root", "try"}  # roles a statement runs under on every pass of its loop


class _Tree:
    """The statement trees of the file: parents, loops and what runs on every pass of a loop."""

    def __init__(self, facts: Facts):
        self.facts = facts
        self.by_id = {s.id: s for s in facts.stmts}
        self.children = grouped([s for s in facts.stmts if s.parent is not None], lambda s: s.parent)
        self._loops_in: dict | None = None
        self._by_code: dict[str, dict] = {}  # what -> (function, lambda id) -> those records, in the file's order
        self._by_stmt: dict[str, dict] = {}  # what -> statement id -> those records, in the file's order

    def in_code(self, what: str, loop) -> list:
        """The records of facts.<what> ("variables", "exits") or the statements of a kind ("BREAK_STMT",
        "CONTINUE_STMT") in the loop's own code (those _same_code(record, loop) is true of), in the file's order:
        grouped once per check, where a scan of the whole file per loop grew with the square of the file."""
        groups = self._by_code.get(what)
        if groups is None:
            records = getattr(self.facts, what) if what.islower() else [s for s in self.facts.stmts
                                                                        if s.kind == what]
            groups = self._by_code[what] = grouped(records, lambda r: (r.function, r.lambda_id))
        return groups.get((loop.function, loop.lambda_id), [])

    def at_stmt(self, what: str, stmt_id) -> list:
        """The records of facts.<what> ("calls", "comparisons") whose statement is stmt_id, in the file's order."""
        groups = self._by_stmt.get(what)
        if groups is None:
            groups = self._by_stmt[what] = grouped(getattr(self.facts, what), lambda r: r.stmt)
        return groups.get(stmt_id, [])

    def is_loop(self, s) -> bool:
        # QVERIFY, QCOMPARE ... expand to `do { ... } while (false)`: a statement, not a loop
        return s.kind in LOOPS and not (s.kind == "DO_STMT" and s.macro)

    def loops(self) -> list:
        return [s for s in self.facts.stmts if self.is_loop(s)]

    def loops_in(self, function, lambda_id) -> list:
        """The loops of one function's (or lambda's) own code, in the file's order: grouped once, where a scan of
        every statement per call made calls_in_loops grow with the square of the file (half of a check at 20k
        lines)."""
        if self._loops_in is None:
            self._loops_in = grouped(self.loops(), lambda s: (s.function, s.lambda_id))
        return self._loops_in.get((function, lambda_id), [])

    def cond_of(self, s):
        return next((c for c in self.children.get(s.id, []) if c.role == "cond"), None)

    def path_up(self, stmt_id: int | None, stop) -> list:
        """The statements from stmt_id up to (not including) stop, innermost first; [] when stop is no ancestor."""
        out = []
        s = self.by_id.get(stmt_id) if stmt_id is not None else None
        while s is not None and s.id != stop.id:
            out.append(s)
            s = self.by_id.get(s.parent) if s.parent is not None else None
        return out if s is not None else []

    def in_loop(self, stmt_id: int | None, loop) -> bool:
        """The statement runs as part of the loop's passes (its body, condition or increment; not its init)."""
        path = self.path_up(stmt_id, loop)
        return bool(path) and path[-1].role in ("body", "cond", "inc")

    def innermost_loop(self, stmt_id: int | None):
        s = self.by_id.get(stmt_id) if stmt_id is not None else None
        child = None
        while s is not None:
            if self.is_loop(s) and child is not None and child.role in ("body", "cond", "inc"):
                return s
            if s.role == "root":
                return None
            child, s = s, (self.by_id.get(s.parent) if s.parent is not None else None)
        return None

    def every_pass(self, stmt_id: int | None, loop) -> bool:
        """The statement runs on every pass of the loop: reached through no branch, no nested loop's body."""
        path = self.path_up(stmt_id, loop)
        if not path or path[-1].role not in ("body", "cond"):
            return False
        for s in path[:-1]:
            parent = self.by_id.get(s.parent)
            if s.role not in _EVERY_PASS:
                if not (parent is not None and parent.kind == "DO_STMT" and parent.macro):
                    return False
            if s.role == "body" and parent is not None and self.is_loop(parent) and parent.kind != "DO_STMT":
                return False  # a nested while/for may run its body zero times
        return True

    def guards(self, stmt_id: int | None, loop) -> list:
        """The conditions of the ifs the statement stands under, inside the loop."""
        out = []
        for s in self.path_up(stmt_id, loop):
            parent = self.by_id.get(s.parent)
            if parent is not None and parent.kind == "IF_STMT" and s.role in ("then", "else"):
                cond = self.cond_of(parent)
                if cond is not None:
                    out.append(cond)
        return out

    def breaks_of(self, loop) -> list:
        """The break statements that leave this loop (not an inner loop or switch)."""
        out = []
        for s in self.in_code("BREAK_STMT", loop):
            p = self.by_id.get(s.parent)
            while p is not None and not (self.is_loop(p) or p.kind == "SWITCH_STMT") and p.role != "root":
                p = self.by_id.get(p.parent)
            if p is loop:
                out.append(s)
        return out


def _tree(facts: Facts) -> _Tree:
    """The file's statement trees, grouped once per check for every rule that asks."""
    return per_check(facts, "statement tree", lambda: _Tree(facts))


def _same_code(record, loop) -> bool:
    return record.function == loop.function and record.lambda_id == loop.lambda_id


def _blocking(call, wanted: set[str]) -> bool:
    """A listed wait or sleep that is given a time to wait: `waitForReadyRead(0)` and `msleep(0)` return at once."""
    return bool((set(call.candidates) | {call.qualified}) & wanted) and not any(
        a.kind != "default" and a.text.strip() in ("0", "0ms", "QDeadlineTimer(0)") for a in call.args)


@matcher("loops", blocking=STR_LIST, deadline_calls=STR_LIST, may_block=STR_LIST)
def loops(facts: Facts, params: dict) -> list[Site]:
    """One site per loop of the file: whether every pass blocks in a wait or sleep Qt documents as blocking (or
    none does: it spins), and whether a deadline or a counter bounds its passes."""
    tree = _tree(facts)
    blocking = set(params.get("blocking", []))
    deadline = set(params.get("deadline_calls", []))
    may_block = set(params.get("may_block", []))
    own_functions = {f.qualified for f in facts.functions if f.is_definition}
    calls_by_code = grouped(facts.calls, lambda c: (c.function, c.lambda_id))
    sites = []
    for loop in tree.loops():
        code = (loop.function, loop.lambda_id)
        mine = [c for c in calls_by_code.get(code, []) if tree.in_loop(c.stmt, loop)]
        direct = [c for c in mine if tree.innermost_loop(c.stmt) is loop]
        cond = tree.cond_of(loop)
        word = "forever" if loop.macro in ("forever", "Q_FOREVER") else _KIND_WORDS.get(loop.kind, "loop")
        where = f"the {word} loop at line {loop.line}"
        evidence: dict[str, list[int]] = {}
        # -- does every pass block?
        waits = [c for c in mine if _blocking(c, blocking)]
        every = [c for c in waits if not c.conditional and tree.every_pass(c.stmt, loop)
                 and not _skipped_by_continue(tree, loop, c.line)]
        own = [c for c in mine if c.qualified in own_functions]
        # a Qt device's read() returns what is buffered; processEvents() waits only when told to
        unsure = [c for c in mine if c.name in may_block and not _blocking(c, blocking)
                  and not (c.name in ("read", "readLine", "readAll") and c.receiver_type and "Q" in c.receiver_type)
                  and not (c.name == "processEvents" and not any("WaitForMoreEvents" in a.text for a in c.args))]
        if every:
            w = every[0]
            blocks, text = True, (f"every pass of {where} blocks in {w.qualified}() at line {w.line}: it waits, it "
                                  f"does not spin")
            evidence["blocks"] = evidence["busy"] = [w.line]
        elif waits:
            w = waits[0]
            blocks, text = None, (f"{where} blocks in {w.qualified}() at line {w.line} on some passes only (a "
                                  f"branch or an inner loop): whether it spins depends on which path runs")
            evidence["blocks"] = evidence["busy"] = [w.line]
        elif own:
            blocks, text = None, (f"{where} calls {own[0].qualified}() (line {own[0].line}), defined in this file, "
                                  f"which qtcheck does not follow for blocking calls")
        elif unsure:
            blocks, text = None, (f"{where} calls {unsure[0].qualified or unsure[0].name}() (line {unsure[0].line}), "
                                  f"which may wait (a contended lock, a blocking read): whether it spins is not "
                                  f"decided")
        else:
            blocks, text = False, (f"{where} never blocks: none of its calls is a wait or sleep Qt documents as "
                                   f"blocking (waitFor...(), QThread::sleep, QWaitCondition::wait, QEventLoop::exec, "
                                   f"QTest::qWait ...)")
        # -- what bounds it?
        bounded, bound_text, bound_lines = _bound(facts, tree, loop, cond, mine, deadline)
        if bound_lines:
            evidence["bounded"] = bound_lines
        subjects = _merge({"callee": [n for c in direct for n in (c.qualified, c.name, *c.candidates)],
                           "variable": [c.receiver for c in direct if c.receiver]},
                          _where(facts, loop.function, loop.lambda_id))
        head_end = cond.end_line if cond is not None and loop.kind != "DO_STMT" else loop.line
        sites.append(Site(loop.line, 1, blocks is False, f"{text}; {bound_text}", subjects,
                          {"blocks": blocks, "busy": None if blocks is None else not blocks, "bounded": bounded,
                           "evidence_for": evidence},
                          end_line=head_end, scope=_scope(facts, loop.function)))
    return sites


def _skipped_by_continue(tree: _Tree, loop, line: int) -> bool:
    """A `continue` of this loop before the line: a pass may end before the call."""
    for s in tree.facts.stmts:
        if s.kind == "CONTINUE_STMT" and _same_code(s, loop) and loop.line <= s.line < line:
            p = tree.by_id.get(s.parent)
            while p is not None and not tree.is_loop(p) and p.role != "root":
                p = tree.by_id.get(p.parent)
            if p is loop:
                return True
    return False


def _written_in(facts: Facts, tree: _Tree, loop) -> set[str]:
    """The locals the loop's passes step (`++tries`, `i++` in a for's increment, `left -= n`): counters. A
    variable the loop assigns from a call (`n = socket.read(...)`) is no counter."""
    out = set()
    for v in tree.in_code("variables", loop):
        if not any(tree.in_loop(stmt, loop) for stmt, _, _ in v.write_stmts):
            continue
        name = re.escape(v.name)
        step = re.compile(rf"(?:\+\+|--)\s*{name}\b|\b{name}\s*(?:\+\+|--|[-+]=)")
        lines = {tree.by_id[stmt].line for stmt, _, _ in v.write_stmts if stmt in tree.by_id
                 and tree.in_loop(stmt, loop)}
        if any(step.search(facts.source(ln)) for ln in lines):
            out.add(v.name)
    return out


def _limits(tree: _Tree, cond, loop, deadline: set[str], counters: set[str]) -> str | None:
    """What in the condition limits the passes: a deadline call or a counter the loop changes."""
    if cond is None:
        return None
    for c in tree.at_stmt("calls", cond.id):
        if (set(c.candidates) | {c.qualified}) & deadline:
            return f"{(c.receiver + '.') if c.receiver else ''}{c.name}() (a deadline)"
    for cmp in tree.at_stmt("comparisons", cond.id):
        if set(cmp.names) & counters:
            return f"the counter {sorted(set(cmp.names) & counters)[0]}"
    return None


def _constant(facts: Facts, loop, cond) -> bool:
    if cond is None:
        return loop.kind == "FOR_STMT"  # for (;;) and forever
    text = " ".join(facts.source(ln) for ln in range(cond.line, cond.end_line + 1))
    return bool(re.search(r"\bwhile\s*\(\s*(?:true|1)\s*\)", text))


def _own_continues(tree: _Tree, loop) -> list:
    out = []
    for s in tree.in_code("CONTINUE_STMT", loop):
        if loop.line <= s.line <= loop.end_line:
            p = tree.by_id.get(s.parent)
            while p is not None and not tree.is_loop(p) and p.role != "root":
                p = tree.by_id.get(p.parent)
            if p is loop:
                out.append(s)
    return out


def _falls_through(tree: _Tree, loop) -> bool:
    """Control can reach the end of the loop's body (and start the next pass) without a `continue`."""
    body = next((c for c in tree.children.get(loop.id, []) if c.role == "body"), None)
    if body is None:
        return True
    last = body
    if body.kind == "COMPOUND_STMT":
        items = [c for c in tree.children.get(body.id, []) if c.role == "item"]
        if not items:
            return True
        last = max(items, key=lambda c: (c.line, c.id))
    if last.kind in ("RETURN_STMT", "CONTINUE_STMT") or last.noreturn or last.throws:
        return False
    return not (last.kind == "BREAK_STMT" and last in tree.breaks_of(loop))


def _bound(facts: Facts, tree: _Tree, loop, cond, mine, deadline: set[str]):
    """(bounded, the sentence, the lines): True when every pass that goes on to the next one has passed a
    deadline or counter check that leaves the loop (or the loop's condition is one), False when the loop runs
    on until something else happens (a constant condition and no limited exit), None otherwise."""
    counters = _written_in(facts, tree, loop)
    limit = _limits(tree, cond, loop, deadline, counters)
    if limit:
        return True, f"its condition stops it by {limit} (line {cond.line})", [cond.line]
    exits = [e for e in tree.in_code("exits", loop) if tree.in_loop(e.stmt, loop)]
    leaving = [(e.line, e.stmt, e.kind) for e in exits] + [(b.line, b.id, "break") for b in tree.breaks_of(loop)]
    limited, unlimited = [], []
    for line, stmt, kind in sorted(leaving):
        guards = tree.guards(stmt, loop)
        why = _limits(tree, guards[0], loop, deadline, counters) if guards else None  # the innermost if only
        if why:
            limited.append((line, kind, why, tree.by_id[guards[0].parent]))
        else:
            unlimited.append((line, kind))
    if limited:
        # every way on to the next pass (a `continue`, the end of the body) must pass one of those checks first
        edges = [(c, c.line) for c in _own_continues(tree, loop)]
        body = next((c for c in tree.children.get(loop.id, []) if c.role == "body"), None)
        open_end = _falls_through(tree, loop)

        def checked(stmt) -> bool:
            ancestors = {s.id for s in tree.path_up(stmt.id, loop)} if stmt is not None else set()
            return any(check.parent in ancestors and check.line < stmt.line for *_, check in limited)

        uncovered = [line for stmt, line in edges if not checked(stmt)]
        if open_end and not any(body is not None and check.parent == body.id for *_, check in limited):
            uncovered.append(loop.end_line)
        line, kind, why, check = limited[0]
        if not uncovered:
            return True, (f"it gives up at line {line} ({kind}) once {why} says so (line {check.line}), and every "
                          f"pass that goes on passes that check: a limit bounds its passes"), [check.line, line]
        return None, (f"a limit ({why}, line {check.line}) leaves it at line {line}, but the pass that goes on at "
                      f"line {uncovered[0]} does not pass that check"), [check.line, line, uncovered[0]]
    if _constant(facts, loop, cond):
        if unlimited:
            shown = ", ".join(f"{k} at line {ln}" for ln, k in unlimited[:3])
            return False, (f"no deadline or counter limits its passes: its condition is always true and it ends "
                           f"only through {shown}, on what the calls report"), [ln for ln, _ in unlimited[:3]]
        return False, "no deadline or counter limits its passes: its condition is always true and nothing leaves it", []
    return None, "what ends it is its condition, which is no deadline or counter qtcheck recognizes", []


_ACCUMULATE = (r"\+=|-=|\*=|\|=|<<", r"\.(?:append|push_back|prepend|insert|add)\s*\(")


def _loop_assignments(facts: Facts, tree: _Tree) -> list[dict]:
    """Each local variable assigned inside a loop, per innermost loop: whether every such statement assigns it
    anew (`v = expr` with expr not reading v: each pass overwrites it) or every one adds to it (`v += x`,
    `v << x`, `v.append(x)`, `v = v + x`), and the reads of it after the loop. Read from the statement's text:
    a class type's `=` is an operator call, which the facts keep as a read."""
    out = []
    for v in facts.variables:
        if v.is_param:
            continue
        stmts = dict.fromkeys([s for s in v.read_stmts if s is not None] + [s for s, _, _ in v.write_stmts
                                                                            if s is not None])
        name = re.escape(v.name)
        per_loop: dict[int, list] = {}
        for stmt_id in stmts:
            stmt = tree.by_id.get(stmt_id)
            if stmt is None or stmt.kind != "EXPR" or stmt.role not in ("item", "body", "then", "else"):
                continue
            text = " ".join(facts.source(ln) for ln in range(stmt.line, stmt.end_line + 1)).strip()
            if re.match(rf"{name}\s*(?:{_ACCUMULATE[0]})|{name}\s*{_ACCUMULATE[1]}", text):
                how = "adds"
            elif re.match(rf"{name}\s*=(?!=)", text):
                rest = text.split("=", 1)[1]
                how = "adds" if re.match(rf"\s*{name}\s*\+", rest) else (
                    "other" if re.search(rf"\b{name}\b", rest) else "sets")
            else:
                continue
            loop = tree.innermost_loop(stmt_id)
            if loop is not None:
                per_loop.setdefault(loop.id, []).append((stmt, how))
        assigned = {stmt.id for writes in per_loop.values() for stmt, _ in writes}
        for loop_id, writes in per_loop.items():
            loop = tree.by_id[loop_id]
            after = sorted(ln for s, ln in zip(v.read_stmts, v.reads) if s is not None and ln > loop.end_line
                           and not tree.in_loop(s, loop) and s not in assigned)
            out.append({"var": v, "loop": loop, "writes": writes, "after": after})
    return out


@matcher("calls-in-loops")
def calls_in_loops(facts: Facts, params: dict) -> list[Site]:
    """One site per call of the file: whether it runs inside a loop's passes (and which), or once."""
    tree = _tree(facts)
    sites = []
    for c in facts.calls:
        if (c.macro and c.qualified.startswith("QTest::")) or c.name.startswith("operator"):
            continue  # QVERIFY's own qVerify(); `a[i] = x`, `a == b`: operators are no call a claim names
        loop = tree.innermost_loop(c.stmt)
        if loop is not None:
            every = tree.every_pass(c.stmt, loop) and not c.conditional
            word = "forever" if loop.macro in ("forever", "Q_FOREVER") else _KIND_WORDS.get(loop.kind, "loop")
            message = (f"{c.qualified or c.name}() at line {c.line} runs inside the {word} loop at line {loop.line}"
                       + ("" if every else ", on some passes only"))
            attrs = {"in_loop": True, "every_pass": every, "loop_line": loop.line,
                     "evidence_for": {"in_loop": [loop.line], "every_pass": [loop.line]}}
        else:
            loops_here = tree.loops_in(c.function, c.lambda_id)  # those _same_code(loop, c) is true of
            outer = [s for s in loops_here if s.line > c.line]
            message = (f"{c.qualified or c.name}() at line {c.line} is in no loop: it runs once each time "
                       f"{(c.function or 'the code').split('::')[-1]}() runs"
                       + (f" (the loop at line {outer[0].line} comes after it)" if outer else ""))
            attrs = {"in_loop": False, "every_pass": False, "loop_line": None,
                     "evidence_for": {"in_loop": [outer[0].line] if outer else [],
                                      "every_pass": [outer[0].line] if outer else []}}
        sites.append(Site(c.line, c.col, bool(attrs["in_loop"]), message,
                          # the object a call changes is what "X is reallocated on every iteration" speaks of: a
                          # const call (array.size() in a loop's condition) reads it, it does not redo it
                          _merge({"callee": [c.qualified, c.name, *c.candidates,
                                             *([f"{c.receiver}::{c.name}"] if c.receiver else [])],
                                  "variable": [c.receiver] if c.receiver and c.mutates else []},
                                 _where(facts, c.function, c.lambda_id)),
                          attrs, end_line=c.end_line, scope=_scope(facts, c.function)))
    for a in _loop_assignments(facts, tree):  # `dump = process.readAll();` in a loop: dump is set on its passes
        v, loop, (stmt, _) = a["var"], a["loop"], a["writes"][0]
        every = tree.every_pass(stmt.id, loop)
        word = "forever" if loop.macro in ("forever", "Q_FOREVER") else _KIND_WORDS.get(loop.kind, "loop")
        sites.append(Site(stmt.line, 1, True, f"{v.name} is assigned at line {stmt.line} inside the {word} loop at "
                          f"line {loop.line}" + ("" if every else ", on some passes only"),
                          _merge({"variable": [v.name]}, _where(facts, v.function, v.lambda_id)),
                          {"in_loop": True, "every_pass": every, "loop_line": loop.line,
                           "evidence_for": {"in_loop": [loop.line, stmt.line], "every_pass": [loop.line, stmt.line]}},
                          end_line=stmt.end_line, scope=_scope(facts, v.function)))
    return sites


def _getters(setter: str) -> list[str]:
    """The getters Qt names for a setter's property: setText -> text, isText, hasText, toText (toPlainText)."""
    prop = setter[3:]
    low = prop[0].lower() + prop[1:]
    return [low, "is" + prop, "has" + prop, "to" + prop]


def _names_in(call, local_names: dict) -> list[str]:
    """The local variables and parameters the call's arguments spell (`line` in `text() + line`)."""
    known = {v.name for v in local_names.get((call.function, call.lambda_id), [])}
    spelled = {w for a in call.args for w in re.findall(r"[A-Za-z_]\w*", re.sub(r'"(?:[^"\\]|\\.)*"', " ", a.text))}
    return sorted(known & spelled - {call.receiver})


@matcher("property-update")
def property_update(facts: Facts, params: dict) -> list[Site]:
    """One site per call of a setter (setX(value)) on an object: whether the value is the same object's getter of
    that property plus more (x() + ...: it appends), reads nothing of that object (it replaces the old value), or
    is computed from it otherwise (undecided)."""
    tree = _tree(facts)
    by_stmt = grouped(facts.calls, lambda c: c.stmt)
    local_names = grouped([*facts.variables, *facts.parameters], lambda v: (v.function, v.lambda_id))
    sites = []
    for c in facts.calls:
        if not re.match(r"set[A-Z]", c.name) or not c.receiver or not c.args:
            continue
        getters = _getters(c.name)
        # what the argument reads of the same object: calls on it within the setter's argument
        reads = [g for g in by_stmt.get(c.stmt, []) if g is not c and g.receiver == c.receiver
                 and c.line <= g.line <= c.end_line and any(g.text and g.text in a.text for a in c.args)]
        own = [g for g in reads if g.name in getters]
        extends = [g for g in own if any(re.match(re.escape(g.text) + r"\s*\+", a.text.strip()) for a in c.args)]
        loop = tree.innermost_loop(c.stmt)
        place = f" inside the loop at line {loop.line}" if loop is not None else ""
        target = f"{c.receiver}->{c.name}() at line {c.line}{place}"
        if extends:
            g = extends[0]
            appends, replaces = True, False
            message = (f"{target} is given {g.text} + more: each call keeps the old value and appends to it")
        elif reads:
            g = (own or reads)[0]
            appends = replaces = None
            message = (f"{target} is given a value computed from {g.text} (line {g.line}), not simply appended to "
                       f"it: whether the old value grows or is replaced is not decided here")
        else:
            appends, replaces = False, True
            message = (f"{target} is given a value that does not read {c.receiver}'s current {getters[0]}() (nor "
                       f"anything else of {c.receiver}): each call replaces the old value")
        sites.append(Site(c.line, c.col, bool(appends), message,
                          # `label->setText` as a review writes it; the variables the value is made of
                          _merge({"callee": [c.qualified, c.name, f"{c.receiver}::{c.name}", *c.candidates,
                                             *[g.name for g in own]],
                                  "variable": [c.receiver, *_names_in(c, local_names)]},
                                 _where(facts, c.function, c.lambda_id)),
                          {"appends": appends, "replaces": replaces, "in_loop": loop is not None,
                           "evidence_for": {"in_loop": [loop.line] if loop is not None else []}},
                          end_line=c.end_line, scope=_scope(facts, c.function)))
    for a in _loop_assignments(facts, tree):  # plain variables: `dump = ...` each pass, or `total += ...`
        v, loop, writes, after = a["var"], a["loop"], a["writes"], a["after"]
        kinds = {how for _, how in writes}
        first = writes[0][0]
        lines = sorted({s.line for s, _ in writes})
        shown = ", ".join(map(str, lines))
        later = f"; it is read after the loop at line {after[0]}" if after else ""
        some = [s.line for s, _ in writes if not tree.every_pass(s.id, loop)]
        if some:  # under a branch (`if (...) { ip = ...; break; }`): which pass's value is left is the branch's
            appends = replaces = None
            message = (f"{v.name} is assigned at line(s) {', '.join(map(str, some))} inside the loop at line "
                       f"{loop.line} on some passes only (under a branch): which pass's value it holds after the "
                       f"loop is not decided here")
        elif kinds == {"sets"}:
            appends, replaces = False, True
            message = (f"{v.name} is assigned anew (`{v.name} = ...`, not reading {v.name}) at line(s) {shown} inside "
                       f"the loop at line {loop.line}: each pass overwrites it" + (
                           f", so after the loop it holds only the last pass's value (read at line {after[0]})"
                           if after else ""))
        elif kinds == {"adds"}:
            appends, replaces = True, False
            message = (f"{v.name} is added to (`+=`, `<<`, `append()`) at line(s) {shown} inside the loop at line "
                       f"{loop.line}: each pass keeps what the earlier ones left{later}")
        else:
            appends = replaces = None
            message = (f"{v.name} is assigned at line(s) {shown} inside the loop at line {loop.line} from a value "
                       f"computed from itself, or both set and added to: whether it keeps the earlier passes' values "
                       f"is not decided here")
        evidence = sorted({loop.line, *lines, *after[:1]})
        sites.append(Site(first.line, 1, bool(appends), message,
                          _merge({"variable": [v.name]}, _where(facts, v.function, v.lambda_id)),
                          {"appends": appends, "replaces": replaces, "in_loop": True,
                           "evidence_for": {"appends": evidence, "replaces": evidence, "in_loop": [loop.line]}},
                          end_line=first.end_line, scope=_scope(facts, v.function)))
    return sites


_HEADER = (".h", ".hh", ".hpp", ".hxx", ".inl", ".ipp", ".tpp")


@matcher("class-derivation")
def class_derivation(facts: Facts, params: dict) -> list[Site]:
    """One site per class the file defines: whether a class of the file derives from it. A class defined in a
    .cpp file cannot be derived from in another file; one defined in a header can (undecided when none here)."""
    sites = []
    header = facts.path.suffix.lower() in _HEADER
    # the classes naming each base, by its full and by its short name (positions in facts.classes): one pass,
    # where a scan of every class per class grew with the square of the file's classes
    by_base: dict[tuple[str, str], list[int]] = {}
    for i, c in enumerate(facts.classes):
        for b in c.bases:
            for key in (("full", b), ("short", b.split("::")[-1])):
                places = by_base.setdefault(key, [])
                if not places or places[-1] != i:
                    places.append(i)
    named = None
    for at, cls in enumerate(facts.classes):
        short = cls.name.split("::")[-1]
        derived = [facts.classes[i] for i in sorted(set(by_base.get(("full", cls.name), []))
                                                    | set(by_base.get(("short", short), []))) if i != at]
        if derived:
            d = derived[0]
            value, message, lines = True, f"{d.name} (line {d.line}) derives from {short}", [d.line]
        elif header:
            value, message, lines = None, (f"no class of this header derives from {short}, but a file including "
                                           f"it may"), []
        elif facts.macro_classes:
            m = facts.macro_classes[0]
            value, message, lines = None, (f"no class written out in the file derives from {short}, but {m.macro} "
                                           f"at line {m.line} defines a class qtcheck does not analyse"), [m.line]
        else:
            if named is None:  # each class as the message names it, made once (the list is every class but one)
                named = [f"{c.name.split('::')[-1]} (line {c.line})" for c in facts.classes]
            others = ", ".join(named[:at] + named[at + 1:])
            value, message, lines = False, (
                f"no class of the file derives from {short} (defined at line {cls.line} in this .cpp file, so no "
                f"other file can)" + (f"; the file's other classes: {others}" if others else "")), []
        sites.append(Site(cls.line, 1, bool(value), message, {"class": [cls.name, short], "type": [cls.name, short]},
                          # (the first three other classes are among the first four: cls is one class)
                          {"derived": value, "evidence_for": {"derived": lines + [c.line for c in facts.classes[:4]
                                                                                  if c is not cls][:3]}},
                          end_line=cls.line))
    return sites


@matcher("member-access")
def member_access(facts: Facts, params: dict) -> list[Site]:
    """One site per data member of the file's classes: the access specifier it is declared under."""
    sites = []
    starts = {c.name: c.line for c in facts.classes}
    for f in facts.fields:
        if f.file or not f.access:
            continue
        short = f.cls.split("::")[-1]
        top = starts.get(f.cls, f.line)
        spec = next((ln for ln in range(f.line, top - 1, -1)
                     if re.match(rf"\s*{f.access}\s*(?:Q_SLOTS|slots)?\s*:", facts.source(ln))), None)
        where = (f" (under `{f.access}:` at line {spec})" if spec else
                 f" (no access specifier before it: the default of its class-key at line {top})")
        sites.append(Site(f.line, 1, f.access != "private", f"{short}::{f.name} is {f.access}{where}",
                          {"variable": [f.name, f"{f.cls}::{f.name}"], "class": [f.cls, short]},
                          {"access": f.access, "evidence_for": {"access": [spec or top]}}))
    return sites


_CONSTANT = re.compile(r"[A-Za-z_]\w*(?:::\w+)+|[-+]?\d[\w.']*|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)+'|true|false")


@matcher("call-arguments")
def call_arguments(facts: Facts, params: dict) -> list[Site]:
    """One site per call given a constant (an enumerator, a number, a string, a bool): the constants it is
    given, so "the stream is pinned to QDataStream::Qt_5_10" is decided by the setVersion() call."""
    sites = []
    for c in facts.calls:
        if c.name.startswith("operator") or (c.macro and c.qualified.startswith("QTest::")):
            continue
        given = [a.text.strip() for a in c.args if a.kind != "default" and a.kind != "lambda"]
        constants = [t for t in given if _CONSTANT.fullmatch(t)]
        if not constants:
            continue
        values = sorted({v for t in constants for v in (t, t.split("::")[-1])})
        shown = ", ".join(constants)
        sites.append(Site(c.line, c.col, False, f"{c.qualified or c.name}() at line {c.line} is given {shown}",
                          _merge({"callee": [c.qualified, c.name, *c.candidates,
                                             *([f"{c.receiver}::{c.name}"] if c.receiver else [])],
                                  "variable": [c.receiver] if c.receiver else []},
                                 _where(facts, c.function, c.lambda_id)),
                          {"arguments": values}, end_line=c.end_line, scope=_scope(facts, c.function)))
    return sites
