"""Locks held: for every statement of a function or lambda body, the mutexes locked on every path that reaches it.

Read from the facts, over the control-flow graph (cfg.py): `mutex.lock()` / `lockForRead()` / `lockForWrite()`
acquire, `unlock()` releases; a QMutexLocker (QReadLocker, QWriteLocker, std::lock_guard, ...) holds the mutex
its initializer names from its declaration to the end of its block, or to `locker.unlock()` (`relock()` takes it
again). A lock counts as held at a statement when every path from the body's start to it takes the lock and does
not give it back: a must-analysis, so a lock held on some paths only is not held. tryLock() holds a lock only when
it returned true, which the graph does not tell: a body that calls it is not decided.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import cfg
from .facts import Facts
from .threads import bare_type

ACQUIRE = {"lock", "lockForRead", "lockForWrite", "relock"}
RELEASE = {"unlock"}
UNSURE = {"tryLock", "tryLockForRead", "tryLockForWrite", "try_lock"}
LOCKERS = ("QMutexLocker", "QReadLocker", "QWriteLocker", "std::lock_guard", "std::unique_lock", "std::scoped_lock",
           "lock_guard", "unique_lock", "scoped_lock")


def _name(expr: str | None) -> str:
    """The lock an expression names: `mutex`, `this->mutex`, `d->mutex`, `&mutex` -> mutex."""
    words = re.findall(r"[A-Za-z_]\w*", expr or "")
    return words[-1] if words else ""


@dataclass
class Held:
    """The answer for one line: the locks held there (by mutex name), or why it is not decided."""

    locks: list[str] | None  # None: not decided
    why: str = ""
    acquired: list[int] = field(default_factory=list)  # lines that took the held locks
    released: list[int] = field(default_factory=list)  # the lines that give them back after, or gave one back before


@dataclass
class _Body:
    flow: cfg.Flow
    acquire: dict  # node -> {lock}
    release: dict  # node -> {lock}
    lockers: dict  # locker name -> (mutex name, the id of the block it lives in)
    events: list  # (line, lock, acquires?)
    unsure: int | None  # the line of a tryLock()
    into: dict = field(default_factory=dict)  # node -> locks held on entry
    at_line: dict = field(default_factory=dict)  # line -> the innermost statement node holding it


class LockModel:
    def __init__(self, facts: Facts, lockers: tuple[str, ...] = LOCKERS, flows: cfg.Flows | None = None):
        self.facts = facts
        self.lockers = tuple(lockers)  # the types whose objects hold a lock for their scope (the rule's list)
        self.flows = flows or cfg.flows_of(facts)
        self._bodies: dict = {}
        self.parent = {s.id: s.parent for s in facts.stmts}
        self._variables: dict = {}  # (function, lambda id) -> its variables, in order
        for v in facts.variables:
            self._variables.setdefault((v.function, v.lambda_id), []).append(v)
        self._calls: dict = {}  # (function, lambda id) -> its calls, in order
        for c in facts.calls:
            self._calls.setdefault((c.function, c.lambda_id), []).append(c)

    def is_locker(self, type_spelling: str) -> bool:
        return bare_type(type_spelling).split("<")[0] in self.lockers

    def _body(self, function, lambda_id) -> _Body | None:
        key = (function, lambda_id)
        if key in self._bodies:
            return self._bodies[key]
        flow = self.flows.of(function, lambda_id)
        body = None
        if flow is not None:
            body = _Body(flow, {}, {}, {}, [], None)
            for v in self._variables.get(key, []):
                if v.stmt is not None and v.inits and self.is_locker(v.type):
                    body.lockers[v.name] = (v.inits[0], self.parent.get(v.stmt))
                    body.acquire.setdefault(v.stmt, set()).add(v.name)
                    body.events.append((v.line, v.inits[0], True))
            for c in self._calls.get(key, []):
                if c.stmt is None or not c.receiver:
                    continue
                lock = _name(c.receiver)
                if c.name in UNSURE:
                    body.unsure = body.unsure or c.line
                elif c.name in ACQUIRE and (c.name != "relock" or lock in body.lockers):
                    body.acquire.setdefault(c.stmt, set()).add(lock)
                    body.events.append((c.line, body.lockers.get(lock, (lock,))[0], True))
                elif c.name in RELEASE:
                    body.release.setdefault(c.stmt, set()).add(lock)
                    body.events.append((c.line, body.lockers.get(lock, (lock,))[0], False))
            if body.acquire:
                self._solve(body)
            stmts = flow.stmts
            nodes = [n for n in flow.graph if isinstance(n, int) and n in stmts]
            # widest first so inner statements win; of equal ones on a line, the first in the graph wins
            order = sorted(enumerate(nodes), key=lambda p: (stmts[p[1]].line - stmts[p[1]].end_line, -p[0]))
            for _, n in order:
                for line in range(stmts[n].line, stmts[n].end_line + 1):
                    body.at_line[line] = n
        self._bodies[key] = body
        return body

    def _inside(self, node_id, block) -> bool:
        while node_id is not None:
            if node_id == block:
                return True
            node_id = self.parent.get(node_id)
        return False

    def _solve(self, body: _Body) -> None:
        graph = body.flow.graph
        every = {x for locks in body.acquire.values() for x in locks}
        out = {n: set(every) for n in graph}
        out[cfg.ENTRY] = set()
        todo = list(graph)
        while todo:
            n = todo.pop()
            if n == cfg.ENTRY:
                continue
            preds = list(graph.predecessors(n))
            held = set.intersection(*(out[p] for p in preds)) if preds else set()
            sid = n[0] if isinstance(n, tuple) else n
            if isinstance(sid, int):  # a locker whose block control has left is destroyed
                held = {x for x in held if x not in body.lockers or self._inside(sid, body.lockers[x][1])}
            body.into[n] = held
            new = (held - body.release.get(sid, set())) | body.acquire.get(sid, set()) if isinstance(sid, int) \
                else held
            if new != out[n]:
                out[n] = new
                todo += list(graph.successors(n))

    def held_at(self, function, lambda_id, line: int) -> Held:
        body = self._body(function, lambda_id)
        if body is None:
            return Held(None, "the code has no body qtcheck could follow")
        if body.unsure:
            return Held(None, f"tryLock() at line {body.unsure} holds the lock only when it succeeds, which the "
                              f"code's paths do not show")
        if line in body.flow.loose:
            return Held(None, f"the control flow at line {line} is modelled loosely")
        inner = body.at_line.get(line)
        if inner is None:
            return Held(None, f"line {line} is in no statement qtcheck followed")
        held = body.into.get(inner, set()) if body.acquire else set()
        locks = sorted({body.lockers.get(x, (x,))[0] for x in held})
        acquired = sorted({max((ln for ln, lk, on in body.events if lk == x and on and ln <= line), default=0)
                           for x in locks} - {0})
        after = [min((ln for ln, lk, on in body.events if lk == x and not on and ln > line), default=0) for x in locks]
        before = [max((ln for ln, lk, on in body.events if not on and ln < line), default=0)] if not locks else []
        return Held(locks, "", acquired, sorted(set(after + before) - {0}))
