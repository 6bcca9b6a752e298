"""The construction order of the file's constructors, by the C++ rule (a language fact, listed in the README):
the base classes are constructed first, in the order the class declares them, then the data members in the
order the class declares them, whatever order the initializer list writes them in; the body runs last.
For claims such as "passing this as parent in the initializer list is unsafe: the QDialog base is not yet
constructed" (refuted: the base's initializer has run) or "the members are initialized in the order they are
listed" (decided against the declaration order, as clang's -Wreorder)."""

from __future__ import annotations

import re

from .facts import Facts
from .matchers import Site, _scope, grouped, matcher
from .spans import per_check


def _short(name: str) -> str:
    return name.split("::")[-1]


def _type_names(type_spelling: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z_]\w*", type_spelling) if w not in ("const", "class", "struct")]


def _class_of(facts: Facts, name: str):
    return next((c for c in facts.classes + facts.header_classes if c.name == name), None)


def _body_line(facts: Facts, fn) -> int:
    # the bodies of functions (not lambdas), grouped once per check: a scan of every statement per constructor
    # grew with the square of the file
    roots = per_check(facts, "function bodies", lambda: grouped(
        [s for s in facts.stmts if s.role == "root" and s.lambda_id is None], lambda s: s.function))
    root = next((s for s in roots.get(fn.qualified, []) if fn.line <= s.line <= fn.end_line), None)
    return root.line if root is not None else fn.end_line


@matcher("construction-order")
def construction_order(facts: Facts, params: dict) -> list[Site]:
    """One site per member initializer of a constructor the file defines (what is constructed before it runs),
    and one per constructor with an initializer list (the order its members are really initialized in)."""
    sites = []
    for fn in facts.functions:
        if fn.kind != "constructor" or not fn.is_definition or not fn.class_name or not fn.member_inits:
            continue
        cls = _class_of(facts, fn.class_name)
        fields = {f.name: f for f in facts.fields if f.cls == fn.class_name}
        body = _body_line(facts, fn)
        bases = [_short(b) for b in (cls.bases if cls is not None else [])]
        # `: QDialog(parent)` / `, Base{}` between the constructor's name and its body
        base_inits = [(b, ln) for b in bases for ln in range(fn.line, body + 1)
                      if re.search(rf"[:,]\s*(?:\w+::)*{re.escape(b)}\s*(?:<[^;{{]*>)?\s*[({{]", facts.source(ln))]
        base_lines = sorted({line for _, line in base_inits})
        scope = _scope(facts, fn.qualified)
        common = {"class": [fn.class_name, _short(fn.class_name)], "function": [fn.qualified, fn.name],
                  "type": bases}
        # the order members are really initialized in: their declaration order (members of one file only)
        rows = [(fields[m].line, m, ln) for m, ln in fn.member_inits if m in fields]
        files = {fields[m].file for _, m, _ in rows}
        order_known = len(rows) == len(fn.member_inits) and len(files) == 1
        listed = [m for _, m, _ in rows]
        real = [m for _, m, _ in sorted(rows)]
        kept = listed == real if order_known else None
        if not bases:
            base_said = None
        else:
            explicit = {b for b, _ in base_inits}
            base_said = ", ".join(f"{b} (its initializer at line {next(ln for x, ln in base_inits if x == b)})"
                                  if b in explicit else f"{b} (its default constructor)" for b in bases)
        constructed = None if cls is None or not bases else True
        for member, line in fn.member_inits:
            field = fields.get(member)
            types = _type_names(field.type) if field is not None else []
            written = facts.source(line).split("//")[0].strip()
            if cls is None:
                message = (f"{member} is initialized at line {line}; {fn.class_name} is not defined where qtcheck "
                           f"can see it, so its bases are not known")
            elif base_said is None:
                message = (f"{member} is initialized at line {line}; {fn.class_name} has no base class, so only the "
                           f"members it declares before {member} are constructed by then")
            else:
                message = (f"{member} is initialized at line {line}, after the base class{'es' if len(bases) > 1 else ''} "
                           f"{base_said} {'are' if len(bases) > 1 else 'is'} fully constructed: C++ constructs the "
                           f"bases of {fn.class_name} before any of its members, whatever the initializer list's "
                           f"order, so `this` may be passed on there (as a QObject parent, say) as a complete "
                           f"{' and '.join(bases)}")
            uses_this = "this" in re.findall(r"\bthis\b", written)
            sites.append(Site(line, 1, False, message,
                              {**common, "variable": [member, "this"] if uses_this else [member],
                               "type": bases + types + _type_names(written)},
                              {"base_constructed": constructed, "listed_order_kept": kept},
                              evidence=base_lines, scope=scope, reported=False))
        if not order_known:
            continue
        file = fields[rows[0][1]].file
        where = (f"{file}:" if file else "lines ") + ", ".join(str(fields[m].line) for m in real)
        if kept:
            message = (f"the initializer list of {fn.qualified} (line {fn.line}) names {', '.join(listed)} in the order "
                       f"{fn.class_name} declares them ({where}), which is the order C++ initializes them in")
        else:
            first = next(i for i, (a, b) in enumerate(zip(listed, real)) if a != b)
            message = (f"the initializer list of {fn.qualified} (line {fn.line}) names {', '.join(listed)}, but C++ "
                       f"initializes members in the order {fn.class_name} declares them ({where}): {', '.join(real)}; "
                       f"{real[first]} is initialized before {listed[first]} (clang's -Wreorder)")
        sites.append(Site(fn.line, fn.col, not kept, message,
                          {"class": common["class"], "function": common["function"], "variable": listed},
                          {"listed_order_kept": kept, "base_constructed": constructed},
                          end_line=max(ln for _, _, ln in rows), evidence=[ln for _, _, ln in rows], scope=scope,
                          reported=False))
    return sites
