"""Scopes domain of the facts: for each class the file names (as a type or a qualifier), every name its scope
holds, its bases' included: methods, data members, nested types and the enumerators of its unscoped enums, with
the header line of each of its own enumerations. A claim that proposes `QLocalSocket::NoError` is then looked up
as the compiler would look it up.

Collected during the single walk: facts.py calls `note_class` for each reference to a class; each class is
recorded once, and a class whose scope cannot be read in full (a base that is a template parameter, a base
without a definition) is not recorded at all, so that no name is ever said to be missing from it by mistake.
"""

from __future__ import annotations

from .facts_decls import _where
from .records import ClassScope

_MAX_DEPTH = 12


def _scope_names(collector, decl, depth: int, out: set[str]) -> bool:
    """Add the names decl's scope holds (its bases' too) to out; False when some of them cannot be read."""
    K = collector.K
    if depth > _MAX_DEPTH:
        return False
    definition = decl.get_definition()
    if definition is None:
        return False
    for child in definition.get_children():
        kind = child.kind
        if kind == K.CXX_BASE_SPECIFIER:
            base = child.type.get_canonical().get_declaration()
            if base is None or base.kind not in (K.CLASS_DECL, K.STRUCT_DECL) \
                    or not _scope_names(collector, base, depth + 1, out):
                return False
            continue
        if kind == K.ENUM_DECL and not child.is_scoped_enum():
            out.update(e.spelling for e in child.get_children() if e.kind == K.ENUM_CONSTANT_DECL)
        if kind.name in ("USING_DECLARATION", "CLASS_TEMPLATE", "FUNCTION_TEMPLATE") or (
                kind.name == "UNEXPOSED_DECL"):
            if kind.name == "USING_DECLARATION":  # `using Base::name;`: a name of its own scope
                out.add(child.spelling)
        if child.spelling:
            out.add(child.spelling)
    return True


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
    names: set[str] = set()
    if not _scope_names(collector, definition, 0, names):
        return
    K = collector.K
    enums = []
    for child in definition.get_children():
        if child.kind == K.ENUM_DECL and child.spelling:
            enums.append([child.spelling, _where(collector, child)] + [e.spelling for e in child.get_children()
                                                                       if e.kind == K.ENUM_CONSTANT_DECL])
    collector.facts.class_scopes.append(ClassScope(collector.qualified(definition), sorted(names),
                                                   _where(collector, definition), enums))
