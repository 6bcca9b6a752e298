"""Matchers over the literals of the main file and what Qt makes of them: IP addresses written as strings
(classified with Python's `ipaddress`), so "ff12::2115 is a link-local unicast address" is decided at the
literal's line."""

from __future__ import annotations

import ipaddress
import re

from .facts import Facts
from .matchers import Site, matcher
from .matchers_strings import literals

# the scope nibble of an IPv6 multicast address (RFC 4291, 7346)
V6_SCOPES = {1: "interface-local", 2: "link-local", 3: "realm-local", 4: "admin-local", 5: "site-local",
             8: "organization-local", 14: "global"}


def parse_address(text: str):
    """The IP address a literal or a claim's word spells (`[ff12::2115]`, `"239.255.43.21"`), or None."""
    word = text.strip().strip("\"'`").strip()
    word = word[1:-1] if word.startswith("[") and word.endswith("]") else word
    if not re.fullmatch(r"[0-9A-Fa-f:.]{2,45}", word) or not re.search(r"\d", word) or (
            "." not in word and ":" not in word):
        return None
    try:
        return ipaddress.ip_address(word)
    except ValueError:
        return None


def same_address(claimed: str, actual: str) -> bool:
    a, b = parse_address(claimed), parse_address(actual)
    return a is not None and a == b


def describe(addr) -> tuple[str, dict]:
    """What an address is, in words and as the attributes claims ask about."""
    v6 = addr.version == 6
    if addr.is_multicast:
        if v6:
            flags, scope = (addr.packed[1] >> 4) & 0xF, addr.packed[1] & 0xF
            kind = (f"an IPv6 multicast address (ff00::/8; {'transient' if flags & 1 else 'well-known'}, "
                    f"{V6_SCOPES.get(scope, f'scope {scope}')} scope)")
            link_scope = scope == 2
        else:
            scope = ("local network control block, 224.0.0.0/24" if addr in ipaddress.ip_network("224.0.0.0/24")
                     else "administratively scoped, 239.0.0.0/8" if addr in ipaddress.ip_network("239.0.0.0/8")
                     else "224.0.0.0/4")
            kind = f"an IPv4 multicast address ({scope})"
            link_scope = addr in ipaddress.ip_network("224.0.0.0/24")
        kind += ", not a unicast address"
    else:
        link_scope = addr.is_link_local
        kind = ("the unspecified address" if addr.is_unspecified else "a loopback address" if addr.is_loopback
                else f"a link-local unicast address ({'fe80::/10' if v6 else '169.254.0.0/16'})" if addr.is_link_local
                else "a private unicast address" if addr.is_private else "a unicast address")
        kind += ", not a multicast address"
    attrs = {"multicast": addr.is_multicast, "unicast": not addr.is_multicast and not addr.is_unspecified,
             "link_local_unicast": addr.is_link_local and not addr.is_multicast, "link_local": link_scope,
             "loopback": addr.is_loopback, "private": addr.is_private and not addr.is_multicast,
             "ipv6": v6}
    return kind, attrs


@matcher("address-literals")
def address_literals(facts: Facts, params: dict) -> list[Site]:
    """One site per string literal that spells an IP address: what kind of address it is."""
    sites = []
    for line, value in literals(facts.lines):
        addr = parse_address(value)
        if addr is None:
            continue
        kind, attrs = describe(addr)
        sites.append(Site(line, 1, False, f'"{value}" (line {line}) is {kind}', {"address": [value]}, attrs,
                          reported=False))
    return sites


# ---------------------------------------------------------------- default arguments

def integer_value(text: str) -> int | None:
    """The value of an integer literal as a default spells it (`-1`, `30000`, `0x2000`, `8192LL`), or None."""
    m = re.fullmatch(r"\s*(-?)\s*(0[xX][0-9A-Fa-f']+|\d[\d']*)(?:[uU]?[lL]{0,2}|[lL]{1,2}[uU])\s*", text)
    if not m:
        return None
    digits = m.group(2).replace("'", "")
    value = int(digits, 16) if digits[:2].lower() == "0x" else int(digits)
    return -value if m.group(1) else value


def spellings(value: int) -> list[str]:
    """The ways a claim may give an integer default, as the reader spells amounts: 8192 is also 8 KiB, 30000 (ms)
    is also 30 s; 30 may be seconds too (QThread::sleep), 8000 may be 8 KB."""
    out = [str(value)]
    for unit, size in (("KiB", 1024), ("KiB", 1000), ("MiB", 1 << 20), ("MiB", 10 ** 6), ("s", 1000), ("min", 60000)):
        if value and value % size == 0:
            out.append(f"{value // size} {unit}")
    out += [f"{value} s", f"{value} min"] if value > 0 else []
    return list(dict.fromkeys(out))


def _param_names(signature: str) -> list[str]:
    """The parameters' names of a declaration rebuilt as `R name(T a, U b) const` (commas inside <> kept)."""
    inner = signature[signature.find("(") + 1:signature.rfind(")")]
    params, depth, cur = [], 0, ""
    for ch in inner:
        depth += ch in "<(" and 1 or ch in ">)" and -1 or 0
        if ch == "," and depth == 0:
            params.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        params.append(cur)
    return [(re.findall(r"[A-Za-z_]\w*$", p.strip()) or [""])[0] for p in params]


@matcher("default-arguments")
def default_arguments(facts: Facts, params: dict) -> list[Site]:
    """One site per call that leaves arguments to their defaults: which parameters, and the default each has in the
    declaration the call resolves to (read from the header), so "called without a maximum size, it uses the default
    8 KiB" is decided by the declaration's `= -1`."""
    from .matchers import _merge, _scope, _where

    decls = {d.qualified: d for d in facts.callee_decls}
    sites = []
    for call in facts.calls:
        left = [(i, a) for i, a in enumerate(call.args) if a.kind == "default" and a.text]
        if not left:
            continue
        decl = decls.get(call.qualified)
        names = _param_names(decl.signature) if decl else []
        said, values = [], []
        for i, arg in left:
            name = names[i] if i < len(names) and names[i] else f"parameter {i + 1}"
            value = integer_value(arg.text)
            said.append(f"{name} = {value if value is not None else arg.text}")
            values = None if value is None or values is None else values + spellings(value)
        where = f" ({decl.declared_at})" if decl and decl.declared_at else ""
        without = "its last argument" if len(left) == 1 else f"its last {len(left)} arguments"
        message = (f"{call.qualified}() at line {call.line} is called without {without}, so the declaration's "
                   f"default applies: {', '.join(said)}{where}")
        # a default that is no integer literal (a named constant, an expression) leaves the value undecided: its
        # value is not read here
        sites.append(Site(call.line, call.col, False, message,
                          _merge({"callee": [call.qualified, call.name, *call.candidates]},
                                 _where(facts, call.function, call.lambda_id)),
                          {"default_value": values}, scope=_scope(facts, call.function), reported=False))
    return sites


# ---------------------------------------------------------------- QString::arg placeholders

# the start of an arg() chain's text: a string literal, or one wrapped in tr(), QString(), QStringLiteral() ...
_FORMAT = re.compile(r'\s*(?:(?P<fn>(?:[A-Za-z_]\w*::)*[A-Za-z_]\w*)\s*\(\s*)?'
                     r'(?(fn)(?:(?<=translate\()\s*(?:u8|[uUL])?"(?:[^"\\\n]|\\.)*"\s*,\s*)?)'  # translate(ctx, text)
                     r'(?P<lits>(?:(?:u8|[uUL])?"(?:[^"\\\n]|\\.)*"\s*)+)'
                     r'(?:\)|,|\s*\.)')
_LITERAL = re.compile(r'(?:u8|[uUL])?"((?:[^"\\\n]|\\.)*)"')
_PLACEHOLDER = re.compile(r"%L?(\d{1,2})")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "'": "'", "\\": "\\", "0": "\0"}
_STRINGLIKE = re.compile(r"QString|QStringView|QLatin1String|QAnyStringView|QUtf8StringView|char\s*\*|char\s*\[|"
                         r"QByteArray|QChar\b")


def _format_of(text: str) -> str | None:
    m = _FORMAT.match(text)
    if not m:
        return None
    return "".join(re.sub(r"\\(.)", lambda e: _ESCAPES.get(e.group(1), e.group(1)), body)
                   for body in _LITERAL.findall(m.group("lits")))


def _values(call) -> list[str] | None:
    """The arguments an arg() call fills placeholders with: every one of the multi-argument overload (all string
    views), the first of the others (the rest are field width, base, fill character); None when unreadable."""
    given = [a for a in call.args if a.kind != "default"]
    if not given:
        return None
    if len(given) > 1 and all(_STRINGLIKE.search(a.param or a.type or "") for a in given):
        return [a.text.strip() for a in given]
    return [given[0].text.strip()]


@matcher("arg-placeholders")
def arg_placeholders(facts: Facts, params: dict) -> list[Site]:
    """One site per format literal filled by a chain of QString::arg() calls: which argument fills each %N.
    arg() replaces the lowest-numbered placeholder left (the multi-argument form: the lowest with its first
    argument, the next with its second ...), wherever it stands in the text: a Qt fact."""
    chains: dict[tuple[int, int], list] = {}
    for call in facts.calls:
        if call.name == "arg" and any(c.startswith("QString::") for c in call.candidates or [call.qualified]):
            chains.setdefault((call.line, call.col), []).append(call)
    sites = []
    for (line, col), calls in sorted(chains.items()):
        calls.sort(key=lambda c: -c.id)  # the innermost call (on the literal) was met last in the walk
        fmt = _format_of(calls[0].text)
        if fmt is None or any(c.receiver != "arg" for c in calls[1:]):
            continue
        numbers = [int(n) for n in _PLACEHOLDER.findall(fmt) if int(n) > 0]
        if not numbers:
            continue
        left, fills, unread = sorted(set(numbers)), {}, False
        for call in calls:
            values = _values(call)
            if values is None:
                unread = True
                break
            for value in values:
                if not left:
                    break
                fills[left.pop(0)] = value
        textual = list(dict.fromkeys(numbers))
        out_of_order = textual != sorted(textual)
        said = ", ".join(f"%{n} \u2190 {fills[n]}" for n in sorted(fills))
        end = max(c.end_line for c in calls)
        shown = fmt.replace("\n", "\\n")
        if unread:
            mapping = "qtcheck could not read what each arg() fills"
        else:
            mapping = (f"filled by placeholder number, not by position: {said}"
                       + (f"; %{', %'.join(map(str, left))} left unfilled (printed as written)" if left else "")
                       + "; QString::arg() replaces the lowest-numbered placeholder left, wherever it stands in the "
                         "text (Qt's documented behaviour)")
        for n in textual:  # one site per placeholder: "%2 is never replaced" asks about %2 alone
            attrs = {"misplaced": None if unread or not out_of_order else False,  # the text's order moves nothing
                     "unfilled": None if unread else n in left}
            sites.append(Site(line, col, False, f'%{n} of the format "{shown}" (line {line}): {mapping}',
                              {"placeholder": [f"%{n}", f"%L{n}"], "callee": ["QString::arg", "arg"]}, attrs,
                              end_line=end, evidence=list(range(line + 1, end + 1)), reported=False))
    return sites


# ---------------------------------------------------------------- what a literal holds

def _declared_literal(facts: Facts, name: str, line: int) -> str | None:
    """The text of the one string literal a variable's declaration initializes it with (`const QByteArray
    testData("test");`, `QString s = QStringLiteral("a\\n")`), escapes read; None when there is no single one."""
    source = facts.source(line)
    m = re.search(rf"\b{re.escape(name)}\b\s*(?:=|\(|\{{)", source)
    if not m:
        return None
    found = literals([source[m.end():]])
    if len(found) != 1 or not re.fullmatch(r'[\s\w:()={]*"(?:[^"\\]|\\.)*"\s*[)}]*\s*;.*', source[m.end():]):
        return None
    return found[0][1]


@matcher("literal-contents")
def literal_contents(facts: Facts, params: dict) -> list[Site]:
    """One site per variable (a local or a namespace-scope one) initialized with a string literal: whether its text
    ends with a newline, at the declaration and the lines that use the variable."""
    from .matchers import _merge, _where

    candidates = []  # (name, line, col, function, lambda_id, lines using it)
    passed: dict[tuple, set[int]] = {}  # (function, variable) -> lines of the calls given it: grouped once
    for c in facts.calls:
        for a in c.args:
            if a.kind == "var":
                passed.setdefault((c.function, a.name), set()).add(c.line)
    for var in facts.variables:
        if not var.is_param:
            uses = passed.get((var.function, var.name), set()) | set(var.reads)
            candidates.append((var.name, var.line, var.col, var.function, var.lambda_id, uses))
    globals_used: dict[str, set[int]] = {}
    for access in facts.global_accesses:
        globals_used.setdefault(access.field.split("::")[-1], set()).add(access.line)
    for name, uses in sorted(globals_used.items()):
        declared = facts.declarations.get(name, [])
        if len(declared) == 1:
            candidates.append((name, declared[0], 1, None, None, uses))
    sites = []
    for name, line, col, function, lambda_id, uses in candidates:
        text = _declared_literal(facts, name, line)
        if text is None:
            continue
        ends = text.endswith("\n")
        passed = sorted(uses - {line})
        # a use that adds a line end itself (`testData + "\n"`, `<< endl`, `'\n'`): what is written is not the literal
        end_after = re.compile(rf"\b{re.escape(name)}\b[^;]*?(?:\+|<<)\s*(?:\w+(?:::\w+)*\(\s*)?"
                               r"(?:[\"']\\n|(?:Qt::)?endl\b)")
        joined = [ln for ln in passed if end_after.search(facts.source(ln))]
        shown = text.replace("\n", "\\n")
        message = (f'{name} holds the string "{shown}" (line {line}), which '
                   f'{"ends" if ends else "does not end"} with a newline')
        if passed:
            message += f"; it is used at line(s) {', '.join(map(str, passed[:6]))}"
        if joined and not ends:
            message += f"; but line {joined[0]} writes a line end beside it, so what is sent may end with one"
        sites.append(Site(line, col, False, message, _merge({"variable": [name]}, _where(facts, function, lambda_id)),
                          {"newline_terminated": None if joined and not ends else ends}, evidence=passed[:4],
                          reported=False))
    return sites
