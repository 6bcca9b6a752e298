"""Members domain of the facts: the data members of the project's classes and how constructors set them.

Collected during the single walk: a class defined in the main file, or a class of the project's own headers
whose constructor the main file defines (`Client::Client()` in client.cpp, `class Client` in client.h), gives
one FieldFact per data member and one CtorFact per constructor it declares. A constructor the main file
defines also records its member initializer list (FunctionFact.member_inits).
"""

from __future__ import annotations

import os

from . import cursors
from .records import ClassFact, CtorFact, FieldFact


def _kind(ci, type_) -> str:
    """How a member of this type starts when no initializer names it: `class` (a constructor runs),
    `reference` (the compiler demands an initializer), or `scalar` (left indeterminate: numbers, pointers,
    enums, and plain structs or arrays of them)."""
    TK = ci.TypeKind
    t = type_.get_canonical()
    if t.kind in (TK.LVALUEREFERENCE, TK.RVALUEREFERENCE):
        return "reference"
    if t.kind == TK.CONSTANTARRAY:
        return _kind(ci, t.element_type)
    if t.kind == TK.RECORD:
        decl = t.get_declaration()
        has_ctor = any(ch.kind == ci.CursorKind.CONSTRUCTOR for ch in cursors.children(decl))
        return "class" if has_ctor or not t.is_pod() else "scalar"
    return "scalar"


def _has_initializer(field) -> bool:
    """`int x = 0;`, `int x{};`, `int a[2] = {}`: after the name, its array bounds and bit width, a `=` or `{`."""
    tokens = [t.spelling for t in field.get_tokens()]
    if field.spelling not in tokens:
        return False
    i, depth = tokens.index(field.spelling) + 1, 0
    while i < len(tokens):
        tok = tokens[i]
        if tok == "[":
            depth += 1
        elif tok == "]":
            depth -= 1
        elif depth == 0:
            return tok in ("=", "{")
        i += 1
    return False


def note_class(collector, cls) -> None:
    """Record the data members and declared constructors of a project class, once."""
    K = collector.K
    name = collector.qualified(cls)
    if name in collector._fields_seen or not cls.is_definition():
        return
    collector._fields_seen.add(name)
    facts = collector.facts
    path = cls.location.file.name if cls.location.file else ""
    file = "" if collector._is_main(cls.location) else os.path.basename(path)
    if file:
        _note_header_class(collector, cls, name, file)
    for child in cursors.children(cls):
        if child.kind == K.FIELD_DECL and child.spelling:
            if collector.macro_at(*collector.at(child.location)) and not file:
                continue  # members a macro declares (Q_OBJECT's)
            default_init = _has_initializer(child)
            facts.fields.append(FieldFact(
                name, child.spelling, child.type.spelling, child.location.line, file, default_init,
                _kind(collector.ci, child.type), "QObject" in collector.type_ancestry(child.type),
                _access(child)))
        elif child.kind == K.CONSTRUCTOR:
            if not file and collector.macro_at(*collector.at(child.location)):
                continue
            facts.ctors.append(CtorFact(
                name, child.location.line, file,
                bool(child.is_copy_constructor() or child.is_move_constructor()),
                bool(child.is_deleted_method()), bool(child.is_default_method())))


def _note_header_class(collector, cls, name: str, file: str) -> None:
    """The moc-relevant shape of a class of the project's own header: Q_OBJECT and Q_PROPERTY by their tokens (the
    preprocessing record holds the main file's macros only), signals, slots and invokables by moc's annotations."""
    K = collector.K
    ancestry = collector.ancestry(cls)
    marks = {"Q_OBJECT": None, "Q_GADGET": None}
    properties = []
    for tok in cls.get_tokens():
        if tok.spelling in marks and marks[tok.spelling] is None:
            marks[tok.spelling] = tok.location.line
        elif tok.spelling == "Q_PROPERTY":
            properties.append(tok.location.line)
    q_object = min((x for x in marks.values() if x is not None), default=None)
    fact = ClassFact(name, cursors.line(cls.location), cursors.line(cls.extent.end), [], ancestry[1:],
                     "QObject" in ancestry, q_object, properties=properties, file=file)
    for child in cursors.children(cls):
        if child.kind == K.CXX_BASE_SPECIFIER:
            fact.bases.append(collector.qualified(child.type.get_declaration()) or child.spelling)
        elif child.kind in (K.CXX_METHOD, K.FUNCTION_TEMPLATE):
            notes = collector._notes(child)
            entry = (child.spelling, cursors.line(child.location))
            if child.spelling.startswith("qt_") or child.spelling in ("metaObject", "tr", "trUtf8"):
                continue  # what Q_OBJECT itself declares
            if "qt_signal" in notes:
                fact.signals.append(entry)
            if "qt_slot" in notes:
                fact.slots.append(entry)
            if "qt_invokable" in notes:
                fact.invokables.append(entry)
    collector.facts.header_classes.append(fact)


def _access(cursor) -> str:
    try:
        return cursor.access_specifier.name.lower().replace("_", " ")  # PUBLIC, PROTECTED, PRIVATE
    except ValueError:  # an access specifier libclang's Python binding does not know
        return ""


def member_inits(collector, ctor) -> tuple[list[tuple[str, int]], bool]:
    """A constructor's initializer list: (member, line) for each member it names, and whether it delegates
    to another constructor of its class (`Foo() : Foo(0) {}`)."""
    K = collector.K
    inits, delegates = [], False
    cls = ctor.semantic_parent
    for child in cursors.children(ctor):
        if child.kind == K.MEMBER_REF:
            inits.append((child.spelling, child.location.line))
        elif child.kind == K.TYPE_REF and cls is not None and child.referenced is not None \
                and child.referenced == cls and child.location.offset > ctor.location.offset:
            delegates = True  # `Foo() : Foo(0)`; the `Foo::` of an out-of-line definition stands before the name
    return inits, delegates
