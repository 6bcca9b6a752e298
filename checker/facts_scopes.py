"""Scopes domain of the facts: for each class the file names (as a type or a qualifier), every name its scope
holds, its bases' included: methods, data members, nested types and the enumerators of its unscoped enums, with
the header line of each of its own enumerations. A claim that proposes `QLocalSocket::NoError` is then looked up
as the compiler would look it up.

Collected during the single walk: facts.py calls `note_class` for each reference to a class; each class is
recorded once, and a class whose scope cannot be read in full (a base that is a template parameter, a base
without a definition) is not recorded at all, so that no name is ever said to be missing from it by mistake.
"""

from __future__ import annotations

from . import cursors
from .facts_decls import _where
from .records import ClassScope

_MAX_DEPTH = 12


def _scope_names(collector, decl, depth: int) -> frozenset[str] | None:
    """The names decl's scope holds, its bases' included; None when some of them cannot be read. A class's names
    are read once per walk (by its definition's USR): every class of the file that derives from QObject would
    otherwise read QObject's hundreds of members again."""
    K = collector.K
    if depth > _MAX_DEPTH:
        return None
    definition = decl.get_definition()
    if definition is None:
        return None
    usr = definition.get_usr()
    known = collector._scope_names.get(usr) if usr else None
    if known is not None:
        return known
    out: set[str] = set()
    for child in cursors.children(definition):
        kind = child.kind
        if kind == K.CXX_BASE_SPECIFIER:
            base = child.type.get_canonical().get_declaration()
            if base is None or base.kind not in (K.CLASS_DECL, K.STRUCT_DECL):
                return None
            names = _scope_names(collector, base, depth + 1)
            if names is None:
                return None
            out |= names
            continue
        if kind == K.ENUM_DECL and not child.is_scoped_enum():
            out.update(e.spelling for e in cursors.children(child) if e.kind == K.ENUM_CONSTANT_DECL)
        if kind.name == "USING_DECLARATION":  # `using Base::name;`: a name of its own scope
            out.add(child.spelling)
        if child.spelling:
            out.add(child.spelling)
    names = frozenset(out)
    if usr:
        collector._scope_names[usr] = names
    return names


def note_class(collector, decl) -> None:
    """A CLASS_DECL or STRUCT_DECL the code names."""
    seen = collector._decls_seen
    key = ("scope", decl.hash)
    if key in seen:
        return
    seen.add(key)
    definition = decl.get_definition()
    if definition is None or not definition.spelling:
        return
    names = _scope_names(collector, definition, 0)
    if names is None:
        return
    K = collector.K
    enums = []
    for child in cursors.children(definition):
        if child.kind == K.ENUM_DECL and child.spelling:
            enums.append([child.spelling, _where(collector, child)] + [e.spelling for e in cursors.children(child)
                                                                       if e.kind == K.ENUM_CONSTANT_DECL])
    collector.facts.class_scopes.append(ClassScope(collector.qualified(definition), sorted(names),
                                                   _where(collector, definition), enums))
