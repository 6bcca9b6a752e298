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


@dataclass
class ArgFact:
    kind: str  # lambda, this, null, var, member, call, literal, other
    text: str
    name: str | None = None  # variable/member name, or called function name
    receiver: str | None = None  # for a call argument: what it was called on (buffer in buffer.data())
    type: str = ""
    lambda_id: int | None = None


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


@dataclass
class DeleteFact:
    line: int
    col: int
    var: str | None
    function: str | None
    lambda_id: int | None


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
    context: str  # condition, assert, min, other
    if_lines: tuple[int, int] | None = None  # the whole if statement it is the condition of
    then_lines: tuple[int, int] | None = None  # that if statement's then-branch
    then_exits: bool = False  # the then-branch leaves the scope (return, throw, break, continue, goto)


@dataclass
class ExitFact:
    line: int
    kind: str  # return, throw, goto, qtest
    function: str | None
    lambda_id: int | None
    macro: str | None = None


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
