"""Plain records the facts pass produces. Rules and verdicts read these, never libclang cursors."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ClassFact:
    name: str
    line: int
    end_line: int
    bases: list[str]
    ancestry: list[str]  # every base, transitively, qualified
    is_qobject: bool
    q_object_line: int | None  # where Q_OBJECT stands, if it does
    signals: list[tuple[str, int]] = field(default_factory=list)
    slots: list[tuple[str, int]] = field(default_factory=list)
    invokables: list[tuple[str, int]] = field(default_factory=list)
    properties: list[int] = field(default_factory=list)  # lines of Q_PROPERTY
    signal_params: list[tuple[str, str, int]] = field(default_factory=list)  # (signal, type, line)
    doc: str | None = None
    is_test_class: bool = False
    file: str = ""  # a class of the project's own header (its base name): its lines are that header's


@dataclass
class MacroClass:
    """A class a macro of the project expands to: qtcheck does not analyse code inside macro expansions."""

    name: str
    line: int
    macro: str


@dataclass
class FunctionFact:
    name: str
    qualified: str
    class_name: str | None
    kind: str  # constructor, destructor, method, function
    line: int
    col: int
    end_line: int
    is_definition: bool
    is_slot: bool = False
    is_signal: bool = False
    is_override: bool = False
    is_thread_run: bool = False
    is_test_function: bool = False
    is_data_function: bool = False
    doc: str | None = None
    params: list[tuple[str, str]] = field(default_factory=list)
    is_virtual: bool = False  # declared virtual or overriding a virtual of a base (destructors of QObjects are)
    hides: str | None = None  # the base's virtual function of this name it does not override (another signature)
    overrides: str | None = None  # the base's virtual function it overrides
    member_inits: list[tuple[str, int]] = field(default_factory=list)  # a constructor's initializer list: (member, line)
    delegates: bool = False  # a constructor that delegates to another of its class


@dataclass
class FieldFact:
    cls: str  # the class, qualified
    name: str
    type: str
    line: int
    file: str  # "" for the main file, else the project header's name
    default_init: bool  # a default member initializer: `int x = 0;`, `int x{};`
    kind: str  # class (a constructor runs), reference, scalar (indeterminate unless initialized)
    qobject: bool
    access: str = ""  # public, protected, private (the access specifier it is declared under)


@dataclass
class CtorFact:
    cls: str
    line: int
    file: str  # "" for the main file, else the project header's name
    copies: bool  # a copy or move constructor: members come from the other object
    deleted: bool
    defaulted: bool


@dataclass
class LambdaFact:
    id: int
    line: int
    col: int
    end_line: int
    function: str | None
    parent_lambda: int | None
    captures: list[str]
    connect_call: int | None = None
    stmt: int | None = None  # the statement of the enclosing code the lambda expression stands in


@dataclass
class ArgFact:
    kind: str  # lambda, this, null, var, member, call, literal, other
    text: str
    name: str | None = None  # variable/member name, or called function name
    receiver: str | None = None  # for a call argument: what it was called on (buffer in buffer.data())
    type: str = ""
    lambda_id: int | None = None
    param: str = ""  # the declared type of the parameter it is passed to


@dataclass
class CallFact:
    id: int
    name: str
    qualified: str
    candidates: list[str]  # Class::name for the declaring class and the receiver's classes
    receiver: str | None
    receiver_type: str
    line: int
    col: int
    end_line: int
    function: str | None
    lambda_id: int | None
    result: str  # discarded, voided, tested, assigned, argument, returned, qtest, other
    assigned_to: str | None
    macro: str | None  # innermost macro expansion the call stands in
    args: list[ArgFact]
    text: str
    returns_value: bool
    stmt: int | None = None  # the innermost statement (StmtFact id) it stands in
    conditional: bool = False  # runs only sometimes when its statement runs: right of && or ||, a branch of ?:
    mutates: bool = False  # a non-static, non-const member function: it may change its object's members
    signal: bool = False  # the callee is a signal (declared under `signals:`): the call emits it


@dataclass
class ConnectFact:
    call_id: int
    line: int
    col: int
    function: str | None
    lambda_id: int | None
    sender: str
    signal: str | None  # Class::signal
    context: str | None
    functor: str  # lambda, member, other
    lambda_target: int | None
    connection_type: str | None
    signal_params: list[str] | None = None  # the connected signal's parameter types, when it resolved
    slot: str | None = None  # a member function connected by pointer (&Client::readFortune): Class::name


@dataclass
class AllocationFact:
    line: int
    col: int
    type: str
    qobject: bool
    parent_arg: str | None
    var: str | None
    owner: str  # parent, smart, transferred, raw
    function: str | None
    lambda_id: int | None
    deletes: list[int] = field(default_factory=list)
    text: str = ""
    stmt: int | None = None
    delete_stmts: list[int | None] = field(default_factory=list)  # the statements of those deletes
    factory: str = ""  # a call that handed it out (qualified), not a `new`
    source: str = ""  # that call's receiver (the server of nextPendingConnection())
    later_deletes: list[int] = field(default_factory=list)  # deletes in a lambda of the code (run when it is called)


@dataclass
class DeleteFact:
    line: int
    col: int
    var: str | None
    function: str | None
    lambda_id: int | None
    stmt: int | None = None


@dataclass
class MacroUse:
    name: str
    line: int
    col: int
    end_line: int
    end_col: int
    function: str | None = None
    lambda_id: int | None = None
    class_name: str | None = None
    text: str = ""


@dataclass
class VariableFact:
    name: str
    type: str
    line: int
    col: int
    function: str | None
    lambda_id: int | None
    reads: list[int] = field(default_factory=list)
    writes: list[int] = field(default_factory=list)
    bounded_by: list[str] = field(default_factory=list)  # buffers whose size its initializer is clamped to
    marked_unused: bool = False  # [[maybe_unused]] / Q_DECL_UNUSED: declared unused on purpose
    stmt: int | None = None  # the declaration's statement
    is_param: bool = False
    inits: list[str] = field(default_factory=list)  # the variables and members its initializer names
    qobject: bool = False  # a QObject by value (on the stack)
    block_end: int = 0  # for such an object: the line where its block ends and it is destroyed
    read_stmts: list[int | None] = field(default_factory=list)  # the statements of the reads, in order
    write_stmts: list[tuple[int | None, list[str], bool]] = field(default_factory=list)
    # each write: (statement, buffers whose size the new value is clamped to, whether it can grow the value)


@dataclass
class MemberAccess:
    field: str  # Class::member
    line: int
    function: str | None
    lambda_id: int | None
    write: bool
    via: str


@dataclass
class Comparison:
    line: int
    function: str | None
    lambda_id: int | None
    op: str
    names: list[str]  # variables it reads
    sizes: list[str]  # X in X.size()/X.length()/X.capacity()/X.count()
    context: str  # condition (of an if or a loop), ternary, assert, other
    stmt: int | None = None  # the statement it stands in (for a condition: the CFG's condition node)
    in_bound_when: bool | None = None  # the condition's value that implies count <= size; None: neither does
    readable: bool = False  # a condition whose bearing on the count qtcheck understood (None above is then exact)
    operands: list[tuple[str, str, str]] = field(default_factory=list)  # (text, type as written, canonical type)


@dataclass
class ExitFact:
    line: int
    kind: str  # return, throw, goto, qtest
    function: str | None
    lambda_id: int | None
    macro: str | None = None
    stmt: int | None = None


@dataclass
class StmtFact:
    """One node of a function's statement tree: the control-flow graph (cfg.py) is built from these."""

    id: int
    kind: str  # the clang cursor kind: IF_STMT, RETURN_STMT, ... or EXPR for an expression statement
    role: str  # what it is to its parent: root (a function's or lambda's body), body, item, init, cond, inc, then, else, sub, try, handler, head
    parent: int | None
    line: int
    end_line: int
    function: str | None
    lambda_id: int | None
    macro: str | None = None  # the macro expansion it comes from (QVERIFY's do/if/return)
    label: str | None = None  # a label's name, or the label a goto jumps to
    throws: bool = False  # holds a throw expression
    noreturn: bool = False  # calls qFatal, abort, exit, ...: the path ends here
    loose: bool = False  # its parts could not be told apart exactly: modelled with more paths than exist


@dataclass
class IncludeFact:
    spelling: str
    line: int
    file: str | None


@dataclass
class SymbolUse:
    name: str
    qualified: str
    kind: str  # macro, call, signal, type, ref
    line: int
    col: int
    function: str | None
    lambda_id: int | None


@dataclass
class StringMemberFact:
    """A signal, slot or invokable named by a string the compiler does not check: SIGNAL()/SLOT() in connect() or
    QTimer::singleShot(), a method name given to QMetaObject::invokeMethod() as text."""

    call_id: int | None       # None: in a constructor's arguments (QSignalSpy spy(&p, SIGNAL(readyRead())))
    line: int
    col: int
    form: str                 # SIGNAL, SLOT or string
    name: str                 # the member the text names (quit in SLOT(quit()))
    text: str                 # as written
    receiver: str             # the object it is looked up on, as written
    receiver_class: str       # that object's class, qualified ("" when the type does not say)
    found: list[str] = field(default_factory=list)  # what the class (with its bases) declares of that name:
                                                    # signal, slot, invokable, method
    declared_at: str = ""     # header:line of the first declaration of that name found
    class_has_meta: bool = False  # the class (or a base) declares Q_OBJECT: moc made its meta-object


@dataclass
class UnparsedRegion:
    """Code clang did not fully parse: a function, class or declaration whose facts may lack what clang dropped.

    Found only when clang reported an error somewhere in the translation unit (after a fatal error, a missing
    header, clang reports nothing more but still drops the expressions that used what it could not find)."""

    kind: str  # function, class, declaration
    name: str
    line: int
    end_line: int
    at: int  # the line of the first thing clang could not parse in it
    why: str  # a plain sentence: what clang could not parse there


@dataclass
class CaseGroupFact:
    """The labels of a switch that share one body (`case A: case B: ...`), and how that body ends."""

    labels: list[str]  # the enumerators or values the labels name (`PeerClosedError`, `3`), `default` for default:
    line: int  # of the first label
    end_line: int  # of the body's last statement (the first label's line for an empty body)
    acts: bool  # the body does something besides `break;`
    ends: str  # break, return, continue, goto, throw, noreturn (qFatal, abort ...), fallthrough ([[fallthrough]],
    #            Q_FALLTHROUGH()), none (control runs on past its last statement), unknown (ends in an if, loop ...)


@dataclass
class SwitchFact:
    """One switch statement of a function defined in the main file."""

    line: int
    end_line: int
    function: str | None
    lambda_id: int | None
    subject: str  # the condition as written
    enum: str | None  # the condition's enumeration type, qualified (QLocalSocket::LocalSocketError)
    enumerators: list[str]  # every enumerator of that type
    groups: list[CaseGroupFact]


@dataclass
class CalleeDecl:
    """The declaration of a function the file calls, as its header (or the file) writes it."""

    name: str
    qualified: str
    signature: str  # `static bool removeServer(const QString &name)`, rebuilt from the declaration
    returns: list[str]  # the return type as written and its canonical spelling (`quint16`, `unsigned short`)
    static: bool
    const: bool
    virtual: bool
    declared_at: str  # qlocalserver.h:55, or the main file's line
    enum: str | None = None  # the enumeration it returns, qualified
    scoped_enum: bool | None = None  # that enumeration is an `enum class`


@dataclass
class EnumDecl:
    """An enumeration the file names (its type, or one of its enumerators)."""

    name: str
    qualified: str
    scoped: bool
    underlying: str
    declared_at: str


@dataclass
class ClassScope:
    """A class the file names (a type, a qualifier, a callee's class), defined in a header or the file: every name
    its scope holds, its bases' included, so "X::Name" can be looked up as the compiler would."""

    qualified: str
    members: list[str]  # methods, data members, nested types, enumerators of its unscoped enums; bases' too
    declared_at: str  # qlocalsocket.h:22, or the main file's line
    enums: list[list[str]] = field(default_factory=list)  # [enum name, where, enumerator, ...] of its own enums


@dataclass
class ArrayIndexFact:
    """A subscript into an array whose size is a constant (`buffer[i % BufferSize]` with `char buffer[8192]`),
    with the range of the index the code fixes, if any."""

    array: str  # the array's name as written
    size: int  # its number of elements, as clang evaluates the declaration (enum constants, constexpr, sizeof)
    declared: str  # the array's declaration: `char buffer[BufferSize]` (line 13) / (renderthread.h:53)
    index: str  # the index as written
    names: list[str]  # the variables the index names
    low: int | None  # the smallest value the index can take, None: not fixed by the code
    high: int | None  # the largest
    how: str  # a sentence: how the code fixes that range (or why it does not)
    lines: list[int]  # the lines that fix it (a loop header, a declaration)
    reached: bool  # every value of that range is used (a constant, the counter of a loop that always runs on)
    write: bool  # the element is assigned
    line: int
    col: int
    function: str | None
    lambda_id: int | None


@dataclass
class BufferArgFact:
    """A call passing an array whose size is a constant together with a count (`readLine(str, 100)`)."""

    callee: str  # qualified: QIODevice::readLine
    name: str
    array: str
    size: int  # the array's size in bytes
    declared: str  # the array's declaration and where it stands
    count: int | None  # the count argument's value, when it is a constant
    count_text: str  # as written
    count_var: str | None  # the variable the count is, when it is one
    line: int
    col: int
    function: str | None
    lambda_id: int | None
    result_to: str | None = None  # the variable the call's result is stored in (`int n = readLine(str, 100)`)


@dataclass
class TemporaryPointerFact:
    """A pointer taken from a temporary object (`qPrintable(name)`, `dgram.data().constData()`,
    `s.toUtf8().data()`): valid until the end of the full-expression that made the temporary."""

    text: str  # the expression as written (the macro's use for qPrintable)
    method: str  # the member that returns the pointer: constData, data, c_str ...
    temporary: str  # the temporary's type: QByteArray
    producer: str  # the call that returns the temporary: toLocal8Bit, data ...
    use: str  # where the pointer goes: `an argument of printf()`, `stored in p`, `returned`
    stored: str | None  # the variable it is stored in (then it dangles after the statement), or None
    returned: bool  # returned from the function (dangles in the caller)
    names: list[str]  # the calls, macros and variables the expression names
    line: int
    end_line: int  # of the full-expression (the statement) the temporary lives through
    col: int
    function: str | None
    lambda_id: int | None


@dataclass
class CStringFact:
    """The bytes of a QByteArray passed on as a plain `const char *` with no length (`arg(bytes.constData())`):
    whatever reads them stops at the first '\\0'."""

    text: str  # the pointer expression as written: datagram.constData()
    array: str  # the QByteArray expression: datagram, dgram.data()
    receiver: str  # the function the pointer is passed to: arg, printf
    converted_to: str | None  # the type it is converted to on the way (QString, QAnyStringView), if any
    names: list[str]
    line: int
    col: int
    function: str | None
    lambda_id: int | None


@dataclass
class ConstantCastFact:
    """An explicit cast of an integer constant expression to an integer type (`(int)sizeof(quint32)`)."""

    text: str  # as written
    operand: str  # the constant expression as written
    value: int  # its value, as the AST evaluates it
    target: str  # the type cast to, as written
    low: int  # the range of that type
    high: int
    names: list[str]  # the names the operand spells (sizeof, quint32, BufferSize ...)
    line: int
    col: int
    function: str | None
    lambda_id: int | None


@dataclass
class ShiftFact:
    """A built-in left shift (`1 << (2 * pass + 6)`): its operands and the range the code fixes for its count, with
    the members it depends on at their default and as the class's setters may set them."""

    text: str  # as written
    left: int | None  # the shifted constant, or None
    bits: int  # the width of the result type
    signed: bool
    count: str  # the count as written
    low: int | None  # the count's range with every member at its default (None: not fixed on that side)
    high: int | None
    known: bool  # whether the code fixes the range with the defaults at all
    how: str  # a sentence: how the code fixes it
    any_high: int | None  # the count's highest value once the setters have run (None: unbounded, if any_known)
    any_known: bool  # whether every value the setters may store is known
    any_how: str  # a sentence: what the setters allow
    steps: bool  # the count's variable goes through every value up to its bound (counted up by one)
    lines: list[int]  # lines of the main file that fix the range
    names: list[str]  # the variables, members and setters involved
    line: int
    col: int
    function: str | None
    lambda_id: int | None
