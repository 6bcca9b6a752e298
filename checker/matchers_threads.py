"""Matchers over the thread model: members and objects touched from more than one thread."""

from __future__ import annotations

import re

from .facts import Facts
from .matchers import STR_LIST, Site, _merge, _scope, _where, code_of, function_names, grouped, matcher
from .spans import per_check
from .threads import MAIN, ThreadModel, bare_type, outside, surely_distinct, worker


def _guarded(body: dict, function, lambda_id, line: int, lockers: list[str], lock_calls: list[str]) -> int | None:
    """The line of a lock held at `line` in the same function body (a locker declared before it, or lock()).
    body: the variables and the calls of each function or lambda body, by kind then by code_of()."""
    for v in body["variables"].get((function, lambda_id), []):
        if v.line <= line and any(bare_type(v.type).startswith(t) for t in lockers):
            return v.line
    for c in body["calls"].get((function, lambda_id), []):
        if c.line <= line and c.name in lock_calls:
            return c.line
    return None


def _label(threads) -> str:
    return " and ".join(sorted(threads)) if threads else "?"


@matcher("cross-thread-member", lockers=STR_LIST, lock_calls=STR_LIST, atomic_types=STR_LIST,
         creating_calls=STR_LIST, worker_signals=STR_LIST)
def cross_thread_member(facts: Facts, params: dict) -> list[Site]:
    model = ThreadModel(facts, set(params.get("creating_calls", [])), set(params.get("worker_signals", [])))
    locks = _lock_model(facts, params)
    by_field: dict[str, list] = {}
    for m in facts.members + facts.global_accesses:
        by_field.setdefault(m.field, []).append(m)
    globals_ = {g.field for g in facts.global_accesses}
    # start() and wait() calls on a named object, by the code they stand in (asked per access of a thread's member)
    starts_waits = grouped([c for c in facts.calls if c.name in ("start", "wait") and c.receiver], code_of)
    sites = []
    for name, accesses in by_field.items():
        cls, member = name.rsplit("::", 1) if "::" in name else ("", name)
        ftype = facts.field_types.get(name, "")
        atomic = any(t in ftype for t in params.get("atomic_types", []))
        rows, unknown, before_start, ordered = [], None, [], []
        for a in sorted(accesses, key=lambda a: (a.line, not a.write)):
            fn = facts.function_named(a.function)
            if fn and fn.kind == "constructor" and a.lambda_id is None and model.is_qthread(cls):
                before_start.append(a)
                continue
            if model.is_qthread(cls) and _ordered_by_start_or_wait(facts, starts_waits, a, cls, member):
                before_start.append(a)
                ordered.append(a)
                continue
            aff = model.code(a.function, a.lambda_id)
            if not aff.known:
                unknown = unknown or (a, aff)
                continue
            held = None if atomic else locks.held_at(a.function, a.lambda_id, a.line)
            # a lock held on every path to the access (locks.py); not decided counts as guarded: never a guess
            rows.append((a, aff, atomic or held.locks is None or bool(held.locks)))
        threads = sorted({t for _, aff, _ in rows for t in aff.threads})
        single = {next(iter(aff.threads)) for _, aff, _ in rows if len(aff.threads) == 1}
        cross = surely_distinct(single)  # two accesses each surely in its own thread
        if len(single) > 1 and not cross and unknown is None:  # a thread the file does not name: maybe the same
            a, aff = next((a, aff) for a, aff, _ in rows if any(outside(t) for t in aff.threads))
            unknown = (a, type(aff)(None, f"{aff.why}; whether that is the thread of the other accesses "
                                          f"({_label(single - aff.threads)}) is decided outside the file"))
        if len(threads) > 1 and not cross and unknown is None:  # one access, several possible instances' threads
            several = next((a, aff) for a, aff, _ in rows if len(aff.threads) > 1)
            unknown = (several[0], type(several[1])(None, f"{several[1].why}; which instance it touches is not "
                                                          f"decided"))
        unguarded_write = any(a.write and not ok for a, _, ok in rows)
        # a race: two threads, a write, and an access without the lock (a read outside it races with a locked write)
        unguarded = any(not ok for _, _, ok in rows) and any(a.write for a, _, _ in rows)
        flagged, protocol = cross and unguarded and unknown is None, False
        if flagged and name in globals_:
            # a namespace-scope variable shared by two threads' code: no lock orders the accesses, but a protocol
            # may (a counter tested under a lock, a semaphore, start() and wait()), which is not followed here
            first_bare = next(a for a, _, ok in rows if not ok)
            unknown = (first_bare, type(rows[0][1])(None, f"{name} is touched from {_label(threads)} and not always "
                                                          f"under a lock; whether something else orders the accesses "
                                                          f"(a counter tested under a lock, a semaphore, start() and "
                                                          f"wait()) is not followed"))
            flagged, protocol = False, True
        per_line = "; ".join(f"line {a.line} {'writes' if a.write else 'reads'} in {_label(aff.threads)}"
                             f"{' (guarded)' if ok else ''}" for a, aff, ok in _dedupe(rows))
        in_ctor = [a for a in before_start if a not in ordered]
        pre = (f"the constructor's write(s) at line(s) {', '.join(str(a.line) for a in in_ctor)} happen before "
               f"start(); " if in_ctor else "")
        pre += (f"the access(es) at line(s) {', '.join(str(a.line) for a in ordered)} happen before the thread's "
                f"start() or after its wait(); " if ordered else "")
        if protocol:
            message = f"{unknown[1].why}: {per_line}"
        elif unknown is not None:
            a, aff = unknown
            message = f"{name}: the thread of the access at line {a.line} is not decidable: {aff.why}"
        elif flagged:
            message = (f"{name} ({ftype}) is written and touched from {_label(threads)}, not always under a lock: "
                       f"{per_line}")
        elif cross:
            message = f"{name} is touched from {_label(threads)}, every write under a lock or atomic: {per_line}"
        elif threads:
            reason = "; ".join(list(dict.fromkeys(aff.why for _, aff, _ in rows))[:3])  # each function's own
            message = (f"{pre}every {'other ' if pre else ''}access to {name} runs in {threads[0]}: {per_line}; "
                       f"because {reason}")
        else:
            message = f"{pre}{name} is touched only before start()"
        where = [a for a, _, _ in rows] + before_start
        first = min(where, key=lambda a: a.line) if where else accesses[0]
        if flagged:
            first = next(a for a, _, ok in rows if not ok)
        thread_subjects = threads + (["the creating thread"] if before_start else [])
        sites.append(Site(
            line=first.line, col=1, flagged=flagged, message=message,
            subjects={"variable": [member, name], "class": [cls] if cls else [],
                      "type": [ftype, bare_type(ftype)] if ftype else [], "thread": thread_subjects},
            attrs={"threads": threads, "unguarded_write": unguarded_write, "cross_thread": cross,
                   "undecided": unknown is not None},
            evidence=sorted({a.line for a in where} - {first.line}),
            scope=_scope(facts, first.function)))
    return sites


def _ordered_by_start_or_wait(facts: Facts, starts_waits: dict, access, cls: str, member: str) -> bool:
    """Whether an access through a thread object (`worker.limit = n`, `worker.result`) happens before that
    object's start() or after its wait() with no time limit, in the same code: start() and a wait() that
    returned order the access with everything run() does, so it cannot race with it.
    starts_waits: the calls of start() and wait() on a named receiver, grouped by code_of()."""
    text = facts.source(access.line)
    calls = [c for c in starts_waits.get(code_of(access), []) if f"{cls}::{c.name}" in c.candidates
             and re.search(rf"\b{re.escape(c.receiver)}\s*(\.|->)\s*{re.escape(member)}\b", text)]
    if not calls:
        return False
    starts = sorted(c.line for c in calls if c.name == "start")
    waits = sorted(c.line for c in calls if c.name == "wait" and re.search(r"\bwait\s*\(\s*\)", c.text))
    if starts and access.line < starts[0]:
        return True  # before the first start() of that object
    done = [w for w in waits if w < access.line]
    # after a wait() that returned, with no start() of the object again in between
    return bool(done) and not any(done[-1] < line <= access.line for line in starts)


def _dedupe(rows):
    seen, out = set(), []
    for row in rows:
        key = (row[0].line, row[0].write, row[1].threads, row[2])
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


@matcher("cross-thread-object", types=STR_LIST, creating_calls=STR_LIST, lockers=STR_LIST, lock_calls=STR_LIST,
         worker_signals=STR_LIST)
def cross_thread_object(facts: Facts, params: dict) -> list[Site]:
    """Objects of the given types whose methods are called from a thread other than the one they live in."""
    model = ThreadModel(facts, set(params.get("creating_calls", [])), set(params.get("worker_signals", [])))
    types = set(params.get("types", []))
    seen: dict[tuple[str, str | None], list] = {}
    for c in facts.calls:
        if c.receiver and bare_type(c.receiver_type) in types and c.name != "moveToThread":  # moving is done from home
            seen.setdefault((c.receiver, c.function), []).append(c)
    sites = []
    body = None  # the variables and calls of each body, grouped when first asked for
    for (name, function), calls in seen.items():
        home = model.object(name, function, None)
        ctype = bare_type(calls[0].receiver_type)
        rows = [(c, model.code(c.function, c.lambda_id)) for c in sorted(calls, key=lambda c: c.line)]
        undecided = not home.known or any(not aff.known for _, aff in rows) or len(home.threads) > 1
        elsewhere = [] if undecided else [(c, aff) for c, aff in rows if aff.threads != home.threads]
        threads = sorted(set(home.threads or ()) | {t for _, aff in rows for t in (aff.threads or ())})
        if elsewhere and body is None:
            body = {"variables": grouped(facts.variables, code_of), "calls": grouped(facts.calls, code_of)}
        guarded = all(_guarded(body, c.function, c.lambda_id, c.line, params.get("lockers", []),
                               params.get("lock_calls", [])) is not None for c, _ in elsewhere)
        flagged = bool(elsewhere) and not guarded
        uses = "; ".join(f"{c.name}() at line {c.line} in {_label(aff.threads)}" for c, aff in rows)
        if undecided:
            why = home.why if not home.known or len(home.threads) > 1 else next(aff.why for _, aff in rows
                                                                                 if not aff.known)
            message = f"{name} ({ctype}): which thread uses it is not decidable: {why}"
        elif flagged:
            message = (f"{name} ({ctype}) lives in {_label(home.threads)} but is used from another thread: {uses}")
        else:
            message = (f"{name} ({ctype}) lives in {_label(home.threads)} ({home.why}) and every use runs there: "
                       f"{uses}")
        at = elsewhere[0][0] if flagged else rows[0][0]
        sites.append(Site(
            line=at.line, col=at.col, flagged=flagged, message=message,
            subjects={"variable": [name], "type": [ctype], "thread": threads,
                      "function": [function, function.split("::")[-1]] if function else [],
                      "class": [function.rsplit("::", 1)[0]] if function and "::" in function else []},
            attrs={"threads": threads, "cross_thread": len(threads) > 1, "unguarded_write": flagged,
                   "undecided": undecided},
            evidence=sorted({c.line for c, _ in rows} - {at.line}),
            scope=_scope(facts, function)))
    return sites


@matcher("locks-held", lockers=STR_LIST)
def locks_held(facts: Facts, params: dict) -> list[Site]:
    """Every access to a member or a namespace-scope variable, and every call, with the locks held there
    (locks.py). Locks themselves and their lock()/unlock() calls are not asked about."""
    from .locks import ACQUIRE, RELEASE, UNSURE, _name

    model = _lock_model(facts, params)
    locks = {v.name for v in facts.variables if model.is_locker(v.type)}
    locks |= {_name(c.receiver) for c in facts.calls if c.name in ACQUIRE | RELEASE | UNSURE and c.receiver}
    called = {c.qualified for c in facts.calls}
    rows = [(a.field, a.line, a.function, a.lambda_id, "writes" if a.write else "reads", [a.field.split("::")[-1],
             a.field], "variable") for a in facts.members + facts.global_accesses]
    rows += [(c.qualified or c.name, c.line, c.function, c.lambda_id, "calls", [c.qualified, c.name, *c.candidates],
              "callee") for c in facts.calls if c.name not in ACQUIRE | RELEASE | UNSURE]
    sites, seen = [], set()
    for name, line, function, lambda_id, how, names, kind in rows:
        short = name.split("::")[-1]
        if short in locks or function is None or (name, line, how) in seen:
            continue
        seen.add((name, line, how))
        held = model.held_at(function, lambda_id, line)
        where = "this lambda" if lambda_id is not None else f"{function.split('::')[-1]}()"
        what = f"line {line} {how} {short}{'()' if kind == 'callee' else ''}"
        if held.locks is None:
            locked, message = None, f"{what}: whether a lock is held there is not decided: {held.why}"
        elif held.locks:
            locked = True
            message = (f"{what} with {', '.join(held.locks)} locked (at line {', '.join(map(str, held.acquired))}"
                       f"{'; released at line ' + ', '.join(map(str, held.released)) if held.released else ''})")
        elif lambda_id is not None or function in called:
            locked = None
            message = (f"{what} with no lock taken in {where}; whether its callers hold one is not followed")
        else:
            locked = False
            message = (f"{what} with no lock held"
                       f"{' (released at line ' + ', '.join(map(str, held.released)) + ')' if held.released else ''}")
        subjects = _merge({kind: [n for n in names if n]}, _where(facts, function, lambda_id))
        sites.append(Site(line, 1, locked is False, message, subjects,
                          {"locked": locked, "locks": held.locks or [],  # the lock lines show, but are not, the site
                           "evidence_for": {"locked": sorted(set(held.acquired + held.released) - {line})}},
                          scope=_scope(facts, function)))
    return sites


def _lock_model(facts: Facts, params: dict):
    """The rule's LockModel: one per check for each list of lockers, its bodies solved once for every rule that
    asks (its answers depend only on the facts and the lockers)."""
    from .locks import LockModel

    lockers = tuple(params.get("lockers", []))
    return per_check(facts, ("locks", lockers), lambda: LockModel(facts, lockers))


THREAD_STARTERS = {"QThread::create", "QtConcurrent::run", "QtConcurrent::map", "QtConcurrent::mapped",
                   "QtConcurrent::filter", "QThreadPool::start", "QThreadPool::tryStart", "QObject::moveToThread"}


def _thread_starts(facts: Facts, model: ThreadModel) -> list[tuple[int, str]]:
    """(line, what) of everything in the file that starts or hands work to another thread."""
    out = []
    for c in facts.calls:
        receiver = bare_type(c.receiver_type).split("<")[0]
        if c.name == "start" and (receiver == "QThread" or model.is_qthread(receiver) or (
                not c.receiver and c.function and "::" in c.function and model.is_qthread(c.function.rsplit("::", 1)[0]))):
            out.append((c.line, f"{c.text or 'start()'}"))
        elif set(c.candidates) & THREAD_STARTERS or c.qualified in THREAD_STARTERS:
            out.append((c.line, f"{c.qualified}()"))
    for v in facts.variables:
        if bare_type(v.type).split("<")[0] in ("std::thread", "std::jthread", "thread", "jthread"):
            out.append((v.line, f"std::thread {v.name}"))
    return sorted(set(out))


@matcher("thread-of", creating_calls=STR_LIST, worker_signals=STR_LIST, file_only={"type": "boolean"})
def thread_of(facts: Facts, params: dict) -> list[Site]:
    """Which thread runs each function and lambda of the file and emits each connected signal; and one site for
    the file: whether it starts any thread at all. Qt emits an object's signals in the thread the object lives in
    (a QIODevice's readyRead, a QLocalServer's newConnection): Qt starts no thread of its own to deliver them."""
    model = ThreadModel(facts, set(params.get("creating_calls", [])), set(params.get("worker_signals", [])))
    starts = _thread_starts(facts, model)
    started = bool(starts)
    shown = "; ".join(f"{what} at line {line}" for line, what in starts[:4])
    none = ("the file starts no thread (no QThread::start(), QThread::create(), QtConcurrent, QThreadPool, "
            "moveToThread() or std::thread): all of its code runs in the main thread, and Qt emits each object's "
            "signals in the thread the object lives in")
    if params.get("file_only"):
        # no thread anywhere holds at every line, so a claim citing one (an inline comment) is answered there
        return [Site(starts[0][0] if starts else 1, 1, started,
                     f"the file starts other threads: {shown}" if started else none, {"context": ["the file"]},
                     {"threads_started": started, "other_thread_access": None if started else False},
                     evidence=[line for line, _ in starts[1:]],
                     end_line=0 if started else max(len(facts.lines), 1))]
    sites = []

    def answer(aff_of, what: str) -> tuple[bool | list | None, str]:
        if not started:
            return False, f"{what} runs in the main thread: {none}"
        aff = aff_of()
        if not aff.known:
            return None, f"which thread runs {what} is not decided: {aff.why}"
        if any(outside(t) for t in aff.threads):  # not the worker, but main or not is decided outside the file
            return None, f"which thread runs {what} is not decided: {aff.why}"
        other = sorted({t != MAIN for t in aff.threads})  # [False, True]: in the main thread and in another
        return (other[0] if len(other) == 1 else other), f"{what} runs in {' and '.join(sorted(aff.threads))}: {aff.why}"

    for fn in facts.functions:
        if not fn.is_definition or fn.line < 1:
            continue
        other, message = answer(lambda: model.code(fn.qualified, None), f"{fn.name}()")
        sites.append(Site(fn.line, fn.col, other is True or isinstance(other, list), message,
                          {"function": function_names(fn.qualified), "callee": [fn.qualified, fn.name],
                           "class": [fn.class_name] if fn.class_name else []},
                          {"other_thread": other, "threads_started": started}, end_line=fn.end_line,
                          scope=(fn.line, fn.end_line)))
    for conn in facts.connects:
        if not conn.signal:
            continue
        name = conn.signal.split("::")[-1]
        other, message = answer(lambda: model.emitters(conn.signal, conn.sender, conn.function)
                                or model.object(conn.sender, conn.function, conn.lambda_id),
                                f"{conn.sender}'s {name} signal")
        sites.append(Site(conn.line, conn.col, other is True or isinstance(other, list), message,
                          {"signal": [conn.signal, name], "callee": [conn.signal, name], "variable": [conn.sender]},
                          {"other_thread": other, "threads_started": started}, scope=_scope(facts, conn.function)))
    return sites


WAKES = {"wakeOne", "wakeAll", "notify_one", "notify_all"}
LOOPS = {"WHILE_STMT": "while", "DO_STMT": "do-while", "FOR_STMT": "for", "CXX_FOR_RANGE_STMT": "range-for"}


@matcher("wait-recheck", callees=STR_LIST, creating_calls=STR_LIST, worker_signals=STR_LIST)
def wait_recheck(facts: Facts, params: dict) -> list[Site]:
    """For each wait on a condition variable: what runs when it returns. Directly in a loop's body (`while (cond)
    wait(&m);`), the loop tests its condition again before the code goes on; in an `if`'s branch (`if (cond)
    wait(&m);`) or with no condition around it, the code goes on whatever woke it (a spurious wake-up, a wakeAll()
    meant for another waiter). A wait given a predicate (std::condition_variable's) tests it itself."""
    wanted = set(params.get("callees", []))
    stmts = {s.id: s for s in facts.stmts}
    waits = [c for c in facts.calls if (set(c.candidates) | {c.qualified}) & wanted]
    waiters = _waiters(facts, waits, stmts, params)
    sites = []
    for call in waits:
        predicate = sum(1 for a in call.args if a.kind != "default") >= 2 and call.qualified.startswith("std::")
        # the innermost if or loop that holds the wait, in the same body (blocks and expression statements skipped)
        node, guard = stmts.get(call.stmt), None
        while node is not None and node.role != "root":
            parent = stmts.get(node.parent)
            if parent is None:
                break
            if parent.kind == "IF_STMT" and node.role in ("then", "else"):
                guard = (parent, "if")
                break
            if parent.kind in LOOPS and node.role == "body":
                guard = (parent, LOOPS[parent.kind])
                break
            node = parent
        receiver = call.receiver or "the condition"
        if predicate:
            rechecked, how = True, f"{call.qualified}() at line {call.line} is given a predicate, which it tests itself"
        elif guard is None:
            rechecked, how = False, (f"{receiver}.wait() at line {call.line} stands in no if or loop of its own: "
                                     f"nothing tests a condition before or after it")
        elif guard[1] == "if":
            rechecked, how = False, (f"{receiver}.wait() at line {call.line} is in the branch of the if at line "
                                     f"{guard[0].line}: when it returns, the code goes on without testing the "
                                     f"condition again")
        else:
            rechecked, how = True, (f"{receiver}.wait() at line {call.line} is the body of the {guard[1]} loop at "
                                    f"line {guard[0].line}: its condition is tested again each time the wait returns")
        evidence = [guard[0].line] if guard and guard[0].line != call.line else []
        if call.receiver in waiters:
            how += f"; {waiters[call.receiver][1]}"
        # the wakeOne()/wakeAll() calls on the same condition: "wakeOne() would do" speaks of this wait's waiters
        wakes = [c for c in facts.calls if c.receiver and c.receiver == call.receiver and c.name in WAKES]
        sites.append(Site(call.line, call.col, not rechecked, how,
                          _merge({"callee": [call.qualified, call.name, *call.candidates, *(c.name for c in wakes)],
                                  "variable": [receiver] if call.receiver else []},
                                 _where(facts, call.function, call.lambda_id)),
                          {"rechecked": rechecked, "guard": guard[1] if guard else None,
                           "single_waiter": waiters[call.receiver][0] if call.receiver in waiters else None,
                           "evidence_for": {"single_waiter": sorted({c.line for c in wakes})}},
                          evidence=evidence, scope=_scope(facts, call.function)))
    return sites


def _in_loop(stmts: dict, sid) -> bool:
    node = stmts.get(sid)
    while node is not None:
        if node.kind in LOOPS:
            return True
        node = stmts.get(node.parent)
    return False


def _waiters(facts: Facts, waits: list, stmts: dict, params: dict) -> dict[str, tuple[bool | None, str]]:
    """For each condition variable the file waits on: whether only one thread can ever be waiting on it (all its
    waits run in one worker thread of a class the file makes exactly once, outside any loop, or all in the main
    thread), with the reason."""
    model = ThreadModel(facts, set(params.get("creating_calls", [])), set(params.get("worker_signals", [])))
    out: dict[str, tuple[bool | None, str]] = {}
    by_cond: dict[str, list] = {}
    for w in waits:
        if w.receiver:
            by_cond.setdefault(w.receiver, []).append(w)
    for cond, calls in by_cond.items():
        affs = [model.code(c.function, c.lambda_id) for c in calls]
        lines = ", ".join(str(c.line) for c in calls)
        if not all(a.known for a in affs):
            out[cond] = (None, next(a.why for a in affs if not a.known))
            continue
        threads = frozenset().union(*(a.threads for a in affs))
        if len(threads) != 1:
            out[cond] = (False, f"{cond} is waited on at line(s) {lines}, in {_label(threads)}")
            continue
        label = next(iter(threads))
        if label == MAIN:
            out[cond] = (True, f"{cond} is waited on only at line(s) {lines}, in the main thread")
            continue
        cls = next((c for c in {f.class_name for f in facts.functions if f.is_thread_run} if c and worker(c) == label),
                   None)
        made = [v for v in facts.variables if cls and bare_type(v.type) == cls and "*" not in v.type
                and "&" not in v.type] + [a for a in facts.allocations if cls and bare_type(a.type) == cls]
        if cls and len(made) == 1 and not _in_loop(stmts, getattr(made[0], "stmt", None)):
            out[cond] = (True, f"{cond} is waited on only at line(s) {lines}, in {label}, and the file makes one "
                               f"{cls} (line {made[0].line}): one thread can be waiting on it")
        else:
            out[cond] = (None, f"{cond} is waited on only in {label}; how many {cls or 'such'} threads run is not "
                               f"decided by the file")
    return out


@matcher("user-interface", gui_modules=STR_LIST, app_types=STR_LIST)
def user_interface(facts: Facts, params: dict) -> list[Site]:
    """One answer for the file: does its program have a user interface that a blocked main thread would freeze?
    No, when the file's main() makes a QCoreApplication (no QApplication or QGuiApplication) and nothing the file
    includes, directly or through the headers it reaches, comes from Qt's GUI modules (QtGui, QtWidgets, QtQuick,
    QtQml): a console program. Otherwise not decided here (whether a wait freezes an interface depends on the
    thread it blocks and for how long)."""
    gui = tuple(f"/{m}/" for m in params.get("gui_modules", []))
    apps = set(params.get("app_types", []))
    main = next((f for f in facts.functions if f.name == "main" and f.is_definition and not f.class_name), None)
    made = [v for v in facts.variables if main and v.function == main.qualified and bare_type(v.type) in apps]
    made += [a for a in facts.allocations if main and a.function == main.qualified and bare_type(a.type) in apps]
    reached = sorted(str(n) for n in facts.include_graph if any(g in str(n) for g in gui))
    core = [m for m in made if bare_type(m.type) == "QCoreApplication"]
    if main is not None and core and len(core) == len(made) and not reached:
        ui, message = False, (f"the program has no user interface: main() at line {main.line} makes a "
                              f"QCoreApplication (line {core[0].line}), not a QApplication or QGuiApplication, and the "
                              f"file reaches no header of Qt's GUI modules: a console program, with nothing to freeze")
        line, evidence = main.line, [core[0].line]
    else:
        why = ("the file defines no main() making the application object" if main is None or not made else
               f"main() makes a {bare_type(made[0].type)} (line {made[0].line})" if not core or len(core) < len(made)
               else f"the file reaches a header of Qt's GUI modules ({reached[0].rsplit('/', 2)[-2]})")
        ui, message = None, f"whether the program has a user interface is not decided by this file: {why}"
        line, evidence = (main.line if main else 1), ([made[0].line] if made else [])
    # the answer is main()'s: a claim citing any line of it is about it
    return [Site(line, 1, False, message, {"context": ["the file"]}, {"ui": ui}, evidence=evidence,
                 end_line=main.end_line if main else 0)]


def _spans(lines: list[int]) -> str:
    """'70-75, 80' from sorted line numbers (runs of consecutive lines joined)."""
    out, start, prev = [], None, None
    for ln in lines:
        if start is None:
            start = prev = ln
        elif ln == prev + 1 or ln == prev:
            prev = ln
        else:
            out.append(f"{start}-{prev}" if prev != start else str(start))
            start = prev = ln
    if start is not None:
        out.append(f"{start}-{prev}" if prev != start else str(start))
    return ", ".join(out)


@matcher("lock-scope", lockers=STR_LIST)
def lock_scope(facts: Facts, params: dict) -> list[Site]:
    """For each function or lambda body that takes a lock: does it keep the lock from where it first takes it to
    its end, or does work run with the lock released (locks.py over the control-flow graph)? The work is every
    call and every access to a member or namespace-scope variable after the first lock(); waiting on a condition
    variable with the mutex (it releases it while waiting) and the lock calls themselves are not work."""
    from .locks import ACQUIRE, RELEASE, UNSURE
    from .locks import _name as _lock_name

    model = _lock_model(facts, params)
    work: dict[tuple, set[int]] = {}
    for c in facts.calls:
        if c.name not in ACQUIRE | RELEASE | UNSURE:
            # cond.wait(&mutex) releases the mutex while it waits: no work under it, nor outside it
            waits_on = {_lock_name(a.text) for a in c.args if a.kind != "default"} if c.name == "wait" else set()
            work.setdefault((c.function, c.lambda_id), set()).add((c.line, frozenset(waits_on), ""))
    for a in facts.members + facts.global_accesses:
        work.setdefault((a.function, a.lambda_id), set()).add((a.line, frozenset(), a.field.split("::")[-1]))
    bodies = sorted({(c.function, c.lambda_id) for c in facts.calls if c.name in ACQUIRE and c.function} |
                    {(v.function, v.lambda_id) for v in facts.variables if v.function and model.is_locker(v.type)},
                    key=lambda k: (k[0], -1 if k[1] is None else k[1]))
    sites = []
    for function, lambda_id in bodies:
        body = model._body(function, lambda_id)
        if body is None or not body.events:
            continue
        fn = facts.function_named(function)
        where = "this lambda" if lambda_id is not None else f"{function.split('::')[-1]}()"
        for lock in sorted({lk for _, lk, _ in body.events}):
            taken = sorted(ln for ln, lk, on in body.events if lk == lock and on)
            given = sorted(ln for ln, lk, on in body.events if lk == lock and not on)
            if not taken:
                continue
            lines = sorted({ln for ln, waits_on, name in work.get((function, lambda_id), ()) if ln > taken[0]
                            and lock not in waits_on and name != lock})  # the lock itself is no work
            answers = [(ln, model.held_at(function, lambda_id, ln)) for ln in lines]
            unknown = next((h for _, h in answers if h.locks is None), None)
            free = [ln for ln, h in answers if h.locks is not None and lock not in h.locks]
            held = [ln for ln, h in answers if h.locks is not None and lock in h.locks]
            if unknown is not None:
                whole, message = None, f"whether {where} keeps {lock} locked is not decided: {unknown.why}"
            elif free:
                whole = False
                message = (f"{where} does not keep {lock} locked throughout: it takes it at line(s) "
                           f"{', '.join(map(str, taken))} and releases it at line(s) {', '.join(map(str, given))}; "
                           f"the work at line(s) {_spans(free[:10])}{' ...' if len(free) > 10 else ''} runs with "
                           f"{lock} released"
                           + (f" (it holds it only around line(s) {_spans(held)})" if held else ""))
            else:
                whole = True
                message = (f"{where} keeps {lock} locked from line {taken[0]} to its end"
                           + (f": the work at line(s) {_spans(held)} all runs with it held" if held else ""))
            names = function_names(function) + (["the worker", "the worker thread"] if fn and fn.is_thread_run
                                                 and lambda_id is None else [])
            sites.append(Site(taken[0], 1, whole is True, message,
                              {"variable": [lock], "function": names,
                               "class": [function.rsplit("::", 1)[0]] if "::" in function else [],
                               **({"context": ["lambda"]} if lambda_id is not None else {})},
                              {"whole": whole}, evidence=sorted(set(taken[1:] + given))[:8],
                              scope=_scope(facts, function)))
    return sites


@matcher("destroyed-where", creating_calls=STR_LIST, worker_signals=STR_LIST)
def destroyed_where(facts: Facts, params: dict) -> list[Site]:
    """For each QObject the file holds by value in a function (a local, on the stack): it is destroyed where its
    block ends, by the thread that runs that code, the same thread that made it. Objects made with new are not
    answered here (who deletes them, and where, is for the ownership questions)."""
    model = ThreadModel(facts, set(params.get("creating_calls", [])), set(params.get("worker_signals", [])))
    sites = []
    for v in facts.variables:
        if not v.qobject or v.is_param or not v.function or "*" in v.type or "&" in v.type:
            continue
        cls = bare_type(v.type)
        where = "the lambda" if v.lambda_id is not None else f"{v.function.split('::')[-1]}()"
        aff = model.code(v.function, v.lambda_id)
        end = f"line {v.block_end}" if v.block_end else "the end of its block"
        threads = (f" ({where} runs in {' and '.join(sorted(aff.threads))})" if aff.known and not any(
            outside(t) for t in aff.threads) else "")
        message = (f"{v.name} ({cls}) is a local object of {where}, made at line {v.line} and destroyed at {end}, "
                   f"where its block ends, by the same thread that made it{threads}: a local never outlives "
                   f"the code that made it")
        sites.append(Site(v.line, v.col, False, message,
                          _merge({"variable": [v.name], "class": [cls, cls.split("::")[-1]], "type": [cls]},
                                 _where(facts, v.function, v.lambda_id)),
                          {"destroyed_elsewhere": False, "local": True},
                          evidence=[v.block_end] if v.block_end and v.block_end != v.line else [],
                          scope=_scope(facts, v.function)))
    return sites
