"""Facts: one pass over the main file's cursors into plain records (see records.py).

Only cursors located in the main file are visited; the Qt headers' cursors are
touched only to read a class's bases (ancestry) or a callee's declaring class.
"""

from __future__ import annotations

import ctypes
import os
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path

from . import digraph as nx

from . import cursors, facts_decls, facts_members, facts_names, facts_switches, facts_unparsed, toolchain
from . import facts_scopes, facts_shifts, facts_values
from .spans import ByLine, Spans
from .frontend import Diagnostic, Parsed, char_column, source_lines
from .records import (
    AllocationFact,
    ArrayIndexFact,
    BufferArgFact,
    TemporaryPointerFact,
    CStringFact,
    ConstantCastFact,
    ShiftFact,
    CalleeDecl,
    ClassScope,
    EnumDecl,
    SwitchFact,
    CtorFact,
    FieldFact,
    ArgFact,
    CallFact,
    ClassFact,
    Comparison,
    ConnectFact,
    DeleteFact,
    ExitFact,
    FunctionFact,
    IncludeFact,
    LambdaFact,
    MacroClass,
    MacroUse,
    MemberAccess,
    StmtFact,
    StringMemberFact,
    SymbolUse,
    UnparsedRegion,
    VariableFact,
)

QTEST_MAIN_MACROS = {"QTEST_MAIN", "QTEST_APPLESS_MAIN", "QTEST_GUILESS_MAIN"}
SMART_POINTERS = ("QScopedPointer", "std::unique_ptr", "unique_ptr", "QSharedPointer", "std::shared_ptr",
                  "shared_ptr", "QPointer", "std::auto_ptr")
OWNING_SMART = tuple(s for s in SMART_POINTERS if s != "QPointer")
SIZE_METHODS = {"size", "length", "count", "capacity", "bytesAvailable_bound"}
MIN_FUNCTIONS = {"qMin", "min", "qBound", "clamp"}
RELATIONAL = {"<", "<=", ">", ">=", "==", "!="}
ASSERT_MACROS = {"Q_ASSERT", "Q_ASSERT_X", "assert"}
# Calls that never return, by qualified name (QEventLoop::exit and QThread::exit return: not these).
NORETURN = {"QMessageLogger::fatal", "abort", "std::abort", "exit", "std::exit", "_Exit", "std::_Exit", "quick_exit",
            "std::quick_exit", "std::terminate", "terminate", "qTerminate", "qt_check_pointer"}
STRUCTURAL = {"COMPOUND_STMT", "IF_STMT", "WHILE_STMT", "DO_STMT", "FOR_STMT", "CXX_FOR_RANGE_STMT", "SWITCH_STMT",
              "CASE_STMT", "DEFAULT_STMT", "LABEL_STMT", "CXX_TRY_STMT", "CXX_CATCH_STMT"}
# Qt calls that reparent the QObject passed to them (QLayout, QMainWindow, QTabWidget, QScrollArea, ...).
REPARENTING = {"addWidget", "insertWidget", "addLayout", "insertLayout", "setLayout", "addItem", "setCentralWidget",
               "setStatusBar", "setMenuBar", "setWidget", "addTab", "insertTab", "addRow", "insertRow",
               "setCornerWidget", "addPermanentWidget", "addDockWidget", "addToolBar", "addButton",
               "setEventDispatcher"}
GROWING = {"+=", "*=", "<<=", "|=", "^="}  # compound assignments that can make a count larger
ASSIGNMENT = facts_values.COMPOUND_WRITES  # `=` and every compound assignment


# Syntax levels the facts pass descends (lambdas nested 200 deep are about 1,000); deeper code is skipped and
# a notice says where. The parse runs with a recursion limit and a stack that fit this depth (isolate.py).
MAX_NESTING = 3000


_COMMENT = re.compile(r"/\*.*?\*/|//.*$")  # a comment between two operands is not their operator


@dataclass
class Facts:
    """Everything the rules may ask about one file."""

    path: Path
    lines: list[str]
    qt_version: str
    diagnostics: list[Diagnostic]
    classes: list[ClassFact] = field(default_factory=list)
    # classes of the project's own headers whose constructors the main file defines (lines: the header's)
    header_classes: list[ClassFact] = field(default_factory=list)
    functions: list[FunctionFact] = field(default_factory=list)
    lambdas: list[LambdaFact] = field(default_factory=list)
    calls: list[CallFact] = field(default_factory=list)
    connects: list[ConnectFact] = field(default_factory=list)
    string_members: list[StringMemberFact] = field(default_factory=list)  # SIGNAL()/SLOT()/invokeMethod("name")
    allocations: list[AllocationFact] = field(default_factory=list)
    deletes: list[DeleteFact] = field(default_factory=list)
    macros: list[MacroUse] = field(default_factory=list)
    variables: list[VariableFact] = field(default_factory=list)
    members: list[MemberAccess] = field(default_factory=list)
    global_accesses: list[MemberAccess] = field(default_factory=list)  # uses of the file's namespace-scope variables
    comparisons: list[Comparison] = field(default_factory=list)
    exits: list[ExitFact] = field(default_factory=list)
    includes: list[IncludeFact] = field(default_factory=list)
    symbols: list[SymbolUse] = field(default_factory=list)
    include_graph: nx.DiGraph = field(default_factory=nx.DiGraph)
    degraded: bool = False  # parsed without Qt headers: Qt semantics unknown
    fields: list[FieldFact] = field(default_factory=list)  # data members of the project's classes
    ctors: list[CtorFact] = field(default_factory=list)  # the constructors those classes declare
    field_types: dict[str, str] = field(default_factory=dict)  # Class::member -> its declared type
    stmts: list[StmtFact] = field(default_factory=list)  # every function's and lambda's statement tree
    identifiers: dict[str, list[int]] = field(default_factory=dict)  # every name the code spells -> its lines
    parameters: list[VariableFact] = field(default_factory=list)  # parameters of functions and lambdas defined here
    used_files: dict[str, list[int]] = field(default_factory=dict)  # header declaring something used -> lines using it
    declarations: dict[str, list[int]] = field(default_factory=dict)  # name -> lines of the file that declare it
    declared_elsewhere: list[str] = field(default_factory=list)  # names first declared outside the file (a header)
    macro_classes: list[MacroClass] = field(default_factory=list)  # classes the project's macros define: not analysed
    not_analysed: list[str] = field(default_factory=list)  # code the facts pass skipped, and why (a notice each)
    unparsed: list[UnparsedRegion] = field(default_factory=list)  # code clang did not fully parse: no findings there
    switches: list[SwitchFact] = field(default_factory=list)  # switch statements, their case groups and endings
    callee_decls: list[CalleeDecl] = field(default_factory=list)  # how each function the file calls is declared
    enums: list[EnumDecl] = field(default_factory=list)  # the enumerations the file names: enum class or plain
    class_scopes: list[ClassScope] = field(default_factory=list)  # the classes the file names, with their members
    array_indexes: list[ArrayIndexFact] = field(default_factory=list)  # subscripts into constant-size arrays
    buffer_args: list[BufferArgFact] = field(default_factory=list)  # such arrays passed to a call with a count
    temp_pointers: list[TemporaryPointerFact] = field(default_factory=list)  # pointers taken from temporaries
    c_strings: list[CStringFact] = field(default_factory=list)  # QByteArray bytes passed on as a bare const char *
    constant_casts: list[ConstantCastFact] = field(default_factory=list)  # explicit casts of integer constants
    shifts: list[ShiftFact] = field(default_factory=list)  # built-in left shifts and the range of their count
    fact_warnings: bool = True  # clang ran with qtcheck's own warnings (frontend.FACT_WARNINGS): not under -w

    def source(self, line: int) -> str:
        return self.lines[line - 1].rstrip() if 0 < line <= len(self.lines) else ""

    def __getstate__(self):
        """Pickled (sent from a parse process or a -j worker) without what is kept beside the fields: the indexes
        and control-flow graphs built from them are rebuilt when asked for."""
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def error_lines(self) -> list[Diagnostic]:
        main = str(self.path)
        return [d for d in self.diagnostics if d.severity in ("error", "fatal") and d.file == main]

    def parse_errors(self) -> list[Diagnostic]:
        """clang's errors anywhere in the translation unit: the main file and every header it includes."""
        return [d for d in self.diagnostics if d.severity in ("error", "fatal")]

    def unparsed_lines(self) -> set[int]:
        """The lines of the regions clang did not fully parse."""
        return {line for r in self.unparsed for line in range(r.line, r.end_line + 1)}

    def unparsed_markers(self) -> list[Diagnostic]:
        """One error-like mark at the first line of each region clang did not fully parse: what depends on code
        there is treated as code next to a parse error (claims about it are unverifiable)."""
        return [Diagnostic("error", str(self.path), r.line, 1, r.why) for r in self.unparsed]

    def lambda_by_id(self, lambda_id: int | None) -> LambdaFact | None:
        return self.lambdas[lambda_id] if lambda_id is not None else None

    def function_named(self, qualified: str | None) -> FunctionFact | None:
        """The first definition of that name."""
        index = self.__dict__.get("_definitions")
        if index is None or index[0] != len(self.functions):  # functions are only ever added: count them
            first: dict[str, FunctionFact] = {}
            for fn in self.functions:
                if fn.is_definition:
                    first.setdefault(fn.qualified, fn)
            index = (len(self.functions), first)
            self.__dict__["_definitions"] = index  # not a field: never stored in the facts cache
        return index[1].get(qualified)


class _Collector:
    """The single walk. Keeps the enclosing function and lambda while it descends."""

    def __init__(self, parsed: Parsed):
        self.ci = toolchain.cindex()
        self.K = self.ci.CursorKind
        K = self.K
        # cursors that use a declaration: the use map records the header that declares it
        self.reference_kinds = {K.TYPE_REF, K.DECL_REF_EXPR, K.MEMBER_REF_EXPR, K.CALL_EXPR, K.TEMPLATE_REF,
                                K.NAMESPACE_REF, K.OVERLOADED_DECL_REF, K.MACRO_INSTANTIATION}
        self.parsed = parsed
        self.main = str(parsed.path)
        cursors.new_unit(parsed.tu, self.main, parsed.text.encode("utf-8"))  # file handles are the unit's own
        self.facts = Facts(parsed.path, source_lines(parsed.text), parsed.qt_version, parsed.diagnostics,
                           degraded=getattr(parsed, "degraded", False),
                           fact_warnings="-w" not in parsed.args and "--no-warnings" not in parsed.args)
        self._ancestry_cache: dict[str, list[str]] = {}
        self._qualified_cache: dict[str, str] = {}
        self._var_index: dict[tuple[int, int], VariableFact] = {}
        self._alloc_by_var: dict[tuple[str | None, str], AllocationFact] = {}
        self._slot_flags: dict[tuple[str, str], dict] = {}
        self._notes_of: dict[bytes, frozenset[str]] = {}
        self._stack: list[tuple[int, int]] = []  # (statement id, depth of parents when it was entered)
        # which handler of visit() a cursor kind has (the kinds the chain there tests, each once)
        self._branch = {kind: name for name, kinds in (
            ("class", (K.CLASS_DECL, K.STRUCT_DECL)),
            ("function", (K.CXX_METHOD, K.FUNCTION_DECL, K.CONSTRUCTOR, K.DESTRUCTOR, K.FUNCTION_TEMPLATE)),
            ("lambda", (K.LAMBDA_EXPR,)), ("call", (K.CALL_EXPR,)), ("subscript", (K.ARRAY_SUBSCRIPT_EXPR,)),
            ("cast", tuple(getattr(K, name) for name in sorted(facts_values.CASTS))), ("new", (K.CXX_NEW_EXPR,)),
            ("delete", (K.CXX_DELETE_EXPR,)), ("var", (K.VAR_DECL,)), ("parameter", (K.PARM_DECL,)),
            ("ref", (K.DECL_REF_EXPR,)), ("member", (K.MEMBER_REF_EXPR,)),
            ("operator", (K.BINARY_OPERATOR, K.CONDITIONAL_OPERATOR)),
            ("exit", (K.RETURN_STMT, K.GOTO_STMT, K.CXX_THROW_EXPR)), ("switch", (K.SWITCH_STMT,)),
            ("type", (K.TYPE_REF,))) for kind in kinds}
        lib = self.ci.conf.lib
        fn = lib.clang_Location_isFromMainFile
        fn.argtypes = [self.ci.SourceLocation]
        fn.restype = ctypes.c_int
        self._is_main = fn
        self._project_files: dict[str, bool] = {}
        self._fields_seen: set[str] = set()
        self._decls_seen: set[tuple] = set()  # declarations facts_decls recorded
        self._scope_names: dict[str, frozenset[str]] = {}  # a class definition's USR -> its scope's names (facts_scopes)
        self._ascii = [line.isascii() for line in self.facts.lines]
        self._project_macros: set[tuple[int, int]] = set()  # (line, col) of uses of macros the project defines
        self._macro_spans: Spans[MacroUse] = Spans([], None, None, True)  # built once the macro uses are read
        self._macros_by_name: ByLine[MacroUse] = ByLine([], None, None)
        self._macro_memo: dict[tuple[int, int], MacroUse | None] = {}
        self._macro_place: dict[int, int] = {}
        self._declared_lines: set[tuple[str, int]] = set()  # (name, line) already in facts.declarations
        self._elsewhere: set[str] = set()  # the names already in facts.declared_elsewhere
        self._base_virtuals: dict[str, tuple[dict[str, str], list]] = {}  # base class -> its virtuals, its bases
        self._directives: list = []  # the translation unit's #include directives, of every file
        self._kind_is_declaration: dict = {}
        self._kind_is_statement: dict = {}
        # Answers that depend only on the cursor asked about, by the cursor's own bytes (its kind and the
        # pointers libclang identifies it by): the same bytes are the same cursor, so the same answer.
        self._used_from: dict[bytes, str | None] = {}  # cursor used -> the file declaring it, None: none to note
        self._qualified_of: dict[bytes, str] = {}
        self._type_ancestry: dict[bytes, list[str]] = {}
        self._params_of: dict[bytes, list] = {}  # function -> its parameters and their types
        self._defaults: dict[tuple[bytes, int], str | None] = {}  # (function, parameter index) -> its default

    # ---- helpers over source text ----
    def at(self, loc) -> tuple[int, int]:
        """A location's line, and its column in characters of that line (clang counts UTF-8 bytes); see
        frontend.char_column."""
        line, column = cursors.position(loc)
        if 1 <= line <= len(self._ascii) and not self._ascii[line - 1] and self._is_main(loc):
            return line, char_column(self.facts.lines[line - 1], column)
        return line, column

    def span(self, extent) -> tuple[int, int, int, int]:
        """(*self.at(extent.start), *self.at(extent.end)), from the range's own fields where cursors can."""
        both = cursors.main_range(extent)
        if both is None:
            return (*self.at(extent.start), *self.at(extent.end))
        out = []
        for line, column in both:  # places in the main file: as at() gives them
            if 1 <= line <= len(self._ascii) and not self._ascii[line - 1]:
                column = char_column(self.facts.lines[line - 1], column)
            out += (line, column)
        return tuple(out)

    def col(self, loc) -> int:
        """A location's column in characters of its line."""
        return self.at(loc)[1]

    def text(self, extent) -> str:
        start_line, first, end_line, last = self.span(extent)
        lines = self.facts.lines
        if start_line < 1 or end_line > len(lines) or start_line > end_line:
            return ""
        if start_line == end_line:
            return lines[start_line - 1][first - 1 : last - 1]
        parts = [lines[start_line - 1][first - 1 :]]
        parts += lines[start_line : end_line - 1]
        parts.append(lines[end_line - 1][: last - 1])
        return "\n".join(parts)

    def between(self, a, b) -> str:
        """Source text between the end of cursor a and the start of cursor b (an operator)."""
        (ea_line, after), (sb_line, before) = self.at(a.extent.end), self.at(b.extent.start)
        if (ea_line, after) >= (sb_line, before):
            return ""
        lines = self.facts.lines
        if ea_line == sb_line:
            return _COMMENT.sub("", lines[ea_line - 1][after - 1 : before - 1]).strip()
        # an operator on the next line, after a comment closing this one (`a()  // why\n || b()`)
        return (_COMMENT.sub("", lines[ea_line - 1][after - 1 :]) + " " + lines[sb_line - 1][: before - 1]).strip()

    def _declaration_kind(self, kind) -> bool:
        """kind.is_declaration(), asked of libclang once per kind."""
        known = self._kind_is_declaration.get(kind)
        if known is None:
            known = self._kind_is_declaration[kind] = bool(kind.is_declaration())
        return known

    def _statement_kind(self, kind) -> bool:
        """kind.is_statement(), asked of libclang once per kind."""
        known = self._kind_is_statement.get(kind)
        if known is None:
            known = self._kind_is_statement[kind] = bool(kind.is_statement())
        return known

    def macro_at(self, line: int, col: int) -> MacroUse | None:
        """The macro use whose text holds (line, col): of nested ones the innermost (the last to start)."""
        key = (line, col)
        if key not in self._macro_memo:
            self._macro_memo[key] = self._macro_spans.innermost(key)
        return self._macro_memo[key]

    def _index_macros(self) -> None:
        macros = self.facts.macros
        self._macro_spans = Spans(macros, lambda m: (m.line, m.col), lambda m: (m.end_line, m.end_col), True)
        self._macros_by_name = ByLine(macros, lambda m: m.name, lambda m: m.line)
        self._macro_place = {id(m): i for i, m in enumerate(macros)}
        self._macro_memo.clear()

    def _macro_order(self, macro: MacroUse) -> int:
        return self._macro_place[id(macro)]

    def qualified(self, cursor) -> str:
        if cursor is None:
            return ""
        raw = bytes(cursor)
        known = self._qualified_of.get(raw)
        if known is not None:
            return known
        value = self._qualified_of[raw] = self._qualified(cursor)
        return value

    def _qualified(self, cursor) -> str:
        key = cursor.get_usr() or cursor.spelling
        if key in self._qualified_cache:
            return self._qualified_cache[key]
        parts = []
        cur = cursor
        while cur is not None and cur.kind != self.K.TRANSLATION_UNIT:
            if cur.spelling:
                parts.append(cur.spelling)
            cur = cur.semantic_parent
        value = "::".join(reversed(parts))
        self._qualified_cache[key] = value
        return value

    def ancestry(self, decl) -> list[str]:
        """Qualified names of the class and all its bases (from the class definition)."""
        if decl is None:
            return []
        definition = decl.get_definition() or decl
        key = definition.get_usr() or definition.spelling
        if key in self._ancestry_cache:
            return self._ancestry_cache[key]
        self._ancestry_cache[key] = []  # cycle guard
        out = [self.qualified(definition)]
        for child in cursors.children(definition):
            if child.kind == self.K.CXX_BASE_SPECIFIER:
                base = child.type.get_declaration()
                for name in self.ancestry(base):
                    if name not in out:
                        out.append(name)
        self._ancestry_cache[key] = out
        return out

    def type_ancestry(self, type_) -> list[str]:
        """The ancestry of the class a type names (through a pointer or a reference), by the type's own bytes."""
        raw = bytes(type_)
        known = self._type_ancestry.get(raw)
        if known is None:
            known = self._type_ancestry[raw] = self._type_ancestry_of(type_)
        return known

    def _type_ancestry_of(self, type_) -> list[str]:
        t = type_
        if t.kind == self.ci.TypeKind.POINTER or t.kind == self.ci.TypeKind.LVALUEREFERENCE:
            t = t.get_pointee()
        decl = t.get_canonical().get_declaration()
        if decl.kind in (self.K.CLASS_DECL, self.K.STRUCT_DECL, self.K.CLASS_TEMPLATE):
            return self.ancestry(decl)
        return []

    @staticmethod
    def strip(cursor):
        """Skip implicit wrappers (casts, parens) down to the expression that matters."""
        while cursor.kind.name in ("UNEXPOSED_EXPR", "PAREN_EXPR"):
            children = cursors.children(cursor)
            if len(children) != 1:
                break
            cursor = children[0]
        return cursor

    # ---- the walk ----
    def _top_level(self, tu) -> tuple[list, list, list]:
        """One pass over the translation unit's top-level cursors, keeping what the facts use: the main file's
        cursors, every #include directive (the include graph) and the classes and structs written elsewhere (what
        a macro expands to), each in the order libclang gives. Without a precompiled preamble Qt's headers bring
        tens of thousands of top-level cursors; cursor.get_children() would hold them all at once."""
        K = self.K
        is_main = self._is_main
        main, directives, elsewhere = [], [], []
        keep_kinds = (K.INCLUSION_DIRECTIVE, K.CLASS_DECL, K.STRUCT_DECL)

        def visitor(child, _parent, _data):
            child._tu = tu  # as the bindings do: the translation unit outlives the cursor
            kind = child.kind
            here = bool(is_main(child.location))
            if here:
                main.append(child)
            if kind == K.INCLUSION_DIRECTIVE:
                directives.append(child)
            elif not here and kind in keep_kinds:
                elsewhere.append(child)
            return 1  # CXChildVisit_Continue

        callback = self.ci.callbacks["cursor_visit"](visitor)
        self.ci.conf.lib.clang_visitChildren(tu.cursor, callback, None)
        return main, directives, elsewhere

    def run(self) -> Facts:
        tu = self.parsed.tu
        top, self._directives, elsewhere = self._top_level(tu)
        for c in top:
            if c.kind == self.K.MACRO_INSTANTIATION:
                self._note_use(c)
                ext = c.extent
                self.facts.macros.append(
                    MacroUse(c.spelling, *self.at(ext.start), *self.at(ext.end),
                             text=self.text(ext))
                )
                definition = c.referenced
                where = definition.location.file if definition is not None else None
                if where is not None and self._project_file(where.name):
                    self._project_macros.add((self.facts.macros[-1].line, self.facts.macros[-1].col))
            elif c.kind == self.K.INCLUSION_DIRECTIVE:
                inc = c.get_included_file()
                self.facts.includes.append(IncludeFact(c.spelling, cursors.line(c.location), inc.name if inc else None))
        self._index_macros()
        for c in top:
            if c.kind not in (self.K.MACRO_INSTANTIATION, self.K.INCLUSION_DIRECTIVE, self.K.MACRO_DEFINITION):
                self.visit(c, [], None, None, None)
        if self._project_macros:  # a declaration a macro expands to is not written in the main file: not in top
            for c in elsewhere:
                if c.is_definition() and c.location.file is not None and c.location.file.name == self.main:
                    macro = self.macro_at(*self.at(c.location))
                    if macro:
                        self._macro_class(c, macro)
        self._finish()
        self.facts.unparsed = facts_unparsed.find(self, top)
        self._include_graph()
        data = self.parsed.text.encode("utf-8")
        self.facts.identifiers = facts_names.identifiers(tu, self.main, len(data), data)
        return self.facts

    def visit(self, c, parents: list, function: str | None, lambda_id: int | None, class_name: str | None,
              role: str | None = None):
        children = cursors.keep_children(c)  # read once: the handlers below ask for them too
        try:
            K = self.K
            kind = c.kind
            if role is not None:
                self._enter_stmt(c, role, parents, function, lambda_id)
            branch = self._branch.get(kind)  # most cursors have none: the chain below is skipped
            if branch is None:
                pass
            elif branch == "class" and c.is_definition():
                macro = self.macro_at(*self.at(c.location))
                if macro:  # Q_OBJECT's QPrivateSignal and the like; the project's own macros are named in a notice
                    self._macro_class(c, macro)
                    return self._leave_stmt(role)
                class_name = self.on_class(c)
            elif branch == "function":
                fn = self.on_function(c)
                if fn is None:
                    return self._leave_stmt(role)
                function = fn.qualified
            elif branch == "lambda":
                lambda_id = self.on_lambda(c, parents, function, lambda_id)
            elif branch == "call":
                self.on_call(c, parents, function, lambda_id)
                if function is not None:
                    facts_values.on_call(self, c, parents, function, lambda_id)
            elif branch == "subscript" and function is not None:
                facts_values.on_subscript(self, c, parents, function, lambda_id)
            elif branch == "cast" and function is not None:
                facts_values.on_cast(self, c, function, lambda_id)
            elif branch == "new":
                self.on_new(c, parents, function, lambda_id)
            elif branch == "delete":
                self.on_delete(c, function, lambda_id)
            elif branch == "var" and function is not None:
                self.on_var(c, parents, function, lambda_id)
            elif branch == "parameter" and function is not None and c.spelling:
                self.facts.parameters.append(VariableFact(c.spelling, c.type.spelling, *self.at(c.location),
                                                          function, lambda_id, is_param=True))
            elif branch == "ref":
                self.on_ref(c, parents, function, lambda_id)
            elif branch == "member":
                self.on_member(c, parents, function, lambda_id)
            elif branch == "operator" and function is not None:
                self.on_binary(c, parents, function, lambda_id)
                if kind == K.BINARY_OPERATOR:
                    facts_shifts.on_binary(self, c, parents, function, lambda_id)
            elif branch == "exit":
                self.on_exit(c, function, lambda_id)
            elif branch == "switch" and function is not None:
                facts_switches.on_switch(self, c, function, lambda_id)
            elif branch == "type":
                if c.referenced is not None and c.referenced.kind == K.ENUM_DECL:
                    facts_decls.note_enum(self, c.referenced)
                elif c.referenced is not None and c.referenced.kind in (K.CLASS_DECL, K.STRUCT_DECL):
                    facts_scopes.note_class(self, c.referenced)  # `QLocalSocket socket`, `QLocalSocket::Error`
                name = c.spelling.split(" ", 1)[-1]
                self.facts.symbols.append(SymbolUse(name.split("::")[-1], name, "type", cursors.line(c.location),
                                                    self.col(c.location), function, lambda_id))
            if kind in self.reference_kinds:
                self._note_use(c)
            elif self._declaration_kind(kind) and c.spelling:
                self._note_declaration(c)
            if children and len(parents) >= MAX_NESTING:  # deeper would overflow the stack: said, never silent
                if not any("(the nesting limit)" in n for n in self.facts.not_analysed):  # the first place says it
                    self.facts.not_analysed.append(f"line {cursors.line(c.location)}: code nested more than "
                                                   f"{MAX_NESTING} syntax levels deep was not analysed (the nesting "
                                                   f"limit)")
                return self._leave_stmt(role)
            roles = self._child_roles(c, children, role)
            parents.append(c)
            for child, child_role in zip(children, roles):
                self.visit(child, parents, function, lambda_id, class_name, child_role)
            parents.pop()
            self._leave_stmt(role)
        finally:
            cursors.drop_children(c)

    # ---- statements (the control-flow graph's raw material) ----
    def _enter_stmt(self, c, role, parents, function, lambda_id):
        kind = c.kind.name if self._statement_kind(c.kind) else "THROW" if c.kind.name == "CXX_THROW_EXPR" else "EXPR"
        parent = None if role == "root" or not self._stack else self._stack[-1][0]
        macro = self.macro_at(*self.at(c.location))
        ext = c.extent
        stmt = StmtFact(len(self.facts.stmts), kind, role, parent, *cursors.lines(ext), function, lambda_id,
                        macro.name if macro else None)
        if kind == "LABEL_STMT":
            stmt.label = c.spelling
        elif kind == "GOTO_STMT":
            stmt.label = next((ch.spelling for ch in cursors.children(c) if ch.kind == self.K.LABEL_REF), None)
        self.facts.stmts.append(stmt)
        self._stack.append((stmt.id, len(parents)))

    def _leave_stmt(self, role):
        if role is not None:
            self._stack.pop()

    def current_stmt(self, function, lambda_id) -> StmtFact | None:
        """The innermost statement of this function or lambda that the walk is in."""
        if not self._stack:
            return None
        stmt = self.facts.stmts[self._stack[-1][0]]
        return stmt if (stmt.function, stmt.lambda_id) == (function, lambda_id) else None

    def _stmt_id(self, function, lambda_id) -> int | None:
        stmt = self.current_stmt(function, lambda_id)
        return stmt.id if stmt else None

    def stmt_in(self, owner: int | None, lambda_id: int | None, stmt: int | None) -> int | None:
        """Where code in lambda_id stands in the code of owner (a lambda id, or None for the function body):
        the statement itself, or the statement of the outermost nested lambda that holds it."""
        while lambda_id != owner:
            lam = self.facts.lambda_by_id(lambda_id)
            if lam is None:
                return None  # not nested in owner at all
            if lam.parent_lambda == owner:
                return lam.stmt
            lambda_id = lam.parent_lambda
        return stmt

    def _tokens_between(self, start, end) -> list[str]:
        rng = self.ci.SourceRange.from_locations(start, end)
        return [t.spelling for t in self.parsed.tu.get_tokens(extent=rng)]

    def _child_roles(self, c, children, role) -> list[str | None]:
        """What each child of a statement is to it. Bodies of functions and lambdas start a tree."""
        K = self.K
        n = len(children)
        kind = c.kind.name
        if kind in ("CXX_METHOD", "FUNCTION_DECL", "CONSTRUCTOR", "DESTRUCTOR", "FUNCTION_TEMPLATE", "LAMBDA_EXPR"):
            return ["root" if ch.kind.name in ("COMPOUND_STMT", "CXX_TRY_STMT") else None for ch in children]
        if role is None or kind not in STRUCTURAL or n == 0:
            return [None] * n
        in_macro = self.macro_at(*self.at(c.location)) is not None
        if kind == "COMPOUND_STMT":
            return ["item"] * n
        if kind == "IF_STMT":
            if in_macro:
                if n >= 4:
                    return ["init"] * (n - 3) + ["cond", "then", "else"]
                if n == 3:
                    first = children[0].kind
                    return ["init", "cond", "then"] if first in (K.DECL_STMT, K.VAR_DECL) else ["cond", "then", "else"]
                return ["cond", "then"][-n:]
            has_else = n >= 3 and "else" in self._tokens_between(children[-2].extent.end, children[-1].extent.start)
            tail = ["cond", "then", "else"] if has_else else ["cond", "then"]
            tail = tail[-n:]
            return ["init"] * (n - len(tail)) + tail
        if kind == "WHILE_STMT":
            return ["init"] * (n - 2) + ["cond", "body"][-n:]
        if kind == "DO_STMT":
            return ["body", "cond"][:n]
        if kind == "SWITCH_STMT":
            return ["init"] * (n - 2) + ["cond", "body"][-n:]
        if kind in ("CASE_STMT", "DEFAULT_STMT", "LABEL_STMT"):
            return [None] * (n - 1) + ["sub"]
        if kind == "CXX_TRY_STMT":
            return ["try"] + ["handler"] * (n - 1)
        if kind == "CXX_CATCH_STMT":
            return [None] * (n - 1) + ["body"]
        if kind == "CXX_FOR_RANGE_STMT":
            return ["head"] * (n - 1) + ["body"]
        if kind == "FOR_STMT":
            return self._for_roles(c, children, in_macro)
        return [None] * n

    def _for_roles(self, c, children, in_macro) -> list[str | None]:
        """init; cond; inc, told apart by where the header's semicolons stand (clang omits the empty ones)."""
        n = len(children)
        if in_macro:
            if n == 4:
                return ["init", "cond", "inc", "body"]
            self.facts.stmts[self._stack[-1][0]].loose = True
            return ["head"] * (n - 1) + ["body"]
        body = children[-1]
        depth, semis = 0, []
        rng = self.ci.SourceRange.from_locations(c.extent.start, body.extent.start)
        for tok in self.parsed.tu.get_tokens(extent=rng):
            if tok.spelling == "(":
                depth += 1
            elif tok.spelling == ")":
                depth -= 1
                if depth == 0:
                    break
            elif tok.spelling == ";" and depth == 1:
                semis.append(self.at(tok.location))
        if len(semis) != 2:
            self.facts.stmts[self._stack[-1][0]].loose = True
            return ["head"] * (n - 1) + ["body"]
        roles = []
        for ch in children[:-1]:
            at = self.at(ch.extent.start)
            roles.append("init" if at < semis[0] else "cond" if at < semis[1] else "inc")
        return roles + ["body"]

    # ---- classes and functions ----
    def on_class(self, c) -> str:
        K = self.K
        name = self.qualified(c)
        ancestry = self.ancestry(c)
        ext = c.extent
        marks = [m for name in ("Q_OBJECT", "Q_GADGET")  # the first of them in the file's order
                 for m in self._macros_by_name.between(name, cursors.line(ext.start), cursors.line(ext.end))]
        q_object = min(marks, key=self._macro_order).line if marks else None
        cls = ClassFact(name, cursors.line(c.location), cursors.line(ext.end), [], ancestry[1:], "QObject" in ancestry,
                        q_object, doc=c.raw_comment)
        for child in cursors.children(c):
            if child.kind == K.CXX_BASE_SPECIFIER:
                cls.bases.append(self.qualified(child.type.get_declaration()) or child.spelling)
            elif child.kind in (K.CXX_METHOD, K.FUNCTION_TEMPLATE):
                if self.macro_at(*self.at(child.location)):
                    continue  # members Q_OBJECT itself declares
                notes = self._notes(child)
                entry = (child.spelling, cursors.line(child.location))
                flags = self._slot_flags.setdefault((name, child.spelling), {})
                if "qt_signal" in notes:
                    cls.signals.append(entry)
                    flags["signal"] = True
                    for arg in child.get_arguments():
                        cls.signal_params.append((child.spelling, arg.type.spelling, cursors.line(child.location)))
                if "qt_slot" in notes:
                    cls.slots.append(entry)
                    flags["slot"] = True
                if "qt_invokable" in notes:
                    cls.invokables.append(entry)
        cls.properties = [m.line for m in self._macros_by_name.between("Q_PROPERTY", cursors.line(ext.start),
                                                                       cursors.line(ext.end))]
        self.facts.classes.append(cls)
        facts_members.note_class(self, c)
        return name

    def on_function(self, c) -> FunctionFact | None:
        K = self.K
        if self.macro_at(*self.at(c.location)):
            return None  # declared by a macro (Q_OBJECT's metaObject, QTEST_MAIN's main)
        parent = c.semantic_parent
        class_name = self.qualified(parent) if parent is not None and parent.kind in (
            K.CLASS_DECL, K.STRUCT_DECL, K.CLASS_TEMPLATE) else None
        kind = {K.CONSTRUCTOR: "constructor", K.DESTRUCTOR: "destructor"}.get(
            c.kind, "method" if class_name else "function")
        children = cursors.children(c)
        is_override = any(ch.kind == K.CXX_OVERRIDE_ATTR for ch in children)
        flags = self._slot_flags.get((class_name, c.spelling), {}) if class_name else {}
        ancestry = self.ancestry(parent) if class_name else []
        fn = FunctionFact(
            name=c.spelling,
            qualified=self.qualified(c),
            class_name=class_name,
            kind=kind,
            line=cursors.line(c.location),
            col=self.col(c.location),
            end_line=cursors.line(c.extent.end),
            is_definition=c.is_definition(),
            is_slot=bool(flags.get("slot")),
            is_signal=bool(flags.get("signal")),
            is_override=is_override or (c.is_virtual_method() and c.spelling == "run"),
            is_thread_run=c.spelling == "run" and "QThread" in ancestry[1:],
            doc=c.raw_comment,
            params=[(a.spelling, a.type.spelling) for a in c.get_arguments()] if c.kind != K.FUNCTION_TEMPLATE else [],
        )
        if class_name and c.kind in (K.CXX_METHOD, K.DESTRUCTOR):
            fn.is_virtual = bool(c.is_virtual_method())  # also when it overrides a virtual of a base
            base = self._base_virtual(parent, c) if c.kind == K.CXX_METHOD else None
            fn.overrides = base if fn.is_virtual else None
            fn.hides = None if fn.is_virtual else base
        if c.kind == K.CONSTRUCTOR and parent is not None:
            if c.is_definition():
                fn.member_inits, fn.delegates = facts_members.member_inits(self, c)
            if self._is_project(parent.location):
                facts_members.note_class(self, parent)
        self.facts.functions.append(fn)
        return fn

    def _base_virtual(self, cls, method) -> str | None:
        """A virtual function of a base with this method's name: the one it overrides when it is virtual, the one
        it hides when it is not (`incomingConnection(int)` beside `QLocalServer::incomingConnection(quintptr)`)."""
        definition = cls.get_definition() or cls
        todo = [ch.type.get_declaration() for ch in cursors.children(definition)
                if ch.kind == self.K.CXX_BASE_SPECIFIER]
        seen = set()
        while todo:
            base = todo.pop()
            base = base.get_definition() or base
            key = base.get_usr() or base.spelling
            if key in seen:
                continue
            seen.add(key)
            virtuals, bases = self._virtuals_of(base, key)
            if method.spelling in virtuals:
                return virtuals[method.spelling]
            todo += bases
        return None

    def _virtuals_of(self, base, key: str) -> tuple[dict[str, str], list]:
        """A class's own virtual methods by name (the first declared of each name, as `name(param types)` qualified)
        and the declarations of its direct bases: read once per class, however many methods ask."""
        if key not in self._base_virtuals:
            virtuals: dict[str, str] = {}
            bases = []
            for ch in cursors.children(base):
                if ch.kind == self.K.CXX_METHOD and ch.spelling not in virtuals and ch.is_virtual_method():
                    params = ", ".join(a.type.spelling for a in ch.get_arguments())
                    virtuals[ch.spelling] = f"{self.qualified(base)}::{ch.spelling}({params})"
                if ch.kind == self.K.CXX_BASE_SPECIFIER:
                    bases.append(ch.type.get_declaration())
            self._base_virtuals[key] = (virtuals, bases)
        return self._base_virtuals[key]

    def on_lambda(self, c, parents, function, parent_lambda) -> int:
        text = self.text(c.extent)
        match = re.match(r"\[([^\]]*)\]", text)
        captures = [p.strip() for p in match.group(1).split(",") if p.strip()] if match else []
        lam = LambdaFact(len(self.facts.lambdas), *self.at(c.location), cursors.line(c.extent.end),
                         function, parent_lambda, captures, stmt=self._stmt_id(function, parent_lambda))
        self.facts.lambdas.append(lam)
        return lam.id

    # ---- expressions ----
    def classify_result(self, c, parents) -> tuple[str, str | None]:
        K = self.K
        child = c
        for parent in reversed(parents):
            kind = parent.kind
            if kind in (K.UNEXPOSED_EXPR, K.PAREN_EXPR) or kind.name == "EXPR_WITH_CLEANUPS":
                child = parent
                continue
            if kind == K.CSTYLE_CAST_EXPR or kind == K.CXX_STATIC_CAST_EXPR:
                if parent.type.spelling == "bool":  # QVERIFY(x) is qVerify(static_cast<bool>(x), ...)
                    child = parent
                    continue
                return ("voided" if parent.type.spelling == "void" else "other"), None
            if kind == K.COMPOUND_STMT:
                return "discarded", None
            if kind in (K.IF_STMT, K.WHILE_STMT, K.DO_STMT, K.FOR_STMT, K.SWITCH_STMT):
                children = cursors.children(parent)
                if kind == K.DO_STMT:
                    is_cond = children and children[-1] == child
                elif kind == K.FOR_STMT:
                    is_cond = child.type.spelling == "bool" and children[-1] != child
                else:
                    is_cond = children and children[0] == child
                return ("tested" if is_cond else "discarded"), None
            if kind in (K.VAR_DECL,):
                return "assigned", parent.spelling
            if kind == K.RETURN_STMT:
                return "returned", None
            if kind in (K.UNARY_OPERATOR, K.BINARY_OPERATOR, K.CONDITIONAL_OPERATOR):
                if kind == K.BINARY_OPERATOR:
                    ops = cursors.children(parent)
                    op = self.between(ops[0], ops[1]) if len(ops) == 2 else ""
                    if op == "=" and ops[1] == child:
                        target = self.strip(ops[0])
                        return "assigned", target.spelling
                    if op == ",":
                        return "discarded", None
                return "tested", None
            if kind == K.CALL_EXPR:
                if parent.spelling in ("qCompare", "qVerify") or (
                    self.macro_at(*self.at(parent.location))
                    and parent.spelling.startswith("q") and "QTest" in self.qualified(parent.referenced)
                ):
                    return "qtest", None
                return "argument", None
            if kind == K.MEMBER_REF_EXPR:
                return "other", None
            return "other", None
        return "other", None

    def _call_args(self, c, ref) -> list[ArgFact]:
        """The call's arguments, each with its parameter's declared type; a default the caller left out carries
        the default's spelling from the declaration (`= 30000`, `= QDeadlineTimer(QDeadlineTimer::Forever)`)."""
        raw = list(c.get_arguments())
        args = [self.describe_arg(a) for a in raw]
        for arg, cursor in zip(args, raw):
            if arg.kind == "literal" and not arg.text:  # inside a macro's arguments the extent can come back empty
                arg.text = "".join(t.spelling for t in cursor.get_tokens())
        params = self._params(ref)
        for i, (arg, (param, spelling)) in enumerate(zip(args, params)):
            arg.param = spelling
            if arg.kind == "default" and not arg.text:
                default = self._default_of(ref, i, param)
                if default is not None:
                    arg.text = default
        return args

    def _params(self, ref) -> list:
        """(parameter, its type's spelling) of a function: read once per function, however often it is called."""
        raw = bytes(ref)
        if raw not in self._params_of:
            try:
                params = list(ref.get_arguments())
            except Exception:
                params = []
            self._params_of[raw] = [(p, p.type.spelling) for p in params]
        return self._params_of[raw]

    def _default_of(self, ref, index: int, param) -> str | None:
        """The default argument's spelling from the parameter's declaration (None: it has no `=`)."""
        key = (bytes(ref), index)
        if key not in self._defaults:
            tokens = [t.spelling for t in param.get_tokens()]
            self._defaults[key] = " ".join(tokens[tokens.index("=") + 1:]).replace(" :: ", "::").replace(
                " ( ", "(").replace(" )", ")").replace("( ", "(") if "=" in tokens else None
        return self._defaults[key]

    def describe_arg(self, a) -> ArgFact:
        K = self.K
        if cursors.file_name(a.location) != self.main:  # (None: no file)
            return ArgFact("default", "", type=a.type.spelling)  # a defaulted argument the caller left out
        s = self.strip(a)
        text = self.text(a.extent)
        if s.kind == K.LAMBDA_EXPR:
            return ArgFact("lambda", text, lambda_id=None, type="lambda")
        if s.kind == K.CXX_THIS_EXPR:
            return ArgFact("this", text or "this", type=s.type.spelling)
        if s.kind in (K.CXX_NULL_PTR_LITERAL_EXPR, K.GNU_NULL_EXPR) or (s.kind == K.INTEGER_LITERAL and text == "0"):
            return ArgFact("null", text or "nullptr")
        if s.kind == K.DECL_REF_EXPR:
            return ArgFact("var", text or s.spelling, name=s.spelling, type=s.type.spelling)
        if s.kind == K.MEMBER_REF_EXPR and s.referenced is not None and s.referenced.kind == K.FIELD_DECL:
            return ArgFact("member", text or s.spelling, name=s.spelling, type=s.type.spelling)
        if s.kind == K.CALL_EXPR:
            return ArgFact("call", text or s.spelling, name=s.spelling, receiver=self.receiver_of(s)[0],
                           type=s.type.spelling)
        if s.kind.is_unexposed() and a.type.spelling == "std::nullptr_t":
            return ArgFact("null", text)
        if s.kind in (K.INTEGER_LITERAL, K.STRING_LITERAL, K.FLOATING_LITERAL, K.CXX_BOOL_LITERAL_EXPR):
            return ArgFact("literal", text or s.spelling, type=s.type.spelling)
        return ArgFact("other", text, type=s.type.spelling)

    def receiver_of(self, call) -> tuple[str | None, str, list[str]]:
        """(name, type, ancestry) of the object a member call is made on."""
        K = self.K
        children = cursors.children(call)
        if not children:
            return None, "", []
        callee = children[0]
        if callee.kind != K.MEMBER_REF_EXPR:
            callee = self.strip(callee)
            if callee.kind != K.MEMBER_REF_EXPR:
                return None, "", []
        inner = cursors.children(callee)
        if not inner:
            parent = call.referenced.semantic_parent if call.referenced is not None else None
            return "this", parent.spelling if parent else "", self.ancestry(parent) if parent else []
        obj = self.strip(inner[0])
        name = {K.CXX_THIS_EXPR: "this"}.get(obj.kind, obj.spelling or None)
        return name, obj.type.spelling, self.type_ancestry(obj.type)

    def on_call(self, c, parents, function, lambda_id):
        K = self.K
        ref = c.referenced
        spelling = c.spelling
        if ref is not None and ref.kind == K.CONSTRUCTOR and any(  # QSignalSpy spy(&p, SIGNAL(readyRead()))
                self._macros_by_name.between(name, *cursors.lines(c.extent))
                for name in ("SIGNAL", "SLOT")):
            # (asked of the macro index, not of every constructor argument's text: this runs for every object made)
            self.on_string_member(c, None, [self.describe_arg(a) for a in c.get_arguments()], ref.spelling)
        if ref is None or ref.kind in (K.CONSTRUCTOR, K.CONVERSION_FUNCTION) or not spelling:
            return
        if spelling.startswith("operator"):
            return
        qualified = self.qualified(ref)
        receiver, receiver_type, receiver_ancestry = self.receiver_of(c)
        owner = ref.semantic_parent
        candidates = []
        if owner is not None and owner.kind in (K.CLASS_DECL, K.STRUCT_DECL, K.CLASS_TEMPLATE):
            for cls in self.ancestry(owner) + receiver_ancestry:
                candidates.append(f"{cls}::{spelling}")
        else:
            candidates.append(qualified)
        result, assigned = self.classify_result(c, parents)
        loc = c.location
        line, col = self.at(loc)
        macro = self.macro_at(line, col)
        ctype = c.type
        call = CallFact(
            id=len(self.facts.calls),
            name=spelling,
            qualified=qualified,
            candidates=sorted(set(candidates)),
            receiver=receiver,
            receiver_type=receiver_type,
            line=line,
            col=col,
            end_line=cursors.line(c.extent.end),
            function=function,
            lambda_id=lambda_id,
            result=result,
            assigned_to=assigned,
            macro=macro.name if macro else None,
            args=self._call_args(c, ref),
            text=self.text(c.extent),
            returns_value=ctype.spelling not in ("void", ""),
            stmt=self._stmt_id(function, lambda_id),
            mutates=ref.kind == K.CXX_METHOD and not ref.is_static_method() and not ref.is_const_method(),
            signal=ref.kind == K.CXX_METHOD and self._is_signal(ref),
        )
        self.facts.calls.append(call)
        facts_decls.note_callee(self, ref, qualified)
        call.conditional = not self._unconditional(parents, c)
        if qualified in NORETURN and call.stmt is not None and not call.conditional:
            self.facts.stmts[call.stmt].noreturn = True
        self.facts.symbols.append(SymbolUse(spelling, qualified, "call", call.line, call.col, function, lambda_id))
        if ctype.kind == self.ci.TypeKind.POINTER and "QObject" in self.type_ancestry(ctype):
            self.on_handed_out(c, call, parents)
        if spelling == "connect" and qualified.startswith("QObject::"):
            self.on_connect(c, call)
        if any(a.text.startswith(("SIGNAL(", "SLOT(")) for a in call.args) or (
                spelling == "invokeMethod" and call.args and len(call.args) > 1 and call.args[1].kind == "literal"):
            self.on_string_member(c, call.id, call.args, spelling)

    def on_string_member(self, c, call_id: int | None, described: list[ArgFact], callee: str):
        """SIGNAL()/SLOT() arguments and invokeMethod's method name: what the receiver's class declares of that
        name, looked up in its declaration and its bases' (the headers moc read)."""
        args = list(c.get_arguments())
        for i, arg in enumerate(described):
            text = arg.text.strip()
            m = re.fullmatch(r"(SIGNAL|SLOT)\s*\(\s*(\w+)\s*\(.*\)\s*\)", text, re.S)
            if m:
                form, name, at = m.group(1), m.group(2), i - 1
            elif callee == "invokeMethod" and i == 1 and arg.kind == "literal" and text.startswith('"'):
                form, name, at = "string", text.strip('"'), 0
            else:
                continue
            if at < 0 or at >= len(args) or i >= len(args):
                continue
            # connect(sender, SIGNAL(x()), ...): the signal belongs to the sender, the argument before it too
            rtype = self.strip(args[at]).type.get_canonical()
            if rtype.kind == self.ci.TypeKind.POINTER:
                rtype = rtype.get_pointee()
            decl = rtype.get_declaration()
            loc = args[i].location
            fact = StringMemberFact(call_id, *self.at(loc), form, name, text, described[at].text,
                                    self.qualified(decl) if decl is not None and decl.spelling else "")
            if decl is not None and decl.spelling:
                self._meta_lookup(decl, name, fact, set())
            self.facts.string_members.append(fact)

    def _meta_lookup(self, cls, name: str, fact: StringMemberFact, seen: set):
        """What cls and its bases declare under name (signal, slot, invokable, method), and whether moc made a
        meta-object for them (a staticMetaObject member, which Q_OBJECT declares)."""
        K = self.K
        key = self.qualified(cls)
        if key in seen:
            return
        seen.add(key)
        for child in cursors.children(cls):
            if child.kind == K.VAR_DECL and child.spelling == "staticMetaObject":
                fact.class_has_meta = True
            elif child.kind in (K.CXX_METHOD, K.FUNCTION_TEMPLATE) and child.spelling == name:
                notes = self._notes(child)
                kind = ("signal" if "qt_signal" in notes else "slot" if "qt_slot" in notes
                        else "invokable" if "qt_invokable" in notes else "method")
                if kind not in fact.found:
                    fact.found.append(kind)
                if not fact.declared_at and child.location.file is not None:
                    fact.declared_at = f"{child.location.file.name.rsplit('/', 1)[-1]}:{cursors.line(child.location)}"
            elif child.kind == K.CXX_BASE_SPECIFIER:
                base = child.type.get_declaration()
                if base is not None and base.spelling:
                    self._meta_lookup(base, name, fact, seen)

    def _unconditional(self, parents, c) -> bool:
        """Whether the expression c runs whenever its statement does: it is not the right operand of && or ||,
        nor a branch of ?: (short-circuit evaluation inside one statement)."""
        depth = self._stack[-1][1] if self._stack else len(parents)
        chain = parents[depth:] + [c]  # from the statement itself down to c
        for p, child in zip(chain, chain[1:]):
            if p.kind == self.K.CONDITIONAL_OPERATOR:
                first = next(iter(cursors.children(p)), None)
                if first is None or child != first:
                    return False
            elif p.kind == self.K.BINARY_OPERATOR:
                ops = cursors.children(p)
                if len(ops) == 2 and child == ops[1] and self.between(ops[0], ops[1]) in ("&&", "||"):
                    return False
        return True

    def on_connect(self, c, call: CallFact):
        K = self.K
        args = list(c.get_arguments())
        explicit = [a for a in args if self._is_main(a.location) and cursors.line(a.extent.start) > 0
                    and self.at(a.extent.start) != self.at(a.extent.end)]
        lam_index = next((i for i, a in enumerate(args) if self.strip(a).kind == K.LAMBDA_EXPR
                          or "(lambda at " in self.strip(a).type.get_canonical().spelling), None)  # or a stored one
        signal = None
        params = None
        if len(args) > 1:
            for node in cursors.preorder(args[1]):
                if node.kind == K.DECL_REF_EXPR and node.referenced is not None:
                    signal = self.qualified(node.referenced)
                    if node.referenced.kind == K.CXX_METHOD:
                        params = [a.type.spelling for a in node.referenced.get_arguments()]
                    self.facts.symbols.append(SymbolUse(node.spelling, signal, "signal", cursors.line(node.location),
                                                        self.col(node.location), call.function, call.lambda_id))
                    break
        if lam_index is not None:
            functor = "lambda"
            context = call.args[lam_index - 1].text if lam_index >= 3 else None
            ctype = call.args[lam_index + 1].text if lam_index + 1 < len(explicit) else None
        else:
            functor = "member" if len(args) >= 3 and self.strip(args[2]).kind == K.UNARY_OPERATOR else "other"
            context = call.args[2].text if len(args) >= 4 else None
            ctype = call.args[4].text if len(explicit) >= 5 else None
        slot = None
        if lam_index is None and len(args) >= 4:  # connect(sender, signal, receiver, &Class::slot)
            ref = next((n.referenced for n in cursors.preorder(args[3]) if n.kind == K.DECL_REF_EXPR
                        and n.referenced is not None and n.referenced.kind == K.CXX_METHOD), None)
            slot = self.qualified(ref) if ref is not None else None
        self.facts.connects.append(ConnectFact(
            call.id, call.line, call.col, call.function, call.lambda_id,
            call.args[0].text if call.args else "", signal, context, functor, None, ctype, params, slot))

    def _notes(self, method) -> frozenset[str]:
        """moc's annotations of a member function (qt_signal, qt_slot, qt_invokable; see ANNOTATE_DEFINES), read
        once per declaration (by the cursor's own bytes, so each overload on its own)."""
        raw = bytes(method)
        known = self._notes_of.get(raw)
        if known is None:
            known = self._notes_of[raw] = frozenset(
                a.spelling for a in cursors.children(method) if a.kind == self.K.ANNOTATE_ATTR)
        return known

    def _is_signal(self, method) -> bool:
        """Whether a member function is declared under `signals:`."""
        return "qt_signal" in self._notes(method)

    def on_new(self, c, parents, function, lambda_id):
        K = self.K
        type_name = c.type.get_pointee().spelling if c.type.spelling.endswith("*") else c.type.spelling
        ancestry = self.type_ancestry(c.type)
        ctor = next((ch for ch in cursors.children(c) if ch.kind == K.CALL_EXPR), None)
        parent_arg = None
        if ctor is not None:
            for a in ctor.get_arguments():
                desc = self.describe_arg(a)
                if desc.kind in ("null", "default"):
                    continue
                if desc.kind == "this" or "QObject" in self.type_ancestry(self.strip(a).type):
                    parent_arg = desc.text
        var, owner = self._holder(c, parents)
        if parent_arg is not None:
            owner = "parent"
        alloc = AllocationFact(*self.at(c.location), type_name, "QObject" in ancestry, parent_arg,
                               var, owner, function, lambda_id, text=self.text(c.extent),
                               stmt=self._stmt_id(function, lambda_id))
        self.facts.allocations.append(alloc)
        if var:
            self._alloc_by_var[(function, var)] = alloc

    def on_handed_out(self, c, call: CallFact, parents):
        """A call that returns a QObject pointer (`server->nextPendingConnection()`, `QThread::create(...)`): which
        of these hand out a new object, and who owns it, is the rules' knowledge; the facts record where it goes."""
        var, owner = self._holder(c, parents)
        alloc = AllocationFact(call.line, call.col, c.type.get_pointee().spelling, True, None, var, owner,
                               call.function, call.lambda_id, text=call.text, stmt=call.stmt, factory=call.qualified,
                               source=call.receiver or "")
        self.facts.allocations.append(alloc)
        if var and (call.function, var) not in self._alloc_by_var:
            self._alloc_by_var[(call.function, var)] = alloc

    def _holder(self, c, parents) -> tuple[str | None, str]:
        """Who holds a new object (a `new` or a call that hands one out): the variable or member it is stored in,
        and the owner kind: smart (a smart pointer), transferred (passed to a call, stored in a member
        through `->`, returned) or raw."""
        K = self.K
        var = None
        owner = "raw"
        for parent in reversed(parents):
            kind = parent.kind
            if kind in (K.UNEXPOSED_EXPR, K.PAREN_EXPR) or kind.name == "EXPR_WITH_CLEANUPS":
                continue
            if kind == K.VAR_DECL:
                var = parent.spelling
                if parent.type.spelling.startswith(OWNING_SMART) or any(
                        s in parent.type.spelling for s in OWNING_SMART):
                    owner = "smart"
            elif kind == K.BINARY_OPERATOR:
                ops = cursors.children(parent)
                var = self.strip(ops[0]).spelling if ops else None
                if ops and any(s in ops[0].type.spelling for s in OWNING_SMART):
                    owner = "smart"
            elif kind in (K.CALL_EXPR, K.CALL_EXPR):
                ctor_type = parent.type.spelling
                if any(s in ctor_type for s in OWNING_SMART) or parent.spelling in ("reset", "make_unique"):
                    owner = "smart"
                else:
                    owner = "transferred"
            elif kind.name in ("CXX_FUNCTIONAL_CAST_EXPR",) and any(s in parent.type.spelling for s in OWNING_SMART):
                owner = "smart"
            elif kind == K.MEMBER_REF_EXPR or kind == K.RETURN_STMT:
                owner = "transferred"
            elif kind == K.CONSTRUCTOR:  # `member(new T)` in the constructor's initializer list
                before = None
                for child in cursors.children(parent):
                    if child.extent.start.offset <= c.extent.start.offset <= child.extent.end.offset \
                            and child.kind != K.MEMBER_REF:
                        break
                    before = child
                if before is not None and before.kind == K.MEMBER_REF:
                    var = before.spelling
            break
        return var, owner

    def on_delete(self, c, function, lambda_id):
        var = None
        for node in cursors.preorder(c):
            if node.kind in (self.K.DECL_REF_EXPR, self.K.MEMBER_REF_EXPR):
                var = node.spelling
                break
        self.facts.deletes.append(DeleteFact(*self.at(c.location), var, function, lambda_id,
                                             self._stmt_id(function, lambda_id)))

    def on_var(self, c, parents, function, lambda_id):
        if self.macro_at(*self.at(c.location)):
            return
        var = VariableFact(c.spelling, c.type.spelling, *self.at(c.location), function, lambda_id,
                           stmt=self._stmt_id(function, lambda_id))
        if c.type.get_canonical().kind == self.ci.TypeKind.RECORD and "QObject" in self.type_ancestry(c.type):
            var.qobject = True  # a QObject on the stack: destroyed at the end of its block
            block = next((p for p in reversed(parents) if p.kind == self.K.COMPOUND_STMT), None)
            var.block_end = cursors.line(block.extent.end) if block is not None else cursors.line(c.extent.end)
        var.marked_unused = any(ch.kind == self.K.UNEXPOSED_ATTR and "unused" in self.text(ch.extent).lower()
                                for ch in cursors.children(c))
        for node in cursors.preorder(c):
            if node.kind == self.K.CALL_EXPR and node.spelling in MIN_FUNCTIONS:
                var.bounded_by += self._size_receivers(node)
            elif node.kind in (self.K.DECL_REF_EXPR, self.K.MEMBER_REF_EXPR) and node.spelling \
                    and node.referenced is not None and node.referenced.kind in (self.K.VAR_DECL, self.K.FIELD_DECL):
                var.inits.append(node.spelling)  # QMutexLocker locker(&mutex): the mutex it locks
        self.facts.variables.append(var)
        self._var_index[self.at(c.location)] = var

    def on_ref(self, c, parents, function, lambda_id):
        ref = c.referenced
        if ref is None:
            return
        if ref.kind in (self.K.FUNCTION_DECL, self.K.CXX_METHOD) and c.spelling:
            self.facts.symbols.append(SymbolUse(c.spelling, self.qualified(ref), "ref", cursors.line(c.location),
                                                self.col(c.location), function, lambda_id))
        if ref.kind == self.K.ENUM_CONSTANT_DECL and ref.semantic_parent is not None:
            facts_decls.note_enum(self, ref.semantic_parent)
        if ref.kind != self.K.VAR_DECL:
            return
        loc = ref.location
        var = self._var_index.get(self.at(loc)) if self._is_main(loc) else None
        if var is None:
            if self._is_main(loc):
                self.on_global(c, parents, function, lambda_id, ref)
            return
        write = False
        stmt = self.stmt_in(var.lambda_id, lambda_id, self._stmt_id(function, lambda_id))
        if parents:
            up = parents[-1]
            if up.kind == self.K.BINARY_OPERATOR:
                ops = cursors.children(up)
                if len(ops) == 2 and ops[0] == c and self.between(ops[0], ops[1]) == "=":
                    write = True
                    rhs = self.strip(ops[1])
                    clamps = self._size_receivers(rhs) if (
                        rhs.kind == self.K.CONDITIONAL_OPERATOR
                        or (rhs.kind == self.K.CALL_EXPR and rhs.spelling in MIN_FUNCTIONS | SIZE_METHODS)) else []
                    var.write_stmts.append((stmt, clamps, not clamps))
            elif up.kind == self.K.COMPOUND_ASSIGNMENT_OPERATOR:
                ops = cursors.children(up)
                if len(ops) == 2 and ops[0] == c:
                    var.write_stmts.append((stmt, [], self.between(ops[0], ops[1]) in GROWING))
            elif up.kind == self.K.UNARY_OPERATOR:
                op = self.text(up.extent)
                if op.startswith(("++", "&")) or op.endswith("++"):
                    var.write_stmts.append((stmt, [], True))  # ++n, or &n handed to code that may write it
        (var.writes if write else var.reads).append(cursors.line(c.location))
        if not write:  # a read that may not run (the right of && or ||, a branch of ?:) is on no path for sure
            var.read_stmts.append(stmt if self._unconditional(parents, c) else None)

    def _macro_class(self, c, macro: MacroUse) -> None:
        """A class a macro of the project defines: not analysed (code inside a macro expansion is not), so named
        for the report's notice. Qt's macros (Q_OBJECT's QPrivateSignal, Q_DECLARE_METATYPE) are not named."""
        if (macro.line, macro.col) in self._project_macros and c.spelling:
            self.facts.macro_classes.append(MacroClass(self.qualified(c), cursors.line(c.location), macro.name))

    def _project_file(self, name: str) -> bool:
        """The main file, or a file beside it or below its folder: the code under review, not Qt's or the system's."""
        if name not in self._project_files:
            here = os.path.dirname(os.path.abspath(self.main))
            self._project_files[name] = bool(name) and (name == self.main or
                                                        os.path.abspath(name).startswith(here + os.sep))
        return self._project_files[name]

    def _is_project(self, location) -> bool:
        """Declared in the main file or in a header beside it or below its folder (renderthread.h beside
        renderthread.cpp): the code under review, not Qt's or the system's."""
        if self._is_main(location):
            return True
        return self._project_file(cursors.file_name(location) or "")

    def on_member(self, c, parents, function, lambda_id):
        ref = c.referenced
        if ref is None or ref.kind != self.K.FIELD_DECL or not self._is_project(ref.location):
            return
        field_name = self.qualified(ref)
        self.facts.field_types.setdefault(field_name, ref.type.spelling)
        write, via = self._access(c, parents)
        self.facts.members.append(MemberAccess(field_name, cursors.line(c.location), function, lambda_id, write, via))

    def on_global(self, c, parents, function, lambda_id, ref):
        """A use of a variable declared at namespace scope in this file, inside a function or lambda."""
        parent = ref.semantic_parent
        if function is None or parent is None or parent.kind not in (self.K.TRANSLATION_UNIT, self.K.NAMESPACE):
            return
        write, via = self._access(c, parents)
        self.facts.global_accesses.append(MemberAccess(self.qualified(ref), cursors.line(c.location), function,
                                                       lambda_id, write, via))

    def _access(self, c, parents) -> tuple[bool, str]:
        """Whether an expression naming a variable writes it, and how (=, ++/--, a non-const method)."""
        write, via = False, "read"
        child = c
        for parent in reversed(parents):
            if parent.kind in (self.K.UNEXPOSED_EXPR, self.K.PAREN_EXPR) or (
                    parent.kind == self.K.ARRAY_SUBSCRIPT_EXPR and next(iter(cursors.children(parent)), None) == child):
                child = parent  # buffer[i] = x writes buffer
                continue
            if parent.kind == self.K.MEMBER_REF_EXPR:
                method = parent.referenced
                if method is not None and method.kind == self.K.CXX_METHOD:
                    write = not method.is_const_method()
                    via = method.spelling
            elif parent.kind in (self.K.BINARY_OPERATOR, self.K.COMPOUND_ASSIGNMENT_OPERATOR):
                ops = cursors.children(parent)
                op = self.between(ops[0], ops[1]) if len(ops) == 2 else ""
                if ops and ops[0] == child and op in ASSIGNMENT:
                    write, via = True, op
            elif parent.kind == self.K.UNARY_OPERATOR:
                op = self.text(parent.extent)
                if op.startswith(("++", "--")) or op.endswith(("++", "--")):
                    write, via = True, "++/--"
            elif parent.kind == self.K.CALL_EXPR and parent.spelling.startswith("operator"):
                write, via = True, parent.spelling
            break
        return write, via

    def _size_receivers(self, node) -> list[str]:
        out = []
        for n in cursors.preorder(node):
            if n.kind == self.K.CALL_EXPR and n.spelling in SIZE_METHODS:
                name, _t, _a = self.receiver_of(n)
                if name:
                    out.append(name)
        return out

    def on_binary(self, c, parents, function, lambda_id):
        K = self.K
        children = cursors.children(c)
        if c.kind == K.BINARY_OPERATOR:
            if len(children) != 2:
                return
            op = self.between(children[0], children[1])
            if op not in RELATIONAL:
                return
        else:
            op = "?:"
        names = sorted({n.spelling for n in cursors.preorder(c) if n.kind == K.DECL_REF_EXPR
                        and n.referenced is not None and n.referenced.kind == K.VAR_DECL})
        sizes = self._size_receivers(c)
        macro = self.macro_at(*self.at(c.location))
        if macro is not None and macro.name in ASSERT_MACROS:
            return  # recorded from the macro's text in _finish, as a debug-only bound
        in_bound, readable = self._in_bound_if_true(children, op)  # the comparison's own value
        parent = None
        for parent in reversed(parents):
            if parent.kind in (K.UNEXPOSED_EXPR, K.PAREN_EXPR, K.UNARY_OPERATOR, K.BINARY_OPERATOR):
                in_bound, readable = self._through(parent, in_bound, readable)
                continue
            break
        stmt = self.current_stmt(function, lambda_id)
        if op == "?:" or (parent is not None and parent.kind == K.CONDITIONAL_OPERATOR):
            context = "ternary"
        elif stmt is not None and stmt.role == "cond" and parent is not None and parent.kind in (
                K.IF_STMT, K.WHILE_STMT, K.FOR_STMT, K.DO_STMT):
            context = "condition"
        else:
            context = "other"
        operands = []
        if op in RELATIONAL:
            for ch in children:
                inner = self._before_conversion(ch)
                operands.append((self.text(ch.extent), inner.type.spelling, inner.type.get_canonical().spelling))
        self.facts.comparisons.append(Comparison(
            cursors.line(c.location), function, lambda_id, op, names, sizes, context, stmt=stmt.id if stmt else None,
            in_bound_when=in_bound if context == "condition" else None, readable=readable and context == "condition",
            operands=operands))

    def _before_conversion(self, c):
        """The operand as written: below the implicit conversions clang puts around it (UNEXPOSED_EXPR)."""
        while c.kind == self.K.UNEXPOSED_EXPR:
            kids = cursors.children(c)
            if len(kids) != 1:
                break
            c = kids[0]
        return c

    def _in_bound_if_true(self, children, op) -> tuple[bool | None, bool]:
        """For `n > buf.size()`: (the comparison's value whenever the count is within the size, understood)."""
        if op not in RELATIONAL or len(children) != 2:
            return None, False
        left, right = (bool(self._size_receivers(ch)) for ch in children)
        if left == right:
            return None, False
        if op in ("==", "!="):
            return op == "==", True
        smaller_left = op in ("<", "<=")  # the true comparison says the left side is the smaller
        return (smaller_left if right else not smaller_left), True

    def _through(self, parent, value: bool | None, readable: bool) -> tuple[bool | None, bool]:
        """Carry 'the value that implies the bound' up through !, && and || (anything else: not understood)."""
        if parent.kind == self.K.UNARY_OPERATOR:
            if not self.text(parent.extent).lstrip().startswith("!"):
                return None, False
            return (None if value is None else not value), readable
        if parent.kind == self.K.BINARY_OPERATOR:
            ops = cursors.children(parent)
            op = self.between(ops[0], ops[1]) if len(ops) == 2 else ""
            if op == "&&":
                return (True if value is True else None), readable  # a && b true: each part true
            if op == "||":
                return (False if value is False else None), readable  # a || b false: each part false
            return None, False
        return value, readable  # parens and implicit conversions

    def on_exit(self, c, function, lambda_id):
        K = self.K
        kind = {K.RETURN_STMT: "return", K.GOTO_STMT: "goto"}.get(c.kind, "throw")
        macro = self.macro_at(*self.at(c.location))
        if macro is not None and kind == "return":
            kind = "qtest" if macro.name.startswith(("QCOMPARE", "QVERIFY", "QFAIL", "QSKIP", "QTRY", "QFETCH",
                                                     "QEXPECT")) else "return"
        stmt = self.current_stmt(function, lambda_id)
        self.facts.exits.append(ExitFact(cursors.line(c.location), kind, function, lambda_id,
                                         macro.name if macro else None, stmt.id if stmt else None))
        if kind == "throw" and stmt is not None:
            stmt.throws = True
        if kind == "return":  # `return timer;` hands the object it was made for to the caller
            value = next(iter(cursors.children(c)), None)
            value = self.strip(value) if value is not None else None
            if value is not None and value.kind == K.DECL_REF_EXPR:
                alloc = self._alloc_by_var.get((function, value.spelling))
                if alloc is not None and alloc.owner == "raw" and alloc.lambda_id == lambda_id:
                    alloc.owner, alloc.parent_arg = ("transferred",
                                                     f"returned to the caller at line {cursors.line(c.location)}")

    # ---- after the walk ----
    def _finish(self):
        facts = self.facts
        # Which function/lambda/class each macro use stands in.
        # Of nested ones the innermost (the last to start; of two starting together, the first listed).
        defs = Spans([f for f in facts.functions if f.is_definition], lambda f: f.line, lambda f: f.end_line, False)
        lambdas = Spans(facts.lambdas, lambda x: (x.line, x.col), lambda x: x.end_line, False)
        classes = Spans(facts.classes, lambda c: c.line, lambda c: c.end_line, False)
        for m in facts.macros:
            fn = defs.innermost(m.line)
            if fn is not None:
                m.function = fn.qualified
            lam = lambdas.innermost((m.line, m.col), m.line)
            if lam is not None:
                m.lambda_id = lam.id
            cls = classes.innermost(m.line)
            if cls is not None:
                m.class_name = cls.name
            facts.symbols.append(SymbolUse(m.name, m.name, "macro", m.line, m.col, m.function, m.lambda_id))
            if m.name in ASSERT_MACROS:
                match = re.search(r"\((.*)\)", m.text, re.S)
                body = match.group(1) if match else ""
                names = sorted(set(re.findall(r"\b([A-Za-z_]\w*)\b(?!\s*[\(\.])", body)))
                sizes = re.findall(r"([A-Za-z_]\w*)\s*(?:\.|->)\s*(?:size|length|count|capacity)\s*\(", body)
                if re.search(r"<=?|>=?", body):
                    facts.comparisons.append(Comparison(m.line, m.function, m.lambda_id, "assert", names, sizes,
                                                        "assert"))
        # Test classes: a QObject class named by QTEST_MAIN, or a tst_ class.
        main_targets = {re.sub(r".*\(\s*([\w:]+).*", r"\1", m.text, flags=re.S)
                        for m in facts.macros if m.name in QTEST_MAIN_MACROS}
        for cls in facts.classes:
            cls.is_test_class = cls.is_qobject and (cls.name in main_targets or cls.name.startswith("tst_"))
        tests = {c.name for c in facts.classes if c.is_test_class}
        for fn in facts.functions:
            if fn.class_name in tests and fn.is_slot:
                fn.is_data_function = fn.name.endswith("_data")
                fn.is_test_function = not fn.is_data_function
        # Connect calls: which lambda each one passes (the first at or after the call, in the same code).
        placed: dict[tuple, list[tuple[tuple[int, int], int]]] = {}
        for i, lam in enumerate(facts.lambdas):
            placed.setdefault((lam.function, lam.parent_lambda), []).append(((lam.line, lam.col), i))
        for group in placed.values():
            group.sort()
        for conn in facts.connects:
            if conn.functor != "lambda":
                continue
            call = facts.calls[conn.call_id]
            group = placed.get((call.function, call.lambda_id), [])
            at = bisect_left(group, ((call.line, call.col), -1))
            if at < len(group) and group[at][0][0] <= call.end_line:
                target = facts.lambdas[group[at][1]]
                target.connect_call = call.id
                conn.lambda_target = target.id
        passed: dict[int, int] = {}  # connect call -> the first lambda it passes
        for lam in facts.lambdas:
            if lam.connect_call is not None:
                passed.setdefault(lam.connect_call, lam.id)
        for arg_call in facts.calls:
            for arg in arg_call.args:
                if arg.kind == "lambda":
                    arg.lambda_id = passed.get(arg_call.id)
        # Deletes matched to allocations by variable within one function.
        for d in facts.deletes:
            alloc = self._alloc_by_var.get((d.function, d.var))
            if alloc is not None and d.lambda_id != alloc.lambda_id:  # runs when the lambda runs, not in this code
                alloc.later_deletes.append(d.line)
            elif alloc is not None:
                alloc.deletes.append(d.line)
                alloc.delete_stmts.append(self.stmt_in(alloc.lambda_id, d.lambda_id, d.stmt))
        # Handed to a layout or a widget that takes ownership: `layout->addWidget(label); setLayout(layout);`.
        for call in facts.calls:
            if call.name not in REPARENTING:
                continue
            for arg in call.args:
                alloc = self._alloc_by_var.get((call.function, arg.name or ""))
                if alloc is not None and alloc.owner == "raw" and arg.kind in ("var", "member") and call.line >= alloc.line:
                    alloc.owner, alloc.parent_arg = "transferred", f"{call.name}() at line {call.line}"
        # deleteLater() on it, or connected to a signal of it: Qt deletes it once control returns to the event loop.
        for call in facts.calls:
            if call.name == "deleteLater":
                alloc = self._alloc_by_var.get((call.function, call.receiver or ""))
                if alloc is not None and call.line >= alloc.line:
                    alloc.deletes.append(call.line)
                    alloc.delete_stmts.append(self.stmt_in(alloc.lambda_id, call.lambda_id, call.stmt))
            elif call.name == "connect" and len(call.args) >= 4 and "deleteLater" in call.args[3].text:
                alloc = self._alloc_by_var.get((call.function, call.args[2].name or ""))
                if alloc is not None and alloc.owner in ("raw", "smart") and call.line >= alloc.line:
                    alloc.owner = "transferred"
                    alloc.parent_arg = f"deleteLater() connected at line {call.line}"
        # A parent given after the fact: `auto *t = new QTimer; t->setParent(this);`.
        for call in facts.calls:
            alloc = self._alloc_by_var.get((call.function, call.receiver or ""))
            if (call.name == "setParent" and alloc is not None and alloc.owner == "raw" and call.args
                    and call.args[0].kind not in ("null", "default") and call.line >= alloc.line):
                alloc.owner, alloc.parent_arg = "parent", call.args[0].text

    def _note_declaration(self, c):
        """Where the file declares a name, and whether its first declaration lives in another file (a header)."""
        lines = self.facts.declarations.setdefault(c.spelling, [])
        if (c.spelling, cursors.line(c.location)) not in self._declared_lines:
            self._declared_lines.add((c.spelling, cursors.line(c.location)))
            lines.append(cursors.line(c.location))
        try:
            where = cursors.file_name(c.canonical.location)
        except Exception:
            where = None
        if where is not None and where != self.main and c.spelling not in self._elsewhere:
            self._elsewhere.add(c.spelling)
            self.facts.declared_elsewhere.append(c.spelling)

    def _note_use(self, c):
        """The header that declares what this cursor uses (its definition where there is one): the use map."""
        try:
            ref = c.referenced
            if ref is None:
                return
            raw = bytes(ref)
            if raw in self._used_from:
                name = self._used_from[raw]
            else:
                target = ref.get_definition() or ref
                where = cursors.file_name(target.location)
                name = None if where is None or where == self.main else where
                self._used_from[raw] = name
        except Exception:  # a cursor libclang cannot resolve: no use recorded
            return
        if name is None:
            return
        lines = self.facts.used_files.setdefault(name, [])
        if not lines or lines[-1] != cursors.line(c.location):
            lines.append(cursors.line(c.location))

    def _include_graph(self):
        graph = self.facts.include_graph
        for source, included, line in getattr(self.parsed, "preamble_includes", ()):  # hidden inside a PCH
            graph.add_edge(source, included, line=line)
        for inc in self.parsed.tu.get_includes():
            if inc.source is None:  # `-include x.h` on the command line (CMake's precompiled header): no includer
                continue
            # (inc.location lies in memory libclang has freed since: only its line, cached by the bindings, is safe)
            graph.add_edge(inc.source.name, inc.include.name, line=inc.location.line)
        # get_includes() lists each file once, under its first includer; the #include directives of every
        # file also give the edges an include guard skipped, so a header brings what it brings on its own.
        for c in self._directives:  # every top-level #include directive, in the walk's order
            if c.location.file is not None:
                target = c.get_included_file()
                if target is not None and not graph.has_edge(c.location.file.name, target.name):
                    graph.add_edge(c.location.file.name, target.name, line=cursors.line(c.location))
        graph.add_node(self.main)


def collect(parsed: Parsed) -> Facts:
    """Build the facts of one parsed file."""
    try:
        return _Collector(parsed).run()
    finally:  # the unit's main file is told from offsets only while its facts pass runs
        cursors.new_unit()
