"""Matchers over the declarations domain: how the functions the file calls and the enumerations it names are
declared, for claims such as "removeServer() is static" or "LocalSocketError is an enum class"."""

from __future__ import annotations

import re

from .facts import Facts
from .matchers import Site, matcher


# Qt's and <cstdint>'s names for the built-in integer types, by the canonical spelling clang gives (LP64)
ALIASES = {
    "unsigned char": ["quint8", "uchar", "uint8_t"], "signed char": ["qint8", "int8_t"],
    "unsigned short": ["quint16", "ushort", "uint16_t"], "short": ["qint16", "int16_t"],
    "unsigned int": ["quint32", "uint", "uint32_t", "unsigned"], "int": ["qint32", "int32_t"],
    "unsigned long long": ["quint64", "qulonglong"], "long long": ["qint64", "qlonglong", "qsizetype"],
    "unsigned long": ["ulong", "size_t", "quintptr", "uint64_t"], "long": ["qintptr", "ssize_t", "int64_t"],
    "double": ["qreal"],
}


def _return_names(returns: list[str]) -> list[str]:
    """Every name a review may give the return type: as written, canonical, without const/*/&, unqualified,
    and the typedefs of the same built-in type (`quint16` for `unsigned short`)."""
    out = list(returns)
    for t in returns:
        base = re.sub(r"\bconst\b|[*&]", " ", t).split()
        base = " ".join(base)
        out += [base, base.split("::")[-1]]
        out += ALIASES.get(base, [])
    return list(dict.fromkeys(x for x in out if x))


@matcher("declaration")
def declaration(facts: Facts, params: dict) -> list[Site]:
    """One site per function the file calls (at its first call) and per enumeration it names (at its first use)."""
    first_call: dict[str, object] = {}
    for call in facts.calls:
        first_call.setdefault(call.qualified, call)
    sites = []
    for d in facts.callee_decls:
        call = first_call.get(d.qualified)
        if call is None:
            continue
        where = f" ({d.declared_at})" if d.declared_at else ""
        message = f"{d.qualified}() is declared `{d.signature}`{where}"
        if d.enum is not None:
            message += f"; {d.enum} is {'an enum class' if d.scoped_enum else 'a plain (unscoped) enum'}"
        names = list(dict.fromkeys([d.name, d.qualified, *call.candidates]))
        sites.append(Site(call.line, call.col, False, message, {"callee": names, "function": names},
                          {"static": d.static, "const": d.const, "virtual": d.virtual,
                           "returns": _return_names(d.returns), "scoped_enum": d.scoped_enum},
                          reported=False))
    for e in facts.enums:
        line = next((u.line for u in facts.symbols if u.qualified == e.qualified or u.name == e.name), 1)
        where = f" ({e.declared_at})" if e.declared_at else ""
        kind = "an enum class" if e.scoped else "a plain (unscoped) enum: its values convert to int"
        names = list(dict.fromkeys([e.name, e.qualified]))
        here = [int(e.declared_at.split()[1])] if e.declared_at.startswith("line ") else []  # declared in the file
        sites.append(Site(line, 1, False, f"{e.qualified} is {kind}{where}", {"type": names, "class": names},
                          {"scoped_enum": e.scoped}, evidence=here, reported=False))
    return sites
