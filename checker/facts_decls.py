"""Declarations domain of the facts: how the functions the file calls and the enumerations it names are declared
(return type, static, const, virtual; enum class or plain enum), with the header line that declares them.

Collected during the single walk: facts.py calls `note_callee` for each call and `note_enum` for each reference
to an enumeration type or enumerator; each declaration is recorded once.
"""

from __future__ import annotations

import os

from .records import CalleeDecl, EnumDecl


def _where(collector, cursor) -> str:
    loc = cursor.location
    if loc.file is None:
        return ""
    if collector._is_main(loc):
        return f"line {loc.line}"
    return f"{os.path.basename(loc.file.name)}:{loc.line}"


def _enum_of(type_):
    decl = type_.get_canonical().get_declaration()
    return decl if decl is not None and decl.kind.name == "ENUM_DECL" else None


def note_enum(collector, decl) -> None:
    """An ENUM_DECL the code names."""
    seen = collector._decls_seen
    key = ("enum", decl.hash)
    if key in seen:
        return
    seen.add(key)
    qualified = collector.qualified(decl)
    if not decl.spelling:
        return
    collector.facts.enums.append(EnumDecl(decl.spelling, qualified, bool(decl.is_scoped_enum()),
                                          decl.enum_type.spelling, _where(collector, decl)))


def note_callee(collector, ref, qualified: str) -> None:
    seen = collector._decls_seen
    key = ("fn", ref.hash)
    if key in seen:
        return
    seen.add(key)
    K = collector.K
    result = ref.result_type
    static = ref.kind == K.FUNCTION_DECL and False or (ref.kind == K.CXX_METHOD and ref.is_static_method())
    const = ref.kind == K.CXX_METHOD and ref.is_const_method()
    virtual = ref.kind == K.CXX_METHOD and ref.is_virtual_method()
    # each parameter as its type and name (its default is left out: `int msecs`, not `int msecs = 30000`)
    params = ", ".join(f"{a.type.spelling} {a.spelling}".strip() for a in ref.get_arguments())
    signature = (("static " if static else "virtual " if virtual else "") + f"{result.spelling} {ref.spelling}"
                 f"({params})" + (" const" if const else ""))
    enum = _enum_of(result)
    if enum is not None:
        note_enum(collector, enum)
    returns = list(dict.fromkeys([result.spelling, result.get_canonical().spelling]))
    collector.facts.callee_decls.append(CalleeDecl(
        ref.spelling, qualified, signature, returns, static, const, virtual, _where(collector, ref),
        collector.qualified(enum) if enum is not None else None,
        bool(enum.is_scoped_enum()) if enum is not None else None))
