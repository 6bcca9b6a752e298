"""Thread affinity: which thread runs each piece of code and where each object lives, from the facts alone.

Threads are named by labels: "the main thread" (test functions, and objects created there), "the worker
thread of C" (C::run() of a QThread subclass C, and what it creates), "the thread of QThread t" (a plain
QThread object an object was moved to). None means: not decidable from this file (an object passed in
from outside, a method nobody in the file calls). Every answer carries the reasons that led to it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .facts import Facts
from .spans import per_check

MAIN = "the main thread"
# calls whose function argument runs in a thread they start
NEW_THREAD_CALLS = {"QThread::create", "QtConcurrent::run", "QThreadPool::start", "QThreadPool::tryStart"}


def worker(cls: str) -> str:
    return f"the worker thread of {cls}"


CREATOR = "the thread that created the "


def creator(cls: str) -> str:
    """A thread the file does not show: the one that made an object of a QThread subclass the file never creates.
    Never that object's own worker thread (it does not exist before the object); whether it is the main thread
    is decided outside the file."""
    return f"{CREATOR}{cls} (outside the file)"


HOME = "the thread a "


def home(cls: str) -> str:
    """The one thread an object of a class the file never creates lives in, which the file does not show."""
    return f"{HOME}{cls} lives in (outside the file)"


def outside(label: str) -> bool:
    """A thread the file does not name: distinct from some threads, maybe the same as the main thread."""
    return label.startswith(CREATOR) or label.startswith(HOME)


def surely_distinct(labels) -> bool:
    """Whether two of these threads are surely two threads: named ones differ from each other, and the thread that
    created a QThread object is never the one that object starts."""
    labels = sorted(set(labels))
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            if not outside(a) and not outside(b):
                return True
            for x, y in ((a, b), (b, a)):
                if x.startswith(CREATOR) and y == worker(x[len(CREATOR):].removesuffix(" (outside the file)")):
                    return True
    return False


@functools.lru_cache(maxsize=4096)
def bare_type(spelling: str) -> str:
    """QLocalSocket from 'QLocalSocket *const', 'const ServerThread &'."""
    t = re.sub(r"\b(const|volatile|class|struct)\b", "", spelling)
    return t.replace("*", "").replace("&", "").strip()


@dataclass
class Affinity:
    threads: frozenset[str] | None  # None: undecidable
    why: str

    @property
    def known(self) -> bool:
        return self.threads is not None


def _index(facts: Facts) -> dict:
    """The facts grouped by what a ThreadModel's questions look them up by, in the file's order: built once per
    check for every rule's model (it depends only on the facts). Two more entries are filled as they are asked:
    class -> whether it moves its own objects, and class -> whether it is a QThread."""
    by: dict = {"moves itself": {}, "is qthread": {}}

    def group(name, items, key):
        out = by.setdefault(name, {})
        for item in items:
            out.setdefault(key(item), []).append(item)

    group("class", facts.classes, lambda c: c.name)
    group("callee", facts.calls, lambda c: c.qualified)
    group("made of type", [v for v in facts.variables if "*" not in v.type and "&" not in v.type],
          lambda v: bare_type(v.type))
    group("new of type", [a for a in facts.allocations if not a.factory], lambda a: bare_type(a.type))
    group("new into", [a for a in facts.allocations if not a.factory], lambda a: (a.var, a.function))
    group("stored into", facts.calls, lambda c: (c.assigned_to, c.function))
    group("variable", facts.variables, lambda v: (v.name, v.function))
    group("moved", [c for c in facts.calls if c.name == "moveToThread"], lambda c: (c.receiver, c.function))
    group("connected", facts.connects, lambda c: c.lambda_target)
    # calls that start a thread with a function argument: by the lambda they pass, and by the code they are in
    starters = [(i, c) for i, c in enumerate(facts.calls) if set(c.candidates + [c.qualified]) & NEW_THREAD_CALLS]
    by["starts lambda"] = {}
    for i, c in starters:
        for a in c.args:
            by["starts lambda"].setdefault(a.lambda_id, []).append((i, c))
    group("starts in", [(i, c) for i, c in starters if any(a.kind == "lambda" and a.lambda_id is None
                                                           for a in c.args)], lambda p: p[1].function)
    return by


@dataclass
class ThreadModel:
    facts: Facts
    creating_calls: set[str] = field(default_factory=set)  # calls that return an object living in the caller's thread
    worker_signals: set[str] = field(default_factory=set)  # signals a QThread emits from its new thread (started)
    _busy: set = field(default_factory=set)
    _memo: dict = field(default_factory=dict)  # answers already worked out (the walk is otherwise exponential)
    _by: dict = field(default_factory=dict)  # the facts grouped by what the questions look them up by, in order

    def __post_init__(self):
        self._by = per_check(self.facts, "threads", lambda: _index(self.facts))

    def _first(self, name: str, key, fits=lambda x: True):
        return next((x for x in self._by[name].get(key, []) if fits(x)), None)

    # ---- classes ----
    def class_fact(self, name: str | None):
        return self._first("class", name)

    def is_qthread(self, cls: str | None) -> bool:
        known = self._by["is qthread"]
        if cls not in known:
            known[cls] = self._is_qthread(cls)
        return known[cls]

    def _is_qthread(self, cls: str | None) -> bool:
        c = self.class_fact(cls)
        if c is None:  # a class of a project header: its run() the file defines says it
            return any(f.is_thread_run and f.class_name == cls for f in self.facts.functions)
        return any(bare_type(a).split("::")[-1] == "QThread" for a in c.ancestry)

    # ---- code ----
    def code(self, function: str | None, lambda_id: int | None) -> Affinity:
        """The thread(s) that run this code."""
        key = ("code", function, lambda_id)
        if key in self._memo:
            return self._memo[key]
        if key in self._busy:
            return Affinity(None, f"{function} is reached through itself")
        self._busy.add(key)
        try:
            answer = self.lambda_(lambda_id) if lambda_id is not None else self.function(function)
        finally:
            self._busy.discard(key)
        self._memo[key] = answer
        return answer

    def function(self, qualified: str | None) -> Affinity:
        fn = self.facts.function_named(qualified)
        if fn is None:
            return Affinity(None, f"{qualified or 'this code'} is not defined in the file")
        cls = fn.class_name
        owner = self.class_fact(cls)
        callers = [c for c in self._by["callee"].get(fn.qualified, []) if c.function != fn.qualified]
        # QtTest runs the test and data functions; a helper of the test class runs where its callers do
        if fn.is_test_function or fn.is_data_function or (owner and owner.is_test_class and not callers):
            got = [(c, self.code(c.function, c.lambda_id)) for c in callers]
            elsewhere = [(c, a) for c, a in got if a.known and a.threads != frozenset({MAIN})]
            if any(not a.known for _, a in got):
                return next(a for _, a in got if not a.known)
            if elsewhere:  # bench() run by QtTest, and also called from a thread the file starts
                threads = frozenset({MAIN}).union(*(a.threads for _, a in elsewhere))
                c, a = elsewhere[0]
                return Affinity(threads, f"{fn.qualified} is run by QtTest in {MAIN}, and called at line {c.line} "
                                         f"in {' and '.join(sorted(a.threads))}")
            return Affinity(frozenset({MAIN}), f"{fn.qualified} is run by QtTest in {MAIN}")
        if fn.is_thread_run:
            return Affinity(frozenset({worker(cls)}), f"{fn.qualified} is QThread::run(): {worker(cls)}")
        if cls and fn.kind in ("method", "destructor"):
            if callers:
                got = self._callers_threads(fn, callers, "")
                if got.known:
                    return got
        if cls and not callers:
            slot = self.slot_or_constructor(fn, cls)
            if slot is not None:
                return slot
        if cls:
            where = self.object_of_class(cls)
            if where.known and self.is_qthread(cls):
                return Affinity(where.threads, f"{fn.qualified} is a member of the QThread subclass {cls}, called "
                                               f"on the object in the thread that created it: {where.why}")
            if where.known:
                return Affinity(where.threads, f"{fn.qualified} runs where the {cls} lives: {where.why}")
            return where
        if fn.name == "main":
            return Affinity(frozenset({MAIN}), "main() runs in the main thread")
        if callers:  # a free function runs in the threads of the code that calls it
            return self._callers_threads(fn, callers, "()")
        return Affinity(None, f"{fn.qualified} is a free function; who calls it is not modelled")

    def _callers_threads(self, fn, callers, parens: str) -> Affinity:
        """The threads of the code calling fn at each of its call sites; the first unknown one if any is."""
        got = [self.code(c.function, c.lambda_id) for c in callers]
        if all(a.known for a in got):
            threads = frozenset().union(*(a.threads for a in got))
            lines = ", ".join(str(c.line) for c in callers)
            return Affinity(threads, f"{fn.qualified}{parens} is called only at line(s) {lines}, in "
                                     f"{' and '.join(sorted(threads))}")
        return next(a for a in got if not a.known)

    def _moves_itself(self, cls: str) -> bool:
        known = self._by["moves itself"]
        if cls not in known:
            known[cls] = any((m.receiver or "this") == "this" and (m.function or "").startswith(f"{cls}::")
                             for moves in self._by["moved"].values() for m in moves)
        return known[cls]

    def slot_or_constructor(self, fn, cls: str) -> Affinity | None:
        """For an object of a class the file never creates (nor moves): its constructor runs in the thread that
        creates it, which is the thread it lives in, and a slot the file connects by pointer with the object as
        receiver (queued or direct: never Qt::DirectConnection) is called by Qt in that thread too. Both are one
        thread, which the file does not name. None when this does not apply."""
        if self.object_of_class(cls).known or self._moves_itself(cls) or self.is_qthread(cls):
            return None
        label = home(cls)
        if fn.kind == "constructor":
            return Affinity(frozenset({label}), f"{fn.qualified} is a constructor: it runs in the thread that creates "
                                                f"the {cls}, the thread the object lives in")
        conns = [c for c in self.facts.connects if c.slot == fn.qualified]
        if not conns:
            return None
        for c in conns:
            direct = (c.connection_type or "").endswith("DirectConnection")
            mine = c.context == "this" and (c.function or "").startswith(f"{cls}::")
            if direct or not mine:
                return None
        lines = ", ".join(str(c.line) for c in conns)
        return Affinity(frozenset({label}), f"{fn.qualified} is called only as a slot connected at line(s) {lines} "
                                            f"with its own object as receiver: Qt calls it in the thread the {cls} "
                                            f"lives in")

    def object_of_class(self, cls: str) -> Affinity:
        """Where objects of class cls live: where the file creates them."""
        key = ("class", cls)
        if key not in self._memo:
            if key in self._busy:
                return Affinity(None, f"where a {cls} lives depends on itself")
            self._busy.add(key)
            try:
                self._memo[key] = self._object_of_class(cls)
            finally:
                self._busy.discard(key)
        return self._memo[key]

    def _object_of_class(self, cls: str) -> Affinity:
        c = self.class_fact(cls)
        if c and c.is_test_class:
            return Affinity(frozenset({MAIN}), f"{cls} is the test object, in {MAIN}")
        made = [(v.function, v.lambda_id, v.line, v.name) for v in self._by["made of type"].get(cls, [])]
        made += [(a.function, a.lambda_id, a.line, a.var)  # calls that create objects: creating_calls
                 for a in self._by["new of type"].get(cls, [])]
        if not made:
            if self.is_qthread(cls) and not self._moves_itself(cls):
                # Qt's documented behaviour: a QThread object lives in the thread that created it, not in the one
                # it starts; the file does not say which thread that is, only that it is not the worker
                return Affinity(frozenset({creator(cls)}), f"the file never creates a {cls}; a QThread object lives "
                                                           f"in the thread that created it, never in the thread its "
                                                           f"run() runs in")
            return Affinity(None, f"the file never creates a {cls}: where it lives is decided outside the file")
        got = [self.object(name, fn, lam, line) if name else self.code(fn, lam) for fn, lam, line, name in made]
        if not all(a.known for a in got):
            return next(a for a in got if not a.known)
        threads = frozenset().union(*(a.threads for a in got))
        lines = ", ".join(str(m[2]) for m in made)
        return Affinity(threads, f"{cls} is created at line(s) {lines}, in {' and '.join(sorted(threads))}")

    # ---- objects ----
    def object(self, name: str | None, function: str | None, lambda_id: int | None, line: int = 0) -> Affinity:
        """The thread the object named `name` (seen from code in function/lambda) lives in."""
        name = (name or "").strip()
        if name.startswith("&") and name[1:].isidentifier():
            name = name[1:]  # &local: the local object itself
        if not name:
            return Affinity(None, "an expression, not a named object")
        if name == "this":
            cls = function.rsplit("::", 1)[0] if function and "::" in function else None
            if cls is None:
                return Affinity(None, "'this' outside a class")
            return self.object_of_class(cls)
        moved = self.moved_to(name, function)
        if moved is not None:
            return moved
        alloc = self._first("new into", (name, function))
        if alloc is not None:
            return self._born(alloc.function, alloc.lambda_id, f"{name} is created with new at line {alloc.line}, in {{}}")
        made = self._first("stored into", (name, function), lambda c: c.name in self.creating_calls)
        if made is not None:
            return self._born(made.function, made.lambda_id,
                              f"{name} comes from {made.name}() at line {made.line}, in {{}}, which creates it there")
        var = self._first("variable", (name, function), lambda v: "*" not in v.type and "&" not in v.type)
        if var is not None:
            return self._born(var.function, var.lambda_id, f"{name} is a local object declared at line {var.line}, in {{}}")
        return Affinity(None, f"{name} is passed in or obtained from outside this function: its thread is not "
                              f"decidable from the file")

    def _born(self, function: str | None, lambda_id: int | None, why: str) -> Affinity:
        """An object lives where the code that creates it runs; `why` has a {} for those threads."""
        here = self.code(function, lambda_id)
        if not here.known:
            return here
        return Affinity(here.threads, why.format(" and ".join(sorted(here.threads))))

    def moved_to(self, name: str, function: str | None) -> Affinity | None:
        move = self._first("moved", (name, function))
        if move is None:
            return None
        arg = move.args[0] if move.args else None
        cls = bare_type(arg.type) if arg else ""
        if arg is not None and cls != "QThread" and self.is_qthread(cls):
            return Affinity(frozenset({worker(cls)}), f"{name} is moved to {worker(cls)} by moveToThread() "
                                                      f"at line {move.line}")
        target = (arg.name or arg.text.lstrip("&").strip()) if arg is not None else ""
        if arg is not None and cls == "QThread" and target.isidentifier():
            label = f"the thread of QThread {target}"
            return Affinity(frozenset({label}), f"{name} is moved to {label} by moveToThread() at line {move.line}")
        return Affinity(None, f"{name} is moved by moveToThread() at line {move.line} to a thread not named in "
                              f"the file")

    # ---- lambdas ----
    def lambda_(self, lambda_id: int) -> Affinity:
        lam = self.facts.lambdas[lambda_id]
        conn = self._first("connected", lambda_id)
        # the first call (in the file's order) that passes this lambda, or a lambda it holds, to a new thread
        passing = self._by["starts lambda"].get(lambda_id, []) + [
            (i, c) for i, c in self._by["starts in"].get(lam.function, []) if c.line <= lam.line <= c.end_line]
        starter = min(passing, key=lambda p: p[0])[1] if passing else None
        if starter is not None:  # QThread::create([...] { ... }): the lambda is the new thread's body
            label = f"the thread {starter.qualified}() at line {starter.line} starts"
            return Affinity(frozenset({label}), f"the lambda at line {lam.line} is the body of {label}")
        if conn is None:
            return self.code(lam.function, lam.parent_lambda)
        direct = (conn.connection_type or "").endswith("DirectConnection")
        if conn.context and not direct:
            where = self.object(conn.context, conn.function, conn.lambda_id)
            kind = (conn.connection_type or "AutoConnection").split("::")[-1]
            if where.known:
                return Affinity(where.threads, f"the lambda at line {lam.line} is connected ({kind}) with context "
                                               f"{conn.context}, so it runs where {conn.context} lives: {where.why}")
            return where
        signal = conn.signal or "the signal"
        emitted = self.emitters(conn.signal, conn.sender, conn.function)
        if conn.signal in self.worker_signals:
            emitted = self.started_in(conn.sender, conn.function, conn.signal)
        if emitted is None:
            emitted = self.object(conn.sender, conn.function, conn.lambda_id)
            how = f"{signal} is emitted by {conn.sender} in its own thread: {emitted.why}"
        else:
            how = emitted.why
        if not emitted.known:
            return emitted
        why = "with Qt::DirectConnection" if direct else "without a context object"
        return Affinity(emitted.threads, f"the lambda at line {lam.line} is connected {why} to {signal}, so it runs "
                                         f"in the emitting thread; {how}")

    def emitters(self, signal: str | None, sender: str, function: str | None) -> Affinity | None:
        """For a signal the file declares, the threads of the code that emits it (None for Qt's own signals)."""
        if not signal or "::" not in signal:
            return None
        cls, name = signal.rsplit("::", 1)
        c = self.class_fact(cls)
        if c is None or name not in {s for s, _ in c.signals}:
            return None
        sites = self._by["callee"].get(signal, [])
        if not sites:
            return Affinity(None, f"{signal} is never emitted in the file")
        got = [self.code(k.function, k.lambda_id) for k in sites]
        if not all(a.known for a in got):
            return next(a for a in got if not a.known)
        threads = frozenset().union(*(a.threads for a in got))
        lines = ", ".join(str(k.line) for k in sites)
        return Affinity(threads, f"{signal} is emitted at line(s) {lines}, in {' and '.join(sorted(threads))}")

    def started_in(self, sender: str, function: str | None, signal: str) -> Affinity:
        """QThread::started and the like are emitted by the new thread itself, not where the QThread lives."""
        name = sender.lstrip("&").strip()
        if name == "this" and function and "::" in function and self.is_qthread(function.rsplit("::", 1)[0]):
            cls = function.rsplit("::", 1)[0]
            return Affinity(frozenset({worker(cls)}), f"{signal} is emitted by {worker(cls)}")
        var = self._first("variable", (name, function))
        cls = bare_type(var.type) if var else ""
        if cls and cls != "QThread" and self.is_qthread(cls):
            return Affinity(frozenset({worker(cls)}), f"{signal} is emitted by {worker(cls)}")
        if cls == "QThread" and "*" not in var.type:
            label = f"the thread of QThread {name}"
            return Affinity(frozenset({label}), f"{signal} of {name} is emitted by {label}")
        return Affinity(None, f"{signal} is emitted by a thread {sender} names, which the file does not show")
