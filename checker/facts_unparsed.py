"""Unparsed domain of the facts: the functions and classes of the main file that clang did not fully parse.

After an error clang recovers: it drops an invalid declaration's initializer, keeps a call it could not
resolve as an expression of no type (a recovery expression), and after a fatal error (a missing header) it
reports nothing more while dropping whole statements that named what it could not find. Facts drawn from such
code lack what clang dropped (a variable looks never read, a class looks like no QObject), so findings there are
not reported and the report says what was not checked (see unparsed_notices and mark_sites).

Only looked for when clang reported an error somewhere in the translation unit: clean code has none of these.
"""

from __future__ import annotations

import ctypes
import os
from bisect import bisect_left, bisect_right
from ctypes import POINTER, byref, c_uint, cast

from . import cursors
from .frontend import char_column
from .records import UnparsedRegion

MAX_NOTICES = 20
FORCE = False  # look even in a file clang parsed cleanly (tests: clean code must have no region)
FUNCTION_KINDS = ("FUNCTION_DECL", "CXX_METHOD", "CONSTRUCTOR", "DESTRUCTOR", "FUNCTION_TEMPLATE",
                  "CONVERSION_FUNCTION")
CLASS_KINDS = ("CLASS_DECL", "STRUCT_DECL", "UNION_DECL", "CLASS_TEMPLATE", "CLASS_TEMPLATE_PARTIAL_SPECIALIZATION")
TEMPLATE_KINDS = ("FUNCTION_TEMPLATE", "CLASS_TEMPLATE", "CLASS_TEMPLATE_PARTIAL_SPECIALIZATION")
SCOPE_KINDS = ("NAMESPACE", "LINKAGE_SPEC", "UNEXPOSED_DECL")
# what libclang shows a recovery expression or an unresolved call as (its type is dependent outside any template)
RECOVERY_KINDS = {"UNEXPOSED_EXPR", "CALL_EXPR", "MEMBER_REF_EXPR", "DECL_REF_EXPR"}
# tokens a statement list may hold outside its statements
SEPARATORS = {";", "{", "}"}


def parse_errors(diagnostics) -> list:
    return [d for d in diagnostics if d.severity in ("error", "fatal")]


def short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Finder:
    def __init__(self, collector):
        self.c = collector
        self.ci = collector.ci
        self.tu = collector.parsed.tu
        self.main = collector.main
        lib = self.ci.conf.lib
        invalid = lib.clang_isInvalidDeclaration
        invalid.argtypes = [self.ci.Cursor]
        invalid.restype = ctypes.c_uint
        self._invalid = invalid
        errors = [d for d in parse_errors(collector.facts.diagnostics) if d.file == self.main]
        self.error_lines = sorted(d.line for d in errors)
        self.error_at = {}
        for d in errors:
            self.error_at.setdefault(d.line, d.message)
        self.fatal = FORCE or any(d.severity == "fatal" for d in collector.facts.diagnostics)
        self.regions: list[UnparsedRegion] = []
        self._headers: dict[str, str | None] = {}  # classes defined in headers -> why their methods are not checked
        self.methods: list[tuple[str, object, str]] = []  # (class, cursor, name) of every function defined here

    # ---- what clang could not parse inside a cursor ----
    def _text(self, cursor) -> str:
        try:
            return short(self.c.text(cursor.extent))
        except Exception:  # a range libclang cannot slice: say no more than the line
            return ""

    def _error_in(self, lo: int, hi: int) -> tuple[int, str] | None:
        at = bisect_right(self.error_lines, lo - 1)
        if at < len(self.error_lines) and self.error_lines[at] <= hi:
            line = self.error_lines[at]
            return line, f"clang could not parse line {line} ({short(self.error_at[line], 100)})"
        return None

    def _problem(self, cursor, in_template: bool) -> tuple[int, str] | None:
        """The first thing clang could not parse in cursor's subtree: an invalid declaration, an expression
        clang could not give a type (outside templates, where that is normal), a statement it dropped."""
        K = self.ci.CursorKind
        stack = [(cursor, in_template)]
        found: list[tuple[int, str]] = []
        tokens = None  # the cursor's tokens, read once when a block is first looked at
        while stack:
            node, templ = stack.pop()
            kind = node.kind
            name = kind.name
            if kind.is_declaration() and self._invalid(node):
                line = node.location.line  # the root is in the main file, and so is all it holds
                what = node.spelling or self._text(node)
                found.append((line, f"clang could not make sense of the declaration of {what} at line {line} "
                                    f"(its type or initializer names something clang does not know)"))
                continue
            if not templ and name in RECOVERY_KINDS and node.type.kind.name == "DEPENDENT":
                line = node.location.line
                found.append((line, f"clang could not resolve `{self._text(node)}` at line {line}"))
                continue
            if kind == K.COMPOUND_STMT and self.fatal:  # after a fatal error clang drops code without a word
                if tokens is None:
                    tokens = self._tokens(cursor)
                dropped = self._dropped(node, tokens)
                if dropped:
                    found.append(dropped)
            if name in TEMPLATE_KINDS or (kind == K.LAMBDA_EXPR and self._generic_lambda(node)):
                templ = True
            stack.extend((child, templ) for child in cursors.children(node))
        return min(found) if found else None

    def _generic_lambda(self, node) -> bool:
        K = self.ci.CursorKind
        for child in cursors.children(node):
            if child.kind == K.TEMPLATE_TYPE_PARAMETER:
                return True
            if child.kind == K.PARM_DECL and "auto" in child.type.spelling:
                return True
        return False

    def _tokens(self, cursor) -> tuple[list[int], list[tuple[int, int]]]:
        """The cursor's tokens as (offsets, (line, byte column)s), comments and separators left out; read through
        libclang's C functions directly, as facts_names does (the bindings' Token objects are slow)."""
        ci = self.ci
        lib = ci.conf.lib
        memory, count = POINTER(ci.Token)(), c_uint()
        lib.clang_tokenize(self.tu, cursor.extent, byref(memory), byref(count))
        offsets: list[int] = []
        places: list[tuple[int, int]] = []
        if count.value < 1:
            return offsets, places
        try:
            comment = ci.TokenKind.COMMENT.value
            line, column, offset = c_uint(), c_uint(), c_uint()
            for token in cast(memory, POINTER(ci.Token * count.value)).contents:
                if lib.clang_getTokenKind(token) == comment or lib.clang_getTokenSpelling(self.tu, token) in SEPARATORS:
                    continue
                lib.clang_getInstantiationLocation(lib.clang_getTokenLocation(self.tu, token), None, byref(line),
                                                   byref(column), byref(offset))
                offsets.append(offset.value)
                places.append((line.value, column.value))
        finally:
            lib.clang_disposeTokens(self.tu, memory, count)
        return offsets, places

    def _dropped(self, block, tokens) -> tuple[int, str] | None:
        """A statement clang dropped from a block: code between the block's statements that none of them holds."""
        offsets, kept = tokens
        ext = block.extent
        covered = sorted((ch.extent.start.offset, ch.extent.end.offset) for ch in cursors.children(block)
                         if ch.location.file is not None and ch.location.file.name == self.main)
        for at in range(bisect_left(offsets, ext.start.offset), bisect_left(offsets, ext.end.offset)):
            offset = offsets[at]
            before = bisect_right(covered, (offset, float("inf"))) - 1
            if before >= 0 and covered[before][0] <= offset < covered[before][1]:
                continue
            if any(lo <= offset < hi for lo, hi in covered[:before]):  # an earlier statement reaching past it
                continue
            line, column = kept[at]
            text = self.c.facts.lines[line - 1] if 0 < line <= len(self.c.facts.lines) else ""
            if self.c.macro_at(line, char_column(text, column)):  # Q_EMIT, a macro expanding to nothing
                continue
            return line, f"clang dropped the statement at line {line}: {short(self.c.facts.source(line))}"
        return None

    # ---- regions ----
    def _bases_missing(self, cursor) -> list[str]:
        """Bases written in the class head that clang did not make base classes (it did not know them)."""
        K = self.ci.CursorKind
        parsed = [ch for ch in cursors.children(cursor) if ch.kind == K.CXX_BASE_SPECIFIER]
        head: list[str] = []
        for token in self.tu.get_tokens(extent=cursor.extent):
            if token.spelling == "{":
                break
            head.append(token.spelling)
        if ":" not in head:
            return []
        written, depth, current = [], 0, []
        for spelling in head[head.index(":") + 1:]:
            if spelling == "<":
                depth += 1
            elif spelling == ">":
                depth -= 1
            if spelling == "," and depth == 0:
                written.append(current)
                current = []
            elif spelling not in ("public", "protected", "private", "virtual"):
                current.append(spelling)
        written.append(current)
        if len(parsed) >= len(written):
            return []
        known = " ".join(ch.spelling for ch in parsed)
        return ["".join(w) for w in written if w and w[-1] not in known] or ["".join(written[-1])]

    def scan(self, cursors, scope: str | None = None, in_template: bool = False) -> None:
        K = self.ci.CursorKind
        for cursor in cursors:
            location = cursor.location
            if location.file is None or location.file.name != self.main:
                continue
            name = cursor.kind.name
            templ = in_template or name in TEMPLATE_KINDS
            if name in SCOPE_KINDS:
                self.scan(cursors.children(cursor), scope, templ)
            elif name in CLASS_KINDS and cursor.is_definition():
                self._class(cursor, templ)
            elif name in FUNCTION_KINDS and cursor.is_definition():
                self._function(cursor, templ)
            elif cursor.kind.is_declaration() and self._invalid(cursor):
                ext = cursor.extent
                self.regions.append(UnparsedRegion(
                    "declaration", cursor.spelling or self._text(cursor), ext.start.line, ext.end.line,
                    location.line, f"clang could not make sense of the declaration at line {location.line} (its "
                                   f"type or initializer names something clang does not know)"))
            elif cursor.kind == K.VAR_DECL:
                self._region("declaration", cursor, cursor.spelling, templ)

    def _region(self, kind: str, cursor, name: str, in_template: bool, extra=None) -> UnparsedRegion | None:
        ext = cursor.extent
        lo, hi = ext.start.line, ext.end.line
        problems = [p for p in (extra, self._error_in(lo, hi), self._problem(cursor, in_template)) if p]
        if not problems:
            return None
        at, why = min(problems)
        region = UnparsedRegion(kind, name, lo, hi, at, why)
        self.regions.append(region)
        return region

    def _class_elsewhere(self, cursor, owner: str) -> str | None:
        """A class defined in a header (`tst_foo.h`) whose base clang did not know: the methods the main file
        defines for it are not checked."""
        where = cursor.location.file
        if where is None or where.name == self.main:
            return None
        if owner not in self._headers:
            missing = self._bases_missing(cursor) if cursor.is_definition() else []
            self._headers[owner] = (f"its class {owner} ({os.path.basename(where.name)}, line {cursor.location.line}) "
                                    f"has a base class clang does not know: {', '.join(missing)}") if missing else None
        return self._headers[owner]

    def _class(self, cursor, in_template: bool) -> None:
        K = self.ci.CursorKind
        name = self.c.qualified(cursor) or cursor.spelling
        missing = self._bases_missing(cursor)
        extra = None
        if missing:
            extra = (cursor.location.line, f"its base class {', '.join(missing)} is not known to clang (declared in "
                                           f"a header clang could not read, or misspelled)")
        members = []
        body = []
        for child in cursors.children(cursor):
            if child.kind.name in FUNCTION_KINDS and child.is_definition():
                members.append(child)
            elif child.kind.name in CLASS_KINDS and child.is_definition():
                members.append(child)
            else:
                body.append(child)
        # the class's own declarations (bases, fields, method declarations); its inline methods are regions of
        # their own, so a broken method body leaves the rest of the class checked
        ext = cursor.extent
        problems = [p for p in [extra] + [self._problem(child, in_template) for child in body] if p]
        member_lines = [(m.extent.start.line, m.extent.end.line) for m in members]
        error = self._error_in(ext.start.line, ext.end.line)
        if error and not any(lo <= error[0] <= hi for lo, hi in member_lines):
            problems.append(error)
        if problems:
            at, why = min(problems)
            self.regions.append(UnparsedRegion("class", name, ext.start.line, ext.end.line, at, why))
        for member in members:
            if member.kind.name in CLASS_KINDS:
                self._class(member, in_template or member.kind.name in TEMPLATE_KINDS)
            else:
                self._function(member, in_template or member.kind == K.FUNCTION_TEMPLATE)

    def _function(self, cursor, in_template: bool) -> None:
        parent = cursor.semantic_parent
        if parent is not None and parent.kind.name in TEMPLATE_KINDS:
            in_template = True  # a member of a class template defined out of its class
        name = self.c.qualified(cursor) or cursor.spelling
        owner = self.c.qualified(parent) if parent is not None and parent.kind.name in CLASS_KINDS else None
        elsewhere = self._class_elsewhere(parent, owner) if owner else None
        region = self._region("function", cursor, name, in_template,
                              (cursor.extent.start.line, elsewhere) if elsewhere else None)
        if region is None and owner:
            self.methods.append((owner, cursor, name))

    def finish(self) -> list[UnparsedRegion]:
        """A method of a class clang could not parse (an unknown base) is not checked either: whether it is a
        test slot, an override or a QObject's method depends on the class."""
        broken = {r.name: r for r in self.regions if r.kind == "class"}
        for owner, cursor, name in self.methods:
            cls = broken.get(owner)
            if cls is not None and not self.c.macro_at(cursor.location.line, self.c.col(cursor.location)):
                ext = cursor.extent
                self.regions.append(UnparsedRegion("function", name, ext.start.line, ext.end.line, cls.at,
                                                   f"it belongs to class {owner}, which clang could not fully "
                                                   f"parse (line {cls.at})"))
        return sorted(self.regions, key=lambda r: (r.line, r.end_line, r.name))


def find(collector, top) -> list[UnparsedRegion]:
    """The main file's regions clang did not fully parse; none when clang reported no error at all."""
    if not parse_errors(collector.facts.diagnostics) and not FORCE:
        return []
    finder = _Finder(collector)
    finder.scan(top)
    return finder.finish()


# ---- using them: which findings to hold back, and the notices ----
class Regions:
    """Line lookups over a file's unparsed regions."""

    def __init__(self, facts):
        self.facts = facts
        self.regions = list(getattr(facts, "unparsed", []) or [])
        self.lines: set[int] = set()
        for region in self.regions:
            self.lines.update(range(region.line, region.end_line + 1))

    def __bool__(self) -> bool:
        return bool(self.regions)

    def region_at(self, line: int) -> UnparsedRegion | None:
        inside = [r for r in self.regions if r.line <= line <= r.end_line]
        return min(inside, key=lambda r: r.end_line - r.line) if inside else None

    def depends(self, site) -> UnparsedRegion | None:
        """The region a site depends on: one holding its lines, its evidence or its function, or one that spells a
        variable it is about (a use clang dropped there would change it)."""
        lines = [*range(site.line, site.end_line + 1), *site.evidence]
        if site.scope:
            lines.append(site.scope[0])
        for line in lines:
            if line in self.lines:
                return self.region_at(line)
        # a member (Class::name), or a variable of no function (a namespace-scope one): code clang dropped
        # elsewhere may have used it; a local variable's uses are all in its own function, looked at above
        for name in site.subjects.get("variable", []) or []:
            name = str(name)
            if "::" not in name and site.scope is not None:
                continue
            for line in self.facts.identifiers.get(name.split("::")[-1], []):
                if line in self.lines:
                    return self.region_at(line)
        return None


def mark_sites(facts, sites: dict) -> None:
    """Sites that depend on code clang did not fully parse are no findings: each keeps the region as `unparsed`
    (claims are made unverifiable by the verdicts' own check of error lines)."""
    regions = Regions(facts)
    if not regions:
        return
    for rule_sites in sites.values():
        for site in rule_sites:
            if site.flagged:
                region = regions.depends(site)
                if region is not None:
                    site.unparsed = region.why


def region_label(region: UnparsedRegion) -> str:
    lines = f"line {region.line}" if region.line == region.end_line else f"lines {region.line}-{region.end_line}"
    what = {"function": "", "class": "class ", "declaration": "the declaration of "}.get(region.kind, "")
    return f"{what}{region.name} ({lines})"


def unparsed_notices(facts) -> list[str]:
    """One notice per region not checked; errors of other files of the translation unit (an included header)."""
    path = str(facts.path)
    out: list[str] = []
    regions = list(getattr(facts, "unparsed", []) or [])
    for region in regions[:MAX_NOTICES]:
        out.append(f"{path}: not checked: {region_label(region)}: {region.why}")
    if len(regions) > MAX_NOTICES:
        out.append(f"{path}: not checked: {len(regions) - MAX_NOTICES} more functions, classes or declarations "
                   f"clang could not fully parse")
    return out


def header_errors(facts) -> list:
    """Errors clang reported in files other than the main one (a header it includes, or a header missing from
    one), first of each file first."""
    main = str(facts.path)
    return [d for d in parse_errors(facts.diagnostics) if d.file != main]


def header_error_notice(facts) -> str | None:
    errors = header_errors(facts)
    if not errors:
        return None
    first = errors[0]
    where = os.path.relpath(first.file) if first.file and os.path.isabs(first.file) else (first.file or "?")
    more = f" and {len(errors) - 1} more" if len(errors) > 1 else ""
    return (f"{facts.path}: clang reported {len(errors)} error(s) in the headers it includes: {where}:{first.line}: "
            f"{short(first.message, 120)}{more}; the code that depends on them may be missing from the checks")


def quiet_lines(facts, sites: dict) -> set[int]:
    """Lines where a NOLINT is never reported as suppressing nothing: code clang did not fully parse, and the lines
    of the findings held back because of it."""
    lines = facts.unparsed_lines() if hasattr(facts, "unparsed_lines") else set()
    return lines | {s.line for ss in sites.values() for s in ss if s.unparsed}
