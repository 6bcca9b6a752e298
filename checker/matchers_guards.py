"""Matchers over what guards a statement: is a call still made when an earlier call on the same object fails
(`!a() || !b()` short-circuits, `if (!a()) return;` leaves first), does a path print anything before it returns,
and what a loop's exit condition tells of a value read after the loop.

For claims such as "if bind() fails, joinMulticastGroup() is still called", "main() returns EXIT_FAILURE
without printing a usage message" or "elapsed() can be zero there, dividing by zero". They read the statement
trees and calls the facts pass recorded, and the source text of one condition at a time; never libclang."""

from __future__ import annotations

import re

from .facts import Facts
from .matchers import STR_LIST, Site, _merge, _scope, _where, grouped, matcher
from .matchers_flow import _Tree
from .spans import per_check

MAX_PAIRS = 25  # the calls after a failing one that are asked about: a claim names a call close to it
_LEAVES = ("RETURN_STMT", "CONTINUE_STMT", "BREAK_STMT", "GOTO_STMT")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _strip_parens(text: str) -> str:
    """`((x))` -> `x`, when the outer parentheses enclose the whole text."""
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        for i, ch in enumerate(text):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0 and i < len(text) - 1:
                return text
        text = text[1:-1]
    return text


def _text(facts: Facts, first: int, last: int) -> str:
    """The source of the lines, without the line comments that end them (a comment quoting no string)."""
    return "\n".join(re.sub(r'//[^"\n]*$', "", facts.source(ln)) for ln in range(first, last + 1))


def _names(c) -> list[str]:
    return [c.qualified, c.name, *c.candidates, *([f"{c.receiver}::{c.name}"] if c.receiver else [])]


class _Stmts(_Tree):
    """The statement tree with the questions of this module: where a statement stands after another, whether a
    branch always leaves."""

    def chain(self, stmt_id: int | None) -> list:
        """The statement and its ancestors, innermost first, up to the body's root."""
        out = []
        s = self.by_id.get(stmt_id) if stmt_id is not None else None
        while s is not None:
            out.append(s)
            if s.role == "root":
                break
            s = self.by_id.get(s.parent) if s.parent is not None else None
        return out

    def top(self, stmt):
        """A statement a macro made (QVERIFY's if) lifted to the macro's outermost statement (its do-while)."""
        while stmt.macro and stmt.parent is not None:
            parent = self.by_id.get(stmt.parent)
            if parent is None or parent.macro != stmt.macro:
                break
            stmt = parent
        return stmt

    def after(self, first, stmt_id: int | None) -> bool:
        """The statement stands after `first` in a block that holds both: running it means `first` has
        completed (no lambda, no loop's next pass in between)."""
        for s in self.chain(stmt_id):
            if s.parent == first.parent and s.id != first.id and s.role == "item" and first.role == "item":
                return s.line > first.end_line or (s.line >= first.end_line and s.id > first.id)
        return False

    def branch_of(self, if_stmt, stmt_id: int | None) -> str | None:
        """'then' or 'else' when the statement stands in that branch of the if."""
        for s in self.chain(stmt_id):
            if s.parent == if_stmt.id and s.role in ("then", "else"):
                return s.role
        return None

    def leaves(self, stmt) -> bool:
        """Every run of the statement leaves the block: it ends in a return, break, continue, goto, throw or a
        call that never returns."""
        if stmt is None:
            return False
        if stmt.kind in _LEAVES or stmt.throws or stmt.noreturn:
            return True
        kids = self.children.get(stmt.id, [])
        if stmt.kind == "COMPOUND_STMT":
            items = [c for c in kids if c.role == "item"]
            return bool(items) and self.leaves(max(items, key=lambda c: (c.line, c.id)))
        if stmt.kind == "IF_STMT":
            then = next((c for c in kids if c.role == "then"), None)
            other = next((c for c in kids if c.role == "else"), None)
            return self.leaves(then) and self.leaves(other)
        if stmt.kind == "DO_STMT" and stmt.macro:  # QFAIL's `do { ...; return; } while (false)` leaves; QVERIFY's
            return self.leaves(next((c for c in kids if c.role == "body"), None))  # `if (!x) return;` may not
        return False


# ---------------------------------------------------------------------------------------------------------------
# Is a call still made when an earlier call on the same object fails?

def _by_key(facts: Facts, name: str, build):
    """An index of the facts built once per check (kept on the facts object, never in the facts cache)."""
    stamp = (len(facts.stmts), len(facts.exits), len(facts.callee_decls))  # as cfg.flows_of: valid while these
    known = facts.__dict__.get("_guards_index")
    if known is None or known[0] != stamp:
        known = facts.__dict__["_guards_index"] = (stamp, {})
    if name not in known[1]:
        known[1][name] = build()
    return known[1][name]


def _returns_bool(facts: Facts, call) -> bool:
    decls = _by_key(facts, "decls", lambda: {d.qualified: d for d in facts.callee_decls})
    for q in (call.qualified, *call.candidates):
        d = decls.get(q)
        if d is not None:
            return "bool" in d.returns
    return False


def _operator_between(cond_text: str, a, b) -> tuple[bool, str, bool] | None:
    """In one condition `[!]a(...) OP [!]b(...)`: (a is negated, OP, b is negated) when nothing else stands between them and
    a is the condition's first operand; None otherwise."""
    text = _squash(cond_text)
    at, bt = _squash(a.text), _squash(b.text)
    if not at or not bt or text.count(at) != 1 or text.count(bt) != 1:
        return None
    i, j = text.index(at), text.index(bt)
    if j < i + len(at):
        return None
    before = text[:i]
    # what may stand before the first operand: `if (`, `while (`, `return`, `bool ok =` (spaces squashed)
    m = re.fullmatch(r"(?:.*?\b(?:if|while)\(|return|[\w:]*[A-Za-z_]\w*=)?([(!]*)", before)
    if m is None:
        return None
    negated = m.group(1).count("!") % 2 == 1
    between = re.fullmatch(r"\)*(\|\||&&)([(!]*)", text[i + len(at):j])
    if between is None:
        return None
    return negated, between.group(1), between.group(2).count("!") % 2 == 1


def _stmts(facts: Facts) -> _Stmts:
    """The file's statement trees with this module's questions, grouped once per check for every rule that asks."""
    return per_check(facts, "statement tree with guards", lambda: _Stmts(facts))


def _pair_answer(facts: Facts, tree: _Stmts, a, b, macros_at: dict):
    """(runs after a's failure: True / False / None, why, lines)."""
    A, B = f"{a.receiver}.{a.name}()", f"{b.receiver}.{b.name}()"
    if a.conditional:
        return None, f"{A} at line {a.line} itself runs only sometimes (right of && or ||, a branch of ?:)", [a.line]
    if a.stmt is not None and a.stmt == b.stmt:
        stmt = tree.by_id.get(a.stmt)
        if not b.conditional:
            return True, (f"{B} at line {b.line} runs whenever its statement does, whatever {A} at line {a.line} "
                          f"returns"), [a.line, b.line]
        found = _operator_between(_text(facts, stmt.line, stmt.end_line), a, b) if stmt else None
        if found is None:
            return None, (f"{B} at line {b.line} runs only on some outcomes of its condition, which qtcheck does "
                          f"not read operand by operand"), [a.line, b.line]
        negated, op, b_negated = found
        shown = f"{'!' if negated else ''}{a.name}(...) {op} {'!' if b_negated else ''}{b.name}(...)"
        if negated == (op == "||"):
            return False, (f"when {A} fails (returns false), `{shown}` at line {a.line} is decided by its left "
                           f"operand and {op} does not evaluate the right one: {B} at line {b.line} is not called"
                           ), [a.line, b.line]
        return True, (f"in `{shown}` at line {a.line}, {B} at line {b.line} is evaluated only when {A} fails"), \
            [a.line, b.line]
    stmt = tree.by_id.get(a.stmt) if a.stmt is not None else None
    if stmt is None:
        return None, f"where {A} at line {a.line} stands is not known", [a.line]
    parent = tree.by_id.get(stmt.parent) if stmt.parent is not None else None
    if stmt.role == "cond" and parent is not None and parent.kind == "IF_STMT":
        if parent.macro:
            use = macros_at.get((parent.line, parent.macro))
            arg = re.match(rf"{re.escape(parent.macro)}\s*\(\s*(.*)", _squash(use.text) if use else "")
            # (a call inside a macro's argument has no text of its own: its object and name are matched)
            if parent.macro not in ("QVERIFY", "QVERIFY2") or arg is None or not _whole_argument(arg.group(1), a):
                return None, f"{A} at line {a.line} is tested inside {parent.macro}, which qtcheck does not read", \
                    [a.line]
            # QVERIFY(a()): a failure returns from the function at once
            if tree.after(tree.top(parent), b.stmt):
                return False, (f"{A} is tested by {parent.macro} at line {a.line}: when it fails, the function "
                               f"returns there, so {B} at line {b.line} is not called"), [a.line, b.line]
            return None, f"{B} at line {b.line} does not stand after {A}'s test at line {a.line}", [a.line, b.line]
        head = _squash(_text(facts, stmt.line, stmt.end_line))
        m = re.search(r"\bif\((.*)\)", head)
        cond = _strip_parens(m.group(1)) if m else ""
        at = _squash(a.text)
        negated = cond.startswith("!")
        if _strip_parens(cond.lstrip("!")) != at or cond.count("!") > 1:
            # other conditions beside it (`a() && x`): not read
            return None, (f"{A} at line {a.line} is one operand of a condition that tests more than it"), [a.line]
        failure = "then" if negated else "else"
        branch = tree.branch_of(parent, b.stmt)
        if branch is not None:
            if branch == failure:
                return True, (f"{B} at line {b.line} stands in the branch the if at line {parent.line} takes when "
                              f"{A} fails"), [parent.line, b.line]
            return False, (f"{B} at line {b.line} stands in the branch the if at line {parent.line} takes only when "
                           f"{A} succeeds"), [parent.line, b.line]
        if tree.after(parent, b.stmt):
            taken = next((c for c in tree.children.get(parent.id, []) if c.role == failure), None)
            if tree.leaves(taken):
                return False, (f"when {A} fails, the if at line {parent.line} leaves (line {taken.end_line}) "
                               f"before {B} at line {b.line}: it is not called"), [parent.line, taken.end_line, b.line]
            what = "does nothing else" if taken is None else f"goes on past line {taken.end_line}"
            gate = _exit_between(facts, a, b, after_line=(taken.end_line if taken is not None else parent.line))
            if gate is not None:
                return None, (f"when {A} fails, the if at line {parent.line} {what}, but the {gate.kind} at line "
                              f"{gate.line} before {B} at line {b.line} may leave on the failure (a test of the "
                              f"object's state)"), [parent.line, gate.line, b.line]
            return True, (f"when {A} fails, the if at line {parent.line} {what} and does not leave: {B} at line "
                          f"{b.line} is still called"), [parent.line, b.line]
        return None, f"{B} at line {b.line} does not stand after the if at line {parent.line}", [parent.line, b.line]
    if a.result in ("discarded", "voided") and tree.after(stmt, b.stmt):
        gate = _exit_between(facts, a, b, after_line=a.end_line)
        if gate is not None:
            return None, (f"the result of {A} at line {a.line} is not tested, but the {gate.kind} at line {gate.line} "
                          f"before {B} at line {b.line} may leave on its failure (a test of the object's state)"), \
                [a.line, gate.line, b.line]
        return True, (f"the result of {A} at line {a.line} is not tested, so nothing stops {B} at line {b.line} "
                      f"when it fails: it is still called"), [a.line, b.line]
    return None, (f"the result of {A} at line {a.line} is {a.result} and may be tested later; whether {B} at line "
                  f"{b.line} runs after a failure is not followed"), [a.line, b.line]


def _exit_between(facts: Facts, a, b, after_line: int):
    """A return, throw, goto or failing QTest macro of the same code between the two calls: it may leave when the
    first call failed (`if (socket.state() != QAbstractSocket::BoundState) return;`)."""
    exits = _by_key(facts, "exits", lambda: grouped(facts.exits, lambda e: (e.function, e.lambda_id)))
    return next((e for e in exits.get((a.function, a.lambda_id), []) if after_line < e.line < b.line), None)


def _whole_argument(text: str, a) -> bool:
    """The macro's (first) argument is the call itself: `QVERIFY(socket.bind(...))`, not `QVERIFY(x || socket.bind())`
    nor `QVERIFY(socket.bind() || x)` (spaces squashed)."""
    m = re.match(rf"{re.escape(a.receiver or '')}(?:\.|->){re.escape(a.name)}\(", text)
    if m is None or not a.receiver:
        return False
    depth = 1
    for i in range(m.end(), len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return text[i + 1:i + 2] in (")", ",")
    return False


@matcher("call-after-failure")
def call_after_failure(facts: Facts, params: dict) -> list[Site]:
    """One site per pair of calls on one object in one function, the first returning bool: is the second still
    called when the first fails (returns false)?"""
    tree = _stmts(facts)
    macros_at = {(m.line, m.name): m for m in facts.macros}
    sites = []
    by_code = grouped([c for c in facts.calls if c.receiver and not c.name.startswith("operator")],
                      lambda c: (c.function, c.lambda_id, c.receiver))
    for (function, lambda_id, receiver), calls in by_code.items():
        calls = sorted(calls, key=lambda c: (c.line, c.col))
        for i, a in enumerate(calls):
            if not _returns_bool(facts, a):
                continue
            paired = False
            for b in calls[i + 1:i + 1 + MAX_PAIRS]:
                if b.name == a.name:
                    break  # a new attempt: the pairs are its own
                value, why, lines = _pair_answer(facts, tree, a, b, macros_at)
                paired = True
                # the answer is asked by the second call's name only: "if connectToHost() fails, waitForConnected()
                # is still called" is about waitForConnected() as the call that follows, never as the one that
                # fails (its own pair with waitForReadyRead() says nothing of it); the first call is named alone below
                names = _names(b)
                sites.append(Site(a.line, a.col, value is True, why,
                                  _merge({"callee": names, "variable": [receiver]},
                                         _where(facts, function, lambda_id)),
                                  {"runs_after_failure": value, "first": a.qualified, "then": b.qualified,
                                   "undecided": value is None,
                                   "evidence_for": {"runs_after_failure": sorted(set(lines))}},
                                  end_line=a.end_line, evidence=[b.line], scope=_scope(facts, function)))
            if paired:
                # the first call named alone: what it decides is said by the second's name
                sites.append(Site(a.line, a.col, False, f"{a.receiver}.{a.name}() at line {a.line} is the call "
                                  f"that may fail; what runs after its failure is asked of the calls after it",
                                  _merge({"callee": _names(a), "variable": [receiver]},
                                         _where(facts, function, lambda_id)),
                                  {"not_asked": ["runs_after_failure"]}, end_line=a.end_line,
                                  scope=_scope(facts, function)))
    return sites


def _in_branch(tree: _Stmts, a, b) -> bool:
    """b stands in a branch of the if whose condition holds a."""
    stmt = tree.by_id.get(a.stmt) if a.stmt is not None else None
    parent = tree.by_id.get(stmt.parent) if stmt is not None and stmt.parent is not None else None
    return bool(stmt is not None and stmt.role == "cond" and parent is not None and parent.kind == "IF_STMT"
                and tree.branch_of(parent, b.stmt))


# ---------------------------------------------------------------------------------------------------------------
# Does a return print anything first?

_STREAMS = re.compile(r"\b(?:std::)?(?:cerr|cout|clog|wcerr|wcout)\b")


def _is_print(call, params: dict) -> bool:
    prints = set(params.get("print_calls", []))
    macros = set(params.get("print_macros", []))
    return bool(({call.name, call.qualified, *call.candidates} & prints) or (call.macro in macros))


@matcher("exit-message", print_calls=STR_LIST, print_macros=STR_LIST, may_print=STR_LIST)
def exit_message(facts: Facts, params: dict) -> list[Site]:
    """One site per return statement: what it returns, and whether the branch that leads to it (the then or
    else of the innermost if around it) prints a message before it."""
    tree = _stmts(facts)
    own = {f.qualified: f for f in facts.functions if f.is_definition}
    calls_by_fn = grouped(facts.calls, lambda c: c.function)
    may_print = re.compile("|".join(params.get("may_print", [])) or r"(?!)", re.I)

    def prints_in(calls, depth=0) -> tuple[bool | None, object]:
        unsure = None
        for c in calls:
            if _is_print(c, params):
                return True, c
            if c.name.startswith("operator<<") and _STREAMS.search(c.text or ""):
                return True, c
        for c in calls:
            if c.qualified in own and depth < 3:
                inner, how = prints_in([x for x in calls_by_fn.get(c.qualified, []) if x.lambda_id is None],
                                       depth + 1)
                if inner:
                    return True, c
                if inner is None:
                    unsure = unsure or c
            elif may_print.search(c.name):
                unsure = unsure or c
        return (None, unsure) if unsure else (False, None)

    sites = []
    for e in facts.exits:
        if e.kind != "return" or e.stmt is None or e.macro:
            continue
        ret = tree.by_id.get(e.stmt)
        if ret is None:
            continue
        m = re.search(r"\breturn\b(.*?);", _text(facts, ret.line, ret.end_line), re.S)
        value = re.sub(r"\s+", " ", m.group(1)).strip() if m else ""
        # the branch that leads to it: the innermost then/else (or case) on its way up
        branch, if_stmt = None, None
        for s in tree.chain(e.stmt):
            parent = tree.by_id.get(s.parent) if s.parent is not None else None
            if parent is not None and parent.kind == "IF_STMT" and s.role in ("then", "else"):
                branch, if_stmt = s, parent
                break
        code = [c for c in calls_by_fn.get(e.function, []) if c.lambda_id == e.lambda_id]
        stream_lines = [ln for ln in range((branch or ret).line, ret.end_line + 1) if _STREAMS.search(facts.source(ln))]
        if branch is not None:
            stmts_of = _by_key(facts, "stmts", lambda: grouped(facts.stmts, lambda s: s.function))
            inside = {s.id for s in stmts_of.get(e.function, []) if branch.line <= s.line <= branch.end_line
                      and any(x.id == branch.id for x in tree.chain(s.id))}
            mine = [c for c in code if c.stmt in inside and (c.line, c.col) <= (ret.end_line, 10 ** 6)]
            cond = next((c for c in tree.children.get(if_stmt.id, []) if c.role == "cond"), None)
            tested = [c for c in code if cond is not None and c.stmt == cond.id]
            start = if_stmt.line
        else:
            fn = facts.function_named(e.function)
            first = fn.line if fn else 1
            mine = [c for c in code if c.line <= ret.end_line]
            stream_lines = [ln for ln in range(first, ret.end_line + 1) if _STREAMS.search(facts.source(ln))]
            tested, start = [], ret.line
        printed, how = prints_in(mine)
        if printed is not True and stream_lines:
            printed, how = True, None
        if branch is None and printed is True:
            # no if leads to it: what the function printed before may belong to anything it did
            line = how.line if how is not None else stream_lines[0]
            sites.append(Site(ret.line, 1, False, (
                f"`return {value};` at line {ret.line} stands in no branch of its own; "
                f"{(e.function or 'the code').split('::')[-1]}() prints at line {line} before it, on some path, "
                f"which may or may not be this return's message"),
                _merge({"variable": re.findall(r"[A-Za-z_]\w*", value)}, _where(facts, e.function, e.lambda_id)),
                {"prints": None, "value": value, "evidence_for": {"prints": [line, ret.line]}},
                end_line=ret.end_line, scope=_scope(facts, e.function)))
            continue
        where = (f"the branch of the if at line {if_stmt.line} that leads to it" if branch is not None
                 else f"{(e.function or 'the code').split('::')[-1]}() before it")
        shown = f"`return {value};` at line {ret.line}" if value else f"the return at line {ret.line}"
        if printed is True:
            line = how.line if how is not None else stream_lines[0]
            text = f"{shown} follows output: {where} prints at line {line}"
            lines = [line, ret.line]
        elif printed is None:
            text = (f"{shown}: {where} calls {how.qualified or how.name}() at line {how.line}, which may print a "
                    f"message (its body is not in this file)")
            lines = [how.line, ret.line]
        else:
            cond_unsure, cond_how = prints_in(tested)
            if cond_unsure is not False:
                printed = None
                text = (f"{shown}: its condition at line {if_stmt.line} calls {cond_how.qualified or cond_how.name}"
                        f"(), which may print a message")
                lines = [if_stmt.line, ret.line]
            else:
                text = (f"{shown} prints nothing first: {where} calls no qDebug/qWarning/printf/fprintf/std::cerr "
                        f"or other output before it returns")
                lines = [start, ret.line] if start != ret.line else [ret.line]
        value_names = re.findall(r"[A-Za-z_]\w*", value)
        sites.append(Site(ret.line, 1, printed is False, text,
                          _merge({"variable": value_names, "macro": value_names, "symbol": value_names,
                                  "class": value_names},
                                 _where(facts, e.function, e.lambda_id)),
                          {"prints": printed, "value": value, "evidence_for": {"prints": sorted(set(lines))}},
                          end_line=ret.end_line, evidence=[start] if start != ret.line else [],
                          scope=_scope(facts, e.function)))
    return sites


# ---------------------------------------------------------------------------------------------------------------
# What a loop's exit condition tells of a value read after it

_CMP = re.compile(r"^(?P<x>.+?)(?P<op><=|<)(?P<k>\d+)$|^(?P<k2>\d+)(?P<op2>>=|>)(?P<x2>.+)$")


@matcher("value-after-loop", monotonic=STR_LIST, resets=STR_LIST)
def value_after_loop(facts: Facts, params: dict) -> list[Site]:
    """One site per read, after a `while (X < K)` loop that only its condition ends, of the same X (a local
    variable nothing writes in between, or a call Qt documents as never decreasing, such as
    QElapsedTimer::elapsed(), on an object nothing restarts in between): X is at least K there."""
    tree = _stmts(facts)
    monotonic = set(params.get("monotonic", []))
    resets = set(params.get("resets", []))
    local = {(v.function, v.lambda_id, v.name): v for v in facts.variables}
    sites = []
    for loop in tree.loops():
        if loop.kind != "WHILE_STMT" or loop.macro or tree.breaks_of(loop):
            continue
        if any(s.kind == "GOTO_STMT" and loop.line <= s.line <= loop.end_line and s.function == loop.function
               for s in facts.stmts):
            continue
        cond = tree.cond_of(loop)
        if cond is None:
            continue
        m = re.search(r"\bwhile\((.*)\)", _squash(_text(facts, cond.line, cond.end_line)))
        if m is None:
            continue
        test = _strip_parens(m.group(1).split("){")[0] if "){" in m.group(1) else m.group(1))
        cm = _CMP.match(test)
        if cm is None:
            continue
        x = cm.group("x") or cm.group("x2")
        op = cm.group("op") or {">": "<", ">=": "<="}[cm.group("op2")]
        k = int(cm.group("k") or cm.group("k2"))
        least = k if op == "<" else k + 1
        code = [c for c in facts.calls if c.function == loop.function and c.lambda_id == loop.lambda_id]
        call = next((c for c in code if c.stmt == cond.id and _squash(c.text) == x), None)
        var = local.get((loop.function, loop.lambda_id, x)) if re.fullmatch(r"[A-Za-z_]\w*", x) else None
        if call is not None:
            if not ({call.qualified, *call.candidates} & monotonic):
                continue
            reads = [c for c in code if _squash(c.text) == x and tree.after(loop, c.stmt)]
            what = (f"{call.qualified}() does not decrease until the timer is restarted, and nothing restarts "
                    f"{call.receiver} in between")
            for r in reads:
                if any(c.receiver == call.receiver and c.name in resets and loop.end_line <= c.line <= r.line
                       for c in code):
                    continue
                sites.append(_after_site(facts, loop, r.line, r.col, x, least, what,
                                         {"callee": _names(r), "variable": [r.receiver] if r.receiver else []}))
        elif var is not None:
            writes = [tree.by_id[s].line for s, _, _ in var.write_stmts if s in tree.by_id]
            for stmt_id, line in zip(var.read_stmts, var.reads):
                if stmt_id is None or not tree.after(loop, stmt_id) or any(loop.line <= w <= line for w in writes
                                                                           if w > loop.end_line):
                    continue
                sites.append(_after_site(facts, loop, line, 1, x, least,
                                         f"nothing writes {x} between the loop and line {line}", {"variable": [x]}))
    # every other read of what a site speaks of: not bounded by a loop here, so a claim citing it (or speaking of
    # all of them) is not decided by the reads that are
    decided = {(s.scope, s.line, s.col) for s in sites}
    named = {n for s in sites for n in s.subjects.get("callee", []) + s.subjects.get("variable", [])}
    calls = {(c.line, c.col): c for c in facts.calls if c.qualified in named and c.receiver in named}
    for c in calls.values():
        if (_scope(facts, c.function), c.line, c.col) not in decided:
            sites.append(_open_site(facts, c.line, c.col, f"{c.receiver}.{c.name}()", c.function, c.lambda_id,
                                    {"callee": _names(c), "variable": [c.receiver]}))
    for v in facts.variables:
        if v.name not in named or v.is_param:
            continue
        lines = {s.line for s in sites if s.scope == _scope(facts, v.function) and v.name in
                 s.subjects.get("variable", [])}
        for line in sorted(set(v.reads) - lines):
            sites.append(_open_site(facts, line, 1, v.name, v.function, v.lambda_id, {"variable": [v.name]}))
    return sites


def _open_site(facts: Facts, line: int, col: int, x: str, function, lambda_id, subjects: dict) -> Site:
    return Site(line, col, False, (f"{x} at line {line} follows no while loop whose exit condition bounds it (or "
                                   f"something changes it in between): what it can be there is not decided"),
                _merge(subjects, _where(facts, function, lambda_id)),
                {"can_be_zero": None, "undecided": True, "evidence_for": {"can_be_zero": [line]}},
                end_line=line, scope=_scope(facts, function))


def _after_site(facts: Facts, loop, line: int, col: int, x: str, least: int, what: str, subjects: dict) -> Site:
    message = (f"{x} at line {line} is read only after the while loop at line {loop.line} has ended, which it does "
               f"only when its condition is false (no break or goto leaves it): {x} is at least {least} there, "
               f"never zero ({what}); this rests on the loop's exit condition")
    return Site(line, col, False, message, _merge(subjects, _where(facts, loop.function, loop.lambda_id)),
                {"can_be_zero": least <= 0, "at_least": least,
                 "evidence_for": {"can_be_zero": [loop.line, line]}},
                end_line=line, scope=_scope(facts, loop.function))


# ---------------------------------------------------------------------------------------------------------------
# The constants a local variable is set to, and where

_CONSTANT = re.compile(r"-?\d+[uUlL]*|true|false|nullptr|[A-Za-z_]\w*::[A-Za-z_]\w*")


@matcher("assigned-values")
def assigned_values(facts: Facts, params: dict) -> list[Site]:
    """One site per local variable of the file that is given a constant somewhere (`pass = 4;`, `int pass = 0;`):
    every constant it is given, with the line and the condition of the if it is given under; whether it is
    also changed otherwise (`++pass`, `pass = f()`), which leaves "it never becomes V" undecided."""
    tree = _stmts(facts)
    sites = []
    for v in facts.variables:
        if v.is_param:
            continue
        name = re.escape(v.name)
        given: list[tuple[str, int, int | None]] = []  # (constant, line, the line of the if it is under)
        other: list[int] = []
        init = re.search(rf"\b{name}\s*(?:=\s*([^;,]+?)\s*[;,)]|\{{\s*([^}}]*)\}}|\(\s*([^)]*)\))",
                         facts.source(v.line))
        if init:
            value = next((g for g in init.groups() if g is not None), "").strip()
            if _CONSTANT.fullmatch(value):
                given.append((value, v.line, None))
            else:
                other.append(v.line)
        for stmt_id, _, _ in v.write_stmts:
            stmt = tree.by_id.get(stmt_id) if stmt_id is not None else None
            if stmt is None or stmt.line == v.line:
                continue
            text = " ".join(facts.source(ln) for ln in range(stmt.line, stmt.end_line + 1))
            m = re.search(rf"(?<![\w.>:]){name}\s*=(?!=)\s*([^;]+?)\s*;", text)
            if m and _CONSTANT.fullmatch(m.group(1)):
                cond = None
                for s in tree.chain(stmt_id):
                    parent = tree.by_id.get(s.parent) if s.parent is not None else None
                    if parent is not None and parent.kind == "IF_STMT" and s.role in ("then", "else"):
                        cond = parent.line
                        break
                given.append((m.group(1), stmt.line, cond))
            else:
                other.append(stmt.line)
        if not given:
            continue
        shown = ", ".join(f"{value} (line {line}" + (f", under the if at line {cond}" if cond else "") + ")"
                          for value, line, cond in given)
        if other:
            text = (f"{v.name} is given {shown}, and changed otherwise at line(s) {', '.join(map(str, other))}: "
                    f"what else it holds is computed")
        else:
            text = f"{v.name} is given only constants: {shown}"
        values = sorted({g[0] for g in given})
        lines = sorted({ln for _, line, cond in given for ln in (line, cond) if ln})
        sites.append(Site(v.line, v.col, False, text,
                          _merge({"variable": [v.name]}, _where(facts, v.function, v.lambda_id)),
                          # a value it is never given outright may still be computed: then not decided
                          {"assigned": values, "open": ["assigned"] if other else [],
                           "evidence_for": {"assigned": lines}},
                          end_line=v.line, evidence=lines, scope=_scope(facts, v.function)))
    return sites


# ---------------------------------------------------------------------------------------------------------------
# The bytes a read can count on: an early leave under `device->bytesAvailable() < K` before it

_READS = re.compile(r"(?:\.|->)(?:read|readAll|readLine|peek|getChar|readRawData)\s*\(")


def _streams(facts: Facts) -> dict[str, str]:
    """stream variable -> the device it reads: `in.setDevice(socket)`, `QDataStream in(socket)`."""
    out = {}
    for c in facts.calls:
        if c.name == "setDevice" and c.receiver and c.args:
            out[c.receiver] = c.args[0].text.strip().lstrip("&")
    for ln, text in enumerate(facts.lines, start=1):
        m = re.search(r"\b(?:QDataStream|QTextStream)\s+(\w+)\s*[({]\s*&?(\w+)\s*[,)}]", text)
        if m:
            out[m.group(1)] = m.group(2)
    return out


def _constant(facts: Facts, line: int, text: str) -> int | None:
    if re.fullmatch(r"\d+", text):
        return int(text)
    for cast in facts.constant_casts:
        if cast.line == line and _squash(cast.text) == text:
            return cast.value
    return None


def _reads_of(text: str, streams: dict[str, str]) -> set[str]:
    """The devices a statement reads: `device->read(...)`, or `stream >> x` on a stream of that device."""
    out = {m.group(1) for m in re.finditer(r"\b(\w+)\s*(?:\.|->)(?:read|readAll|readLine|peek|getChar)\s*\(", text)}
    out |= {streams[m.group(1)] for m in re.finditer(r"\b(\w+)\s*>>", text) if m.group(1) in streams}
    return out


@matcher("read-guard")
def read_guard(facts: Facts, params: dict) -> list[Site]:
    """One site per statement that reads a device (directly, or through a QDataStream/QTextStream on it): the
    least number of bytes an early leave before it guarantees (`if (socket->bytesAvailable() < 4) return;`),
    or none the code shows."""
    tree = _stmts(facts)
    streams = _streams(facts)
    guards = []  # (if statement, device, least bytes guaranteed after it, the leave's line)
    for s in facts.stmts:
        if s.kind != "IF_STMT" or s.role != "item":
            continue
        kids = tree.children.get(s.id, [])
        then = next((c for c in kids if c.role == "then"), None)
        cond = next((c for c in kids if c.role == "cond"), None)
        if cond is None or any(c.role == "else" for c in kids) or not tree.leaves(then):
            continue
        m = re.search(r"\bif\((.*)\)", _squash(_text(facts, cond.line, cond.end_line)))
        if m is None:
            continue
        for operand in _strip_parens(m.group(1)).split("||"):  # passing the if: every operand of || is false
            g = re.fullmatch(r"(\w+)(?:\.|->)bytesAvailable\(\)(<=?)(.+)", _strip_parens(operand))
            if g is None or "&&" in m.group(1):
                continue
            k = _constant(facts, cond.line, g.group(3))
            if k is not None:
                guards.append((s, g.group(1), k + (g.group(2) == "<="), then.end_line))
    sites = []
    for s in facts.stmts:
        if s.kind not in ("EXPR", "DECL_STMT", "RETURN_STMT") or s.role == "cond":
            continue
        text = _text(facts, s.line, s.end_line)
        devices = _reads_of(text, streams)
        if not devices:
            continue
        names = sorted(set(re.findall(r"[A-Za-z_]\w*", text)) - {"return", "if", "const", "auto"})
        # the statement as a review quotes it (`in >> blockSize`), and the names in it
        spelled = re.sub(r"\s+", " ", text).strip().rstrip(";").strip()
        subjects = _merge({"variable": [spelled, *names], "callee": names}, _where(facts, s.function, s.lambda_id))
        before = [(g, d, k, leave) for g, d, k, leave in guards if d in devices and g.function == s.function
                  and g.lambda_id == s.lambda_id and tree.after(g, s.id)]
        if before:
            g, d, k, leave = max(before, key=lambda x: x[2])
            via = next((f" (a stream on {d})" for st, dev in streams.items() if dev == d and
                        re.search(rf"\b{re.escape(st)}\s*>>", text)), "")
            message = (f"the read at line {s.line}{via} runs only after the if at line {g.line} has left (line "
                       f"{leave}) whenever {d}->bytesAvailable() is below {k}: at least {k} bytes are buffered "
                       f"there")
            sites.append(Site(s.line, 1, False, message, subjects,
                              {"runs_with_fewer_than": [], "open": ["runs_with_fewer_than"],
                               "excluded": {"runs_with_fewer_than": [str(n) for n in range(1, min(k, 4096) + 1)]},
                               "evidence_for": {"runs_with_fewer_than": [g.line, leave, s.line]}},
                              end_line=s.end_line, scope=_scope(facts, s.function)))
        else:
            sites.append(Site(s.line, 1, False, (
                f"no early leave under a bytesAvailable() test stands before the read at line {s.line}: how many "
                f"bytes are there is not decided by the code"), subjects,
                {"runs_with_fewer_than": None, "undecided": True,
                 "evidence_for": {"runs_with_fewer_than": [s.line]}},
                end_line=s.end_line, scope=_scope(facts, s.function)))
    return sites
