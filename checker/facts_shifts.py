"""Shifts domain of the facts: every built-in left shift of the main file's functions (`1 << (2 * pass + 6)`) and
the range the code fixes for its count, in two settings: with every member at its default (its initializer, in the
class or at its out-of-line definition, or a constructor's), and once the class's own functions have stored what
they may (a setter storing its parameter unchecked leaves the member unbounded).

A count's variable is bounded by the condition of the loop around the shift (`while (pass < numPasses)`) when the
shift runs in the loop's body before any write to the variable there; its lower end by its initializer and the
values it is assigned (`pass = 0`, `pass = 4`, `++pass`). Anything else is left unfixed, never guessed.
Collected during the single walk: facts.py calls `on_binary` at each binary operator.
"""

from __future__ import annotations

import os

from . import cursors
from .facts_values import INTEGER_KINDS, UNSIGNED_KINDS, _strip, _tokens, _walk, _writes, binary_op, constant, \
    unary_op
from .records import ShiftFact

LOOPS = ("WHILE_STMT", "FOR_STMT", "DO_STMT", "CXX_FOR_RANGE_STMT")
MOC_METHODS = ("metaObject", "tr", "trUtf8")


def _kind(c) -> str:
    return c.kind.name


class Val:
    """A range: low..high (None: not fixed on that side), known (False: the code does not fix it), and what fixes it."""

    def __init__(self, low=None, high=None, known=True, how=(), lines=(), names=(), steps=True):
        self.low, self.high, self.known = low, high, known
        self.how, self.lines, self.names, self.steps = list(how), list(lines), list(names), steps


UNKNOWN = Val(known=False)


def _text(c) -> str:
    return " ".join(_tokens(c)) or c.spelling or "?"


def _where(collector, cursor) -> tuple[str, int | None]:
    """'line 13' for the main file, 'renderthread.h:28' for a header; and the main file's line, if there."""
    loc = cursor.location
    if loc.file is None:
        return "its declaration", None
    if loc.file.name == collector.main:
        return f"line {loc.line}", loc.line
    return f"{os.path.basename(loc.file.name)}:{loc.line}", None


def _initializer(decl):
    kids = [k for k in cursors.children(decl) if _kind(k) not in ("TYPE_REF", "NAMESPACE_REF", "TEMPLATE_REF")]
    return kids[-1] if kids and decl.type.spelling not in (_text(kids[-1]),) else None


def _stored(collector, write, method, values: set, notes: list, setters: list) -> bool:
    """Add what one write stores to values; False when it is not known (then the member is not fixed)."""
    if _kind(write) != "BINARY_OPERATOR" or binary_op(write) != "=":
        return False
    rhs = _strip(cursors.children(write)[1])
    value = constant(rhs)
    where, _ = _where(collector, write)
    if value is not None:
        values.add(value)
        notes.append(f"{method.spelling}() sets it to {value} ({where})")
        return True
    if _kind(rhs) == "DECL_REF_EXPR" and rhs.referenced is not None and _kind(rhs.referenced) == "PARM_DECL":
        param = rhs.referenced
        uses = [k for k, _ in _walk(method) if _kind(k) == "DECL_REF_EXPR" and k.referenced is not None
                and k.referenced == param]
        member = cursors.children(write)[0]
        member = _strip(member).referenced
        again = [k for k, _ in _walk(method) if _kind(k) in ("DECL_REF_EXPR", "MEMBER_REF_EXPR")
                 and k.referenced is not None and member is not None and k.referenced.canonical == member.canonical]
        # the store is the parameter's only use (no if, qBound or Q_ASSERT looks at it first) and the member's
        # only mention (no check of the member corrects it afterwards)
        if len(uses) == 1 and len(again) == 1:
            setters.append((method.spelling, where, param.spelling))
            return True
    return False


def _access(decl) -> str:
    try:
        return decl.access_specifier.name
    except ValueError:  # an access specifier libclang's Python binding does not know
        return ""


def _member(collector, decl) -> tuple[Val, Val]:
    """(the member's range at its default, its range once the class's functions have stored what they may)."""
    memo = collector.__dict__.setdefault("_shift_members", {})
    decl = decl.canonical  # the declaration in the class (a static member's definition may stand elsewhere)
    key = (decl.location.file.name if decl.location.file else "", decl.location.offset, decl.spelling)
    if key in memo:
        return memo[key]
    name = decl.spelling
    defaults, how, lines = set(), [], []
    known = True
    definition = decl.get_definition() if _kind(decl) == "VAR_DECL" else decl
    init = _initializer(definition) if definition is not None else None
    if init is not None:
        value = constant(init)
        where, line = _where(collector, definition)
        if value is None:
            known = False
        else:
            defaults.add(value)
            how.append(f"{name} is {value} (its initializer at {where})")
            lines += [line] if line else []
    elif _kind(decl) == "VAR_DECL":  # a static member or a global without initializer: zero
        defaults.add(0)
        how.append(f"{name} starts at 0 (it has static storage and no initializer)")
    cls = decl.semantic_parent
    any_values, notes, setters = set(), [], []
    any_known = True
    if decl.type.is_const_qualified():
        pass
    elif cls is None or _kind(cls) not in ("CLASS_DECL", "STRUCT_DECL") or _access(decl) not in ("PRIVATE", "PROTECTED"):
        any_known = False  # a global or a public member: any code may write it
        notes.append(f"{name} is not a private member: code outside its class may set it")
    else:
        for child in cursors.children(cls):
            if _kind(child) not in ("CXX_METHOD", "CONSTRUCTOR", "DESTRUCTOR", "FUNCTION_TEMPLATE"):
                continue
            if child.spelling.startswith("qt_") or child.spelling in MOC_METHODS or "qt_signal" in collector._notes(child):
                continue  # what moc defines: signals and Q_OBJECT's functions write no member of the class
            method = child.get_definition()
            if method is None:
                if child.is_pure_virtual_method() or child.is_deleted_method() or child.is_default_method():
                    continue
                any_known = False
                notes.append(f"{child.spelling}() is not defined where qtcheck can see it")
                continue
            for write in _writes(method, decl, members=True):
                if _kind(method) == "CONSTRUCTOR":
                    ok = _stored(collector, write, method, defaults, how, [])
                    known = known and ok
                elif not _stored(collector, write, method, any_values, notes, setters):
                    any_known = False
                    notes.append(f"{method.spelling}() changes {name} ({_where(collector, write)[0]}) in a way "
                                 f"qtcheck does not evaluate")
            if _kind(method) == "CONSTRUCTOR":  # a constructor's initializer list: `numPasses(8)`
                kids = cursors.children(method)
                for i, k in enumerate(kids):
                    if _kind(k) == "MEMBER_REF" and k.referenced is not None and k.referenced.canonical == decl.canonical:
                        value = constant(kids[i + 1]) if i + 1 < len(kids) else None
                        if value is None:
                            known = False
                        else:
                            defaults.add(value)
                            how.append(f"{name} is {value} (the initializer list at {_where(collector, k)[0]})")
    if not defaults:
        known = False
    default = Val(min(defaults), max(defaults), True, how, lines, [name]) if known else \
        Val(known=False, how=how or [f"the code does not fix {name}'s starting value"], names=[name])
    if not any_known or not default.known:
        after = Val(known=False, how=notes, names=[name, *(s[0] for s in setters)])
    elif setters:
        method, where, param = setters[0]
        after = Val(None, None, True, [f"{method}() stores its parameter {param} in {name} without checking it "
                                       f"({where}), so {name} may be any value"], lines, [name, method])
        after.names += [s[0] for s in setters[1:]]
    else:
        values = defaults | any_values
        after = Val(min(values), max(values), True, how + notes, lines, [name])
    memo[key] = (default, after)
    return default, after


def _loop_bound(collector, ref, var, parents: list, shift) -> tuple[Val, Val] | None:
    """The range of var at the shift from the condition of a loop around it (`while (var < bound)`)."""
    for i in range(len(parents) - 1, -1, -1):
        loop = parents[i]
        kind = _kind(loop)
        if kind not in ("WHILE_STMT", "FOR_STMT"):
            continue
        kids = cursors.children(loop)
        if kind == "WHILE_STMT" and len(kids) == 2:
            cond, body = kids
        elif kind == "FOR_STMT" and len(kids) == 4:
            cond, body = kids[1], kids[3]
        else:
            continue
        if i + 1 >= len(parents) or parents[i + 1] != body:
            continue  # the shift stands in the condition or the increment
        test = _strip(cond)
        op = binary_op(test) if _kind(test) == "BINARY_OPERATOR" else ""
        sides = cursors.children(test) if op else []
        if len(sides) != 2:
            continue
        left, right = _strip(sides[0]), _strip(sides[1])
        if op in ("<", "<=") and _kind(left) == "DECL_REF_EXPR" and left.referenced == var:
            bound, strict = right, op == "<"
        elif op in (">", ">=") and _kind(right) == "DECL_REF_EXPR" and right.referenced == var:
            bound, strict = left, op == ">"
        else:
            continue
        # every write of var in the body comes after the shift, outside any loop around the shift in the body
        inner = [p for p in parents[i + 2:] if _kind(p) in LOOPS]
        writes = _writes(body, var, memo=collector.__dict__.setdefault("_values_writes", {}))
        end = shift.extent.end.offset
        if any(w.extent.start.offset <= end or any(p.extent.start.offset <= w.extent.start.offset <= p.extent.end.offset
                                                   for p in inner) for w in writes):
            return None
        if any(_kind(k) == "GOTO_STMT" for k, _ in _walk(body)):
            return None
        line = cursors.line(loop.location)
        cond_text = _text(test)
        out = []
        for world in _value(collector, bound, parents, shift):
            if not world.known:
                out.append(Val(known=False, how=world.how, lines=[line, *world.lines], names=world.names))
                continue
            high = None if world.high is None else world.high - 1 if strict else world.high
            shown = f"at most {high}" if high is not None else "not bounded above"
            said = [] if high is None else [f"{cond_text} holds at the shift (the condition of the loop at line "
                                            f"{line}, and {var.spelling} changes only after the shift), so "
                                            f"{var.spelling} is {shown}"]
            out.append(Val(None, high, True, [*said, *world.how], [line, *world.lines], [var.spelling, *world.names]))
        return out[0], out[1]
    return None


def _local_low(collector, var, function) -> tuple[int | None, bool, str]:
    """The lowest value a local takes (its initializer and every value assigned to it), whether it only counts up
    by one besides constant assignments, and a sentence."""
    init = _initializer(var)
    start = constant(init) if init is not None else None
    if start is None:
        return None, False, ""
    values, steps = [start], True
    for w in _writes(function, var, memo=collector.__dict__.setdefault("_values_writes", {})):
        kind = _kind(w)
        if kind == "UNARY_OPERATOR" and unary_op(w) in ("++", "post++"):
            continue
        if kind in ("BINARY_OPERATOR", "COMPOUND_ASSIGNMENT_OPERATOR"):
            op = binary_op(w)
            value = constant(cursors.children(w)[1])
            if value is None:
                return None, False, ""
            if op == "=":
                values.append(value)
                continue
            if op == "+=" and value >= 0:
                steps = steps and value == 1
                continue
        return None, False, ""
    low = min(values)
    others = sorted(set(values[1:]))
    set_to = f", is only set to {', '.join(map(str, others))}" if others else ""
    return low, steps, f"{var.spelling} starts at {start}{set_to} and otherwise only counts up"


def _value(collector, c, parents: list, shift, depth: int = 0) -> tuple[Val, Val]:
    """The range of an integer expression at the shift: (with the defaults, after the setters)."""
    if depth > 12:
        return UNKNOWN, UNKNOWN
    c = _strip(c)
    value = constant(c)
    if value is not None:
        v = Val(value, value, True, [])
        return v, v
    kind = _kind(c)
    ref = c.referenced if kind in ("DECL_REF_EXPR", "MEMBER_REF_EXPR") else None
    if ref is not None and _kind(ref) in ("FIELD_DECL", "VAR_DECL") and (
            _kind(ref) == "FIELD_DECL" or ref.semantic_parent is not None
            and _kind(ref.semantic_parent) in ("CLASS_DECL", "STRUCT_DECL")):
        return _member(collector, ref)
    if ref is not None and _kind(ref) == "VAR_DECL":
        function = next((p for p in reversed(parents) if _kind(p) in (
            "CXX_METHOD", "FUNCTION_DECL", "CONSTRUCTOR", "DESTRUCTOR", "FUNCTION_TEMPLATE", "LAMBDA_EXPR")), None)
        bound = _loop_bound(collector, c, ref, parents, shift)
        if bound is None or function is None:
            return UNKNOWN, UNKNOWN
        low, steps, how = _local_low(collector, ref, function)
        worlds = []
        for w in bound:
            worlds.append(Val(low, w.high, w.known, w.how + ([how] if how else []), w.lines, w.names, steps))
        return worlds[0], worlds[1]
    if kind != "BINARY_OPERATOR":
        return UNKNOWN, UNKNOWN
    kids = cursors.children(c)
    op = binary_op(c)
    if len(kids) != 2 or op not in ("+", "-", "*"):
        return UNKNOWN, UNKNOWN
    a_worlds = _value(collector, kids[0], parents, shift, depth + 1)
    b_worlds = _value(collector, kids[1], parents, shift, depth + 1)
    out = []
    for a, b in zip(a_worlds, b_worlds):
        if not a.known or not b.known:
            out.append(Val(known=False, how=a.how + b.how, lines=a.lines + b.lines, names=a.names + b.names))
            continue
        if op == "+":
            low = None if a.low is None or b.low is None else a.low + b.low
            high = None if a.high is None or b.high is None else a.high + b.high
        elif op == "-":
            low = None if a.low is None or b.high is None else a.low - b.high
            high = None if a.high is None or b.low is None else a.high - b.low
        else:
            if a.low is None or b.low is None or a.low < 0 or b.low < 0:
                out.append(Val(known=False, how=a.how + b.how, lines=a.lines + b.lines, names=a.names + b.names))
                continue
            low = a.low * b.low
            high = None if a.high is None or b.high is None else a.high * b.high
        out.append(Val(low, high, True, a.how + b.how, a.lines + b.lines, a.names + b.names, a.steps and b.steps))
    return out[0], out[1]


def on_binary(collector, c, parents: list, function: str | None, lambda_id: int | None):
    if function is None:
        return
    kids = cursors.children(c)
    # the operator from the source text between the operands (a macro's operands: from their tokens)
    if len(kids) != 2 or (collector.between(kids[0], kids[1]) or binary_op(c)) != "<<":
        return
    result = c.type.get_canonical()
    if result.kind.name not in INTEGER_KINDS:
        return  # a stream's operator<< is a call, not this
    bits = result.get_size() * 8
    if bits <= 0:
        return
    left = constant(kids[0])
    default, after = _value(collector, kids[1], parents + [c], c)
    line, col = collector.at(c.location)
    lines = sorted({ln for ln in default.lines + after.lines if ln})
    names = list(dict.fromkeys(default.names + after.names))
    held = next((p for p in reversed(parents) if _kind(p) == "VAR_DECL"), None)  # `const int MaxIterations = ...`
    if held is not None and held.spelling:
        names.append(held.spelling)
    count = collector.text(kids[1].extent) or _text(kids[1])
    collector.facts.shifts.append(ShiftFact(
        collector.text(c.extent) or _text(c), left, bits, result.kind.name not in UNSIGNED_KINDS, count,
        default.low, default.high, default.known, "; ".join(dict.fromkeys(default.how)), after.high,
        after.known, "; ".join(dict.fromkeys(after.how)), default.steps and after.steps, lines, names, line, col,
        function, lambda_id))
