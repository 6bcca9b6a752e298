"""Values domain of the facts: arrays whose size is a constant, the subscripts into them with the range of the
index the code fixes, and the calls that pass such an array with a count (`readLine(str, 100)`).

Collected during the single walk (facts.py calls `on_subscript` at each ARRAY_SUBSCRIPT_EXPR and `on_call` at each
call). Constants are evaluated here from the AST: integer and character literals, enumerators, `const`/`constexpr`
variables with a constant initializer, `sizeof`, casts and the arithmetic operators. An index's range is fixed by:
a constant; `e % N` (0..N-1 when e is never negative); `e & M`; the counter of a `for` loop
(`for (int i = A; i < B; ++i)` whose body never writes i); a variable that starts at a constant and is only ever
increased; an unsigned type (never negative); sums, differences and products of those. Anything else is left
unfixed (None), never guessed.
"""

from __future__ import annotations

from . import cursors
from .records import ArrayIndexFact, BufferArgFact, ConstantCastFact, CStringFact, TemporaryPointerFact

MAX_DEPTH = 12  # constants defined through constants, this deep at most
WRAPPERS = ("UNEXPOSED_EXPR", "PAREN_EXPR", "CSTYLE_CAST_EXPR", "CXX_STATIC_CAST_EXPR", "CXX_FUNCTIONAL_CAST_EXPR")
FUNCTION_KINDS = ("CXX_METHOD", "FUNCTION_DECL", "CONSTRUCTOR", "DESTRUCTOR", "FUNCTION_TEMPLATE", "LAMBDA_EXPR")
COMPOUND_WRITES = {"=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>="}
# what may stand between a subscript and its loop's body for the subscript to run on every iteration
UNCONDITIONAL = {"COMPOUND_STMT", "UNEXPOSED_EXPR", "PAREN_EXPR", "BINARY_OPERATOR", "CALL_EXPR", "DECL_STMT",
                 "VAR_DECL", "CSTYLE_CAST_EXPR", "ARRAY_SUBSCRIPT_EXPR", "MEMBER_REF_EXPR", "UNARY_OPERATOR"}
INTEGER_KINDS = {"INT", "UINT", "LONG", "ULONG", "LONGLONG", "ULONGLONG", "SHORT", "USHORT", "CHAR_S", "CHAR_U",
                 "SCHAR", "UCHAR"}
LEAVING = ("BREAK_STMT", "RETURN_STMT", "GOTO_STMT", "CXX_THROW_EXPR")


def _kind(c) -> str:
    return c.kind.name


def _strip(c):
    """An expression without parentheses, implicit conversions and casts (a cast of a constant keeps its value
    only when it fits: checked by the caller through the type's size)."""
    while _kind(c) in WRAPPERS:
        kids = cursors.children(c)
        kids = [k for k in kids if _kind(k) not in ("TYPE_REF", "NAMESPACE_REF", "TEMPLATE_REF")]
        if len(kids) != 1:
            break
        c = kids[0]
    return c


def _tokens(c) -> list[str]:
    try:
        return [t.spelling for t in c.get_tokens()]
    except Exception:  # a cursor without an extent (written by a macro): no tokens
        return []


def binary_op(c) -> str:
    """The operator of a BINARY_OPERATOR / COMPOUND_ASSIGNMENT_OPERATOR, read from its tokens."""
    kids = cursors.children(c)
    if len(kids) != 2:
        return ""
    left = len(_tokens(kids[0]))
    toks = _tokens(c)
    return toks[left] if 0 < left < len(toks) else ""


def unary_op(c) -> str:
    toks = _tokens(c)
    if not toks:
        return ""
    if toks[0] in ("++", "--", "-", "+", "~", "!", "&", "*"):
        return toks[0]
    if toks[-1] in ("++", "--"):
        return "post" + toks[-1]
    return ""


def constant(c, depth: int = 0) -> int | None:
    """The value of an integer constant expression, or None."""
    if depth > MAX_DEPTH or c is None:
        return None
    if _kind(c) in WRAPPERS:  # a conversion (written or implicit) to an integer type: the value it gives
        inner = _strip(c)
        if inner == c:
            return None
        value = constant(inner, depth + 1)
        return None if value is None else _convert(value, c.type.get_canonical())
    kind = _kind(c)
    if kind == "INTEGER_LITERAL":
        toks = _tokens(c)
        if len(toks) != 1:
            return None
        text = toks[0].lower().rstrip("ul").replace("'", "")
        try:
            return int(text, 0) if not (len(text) > 1 and text[0] == "0" and text[1].isdigit()) else int(text, 8)
        except ValueError:
            return None
    if kind == "CHARACTER_LITERAL":
        toks = _tokens(c)
        if toks and len(toks[0]) == 3 and toks[0][0] == toks[0][2] == "'":
            return ord(toks[0][1])
        return None
    if kind == "CXX_BOOL_LITERAL_EXPR":
        toks = _tokens(c)
        return {"true": 1, "false": 0}.get(toks[0]) if toks else None
    if kind in ("DECL_REF_EXPR", "MEMBER_REF_EXPR"):
        ref = c.referenced
        if ref is None:
            return None
        if _kind(ref) == "ENUM_CONSTANT_DECL":
            return ref.enum_value
        if _kind(ref) == "VAR_DECL" and ref.type.is_const_qualified():
            inits = [k for k in cursors.children(ref) if _kind(k) not in ("TYPE_REF", "NAMESPACE_REF")]
            return constant(inits[-1], depth + 1) if inits else None
        return None
    if kind == "CXX_UNARY_EXPR":  # sizeof(T), sizeof expr, alignof
        toks = _tokens(c)
        if not toks or toks[0] != "sizeof":
            return None
        kids = cursors.children(c)
        size = kids[0].type.get_size() if kids else -1
        if size is None or size < 0:
            # sizeof(int): no child cursor for a builtin type; the expression's own type is size_t, so ask the
            # type spelled between the parentheses through a child-less parse of the tokens
            return _builtin_size(toks)
        return size
    if kind == "UNARY_OPERATOR":
        kids = cursors.children(c)
        value = constant(kids[0], depth + 1) if len(kids) == 1 else None
        op = unary_op(c)
        if value is None:
            return None
        return {"-": -value, "+": value, "~": ~value, "!": int(not value)}.get(op)
    if kind == "BINARY_OPERATOR":
        kids = cursors.children(c)
        if len(kids) != 2:
            return None
        a, b = constant(kids[0], depth + 1), constant(kids[1], depth + 1)
        if a is None or b is None:
            return None
        return _apply(binary_op(c), a, b)
    return None


_BUILTIN_SIZES = {"char": 1, "signed char": 1, "unsigned char": 1, "bool": 1, "short": 2, "unsigned short": 2,
                  "int": 4, "unsigned int": 4, "unsigned": 4, "long long": 8, "unsigned long long": 8,
                  "qint8": 1, "quint8": 1, "qint16": 2, "quint16": 2, "qint32": 4, "quint32": 4, "qint64": 8,
                  "quint64": 8, "float": 4, "double": 8}


def _convert(value: int, target) -> int | None:
    """value converted to the integer type target (modulo 2^bits, as C++20 defines it for every integer type)."""
    name = target.kind.name
    if name == "BOOL":
        return int(bool(value))
    if name not in INTEGER_KINDS:
        return value if name in ("ENUM", "RECORD", "ELABORATED", "TYPEDEF", "INVALID", "UNEXPOSED") else None
    bits = target.get_size() * 8
    if bits <= 0:
        return None
    value %= 2 ** bits
    if name not in UNSIGNED_KINDS and value >= 2 ** (bits - 1):
        value -= 2 ** bits
    return value


def _builtin_size(toks: list[str]) -> int | None:
    if len(toks) >= 4 and toks[1] == "(" and toks[-1] == ")":
        return _BUILTIN_SIZES.get(" ".join(toks[2:-1]))
    return None


def _apply(op: str, a: int, b: int) -> int | None:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/" and b:
        return int(a / b)
    if op == "%" and b:
        return a - int(a / b) * b
    if op == "<<" and 0 <= b < 64:
        return a << b
    if op == ">>" and 0 <= b < 64:
        return a >> b
    if op == "&":
        return a & b
    if op == "|":
        return a | b
    if op == "^":
        return a ^ b
    return None


# ---------------------------------------------------------------- ranges

class Range:
    """What the code fixes of an expression's value: low..high (None: unbounded on that side), how, the lines."""

    def __init__(self, low, high, how: str, lines=(), reached: bool = False):
        self.low, self.high, self.how, self.lines, self.reached = low, high, how, list(lines), reached


def _walk(c, parent=None):
    yield c, parent
    for k in cursors.children(c):
        yield from _walk(k, c)


def _writes(scope, var, skip=(), memo: dict | None = None, members: bool = False) -> list:
    """The cursors in scope that write var (assignments, ++/--, compound assignments, its address taken),
    leaving out those under the cursors in skip. Asked once per (scope, variable): many subscripts of one
    function ask it of the same variable. members: var may be a data member (`x = 1`, `this->x = 1`, any
    redeclaration of it), as the shift counts ask."""
    memo = {} if memo is None else memo  # the collector's: cursors are only compared within one parse
    key = (bytes(scope), bytes(var), tuple(bytes(s) for s in skip), members)
    kinds = ("DECL_REF_EXPR", "MEMBER_REF_EXPR") if members else ("DECL_REF_EXPR",)

    def refers(c) -> bool:
        return c.referenced.canonical == var.canonical if members else c.referenced == var
    if key in memo:
        return memo[key]
    found = memo[key] = []
    skipped = {bytes(s) for s in skip}

    def visit(c, parent):
        if bytes(c) in skipped:
            return
        kind = _kind(c)
        if kind in kinds and c.referenced is not None and refers(c) and parent is not None:
            pk = _kind(parent)
            first = cursors.children(parent)[:1]
            is_first = bool(first) and first[0] == c or (bool(first) and _strip(first[0]) == c)
            if pk in ("BINARY_OPERATOR", "COMPOUND_ASSIGNMENT_OPERATOR") and is_first and \
                    binary_op(parent) in COMPOUND_WRITES:
                found.append(parent)
            elif pk == "UNARY_OPERATOR" and unary_op(parent) in ("++", "--", "post++", "post--", "&"):
                found.append(parent)
        for k in cursors.children(c):
            visit(k, c)
    visit(scope, None)
    return found


def _through_parens(c, parents: list):
    """The first parent above c that is not a parenthesis or an implicit conversion, and the cursor below it."""
    below = c
    for p in reversed(parents):
        if _kind(p) in ("UNEXPOSED_EXPR", "PAREN_EXPR"):
            below = p
            continue
        return p, below
    return None, below


def _loop_of(var, parents: list):
    """The `for` statement among parents whose init declares var, and its children (init, cond, inc, body)."""
    for i in range(len(parents) - 1, -1, -1):
        p = parents[i]
        if _kind(p) != "FOR_STMT":
            continue
        kids = cursors.children(p)
        if len(kids) != 4 or _kind(kids[0]) != "DECL_STMT":
            continue
        if any(k == var for k in cursors.children(kids[0])):
            return p, kids, parents[i + 1:]
    return None


def _var_range(collector, ref, var, parents: list) -> Range | None:
    value = constant(ref)
    if value is not None:
        return Range(value, value, f"{ref.spelling} is the constant {value}", reached=True)
    loop = _loop_of(var, parents)
    name = var.spelling
    if loop is not None:
        stmt, (init, cond, inc, body), inside = loop
        inits = [k for k in cursors.children(var) if _kind(k) not in ("TYPE_REF", "NAMESPACE_REF")]
        start = constant(inits[-1]) if inits else None
        cond_s = _strip(cond)
        op = binary_op(cond_s) if _kind(cond_s) == "BINARY_OPERATOR" else ""
        sides = cursors.children(cond_s) if op else []
        counts_up = _kind(inc) == "UNARY_OPERATOR" and unary_op(inc) in ("++", "post++") or (
            _kind(inc) == "COMPOUND_ASSIGNMENT_OPERATOR" and binary_op(inc) == "+="
            and constant(cursors.children(inc)[1]) == 1)
        if start is None or not counts_up or op not in ("<", "<=") or len(sides) != 2 or \
                _strip(sides[0]).referenced != var or \
                _writes(body, var, memo=collector.__dict__.setdefault("_values_writes", {})):
            return None
        bound = constant(sides[1])
        line = cursors.line(stmt.location)
        high = None if bound is None else bound - 1 if op == "<" else bound
        leaves = any(_kind(k) in LEAVING for k, _ in _walk(body))
        straight = bool(inside) and inside[0] == body and all(
            _kind(p) in UNCONDITIONAL and binary_op(p) not in ("&&", "||") for p in inside[1:])
        upto = f"up to {high}" if high is not None else "upwards"
        return Range(start, high, f"the loop at line {line} counts {name} from {start} {upto} and its body never "
                     f"changes {name}", [line], reached=high is not None and not leaves and straight)
    function = next((p for p in reversed(parents) if _kind(p) in FUNCTION_KINDS), None)
    if function is None or _kind(var) != "VAR_DECL":
        return None
    if var.type.get_canonical().spelling.startswith("unsigned") or var.type.get_canonical().spelling == "bool":
        return Range(0, None, f"{name} has the unsigned type {var.type.spelling}")
    inits = [k for k in cursors.children(var) if _kind(k) not in ("TYPE_REF", "NAMESPACE_REF")]
    start = constant(inits[-1]) if inits else None
    if start is None or start < 0:
        return None
    writes = _writes(function, var, memo=collector.__dict__.setdefault("_values_writes", {}))
    increases = all(_kind(w) == "UNARY_OPERATOR" and unary_op(w) in ("++", "post++") or
                    _kind(w) == "COMPOUND_ASSIGNMENT_OPERATOR" and binary_op(w) == "+="
                    and (constant(cursors.children(w)[1]) or -1) >= 0 for w in writes)
    if not increases:
        return None
    line = cursors.line(var.location)
    return Range(start, None, f"{name} starts at {start} (line {line}) and is only ever increased", [line])


def value_range(collector, c, parents: list, depth: int = 0) -> Range | None:
    """The range the code fixes for an integer expression c (parents: the cursors above the subscript)."""
    if depth > MAX_DEPTH:
        return None
    c = _strip(c)
    value = constant(c)
    if value is not None:
        return Range(value, value, f"{' '.join(_tokens(c))} is {value}", reached=True)
    kind = _kind(c)
    if kind == "DECL_REF_EXPR" and c.referenced is not None and _kind(c.referenced) in ("VAR_DECL", "PARM_DECL"):
        return _var_range(collector, c, c.referenced, parents)
    if kind != "BINARY_OPERATOR":
        return None
    kids = cursors.children(c)
    if len(kids) != 2:
        return None
    op = binary_op(c)
    a = value_range(collector, kids[0], parents, depth + 1)
    n = constant(kids[1])
    text = " ".join(_tokens(c))
    if op == "%" and n is not None and n > 0:
        if a is not None and a.low is not None and a.low >= 0:
            high = n - 1 if a.high is None else min(n - 1, a.high)
            return Range(0, high, f"{a.how}, so it is never negative and {text} lies in 0..{high}", a.lines)
        left = " ".join(_tokens(kids[0]))
        return Range(-(n - 1), n - 1, f"{text} lies in {-(n - 1)}..{n - 1}: negative when {left} is, and the code "
                     f"does not show that {left} never is", a.lines if a else [])
    if op == "&" and n is not None and n >= 0:
        return Range(0, n, f"{text} lies in 0..{n}", a.lines if a else [])
    b = value_range(collector, kids[1], parents, depth + 1)
    if a is None or b is None or op not in ("+", "-", "*"):
        return None

    def combine(x, y):
        return None if x is None or y is None else _apply(op, x, y)
    if op == "+":
        low, high = combine(a.low, b.low), combine(a.high, b.high)
    elif op == "-":
        low, high = combine(a.low, b.high), combine(a.high, b.low)
    else:  # products: only of non-negative ranges
        if a.low is None or b.low is None or a.low < 0 or b.low < 0:
            return None
        low, high = a.low * b.low, combine(a.high, b.high)
    reached = a.reached and b.reached and (b.low == b.high or a.low == a.high)
    how = a.how if b.low == b.high else b.how if a.low == a.high else f"{a.how}; {b.how}"
    return Range(low, high, f"{how}, so {text} lies in {_span(low, high)}", a.lines + b.lines, reached)


def _span(low, high) -> str:
    return f"{'-∞' if low is None else low}..{'∞' if high is None else high}"


# ---------------------------------------------------------------- the hooks

def _array(collector, base):
    """(name, number of elements, element size, declaration text) of a named array with a constant size."""
    base = _strip(base)
    if _kind(base) not in ("DECL_REF_EXPR", "MEMBER_REF_EXPR") or base.referenced is None:
        return None
    decl = base.referenced
    if decl.type.kind.name != "CONSTANTARRAY":
        return None
    count = decl.type.get_array_size()
    element = decl.type.get_array_element_type().get_size()
    if count is None or count < 0 or element is None or element <= 0:
        return None
    loc = decl.location
    where = f"line {loc.line}" if loc.file is not None and loc.file.name == collector.main else \
        f"{loc.file.name.rsplit('/', 1)[-1]}:{loc.line}" if loc.file is not None else "its declaration"
    element_type = decl.type.get_array_element_type().spelling
    return decl.spelling, count, element, f"{element_type} {decl.spelling}[{count}] ({where})"


def on_subscript(collector, c, parents: list, function: str | None, lambda_id: int | None):
    kids = cursors.children(c)
    if len(kids) != 2:
        return
    found = _array(collector, kids[0])
    if found is None:
        return
    name, count, _, declared = found
    index = kids[1]
    rng = value_range(collector, index, parents + [c])
    names = sorted({k.spelling for k, _ in _walk(index) if _kind(k) == "DECL_REF_EXPR" and k.referenced is not None
                    and _kind(k.referenced) in ("VAR_DECL", "PARM_DECL")})
    parent, below = _through_parens(c, parents)
    write = parent is not None and _kind(parent) in ("BINARY_OPERATOR", "COMPOUND_ASSIGNMENT_OPERATOR") and \
        cursors.children(parent)[:1] == [below] and binary_op(parent) in COMPOUND_WRITES
    line, col = collector.at(c.location)
    text = " ".join(_tokens(index)) or "?"
    collector.facts.array_indexes.append(ArrayIndexFact(
        name, count, declared, text, names, rng.low if rng else None, rng.high if rng else None,
        rng.how if rng else f"the code does not fix the range of {text}", rng.lines if rng else [],
        bool(rng and rng.reached), write, line, col, function, lambda_id))


def _result_to(c, parents: list) -> str | None:
    """The variable a call's result is stored in: `int n = f()`, `n = f()`."""
    below = c
    for p in reversed(parents):
        kind = _kind(p)
        if kind in PASSING:
            below = p
            continue
        if kind == "VAR_DECL":
            return p.spelling
        if kind == "BINARY_OPERATOR" and binary_op(p) == "=" and cursors.children(p)[-1:] == [below]:
            target = _strip(cursors.children(p)[0])
            return target.spelling if _kind(target) == "DECL_REF_EXPR" else None
        return None
    return None


def on_call(collector, c, parents: list, function: str | None, lambda_id: int | None):
    """A call passing a named array with a constant size and a count right after it; a pointer taken from a
    temporary."""
    ref = c.referenced
    if ref is None:
        return
    _temporary_pointer(collector, c, ref, parents, function, lambda_id)
    _c_string(collector, c, ref, parents, function, lambda_id)
    try:
        args = list(c.get_arguments())
    except Exception:
        return
    for i in range(len(args) - 1):
        found = _array(collector, args[i])
        if found is None:
            continue
        name, count, element, declared = found
        # the count: the first integer argument after the array (memcpy(dst, src, n): n for both)
        size_arg = next((a for a in args[i + 1:] if a.type.get_canonical().kind.name in INTEGER_KINDS), None)
        if size_arg is None:
            continue
        value = constant(size_arg)
        stripped = _strip(size_arg)
        var = stripped.spelling if _kind(stripped) == "DECL_REF_EXPR" and value is None else None
        line, col = collector.at(c.location)
        collector.facts.buffer_args.append(BufferArgFact(
            collector.qualified(ref), ref.spelling, name, count * element, declared, value,
            " ".join(_tokens(size_arg)), var, line, col, function, lambda_id, _result_to(c, parents)))


# ---------------------------------------------------------------- pointers into temporaries

POINTER_KINDS = ("POINTER",)
PASSING = ("UNEXPOSED_EXPR", "PAREN_EXPR", "CSTYLE_CAST_EXPR", "CXX_STATIC_CAST_EXPR", "CXX_CONST_CAST_EXPR",
           "CXX_REINTERPRET_CAST_EXPR", "CXX_FUNCTIONAL_CAST_EXPR")


def _object_of(call):
    """The object a member call is made on (`x` of `x.f()`), or None."""
    kids = cursors.children(call)
    if not kids or _kind(kids[0]) != "MEMBER_REF_EXPR":
        return None
    inner = cursors.children(kids[0])
    return inner[0] if inner else None


def _full_expression_end(c, parents: list) -> int:
    """The last line of the full-expression holding c: the expression right below the nearest statement."""
    below = c
    for p in reversed(parents):
        if p.kind.is_statement() or _kind(p) in ("VAR_DECL", "DECL_STMT", "FIELD_DECL"):
            return below.extent.end.line
        below = p
    return below.extent.end.line


def _temporary_pointer(collector, c, ref, parents: list, function, lambda_id):
    if c.type.get_canonical().kind.name not in POINTER_KINDS:
        return
    obj = _object_of(c)
    if obj is None:
        return
    made = _strip(obj)
    # the object is a prvalue of class type: a call returning a class by value (not a reference)
    if _kind(made) != "CALL_EXPR" or made.type.get_canonical().kind.name != "RECORD" or made.referenced is None:
        return
    if made.referenced.result_type.get_canonical().kind.name in ("LVALUEREFERENCE", "RVALUEREFERENCE"):
        return
    # where the pointer goes: up through casts and parentheses
    below, use, stored, returned, receiver = c, "", None, False, None
    for p in reversed(parents):
        kind = _kind(p)
        if kind in PASSING or kind == "CALL_EXPR" and p.referenced is not None and \
                _kind(p.referenced) == "CONSTRUCTOR" and len(cursors.children(p)) == 1:
            below = p  # an implicit conversion (a QByteArrayView made of the pointer)
            continue
        if kind == "VAR_DECL":
            stored, use = p.spelling, f"stored in {p.spelling}"
        elif kind == "BINARY_OPERATOR" and binary_op(p) == "=" and cursors.children(p)[-1:] == [below]:
            target = _strip(cursors.children(p)[0])
            stored = target.spelling or " ".join(_tokens(target))
            use = f"stored in {stored}"
        elif kind == "RETURN_STMT":
            returned, use = True, "returned from the function"
        elif kind in ("CALL_EXPR", "CXX_NEW_EXPR") or kind.endswith("OPERATOR"):
            callee = p.spelling or (p.referenced.spelling if p.referenced is not None else "")
            use = f"an argument of {callee}()" if kind == "CALL_EXPR" and callee else "used in the same expression"
            receiver = callee if kind == "CALL_EXPR" and callee else None
        else:
            use = "used in the same expression"
        break
    line, col = collector.at(c.location)
    macro = collector.macro_at(line, col)
    in_macro = macro is not None and macro.name in ("qPrintable", "qUtf8Printable", "qUtf16Printable")
    text = macro.text if in_macro else (collector.text(c.extent) or "".join(_tokens(c)))
    names = [macro.name] if in_macro else []
    names += [ref.spelling, made.referenced.spelling]
    names += sorted({k.spelling for k, _ in _walk(made) if _kind(k) in ("DECL_REF_EXPR", "MEMBER_REF_EXPR")
                     and k.referenced is not None and _kind(k.referenced) in ("VAR_DECL", "PARM_DECL", "FIELD_DECL")})
    names += [n for n in (stored, receiver) if n]
    collector.facts.temp_pointers.append(TemporaryPointerFact(
        text, ref.spelling, made.type.spelling, made.referenced.spelling, use, stored, returned,
        list(dict.fromkeys(names)), line, max(_full_expression_end(c, parents), line), col, function, lambda_id))


# ---------------------------------------------------------------- QByteArray bytes as C strings

BYTE_POINTERS = {"QByteArray::constData", "QByteArray::data"}


def _c_string(collector, c, ref, parents: list, function, lambda_id):
    if collector.qualified(ref) not in BYTE_POINTERS:
        return
    obj = _object_of(c)
    if obj is None:
        return
    below, converted, receiver = c, None, None
    for p in reversed(parents):
        kind = _kind(p)
        if kind in PASSING:
            below = p
            continue
        if kind == "CALL_EXPR" and p.referenced is not None and _kind(p.referenced) == "CONSTRUCTOR" and \
                len(cursors.children(p)) == 1:
            owner = p.referenced.semantic_parent
            converted = converted or (owner.spelling if owner is not None else None)  # QString(const char *)
            below = p
            continue
        if kind == "CALL_EXPR" and p.referenced is not None:
            args = list(p.get_arguments())
            at = next((i for i, a in enumerate(args) if a == below), None)
            if at is None:
                return
            rest = [a for a in args[at + 1:at + 2] if _tokens(a)]  # a default argument is written nowhere
            if rest and rest[0].type.get_canonical().kind.name in INTEGER_KINDS:
                return  # a length goes with it: read(buf.data(), n), readDatagram(d.data(), d.size())
            receiver = p.referenced.spelling
        break
    if receiver is None:
        return
    line, col = collector.at(c.location)
    text = collector.text(c.extent) or "".join(_tokens(c))
    array = collector.text(obj.extent) or "".join(_tokens(obj))
    names = [ref.spelling, receiver] + sorted({k.spelling for k, _ in _walk(obj) if _kind(k) in (
        "DECL_REF_EXPR", "MEMBER_REF_EXPR", "CALL_EXPR") and k.spelling})
    collector.facts.c_strings.append(CStringFact(text, array, receiver, converted, list(dict.fromkeys(names)),
                                                 line, col, function, lambda_id))


# ---------------------------------------------------------------- casts of constants

CASTS = {"CSTYLE_CAST_EXPR", "CXX_STATIC_CAST_EXPR", "CXX_FUNCTIONAL_CAST_EXPR"}
UNSIGNED_KINDS = {"UINT", "ULONG", "ULONGLONG", "USHORT", "UCHAR", "CHAR_U", "BOOL"}


def on_cast(collector, c, function, lambda_id):
    target = c.type.get_canonical()
    if target.kind.name not in INTEGER_KINDS:
        return
    operands = [k for k in cursors.children(c) if _kind(k) not in ("TYPE_REF", "NAMESPACE_REF", "TEMPLATE_REF")]
    if len(operands) != 1 or operands[0].type.get_canonical().kind.name not in INTEGER_KINDS:
        return
    inner = operands[0]
    while _kind(inner) in ("UNEXPOSED_EXPR", "PAREN_EXPR") and len(cursors.children(inner)) == 1:
        inner = cursors.children(inner)[0]  # the value before the conversion the cast makes
    value = constant(inner)
    bits = target.get_size() * 8
    if value is None or bits <= 0:
        return
    low, high = (0, 2 ** bits - 1) if target.kind.name in UNSIGNED_KINDS else (-2 ** (bits - 1), 2 ** (bits - 1) - 1)
    line, col = collector.at(c.location)
    toks = _tokens(operands[0])
    names = sorted({t for t in toks if t[:1].isalpha() or t[:1] == "_"})
    collector.facts.constant_casts.append(ConstantCastFact(
        collector.text(c.extent) or " ".join(_tokens(c)), collector.text(operands[0].extent) or " ".join(toks),
        value, c.type.spelling, low, high, names, line, col, function, lambda_id))
