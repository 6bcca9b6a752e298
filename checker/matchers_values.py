"""Matchers over the values domain (facts_values.py): does a subscript stay inside its array, does a call touch
more bytes of an array than it holds? For claims such as "the producer writes past index 8191 of buffer" or
"readLine(str, 100) may fill all 100 bytes and leave no room for the terminator"."""

from __future__ import annotations

from .facts import Facts
from .matchers import Site, matcher


def _subscript_site(a) -> Site:
    last = a.size - 1
    shown = f"{a.array}[{a.index}] at line {a.line}"
    if a.low is not None and a.high is not None and 0 <= a.low and a.high <= last:
        inside, message = True, f"{shown} stays inside {a.declared}: {a.how}, within 0..{last}"
    elif a.reached and a.low is not None and a.high is not None and (a.high > last or a.low < 0):
        bad = a.high if a.high > last else a.low
        inside, message = False, (f"{shown} {'writes' if a.write else 'reads'} index {bad} of {a.declared}, whose "
                                  f"indexes are 0..{last}: {a.how}")
    else:
        inside, message = None, (f"whether {shown} stays inside {a.declared} is not decided by this file: {a.how}, "
                                 f"and it does not show that the index stays within 0..{last}")
    return Site(a.line, a.col, inside is False, message, {"variable": [a.array, *a.names]},
                {"in_bounds": inside, "undecided": inside is None}, evidence=a.lines, reported=False)


def _call_site(b, calls: dict, fills: dict | None = None, sends: list | None = None,
               earlier: list | None = None) -> Site:
    shown = f"{b.name}({b.array}, {b.count_text}) at line {b.line}"
    known = calls.get(b.callee)
    subjects = {"variable": [b.array], "callee": [b.name, b.callee]}
    if known is None:
        inside, message = None, (f"how many bytes of {b.declared} {b.callee}() touches is not something qtcheck "
                                 f"knows: {shown} is not decided")
    elif b.count is None:
        inside, message = None, (f"{shown} passes {b.count_text}, whose value the file does not fix: whether it "
                                 f"stays within the {b.size} bytes of {b.declared} is decided at run time; "
                                 f"{known}")
    elif b.count <= b.size:
        inside, message = True, (f"{shown} touches at most {b.count} bytes of {b.declared}, which holds {b.size}: "
                                 f"{known}")
    else:
        inside, message = False, (f"{shown} may touch {b.count} bytes of {b.declared}, which holds only {b.size}: "
                                  f"{known}")
    whole, evidence = _whole_buffer(b, fills or {}, sends or [], earlier or [])
    if whole is not None:
        message += f"; {whole[1]}"
    return Site(b.line, b.col, inside is False, message, subjects,
                {"in_bounds": inside, "undecided_plain": inside is None, "whole_buffer": whole and whole[0]},
                evidence=evidence, reported=False)


def _whole_buffer(b, fills: dict, sends: list, earlier: list):
    """For a call that sends a buffer's bytes (write): ((does it send a fixed count rather than what the last
    fill stored, a sentence), evidence lines), or (None, [])."""
    if b.callee not in sends:
        return None, []
    fill = next((f for f in reversed(earlier) if f.array == b.array and f.callee in fills and f.line < b.line
                 and f.function == b.function and f.lambda_id == b.lambda_id), None)
    if fill is None or not fill.result_to:
        return None, []
    if b.count_var == fill.result_to:
        return (False, f"it sends the {fill.result_to} bytes {fill.name}() at line {fill.line} reported"), [fill.line]
    if b.count is not None:
        return (True, f"it sends {b.count} bytes whatever {fill.name}() at line {fill.line} stored: the count that "
                      f"call returned is in {fill.result_to}, which this call does not use, and the bytes after it "
                      f"were not written by it ({fills[fill.callee]})"), [fill.line]
    return None, []


@matcher("array-bounds", calls={"type": "object", "additionalProperties": {"type": "string"}},
         fills={"type": "object", "additionalProperties": {"type": "string"}}, sends={"type": "array",
                                                                                   "items": {"type": "string"}})
def array_bounds(facts: Facts, params: dict) -> list[Site]:
    """One site per subscript into a constant-size array and per call passing such an array with a count."""
    calls = params.get("calls") or {}
    fills, sends = params.get("fills") or {}, params.get("sends") or []
    return [_subscript_site(a) for a in facts.array_indexes] + [
        _call_site(b, calls, fills, sends, facts.buffer_args[:i]) for i, b in enumerate(facts.buffer_args)]


def _temporary_site(t) -> Site:
    head = f"{t.text} at line {t.line} points into a temporary {t.temporary} (the result of {t.producer}())"
    if t.stored:
        dangles, message = True, (f"{head}, which is destroyed at the end of that statement, but the pointer is "
                                  f"stored in {t.stored}: {t.stored} dangles from then on")
    elif t.returned:
        dangles, message = True, (f"{head}, which is destroyed when the return statement ends: the caller gets a "
                                  f"pointer into a destroyed object")
    else:
        where = f"line {t.end_line}" if t.end_line == t.line else f"lines {t.line}-{t.end_line}"
        dangles, message = False, (f"{head}, which C++ keeps alive until the end of the full-expression that made "
                                   f"it ({where}); the pointer is {t.use} within it, so it is used before the "
                                   f"temporary is destroyed and does not dangle")
    # a returned pointer is what a call of the function gives: "what label() returns dangles"
    names = list(t.names) + ([t.function.split("::")[-1]] if t.returned and t.function else [])
    return Site(t.line, t.col, dangles, message, {"callee": names, "macro": names, "variable": names},
                {"dangles": dangles}, end_line=t.end_line, reported=False)


@matcher("temporary-pointer")
def temporary_pointer(facts: Facts, params: dict) -> list[Site]:
    """One site per pointer taken from a temporary object: used within its full-expression, or kept beyond it."""
    return [_temporary_site(t) for t in facts.temp_pointers]


def _c_string_site(s) -> Site:
    how = f"converted to {s.converted_to} for {s.receiver}()" if s.converted_to else f"passed to {s.receiver}()"
    message = (f"{s.text} at line {s.line} is {how} as a plain const char * with no length: it is read up to its "
               f"first '\\0', so bytes after a NUL byte in {s.array} are left out; and a QByteArray always keeps a "
               f"'\\0' after its last byte (Qt's documentation of data() and constData()), so the read ends inside "
               f"it")
    return Site(s.line, s.col, False, message, {"callee": list(s.names), "variable": list(s.names)},
                {"nul_terminated": True, "stops_at_nul": True}, reported=False)


@matcher("c-string")
def c_string(facts: Facts, params: dict) -> list[Site]:
    """One site per QByteArray whose bytes are passed on as a bare const char * (no length)."""
    return [_c_string_site(s) for s in facts.c_strings]


def _cast_site(k) -> Site:
    fits = k.low <= k.value <= k.high
    what = f"the constant {k.value}" if k.operand.strip() == str(k.value) else f"{k.operand}, the constant {k.value},"
    if fits:
        message = (f"{k.text} at line {k.line} casts {what} to {k.target}, which holds {k.low}..{k.high}: the value "
                   f"fits, nothing is truncated")
    else:
        message = (f"{k.text} at line {k.line} casts {what} to {k.target}, which holds only {k.low}..{k.high}: the "
                   f"value does not fit and changes")
    names = [*k.names, k.target]  # `quint8(300)` reads like a call of quint8
    return Site(k.line, k.col, not fits, message, {"callee": names, "variable": list(k.names), "type": names,
                                                  "macro": list(k.names)},
                {"fits": fits}, reported=False)


@matcher("constant-cast")
def constant_cast(facts: Facts, params: dict) -> list[Site]:
    """One site per explicit cast of an integer constant to an integer type: does the value fit?"""
    return [_cast_site(k) for k in facts.constant_casts]
